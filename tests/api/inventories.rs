//! API.md §11: stocktakings over HTTP, counted against the book as of their date.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, int, Backend, TestAccount, TestServer};
use crate::writeoffs::{act, buy_beans, create, ledger_holds, read, store};

const PATH: &str = "/a/v1.0/storage/inventories";

/// A cappuccino sold by recipe (0.5 kg of beans each, to make the numbers plain); answers its
/// id. The beans must exist.
async fn cappuccino(server: &TestServer, demo: &TestAccount) -> i64 {
    let product = json!({"ref_code": "cappuccino", "name": "Капучино", "measure": "pcs", "type": "tech_map",
                         "cancellation_type": "cancel_ingredients"});
    let id = create(server, demo, "/a/v1.0/product/", &product).await;
    let recipe = json!({"output": 1, "items": [{"product_code": "beans", "amount": "0.5"}]});
    let (status, answer) = server
        .put(demo, &format!("/a/v1.0/product/{id}/tech_map"), &recipe)
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    id
}

/// The till of shop 1 (storage 1) sells `count` cappuccinos closed at `at` (the account's zone).
async fn sell(server: &TestServer, till: &TestAccount, cappuccino: i64, count: i64, at: &str) {
    let total = count * 5;
    let receipt = json!({"type": "sale", "created_at": at,
        "lines": [{"product_id": cappuccino, "count": count, "price": 5, "total_sum": total}],
        "payments": [{"payment_id": 2, "value": total}]});
    let (status, answer) = server.post(till, "/a/v1.0/pos/receipts", &receipt).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

async fn till(server: &TestServer, demo: &TestAccount) -> TestAccount {
    let till = server.terminal(demo, 1).await;
    let (status, answer) = server
        .post(&till, "/a/v1.0/pos/shifts/open", &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    till
}

/// `(book, counted, difference, value)` of a stocktaking's line.
fn line(item: &Value) -> (Value, Value, Value, Value) {
    (
        item["book"].clone(),
        item["counted"].clone(),
        item["difference"].clone(),
        item["value"].clone(),
    )
}

async fn a_stocktaking_counts_against_the_book_of_its_date_and_later_sales_leave_it_alone(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    buy_beans(&server, &demo, "2026-01-01 09:00", "10", "300").await;
    let cappuccino = cappuccino(&server, &demo).await;
    let till = till(&server, &demo).await;
    let before = store(&server, &demo, 1).await;
    let body = json!({"date": "2026-01-10 18:00", "storage": {"caf_id": 1}, "comment": "январь",
                      "items": [{"product_code": "beans", "counted": 8}]});
    let id = create(&server, &demo, PATH, &body).await;
    let path = format!("{PATH}/{id}");
    let draft = read(&server, &demo, &path).await;
    assert_eq!(draft["status"], "not_wired");
    assert_eq!(
        line(&draft["items"][0]),
        (Value::Null, json!("8.000"), Value::Null, Value::Null)
    );
    assert_eq!(
        (draft["surplus"].clone(), draft["shortfall"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(
        store(&server, &demo, 1).await,
        before,
        "a new stocktaking is not wired"
    );

    assert_eq!(act(&server, &demo, &path, "wire").await, StatusCode::OK);
    let shortfall = (
        json!("10.000"),
        json!("8.000"),
        json!("-2.000"),
        json!("-60.00"),
    );
    let wired = read(&server, &demo, &path).await;
    assert_eq!(wired["type"], "inventory");
    assert_eq!(wired["full"], false);
    assert_eq!(line(&wired["items"][0]), shortfall);
    assert_eq!(
        wired["shortfall"],
        json!({"qty": "2.000", "value": "60.00"})
    );
    assert_eq!(wired["surplus"], json!({"qty": "0.000", "value": "0.00"}));
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("8.000"), json!("240.00"))
    );

    // two cappuccinos sold after the count take 1 kg; the count as of its date is unchanged
    sell(&server, &till, cappuccino, 2, "2026-01-20 12:00").await;
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("7.000"), json!("210.00"))
    );
    assert_eq!(
        line(&read(&server, &demo, &path).await["items"][0]),
        shortfall
    );
    assert_eq!(
        act(&server, &demo, &path, "wire").await,
        StatusCode::CONFLICT
    );
    ledger_holds(&server, &demo).await;

    // unwired, the sale is valued again as if the count had never been
    assert_eq!(act(&server, &demo, &path, "unwire").await, StatusCode::OK);
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("9.000"), json!("270.00"))
    );
    assert_eq!(
        line(&read(&server, &demo, &path).await["items"][0]).0,
        Value::Null
    );
    // and wired again, it counts as of its date again, before the sale
    assert_eq!(act(&server, &demo, &path, "wire").await, StatusCode::OK);
    assert_eq!(
        line(&read(&server, &demo, &path).await["items"][0]),
        shortfall
    );
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("7.000"), json!("210.00"))
    );
    ledger_holds(&server, &demo).await;
    server.stop().await;
}

