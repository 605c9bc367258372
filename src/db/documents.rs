//! What stock documents (invoices, transfers, adjustments) share: their wired flag.

use super::{DbError, Tx};

/// A kind of stock document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Invoice,
    Move,
    Adjustment,
}

impl DocKind {
    fn table(self) -> &'static str {
        match self {
            DocKind::Invoice => "invoices",
            DocKind::Move => "moves",
            DocKind::Adjustment => "adjustments",
        }
    }

    /// The name of the kind in the ledger's `doc_type` and in messages.
    pub fn name(self) -> &'static str {
        match self {
            DocKind::Invoice => "invoice",
            DocKind::Move => "move",
            DocKind::Adjustment => "adjustment",
        }
    }
}

/// Sets the wired flag from `!wired` to `wired`; false when the document was not in that
/// state (or does not exist). The conditional update is what makes concurrent wires safe: the
/// row lock lets exactly one of them change it.
pub async fn set_wired(
    tx: &mut Tx,
    kind: DocKind,
    account_id: i64,
    id: i64,
    wired: bool,
    by: i64,
    now: i64,
) -> Result<bool, DbError> {
    let sql = format!(
        "UPDATE {} SET wired = $3, updated_at = $4, updated_by = $5 WHERE account_id = $1 AND id = $2 AND wired = 1 - $3",
        kind.table()
    );
    let done = tx
        .execute(
            &sql,
            &[
                account_id.into(),
                id.into(),
                i64::from(wired).into(),
                now.into(),
                by.into(),
            ],
        )
        .await?;
    Ok(done == 1)
}

pub async fn exists(tx: &mut Tx, kind: DocKind, account_id: i64, id: i64) -> Result<bool, DbError> {
    let sql = format!(
        "SELECT 1 FROM {} WHERE account_id = $1 AND id = $2",
        kind.table()
    );
    Ok(tx
        .fetch_optional(&sql, &[account_id.into(), id.into()])
        .await?
        .is_some())
}
