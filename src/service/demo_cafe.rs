//! The demo cafe of `serve --demo` (API.md §13): what a newly made demo account holds so that
//! every example, feed and export answers with real data at once. A menu of dishes with
//! recipes and a sub-product, stock from wired invoices, a transfer, clients in a bonus group,
//! employees, a month of sales at both shops with annulments, an order waiting at shop 1,
//! today's shift open there, and a dish on shop 1's stop list.
//!
//! Everything goes through the same services as the API, so the demo is also a check that
//! they compose. It is made once, when the demo account is created, and deterministic: the
//! same day gives the same history (receipts' UUIDs come from a seeded generator too).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::db::ids::{self, Kind};
use crate::db::products::Key;
use crate::db::sales::OpenShift;
use crate::db::{self, clients, sales as sales_db, Db};
use crate::domain::ids::{EmployeeId, ProductId, ShiftId, ShopId};
use crate::domain::time;

use super::admin;
use super::sales::{self, Till};
use super::{
    delivery, documents, employees, invoices, moves, stop_list, tech_maps, Actor, ServiceError,
    ServiceResult,
};

/// Days of sales before today.
const DAYS: i64 = 30;

/// Ingredients bought (code, name, measure, price per unit, what one shop uses in a month).
const INGREDIENTS: [(&str, &str, &str, &str, i64); 9] = [
    ("beans", "Кофе в зёрнах", "kg", "32.00", 30),
    ("milk", "Молоко 3,2%", "l", "2.40", 260),
    ("cream", "Сливки 33%", "l", "11.50", 18),
    ("sugar", "Сахар", "kg", "2.10", 30),
    ("eggs", "Яйцо куриное", "pcs", "0.35", 800),
    ("butter", "Масло сливочное", "kg", "18.00", 28),
    ("flour", "Мука пшеничная", "kg", "1.60", 50),
    ("tea-leaves", "Чай чёрный листовой", "kg", "45.00", 3),
    ("lemon", "Лимон", "pcs", "0.60", 140),
];

/// Goods one shop sells in a month.
const GOODS_A_MONTH: i64 = 550;

/// A recipe: (ingredient code, amount per dish).
type Recipe = &'static [(&'static str, &'static str)];

/// Dishes sold, made by recipe (code, name, price, recipe).
const DISHES: [(&str, &str, &str, Recipe); 6] = [
    ("espresso", "Эспрессо", "3.50", &[("beans", "0.009")]),
    (
        "cappuccino",
        "Капучино",
        "5.20",
        &[("beans", "0.018"), ("milk", "0.150")],
    ),
    (
        "latte",
        "Латте",
        "5.80",
        &[("beans", "0.018"), ("milk", "0.250"), ("sugar", "0.005")],
    ),
    (
        "tea-lemon",
        "Чай с лимоном",
        "3.20",
        &[
            ("tea-leaves", "0.004"),
            ("lemon", "0.25"),
            ("sugar", "0.010"),
        ],
    ),
    (
        "napoleon",
        "Торт «Наполеон», кусок",
        "6.90",
        &[
            ("flour", "0.060"),
            ("butter", "0.040"),
            ("custard", "0.080"),
        ],
    ),
    (
        "syrniki",
        "Сырники со сметаной",
        "8.40",
        &[
            ("flour", "0.030"),
            ("eggs", "1"),
            ("sugar", "0.020"),
            ("cream", "0.030"),
        ],
    ),
];

/// Goods sold as bought (code, name, cost, price); the syrup is a modifier of coffees.
const GOODS: [(&str, &str, &str, &str); 3] = [
    ("croissant", "Круассан", "1.20", "3.00"),
    ("water", "Вода минеральная 0,5 л", "0.55", "1.90"),
    ("syrup", "Сироп ванильный, порция", "0.30", "0.80"),
];

