//! The totals `/metrics` reads from the database at scrape time (API.md §13).
//!
//! Counted here rather than by counters in the services: a count of committed rows is right
//! whatever wrote them (this server, another one, the job worker, the CLI, a request whose
//! commit the idempotency layer held back and then dropped), survives restarts, and costs the
//! request path nothing. One statement, a few index scans, per scrape.

use super::{Db, DbError, Query};
use crate::{from_row, params};

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

/// The counts, one column each.
struct Counts {
    jobs_pending: i64,
    receipts_posted: i64,
    invoices: i64,
    invoices_wired: i64,
    moves: i64,
    moves_wired: i64,
    adjustments: i64,
    adjustments_wired: i64,
}

from_row!(Counts {
    jobs_pending,
    receipts_posted,
    invoices,
    invoices_wired,
    moves,
    moves_wired,
    adjustments,
    adjustments_wired
});

pub async fn totals(db: &Db) -> Result<Totals, DbError> {
    let c: Counts = db
        .read()
        .await
        .one(
            "SELECT (SELECT COUNT(*) FROM jobs WHERE status = 'pending') AS jobs_pending, \
             (SELECT COUNT(*) FROM receipts WHERE closed_at IS NOT NULL) AS receipts_posted, \
             (SELECT COUNT(*) FROM invoices) AS invoices, \
             (SELECT COUNT(*) FROM invoices WHERE wired = 1) AS invoices_wired, \
             (SELECT COUNT(*) FROM moves) AS moves, \
             (SELECT COUNT(*) FROM moves WHERE wired = 1) AS moves_wired, \
             (SELECT COUNT(*) FROM adjustments) AS adjustments, \
             (SELECT COUNT(*) FROM adjustments WHERE wired = 1) AS adjustments_wired",
            params! {},
        )
        .await?;
    Ok(Totals {
        jobs_pending: c.jobs_pending,
        receipts_posted: c.receipts_posted,
        documents: [
            ("invoice", c.invoices, c.invoices_wired),
            ("move", c.moves, c.moves_wired),
            ("adjustment", c.adjustments, c.adjustments_wired),
        ],
    })
}
