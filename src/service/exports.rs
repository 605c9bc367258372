//! Sales exports (API.md §9). Closing or annulling a receipt adds it, in the same transaction,
//! to per-day aggregates (by calendar day in the account's time zone and by cash day), so an
//! export reads a few thousand aggregate rows instead of every receipt line. A calendar range
//! that does not start and end at local midnights is summed from the receipts themselves.
//!
//! An annulment is a counter-receipt with `income` −1 on the day it was made: it subtracts,
//! and revenue is the sum of `income × total_sum`, as the vendor counts it.

use std::collections::{BTreeMap, HashMap};

use jiff::tz::TimeZone;

use crate::db::exports::{self, DailyRow, Period, Sums};
use crate::db::sales::{self, Details, LineRow, PaymentRow, ReceiptRow};
use crate::db::{objects, products, Db, Tx};
use crate::domain::decimal::{Fixed, Money, UnitCost};
use crate::domain::ids::{AccountId, PaymentTypeId, ShopId};
use crate::domain::sales::{change, paid_by_kind, split, tendered, ByKind, PaymentKind};
use crate::domain::time;
use rust_decimal::Decimal;

use super::sales::{kinds_of, PaymentKinds};
use super::{ServiceError, ServiceResult};

/// The aggregate rows of one closed receipt.
pub fn rows(
    receipt: &ReceiptRow,
    lines: &[LineRow],
    payments: &[PaymentRow],
    kinds: &PaymentKinds,
    tz: &TimeZone,
) -> Vec<DailyRow> {
    let (paid, _) = paid_and_change(payments, kinds, receipt.total_sum);
    let totals: Vec<i64> = lines.iter().map(|l| l.total_sum.units()).collect();
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
            shop_id: receipt.shop_id.map_or(0, ShopId::get),
            product_id: l.product_id.get(),
            price: l.price.units(),
            qty: sign * l.count.units(),
            discount: sign * l.discount_sum.units(),
            total_sum: sign * l.total_sum.units(),
            kinds: share.units().map(|k| sign * k),
        })
        .collect()
}

/// A receipt's money by payment kind as kept, the change given back taken off cash first (so
/// the kinds add up to `total_sum`), and that change. Every export counts cash this way: the
/// totals' `cash` and the receipts' `cash_pay` are the same cash kept. A payment of a type
/// whose kind is unknown counts toward the change only.
pub fn paid_and_change(
    payments: &[PaymentRow],
    kinds: &PaymentKinds,
    total_sum: Money,
) -> (ByKind, Money) {
    let named = payments
        .iter()
        .filter_map(|p| Some((*kinds.get(&p.payment_type_id)?, p.value)));
    (
        paid_by_kind(named, total_sum),
        change(tendered(payments.iter().map(|p| p.value)), total_sum),
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
    kinds: &PaymentKinds,
) -> ServiceResult<()> {
    let daily = rows(receipt, lines, payments, kinds, tz);
    let product_ids: Vec<i64> = lines.iter().map(|l| l.product_id.get()).collect();
    let workspaces = products::workspaces(tx, account_id, &product_ids).await?;
    exports::add(tx, account_id, &daily, &workspaces).await?;
    Ok(())
}

/// The unit price of an `export_sales` line: its own, or (grouped by product only) the
/// average, its total over its quantity; with 4 places.
pub fn sale_price(line: &Sums) -> Fixed<4> {
    let price = match line.price {
        Some(price) => price.decimal(),
        None if !line.qty.is_zero() => line.total_sum.decimal() / line.qty.decimal(),
        None => Decimal::ZERO,
    };
    // banker's rounding to 4 places, as the export always wrote it; the rounded value is
    // then kept exactly
    Fixed::round(price.round_dp(4))
}

/// The discounts of a line as `export_sales_totals` shows them: negative.
pub fn given_discount(line: &Sums) -> Money {
    Money::from_units(-line.discount.units())
}

/// The payment type a receipt was paid cashless with, if any.
pub fn cashless_type(payments: &[PaymentRow], kinds: &PaymentKinds) -> Option<PaymentTypeId> {
    payments
        .iter()
        .find(|p| kinds.get(&p.payment_type_id) == Some(&PaymentKind::Cashless))
        .map(|p| p.payment_type_id)
}

/// The closed receipts of a shop's cash day, with their lines and payments.
pub struct ShiftDay {
    pub receipts: Vec<(ReceiptRow, Details)>,
    /// The kinds of the account's payment types.
    pub kinds: PaymentKinds,
}

/// The closed receipts (sales, and annulments' counter-receipts) of a shop's cash day `day`
/// (`YYYY-MM-DD`); not found for a shop that is not the account's.
#[tracing::instrument(skip_all, fields(account = %account_id, shop = %shop_id))]
pub async fn shift_day(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
    day: &str,
) -> ServiceResult<ShiftDay> {
    let day = time::parse_day(day).map_err(|e| ServiceError::invalid("date", e))?;
    let mut tx = db.begin_snapshot().await?;
    objects::shop_storage(&mut tx, account_id, shop_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no terminal {shop_id}")))?;
    let kinds = kinds_of(&mut tx, account_id).await?;
    drop(tx);
    let receipts = sales::of_shift_day(db, account_id, shop_id, &day).await?;
    let ids: Vec<_> = receipts.iter().map(|r| r.id).collect();
    let mut details = sales::details(db, account_id, &ids).await?;
    let receipts = receipts
        .into_iter()
        .map(|r| {
            let d = details.remove(&r.id).unwrap_or_default();
            (r, d)
        })
        .collect();
    Ok(ShiftDay { receipts, kinds })
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
#[tracing::instrument(skip_all, fields(account = %account_id))]
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
            Ok(sales_of(&rows, by_product_only))
        }
    }
}

