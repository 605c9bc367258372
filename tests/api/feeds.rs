//! API.md §8: the feeds' envelopes, fields and paging, and the marks every write moves.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Backend, TestAccount, TestServer};

async fn feed(server: &TestServer, account: &TestAccount, path: &str) -> Value {
    let (status, body) = server.get(account, &format!("/a/v1.0/draft/{path}")).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    assert_eq!(body["code"], "ok", "{body}");
    body["data"].clone()
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    k.sort();
    k
}

async fn feeds_page_by_id_filter_by_kind_and_show_deletions_only_to_ts(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let marks = feed(&server, &demo, "get_updates/1").await;
    assert_eq!(keys(&marks).len(), 14);
    assert_eq!(marks["products"], 0);
    // 1,005 items in categories, one of them deleted, one a tech map
    let items: Vec<Value> = (0..1005)
        .map(|n| json!({"id": format!("i{n}"), "name": format!("Товар {n}"), "measure": "pcs", "category_id": "sub",
                        "work_space_code": "bar", "prices": [{"shop_id": 1, "value": 1, "value_day": "2.50"}],
                        "deleted": n == 3}))
        .collect();
    let import = json!({"categories": [{"id": "top", "name": "Верх", "level": 1, "parent": null}, {"id": "sub", "name": "Низ", "level": 2, "parent": "top"}],
                        "items": items});
    let (status, answer) = server
        .post(&demo, "/a/v1.0/product/import_part_menu", &import)
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let marks = feed(&server, &demo, "get_updates/1").await;
    assert!(
        marks["products"].as_i64() > Some(0)
            && marks["categories"].as_i64() > Some(0)
            && marks["workspaces"].as_i64() > Some(0)
    );
    let first = feed(&server, &demo, "get_products0/1/0/0").await;
    let first = first.as_array().expect("page");
    assert_eq!(first.len(), 1000);
    assert!(first
        .iter()
        .all(|p| p["deleted"] == false && p["price"] == json!(2.5)));
    let last = first[999]["id"].as_i64().expect("id");
    let second = feed(&server, &demo, &format!("get_products0/1/{last}/0")).await;
    assert_eq!(
        second.as_array().map(Vec::len),
        Some(4),
        "1,005 less the deleted one"
    );
    assert_eq!(
        keys(&first[0]),
        [
            "active",
            "alternateName",
            "buttonColor",
            "cancellationType",
            "category_id",
            "code",
            "coefficients",
            "color",
            "deleted",
            "descr",
            "entityType",
            "freePrice",
            "id",
            "image",
            "image_path",
            "measure",
            "name",
            "price",
            "shortDescription",
            "tax_id",
            "type",
            "useDiscounts",
            "workSpace_id"
        ]
    );
    // with a ts the deleted one shows, marked
    let ts = marks["products"].as_i64().expect("ts");
    let changed = feed(&server, &demo, &format!("get_products0/1/0/{ts}")).await;
    assert!(changed
        .as_array()
        .expect("page")
        .iter()
        .any(|p| p["deleted"] == true));
    let deprecated = feed(&server, &demo, "get_products/1/0/0?type=product").await;
    assert_eq!(
        deprecated[0]["workSpace"]["id"],
        deprecated[0]["workSpace_id"]
    );
    assert!(deprecated[0].get("self_cost").is_some() && deprecated[0]["in_stop_list"] == false);
    assert_eq!(
        feed(&server, &demo, "get_products0/1/0/0?type=tech_map").await,
        json!([])
    );

    let categories = feed(&server, &demo, "get_categories").await;
    assert_eq!(
        (
            categories[1]["lvl"].clone(),
            categories[1]["parent"].clone()
        ),
        (json!(2), categories[0]["id"].clone())
    );
    assert_eq!(
        feed(&server, &demo, "get_workspaces").await[0]["refCode"],
        "bar"
    );
    let taxes = feed(&server, &demo, "get_taxes").await;
    assert_eq!(
        (
            taxes[1]["name"].clone(),
            taxes[1]["value"].clone(),
            taxes[1]["type"].clone()
        ),
        (json!("НДС"), json!(20), json!("inner"))
    );
    let shop = feed(&server, &demo, "get_product_shop_data/1/0").await;
    assert_eq!(shop[0]["price"], "2.50");
    assert_eq!(
        keys(&shop[0]),
        [
            "availableForSale",
            "avgInvoicedSelfCost",
            "inStopList",
            "price",
            "product_id",
            "shop_id"
        ]
    );
    let (status, _) = server.get(&demo, "/a/v1.0/draft/get_balances/99/0").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // modifier groups, made by the administrator
    let db = &server.db;
    let spec = caffesta::service::admin::ModifierGroupSpec {
        name: "Сиропы",
        min: 0,
        max: 10,
        multiple: true,
    };
    let group = caffesta::service::admin::create_modifier_group(db, "demo", spec)
        .await
        .expect("group");
    caffesta::service::admin::add_modifier_item(db, "demo", group, "i1", "1", "1.00")
        .await
        .expect("item");
    caffesta::service::admin::attach_modifier_group(db, "demo", group, "i2")
        .await
        .expect("attach");
    let groups = feed(&server, &demo, "get_modifier_groups").await;
    assert_eq!(groups[0]["items"][0]["count"], "1.000");
    assert_eq!(groups[0]["items"][0]["price"], "1.00");
    assert_eq!(groups[0]["items"][0]["product"]["descr"], "product");
    assert_eq!(
        groups[0]["productModifiers"].as_array().map(Vec::len),
        Some(1)
    );
}

