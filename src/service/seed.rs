//! `caffesta dev seed-sales`: fills an account with a year of realistic sales for benchmarks
//! and demos, through the same write path as a till's receipts (stock write-off, client
//! balances, export aggregates), many receipts to a transaction. Deterministic: the same
//! arguments give the same sales.

use crate::domain::ids::AccountId;
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
const BATCH: i64 = 250;
/// Receipts a day at shop 1, so that one terminal-day is busy.
const BUSY_SHOP_DAY: i64 = 500;

/// Makes shops, products (with prices and stock) and sales; `progress` hears the lines made.
#[tracing::instrument(skip_all, fields(account = %account))]
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
    let name = account.trim().to_ascii_lowercase();
    let found = if let Some(found) = accounts::find_by_name(db, &name).await? {
        found
    } else {
        admin::create_account(db, &name, None).await?;
        accounts::find_by_name(db, &name)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no account named {name:?}")))?
    };
    let (account_id, timezone) = (
        found.id,
        time::parse_timezone(&found.timezone).map_err(|e| ServiceError::invalid("timezone", e))?,
    );
    let actor = Actor {
        account_id,
        user_id: 0,
        timezone,
    };
    ensure_shops(db, account, account_id, spec.shops).await?;
    let prices = products(db, &actor, spec).await?;
    let receipts_total = (spec.lines / 5).max(1);
    let per_day = (receipts_total / spec.days).max(1);
    let busy = BUSY_SHOP_DAY.min(per_day);
    let today = jiff::Timestamp::now()
        .to_zoned(actor.timezone.clone())
        .date();
    let mut seeder = Seeder {
        db,
        actor: &actor,
        prices: &prices,
        rng: StdRng::seed_from_u64(20_261_123),
        made: Seeded::default(),
        progress: &progress,
    };
    for d in (1..=spec.days).rev() {
        let day = today
            .checked_sub(jiff::Span::new().days(d))
            .map_err(|e| ServiceError::invalid("days", e.to_string()))?
            .to_string();
        for shop in 1..=spec.shops {
            let count = if shop == 1 {
                busy
            } else {
                (per_day - busy) / (spec.shops - 1).max(1)
            };
            if count > 0 && seeder.made.lines < spec.lines {
                seeder.shop_day(shop, &day, count).await?;
            }
        }
    }
    let made = seeder.made;
    Ok(made)
}

async fn ensure_shops(
    db: &Db,
    account: &str,
    account_id: AccountId,
    shops: i64,
) -> ServiceResult<()> {
    let mut tx = db.begin_write().await?;
    let have = objects::live_ids::<crate::domain::ids::ShopId>(&mut tx, account_id)
        .await?
        .len();
    let have = i64::try_from(have).unwrap_or(i64::MAX);
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
    let cents: Vec<i64> = (0..spec.products)
        .map(|_| rng.gen_range(80..2_500))
        .collect();
    let by_weight = |n: usize| n.is_multiple_of(10);
    let money = |c: i64| format!("{}.{:02}", c / 100, c % 100);
    let items: Vec<serde_json::Value> = cents
        .iter()
        .enumerate()
        .map(|(n, &cents)| {
            let prices: Vec<_> = (1..=spec.shops)
                .map(|s| json!({"shop_id": s, "value": money(cents / 3), "value_day": money(cents)}))
                .collect();
            json!({"id": format!("s{n}"), "name": format!("Блюдо {n}"), "measure": if by_weight(n) { "kg" } else { "pcs" },
                   "prices": prices, "category_id": format!("c{}", n % 20), "work_space_code": format!("ws{}", n % 5)})
        })
        .collect();
    let categories: Vec<_> = (0..20)
        .map(|c| json!({"id": format!("c{c}"), "name": format!("Категория {c}"), "level": 1}))
        .collect();
    let body = json!({"categories": categories, "items": items});
    let input =
        serde_json::from_value(body).map_err(|e| ServiceError::invalid("seed", e.to_string()))?;
    menu_import::import(db, actor, &input, menu_import::Mode::Partial).await?;
    // stock in every shop's storage, bought the day before the first day of sales (the
    // ledger values each sale as of its date: stock must come in before it goes out)
    let bought = time::format_rfc3339(
        time::now_unix() - (spec.days + 1) * 86_400,
        &jiff::tz::TimeZone::UTC,
    );
    for storage in 1..=spec.shops {
        let lines: Vec<serde_json::Value> = cents
            .iter()
            .enumerate()
            .map(|(n, &c)| json!({"product_code": format!("s{n}"), "amount": 1_000_000, "price": money(c / 3)}))
            .collect();
        let invoice = json!({"date": bought, "storage": {"caf_id": storage}, "items": lines});
        let input = serde_json::from_value(invoice)
            .map_err(|e| ServiceError::invalid("seed", e.to_string()))?;
        let id = super::invoices::create(db, actor, &input).await?;
        super::documents::set_wired(db, actor, id, true).await?;
    }
    let mut tx = db.begin_snapshot().await?;
    let all = crate::db::products::all_by_code(&mut tx, actor.account_id).await?;
    cents
        .iter()
        .enumerate()
        .map(|(n, &cents)| match all.get(&format!("s{n}")) {
            Some(p) => Ok((p.id.get(), cents, by_weight(n))),
            None => Err(ServiceError::NotFound(format!(
                "product s{n} was not imported"
            ))),
        })
        .collect()
}

