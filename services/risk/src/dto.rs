//! The risk service's public types: what its REST API takes and returns, and what the
//! gateway deserializes. Enums and inputs double as GraphQL types so both APIs agree.

use aims_shared::types::Date;
use async_graphql::{Enum, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Enum, EnumIter, DeriveActiveEnum)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        #[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
        pub enum $name {
            $(#[sea_orm(string_value = $value)] $variant,)+
        }
    };
}

string_enum!(
    /// The organization's role towards an AI system (ISO/IEC 22989 roles as 42001 uses them).
    AiRole { Provider = "PROVIDER", Developer = "DEVELOPER", Deployer = "DEPLOYER", User = "USER" }
);
string_enum!(
    /// Where the AI system is in its life cycle.
    LifecycleStage {
        Design = "DESIGN",
        Development = "DEVELOPMENT",
        Verification = "VERIFICATION",
        Deployment = "DEPLOYMENT",
        Operation = "OPERATION",
        Retired = "RETIRED",
    }
);
string_enum!(
    /// IDENTIFIED -> ASSESSED -> TREATED or ACCEPTED -> CLOSED.
    RiskStatus { Identified = "IDENTIFIED", Assessed = "ASSESSED", Treated = "TREATED", Accepted = "ACCEPTED", Closed = "CLOSED" }
);
string_enum!(
    /// The risk treatment option chosen (clause 6.1.3).
    TreatmentOption { Mitigate = "MITIGATE", Accept = "ACCEPT", Transfer = "TRANSFER", Avoid = "AVOID" }
);
string_enum!(
    /// Who an AI system impact assessment looks at (clause 6.1.4).
    ImpactSubject { Individuals = "INDIVIDUALS", Groups = "GROUPS", Society = "SOCIETY" }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// Score thresholds of the organization's risk matrix: a score at or above a threshold
/// has that level. Default: LOW 1-4, MEDIUM 5-9, HIGH 10-16, CRITICAL 17-25.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RiskMatrix {
    pub medium_from: i32,
    pub high_from: i32,
    pub critical_from: i32,
}

impl Default for RiskMatrix {
    fn default() -> Self {
        Self {
            medium_from: 5,
            high_from: 10,
            critical_from: 17,
        }
    }
}

impl RiskMatrix {
    pub fn level(&self, score: i32) -> RiskLevel {
        match score {
            s if s >= self.critical_from => RiskLevel::Critical,
            s if s >= self.high_from => RiskLevel::High,
            s if s >= self.medium_from => RiskLevel::Medium,
            _ => RiskLevel::Low,
        }
    }

    /// The lowest score that has `level`.
    pub fn min_score(&self, level: RiskLevel) -> i32 {
        match level {
            RiskLevel::Low => 1,
            RiskLevel::Medium => self.medium_from,
            RiskLevel::High => self.high_from,
            RiskLevel::Critical => self.critical_from,
        }
    }

    pub fn score(&self, likelihood: i32, impact: i32) -> RiskScore {
        let score = likelihood * impact;
        RiskScore {
            likelihood,
            impact,
            score,
            level: self.level(score),
        }
    }