/// Fills the just-made demo account with a cafe's month.
#[tracing::instrument(skip_all, fields(account = %actor.account_id))]
pub async fn populate(db: &Db, actor: &Actor) -> ServiceResult<()> {
    let today = time::now_unix();
    // past days are local days: "yesterday" is the cafe's yesterday at any hour in UTC
    let day = |days_ago: i64| time::noon_days_before(today, days_ago, &actor.timezone);
    buy(db, actor, day(DAYS + 2), 1, "ПН-00171", 60).await?;
    buy(db, actor, day(DAYS + 2), 4, "ПН-00172", 100).await?;
    buy(db, actor, day(12), 1, "ПН-00263", 60).await?;
    recipes(db, actor).await?;
    syrups(db).await?;
    transfer(db, actor, day(DAYS / 2 - 1)).await?;
    let cashiers = staff(db, actor).await?;
    let guests = guests(db, actor).await?;
    let mut history = History {
        db,
        actor,
        rng: StdRng::seed_from_u64(20_261_123),
        menu: menu(db, actor).await?,
        guests,
    };
    for days_ago in (1..=DAYS).rev() {
        for (shop, cashier) in [(1, cashiers[0]), (2, cashiers[1])] {
            history.shop_day(shop, cashier, day(days_ago)).await?;
        }
    }
    history.today(cashiers[0], today).await?;
    let stopped = (Key::RefCode("syrniki"), "product_code");
    stop_list::set(db, actor.account_id, ShopId::new(1), stopped, true).await?;
    Ok(())
}

fn parse<T: DeserializeOwned>(value: Value) -> ServiceResult<T> {
    serde_json::from_value(value).map_err(|e| ServiceError::invalid("demo", e.to_string()))
}

fn date(unix: i64) -> String {
    time::format_rfc3339(unix, &jiff::tz::TimeZone::UTC)
}

/// An invoice from the supplier into `storage`, wired: `percent` of a shop's monthly needs.
async fn buy(
    db: &Db,
    actor: &Actor,
    at: i64,
    storage: i64,
    number: &str,
    percent: i64,
) -> ServiceResult<()> {
    // thousandths, written out exactly
    let share = |monthly: i64| {
        let milli = monthly * 1_000 * percent / 100;
        format!("{}.{:03}", milli / 1_000, milli % 1_000)
    };
    let mut items: Vec<Value> = INGREDIENTS
        .iter()
        .map(|(code, _, _, price, monthly)| {
            json!({"product_code": code, "amount": share(*monthly), "price": price, "caf_tax_id": 2})
        })
        .collect();
    items.extend(GOODS.iter().map(|(code, _, cost, _)| {
        json!({"product_code": code, "amount": share(GOODS_A_MONTH), "price": cost, "caf_tax_id": 2})
    }));
    let mut products: Vec<Value> = INGREDIENTS
        .iter()
        .map(|(code, name, measure, _, _)| {
            json!({"ref_code": code, "name": name, "measure": measure, "for_sale": false,
                   "category_ref_code": "ingredients", "caf_tax_id": 2})
        })
        .collect();
    let priced = |price: &str| {
        json!([{"caf_shop_id": 1, "caf_storage_id": 1, "price": price},
               {"caf_shop_id": 2, "caf_storage_id": 4, "price": price}])
    };
    products.extend(GOODS.iter().map(|(code, name, _, price)| {
        json!({"ref_code": code, "name": name, "measure": "pcs", "cancellation_type": "cancel_dish",
               "category_ref_code": "bakery", "workspace_ref_code": "counter", "caf_tax_id": 2, "prices": priced(price)})
    }));
    products.push(json!({"ref_code": "custard", "name": "Крем заварной", "measure": "kg", "type": "sub_product",
                         "cancellation_type": "cancel_ingredients", "for_sale": false, "category_ref_code": "ingredients"}));
    products.extend(DISHES.iter().map(|(code, name, price, _)| {
        let (category, workspace) = match *code {
            "napoleon" | "syrniki" => ("kitchen-menu", "kitchen"),
            _ => ("drinks", "bar"),
        };
        json!({"ref_code": code, "name": name, "measure": "pcs", "type": "tech_map", "cancellation_type": "cancel_ingredients",
               "category_ref_code": category, "workspace_ref_code": workspace, "caf_tax_id": 2, "prices": priced(price)})
    }));
    let invoice = json!({
        "number": number, "date": date(at), "comment": "поставка по договору 14/2026",
        "shipper": {"ref_code": "milk-farm", "name": "ООО «Молочная ферма»"},
        "storage": {"caf_id": storage},
        "categories": [{"ref_code": "ingredients", "name": "Сырьё", "parent": null},
                       {"ref_code": "menu", "name": "Меню", "parent": null},
                       {"ref_code": "drinks", "name": "Напитки", "parent": "menu"},
                       {"ref_code": "kitchen-menu", "name": "Кухня", "parent": "menu"},
                       {"ref_code": "bakery", "name": "Выпечка", "parent": "menu"}],
        "workspaces": [{"ref_code": "bar", "name": "Бар"}, {"ref_code": "kitchen", "name": "Кухня"},
                       {"ref_code": "counter", "name": "Витрина"}],
        "products": products, "items": items,
    });
    let id = invoices::create(db, actor, &parse(invoice)?).await?;
    documents::set_wired(db, actor, id, true).await
}

