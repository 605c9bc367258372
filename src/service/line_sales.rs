//! Sales by line per cash day (API.md §9, `export_sales_shift_day`): what "sales by cashier"
//! pages read. Each line of a closed receipt with its receipt's local date and time, cashier
//! and how the receipt was paid.

use std::collections::HashMap;

use jiff::tz::TimeZone;

use crate::db::line_sales::{self, Filter, LineSale};
use crate::db::{objects, Db};
use crate::domain::ids::{AccountId, ReceiptId, ShopId};
use crate::domain::sales::{self, PaymentKind};
use crate::domain::time;

use super::{ServiceError, ServiceResult};

/// A line as the export shows it.
#[derive(Debug, Clone)]
pub struct ShiftDayLine {
    pub sale: LineSale,
    /// Local calendar day and time of the receipt's closing.
    pub date: String,
    pub time: String,
    /// `cash`, `card`, `cashless`, `bonus`, `credit` or `mixed`.
    pub payment_type: &'static str,
}

/// The lines of the closed receipts of cash days `start..=end`, of one terminal or all.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn lines(
    db: &Db,
    account_id: AccountId,
    tz: &TimeZone,
    (start, end): (&str, &str),
    terminal_id: Option<ShopId>,
) -> ServiceResult<Vec<ShiftDayLine>> {
    let from = time::parse_day(start).map_err(|e| ServiceError::invalid("start", e))?;
    let to = time::parse_day(end).map_err(|e| ServiceError::invalid("end", e))?;
    if let Some(shop) = terminal_id {
        let mut tx = db.begin_snapshot().await?;
        if objects::shop_storage(&mut tx, account_id, shop)
            .await?
            .is_none()
        {
            return Err(ServiceError::NotFound(format!("no terminal {shop}")));
        }
    }
    let filter = Filter {
        from: &from,
        to: &to,
        shop_id: terminal_id,
    };
    let mut kinds: HashMap<ReceiptId, Vec<PaymentKind>> = HashMap::new();
    for paid in line_sales::payment_kinds(db, account_id, &filter).await? {
        kinds.entry(paid.receipt_id).or_default().push(paid.kind);
    }
    let lines = line_sales::lines(db, account_id, &filter).await?;
    Ok(lines
        .into_iter()
        .map(|sale| {
            let paid = kinds
                .get(&sale.receipt_id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            ShiftDayLine {
                date: time::day_of(sale.closed_at, tz),
                time: time::time_of(sale.closed_at, tz),
                payment_type: sales::payment_type(paid.iter().copied()),
                sale,
            }
        })
        .collect())
}
