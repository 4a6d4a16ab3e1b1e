//! Integration tests of the transactional outbox and the idempotent inbox against real parts:
//! real SQL (SQLite, and PostgreSQL when reachable) and a real RabbitMQ broker.
//!
//! The broker URL comes from `AIMS_TEST_AMQP_URL` (default: guest on 127.0.0.1:5672); PostgreSQL
//! from `AIMS_TEST_POSTGRES_URL` (default: postgres://postgres@127.0.0.1:5432/postgres), used only
//! to create and drop a fresh database per test. If either is unreachable the tests that need it
//! are skipped with a notice, except under `CI=true` where they fail. Every test works under its
//! own random AMQP prefix (and database) and removes them at the end, whatever the outcome.

#[path = "support/proxy.rs"]
mod proxy;
#[path = "support/topology.rs"]
mod topology;
#[path = "support/wait.rs"]
mod wait;
use wait::eventually;

use aims_shared::Config;
use aims_shared::events::migration::{CreateOutbox, CreateProcessedEvents};
use aims_shared::events::outbox::{self, Outbox};
use aims_shared::events::{
    AmqpBus, AmqpConfig, EventBus, EventEnvelope, EventHandler, HandlerError, InProcessBus, Subscription, inbox,
};
use anyhow::{Context, anyhow, ensure};
use async_trait::async_trait;
use futures::FutureExt;
use lapin::uri::AMQPUri;
use lapin::{Connection, ConnectionProperties};
use proxy::Proxy;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, EntityTrait, Statement, TransactionTrait,
};
use sea_orm_migration::{MigrationTrait, MigratorTrait};
use std::collections::HashSet;
use std::future::Future;
use std::net::{SocketAddr, ToSocketAddrs};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::{Instant, sleep, timeout};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(15);

/// The shared tables a service adds first to its migrator, and nothing else.
struct TestMigrator;

#[async_trait]
impl MigratorTrait for TestMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(CreateOutbox), Box::new(CreateProcessedEvents)]
    }
}

fn init_tracing() {
    // Logs show up for failing tests (or with --nocapture); RUST_LOG overrides the level.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "aims_shared=info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// Skips the test with a notice, or fails it under `CI=true`.
fn unavailable(what: &str, why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} is required under CI=true but unreachable: {why}");
    }
    eprintln!("skipping: {what} unreachable ({why})");
}

