//! DataLoaders: every lookup by id made while resolving one request is collected and sent
//! to the owning service as one batch call. They are per request, since they act as the caller.

use crate::Services;
use crate::client::query;
use aims_risk::dto;
use aims_shared::pagination::Page;
use aims_shared::{Caller, Error};
use async_graphql::dataloader::{DataLoader, Loader};
use std::collections::HashMap;

pub struct Loaders {
    pub ai_systems: DataLoader<AiSystemLoader>,
    pub assessments: DataLoader<AssessmentLoader>,
    pub impact_assessments: DataLoader<ImpactLoader>,
}

impl Loaders {
    pub fn new(services: &Services, caller: &Caller) -> Self {
        let ctx = || Batch {
            services: services.clone(),
            caller: caller.clone(),
        };
        Self {
            ai_systems: DataLoader::new(AiSystemLoader(ctx()), tokio::spawn),
            assessments: DataLoader::new(AssessmentLoader(ctx()), tokio::spawn),
            impact_assessments: DataLoader::new(ImpactLoader(ctx()), tokio::spawn),
        }
    }
}

pub struct Batch {
    services: Services,
    caller: Caller,
}

pub struct AiSystemLoader(Batch);
pub struct AssessmentLoader(Batch);
pub struct ImpactLoader(Batch);

impl Loader<String> for AiSystemLoader {
    type Value = dto::AiSystem;
    type Error = Error;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, dto::AiSystem>, Error> {
        let q = query(&[("ids", keys.join(","))])?;
        let page: Page<dto::AiSystem> = self
            .0
            .services
            .risk
            .get(&self.0.caller, &format!("/api/v1/ai-systems?{q}"))
            .await?;
        Ok(page.items.into_iter().map(|s| (s.id.clone(), s)).collect())
    }
}

impl Loader<String> for AssessmentLoader {
    type Value = Vec<dto::RiskAssessment>;
    type Error = Error;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Vec<dto::RiskAssessment>>, Error> {
        let q = query(&[("riskIds", keys.join(","))])?;
        let all: Vec<dto::RiskAssessment> = self
            .0
            .services
            .risk
            .get(&self.0.caller, &format!("/api/v1/risk-assessments?{q}"))
            .await?;
        let mut by_risk: HashMap<String, Vec<_>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for a in all {
            by_risk.entry(a.risk_id.clone()).or_default().push(a);
        }
        Ok(by_risk)
    }
}

impl Loader<String> for ImpactLoader {
    type Value = Vec<dto::ImpactAssessment>;
    type Error = Error;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Vec<dto::ImpactAssessment>>, Error> {
        let q = query(&[("aiSystemIds", keys.join(","))])?;
        let all: Vec<dto::ImpactAssessment> = self
            .0
            .services
            .risk
            .get(&self.0.caller, &format!("/api/v1/impact-assessments?{q}"))
            .await?;
        let mut by_system: HashMap<String, Vec<_>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for a in all {
            by_system.entry(a.ai_system_id.clone()).or_default().push(a);
        }
        Ok(by_system)
    }
}
