//! Integration tests of the RabbitMQ event bus against a real broker.
//!
//! The broker URL comes from `AIMS_TEST_AMQP_URL` (default: guest on 127.0.0.1:5672). If it is
//! unreachable the tests are skipped with a notice, except under `CI=true` where they fail.
//! Every test works under its own random prefix and deletes its exchanges and queues at the end.

#[path = "support/proxy.rs"]
mod proxy;
#[path = "support/topology.rs"]
mod topology;
#[path = "support/wait.rs"]
mod wait;
use wait::eventually;

use aims_shared::events::{
    AmqpBus, AmqpConfig, BusError, EventBus, EventEnvelope, EventHandler, HandlerError, Subscription,
};
use anyhow::{Context, bail, ensure};
use async_trait::async_trait;
use lapin::options::{BasicGetOptions, BasicPublishOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::uri::AMQPUri;
use lapin::{BasicProperties, Connection, ConnectionProperties};
use proxy::Proxy;
use std::future::Future;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::{Instant, sleep, timeout};
use tokio_util::sync::CancellationToken;

const WAIT: Duration = Duration::from_secs(15);

fn broker_url() -> String {
    std::env::var("AIMS_TEST_AMQP_URL").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// A direct connection for setup and cleanup, or `None` (test skipped) when there is no broker.
async fn broker() -> Option<Connection> {
    let url = broker_url();
    let connect = Connection::connect(&url, ConnectionProperties::default());
    match timeout(Duration::from_secs(5), connect).await {
        Ok(Ok(conn)) => Some(conn),
        outcome => {
            let why = match outcome {
                Ok(Err(err)) => err.to_string(),
                _ => "connect timed out".into(),
            };
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("RabbitMQ is required under CI=true but unreachable: {why}");
            }
            eprintln!("skipping: RabbitMQ unreachable ({why}); set AIMS_TEST_AMQP_URL or start it");
            None
        }
    }
}

/// One test's namespace on the shared broker.
struct Scope {
    admin: Connection,
    prefix: String,
    consumers: Vec<&'static str>,
    shutdown: CancellationToken,
}

impl Scope {
    async fn new(consumers: &[&'static str]) -> Option<Scope> {
        // Bus logs show up for failing tests (or with --nocapture); RUST_LOG overrides the level.
        let filter =
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "aims_shared=info".into());
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
        Some(Scope {
            admin: broker().await?,
            prefix: format!("aimstest-{}", uuid::Uuid::new_v4().simple()),
            consumers: consumers.to_vec(),
            shutdown: CancellationToken::new(),
        })
    }

    fn config(&self, url: String, prefetch: u16, max_retries: u32) -> AmqpConfig {
        AmqpConfig {
            url,
            prefix: self.prefix.clone(),
            prefetch,
            max_retries,
        }
    }

    /// Runs the test body, then cleans up whatever happened, then reports the outcome.
    async fn run(&self, body: impl Future<Output = anyhow::Result<()>>) {
        let outcome = body.await;
        self.shutdown.cancel();
        if let Err(err) = self.cleanup().await {
            eprintln!("cleanup of {} failed: {err:#}", self.prefix);
        }
        outcome.unwrap();
    }

    async fn cleanup(&self) -> anyhow::Result<()> {
        topology::delete_topology(&self.admin, &self.prefix, &self.consumers).await
    }
}

/// Records the events it sees and fails with `fail_with` (if set) every time.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<EventEnvelope>>,
    calls: AtomicU32,
    fail_with: Option<bool>,
}

impl Recorder {
    fn failing(retryable: bool) -> Arc<Recorder> {
        Arc::new(Recorder {
            fail_with: Some(retryable),
            ..Default::default()
        })
    }

    fn seen(&self) -> Vec<EventEnvelope> {
        self.seen.lock().unwrap().clone()
    }

