//! Sales exports (API.md §9). Closing or annulling a receipt adds it, in the same transaction,
//! to per-day aggregates (by calendar day in the account's time zone and by cash day), so an
//! export reads a few thousand aggregate rows instead of every receipt line. A calendar range
//! that does not start and end at local midnights is summed from the receipts themselves.
//!
//! An annulment is a counter-receipt with `income` −1 on the day it was made: it subtracts,
//! and revenue is the sum of `income × total_sum`, as the vendor counts it.

use crate::domain::ids::AccountId;
use std::collections::{BTreeMap, HashMap};

use jiff::tz::TimeZone;

use crate::db::exports::{self, DailyRow, Period, Sums};
use crate::db::sales::{self, LineRow, PaymentRow, ReceiptRow};
use crate::db::{objects, products, Db, Tx};
use crate::domain::sales::{paid_by_kind, split, ByKind};
use crate::domain::time;

use super::{ServiceError, ServiceResult};

/// The aggregate rows of one closed receipt.
pub fn rows(
    receipt: &ReceiptRow,
    lines: &[LineRow],
    payments: &[PaymentRow],
    kinds: &HashMap<i64, String>,
    tz: &TimeZone,
) -> Vec<DailyRow> {
    let (paid, _) = paid_and_change(payments, kinds, receipt.total_sum);
    let totals: Vec<i64> = lines.iter().map(|l| l.total_sum).collect();
    let shares = split(paid, &totals);
    let sign = receipt.income;
    let day = time::day_of(receipt.closed_at.unwrap_or(receipt.created_at), tz);
    let shift_day = receipt.shift_day.clone().unwrap_or_else(|| day.clone());
    lines
        .iter()
        .zip(shares)
        .map(|(l, share)| DailyRow {
            day: day.clone(),
            shift_day: shift_day.clone(),
            shop_id: receipt.shop_id.unwrap_or(0),
            product_id: l.product_id,
            price: l.price,
            qty: sign * l.count,
            discount: sign * l.discount_sum,
            total_sum: sign * l.total_sum,
            kinds: share.map(|k| sign * k),
        })
        .collect()
}

/// A receipt's money by payment kind as kept, the change given back taken off cash first (so
/// the kinds add up to `total_sum`), and that change. Every export counts cash this way: the
/// totals' `cash` and the receipts' `cash_pay` are the same cash kept.
pub fn paid_and_change(
    payments: &[PaymentRow],
    kinds: &HashMap<i64, String>,
    total_sum: i64,
) -> (ByKind, i64) {
    let named: Vec<(&str, i64)> = payments
        .iter()
        .map(|(id, value)| (kinds.get(id).map_or("", String::as_str), *value))
        .collect();
    let tendered: i64 = payments.iter().map(|p| p.1).sum();
    (
        paid_by_kind(&named, total_sum),
        (tendered - total_sum).max(0),
    )
}

/// Adds a closed receipt to the aggregates, inside the transaction that closed it.
pub async fn record(
    tx: &mut Tx,
    account_id: AccountId,
    tz: &TimeZone,
    receipt: &ReceiptRow,
    lines: &[LineRow],
    payments: &[PaymentRow],
    kinds: &HashMap<i64, String>,
) -> ServiceResult<()> {
    let daily = rows(receipt, lines, payments, kinds, tz);
    let product_ids: Vec<i64> = lines.iter().map(|l| l.product_id).collect();
    let workspaces = products::workspaces(tx, account_id, &product_ids).await?;
    exports::add(tx, account_id, &daily, &workspaces).await?;
    Ok(())
}

/// What an export covers, as the request gives it.
#[derive(Debug, Clone, Default)]
pub struct Range<'a> {
    pub start: Option<&'a str>,
    pub end: Option<&'a str>,
    pub shift_day: Option<&'a str>,
}

/// Either whole days the aggregates answer, or an instant range to sum receipts over.
enum Span {
    Period(Period),
    Instants(i64, i64),
}

fn span(range: &Range<'_>, tz: &TimeZone) -> ServiceResult<Span> {
    if let Some(day) = range.shift_day {
        let day = parse_day(day, "shift_day")?;
        // the cash day decides; bounds sent beside it must still be dates (a typo is refused,
        // not silently ignored)
        for (bound_text, field, end) in [(range.start, "start", false), (range.end, "end", true)] {
            if let Some(text) = bound_text {
                bound(text, tz, field, end)?;
            }
        }
        return Ok(Span::Period(Period::ShiftDay(day)));
    }
    let start = range
        .start
        .ok_or_else(|| ServiceError::invalid("start", "give start (and end) or shift_day"))?;
    let from = bound(start, tz, "start", false)?;
    let to = match range.end {
        Some(end) => bound(end, tz, "end", true)?,
        None => Bound::Day(
            time::day_of(time::now_unix(), tz),
            time::day_end(&time::day_of(time::now_unix(), tz), tz).unwrap_or(i64::MAX),
        ),
    };
    Ok(match (from, to) {
        (Bound::Day(first, _), Bound::Day(last, _)) => Span::Period(Period::Days(first, last)),
        (from, to) => Span::Instants(from.instant(), to.instant()),
    })
}

