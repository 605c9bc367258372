//! `caffesta dev seed-sales`: fills an account with a year of realistic sales for benchmarks
//! and demos, through the same write path as a till's receipts (stock write-off, client
//! balances, export aggregates), many receipts to a transaction. Deterministic: the same
//! arguments give the same sales.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::db::ids::{self, Kind};
use crate::db::{self, accounts, objects, sales as sales_db, Db};
use crate::domain::time;
use crate::wire::sales::ReceiptIn;

use super::admin;
use super::sales::{self, Till};
use super::{menu_import, Actor, ServiceError, ServiceResult};

/// How much to make.
#[derive(Debug, Clone, Copy)]
pub struct SeedSpec {
    pub days: i64,
    pub shops: i64,
    pub products: i64,
    pub lines: i64,
}

/// What was made.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seeded {
    pub receipts: i64,
    pub lines: i64,
}

/// Receipts per transaction.
const BATCH: usize = 250;
/// Receipts a day at shop 1, so that one terminal-day is busy.
const BUSY_SHOP_DAY: i64 = 500;

/// Makes shops, products (with prices and stock) and sales; `progress` hears the lines made.
pub async fn seed_sales(
    db: &Db,
    account: &str,
    spec: SeedSpec,
    progress: impl Fn(i64),
) -> ServiceResult<Seeded> {
    if spec.days < 1 || spec.shops < 1 || spec.products < 1 || spec.lines < 1 {
        return Err(ServiceError::invalid(
            "days",
            "days, shops, products and lines must be positive",
        ));
    }
    let account_id = match admin::account_id(db, account).await {
        Ok(id) => id,
        Err(ServiceError::NotFound(_)) => admin::create_account(db, account, None).await?,
        Err(e) => return Err(e),
    };
    let found = accounts::find_by_name(db, &account.to_ascii_lowercase())
        .await?
        .ok_or_else(|| ServiceError::NotFound(account.into()))?;
    let timezone =
        time::parse_timezone(&found.timezone).map_err(|e| ServiceError::invalid("timezone", e))?;
    let actor = Actor {
        account_id,
        user_id: 0,
        timezone,
    };
    ensure_shops(db, account, account_id, spec.shops).await?;
    let prices = products(db, &actor, spec).await?;
    let mut rng = StdRng::seed_from_u64(20_261_123);
    let receipts_total = (spec.lines / 5).max(1);
    let per_day = (receipts_total / spec.days).max(1);
    let busy = BUSY_SHOP_DAY.min(per_day);
    let today = jiff::Timestamp::now()
        .to_zoned(actor.timezone.clone())
        .date();
    let mut made = Seeded::default();
    for d in (1..=spec.days).rev() {
        let day = today
            .checked_sub(jiff::Span::new().days(d))
            .map_err(|e| ServiceError::invalid("days", e.to_string()))?;
        for shop in 1..=spec.shops {
            let count = if shop == 1 {
                busy
            } else {
                (per_day - busy) / (spec.shops - 1).max(1)
            };
            if count == 0 || made.lines >= spec.lines {
                continue;
            }
            made = shop_day(
                db,
                &actor,
                shop,
                &day.to_string(),
                count,
                &prices,
                &mut rng,
                made,
                &progress,
            )
            .await?;
        }
    }
    Ok(made)
}

async fn ensure_shops(db: &Db, account: &str, account_id: i64, shops: i64) -> ServiceResult<()> {
    let mut tx = db.begin_write().await?;
    let have = objects::live_ids(&mut tx, objects::Table::Shops, account_id)
        .await?
        .len() as i64;
    drop(tx);
    for n in have + 1..=shops {
        let storage = admin::create_storage(db, account, &format!("Склад {n}")).await?;
        admin::create_shop(db, account, &format!("Точка {n}"), storage).await?;
    }
    Ok(())
}

