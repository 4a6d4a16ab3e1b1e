//! Removes what a test declared on the shared broker, so runs leave nothing behind.
#![allow(dead_code)]

use lapin::Connection;
use lapin::options::{ExchangeDeleteOptions, QueueDeleteOptions};

/// Deletes the consumers' queues and dead-letter queues and the two exchanges of `prefix`.
pub async fn delete_topology(admin: &Connection, prefix: &str, consumers: &[&str]) -> anyhow::Result<()> {
    let channel = admin.create_channel().await?;
    for consumer in consumers {
        for queue in [format!("{prefix}.{consumer}"), format!("{prefix}.{consumer}.dlq")] {
            channel
                .queue_delete(queue.into(), QueueDeleteOptions::default())
                .await?;
        }
    }
    for exchange in ["events", "dlx"] {
        channel
            .exchange_delete(format!("{prefix}.{exchange}").into(), ExchangeDeleteOptions::default())
            .await?;
    }
    Ok(())
}
