//! The per-section last-change marks `get_updates` answers (API.md §8). Every write notes the
//! sections it touches; the transaction moves their marks as it commits, so a mark is never
//! behind the data it stands for.

use super::{DbError, Tx};
use crate::domain::ids::AccountId;

/// The sections of `get_updates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Products,
    Balances,
    Clients,
    Categories,
    Workspaces,
    Taxes,
    Menus,
    Payments,
    Discounts,
    Settings,
}

impl Section {
    pub fn name(self) -> &'static str {
        match self {
            Section::Products => "products",
            Section::Balances => "balances",
            Section::Clients => "clients",
            Section::Categories => "categories",
            Section::Workspaces => "workspaces",
            Section::Taxes => "taxes",
            Section::Menus => "menus",
            Section::Payments => "payments",
            Section::Discounts => "discounts",
            Section::Settings => "settings",
        }
    }
}

/// Notes that the transaction changes `section`: its mark moves when the transaction commits.
pub fn bump(tx: &mut Tx, account_id: AccountId, section: Section) {
    tx.touch(account_id, section.name());
}

/// Moves the marks the transaction touched to the current second (never back), as its last
/// statements before COMMIT. The clock is read here, not when the transaction began: a
/// transaction that waited for the writer lock, or ran long, still moves its marks past every
/// commit before it, and holds a mark's row (PostgreSQL) only for the moment of its commit.
pub async fn flush(tx: &mut Tx) -> Result<(), DbError> {
    let touched = tx.take_touched();
    if touched.is_empty() {
        return Ok(());
    }
    let now = crate::domain::time::now_unix();
    for (account_id, section) in touched {
        tx.execute(
            "INSERT INTO change_marks (account_id, section, ts) VALUES ($1, $2, $3) \
             ON CONFLICT (account_id, section) DO UPDATE SET ts = excluded.ts WHERE change_marks.ts < excluded.ts",
            &[account_id.into(), section.into(), now.into()],
        )
        .await?;
    }
    Ok(())
}

/// Every mark of the account: (section name, ts).
pub async fn all(db: &super::Db, account_id: AccountId) -> Result<Vec<(String, i64)>, DbError> {
    let rows = db
        .read()
        .await
        .fetch_all(
            "SELECT section, ts FROM change_marks WHERE account_id = $1",
            &[account_id.into()],
        )
        .await?;
    rows.iter().map(|r| Ok((r.text(0)?, r.int(1)?))).collect()
}
