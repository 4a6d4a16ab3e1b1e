//! Idempotent consumers: the bus delivers at least once, so a consumer records each event id
//! in the same transaction as its effect and skips ids it has already recorded.

use sea_orm::sea_query::{Alias, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

/// Records that `consumer` processed `event_id`. Returns false when it already had:
/// the caller then skips the effect. Call inside the effect's transaction.
pub async fn first_delivery<C: ConnectionTrait>(txn: &C, consumer: &str, event_id: Uuid) -> Result<bool, DbErr> {
    let stmt = Query::insert()
        .into_table(Alias::new("processed_events"))
        .columns([
            Alias::new("consumer"),
            Alias::new("event_id"),
            Alias::new("processed_at"),
        ])
        .values_panic([consumer.into(), event_id.to_string().into(), chrono::Utc::now().into()])
        .on_conflict(
            OnConflict::columns([Alias::new("consumer"), Alias::new("event_id")])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    let result = txn.execute(txn.get_database_backend().build(&stmt)).await?;
    Ok(result.rows_affected() == 1)
}