/// A client that polls every few minutes stores what `get_updates` shows and re-reads a feed
/// only when the value differs. A change that commits in the very second of a poll, after the
/// poll answered, must show on the client's next poll, however late.
async fn a_change_in_the_second_of_a_slow_pollers_poll_shows_on_its_next_poll(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let product = json!({"ref_code": "tea", "name": "Чай", "measure": "pcs"});
    let (status, answer) = server.post(&demo, "/a/v1.0/product/", &product).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let id = answer["data"]["id"].as_i64().expect("id");
    let mark = "SELECT ts FROM change_marks WHERE section = 'products'";
    // poll, then rename within the same second (retried until the two share a second)
    let mut stored = None;
    for attempt in 0..20 {
        let polled = feed(&server, &demo, "get_updates/1").await["products"].clone();
        let renamed =
            json!({"ref_code": "tea", "name": format!("Чай {attempt}"), "measure": "pcs"});
        let (status, _) = server
            .put(&demo, &format!("/a/v1.0/product/{id}"), &renamed)
            .await;
        assert_eq!(status, StatusCode::OK);
        if polled.as_i64() == Some(crate::helpers::int(&server.db, mark).await) {
            stored = Some((polled, attempt));
            break;
        }
    }
    let (stored, attempt) = stored.expect("a poll and a change in one second");
    // the client's next poll comes after the section has settled
    tokio::time::sleep(std::time::Duration::from_millis(6_500)).await;
    let next = feed(&server, &demo, "get_updates/1").await["products"].clone();
    assert_ne!(next, stored, "the change must show as a new value");
    let since = stored.as_i64().expect("ts");
    let changed = feed(&server, &demo, &format!("get_products/1/0/{since}")).await;
    assert!(
        changed.as_array().is_some_and(|all| all
            .iter()
            .any(|p| p["id"] == id && p["name"] == format!("Чай {attempt}"))),
        "{changed}"
    );
    // and once seen, the value stays put until the next change
    let again = feed(&server, &demo, "get_updates/1").await["products"].clone();
    assert_eq!(again, next);
    server.stop().await;
}

crate::backend_tests!(
    feeds_page_by_id_filter_by_kind_and_show_deletions_only_to_ts,
    a_change_in_the_second_of_a_slow_pollers_poll_shows_on_its_next_poll,
);
