//! Queries on incoming invoices and their lines.

use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::batch::{self, Value};
use super::{DbError, Tx};

/// An invoice header to insert.
pub struct NewInvoice {
    pub id: i64,
    pub number: String,
    pub doc_date: i64,
    pub comment: String,
    pub declared_sum: Option<i64>,
    pub shipper_id: Option<i64>,
    pub storage_id: i64,
    pub by: i64,
}

/// An invoice line to insert (decimals in storage units).
pub struct NewItem {
    pub product_id: i64,
    pub package_id: i64,
    pub amount: i64,
    pub qty: i64,
    pub price: i64,
    pub tax_id: Option<i64>,
    pub cost: i64,
    pub cost_with_tax: i64,
}

pub async fn insert(
    tx: &mut Tx,
    account_id: i64,
    invoice: &NewInvoice,
    items: &[NewItem],
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO invoices (account_id, id, number, doc_date, comment, declared_sum, shipper_id, storage_id, \
         created_at, created_by, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10)",
    )
    .bind(account_id)
    .bind(invoice.id)
    .bind(invoice.number.as_str())
    .bind(invoice.doc_date)
    .bind(invoice.comment.as_str())
    .bind(invoice.declared_sum)
    .bind(invoice.shipper_id)
    .bind(invoice.storage_id)
    .bind(now)
    .bind(invoice.by)
    .execute(&mut **tx)
    .await?;
    let rows: Vec<Vec<Value>> = items
        .iter()
        .enumerate()
        .map(|(line, item)| {
            vec![
                account_id.into(),
                invoice.id.into(),
                (line as i64 + 1).into(),
                item.product_id.into(),
                item.package_id.into(),
                item.amount.into(),
                item.qty.into(),
                item.price.into(),
                item.tax_id.into(),
                item.cost.into(),
                item.cost_with_tax.into(),
            ]
        })
        .collect();
    batch::insert(
        tx,
        "INSERT INTO invoice_items (account_id, invoice_id, line_no, product_id, package_id, amount, qty, price, \
         tax_id, cost, cost_with_tax)",
        &rows,
        "",
    )
    .await
}

/// Sets the wired flag from `!wired` to `wired`; false when the invoice was not in that state
/// (or does not exist). The conditional update is what makes concurrent wires safe: the row
/// lock lets exactly one of them change it.
pub async fn set_wired(
    tx: &mut Tx,
    account_id: i64,
    id: i64,
    wired: bool,
    by: i64,
    now: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE invoices SET wired = $3, updated_at = $4, updated_by = $5 WHERE account_id = $1 AND id = $2 AND wired = 1 - $3",
    )
    .bind(account_id)
    .bind(id)
    .bind(i64::from(wired))
    .bind(now)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn exists(tx: &mut Tx, account_id: i64, id: i64) -> Result<bool, DbError> {
    let row = sqlx::query("SELECT 1 FROM invoices WHERE account_id = $1 AND id = $2")
        .bind(account_id)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.is_some())
}

/// What wiring an invoice moves: per line, storage, product, base quantity and value.
pub struct StockLine {
    pub line_no: i64,
    pub storage_id: i64,
    pub product_id: i64,
    pub doc_date: i64,
    pub qty: i64,
    pub cost: i64,
}

pub async fn stock_lines(tx: &mut Tx, account_id: i64, id: i64) -> Result<Vec<StockLine>, DbError> {
    let rows = sqlx::query(
        "SELECT i.line_no, v.storage_id, i.product_id, v.doc_date, i.qty, i.cost FROM invoice_items i \
         JOIN invoices v ON v.account_id = i.account_id AND v.id = i.invoice_id \
         WHERE i.account_id = $1 AND i.invoice_id = $2 ORDER BY i.line_no",
    )
    .bind(account_id)
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StockLine {
            line_no: r.get(0),
            storage_id: r.get(1),
            product_id: r.get(2),
            doc_date: r.get(3),
            qty: r.get(4),
            cost: r.get(5),
        })
        .collect())
}

/// An invoice header with its storage and shipper and its totals.
#[derive(Debug, Clone)]
pub struct InvoiceRow {
    pub id: i64,
    pub number: String,
    pub doc_date: i64,
    pub wired: bool,
    pub paid: bool,
    pub created_at: i64,
    pub created_by: i64,
    pub updated_at: i64,
    pub updated_by: i64,
    pub storage_id: i64,
    pub storage_name: String,
    pub shipper: Option<ShipperRow>,
    pub total_amount: i64,
    pub total_cost: i64,
    pub total_cost_with_tax: i64,
}

#[derive(Debug, Clone)]
pub struct ShipperRow {
    pub id: i64,
    pub ref_code: String,
    pub name: String,
    pub created_at: i64,
    pub deleted: bool,
}

const HEADER_SELECT: &str = "SELECT v.id, v.number, v.doc_date, v.wired, v.paid, v.created_at, v.created_by, \
     v.updated_at, v.updated_by, v.storage_id, s.name, sh.id, sh.ref_code, sh.name, sh.created_at, sh.deleted, \
     CAST(COALESCE((SELECT SUM(i.amount) FROM invoice_items i WHERE i.account_id = v.account_id AND i.invoice_id = v.id), 0) AS BIGINT), \
     CAST(COALESCE((SELECT SUM(i.cost) FROM invoice_items i WHERE i.account_id = v.account_id AND i.invoice_id = v.id), 0) AS BIGINT), \
     CAST(COALESCE((SELECT SUM(i.cost_with_tax) FROM invoice_items i WHERE i.account_id = v.account_id AND i.invoice_id = v.id), 0) AS BIGINT) \
     FROM invoices v JOIN storages s ON s.account_id = v.account_id AND s.id = v.storage_id \
     LEFT JOIN shippers sh ON sh.account_id = v.account_id AND sh.id = v.shipper_id";

