//! The end-to-end harness. `spawn_app(mode)` starts AIMS on a random port and returns a
//! [`TestApp`] that signs tokens and hands out typed [`Client`]s:
//! - `Mode::Embedded`: everything in this process on SQLite in a temp dir, as `aims serve`;
//! - `Mode::Distributed`: each service and the gateway as its own process, on a fresh
//!   PostgreSQL database and a RabbitMQ prefix of their own.
//!
//! Tests are written once with [`both_modes!`] and run in both. Without PostgreSQL or
//! RabbitMQ the distributed run is skipped with a notice, except under `CI=true`, where it fails.

use aims_shared::auth::{Claims, issue_token};
use aims_shared::events::{AmqpBus, AmqpConfig, EventBus, EventEnvelope, EventHandler, HandlerError, Subscription};
use aims_shared::{Config, Platform, Role};
use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

pub const ISSUER: &str = "aims-e2e";
pub const AUDIENCE: &str = "aims";
/// The one browser origin the app under test allows.
pub const FRONTEND_ORIGIN: &str = "https://app.aims.example";
const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const DEFAULT_AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Embedded,
    Distributed,
}

/// Writes a test once and runs it against both modes.
#[macro_export]
macro_rules! both_modes {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)+) => {
        mod embedded {
            use super::*;
            use $crate::TestApp;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::spawn_app($crate::Mode::Embedded).await.expect("embedded app starts");
                    $body
                }
            )+
        }
        mod distributed {
            use super::*;
            use $crate::TestApp;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some($app) = $crate::spawn_distributed_or_skip().await else { return };
                    $body
                }
            )+
        }
    };
}

/// A running AIMS under test. Dropping it stops everything it started.
pub struct TestApp {
    pub mode: Mode,
    pub base_url: String,
    secret: String,
    http: reqwest::Client,
    events: Arc<Mutex<Vec<EventEnvelope>>>,
    _guard: Guard,
}

enum Guard {
    Embedded {
        shutdown: CancellationToken,
        _dir: tempfile::TempDir,
    },
    Distributed {
        children: Vec<Child>,
        database: String,
        observer: CancellationToken,
        bus: Arc<AmqpBus>,
        _dir: tempfile::TempDir,
    },
}

impl Drop for Guard {
    fn drop(&mut self) {
        match self {
            Guard::Embedded { shutdown, .. } => shutdown.cancel(),
            Guard::Distributed {
                children,
                database,
                observer,
                bus,
                ..
            } => {
                observer.cancel();
                wait_for_bus(bus.clone());
                for child in children.iter_mut() {
                    let _ = child.kill();
                    let _ = child.wait();
                }
                let database = database.clone();
                // Drop runs outside any async context we may block: use a runtime of its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async {
                        let admin = sea_orm::Database::connect(POSTGRES_ADMIN_URL).await.ok()?;
                        let sql = format!("DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
                        sea_orm::ConnectionTrait::execute_unprepared(&admin, &sql).await.ok()
                    })
                })
                .join();
            }
        }
    }
}

/// Waits until the observer's bus has closed its broker connection, so that lapin's I/O thread
/// is done before the test's runtime shuts down (it fails noisily when it outlives it). Drop
/// cannot await: block on the test's runtime from a helper thread, which needs a multi-threaded
/// runtime to make progress meanwhile; on any other the bus is only cancelled.
fn wait_for_bus(bus: Arc<AmqpBus>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    if runtime.runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
        return;
    }
    let _ = std::thread::spawn(move || {
        runtime.block_on(async {
            let _ = tokio::time::timeout(Duration::from_secs(10), bus.shutdown()).await;
        })
    })
    .join();
}

/// Records every event the app publishes, seen from outside the services.
struct Recorder(Arc<Mutex<Vec<EventEnvelope>>>);

#[async_trait::async_trait]
impl EventHandler for Recorder {
    async fn handle(&self, event: &EventEnvelope) -> Result<(), HandlerError> {
        self.0.lock().unwrap().push(event.clone());
        Ok(())
    }
}

fn random_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

fn test_secret() -> String {
    format!("e2e-secret-{}", random_suffix())
}

