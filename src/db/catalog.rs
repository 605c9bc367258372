//! Queries on the catalog objects found or created by `ref_code`: packages, categories,
//! workspaces, shippers, products and their prices per shop.

use std::collections::HashMap;
use std::hash::Hash;

use super::batch::{self, Record};
use super::ids::Kind;
use super::{DbError, Query, Row, Tx, Value};
use crate::domain::decimal::{Percent, Qty, UnitCost};
use crate::domain::ids::{
    AccountId, CategoryId, Id, PackageId, ProductId, ShipperId, ShopId, StorageId, TaxId,
    WorkspaceId,
};
use crate::{from_row, params, record};

/// Tables whose rows are found by `ref_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coded {
    Categories,
    Workspaces,
    Shippers,
}

impl Coded {
    /// The table's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Coded::Categories => "categories",
            Coded::Workspaces => "workspaces",
            Coded::Shippers => "shippers",
        }
    }

    /// The id counter the table draws from.
    pub fn kind(self) -> Kind {
        match self {
            Coded::Categories => Kind::Category,
            Coded::Workspaces => Kind::Workspace,
            Coded::Shippers => Kind::Shipper,
        }
    }
}

/// The id of a row found by `ref_code`: which table it names.
pub trait CodedId: Id + Eq + Hash {
    const TABLE: Coded;
}

impl CodedId for CategoryId {
    const TABLE: Coded = Coded::Categories;
}

impl CodedId for WorkspaceId {
    const TABLE: Coded = Coded::Workspaces;
}

impl CodedId for ShipperId {
    const TABLE: Coded = Coded::Shippers;
}

/// The tail of a find-or-create insert: a row whose code another transaction created since it
/// was looked up is left alone, never overwritten and never an error.
pub const SKIP_EXISTING_CODE: &str = "ON CONFLICT (account_id, ref_code) DO NOTHING";

/// Runs `SELECT {columns} FROM {table} t WHERE t.account_id = :account_id AND t.ref_code IN
/// (codes)`, handing each row to `each`.
async fn by_codes(
    tx: &mut Tx,
    columns: &str,
    table: &str,
    account_id: AccountId,
    codes: &[String],
    each: impl FnMut(&mut Row) -> Result<(), DbError>,
) -> Result<(), DbError> {
    let keys: Vec<Value> = codes.iter().map(Value::from).collect();
    let from = format!("{table} t");
    let query = batch::Lookup {
        columns,
        from: &from,
        condition: "t.account_id = :account_id",
        key: "t.ref_code",
    };
    batch::lookup(tx, &query, params! { account_id }, &keys, each).await
}

/// Ids of the rows with these codes (of the table `T` names).
pub async fn ids_by_code<T: CodedId>(
    tx: &mut Tx,
    account_id: AccountId,
    codes: &[String],
) -> Result<HashMap<String, T>, DbError> {
    let mut found = HashMap::new();
    by_codes(
        tx,
        "t.ref_code, t.id",
        T::TABLE.as_str(),
        account_id,
        codes,
        |row| {
            found.insert(row.get("ref_code")?, row.get("id")?);
            Ok(())
        },
    )
    .await?;
    Ok(found)
}

/// A package: how many base units of which measure it holds.
#[derive(Debug, Clone)]
pub struct PackageRow {
    pub id: PackageId,
    pub measure: String,
    /// Base units of its measure in one package.
    pub value: Qty,
}

pub async fn packages_by_code(
    tx: &mut Tx,
    account_id: AccountId,
    codes: &[String],
) -> Result<HashMap<String, PackageRow>, DbError> {
    let mut found = HashMap::new();
    by_codes(
        tx,
        "t.ref_code, t.id, t.measure, t.value",
        "packages",
        account_id,
        codes,
        |row| {
            let package = PackageRow {
                id: row.get("id")?,
                measure: row.get("measure")?,
                value: row.get("value")?,
            };
            found.insert(row.get("ref_code")?, package);
            Ok(())
        },
    )
    .await?;
    Ok(found)
}

