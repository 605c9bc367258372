//! Multi-row statements with `$n` placeholders, so that a thousand-line document is a
//! handful of statements.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, LazyLock, RwLock};

use super::query::compile;
use super::{DbError, Param, Query, Row, Tx, Value};

/// Rows per statement: few enough for SQLite's and PostgreSQL's bind limits at any width, and
/// a fixed size so that the prepared statements are reused.
const CHUNK_ROWS: usize = 200;

/// `(…), (…)` placeholders for `rows` rows of `width` values, numbered from `first`.
///
/// Written once per shape and kept: a 200-row chunk has thousands of numbers, and writing
/// them afresh for every statement was 8% of a 1,000-line invoice (callgrind). The shapes
/// are few (chunk sizes up to [`CHUNK_ROWS`] and [`LOOKUP_CHUNK`] times the tables' widths).
fn placeholders(rows: usize, width: usize, first: usize) -> Arc<str> {
    /// Placeholder lists by `(rows, width, first)`.
    type Kept = HashMap<(usize, usize, usize), Arc<str>>;
    static KEPT: LazyLock<RwLock<Kept>> = LazyLock::new(RwLock::default);
    let shape = (rows, width, first);
    if let Some(kept) = KEPT.read().ok().and_then(|kept| kept.get(&shape).cloned()) {
        return kept;
    }
    let mut sql = String::with_capacity(rows * width * 6);
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..width {
            if col > 0 {
                sql.push_str(", ");
            }
            // writing to a String cannot fail
            let _ = write!(sql, "${}", first + row * width + col);
        }
        sql.push(')');
    }
    let sql: Arc<str> = sql.into();
    if let Ok(mut kept) = KEPT.write() {
        kept.insert(shape, Arc::clone(&sql));
    }
    sql
}

/// `(VALUES ($first), ($first+1), …) AS wanted`: a list of `count` keys to look up, joined as
/// `FROM {wanted} CROSS JOIN t WHERE t.key = wanted.column1`.
///
/// Not `key IN ($3, $4, …)`: PostgreSQL's generic plan for a prepared IN list (used from the
/// sixth run on) filters the list row by row over the whole key prefix instead of probing the
/// index, 100 ms for 500 keys against 20,000 balances. A joined list is probed key by key on
/// both backends (CROSS JOIN also tells SQLite to loop over the list outside).
fn wanted(count: usize, first: usize) -> String {
    format!("(VALUES {}) AS wanted", placeholders(count, 1, first))
}

/// Keys per lookup statement.
const LOOKUP_CHUNK: usize = 500;

/// Rows left over after the full chunks that still go in one statement of their own size.
const EXACT_TAIL: usize = 16;

/// `items` in chunks whose sizes come from a small set, so that their statements, prepared
/// once, serve documents of every size: chunks of `most`, then the rest by halves (128, 64,
/// 32 …) down to at most [`EXACT_TAIL`] rows. With the rest in one chunk, each new document
/// size prepared a new statement of thousands of parameters: 393-line invoices took twice
/// as long as 400-line ones.
fn shaped<T>(items: &[T], most: usize) -> Vec<&[T]> {
    let mut out: Vec<&[T]> = items.chunks_exact(most).collect();
    let mut rest = items.chunks_exact(most).remainder();
    while rest.len() > EXACT_TAIL {
        let size = 1 << rest.len().ilog2();
        let (head, tail) = rest.split_at(size);
        out.push(head);
        rest = tail;
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// One row to insert: its values by column name (build it with [`record!`]).
pub type Record = Vec<Param>;

/// A [`Record`]: `record! { account_id: caller.account, qty }` is
/// `vec![("account_id", Value::from(caller.account)), ("qty", Value::from(qty))]`.
#[macro_export]
macro_rules! record {
    ($($name:ident $(: $value:expr)?),+ $(,)?) => {
        vec![$((stringify!($name), $crate::record!(@value $name $($value)?))),+]
    };
    (@value $name:ident $value:expr) => { $crate::db::Value::from($value) };
    (@value $name:ident) => { $crate::db::Value::from($name) };
}

/// `SELECT {columns} FROM {wanted} CROSS JOIN {from} WHERE {condition} AND {key} =
/// wanted.column1`: `condition` names its parameters (`:account_id`).
pub struct Lookup<'a> {
    pub columns: &'a str,
    pub from: &'a str,
    pub condition: &'a str,
    pub key: &'a str,
}

/// Runs `query` over `keys` (deduplicated) in chunks, handing each row to `each`.
pub async fn lookup(
    q: &mut impl Query,
    query: &Lookup<'_>,
    params: &[Param],
    keys: &[Value],
    mut each: impl FnMut(&mut Row) -> Result<(), DbError>,
) -> Result<(), DbError> {
    let sql = format!(
        "SELECT {} FROM {{wanted}} CROSS JOIN {} WHERE {} AND {} = wanted.column1",
        query.columns, query.from, query.condition, query.key
    );
    for mut row in keyed(q, &sql, params, keys).await? {
        each(&mut row)?;
    }
    Ok(())
}

/// The rows of `sql` for every key of `keys` (deduplicated): `sql` names its parameters and
/// says `{wanted}` where the list of keys goes (see [`wanted`]), which is run in chunks.
pub async fn keyed(
    q: &mut impl Query,
    sql: &str,
    params: &[Param],
    keys: &[Value],
) -> Result<Vec<Row>, DbError> {
    let compiled = compile(sql)?;
    let bound = compiled.bind(params)?;
    let mut unique: Vec<&Value> = Vec::with_capacity(keys.len());
    let mut seen = std::collections::HashSet::with_capacity(keys.len());
    for k in keys {
        if seen.insert(k.dedup_key()) {
            unique.push(k);
        }
    }
    let mut out = Vec::new();
    for chunk in shaped(&unique, LOOKUP_CHUNK) {
        let sql = compiled
            .sql
            .replace("{wanted}", &wanted(chunk.len(), bound.len() + 1));
        let mut values = bound.clone();
        values.extend(chunk);
        out.extend(q.generated(&sql, &values).await?);
    }
    Ok(out)
}

/// Inserts `rows` into `table` (`tail` follows the values: `ON CONFLICT …`, without
/// parameters), in chunks. Every row names the same columns in the same order.
pub async fn insert(tx: &mut Tx, table: &str, rows: &[Record], tail: &str) -> Result<(), DbError> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let columns: Vec<&str> = first.iter().map(|(name, _)| *name).collect();
    if let Some(odd) = rows.iter().find(|row| {
        !row.iter()
            .map(|(name, _)| *name)
            .eq(columns.iter().copied())
    }) {
        return Err(DbError::Corrupt {
            column: "parameters",
            value: format!("row {odd:?} does not have the columns {columns:?} of {table}"),
        });
    }
    let head = format!("INSERT INTO {table} ({})", columns.join(", "));
    for chunk in shaped(rows, CHUNK_ROWS) {
        let sql = format!(
            "{head} VALUES {} {tail}",
            placeholders(chunk.len(), columns.len(), 1)
        );
        let values: Vec<&Value> = chunk.iter().flatten().map(|(_, value)| value).collect();
        tx.run_generated(&sql, &values).await?;
    }
    Ok(())
}