async fn a_back_dated_stocktaking_counts_before_the_sales_that_came_after_it(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    buy_beans(&server, &demo, "2026-01-01 09:00", "10", "300").await;
    buy_beans(&server, &demo, "2026-01-15 09:00", "10", "500").await;
    let cappuccino = cappuccino(&server, &demo).await;
    let till = till(&server, &demo).await;
    // 20 kg at 40.00 on 20 January: 2 cappuccinos take 1 kg, 40.00
    sell(&server, &till, cappuccino, 2, "2026-01-20 12:00").await;
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("19.000"), json!("760.00"))
    );
    // a count dated 10 January, wired now: the book then was 10 kg, whatever was sold since
    let body = json!({"date": "2026-01-10 18:00", "storage": {"caf_id": 1},
                      "items": [{"product_code": "beans", "counted": 8}]});
    let id = create(&server, &demo, PATH, &body).await;
    let path = format!("{PATH}/{id}");
    assert_eq!(act(&server, &demo, &path, "wire").await, StatusCode::OK);
    let wired = read(&server, &demo, &path).await;
    assert_eq!(
        line(&wired["items"][0]),
        (
            json!("10.000"),
            json!("8.000"),
            json!("-2.000"),
            json!("-60.00")
        )
    );
    // the sale is valued again after it: 18 kg at 740.00, 1 kg takes 41.11
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("17.000"), json!("698.89"))
    );
    ledger_holds(&server, &demo).await;
    assert_eq!(act(&server, &demo, &path, "unwire").await, StatusCode::OK);
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("19.000"), json!("760.00"))
    );
    ledger_holds(&server, &demo).await;

    // a surplus on an empty shelf comes in at the last cost stock came in at (50.00 a kg)
    let all = json!({"date": "2026-01-21 09:00", "storage": {"caf_id": 1}, "reason": "other",
                     "items": [{"product_code": "beans", "amount": 19}]});
    let writeoff = create(&server, &demo, "/a/v1.0/storage/writeoffs", &all).await;
    let writeoff = format!("/a/v1.0/storage/writeoffs/{writeoff}");
    assert_eq!(act(&server, &demo, &writeoff, "wire").await, StatusCode::OK);
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("0.000"), json!("0.00"))
    );
    let empty = json!({"date": "2026-01-22 09:00", "storage": {"caf_id": 1},
                       "items": [{"product_code": "beans", "counted": 1}]});
    let id = create(&server, &demo, PATH, &empty).await;
    let path = format!("{PATH}/{id}");
    assert_eq!(act(&server, &demo, &path, "wire").await, StatusCode::OK);
    let found = read(&server, &demo, &path).await;
    assert_eq!(
        line(&found["items"][0]),
        (
            json!("0.000"),
            json!("1.000"),
            json!("1.000"),
            json!("50.00")
        )
    );
    assert_eq!(found["surplus"], json!({"qty": "1.000", "value": "50.00"}));
    assert_eq!(found["shortfall"], json!({"qty": "0.000", "value": "0.00"}));
    ledger_holds(&server, &demo).await;
    server.stop().await;
}

