//! Running SQL on either backend: one query text (`$n` placeholders), values bound as
//! [`Value`], rows read as [`Row`].
//!
//! SQLite runs in-process through rusqlite, on the calling task: a statement costs
//! microseconds, far less than handing it to a worker thread and back (which is what made
//! every statement cost tens of microseconds of context switches). The one writer connection
//! is held for a whole transaction; readers are a few connections taken in turn. PostgreSQL
//! runs through sqlx's native driver.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rusqlite::types::ValueRef;

use super::group::{self, Group};
use super::query::Query;
use super::row::{Cell, Row};
use crate::domain::decimal::Fixed;
use crate::domain::ids::{AccountId, Id};
use sqlx::postgres::PgArguments;
use sqlx::query::Query as SqlxQuery;
use sqlx::{PgPool, Postgres};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::{DbError, Durability};

/// A value to bind.
#[derive(Debug, Clone)]
pub enum Value {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

impl Value {
    /// A hashable form, to tell equal keys apart from different ones.
    pub fn dedup_key(&self) -> (u8, i64, Option<&str>) {
        match self {
            Value::Int(v) => (0, *v, None),
            Value::OptInt(v) => (1, v.unwrap_or_default(), None),
            Value::Text(v) => (2, 0, Some(v.as_str())),
            Value::OptText(v) => (3, 0, v.as_deref()),
        }
    }
}

impl<T: Id> From<T> for Value {
    fn from(id: T) -> Self {
        Value::Int(id.get())
    }
}

impl<T: Id> From<Option<T>> for Value {
    fn from(id: Option<T>) -> Self {
        Value::OptInt(id.map(Id::get))
    }
}

/// Decimals are stored as their count of smallest units (see [`crate::domain::decimal`]).
impl<const S: u32, const K: u8> From<Fixed<S, K>> for Value {
    fn from(value: Fixed<S, K>) -> Self {
        Value::Int(value.units())
    }
}

impl<const S: u32, const K: u8> From<Option<Fixed<S, K>>> for Value {
    fn from(value: Option<Fixed<S, K>>) -> Self {
        Value::OptInt(value.map(Fixed::units))
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Value::Int(i64::from(flag))
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::OptText(v)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::OptInt(v)
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

// ---- SQLite ----

/// Runs a statement on an SQLite connection, binding `$n` to `params[n - 1]`.
///
/// The text is run with `?n` for `$n`: SQLite takes `$n` as a *name* and looks each one up
/// among those seen (quadratic in a 4,000-value insert, and bound by order of appearance),
/// while `?n` is parameter number n outright. Our SQL has no `$` but its placeholders.
fn sqlite_run(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[&Value],
    rows: bool,
) -> Result<(u64, Vec<Row>), DbError> {
    let numbered = sql.replace('$', "?");
    let mut statement = conn.prepare_cached(&numbered)?;
    if statement.parameter_count() != params.len() {
        return Err(DbError::Corrupt {
            column: "parameters",
            value: format!("{} values for {sql}", params.len()),
        });
    }
    for (slot, value) in params.iter().enumerate() {
        let index = slot + 1;
        match *value {
            Value::Int(v) => statement.raw_bind_parameter(index, v)?,
            Value::OptInt(v) => statement.raw_bind_parameter(index, v)?,
            Value::Text(v) => statement.raw_bind_parameter(index, v.as_str())?,
            Value::OptText(v) => statement.raw_bind_parameter(index, v.as_deref())?,
        }
    }
    if !rows {
        let changed = statement.raw_execute()?;
        return Ok((changed as u64, Vec::new()));
    }
    let width = statement.column_count();
    let names: Arc<[Box<str>]> = statement
        .column_names()
        .into_iter()
        .map(Into::into)
        .collect();
    let mut out = Vec::new();
    let mut cursor = statement.raw_query();
    while let Some(row) = cursor.next()? {
        let mut cells = Vec::with_capacity(width);
        for i in 0..width {
            cells.push(match row.get_ref(i)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(v) => Cell::Int(v),
                ValueRef::Text(t) => Cell::Text(text(t)),
                ValueRef::Real(f) => Cell::Text(f.to_string()),
                ValueRef::Blob(b) => Cell::Text(String::from_utf8_lossy(b).into_owned()),
            });
        }
        out.push(Row::sqlite(names.clone(), cells));
    }
    Ok((0, out))
}

/// A text cell as a `String`: checked as UTF-8 in one pass (the common case, since we only
/// store UTF-8), replacing what is not only when there is any.
fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(valid) => valid.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// SQLite's connections: one writer (with its commit group), a few readers, and the
/// checkpointer.
pub struct SqliteConns {
    pub writer: Arc<Mutex<rusqlite::Connection>>,
    pub group: Arc<Group>,
    pub readers: Vec<Arc<Mutex<rusqlite::Connection>>>,
    next: AtomicUsize,
    _checkpointer: super::checkpoint::Checkpointer,
}

/// Settings of every SQLite connection.
/// - `synchronous`: see [`Durability`]; `NORMAL` is safe in WAL mode against a crash of the
///   process (a power cut may lose the last commits, never corrupt the file) and spares an
///   fsync per commit.
/// - `wal_autocheckpoint = 0`: a commit never copies the WAL back into the database (which
///   put 18–20 ms into one receipt's commit in a hundred); the checkpointer thread does it.
/// - A 32 MB page cache for readers (SQLite's default is 2 MB) keeps the ledger's hot pages in
///   memory; the writer's is [`WRITER_CACHE_KIB`].
fn pragmas(durability: Durability, cache_kib: i64) -> String {
    let synchronous = match durability {
        Durability::Normal => "NORMAL",
        Durability::Full => "FULL",
    };
    format!(
        "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
         PRAGMA synchronous = {synchronous}; PRAGMA cache_size = -{cache_kib}; \
         PRAGMA wal_autocheckpoint = 0;"
    )
}

/// The page cache of a reading connection, in KiB.
const READER_CACHE_KIB: i64 = 32 * 1024;

/// The writer's page cache, in KiB: a back-dated invoice re-values tens of thousands of rows
/// spread over the file (85,000 movements and 27,000 receipt lines, about 11,000 pages, for
/// a 100-line invoice on a year's ledger), and a transaction whose dirty pages outgrow the
/// cache spills them into the WAL before it commits. Memory is taken only as pages are used.
const WRITER_CACHE_KIB: i64 = 128 * 1024;

pub(super) fn sqlite_open(
    path: &str,
    durability: Durability,
) -> Result<rusqlite::Connection, DbError> {
    sqlite_open_with(path, durability, READER_CACHE_KIB)
}

fn sqlite_open_with(
    path: &str,
    durability: Durability,
    cache_kib: i64,
) -> Result<rusqlite::Connection, DbError> {
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(&pragmas(durability, cache_kib))?;
    // every statement of every table's few chunk shapes (see `batch`) stays prepared
    conn.set_prepared_statement_cache_capacity(512);
    Ok(conn)
}

impl SqliteConns {
    pub fn open(
        path: &str,
        readers: usize,
        durability: Durability,
    ) -> Result<SqliteConns, DbError> {
        let writer = Arc::new(Mutex::new(sqlite_open_with(
            path,
            durability,
            WRITER_CACHE_KIB,
        )?));
        let readers = (0..readers)
            .map(|_| sqlite_open(path, durability).map(|c| Arc::new(Mutex::new(c))))
            .collect::<Result<_, _>>()?;
        let group = Arc::<Group>::default();
        let checkpointer = super::checkpoint::Checkpointer::start(
            sqlite_open(path, durability)?,
            group.clone(),
            super::checkpoint::WAL_LIMIT_FRAMES,
        );
        Ok(SqliteConns {
            writer,
            group,
            readers,
            next: AtomicUsize::new(0),
            _checkpointer: checkpointer,
        })
    }