fn header(row: &AnyRow) -> InvoiceRow {
    let shipper_id: Option<i64> = row.get(11);
    InvoiceRow {
        id: row.get(0),
        number: row.get(1),
        doc_date: row.get(2),
        wired: row.get::<i64, _>(3) != 0,
        paid: row.get::<i64, _>(4) != 0,
        created_at: row.get(5),
        created_by: row.get(6),
        updated_at: row.get(7),
        updated_by: row.get(8),
        storage_id: row.get(9),
        storage_name: row.get(10),
        shipper: shipper_id.map(|id| ShipperRow {
            id,
            ref_code: row.get(12),
            name: row.get(13),
            created_at: row.get(14),
            deleted: row.get::<i64, _>(15) != 0,
        }),
        total_amount: row.get(16),
        total_cost: row.get(17),
        total_cost_with_tax: row.get(18),
    }
}

pub async fn find(pool: &AnyPool, account_id: i64, id: i64) -> Result<Option<InvoiceRow>, DbError> {
    let sql = format!("{HEADER_SELECT} WHERE v.account_id = $1 AND v.id = $2");
    let row = sqlx::query(&sql)
        .bind(account_id)
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.as_ref().map(header))
}

/// Invoices dated in `[from, to)`, by date then id.
pub async fn list(
    pool: &AnyPool,
    account_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<InvoiceRow>, DbError> {
    let sql = format!("{HEADER_SELECT} WHERE v.account_id = $1 AND v.doc_date >= $2 AND v.doc_date < $3 ORDER BY v.doc_date, v.id");
    let rows = sqlx::query(&sql)
        .bind(account_id)
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await?;
    Ok(rows.iter().map(header).collect())
}

/// An invoice line with its package, product and the product's category and workspace.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub amount: i64,
    pub price: i64,
    pub cost: i64,
    pub cost_with_tax: i64,
    pub tax_id: Option<i64>,
    pub package: PackageOut,
    pub product: ProductOut,
}

#[derive(Debug, Clone)]
pub struct PackageOut {
    pub id: i64,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
    pub value: i64,
    pub deleted: bool,
    pub hidden: bool,
}

/// A product's columns as the API shows them.
#[derive(Debug, Clone)]
pub struct ProductOut {
    pub id: i64,
    pub ref_code: String,
    pub name: String,
    pub cancellation_type: i64,
    pub measure: String,
    pub category_id: Option<i64>,
    pub category_ref_code: Option<String>,
    pub workspace_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub use_discounts: bool,
    pub code: String,
    pub active: bool,
    pub country: String,
    pub has_gmo: bool,
    pub free_price: bool,
    pub weight_in_gram: i64,
    pub entity_type: String,
}

pub async fn items(pool: &AnyPool, account_id: i64, id: i64) -> Result<Vec<ItemRow>, DbError> {
    let rows = sqlx::query(
        "SELECT i.amount, i.price, i.cost, i.cost_with_tax, i.tax_id, \
         k.id, k.ref_code, k.name, k.measure, k.value, k.deleted, k.hidden, \
         p.id, p.ref_code, p.name, p.cancellation_type, p.measure, p.category_id, c.ref_code, p.workspace_id, \
         p.created_at, p.updated_at, p.use_discounts, p.code, p.active, p.country, p.has_gmo, p.free_price, \
         p.weight_in_gram, p.entity_type \
         FROM invoice_items i \
         JOIN packages k ON k.account_id = i.account_id AND k.id = i.package_id \
         JOIN products p ON p.account_id = i.account_id AND p.id = i.product_id \
         LEFT JOIN categories c ON c.account_id = p.account_id AND c.id = p.category_id \
         WHERE i.account_id = $1 AND i.invoice_id = $2 ORDER BY i.line_no",
    )
    .bind(account_id)
    .bind(id)
    .fetch_all(pool)
    .await?;
    let flag = |row: &AnyRow, i: usize| row.get::<i64, _>(i) != 0;
    Ok(rows
        .iter()
        .map(|r| ItemRow {
            amount: r.get(0),
            price: r.get(1),
            cost: r.get(2),
            cost_with_tax: r.get(3),
            tax_id: r.get(4),
            package: PackageOut {
                id: r.get(5),
                ref_code: r.get(6),
                name: r.get(7),
                measure: r.get(8),
                value: r.get(9),
                deleted: flag(r, 10),
                hidden: flag(r, 11),
            },
            product: ProductOut {
                id: r.get(12),
                ref_code: r.get(13),
                name: r.get(14),
                cancellation_type: r.get(15),
                measure: r.get(16),
                category_id: r.get(17),
                category_ref_code: r.get(18),
                workspace_id: r.get(19),
                created_at: r.get(20),
                updated_at: r.get(21),
                use_discounts: flag(r, 22),
                code: r.get(23),
                active: flag(r, 24),
                country: r.get(25),
                has_gmo: flag(r, 26),
                free_price: flag(r, 27),
                weight_in_gram: r.get(28),
                entity_type: r.get(29),
            },
        })
        .collect())
}
