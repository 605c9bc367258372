//! Queries on the catalog objects found or created by `ref_code`: packages, categories,
//! workspaces, shippers, products and their prices per shop.

use crate::domain::ids::AccountId;
use std::collections::HashMap;

use super::batch;
use super::ids::Kind;
use super::{DbError, Row, Tx, Value};

/// Tables whose rows are found by `ref_code`.
#[derive(Debug, Clone, Copy)]
pub enum Coded {
    Categories,
    Workspaces,
    Shippers,
}

impl Coded {
    fn table(self) -> &'static str {
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

/// The tail of a find-or-create insert: a row whose code another transaction created since it
/// was looked up is left alone, never overwritten and never an error.
pub const SKIP_EXISTING_CODE: &str = "ON CONFLICT (account_id, ref_code) DO NOTHING";

/// Runs `SELECT {columns} FROM {table} t WHERE t.account_id = $1 AND t.ref_code IN (codes)`,
/// handing each row to `each`.
async fn by_codes(
    tx: &mut Tx,
    columns: &str,
    table: &str,
    account_id: AccountId,
    codes: &[String],
    each: impl FnMut(&Row) -> Result<(), DbError>,
) -> Result<(), DbError> {
    let keys: Vec<Value> = codes.iter().map(Value::from).collect();
    let from = format!("{table} t");
    let query = batch::LegacyLookup {
        columns,
        from: &from,
        condition: "t.account_id = $1",
        key: "t.ref_code",
    };
    batch::legacy_lookup(tx, &query, &[account_id.into()], &keys, each).await
}

/// Ids of the rows of `table` with these codes.
pub async fn ids_by_code(
    tx: &mut Tx,
    table: Coded,
    account_id: AccountId,
    codes: &[String],
) -> Result<HashMap<String, i64>, DbError> {
    let mut found = HashMap::new();
    by_codes(
        tx,
        "ref_code, id",
        table.table(),
        account_id,
        codes,
        |row| {
            found.insert(row.text(0)?, row.int(1)?);
            Ok(())
        },
    )
    .await?;
    Ok(found)
}

/// A package: how many base units of which measure it holds.
#[derive(Debug, Clone)]
pub struct PackageRow {
    pub id: i64,
    pub measure: String,
    pub value_units: i64,
}

pub async fn packages_by_code(
    tx: &mut Tx,
    account_id: AccountId,
    codes: &[String],
) -> Result<HashMap<String, PackageRow>, DbError> {
    let mut found = HashMap::new();
    by_codes(
        tx,
        "ref_code, id, measure, value",
        "packages",
        account_id,
        codes,
        |row| {
            let package = PackageRow {
                id: row.int(1)?,
                measure: row.text(2)?,
                value_units: row.int(3)?,
            };
            found.insert(row.text(0)?, package);
            Ok(())
        },
    )
    .await?;
    Ok(found)
}

/// A product as a document line needs it.
#[derive(Debug, Clone)]
pub struct ProductRef {
    pub id: i64,
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
        "ref_code, id, measure",
        "products",
        account_id,
        codes,
        |row| {
            found.insert(
                row.text(0)?,
                ProductRef {
                    id: row.int(1)?,
                    measure: row.text(2)?,
                },
            );
            Ok(())
        },
    )
    .await?;
    Ok(found)
}

/// A package to insert.
pub struct NewPackage {
    pub id: i64,
    pub ref_code: String,
    pub name: String,
    pub measure: &'static str,
    pub value_units: i64,
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
    let values: Vec<Vec<Value>> = rows
        .iter()
        .map(|p| {
            vec![
                account_id.into(),
                p.id.into(),
                p.ref_code.as_str().into(),
                p.name.as_str().into(),
                p.measure.into(),
                p.value_units.into(),
                i64::from(p.hidden).into(),
                now.into(),
                now.into(),
            ]
        })
        .collect();
    batch::legacy_insert(
        tx,
        "INSERT INTO packages (account_id, id, ref_code, name, measure, value, hidden, created_at, updated_at)",
        &values,
        SKIP_EXISTING_CODE,
    )
    .await
}

/// A category, workspace or shipper to insert (`parent_id` for categories only).
pub struct NewCoded {
    pub id: i64,
    pub ref_code: String,
    pub name: String,
    pub parent_id: Option<i64>,
}

