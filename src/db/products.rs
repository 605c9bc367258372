//! Queries on whole products: read by id or `ref_code` (the products API, the menu import's
//! comparison), and written in batches, either inserted (invoices, creation) or upserted (the
//! menu import, updates).

use crate::domain::ids::AccountId;
use std::collections::HashMap;

use super::batch;
use super::{Db, DbError, Row, Tx, Value};

/// A product's card as stored; decimals in storage units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductRow {
    pub id: i64,
    pub ref_code: String,
    pub name: String,
    pub entity_type: String,
    pub cancellation_type: i64,
    pub for_sale: bool,
    pub measure: String,
    pub barcode: String,
    pub country: String,
    pub weight_in_gram: i64,
    pub tax_id: Option<i64>,
    pub category_id: Option<i64>,
    pub workspace_id: Option<i64>,
    pub use_discounts: bool,
    pub has_gmo: bool,
    pub free_price: bool,
    pub description: String,
    pub deleted: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

const SELECT: &str = "SELECT id, ref_code, name, entity_type, cancellation_type, for_sale, measure, barcode, \
     country, weight_in_gram, tax_id, category_id, workspace_id, use_discounts, has_gmo, free_price, description, \
     deleted, created_at, updated_at FROM products";

fn product(r: &Row) -> Result<ProductRow, DbError> {
    Ok(ProductRow {
        id: r.int(0)?,
        ref_code: r.text(1)?,
        name: r.text(2)?,
        entity_type: r.text(3)?,
        cancellation_type: r.int(4)?,
        for_sale: r.flag(5)?,
        measure: r.text(6)?,
        barcode: r.text(7)?,
        country: r.text(8)?,
        weight_in_gram: r.int(9)?,
        tax_id: r.opt_int(10)?,
        category_id: r.opt_int(11)?,
        workspace_id: r.opt_int(12)?,
        use_discounts: r.flag(13)?,
        has_gmo: r.flag(14)?,
        free_price: r.flag(15)?,
        description: r.text(16)?,
        deleted: r.flag(17)?,
        created_at: r.int(18)?,
        updated_at: r.int(19)?,
    })
}

/// How a product is looked up.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    Id(i64),
    RefCode(&'a str),
}

impl Key<'_> {
    fn condition(&self) -> (&'static str, Value) {
        match *self {
            Key::Id(id) => ("id = $2", id.into()),
            Key::RefCode(code) => ("ref_code = $2", code.into()),
        }
    }
}

pub async fn find(
    db: &Db,
    account_id: AccountId,
    key: Key<'_>,
) -> Result<Option<ProductRow>, DbError> {
    let (condition, value) = key.condition();
    let sql = format!("{SELECT} WHERE account_id = $1 AND {condition}");
    let row = db
        .read()
        .await
        .fetch_optional(&sql, &[account_id.into(), value])
        .await?;
    row.as_ref().map(product).transpose()
}

/// Like [`find`], inside a write transaction.
pub async fn find_in(
    tx: &mut Tx,
    account_id: AccountId,
    key: Key<'_>,
) -> Result<Option<ProductRow>, DbError> {
    let (condition, value) = key.condition();
    let sql = format!("{SELECT} WHERE account_id = $1 AND {condition}");
    let row = tx.fetch_optional(&sql, &[account_id.into(), value]).await?;
    row.as_ref().map(product).transpose()
}

/// Every product of the account, by `ref_code`.
pub async fn all_by_code(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<HashMap<String, ProductRow>, DbError> {
    let sql = format!("{SELECT} WHERE account_id = $1");
    tx.fetch_all(&sql, &[account_id.into()])
        .await?
        .iter()
        .map(|r| product(r).map(|p| (p.ref_code.clone(), p)))
        .collect()
}

/// A product to write, its fields already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub description: String,
    pub deleted: bool,
}

impl NewProduct {
    /// Whether writing this over `row` would change nothing.
    pub fn same_as(&self, row: &ProductRow) -> bool {
        self.ref_code == row.ref_code
            && self.name == row.name
            && self.entity_type == row.entity_type
            && self.cancellation_type == row.cancellation_type
            && self.for_sale == row.for_sale
            && self.measure == row.measure
            && self.barcode == row.barcode
            && self.country == row.country
            && self.weight_in_gram == row.weight_in_gram
            && self.tax_id == row.tax_id
            && self.category_id == row.category_id
            && self.workspace_id == row.workspace_id
            && self.use_discounts == row.use_discounts
            && self.description == row.description
            && self.deleted == row.deleted
    }
}

