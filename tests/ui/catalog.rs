//! The catalog and sales pages that write (API.md §10): a product's card and prices, a dish's
//! recipe, categories, menus and their sections, and the shifts list; over real HTTP on both
//! backends, each write checked through the integration API. A refused form comes back with
//! what was typed.

use caffesta::domain::user::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::backend_tests;
use crate::helpers::{int, Backend, TestAccount, TestServer};
use crate::web::{user, Ui};

backend_tests!(
    a_product_is_made_and_its_card_and_shop_prices_edited_from_its_page,
    a_refused_form_comes_back_with_what_was_typed_and_writes_nothing,
    a_recipe_is_written_from_its_page_and_the_dish_costed_by_it,
    categories_sections_and_menu_places_are_made_from_their_pages,
    a_shops_shifts_are_listed_with_their_cashier_and_takings,
    a_viewer_sees_the_catalog_forms_but_changes_nothing,
);

async fn owner(server: &TestServer, demo: &TestAccount, role: Role) -> Ui {
    let (login, password) = user(server, demo, role).await;
    let (answer, ui) = Ui::sign_in(server, "demo", &login, &password).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    ui
}

/// The product with `code`, as the integration API reads it.
async fn product(server: &TestServer, demo: &TestAccount, code: &str) -> serde_json::Value {
    let (status, answer) = server
        .get(demo, &format!("/a/v1.0/product/by_ref_code/{code}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["data"].clone()
}

/// A product's price at shop 1, as the admin API lists it.
async fn price_at_shop_1(server: &TestServer, demo: &TestAccount, code: &str) -> serde_json::Value {
    let admin = server.admin(demo).await;
    let (_, list) = server
        .get(&admin, &format!("/admin/v1/products?shop=1&q={code}"))
        .await;
    list["data"]["items"][0]["price"].clone()
}

/// The card form of product `flat-white` (category `coffee`, tax 2, for sale) with this name
/// and price at shop 1, and `extra` ticked.
fn flat_white<'a>(
    name: &'a str,
    price: &'a str,
    extra: Option<(&'a str, &'a str)>,
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("ref_code", "flat-white"),
        ("name", name),
        ("type", "product"),
        ("measure", "pcs"),
        ("cancellation_type", "cancel_dish"),
        ("category", "coffee"),
        ("tax", "2"),
        ("for_sale", "1"),
        ("price_1", price),
    ];
    fields.extend(extra);
    fields
}