/// The dishes' recipes, and the custard they share (a sub-product made by its own recipe).
async fn recipes(db: &Db, actor: &Actor) -> ServiceResult<()> {
    let custard = json!({"output": 1, "items": [{"product_code": "milk", "amount": "0.700"},
        {"product_code": "eggs", "amount": 6}, {"product_code": "sugar", "amount": "0.200"},
        {"product_code": "butter", "amount": "0.100"}]});
    tech_maps::set(
        db,
        actor,
        product_id(db, actor, "custard").await?,
        &parse(custard)?,
    )
    .await?;
    for (code, _, _, recipe) in DISHES {
        let items: Vec<Value> = recipe
            .iter()
            .map(|(ingredient, amount)| json!({"product_code": ingredient, "amount": amount}))
            .collect();
        let map = json!({"output": 1, "items": items});
        tech_maps::set(db, actor, product_id(db, actor, code).await?, &parse(map)?).await?;
    }
    Ok(())
}

/// A modifier group of syrups offered with the milk coffees.
async fn syrups(db: &Db) -> ServiceResult<()> {
    let account = super::demo::DEMO_ACCOUNT;
    let spec = admin::ModifierGroupSpec {
        name: "Сиропы",
        min: 0,
        max: 2,
        multiple: true,
    };
    let group = admin::create_modifier_group(db, account, spec).await?;
    admin::add_modifier_item(db, account, group, "syrup", "1", "0.80").await?;
    for dish in ["cappuccino", "latte"] {
        admin::attach_modifier_group(db, account, group, dish).await?;
    }
    Ok(())
}

async fn product_id(db: &Db, actor: &Actor, code: &str) -> ServiceResult<ProductId> {
    Ok(
        super::products::get(db, actor.account_id, Key::RefCode(code))
            .await?
            .id,
    )
}

/// Coffee beans and milk moved from the cafe's storage to the shop's, wired.
async fn transfer(db: &Db, actor: &Actor, at: i64) -> ServiceResult<()> {
    let body = json!({"comment": "пополнение магазина", "date": date(at),
        "storage_from": {"caf_id": 1}, "storage_to": {"caf_id": 4},
        "items": [{"product_code": "beans", "amount": 5}, {"product_code": "milk", "amount": 10}]});
    let id = moves::create(db, actor, &parse(body)?).await?;
    documents::set_wired(db, actor, id, true).await
}

