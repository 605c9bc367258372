//! Planner statistics on PostgreSQL, kept fresh by the server itself.
//!
//! PostgreSQL plans from statistics that `ANALYZE` gathers, which autovacuum normally runs;
//! where autovacuum is off (as on many CI and appliance servers) nothing refreshes them, and
//! the statistics the migrations gathered on empty tables stay: the 1,000-product stock read
//! then took 144 ms instead of 5, and each invoice line's foreign-key check scanned the
//! account's products. Cached plans (a foreign key's check included) are made again once the
//! statistics they were made from change, so refreshing them mends the plans too.
//!
//! The rule is autovacuum's own: a table is stale when the rows changed since its last
//! `ANALYZE` exceed 50 plus a tenth of its rows. SQLite needs none of this: its statistics are
//! written once by the migrations and describe the schema's shape, not the data's size.

use super::{Db, DbError, Query};
use crate::params;

/// Tables of this schema whose statistics are stale by autovacuum's rule.
pub async fn stale_tables(db: &Db) -> Result<Vec<String>, DbError> {
    let rows = db
        .read()
        .await
        .rows(
            "SELECT s.relname AS name FROM pg_stat_user_tables s \
             JOIN pg_class c ON c.oid = s.relid \
             WHERE s.schemaname = current_schema() \
             AND s.n_mod_since_analyze > 50 + 0.1 * GREATEST(c.reltuples, 0) \
             ORDER BY s.n_mod_since_analyze DESC",
            params! {},
        )
        .await?;
    rows.iter().map(|row| row.get::<String>("name")).collect()
}

/// Gathers the statistics of `table` (a name [`stale_tables`] answered, quoted as such).
pub async fn analyze(db: &Db, table: &str) -> Result<(), DbError> {
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    db.read()
        .await
        .rows(&format!("ANALYZE {quoted}"), params! {})
        .await?;
    Ok(())
}

/// Refreshes every stale table's statistics; answers how many it refreshed. Does nothing on
/// SQLite.
pub async fn refresh(db: &Db) -> Result<usize, DbError> {
    if db.backend() != super::Backend::Postgres {
        return Ok(0);
    }
    let stale = stale_tables(db).await?;
    for table in &stale {
        analyze(db, table).await?;
    }
    Ok(stale.len())
}
