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

/// Run one by one: through the `Any` driver a multi-statement string runs only its first.
/// `synchronous = NORMAL` is safe in WAL mode (a power cut may lose the last commits, never
/// corrupt the file) and spares an fsync per commit.
const SQLITE_PRAGMAS: [&str; 4] = [
    "PRAGMA journal_mode = WAL",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
];

impl Db {
    /// Opens the database named by `url`: `postgres://…` or `postgresql://…` selects
    /// PostgreSQL; anything else is an SQLite file path (`sqlite://` prefix optional), created
    /// when missing.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
            let pool = AnyPoolOptions::new()
                .test_before_acquire(false)
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
        if self.backend == Backend::Sqlite {
            // the writer loaded its planner statistics before the migrations wrote them; the
            // readers connect lazily, after this, and load them with the schema
            sqlx::query("ANALYZE sqlite_schema")
                .execute(&self.write)
                .await?;
        }
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

/// A pool whose connections open on first use (so readers open after the migrations).
async fn sqlite_pool(size: u32, options: AnyConnectOptions) -> Result<AnyPool, DbError> {
    let pool = AnyPoolOptions::new()
        .test_before_acquire(false)
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                for pragma in SQLITE_PRAGMAS {
                    conn.execute(pragma).await?;
                }
                Ok(())
            })
        })
        .connect_lazy_with(options);
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_sqlite_connection_gets_every_pragma() {
        let dir = tempfile::tempdir().expect("dir");
        let db = Db::connect(&dir.path().join("p.db").display().to_string())
            .await
            .expect("db");
        for pool in [&db.read, &db.write] {
            let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(pool)
                .await
                .expect("pragma");
            let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
                .fetch_one(pool)
                .await
                .expect("pragma");
            let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(pool)
                .await
                .expect("pragma");
            assert_eq!((sync, busy, journal.as_str()), (1, 10_000, "wal"));
        }
    }

    #[tokio::test]
    async fn sqlite_plans_use_the_keys_not_a_scan_of_the_account() {
        let dir = tempfile::tempdir().expect("dir");
        let db = Db::connect(&dir.path().join("p.db").display().to_string())
            .await
            .expect("db");
        db.migrate().await.expect("migrate");
        let plans = [
            ("SELECT id, measure FROM products WHERE account_id = 1 AND ref_code IN ('a', 'b')", "sqlite_autoindex_products_2"),
            ("SELECT b.qty FROM stock_balances b JOIN products p ON p.account_id = b.account_id AND p.id = b.product_id \
              WHERE b.account_id = 1 AND b.storage_id = 3 ORDER BY b.product_id", "SEARCH b USING PRIMARY KEY (account_id=? AND storage_id=?)"),
        ];
        for pool in [&db.read, &db.write] {
            for (sql, expected) in plans {
                let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .fetch_all(pool)
                    .await
                    .expect("plan");
                let plan: Vec<String> = rows
                    .iter()
                    .map(|r| sqlx::Row::get::<String, _>(r, 3))
                    .collect();
                assert!(
                    plan.iter().any(|step| step.contains(expected)),
                    "{sql}: {plan:?}"
                );
            }
        }
    }
}