/// Logs of the app under test go to the test's captured output (shown when it fails).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

pub async fn spawn_app(mode: Mode) -> anyhow::Result<TestApp> {
    init_logging();
    match mode {
        Mode::Embedded => spawn_embedded().await,
        Mode::Distributed => spawn_distributed().await,
    }
}

async fn spawn_embedded() -> anyhow::Result<TestApp> {
    let dir = tempfile::tempdir()?;
    let mut config = Config::embedded(dir.path().to_path_buf());
    let secret = test_secret();
    config.jwt.secret = Some(secret.clone());
    config.jwt.issuer = Some(ISSUER.into());
    config.jwt.audience = Some(AUDIENCE.into());
    config.cors_origins = vec![FRONTEND_ORIGIN.into()];
    let shutdown = CancellationToken::new();
    let platform = Platform::new(config, shutdown.clone())?;
    let events = Arc::new(Mutex::new(Vec::new()));
    platform
        .bus
        .subscribe(Subscription {
            consumer: "e2e-observer".into(),
            routing_keys: vec!["#".into()],
            handler: Arc::new(Recorder(events.clone())),
        })
        .await?;
    let router = aims_gateway::start(&platform).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base_url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(aims_shared::platform::serve(listener, router, shutdown.clone()));
    Ok(TestApp {
        mode: Mode::Embedded,
        base_url,
        secret,
        http: reqwest::Client::new(),
        events,
        _guard: Guard::Embedded { shutdown, _dir: dir },
    })
}

/// The distributed app, or `None` (with a notice) when PostgreSQL or RabbitMQ is not running
/// outside CI. Under `CI=true` a missing dependency fails the test.
pub async fn spawn_distributed_or_skip() -> Option<TestApp> {
    init_logging();
    match spawn_distributed().await {
        Ok(app) => Some(app),
        Err(e) if std::env::var("CI").as_deref() != Ok("true") && is_missing_dependency(&e) => {
            eprintln!("skipping distributed mode: {e:#}");
            None
        }
        Err(e) => panic!("distributed app failed to start: {e:#}"),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct MissingDependency(String);

fn is_missing_dependency(e: &anyhow::Error) -> bool {
    e.downcast_ref::<MissingDependency>().is_some()
}

fn amqp_url() -> String {
    std::env::var("AIMS_TEST_AMQP_URL").unwrap_or_else(|_| DEFAULT_AMQP_URL.into())
}

/// Builds the service binaries once per test run (a no-op when they are fresh) and returns their folder.
fn binaries() -> anyhow::Result<PathBuf> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut cmd = Command::new(cargo);
            // The same package selection as `cargo test --workspace`, so both resolve the same
            // features and neither invalidates the other's build.
            cmd.args(["build", "--workspace", "--bins"]);
            // Cargo exports package variables to the running test; build scripts that watch
            // them would see a change and rebuild half the tree. Give cargo a clean slate.
            for (key, _) in std::env::vars() {
                let keep = matches!(key.as_str(), "CARGO_HOME" | "CARGO_TARGET_DIR" | "CARGO_BUILD_JOBS");
                if key.starts_with("CARGO_") && !keep || key == "OUT_DIR" || key.starts_with("RUST_") {
                    cmd.env_remove(key);
                }
            }
            let dir = std::env::current_exe().map_err(|e| e.to_string())?;
            // target/<profile>/deps/<test binary>
            let profile_dir = dir
                .parent()
                .and_then(|d| d.parent())
                .ok_or("unexpected test binary location")?
                .to_path_buf();
            if profile_dir.file_name().is_some_and(|n| n == "release") {
                cmd.arg("--release");
            }
            let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
            if !status.success() {
                return Err("cargo build of the service binaries failed".into());
            }
            Ok(profile_dir)
        })
        .clone()
        .map_err(|e| anyhow::anyhow!(e))
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