async fn a_back_dated_surplus_on_an_empty_shelf_comes_in_at_the_cost_of_its_date(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    buy_beans(&server, &demo, "2026-01-01 09:00", "10", "300").await;
    let all = json!({"date": "2026-01-05 09:00", "storage": {"caf_id": 1}, "reason": "other",
                     "items": [{"product_code": "beans", "amount": 10}]});
    let writeoff = create(&server, &demo, "/a/v1.0/storage/writeoffs", &all).await;
    let writeoff = format!("/a/v1.0/storage/writeoffs/{writeoff}");
    assert_eq!(act(&server, &demo, &writeoff, "wire").await, StatusCode::OK);
    buy_beans(&server, &demo, "2026-01-20 09:00", "10", "500").await;
    // counted on 10 January, when the shelf was empty and the last beans in cost 30.00 a kg
    let body = json!({"date": "2026-01-10 09:00", "storage": {"caf_id": 1},
                      "items": [{"product_code": "beans", "counted": 1}]});
    let id = create(&server, &demo, PATH, &body).await;
    let path = format!("{PATH}/{id}");
    assert_eq!(act(&server, &demo, &path, "wire").await, StatusCode::OK);
    let found = read(&server, &demo, &path).await;
    assert_eq!(
        line(&found["items"][0]),
        (
            json!("0.000"),
            json!("1.000"),
            json!("1.000"),
            json!("30.00")
        )
    );
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("11.000"), json!("530.00"))
    );
    ledger_holds(&server, &demo).await;
    // unwiring the write-off before it: the count now finds 10 kg at 30.00 and takes 9
    assert_eq!(
        act(&server, &demo, &writeoff, "unwire").await,
        StatusCode::OK
    );
    let recounted = read(&server, &demo, &path).await;
    assert_eq!(
        line(&recounted["items"][0]),
        (
            json!("10.000"),
            json!("1.000"),
            json!("-9.000"),
            json!("-270.00")
        )
    );
    assert_eq!(
        store(&server, &demo, 1).await,
        (json!("11.000"), json!("530.00"))
    );
    ledger_holds(&server, &demo).await;
    server.stop().await;
}

