//! Queries on whole products: read by id or `ref_code` (the products API, the menu import's
//! comparison), and written in batches, either inserted (invoices, creation) or upserted (the
//! menu import, updates).

use std::collections::HashMap;

use super::batch::{self, Record};
use super::{Column, Db, DbError, Query, Row, Tx, Value};
use crate::domain::ids::{AccountId, CategoryId, ProductId, TaxId, WorkspaceId};
use crate::domain::product::{CancellationType, EntityType, Measure};
use crate::{from_row, params, record};

fn corrupt(column: &'static str, value: &impl ToString) -> DbError {
    DbError::Corrupt {
        column,
        value: value.to_string(),
    }
}

/// Stored as its word.
impl Column for EntityType {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        let word: String = row.get(name)?;
        EntityType::parse(&word).ok_or_else(|| corrupt("products.entity_type", &word))
    }
}

/// Stored as its word (`pcs`, `kg`, `l`).
impl Column for Measure {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        let word: String = row.get(name)?;
        Measure::parse(&word).ok_or_else(|| corrupt("products.measure", &word))
    }
}

/// Stored as its code (0, 1, 2).
impl Column for CancellationType {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        let code: i64 = row.get(name)?;
        CancellationType::from_code(code)
            .ok_or_else(|| corrupt("products.cancellation_type", &code))
    }
}

