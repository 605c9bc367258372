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
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::{PgPool, Postgres};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::DbError;

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

/// One cell of an SQLite row.
#[derive(Debug, Clone)]
enum Cell {
    Null,
    Int(i64),
    Text(String),
}

/// A result row, read by column index.
pub struct Row(RowInner);

enum RowInner {
    Sqlite(Vec<Cell>),
    Pg(PgRow),
}

fn pg_row(row: PgRow) -> Row {
    Row(RowInner::Pg(row))
}

impl Row {
    pub fn int(&self, i: usize) -> Result<i64, DbError> {
        match &self.0 {
            RowInner::Sqlite(cells) => match cells.get(i) {
                Some(Cell::Int(v)) => Ok(*v),
                other => Err(corrupt(i, other)),
            },
            RowInner::Pg(row) => pg_get(row, i),
        }
    }

    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, DbError> {
        match &self.0 {
            RowInner::Sqlite(cells) => match cells.get(i) {
                Some(Cell::Int(v)) => Ok(Some(*v)),
                Some(Cell::Null) => Ok(None),
                other => Err(corrupt(i, other)),
            },
            RowInner::Pg(row) => pg_get(row, i),
        }
    }

    pub fn text(&self, i: usize) -> Result<String, DbError> {
        match &self.0 {
            RowInner::Sqlite(cells) => match cells.get(i) {
                Some(Cell::Text(v)) => Ok(v.clone()),
                other => Err(corrupt(i, other)),
            },
            RowInner::Pg(row) => pg_get(row, i),
        }
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>, DbError> {
        match &self.0 {
            RowInner::Sqlite(cells) => match cells.get(i) {
                Some(Cell::Text(v)) => Ok(Some(v.clone())),
                Some(Cell::Null) => Ok(None),
                other => Err(corrupt(i, other)),
            },
            RowInner::Pg(row) => pg_get(row, i),
        }
    }

    /// A 0/1 flag column.
    pub fn flag(&self, i: usize) -> Result<bool, DbError> {
        Ok(self.int(i)? != 0)
    }
}

fn corrupt(i: usize, cell: Option<&Cell>) -> DbError {
    DbError::Corrupt {
        column: "result column",
        value: format!("#{i}: {cell:?}"),
    }
}

fn pg_get<'r, T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>>(
    row: &'r PgRow,
    i: usize,
) -> Result<T, DbError> {
    use sqlx::Row as _;
    row.try_get(i).map_err(DbError::from)
}

// ---- SQLite ----

/// Runs a statement on an SQLite connection, binding `$n` to `params[n - 1]`.
fn sqlite_run(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
    rows: bool,
) -> Result<(u64, Vec<Row>), DbError> {
    let mut statement = conn.prepare_cached(sql)?;
    let order = parameter_order(sql);
    if order.len() != statement.parameter_count() {
        return Err(DbError::Corrupt {
            column: "parameters",
            value: format!("unexpected placeholders in {sql}"),
        });
    }
    for (slot, n) in order.into_iter().enumerate() {
        let value = params
            .get(n.wrapping_sub(1))
            .ok_or_else(|| DbError::Corrupt {
                column: "parameter",
                value: format!("${n} has no value in {sql}"),
            })?;
        let index = slot + 1;
        match value {
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
    let mut out = Vec::new();
    let mut cursor = statement.raw_query();
    while let Some(row) = cursor.next()? {
        let mut cells = Vec::with_capacity(width);
        for i in 0..width {
            cells.push(match row.get_ref(i)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(v) => Cell::Int(v),
                ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Real(f) => Cell::Text(f.to_string()),
                ValueRef::Blob(b) => Cell::Text(String::from_utf8_lossy(b).into_owned()),
            });
        }
        out.push(Row(RowInner::Sqlite(cells)));
    }
    Ok((0, out))
}

/// The numbers of the `$n` placeholders of `sql` in order of first appearance, which is the
/// order in which SQLite numbers named parameters. (Asking SQLite for each parameter's name
/// instead costs a scan per parameter: quadratic in a 3,000-value insert.) The project's SQL
/// has no `$` inside string literals.
fn parameter_order(sql: &str) -> Vec<usize> {
    let bytes = sql.as_bytes();
    let mut order: Vec<usize> = Vec::new();
    let mut seen: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if let Ok(n) = sql[start..end].parse::<usize>() {
                if seen.len() <= n {
                    seen.resize(n + 1, false);
                }
                if !seen[n] {
                    seen[n] = true;
                    order.push(n);
                }
            }
            i = end;
        } else {
            i += 1;
        }
    }
    order
}

/// SQLite's connections: one writer, a few readers.
pub struct SqliteConns {
    pub writer: Arc<Mutex<rusqlite::Connection>>,
    pub readers: Vec<Arc<Mutex<rusqlite::Connection>>>,
    next: AtomicUsize,
}

/// Settings of every SQLite connection. `synchronous = NORMAL` is safe in WAL mode (a power
/// cut may lose the last commits, never corrupt the file) and spares an fsync per commit.
const PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
     PRAGMA synchronous = NORMAL;";

fn sqlite_open(path: &str) -> Result<rusqlite::Connection, DbError> {
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(PRAGMAS)?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(conn)
}

