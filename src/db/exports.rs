//! The per-day sales aggregates and the export queries over them (API.md §9), and the
//! receipts of a cash day.

use crate::domain::ids::AccountId;
use std::collections::{BTreeMap, HashMap};

use super::batch;
use super::{Db, DbError, Row, Tx, Value};

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

const SUMS: &str = "qty, discount, total_sum, cash, card, cashless, bonus, credit";

/// The rows grouped by `key`, summed (one row per key: PostgreSQL refuses to update a row
/// twice in one statement, as two lines of one product at one price would).
fn grouped<K: Ord>(rows: &[DailyRow], key: impl Fn(&DailyRow) -> K) -> BTreeMap<K, DailyRow> {
    let mut out: BTreeMap<K, DailyRow> = BTreeMap::new();
    for r in rows {
        let entry = out.entry(key(r)).or_insert_with(|| DailyRow {
            qty: 0,
            discount: 0,
            total_sum: 0,
            kinds: [0; 5],
            ..r.clone()
        });
        entry.qty += r.qty;
        entry.discount += r.discount;
        entry.total_sum += r.total_sum;
        for k in 0..5 {
            entry.kinds[k] += r.kinds[k];
        }
    }
    out
}

/// Adds `(key values, sums)` rows to `table`, whose key is `account_id` and `keys`.
async fn add_sums(
    tx: &mut Tx,
    account_id: AccountId,
    table: &str,
    keys: &[&str],
    rows: Vec<(Vec<Value>, &DailyRow)>,
) -> Result<(), DbError> {
    let values: Vec<Vec<Value>> = rows
        .into_iter()
        .map(|(key, r)| {
            let mut v: Vec<Value> = vec![account_id.into()];
            v.extend(key);
            v.extend([r.qty.into(), r.discount.into(), r.total_sum.into()]);
            v.extend(r.kinds.iter().map(|&k| Value::from(k)));
            v
        })
        .collect();
    let sums: Vec<String> = SUMS
        .split(", ")
        .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
        .collect();
    let head = format!(
        "INSERT INTO {table} (account_id, {}, {SUMS})",
        keys.join(", ")
    );
    let tail = format!(
        "ON CONFLICT (account_id, {}) DO UPDATE SET {}",
        keys.join(", "),
        sums.join(", ")
    );
    batch::legacy_insert(tx, &head, &values, &tail).await
}

