//! API.md §11: returns to suppliers over HTTP, priced from their invoice, valued at the
//! average cost as of their date.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, int, Backend, TestServer};
use crate::writeoffs::{act, buy_beans, create, ledger_holds, read, store};

const PATH: &str = "/a/v1.0/storage/returns";

/// `(price, refund, value, difference)` of a return's line.
fn line(item: &Value) -> (Value, Value, Value, Value) {
    (
        item["price"].clone(),
        item["refund"].clone(),
        item["value"].clone(),
        item["difference"].clone(),
    )
}

async fn a_return_priced_from_its_invoice_shows_the_refund_against_the_value_taken(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    buy_beans(&server, &demo, "2026-01-01 09:00", "10", "100").await;
    let invoice = buy_beans(&server, &demo, "2026-01-02 09:00", "10", "140").await;
    let before = store(&server, &demo, 1).await;
    assert_eq!(before, (json!("20.000"), json!("240.00")));
    // 3 kg at the invoice's 14.00 and 1 kg at an agreed 9.50, out at the average 12.00
    let body = json!({"date": "2026-01-05 10:00", "storage": {"caf_id": 1}, "shipper": {"ref_code": "roaster"},
                      "invoice_id": invoice, "comment": "брак",
                      "items": [{"product_code": "beans", "amount": 3}, {"product_code": "beans", "amount": 1, "price": "9.5"}]});
    let id = create(&server, &demo, PATH, &body).await;
    let path = format!("{PATH}/{id}");
    assert_eq!(
        store(&server, &demo, 1).await,
        before,
        "a new return is not wired"
    );
    let draft = read(&server, &demo, &path).await;
    assert_eq!(draft["status"], "not_wired");
    assert_eq!(
        line(&draft["items"][0]),
        (json!("14.000000"), json!("42.00"), Value::Null, Value::Null)
    );
    assert_eq!(
        draft["totals"],
        json!({"refund": "51.50", "value": null, "difference": null})
    );

    assert_eq!(act(&server, &demo, &path, "wire").await, StatusCode::OK);
    let wired = read(&server, &demo, &path).await;
    assert_eq!(wired["type"], "return");
    assert_eq!(wired["invoice_id"], invoice);
    assert_eq!(wired["shipper"]["ref_code"], "roaster");
    assert_eq!(wired["shipper"]["name"], "Обжарщик");
    assert_eq!(wired["items"][0]["amount"], "3.000");
    assert_eq!(wired["items"][0]["product"]["ref_code"], "beans");
    assert_eq!(
        line(&wired["items"][0]),
        (
            json!("14.000000"),
            json!("42.00"),
            json!("36.00"),
            json!("6.00")
        )
    );
    assert_eq!(
        line(&wired["items"][1]),
        (
            json!("9.500000"),
            json!("9.50"),
            json!("12.00"),
            json!("-2.50")
        )
    );
    assert_eq!(
        wired["totals"],
        json!({"refund": "51.50", "value": "48.00", "difference": "3.50"})
    );
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("16.000"), json!("192.00"))
    );
    assert_eq!(
        act(&server, &demo, &path, "wire").await,
        StatusCode::CONFLICT
    );
    ledger_holds(&server, &demo).await;

    // an invoice dated before the return changes the value it took, never the refund
    buy_beans(&server, &demo, "2026-01-03 09:00", "20", "120").await;
    // 40 kg at 360.00 as of 5 January: 9.00 a kg
    let revalued = read(&server, &demo, &path).await;
    assert_eq!(
        line(&revalued["items"][0]),
        (
            json!("14.000000"),
            json!("42.00"),
            json!("27.00"),
            json!("15.00")
        )
    );

    assert_eq!(act(&server, &demo, &path, "unwire").await, StatusCode::OK);
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("40.000"), json!("360.00"))
    );
    assert_eq!(
        act(&server, &demo, &path, "unwire").await,
        StatusCode::CONFLICT
    );
    ledger_holds(&server, &demo).await;

    // a price without an invoice; the list and the 404s
    let priced = json!({"date": "2026-01-06 10:00", "storage": {"caf_id": 1}, "shipper": {"ref_code": "roaster"},
                        "items": [{"product_code": "beans", "amount": 2, "price": 11}]});
    let second = create(&server, &demo, PATH, &priced).await;
    let read_back = read(&server, &demo, &format!("{PATH}/{second}")).await;
    assert_eq!(read_back["invoice_id"], Value::Null);
    assert_eq!(read_back["totals"]["refund"], "22.00");
    for (query, found) in [
        ("?start=2026-01-05", 2),
        ("?start=2026-01-06", 1),
        ("?end=2026-01-04", 0),
    ] {
        let (status, body) = server.get(&demo, &format!("{PATH}{query}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["data"].as_array().map(Vec::len),
            Some(found),
            "{query}"
        );
    }
    let (status, body) = server.get(&demo, &format!("{PATH}/99")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
    assert_eq!(
        act(&server, &demo, &format!("{PATH}/99"), "wire").await,
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}

async fn every_return_validation_names_its_field_and_writes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let invoice = buy_beans(&server, &demo, "2026-01-01 09:00", "10", "100").await;
    let milk = json!({"date": "2026-01-01 10:00", "storage": {"caf_id": 1}, "shipper": {"ref_code": "farm"},
        "products": [{"ref_code": "milk", "name": "Молоко", "measure": "l"}],
        "items": [{"amount": 10, "product_code": "milk", "cost": 25}]});
    let farms = create(&server, &demo, "/a/v1.0/storage/invoices", &milk).await;
    let base = json!({"date": "2026-01-05 10:00", "storage": {"caf_id": 1}, "shipper": {"ref_code": "roaster"},
                      "invoice_id": invoice, "items": [{"product_code": "beans", "amount": 1}]});
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut body = base.clone();
        f(&mut body);
        body
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "unknown storage",
            edit(&|b| b["storage"]["caf_id"] = json!(9)),
            "storage.caf_id",
        ),
        (
            "unknown shipper",
            edit(&|b| b["shipper"]["ref_code"] = json!("nobody")),
            "shipper.ref_code",
        ),
        (
            "no shipper",
            edit(&|b| {
                b.as_object_mut().expect("body").remove("shipper");
            }),
            "shipper",
        ),
        (
            "unknown invoice",
            edit(&|b| b["invoice_id"] = json!(99)),
            "invoice_id",
        ),
        (
            "another shipper's invoice",
            edit(&|b| b["invoice_id"] = json!(farms)),
            "invoice_id",
        ),
        (
            "unknown product",
            edit(&|b| b["items"][0]["product_code"] = json!("tea")),
            "items[0].product_code",
        ),
        (
            "a product the invoice does not have, without a price",
            edit(
                &|b| b["items"] = json!([{"product_code": "beans", "amount": 1}, {"product_code": "milk", "amount": 1}]),
            ),
            "items[1].price",
        ),
        (
            "no invoice and no price",
            edit(&|b| {
                b.as_object_mut().expect("body").remove("invoice_id");
            }),
            "items[0].price",
        ),
        (
            "negative price",
            edit(&|b| b["items"][0]["price"] = json!("-1")),
            "items[0].price",
        ),
        (
            "zero amount",
            edit(&|b| b["items"][0]["amount"] = json!(0)),
            "items[0].amount",
        ),
        ("no items", edit(&|b| b["items"] = json!([])), "items"),
        (
            "bad date",
            edit(&|b| b["date"] = json!("05.01.2026")),
            "date",
        ),
    ];
    let count = || {
        int(
            &server.db,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM supplier_returns",
        )
    };
    for (what, body, field) in cases {
        let (status, answer) = server.post(&demo, PATH, &body).await;
        let data = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(data["field"], json!(field), "{what}: {answer}");
        assert_eq!(count().await, 0, "{what} wrote a return");
    }
    // an invoice bought by the sack prices the return by the kilogram
    let sacks = json!({"date": "2026-01-02 09:00", "storage": {"caf_id": 1}, "shipper": {"ref_code": "roaster"},
        "packages": [{"ref_code": "sack", "name": "Мешок", "measure": "kg", "value": 5}],
        "items": [{"amount": 2, "package_code": "sack", "product_code": "beans", "price": 60}]});
    let by_sack = create(&server, &demo, "/a/v1.0/storage/invoices", &sacks).await;
    let sack_return = edit(&|b| b["invoice_id"] = json!(by_sack));
    let id = create(&server, &demo, PATH, &sack_return).await;
    let priced = read(&server, &demo, &format!("{PATH}/{id}")).await;
    assert_eq!(
        (
            priced["items"][0]["price"].clone(),
            priced["items"][0]["refund"].clone()
        ),
        (json!("12.000000"), json!("12.00"))
    );
    // a product of another invoice is returned at its given price
    let with_price =
        edit(&|b| b["items"] = json!([{"product_code": "milk", "amount": 1, "price": "2.5"}]));
    create(&server, &demo, PATH, &with_price).await;
    assert_eq!(count().await, 2);
    server.stop().await;
}

crate::backend_tests!(
    a_return_priced_from_its_invoice_shows_the_refund_against_the_value_taken,
    every_return_validation_names_its_field_and_writes_nothing,
);
