//! Queries on incoming invoices and their lines.

use super::batch;
use super::documents::Table;
use super::{Db, DbError, FromRow, Query, Row, Tx};
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::ids::{
    AccountId, CategoryId, InvoiceId, PackageId, ProductId, ShipperId, StorageId, TaxId,
    WorkspaceId,
};
use crate::{from_row, params, record};

/// An invoice header to insert.
pub struct NewInvoice {
    pub id: InvoiceId,
    pub number: String,
    pub doc_date: i64,
    pub comment: String,
    pub declared_sum: Option<Money>,
    pub shipper_id: Option<ShipperId>,
    pub storage_id: StorageId,
    pub by: i64,
}

/// An invoice line to insert.
pub struct NewItem {
    pub product_id: ProductId,
    pub package_id: PackageId,
    /// Number of packages.
    pub amount: Qty,
    /// Quantity in the product's base measure.
    pub qty: Qty,
    pub price: UnitCost,
    pub tax_id: Option<TaxId>,
    pub cost: Money,
    pub cost_with_tax: Money,
}

pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    invoice: &NewInvoice,
    items: &[NewItem],
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO invoices (account_id, id, number, doc_date, comment, declared_sum, shipper_id, storage_id, \
         created_at, created_by, updated_at, updated_by) VALUES (:account_id, :id, :number, :doc_date, :comment, \
         :declared_sum, :shipper_id, :storage_id, :now, :by, :now, :by)",
        params! {
            account_id,
            id: invoice.id,
            number: invoice.number.as_str(),
            doc_date: invoice.doc_date,
            comment: invoice.comment.as_str(),
            declared_sum: invoice.declared_sum,
            shipper_id: invoice.shipper_id,
            storage_id: invoice.storage_id,
            now,
            by: invoice.by,
        },
    )
    .await?;
    let rows: Vec<batch::Record> = items
        .iter()
        .enumerate()
        .map(|(line, item)| {
            record! {
                account_id,
                invoice_id: invoice.id,
                line_no: i64::try_from(line + 1).unwrap_or(i64::MAX),
                product_id: item.product_id,
                package_id: item.package_id,
                amount: item.amount,
                qty: item.qty,
                price: item.price,
                tax_id: item.tax_id,
                cost: item.cost,
                cost_with_tax: item.cost_with_tax,
            }
        })
        .collect();
    batch::insert(tx, "invoice_items", &rows, "").await
}

/// What wiring an invoice moves: per line, storage, product, base quantity and value.
pub struct StockLine {
    pub line_no: i64,
    pub storage_id: StorageId,
    pub product_id: ProductId,
    pub doc_date: i64,
    pub qty: Qty,
    pub cost: Money,
}

from_row!(StockLine {
    line_no,
    storage_id,
    product_id,
    doc_date,
    qty,
    cost
});

pub async fn stock_lines(
    q: &mut impl Query,
    account_id: AccountId,
    id: InvoiceId,
) -> Result<Vec<StockLine>, DbError> {
    q.all(
        "SELECT i.line_no, v.storage_id, i.product_id, v.doc_date, i.qty, i.cost FROM invoice_items i \
         JOIN invoices v ON v.account_id = i.account_id AND v.id = i.invoice_id \
         WHERE i.account_id = :account_id AND i.invoice_id = :id ORDER BY i.line_no",
        params! { account_id, id },
    )
    .await
}

/// An invoice header with its storage and shipper and its totals.
#[derive(Debug, Clone)]
pub struct InvoiceRow {
    pub id: InvoiceId,
    pub number: String,
    pub doc_date: i64,
    pub wired: bool,
    pub paid: bool,
    pub created_at: i64,
    pub created_by: i64,
    pub updated_at: i64,
    pub updated_by: i64,
    pub storage_id: StorageId,
    pub storage_name: String,
    pub shipper: Option<ShipperRow>,
    pub total_amount: Qty,
    pub total_cost: Money,
    pub total_cost_with_tax: Money,
}

#[derive(Debug, Clone)]
pub struct ShipperRow {
    pub id: ShipperId,
    pub ref_code: String,
    pub name: String,
    pub created_at: i64,
    pub deleted: bool,
}

/// The invoices' header table.
pub const TABLE: Table<InvoiceRow> = Table::new("invoices", HEADER_SELECT, "v");

const HEADER_SELECT: &str = "SELECT v.id, v.number, v.doc_date, v.wired, v.paid, v.created_at, v.created_by, \
     v.updated_at, v.updated_by, v.storage_id, s.name AS storage_name, sh.id AS shipper_id, \
     sh.ref_code AS shipper_ref_code, sh.name AS shipper_name, sh.created_at AS shipper_created_at, \
     sh.deleted AS shipper_deleted, \
     CAST(COALESCE((SELECT SUM(i.amount) FROM invoice_items i WHERE i.account_id = v.account_id AND i.invoice_id = v.id), 0) AS BIGINT) AS total_amount, \
     CAST(COALESCE((SELECT SUM(i.cost) FROM invoice_items i WHERE i.account_id = v.account_id AND i.invoice_id = v.id), 0) AS BIGINT) AS total_cost, \
     CAST(COALESCE((SELECT SUM(i.cost_with_tax) FROM invoice_items i WHERE i.account_id = v.account_id AND i.invoice_id = v.id), 0) AS BIGINT) AS total_cost_with_tax \
     FROM invoices v JOIN storages s ON s.account_id = v.account_id AND s.id = v.storage_id \
     LEFT JOIN shippers sh ON sh.account_id = v.account_id AND sh.id = v.shipper_id";

