//! The database: SQLite or PostgreSQL, migrations, and the queries.
//!
//! Every query of the project is written once, in SQL that both backends accept (`$1`
//! placeholders, `ON CONFLICT`, `RETURNING`, `CAST(… AS BIGINT)`), and run through
//! [`conn`], which is the one place that knows the two drivers apart. What else differs
//! between the backends lives here and nowhere else: opening, migrations, and how a
//! transaction begins.
//!
//! Values cross the drivers as `i64` and `String` only: decimals are stored as scaled integers
//! (see [`crate::domain::decimal`]), flags as 0/1, instants as Unix seconds. That keeps one
//! source of queries exact on both backends.

pub mod accounts;
pub mod adjustments;
pub mod batch;
pub mod catalog;
pub mod catalog_list;
mod checkpoint;
pub mod clients;
pub mod conn;
pub mod dashboard;
pub mod documents;
pub mod employees;
mod error;
pub mod exports;
pub mod feeds;
mod group;
pub mod held;
pub mod idempotency;
pub mod ids;
pub mod inventories;
pub mod invoices;
pub mod jobs;
pub mod keys;
pub mod line_sales;
pub mod marks;
pub mod menus;
pub mod metrics;
mod migrations;
pub mod minimums;
pub mod modifiers;
pub mod moves;
pub mod objects;
pub mod posted;
pub mod products;
mod query;
pub mod recost;
pub mod returns;
mod row;
pub mod sales;
pub mod statistics;
pub mod stock;
pub mod stock_report;
pub mod stop_list;
pub mod tech_maps;
pub mod users;
pub mod webhooks;
pub mod writeoffs;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, PgPool};

pub use conn::{Reader, Tx, Value};
pub use error::DbError;
pub use query::{Param, Query};
pub use row::{Column, FromRow, Row, Scalar};

use crate::params;

/// Which engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database handle shared by the server and the CLI.
///
/// SQLite allows one writer at a time; instead of letting concurrent writers collide
/// ("database is locked"), every write transaction holds the one writer connection and
/// begins with `BEGIN IMMEDIATE`, so writers queue in the process and take the file lock up
/// front (the busy timeout covers another process, such as the CLI, holding it). Reads use
/// their own connections and, with WAL, never wait for the writer.
#[derive(Clone)]
pub struct Db(Arc<Inner>);

enum Inner {
    Sqlite {
        path: String,
        conns: conn::SqliteConns,
    },
    Postgres(PgPool),
}

/// SQLite reader connections.
const SQLITE_READERS: usize = 4;

/// What an acknowledged write survives (`serve --durability`, README "Durability").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// A crash of this server, at any instant: every answered write is there after the
    /// restart. A power cut (or, on PostgreSQL, a crash of the database server) may lose the
    /// writes of the last moment, never leaving the data inconsistent. SQLite
    /// `synchronous=NORMAL`, PostgreSQL `synchronous_commit=off`.
    #[default]
    Normal,
    /// A power cut too: each commit waits until its log is on disk (SQLite
    /// `synchronous=FULL`, PostgreSQL `synchronous_commit=on`). Group commit makes it one
    /// sync per group of concurrent writes.
    Full,
}