/// Products `s0…` with prices at every shop, in categories and workspaces, stocked in every
/// shop's storage; returns each product's (id, price in cents, sold by weight).
async fn products(db: &Db, actor: &Actor, spec: SeedSpec) -> ServiceResult<Vec<(i64, i64, bool)>> {
    let mut rng = StdRng::seed_from_u64(7);
    let items: Vec<serde_json::Value> = (0..spec.products)
        .map(|n| {
            let cents = rng.gen_range(80..2_500);
            let prices: Vec<_> = (1..=spec.shops)
                .map(|s| json!({"shop_id": s, "value": format!("{}.{:02}", cents / 300, cents % 100), "value_day": format!("{}.{:02}", cents / 100, cents % 100)}))
                .collect();
            let balances: Vec<_> = (1..=spec.shops).map(|s| json!({"storage_id": s, "balance": 1_000_000})).collect();
            json!({"id": format!("s{n}"), "name": format!("Блюдо {n}"), "measure": if n % 10 == 0 { "kg" } else { "pcs" },
                   "prices": prices, "balances": balances, "category_id": format!("c{}", n % 20), "work_space_code": format!("ws{}", n % 5)})
        })
        .collect();
    let categories: Vec<_> = (0..20)
        .map(|c| json!({"id": format!("c{c}"), "name": format!("Категория {c}"), "level": 1}))
        .collect();
    let body = json!({"update_balances": true, "categories": categories, "items": items});
    let input =
        serde_json::from_value(body).map_err(|e| ServiceError::invalid("seed", e.to_string()))?;
    menu_import::import(db, actor, &input, menu_import::Mode::Partial).await?;
    let mut tx = db.begin_snapshot().await?;
    let all = crate::db::products::all_by_code(&mut tx, actor.account_id).await?;
    let mut out = Vec::with_capacity(spec.products as usize);
    let mut rng = StdRng::seed_from_u64(7);
    for n in 0..spec.products {
        let cents: i64 = rng.gen_range(80..2_500);
        let id = all.get(&format!("s{n}")).map(|p| p.id).unwrap_or(0);
        out.push((id, cents, n % 10 == 0));
    }
    Ok(out)
}

/// One shop's cash day: a shift opened and closed around `count` receipts.
#[allow(clippy::too_many_arguments)]
async fn shop_day(
    db: &Db,
    actor: &Actor,
    shop: i64,
    day: &str,
    count: i64,
    prices: &[(i64, i64, bool)],
    rng: &mut StdRng,
    mut made: Seeded,
    progress: &impl Fn(i64),
) -> ServiceResult<Seeded> {
    let till = Till {
        actor: actor.clone(),
        shop_id: shop,
    };
    let now = time::now_unix();
    let mut tx = db.begin_write().await?;
    let shift_id = ids::next(&mut tx, actor.account_id, Kind::Shift).await?;
    sales_db::open_shift(&mut tx, actor.account_id, shift_id, shop, day, now).await?;
    let shift = (shift_id, day.to_owned());
    let mut in_batch = 0;
    for _ in 0..count {
        let input = receipt(day, prices, rng)?;
        made.lines += input.lines.len() as i64;
        made.receipts += 1;
        let checked = sales::check(&input, &actor.timezone, now)?;
        sales::record(&mut tx, &till, &shift, checked, now).await?;
        in_batch += 1;
        if in_batch == BATCH {
            db::commit(tx).await?;
            progress(made.lines);
            tx = db.begin_write().await?;
            in_batch = 0;
        }
    }
    sales_db::close_shift(&mut tx, actor.account_id, shop, shift_id, now).await?;
    db::commit(tx).await?;
    progress(made.lines);
    Ok(made)
}

/// A receipt of 1–9 lines (5 on average) at a time of day between 08:00 and 23:59, paid by
/// card or in cash (sometimes with change), now and then with a discount.
fn receipt(day: &str, prices: &[(i64, i64, bool)], rng: &mut StdRng) -> ServiceResult<ReceiptIn> {
    let lines: Vec<serde_json::Value> = (0..rng.gen_range(1..=9))
        .map(|_| {
            // a few products sell far more than the rest
            let i = if rng.gen_bool(0.5) { rng.gen_range(0..prices.len().min(50)) } else { rng.gen_range(0..prices.len()) };
            let (id, cents, by_weight) = prices[i];
            let count = if by_weight { rng.gen_range(100..1_500) } else { 1000 * rng.gen_range(1..=2) };
            let gross = cents * count / 1000;
            let discount = if rng.gen_bool(0.1) { gross / 10 } else { 0 };
            let money = |c: i64| format!("{}.{:02}", c / 100, c % 100);
            json!({"product_id": id, "count": format!("{}.{:03}", count / 1000, count % 1000), "price": money(cents),
                   "discount_sum": money(discount), "total_sum": money(gross - discount)})
        })
        .collect();
    let total: i64 = lines
        .iter()
        .map(|l| {
            let text = l["total_sum"].as_str().unwrap_or("0");
            let (whole, cents) = text.split_once('.').unwrap_or((text, "0"));
            whole.parse::<i64>().unwrap_or(0) * 100 + cents.parse::<i64>().unwrap_or(0)
        })
        .sum();
    let cash = rng.gen_bool(0.4);
    let paid = if cash { (total / 100 + 1) * 100 } else { total };
    let minute = rng.gen_range(8 * 60..24 * 60);
    let body = json!({"created_at": format!("{day} {:02}:{:02}", minute / 60, minute % 60), "lines": lines,
                      "payments": [{"payment_id": if cash { 1 } else { 2 }, "value": format!("{}.{:02}", paid / 100, paid % 100)}]});
    serde_json::from_value(body).map_err(|e| ServiceError::invalid("seed", e.to_string()))
}
