//! The runtime a service starts in: configuration, token verifier, event bus and the
//! shutdown signal. `aims serve` builds one and starts every service in it; each service
//! binary builds its own. Same code path either way.

use crate::auth::{Verifier, ensure_local_secret};
use crate::config::Config;
use crate::error::Error;
use crate::events::{AmqpBus, AmqpConfig, EventBus, InProcessBus};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

#[derive(Clone)]
pub struct Platform {
    pub config: Arc<Config>,
    pub verifier: Verifier,
    pub bus: Arc<dyn EventBus>,
    pub shutdown: CancellationToken,
}

impl Platform {
    pub fn new(mut config: Config, shutdown: CancellationToken) -> Result<Self, Error> {
        ensure_local_secret(&mut config.jwt, &config.data_dir)?;
        let verifier = Verifier::from_config(&config.jwt)?;
        let bus: Arc<dyn EventBus> = match &config.amqp_url {
            Some(url) => {
                let amqp = AmqpConfig {
                    url: url.clone(),
                    prefix: config.amqp_prefix.clone(),
                    prefetch: 32,
                    max_retries: config.event_max_retries,
                };
                AmqpBus::start(amqp, shutdown.clone())
            }
            None => InProcessBus::new(config.event_max_retries),
        };
        Ok(Self {
            config: Arc::new(config),
            verifier,
            bus,
            shutdown,
        })
    }
}

/// A token cancelled on Ctrl-C or SIGTERM, for graceful shutdown.
pub fn shutdown_on_signal() -> CancellationToken {
    let token = CancellationToken::new();
    let t = token.clone();
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! { _ = ctrl_c => {}, _ = term => {} }
        tracing::info!("shutting down");
        t.cancel();
    });
    token
}

/// Serves `router` on `listener` until `shutdown` is cancelled, finishing requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
}

/// The `main` of a service binary: configuration from the environment, tracing, the
/// platform, the service's router, and serving until a shutdown signal.
pub async fn run_service<F>(service: &'static str, start: F) -> Result<(), Error>
where
    F: FnOnce(Platform) -> futures::future::BoxFuture<'static, Result<axum::Router, Error>>,
{
    let config = Config::from_env().map_err(|e| Error::Internal(e.to_string()))?;
    crate::telemetry::init(config.log_format);
    let shutdown = shutdown_on_signal();
    let platform = Platform::new(config, shutdown.clone())?;
    let router = start(platform.clone()).await?;
    let listener = tokio::net::TcpListener::bind(platform.config.bind)
        .await
        .map_err(|e| Error::Internal(format!("cannot listen on {}: {e}", platform.config.bind)))?;
    tracing::info!(service, addr = %listener.local_addr().map(|a| a.to_string()).unwrap_or_default(), "listening");
    serve(listener, router, shutdown)
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}
