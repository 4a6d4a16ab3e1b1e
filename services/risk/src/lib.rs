//! The risk service: AI systems, the AI risk register (assessment, treatment, acceptance)
//! and AI system impact assessments, over JSON REST under `/api/v1`.

pub mod ai_system;
pub mod dto;
pub mod impact;
mod migration;
pub mod organization;
mod paging;
pub mod risk;
mod validate;

use aims_shared::db::Db;
use aims_shared::events::outbox::Outbox;
use aims_shared::http::{Readiness, service_router};
use aims_shared::{Error, Platform};
use axum::Router;

pub const SERVICE: &str = "risk";

/// What every handler of this service gets.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub outbox: Outbox,
    pub orgs: organization::OrgDirectory,
}

/// The service's routes on an existing state (tests and benchmarks build their own).
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(organization::routes())
        .merge(ai_system::routes())
        .merge(risk::routes())
        .merge(impact::routes())
        .with_state(state)
}

/// Connects and migrates the database, starts the outbox relay and returns the full router
/// with health, readiness and metrics. `aims serve` and `aims-risk` both call this.
pub async fn start(platform: &Platform) -> Result<Router, Error> {
    let db = aims_shared::db::connect_and_migrate::<migration::Migrator>(&platform.config, SERVICE).await?;
    let outbox = Outbox::default();
    outbox.spawn_relay(
        SERVICE,
        db.write.clone(),
        platform.bus.clone(),
        platform.shutdown.clone(),
    );
    let state = AppState {
        db: db.clone(),
        outbox,
        orgs: Default::default(),
    };
    let readiness = Readiness {
        db: Some(db.read.clone()),
        bus: platform.bus.clone(),
        checks: Vec::new(),
    };
    Ok(service_router(
        SERVICE,
        router(state),
        readiness,
        platform.verifier.clone(),
        platform.config.body_limit_bytes,
    ))
}