impl Db {
    /// Opens the database named by `url` with [`Durability::Normal`] (see [`Db::open`]).
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        Db::open(url, Durability::Normal).await
    }

    /// Opens the database named by `url`: `postgres://…` or `postgresql://…` selects
    /// PostgreSQL; anything else is an SQLite file path (`sqlite://` prefix optional), created
    /// when missing.
    pub async fn open(url: &str, durability: Durability) -> Result<Db, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let synchronous_commit = match durability {
                Durability::Normal => "off",
                Durability::Full => "on",
            };
            let options = PgConnectOptions::from_str(url)?
                .options([("synchronous_commit", synchronous_commit)])
                .disable_statement_logging();
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            return Ok(Db(Arc::new(Inner::Postgres(pool))));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let conns = conn::SqliteConns::open(path, SQLITE_READERS, durability)?;
        Ok(Db(Arc::new(Inner::Sqlite {
            path: path.to_owned(),
            conns,
        })))
    }

    /// Applies the migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match &*self.0 {
            Inner::Postgres(pool) => migrations::postgres().run(pool).await?,
            Inner::Sqlite { path, conns } => {
                let options = SqliteConnectOptions::from_str(path)?
                    .create_if_missing(true)
                    .disable_statement_logging();
                let mut migrating = sqlx::SqliteConnection::connect_with(&options).await?;
                migrations::sqlite().run(&mut migrating).await?;
                migrating.close().await?;
                // the planner statistics the migrations wrote: load them on every connection
                conns.on_each("ANALYZE sqlite_schema").await?;
            }
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match &*self.0 {
            Inner::Sqlite { .. } => Backend::Sqlite,
            Inner::Postgres(_) => Backend::Postgres,
        }
    }

    /// A connection for reads outside a transaction.
    pub async fn read(&self) -> Reader {
        match &*self.0 {
            Inner::Sqlite { conns, .. } => Reader::Sqlite(conns.reader().await),
            Inner::Postgres(pool) => Reader::Pg(pool.clone()),
        }
    }

    /// Begins a write transaction (see the type's documentation for why SQLite differs).
    pub async fn begin_write(&self) -> Result<Tx, DbError> {
        if let Some(held) = held::release() {
            finish(held).await?;
        }
        match &*self.0 {
            Inner::Sqlite { conns, .. } => Tx::sqlite_write(conns).await,
            Inner::Postgres(pool) => Ok(Tx::pg(pool.begin().await?)),
        }
    }

    /// Begins a read-only transaction that sees one consistent snapshot throughout.
    pub async fn begin_snapshot(&self) -> Result<Tx, DbError> {
        match &*self.0 {
            Inner::Sqlite { conns, .. } => Tx::sqlite_snapshot(conns.reader().await),
            Inner::Postgres(pool) => Ok(Tx::pg(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            )),
        }
    }

    /// Writes a consistent copy of the SQLite database to the new file `to`, while writers go
    /// on: `VACUUM INTO` reads one snapshot (WAL lets writers commit meanwhile) and writes a
    /// compact database that opens on its own. PostgreSQL has `pg_dump` for this.
    pub async fn backup_to(&self, to: &std::path::Path) -> Result<(), DbError> {
        let Inner::Sqlite { conns, .. } = &*self.0 else {
            return Err(DbError::Unsupported(
                "backup copies SQLite databases; for PostgreSQL use pg_dump",
            ));
        };
        if to.exists() {
            return Err(DbError::Unsupported(
                "the backup file already exists; name a new file",
            ));
        }
        let conn = conns.reader().await;
        let target = to.display().to_string();
        tokio::task::block_in_place(|| conn.execute("VACUUM INTO ?1", [target]))?;
        Ok(())
    }

    /// Checks that the database answers (the health check).
    pub async fn ping(&self) -> Result<(), DbError> {
        self.read()
            .await
            .one::<Scalar<i64>>("SELECT CAST(1 AS BIGINT) AS value", params! {})
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        if let Inner::Postgres(pool) = &*self.0 {
            pool.close().await;
        }
    }

    /// The connections this handle may open, has open, and has in use now (for `/metrics`):
    /// sqlx's counts on PostgreSQL; on SQLite, the writer and readers, busy while locked.
    pub fn pool_use(&self) -> PoolUse {
        match &*self.0 {
            Inner::Postgres(pool) => {
                let open = u64::from(pool.size());
                let idle = u64::try_from(pool.num_idle()).unwrap_or(open);
                PoolUse {
                    max: u64::from(pool.options().get_max_connections()),
                    open,
                    busy: open.saturating_sub(idle),
                    grouped: None,
                }
            }
            Inner::Sqlite { conns, .. } => {
                let all = || std::iter::once(&conns.writer).chain(&conns.readers);
                // a lock taken here is let go at once; it only tells whether one is held
                let busy = all().filter(|conn| conn.try_lock().is_err()).count();
                let open = all().count();
                PoolUse {
                    max: u64::try_from(open).unwrap_or(u64::MAX),
                    open: u64::try_from(open).unwrap_or(u64::MAX),
                    busy: u64::try_from(busy).unwrap_or(u64::MAX),
                    grouped: Some(conns.group.counts()),
                }
            }
        }
    }
}