/// A product `tea` ("Чай") made through the integration API; its id.
async fn tea(server: &TestServer, demo: &TestAccount) -> i64 {
    let body = json!({"ref_code": "tea", "name": "Чай"});
    let (status, answer) = server.post(demo, "/a/v1.0/product/", &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["data"]["id"].as_i64().expect("tea")
}

async fn a_product_is_made_and_its_card_and_shop_prices_edited_from_its_page(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let ui = owner(&server, &demo, Role::Manager).await;
    let page = ui.get("/admin/catalog/products/new").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let made = ui
        .post(
            "/admin/catalog/products/new",
            &flat_white("Флэт уайт", "5,40", Some(("use_discounts", "1"))),
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let card = product(&server, &demo, "flat-white").await;
    assert_eq!(card["name"], "Флэт уайт");
    assert_eq!(card["tax"], json!({"id": 2}), "{card}");
    assert_eq!(price_at_shop_1(&server, &demo, "flat-white").await, "5.40");
    let id = card["id"].as_i64().expect("id");
    let location = made.location.expect("to the card");
    assert_eq!(location, format!("/admin/catalog/products/{id}?saved=1"));
    let page = ui.get(&location).await;
    assert!(
        page.body.contains(r#"value="Флэт уайт""#),
        "the card shows it"
    );
    assert!(page.body.contains(r#"value="coffee""#), "with its category");

    // renamed, repriced, discounts off; the category made from its code stays
    let saved = ui
        .post(
            &format!("/admin/catalog/products/{id}"),
            &flat_white("Флэт уайт 300", "5.90", None),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let card = product(&server, &demo, "flat-white").await;
    assert_eq!(card["name"], "Флэт уайт 300");
    assert_eq!(card["use_discounts"], false);
    assert_eq!(price_at_shop_1(&server, &demo, "flat-white").await, "5.90");
    let categories = int(
        &server.db,
        "SELECT COUNT(*) FROM categories WHERE ref_code = 'coffee'",
    )
    .await;
    assert_eq!(categories, 1);
    server.stop().await;
}

async fn a_refused_form_comes_back_with_what_was_typed_and_writes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let ui = owner(&server, &demo, Role::Owner).await;
    let products = "SELECT COUNT(*) FROM products";
    let documents = "SELECT COUNT(*) FROM invoices";
    let before = (
        int(&server.db, products).await,
        int(&server.db, documents).await,
    );

    // a price that is not a number: 422, the card again with every field as typed
    let page = ui
        .post(
            "/admin/catalog/products/new",
            &[
                ("ref_code", "mocha"),
                ("name", "Мокко <b>"),
                ("price_1", "five"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"role="alert""#), "the reason is shown");
    assert!(page.body.contains(r#"value="mocha""#), "{}", page.body);
    assert!(
        page.body.contains(r#"value="Мокко &lt;b&gt;""#),
        "typed, escaped"
    );
    assert!(page.body.contains(r#"value="five""#));
    assert!(page.body.contains(r#"name="_csrf""#), "ready to send again");

    // a code another product has: 409, and nothing is overwritten
    tea(&server, &demo).await;
    let page = ui
        .post(
            "/admin/catalog/products/new",
            &[("ref_code", "tea"), ("name", "Другой чай")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page.body.contains(r#"value="Другой чай""#));
    assert_eq!(product(&server, &demo, "tea").await["name"], "Чай");

    // a document naming a product that does not exist: the form again, its lines kept
    let page = ui
        .post(
            "/admin/documents/new/invoice",
            &[
                ("date", "2026-03-01T10:00:00"),
                ("storage", "1"),
                ("shipper_code", "farm"),
                ("number", "N-77"),
                ("p0", "no-such-thing"),
                ("q0", "2"),
                ("cost0", "3.50"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("no-such-thing"), "the reason names it");
    for typed in [
        r#"value="N-77""#,
        r#"value="farm""#,
        r#"value="3.50""#,
        r#"value="2026-03-01T10:00:00""#,
    ] {
        assert!(page.body.contains(typed), "{typed} kept: {}", page.body);
    }
    assert_eq!(
        (
            int(&server.db, products).await,
            int(&server.db, documents).await
        ),
        (before.0 + 1, before.1),
        "only the API's tea was written"
    );
    server.stop().await;
}

async fn a_recipe_is_written_from_its_page_and_the_dish_costed_by_it(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let invoice = json!({"storage": {"caf_id": 1}, "shipper": {"ref_code": "farm"},
        "products": [{"ref_code": "beans", "name": "Зерно", "measure": "kg"},
                     {"ref_code": "milk", "name": "Молоко", "measure": "l"},
                     {"ref_code": "latte", "name": "Латте", "type": "tech_map"}],
        "items": [{"amount": 2, "product_code": "beans", "cost": 40},
                  {"amount": 10, "product_code": "milk", "cost": 20}]});
    let (status, answer) = server
        .post(&demo, "/a/v1.0/storage/invoices", &invoice)
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let id = answer["data"]["id"].as_i64().expect("invoice");
    server
        .put(
            &demo,
            &format!("/a/v1.0/storage/invoices/{id}"),
            &json!({"action": "wire"}),
        )
        .await;
    let latte = product(&server, &demo, "latte").await["id"]
        .as_i64()
        .expect("latte");
    let ui = owner(&server, &demo, Role::Manager).await;
    let path = format!("/admin/catalog/tech-map/{latte}");
    let page = ui.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "no recipe yet: the form alone");
    assert!(page.body.contains(r#"name="p0""#));

    let refused = ui
        .post(
            &path,
            &[
                ("output", "1"),
                ("rows", "2"),
                ("p0", "beans"),
                ("q0", "-1"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains(r#"value="-1""#), "typed amount kept");

    let saved = ui
        .post(
            &path,
            &[
                ("output", "1"),
                ("rows", "5"),
                ("p0", "beans"),
                ("q0", "0,02"),
                ("p1", "milk"),
                ("q1", "0.2"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (status, map) = server
        .get(&demo, &format!("/a/v1.0/product/{latte}/tech_map"))
        .await;
    assert_eq!(status, StatusCode::OK, "{map}");
    assert_eq!(
        map["data"]["items"].as_array().map(Vec::len),
        Some(2),
        "{map}"
    );
    // 0.02 kg of beans at 20.00 a kg + 0.2 l of milk at 2.00 a litre = 0.40 + 0.40
    let page = ui.get(&path).await;
    assert!(
        page.body.contains(r#"data-testid="total-cost">0.80<"#),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"value="0.020""#),
        "the form shows the recipe"
    );
    server.stop().await;
}

async fn categories_sections_and_menu_places_are_made_from_their_pages(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    tea(&server, &demo).await;
    let ui = owner(&server, &demo, Role::Manager).await;
    let ok = |page: crate::web::Page| {
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    };
    ok(ui
        .post(
            "/admin/catalog/categories",
            &[("code", "drinks"), ("name", "Напитки")],
        )
        .await);
    ok(ui
        .post(
            "/admin/catalog/categories",
            &[("code", "hot"), ("name", "Горячие"), ("parent", "drinks")],
        )
        .await);
    let page = ui.get("/admin/catalog/categories").await;
    assert!(
        page.body.contains("Горячие") && page.body.contains("<td>drinks</td>"),
        "{}",
        page.body
    );
    let (_, feed) = server.get(&demo, "/a/v1.0/draft/get_categories").await;
    assert!(feed.to_string().contains("Горячие"), "{feed}");
    let refused = ui
        .post(
            "/admin/catalog/categories",
            &[("code", "x"), ("name", "Икс"), ("parent", "x")],
        )
        .await;
    assert_ne!(
        refused.status,
        StatusCode::SEE_OTHER,
        "its own parent is refused"
    );
    assert!(refused.body.contains(r#"value="Икс""#));

    ok(ui
        .post("/admin/catalog/menus", &[("menu_name", "Летнее меню")])
        .await);
    let menu = int(&server.db, "SELECT MAX(id) FROM menus")
        .await
        .to_string();
    ok(ui
        .post(
            "/admin/catalog/menus/sections",
            &[
                ("menu", &menu),
                ("code", "summer-drinks"),
                ("name", "Напитки лета"),
            ],
        )
        .await);
    let section = int(&server.db, "SELECT MAX(id) FROM menu_sections").await;
    ok(ui
        .post(
            &format!("/admin/catalog/menus/sections/{section}/items"),
            &[("product_code", "tea")],
        )
        .await);
    ok(ui
        .post(
            &format!("/admin/catalog/menus/sections/{section}/items"),
            &[("product_code", "tea")],
        )
        .await);
    let links = "SELECT COUNT(*) FROM menu_items";
    assert_eq!(int(&server.db, links).await, 1, "placed once");
    let page = ui.get("/admin/catalog/menus").await;
    assert!(
        page.body.contains("Летнее меню")
            && page.body.contains("Напитки лета")
            && page.body.contains("Чай")
    );
    let refused = ui
        .post(
            &format!("/admin/catalog/menus/sections/{section}/items"),
            &[("product_code", "coffee")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("coffee"),
        "names what it did not find"
    );
    let tea = product(&server, &demo, "tea").await["id"]
        .as_i64()
        .expect("tea");
    ok(ui
        .post(
            &format!("/admin/catalog/menus/sections/{section}/items/{tea}/remove"),
            &[],
        )
        .await);
    assert_eq!(int(&server.db, links).await, 0, "taken out");
    server.stop().await;
}

async fn a_shops_shifts_are_listed_with_their_cashier_and_takings(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let tea = tea(&server, &demo).await;
    let admin = server.admin(&demo).await;
    let (status, answer) = server
        .post(
            &admin,
            "/admin/v1/employees",
            &json!({"name": "Ольга", "role": "cashier"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let olga = answer["data"]["id"].as_i64().expect("employee");
    let till = server.terminal(&demo, 1).await;
    let (status, answer) = server
        .post(
            &till,
            "/a/v1.0/pos/shifts/open",
            &json!({"employee_id": olga}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    for (count, total) in [(1, "2.50"), (3, "7.50")] {
        let receipt = json!({"type": "sale",
            "lines": [{"product_id": tea, "count": count, "price": "2.50", "total_sum": total}],
            "payments": [{"payment_id": 1, "value": total}]});
        let (status, answer) = server.post(&till, "/a/v1.0/pos/receipts", &receipt).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    let ui = owner(&server, &demo, Role::Viewer).await;
    let page = ui.get("/admin/sales/shifts?shop=1").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Ольга"), "the cashier: {}", page.body);
    assert!(page.body.contains("10.00"), "the takings: {}", page.body);
    let page = ui
        .get("/admin/sales/shifts?shop=1&start=2026-02-01&end=2026-01-01")
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    server.stop().await;
}

async fn a_viewer_sees_the_catalog_forms_but_changes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let tea = tea(&server, &demo).await;
    let ui = owner(&server, &demo, Role::Viewer).await;
    let page = ui.get(&format!("/admin/catalog/products/{tea}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<fieldset disabled"),
        "read only: {}",
        page.body
    );
    for (path, fields) in [
        (
            format!("/admin/catalog/products/{tea}"),
            vec![("ref_code", "tea"), ("name", "Кофе")],
        ),
        (
            "/admin/catalog/products/new".to_owned(),
            vec![("ref_code", "x"), ("name", "X")],
        ),
        (
            format!("/admin/catalog/tech-map/{tea}"),
            vec![("rows", "1"), ("p0", "tea"), ("q0", "1")],
        ),
        (
            "/admin/catalog/categories".to_owned(),
            vec![("code", "c"), ("name", "C")],
        ),
        ("/admin/catalog/menus".to_owned(), vec![("menu_name", "M")]),
    ] {
        let page = ui.post(&path, &fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(product(&server, &demo, "tea").await["name"], "Чай");
    assert_eq!(int(&server.db, "SELECT COUNT(*) FROM categories").await, 0);
    server.stop().await;
}
