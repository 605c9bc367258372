//! The per-day sales aggregates and the export queries over them (API.md §9), and the
//! receipts of a cash day.

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

fn add_on_conflict(key: &str) -> String {
    let sums: Vec<String> = SUMS
        .split(", ")
        .map(|c| format!("{c} = {{t}}.{c} + excluded.{c}"))
        .collect();
    format!("ON CONFLICT ({key}) DO UPDATE SET {}", sums.join(", "))
}

fn sums(row: &DailyRow) -> Vec<Value> {
    let mut values: Vec<Value> = vec![row.qty.into(), row.discount.into(), row.total_sum.into()];
    values.extend(row.kinds.iter().map(|&k| Value::from(k)));
    values
}

/// Adds rows to the product aggregate and, by the products' workspaces, to the workspace one.
pub async fn add(
    tx: &mut Tx,
    account_id: i64,
    rows: &[DailyRow],
    workspaces: &std::collections::HashMap<i64, i64>,
) -> Result<(), DbError> {
    // one row per key: PostgreSQL refuses to update a row twice in one statement (two lines of
    // the same product at the same price)
    let mut merged: std::collections::BTreeMap<(String, String, i64, i64, i64), DailyRow> =
        Default::default();
    for r in rows {
        let entry = merged
            .entry((
                r.day.clone(),
                r.shift_day.clone(),
                r.shop_id,
                r.product_id,
                r.price,
            ))
            .or_insert_with(|| DailyRow {
                kinds: [0; 5],
                qty: 0,
                discount: 0,
                total_sum: 0,
                ..r.clone()
            });
        entry.qty += r.qty;
        entry.discount += r.discount;
        entry.total_sum += r.total_sum;
        for k in 0..5 {
            entry.kinds[k] += r.kinds[k];
        }
    }
    let product_rows: Vec<Vec<Value>> = merged
        .values()
        .map(|r| {
            let mut v: Vec<Value> = vec![
                account_id.into(),
                r.day.as_str().into(),
                r.shift_day.as_str().into(),
                r.shop_id.into(),
                r.product_id.into(),
                r.price.into(),
            ];
            v.extend(sums(r));
            v
        })
        .collect();
    let tail = add_on_conflict("account_id, day, shift_day, shop_id, product_id, price")
        .replace("{t}", "sales_daily");
    batch::insert(
        tx,
        &format!("INSERT INTO sales_daily (account_id, day, shift_day, shop_id, product_id, price, {SUMS})"),
        &product_rows,
        &tail,
    )
    .await?;
    // one row per workspace: sum the lines first
    let mut by_workspace: std::collections::BTreeMap<(String, String, i64, i64), DailyRow> =
        Default::default();
    for r in rows {
        let workspace = workspaces.get(&r.product_id).copied().unwrap_or(0);
        let entry = by_workspace
            .entry((r.day.clone(), r.shift_day.clone(), r.shop_id, workspace))
            .or_default();
        entry.qty += r.qty;
        entry.discount += r.discount;
        entry.total_sum += r.total_sum;
        for k in 0..5 {
            entry.kinds[k] += r.kinds[k];
        }
    }
    let workspace_rows: Vec<Vec<Value>> = by_workspace
        .iter()
        .map(|((day, shift_day, shop, workspace), r)| {
            let mut v: Vec<Value> = vec![
                account_id.into(),
                day.as_str().into(),
                shift_day.as_str().into(),
                (*shop).into(),
                (*workspace).into(),
            ];
            v.extend(sums(r));
            v
        })
        .collect();
    let tail = add_on_conflict("account_id, day, shift_day, shop_id, workspace_id")
        .replace("{t}", "sales_daily_workspaces");
    batch::insert(
        tx,
        &format!("INSERT INTO sales_daily_workspaces (account_id, day, shift_day, shop_id, workspace_id, {SUMS})"),
        &workspace_rows,
        &tail,
    )
    .await
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
    account_id: i64,
    period: &Period,
    by_product_only: bool,
) -> Result<Vec<Sums>, DbError> {
    let (condition, mut params) = period.condition();
    params.insert(0, account_id.into());
    let sql = if by_product_only {
        format!("SELECT 0, product_id, 0, {} FROM sales_daily WHERE account_id = $1 AND {condition} GROUP BY product_id ORDER BY product_id", summed())
    } else {
        format!(
            "SELECT shop_id, product_id, price, {} FROM sales_daily WHERE account_id = $1 AND {condition} \
             GROUP BY shop_id, product_id, price ORDER BY shop_id, product_id, price",
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

/// Sales by workspace (and shop), from the workspace aggregate.
pub async fn totals(
    db: &Db,
    account_id: i64,
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
    account_id: i64,
) -> Result<std::collections::HashMap<i64, (String, String, bool)>, DbError> {
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