async fn spawn_distributed() -> anyhow::Result<TestApp> {
    let admin = sea_orm::Database::connect(POSTGRES_ADMIN_URL)
        .await
        .map_err(|e| MissingDependency(format!("PostgreSQL at 127.0.0.1:5432 is not reachable: {e}")))?;
    let suffix = random_suffix();
    let database = format!("aims_e2e_{suffix}");
    sea_orm::ConnectionTrait::execute_unprepared(&admin, &format!("CREATE DATABASE \"{database}\"")).await?;
    admin.close().await.ok();

    let prefix = format!("aims-e2e-{suffix}");
    let observer = CancellationToken::new();
    let bus = AmqpBus::start(
        AmqpConfig {
            url: amqp_url(),
            prefix: prefix.clone(),
            prefetch: 16,
            max_retries: 3,
        },
        observer.clone(),
    );
    let events = Arc::new(Mutex::new(Vec::new()));
    bus.subscribe(Subscription {
        consumer: "e2e-observer".into(),
        routing_keys: vec!["#".into()],
        handler: Arc::new(Recorder(events.clone())),
    })
    .await?;
    if !bus.is_ready().await {
        bus.shutdown().await;
        return Err(MissingDependency("RabbitMQ at 127.0.0.1:5672 is not reachable".into()).into());
    }

    let bin = binaries()?;
    let dir = tempfile::tempdir()?;
    let secret = test_secret();
    let common = |port: u16| -> Vec<(String, String)> {
        vec![
            ("AIMS_BIND".into(), format!("127.0.0.1:{port}")),
            ("AIMS_DATA_DIR".into(), dir.path().display().to_string()),
            (
                "AIMS_DATABASE_URL".into(),
                format!("postgres://postgres@127.0.0.1:5432/{database}"),
            ),
            ("AIMS_DB_POOL_SIZE".into(), "5".into()),
            ("AIMS_AMQP_URL".into(), amqp_url()),
            ("AIMS_AMQP_PREFIX".into(), prefix.clone()),
            ("AIMS_JWT_SECRET".into(), secret.clone()),
            ("AIMS_JWT_ISSUER".into(), ISSUER.into()),
            ("AIMS_JWT_AUDIENCE".into(), AUDIENCE.into()),
            ("AIMS_CORS_ORIGINS".into(), FRONTEND_ORIGIN.into()),
            ("RUST_LOG".into(), "warn".into()),
        ]
    };
    let mut children = Vec::new();
    let mut gateway_env = Vec::new();
    for service in ["risk", "controls", "evidence", "audit"] {
        let port = free_port()?;
        let child = Command::new(bin.join(format!("aims-{service}")))
            .env_clear()
            .envs(common(port))
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("starting aims-{service}"))?;
        children.push(child);
        gateway_env.push((
            format!("AIMS_{}_URL", service.to_uppercase()),
            format!("http://127.0.0.1:{port}"),
        ));
    }
    let port = free_port()?;
    children.push(
        Command::new(bin.join("aims-gateway"))
            .env_clear()
            .envs(common(port))
            .envs(gateway_env)
            .stdout(Stdio::null())
            .spawn()
            .context("starting aims-gateway")?,
    );
    let app = TestApp {
        mode: Mode::Distributed,
        base_url: format!("http://127.0.0.1:{port}"),
        secret,
        http: reqwest::Client::new(),
        events,
        _guard: Guard::Distributed {
            children,
            database,
            observer,
            bus,
            _dir: dir,
        },
    };
    app.wait_ready(Duration::from_secs(60)).await?;
    Ok(app)
}

