//! `caffesta dev seed-ledger`: an account whose stock ledger holds a year of a cafe chain's
//! life, for the dated-ledger benchmarks: goods bought by weekly invoices into a warehouse
//! (storage 1), weekly transfers to two shops' storages, and till sales by recipe at both
//! shops every day, through the same services a server runs, in date order. Also a wide
//! storage of many products stocked by two invoices (the balance-at-an-instant benchmark).
//! Deterministic: the same arguments give the same ledger.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::db::ids::{self, Kind};
use crate::db::{self, accounts, sales as sales_db, Db};
use crate::domain::ids::{ProductId, ShiftId, ShopId, StorageId};
use crate::domain::time;
use crate::wire::sales::ReceiptIn;

use super::sales::{self, Till};
use super::{admin, documents, invoices, moves, tech_maps, Actor, ServiceError, ServiceResult};

/// How much to make.
#[derive(Debug, Clone, Copy)]
pub struct LedgerSpec {
    pub days: i64,
    /// Goods; a fifth as many dishes of three goods each are sold.
    pub goods: i64,
    /// About how many movements the year's sales make (each dish line moves three goods).
    pub movements: i64,
    /// Products of the wide storage (0: none).
    pub wide: i64,
}

/// What was made.
#[derive(Debug, Clone, Copy, Default)]
pub struct LedgerSeeded {
    pub movements: i64,
    pub receipts: i64,
}

/// Receipts per transaction.
const BATCH: usize = 250;
/// Lines per receipt.
const LINES: i64 = 3;

fn bad(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::invalid("seed", e.to_string())
}

fn parse<T: serde::de::DeserializeOwned>(value: Value) -> ServiceResult<T> {
    serde_json::from_value(value).map_err(bad)
}

/// Makes the account (or fills an empty one) and its year; `progress` hears the movements.
#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn seed_ledger(
    db: &Db,
    account: &str,
    spec: LedgerSpec,
    progress: impl Fn(i64),
) -> ServiceResult<LedgerSeeded> {
    if spec.days < 7 || spec.goods < 3 || spec.movements < 1 {
        return Err(ServiceError::invalid(
            "days",
            "at least a week, three goods and one movement",
        ));
    }
    let name = account.trim().to_ascii_lowercase();
    if accounts::find_by_name(db, &name).await?.is_none() {
        admin::create_account(db, &name, None).await?;
    }
    let found = accounts::find_by_name(db, &name)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no account named {name:?}")))?;
    let timezone = time::parse_timezone(&found.timezone).map_err(bad)?;
    let actor = Actor {
        account_id: found.id,
        user_id: 0,
        timezone,
    };
    let warehouse = admin::create_storage(db, &name, "Склад").await?;
    let mut shops = Vec::new();
    for n in 1..=2 {
        let storage = admin::create_storage(db, &name, &format!("Точка {n}")).await?;
        let shop = admin::create_shop(db, &name, &format!("Точка {n}"), storage).await?;
        shops.push((shop, storage));
    }
    let dishes = catalog(db, &actor, spec.goods).await?;
    let mut seeder = Seeder {
        db,
        name: &name,
        actor: &actor,
        rng: StdRng::seed_from_u64(20_261_124),
        made: LedgerSeeded::default(),
    };
    let start = time::now_unix() - spec.days * 86_400;
    let start = start - start.rem_euclid(86_400);
    let lines_a_day = (spec.movements / 3 / spec.days).max(1);
    for day in 0..spec.days {
        let midnight = start + day * 86_400;
        if day % 7 == 0 {
            seeder.week(warehouse, &shops, spec.goods, midnight).await?;
        }
        for &(shop, _) in &shops {
            seeder
                .sales(shop, &dishes, midnight, lines_a_day / 2)
                .await?;
        }
        progress(seeder.made.movements);
    }
    if spec.wide > 0 {
        seeder.wide(spec.wide, start).await?;
    }
    Ok(seeder.made)
}

/// Goods `g0…` (kg) and dishes `d0…` (a fifth as many, each of three goods, sold by their
/// ingredients); returns the dishes' ids.
async fn catalog(db: &Db, actor: &Actor, goods: i64) -> ServiceResult<Vec<ProductId>> {
    let dishes = (goods / 5).max(1);
    let mut products: Vec<Value> = (0..goods)
        .map(|g| json!({"ref_code": format!("g{g}"), "name": format!("Товар {g}"), "measure": "kg", "for_sale": false}))
        .collect();
    products.extend((0..dishes).map(|d| {
        json!({"ref_code": format!("d{d}"), "name": format!("Блюдо {d}"), "measure": "pcs",
               "type": "tech_map", "cancellation_type": "cancel_ingredients"})
    }));
    // an invoice that is never wired makes the cards
    let invoice = json!({"storage": {"caf_id": 1}, "products": products,
                         "items": [{"product_code": "g0", "amount": 1, "cost": 0}]});
    invoices::create(db, actor, &parse(invoice)?).await?;
    let mut tx = db.begin_snapshot().await?;
    let all = crate::db::products::all_by_code(&mut tx, actor.account_id).await?;
    drop(tx);
    let mut ids = Vec::new();
    for d in 0..dishes {
        let id = all
            .get(&format!("d{d}"))
            .map(|p| p.id)
            .ok_or_else(|| ServiceError::NotFound(format!("dish d{d}")))?;
        let items: Vec<Value> = (0..3)
            .map(|k| json!({"product_code": format!("g{}", (d * 3 + k * 7) % goods), "amount": "0.100"}))
            .collect();
        tech_maps::set(db, actor, id, &parse(json!({"items": items}))?).await?;
        ids.push(id);
    }
    Ok(ids)
}

