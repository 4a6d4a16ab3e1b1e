//! AI systems: what the AIMS covers. Each carries the highest level among its open risks.

use crate::dto::{self, CreateAiSystemInput, LifecycleStage, PageQuery, UpdateAiSystemInput};
use crate::organization::OrgSettings;
use crate::paging::keyset_page;
use crate::validate::{NAME_MAX, TEXT_MAX, optional, required};
use crate::{AppState, risk};
use aims_shared::events::EventEnvelope;
use aims_shared::http::{ApiJson, ApiPath, ApiQuery, id_list};
use aims_shared::pagination::{Page, PageRequest};
use aims_shared::{Caller, Editor, Error, Tenant};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, IntoActiveModel, TransactionTrait};

pub mod entity {
    use crate::dto::{AiRole, LifecycleStage};
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "ai_systems")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub org: String,
        pub name: String,
        pub purpose: String,
        pub role: AiRole,
        pub lifecycle_stage: LifecycleStage,
        pub owner: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn to_dto(m: entity::Model, highest_score: Option<i32>, org: &OrgSettings) -> dto::AiSystem {
    dto::AiSystem {
        id: m.id,
        name: m.name,
        purpose: m.purpose,
        role: m.role,
        lifecycle_stage: m.lifecycle_stage,
        owner: m.owner,
        risk_level: highest_score.map(|s| org.matrix.level(s)),
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// Adds the risk level of each system with one grouped query.
async fn with_levels(
    db: &DatabaseConnection,
    org: &OrgSettings,
    rows: Vec<entity::Model>,
) -> Result<Vec<dto::AiSystem>, Error> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let scores = risk::highest_open_scores(db, &org.organization.id, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let score = scores.get(&m.id).copied();
            to_dto(m, score, org)
        })
        .collect())
}

/// One AI system of the tenant; another tenant's id is simply not found.
pub async fn find(db: &impl ConnectionTrait, tenant: &Tenant, id: &str) -> Result<entity::Model, Error> {
    entity::Entity::find_by_id(id.to_owned())
        .filter(entity::Column::Org.eq(&tenant.org))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("AI system"))
}

async fn create(s: &AppState, editor: &Editor, input: CreateAiSystemInput) -> Result<entity::Model, Error> {
    let now = chrono::Utc::now();
    let row = entity::ActiveModel {
        id: Set(Uuid::now_v7().to_string()),
        org: Set(editor.org.clone()),
        name: Set(required("name", &input.name, NAME_MAX)?),
        purpose: Set(required("purpose", &input.purpose, TEXT_MAX)?),
        role: Set(input.role),
        lifecycle_stage: Set(input.lifecycle_stage.unwrap_or(LifecycleStage::Design)),
        owner: Set(optional("owner", input.owner.as_deref(), NAME_MAX)?),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = s.db.write.begin().await?;
    let model = row.insert(&txn).await?;
    let event = EventEnvelope::new(
        "ai_system.created",
        &editor.org,
        Some(model.id.clone()),
        event_payload(&model),
    );
    s.outbox.commit(txn, &event).await?;
    Ok(model)
}

async fn update(s: &AppState, editor: &Editor, id: &str, input: UpdateAiSystemInput) -> Result<entity::Model, Error> {
    let txn = s.db.write.begin().await?;
    let mut active = find(&txn, editor, id).await?.into_active_model();
    if let Some(name) = &input.name {
        active.name = Set(required("name", name, NAME_MAX)?);
    }
    if let Some(purpose) = &input.purpose {
        active.purpose = Set(required("purpose", purpose, TEXT_MAX)?);
    }
    if let Some(role) = input.role {
        active.role = Set(role);
    }
    if let Some(stage) = input.lifecycle_stage {
        active.lifecycle_stage = Set(stage);
    }
    if input.owner.is_some() {
        active.owner = Set(optional("owner", input.owner.as_deref(), NAME_MAX)?);
    }
    active.updated_at = Set(chrono::Utc::now());
    let model = active.update(&txn).await?;
    let event = EventEnvelope::new(
        "ai_system.updated",
        &editor.org,
        Some(model.id.clone()),
        event_payload(&model),
    );
    s.outbox.commit(txn, &event).await?;
    Ok(model)
}

fn event_payload(m: &entity::Model) -> serde_json::Value {
    serde_json::json!({ "id": m.id, "name": m.name, "role": m.role, "lifecycleStage": m.lifecycle_stage })
}

async fn list(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Page<dto::AiSystem>>, Error> {
    let org = s.orgs.resolve(&s.db, &caller).await?;
    let base = entity::Entity::find().filter(entity::Column::Org.eq(&caller.org));
    if let Some(ids) = &q.ids {
        let rows = base
            .filter(entity::Column::Id.is_in(id_list(ids)?))
            .all(&s.db.read)
            .await?;
        return Ok(Json(Page::all(with_levels(&s.db.read, &org, rows).await?)));
    }
    let page = PageRequest::new(q.first, q.after.as_deref())?;
    let Page {
        items,
        has_next_page,
        end_cursor,
        total_count,
    } = keyset_page(&s.db.read, base, entity::Column::Id, &page, q.with_total, |r| {
        r.id.clone()
    })
    .await?;
    let items = with_levels(&s.db.read, &org, items).await?;
    Ok(Json(Page {
        items,
        has_next_page,
        end_cursor,
        total_count,
    }))
}

async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<dto::AiSystem>, Error> {
    let org = s.orgs.resolve(&s.db, &caller).await?;
    let model = find(&s.db.read, &caller.tenant(), &id).await?;
    Ok(Json(with_levels(&s.db.read, &org, vec![model]).await?.remove(0)))
}

async fn post(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreateAiSystemInput>,
) -> Result<(StatusCode, Json<dto::AiSystem>), Error> {
    let editor = caller.editor()?;
    let org = s.orgs.resolve(&s.db, &caller).await?;
    let model = create(&s, &editor, input).await?;
    Ok((StatusCode::CREATED, Json(to_dto(model, None, &org))))
}

async fn patch(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<UpdateAiSystemInput>,
) -> Result<Json<dto::AiSystem>, Error> {
    let editor = caller.editor()?;
    let org = s.orgs.resolve(&s.db, &caller).await?;
    let model = update(&s, &editor, &id, input).await?;
    Ok(Json(with_levels(&s.db.read, &org, vec![model]).await?.remove(0)))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/ai-systems", get(list).post(post))
        .route("/api/v1/ai-systems/{id}", get(get_one).patch(patch))
}
