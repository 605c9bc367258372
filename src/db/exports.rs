//! The per-day sales aggregates and the export queries over them (API.md §9), and the
//! receipts of a cash day.

use std::collections::{BTreeMap, HashMap};

use super::batch::{self, Record};
use super::{Db, DbError, FromRow, Param, Query, Row, Tx, Value};
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::ids::{AccountId, ProductId, ShopId};
use crate::{from_row, params, record};

/// Sales of one product at one unit price on one calendar day, cash day and shop, signed by
/// `income`; money in hundredths, quantity in thousandths, price in millionths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DailyRow {
    pub day: String,
    pub shift_day: String,
    pub shop_id: i64,
    pub product_id: i64,
    pub price: i64,
    pub qty: i64,
    pub discount: i64,
    pub total_sum: i64,
    pub kinds: [i64; 5],
}

impl DailyRow {
    /// Adds `other`'s sums to these.
    pub fn add(&mut self, other: &DailyRow) {
        self.qty += other.qty;
        self.discount += other.discount;
        self.total_sum += other.total_sum;
        for k in 0..5 {
            self.kinds[k] += other.kinds[k];
        }
    }

    /// The sums of this row as the columns of an aggregate.
    fn sums(&self) -> [Param; 8] {
        let [cash, card, cashless, bonus, credit] = self.kinds;
        [
            ("qty", Value::from(self.qty)),
            ("discount", Value::from(self.discount)),
            ("total_sum", Value::from(self.total_sum)),
            ("cash", Value::from(cash)),
            ("card", Value::from(card)),
            ("cashless", Value::from(cashless)),
            ("bonus", Value::from(bonus)),
            ("credit", Value::from(credit)),
        ]
    }
}

const SUMS: &str = "qty, discount, total_sum, cash, card, cashless, bonus, credit";

/// The rows grouped by `key`, summed (one row per key: PostgreSQL refuses to update a row
/// twice in one statement, as two lines of one product at one price would).
fn grouped<'a, K: Ord>(
    rows: &'a [DailyRow],
    key: impl Fn(&'a DailyRow) -> K,
) -> BTreeMap<K, DailyRow> {
    let mut out: BTreeMap<K, DailyRow> = BTreeMap::new();
    for r in rows {
        let entry = out.entry(key(r)).or_insert_with(|| DailyRow {
            qty: 0,
            discount: 0,
            total_sum: 0,
            kinds: [0; 5],
            ..r.clone()
        });
        entry.add(r);
    }
    out
}

/// Adds `(key columns, sums)` rows to `table`, whose key is `account_id` and `keys` (the
/// columns each record starts with).
async fn add_sums(
    tx: &mut Tx,
    table: &str,
    keys: &[&str],
    rows: Vec<(Record, &DailyRow)>,
) -> Result<(), DbError> {
    let records: Vec<Record> = rows
        .into_iter()
        .map(|(mut record, r)| {
            record.extend(r.sums());
            record
        })
        .collect();
    let sums: Vec<String> = SUMS
        .split(", ")
        .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
        .collect();
    let tail = format!(
        "ON CONFLICT (account_id, {}) DO UPDATE SET {}",
        keys.join(", "),
        sums.join(", ")
    );
    batch::insert(tx, table, &records, &tail).await
}

/// The key of a `sales_daily` row.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct DailyKey<'a> {
    day: &'a str,
    shift_day: &'a str,
    shop_id: i64,
    product_id: i64,
    price: i64,
}

/// The key of a `sales_monthly` row.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct MonthlyKey<'a> {
    month: &'a str,
    shop_id: i64,
    product_id: i64,
    price: i64,
}

/// The key of a `sales_daily_workspaces` row.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct WorkspaceKey<'a> {
    day: &'a str,
    shift_day: &'a str,
    shop_id: i64,
    workspace_id: i64,
}

