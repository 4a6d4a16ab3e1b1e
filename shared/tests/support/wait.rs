//! Waiting for something that happens asynchronously, with a deadline instead of a fixed sleep.
#![allow(dead_code)]

use anyhow::bail;
use std::future::Future;
use std::time::{Duration, Instant};
use tokio::time::sleep;

/// Polls `check` every 50ms until it holds; fails with `what` after `limit`.
pub async fn eventually<F, Fut>(limit: Duration, what: &str, mut check: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while !check().await {
        if Instant::now() > deadline {
            bail!("timed out after {limit:?} waiting for: {what}");
        }
        sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}
