//! Sales as the back office shows them (API.md §10): the receipts of a shop's cash day with
//! their cost and margin, one receipt's lines and payments, and the delivery orders waiting
//! at a shop in each status of their flow; a shop's shifts; the account's jobs.

use crate::db::clients::{self, ClientCard};
use crate::db::jobs::{self, ListedJob};
use crate::db::sales::{self, Details, ReceiptRow, ShiftRow};
use crate::db::Db;
use crate::domain::decimal::Money;
use crate::domain::ids::{AccountId, ShopId};
use crate::domain::sales::{JobStatus, OrderStatus};
use crate::domain::time;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::{ServiceError, ServiceResult};

/// A receipt with its lines and payments.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub row: ReceiptRow,
    pub details: Details,
}

impl Receipt {
    /// What its lines wrote off the stock.
    pub fn cost(&self) -> Money {
        Money::from_units(
            self.details
                .lines
                .iter()
                .map(|l| l.line.self_cost_sum.units())
                .sum(),
        )
    }

    /// Its sum less its cost.
    pub fn margin(&self) -> Money {
        Money::from_units(self.row.total_sum.units() - self.cost().units())
    }
}

/// The closed receipts of a shop's cash day (`YYYY-MM-DD`), by closing time.
#[tracing::instrument(skip_all, fields(account = %account_id, shop = %shop_id))]
pub async fn day(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
    shift_day: &str,
) -> ServiceResult<Vec<Receipt>> {
    let rows = sales::of_shift_day(db, account_id, shop_id, shift_day).await?;
    let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
    let mut details = sales::details(db, account_id, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| Receipt {
            details: details.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

/// One receipt by its UUID: 404 when there is none.
pub async fn receipt(db: &Db, account_id: AccountId, uuid: &str) -> ServiceResult<Receipt> {
    let row = sales::find(db, account_id, uuid)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no receipt {uuid}")))?;
    let details = sales::details(db, account_id, &[row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    Ok(Receipt { row, details })
}

/// The statuses a delivery order waits in, in the order of its flow.
pub const WAITING: [OrderStatus; 5] = [
    OrderStatus::WaitCashier,
    OrderStatus::Active,
    OrderStatus::Cooking,
    OrderStatus::Cooked,
    OrderStatus::Packed,
];

/// The delivery orders at a shop not yet closed or cancelled, by status in flow order.
pub async fn orders(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
) -> ServiceResult<Vec<ReceiptRow>> {
    let mut all = Vec::new();
    for status in WAITING {
        all.extend(sales::orders(db, account_id, shop_id, status).await?);
    }
    Ok(all)
}

/// The live clients whose name, phone or card contains `search` (any case), by name.
pub async fn clients(
    db: &Db,
    account_id: AccountId,
    search: &str,
) -> ServiceResult<Vec<ClientCard>> {
    let all = clients::cards(&mut db.read().await, account_id).await?;
    let search = search.trim().to_lowercase();
    Ok(all
        .into_iter()
        .filter(|c| {
            search.is_empty()
                || [&c.name, &c.last_name, &c.phone, &c.card_number]
                    .iter()
                    .any(|field| field.to_lowercase().contains(&search))
        })
        .collect())
}

/// A shop's shifts over a range of cash days (`YYYY-MM-DD`, `end` by default today in
/// `zone`, `start` by default 30 days before it, at most [`SHIFT_DAYS`] days), newest first, with their
/// cashier, receipts and revenue; and the range as read.
pub async fn shifts(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
    (start, end): (Option<&str>, Option<&str>),
    zone: &TimeZone,
) -> ServiceResult<((String, String), Vec<ShiftRow>)> {
    let (first, last) = shift_range(start, end, zone)?;
    let rows = sales::shifts(db, account_id, shop_id, &first, &last).await?;
    Ok(((first, last), rows))
}

fn parse_date(text: &str, field: &str) -> ServiceResult<Date> {
    let day = time::parse_day(text).map_err(|e| ServiceError::invalid(field, e))?;
    day.parse()
        .map_err(|_| ServiceError::invalid(field, format!("{text:?} is not a date")))
}

/// The most cash days one shifts list covers. Each shift's takings are summed from its
/// receipts when listed (31 days of a busy shop: ~40 ms on a year of 5,000,000 lines; a year
/// at once took 510 ms): longer periods are the exports' (`export_sales_shift_day`).
pub const SHIFT_DAYS: i64 = 31;

/// The cash days a shifts list covers (see [`shifts`]).
fn shift_range(
    start: Option<&str>,
    end: Option<&str>,
    zone: &TimeZone,
) -> ServiceResult<(String, String)> {
    let last = match end {
        Some(text) => parse_date(text, "end")?,
        None => parse_date(&time::day_of(time::now_unix(), zone), "end")?,
    };
    let first = match start {
        Some(text) => parse_date(text, "start")?,
        None => last
            .checked_sub(jiff::Span::new().days(30))
            .map_err(|e| ServiceError::invalid("end", e.to_string()))?,
    };
    if first > last {
        return Err(ServiceError::invalid(
            "end",
            "the range ends before it starts",
        ));
    }
    let days = first
        .until(last)
        .map_err(|e| ServiceError::invalid("end", e.to_string()))?
        .get_days();
    if i64::from(days) >= SHIFT_DAYS {
        return Err(ServiceError::invalid(
            "start",
            format!("a range of at most {SHIFT_DAYS} days (a month; older months page back)"),
        ));
    }
    Ok((first.to_string(), last.to_string()))
}

/// The account's jobs, newest first, paged in the database (a busy delivery account makes
/// thousands a day).
pub async fn jobs(
    db: &Db,
    account_id: AccountId,
    status: Option<JobStatus>,
    limit: i64,
    offset: i64,
) -> ServiceResult<(i64, Vec<ListedJob>)> {
    Ok(jobs::listed(db, account_id, status, limit, offset).await?)
}
