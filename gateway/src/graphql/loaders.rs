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
    pub system_risks: DataLoader<SystemRisksLoader>,
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
            system_risks: DataLoader::new(SystemRisksLoader(ctx()), tokio::spawn),
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
pub struct SystemRisksLoader(Batch);

/// The first page of one AI system's risks, as `AiSystem.risks` asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SystemRisksKey {
    pub ai_system_id: String,
    pub first: Option<i64>,
    pub with_total: bool,
}
pub struct ImpactLoader(Batch);

/// Sorts a batch answer under the keys asked for; a key without items gets an empty list.
fn group_by<T>(keys: &[String], items: Vec<T>, key_of: impl Fn(&T) -> &String) -> HashMap<String, Vec<T>> {
    let mut grouped: HashMap<String, Vec<T>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    for item in items {
        grouped.entry(key_of(&item).clone()).or_default().push(item);
    }
    grouped
}

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
        Ok(group_by(keys, all, |a| &a.risk_id))
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
        Ok(group_by(keys, all, |a| &a.ai_system_id))
    }
}

impl Loader<SystemRisksKey> for SystemRisksLoader {
    type Value = Page<dto::Risk>;
    type Error = Error;

    /// One call per distinct (first, withTotal): in practice one call for a whole list of systems.
    async fn load(&self, keys: &[SystemRisksKey]) -> Result<HashMap<SystemRisksKey, Page<dto::Risk>>, Error> {
        let mut groups: HashMap<(Option<i64>, bool), Vec<String>> = HashMap::new();
        for k in keys {
            groups
                .entry((k.first, k.with_total))
                .or_default()
                .push(k.ai_system_id.clone());
        }
        let mut out = HashMap::new();
        for ((first, with_total), ids) in groups {
            let q = dto::RiskPagesQuery {
                ai_system_ids: ids.join(","),
                first,
                with_total,
            };
            let path = format!("/api/v1/risk-pages?{}", query(&q)?);
            let pages: Vec<dto::SystemRiskPage> = self.0.services.risk.get(&self.0.caller, &path).await?;
            for p in pages {
                out.insert(
                    SystemRisksKey {
                        ai_system_id: p.ai_system_id,
                        first,
                        with_total,
                    },
                    p.page,
                );
            }
        }
        Ok(out)
    }
}
