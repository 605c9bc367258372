//! Queries on the objects an administrator creates beforehand (API.md §0, `caf_*_id`
//! objects): storages, shops (points of sale), taxes, payment types and menus.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use super::ids::{self, Kind};
use super::marks::{self, Section};
use super::{Db, DbError, Query, Scalar, Tx};
use crate::domain::decimal::Percent;
use crate::domain::ids::{AccountId, Id, MenuId, PaymentTypeId, ShopId, StorageId, TaxId};
use crate::domain::sales::PaymentKind;
use crate::{from_row, params};

/// Administrator-made tables: made by the admin commands, referred to by id by writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Storages,
    Shops,
    Taxes,
    PaymentTypes,
    Menus,
}

impl Table {
    /// The table's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Table::Storages => "storages",
            Table::Shops => "shops",
            Table::Taxes => "taxes",
            Table::PaymentTypes => "payment_types",
            Table::Menus => "menus",
        }
    }

    /// The id counter the table draws from.
    const fn kind(self) -> Kind {
        match self {
            Table::Storages => Kind::Storage,
            Table::Shops => Kind::Shop,
            Table::Taxes => Kind::Tax,
            Table::PaymentTypes => Kind::PaymentType,
            Table::Menus => Kind::Menu,
        }
    }

    /// The change mark a new row moves.
    const fn section(self) -> Section {
        match self {
            Table::Storages | Table::Shops => Section::Settings,
            Table::Taxes => Section::Taxes,
            Table::PaymentTypes => Section::Payments,
            Table::Menus => Section::Menus,
        }
    }
}

/// Inserts a row `(account_id, id, name, <extra>, created_at, updated_at)` into `table` with
/// a new id of its kind; `extra` is the column list `", storage_id"` and its parameter
/// `:extra` (or empty).
async fn insert_named(
    tx: &mut Tx,
    table: Table,
    account_id: AccountId,
    name: &str,
    extra: Option<(&str, super::Value)>,
    now: i64,
) -> Result<i64, DbError> {
    let id = ids::next(tx, account_id, table.kind()).await?;
    let (column, placeholder) = match extra {
        Some((column, _)) => (format!(", {column}"), ", :extra"),
        None => (String::new(), ""),
    };
    let sql = format!(
        "INSERT INTO {} (account_id, id, name{column}, created_at, updated_at) \
         VALUES (:account_id, :id, :name{placeholder}, :now, :now)",
        table.as_str()
    );
    match extra {
        Some((_, extra)) => {
            tx.run(&sql, params! { account_id, id, name, extra, now })
                .await?
        }
        None => tx.run(&sql, params! { account_id, id, name, now }).await?,
    };
    marks::bump(tx, account_id, table.section());
    Ok(id)
}

pub async fn insert_storage(
    tx: &mut Tx,
    account_id: AccountId,
    name: &str,
    now: i64,
) -> Result<StorageId, DbError> {
    let id = insert_named(tx, Table::Storages, account_id, name, None, now).await?;
    Ok(StorageId::new(id))
}

pub async fn insert_shop(
    tx: &mut Tx,
    account_id: AccountId,
    name: &str,
    storage_id: StorageId,
    now: i64,
) -> Result<ShopId, DbError> {
    let extra = Some(("storage_id", storage_id.into()));
    let id = insert_named(tx, Table::Shops, account_id, name, extra, now).await?;
    Ok(ShopId::new(id))
}

pub async fn insert_menu(
    tx: &mut Tx,
    account_id: AccountId,
    name: &str,
    now: i64,
) -> Result<MenuId, DbError> {
    let id = insert_named(tx, Table::Menus, account_id, name, None, now).await?;
    Ok(MenuId::new(id))
}

