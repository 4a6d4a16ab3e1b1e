//! What every service's router carries besides its own routes: `/healthz`, `/readyz`,
//! `/metrics`, the token verifier, request ids and metrics, and a request body limit.

use crate::auth::Verifier;
use crate::events::EventBus;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Extension, Json, Router};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// A named extra readiness probe (the gateway checks the services it calls).
pub type ReadyCheck = Arc<dyn Fn() -> futures::future::BoxFuture<'static, bool> + Send + Sync>;

/// What `/readyz` checks: the service's database (if it has one), the event bus and any extra probes.
#[derive(Clone)]
pub struct Readiness {
    pub db: Option<DatabaseConnection>,
    pub bus: Arc<dyn EventBus>,
    pub checks: Vec<(&'static str, ReadyCheck)>,
}

impl Readiness {
    pub async fn check(&self) -> (bool, serde_json::Value) {
        let db = match &self.db {
            Some(db) => crate::db::is_ready(db).await,
            None => true,
        };
        let bus = self.bus.is_ready().await;
        let mut detail = serde_json::json!({ "database": db, "bus": bus });
        let mut ready = db && bus;
        for (name, check) in &self.checks {
            let ok = check().await;
            ready &= ok;
            detail[*name] = ok.into();
        }
        (ready, detail)
    }
}

/// Wraps a service's routes with the platform's endpoints and middleware.
pub fn service_router(
    service: &'static str,
    routes: Router,
    readiness: Readiness,
    verifier: Verifier,
    body_limit: usize,
) -> Router {
    // Install the recorder now: counts recorded before it exists would be lost.
    crate::telemetry::metrics_handle();
    routes
        .route(
            "/healthz",
            get(|| async { Json(serde_json::json!({ "status": "ok" })) }),
        )
        .route(
            "/readyz",
            get(move || {
                let readiness = readiness.clone();
                async move {
                    let (ready, detail) = readiness.check().await;
                    let status = if ready {
                        StatusCode::OK
                    } else {
                        StatusCode::SERVICE_UNAVAILABLE
                    };
                    (status, Json(detail)).into_response()
                }
            }),
        )
        .route(
            "/metrics",
            get(|| async { crate::telemetry::metrics_handle().render() }),
        )
        .layer(Extension(verifier))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(body_limit))
        .layer(axum::middleware::from_fn(move |req, next| {
            crate::telemetry::observe(service, req, next)
        }))
}

/// JSON body extractor whose rejection is our `BAD_USER_INPUT` error.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(crate::Error))]
pub struct ApiJson<T>(pub T);

/// Query string extractor whose rejection is our `BAD_USER_INPUT` error.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(crate::Error))]
pub struct ApiQuery<T>(pub T);

/// Path parameters extractor whose rejection is our `BAD_USER_INPUT` error.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(crate::Error))]
pub struct ApiPath<T>(pub T);

/// Splits a comma-separated id list (`?ids=a,b`) for batch lookups, capped at the page maximum.
pub fn id_list(ids: &str) -> Result<Vec<String>, crate::Error> {
    let ids: Vec<String> = ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if ids.len() > 500 {
        return Err(crate::Error::bad_input("at most 500 ids per batch"));
    }
    Ok(ids)
}

/// The router of a service that so far serves only health, readiness and metrics.
pub fn health_only(service: &'static str, platform: &crate::Platform) -> Router {
    let readiness = Readiness {
        db: None,
        bus: platform.bus.clone(),
        checks: Vec::new(),
    };
    service_router(
        service,
        Router::new(),
        readiness,
        platform.verifier.clone(),
        platform.config.body_limit_bytes,
    )
}
