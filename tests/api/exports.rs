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

/// A sale: (product 0–2, count in thousandths, price in cents, paid in cash?, hour offset, annul?)
type Sale = (usize, i64, i64, bool, i64, bool);

fn sale() -> impl Strategy<Value = Sale> {
    (
        0usize..3,
        1i64..5_000,
        1i64..2_000,
        any::<bool>(),
        0i64..30,
        any::<bool>(),
    )
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

/// Σ income × total_sum of a terminal's cash days.
async fn receipts_total(server: &TestServer, account: &TestAccount, days: &[&str]) -> Decimal {
    let mut total = Decimal::ZERO;
    for day in days {
        let rows = get(
            server,
            account,
            &format!("/a/v1.0/draft/receipts_by_shift_day/1/{day}"),
        )
        .await;
        for r in rows.as_array().expect("receipts") {
            total += dec(&r["income"]) * dec(&r["total_sum"]);
        }
    }
    total
}

async fn run(server: &TestServer, case: usize, sales: &[Sale]) -> Result<(), TestCaseError> {
    let demo = server.account(&format!("exp{case}")).await;
    let name = demo.name.clone();
    caffesta::service::admin::create_storage(&server.db, &name, "Склад")
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    caffesta::service::admin::create_shop(&server.db, &name, "Кафе", 1)
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
    for (p, count, cents, cash, hour, annul) in sales {
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
        let paid = if *cash {
            format!("{}.00", cents / 100 + 1)
        } else {
            format!("{}.{:02}", cents / 100, cents % 100)
        };
        let body = json!({"created_at": at, "lines": vec![line; times as usize], "payments": [{"payment_id": if *cash { 1 } else { 2 }, "value": paid}]});
        let (status, answer) = server.post(&till, "/a/v1.0/pos/receipts", &body).await;
        prop_assert_eq!(status, StatusCode::OK, "{}", answer);
        let amount = Decimal::new(cents, 2);
        if minutes >= 1440 {
            late += amount;
        }
        expected += amount;
        if *annul {
            let uuid = answer["data"]["id"].as_str().unwrap_or_default().to_owned();
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
    prop_assert_eq!(
        receipts_total(server, &demo, &["2026-11-20"]).await,
        expected
    );
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
    // a whole month comes from the monthly aggregate and agrees too
    let month = get(
        server,
        &demo,
        &format!("{base}/export_sales?start=2026-11-01&end=2026-11-30"),
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

crate::backend_tests!(the_three_exports_agree_with_each_other_and_the_receipts);
