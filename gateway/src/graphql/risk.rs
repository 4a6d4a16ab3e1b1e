//! The risk part of the schema: the viewer and organization, AI systems, risks with their
//! assessments, treatment and acceptance, and AI system impact assessments.

use super::PageInfo;
use super::loaders::{Loaders, SystemRisksKey};
use crate::Services;
use crate::client::{query, segment};
use aims_risk::dto::{
    self, AcceptRiskInput, AiRole, AssessRiskInput, CreateAiSystemInput, CreateImpactAssessmentInput, CreateRiskInput,
    ImpactSubject, LifecycleStage, RiskAcceptance, RiskLevel, RiskScore, RiskStatus, TreatRiskInput, TreatmentOption,
    UpdateAiSystemInput,
};
use aims_shared::pagination::{Page, encode_cursor};
use aims_shared::types::Date;
use aims_shared::{Caller, Error, Role};
use async_graphql::{Context, ErrorExtensions, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use http::Method;

fn caller<'a>(ctx: &Context<'a>) -> &'a Caller {
    ctx.data_unchecked::<Caller>()
}

fn services<'a>(ctx: &Context<'a>) -> &'a Services {
    ctx.data_unchecked::<Services>()
}

fn loaders<'a>(ctx: &Context<'a>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

fn gql(e: Error) -> async_graphql::Error {
    e.extend()
}

/// Turns NOT_FOUND into `null` for the nullable single-object queries.
fn optional<T>(r: Result<T, Error>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Error::NotFound(_)) => Ok(None),
        Err(e) => Err(gql(e)),
    }
}

async fn post<T: serde::de::DeserializeOwned>(
    ctx: &Context<'_>,
    path: &str,
    body: &(impl serde::Serialize + Sync),
) -> Result<T> {
    services(ctx)
        .risk
        .call(caller(ctx), Method::POST, path, Some(body))
        .await
        .map_err(gql)
}

// ------------------------------------------------------------------ viewer

#[derive(SimpleObject)]
pub struct Organization {
    pub id: ID,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

pub struct Viewer;

#[Object]
impl Viewer {
    async fn subject(&self, ctx: &Context<'_>) -> String {
        caller(ctx).subject.clone()
    }

    async fn email(&self, ctx: &Context<'_>) -> Option<String> {
        caller(ctx).email.clone()
    }

    async fn roles(&self, ctx: &Context<'_>) -> Vec<Role> {
        caller(ctx).roles.clone()
    }

    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        let org: dto::Organization = services(ctx)
            .risk
            .get(caller(ctx), "/api/v1/organization")
            .await
            .map_err(gql)?;
        Ok(Organization {
            id: org.id.into(),
            name: org.name,
            created_at: org.created_at,
        })
    }
}

// ------------------------------------------------------------------ AI systems

#[derive(Clone, Debug)]
pub struct AiSystem(pub dto::AiSystem);

