//! API.md §11 reports over HTTP: the movement report reconciles exactly (opening + in − out =
//! closing, in units), the balance at an instant is the ledger cut at that instant, and a
//! product's ledger runs from its opening to the balance the store shows.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestAccount, TestServer};

/// Creates and wires a document at `path`.
async fn wired(server: &TestServer, demo: &TestAccount, path: &str, body: Value) {
    let (status, answer) = server.post(demo, path, &body).await;
    assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    let id = answer["data"]["id"].as_i64().expect("id");
    let (status, answer) = server
        .put(demo, &format!("{path}/{id}"), &json!({"action": "wire"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{path}/{id}: {answer}");
}

/// A decimal string as a count of its smallest units ("12.50" → 1250).
fn units(v: &Value) -> i64 {
    let text = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    text.replace('.', "").parse().expect("a decimal")
}

/// Beans into storage 1 in January and February, a transfer to storage 5, a write-off and a
/// stocktaking: every kind that moves storage 1.
async fn beans(server: &TestServer, demo: &TestAccount) {
    let invoice = |date: &str, cost: &str| {
        json!({"date": date, "storage": {"caf_id": 1}, "number": format!("N-{date}"),
               "products": [{"ref_code": "beans", "name": "Зерно", "measure": "kg"}],
               "items": [{"amount": 10, "product_code": "beans", "cost": cost}]})
    };
    wired(
        server,
        demo,
        "/a/v1.0/storage/invoices",
        invoice("2026-01-05 09:00", "100"),
    )
    .await;
    wired(
        server,
        demo,
        "/a/v1.0/storage/invoices",
        invoice("2026-02-10 09:00", "130"),
    )
    .await;
    let transfer = json!({"date": "2026-01-20 09:00", "storage_from": {"caf_id": 1}, "storage_to": {"caf_id": 5},
                          "items": [{"amount": 4, "product_code": "beans"}]});
    wired(server, demo, "/a/v1.0/storage/moves", transfer).await;
    let writeoff = json!({"date": "2026-02-15 09:00", "storage": {"caf_id": 1}, "reason": "spoilage",
                          "items": [{"amount": 1, "product_code": "beans"}]});
    wired(server, demo, "/a/v1.0/storage/writeoffs", writeoff).await;
    let count = json!({"date": "2026-02-20 09:00", "storage": {"caf_id": 1},
                       "items": [{"counted": 14, "product_code": "beans"}]});
    wired(server, demo, "/a/v1.0/storage/inventories", count).await;
}

async fn report(server: &TestServer, demo: &TestAccount, query: &str) -> Value {
    let (status, answer) = server
        .get(demo, &format!("/a/v1.0/storage/report/movements?{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["data"].clone()
}

/// (qty, value) units of the beans line of `/draft/store/{storage}` (optionally `?at=`).
async fn store(
    server: &TestServer,
    demo: &TestAccount,
    storage: i64,
    at: &str,
) -> Option<(i64, i64)> {
    let (status, body) = server
        .get(demo, &format!("/a/v1.0/draft/store/{storage}{at}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array()
        .expect("lines")
        .iter()
        .find(|l| l["name"] == "Зерно")
        .map(|l| (units(&l["balance"]), units(&l["summ"])))
}

/// opening + Σin − Σout = closing, in units, for every line; answers the beans line.
fn reconciles(lines: &Value) -> Value {
    for line in lines.as_array().expect("lines") {
        let sum = |side: &str, f: &str| -> i64 {
            line[side]
                .as_object()
                .expect(side)
                .values()
                .map(|a| units(&a[f]))
                .sum()
        };
        for f in ["qty", "value"] {
            assert_eq!(
                units(&line["opening"][f]) + sum("in", f) - sum("out", f),
                units(&line["closing"][f]),
                "{f} of {line}"
            );
        }
    }
    lines
        .as_array()
        .and_then(|l| l.iter().find(|l| l["product_code"] == "beans"))
        .cloned()
        .expect("a beans line")
}

async fn the_movement_report_reconciles_exactly_and_follows_a_back_dated_invoice(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    beans(&server, &demo).await;
    let feb = "storage=1&start=2026-02-01&end=2026-02-28";
    let line = reconciles(&report(&server, &demo, feb).await);
    // 6 kg worth 60.00 on February 1 (10 in at 10.00, 4 transferred out)
    assert_eq!(line["opening"], json!({"qty": "6.000", "value": "60.00"}));
    assert_eq!(
        line["in"]["invoices"],
        json!({"qty": "10.000", "value": "130.00"})
    );
    // 1 kg of 16 worth 190.00 written off: 11.88; then 15 counted as 14: 1 short at 178.12/15
    assert_eq!(
        line["out"]["writeoffs"],
        json!({"qty": "1.000", "value": "11.88"})
    );
    assert_eq!(
        line["out"]["shortfall"],
        json!({"qty": "1.000", "value": "11.87"})
    );
    assert_eq!(
        line["out"]["transfers"],
        json!({"qty": "0.000", "value": "0.00"})
    );
    let closing = (
        units(&line["closing"]["qty"]),
        units(&line["closing"]["value"]),
    );
    assert_eq!(Some(closing), store(&server, &demo, 1, "").await);
    assert_eq!(
        Some(closing),
        store(&server, &demo, 1, "?at=2026-03-01").await
    );
    // January in storage 5: the transfer came in
    let jan =
        reconciles(&report(&server, &demo, "storage=5&start=2026-01-01&end=2026-01-31").await);
    assert_eq!(
        jan["in"]["transfers"],
        json!({"qty": "4.000", "value": "40.00"})
    );

    // an invoice dated January 10 at 20.00 a kilo: February's opening and costs change
    let invoice = json!({"date": "2026-01-10 09:00", "storage": {"caf_id": 1},
                         "items": [{"amount": 10, "product_code": "beans", "cost": "200"}]});
    wired(&server, &demo, "/a/v1.0/storage/invoices", invoice).await;
    let line = reconciles(&report(&server, &demo, feb).await);
    // 20 kg worth 300.00 on Jan 20, 4 out at 15.00: 16 worth 240.00 on February 1
    assert_eq!(line["opening"], json!({"qty": "16.000", "value": "240.00"}));
    let closing = (
        units(&line["closing"]["qty"]),
        units(&line["closing"]["value"]),
    );
    assert_eq!(Some(closing), store(&server, &demo, 1, "").await);
    assert_eq!(
        store(&server, &demo, 5, "?at=2026-01-25").await,
        Some((4000, 6000)),
        "the transfer re-valued at 15.00"
    );
}

async fn the_balance_at_an_instant_is_the_ledger_cut_there(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    beans(&server, &demo).await;
    assert_eq!(
        store(&server, &demo, 1, "?at=2026-01-01").await,
        None,
        "nothing yet"
    );
    // invoice dates without an offset are UTC (as the vendor documents them); `at` without one
    // is in the account's zone (Minsk, UTC+3): the invoice came in at 12:00 there
    assert_eq!(
        store(&server, &demo, 1, "?at=2026-01-05T12:00").await,
        None,
        "not before it"
    );
    assert_eq!(
        store(&server, &demo, 1, "?at=2026-01-05T12:01").await,
        Some((10_000, 10_000))
    );
    assert_eq!(
        store(&server, &demo, 1, "?at=2026-01-25").await,
        Some((6000, 6000))
    );
    assert_eq!(
        store(&server, &demo, 5, "?at=2026-01-25").await,
        Some((4000, 4000))
    );
    // an offset is honoured
    assert_eq!(
        store(&server, &demo, 1, "?at=2026-01-05T09:01:00Z").await,
        Some((10_000, 10_000))
    );
    assert_eq!(
        store(&server, &demo, 1, "?at=2026-01-05T08:59:00Z").await,
        None
    );
    let (status, body) = server
        .get(&demo, "/a/v1.0/draft/store/1?at=yesterday")
        .await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "at"
    );
    let (status, body) = server
        .get(&demo, "/a/v1.0/draft/store/999?at=2026-01-25")
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
}

async fn a_products_ledger_runs_from_its_opening_to_the_store_balance(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    beans(&server, &demo).await;
    let (status, answer) = server
        .get(
            &demo,
            "/a/v1.0/storage/report/ledger?storage=1&product_code=beans&start=2026-01-15",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let ledger = &answer["data"];
    assert_eq!(
        ledger["opening"],
        json!({"qty": "10.000", "value": "100.00"})
    );
    let movements = ledger["movements"].as_array().expect("movements");
    let kinds: Vec<&str> = movements
        .iter()
        .map(|m| m["document"]["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["move", "invoice", "writeoff", "inventory"]);
    assert_eq!(movements[1]["document"]["number"], "N-2026-02-10 09:00");
    // each balance is the one before it plus the movement
    let mut running = (10_000, 10_000);
    for m in movements {
        running = (running.0 + units(&m["qty"]), running.1 + units(&m["value"]));
        assert_eq!(
            (units(&m["balance"]["qty"]), units(&m["balance"]["value"])),
            running,
            "{m}"
        );
    }
    assert_eq!(movements[0]["cost"], "10.000000");
    assert_eq!(Some(running), store(&server, &demo, 1, "").await);
    assert_eq!(ledger["closing"], movements[3]["balance"]);
    let (status, body) = server
        .get(
            &demo,
            "/a/v1.0/storage/report/ledger?storage=1&product_code=nothing",
        )
        .await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "product_code"
    );
    let (status, body) = server
        .get(
            &demo,
            "/a/v1.0/storage/report/movements?storage=1&start=soon",
        )
        .await;
    assert_eq!(
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "start"
    );
    let (status, body) = server.get(&demo, "/a/v1.0/storage/report/movements").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST);
}

crate::backend_tests!(
    the_movement_report_reconciles_exactly_and_follows_a_back_dated_invoice,
    the_balance_at_an_instant_is_the_ledger_cut_there,
    a_products_ledger_runs_from_its_opening_to_the_store_balance,
);