    fn calls(&self) -> u32 {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl EventHandler for Recorder {
    async fn handle(&self, event: &EventEnvelope) -> Result<(), HandlerError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.seen.lock().unwrap().push(event.clone());
        match self.fail_with {
            Some(true) => Err(HandlerError::retryable("still down")),
            Some(false) => Err(HandlerError::permanent("never works")),
            None => Ok(()),
        }
    }
}

fn subscription(consumer: &str, keys: &[&str], handler: Arc<Recorder>) -> Subscription {
    Subscription {
        consumer: consumer.into(),
        routing_keys: keys.iter().map(|k| k.to_string()).collect(),
        handler,
    }
}

fn event(event_type: &str) -> EventEnvelope {
    let mut event = EventEnvelope::new(event_type, "org-1", Some("s-1".into()), serde_json::json!({"n": 1}));
    event.request_id = Some("req-42".into());
    event
}

async fn ready(bus: &AmqpBus) -> anyhow::Result<()> {
    eventually(WAIT, "bus ready", || bus.is_ready()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_reaches_matching_subscriber_with_full_envelope() {
    let Some(scope) = Scope::new(&["reader"]).await else {
        return;
    };
    // prefetch 1: handled one by one, in queue order.
    let bus = AmqpBus::start(scope.config(broker_url(), 1, 2), scope.shutdown.clone());
    let prefix = scope.prefix.clone();
    let admin = &scope.admin;
    scope
        .run(async {
            ready(&bus).await?;
            let reader = Arc::new(Recorder::default());
            bus.subscribe(subscription("reader", &["risk.*"], reader.clone()))
                .await?;

            // A raw queue on the same exchange, to look at the message as it travels.
            let tap = admin.create_channel().await?;
            let tapped = tap
                .queue_declare("".into(), QueueDeclareOptions::exclusive(), FieldTable::default())
                .await?;
            let exchange = format!("{prefix}.events");
            tap.queue_bind(
                tapped.name().clone(),
                exchange.into(),
                "risk.created".into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;

            let first = event("risk.created");
            bus.publish(&first).await?;
            // Not matched by `risk.*`; the second has no queue at all and must still succeed.
            bus.publish(&event("risk.created.v2")).await?;
            bus.publish(&event("control.updated")).await?;
            let last = event("risk.updated");
            bus.publish(&last).await?;

            eventually(WAIT, "both matching events handled", || async {
                reader.seen().len() >= 2
            })
            .await?;
            assert_eq!(reader.seen(), vec![first.clone(), last]);

            let raw = tap
                .basic_get(tapped.name().clone(), BasicGetOptions { no_ack: true })
                .await?
                .context("tap queue got the event")?;
            let props = &raw.delivery.properties;
            assert_eq!(*props.delivery_mode(), Some(2));
            assert_eq!(
                props.content_type().as_ref().map(|c| c.as_str()),
                Some("application/json")
            );
            assert_eq!(
                props.message_id().as_ref().map(|m| m.to_string()),
                Some(first.id.to_string())
            );
            let request_id = props
                .headers()
                .as_ref()
                .and_then(|h| h.inner().get("request_id").cloned());
            assert_eq!(request_id, Some(AMQPValue::LongString("req-42".into())));
            let body: EventEnvelope = serde_json::from_slice(&raw.delivery.data)?;
            assert_eq!(body, first);
            Ok(())
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_events_are_retried_then_dead_lettered() {
    let Some(scope) = Scope::new(&["flaky", "strict"]).await else {
        return;
    };
    let max_retries = 2;
    let bus = AmqpBus::start(scope.config(broker_url(), 4, max_retries), scope.shutdown.clone());
    scope
        .run(async {
            ready(&bus).await?;
            let flaky = Recorder::failing(true);
            let strict = Recorder::failing(false);
            bus.subscribe(subscription("flaky", &["risk.created"], flaky.clone()))
                .await?;
            bus.subscribe(subscription("strict", &["risk.deleted"], strict.clone()))
                .await?;

            let doomed = event("risk.created");
            bus.publish(&doomed).await?;
            bus.publish(&event("risk.deleted")).await?;

            eventually(WAIT, "retried event dead-lettered", || async {
                bus.dead_letter_count("flaky").await.ok() == Some(1)
            })
            .await?;
            assert_eq!(flaky.calls(), max_retries + 1);
            assert!(flaky.seen().iter().all(|e| *e == doomed));

            eventually(WAIT, "permanent failure dead-lettered", || async {
                bus.dead_letter_count("strict").await.ok() == Some(1)
            })
            .await?;
            assert_eq!(strict.calls(), 1, "permanent errors are not retried");
            Ok(())
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_message_is_dead_lettered_without_calling_the_handler() {
    let Some(scope) = Scope::new(&["careful"]).await else {
        return;
    };
    let bus = AmqpBus::start(scope.config(broker_url(), 4, 3), scope.shutdown.clone());
    let exchange = format!("{}.events", scope.prefix);
    let admin = &scope.admin;
    scope
        .run(async {
            ready(&bus).await?;
            let careful = Arc::new(Recorder::default());
            bus.subscribe(subscription("careful", &["risk.*"], careful.clone()))
                .await?;

            let raw = admin.create_channel().await?;
            raw.basic_publish(
                exchange.into(),
                "risk.created".into(),
                BasicPublishOptions::default(),
                b"{not an envelope",
                BasicProperties::default(),
            )
            .await?;

            eventually(WAIT, "poison message dead-lettered", || async {
                bus.dead_letter_count("careful").await.ok() == Some(1)
            })
            .await?;
            assert_eq!(careful.calls(), 0);

            // The consumer keeps working after the poison message.
            let good = event("risk.created");
            bus.publish(&good).await?;
            eventually(WAIT, "good event handled", || async {
                careful.seen() == vec![good.clone()]
            })
            .await?;
            Ok(())
        })
        .await;
}

/// The broker address from the test URL, and the same URL pointing at `proxy` instead.
fn via_proxy(url: &str, proxy: SocketAddr) -> anyhow::Result<String> {
    let uri: AMQPUri = url.parse().map_err(|e| anyhow::anyhow!("bad url: {e}"))?;
    let vhost = if uri.vhost == "/" {
        "%2f".to_string()
    } else {
        uri.vhost.clone()
    };
    let user = &uri.authority.userinfo;
    Ok(format!("amqp://{}:{}@{proxy}/{vhost}", user.username, user.password))
}

fn upstream(url: &str) -> anyhow::Result<SocketAddr> {
    let uri: AMQPUri = url.parse().map_err(|e| anyhow::anyhow!("bad url: {e}"))?;
    (uri.authority.host.as_str(), uri.authority.port)
        .to_socket_addrs()?
        .next()
        .context("broker host resolves")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bus_recovers_after_the_broker_connection_is_cut() {
    let Some(scope) = Scope::new(&["resilient"]).await else {
        return;
    };
    let url = broker_url();
    let proxy = Proxy::start(upstream(&url).unwrap()).await.unwrap();
    let bus = AmqpBus::start(
        scope.config(via_proxy(&url, proxy.addr()).unwrap(), 4, 2),
        scope.shutdown.clone(),
    );
    scope
        .run(async {
            ready(&bus).await?;
            let resilient = Arc::new(Recorder::default());
            bus.subscribe(subscription("resilient", &["risk.*"], resilient.clone()))
                .await?;
            let before = event("risk.created");
            bus.publish(&before).await?;
            eventually(WAIT, "event before the cut handled", || async {
                resilient.seen().contains(&before)
            })
            .await?;

            proxy.cut();
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let started = Instant::now();
                let outcome = timeout(Duration::from_secs(7), bus.publish(&event("risk.lost")))
                    .await
                    .context("publish hung while the broker was cut off")?;
                match outcome {
                    Err(BusError::Unavailable(_)) => {
                        ensure!(started.elapsed() < Duration::from_secs(6), "slow failure");
                        break;
                    }
                    Err(other) => bail!("expected Unavailable, got {other}"),
                    // The proxy may still be closing its sockets: try again.
                    Ok(()) => ensure!(Instant::now() < deadline, "publish kept succeeding"),
                }
                sleep(Duration::from_millis(50)).await;
            }
            eventually(WAIT, "bus reports not ready", || async { !bus.is_ready().await }).await?;

            // A few refused attempts: the supervisor is backing off, not giving up.
            eventually(WAIT, "bus tries to reconnect while cut off", || async {
                proxy.refused() >= 3
            })
            .await?;
            proxy.restore();
            let after = event("risk.updated");
            eventually(WAIT, "publish works again", || async {
                bus.publish(&after).await.is_ok()
            })
            .await?;
            eventually(WAIT, "consumer receives events again", || async {
                resilient.seen().contains(&after)
            })
            .await?;
            Ok(())
        })
        .await;
}