/// Adds rows to the daily, monthly and (by the products' workspaces) workspace aggregates.
pub async fn add<S: std::hash::BuildHasher>(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[DailyRow],
    workspaces: &HashMap<i64, i64, S>,
) -> Result<(), DbError> {
    let daily = grouped(rows, |r| DailyKey {
        day: &r.day,
        shift_day: &r.shift_day,
        shop_id: r.shop_id,
        product_id: r.product_id,
        price: r.price,
    });
    let keyed = daily
        .iter()
        .map(|(k, r)| {
            let record = record! {
                account_id,
                day: k.day,
                shift_day: k.shift_day,
                shop_id: k.shop_id,
                product_id: k.product_id,
                price: k.price,
            };
            (record, r)
        })
        .collect();
    add_sums(
        tx,
        "sales_daily",
        &["day", "shift_day", "shop_id", "product_id", "price"],
        keyed,
    )
    .await?;
    let monthly = grouped(rows, |r| MonthlyKey {
        month: month(&r.day),
        shop_id: r.shop_id,
        product_id: r.product_id,
        price: r.price,
    });
    let keyed = monthly
        .iter()
        .map(|(k, r)| {
            let record = record! {
                account_id,
                month: k.month,
                shop_id: k.shop_id,
                product_id: k.product_id,
                price: k.price,
            };
            (record, r)
        })
        .collect();
    add_sums(
        tx,
        "sales_monthly",
        &["month", "shop_id", "product_id", "price"],
        keyed,
    )
    .await?;
    let by_workspace = grouped(rows, |r| WorkspaceKey {
        day: &r.day,
        shift_day: &r.shift_day,
        shop_id: r.shop_id,
        workspace_id: workspaces.get(&r.product_id).copied().unwrap_or(0),
    });
    let keyed = by_workspace
        .iter()
        .map(|(k, r)| {
            let record = record! {
                account_id,
                day: k.day,
                shift_day: k.shift_day,
                shop_id: k.shop_id,
                workspace_id: k.workspace_id,
            };
            (record, r)
        })
        .collect();
    add_sums(
        tx,
        "sales_daily_workspaces",
        &["day", "shift_day", "shop_id", "workspace_id"],
        keyed,
    )
    .await
}

/// `YYYY-MM` of a `YYYY-MM-DD` day.
fn month(day: &str) -> &str {
    day.get(..7).unwrap_or(day)
}

/// Which days an export covers.
#[derive(Debug, Clone)]
pub enum Period {
    /// Calendar days, both inclusive (`YYYY-MM-DD`).
    Days(String, String),
    /// One cash day.
    ShiftDay(String),
}

impl Period {
    /// The condition on `day`/`shift_day`, and its parameters.
    fn condition(&self) -> (&'static str, Vec<Param>) {
        match self {
            Period::Days(from, to) => (
                "day >= :from AND day <= :to",
                vec![("from", Value::from(from)), ("to", Value::from(to))],
            ),
            Period::ShiftDay(day) => ("shift_day = :day", vec![("day", Value::from(day))]),
        }
    }
}

/// An export line: sums over a group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sums {
    /// The shop, when the export groups by shop.
    pub shop_id: Option<ShopId>,
    /// The product or the workspace (0: none) the line is for.
    pub key: i64,
    /// The unit price, when the export groups by price.
    pub price: Option<UnitCost>,
    pub qty: Qty,
    pub discount: Money,
    pub total_sum: Money,
    /// Paid by kind: cash, card, cashless, bonus, credit.
    pub kinds: [Money; 5],
}

impl FromRow for Sums {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(Sums {
            shop_id: row.get("shop_id")?,
            key: row.get("key")?,
            price: row.get("price")?,
            qty: row.get("qty")?,
            discount: row.get("discount")?,
            total_sum: row.get("total_sum")?,
            kinds: [
                row.get("cash")?,
                row.get("card")?,
                row.get("cashless")?,
                row.get("bonus")?,
                row.get("credit")?,
            ],
        })
    }
}

impl Sums {
    /// The line of `sums`, for the group `(shop_id, key, price)`.
    pub fn of(shop_id: Option<ShopId>, key: i64, price: Option<UnitCost>, sums: &DailyRow) -> Sums {
        Sums {
            shop_id,
            key,
            price,
            qty: Qty::from_units(sums.qty),
            discount: Money::from_units(sums.discount),
            total_sum: Money::from_units(sums.total_sum),
            kinds: sums.kinds.map(Money::from_units),
        }
    }
}

