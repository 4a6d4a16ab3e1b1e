//! AI system impact assessments (clause 6.1.4): what the system may do to individuals,
//! groups and society, how severe and how likely, and what mitigates it.

use crate::dto::{self, CreateImpactAssessmentInput};
use crate::validate::{NAME_MAX, TEXT_MAX, optional, rating, required};
use crate::{AppState, ai_system};
use aims_shared::events::EventEnvelope;
use aims_shared::http::{ApiJson, ApiQuery, id_list};
use aims_shared::{Caller, Error};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, QueryOrder, TransactionTrait};

pub mod entity {
    use crate::dto::ImpactSubject;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "impact_assessments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub org: String,
        pub ai_system_id: String,
        pub subject: ImpactSubject,
        pub dimension: String,
        pub description: String,
        pub severity: i32,
        pub likelihood: i32,
        pub mitigations: Option<String>,
        pub assessed_by: String,
        pub assessed_at: DateTimeUtc,
        pub review_due_on: Option<Date>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn to_dto(m: entity::Model) -> dto::ImpactAssessment {
    dto::ImpactAssessment {
        id: m.id,
        ai_system_id: m.ai_system_id,
        subject: m.subject,
        dimension: m.dimension,
        description: m.description,
        severity: m.severity,
        likelihood: m.likelihood,
        mitigations: m.mitigations,
        assessed_by: m.assessed_by,
        assessed_at: m.assessed_at,
        review_due_on: m.review_due_on.map(Into::into),
    }
}

async fn post(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreateImpactAssessmentInput>,
) -> Result<(StatusCode, Json<dto::ImpactAssessment>), Error> {
    let editor = caller.editor()?;
    s.orgs.resolve(&s.db, &caller).await?;
    let row = entity::ActiveModel {
        id: Set(Uuid::now_v7().to_string()),
        org: Set(editor.org.clone()),
        ai_system_id: Set(input.ai_system_id.to_string()),
        subject: Set(input.subject),
        dimension: Set(required("dimension", &input.dimension, NAME_MAX)?),
        description: Set(required("description", &input.description, TEXT_MAX)?),
        severity: Set(rating("severity", input.severity)?),
        likelihood: Set(rating("likelihood", input.likelihood)?),
        mitigations: Set(optional("mitigations", input.mitigations.as_deref(), TEXT_MAX)?),
        assessed_by: Set(editor.subject.clone()),
        assessed_at: Set(chrono::Utc::now()),
        review_due_on: Set(input.review_due_on.map(|d| d.0)),
    };
    let txn = s.db.write.begin().await?;
    ai_system::find(&txn, &editor, &input.ai_system_id).await?;
    let model = row.insert(&txn).await?;
    let assessment = to_dto(model);
    let payload = serde_json::to_value(&assessment).map_err(|e| Error::Internal(e.to_string()))?;
    let event = EventEnvelope::new(
        "impact_assessment.created",
        &editor.org,
        Some(assessment.id.clone()),
        payload,
    );
    s.outbox.commit(txn, &event).await?;
    Ok((StatusCode::CREATED, Json(assessment)))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListQuery {
    ai_system_ids: String,
}

/// Impact assessments of several AI systems at once, newest first (the gateway's batch loader).
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<dto::ImpactAssessment>>, Error> {
    let rows = entity::Entity::find()
        .filter(entity::Column::Org.eq(&caller.org))
        .filter(entity::Column::AiSystemId.is_in(id_list(&q.ai_system_ids)?))
        .order_by_desc(entity::Column::Id)
        .all(&s.db.read)
        .await?;
    Ok(Json(rows.into_iter().map(to_dto).collect()))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/impact-assessments", get(list).post(post))
}
