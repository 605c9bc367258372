//! The database: connection pools for SQLite or PostgreSQL, migrations, and the queries.
//!
//! Every query of the project is written once, in SQL that both backends accept (`$1`
//! placeholders, `ON CONFLICT`, `RETURNING`, `CAST(… AS BIGINT)`), and run through sqlx's `Any`
//! driver. What differs between the backends lives here and nowhere else: the connection
//! settings, the migrations folder, and how a write transaction begins.
//!
//! Values cross the driver as `i64` and `String` only: decimals are stored as scaled integers
//! (see [`crate::domain::decimal`]), flags as 0/1, instants as Unix seconds. That keeps one
//! source of queries exact on both backends.

pub mod accounts;
pub mod batch;
pub mod catalog;
mod error;
pub mod idempotency;
pub mod ids;
pub mod invoices;
pub mod keys;
pub mod objects;
pub mod stock;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, ConnectOptions, Executor};

pub use error::DbError;

/// A write transaction: taken with [`Db::begin_write`], committed explicitly, rolled back on drop.
pub type Tx = sqlx::Transaction<'static, Any>;

/// Which engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database handle shared by the server and the CLI.
///
/// SQLite allows one writer at a time; instead of letting concurrent writers collide
/// ("database is locked"), every write goes through a pool of exactly one connection and
/// begins with `BEGIN IMMEDIATE`, so writers queue in the process and take the file lock up
/// front (the busy timeout covers another process, such as the CLI, holding it). Reads use
/// their own pool and, with WAL, never wait for the writer. On PostgreSQL both are one pool.
#[derive(Clone)]
pub struct Db {
    read: AnyPool,
    write: AnyPool,
    backend: Backend,
}

const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

impl Db {
    /// Opens the database named by `url`: `postgres://…` or `postgresql://…` selects
    /// PostgreSQL; anything else is an SQLite file path (`sqlite://` prefix optional), created
    /// when missing.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            return Ok(Db {
                read: pool.clone(),
                write: pool,
                backend: Backend::Postgres,
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let options = AnyConnectOptions::from_str(&format!("sqlite://{path}?mode=rwc"))?
            .disable_statement_logging();
        let write = sqlite_pool(1, options.clone()).await?;
        let read = sqlite_pool(4, options).await?;
        Ok(Db {
            read,
            write,
            backend: Backend::Sqlite,
        })
    }

    /// Applies the migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.run(&self.write).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for reads outside a transaction.
    pub fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// Begins a write transaction (see the type's documentation for why SQLite differs).
    pub async fn begin_write(&self) -> Result<Tx, DbError> {
        let tx = match self.backend {
            Backend::Sqlite => self.write.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.write.begin().await?,
        };
        Ok(tx)
    }

    /// Begins a read-only transaction that sees one consistent snapshot throughout.
    pub async fn begin_snapshot(&self) -> Result<Tx, DbError> {
        let tx = match self.backend {
            Backend::Sqlite => self.read.begin().await?,
            Backend::Postgres => {
                self.read
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        };
        Ok(tx)
    }

    /// Checks that the database answers (the health check).
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// Commits a write transaction.
pub async fn commit(tx: Tx) -> Result<(), DbError> {
    tx.commit().await?;
    Ok(())
}

async fn sqlite_pool(size: u32, options: AnyConnectOptions) -> Result<AnyPool, DbError> {
    let pool = AnyPoolOptions::new()
        .max_connections(size)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(sqlx::raw_sql(SQLITE_PRAGMAS)).await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    Ok(pool)
}
