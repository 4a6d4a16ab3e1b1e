//! The AIMS gateway: the public GraphQL API at `/graphql` and the REST API under `/api/v1`,
//! in front of the services. A service with a configured URL is called over HTTP; one
//! without runs inside this process, which is how `aims serve` runs everything at once.

pub mod client;
pub mod graphql;
mod rest;

use aims_shared::auth::bearer_token;
use aims_shared::http::{Readiness, ReadyCheck, service_router};
use aims_shared::{Caller, Error, Platform};
use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{Html, IntoResponse};
use axum::routing::{any, get};
use client::ServiceClient;
use graphql::AimsSchema;
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub const SERVICE: &str = "gateway";

/// The services the gateway calls, each in-process or over HTTP.
#[derive(Clone)]
pub struct Services {
    pub risk: ServiceClient,
    pub controls: ServiceClient,
    pub evidence: ServiceClient,
    pub audit: ServiceClient,
}

impl Services {
    /// Connects to each service by its configured URL, or starts it in this process.
    pub async fn from_platform(platform: &Platform) -> Result<Self, Error> {
        let c = &platform.config;
        if c.amqp_url.is_none()
            && [&c.risk_url, &c.controls_url, &c.evidence_url, &c.audit_url]
                .iter()
                .any(|u| u.is_some())
        {
            tracing::warn!(
                "service URLs are set but AIMS_AMQP_URL is not: services in other processes will not see this process's events"
            );
        }
        Ok(Self {
            risk: connect(platform, aims_risk::SERVICE, &c.risk_url, aims_risk::start).await?,
            controls: connect(platform, aims_controls::SERVICE, &c.controls_url, aims_controls::start).await?,
            evidence: connect(platform, aims_evidence::SERVICE, &c.evidence_url, aims_evidence::start).await?,
            audit: connect(platform, aims_audit::SERVICE, &c.audit_url, aims_audit::start).await?,
        })
    }

    fn all(&self) -> [&ServiceClient; 4] {
        [&self.risk, &self.controls, &self.evidence, &self.audit]
    }
}

/// A client for one service: over HTTP when it has a URL, else the service started here.
async fn connect<'a, F, Fut>(
    platform: &'a Platform,
    name: &'static str,
    url: &Option<String>,
    start: F,
) -> Result<ServiceClient, Error>
where
    F: FnOnce(&'a Platform) -> Fut,
    Fut: std::future::Future<Output = Result<Router, Error>>,
{
    match url {
        Some(url) => ServiceClient::http(name, url),
        None => Ok(ServiceClient::InProcess {
            name,
            router: start(platform).await?,
        }),
    }
}

#[derive(Clone)]
struct Gateway {
    schema: AimsSchema,
    services: Services,
    verifier: aims_shared::auth::Verifier,
}

/// The whole public API: GraphQL, REST, health, readiness (of every service) and metrics.
pub async fn start(platform: &Platform) -> Result<Router, Error> {
    let services = Services::from_platform(platform).await?;
    let gateway = Gateway {
        schema: graphql::build_schema(),
        services: services.clone(),
        verifier: platform.verifier.clone(),
    };
    let routes = Router::new()
        .route("/graphql", get(graphiql).post(graphql_handler))
        .route("/api/v1/{*path}", any(rest::forward))
        .with_state(gateway);
    let checks = services
        .all()
        .into_iter()
        .map(|client| {
            let name = client.name();
            let client = client.clone();
            let check: ReadyCheck = Arc::new(move || {
                let client = client.clone();
                Box::pin(async move { client.is_ready().await })
            });
            (name, check)
        })
        .collect();
    let readiness = Readiness {
        db: None,
        bus: platform.bus.clone(),
        checks,
    };
    let router = service_router(
        SERVICE,
        routes,
        readiness,
        platform.verifier.clone(),
        platform.config.body_limit_bytes,
    );
    Ok(router.layer(cors(&platform.config.cors_origins)))
}

/// Browsers may call the API from the configured origins only (none by default).
fn cors(origins: &[String]) -> CorsLayer {
    let allowed: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-request-id"),
        ])
}

async fn graphiql() -> impl IntoResponse {
    Html(GraphiQLSource::build().endpoint("/graphql").finish())
}

async fn graphql_handler(State(gw): State<Gateway>, headers: HeaderMap, req: GraphQLRequest) -> GraphQLResponse {
    let caller: Result<Caller, Error> = match bearer_token(&headers) {
        Ok(token) => gw.verifier.verify(token).await,
        Err(e) => Err(e),
    };
    let caller = match caller {
        Ok(c) => c,
        Err(e) => {
            let err = async_graphql::ErrorExtensions::extend(&e).into_server_error(async_graphql::Pos::default());
            return async_graphql::Response::from_errors(vec![err]).into();
        }
    };
    tracing::Span::current().record("org", caller.org.as_str());
    let loaders = graphql::loaders::Loaders::new(&gw.services, &caller);
    let request = req.into_inner().data(gw.services.clone()).data(loaders).data(caller);
    let mut response = gw.schema.execute(request).await;
    // Errors raised by the GraphQL engine itself (parse, validation, limits) get a code too.
    for error in &mut response.errors {
        let has_code = error.extensions.as_ref().is_some_and(|e| e.get("code").is_some());
        if !has_code {
            // Request-level failures and argument coercion are the client's; anything else is ours.
            let bad_input = error.path.is_empty() || error.message.starts_with("Failed to parse");
            let code = if bad_input { "BAD_USER_INPUT" } else { "INTERNAL" };
            error.extensions.get_or_insert_with(Default::default).set("code", code);
        }
    }
    response.into()
}
