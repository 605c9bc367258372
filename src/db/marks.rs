//! The per-section last-change marks `get_updates` answers (API.md §8). Every write notes the
//! sections it touches; the transaction moves their marks as it commits, so a mark is never
//! behind the data it stands for.

use super::{DbError, Query, Tx};
use crate::domain::ids::AccountId;
use crate::{from_row, params};

/// The sections of `get_updates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// Every section, in declaration order.
    pub const ALL: [Section; 10] = [
        Section::Products,
        Section::Balances,
        Section::Clients,
        Section::Categories,
        Section::Workspaces,
        Section::Taxes,
        Section::Menus,
        Section::Payments,
        Section::Discounts,
        Section::Settings,
    ];

    /// The section's name, as stored in `change_marks.section` and shown by `get_updates`.
    pub fn as_str(self) -> &'static str {
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

    /// The section named `name`.
    pub fn parse(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Notes that the transaction changes `section`: its mark moves when the transaction commits.
pub fn bump(tx: &mut Tx, account_id: AccountId, section: Section) {
    tx.touch(account_id, section);
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
        tx.run(
            "INSERT INTO change_marks (account_id, section, ts) VALUES (:account_id, :section, :now) \
             ON CONFLICT (account_id, section) DO UPDATE SET ts = excluded.ts WHERE change_marks.ts < excluded.ts",
            params! { account_id, section: section.as_str(), now },
        )
        .await?;
    }
    Ok(())
}

/// A section's last change.
#[derive(Debug, Clone)]
pub struct Mark {
    pub section: String,
    pub ts: i64,
}

from_row!(Mark { section, ts });

/// Every mark of the account (sections this server does not know are left out).
pub async fn all(db: &super::Db, account_id: AccountId) -> Result<Vec<(Section, i64)>, DbError> {
    let marks: Vec<Mark> = db
        .read()
        .await
        .all(
            "SELECT section, ts FROM change_marks WHERE account_id = :account_id",
            params! { account_id },
        )
        .await?;
    Ok(marks
        .into_iter()
        .filter_map(|m| Some((Section::parse(&m.section)?, m.ts)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_parses_from_its_name() {
        for section in Section::ALL {
            assert_eq!(Section::parse(section.as_str()), Some(section));
        }
        assert_eq!(Section::parse("desks"), None);
    }
}