async fn a_full_stocktaking_counts_every_unlisted_product_of_the_book_as_zero(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    buy_beans(&server, &demo, "2026-01-01 09:00", "10", "300").await;
    let milk = json!({"date": "2026-01-02 09:00", "storage": {"caf_id": 1},
        "products": [{"ref_code": "milk", "name": "Молоко", "measure": "l"}, {"ref_code": "sugar", "name": "Сахар", "measure": "kg"}],
        "items": [{"amount": 10, "product_code": "milk", "cost": 25}, {"amount": 2, "product_code": "sugar", "cost": 4}]});
    let invoice = create(&server, &demo, "/a/v1.0/storage/invoices", &milk).await;
    assert_eq!(
        act(
            &server,
            &demo,
            &format!("/a/v1.0/storage/invoices/{invoice}"),
            "wire"
        )
        .await,
        StatusCode::OK
    );
    // sugar arrives after the count's date: it is not in the book then
    let sugar = json!({"date": "2026-01-20 09:00", "storage": {"caf_id": 1},
        "items": [{"amount": 1, "product_code": "sugar", "cost": 2}]});
    let later = create(&server, &demo, "/a/v1.0/storage/invoices", &sugar).await;
    assert_eq!(
        act(
            &server,
            &demo,
            &format!("/a/v1.0/storage/invoices/{later}"),
            "wire"
        )
        .await,
        StatusCode::OK
    );
    // sugar is used up before the count
    let used = json!({"date": "2026-01-05 09:00", "storage": {"caf_id": 1}, "reason": "other",
                      "items": [{"product_code": "sugar", "amount": 2}]});
    let writeoff = create(&server, &demo, "/a/v1.0/storage/writeoffs", &used).await;
    assert_eq!(
        act(
            &server,
            &demo,
            &format!("/a/v1.0/storage/writeoffs/{writeoff}"),
            "wire"
        )
        .await,
        StatusCode::OK
    );
    let body = json!({"date": "2026-01-10 18:00", "storage": {"caf_id": 1}, "full": true,
                      "items": [{"product_code": "beans", "counted": "10.5"}]});
    let id = create(&server, &demo, PATH, &body).await;
    let path = format!("{PATH}/{id}");
    assert_eq!(act(&server, &demo, &path, "wire").await, StatusCode::OK);
    let wired = read(&server, &demo, &path).await;
    assert_eq!(wired["full"], true);
    let items = wired["items"].as_array().expect("items");
    assert_eq!(
        items.len(),
        2,
        "beans as listed and milk counted as 0, not sugar: {wired}"
    );
    assert_eq!(items[0]["product"]["ref_code"], "beans");
    assert_eq!(
        line(&items[0]),
        (
            json!("10.000"),
            json!("10.500"),
            json!("0.500"),
            json!("15.00")
        )
    );
    assert_eq!(items[1]["product"]["ref_code"], "milk");
    assert_eq!(
        line(&items[1]),
        (
            json!("10.000"),
            json!("0.000"),
            json!("-10.000"),
            json!("-25.00")
        )
    );
    assert_eq!(wired["surplus"], json!({"qty": "0.500", "value": "15.00"}));
    assert_eq!(
        wired["shortfall"],
        json!({"qty": "10.000", "value": "25.00"})
    );
    let milk_left = int(
        &server.db,
        &format!("SELECT qty FROM stock_balances WHERE account_id = {} AND storage_id = 1 AND product_id = 2", demo.id),
    )
    .await;
    assert_eq!(milk_left, 0);
    let sugar_left = int(
        &server.db,
        &format!("SELECT qty FROM stock_balances WHERE account_id = {} AND storage_id = 1 AND product_id = 3", demo.id),
    )
    .await;
    assert_eq!(
        sugar_left, 1000,
        "sugar bought after the count keeps its kilogram"
    );
    ledger_holds(&server, &demo).await;
    // unwired and wired again, the unlisted products are found again from the book
    assert_eq!(act(&server, &demo, &path, "unwire").await, StatusCode::OK);
    assert_eq!(
        read(&server, &demo, &path).await["items"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(act(&server, &demo, &path, "wire").await, StatusCode::OK);
    assert_eq!(read(&server, &demo, &path).await["items"], wired["items"]);
    // a full count may list nothing: everything in the book goes to 0
    let everything =
        json!({"date": "2026-01-21 09:00", "storage": {"caf_id": 1}, "full": true, "items": []});
    let id = create(&server, &demo, PATH, &everything).await;
    assert_eq!(
        act(&server, &demo, &format!("{PATH}/{id}"), "wire").await,
        StatusCode::OK
    );
    let zero = int(
        &server.db,
        &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM stock_balances WHERE account_id = {} AND storage_id = 1 AND (qty <> 0 OR value <> 0)", demo.id),
    )
    .await;
    assert_eq!(zero, 0);
    ledger_holds(&server, &demo).await;
    server.stop().await;
}

async fn stocktakings_are_listed_and_refused_with_the_field_named(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    buy_beans(&server, &demo, "2026-01-01 09:00", "10", "300").await;
    let base = json!({"date": "2026-01-10 18:00", "storage": {"caf_id": 1},
                      "items": [{"product_code": "beans", "counted": 8}]});
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
            "unknown product",
            edit(&|b| b["items"][0]["product_code"] = json!("tea")),
            "items[0].product_code",
        ),
        (
            "negative count",
            edit(&|b| b["items"][0]["counted"] = json!("-1")),
            "items[0].counted",
        ),
        (
            "no count",
            edit(&|b| b["items"][0] = json!({"product_code": "beans"})),
            "items[0].counted",
        ),
        (
            "a product twice",
            edit(
                &|b| b["items"] = json!([{"product_code": "beans", "counted": 1}, {"product_code": "beans", "counted": 2}]),
            ),
            "items[1].product_code",
        ),
        (
            "no items, not full",
            edit(&|b| b["items"] = json!([])),
            "items",
        ),
        (
            "bad date",
            edit(&|b| b["date"] = json!("10.01.2026")),
            "date",
        ),
    ];
    let count = || {
        int(
            &server.db,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM inventories",
        )
    };
    for (what, body, field) in cases {
        let (status, answer) = server.post(&demo, PATH, &body).await;
        let data = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(data["field"], json!(field), "{what}: {answer}");
        assert_eq!(count().await, 0, "{what} wrote a stocktaking");
    }
    let id = create(&server, &demo, PATH, &base).await;
    for (query, found) in [("?start=2026-01-10", 1), ("?start=2026-01-11", 0), ("", 1)] {
        let (status, body) = server.get(&demo, &format!("{PATH}{query}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["data"].as_array().map(Vec::len),
            Some(found),
            "{query}"
        );
    }
    let (_, listed) = server.get(&demo, PATH).await;
    assert_eq!(listed["data"][0]["id"], id);
    let (status, body) = server.get(&demo, &format!("{PATH}/99")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
    assert_eq!(
        act(&server, &demo, &format!("{PATH}/99"), "unwire").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        act(&server, &demo, &format!("{PATH}/{id}"), "unwire").await,
        StatusCode::CONFLICT
    );
    server.stop().await;
}

crate::backend_tests!(
    a_stocktaking_counts_against_the_book_of_its_date_and_later_sales_leave_it_alone,
    a_back_dated_stocktaking_counts_before_the_sales_that_came_after_it,
    a_back_dated_surplus_on_an_empty_shelf_comes_in_at_the_cost_of_its_date,
    a_full_stocktaking_counts_every_unlisted_product_of_the_book_as_zero,
    stocktakings_are_listed_and_refused_with_the_field_named,
);