impl TestApp {
    /// Waits until the gateway reports every service ready.
    pub async fn wait_ready(&self, timeout: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let ready = self.http.get(format!("{}/readyz", self.base_url)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("AIMS at {} was not ready within {timeout:?}", self.base_url);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Claims for a caller of `org` with `roles`, valid for an hour; tests adjust them to build bad tokens.
    pub fn claims(&self, org: &str, roles: &[Role]) -> Claims {
        let now = chrono::Utc::now().timestamp() as u64;
        Claims {
            sub: format!("{org}-user"),
            exp: now + 3600,
            nbf: Some(now),
            iat: Some(now),
            iss: Some(ISSUER.into()),
            aud: Some(AUDIENCE.into()),
            org: org.into(),
            roles: roles.to_vec(),
            email: Some(format!("user@{org}.example")),
            org_name: Some(format!("{org} Ltd")),
        }
    }

    pub fn sign(&self, claims: &Claims) -> String {
        issue_token(&self.secret, claims).expect("signing works")
    }

    /// A client acting for `org` with `roles`.
    pub fn client(&self, org: &str, roles: &[Role]) -> Client {
        self.client_with_token(Some(self.sign(&self.claims(org, roles))))
    }

    pub fn client_with_token(&self, token: Option<String>) -> Client {
        Client {
            base_url: self.base_url.clone(),
            token,
            http: self.http.clone(),
        }
    }

    /// Waits for a published event matching `pred` and returns it.
    pub async fn wait_for_event(&self, pred: impl Fn(&EventEnvelope) -> bool) -> EventEnvelope {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(e) = self.events.lock().unwrap().iter().find(|e| pred(e)) {
                return e.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no matching event within 20s; saw {:?}",
                self.event_types()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A raw HTTP client for requests the typed client does not model (CORS, limits).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub fn event_types(&self) -> Vec<String> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .map(|e| e.event_type.clone())
            .collect()
    }
}

/// A GraphQL answer.
#[derive(Debug)]
pub struct Gql {
    pub status: u16,
    pub data: Value,
    pub errors: Vec<Value>,
}

impl Gql {
    /// The data, failing the test if there were errors.
    pub fn ok(self) -> Value {
        assert!(self.errors.is_empty(), "unexpected GraphQL errors: {:#?}", self.errors);
        self.data
    }

    /// The `extensions.code` of the first error.
    pub fn code(&self) -> &str {
        self.errors
            .first()
            .and_then(|e| e["extensions"]["code"].as_str())
            .unwrap_or_else(|| panic!("expected an error, got data {}", self.data))
    }
}

/// A typed client for one caller.
#[derive(Clone)]
pub struct Client {
    base_url: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl Client {
    pub async fn gql(&self, query: &str, variables: Value) -> Gql {
        let mut req = self
            .http
            .post(format!("{}/graphql", self.base_url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("gateway answers");
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.expect("GraphQL answers JSON");
        Gql {
            status,
            data: body["data"].clone(),
            errors: body["errors"].as_array().cloned().unwrap_or_default(),
        }
    }

    /// Calls the REST API; returns the status and the JSON body (Null when empty).
    pub async fn rest(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{}", self.base_url, path));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("gateway answers");
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Creates an AI system and returns its id.
    pub async fn create_ai_system(&self, name: &str) -> String {
        let data = self
            .gql(
                "mutation($i: CreateAiSystemInput!) { createAiSystem(input: $i) { id } }",
                json!({ "i": { "name": name, "purpose": "Answers customer questions", "role": "DEPLOYER" } }),
            )
            .await
            .ok();
        data["createAiSystem"]["id"].as_str().unwrap().to_owned()
    }

    /// Creates a risk (optionally on an AI system) and returns its id.
    pub async fn create_risk(&self, title: &str, ai_system_id: Option<&str>) -> String {
        let data = self
            .gql(
                "mutation($i: CreateRiskInput!) { createRisk(input: $i) { id status } }",
                json!({ "i": { "title": title, "description": "What could go wrong", "aiSystemId": ai_system_id } }),
            )
            .await
            .ok();
        assert_eq!(data["createRisk"]["status"], "IDENTIFIED");
        data["createRisk"]["id"].as_str().unwrap().to_owned()
    }

    /// Assesses a risk; returns the GraphQL answer.
    pub async fn assess(&self, risk_id: &str, likelihood: i32, impact: i32, residual: Option<(i32, i32)>) -> Gql {
        let mut input = json!({ "likelihood": likelihood, "impact": impact });
        if let Some((l, i)) = residual {
            input["residualLikelihood"] = l.into();
            input["residualImpact"] = i.into();
        }
        self.gql(
            "mutation($id: ID!, $i: AssessRiskInput!) { assessRisk(riskId: $id, input: $i) {
                id status inherent { likelihood impact score level } residual { score level } } }",
            json!({ "id": risk_id, "i": input }),
        )
        .await
    }
}
