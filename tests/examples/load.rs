//! A small load generator for BENCHMARKS.md: seeds risks through the API and measures
//! `risks(first: 20)` reads and `createRisk` writes against a running gateway.
//!
//! ```text
//! cargo run --release -p aims-e2e --example load -- seed  URL TOKEN COUNT [CONCURRENCY]
//! cargo run --release -p aims-e2e --example load -- read  URL TOKEN CLIENTS SECONDS
//! cargo run --release -p aims-e2e --example load -- write URL TOKEN CLIENTS SECONDS
//! ```

use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const READ: &str = "{ risks(first: 20) { edges { cursor node { id title status owner
    inherent { likelihood impact score level } residual { score level } } } pageInfo { hasNextPage endCursor } } }";
const CREATE: &str = "mutation($i: CreateRiskInput!) { createRisk(input: $i) { id } }";
const ASSESS: &str = "mutation($id: ID!, $i: AssessRiskInput!) { assessRisk(riskId: $id, input: $i) { id } }";

struct Target {
    url: String,
    token: String,
    http: reqwest::Client,
}

impl Target {
    async fn gql(&self, query: &str, variables: Value) -> anyhow::Result<Value> {
        let resp = self
            .http
            .post(format!("{}/graphql", self.url))
            .bearer_auth(&self.token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await?;
        let body: Value = resp.json().await?;
        if let Some(errors) = body.get("errors") {
            bail!("GraphQL errors: {errors}");
        }
        Ok(body["data"].clone())
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| {
        args.get(i)
            .cloned()
            .context("missing argument; see the header of examples/load.rs")
    };
    let target = Arc::new(Target {
        url: arg(1)?,
        token: arg(2)?,
        http: reqwest::Client::builder().pool_max_idle_per_host(64).build()?,
    });
    match arg(0)?.as_str() {
        "seed" => seed(target, arg(3)?.parse()?, args.get(4).map_or(Ok(8), |c| c.parse())?).await,
        "read" => measure(target, arg(3)?.parse()?, arg(4)?.parse()?, false).await,
        "write" => measure(target, arg(3)?.parse()?, arg(4)?.parse()?, true).await,
        other => bail!("unknown command {other:?}: seed, read or write"),
    }
}

/// Creates `count` risks, each assessed, with `concurrency` parallel clients.
async fn seed(target: Arc<Target>, count: u64, concurrency: u64) -> anyhow::Result<()> {
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (target, next) = (target.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= count {
                    return anyhow::Ok(());
                }
                let input = json!({ "title": format!("Seeded risk {n}"), "description": "Load test data", "owner": format!("owner-{}", n % 10) });
                let created = target.gql(CREATE, json!({ "i": input })).await?;
                let id = created["createRisk"]["id"].clone();
                let assess = json!({ "likelihood": 1 + n % 5, "impact": 1 + (n / 5) % 5 });
                target.gql(ASSESS, json!({ "id": id, "i": assess })).await?;
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "seeded {count} assessed risks in {secs:.1}s ({:.0} risks/s)",
        count as f64 / secs
    );
    Ok(())
}

/// Runs `clients` closed-loop clients for `seconds` and prints throughput and latency percentiles.
async fn measure(target: Arc<Target>, clients: usize, seconds: u64, write: bool) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let target = target.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                if write {
                    let input = json!({ "title": format!("Bench risk {c}-{n}"), "description": "Write benchmark" });
                    target.gql(CREATE, json!({ "i": input })).await?;
                } else {
                    target.gql(READ, json!({})).await?;
                }
                latencies.push(t.elapsed());
                n += 1;
            }
            anyhow::Ok(latencies)
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "{} requests in {secs:.1}s: {:.0} req/s, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        all.len(),
        all.len() as f64 / secs,
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0)
    );
    Ok(())
}