impl FromRow for InvoiceRow {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        let id = row.get("id")?;
        let number = row.get("number")?;
        let doc_date = row.get("doc_date")?;
        let wired = row.get("wired")?;
        let paid = row.get("paid")?;
        let created_at = row.get("created_at")?;
        let created_by = row.get("created_by")?;
        let updated_at = row.get("updated_at")?;
        let updated_by = row.get("updated_by")?;
        let storage_id = row.get("storage_id")?;
        let storage_name = row.get("storage_name")?;
        let shipper = match row.get::<Option<ShipperId>>("shipper_id")? {
            Some(id) => Some(ShipperRow {
                id,
                ref_code: row.get("shipper_ref_code")?,
                name: row.get("shipper_name")?,
                created_at: row.get("shipper_created_at")?,
                deleted: row.get("shipper_deleted")?,
            }),
            None => None,
        };
        Ok(InvoiceRow {
            id,
            number,
            doc_date,
            wired,
            paid,
            created_at,
            created_by,
            updated_at,
            updated_by,
            storage_id,
            storage_name,
            shipper,
            total_amount: row.get("total_amount")?,
            total_cost: row.get("total_cost")?,
            total_cost_with_tax: row.get("total_cost_with_tax")?,
        })
    }
}

/// An invoice line with its package, product and the product's category and workspace.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub amount: Qty,
    pub price: UnitCost,
    pub cost: Money,
    pub cost_with_tax: Money,
    pub tax_id: Option<TaxId>,
    pub package: PackageOut,
    pub product: ProductOut,
}

#[derive(Debug, Clone)]
pub struct PackageOut {
    pub id: PackageId,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
    pub value: Qty,
    pub deleted: bool,
    pub hidden: bool,
}

/// A product's columns as the API shows them.
#[derive(Debug, Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent product flags, as the API and the table name them"
)]
pub struct ProductOut {
    pub id: ProductId,
    pub ref_code: String,
    pub name: String,
    pub cancellation_type: i64,
    pub measure: String,
    pub category_id: Option<CategoryId>,
    pub category_ref_code: Option<String>,
    pub workspace_id: Option<WorkspaceId>,
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

pub async fn items(db: &Db, account_id: AccountId, id: InvoiceId) -> Result<Vec<ItemRow>, DbError> {
    db.read()
        .await
        .all(
            "SELECT i.amount, i.price, i.cost, i.cost_with_tax, i.tax_id, \
             k.id AS package_id, k.ref_code AS package_ref_code, k.name AS package_name, \
             k.measure AS package_measure, k.value AS package_value, k.deleted AS package_deleted, \
             k.hidden AS package_hidden, \
             p.id AS product_id, p.ref_code, p.name, p.cancellation_type, p.measure, p.category_id, \
             c.ref_code AS category_ref_code, p.workspace_id, \
             p.created_at, p.updated_at, p.use_discounts, p.code, p.active, p.country, p.has_gmo, p.free_price, \
             p.weight_in_gram, p.entity_type \
             FROM invoice_items i \
             JOIN packages k ON k.account_id = i.account_id AND k.id = i.package_id \
             JOIN products p ON p.account_id = i.account_id AND p.id = i.product_id \
             LEFT JOIN categories c ON c.account_id = p.account_id AND c.id = p.category_id \
             WHERE i.account_id = :account_id AND i.invoice_id = :id ORDER BY i.line_no",
            params! { account_id, id },
        )
        .await
}

impl FromRow for ItemRow {
    fn from_row(r: &mut Row) -> Result<Self, DbError> {
        Ok(ItemRow {
            amount: r.get("amount")?,
            price: r.get("price")?,
            cost: r.get("cost")?,
            cost_with_tax: r.get("cost_with_tax")?,
            tax_id: r.get("tax_id")?,
            package: PackageOut {
                id: r.get("package_id")?,
                ref_code: r.get("package_ref_code")?,
                name: r.get("package_name")?,
                measure: r.get("package_measure")?,
                value: r.get("package_value")?,
                deleted: r.get("package_deleted")?,
                hidden: r.get("package_hidden")?,
            },
            product: ProductOut {
                id: r.get("product_id")?,
                ref_code: r.get("ref_code")?,
                name: r.get("name")?,
                cancellation_type: r.get("cancellation_type")?,
                measure: r.get("measure")?,
                category_id: r.get("category_id")?,
                category_ref_code: r.get("category_ref_code")?,
                workspace_id: r.get("workspace_id")?,
                created_at: r.get("created_at")?,
                updated_at: r.get("updated_at")?,
                use_discounts: r.get("use_discounts")?,
                code: r.get("code")?,
                active: r.get("active")?,
                country: r.get("country")?,
                has_gmo: r.get("has_gmo")?,
                free_price: r.get("free_price")?,
                weight_in_gram: r.get("weight_in_gram")?,
                entity_type: r.get("entity_type")?,
            },
        })
    }
}
