//! Queries on the catalog objects found or created by `ref_code`: packages, categories,
//! workspaces, shippers, products and their prices per shop.

use std::collections::{HashMap, HashSet};

use super::batch;
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
}

/// Rows per `IN (…)` lookup.
const LOOKUP_CHUNK: usize = 500;

/// Runs `SELECT {columns} FROM {table} WHERE account_id = $1 AND ref_code IN (…)` over `codes`
/// in chunks, handing each row to `each`.
async fn by_codes(
    tx: &mut Tx,
    columns: &str,
    table: &str,
    account_id: i64,
    codes: &[String],
    mut each: impl FnMut(&Row) -> Result<(), DbError>,
) -> Result<(), DbError> {
    let unique: Vec<&String> = codes.iter().collect::<HashSet<_>>().into_iter().collect();
    for chunk in unique.chunks(LOOKUP_CHUNK) {
        let sql = format!(
            "SELECT {columns} FROM {table} WHERE account_id = $1 AND ref_code IN ({})",
            batch::list_placeholders(chunk.len(), 2)
        );
        let mut params: Vec<Value> = vec![account_id.into()];
        params.extend(chunk.iter().map(|code| Value::from(code.as_str())));
        for row in tx.fetch_all(&sql, &params).await? {
            each(&row)?;
        }
    }
    Ok(())
}

/// Ids of the rows of `table` with these codes.
pub async fn ids_by_code(
    tx: &mut Tx,
    table: Coded,
    account_id: i64,
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
    account_id: i64,
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
    account_id: i64,
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

pub async fn insert_packages(
    tx: &mut Tx,
    account_id: i64,
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
    batch::insert(tx, "INSERT INTO packages (account_id, id, ref_code, name, measure, value, hidden, created_at, updated_at)", &values, "").await
}

/// A category, workspace or shipper to insert (`parent_id` for categories only).
pub struct NewCoded {
    pub id: i64,
    pub ref_code: String,
    pub name: String,
    pub parent_id: Option<i64>,
}

pub async fn insert_coded(
    tx: &mut Tx,
    table: Coded,
    account_id: i64,
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
    batch::insert(tx, &head, &values, "").await
}

/// A product to insert, its fields already checked.
pub struct NewProduct {
    pub id: i64,
    pub ref_code: String,
    pub name: String,
    pub entity_type: &'static str,
    pub cancellation_type: i64,
    pub for_sale: bool,
    pub measure: &'static str,
    pub barcode: String,
    pub country: String,
    pub weight_in_gram: i64,
    pub tax_id: Option<i64>,
    pub category_id: Option<i64>,
    pub workspace_id: Option<i64>,
    pub use_discounts: bool,
}

pub async fn insert_products(
    tx: &mut Tx,
    account_id: i64,
    rows: &[NewProduct],
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
                p.entity_type.into(),
                p.cancellation_type.into(),
                i64::from(p.for_sale).into(),
                p.measure.into(),
                p.barcode.as_str().into(),
                p.country.as_str().into(),
                p.weight_in_gram.into(),
                p.tax_id.into(),
                p.category_id.into(),
                p.workspace_id.into(),
                i64::from(p.use_discounts).into(),
                now.into(),
                now.into(),
            ]
        })
        .collect();
    batch::insert(
        tx,
        "INSERT INTO products (account_id, id, ref_code, name, entity_type, cancellation_type, for_sale, measure, \
         barcode, country, weight_in_gram, tax_id, category_id, workspace_id, use_discounts, created_at, updated_at)",
        &values,
        "",
    )
    .await
}

/// A product's price at a shop and the storage its sales there write off from.
pub struct NewPrice {
    pub product_id: i64,
    pub shop_id: i64,
    pub storage_id: Option<i64>,
    pub price_units: i64,
}

/// Sets prices, replacing an earlier price of the same product at the same shop.
pub async fn upsert_prices(
    tx: &mut Tx,
    account_id: i64,
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
                now.into(),
            ]
        })
        .collect();
    batch::insert(
        tx,
        "INSERT INTO product_prices (account_id, product_id, shop_id, storage_id, price, updated_at)",
        &values,
        "ON CONFLICT (account_id, product_id, shop_id) DO UPDATE SET storage_id = excluded.storage_id, \
         price = excluded.price, updated_at = excluded.updated_at",
    )
    .await
}

/// The account's live taxes: id → rate in percent.
pub async fn tax_rates(
    tx: &mut Tx,
    account_id: i64,
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
