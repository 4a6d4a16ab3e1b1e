//! The AI risk register (clause 6.1.2 and 6.1.3): risks, their assessments (all kept, newest
//! first), treatment, acceptance and closure. Status moves IDENTIFIED -> ASSESSED ->
//! TREATED or ACCEPTED -> CLOSED; any other move is a CONFLICT and changes nothing.

use crate::dto::{self, AcceptRiskInput, AssessRiskInput, CreateRiskInput, RiskQuery, RiskStatus, TreatRiskInput};
use crate::organization::OrgSettings;
use crate::paging::keyset_page;
use crate::validate::{NAME_MAX, TEXT_MAX, optional, rating, required};
use crate::{AppState, ai_system};
use aims_shared::events::EventEnvelope;
use aims_shared::http::{ApiJson, ApiPath, ApiQuery, id_list};
use aims_shared::pagination::{Page, PageRequest};
use aims_shared::{Caller, Editor, Error, RiskApprover, Tenant};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveEnum, ActiveValue::Set, DatabaseTransaction, QueryOrder, QuerySelect, TransactionTrait};
use std::collections::HashMap;

pub mod entity {
    use crate::dto::{RiskStatus, TreatmentOption};
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "risks")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub org: String,
        pub ai_system_id: Option<String>,
        pub title: String,
        pub description: String,
        pub source: Option<String>,
        pub owner: Option<String>,
        pub status: RiskStatus,
        pub inherent_likelihood: Option<i32>,
        pub inherent_impact: Option<i32>,
        pub residual_likelihood: Option<i32>,
        pub residual_impact: Option<i32>,
        /// Residual score if given, else inherent: what levels and filters use.
        pub current_score: Option<i32>,
        pub treatment: Option<TreatmentOption>,
        pub treatment_plan: Option<String>,
        /// JSON array of control ids chosen in the treatment.
        pub control_ids: String,
        pub accepted_by: Option<String>,
        pub accepted_at: Option<DateTimeUtc>,
        pub acceptance_expires_on: Option<Date>,
        pub acceptance_rationale: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod assessment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "risk_assessments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub org: String,
        pub risk_id: String,
        pub inherent_likelihood: i32,
        pub inherent_impact: i32,
        pub residual_likelihood: Option<i32>,
        pub residual_impact: Option<i32>,
        pub notes: Option<String>,
        pub assessed_by: String,
        pub assessed_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use entity::Column as C;

pub fn to_dto(m: entity::Model, org: &OrgSettings) -> dto::Risk {
    let score = |l: Option<i32>, i: Option<i32>| Some(org.matrix.score(l?, i?));
    let acceptance = match (
        m.accepted_by,
        m.accepted_at,
        m.acceptance_expires_on,
        m.acceptance_rationale,
    ) {
        (Some(approved_by), Some(approved_at), Some(expires_on), Some(rationale)) => Some(dto::RiskAcceptance {
            approved_by,
            approved_at,
            expires_on: expires_on.into(),
            rationale,
        }),
        _ => None,
    };
    dto::Risk {
        inherent: score(m.inherent_likelihood, m.inherent_impact),
        residual: score(m.residual_likelihood, m.residual_impact),
        control_ids: serde_json::from_str(&m.control_ids).unwrap_or_default(),
        id: m.id,
        ai_system_id: m.ai_system_id,
        title: m.title,
        description: m.description,
        source: m.source,
        owner: m.owner,
        status: m.status,
        treatment: m.treatment,
        treatment_plan: m.treatment_plan,
        acceptance,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

fn assessment_dto(m: assessment::Model, org: &OrgSettings) -> dto::RiskAssessment {
    let residual = match (m.residual_likelihood, m.residual_impact) {
        (Some(l), Some(i)) => Some(org.matrix.score(l, i)),
        _ => None,
    };
    dto::RiskAssessment {
        id: m.id,
        risk_id: m.risk_id,
        inherent: org.matrix.score(m.inherent_likelihood, m.inherent_impact),
        residual,
        notes: m.notes,
        assessed_by: m.assessed_by,
        assessed_at: m.assessed_at,
    }
}

/// Highest current score among the open risks of each AI system (one grouped query).
pub async fn highest_open_scores(
    db: &DatabaseConnection,
    org: &str,
    ai_system_ids: &[String],
) -> Result<HashMap<String, i32>, Error> {
    if ai_system_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Option<String>, Option<i32>)> = entity::Entity::find()
        .select_only()
        .column(C::AiSystemId)
        .column_as(C::CurrentScore.max(), "max_score")
        .filter(C::Org.eq(org))
        .filter(C::AiSystemId.is_in(ai_system_ids.iter().cloned()))
        .filter(C::Status.ne(RiskStatus::Closed))
        .group_by(C::AiSystemId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(id, score)| Some((id?, score?))).collect())
}