/// Updates many rows of `table` in the account at once (a joined list, so one statement per
/// chunk instead of one per row): each record names the `keys` key columns first, then values
/// the `set` clause reads as `v.<name>` (e.g. `n = t.n + v.delta`). Every row names the same
/// columns in the same order.
pub async fn update_by(
    tx: &mut Tx,
    table: &str,
    account_id: crate::domain::ids::AccountId,
    keys: usize,
    set: &str,
    rows: &[Record],
) -> Result<(), DbError> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let columns: Vec<&str> = first.iter().map(|(name, _)| *name).collect();
    let matched: Vec<String> = columns
        .iter()
        .take(keys)
        .map(|k| format!(" AND {table}.{k} = v.{k}"))
        .collect();
    let account = Value::from(account_id);
    let width = columns.len();
    for chunk in shaped(rows, CHUNK_ROWS) {
        let sql = format!(
            "WITH v ({}) AS (VALUES {}) UPDATE {table} SET {set} FROM v \
             WHERE {table}.account_id = ${}{}",
            columns.join(", "),
            placeholders(chunk.len(), width, 1),
            chunk.len() * width + 1,
            matched.concat()
        );
        let mut values: Vec<&Value> = Vec::with_capacity(chunk.len() * width + 1);
        for row in chunk {
            if !row.iter().map(|(n, _)| *n).eq(columns.iter().copied()) {
                return Err(DbError::Corrupt {
                    column: "parameters",
                    value: format!("row {row:?} does not have the columns {columns:?} of {table}"),
                });
            }
            values.extend(row.iter().map(|(_, value)| value));
        }
        values.push(&account);
        tx.run_generated(&sql, &values).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_of_any_size_are_cut_into_a_few_chunk_sizes() {
        let sizes = |n: usize| -> Vec<usize> {
            let items: Vec<usize> = (0..n).collect();
            let chunks = shaped(&items, 200);
            assert_eq!(chunks.concat(), items, "every row once, in order");
            chunks.iter().map(|c| c.len()).collect()
        };
        assert_eq!(sizes(393), [200, 128, 64, 1]);
        assert_eq!(sizes(400), [200, 200]);
        assert_eq!(sizes(1000), [200; 5]);
        assert_eq!(sizes(5), [5]);
        assert_eq!(sizes(16), [16]);
        assert_eq!(sizes(17), [16, 1]);
        assert_eq!(sizes(0), Vec::<usize>::new());
        for n in 0..1000 {
            assert!(sizes(n)
                .iter()
                .all(|&s| s == 200 || s <= EXACT_TAIL || s.is_power_of_two()));
        }
    }

    #[test]
    fn placeholders_are_numbered_row_by_row() {
        assert_eq!(&*placeholders(2, 3, 1), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(wanted(2, 3), "(VALUES ($3), ($4)) AS wanted");
    }
}