pub async fn insert_tax(
    tx: &mut Tx,
    account_id: AccountId,
    name: &str,
    rate: Percent,
    now: i64,
) -> Result<TaxId, DbError> {
    let extra = Some(("rate", rate.into()));
    let id = insert_named(tx, Table::Taxes, account_id, name, extra, now).await?;
    Ok(TaxId::new(id))
}

pub async fn insert_payment_type(
    tx: &mut Tx,
    account_id: AccountId,
    name: &str,
    kind: PaymentKind,
    now: i64,
) -> Result<PaymentTypeId, DbError> {
    let extra = Some(("kind", kind.into()));
    let id = insert_named(tx, Table::PaymentTypes, account_id, name, extra, now).await?;
    Ok(PaymentTypeId::new(id))
}

/// The id of an administrator-made object: which table it names.
pub trait Object: Id + Eq + Hash {
    const TABLE: Table;
}

impl Object for StorageId {
    const TABLE: Table = Table::Storages;
}

impl Object for ShopId {
    const TABLE: Table = Table::Shops;
}

impl Object for TaxId {
    const TABLE: Table = Table::Taxes;
}

impl Object for PaymentTypeId {
    const TABLE: Table = Table::PaymentTypes;
}

impl Object for MenuId {
    const TABLE: Table = Table::Menus;
}

/// Whether the account has a live object with this id.
pub async fn exists<T: Object>(tx: &mut Tx, account_id: AccountId, id: T) -> Result<bool, DbError> {
    let sql = format!(
        "SELECT 1 FROM {} WHERE account_id = :account_id AND id = :id AND deleted = 0",
        T::TABLE.as_str()
    );
    tx.exists(&sql, params! { account_id, id }).await
}

/// The live ids of objects of one kind in the account.
pub async fn live_ids<T: Object>(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<HashSet<T>, DbError> {
    let sql = format!(
        "SELECT id AS value FROM {} WHERE account_id = :account_id AND deleted = 0",
        T::TABLE.as_str()
    );
    let ids: Vec<Scalar<T>> = tx.all(&sql, params! { account_id }).await?;
    Ok(ids.into_iter().map(|Scalar(id)| id).collect())
}

/// A storage as listed.
#[derive(Debug, Clone)]
pub struct StorageRow {
    pub id: StorageId,
    pub name: String,
}

from_row!(StorageRow { id, name });

/// The account's live storages, by id.
pub async fn live_storages(db: &Db, account_id: AccountId) -> Result<Vec<StorageRow>, DbError> {
    db.read()
        .await
        .all(
            "SELECT id, name FROM storages WHERE account_id = :account_id AND deleted = 0 ORDER BY id",
            params! { account_id },
        )
        .await
}

/// Whether the account has a storage with this id (deleted or not).
pub async fn storage_exists(
    db: &Db,
    account_id: AccountId,
    id: StorageId,
) -> Result<bool, DbError> {
    db.read()
        .await
        .exists(
            "SELECT 1 FROM storages WHERE account_id = :account_id AND id = :id",
            params! { account_id, id },
        )
        .await
}

/// The default storage of a live shop.
pub async fn shop_storage(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: ShopId,
) -> Result<Option<StorageId>, DbError> {
    let found: Option<Scalar<StorageId>> = tx
        .optional(
            "SELECT storage_id AS value FROM shops \
             WHERE account_id = :account_id AND id = :shop_id AND deleted = 0",
            params! { account_id, shop_id },
        )
        .await?;
    Ok(found.map(|Scalar(id)| id))
}

/// A payment type's kind as stored.
struct PaymentRow {
    id: PaymentTypeId,
    kind: PaymentKind,
}

from_row!(PaymentRow { id, kind });

/// The kind of each live payment type of the account.
pub async fn payment_kinds(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<HashMap<PaymentTypeId, PaymentKind>, DbError> {
    let rows: Vec<PaymentRow> = tx
        .all(
            "SELECT id, kind FROM payment_types WHERE account_id = :account_id AND deleted = 0",
            params! { account_id },
        )
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.kind)).collect())
}