    /// A reader: a free one if any, else the next in turn once it is free.
    pub async fn reader(&self) -> OwnedMutexGuard<rusqlite::Connection> {
        for reader in &self.readers {
            if let Ok(guard) = reader.clone().try_lock_owned() {
                return guard;
            }
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed) % self.readers.len().max(1);
        match self.readers.get(n) {
            Some(reader) => reader.clone().lock_owned().await,
            None => self.writer.clone().lock_owned().await,
        }
    }

    /// Runs `sql` (no parameters) on every connection.
    pub async fn on_each(&self, sql: &str) -> Result<(), DbError> {
        group::settle(&*self.writer.lock().await, &self.group)?;
        for conn in std::iter::once(&self.writer).chain(&self.readers) {
            conn.lock().await.execute_batch(sql)?;
        }
        Ok(())
    }
}

// ---- PostgreSQL ----

fn pg_query<'q>(sql: &'q str, params: &'q [&'q Value]) -> SqlxQuery<'q, Postgres, PgArguments> {
    let mut query = sqlx::query(sql);
    for value in params {
        query = match *value {
            Value::Int(v) => query.bind(*v),
            Value::OptInt(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.as_str()),
            Value::OptText(v) => query.bind(v.as_deref()),
        };
    }
    query
}

// ---- transactions and readers ----

