//! API.md §5: products over HTTP: create, read by `ref_code`, update by id and by `ref_code`,
//! with the documented fields exactly, and the errors.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, int, Backend, TestAccount, TestServer};

/// The vendor's example body (`reference/items.md` §2).
fn wine() -> Value {
    json!({
        "ref_code": "12345",
        "cancellation_type": 0,
        "for_sale": true,
        "name": "Вино7",
        "measure": "pcs",
        "barcode": "",
        "country": "",
        "use_discounts": true,
        "type": "product",
        "weight_in_gram": null,
        "caf_tax_id": 1,
        "category_ref_code": "cat2",
        "workspace_ref_code": "ws111",
        "prices": [{"caf_shop_id": 2, "caf_storage_id": 1, "price": 0.6, "self_cost": 0.3}]
    })
}

/// The fields `reference/items.md` §4 documents for the GET answer, all of them and no other.
const DOCUMENTED: [&str; 18] = [
    "id",
    "ref_code",
    "name",
    "cancellation_type",
    "measure",
    "category",
    "tax",
    "work_space",
    "created_at",
    "updated_at",
    "use_discounts",
    "type",
    "code",
    "active",
    "country",
    "has_g_m_o",
    "free_price",
    "entity_type",
];

async fn create(server: &TestServer, account: &TestAccount, body: &Value) -> i64 {
    let (status, answer) = server.post(account, "/a/v1.0/product/", body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["success"], true);
    answer["data"]["id"].as_i64().expect("id")
}

