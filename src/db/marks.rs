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

/// A mark as read beside its shop: no section where the account has no marks yet.
struct ShopMark {
    section: Option<String>,
    ts: Option<i64>,
}

from_row!(ShopMark { section, ts });

/// Every mark of the account (sections this server does not know are left out), if
/// `shop_id` is a live shop of it (`None` if not): what a point of sale's `get_updates` asks,
/// read in one statement, since a till polls it all day long.
pub async fn of_shop(
    db: &super::Db,
    account_id: AccountId,
    shop_id: crate::domain::ids::ShopId,
) -> Result<Option<Vec<(Section, i64)>>, DbError> {
    let rows: Vec<ShopMark> = db
        .read()
        .await
        .all(
            "SELECT m.section, m.ts FROM shops s LEFT JOIN change_marks m \
             ON m.account_id = s.account_id \
             WHERE s.account_id = :account_id AND s.id = :shop_id AND s.deleted = 0",
            params! { account_id, shop_id },
        )
        .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        rows.into_iter()
            .filter_map(|m| Some((Section::parse(m.section.as_deref()?)?, m.ts?)))
            .collect(),
    ))
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
