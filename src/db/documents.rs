//! What stock documents (invoices, transfers, adjustments) share: their wired flag.

use super::{Db, DbError, Row, Tx};
use crate::domain::ids::AccountId;

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
    account_id: AccountId,
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

pub async fn exists(
    tx: &mut Tx,
    kind: DocKind,
    account_id: AccountId,
    id: i64,
) -> Result<bool, DbError> {
    let sql = format!(
        "SELECT 1 FROM {} WHERE account_id = $1 AND id = $2",
        kind.table()
    );
    Ok(tx
        .fetch_optional(&sql, &[account_id.into(), id.into()])
        .await?
        .is_some())
}

/// How a kind of document's headers are read: the `SELECT … FROM … <alias>` before any
/// condition, the table's alias in it, and the row's mapping.
pub struct Headers<T: 'static> {
    pub select: &'static str,
    pub alias: &'static str,
    pub map: fn(&Row) -> Result<T, DbError>,
}

impl<T> Headers<T> {
    /// The header of document `id`.
    pub async fn find(
        &self,
        db: &Db,
        account_id: AccountId,
        id: i64,
    ) -> Result<Option<T>, DbError> {
        let a = self.alias;
        let sql = format!("{} WHERE {a}.account_id = $1 AND {a}.id = $2", self.select);
        let row = db
            .read()
            .await
            .fetch_optional(&sql, &[account_id.into(), id.into()])
            .await?;
        row.as_ref().map(self.map).transpose()
    }

    /// The headers of documents dated in `[from, to)`, by date then id.
    pub async fn list(
        &self,
        db: &Db,
        account_id: AccountId,
        from: i64,
        to: i64,
    ) -> Result<Vec<T>, DbError> {
        let a = self.alias;
        let sql = format!(
            "{} WHERE {a}.account_id = $1 AND {a}.doc_date >= $2 AND {a}.doc_date < $3 ORDER BY {a}.doc_date, {a}.id",
            self.select
        );
        let rows = db
            .read()
            .await
            .fetch_all(&sql, &[account_id.into(), from.into(), to.into()])
            .await?;
        rows.iter().map(self.map).collect()
    }
}