    pub fn validate(&self) -> Result<(), aims_shared::Error> {
        if 1 < self.medium_from
            && self.medium_from < self.high_from
            && self.high_from < self.critical_from
            && self.critical_from <= 25
        {
            Ok(())
        } else {
            Err(aims_shared::Error::bad_input(
                "thresholds must satisfy 1 < mediumFrom < highFrom < criticalFrom <= 25",
            ))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct RiskScore {
    pub likelihood: i32,
    pub impact: i32,
    pub score: i32,
    pub level: RiskLevel,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AiSystem {
    pub id: String,
    pub name: String,
    pub purpose: String,
    pub role: AiRole,
    pub lifecycle_stage: LifecycleStage,
    pub owner: Option<String>,
    /// Highest level among its open risks, each at its residual score if given, else inherent.
    pub risk_level: Option<RiskLevel>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct RiskAcceptance {
    pub approved_by: String,
    pub approved_at: DateTime<Utc>,
    pub expires_on: Date,
    pub rationale: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Risk {
    pub id: String,
    pub ai_system_id: Option<String>,
    pub title: String,
    pub description: String,
    pub source: Option<String>,
    pub owner: Option<String>,
    pub status: RiskStatus,
    pub inherent: Option<RiskScore>,
    pub residual: Option<RiskScore>,
    pub treatment: Option<TreatmentOption>,
    pub treatment_plan: Option<String>,
    pub control_ids: Vec<String>,
    pub acceptance: Option<RiskAcceptance>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskAssessment {
    pub id: String,
    pub risk_id: String,
    pub inherent: RiskScore,
    pub residual: Option<RiskScore>,
    pub notes: Option<String>,
    pub assessed_by: String,
    pub assessed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImpactAssessment {
    pub id: String,
    pub ai_system_id: String,
    pub subject: ImpactSubject,
    pub dimension: String,
    pub description: String,
    pub severity: i32,
    pub likelihood: i32,
    pub mitigations: Option<String>,
    pub assessed_by: String,
    pub assessed_at: DateTime<Utc>,
    pub review_due_on: Option<Date>,
}

#[derive(Debug, Clone, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateAiSystemInput {
    pub name: String,
    pub purpose: String,
    pub role: AiRole,
    /// DESIGN when not given.
    #[graphql(default_with = "Some(LifecycleStage::Design)")]
    pub lifecycle_stage: Option<LifecycleStage>,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateAiSystemInput {
    pub name: Option<String>,
    pub purpose: Option<String>,
    pub role: Option<AiRole>,
    pub lifecycle_stage: Option<LifecycleStage>,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateRiskInput {
    #[graphql(name = "aiSystemId")]
    pub ai_system_id: Option<async_graphql::ID>,
    pub title: String,
    pub description: String,
    pub source: Option<String>,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssessRiskInput {
    pub likelihood: i32,
    pub impact: i32,
    pub residual_likelihood: Option<i32>,
    pub residual_impact: Option<i32>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TreatRiskInput {
    pub option: TreatmentOption,
    pub plan: Option<String>,
    #[graphql(name = "controlIds")]
    pub control_ids: Option<Vec<async_graphql::ID>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AcceptRiskInput {
    pub expires_on: Date,
    pub rationale: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, InputObject)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateImpactAssessmentInput {
    #[graphql(name = "aiSystemId")]
    pub ai_system_id: async_graphql::ID,
    pub subject: ImpactSubject,
    pub dimension: String,
    pub description: String,
    pub severity: i32,
    pub likelihood: i32,
    pub mitigations: Option<String>,
    pub review_due_on: Option<Date>,
}

/// Query parameters of `GET /api/v1/risks`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RiskQuery {
    pub ai_system_id: Option<String>,
    pub status: Option<RiskStatus>,
    pub min_level: Option<RiskLevel>,
    pub owner: Option<String>,
    pub first: Option<i64>,
    pub after: Option<String>,
    #[serde(default)]
    pub with_total: bool,
    /// Comma-separated ids: a batch lookup instead of a page.
    pub ids: Option<String>,
}

/// Query parameters of list endpoints that only page.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PageQuery {
    pub first: Option<i64>,
    pub after: Option<String>,
    #[serde(default)]
    pub with_total: bool,
    pub ids: Option<String>,
}

/// Query parameters of `GET /api/v1/risk-pages`: the first page of risks of several AI systems at once.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RiskPagesQuery {
    /// Comma-separated AI system ids.
    pub ai_system_ids: String,
    pub first: Option<i64>,
    #[serde(default)]
    pub with_total: bool,
}

/// One AI system's first page of risks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemRiskPage {
    pub ai_system_id: String,
    pub page: aims_shared::pagination::Page<Risk>,
}
