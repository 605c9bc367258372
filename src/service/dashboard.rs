//! The dashboard (API.md §10): today's and this month's revenue, receipts and average bill
//! by shop; revenue per day for 30 days and per hour today; the month's top products; stock
//! value per storage; what is below its minimum; orders waiting. Days and hours are the
//! account's.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;

use crate::db::dashboard::{self as reads, DayRevenue, StorageValue, TopProduct, Waiting};
use crate::db::minimums::{self, MinimumRow};
use crate::db::Db;
use crate::domain::decimal::Money;
use crate::domain::ids::{AccountId, ShopId};
use crate::domain::time;

use super::{ServiceError, ServiceResult};

/// A shop's figures over a period.
#[derive(Debug, Clone, Default)]
pub struct ShopFigures {
    pub shop_id: Option<ShopId>,
    pub shop_name: String,
    pub revenue: Money,
    pub receipts: i64,
}

impl ShopFigures {
    /// Revenue per net receipt (zero without receipts).
    pub fn average_bill(&self) -> Money {
        if self.receipts <= 0 {
            return Money::ZERO;
        }
        Money::from_units(self.revenue.units() / self.receipts)
    }
}

/// A period's figures: per shop, and their total.
#[derive(Debug, Clone, Default)]
pub struct Period {
    pub shops: Vec<ShopFigures>,
    pub total: ShopFigures,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone)]
pub struct Overview {
    pub today: String,
    pub today_figures: Period,
    pub month: Period,
    /// The last 30 days, oldest first, every day present.
    pub days: Vec<DayRevenue>,
    /// Today's 24 hours, revenue per hour.
    pub hours: Vec<Money>,
    pub top_products: Vec<TopProduct>,
    pub stock_value: Vec<StorageValue>,
    pub below_minimum: Vec<MinimumRow>,
    pub orders_waiting: Vec<Waiting>,
}

/// The dashboard as of `now`.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn overview(
    db: &Db,
    account_id: AccountId,
    zone: &TimeZone,
    now: i64,
) -> ServiceResult<Overview> {
    let today = time::day_of(now, zone);
    let month_first = format!("{}-01", today.get(..7).unwrap_or(""));
    let bad = |e: String| ServiceError::Conflict(format!("the account's calendar: {e}"));
    let today_start = time::day_start(&today, zone).map_err(bad)?;
    let tomorrow = time::day_end(&today, zone).map_err(bad)?;
    let month_start = time::day_start(&month_first, zone).map_err(bad)?;
    let first_of_30 = time::day_of(time::noon_days_before(now, 29, zone), zone);
    let mut q = db.read().await;
    let today_rev = reads::revenue_by_shop(&mut q, account_id, &today, &today).await?;
    let month_rev = reads::revenue_by_shop(&mut q, account_id, &month_first, &today).await?;
    let today_count = reads::receipts_by_shop(&mut q, account_id, today_start, tomorrow).await?;
    let month_count = reads::receipts_by_shop(&mut q, account_id, month_start, tomorrow).await?;
    let by_day = reads::revenue_by_day(&mut q, account_id, &first_of_30, &today).await?;
    let closed = reads::closed_between(&mut q, account_id, today_start, tomorrow).await?;
    let month = today.get(..7).unwrap_or("");
    Ok(Overview {
        today_figures: period(&today_rev, &today_count),
        month: period(&month_rev, &month_count),
        days: every_day(&by_day, now, zone),
        hours: per_hour(&closed, zone),
        top_products: reads::top_products(&mut q, account_id, month, 10).await?,
        stock_value: reads::stock_value(&mut q, account_id).await?,
        below_minimum: minimums::list(&mut q, account_id, true).await?,
        orders_waiting: merged(reads::orders_waiting(&mut q, account_id).await?),
        today,
    })
}

/// One count per status, in flow order.
fn merged(parts: Vec<Waiting>) -> Vec<Waiting> {
    let mut by_status: Vec<Waiting> = Vec::new();
    for part in parts {
        match by_status.iter_mut().find(|w| w.status == part.status) {
            Some(w) => w.orders += part.orders,
            None => by_status.push(part),
        }
    }
    let rank = |status: &str| {
        crate::domain::sales::OrderStatus::parse(status).map_or(usize::MAX, |s| s as usize)
    };
    by_status.sort_by_key(|w| rank(&w.status));
    by_status
}

/// Joins revenue and receipt counts by shop, and totals them.
fn period(revenue: &[reads::ShopRevenue], counts: &[reads::ShopCount]) -> Period {
    let mut shops: BTreeMap<Option<ShopId>, ShopFigures> = BTreeMap::new();
    for r in revenue {
        let figures = shops.entry(Some(r.shop_id)).or_default();
        figures.shop_id = Some(r.shop_id);
        figures.shop_name.clone_from(&r.shop_name);
        figures.revenue = r.revenue;
    }
    for c in counts {
        let figures = shops.entry(c.shop_id).or_default();
        figures.shop_id = c.shop_id;
        figures.receipts = c.receipts;
    }
    let total = ShopFigures {
        shop_id: None,
        shop_name: String::new(),
        revenue: Money::from_units(shops.values().map(|s| s.revenue.units()).sum()),
        receipts: shops.values().map(|s| s.receipts).sum(),
    };
    Period {
        shops: shops.into_values().collect(),
        total,
    }
}

/// The 30 days ending today, a zero for each day without sales.
fn every_day(found: &[DayRevenue], now: i64, zone: &TimeZone) -> Vec<DayRevenue> {
    let by_day: BTreeMap<&str, Money> = found.iter().map(|d| (d.day.as_str(), d.revenue)).collect();
    (0..30)
        .rev()
        .map(|back| {
            let day = time::day_of(time::noon_days_before(now, back, zone), zone);
            let revenue = by_day.get(day.as_str()).copied().unwrap_or(Money::ZERO);
            DayRevenue { day, revenue }
        })
        .collect()
}

/// Revenue per local hour of the receipts closed today.
fn per_hour(closed: &[reads::Closed], zone: &TimeZone) -> Vec<Money> {
    let mut hours = vec![0i64; 24];
    for receipt in closed {
        let hour = time::time_of(receipt.closed_at, zone)
            .get(..2)
            .and_then(|h| h.parse::<usize>().ok())
            .unwrap_or(0);
        if let Some(slot) = hours.get_mut(hour) {
            *slot += receipt.total_sum.units();
        }
    }
    hours.into_iter().map(Money::from_units).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_bill_is_revenue_per_net_receipt() {
        let shop = ShopFigures {
            revenue: Money::from_units(10_000),
            receipts: 3,
            ..ShopFigures::default()
        };
        assert_eq!(shop.average_bill(), Money::from_units(3_333));
        assert_eq!(ShopFigures::default().average_bill(), Money::ZERO);
    }

    #[test]
    fn hours_are_local_and_annulments_subtract() {
        let zone = TimeZone::get("Europe/Minsk").expect("test value"); // UTC+3
        let at = |hour: i64| 1_764_547_200 + hour * 3600; // 2025-12-01T00:00Z
        let closed = [
            reads::Closed {
                shop_id: None,
                closed_at: at(6),
                income: 1,
                total_sum: Money::from_units(500),
            },
            reads::Closed {
                shop_id: None,
                closed_at: at(6),
                income: -1,
                total_sum: Money::from_units(-200),
            },
        ];
        let hours = per_hour(&closed, &zone);
        assert_eq!(hours[9], Money::from_units(300));
        assert_eq!(hours.iter().map(|m| m.units()).sum::<i64>(), 300);
    }
}
