//! The risk service's schema. Runs unchanged on SQLite and PostgreSQL.

use aims_shared::events::migration::{CreateOutbox, CreateProcessedEvents};
use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateOutbox),
            Box::new(CreateProcessedEvents),
            Box::new(CreateRiskRegister),
        ]
    }
}

struct CreateRiskRegister;

impl MigrationName for CreateRiskRegister {
    fn name(&self) -> &str {
        "m0001_risk_register"
    }
}

fn id() -> ColumnDef {
    ColumnDef::new(Alias::new("id"))
        .string()
        .not_null()
        .primary_key()
        .to_owned()
}
fn text(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).text().not_null().to_owned()
}
fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).text().null().to_owned()
}
fn int(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).integer().not_null().to_owned()
}
fn int_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).integer().null().to_owned()
}
fn instant(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}
fn index(table: &str, name: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = Index::create()
        .if_not_exists()
        .name(name)
        .table(Alias::new(table))
        .to_owned();
    for c in cols {
        i.col(Alias::new(*c));
    }
    i
}

#[async_trait::async_trait]
impl MigrationTrait for CreateRiskRegister {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("organizations"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("key")).string().not_null().primary_key())
                .col(text("name"))
                .col(text("risk_matrix"))
                .col(instant("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("ai_systems"))
                .if_not_exists()
                .col(id())
                .col(text("org"))
                .col(text("name"))
                .col(text("purpose"))
                .col(text("role"))
                .col(text("lifecycle_stage"))
                .col(text_null("owner"))
                .col(instant("created_at"))
                .col(instant("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ai_systems", "ai_systems_org_id", &["org", "id"]))
            .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("risks"))
                .if_not_exists()
                .col(id())
                .col(text("org"))
                .col(text_null("ai_system_id"))
                .col(text("title"))
                .col(text("description"))
                .col(text_null("source"))
                .col(text_null("owner"))
                .col(text("status"))
                .col(int_null("inherent_likelihood"))
                .col(int_null("inherent_impact"))
                .col(int_null("residual_likelihood"))
                .col(int_null("residual_impact"))
                .col(int_null("current_score"))
                .col(text_null("treatment"))
                .col(text_null("treatment_plan"))
                .col(text("control_ids"))
                .col(text_null("accepted_by"))
                .col(
                    ColumnDef::new(Alias::new("accepted_at"))
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(ColumnDef::new(Alias::new("acceptance_expires_on")).date().null())
                .col(text_null("acceptance_rationale"))
                .col(instant("created_at"))
                .col(instant("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("risks", "risks_org_id", &["org", "id"])).await?;
        m.create_index(index("risks", "risks_org_system_id", &["org", "ai_system_id", "id"]))
            .await?;
        m.create_index(index("risks", "risks_org_status_id", &["org", "status", "id"]))
            .await?;
        m.create_index(index("risks", "risks_org_score_id", &["org", "current_score", "id"]))
            .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("risk_assessments"))
                .if_not_exists()
                .col(id())
                .col(text("org"))
                .col(text("risk_id"))
                .col(int("inherent_likelihood"))
                .col(int("inherent_impact"))
                .col(int_null("residual_likelihood"))
                .col(int_null("residual_impact"))
                .col(text_null("notes"))
                .col(text("assessed_by"))
                .col(instant("assessed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "risk_assessments",
            "risk_assessments_org_risk",
            &["org", "risk_id", "id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("impact_assessments"))
                .if_not_exists()
                .col(id())
                .col(text("org"))
                .col(text("ai_system_id"))
                .col(text("subject"))
                .col(text("dimension"))
                .col(text("description"))
                .col(int("severity"))
                .col(int("likelihood"))
                .col(text_null("mitigations"))
                .col(text("assessed_by"))
                .col(instant("assessed_at"))
                .col(ColumnDef::new(Alias::new("review_due_on")).date().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "impact_assessments",
            "impact_assessments_org_system",
            &["org", "ai_system_id", "id"],
        ))
        .await
    }
}
