//! Multi-row statements with `$n` placeholders (sqlx's `Any` query builder writes `?`, which
//! PostgreSQL does not read), so that a thousand-line document is a handful of statements.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

use super::{DbError, Tx};

/// A value to bind.
#[derive(Debug, Clone)]
pub enum Value {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
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

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

/// Binds a value to a query.
pub fn bind<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    value: &Value,
) -> Query<'q, Any, AnyArguments<'q>> {
    match value {
        Value::Int(v) => query.bind(*v),
        Value::OptInt(v) => query.bind(*v),
        Value::Text(v) => query.bind(v.clone()),
    }
}

/// Rows per statement: few enough for SQLite's and PostgreSQL's bind limits at any width, and
/// a fixed size so that the prepared statements are reused.
const CHUNK_ROWS: usize = 200;

/// `(…), (…)` placeholders for `rows` rows of `width` values, numbered from `first`.
pub fn placeholders(rows: usize, width: usize, first: usize) -> String {
    let mut sql = String::with_capacity(rows * width * 5);
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..width {
            if col > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(first + row * width + col).to_string());
        }
        sql.push(')');
    }
    sql
}

/// `$first, $first+1, …` for an `IN (…)` list of `count` values.
pub fn list_placeholders(count: usize, first: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs `head VALUES (…), (…) tail` for all `rows`, in chunks. Every row has the same width.
pub async fn insert(
    tx: &mut Tx,
    head: &str,
    rows: &[Vec<Value>],
    tail: &str,
) -> Result<(), DbError> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    for chunk in rows.chunks(CHUNK_ROWS) {
        let sql = format!(
            "{head} VALUES {} {tail}",
            placeholders(chunk.len(), width, 1)
        );
        let mut query = sqlx::query(&sql);
        for value in chunk.iter().flatten() {
            query = bind(query, value);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_row_by_row() {
        assert_eq!(placeholders(2, 3, 1), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(list_placeholders(3, 2), "$2, $3, $4");
    }
}