/// How a [`Db`]'s connections are used at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// The most it may open.
    pub max: u64,
    /// Open now.
    pub open: u64,
    /// Serving a query or a transaction now.
    pub busy: u64,
    /// SQLite: write transactions begun and `COMMIT`s run since start (fewer commits than
    /// transactions: group commit at work).
    pub grouped: Option<(u64, u64)>,
}

/// Commits a write transaction, moving the change marks it touched; inside a
/// [`held::Hold`]'s scope the transaction is handed to the hold instead, which commits it
/// through this same path once the request has its answer.
pub async fn commit(tx: Tx) -> Result<(), DbError> {
    match held::hold(tx) {
        Some(tx) => finish(tx).await,
        None => Ok(()),
    }
}

async fn finish(tx: Tx) -> Result<(), DbError> {
    conn::finish(tx).await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn migrated() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("dir");
        let db = Db::connect(&dir.path().join("p.db").display().to_string())
            .await
            .expect("db");
        db.migrate().await.expect("migrate");
        (dir, db)
    }

    #[tokio::test]
    async fn every_sqlite_connection_gets_every_pragma() {
        let (dir, db) = migrated().await;
        assert_pragmas(&db, 1).await;
        let full = Db::open(
            &dir.path().join("f.db").display().to_string(),
            Durability::Full,
        )
        .await
        .expect("db");
        assert_pragmas(&full, 2).await;
    }

    async fn assert_pragmas(db: &Db, synchronous: i64) {
        let Inner::Sqlite { conns, .. } = &*db.0 else {
            panic!("sqlite")
        };
        for conn in std::iter::once(&conns.writer).chain(&conns.readers) {
            use rusqlite::types::Value as V;
            let conn = conn.lock().await;
            let pragma = |name: &str| {
                conn.query_row(&format!("PRAGMA {name}"), [], |r| {
                    r.get::<_, rusqlite::types::Value>(0)
                })
                .expect("pragma")
            };
            assert_eq!(pragma("synchronous"), V::Integer(synchronous));
            assert_eq!(pragma("wal_autocheckpoint"), V::Integer(0));
            assert_eq!(pragma("busy_timeout"), V::Integer(10_000));
            assert_eq!(pragma("journal_mode"), V::Text("wal".into()));
            assert_eq!(pragma("foreign_keys"), V::Integer(1));
        }
    }

    #[tokio::test]
    async fn sqlite_plans_use_the_keys_not_a_scan_of_the_account() {
        let (_dir, db) = migrated().await;
        let plans = [
            ("SELECT id, measure FROM (VALUES ('a'), ('b')) AS wanted CROSS JOIN products t WHERE t.account_id = 1 AND t.ref_code = wanted.column1", "SEARCH t USING INDEX sqlite_autoindex_products_2 (account_id=? AND ref_code=?)"),
            ("SELECT b.qty FROM (VALUES (1), (2)) AS wanted CROSS JOIN stock_balances b WHERE b.account_id = 1 AND b.storage_id = 3 AND b.product_id = wanted.column1", "SEARCH b USING PRIMARY KEY (account_id=? AND storage_id=? AND product_id=?)"),
            ("SELECT m.id FROM (VALUES (1), (2)) AS wanted CROSS JOIN stock_movements m \
              WHERE m.account_id = 1 AND m.source_id IS NOT NULL AND m.source_id = wanted.column1",
             "INDEX stock_movements_by_source (account_id=? AND source_id=?)"),
            ("SELECT m.product_id, SUM(m.qty) FROM stock_balances b CROSS JOIN stock_movements m \
              WHERE b.account_id = 1 AND b.storage_id = 3 AND m.account_id = b.account_id \
              AND m.storage_id = b.storage_id AND m.product_id = b.product_id \
              AND m.doc_date >= 10 AND m.doc_date < 20 GROUP BY m.product_id",
             "SEARCH m USING PRIMARY KEY (account_id=? AND storage_id=? AND product_id=? AND doc_date>? AND doc_date<?)"),
            ("SELECT b.qty FROM stock_balances b JOIN products p ON p.account_id = b.account_id AND p.id = b.product_id \
              WHERE b.account_id = 1 AND b.storage_id = 3 ORDER BY b.product_id", "SEARCH b USING PRIMARY KEY (account_id=? AND storage_id=?)"),
            // a balance at an instant: each product's movements since it, one range each
            ("SELECT b.product_id, SUM(m.qty) FROM stock_balances b CROSS JOIN stock_movements m \
              WHERE b.account_id = 1 AND b.storage_id = 3 AND m.account_id = b.account_id \
              AND m.storage_id = b.storage_id AND m.product_id = b.product_id AND m.doc_date >= 10 \
              GROUP BY b.product_id",
             "SEARCH m USING PRIMARY KEY (account_id=? AND storage_id=? AND product_id=? AND doc_date>?)"),
            // a wide storage's balance at an instant: one pass over its part of the stream key,
            // already in product order (no sort)
            ("SELECT m.product_id, SUM(m.qty) FROM stock_movements m WHERE m.account_id = 1 \
              AND m.storage_id = 3 AND m.doc_date < 10 GROUP BY m.product_id",
             "SEARCH m USING PRIMARY KEY (account_id=? AND storage_id=?)"),
            ("SELECT COUNT(*) AS n FROM (SELECT 1 FROM stock_movements \
              WHERE account_id = 1 AND storage_id = 3 LIMIT 9) c",
             "stock_movements USING "),
            // re-valuing: each row found by its id (the index holds its place in the stream)
            ("WITH v (id, qty) AS (VALUES (7, 1)) UPDATE stock_movements SET qty = v.qty FROM v \
              WHERE stock_movements.account_id = 1 AND stock_movements.id = v.id",
             "SEARCH stock_movements USING COVERING INDEX stock_movements_by_id (account_id=? AND id=?)"),
            // a mirror's source, by its id
            ("SELECT s.qty FROM (VALUES (1), (2)) AS wanted CROSS JOIN stock_movements s \
              WHERE s.account_id = 1 AND s.id = wanted.column1",
             "SEARCH s USING INDEX stock_movements_by_id (account_id=? AND id=?)"),
            // the dashboard's orders waiting: by shop and status, never the account's receipts
            ("SELECT status, COUNT(*) FROM receipts WHERE account_id = 1 \
              AND shop_id IN (SELECT id FROM shops WHERE account_id = 1) \
              AND status IN ('wait_cashier', 'active') GROUP BY status",
             "SEARCH receipts USING COVERING INDEX receipts_by_shop_status (account_id=? AND shop_id=? AND status=?)"),
        ];
        for (sql, expected) in plans {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let rows = db
                .read()
                .await
                .rows(&explain, params! {})
                .await
                .expect("plan");
            let plan: Vec<String> = rows
                .iter()
                .map(|r| r.get("detail").expect("detail"))
                .collect();
            assert!(
                plan.iter().any(|step| step.contains(expected)),
                "{sql}: {plan:?}"
            );
            let mut tx = db.begin_write().await.expect("tx");
            let rows = tx.rows(&explain, params! {}).await.expect("plan");
            let plan: Vec<String> = rows
                .iter()
                .map(|r| r.get("detail").expect("detail"))
                .collect();
            assert!(
                plan.iter().any(|step| step.contains(expected)),
                "writer: {sql}: {plan:?}"
            );
        }
    }
}