/// Runs `body`, then `cleanup` whatever happened (error or panic), then reports the outcome.
async fn run_then(body: impl Future<Output = anyhow::Result<()>>, cleanup: impl Future<Output = anyhow::Result<()>>) {
    let outcome = AssertUnwindSafe(body).catch_unwind().await;
    if let Err(err) = cleanup.await {
        eprintln!("cleanup failed: {err:#}");
    }
    match outcome {
        Ok(result) => result.unwrap(),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// The shared crate's error, with the detail its `Display` keeps for the log.
fn detail(err: aims_shared::Error) -> anyhow::Error {
    anyhow!("{err:?}")
}

/// `count` events of a few types with distinct subjects, in creation (and so id) order.
fn numbered_events(count: usize) -> Vec<EventEnvelope> {
    let types = ["risk.created", "control.updated", "evidence.attached"];
    (0..count)
        .map(|i| {
            EventEnvelope::new(
                types[i % types.len()],
                "org-1",
                Some(format!("s-{i}")),
                serde_json::json!({ "n": i }),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// RabbitMQ

fn broker_url() -> String {
    std::env::var("AIMS_TEST_AMQP_URL").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// One test's namespace on the shared broker.
struct Broker {
    admin: Connection,
    prefix: String,
    consumers: Vec<&'static str>,
    shutdown: CancellationToken,
}

impl Broker {
    /// `None` (test skipped) when there is no broker.
    async fn connect(consumers: &[&'static str]) -> Option<Broker> {
        init_tracing();
        let url = broker_url();
        let connect = Connection::connect(&url, ConnectionProperties::default());
        let admin = match timeout(Duration::from_secs(5), connect).await {
            Ok(Ok(conn)) => conn,
            Ok(Err(err)) => {
                unavailable("RabbitMQ", &format!("{err}; set AIMS_TEST_AMQP_URL or start it"));
                return None;
            }
            Err(_) => {
                unavailable("RabbitMQ", "connect timed out; set AIMS_TEST_AMQP_URL or start it");
                return None;
            }
        };
        Some(Broker {
            admin,
            prefix: format!("aimstest-{}", Uuid::new_v4().simple()),
            consumers: consumers.to_vec(),
            shutdown: CancellationToken::new(),
        })
    }

    fn config(&self, url: String, prefetch: u16) -> AmqpConfig {
        AmqpConfig {
            url,
            prefix: self.prefix.clone(),
            prefetch,
            max_retries: 3,
        }
    }

    /// Stops every bus of the test, then deletes its queues and exchanges.
    async fn cleanup(&self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        topology::delete_topology(&self.admin, &self.prefix, &self.consumers).await
    }
}

/// The same broker URL, pointing at `proxy` instead of the broker.
fn via_proxy(url: &str, proxy: SocketAddr) -> anyhow::Result<String> {
    let uri: AMQPUri = url.parse().map_err(|e| anyhow!("bad url: {e}"))?;
    let vhost = if uri.vhost == "/" {
        "%2f".to_string()
    } else {
        uri.vhost.clone()
    };
    let user = &uri.authority.userinfo;
    Ok(format!("amqp://{}:{}@{proxy}/{vhost}", user.username, user.password))
}

/// The broker's socket address, for the proxy to forward to.
fn upstream(url: &str) -> anyhow::Result<SocketAddr> {
    let uri: AMQPUri = url.parse().map_err(|e| anyhow!("bad url: {e}"))?;
    (uri.authority.host.as_str(), uri.authority.port)
        .to_socket_addrs()?
        .next()
        .context("broker host resolves")
}

async fn ready(bus: &AmqpBus) -> anyhow::Result<()> {
    eventually(WAIT, "bus ready", || bus.is_ready()).await
}

/// Records every event it is handed.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<EventEnvelope>>,
}

impl Recorder {
    fn seen(&self) -> Vec<EventEnvelope> {
        self.seen.lock().unwrap().clone()
    }

    fn ids(&self) -> Vec<Uuid> {
        self.seen().iter().map(|e| e.id).collect()
    }
}

#[async_trait]
impl EventHandler for Recorder {
    async fn handle(&self, event: &EventEnvelope) -> Result<(), HandlerError> {
        self.seen.lock().unwrap().push(event.clone());
        Ok(())
    }
}

fn subscription(consumer: &str, keys: &[&str], handler: Arc<dyn EventHandler>) -> Subscription {
    Subscription {
        consumer: consumer.into(),
        routing_keys: keys.iter().map(|k| k.to_string()).collect(),
        handler,
    }
}

fn event(event_type: &str) -> EventEnvelope {
    let mut event = EventEnvelope::new(event_type, "org-1", Some("s-1".into()), serde_json::json!({"n": 1}));
    event.request_id = Some("req-7".into());
    event
}

// ---------------------------------------------------------------------------------------------
// Databases

/// A migrated SQLite file in `dir`, connected the plain way (not through `db.rs`).
async fn sqlite(dir: &Path) -> anyhow::Result<DatabaseConnection> {
    let url = format!("sqlite://{}?mode=rwc", dir.join("outbox.db").display());
    let db = Database::connect(&url).await?;
    // As `db::connect_and_migrate` does; it also makes the relay's one commit per event cheaper.
    db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
    TestMigrator::up(&db, None).await?;
    Ok(db)
}

async fn backlog(db: &DatabaseConnection) -> anyhow::Result<u64> {
    outbox::backlog(db).await.map_err(detail)
}

async fn outbox_row(db: &DatabaseConnection, id: Uuid) -> anyhow::Result<outbox::entity::Model> {
    outbox::entity::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .with_context(|| format!("outbox row {id}"))
}

/// Writes `event` in a transaction of its own, as a service does with its change, then wakes the relay.
async fn write(db: &DatabaseConnection, outbox: &Outbox, event: &EventEnvelope) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    outbox.enqueue(&txn, event).await.map_err(detail)?;
    txn.commit().await?;
    outbox.wake();
    Ok(())
}

async fn query_i64(db: &DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .with_context(|| format!("no row from {sql}"))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

async fn query_strings(db: &DatabaseConnection, sql: &str) -> anyhow::Result<Vec<String>> {
    let rows = db
        .query_all(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    Ok(rows
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?)
}

fn postgres_admin_url() -> String {
    std::env::var("AIMS_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database of its own on the test PostgreSQL server, dropped by [`PgDatabase::drop_database`].
struct PgDatabase {
    admin: DatabaseConnection,
    name: String,
    url: String,
}

impl PgDatabase {
    /// `None` (test skipped) when PostgreSQL is unreachable.
    async fn create() -> Option<PgDatabase> {
        init_tracing();
        let admin_url = postgres_admin_url();
        let mut opts = ConnectOptions::new(admin_url.clone());
        opts.max_connections(1)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(5))
            .sqlx_logging(false);
        let admin = match timeout(Duration::from_secs(10), Database::connect(opts)).await {
            Ok(Ok(db)) => db,
            Ok(Err(err)) => {
                unavailable("PostgreSQL", &format!("{err}; set AIMS_TEST_POSTGRES_URL or start it"));
                return None;
            }
            Err(_) => {
                unavailable(
                    "PostgreSQL",
                    "connect timed out; set AIMS_TEST_POSTGRES_URL or start it",
                );
                return None;
            }
        };
        let name = format!("aims_t_{}", Uuid::new_v4().simple());
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("CREATE DATABASE on the test PostgreSQL server");
        let server = admin_url.split('?').next().unwrap_or_default();
        let server = server.rsplit_once('/').map_or(server, |(server, _)| server);
        let url = format!("{server}/{name}");
        Some(PgDatabase { admin, name, url })
    }

    async fn drop_database(&self) -> anyhow::Result<()> {
        self.admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            .await?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// 1. The broker is down when the event is written.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_written_while_broker_is_unreachable_is_delivered_after_it_returns() {
    let Some(broker) = Broker::connect(&["observer"]).await else {
        return;
    };
    let url = broker_url();
    let proxy = Proxy::start(upstream(&url).unwrap()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let publisher = AmqpBus::start(
        broker.config(via_proxy(&url, proxy.addr()).unwrap(), 4),
        broker.shutdown.clone(),
    );
    let watcher = AmqpBus::start(broker.config(url.clone(), 4), broker.shutdown.clone());
    let body = async {
        let db = sqlite(dir.path()).await?;
        ready(&publisher).await?;
        ready(&watcher).await?;
        let observer = Arc::new(Recorder::default());
        watcher
            .subscribe(subscription("observer", &["#"], observer.clone()))
            .await?;
        let outbox = Outbox::default();
        let _relay = outbox.spawn_relay("test", db.clone(), publisher.clone(), broker.shutdown.clone());

        // While connected the event goes straight through: the whole pipeline works.
        let before = event("risk.created");
        write(&db, &outbox, &before).await?;
        eventually(WAIT, "event written while connected is delivered", || async {
            observer.ids() == vec![before.id]
        })
        .await?;
        eventually(WAIT, "backlog empty while connected", || async {
            backlog(&db).await.ok() == Some(0)
        })
        .await?;

        proxy.cut();
        eventually(WAIT, "publishing bus reports not ready", || async {
            !publisher.is_ready().await
        })
        .await?;
        let during = event("risk.updated");
        write(&db, &outbox, &during).await?;

        // For two seconds the relay tries and fails; the event waits in the table.
        let quiet_until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < quiet_until {
            ensure!(
                observer.ids() == vec![before.id],
                "an event arrived while the broker was unreachable: {:?}",
                observer.ids()
            );
            ensure!(backlog(&db).await? == 1, "the event left the backlog while cut off");
            sleep(Duration::from_millis(50)).await;
        }
        let waiting = outbox_row(&db, during.id).await?;
        ensure!(waiting.published_at.is_none(), "marked published while cut off");
        ensure!(waiting.attempts >= 1, "the relay never tried to publish while cut off");

        proxy.restore();
        eventually(
            Duration::from_secs(20),
            "event delivered after the broker returned",
            || async { observer.ids().len() >= 2 },
        )
        .await?;
        eventually(WAIT, "backlog drained after the broker returned", || async {
            backlog(&db).await.ok() == Some(0)
        })
        .await?;
        let published = outbox_row(&db, during.id).await?;
        ensure!(published.published_at.is_some(), "published_at not set");
        // Exactly that envelope, once, after the first one.
        assert_eq!(observer.seen(), vec![before, during]);
        Ok(())
    };
    run_then(body, broker.cleanup()).await;
}

// ---------------------------------------------------------------------------------------------
// 2. The same event delivered twice has its effect once.

/// Applies an event by incrementing a counter, guarded by the inbox, in one transaction.
struct Counter {
    db: DatabaseConnection,
    calls: AtomicU32,
    applied: AtomicU32,
    skipped: AtomicU32,
}

impl Counter {
    async fn apply(&self, event: &EventEnvelope) -> Result<bool, DbErr> {
        let txn = self.db.begin().await?;
        let first = inbox::first_delivery(&txn, "counter", event.id).await?;
        if first {
            txn.execute_unprepared("UPDATE counter SET value = value + 1 WHERE name = 'dupes'")
                .await?;
        }
        txn.commit().await?;
        Ok(first)
    }

    fn handled(&self) -> u32 {
        self.applied.load(Ordering::SeqCst) + self.skipped.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl EventHandler for Counter {
    async fn handle(&self, event: &EventEnvelope) -> Result<(), HandlerError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match self.apply(event).await {
            Ok(true) => self.applied.fetch_add(1, Ordering::SeqCst),
            Ok(false) => self.skipped.fetch_add(1, Ordering::SeqCst),
            Err(err) => return Err(HandlerError::retryable(err.to_string())),
        };
        Ok(())
    }
}

/// Publishes one envelope twice to a consumer whose effect is guarded by the inbox.
async fn duplicate_is_applied_once(broker: &Broker, db: &DatabaseConnection) -> anyhow::Result<()> {
    db.execute_unprepared("CREATE TABLE counter (name VARCHAR(32) PRIMARY KEY, value INTEGER NOT NULL)")
        .await?;
    db.execute_unprepared("INSERT INTO counter (name, value) VALUES ('dupes', 0)")
        .await?;
    // Prefetch 2: both copies may be handled at the same time, as by two replicas.
    let bus = AmqpBus::start(broker.config(broker_url(), 2), broker.shutdown.clone());
    ready(&bus).await?;
    let counter = Arc::new(Counter {
        db: db.clone(),
        calls: AtomicU32::new(0),
        applied: AtomicU32::new(0),
        skipped: AtomicU32::new(0),
    });
    bus.subscribe(subscription("counter", &["risk.created"], counter.clone()))
        .await?;

    let event = event("risk.created");
    bus.publish(&event).await?;
    bus.publish(&event).await?;
    eventually(WAIT, "both deliveries handled", || async { counter.handled() >= 2 }).await?;

    assert_eq!(counter.calls.load(Ordering::SeqCst), 2, "handler calls");
    assert_eq!(counter.applied.load(Ordering::SeqCst), 1, "first deliveries");
    assert_eq!(counter.skipped.load(Ordering::SeqCst), 1, "repeated deliveries");
    let value = query_i64(db, "SELECT CAST(value AS BIGINT) FROM counter WHERE name = 'dupes'").await?;
    assert_eq!(value, 1, "the counter was incremented once");
    let recorded = query_i64(
        db,
        &format!(
            "SELECT COUNT(*) FROM processed_events WHERE consumer = 'counter' AND event_id = '{}'",
            event.id
        ),
    )
    .await?;
    assert_eq!(recorded, 1, "the inbox holds the event once");
    Ok(())
}

/// SQLite through `db::connect_and_migrate`, as `aims serve` opens it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_delivery_is_processed_once() {
    let Some(broker) = Broker::connect(&["counter"]).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let body = async {
        let config = Config::embedded(dir.path().to_path_buf());
        let db = aims_shared::db::connect_and_migrate::<TestMigrator>(&config, "svc")
            .await
            .map_err(detail)?
            .write;
        duplicate_is_applied_once(&broker, &db).await?;
        db.close().await?;
        Ok(())
    };
    run_then(body, broker.cleanup()).await;
}

/// PostgreSQL through `db::connect_and_migrate`: tables in the service's own schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_delivery_is_processed_once_on_postgres() {
    let Some(pg) = PgDatabase::create().await else {
        return;
    };
    let Some(broker) = Broker::connect(&["counter"]).await else {
        pg.drop_database().await.unwrap();
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let body = async {
        let mut config = Config::embedded(dir.path().to_path_buf());
        config.database_url = Some(pg.url.clone());
        // Two replicas starting at once: the advisory lock lets exactly one of them migrate.
        let (first, second) = tokio::join!(
            aims_shared::db::connect_and_migrate::<TestMigrator>(&config, "svc"),
            aims_shared::db::connect_and_migrate::<TestMigrator>(&config, "svc"),
        );
        let db = first
            .map_err(|e| detail(e).context("connect_and_migrate on PostgreSQL"))?
            .write;
        let other = second
            .map_err(|e| detail(e).context("concurrent connect_and_migrate on PostgreSQL"))?
            .write;
        other.close().await?;

        assert_eq!(query_strings(&db, "SELECT current_schema()::text").await?, ["svc"]);
        assert_eq!(
            query_strings(&db, "SHOW statement_timeout").await?,
            ["30s"],
            "no statement may hang forever"
        );
        let mut schemas = query_strings(
            &db,
            "SELECT table_schema::text || '.' || table_name::text FROM information_schema.tables \
             WHERE table_name IN ('outbox', 'processed_events', 'seaql_migrations') ORDER BY 1",
        )
        .await?;
        schemas.sort();
        assert_eq!(
            schemas,
            ["svc.outbox", "svc.processed_events", "svc.seaql_migrations"],
            "the service's tables live in its own schema"
        );
        let applied = query_i64(&db, "SELECT COUNT(*) FROM seaql_migrations").await?;
        assert_eq!(applied, 2, "each migration recorded once");

        duplicate_is_applied_once(&broker, &db).await?;
        db.close().await?;
        Ok(())
    };
    let cleanup = async {
        let amqp = broker.cleanup().await;
        pg.drop_database().await?;
        amqp
    };
    run_then(body, cleanup).await;
}

// ---------------------------------------------------------------------------------------------
// 3. Order and uniqueness across relay batches.

#[tokio::test]
async fn relay_keeps_order_and_publishes_each_event_once() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let db = sqlite(dir.path()).await?;
    let bus = InProcessBus::new(3);
    let recorder = Arc::new(Recorder::default());
    bus.subscribe(subscription("recorder", &["#"], recorder.clone()))
        .await?;

    let outbox = Outbox::default();
    let events = numbered_events(250);
    let txn = db.begin().await?;
    for event in &events {
        outbox.enqueue(&txn, event).await.map_err(detail)?;
    }
    txn.commit().await?;
    assert_eq!(backlog(&db).await?, 250);

    let mut batches = Vec::new();
    while backlog(&db).await? > 0 {
        ensure!(batches.len() < 10, "relay makes no progress: {batches:?}");
        batches.push(outbox::relay_once(&db, bus.as_ref()).await.map_err(detail)?);
    }
    assert_eq!(batches, [100, 100, 50], "published per batch");
    assert_eq!(
        outbox::relay_once(&db, bus.as_ref()).await.map_err(detail)?,
        0,
        "nothing left to publish"
    );

    let received = recorder.ids();
    let distinct: HashSet<Uuid> = received.iter().copied().collect();
    assert_eq!(distinct.len(), received.len(), "an event was published twice");
    let written: Vec<Uuid> = events.iter().map(|e| e.id).collect();
    assert_eq!(received, written, "published in the order written");
    assert_eq!(recorder.seen(), events, "envelopes arrive unchanged");
    Ok(())
}

/// Records every event it is handed, taking about a millisecond each, and notes whether two
/// publishes were ever handled at once.
struct SlowRecorder {
    recorder: Recorder,
    in_flight: AtomicU32,
    max_in_flight: AtomicU32,
}

#[async_trait]
impl EventHandler for SlowRecorder {
    async fn handle(&self, event: &EventEnvelope) -> Result<(), HandlerError> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        sleep(Duration::from_millis(1)).await;
        let result = self.recorder.handle(event).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        result
    }
}

/// What one replica's relay loop did.
#[derive(Debug, Default)]
struct RelayRounds {
    published: usize,
    /// Rounds that published something.
    led: usize,
    /// Rounds that returned 0 while events were still pending (the other replica held the lock).
    turned_away: usize,
}

/// One replica: relays until the backlog is empty, failing after `deadline`.
async fn relay_until_drained(
    db: &DatabaseConnection,
    bus: &InProcessBus,
    start: &tokio::sync::Barrier,
    deadline: Instant,
) -> anyhow::Result<RelayRounds> {
    let mut rounds = RelayRounds::default();
    start.wait().await;
    while backlog(db).await? > 0 {
        ensure!(
            Instant::now() < deadline,
            "relay did not drain the outbox in time: {rounds:?}"
        );
        let n = outbox::relay_once(db, bus).await.map_err(detail)?;
        rounds.published += n;
        if n > 0 {
            rounds.led += 1;
        } else {
            rounds.turned_away += 1;
            // The other replica is publishing; do not spin on the lock.
            sleep(Duration::from_millis(2)).await;
        }
    }
    Ok(rounds)
}

/// Two replicas (two pools on one PostgreSQL database) relay the same outbox at the same time:
/// the advisory lock lets one publish at a time, so every event goes out once and in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_relays_on_postgres_publish_each_event_once_in_order() {
    let Some(pg) = PgDatabase::create().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let body = async {
        let mut config = Config::embedded(dir.path().to_path_buf());
        config.database_url = Some(pg.url.clone());
        let first = aims_shared::db::connect_and_migrate::<TestMigrator>(&config, "svc")
            .await
            .map_err(|e| detail(e).context("connect_and_migrate on PostgreSQL (replica 1)"))?
            .write;
        let second = aims_shared::db::connect_and_migrate::<TestMigrator>(&config, "svc")
            .await
            .map_err(|e| detail(e).context("connect_and_migrate on PostgreSQL (replica 2)"))?
            .write;

        let bus = InProcessBus::new(3);
        let recorder = Arc::new(SlowRecorder {
            recorder: Recorder::default(),
            in_flight: AtomicU32::new(0),
            max_in_flight: AtomicU32::new(0),
        });
        bus.subscribe(subscription("recorder", &["#"], recorder.clone()))
            .await?;

        let events = numbered_events(300);
        let outbox = Outbox::default();
        let txn = first.begin().await?;
        for event in &events {
            outbox.enqueue(&txn, event).await.map_err(detail)?;
        }
        txn.commit().await?;
        assert_eq!(backlog(&second).await?, 300, "the other replica sees the same outbox");

        let start = tokio::sync::Barrier::new(2);
        let deadline = Instant::now() + Duration::from_secs(30);
        let (one, two) = tokio::join!(
            relay_until_drained(&first, &bus, &start, deadline),
            relay_until_drained(&second, &bus, &start, deadline),
        );
        let (one, two) = (one.context("replica 1")?, two.context("replica 2")?);

        let received = recorder.recorder.ids();
        let distinct: HashSet<Uuid> = received.iter().copied().collect();
        assert_eq!(
            distinct.len(),
            received.len(),
            "an event was published twice ({} deliveries of {} events); replicas: {one:?} {two:?}",
            received.len(),
            distinct.len()
        );
        let written: Vec<Uuid> = events.iter().map(|e| e.id).collect();
        assert_eq!(received, written, "published once each, in the order written");
        assert_eq!(one.published + two.published, 300, "rounds report what they published");
        assert_eq!(
            recorder.max_in_flight.load(Ordering::SeqCst),
            1,
            "the two relays published at the same time"
        );
        assert!(
            one.turned_away + two.turned_away > 0,
            "the relays never overlapped, so the lock was not exercised: {one:?} {two:?}"
        );
        assert_eq!(backlog(&first).await?, 0);
        first.close().await?;
        second.close().await?;
        Ok(())
    };
    run_then(body, pg.drop_database()).await;
}