/// The lines of `export_sales` over receipt rows: by shop, product and price, or by product.
fn sales_of(rows: &[DailyRow], by_product_only: bool) -> Vec<Sums> {
    let mut grouped: BTreeMap<(i64, i64, i64), DailyRow> = BTreeMap::new();
    for r in rows {
        let key = if by_product_only {
            (0, r.product_id, 0)
        } else {
            (r.shop_id, r.product_id, r.price)
        };
        grouped.entry(key).or_default().add(r);
    }
    grouped
        .into_iter()
        .map(|((shop, product, price), sums)| {
            Sums::of(
                (!by_product_only).then_some(ShopId::new(shop)),
                product,
                (!by_product_only).then_some(UnitCost::from_units(price)),
                &sums,
            )
        })
        .collect()
}

/// Sales by workspace (`by_shop`: by shop and workspace).
#[tracing::instrument(skip_all, fields(account = %account_id))]
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
            Ok(totals_of(&rows, &workspaces, by_shop))
        }
    }
}

/// The lines of `export_sales_totals` over receipt rows: by workspace (and shop).
fn totals_of(rows: &[DailyRow], workspaces: &HashMap<i64, i64>, by_shop: bool) -> Vec<Sums> {
    let mut grouped: BTreeMap<(i64, i64), DailyRow> = BTreeMap::new();
    for r in rows {
        let workspace = workspaces.get(&r.product_id).copied().unwrap_or(0);
        let shop = if by_shop { r.shop_id } else { 0 };
        grouped.entry((shop, workspace)).or_default().add(r);
    }
    grouped
        .into_iter()
        .map(|((shop, workspace), sums)| {
            Sums::of(by_shop.then_some(ShopId::new(shop)), workspace, None, &sums)
        })
        .collect()
}

async fn rows_between(
    db: &Db,
    account_id: AccountId,
    tz: &TimeZone,
    from: i64,
    to: i64,
) -> ServiceResult<Vec<DailyRow>> {
    let receipts = sales::closed_between(db, account_id, from, to).await?;
    let ids: Vec<_> = receipts.iter().map(|r| r.id).collect();
    let mut details = sales::details(db, account_id, &ids).await?;
    let mut tx = db.begin_snapshot().await?;
    let kinds = kinds_of(&mut tx, account_id).await?;
    drop(tx);
    let mut rows = Vec::new();
    for receipt in &receipts {
        let details = details.remove(&receipt.id).unwrap_or_default();
        let lines: Vec<LineRow> = details.lines.into_iter().map(|l| l.line).collect();
        rows.extend(self::rows(receipt, &lines, &details.payments, &kinds, tz));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decimal::Qty;

    fn line(price: Option<i64>, qty: i64, total_sum: i64) -> Sums {
        Sums {
            price: price.map(UnitCost::from_units),
            qty: Qty::from_units(qty),
            total_sum: Money::from_units(total_sum),
            ..Sums::default()
        }
    }

    #[test]
    fn a_line_by_product_only_shows_its_average_price() {
        // its own price, to 4 places
        assert_eq!(
            sale_price(&line(Some(1_234_567), 1_000, 123)).to_string(),
            "1.2346"
        );
        // 3 for 10.00: 3.3333
        assert_eq!(sale_price(&line(None, 3_000, 1_000)).to_string(), "3.3333");
        // nothing sold (a sale and its annulment): 0
        assert_eq!(sale_price(&line(None, 0, 0)), Fixed::ZERO);
    }

    #[test]
    fn the_totals_show_discounts_negative() {
        let mut sums = line(None, 1_000, 900);
        sums.discount = Money::from_units(150);
        assert_eq!(given_discount(&sums).to_string(), "-1.50");
        sums.discount = Money::ZERO;
        assert_eq!(given_discount(&sums).to_string(), "0.00");
    }

    #[test]
    fn the_change_comes_off_cash_and_unknown_kinds_count_only_toward_it() {
        let cash = PaymentTypeId::new(1);
        let card = PaymentTypeId::new(2);
        let kinds: PaymentKinds = [(cash, PaymentKind::Cash), (card, PaymentKind::Card)].into();
        let pay = |id: i64, units: i64| PaymentRow {
            payment_type_id: PaymentTypeId::new(id),
            value: Money::from_units(units),
        };
        let (paid, back) = paid_and_change(
            &[pay(1, 2_000), pay(2, 500)],
            &kinds,
            Money::from_units(2_180),
        );
        assert_eq!(paid.units(), [1_680, 500, 0, 0, 0]);
        assert_eq!(back, Money::from_units(320));
        assert_eq!(cashless_type(&[pay(1, 2_000)], &kinds), None);
    }
}
