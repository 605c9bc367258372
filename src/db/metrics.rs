//! The totals `/metrics` reads from the database at scrape time (API.md §13).
//!
//! Counted here rather than by counters in the services: a count of committed rows is right
//! whatever wrote them (this server, another one, the job worker, the CLI, a request whose
//! commit the idempotency layer held back and then dropped), survives restarts, and costs the
//! request path nothing. One statement, a few index scans, per scrape.

use super::{Db, DbError};

/// What the database holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Delivery jobs waiting for a worker.
    pub jobs_pending: i64,
    /// Receipts closed (sales, orders closed at a till, annulments' counter-receipts); a
    /// receipt is never deleted, so this only grows.
    pub receipts_posted: i64,
    /// Stock documents by kind: `(kind, created, wired now)`. Documents are never deleted, so
    /// `created` only grows; `wired` falls when one is unwired.
    pub documents: [(&'static str, i64, i64); 3],
}

pub async fn totals(db: &Db) -> Result<Totals, DbError> {
    let row = db
        .read()
        .await
        .fetch_one(
            "SELECT (SELECT COUNT(*) FROM jobs WHERE status = 'pending'), \
             (SELECT COUNT(*) FROM receipts WHERE closed_at IS NOT NULL), \
             (SELECT COUNT(*) FROM invoices), (SELECT COUNT(*) FROM invoices WHERE wired = 1), \
             (SELECT COUNT(*) FROM moves), (SELECT COUNT(*) FROM moves WHERE wired = 1), \
             (SELECT COUNT(*) FROM adjustments), (SELECT COUNT(*) FROM adjustments WHERE wired = 1)",
            &[],
        )
        .await?;
    Ok(Totals {
        jobs_pending: row.int(0)?,
        receipts_posted: row.int(1)?,
        documents: [
            ("invoice", row.int(2)?, row.int(3)?),
            ("move", row.int(4)?, row.int(5)?),
            ("adjustment", row.int(6)?, row.int(7)?),
        ],
    })
}
