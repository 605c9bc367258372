//! The per-section last-change marks `get_updates` answers (API.md §8). Every write bumps the
//! marks of the sections it touches, in its own transaction, so a mark is never behind the
//! data it stands for.

use super::{DbError, Tx};

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
    Modifiers,
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
            Section::Modifiers => "modifiers",
        }
    }
}

/// Moves the section's mark to the current second (never back). The clock is read here, at
/// the write, not when the transaction began: a transaction that waited for the writer lock
/// still moves the mark past every commit before it. `_stamp` is the time its rows carry.
pub async fn bump(
    tx: &mut Tx,
    account_id: i64,
    section: Section,
    _stamp: i64,
) -> Result<(), DbError> {
    let now = crate::domain::time::now_unix();
    tx.execute(
        "INSERT INTO change_marks (account_id, section, ts) VALUES ($1, $2, $3) \
         ON CONFLICT (account_id, section) DO UPDATE SET ts = excluded.ts WHERE change_marks.ts < excluded.ts",
        &[account_id.into(), section.name().into(), now.into()],
    )
    .await?;
    Ok(())
}

/// Every mark of the account: (section name, ts).
pub async fn all(db: &super::Db, account_id: i64) -> Result<Vec<(String, i64)>, DbError> {
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