/// A product as a document line needs it.
#[derive(Debug, Clone)]
pub struct ProductRef {
    pub id: ProductId,
    pub measure: String,
}

pub async fn products_by_code(
    tx: &mut Tx,
    account_id: AccountId,
    codes: &[String],
) -> Result<HashMap<String, ProductRef>, DbError> {
    let mut found = HashMap::new();
    by_codes(
        tx,
        "t.ref_code, t.id, t.measure",
        "products",
        account_id,
        codes,
        |row| {
            let product = ProductRef {
                id: row.get("id")?,
                measure: row.get("measure")?,
            };
            found.insert(row.get("ref_code")?, product);
            Ok(())
        },
    )
    .await?;
    Ok(found)
}

/// A package to insert.
pub struct NewPackage {
    pub id: PackageId,
    pub ref_code: String,
    pub name: String,
    pub measure: &'static str,
    pub value: Qty,
    pub hidden: bool,
}

/// Inserts packages; a code that exists by now is skipped (find-or-create: the caller reads
/// the codes back).
pub async fn insert_packages(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[NewPackage],
    now: i64,
) -> Result<(), DbError> {
    let records: Vec<Record> = rows
        .iter()
        .map(|p| {
            record! {
                account_id,
                id: p.id,
                ref_code: p.ref_code.as_str(),
                name: p.name.as_str(),
                measure: p.measure,
                value: p.value,
                hidden: p.hidden,
                created_at: now,
                updated_at: now,
            }
        })
        .collect();
    batch::insert(tx, "packages", &records, SKIP_EXISTING_CODE).await
}

/// A category, workspace or shipper to insert (`parent_id` for categories only).
pub struct NewCoded<T> {
    pub id: T,
    pub ref_code: String,
    pub name: String,
    pub parent_id: Option<T>,
}

/// Inserts categories, workspaces or shippers; a code that exists by now is skipped
/// (find-or-create: the caller reads the codes back).
pub async fn insert_coded<T: CodedId>(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[NewCoded<T>],
    now: i64,
) -> Result<(), DbError> {
    let table = T::TABLE;
    let with_parent = table == Coded::Categories;
    let records: Vec<Record> = rows
        .iter()
        .map(|r| {
            let mut record = record! {
                account_id,
                id: r.id,
                ref_code: r.ref_code.as_str(),
                name: r.name.as_str(),
                created_at: now,
                updated_at: now,
            };
            if with_parent {
                record.push(("parent_id", r.parent_id.into()));
            }
            record
        })
        .collect();
    batch::insert(tx, table.as_str(), &records, SKIP_EXISTING_CODE).await?;
    let section = match table {
        Coded::Categories => Some(super::marks::Section::Categories),
        Coded::Workspaces => Some(super::marks::Section::Workspaces),
        Coded::Shippers => None,
    };
    if let (Some(section), false) = (section, rows.is_empty()) {
        super::marks::bump(tx, account_id, section);
    }
    Ok(())
}

/// A product's price at a shop and the storage its sales there write off from.
#[derive(Debug, Clone)]
pub struct NewPrice {
    pub product_id: ProductId,
    pub shop_id: ShopId,
    pub storage_id: Option<StorageId>,
    pub price: UnitCost,
    /// The declared cost, kept only while the account's stock module is off.
    pub self_cost: Option<UnitCost>,
}

/// Sets prices, replacing an earlier price of the same product at the same shop; a price
/// without a storage keeps the storage set before.
pub async fn upsert_prices(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[NewPrice],
    now: i64,
) -> Result<(), DbError> {
    let records: Vec<Record> = rows
        .iter()
        .map(|p| {
            record! {
                account_id,
                product_id: p.product_id,
                shop_id: p.shop_id,
                storage_id: p.storage_id,
                price: p.price,
                self_cost: p.self_cost,
                updated_at: now,
            }
        })
        .collect();
    batch::insert(
        tx,
        "product_prices",
        &records,
        "ON CONFLICT (account_id, product_id, shop_id) DO UPDATE SET \
         storage_id = COALESCE(excluded.storage_id, product_prices.storage_id), price = excluded.price, \
         self_cost = excluded.self_cost, updated_at = excluded.updated_at",
    )
    .await?;
    if !rows.is_empty() {
        super::marks::bump(tx, account_id, super::marks::Section::Products);
    }
    Ok(())
}