/// The cashiers of shops 1 and 2, and a manager.
async fn staff(db: &Db, actor: &Actor) -> ServiceResult<[i64; 2]> {
    let anna = employees::create(db, actor.account_id, "Анна Ковалёва", "cashier").await?;
    let boris = employees::create(db, actor.account_id, "Борис Лебедев", "cashier").await?;
    employees::create(db, actor.account_id, "Вера Соколова", "manager").await?;
    Ok([anna.get(), boris.get()])
}

/// Regular guests in a 5% bonus programme; returns their UUIDs (made from a seeded generator).
async fn guests(db: &Db, actor: &Actor) -> ServiceResult<Vec<String>> {
    let mut rng = StdRng::seed_from_u64(5);
    let now = time::now_unix();
    let mut tx = db.begin_write().await?;
    let group = clients::NewGroup {
        name: "Бонусная программа",
        kind: crate::domain::client::DiscountKind::Bonus,
        rate: crate::domain::decimal::Percent::from_units(500),
        bonus_max_bill_rate: crate::domain::decimal::Percent::from_units(5_000),
    };
    let group_id = clients::insert_group(&mut tx, actor.account_id, &group, now).await?;
    let people = [
        ("Ольга", "Миронова", "+375291112233"),
        ("Дмитрий", "Карпов", "+375297654321"),
        ("Ирина", "Белова", "+375336660011"),
        ("Павел", "Жуков", "+375445551122"),
    ];
    let mut uuids = Vec::new();
    for (card, (name, last_name, phone)) in (1001..).zip(people) {
        let uuid = uuid::Uuid::from_u128(rng.gen()).to_string();
        let client = clients::NewClient {
            uuid: uuid.clone(),
            name: name.to_owned(),
            last_name: last_name.to_owned(),
            phone: phone.to_owned(),
            card_number: card.to_string(),
            group_id: Some(group_id),
            ..clients::NewClient::default()
        };
        clients::insert(&mut tx, actor.account_id, &client, now).await?;
        uuids.push(uuid);
    }
    db::commit(tx).await?;
    Ok(uuids)
}

/// What the tills sell: (product id, price in cents).
async fn menu(db: &Db, actor: &Actor) -> ServiceResult<Vec<(ProductId, i64)>> {
    let mut menu = Vec::new();
    let priced = DISHES
        .iter()
        .map(|(code, _, price, _)| (*code, *price))
        .chain(GOODS.iter().map(|(code, _, _, price)| (*code, *price)));
    for (code, price) in priced {
        let cents = price
            .replace('.', "")
            .parse::<i64>()
            .map_err(|e| ServiceError::invalid("demo", format!("price {price}: {e}")))?;
        menu.push((product_id(db, actor, code).await?, cents));
    }
    Ok(menu)
}

/// The sales in the making.
struct History<'a> {
    db: &'a Db,
    actor: &'a Actor,
    rng: StdRng,
    menu: Vec<(ProductId, i64)>,
    guests: Vec<String>,
}

