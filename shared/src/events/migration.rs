//! Tables every service that emits or consumes events needs: the outbox and the inbox
//! (processed events). Add these migrations first in each service's migrator.

use sea_orm_migration::prelude::*;

pub struct CreateOutbox;

impl MigrationName for CreateOutbox {
    fn name(&self) -> &str {
        "m0000_01_shared_outbox"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateOutbox {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("outbox"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("id")).string().not_null().primary_key())
                .col(ColumnDef::new(Alias::new("event_type")).string().not_null())
                .col(ColumnDef::new(Alias::new("body")).text().not_null())
                .col(
                    ColumnDef::new(Alias::new("created_at"))
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Alias::new("published_at"))
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(ColumnDef::new(Alias::new("attempts")).integer().not_null().default(0))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("outbox_unpublished")
                .table(Alias::new("outbox"))
                .col(Alias::new("published_at"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await
    }
}

pub struct CreateProcessedEvents;

impl MigrationName for CreateProcessedEvents {
    fn name(&self) -> &str {
        "m0000_02_shared_processed_events"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateProcessedEvents {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("processed_events"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("consumer")).string().not_null())
                .col(ColumnDef::new(Alias::new("event_id")).string().not_null())
                .col(
                    ColumnDef::new(Alias::new("processed_at"))
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .primary_key(Index::create().col(Alias::new("consumer")).col(Alias::new("event_id")))
                .to_owned(),
        )
        .await
    }
}
