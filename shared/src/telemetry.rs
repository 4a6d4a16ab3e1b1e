//! Tracing setup, request ids and Prometheus metrics. A request id is taken from the
//! `x-request-id` header (or made), echoed back, kept on the request's span and carried into
//! every event the request causes, so one id follows the work across services.

use crate::config::LogFormat;
use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;
use tracing::Instrument;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// Installs the global subscriber once; later calls (tests, `aims serve`) are no-ops.
pub fn init(format: LogFormat) {
    use tracing_subscriber::{EnvFilter, fmt, prelude::*};
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,lapin=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Json => registry.with(fmt::layer().json().with_current_span(true)).try_init(),
        LogFormat::Pretty => registry.with(fmt::layer().compact()).try_init(),
    };
}

/// The id of the request being served by this task, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// The process-wide Prometheus recorder (one per process, shared by every service in it).
pub fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets(&[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5])
            .expect("static buckets are valid");
        match builder.install_recorder() {
            Ok(handle) => handle,
            // Another recorder is already global (never in our binaries): keep a detached one.
            Err(_) => PrometheusBuilder::new().build_recorder().handle(),
        }
    })
}

/// Middleware: request id, a span per request, and request count and latency metrics.
pub async fn observe(service: &'static str, mut req: Request, next: Next) -> Response {
    let request_id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.chars().all(|c| c.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        req.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let span = tracing::info_span!("request", service, %request_id, %method, route = %route, org = tracing::field::Empty, status = tracing::field::Empty);
    let started = Instant::now();
    let mut response = REQUEST_ID
        .scope(request_id.clone(), next.run(req).instrument(span.clone()))
        .await;
    let status = response.status().as_u16();
    span.record("status", status);
    if route != "/metrics" {
        let labels = [
            ("service", service.to_owned()),
            ("route", route),
            ("method", method),
            ("status", status.to_string()),
        ];
        metrics::counter!("aims_http_requests_total", &labels).increment(1);
        metrics::histogram!("aims_http_request_duration_seconds", &labels[..3]).record(started.elapsed().as_secs_f64());
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    response
}