/// Sales in the making: where they go and what has been made.
struct Seeder<'a, P: Fn(i64)> {
    db: &'a Db,
    actor: &'a Actor,
    /// each product's (id, price in cents, sold by weight)
    prices: &'a [(i64, i64, bool)],
    rng: StdRng,
    made: Seeded,
    progress: &'a P,
}

impl<P: Fn(i64)> Seeder<'_, P> {
    /// One shop's cash day: a shift opened and closed around `count` receipts.
    async fn shop_day(&mut self, shop: i64, day: &str, count: i64) -> ServiceResult<()> {
        let (db, account_id) = (self.db, self.actor.account_id);
        let shop = crate::domain::ids::ShopId::new(shop);
        let till = Till {
            actor: self.actor.clone(),
            shop_id: shop,
        };
        let now = time::now_unix();
        let mut tx = db.begin_write().await?;
        let shift = sales_db::OpenShift {
            id: crate::domain::ids::ShiftId::new(
                ids::next(&mut tx, account_id, Kind::Shift).await?,
            ),
            shift_day: day.to_owned(),
            employee_id: None,
        };
        sales_db::open_shift(&mut tx, account_id, shop, &shift, now).await?;
        let shift_id = shift.id;
        // the day's receipts in the order they were closed, as a till uploads them
        let mut receipts = (0..count)
            .map(|_| receipt(day, self.prices, &mut self.rng))
            .collect::<ServiceResult<Vec<ReceiptIn>>>()?;
        receipts.sort_by(|a, b| a.created_at.cmp(&b.created_at));
        for (n, input) in (1..).zip(receipts) {
            self.made.lines += i64::try_from(input.lines.len()).unwrap_or(i64::MAX);
            self.made.receipts += 1;
            let checked = sales::check(&input, &self.actor.timezone, now)?;
            sales::record(&mut tx, &till, &shift, checked, now).await?;
            if n % BATCH == 0 {
                db::commit(tx).await?;
                (self.progress)(self.made.lines);
                tx = db.begin_write().await?;
            }
        }
        sales_db::close_shift(&mut tx, account_id, shop, shift_id, now).await?;
        db::commit(tx).await?;
        (self.progress)(self.made.lines);
        Ok(())
    }
}

/// A receipt of 1–9 lines (5 on average) at a time of day between 08:00 and 23:59, paid by
/// card or in cash (sometimes with change), now and then with a discount.
fn receipt(day: &str, prices: &[(i64, i64, bool)], rng: &mut StdRng) -> ServiceResult<ReceiptIn> {
    let money = |c: i64| format!("{}.{:02}", c / 100, c % 100);
    let mut total = 0;
    let mut lines = Vec::new();
    for _ in 0..rng.gen_range(1..=9) {
        // a few products sell far more than the rest
        let i = if rng.gen_bool(0.5) {
            rng.gen_range(0..prices.len().min(50))
        } else {
            rng.gen_range(0..prices.len())
        };
        let (id, cents, by_weight) = prices[i];
        let count = if by_weight {
            rng.gen_range(100..1_500)
        } else {
            1000 * rng.gen_range(1..=2)
        };
        let gross = cents * count / 1000;
        let discount = if rng.gen_bool(0.1) { gross / 10 } else { 0 };
        total += gross - discount;
        lines.push(json!({"product_id": id, "count": format!("{}.{:03}", count / 1000, count % 1000), "price": money(cents),
                          "discount_sum": money(discount), "total_sum": money(gross - discount)}));
    }
    let cash = rng.gen_bool(0.4);
    let paid = if cash { (total / 100 + 1) * 100 } else { total };
    let minute = rng.gen_range(8 * 60..24 * 60);
    let body = json!({"created_at": format!("{day} {:02}:{:02}", minute / 60, minute % 60), "lines": lines,
                      "payments": [{"payment_id": if cash { 1 } else { 2 }, "value": money(paid)}]});
    serde_json::from_value(body).map_err(|e| ServiceError::invalid("seed", e.to_string()))
}