/// A transaction: a write transaction from [`super::Db::begin_write`] or a read snapshot
/// from [`super::Db::begin_snapshot`]. Commit explicitly; dropped, it rolls back. It also
/// remembers which change marks its writes move (see `super::marks`), to move them at commit.
pub struct Tx {
    inner: TxInner,
    touched: std::collections::BTreeSet<(AccountId, super::marks::Section)>,
    /// Whether it recorded webhook events: committing it wakes the senders.
    events: bool,
}

enum TxInner {
    /// `conn` is `None` once committed; `group` is the writer's (`None` on a reader).
    Sqlite {
        conn: Option<OwnedMutexGuard<rusqlite::Connection>>,
        group: Option<Arc<Group>>,
    },
    /// `None` once committed.
    Pg(Option<sqlx::Transaction<'static, Postgres>>),
}

fn finished() -> DbError {
    DbError::Corrupt {
        column: "transaction",
        value: "used after commit".into(),
    }
}

impl Tx {
    /// A read snapshot on an SQLite reader.
    pub(super) fn sqlite_snapshot(
        conn: OwnedMutexGuard<rusqlite::Connection>,
    ) -> Result<Tx, DbError> {
        group::control(&conn, "BEGIN")?;
        Ok(Tx::sqlite(conn, None))
    }

    /// A write transaction on the SQLite writer, in its group (see [`super::group`]).
    pub(super) async fn sqlite_write(conns: &SqliteConns) -> Result<Tx, DbError> {
        let conn = group::begin(&conns.writer, &conns.group).await?;
        Ok(Tx::sqlite(conn, Some(conns.group.clone())))
    }

    fn sqlite(conn: OwnedMutexGuard<rusqlite::Connection>, group: Option<Arc<Group>>) -> Tx {
        Tx {
            inner: TxInner::Sqlite {
                conn: Some(conn),
                group,
            },
            touched: std::collections::BTreeSet::default(),
            events: false,
        }
    }

    pub(super) fn pg(tx: sqlx::Transaction<'static, Postgres>) -> Tx {
        Tx {
            inner: TxInner::Pg(Some(tx)),
            touched: std::collections::BTreeSet::default(),
            events: false,
        }
    }

    /// Notes that this transaction recorded webhook events, so that its commit wakes the
    /// senders at once instead of at their next look.
    pub fn mark_events(&mut self) {
        self.events = true;
    }

    /// Runs a write (`:name` parameters), answering how many rows it changed.
    pub async fn run(&mut self, sql: &str, params: &[super::Param]) -> Result<u64, DbError> {
        let compiled = super::query::compile(sql)?;
        let values = compiled.bind(params)?;
        self.changed(&compiled.sql, &values).await
    }

    /// Runs a generated write (see [`Query::generated`]), answering how many rows it changed.
    pub async fn run_generated(&mut self, sql: &str, values: &[&Value]) -> Result<u64, DbError> {
        self.changed(sql, values).await
    }

