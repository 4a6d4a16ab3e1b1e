//! Organizations (tenants). The first request of a new `org` claim provisions it, named by
//! the token's `org_name`; each keeps its own risk matrix. Settings are cached briefly so
//! that reads cost no extra query.

use crate::AppState;
use crate::dto::{Organization, RiskMatrix};
use aims_shared::db::Db;
use aims_shared::http::ApiJson;
use aims_shared::{Caller, Error};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, IntoActiveModel};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

/// How long another replica's settings change may take to be seen here.
const CACHE_TTL: Duration = Duration::from_secs(30);

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "organizations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub name: String,
        /// JSON of [`crate::dto::RiskMatrix`].
        pub risk_matrix: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An organization with its settings, as handlers need them.
#[derive(Debug, Clone)]
pub struct OrgSettings {
    pub organization: Organization,
    pub matrix: RiskMatrix,
}

fn settings(m: entity::Model) -> Result<OrgSettings, Error> {
    let matrix =
        serde_json::from_str(&m.risk_matrix).map_err(|e| Error::Internal(format!("risk matrix of {}: {e}", m.key)))?;
    Ok(OrgSettings {
        organization: Organization {
            id: m.key,
            name: m.name,
            created_at: m.created_at,
        },
        matrix,
    })
}

/// Settings with the instant they were read.
type Cached = (Instant, Arc<OrgSettings>);

#[derive(Clone, Default)]
pub struct OrgDirectory {
    cache: Arc<RwLock<HashMap<String, Cached>>>,
}

impl OrgDirectory {
    /// The caller's organization, provisioned on first use.
    pub async fn resolve(&self, db: &Db, caller: &Caller) -> Result<Arc<OrgSettings>, Error> {
        if let Some((at, s)) = self.cache.read().await.get(&caller.org)
            && at.elapsed() < CACHE_TTL
        {
            return Ok(s.clone());
        }
        let name = caller
            .org_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| caller.org.clone());
        let row = entity::ActiveModel {
            key: Set(caller.org.clone()),
            name: Set(name),
            risk_matrix: Set(serde_json::to_string(&RiskMatrix::default()).expect("serializable")),
            created_at: Set(chrono::Utc::now()),
        };
        entity::Entity::insert(row)
            .on_conflict(OnConflict::column(entity::Column::Key).do_nothing().to_owned())
            .do_nothing()
            .exec(&db.write)
            .await?;
        let model = entity::Entity::find_by_id(caller.org.clone())
            .one(&db.write)
            .await?
            .ok_or_else(|| Error::Internal("organization vanished after provisioning".into()))?;
        let s = Arc::new(settings(model)?);
        self.cache
            .write()
            .await
            .insert(caller.org.clone(), (Instant::now(), s.clone()));
        Ok(s)
    }

    async fn forget(&self, org: &str) {
        self.cache.write().await.remove(org);
    }
}

async fn get_organization(State(s): State<AppState>, caller: Caller) -> Result<Json<Organization>, Error> {
    Ok(Json(s.orgs.resolve(&s.db, &caller).await?.organization.clone()))
}

async fn get_matrix(State(s): State<AppState>, caller: Caller) -> Result<Json<RiskMatrix>, Error> {
    Ok(Json(s.orgs.resolve(&s.db, &caller).await?.matrix))
}

/// Changes the organization's risk matrix (ADMIN). Levels are derived from scores on read,
/// so existing risks take the new levels at once.
async fn put_matrix(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(matrix): ApiJson<RiskMatrix>,
) -> Result<Json<RiskMatrix>, Error> {
    let admin = caller.admin()?;
    matrix.validate()?;
    s.orgs.resolve(&s.db, &caller).await?;
    let model = entity::Entity::find_by_id(admin.org.clone())
        .one(&s.db.write)
        .await?
        .ok_or_else(|| Error::not_found("organization"))?;
    let mut active = model.into_active_model();
    active.risk_matrix = Set(serde_json::to_string(&matrix).map_err(|e| Error::Internal(e.to_string()))?);
    active.update(&s.db.write).await?;
    s.orgs.forget(&admin.org).await;
    Ok(Json(matrix))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/organization", get(get_organization))
        .route("/api/v1/settings/risk-matrix", get(get_matrix).put(put_matrix))
}