const COLUMNS: &str = "INSERT INTO products (account_id, id, ref_code, name, entity_type, cancellation_type, \
     for_sale, measure, barcode, country, weight_in_gram, tax_id, category_id, workspace_id, use_discounts, \
     description, deleted, created_at, updated_at)";

/// An existing id keeps its `created_at` and takes everything else.
const UPSERT: &str = "ON CONFLICT (account_id, id) DO UPDATE SET ref_code = excluded.ref_code, \
     name = excluded.name, entity_type = excluded.entity_type, cancellation_type = excluded.cancellation_type, \
     for_sale = excluded.for_sale, measure = excluded.measure, barcode = excluded.barcode, \
     country = excluded.country, weight_in_gram = excluded.weight_in_gram, tax_id = excluded.tax_id, \
     category_id = excluded.category_id, workspace_id = excluded.workspace_id, \
     use_discounts = excluded.use_discounts, description = excluded.description, deleted = excluded.deleted, \
     updated_at = excluded.updated_at";

/// Inserts products; an id or `ref_code` that exists is a unique violation.
pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[NewProduct],
    now: i64,
) -> Result<(), DbError> {
    batch::legacy_insert(tx, COLUMNS, &values(account_id, rows, now), "").await?;
    if !rows.is_empty() {
        super::marks::bump(tx, account_id, super::marks::Section::Products);
    }
    Ok(())
}

/// Inserts products found missing by `ref_code`; a code that exists by now is skipped
/// (find-or-create: the caller reads the codes back).
pub async fn insert_missing(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[NewProduct],
    now: i64,
) -> Result<(), DbError> {
    let values = values(account_id, rows, now);
    batch::legacy_insert(tx, COLUMNS, &values, super::catalog::SKIP_EXISTING_CODE).await?;
    if !rows.is_empty() {
        super::marks::bump(tx, account_id, super::marks::Section::Products);
    }
    Ok(())
}

/// Inserts new products and overwrites existing ones (by id).
pub async fn upsert(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[NewProduct],
    now: i64,
) -> Result<(), DbError> {
    batch::legacy_insert(tx, COLUMNS, &values(account_id, rows, now), UPSERT).await?;
    if !rows.is_empty() {
        super::marks::bump(tx, account_id, super::marks::Section::Products);
    }
    Ok(())
}

fn values(account_id: AccountId, rows: &[NewProduct], now: i64) -> Vec<Vec<Value>> {
    rows.iter()
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
                p.description.as_str().into(),
                i64::from(p.deleted).into(),
                now.into(),
                now.into(),
            ]
        })
        .collect()
}

/// The cancellation type code of each of these products that exists.
pub async fn cancellations(
    tx: &mut Tx,
    account_id: AccountId,
    product_ids: &[i64],
) -> Result<HashMap<i64, i64>, DbError> {
    column_by_id(tx, account_id, product_ids, "p.cancellation_type").await
}

/// The workspace of each of these products that has one.
pub async fn workspaces(
    tx: &mut Tx,
    account_id: AccountId,
    product_ids: &[i64],
) -> Result<HashMap<i64, i64>, DbError> {
    column_by_id(tx, account_id, product_ids, "p.workspace_id").await
}

/// An integer `column` of each of these products where it is set, by id.
async fn column_by_id(
    tx: &mut Tx,
    account_id: AccountId,
    product_ids: &[i64],
    column: &str,
) -> Result<HashMap<i64, i64>, DbError> {
    let mut found = HashMap::new();
    let keys: Vec<Value> = product_ids.iter().map(|&id| Value::from(id)).collect();
    let columns = format!("p.id, {column}");
    let condition = format!("p.account_id = $1 AND {column} IS NOT NULL");
    let query = batch::LegacyLookup {
        columns: &columns,
        from: "products p",
        condition: &condition,
        key: "p.id",
    };
    batch::legacy_lookup(tx, &query, &[account_id.into()], &keys, |r| {
        found.insert(r.int(0)?, r.int(1)?);
        Ok(())
    })
    .await?;
    Ok(found)
}
