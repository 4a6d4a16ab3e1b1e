//! The evidence service: evidence files and their metadata. This release serves its health, readiness and
//! metrics endpoints; its domain arrives with its own issue.

use aims_shared::{Error, Platform};
use axum::Router;

pub const SERVICE: &str = "evidence";

/// Returns the service's router. `aims serve` and `aims-evidence` both call this.
pub async fn start(platform: &Platform) -> Result<Router, Error> {
    Ok(aims_shared::http::health_only(SERVICE, platform))
}