async fn by_ref_code(server: &TestServer, account: &TestAccount, code: &str) -> Value {
    let (status, answer) = server
        .get(account, &format!("/a/v1.0/product/by_ref_code/{code}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["data"].clone()
}

fn assert_documented_fields(product: &Value) {
    let mut keys: Vec<&str> = product
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected: Vec<&str> = DOCUMENTED.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected);
}

async fn create_then_read_then_update_by_id_then_by_ref_code_round_trips_every_field(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let id = create(&server, &demo, &wine()).await;
    let created = by_ref_code(&server, &demo, "12345").await;
    assert_documented_fields(&created);
    let category = created["category"]["id"].as_i64().expect("category id");
    let workspace = created["work_space"]["id"].as_i64().expect("workspace id");
    assert_eq!(
        created,
        json!({
            "id": id, "ref_code": "12345", "name": "Вино7", "cancellation_type": "no_cancel",
            "measure": "pcs", "category": {"id": category}, "tax": {"id": 1},
            "work_space": {"id": workspace}, "created_at": created["created_at"],
            "updated_at": created["updated_at"], "use_discounts": true, "type": "simple",
            "code": "", "active": true, "country": "", "has_g_m_o": false, "free_price": false,
            "entity_type": "product"
        })
    );
    assert!(created["created_at"]
        .as_str()
        .is_some_and(|t| t.ends_with("+03:00")));
    // the category and workspace were created from their codes
    let db = &server.db;
    assert_eq!(
        int(
            db,
            &format!(
                "SELECT id FROM categories WHERE account_id = {} AND ref_code = 'cat2'",
                demo.id
            )
        )
        .await,
        category
    );

    // update by id: every field changes
    let mut by_id = wine();
    by_id["name"] = json!("Вино красное");
    by_id["cancellation_type"] = json!("cancel_ingredients");
    by_id["measure"] = json!("l");
    by_id["barcode"] = json!("4810000000017");
    by_id["country"] = json!("Грузия");
    by_id["use_discounts"] = json!(false);
    by_id["for_sale"] = json!(false);
    by_id["type"] = json!("tech_map");
    by_id["caf_tax_id"] = json!(2);
    by_id["category_ref_code"] = json!("wines");
    by_id["workspace_ref_code"] = json!("bar");
    by_id["prices"] = json!([{"caf_shop_id": 1, "caf_storage_id": 2, "price": "7.50"}]);
    let (status, answer) = server
        .put(&demo, &format!("/a/v1.0/product/{id}"), &by_id)
        .await;
    assert_eq!(
        (status, answer["data"]["id"].as_i64()),
        (StatusCode::OK, Some(id)),
        "{answer}"
    );
    let updated = by_ref_code(&server, &demo, "12345").await;
    assert_documented_fields(&updated);
    assert_eq!(updated["name"], "Вино красное");
    assert_eq!(updated["cancellation_type"], "cancel_ingredients");
    assert_eq!(updated["measure"], "l");
    assert_eq!(updated["type"], "weighting");
    assert_eq!(updated["entity_type"], "tech_map");
    assert_eq!(updated["code"], "4810000000017");
    assert_eq!(updated["country"], "Грузия");
    assert_eq!(updated["use_discounts"], false);
    assert_eq!(updated["active"], false);
    assert_eq!(updated["tax"], json!({"id": 2}));
    assert_ne!(updated["category"], created["category"]);
    assert_ne!(updated["work_space"], created["work_space"]);
    assert_eq!(updated["created_at"], created["created_at"]);
    // prices: shop 1 set, shop 2 kept
    let prices = format!("SELECT price FROM product_prices WHERE account_id = {} AND product_id = {id} ORDER BY shop_id", demo.id);
    assert_eq!(
        crate::helpers::ints(db, &prices).await,
        vec![7_500_000, 600_000]
    );

    // update by ref_code, renaming the code
    let mut by_code = by_id.clone();
    by_code["ref_code"] = json!("wine-7");
    by_code["cancellation_type"] = json!(1);
    by_code["measure"] = json!("kg");
    let (status, answer) = server
        .put(&demo, "/a/v1.0/product/by_ref_code/12345", &by_code)
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let renamed = by_ref_code(&server, &demo, "wine-7").await;
    assert_eq!(
        (
            renamed["id"].as_i64(),
            renamed["cancellation_type"].clone(),
            renamed["measure"].clone()
        ),
        (Some(id), json!("cancel_dish"), json!("kg"))
    );
    let (status, _) = server.get(&demo, "/a/v1.0/product/by_ref_code/12345").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // and by id (beyond the doc), the same card, also under v1.1
    let (_, by_id_answer) = server.get(&demo, &format!("/a/v1.1/product/{id}")).await;
    assert_eq!(by_id_answer["data"], renamed);
}

async fn duplicate_ref_code_is_409_and_unknown_references_are_422_naming_the_field(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    create(&server, &demo, &wine()).await;
    let count = format!(
        "SELECT COUNT(*) FROM products WHERE account_id = {}",
        demo.id
    );
    let categories = format!(
        "SELECT COUNT(*) FROM categories WHERE account_id = {}",
        demo.id
    );
    let before = (
        int(&server.db, &count).await,
        int(&server.db, &categories).await,
    );

    let (status, body) = server.post(&demo, "/a/v1.0/product/", &wine()).await;
    assert_error(status, &body, StatusCode::CONFLICT);

    let cases = [
        ("caf_tax_id", json!(99), "caf_tax_id"),
        (
            "prices",
            json!([{"caf_shop_id": 9, "price": 1}]),
            "prices[0].caf_shop_id",
        ),
        (
            "prices",
            json!([{"caf_shop_id": 1, "caf_storage_id": 77, "price": 1}]),
            "prices[0].caf_storage_id",
        ),
        (
            "prices",
            json!([{"caf_shop_id": 1, "price": -1}]),
            "prices[0].price",
        ),
        ("measure", json!("bottle"), "measure"),
        ("type", json!("dish"), "type"),
        ("name", json!("  "), "name"),
    ];
    for (key, value, field) in cases {
        let mut body = wine();
        body["ref_code"] = json!("new-code");
        body["category_ref_code"] = json!("fresh-category");
        body[key] = value;
        let (status, answer) = server.post(&demo, "/a/v1.0/product/", &body).await;
        let data = assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(data["field"], field, "{answer}");
    }
    let mut missing = wine();
    missing.as_object_mut().expect("object").remove("name");
    let (status, answer) = server.post(&demo, "/a/v1.0/product/", &missing).await;
    assert_eq!(
        assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "name"
    );
    let mut bad_code = wine();
    bad_code["cancellation_type"] = json!(7);
    let (status, answer) = server.post(&demo, "/a/v1.0/product/", &bad_code).await;
    assert_eq!(
        assert_error(status, &answer, StatusCode::BAD_REQUEST)["field"],
        "cancellation_type"
    );
    // a failed write changed nothing, not even the category it would have created
    assert_eq!(
        (
            int(&server.db, &count).await,
            int(&server.db, &categories).await
        ),
        before
    );

    // updates: unknown id or code 404, renaming onto a taken code 409
    let (status, answer) = server.put(&demo, "/a/v1.0/product/999", &wine()).await;
    assert_error(status, &answer, StatusCode::NOT_FOUND);
    let (status, answer) = server
        .put(&demo, "/a/v1.0/product/by_ref_code/nope", &wine())
        .await;
    assert_error(status, &answer, StatusCode::NOT_FOUND);
    let mut other = wine();
    other["ref_code"] = json!("other");
    let other_id = create(&server, &demo, &other).await;
    let (status, answer) = server
        .put(&demo, &format!("/a/v1.0/product/{other_id}"), &wine())
        .await;
    assert_error(status, &answer, StatusCode::CONFLICT);
    let (status, answer) = server.get(&demo, "/a/v1.0/product/by_ref_code/nope").await;
    assert_error(status, &answer, StatusCode::NOT_FOUND);
}

async fn self_cost_is_kept_only_while_the_stock_module_is_off(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let id = create(&server, &demo, &wine()).await;
    let self_cost = format!(
        "SELECT COALESCE(self_cost, -1) FROM product_prices WHERE account_id = {} AND product_id = {id}",
        demo.id
    );
    assert_eq!(
        int(&server.db, &self_cost).await,
        -1,
        "stock module on: ignored"
    );
    caffesta::service::admin::set_settings(
        &server.db,
        "demo",
        &caffesta::service::admin::SettingsChange {
            stock_module: Some(false),
            ..Default::default()
        },
    )
    .await
    .expect("settings");
    let (status, answer) = server
        .put(&demo, &format!("/a/v1.0/product/{id}"), &wine())
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        int(&server.db, &self_cost).await,
        300_000,
        "stock module off: kept"
    );
}

crate::backend_tests!(
    create_then_read_then_update_by_id_then_by_ref_code_round_trips_every_field,
    duplicate_ref_code_is_409_and_unknown_references_are_422_naming_the_field,
    self_cost_is_kept_only_while_the_stock_module_is_off,
);