/// A product's card as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent product flags, as the API and the table name them"
)]
pub struct ProductRow {
    pub id: ProductId,
    pub ref_code: String,
    pub name: String,
    pub entity_type: EntityType,
    pub cancellation_type: CancellationType,
    pub for_sale: bool,
    pub measure: Measure,
    pub barcode: String,
    pub country: String,
    pub weight_in_gram: i64,
    pub tax_id: Option<TaxId>,
    pub category_id: Option<CategoryId>,
    pub workspace_id: Option<WorkspaceId>,
    pub use_discounts: bool,
    pub has_gmo: bool,
    pub free_price: bool,
    pub description: String,
    pub deleted: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

from_row!(ProductRow {
    id,
    ref_code,
    name,
    entity_type,
    cancellation_type,
    for_sale,
    measure,
    barcode,
    country,
    weight_in_gram,
    tax_id,
    category_id,
    workspace_id,
    use_discounts,
    has_gmo,
    free_price,
    description,
    deleted,
    created_at,
    updated_at
});

/// `SELECT` of a [`ProductRow`], followed by a condition.
macro_rules! select_product {
    ($condition:literal) => {
        concat!(
            "SELECT id, ref_code, name, entity_type, cancellation_type, for_sale, measure, barcode, \
             country, weight_in_gram, tax_id, category_id, workspace_id, use_discounts, has_gmo, \
             free_price, description, deleted, created_at, updated_at FROM products WHERE ",
            $condition
        )
    };
}

/// How a product is looked up.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    Id(ProductId),
    RefCode(&'a str),
}

/// The product `key` names, through `q` (a reader or a transaction).
pub async fn find_with(
    q: &mut impl Query,
    account_id: AccountId,
    key: Key<'_>,
) -> Result<Option<ProductRow>, DbError> {
    match key {
        Key::Id(id) => {
            q.optional(
                select_product!("account_id = :account_id AND id = :id"),
                params! { account_id, id },
            )
            .await
        }
        Key::RefCode(code) => {
            q.optional(
                select_product!("account_id = :account_id AND ref_code = :code"),
                params! { account_id, code },
            )
            .await
        }
    }
}

pub async fn find(
    db: &Db,
    account_id: AccountId,
    key: Key<'_>,
) -> Result<Option<ProductRow>, DbError> {
    find_with(&mut db.read().await, account_id, key).await
}

/// Like [`find`], inside a write transaction.
pub async fn find_in(
    tx: &mut Tx,
    account_id: AccountId,
    key: Key<'_>,
) -> Result<Option<ProductRow>, DbError> {
    find_with(tx, account_id, key).await
}

/// Every product of the account, by `ref_code`.
pub async fn all_by_code(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<HashMap<String, ProductRow>, DbError> {
    let rows: Vec<ProductRow> = tx
        .all(
            select_product!("account_id = :account_id"),
            params! { account_id },
        )
        .await?;
    Ok(rows.into_iter().map(|p| (p.ref_code.clone(), p)).collect())
}

/// A product to write, its fields already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProduct {
    pub id: ProductId,
    pub ref_code: String,
    pub name: String,
    pub entity_type: EntityType,
    pub cancellation_type: CancellationType,
    pub for_sale: bool,
    pub measure: Measure,
    pub barcode: String,
    pub country: String,
    pub weight_in_gram: i64,
    pub tax_id: Option<TaxId>,
    pub category_id: Option<CategoryId>,
    pub workspace_id: Option<WorkspaceId>,
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
    write(tx, account_id, rows, now, "").await
}

/// Inserts products found missing by `ref_code`; a code that exists by now is skipped
/// (find-or-create: the caller reads the codes back).
pub async fn insert_missing(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[NewProduct],
    now: i64,
) -> Result<(), DbError> {
    write(
        tx,
        account_id,
        rows,
        now,
        super::catalog::SKIP_EXISTING_CODE,
    )
    .await
}

/// Inserts new products and overwrites existing ones (by id).
pub async fn upsert(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[NewProduct],
    now: i64,
) -> Result<(), DbError> {
    write(tx, account_id, rows, now, UPSERT).await
}

async fn write(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[NewProduct],
    now: i64,
    tail: &str,
) -> Result<(), DbError> {
    let records: Vec<Record> = rows
        .iter()
        .map(|p| {
            record! {
                account_id,
                id: p.id,
                ref_code: p.ref_code.as_str(),
                name: p.name.as_str(),
                entity_type: p.entity_type.as_str(),
                cancellation_type: p.cancellation_type.code(),
                for_sale: p.for_sale,
                measure: p.measure.as_str(),
                barcode: p.barcode.as_str(),
                country: p.country.as_str(),
                weight_in_gram: p.weight_in_gram,
                tax_id: p.tax_id,
                category_id: p.category_id,
                workspace_id: p.workspace_id,
                use_discounts: p.use_discounts,
                description: p.description.as_str(),
                deleted: p.deleted,
                created_at: now,
                updated_at: now,
            }
        })
        .collect();
    batch::insert(tx, "products", &records, tail).await?;
    if !rows.is_empty() {
        super::marks::bump(tx, account_id, super::marks::Section::Products);
    }
    Ok(())
}

/// The cancellation type of each of these products that exists.
pub async fn cancellations(
    tx: &mut Tx,
    account_id: AccountId,
    product_ids: &[ProductId],
) -> Result<HashMap<ProductId, CancellationType>, DbError> {
    let mut found = HashMap::with_capacity(product_ids.len());
    let keys: Vec<Value> = product_ids.iter().map(|&id| Value::from(id)).collect();
    let query = batch::Lookup {
        columns: "p.id, p.cancellation_type",
        from: "products p",
        condition: "p.account_id = :account_id",
        key: "p.id",
    };
    batch::lookup(tx, &query, params! { account_id }, &keys, |r| {
        found.insert(r.get("id")?, r.get("cancellation_type")?);
        Ok(())
    })
    .await?;
    Ok(found)
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
    let columns = format!("p.id, {column} AS value");
    let condition = format!("p.account_id = :account_id AND {column} IS NOT NULL");
    let query = batch::Lookup {
        columns: &columns,
        from: "products p",
        condition: &condition,
        key: "p.id",
    };
    batch::lookup(tx, &query, params! { account_id }, &keys, |r| {
        found.insert(r.get("id")?, r.get("value")?);
        Ok(())
    })
    .await?;
    Ok(found)
}
