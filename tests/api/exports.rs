//! API.md §9: the three exports agree with each other and with the receipts, over random
//! sales and annulments; calendar days follow the account's time zone and cash days the
//! shift.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;

use crate::helpers::{Backend, TestAccount, TestServer};

/// How a sale is paid.
#[derive(Debug, Clone, Copy)]
enum Pay {
    /// By card, exactly.
    Card,
    /// In cash, rounded up to the next whole unit: there is change.
    Cash,
    /// Half by card, the rest in cash rounded up: there is change.
    Mixed,
    /// Cashless, exactly.
    Cashless,
}

/// A sale: (product 0–2, count in thousandths, price in cents, payment, hour offset, annul?)
type Sale = (usize, i64, i64, Pay, i64, bool);

fn sale() -> impl Strategy<Value = Sale> {
    (
        0usize..3,
        1i64..5_000,
        1i64..2_000,
        prop_oneof![
            Just(Pay::Card),
            Just(Pay::Cash),
            Just(Pay::Mixed),
            Just(Pay::Cashless)
        ],
        0i64..30,
        any::<bool>(),
    )
}

/// The payments of a receipt of `cents` (payment types: 1 cash, 2 card, 3 cashless) and the
/// cash tendered, in cents.
fn payments(pay: Pay, cents: i64) -> (Value, i64) {
    let money = |c: i64| format!("{}.{:02}", c / 100, c % 100);
    let pay_in = |id: i64, c: i64| json!({"payment_id": id, "value": money(c)});
    match pay {
        Pay::Card => (json!([pay_in(2, cents)]), 0),
        Pay::Cashless => (json!([pay_in(3, cents)]), 0),
        Pay::Cash => {
            let cash = (cents / 100 + 1) * 100;
            (json!([pay_in(1, cash)]), cash)
        }
        Pay::Mixed => {
            let card = cents / 2;
            let cash = ((cents - card) / 100 + 1) * 100;
            (json!([pay_in(2, card), pay_in(1, cash)]), cash)
        }
    }
}

fn dec(v: &Value) -> Decimal {
    match v {
        Value::String(s) => Decimal::from_str(s).unwrap_or_default(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).unwrap_or_default(),
        _ => Decimal::ZERO,
    }
}

