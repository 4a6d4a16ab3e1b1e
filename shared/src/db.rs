//! Database connections. SQLite in embedded mode (a file per service), PostgreSQL in
//! production, where each service keeps its tables in a PostgreSQL schema of its own.
//! Pool size and acquire timeout are explicit so an outage is a fast 503, never a hang.

use crate::config::Config;
use crate::error::Error;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use sea_orm_migration::MigratorTrait;

/// Longest a single PostgreSQL statement may run.
const STATEMENT_TIMEOUT: &str = "30s";

fn options(url: &str, config: &Config, schema: &str) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(config.db_pool_size)
        .min_connections(1)
        .acquire_timeout(config.db_acquire_timeout)
        .connect_timeout(config.db_acquire_timeout)
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // WAL lets readers work while the one writer commits; with it, synchronous=NORMAL keeps
        // the database consistent after any crash and syncs at checkpoints instead of at every
        // commit (a power cut may lose the last commits; production runs on PostgreSQL).
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(std::time::Duration::from_secs(5))
        });
    } else {
        opts.set_schema_search_path(schema.to_owned());
        // A query stuck on a silently dropped connection or a lock ends as an error, not a hang.
        opts.map_sqlx_postgres_opts(|o| o.options([("statement_timeout", STATEMENT_TIMEOUT)]));
    }
    opts
}

/// A service's connection pools. On SQLite all writes go through one connection, so a
/// transaction that reads and then writes never meets another writer (SQLite would answer
/// "database is locked" at once); reads use a pool of their own. On PostgreSQL both are one pool.
#[derive(Clone, Debug)]
pub struct Db {
    pub read: DatabaseConnection,
    pub write: DatabaseConnection,
}

/// Opens the pools of `service` and runs its migrations under a PostgreSQL advisory lock,
/// so several replicas starting at once migrate exactly once.
pub async fn connect_and_migrate<M: MigratorTrait>(config: &Config, service: &str) -> Result<Db, Error> {
    let url = config.database_url_for(service);
    let unavailable = |e: sea_orm::DbErr| Error::Unavailable(format!("database for {service}: {e}"));
    let sqlite_dir = url
        .strip_prefix("sqlite://")
        .and_then(|p| p.split('?').next())
        .and_then(|p| std::path::Path::new(p).parent());
    if let Some(dir) = sqlite_dir {
        std::fs::create_dir_all(dir).map_err(|e| Error::Internal(format!("{}: {e}", dir.display())))?;
    }
    if url.starts_with("sqlite:") {
        let mut writer = options(&url, config, service);
        writer.max_connections(1);
        let write = Database::connect(writer).await.map_err(unavailable)?;
        M::up(&write, None)
            .await
            .map_err(|e| Error::Internal(format!("migrating {service}: {e}")))?;
        let read = Database::connect(options(&url, config, service))
            .await
            .map_err(unavailable)?;
        return Ok(Db { read, write });
    }

    // One dedicated connection holds the session-level lock for the whole migration.
    let mut lock_opts = options(&url, config, service);
    lock_opts.max_connections(1).min_connections(1);
    let lock_conn = Database::connect(lock_opts).await.map_err(unavailable)?;
    let key = advisory_key(service);
    if let Err(e) = lock_conn
        .execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{service}\""))
        .await
    {
        // Two replicas may race on CREATE SCHEMA; the loser sees a unique violation.
        let text = e.to_string();
        if !(text.contains("already exists") || text.contains("duplicate key")) {
            return Err(e.into());
        }
    }
    lock_conn
        .execute(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT pg_advisory_lock({key})"),
        ))
        .await?;
    let migrated = M::up(&lock_conn, None).await;
    lock_conn
        .execute(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT pg_advisory_unlock({key})"),
        ))
        .await?;
    lock_conn.close().await.ok();
    migrated.map_err(|e| Error::Internal(format!("migrating {service}: {e}")))?;
    let pool = Database::connect(options(&url, config, service))
        .await
        .map_err(unavailable)?;
    Ok(Db {
        read: pool.clone(),
        write: pool,
    })
}

/// A stable 63-bit key per service for `pg_advisory_lock`.
fn advisory_key(service: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("aims-migrate-{service}").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    (h >> 1) as i64
}

/// True when the database answers (for `/readyz`).
pub async fn is_ready(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}
