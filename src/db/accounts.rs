//! Queries on accounts (the tenants).

use super::{Db, DbError, Query, Scalar, Tx};
use crate::domain::ids::AccountId;
use crate::{from_row, params};

/// An account row.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub timezone: String,
    pub stock_module: bool,
}

from_row!(Account {
    id,
    name,
    timezone,
    stock_module
});

pub async fn insert(
    tx: &mut Tx,
    name: &str,
    timezone: &str,
    now: i64,
) -> Result<AccountId, DbError> {
    let Scalar(id) = tx
        .one(
            "INSERT INTO accounts (name, timezone, stock_module, created_at) \
             VALUES (:name, :timezone, 1, :now) RETURNING id AS value",
            params! { name, timezone, now },
        )
        .await?;
    Ok(id)
}

pub async fn find_by_name(db: &Db, name: &str) -> Result<Option<Account>, DbError> {
    db.read()
        .await
        .optional(
            "SELECT id, name, timezone, stock_module FROM accounts WHERE name = :name",
            params! { name },
        )
        .await
}

/// Whether the account keeps stock (costs from the ledger) or takes declared costs.
pub async fn stock_module(tx: &mut Tx, account_id: AccountId) -> Result<bool, DbError> {
    let Scalar(on) = tx
        .one(
            "SELECT stock_module AS value FROM accounts WHERE id = :account_id",
            params! { account_id },
        )
        .await?;
    Ok(on)
}

/// What the ledger needs of the account, read in one statement: its time zone and lock date
/// (`YYYY-MM-DD`, a day in that zone), which decide whether a date is locked, and the latest
/// date of its wired full stocktakings (an upper bound), before which a movement is late.
#[derive(Debug, Clone)]
pub struct Lock {
    pub timezone: String,
    pub lock_date: Option<String>,
    pub counted_through: Option<i64>,
}

from_row!(Lock {
    timezone,
    lock_date,
    counted_through
});

/// The account's time zone, lock date and latest full stocktaking.
pub async fn lock(q: &mut impl Query, account_id: AccountId) -> Result<Lock, DbError> {
    q.one(
        "SELECT timezone, lock_date, counted_through FROM accounts WHERE id = :account_id",
        params! { account_id },
    )
    .await
}

/// A live shop's default storage, with what the ledger needs of its account, in one
/// statement: a sale needs both, and each statement a till's receipt runs is measurable.
pub async fn shop_storage_and_lock(
    q: &mut impl Query,
    account_id: AccountId,
    shop_id: crate::domain::ids::ShopId,
) -> Result<Option<(crate::domain::ids::StorageId, Lock)>, DbError> {
    struct Found {
        storage_id: crate::domain::ids::StorageId,
        lock: Lock,
    }
    impl super::FromRow for Found {
        fn from_row(r: &mut super::Row) -> Result<Self, DbError> {
            Ok(Found {
                storage_id: r.get("storage_id")?,
                lock: Lock::from_row(r)?,
            })
        }
    }
    let found: Option<Found> = q
        .optional(
            "SELECT s.storage_id, a.timezone, a.lock_date, a.counted_through FROM shops s \
             JOIN accounts a ON a.id = s.account_id \
             WHERE s.account_id = :account_id AND s.id = :shop_id AND s.deleted = 0",
            params! { account_id, shop_id },
        )
        .await?;
    Ok(found.map(|f| (f.storage_id, f.lock)))
}

/// Notes that a full stocktaking dated `doc_date` is wired (the mark only moves forward).
pub async fn note_full_count(
    tx: &mut Tx,
    account_id: AccountId,
    doc_date: i64,
) -> Result<(), DbError> {
    tx.run(
        "UPDATE accounts SET counted_through = :doc_date \
         WHERE id = :account_id AND (counted_through IS NULL OR counted_through < :doc_date)",
        params! { account_id, doc_date },
    )
    .await?;
    Ok(())
}

/// The account's settings as the admin API shows them.
#[derive(Debug, Clone)]
pub struct Settings {
    pub timezone: String,
    pub stock_module: bool,
    pub lock_date: Option<String>,
}

from_row!(Settings {
    timezone,
    stock_module,
    lock_date
});

/// The account's settings.
pub async fn settings(q: &mut impl Query, account_id: AccountId) -> Result<Settings, DbError> {
    q.one(
        "SELECT timezone, stock_module, lock_date FROM accounts WHERE id = :account_id",
        params! { account_id },
    )
    .await
}

/// Sets (`Some(day)`) or clears (`None`) the account's lock date.
pub async fn set_lock_date(
    tx: &mut Tx,
    account_id: AccountId,
    lock_date: Option<String>,
) -> Result<(), DbError> {
    tx.run(
        "UPDATE accounts SET lock_date = :lock_date WHERE id = :account_id",
        params! { account_id, lock_date },
    )
    .await?;
    Ok(())
}

/// Changes the account's settings; `None` leaves one as it is.
pub async fn update_settings(
    tx: &mut Tx,
    account_id: AccountId,
    timezone: Option<&str>,
    stock_module: Option<bool>,
) -> Result<(), DbError> {
    super::marks::bump(tx, account_id, super::marks::Section::Settings);
    if let Some(timezone) = timezone {
        tx.run(
            "UPDATE accounts SET timezone = :timezone WHERE id = :account_id",
            params! { account_id, timezone },
        )
        .await?;
    }
    if let Some(on) = stock_module {
        tx.run(
            "UPDATE accounts SET stock_module = :on WHERE id = :account_id",
            params! { account_id, on },
        )
        .await?;
    }
    Ok(())
}

/// Whether the account has any stock document or receipt yet (the demo cafe fills only an
/// account that has none).
pub async fn has_history(db: &Db, account_id: AccountId) -> Result<bool, DbError> {
    db.read()
        .await
        .exists(
            "SELECT 1 FROM invoices WHERE account_id = :account_id \
             UNION ALL SELECT 1 FROM receipts WHERE account_id = :account_id LIMIT 1",
            params! { account_id },
        )
        .await
}
