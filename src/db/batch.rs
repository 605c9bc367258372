//! Multi-row statements with `$n` placeholders, so that a thousand-line document is a
//! handful of statements.

use super::{DbError, Tx, Value};

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

/// `(VALUES ($first), ($first+1), …) AS wanted`: a list of `count` keys to look up, joined as
/// `FROM {wanted} CROSS JOIN t WHERE t.key = wanted.column1`.
///
/// Not `key IN ($3, $4, …)`: PostgreSQL's generic plan for a prepared IN list (used from the
/// sixth run on) filters the list row by row over the whole key prefix instead of probing the
/// index, 100 ms for 500 keys against 20,000 balances. A joined list is probed key by key on
/// both backends (CROSS JOIN also tells SQLite to loop over the list outside).
pub fn wanted(count: usize, first: usize) -> String {
    format!("(VALUES {}) AS wanted", placeholders(count, 1, first))
}

/// Keys per lookup statement.
const LOOKUP_CHUNK: usize = 500;

/// `SELECT {columns} FROM {wanted} CROSS JOIN {from} WHERE {condition} AND {key} =
/// wanted.column1`: `condition` uses `$1…$n` for the parameters, the keys are bound after them.
pub struct Lookup<'a> {
    pub columns: &'a str,
    pub from: &'a str,
    pub condition: &'a str,
    pub key: &'a str,
}

/// Runs `query` over `keys` (deduplicated) in chunks, handing each row to `each`.
pub async fn lookup(
    tx: &mut Tx,
    query: &Lookup<'_>,
    params: &[Value],
    keys: &[Value],
    mut each: impl FnMut(&super::Row) -> Result<(), DbError>,
) -> Result<(), DbError> {
    let mut unique: Vec<&Value> = Vec::with_capacity(keys.len());
    let mut seen = std::collections::HashSet::with_capacity(keys.len());
    for k in keys {
        if seen.insert(k.dedup_key()) {
            unique.push(k);
        }
    }
    for chunk in unique.chunks(LOOKUP_CHUNK) {
        let sql = format!(
            "SELECT {} FROM {} CROSS JOIN {} WHERE {} AND {} = wanted.column1",
            query.columns,
            wanted(chunk.len(), params.len() + 1),
            query.from,
            query.condition,
            query.key
        );
        let mut bound: Vec<Value> = params.to_vec();
        bound.extend(chunk.iter().map(|v| (*v).clone()));
        for row in tx.fetch_all(&sql, &bound).await? {
            each(&row)?;
        }
    }
    Ok(())
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
        let params: Vec<Value> = chunk.iter().flatten().cloned().collect();
        tx.execute(&sql, &params).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_row_by_row() {
        assert_eq!(placeholders(2, 3, 1), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(wanted(2, 3), "(VALUES ($3), ($4)) AS wanted");
    }
}