impl SqliteConns {
    pub fn open(path: &str, readers: usize) -> Result<SqliteConns, DbError> {
        let writer = Arc::new(Mutex::new(sqlite_open(path)?));
        let readers = (0..readers)
            .map(|_| sqlite_open(path).map(|c| Arc::new(Mutex::new(c))))
            .collect::<Result<_, _>>()?;
        Ok(SqliteConns {
            writer,
            readers,
            next: AtomicUsize::new(0),
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
        for conn in std::iter::once(&self.writer).chain(&self.readers) {
            conn.lock().await.execute_batch(sql)?;
        }
        Ok(())
    }
}

// ---- PostgreSQL ----

fn pg_query<'q>(sql: &'q str, params: &'q [Value]) -> Query<'q, Postgres, PgArguments> {
    let mut query = sqlx::query(sql);
    for value in params {
        query = match value {
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
    touched: std::collections::BTreeSet<(i64, &'static str)>,
}

enum TxInner {
    Sqlite {
        conn: OwnedMutexGuard<rusqlite::Connection>,
        open: bool,
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
    pub(super) fn sqlite(
        conn: OwnedMutexGuard<rusqlite::Connection>,
        begin: &str,
    ) -> Result<Tx, DbError> {
        conn.execute_batch(begin)?;
        Ok(Tx {
            inner: TxInner::Sqlite { conn, open: true },
            touched: Default::default(),
        })
    }

    pub(super) fn pg(tx: sqlx::Transaction<'static, Postgres>) -> Tx {
        Tx {
            inner: TxInner::Pg(Some(tx)),
            touched: Default::default(),
        }
    }

    pub async fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        match &mut self.inner {
            TxInner::Sqlite { conn, .. } => Ok(sqlite_run(conn, sql, params, false)?.0),
            TxInner::Pg(tx) => {
                let tx = tx.as_mut().ok_or_else(finished)?;
                Ok(pg_query(sql, params)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected())
            }
        }
    }

    pub async fn fetch_all(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        match &mut self.inner {
            TxInner::Sqlite { conn, .. } => Ok(sqlite_run(conn, sql, params, true)?.1),
            TxInner::Pg(tx) => {
                let tx = tx.as_mut().ok_or_else(finished)?;
                Ok(pg_query(sql, params)
                    .fetch_all(&mut **tx)
                    .await?
                    .into_iter()
                    .map(pg_row)
                    .collect())
            }
        }
    }

    pub async fn fetch_optional(
        &mut self,
        sql: &str,
        params: &[Value],
    ) -> Result<Option<Row>, DbError> {
        Ok(self.fetch_all(sql, params).await?.into_iter().next())
    }

    pub async fn fetch_one(&mut self, sql: &str, params: &[Value]) -> Result<Row, DbError> {
        self.fetch_optional(sql, params)
            .await?
            .ok_or(DbError::Sqlx(sqlx::Error::RowNotFound))
    }

    /// Notes that this transaction changed `section` of `account_id`.
    pub fn touch(&mut self, account_id: i64, section: &'static str) {
        self.touched.insert((account_id, section));
    }

    /// The marks to move at commit, emptied.
    pub fn take_touched(&mut self) -> Vec<(i64, &'static str)> {
        std::mem::take(&mut self.touched).into_iter().collect()
    }

    pub async fn commit(mut self) -> Result<(), DbError> {
        match &mut self.inner {
            TxInner::Sqlite { conn, open } => {
                conn.execute_batch("COMMIT")?;
                *open = false;
                Ok(())
            }
            TxInner::Pg(tx) => Ok(tx.take().ok_or_else(finished)?.commit().await?),
        }
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if let TxInner::Sqlite { conn, open: true } = &mut self.inner {
            // a failed or abandoned write leaves nothing behind
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
}

/// Reads outside a transaction.
pub enum Reader {
    Sqlite(OwnedMutexGuard<rusqlite::Connection>),
    Pg(PgPool),
}

impl Reader {
    pub async fn fetch_all(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        match self {
            Reader::Sqlite(conn) => Ok(sqlite_run(conn, sql, params, true)?.1),
            Reader::Pg(pool) => Ok(pg_query(sql, params)
                .fetch_all(&*pool)
                .await?
                .into_iter()
                .map(pg_row)
                .collect()),
        }
    }

    pub async fn fetch_optional(
        &mut self,
        sql: &str,
        params: &[Value],
    ) -> Result<Option<Row>, DbError> {
        Ok(self.fetch_all(sql, params).await?.into_iter().next())
    }

    pub async fn fetch_one(&mut self, sql: &str, params: &[Value]) -> Result<Row, DbError> {
        self.fetch_optional(sql, params)
            .await?
            .ok_or(DbError::Sqlx(sqlx::Error::RowNotFound))
    }
}

#[cfg(test)]
mod tests {
    use super::parameter_order;

    #[test]
    fn placeholders_are_numbered_by_first_appearance() {
        assert_eq!(
            parameter_order("UPDATE t SET a = $3 WHERE b = $1 AND c = $2 AND d = 1 - $3"),
            [3, 1, 2]
        );
        assert_eq!(parameter_order("VALUES ($1, $2), ($3, $4)"), [1, 2, 3, 4]);
    }
}
