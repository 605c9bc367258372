//! Queries on incoming invoices and their lines.

use super::batch;
use super::{Db, DbError, Row, Tx, Value};
use crate::domain::ids::AccountId;

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
    account_id: AccountId,
    invoice: &NewInvoice,
    items: &[NewItem],
    now: i64,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO invoices (account_id, id, number, doc_date, comment, declared_sum, shipper_id, storage_id, \
         created_at, created_by, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10)",
        &[
            account_id.into(),
            invoice.id.into(),
            invoice.number.as_str().into(),
            invoice.doc_date.into(),
            invoice.comment.as_str().into(),
            invoice.declared_sum.into(),
            invoice.shipper_id.into(),
            invoice.storage_id.into(),
            now.into(),
            invoice.by.into(),
        ],
    )
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
    batch::legacy_insert(
        tx,
        "INSERT INTO invoice_items (account_id, invoice_id, line_no, product_id, package_id, amount, qty, price, \
         tax_id, cost, cost_with_tax)",
        &rows,
        "",
    )
    .await
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

pub async fn stock_lines(
    tx: &mut Tx,
    account_id: AccountId,
    id: i64,
) -> Result<Vec<StockLine>, DbError> {
    let rows = tx
        .fetch_all(
            "SELECT i.line_no, v.storage_id, i.product_id, v.doc_date, i.qty, i.cost FROM invoice_items i \
             JOIN invoices v ON v.account_id = i.account_id AND v.id = i.invoice_id \
             WHERE i.account_id = $1 AND i.invoice_id = $2 ORDER BY i.line_no",
            &[account_id.into(), id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(StockLine {
                line_no: r.int(0)?,
                storage_id: r.int(1)?,
                product_id: r.int(2)?,
                doc_date: r.int(3)?,
                qty: r.int(4)?,
                cost: r.int(5)?,
            })
        })
        .collect()
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

/// How the headers are read (see [`super::documents::Headers`]).
pub const HEADERS: super::documents::Headers<InvoiceRow> = super::documents::Headers {
    select: HEADER_SELECT,
    alias: "v",
    map: header,
};

const HEADER_SELECT: &str = "SELECT v.id, v.number, v.doc_date, v.wired, v.paid, v.created_at, v.created_by, \
     v.updated_at, v.updated_by, v.storage_id, s.name, sh.id, sh.ref_code, sh.name, sh.created_at, sh.deleted, \
     CAST(COALESCE((SELECT SUM(i.amount) FROM invoice_items i WHERE i.account_id = v.account_id AND i.invoice_id = v.id), 0) AS BIGINT), \
     CAST(COALESCE((SELECT SUM(i.cost) FROM invoice_items i WHERE i.account_id = v.account_id AND i.invoice_id = v.id), 0) AS BIGINT), \
     CAST(COALESCE((SELECT SUM(i.cost_with_tax) FROM invoice_items i WHERE i.account_id = v.account_id AND i.invoice_id = v.id), 0) AS BIGINT) \
     FROM invoices v JOIN storages s ON s.account_id = v.account_id AND s.id = v.storage_id \
     LEFT JOIN shippers sh ON sh.account_id = v.account_id AND sh.id = v.shipper_id";

fn header(row: &Row) -> Result<InvoiceRow, DbError> {
    let shipper = match row.opt_int(11)? {
        Some(id) => Some(ShipperRow {
            id,
            ref_code: row.text(12)?,
            name: row.text(13)?,
            created_at: row.int(14)?,
            deleted: row.flag(15)?,
        }),
        None => None,
    };
    Ok(InvoiceRow {
        id: row.int(0)?,
        number: row.text(1)?,
        doc_date: row.int(2)?,
        wired: row.flag(3)?,
        paid: row.flag(4)?,
        created_at: row.int(5)?,
        created_by: row.int(6)?,
        updated_at: row.int(7)?,
        updated_by: row.int(8)?,
        storage_id: row.int(9)?,
        storage_name: row.text(10)?,
        shipper,
        total_amount: row.int(16)?,
        total_cost: row.int(17)?,
        total_cost_with_tax: row.int(18)?,
    })
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

pub async fn items(db: &Db, account_id: AccountId, id: i64) -> Result<Vec<ItemRow>, DbError> {
    let rows = db
        .read()
        .await
        .fetch_all(
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
            &[account_id.into(), id.into()],
        )
        .await?;
    rows.iter().map(item).collect()
}

fn item(r: &Row) -> Result<ItemRow, DbError> {
    Ok(ItemRow {
        amount: r.int(0)?,
        price: r.int(1)?,
        cost: r.int(2)?,
        cost_with_tax: r.int(3)?,
        tax_id: r.opt_int(4)?,
        package: PackageOut {
            id: r.int(5)?,
            ref_code: r.text(6)?,
            name: r.text(7)?,
            measure: r.text(8)?,
            value: r.int(9)?,
            deleted: r.flag(10)?,
            hidden: r.flag(11)?,
        },
        product: ProductOut {
            id: r.int(12)?,
            ref_code: r.text(13)?,
            name: r.text(14)?,
            cancellation_type: r.int(15)?,
            measure: r.text(16)?,
            category_id: r.opt_int(17)?,
            category_ref_code: r.opt_text(18)?,
            workspace_id: r.opt_int(19)?,
            created_at: r.int(20)?,
            updated_at: r.int(21)?,
            use_discounts: r.flag(22)?,
            code: r.text(23)?,
            active: r.flag(24)?,
            country: r.text(25)?,
            has_gmo: r.flag(26)?,
            free_price: r.flag(27)?,
            weight_in_gram: r.int(28)?,
            entity_type: r.text(29)?,
        },
    })
}