/// A tax and its rate.
struct TaxRow {
    id: TaxId,
    rate: Percent,
}

from_row!(TaxRow { id, rate });

/// The account's live taxes: id → rate in percent.
pub async fn tax_rates(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<HashMap<TaxId, rust_decimal::Decimal>, DbError> {
    let rows: Vec<TaxRow> = tx
        .all(
            "SELECT id, rate FROM taxes WHERE account_id = :account_id AND deleted = 0",
            params! { account_id },
        )
        .await?;
    Ok(rows.into_iter().map(|t| (t.id, t.rate.decimal())).collect())
}

/// A product's price at a shop as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceRow {
    pub product_id: ProductId,
    pub shop_id: ShopId,
    pub storage_id: Option<StorageId>,
    pub price: UnitCost,
    pub self_cost: Option<UnitCost>,
}

from_row!(PriceRow {
    product_id,
    shop_id,
    storage_id,
    price,
    self_cost
});

/// Every price of the account, by product and shop.
pub async fn all_prices(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<HashMap<(ProductId, ShopId), PriceRow>, DbError> {
    let rows: Vec<PriceRow> = tx
        .all(
            "SELECT product_id, shop_id, storage_id, price, self_cost FROM product_prices \
             WHERE account_id = :account_id",
            params! { account_id },
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|p| ((p.product_id, p.shop_id), p))
        .collect())
}

/// A category as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRow {
    pub id: CategoryId,
    pub ref_code: String,
    pub name: String,
    pub parent_id: Option<CategoryId>,
    pub deleted: bool,
}

from_row!(CategoryRow {
    id,
    ref_code,
    name,
    parent_id,
    deleted
});

/// Every category of the account, by code.
pub async fn all_categories(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<HashMap<String, CategoryRow>, DbError> {
    let rows: Vec<CategoryRow> = tx
        .all(
            "SELECT id, ref_code, name, parent_id, deleted FROM categories \
             WHERE account_id = :account_id",
            params! { account_id },
        )
        .await?;
    Ok(rows.into_iter().map(|c| (c.ref_code.clone(), c)).collect())
}

/// Inserts or overwrites categories (by id). A parent must come before its children.
pub async fn upsert_categories(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[CategoryRow],
    now: i64,
) -> Result<(), DbError> {
    let records: Vec<Record> = rows
        .iter()
        .map(|c| {
            record! {
                account_id,
                id: c.id,
                ref_code: c.ref_code.as_str(),
                name: c.name.as_str(),
                parent_id: c.parent_id,
                deleted: c.deleted,
                created_at: now,
                updated_at: now,
            }
        })
        .collect();
    batch::insert(
        tx,
        "categories",
        &records,
        "ON CONFLICT (account_id, id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id, \
         deleted = excluded.deleted, updated_at = excluded.updated_at",
    )
    .await?;
    if !rows.is_empty() {
        super::marks::bump(tx, account_id, super::marks::Section::Categories);
    }
    Ok(())
}

/// The storage each of these products is written off from when sold at `shop_id`, where one
/// is set.
pub async fn sale_storages(
    tx: &mut Tx,
    account_id: AccountId,
    shop_id: ShopId,
    product_ids: &[ProductId],
) -> Result<HashMap<ProductId, StorageId>, DbError> {
    let mut found = HashMap::new();
    let keys: Vec<Value> = product_ids.iter().map(|&id| Value::from(id)).collect();
    let query = batch::Lookup {
        columns: "p.product_id, p.storage_id",
        from: "product_prices p",
        condition:
            "p.account_id = :account_id AND p.shop_id = :shop_id AND p.storage_id IS NOT NULL",
        key: "p.product_id",
    };
    batch::lookup(tx, &query, params! { account_id, shop_id }, &keys, |r| {
        found.insert(r.get("product_id")?, r.get("storage_id")?);
        Ok(())
    })
    .await?;
    Ok(found)
}
