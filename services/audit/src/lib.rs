//! The audit service: certifications, audits, findings, corrective actions and reminders. This release serves its health, readiness and
//! metrics endpoints; its domain arrives with its own issue.

use aims_shared::http::{Readiness, service_router};
use aims_shared::{Error, Platform};
use axum::Router;

pub const SERVICE: &str = "audit";

/// Returns the service's router. `aims serve` and `aims-audit` both call this.
pub async fn start(platform: &Platform) -> Result<Router, Error> {
    let readiness = Readiness {
        db: None,
        bus: platform.bus.clone(),
        checks: Vec::new(),
    };
    Ok(service_router(
        SERVICE,
        Router::new(),
        readiness,
        platform.verifier.clone(),
        platform.config.body_limit_bytes,
    ))
}
