//! Returns to suppliers (API.md §11): goods sent back to the shipper they came from. Created
//! not wired; wiring takes each line out of the storage at its average cost as of the
//! return's date. What the supplier refunds is the line's `price` per base unit (by default
//! the price of the product in the invoice the return names); reading shows, per line, the
//! value taken off the books, the refund, and the difference between them.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;

use crate::db::catalog;
use crate::db::documents::Table;
use crate::db::ids::{self, Kind};
use crate::db::posted::{self, Posted};
use crate::db::returns::{self as return_db, NewReturn, NewReturnLine, ReturnLine, ReturnRow};
use crate::db::stock::{NewMovement, Posting};
use crate::db::{self, Db, Tx};
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::document::DocRef;
use crate::domain::ids::{AccountId, InvoiceId, ProductId, ReturnId, ShipperId};
use crate::domain::time;
use crate::wire::returns::{ReturnIn, ReturnItemIn};

use super::documents::{doc_date, header_in, require_unlocked, StockDocument};
use super::writeoffs::require_storage;
use super::{Actor, ServiceError, ServiceResult};

/// Creates a return, not wired, and returns its id.
#[tracing::instrument(skip_all, fields(account = %actor.account_id))]
pub async fn create(db: &Db, actor: &Actor, input: &ReturnIn) -> ServiceResult<ReturnId> {
    let doc_date = doc_date(input.date.as_deref())?;
    if input.items.is_empty() {
        return Err(ServiceError::invalid(
            "items",
            "a return needs at least one item",
        ));
    }
    check_items(&input.items, input.invoice_id.is_some())?;
    let account_id = actor.account_id;
    let mut tx = db.begin_write().await?;
    require_unlocked(&mut tx, account_id, doc_date).await?;
    let storage_id = input.storage.caf_id;
    require_storage(&mut tx, account_id, storage_id, "storage.caf_id").await?;
    let code = input.shipper.ref_code.clone();
    let shipper_id =
        catalog::ids_by_code::<ShipperId>(&mut tx, account_id, std::slice::from_ref(&code))
            .await?
            .get(&code)
            .copied()
            .ok_or_else(|| {
                ServiceError::invalid(
                    "shipper.ref_code",
                    format!("no shipper {code:?} in the account"),
                )
            })?;
    let invoice_prices = match input.invoice_id {
        Some(invoice_id) => {
            Some(invoice_prices(&mut tx, account_id, invoice_id, shipper_id).await?)
        }
        None => None,
    };
    let codes: Vec<String> = input.items.iter().map(|i| i.product_code.clone()).collect();
    let products = catalog::products_by_code(&mut tx, account_id, &codes).await?;
    let mut lines = Vec::with_capacity(input.items.len());
    for (i, item) in input.items.iter().enumerate() {
        let product_id = products
            .get(&item.product_code)
            .map(|p| p.id)
            .ok_or_else(|| {
                ServiceError::invalid(
                    format!("items[{i}].product_code"),
                    format!("no product {:?} in the account", item.product_code),
                )
            })?;
        let price = match (item.price, &invoice_prices) {
            (Some(price), _) => price,
            (None, Some(prices)) => prices.get(&product_id).copied().ok_or_else(|| {
                ServiceError::invalid(
                    format!("items[{i}].price"),
                    format!(
                        "invoice {} has no line of product {:?}: give a price",
                        input.invoice_id.map_or(0, InvoiceId::get),
                        item.product_code
                    ),
                )
            })?,
            (None, None) => {
                return Err(ServiceError::invalid(
                    format!("items[{i}].price"),
                    "a price is required without invoice_id",
                ))
            }
        };
        lines.push(NewReturnLine {
            product_id,
            qty: item.amount,
            price,
        });
    }
    let id = ReturnId::new(ids::next(&mut tx, account_id, Kind::Return).await?);
    let doc = NewReturn {
        id,
        comment: input.comment.clone().unwrap_or_default(),
        doc_date,
        storage_id,
        shipper_id,
        invoice_id: input.invoice_id,
        by: actor.user_id,
    };
    return_db::insert(&mut tx, account_id, &doc, &lines, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(id)
}

/// 422 naming the first amount that is not positive, negative price, or (without an
/// invoice to take it from) missing price.
fn check_items(items: &[ReturnItemIn], with_invoice: bool) -> ServiceResult<()> {
    for (i, item) in items.iter().enumerate() {
        if item.amount.decimal() <= Decimal::ZERO {
            return Err(ServiceError::invalid(
                format!("items[{i}].amount"),
                "amount must be positive",
            ));
        }
        match item.price {
            Some(price) if price.is_negative() => {
                return Err(ServiceError::invalid(
                    format!("items[{i}].price"),
                    "price must not be negative",
                ))
            }
            None if !with_invoice => {
                return Err(ServiceError::invalid(
                    format!("items[{i}].price"),
                    "a price is required without invoice_id",
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// The price per base unit of each product of invoice `invoice_id` (over its lines of that
/// product: Σ price × packages / Σ base quantity, so a line bought by the package is priced
/// per unit); 422 naming `invoice_id` when there is no such invoice or it is another
/// shipper's.
async fn invoice_prices(
    tx: &mut Tx,
    account_id: AccountId,
    invoice_id: InvoiceId,
    shipper_id: ShipperId,
) -> ServiceResult<HashMap<ProductId, UnitCost>> {
    let Some(shipper) = return_db::invoice_shipper(tx, account_id, invoice_id).await? else {
        return Err(ServiceError::invalid(
            "invoice_id",
            format!("no invoice {invoice_id} in the account"),
        ));
    };
    if shipper.is_some_and(|s| s != shipper_id) {
        return Err(ServiceError::invalid(
            "invoice_id",
            format!("invoice {invoice_id} is another shipper's"),
        ));
    }
    let mut sums: BTreeMap<ProductId, (Decimal, Decimal)> = BTreeMap::new();
    for line in return_db::invoice_lines(tx, account_id, invoice_id).await? {
        let sum = sums.entry(line.product_id).or_default();
        sum.0 += line.price.decimal() * line.amount.decimal();
        sum.1 += line.qty.decimal();
    }
    Ok(sums
        .into_iter()
        .filter(|(_, (_, qty))| !qty.is_zero())
        .map(|(product, (paid, qty))| (product, UnitCost::round(paid / qty)))
        .collect())
}

/// What the supplier refunds for `qty` at `price`.
pub fn refund(qty: Qty, price: UnitCost) -> Money {
    Money::round(qty.decimal() * price.decimal())
}

/// A return as read: its header, its lines, and its movements by line number (none while it
/// is not wired).
pub struct ReturnRead {
    pub header: ReturnRow,
    pub lines: Vec<ReturnLine>,
    pub posted: BTreeMap<i64, Posted>,
}

/// Reads return `id`: 404 when there is none.
#[tracing::instrument(skip_all, fields(account = %account_id, id = %id))]
pub async fn read(db: &Db, account_id: AccountId, id: ReturnId) -> ServiceResult<ReturnRead> {
    let mut q = db.read().await;
    let header = return_db::TABLE
        .find(&mut q, account_id, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no return with id {id}")))?;
    let lines = return_db::lines(&mut q, account_id, id).await?;
    let posted = posted::by_line(&mut q, account_id, DocRef::of(id)).await?;
    Ok(ReturnRead {
        header,
        lines,
        posted,
    })
}

/// Returns as stock documents: wiring takes each line out of the storage at its average cost
/// as of the return's date.
impl StockDocument for ReturnId {
    type Header = ReturnRow;

    const TABLE: Table<ReturnRow> = return_db::TABLE;

    async fn movements(
        self,
        tx: &mut Tx,
        account_id: AccountId,
    ) -> ServiceResult<Vec<NewMovement>> {
        let head = header_in(tx, account_id, self).await?;
        let lines = return_db::lines(tx, account_id, self).await?;
        Ok(lines
            .iter()
            .map(|line| NewMovement {
                storage_id: head.storage_id,
                product_id: line.product_id,
                line_no: line.line_no,
                doc_date: head.doc_date,
                rule: Posting::Average {
                    qty: Qty::from_units(-line.qty.units()),
                },
            })
            .collect())
    }
}