async fn find(db: &impl ConnectionTrait, tenant: &Tenant, id: &str) -> Result<entity::Model, Error> {
    entity::Entity::find_by_id(id.to_owned())
        .filter(C::Org.eq(&tenant.org))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("risk"))
}

/// Applies a status-guarded update: only when the risk is in one of `from`. Race-free, since
/// the guard is part of the UPDATE itself.
async fn guarded_update(
    txn: &DatabaseTransaction,
    tenant: &Tenant,
    id: &str,
    from: &[RiskStatus],
    action: &str,
    update: sea_orm::UpdateMany<entity::Entity>,
) -> Result<entity::Model, Error> {
    let result = update
        .col_expr(C::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(C::Id.eq(id))
        .filter(C::Org.eq(&tenant.org))
        .filter(C::Status.is_in(from.iter().copied()))
        .exec(txn)
        .await?;
    let current = find(txn, tenant, id).await?;
    if result.rows_affected == 0 {
        let allowed: Vec<String> = from.iter().map(|s| s.to_value()).collect();
        return Err(Error::Conflict(format!(
            "cannot {action} a risk in status {}; allowed from {}",
            current.status.to_value(),
            allowed.join(", ")
        )));
    }
    Ok(current)
}

/// Commits the change with its event (the risk as it now stands).
async fn commit_with_event(
    s: &AppState,
    txn: DatabaseTransaction,
    org: &str,
    event_type: &str,
    risk: &dto::Risk,
) -> Result<(), Error> {
    let payload = serde_json::to_value(risk).map_err(|e| Error::Internal(e.to_string()))?;
    let event = EventEnvelope::new(event_type, org, Some(risk.id.clone()), payload);
    s.outbox.commit(txn, &event).await
}

async fn create(s: &AppState, editor: &Editor, org: &OrgSettings, input: CreateRiskInput) -> Result<dto::Risk, Error> {
    let ai_system_id = input.ai_system_id.map(|id| id.to_string());
    let txn = s.db.write.begin().await?;
    if let Some(id) = &ai_system_id {
        ai_system::find(&txn, editor, id).await?;
    }
    let now = chrono::Utc::now();
    let model = entity::ActiveModel {
        id: Set(Uuid::now_v7().to_string()),
        org: Set(editor.org.clone()),
        ai_system_id: Set(ai_system_id),
        title: Set(required("title", &input.title, NAME_MAX)?),
        description: Set(required("description", &input.description, TEXT_MAX)?),
        source: Set(optional("source", input.source.as_deref(), NAME_MAX)?),
        owner: Set(optional("owner", input.owner.as_deref(), NAME_MAX)?),
        status: Set(RiskStatus::Identified),
        inherent_likelihood: Set(None),
        inherent_impact: Set(None),
        residual_likelihood: Set(None),
        residual_impact: Set(None),
        current_score: Set(None),
        treatment: Set(None),
        treatment_plan: Set(None),
        control_ids: Set("[]".into()),
        accepted_by: Set(None),
        accepted_at: Set(None),
        acceptance_expires_on: Set(None),
        acceptance_rationale: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let risk = to_dto(model, org);
    commit_with_event(s, txn, &editor.org, "risk.created", &risk).await?;
    Ok(risk)
}

async fn assess(
    s: &AppState,
    editor: &Editor,
    org: &OrgSettings,
    id: &str,
    input: AssessRiskInput,
) -> Result<dto::Risk, Error> {
    let likelihood = rating("likelihood", input.likelihood)?;
    let impact = rating("impact", input.impact)?;
    let residual = match (input.residual_likelihood, input.residual_impact) {
        (None, None) => None,
        (Some(l), Some(i)) => Some((rating("residualLikelihood", l)?, rating("residualImpact", i)?)),
        _ => {
            return Err(Error::bad_input(
                "give both residualLikelihood and residualImpact, or neither",
            ));
        }
    };
    let notes = optional("notes", input.notes.as_deref(), TEXT_MAX)?;
    let current = residual.map_or(likelihood * impact, |(l, i)| l * i);

    let txn = s.db.write.begin().await?;
    let existing = find(&txn, editor, id).await?;
    // A first assessment moves IDENTIFIED to ASSESSED; a reassessment keeps the treatment decision.
    let next_status = if existing.status == RiskStatus::Identified {
        RiskStatus::Assessed
    } else {
        existing.status
    };
    let update = entity::Entity::update_many()
        .col_expr(C::InherentLikelihood, Expr::value(likelihood))
        .col_expr(C::InherentImpact, Expr::value(impact))
        .col_expr(C::ResidualLikelihood, Expr::value(residual.map(|r| r.0)))
        .col_expr(C::ResidualImpact, Expr::value(residual.map(|r| r.1)))
        .col_expr(C::CurrentScore, Expr::value(current))
        .col_expr(C::Status, Expr::value(next_status));
    let from = [
        RiskStatus::Identified,
        RiskStatus::Assessed,
        RiskStatus::Treated,
        RiskStatus::Accepted,
    ];
    let model = guarded_update(&txn, editor, id, &from, "assess", update).await?;
    assessment::ActiveModel {
        id: Set(Uuid::now_v7().to_string()),
        org: Set(editor.org.clone()),
        risk_id: Set(model.id.clone()),
        inherent_likelihood: Set(likelihood),
        inherent_impact: Set(impact),
        residual_likelihood: Set(residual.map(|r| r.0)),
        residual_impact: Set(residual.map(|r| r.1)),
        notes: Set(notes),
        assessed_by: Set(editor.subject.clone()),
        assessed_at: Set(chrono::Utc::now()),
    }
    .insert(&txn)
    .await?;
    let risk = to_dto(model, org);
    commit_with_event(s, txn, &editor.org, "risk.assessed", &risk).await?;
    Ok(risk)
}

async fn treat(
    s: &AppState,
    editor: &Editor,
    org: &OrgSettings,
    id: &str,
    input: TreatRiskInput,
) -> Result<dto::Risk, Error> {
    let plan = optional("plan", input.plan.as_deref(), TEXT_MAX)?;
    let control_ids: Vec<String> = input
        .control_ids
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.to_string())
        .collect();
    if control_ids.iter().any(|c| c.trim().is_empty()) {
        return Err(Error::bad_input("controlIds must not contain empty ids"));
    }
    let control_json = serde_json::to_string(&control_ids).map_err(|e| Error::Internal(e.to_string()))?;
    let txn = s.db.write.begin().await?;
    let update = entity::Entity::update_many()
        .col_expr(C::Treatment, Expr::value(input.option))
        .col_expr(C::TreatmentPlan, Expr::value(plan))
        .col_expr(C::ControlIds, Expr::value(control_json))
        .col_expr(C::Status, Expr::value(RiskStatus::Treated));
    let model = guarded_update(
        &txn,
        editor,
        id,
        &[RiskStatus::Assessed, RiskStatus::Treated],
        "treat",
        update,
    )
    .await?;
    let risk = to_dto(model, org);
    commit_with_event(s, txn, &editor.org, "risk.treated", &risk).await?;
    Ok(risk)
}

async fn accept(
    s: &AppState,
    approver: &RiskApprover,
    org: &OrgSettings,
    id: &str,
    input: AcceptRiskInput,
) -> Result<dto::Risk, Error> {
    let rationale = required("rationale", &input.rationale, TEXT_MAX)?;
    if input.expires_on.0 <= chrono::Utc::now().date_naive() {
        return Err(Error::bad_input("expiresOn must be a date in the future"));
    }
    let txn = s.db.write.begin().await?;
    let update = entity::Entity::update_many()
        .col_expr(C::AcceptedBy, Expr::value(approver.subject.clone()))
        .col_expr(C::AcceptedAt, Expr::value(chrono::Utc::now()))
        .col_expr(C::AcceptanceExpiresOn, Expr::value(input.expires_on.0))
        .col_expr(C::AcceptanceRationale, Expr::value(rationale))
        .col_expr(C::Status, Expr::value(RiskStatus::Accepted));
    let model = guarded_update(
        &txn,
        approver,
        id,
        &[RiskStatus::Assessed, RiskStatus::Treated],
        "accept",
        update,
    )
    .await?;
    let risk = to_dto(model, org);
    commit_with_event(s, txn, &approver.org, "risk.accepted", &risk).await?;
    Ok(risk)
}

async fn close(s: &AppState, editor: &Editor, org: &OrgSettings, id: &str) -> Result<dto::Risk, Error> {
    let txn = s.db.write.begin().await?;
    let update = entity::Entity::update_many().col_expr(C::Status, Expr::value(RiskStatus::Closed));
    let model = guarded_update(
        &txn,
        editor,
        id,
        &[RiskStatus::Treated, RiskStatus::Accepted],
        "close",
        update,
    )
    .await?;
    let risk = to_dto(model, org);
    commit_with_event(s, txn, &editor.org, "risk.closed", &risk).await?;
    Ok(risk)
}

async fn list(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RiskQuery>,
) -> Result<Json<Page<dto::Risk>>, Error> {
    let org = s.orgs.resolve(&s.db, &caller).await?;
    let mut base = entity::Entity::find().filter(C::Org.eq(&caller.org));
    if let Some(ids) = &q.ids {
        let rows = base.filter(C::Id.is_in(id_list(ids)?)).all(&s.db.read).await?;
        return Ok(Json(Page::all(rows).map(|m| to_dto(m, &org))));
    }
    let page = PageRequest::new(q.first, q.after.as_deref())?;
    if let Some(system) = &q.ai_system_id {
        base = base.filter(C::AiSystemId.eq(system.as_str()));
    }
    if let Some(status) = q.status {
        base = base.filter(C::Status.eq(status));
    }
    if let Some(level) = q.min_level {
        base = base.filter(C::CurrentScore.gte(org.matrix.min_score(level)));
    }
    if let Some(owner) = &q.owner {
        base = base.filter(C::Owner.eq(owner.as_str()));
    }
    let page = keyset_page(&s.db.read, base, C::Id, &page, q.with_total, |r| r.id.clone()).await?;
    Ok(Json(page.map(|m| to_dto(m, &org))))
}

/// The first page of risks of each AI system in one query (a window function ranks each
/// system's risks newest first), so listing systems with their risks is not N+1.
async fn pages_by_system(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<dto::RiskPagesQuery>,
) -> Result<Json<Vec<dto::SystemRiskPage>>, Error> {
    use sea_orm::QueryTrait;
    use sea_orm::sea_query::{Alias, Asterisk, Query};
    let org = s.orgs.resolve(&s.db, &caller).await?;
    let ids = id_list(&q.ai_system_ids)?;
    let page = PageRequest::new(q.first, None)?;
    let ranked = entity::Entity::find()
        .filter(C::Org.eq(&caller.org))
        .filter(C::AiSystemId.is_in(ids.iter().cloned()))
        .expr_as(
            Expr::cust("ROW_NUMBER() OVER (PARTITION BY ai_system_id ORDER BY id DESC)"),
            "rank_in_system",
        )
        .into_query();
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(ranked, Alias::new("ranked"))
        .and_where(Expr::col(Alias::new("rank_in_system")).lte(page.first as i64 + 1))
        .order_by(Alias::new("id"), sea_orm::Order::Desc)
        .to_owned();
    let backend = s.db.read.get_database_backend();
    let rows = entity::Entity::find()
        .from_raw_sql(backend.build(&outer))
        .all(&s.db.read)
        .await?;
    let totals: HashMap<String, i64> = if q.with_total {
        let counted: Vec<(Option<String>, i64)> = entity::Entity::find()
            .select_only()
            .column(C::AiSystemId)
            .column_as(C::Id.count(), "n")
            .filter(C::Org.eq(&caller.org))
            .filter(C::AiSystemId.is_in(ids.iter().cloned()))
            .group_by(C::AiSystemId)
            .into_tuple()
            .all(&s.db.read)
            .await?;
        counted.into_iter().filter_map(|(id, n)| Some((id?, n))).collect()
    } else {
        HashMap::new()
    };
    let mut by_system: HashMap<String, Vec<entity::Model>> = HashMap::new();
    for row in rows {
        if let Some(id) = row.ai_system_id.clone() {
            by_system.entry(id).or_default().push(row);
        }
    }
    let pages = ids
        .into_iter()
        .map(|id| {
            let rows = by_system.remove(&id).unwrap_or_default();
            let mut p = Page::from_rows(rows, page.first, |r| r.id.clone());
            let total_count = q.with_total.then(|| totals.get(&id).copied().unwrap_or(0) as u64);
            let items = std::mem::take(&mut p.items)
                .into_iter()
                .map(|m| to_dto(m, &org))
                .collect();
            dto::SystemRiskPage {
                ai_system_id: id,
                page: Page {
                    items,
                    total_count,
                    has_next_page: p.has_next_page,
                    end_cursor: p.end_cursor,
                },
            }
        })
        .collect();
    Ok(Json(pages))
}

async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<dto::Risk>, Error> {
    let org = s.orgs.resolve(&s.db, &caller).await?;
    Ok(Json(to_dto(find(&s.db.read, &caller.tenant(), &id).await?, &org)))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AssessmentQuery {
    risk_ids: String,
}

/// Assessments of the given risks of the caller's organization, newest first.
async fn assessments(s: &AppState, caller: &Caller, risk_ids: Vec<String>) -> Result<Vec<dto::RiskAssessment>, Error> {
    let org = s.orgs.resolve(&s.db, caller).await?;
    let rows = assessment::Entity::find()
        .filter(assessment::Column::Org.eq(&caller.org))
        .filter(assessment::Column::RiskId.is_in(risk_ids))
        .order_by_desc(assessment::Column::Id)
        .all(&s.db.read)
        .await?;
    Ok(rows.into_iter().map(|m| assessment_dto(m, &org)).collect())
}

/// Assessments of several risks at once (the gateway's batch loader).
async fn assessments_batch(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AssessmentQuery>,
) -> Result<Json<Vec<dto::RiskAssessment>>, Error> {
    Ok(Json(assessments(&s, &caller, id_list(&q.risk_ids)?).await?))
}

async fn assessments_of(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<dto::RiskAssessment>>, Error> {
    find(&s.db.read, &caller.tenant(), &id).await?;
    Ok(Json(assessments(&s, &caller, vec![id]).await?))
}

async fn post_risk(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreateRiskInput>,
) -> Result<(StatusCode, Json<dto::Risk>), Error> {
    let editor = caller.editor()?;
    let org = s.orgs.resolve(&s.db, &caller).await?;
    Ok((StatusCode::CREATED, Json(create(&s, &editor, &org, input).await?)))
}

async fn post_assessment(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<AssessRiskInput>,
) -> Result<Json<dto::Risk>, Error> {
    let editor = caller.editor()?;
    let org = s.orgs.resolve(&s.db, &caller).await?;
    Ok(Json(assess(&s, &editor, &org, &id, input).await?))
}

async fn post_treatment(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<TreatRiskInput>,
) -> Result<Json<dto::Risk>, Error> {
    let editor = caller.editor()?;
    let org = s.orgs.resolve(&s.db, &caller).await?;
    Ok(Json(treat(&s, &editor, &org, &id, input).await?))
}

async fn post_acceptance(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<AcceptRiskInput>,
) -> Result<Json<dto::Risk>, Error> {
    let approver = caller.risk_approver()?;
    let org = s.orgs.resolve(&s.db, &caller).await?;
    Ok(Json(accept(&s, &approver, &org, &id, input).await?))
}

async fn post_close(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<dto::Risk>, Error> {
    let editor = caller.editor()?;
    let org = s.orgs.resolve(&s.db, &caller).await?;
    Ok(Json(close(&s, &editor, &org, &id).await?))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/risks", get(list).post(post_risk))
        .route("/api/v1/risks/{id}", get(get_one))
        .route(
            "/api/v1/risks/{id}/assessments",
            get(assessments_of).post(post_assessment),
        )
        .route("/api/v1/risks/{id}/treatment", post(post_treatment))
        .route("/api/v1/risks/{id}/acceptance", post(post_acceptance))
        .route("/api/v1/risks/{id}/close", post(post_close))
        .route("/api/v1/risk-assessments", get(assessments_batch))
        .route("/api/v1/risk-pages", get(pages_by_system))
}