struct Seeder<'a> {
    db: &'a Db,
    name: &'a str,
    actor: &'a Actor,
    rng: StdRng,
    made: LedgerSeeded,
}

impl Seeder<'_> {
    /// A week's invoice of every good into the warehouse at 06:00, and transfers to each
    /// shop at 07:00, wired.
    async fn week(
        &mut self,
        warehouse: StorageId,
        shops: &[(ShopId, StorageId)],
        goods: i64,
        midnight: i64,
    ) -> ServiceResult<()> {
        let date =
            |hour: i64| time::format_rfc3339(midnight + hour * 3600, &jiff::tz::TimeZone::UTC);
        let items: Vec<Value> = (0..goods)
            .map(|g| {
                let cents = self.rng.gen_range(400..900) * 5;
                json!({"product_code": format!("g{g}"), "amount": 5, "cost": format!("{}.{:02}", cents / 100, cents % 100)})
            })
            .collect();
        let invoice = json!({"date": date(6), "storage": {"caf_id": warehouse}, "items": items});
        let id = invoices::create(self.db, self.actor, &parse(invoice)?).await?;
        documents::set_wired(self.db, self.actor, id, true).await?;
        self.made.movements += goods;
        for &(_, storage) in shops {
            let items: Vec<Value> = (0..goods)
                .map(|g| json!({"product_code": format!("g{g}"), "amount": 2}))
                .collect();
            let transfer = json!({"date": date(7), "storage_from": {"caf_id": warehouse},
                                  "storage_to": {"caf_id": storage}, "items": items});
            let id = moves::create(self.db, self.actor, &parse(transfer)?).await?;
            documents::set_wired(self.db, self.actor, id, true).await?;
            self.made.movements += 2 * goods;
        }
        Ok(())
    }

    /// A shop's day of receipts of three dish lines, 08:00 to 22:00 in order, in one shift.
    async fn sales(
        &mut self,
        shop: ShopId,
        dishes: &[ProductId],
        midnight: i64,
        lines: i64,
    ) -> ServiceResult<()> {
        let account_id = self.actor.account_id;
        let till = Till {
            actor: self.actor.clone(),
            shop_id: shop,
        };
        let receipts = (lines / LINES).max(1);
        let mut at: Vec<i64> = (0..receipts)
            .map(|_| midnight + self.rng.gen_range(8 * 3600..22 * 3600))
            .collect();
        at.sort_unstable();
        let now = time::now_unix();
        let mut tx = self.db.begin_write().await?;
        let shift = sales_db::OpenShift {
            id: ShiftId::new(ids::next(&mut tx, account_id, Kind::Shift).await?),
            shift_day: time::day_of(midnight + 12 * 3600, &self.actor.timezone),
            employee_id: None,
        };
        sales_db::open_shift(&mut tx, account_id, shop, &shift, now).await?;
        for (n, closed) in at.into_iter().enumerate() {
            let lines: Vec<Value> = (0..LINES)
                .map(|_| {
                    let dish = dishes[self.rng.gen_range(0..dishes.len())];
                    json!({"product_id": dish, "count": 1, "price": "5.00", "total_sum": "5.00"})
                })
                .collect();
            let input: ReceiptIn = parse(json!({
                "created_at": time::format_rfc3339(closed, &jiff::tz::TimeZone::UTC),
                "lines": lines, "payments": [{"payment_id": 2, "value": "15.00"}]}))?;
            let checked = sales::check(&input, &self.actor.timezone, now)?;
            sales::record(&mut tx, &till, &shift, checked, now).await?;
            self.made.receipts += 1;
            self.made.movements += LINES * 3;
            if (n + 1) % BATCH == 0 {
                db::commit(tx).await?;
                tx = self.db.begin_write().await?;
            }
        }
        sales_db::close_shift(&mut tx, account_id, shop, shift.id, now).await?;
        db::commit(tx).await?;
        Ok(())
    }

    /// A storage of `products` goods `w0…` stocked by an invoice 90 days into the year's last
    /// quarter and another 30 days before its end.
    async fn wide(&mut self, products: i64, start: i64) -> ServiceResult<()> {
        let storage = admin::create_storage(self.db, self.name, "Широкий склад").await?;
        let cards: Vec<Value> = (0..products)
            .map(|w| json!({"ref_code": format!("w{w}"), "name": format!("Позиция {w}"), "measure": "pcs"}))
            .collect();
        let end = time::now_unix();
        for (n, date) in [end - 90 * 86_400, end - 30 * 86_400]
            .into_iter()
            .enumerate()
        {
            let date = date.max(start);
            let items: Vec<Value> = (0..products)
                .map(|w| json!({"product_code": format!("w{w}"), "amount": 3, "cost": format!("{}.00", 3 + n)}))
                .collect();
            let mut invoice = json!({"date": time::format_rfc3339(date, &jiff::tz::TimeZone::UTC),
                                     "storage": {"caf_id": storage}, "items": items});
            if n == 0 {
                invoice["products"] = Value::Array(cards.clone());
            }
            let id = invoices::create(self.db, self.actor, &parse(invoice)?).await?;
            documents::set_wired(self.db, self.actor, id, true).await?;
            self.made.movements += products;
        }
        Ok(())
    }
}