async fn get(server: &TestServer, account: &TestAccount, path: &str) -> Value {
    let (status, body) = server.get(account, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

fn sum(rows: &Value, field: &str) -> Decimal {
    rows.as_array()
        .map_or(Decimal::ZERO, |r| r.iter().map(|x| dec(&x[field])).sum())
}

/// The receipts of terminal 1's cash day under `version` (`v1.0`, `v1.1`).
async fn receipts_of(
    server: &TestServer,
    account: &TestAccount,
    version: &str,
    day: &str,
) -> Vec<Value> {
    let path = format!("/a/{version}/draft/receipts_by_shift_day/1/{day}");
    let rows = get(server, account, &path).await;
    rows.as_array().expect("receipts").clone()
}

async fn run(server: &TestServer, case_no: usize, sales: &[Sale]) -> Result<(), TestCaseError> {
    let demo = server.account(&format!("exp{case_no}")).await;
    let name = demo.name.clone();
    caffesta::service::admin::create_storage(&server.db, &name, "Склад")
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    caffesta::service::admin::create_shop(
        &server.db,
        &name,
        "Кафе",
        caffesta::domain::ids::StorageId::new(1),
    )
    .await
    .map_err(|e| TestCaseError::fail(e.to_string()))?;
    caffesta::service::admin::create_payment_type(&server.db, &name, "Безнал", "cashless")
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let till = server.terminal(&demo, 1).await;
    let mut ids = Vec::new();
    for (n, ws) in ["kitchen", "bar", "kitchen"].iter().enumerate() {
        let body = json!({"ref_code": format!("p{n}"), "name": format!("P{n}"), "measure": "pcs", "workspace_ref_code": ws});
        let (_, answer) = server.post(&demo, "/a/v1.0/product/", &body).await;
        ids.push(answer["data"]["id"].as_i64().expect("product"));
    }
    let (status, _) = server
        .post(
            &till,
            "/a/v1.0/pos/shifts/open",
            &json!({"shift_day": "2026-11-20"}),
        )
        .await;
    prop_assert_eq!(status, StatusCode::OK);
    let mut expected = Decimal::ZERO;
    let mut late = Decimal::ZERO; // sold after local midnight, on the cash day before
    let mut tendered = std::collections::HashMap::new(); // receipt → cash tendered, in cents
    for (p, count, cents, pay, hour, annul) in sales {
        // 2026-11-20 22:00 local + up to 29 half-hours: across midnight, within the shift
        let minutes = 22 * 60 + hour * 30;
        let at = format!(
            "2026-11-{} {:02}:{:02}",
            20 + minutes / 1440,
            (minutes % 1440) / 60,
            minutes % 60
        );
        let total = format!("{}.{:02}", cents / 100, cents % 100);
        // an even count sells the same product twice on the receipt, at the same price
        let times = 1 + count % 2;
        let line = json!({"product_id": ids[*p], "count": format!("{}.{:03}", count / 1000, count % 1000), "price": "1.5", "total_sum": total});
        let cents = cents * times;
        let (paid, cash) = payments(*pay, cents);
        let body = json!({"created_at": at, "lines": vec![line; usize::try_from(times).expect("1 or 2")], "payments": paid});
        let (status, answer) = server.post(&till, "/a/v1.0/pos/receipts", &body).await;
        prop_assert_eq!(status, StatusCode::OK, "{}", answer);
        let uuid = answer["data"]["id"].as_str().unwrap_or_default().to_owned();
        tendered.insert(uuid.clone(), Decimal::new(cash, 2));
        let amount = Decimal::new(cents, 2);
        if minutes >= 1440 {
            late += amount;
        }
        expected += amount;
        if *annul {
            let (status, _) = server
                .post(
                    &till,
                    &format!("/a/v1.0/pos/receipts/{uuid}/annul"),
                    &json!({}),
                )
                .await;
            prop_assert_eq!(status, StatusCode::OK);
            expected -= amount;
        }
    }
    let base = "/a/v1.0/product";
    let by_shift = get(
        server,
        &demo,
        &format!("{base}/export_sales?shift_day=2026-11-20"),
    )
    .await["data"]
        .clone();
    let totals = get(
        server,
        &demo,
        &format!("{base}/export_sales_totals?shift_day=2026-11-20&add_gr_by=terminal_id"),
    )
    .await["data"]
        .clone();
    prop_assert_eq!(sum(&by_shift, "total_pay"), expected);
    prop_assert_eq!(sum(&totals, "total_pay"), expected);
    let paid = |rows: &Value| {
        ["cash", "card", "cashless", "credit"]
            .iter()
            .map(|k| sum(rows, k))
            .sum::<Decimal>()
    };
    prop_assert_eq!(paid(&totals), expected);
    // every receipt's payments as kept add up to its total (v1.1 shows all three kinds; v1.0
    // the same cash and card, without cashless); the cash kept plus the change is the cash
    // tendered; Σ income × cash_pay is the cash of both other exports
    let v1_1 = receipts_of(server, &demo, "v1.1", "2026-11-20").await;
    let v1_0 = receipts_of(server, &demo, "v1.0", "2026-11-20").await;
    prop_assert_eq!(v1_0.len(), v1_1.len());
    let (mut revenue, mut cash) = (Decimal::ZERO, Decimal::ZERO);
    for (r, old) in v1_1.iter().zip(&v1_0) {
        let kept = dec(&r["cash_pay"]) + dec(&r["card_pay"]) + dec(&r["cashless_pay"]);
        prop_assert_eq!(kept, dec(&r["total_sum"]), "{}", r);
        prop_assert!(dec(&r["back_pay"]) >= Decimal::ZERO, "{}", r);
        if let Some(given) = r["id"].as_str().and_then(|id| tendered.get(id)) {
            prop_assert_eq!(dec(&r["cash_pay"]) + dec(&r["back_pay"]), *given, "{}", r);
        }
        for field in ["id", "cash_pay", "card_pay", "back_pay", "total_sum"] {
            prop_assert_eq!(&old[field], &r[field], "{}", field);
        }
        revenue += dec(&r["income"]) * dec(&r["total_sum"]);
        cash += dec(&r["income"]) * dec(&r["cash_pay"]);
    }
    prop_assert_eq!(revenue, expected);
    prop_assert_eq!(cash, sum(&totals, "cash"));
    prop_assert_eq!(cash, sum(&by_shift, "cash"));
    // calendar days in the account's zone: the annulments happened today, so compare sales only
    // through the whole range, which holds every receipt and counter-receipt
    let whole = get(
        server,
        &demo,
        &format!("{base}/export_sales?start=2026-11-20&end=2099-01-01"),
    )
    .await["data"]
        .clone();
    prop_assert_eq!(sum(&whole, "total_pay"), expected);
    let totals_whole = get(
        server,
        &demo,
        &format!("{base}/export_sales_totals?start=2026-11-20&end=2099-01-01"),
    )
    .await["data"]
        .clone();
    prop_assert_eq!(sum(&totals_whole, "total_pay"), expected);
    // whole months come from the monthly aggregate and agree too: from the sales' month to the
    // end of today's, where the annulments are
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Minsk").expect("zone"))
        .date();
    let month = get(
        server,
        &demo,
        &format!(
            "{base}/export_sales?start=2026-11-01&end={}",
            today.last_of_month()
        ),
    )
    .await["data"]
        .clone();
    prop_assert_eq!(sum(&month, "total_pay"), expected);
    // an instant range is summed from the receipts and agrees with the aggregates
    let instants = get(
        server,
        &demo,
        &format!("{base}/export_sales?start=2026-11-20T00:00&end=2099-01-01T00:30"),
    )
    .await["data"]
        .clone();
    prop_assert_eq!(sum(&instants, "total_pay"), expected);
    // what was sold after local midnight is on the 21st by calendar (annulments aside)
    let sales_21 = get(
        server,
        &demo,
        &format!("{base}/export_sales?start=2026-11-21&end=2026-11-21"),
    )
    .await["data"]
        .clone();
    prop_assert_eq!(sum(&sales_21, "total_pay"), late);
    Ok(())
}

async fn the_three_exports_agree_with_each_other_and_the_receipts(backend: Backend) {
    let server = TestServer::start(backend).await;
    let handle = tokio::runtime::Handle::current();
    let mut runner = TestRunner::new(Config {
        cases: 6,
        failure_persistence: None,
        ..Config::default()
    });
    let case = std::sync::atomic::AtomicUsize::new(0);
    let result = tokio::task::block_in_place(|| {
        runner.run(&prop::collection::vec(sale(), 1..12), |sales| {
            let n = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            handle.block_on(run(&server, n, &sales))
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

async fn a_receipt_of_16_80_paid_with_20_cash_shows_16_80_kept_and_3_20_change(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.account("change").await;
    server.add_shop(&demo).await;
    let till = server.terminal(&demo, 1).await;
    let product = json!({"ref_code": "tea", "name": "Чай", "workspace_ref_code": "bar"});
    let (_, answer) = server.post(&demo, "/a/v1.0/product/", &product).await;
    let tea = answer["data"]["id"].as_i64().expect("product");
    let open = json!({"shift_day": "2026-11-20"});
    let (status, _) = server.post(&till, "/a/v1.0/pos/shifts/open", &open).await;
    assert_eq!(status, StatusCode::OK);
    let receipt = json!({"created_at": "2026-11-20 12:00",
        "lines": [{"product_id": tea, "count": 2, "price": "8.4", "total_sum": "16.80"}],
        "payments": [{"payment_id": 1, "value": "20.00"}]});
    let (status, answer) = server.post(&till, "/a/v1.0/pos/receipts", &receipt).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    for version in ["v1.0", "v1.1"] {
        let receipts = receipts_of(&server, &demo, version, "2026-11-20").await;
        let r = &receipts[0];
        assert_eq!(
            (
                &r["cash_pay"],
                &r["card_pay"],
                &r["back_pay"],
                &r["total_sum"]
            ),
            (&json!(16.8), &json!(0), &json!(3.2), &json!(16.8)),
            "{version}: {r}"
        );
    }
    let totals = get(
        &server,
        &demo,
        "/a/v1.0/product/export_sales_totals?shift_day=2026-11-20",
    )
    .await;
    assert_eq!(totals["data"][0]["cash"], "16.80", "{totals}");
    // and the OpenAPI description says which cash it is
    let spec = get(&server, &demo, "/openapi.json").await;
    let fields = &spec["components"]["schemas"]["ShiftDayReceipt"]["properties"];
    for (field, says) in [("cash_pay", "kept"), ("back_pay", "change")] {
        let description = fields[field]["description"].as_str().unwrap_or_default();
        assert!(description.contains(says), "{field}: {description:?}");
    }
    server.stop().await;
}

crate::backend_tests!(
    the_three_exports_agree_with_each_other_and_the_receipts,
    a_receipt_of_16_80_paid_with_20_cash_shows_16_80_kept_and_3_20_change,
);