    async fn changed(&mut self, sql: &str, values: &[&Value]) -> Result<u64, DbError> {
        match &mut self.inner {
            TxInner::Sqlite { conn, .. } => {
                Ok(sqlite_run(conn.as_ref().ok_or_else(finished)?, sql, values, false)?.0)
            }
            TxInner::Pg(tx) => {
                let tx = tx.as_mut().ok_or_else(finished)?;
                Ok(pg_query(sql, values)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected())
            }
        }
    }

    async fn fetched(&mut self, sql: &str, values: &[&Value]) -> Result<Vec<Row>, DbError> {
        match &mut self.inner {
            TxInner::Sqlite { conn, .. } => {
                Ok(sqlite_run(conn.as_ref().ok_or_else(finished)?, sql, values, true)?.1)
            }
            TxInner::Pg(tx) => {
                let tx = tx.as_mut().ok_or_else(finished)?;
                Ok(pg_query(sql, values)
                    .fetch_all(&mut **tx)
                    .await?
                    .into_iter()
                    .map(Row::pg)
                    .collect())
            }
        }
    }

    /// Notes that this transaction changed `section` of `account_id`.
    pub fn touch(&mut self, account_id: AccountId, section: super::marks::Section) {
        self.touched.insert((account_id, section));
    }

    /// The marks to move at commit, emptied.
    pub fn take_touched(&mut self) -> Vec<(AccountId, super::marks::Section)> {
        std::mem::take(&mut self.touched).into_iter().collect()
    }

    /// Commits, and nothing else: private, so that the only way to commit is [`finish`],
    /// which moves the change marks first (a commit that skipped them would leave the
    /// `get_updates` feeds blind to the write).
    async fn commit(mut self) -> Result<(), DbError> {
        match &mut self.inner {
            TxInner::Sqlite { conn, group } => {
                let conn = conn.take().ok_or_else(finished)?;
                match group {
                    Some(group) => group::commit(conn, group).await,
                    None => Ok(group::control(&conn, "COMMIT")?),
                }
            }
            TxInner::Pg(tx) => Ok(tx.take().ok_or_else(finished)?.commit().await?),
        }
    }
}

/// The commit path: moves the change marks the transaction touched, then commits both
/// together. [`super::commit`] calls it (or hands the transaction to a request's hold, which
/// calls it once the answer is stored).
pub(super) async fn finish(mut tx: Tx) -> Result<(), DbError> {
    super::marks::flush(&mut tx).await?;
    let events = tx.events;
    tx.commit().await?;
    if events {
        super::webhooks::OUTBOX.notify_waiters();
    }
    Ok(())
}

impl Query for Tx {
    fn generated<'a>(
        &'a mut self,
        sql: &'a str,
        values: &'a [&'a Value],
    ) -> impl std::future::Future<Output = Result<Vec<Row>, DbError>> + Send + 'a {
        self.fetched(sql, values)
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if let TxInner::Sqlite {
            conn: Some(conn),
            group,
        } = &mut self.inner
        {
            // a failed or abandoned write leaves nothing behind
            match group {
                Some(group) => group::rollback(conn, group),
                None => drop(group::control(conn, "ROLLBACK")),
            }
        }
    }
}

/// Reads outside a transaction.
pub enum Reader {
    Sqlite(OwnedMutexGuard<rusqlite::Connection>),
    Pg(PgPool),
}

impl Reader {
    async fn fetched(&mut self, sql: &str, values: &[&Value]) -> Result<Vec<Row>, DbError> {
        match self {
            Reader::Sqlite(conn) => Ok(sqlite_run(conn, sql, values, true)?.1),
            Reader::Pg(pool) => Ok(pg_query(sql, values)
                .fetch_all(&*pool)
                .await?
                .into_iter()
                .map(Row::pg)
                .collect()),
        }
    }
}

impl Query for Reader {
    fn generated<'a>(
        &'a mut self,
        sql: &'a str,
        values: &'a [&'a Value],
    ) -> impl std::future::Future<Output = Result<Vec<Row>, DbError>> + Send + 'a {
        self.fetched(sql, values)
    }
}
