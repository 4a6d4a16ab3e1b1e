//! `/api/v1` on the gateway: each request goes unchanged to the service that owns the
//! resource, which authenticates it, so integrations see one base URL.

use crate::Gateway;
use aims_shared::Error;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};

/// The service that owns the first path segment under `/api/v1`.
fn owner<'a>(gw: &'a Gateway, path: &str) -> Option<&'a crate::client::ServiceClient> {
    let first = path.split('/').next().unwrap_or_default();
    match first {
        "organization" | "settings" | "ai-systems" | "risks" | "risk-assessments" | "risk-pages"
        | "impact-assessments" => Some(&gw.services.risk),
        _ => None,
    }
}

pub(crate) async fn forward(State(gw): State<Gateway>, Path(path): Path<String>, req: Request<Body>) -> Response {
    let Some(service) = owner(&gw, &path) else {
        return Error::not_found(format!("/api/v1/{path}")).into_response();
    };
    match service.send(req).await {
        Ok(resp) => resp,
        Err(e) => e.into_response(),
    }
}
