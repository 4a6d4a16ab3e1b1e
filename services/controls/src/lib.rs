//! The controls service: framework catalog, controls and the Statement of Applicability. This release serves its health, readiness and
//! metrics endpoints; its domain arrives with its own issue.

use aims_shared::{Error, Platform};
use axum::Router;

pub const SERVICE: &str = "controls";

/// Returns the service's router. `aims serve` and `aims-controls` both call this.
pub async fn start(platform: &Platform) -> Result<Router, Error> {
    Ok(aims_shared::http::health_only(SERVICE, platform))
}