impl History<'_> {
    /// A past cash day at a shop: a shift around 12–20 receipts from 08:00, two of them
    /// annulled later that day, closed in the evening.
    async fn shop_day(&mut self, shop: i64, cashier: i64, noon: i64) -> ServiceResult<()> {
        let till = self.till(shop);
        let opened = noon - 4 * 3_600;
        let mut tx = self.db.begin_write().await?;
        let shift = self.open(&mut tx, shop, cashier, opened).await?;
        let count = self.rng.gen_range(12..=20);
        let mut uuids = Vec::new();
        for n in 0..count {
            let at = opened + n * (12 * 3_600 / count);
            uuids.push(self.sell(&mut tx, &till, &shift, at).await?);
        }
        for uuid in uuids.iter().step_by(9).take(2) {
            sales::annul_in(&mut tx, &till, uuid, opened + 12 * 3_600).await?;
        }
        sales_db::close_shift(
            &mut tx,
            self.actor.account_id,
            ShopId::new(shop),
            shift.id,
            noon + 9 * 3_600,
        )
        .await?;
        Ok(db::commit(tx).await?)
    }

    /// Today: shop 1's shift open with a few receipts, and a delivery order waiting for it.
    async fn today(&mut self, cashier: i64, now: i64) -> ServiceResult<()> {
        let till = self.till(1);
        let mut tx = self.db.begin_write().await?;
        // opened an hour ago, but on today's cash day even just after midnight
        let midnight = time::day_start(
            &time::day_of(now, &self.actor.timezone),
            &self.actor.timezone,
        )
        .unwrap_or(now - 3_600);
        let opened = (now - 3_600).max(midnight);
        let shift = self.open(&mut tx, 1, cashier, opened).await?;
        for n in 0..5 {
            self.sell(
                &mut tx,
                &till,
                &shift,
                opened + (n + 1) * (now - opened) / 6,
            )
            .await?;
        }
        db::commit(tx).await?;
        let (latte, price) = self.menu[2];
        let cents = |c: i64| format!("{}.{:02}", c / 100, c % 100);
        let bill = json!({"bill": {"pos_id": 1, "app_id": 1, "delivery_type": 1, "total_sum": cents(2 * price),
            "items": [{"title": "Латте", "count": 2, "price": cents(price), "total_sum": cents(2 * price), "product_id": latte}],
            "client": {"uuid": self.guests[0]}, "comment": "без сахара", "delivery": {"address": "ул. Ленина, 5"}}});
        let bill = parse::<crate::wire::delivery::DeliveryIn>(bill)?.bill;
        delivery::run_now(self.db, self.actor, &bill).await?;
        Ok(())
    }

    fn till(&self, shop: i64) -> Till {
        Till {
            actor: self.actor.clone(),
            shop_id: ShopId::new(shop),
        }
    }

    async fn open(
        &self,
        tx: &mut db::Tx,
        shop: i64,
        cashier: i64,
        at: i64,
    ) -> ServiceResult<OpenShift> {
        let account_id = self.actor.account_id;
        let shift = OpenShift {
            id: ShiftId::new(ids::next(tx, account_id, Kind::Shift).await?),
            shift_day: time::day_of(at, &self.actor.timezone),
            employee_id: Some(EmployeeId::new(cashier)),
        };
        sales_db::open_shift(tx, account_id, ShopId::new(shop), &shift, at).await?;
        Ok(shift)
    }

    /// A receipt of 1–4 lines at `at`, by card or in cash (with change), now and then by a
    /// regular guest; returns its UUID.
    async fn sell(
        &mut self,
        tx: &mut db::Tx,
        till: &Till,
        shift: &OpenShift,
        at: i64,
    ) -> ServiceResult<String> {
        let cents = |c: i64| format!("{}.{:02}", c / 100, c % 100);
        let mut total = 0;
        let mut lines = Vec::new();
        for _ in 0..self.rng.gen_range(1..=4) {
            let (id, price) = self.menu[self.rng.gen_range(0..self.menu.len())];
            let count = self.rng.gen_range(1..=2);
            total += price * count;
            lines.push(json!({"product_id": id, "count": count, "price": cents(price), "total_sum": cents(price * count)}));
        }
        let cash = self.rng.gen_bool(0.4);
        let paid = if cash { (total / 500 + 1) * 500 } else { total };
        let uuid = uuid::Uuid::from_u128(self.rng.gen()).to_string();
        let mut receipt = json!({"uuid": uuid, "type": "sale", "created_at": date(at), "lines": lines,
            "payments": [{"payment_id": if cash { 1 } else { 2 }, "value": cents(paid)}]});
        if self.rng.gen_bool(0.2) {
            let guest = &self.guests[self.rng.gen_range(0..self.guests.len())];
            receipt["client_uuid"] = json!(guest);
        }
        let checked = sales::check(&parse(receipt)?, &self.actor.timezone, at)?;
        sales::record(tx, till, shift, checked, at).await?;
        Ok(uuid)
    }
}