#[Object]
impl AiSystem {
    async fn id(&self) -> ID {
        self.0.id.clone().into()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn purpose(&self) -> &str {
        &self.0.purpose
    }
    async fn role(&self) -> AiRole {
        self.0.role
    }
    async fn lifecycle_stage(&self) -> LifecycleStage {
        self.0.lifecycle_stage
    }
    async fn owner(&self) -> Option<&str> {
        self.0.owner.as_deref()
    }
    /// Highest current level among its open risks, each at its residual score if given, else inherent; null without open risks.
    async fn risk_level(&self) -> Option<RiskLevel> {
        self.0.risk_level
    }
    async fn risks(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<RiskConnection> {
        if after.is_some() {
            let filter = RiskFilter {
                ai_system_id: Some(self.0.id.clone().into()),
                ..Default::default()
            };
            return list_risks(ctx, Some(filter), first, after).await;
        }
        // The first pages of every system in the response come from one batched call.
        let key = SystemRisksKey {
            ai_system_id: self.0.id.clone(),
            first: first.map(i64::from),
            with_total: wants_total(ctx),
        };
        let page = loaders(ctx).system_risks.load_one(key).await.map_err(gql)?;
        let empty = Page {
            items: Vec::new(),
            has_next_page: false,
            end_cursor: None,
            total_count: Some(0),
        };
        Ok(connection(page.unwrap_or(empty)))
    }
    async fn impact_assessments(&self, ctx: &Context<'_>) -> Result<Vec<ImpactAssessment>> {
        let found = loaders(ctx)
            .impact_assessments
            .load_one(self.0.id.clone())
            .await
            .map_err(gql)?;
        Ok(found.unwrap_or_default().into_iter().map(ImpactAssessment).collect())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

#[derive(SimpleObject)]
pub struct AiSystemEdge {
    cursor: String,
    node: AiSystem,
}

#[derive(SimpleObject)]
pub struct AiSystemConnection {
    edges: Vec<AiSystemEdge>,
    page_info: PageInfo,
    total_count: i32,
}

// ------------------------------------------------------------------ risks

#[derive(Clone, Debug)]
pub struct Risk(pub dto::Risk);

#[Object]
impl Risk {
    async fn id(&self) -> ID {
        self.0.id.clone().into()
    }
    async fn ai_system(&self, ctx: &Context<'_>) -> Result<Option<AiSystem>> {
        let Some(id) = &self.0.ai_system_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)
            .ai_systems
            .load_one(id.clone())
            .await
            .map_err(gql)?
            .map(AiSystem))
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Where the risk comes from, e.g. a risk source such as data quality or level of automation.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    async fn owner(&self) -> Option<&str> {
        self.0.owner.as_deref()
    }
    async fn status(&self) -> RiskStatus {
        self.0.status
    }
    async fn inherent(&self) -> Option<RiskScore> {
        self.0.inherent
    }
    async fn residual(&self) -> Option<RiskScore> {
        self.0.residual
    }
    async fn treatment(&self) -> Option<TreatmentOption> {
        self.0.treatment
    }
    async fn treatment_plan(&self) -> Option<&str> {
        self.0.treatment_plan.as_deref()
    }
    async fn acceptance(&self) -> Option<RiskAcceptance> {
        self.0.acceptance.clone()
    }
    /// The controls chosen to treat the risk. They live in the controls service, which arrives in a later release.
    async fn controls(&self) -> Result<Vec<super::pending::Control>> {
        if self.0.control_ids.is_empty() {
            Ok(Vec::new())
        } else {
            Err(gql(Error::Unavailable(
                "the controls service is not available in this release yet".into(),
            )))
        }
    }
    /// Every assessment of the risk, newest first.
    async fn assessments(&self, ctx: &Context<'_>) -> Result<Vec<RiskAssessment>> {
        let found = loaders(ctx)
            .assessments
            .load_one(self.0.id.clone())
            .await
            .map_err(gql)?;
        Ok(found.unwrap_or_default().into_iter().map(RiskAssessment).collect())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

pub struct RiskAssessment(dto::RiskAssessment);

#[Object]
impl RiskAssessment {
    async fn id(&self) -> ID {
        self.0.id.clone().into()
    }
    async fn inherent(&self) -> RiskScore {
        self.0.inherent
    }
    async fn residual(&self) -> Option<RiskScore> {
        self.0.residual
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    async fn assessed_by(&self) -> &str {
        &self.0.assessed_by
    }
    async fn assessed_at(&self) -> DateTime<Utc> {
        self.0.assessed_at
    }
}

#[derive(SimpleObject)]
pub struct RiskEdge {
    cursor: String,
    node: Risk,
}

#[derive(SimpleObject)]
pub struct RiskConnection {
    edges: Vec<RiskEdge>,
    page_info: PageInfo,
    total_count: i32,
}

#[derive(InputObject, Default)]
pub struct RiskFilter {
    #[graphql(name = "aiSystemId")]
    pub ai_system_id: Option<ID>,
    pub status: Option<RiskStatus>,
    /// Only risks at this level or above (current score: residual if given, else inherent).
    pub min_level: Option<RiskLevel>,
    pub owner: Option<String>,
}

fn page_info<T>(page: &Page<T>) -> PageInfo {
    PageInfo {
        has_next_page: page.has_next_page,
        end_cursor: page.end_cursor.clone(),
    }
}

/// Whether the client selected `totalCount`: counting is the only part of a page that grows with the table.
fn wants_total(ctx: &Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

async fn list_risks(
    ctx: &Context<'_>,
    filter: Option<RiskFilter>,
    first: Option<i32>,
    after: Option<String>,
) -> Result<RiskConnection> {
    let f = filter.unwrap_or_default();
    let q = dto::RiskQuery {
        ai_system_id: f.ai_system_id.map(|id| id.to_string()),
        status: f.status,
        min_level: f.min_level,
        owner: f.owner,
        first: first.map(i64::from),
        after,
        with_total: wants_total(ctx),
        ids: None,
    };
    let path = format!("/api/v1/risks?{}", query(&q).map_err(gql)?);
    let page: Page<dto::Risk> = services(ctx).risk.get(caller(ctx), &path).await.map_err(gql)?;
    Ok(connection(page))
}

fn connection(page: Page<dto::Risk>) -> RiskConnection {
    RiskConnection {
        page_info: page_info(&page),
        total_count: page.total_count.unwrap_or_default() as i32,
        edges: page
            .items
            .into_iter()
            .map(|r| RiskEdge {
                cursor: encode_cursor(&r.id),
                node: Risk(r),
            })
            .collect(),
    }
}

// ------------------------------------------------------------------ impact assessments

pub struct ImpactAssessment(dto::ImpactAssessment);

#[Object]
impl ImpactAssessment {
    async fn id(&self) -> ID {
        self.0.id.clone().into()
    }
    async fn ai_system(&self, ctx: &Context<'_>) -> Result<AiSystem> {
        let found = loaders(ctx)
            .ai_systems
            .load_one(self.0.ai_system_id.clone())
            .await
            .map_err(gql)?;
        found.map(AiSystem).ok_or_else(|| gql(Error::not_found("AI system")))
    }
    async fn subject(&self) -> ImpactSubject {
        self.0.subject
    }
    /// What is affected: fairness, privacy, safety, human rights, the environment ...
    async fn dimension(&self) -> &str {
        &self.0.dimension
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn severity(&self) -> i32 {
        self.0.severity
    }
    async fn likelihood(&self) -> i32 {
        self.0.likelihood
    }
    async fn mitigations(&self) -> Option<&str> {
        self.0.mitigations.as_deref()
    }
    async fn assessed_by(&self) -> &str {
        &self.0.assessed_by
    }
    async fn assessed_at(&self) -> DateTime<Utc> {
        self.0.assessed_at
    }
    async fn review_due_on(&self) -> Option<Date> {
        self.0.review_due_on
    }
}

// ------------------------------------------------------------------ roots

#[derive(Default)]
pub struct RiskQuery;

#[Object]
impl RiskQuery {
    /// The authenticated caller and their organization.
    async fn viewer(&self) -> Viewer {
        Viewer
    }

    async fn ai_systems(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<AiSystemConnection> {
        let q = dto::PageQuery {
            first: first.map(i64::from),
            after,
            with_total: wants_total(ctx),
            ids: None,
        };
        let path = format!("/api/v1/ai-systems?{}", query(&q).map_err(gql)?);
        let page: Page<dto::AiSystem> = services(ctx).risk.get(caller(ctx), &path).await.map_err(gql)?;
        Ok(AiSystemConnection {
            page_info: page_info(&page),
            total_count: page.total_count.unwrap_or_default() as i32,
            edges: page
                .items
                .into_iter()
                .map(|s| AiSystemEdge {
                    cursor: encode_cursor(&s.id),
                    node: AiSystem(s),
                })
                .collect(),
        })
    }

    async fn ai_system(&self, ctx: &Context<'_>, id: ID) -> Result<Option<AiSystem>> {
        let path = format!("/api/v1/ai-systems/{}", segment(&id));
        optional(services(ctx).risk.get(caller(ctx), &path).await.map(AiSystem))
    }

    async fn risks(
        &self,
        ctx: &Context<'_>,
        filter: Option<RiskFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<RiskConnection> {
        list_risks(ctx, filter, first, after).await
    }

    async fn risk(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Risk>> {
        let path = format!("/api/v1/risks/{}", segment(&id));
        optional(services(ctx).risk.get(caller(ctx), &path).await.map(Risk))
    }
}

#[derive(Default)]
pub struct RiskMutation;

#[Object]
impl RiskMutation {
    async fn create_ai_system(&self, ctx: &Context<'_>, input: CreateAiSystemInput) -> Result<AiSystem> {
        post(ctx, "/api/v1/ai-systems", &input).await.map(AiSystem)
    }

    async fn update_ai_system(&self, ctx: &Context<'_>, id: ID, input: UpdateAiSystemInput) -> Result<AiSystem> {
        let path = format!("/api/v1/ai-systems/{}", segment(&id));
        services(ctx)
            .risk
            .call(caller(ctx), Method::PATCH, &path, Some(&input))
            .await
            .map(AiSystem)
            .map_err(gql)
    }

    async fn create_risk(&self, ctx: &Context<'_>, input: CreateRiskInput) -> Result<Risk> {
        post(ctx, "/api/v1/risks", &input).await.map(Risk)
    }

    async fn assess_risk(&self, ctx: &Context<'_>, risk_id: ID, input: AssessRiskInput) -> Result<Risk> {
        post(ctx, &format!("/api/v1/risks/{}/assessments", segment(&risk_id)), &input)
            .await
            .map(Risk)
    }

    async fn treat_risk(&self, ctx: &Context<'_>, risk_id: ID, input: TreatRiskInput) -> Result<Risk> {
        post(ctx, &format!("/api/v1/risks/{}/treatment", segment(&risk_id)), &input)
            .await
            .map(Risk)
    }

    /// Needs role ADMIN or RISK_MANAGER, a future expiry date and a rationale.
    async fn accept_risk(&self, ctx: &Context<'_>, risk_id: ID, input: AcceptRiskInput) -> Result<Risk> {
        post(ctx, &format!("/api/v1/risks/{}/acceptance", segment(&risk_id)), &input)
            .await
            .map(Risk)
    }

    async fn close_risk(&self, ctx: &Context<'_>, risk_id: ID) -> Result<Risk> {
        post(
            ctx,
            &format!("/api/v1/risks/{}/close", segment(&risk_id)),
            &serde_json::json!({}),
        )
        .await
        .map(Risk)
    }

    async fn create_impact_assessment(
        &self,
        ctx: &Context<'_>,
        input: CreateImpactAssessmentInput,
    ) -> Result<ImpactAssessment> {
        post(ctx, "/api/v1/impact-assessments", &input)
            .await
            .map(ImpactAssessment)
    }
}
