//! Transactional outbox: a service writes its event in the same transaction as the change;
//! a relay publishes pending events in order and marks them sent. If the broker is down the
//! events wait in the table and the relay catches up, so none is lost.

use super::{EventBus, EventEnvelope};
use crate::error::Error;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbBackend, QueryOrder, QuerySelect, Statement, TransactionTrait};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Rows published per round trip of the relay.
const BATCH: u64 = 100;
/// Published events are kept this long (for inspection), then pruned.
const RETENTION_DAYS: i64 = 7;
const PRUNE_EVERY: Duration = Duration::from_secs(600);
/// How long the relay waits after a wake-up for more commits to publish in the same round.
const COALESCE: Duration = Duration::from_millis(5);

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "outbox")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub event_type: String,
        /// The whole envelope as JSON.
        pub body: String,
        pub created_at: DateTimeUtc,
        pub published_at: Option<DateTimeUtc>,
        pub attempts: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Writes events into the outbox and wakes the relay once the transaction commits.
#[derive(Clone, Default)]
pub struct Outbox {
    wake: Arc<Notify>,
}

impl Outbox {
    /// Adds the event to the caller's transaction: it is published only if that commits.
    pub async fn enqueue<C: ConnectionTrait>(&self, txn: &C, event: &EventEnvelope) -> Result<(), Error> {
        let body = serde_json::to_string(event).map_err(|e| Error::Internal(e.to_string()))?;
        entity::ActiveModel {
            id: Set(event.id.to_string()),
            event_type: Set(event.event_type.clone()),
            body: Set(body),
            created_at: Set(event.occurred_at),
            published_at: Set(None),
            attempts: Set(0),
        }
        .insert(txn)
        .await?;
        Ok(())
    }

    /// Writes the event into the transaction, commits both, and wakes the relay.
    pub async fn commit(&self, txn: sea_orm::DatabaseTransaction, event: &EventEnvelope) -> Result<(), Error> {
        self.enqueue(&txn, event).await?;
        txn.commit().await?;
        self.wake();
        Ok(())
    }

    /// Tells the relay there is something to publish (call after commit).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Publishes pending events until `shutdown`, retrying with backoff while the bus is down.
    pub fn spawn_relay(
        &self,
        service: &'static str,
        db: DatabaseConnection,
        bus: Arc<dyn EventBus>,
        shutdown: CancellationToken,
    ) -> tokio::task::JoinHandle<()> {
        let wake = self.wake.clone();
        tokio::spawn(async move {
            let mut backoff = Duration::from_millis(100);
            let mut last_prune = std::time::Instant::now();
            let mut last_gauge = std::time::Instant::now() - Duration::from_secs(1);
            loop {
                if last_prune.elapsed() >= PRUNE_EVERY {
                    last_prune = std::time::Instant::now();
                    if let Err(e) = prune(&db, chrono::Duration::days(RETENTION_DAYS)).await {
                        tracing::warn!(service, error = %e, "could not prune the outbox");
                    }
                }
                let idle = match relay_once(&db, bus.as_ref()).await {
                    Ok(n) => {
                        backoff = Duration::from_millis(100);
                        if n == BATCH as usize {
                            Duration::ZERO
                        } else {
                            Duration::from_millis(500)
                        }
                    }
                    Err(e) => {
                        tracing::warn!(service, error = %e, "outbox relay could not publish; will retry");
                        backoff = (backoff * 2).min(Duration::from_secs(5));
                        backoff
                    }
                };
                if last_gauge.elapsed() >= Duration::from_secs(1)
                    && let Ok(n) = backlog(&db).await
                {
                    last_gauge = std::time::Instant::now();
                    metrics::gauge!("aims_outbox_backlog", "service" => service).set(n as f64);
                }
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    // Let concurrent commits gather so that one round publishes them together.
                    _ = wake.notified() => tokio::time::sleep(COALESCE).await,
                    _ = tokio::time::sleep(idle) => {}
                }
            }
        })
    }
}

/// Publishes one batch in order; stops at the first failure so order is kept. On PostgreSQL
/// only one replica's relay works at a time (a transaction-scoped advisory lock per schema),
/// so replicas neither publish the same event twice nor interleave their batches.
pub async fn relay_once(db: &DatabaseConnection, bus: &dyn EventBus) -> Result<usize, Error> {
    if db.get_database_backend() != DbBackend::Postgres {
        return relay_batch(db, bus).await;
    }
    let txn = db.begin().await?;
    let lock = Statement::from_string(
        DbBackend::Postgres,
        "SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.outbox')) AS leader",
    );
    let leader = txn
        .query_one(lock)
        .await?
        .map(|row| row.try_get::<bool>("", "leader"))
        .transpose()?;
    if leader != Some(true) {
        txn.commit().await?;
        return Ok(0);
    }
    let result = relay_batch(&txn, bus).await;
    txn.commit().await?;
    result
}

async fn relay_batch<C: ConnectionTrait>(db: &C, bus: &dyn EventBus) -> Result<usize, Error> {
    let pending = entity::Entity::find()
        .filter(entity::Column::PublishedAt.is_null())
        .order_by_asc(entity::Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut published = Vec::with_capacity(pending.len());
    let mut failure = None;
    for row in pending {
        let event: EventEnvelope = match serde_json::from_str(&row.body) {
            Ok(e) => e,
            Err(e) => {
                failure = Some(Error::Internal(format!("outbox row {} is unreadable: {e}", row.id)));
                break;
            }
        };
        if let Err(e) = bus.publish(&event).await {
            entity::Entity::update_many()
                .col_expr(entity::Column::Attempts, Expr::col(entity::Column::Attempts).add(1))
                .filter(entity::Column::Id.eq(row.id))
                .exec(db)
                .await
                .ok();
            failure = Some(Error::Unavailable(e.to_string()));
            break;
        }
        published.push(row.id);
    }
    // One write marks the whole batch: a commit per event would cost a disk sync each.
    let count = published.len();
    if count > 0 {
        entity::Entity::update_many()
            .col_expr(entity::Column::PublishedAt, Expr::value(chrono::Utc::now()))
            .filter(entity::Column::Id.is_in(published))
            .exec(db)
            .await?;
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(count),
    }
}

/// Deletes events published longer ago than `retention`; the outbox is a queue, not an archive.
pub async fn prune(db: &DatabaseConnection, retention: chrono::Duration) -> Result<u64, Error> {
    let cutoff = chrono::Utc::now() - retention;
    let result = entity::Entity::delete_many()
        .filter(entity::Column::PublishedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Events written but not yet published.
pub async fn backlog(db: &DatabaseConnection) -> Result<u64, Error> {
    Ok(entity::Entity::find()
        .filter(entity::Column::PublishedAt.is_null())
        .count(db)
        .await?)
}