/// Inserts categories, workspaces or shippers; a code that exists by now is skipped
/// (find-or-create: the caller reads the codes back).
pub async fn insert_coded(
    tx: &mut Tx,
    table: Coded,
    account_id: AccountId,
    rows: &[NewCoded],
    now: i64,
) -> Result<(), DbError> {
    let with_parent = matches!(table, Coded::Categories);
    let values: Vec<Vec<Value>> = rows
        .iter()
        .map(|r| {
            let mut row: Vec<Value> = vec![
                account_id.into(),
                r.id.into(),
                r.ref_code.as_str().into(),
                r.name.as_str().into(),
                now.into(),
                now.into(),
            ];
            if with_parent {
                row.push(r.parent_id.into());
            }
            row
        })
        .collect();
    let head = if with_parent {
        "INSERT INTO categories (account_id, id, ref_code, name, created_at, updated_at, parent_id)"
            .to_owned()
    } else {
        format!(
            "INSERT INTO {} (account_id, id, ref_code, name, created_at, updated_at)",
            table.table()
        )
    };
    batch::legacy_insert(tx, &head, &values, SKIP_EXISTING_CODE).await?;
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
pub struct NewPrice {
    pub product_id: i64,
    pub shop_id: i64,
    pub storage_id: Option<i64>,
    pub price_units: i64,
    /// The declared cost, kept only while the account's stock module is off.
    pub self_cost_units: Option<i64>,
}

/// Sets prices, replacing an earlier price of the same product at the same shop; a price
/// without a storage keeps the storage set before.
pub async fn upsert_prices(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[NewPrice],
    now: i64,
) -> Result<(), DbError> {
    let values: Vec<Vec<Value>> = rows
        .iter()
        .map(|p| {
            vec![
                account_id.into(),
                p.product_id.into(),
                p.shop_id.into(),
                p.storage_id.into(),
                p.price_units.into(),
                p.self_cost_units.into(),
                now.into(),
            ]
        })
        .collect();
    batch::legacy_insert(
        tx,
        "INSERT INTO product_prices (account_id, product_id, shop_id, storage_id, price, self_cost, updated_at)",
        &values,
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

/// The account's live taxes: id → rate in percent.
pub async fn tax_rates(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<HashMap<i64, rust_decimal::Decimal>, DbError> {
    let rows = tx
        .fetch_all(
            "SELECT id, rate FROM taxes WHERE account_id = $1 AND deleted = 0",
            &[account_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.int(0)?,
                crate::domain::decimal::Percent::from_units(r.int(1)?).decimal(),
            ))
        })
        .collect()
}

/// A product's price at a shop as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceRow {
    pub storage_id: Option<i64>,
    pub price_units: i64,
    pub self_cost_units: Option<i64>,
}

/// Every price of the account: (product id, shop id) → price.
pub async fn all_prices(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<HashMap<(i64, i64), PriceRow>, DbError> {
    let rows = tx
        .fetch_all(
            "SELECT product_id, shop_id, storage_id, price, self_cost FROM product_prices WHERE account_id = $1",
            &[account_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let price = PriceRow {
                storage_id: r.opt_int(2)?,
                price_units: r.int(3)?,
                self_cost_units: r.opt_int(4)?,
            };
            Ok(((r.int(0)?, r.int(1)?), price))
        })
        .collect()
}

/// A category as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRow {
    pub id: i64,
    pub ref_code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub deleted: bool,
}

/// Every category of the account, by code.
pub async fn all_categories(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<HashMap<String, CategoryRow>, DbError> {
    let rows = tx
        .fetch_all(
            "SELECT id, ref_code, name, parent_id, deleted FROM categories WHERE account_id = $1",
            &[account_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let category = CategoryRow {
                id: r.int(0)?,
                ref_code: r.text(1)?,
                name: r.text(2)?,
                parent_id: r.opt_int(3)?,
                deleted: r.flag(4)?,
            };
            Ok((category.ref_code.clone(), category))
        })
        .collect()
}

/// Inserts or overwrites categories (by id). A parent must come before its children.
pub async fn upsert_categories(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[CategoryRow],
    now: i64,
) -> Result<(), DbError> {
    let values: Vec<Vec<Value>> = rows
        .iter()
        .map(|c| {
            vec![
                account_id.into(),
                c.id.into(),
                c.ref_code.as_str().into(),
                c.name.as_str().into(),
                c.parent_id.into(),
                i64::from(c.deleted).into(),
                now.into(),
                now.into(),
            ]
        })
        .collect();
    batch::legacy_insert(
        tx,
        "INSERT INTO categories (account_id, id, ref_code, name, parent_id, deleted, created_at, updated_at)",
        &values,
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
    shop_id: i64,
    product_ids: &[i64],
) -> Result<HashMap<i64, i64>, DbError> {
    let mut found = HashMap::new();
    let keys: Vec<Value> = product_ids.iter().map(|&id| Value::from(id)).collect();
    let query = batch::LegacyLookup {
        columns: "p.product_id, p.storage_id",
        from: "product_prices p",
        condition: "p.account_id = $1 AND p.shop_id = $2 AND p.storage_id IS NOT NULL",
        key: "p.product_id",
    };
    batch::legacy_lookup(
        tx,
        &query,
        &[account_id.into(), shop_id.into()],
        &keys,
        |r| {
            found.insert(r.int(0)?, r.int(1)?);
            Ok(())
        },
    )
    .await?;
    Ok(found)
}