/// `CAST(SUM(qty) AS BIGINT) AS qty, …` for every sum.
fn summed() -> String {
    SUMS.split(", ")
        .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Sales by shop, product and price (or by product alone), from the product aggregate.
pub async fn sales(
    db: &Db,
    account_id: AccountId,
    period: &Period,
    by_product_only: bool,
) -> Result<Vec<Sums>, DbError> {
    let (source, mut params) = sales_source(period);
    params.push(("account_id", Value::from(account_id)));
    let sql = if by_product_only {
        format!(
            "SELECT CAST(NULL AS BIGINT) AS shop_id, product_id AS key, CAST(NULL AS BIGINT) AS price, {} \
             FROM ({source}) AS s GROUP BY product_id ORDER BY product_id",
            summed()
        )
    } else {
        format!(
            "SELECT shop_id, product_id AS key, price, {} FROM ({source}) AS s GROUP BY shop_id, product_id, price \
             ORDER BY shop_id, product_id, price",
            summed()
        )
    };
    db.read().await.all(&sql, &params).await
}

/// The product-level rows a period covers: whole months from the monthly aggregate, the
/// days around them from the daily one; the parameters, but for `:account_id`.
fn sales_source(period: &Period) -> (String, Vec<Param>) {
    let columns = format!("shop_id, product_id, price, {SUMS}");
    let daily = |condition: &str| {
        format!("SELECT {columns} FROM sales_daily WHERE account_id = :account_id AND {condition}")
    };
    let Period::Days(from, to) = period else {
        let (condition, params) = period.condition();
        return (daily(condition), params);
    };
    match whole_months(from, to) {
        None => {
            let (condition, params) = period.condition();
            (daily(condition), params)
        }
        Some(months) if months.first == months.last && &months.from == from && &months.to == to => {
            // exactly one calendar month: its rows, already one per key, in key order
            let monthly = format!(
                "SELECT {columns} FROM sales_monthly WHERE account_id = :account_id AND month = :month"
            );
            (monthly, vec![("month", Value::from(months.first))])
        }
        Some(months) => {
            let monthly = format!(
                "SELECT {columns} FROM sales_monthly WHERE account_id = :account_id \
                 AND month >= :first AND month <= :last"
            );
            let edges = daily(
                "((day >= :from AND day < :months_from) OR (day > :months_to AND day <= :to))",
            );
            let params = vec![
                ("first", Value::from(months.first)),
                ("last", Value::from(months.last)),
                ("from", Value::from(from)),
                ("months_from", Value::from(months.from)),
                ("months_to", Value::from(months.to)),
                ("to", Value::from(to)),
            ];
            (format!("{monthly} UNION ALL {edges}"), params)
        }
    }
}

/// The whole months inside a range of days.
#[derive(Debug, PartialEq, Eq)]
struct Months {
    /// The first month (`YYYY-MM`).
    first: String,
    /// The last month.
    last: String,
    /// The first day of the first month (`YYYY-MM-DD`).
    from: String,
    /// The last day of the last month.
    to: String,
}

/// The whole months inside `[from, to]` (days `YYYY-MM-DD`); `None` when there is none.
fn whole_months(from: &str, to: &str) -> Option<Months> {
    let parse = |d: &str| jiff::civil::Date::strptime("%Y-%m-%d", d).ok();
    let (from, to) = (parse(from)?, parse(to)?);
    let start = if from.day() == 1 {
        from
    } else {
        from.last_of_month().tomorrow().ok()?
    };
    let end = if to == to.last_of_month() {
        to
    } else {
        to.first_of_month().yesterday().ok()?
    };
    if start > end {
        return None;
    }
    let month = |d: jiff::civil::Date| d.strftime("%Y-%m").to_string();
    Some(Months {
        first: month(start),
        last: month(end),
        from: start.to_string(),
        to: end.to_string(),
    })
}

/// Sales by workspace (and shop), from the workspace aggregate.
pub async fn totals(
    db: &Db,
    account_id: AccountId,
    period: &Period,
    by_shop: bool,
) -> Result<Vec<Sums>, DbError> {
    let (condition, mut params) = period.condition();
    params.push(("account_id", Value::from(account_id)));
    let sql = if by_shop {
        format!(
            "SELECT shop_id, workspace_id AS key, CAST(NULL AS BIGINT) AS price, {} FROM sales_daily_workspaces \
             WHERE account_id = :account_id AND {condition} \
             GROUP BY shop_id, workspace_id ORDER BY shop_id, workspace_id",
            summed()
        )
    } else {
        format!(
            "SELECT CAST(NULL AS BIGINT) AS shop_id, workspace_id AS key, CAST(NULL AS BIGINT) AS price, {} \
             FROM sales_daily_workspaces WHERE account_id = :account_id AND {condition} \
             GROUP BY workspace_id ORDER BY workspace_id",
            summed()
        )
    };
    db.read().await.all(&sql, &params).await
}

/// A product as the sales export names it.
#[derive(Debug, Clone)]
pub struct ProductName {
    pub id: ProductId,
    pub name: String,
    pub ref_code: String,
    pub deleted: bool,
}

from_row!(ProductName {
    id,
    name,
    ref_code,
    deleted
});

/// Name, `ref_code` and deleted flag of every product, by id.
pub async fn product_names(
    db: &Db,
    account_id: AccountId,
) -> Result<HashMap<ProductId, ProductName>, DbError> {
    let rows: Vec<ProductName> = db
        .read()
        .await
        .all(
            "SELECT id, name, ref_code, deleted FROM products WHERE account_id = :account_id",
            params! { account_id },
        )
        .await?;
    Ok(rows.into_iter().map(|p| (p.id, p)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_splits_into_whole_months_and_the_days_around_them() {
        let months = |a: &str, b: &str| whole_months(a, b);
        let expect = |first: &str, last: &str, from: &str, to: &str| {
            Some(Months {
                first: first.into(),
                last: last.into(),
                from: from.into(),
                to: to.into(),
            })
        };
        assert_eq!(
            months("2026-10-01", "2026-10-31"),
            expect("2026-10", "2026-10", "2026-10-01", "2026-10-31")
        );
        assert_eq!(
            months("2026-09-15", "2026-12-03"),
            expect("2026-10", "2026-11", "2026-10-01", "2026-11-30")
        );
        assert_eq!(months("2026-10-02", "2026-10-31"), None);
        assert_eq!(months("2026-02-01", "2026-02-27"), None);
    }
}