/// Adds rows to the daily, monthly and (by the products' workspaces) workspace aggregates.
pub async fn add(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[DailyRow],
    workspaces: &HashMap<i64, i64>,
) -> Result<(), DbError> {
    let daily = grouped(rows, |r| {
        (
            r.day.clone(),
            r.shift_day.clone(),
            r.shop_id,
            r.product_id,
            r.price,
        )
    });
    let keyed = daily
        .iter()
        .map(|((day, shift_day, shop, product, price), r)| {
            (
                vec![
                    day.as_str().into(),
                    shift_day.as_str().into(),
                    (*shop).into(),
                    (*product).into(),
                    (*price).into(),
                ],
                r,
            )
        })
        .collect();
    add_sums(
        tx,
        account_id,
        "sales_daily",
        &["day", "shift_day", "shop_id", "product_id", "price"],
        keyed,
    )
    .await?;
    let monthly = grouped(rows, |r| {
        (month(&r.day).to_owned(), r.shop_id, r.product_id, r.price)
    });
    let keyed = monthly
        .iter()
        .map(|((month, shop, product, price), r)| {
            (
                vec![
                    month.as_str().into(),
                    (*shop).into(),
                    (*product).into(),
                    (*price).into(),
                ],
                r,
            )
        })
        .collect();
    add_sums(
        tx,
        account_id,
        "sales_monthly",
        &["month", "shop_id", "product_id", "price"],
        keyed,
    )
    .await?;
    let by_workspace = grouped(rows, |r| {
        let workspace = workspaces.get(&r.product_id).copied().unwrap_or(0);
        (r.day.clone(), r.shift_day.clone(), r.shop_id, workspace)
    });
    let keyed = by_workspace
        .iter()
        .map(|((day, shift_day, shop, workspace), r)| {
            (
                vec![
                    day.as_str().into(),
                    shift_day.as_str().into(),
                    (*shop).into(),
                    (*workspace).into(),
                ],
                r,
            )
        })
        .collect();
    add_sums(
        tx,
        account_id,
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
    fn condition(&self) -> (&'static str, Vec<Value>) {
        match self {
            Period::Days(from, to) => (
                "day >= $2 AND day <= $3",
                vec![from.as_str().into(), to.as_str().into()],
            ),
            Period::ShiftDay(day) => ("shift_day = $2", vec![day.as_str().into()]),
        }
    }
}

/// An export line: sums over a group.
#[derive(Debug, Clone, Default)]
pub struct Sums {
    pub shop_id: Option<i64>,
    pub key: i64,
    pub price: Option<i64>,
    pub qty: i64,
    pub discount: i64,
    pub total_sum: i64,
    pub kinds: [i64; 5],
}

fn sums_row(
    r: &Row,
    shop: Option<usize>,
    price: Option<usize>,
    first_sum: usize,
) -> Result<Sums, DbError> {
    let mut kinds = [0i64; 5];
    for (k, kind) in kinds.iter_mut().enumerate() {
        *kind = r.int(first_sum + 3 + k)?;
    }
    Ok(Sums {
        shop_id: shop.map(|i| r.int(i)).transpose()?,
        key: r.int(1)?,
        price: price.map(|i| r.int(i)).transpose()?,
        qty: r.int(first_sum)?,
        discount: r.int(first_sum + 1)?,
        total_sum: r.int(first_sum + 2)?,
        kinds,
    })
}

fn summed() -> String {
    SUMS.split(", ")
        .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
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
    params.insert(0, account_id.into());
    let sql = if by_product_only {
        format!("SELECT 0, product_id, 0, {} FROM ({source}) AS s GROUP BY product_id ORDER BY product_id", summed())
    } else {
        format!(
            "SELECT shop_id, product_id, price, {} FROM ({source}) AS s GROUP BY shop_id, product_id, price \
             ORDER BY shop_id, product_id, price",
            summed()
        )
    };
    let rows = db.read().await.fetch_all(&sql, &params).await?;
    rows.iter()
        .map(|r| match by_product_only {
            true => sums_row(r, None, None, 3),
            false => sums_row(r, Some(0), Some(2), 3),
        })
        .collect()
}

/// The product-level rows a period covers: whole months from the monthly aggregate, the
/// days around them from the daily one. Parameters from `$2` on.
fn sales_source(period: &Period) -> (String, Vec<Value>) {
    let columns = format!("shop_id, product_id, price, {SUMS}");
    let daily = |condition: &str| {
        format!("SELECT {columns} FROM sales_daily WHERE account_id = $1 AND {condition}")
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
        Some((first, last, months_from, months_to))
            if first == last && &months_from == from && &months_to == to =>
        {
            // exactly one calendar month: its rows, already one per key, in key order
            let monthly =
                format!("SELECT {columns} FROM sales_monthly WHERE account_id = $1 AND month = $2");
            (monthly, vec![first.into()])
        }
        Some((first, last, months_from, months_to)) => {
            let monthly = format!("SELECT {columns} FROM sales_monthly WHERE account_id = $1 AND month >= $2 AND month <= $3");
            let edges = daily("((day >= $4 AND day < $5) OR (day > $6 AND day <= $7))");
            let params = vec![
                first.into(),
                last.into(),
                from.as_str().into(),
                months_from.into(),
                months_to.into(),
                to.as_str().into(),
            ];
            (format!("{monthly} UNION ALL {edges}"), params)
        }
    }
}

/// The whole months inside `[from, to]` (days `YYYY-MM-DD`): (first month, last month, the
/// first day of the first, the last day of the last); `None` when there is none.
fn whole_months(from: &str, to: &str) -> Option<(String, String, String, String)> {
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
    Some((month(start), month(end), start.to_string(), end.to_string()))
}

/// Sales by workspace (and shop), from the workspace aggregate.
pub async fn totals(
    db: &Db,
    account_id: AccountId,
    period: &Period,
    by_shop: bool,
) -> Result<Vec<Sums>, DbError> {
    let (condition, mut params) = period.condition();
    params.insert(0, account_id.into());
    let sql = if by_shop {
        format!(
            "SELECT shop_id, workspace_id, {} FROM sales_daily_workspaces WHERE account_id = $1 AND {condition} \
             GROUP BY shop_id, workspace_id ORDER BY shop_id, workspace_id",
            summed()
        )
    } else {
        format!(
            "SELECT 0, workspace_id, {} FROM sales_daily_workspaces WHERE account_id = $1 AND {condition} \
             GROUP BY workspace_id ORDER BY workspace_id",
            summed()
        )
    };
    let rows = db.read().await.fetch_all(&sql, &params).await?;
    rows.iter()
        .map(|r| sums_row(r, by_shop.then_some(0), None, 2))
        .collect()
}

/// Name, ref_code and deleted flag of products, by id.
pub async fn product_names(
    db: &Db,
    account_id: AccountId,
) -> Result<HashMap<i64, (String, String, bool)>, DbError> {
    let rows = db
        .read()
        .await
        .fetch_all(
            "SELECT id, name, ref_code, deleted FROM products WHERE account_id = $1",
            &[account_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| Ok((r.int(0)?, (r.text(1)?, r.text(2)?, r.flag(3)?))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_splits_into_whole_months_and_the_days_around_them() {
        let months = |a: &str, b: &str| whole_months(a, b);
        assert_eq!(
            months("2026-10-01", "2026-10-31"),
            Some((
                "2026-10".into(),
                "2026-10".into(),
                "2026-10-01".into(),
                "2026-10-31".into()
            ))
        );
        assert_eq!(
            months("2026-09-15", "2026-12-03"),
            Some((
                "2026-10".into(),
                "2026-11".into(),
                "2026-10-01".into(),
                "2026-11-30".into()
            ))
        );
        assert_eq!(months("2026-10-02", "2026-10-31"), None);
        assert_eq!(months("2026-02-01", "2026-02-27"), None);
    }
}
