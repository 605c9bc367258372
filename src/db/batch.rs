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
        assert_eq!(list_placeholders(3, 2), "$2, $3, $4");
    }
}