/// A range bound: a whole local day (and the instant it stands for), or an instant.
enum Bound {
    Day(String, i64),
    Instant(i64),
}

impl Bound {
    fn instant(&self) -> i64 {
        match self {
            Bound::Day(_, at) | Bound::Instant(at) => *at,
        }
    }
}

fn parse_day(text: &str, field: &str) -> ServiceResult<String> {
    time::parse_day(text).map_err(|e| ServiceError::invalid(field, e))
}

/// A start (`end`: false) or end bound. A date is its whole day (an end includes it); a time
/// at local midnight is that day's boundary too.
fn bound(text: &str, tz: &TimeZone, field: &str, end: bool) -> ServiceResult<Bound> {
    let invalid = |e: String| ServiceError::invalid(field, e);
    if text.trim().len() == 10 {
        let day = parse_day(text, field)?;
        let at = if end {
            time::day_end(&day, tz)
        } else {
            time::day_start(&day, tz)
        }
        .map_err(invalid)?;
        return Ok(Bound::Day(day, at));
    }
    let at = time::parse_instant(text, tz).map_err(invalid)?;
    let day = time::day_of(at, tz);
    let midnight = time::day_start(&day, tz).map_err(invalid)?;
    if at != midnight {
        return Ok(Bound::Instant(at));
    }
    // an end at midnight closes the day before
    let day = if end { time::day_of(at - 1, tz) } else { day };
    Ok(Bound::Day(day, at))
}

/// Sales by shop, product and price (`by_product_only`: by product).
pub async fn sales(
    db: &Db,
    account_id: AccountId,
    tz: &TimeZone,
    range: &Range<'_>,
    by_product_only: bool,
) -> ServiceResult<Vec<Sums>> {
    match span(range, tz)? {
        Span::Period(period) => Ok(exports::sales(db, account_id, &period, by_product_only).await?),
        Span::Instants(from, to) => {
            let rows = rows_between(db, account_id, tz, from, to).await?;
            let mut grouped: BTreeMap<(i64, i64, i64), Sums> = BTreeMap::new();
            for r in rows {
                let key = match by_product_only {
                    true => (0, r.product_id, 0),
                    false => (r.shop_id, r.product_id, r.price),
                };
                let entry = grouped.entry(key).or_insert_with(|| Sums {
                    shop_id: (!by_product_only).then_some(r.shop_id),
                    key: r.product_id,
                    price: (!by_product_only).then_some(r.price),
                    ..Sums::default()
                });
                add(entry, &r);
            }
            Ok(grouped.into_values().collect())
        }
    }
}

/// Sales by workspace (`by_shop`: by shop and workspace).
pub async fn totals(
    db: &Db,
    account_id: AccountId,
    tz: &TimeZone,
    range: &Range<'_>,
    by_shop: bool,
) -> ServiceResult<Vec<Sums>> {
    match span(range, tz)? {
        Span::Period(period) => Ok(exports::totals(db, account_id, &period, by_shop).await?),
        Span::Instants(from, to) => {
            let rows = rows_between(db, account_id, tz, from, to).await?;
            let mut tx = db.begin_snapshot().await?;
            let ids: Vec<i64> = rows.iter().map(|r| r.product_id).collect();
            let workspaces = products::workspaces(&mut tx, account_id, &ids).await?;
            drop(tx);
            let mut grouped: BTreeMap<(i64, i64), Sums> = BTreeMap::new();
            for r in rows {
                let workspace = workspaces.get(&r.product_id).copied().unwrap_or(0);
                let shop = if by_shop { r.shop_id } else { 0 };
                let entry = grouped.entry((shop, workspace)).or_insert_with(|| Sums {
                    shop_id: by_shop.then_some(shop),
                    key: workspace,
                    ..Sums::default()
                });
                add(entry, &r);
            }
            Ok(grouped.into_values().collect())
        }
    }
}

fn add(sums: &mut Sums, r: &DailyRow) {
    sums.qty += r.qty;
    sums.discount += r.discount;
    sums.total_sum += r.total_sum;
    for k in 0..5 {
        sums.kinds[k] += r.kinds[k];
    }
}

async fn rows_between(
    db: &Db,
    account_id: AccountId,
    tz: &TimeZone,
    from: i64,
    to: i64,
) -> ServiceResult<Vec<DailyRow>> {
    let receipts = sales::closed_between(db, account_id, from, to).await?;
    let ids: Vec<i64> = receipts.iter().map(|r| r.id).collect();
    let mut details = sales::details(db, account_id, &ids).await?;
    let mut tx = db.begin_snapshot().await?;
    let kinds = objects::payment_kinds(&mut tx, account_id).await?;
    drop(tx);
    let mut rows = Vec::new();
    for receipt in &receipts {
        let (lines, payments) = details.remove(&receipt.id).unwrap_or_default();
        let lines: Vec<LineRow> = lines.into_iter().map(|(l, _)| l).collect();
        rows.extend(self::rows(receipt, &lines, &payments, &kinds, tz));
    }
    Ok(rows)
}
