//! Queries on the objects an administrator creates beforehand (API.md §0, `caf_*_id`
//! objects): storages, shops (points of sale), taxes, payment types and menus.

use super::ids::{self, Kind};
use super::{Db, DbError, Tx, Value};
use crate::domain::ids::AccountId;

/// Inserts a row `(account_id, id, name, <extra…>, created_at, updated_at)` into `table`
/// with a new id of `kind`.
async fn insert_named(
    tx: &mut Tx,
    table: &str,
    kind: Kind,
    account_id: AccountId,
    name: &str,
    extra: &[(&str, Value)],
    now: i64,
) -> Result<i64, DbError> {
    let id = ids::next(tx, account_id, kind).await?;
    let mut columns = vec!["account_id", "id", "name"];
    let mut values: Vec<Value> = vec![account_id.into(), id.into(), name.into()];
    for (column, value) in extra {
        columns.push(column);
        values.push(value.clone());
    }
    columns.extend(["created_at", "updated_at"]);
    values.extend([now.into(), now.into()]);
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES {}",
        columns.join(", "),
        super::batch::placeholders(1, values.len(), 1)
    );
    tx.execute(&sql, &values).await?;
    let section = match table {
        "taxes" => Some(super::marks::Section::Taxes),
        "payment_types" => Some(super::marks::Section::Payments),
        "menus" => Some(super::marks::Section::Menus),
        "shops" | "storages" => Some(super::marks::Section::Settings),
        _ => None,
    };
    if let Some(section) = section {
        super::marks::bump(tx, account_id, section);
    }
    Ok(id)
}

pub async fn insert_storage(
    tx: &mut Tx,
    account_id: AccountId,
    name: &str,
    now: i64,
) -> Result<i64, DbError> {
    insert_named(tx, "storages", Kind::Storage, account_id, name, &[], now).await
}

pub async fn insert_shop(
    tx: &mut Tx,
    account_id: AccountId,
    name: &str,
    storage_id: i64,
    now: i64,
) -> Result<i64, DbError> {
    insert_named(
        tx,
        "shops",
        Kind::Shop,
        account_id,
        name,
        &[("storage_id", storage_id.into())],
        now,
    )
    .await
}

pub async fn insert_menu(
    tx: &mut Tx,
    account_id: AccountId,
    name: &str,
    now: i64,
) -> Result<i64, DbError> {
    insert_named(tx, "menus", Kind::Menu, account_id, name, &[], now).await
}

/// `rate_units`: the percentage in hundredths (20% = 2000).
pub async fn insert_tax(
    tx: &mut Tx,
    account_id: AccountId,
    name: &str,
    rate_units: i64,
    now: i64,
) -> Result<i64, DbError> {
    insert_named(
        tx,
        "taxes",
        Kind::Tax,
        account_id,
        name,
        &[("rate", rate_units.into())],
        now,
    )
    .await
}

pub async fn insert_payment_type(
    tx: &mut Tx,
    account_id: AccountId,
    name: &str,
    kind: &str,
    now: i64,
) -> Result<i64, DbError> {
    insert_named(
        tx,
        "payment_types",
        Kind::PaymentType,
        account_id,
        name,
        &[("kind", kind.into())],
        now,
    )
    .await
}

/// Administrator-made tables that writes refer to by id.
#[derive(Debug, Clone, Copy)]
pub enum Table {
    Storages,
    Shops,
    Taxes,
    Menus,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Storages => "storages",
            Table::Shops => "shops",
            Table::Taxes => "taxes",
            Table::Menus => "menus",
        }
    }
}

/// Whether the account has a live object with this id in `table`.
pub async fn exists(
    tx: &mut Tx,
    table: Table,
    account_id: AccountId,
    id: i64,
) -> Result<bool, DbError> {
    let sql = format!(
        "SELECT 1 FROM {} WHERE account_id = $1 AND id = $2 AND deleted = 0",
        table.name()
    );
    Ok(tx
        .fetch_optional(&sql, &[account_id.into(), id.into()])
        .await?
        .is_some())
}

/// The live ids of `table` in the account.
pub async fn live_ids(
    tx: &mut Tx,
    table: Table,
    account_id: AccountId,
) -> Result<std::collections::HashSet<i64>, DbError> {
    let sql = format!(
        "SELECT id FROM {} WHERE account_id = $1 AND deleted = 0",
        table.name()
    );
    tx.fetch_all(&sql, &[account_id.into()])
        .await?
        .iter()
        .map(|r| r.int(0))
        .collect()
}

/// The account's live storages, by id.
pub async fn live_storages(db: &Db, account_id: AccountId) -> Result<Vec<(i64, String)>, DbError> {
    let rows = db
        .read()
        .await
        .fetch_all(
            "SELECT id, name FROM storages WHERE account_id = $1 AND deleted = 0 ORDER BY id",
            &[account_id.into()],
        )
        .await?;
    rows.iter().map(|r| Ok((r.int(0)?, r.text(1)?))).collect()
}

/// Whether the account has a storage with this id (deleted or not).
pub async fn storage_exists(db: &Db, account_id: AccountId, id: i64) -> Result<bool, DbError> {
    let row = db
        .read()
        .await
        .fetch_optional(
            "SELECT 1 FROM storages WHERE account_id = $1 AND id = $2",
            &[account_id.into(), id.into()],
        )
        .await?;
    Ok(row.is_some())
}

/// The default storage of a live shop.
pub async fn shop_storage(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: i64,
) -> Result<Option<i64>, DbError> {
    tx.fetch_optional(
        "SELECT storage_id FROM shops WHERE account_id = $1 AND id = $2 AND deleted = 0",
        &[account_id.into(), shop_id.into()],
    )
    .await?
    .map(|r| r.int(0))
    .transpose()
}

/// The kind of each live payment type of the account.
pub async fn payment_kinds(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<std::collections::HashMap<i64, String>, DbError> {
    tx.fetch_all(
        "SELECT id, kind FROM payment_types WHERE account_id = $1 AND deleted = 0",
        &[account_id.into()],
    )
    .await?
    .iter()
    .map(|r| Ok((r.int(0)?, r.text(1)?)))
    .collect()
}
