//! Sessions, roles, CSRF and the sign-in throttle, over real HTTP on both backends.

use caffesta::domain::user::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{int, Backend, TestAccount, TestServer};
use crate::web::{user, Ui};

backend_tests!(
    signing_in_opens_the_back_office_and_signing_out_ends_the_session,
    a_sixth_wrong_password_in_fifteen_minutes_is_throttled,
    each_role_sees_and_does_only_what_it_may,
    a_form_without_this_sessions_token_changes_nothing,
    a_session_opens_nothing_on_another_accounts_host,
    disabling_a_user_ends_its_sessions,
    settings_are_changed_by_a_manager_and_not_by_an_accountant,
    a_delivery_order_is_moved_along_its_flow_from_the_sales_page,
    a_session_calls_the_admin_api_within_its_role_and_writes_with_its_token,
);

/// A not-wired supplier invoice in the demo account; its id.
pub async fn unwired_invoice(server: &TestServer, demo: &TestAccount) -> i64 {
    let body: Value =
        serde_json::from_str(include_str!("../vendor/invoice.json")).expect("invoice json");
    let (status, answer) = server.post(demo, "/a/v1.0/storage/invoices", &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["data"]["id"].as_i64().expect("id")
}

async fn wired(server: &TestServer, demo: &TestAccount, id: i64) -> bool {
    let (status, body) = server
        .get(demo, &format!("/a/v1.0/storage/invoices/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]["status"] == json!("wired") || body["data"]["is_posted"] == json!(true)
}

async fn signing_in_opens_the_back_office_and_signing_out_ends_the_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let (login, password) = user(&server, &demo, Role::Owner).await;
    let anonymous = Ui::anonymous(&server, "demo");
    let page = anonymous.get("/admin/").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location.as_deref(), Some("/admin/sign-in"));

    let (refused, _) = Ui::sign_in(&server, "demo", &login, "not-the-password").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(
        refused.body.contains("Wrong login or password"),
        "{}",
        refused.body
    );
    let (refused, _) = Ui::sign_in(&server, "demo", "nobody", &password).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    let (answer, ui) = Ui::sign_in(&server, "demo", &login, &password).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location.as_deref(), Some("/admin/"));
    assert!(ui.cookie.starts_with("caffesta_session="));
    let home = ui.get("/admin/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains(&login));
    // the cookie's token is stored only as a digest
    let token = ui.cookie.trim_start_matches("caffesta_session=");
    let stored = int(
        &server.db,
        &format!("SELECT COUNT(*) AS value FROM sessions WHERE token_hash = '{token}'"),
    )
    .await;
    assert_eq!(stored, 0);

    let out = ui.post("/admin/sign-out", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location.as_deref(), Some("/admin/sign-in"));
    let after = ui.get("/admin/").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "the session ended");
    server.stop().await;
}

async fn a_sixth_wrong_password_in_fifteen_minutes_is_throttled(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let (login, password) = user(&server, &demo, Role::Manager).await;
    for _ in 0..5 {
        let (page, _) = Ui::sign_in(&server, "demo", &login, "wrong-password").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    // even the right password waits now, and a login that does not exist is throttled alike
    let (page, _) = Ui::sign_in(&server, "demo", &login, &password).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
    assert!(page.body.contains("Too many attempts"));
    for _ in 0..5 {
        Ui::sign_in(&server, "demo", "ghost", "wrong-password").await;
    }
    let (page, _) = Ui::sign_in(&server, "demo", "ghost", "wrong-password").await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    // another login of the account is not affected
    let (owner, owner_password) = user(&server, &demo, Role::Owner).await;
    let (page, _) = Ui::sign_in(&server, "demo", &owner, &owner_password).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    server.stop().await;
}

async fn each_role_sees_and_does_only_what_it_may(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let everyone = [
        "/admin/",
        "/admin/stock",
        "/admin/documents",
        "/admin/settings",
    ];
    let access = [
        "/admin/settings/keys",
        "/admin/settings/users",
        "/admin/settings/webhooks",
    ];
    for role in Role::ALL.iter().copied() {
        let (login, password) = user(&server, &demo, role).await;
        let (_, ui) = Ui::sign_in(&server, "demo", &login, &password).await;
        for path in everyone {
            assert_eq!(ui.get(path).await.status, StatusCode::OK, "{role:?} {path}");
        }
        for path in access {
            let expected = if role == Role::Owner {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(ui.get(path).await.status, expected, "{role:?} {path}");
        }
        let form = ui.get("/admin/documents/new/invoice").await.status;
        let may_make = if role == Role::Viewer {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::OK
        };
        assert_eq!(form, may_make, "{role:?} and the document form");
        // documents: everyone but the viewer wires
        let invoice = unwired_invoice(&server, &demo).await;
        let page = ui.get(&format!("/admin/documents/invoice/{invoice}")).await;
        let shows_wire = page
            .body
            .contains(&format!("/admin/documents/invoice/{invoice}/wire"));
        let wire = ui
            .post(&format!("/admin/documents/invoice/{invoice}/wire"), &[])
            .await;
        if role == Role::Viewer {
            assert!(!shows_wire, "a viewer is offered no button");
            assert_eq!(wire.status, StatusCode::FORBIDDEN);
            assert!(
                !wired(&server, &demo, invoice).await,
                "the viewer wired nothing"
            );
        } else {
            assert!(shows_wire, "{role:?} is offered the button");
            assert_eq!(
                wire.status,
                StatusCode::SEE_OTHER,
                "{role:?}: {}",
                wire.body
            );
            assert!(wired(&server, &demo, invoice).await, "{role:?} wired it");
        }
        // keys: the owner's alone
        let keys_before = int(&server.db, "SELECT COUNT(*) AS value FROM api_keys").await;
        let created = ui
            .post("/admin/settings/keys", &[("scope", "api"), ("label", "x")])
            .await;
        let keys_after = int(&server.db, "SELECT COUNT(*) AS value FROM api_keys").await;
        if role == Role::Owner {
            assert_eq!(created.status, StatusCode::OK);
            assert_eq!(keys_after, keys_before + 1);
        } else {
            assert_eq!(created.status, StatusCode::FORBIDDEN, "{role:?}");
            assert_eq!(keys_after, keys_before, "{role:?} made no key");
        }
    }
    server.stop().await;
}

async fn a_form_without_this_sessions_token_changes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let (login, password) = user(&server, &demo, Role::Owner).await;
    let (_, ui) = Ui::sign_in(&server, "demo", &login, &password).await;
    let (_, other) = Ui::sign_in(&server, "demo", &login, &password).await;
    assert_ne!(ui.csrf, other.csrf, "each session has its own token");
    let invoice = unwired_invoice(&server, &demo).await;
    let path = format!("/admin/documents/invoice/{invoice}/wire");
    for form in [
        vec![],
        vec![("_csrf", "")],
        vec![("_csrf", other.csrf.as_str())],
        vec![("_csrf", "0123456789abcdef0123456789abcdef")],
    ] {
        let page = ui.post_raw(&path, &form).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{form:?}");
        assert!(page.body.contains("The form has expired"), "{}", page.body);
        assert!(!wired(&server, &demo, invoice).await);
    }
    // nor does signing in work from a form another site made
    let anonymous = Ui::anonymous(&server, "demo");
    let forged = anonymous
        .post_raw(
            "/admin/sign-in",
            &[("login", login.as_str()), ("password", password.as_str())],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let page = ui.post(&path, &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(wired(&server, &demo, invoice).await);
    server.stop().await;
}

async fn a_session_opens_nothing_on_another_accounts_host(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let other = server.account("other").await;
    let (login, password) = user(&server, &demo, Role::Owner).await;
    let (_, ui) = Ui::sign_in(&server, "demo", &login, &password).await;
    let mut elsewhere = Ui::anonymous(&server, &other.name);
    elsewhere.cookie.clone_from(&ui.cookie);
    let page = elsewhere.get("/admin/").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location.as_deref(), Some("/admin/sign-in"));
    // and demo's login does not exist in the other account
    let (page, _) = Ui::sign_in(&server, &other.name, &login, &password).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

async fn disabling_a_user_ends_its_sessions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let (owner, owner_password) = user(&server, &demo, Role::Owner).await;
    let (manager, manager_password) = user(&server, &demo, Role::Manager).await;
    let (_, boss) = Ui::sign_in(&server, "demo", &owner, &owner_password).await;
    let (_, staff) = Ui::sign_in(&server, "demo", &manager, &manager_password).await;
    assert_eq!(staff.get("/admin/").await.status, StatusCode::OK);
    let users = boss.get("/admin/settings/users").await;
    assert!(users.body.contains(&manager));
    let id = int(
        &server.db,
        &format!("SELECT id AS value FROM users WHERE login = '{manager}'"),
    )
    .await;
    let page = boss
        .post(&format!("/admin/settings/users/{id}/disable"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(staff.get("/admin/").await.status, StatusCode::SEE_OTHER);
    let (page, _) = Ui::sign_in(&server, "demo", &manager, &manager_password).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    // a new user made in the UI signs in
    let created = boss
        .post(
            "/admin/settings/users",
            &[
                ("login", "clerk"),
                ("password", "clerk-password"),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let (page, _) = Ui::sign_in(&server, "demo", "clerk", "clerk-password").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    server.stop().await;
}

async fn settings_are_changed_by_a_manager_and_not_by_an_accountant(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let admin = server.admin(&demo).await;
    let before = settings(&server, &admin).await;
    let form = [
        ("timezone", "Europe/Warsaw"),
        ("stock_module", "on"),
        ("lock_date", "2025-12-31"),
    ];
    let (login, password) = user(&server, &demo, Role::Accountant).await;
    let (_, accountant) = Ui::sign_in(&server, "demo", &login, &password).await;
    let page = accountant.get("/admin/settings").await;
    assert!(
        !page.body.contains(">Save<"),
        "an accountant is offered no button"
    );
    assert_eq!(
        accountant.post("/admin/settings", &form).await.status,
        StatusCode::FORBIDDEN
    );
    let storages = int(&server.db, "SELECT COUNT(*) AS value FROM storages").await;
    let refused = accountant
        .post("/admin/settings/storages", &[("name", "Бар")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(settings(&server, &admin).await, before, "nothing changed");

    let (login, password) = user(&server, &demo, Role::Manager).await;
    let (_, manager) = Ui::sign_in(&server, "demo", &login, &password).await;
    assert_eq!(
        manager.post("/admin/settings", &form).await.status,
        StatusCode::SEE_OTHER
    );
    let after = settings(&server, &admin).await;
    assert_eq!(after["timezone"], "Europe/Warsaw");
    assert_eq!(after["lock_date"], "2025-12-31");
    let bad = manager
        .post("/admin/settings", &[("timezone", "Mars/Olympus")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("timezone"), "{}", bad.body);
    assert_eq!(
        settings(&server, &admin).await,
        after,
        "a refused form changes nothing"
    );
    let made = manager
        .post("/admin/settings/storages", &[("name", "Бар")])
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(
        int(&server.db, "SELECT COUNT(*) AS value FROM storages").await,
        storages + 1
    );
    assert!(manager.get("/admin/settings").await.body.contains("Бар"));
    let tax = manager
        .post(
            "/admin/settings/taxes",
            &[("name", "НДС 10%"), ("rate", "10")],
        )
        .await;
    assert_eq!(tax.status, StatusCode::SEE_OTHER, "{}", tax.body);
    let bad = manager
        .post("/admin/settings/taxes", &[("name", "X"), ("rate", "120")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let paid = manager
        .post(
            "/admin/settings/payment-types",
            &[("name", "Сертификат"), ("kind", "cashless")],
        )
        .await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.body);
    let page = manager.get("/admin/settings").await.body;
    assert!(
        page.contains("НДС 10%") && page.contains("Сертификат"),
        "{page}"
    );
    let refused = accountant
        .post("/admin/settings/taxes", &[("name", "Y"), ("rate", "5")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    server.stop().await;
}

/// The account's settings as the admin API shows them.
async fn settings(server: &TestServer, admin: &TestAccount) -> Value {
    let (status, body) = server.get(admin, "/admin/v1/settings").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].clone()
}

async fn a_delivery_order_is_moved_along_its_flow_from_the_sales_page(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let product = json!({"ref_code": "tea", "name": "Tea", "measure": "pcs"});
    let (status, answer) = server.post(&demo, "/a/v1.0/product/", &product).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let id = answer["data"]["id"].as_i64().expect("id");
    let order = json!({"bill": {"pos_id": 1, "app_id": 1, "delivery_type": 2, "total_sum": 5,
        "items": [{"count": 1, "price": 5, "total_sum": 5, "product_id": id}],
        "client": {"name": "Guest", "phone": "+375291112233"}}});
    let (status, answer) = server.post(&demo, "/a/v1.0/draft/delivery", &order).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (login, password) = user(&server, &demo, Role::Manager).await;
    let (_, manager) = Ui::sign_in(&server, "demo", &login, &password).await;
    let mut page = manager.get("/admin/sales?shop=1").await;
    for _ in 0..100 {
        if page.body.contains("data-status=\"active\"") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        page = manager.get("/admin/sales?shop=1").await;
    }
    let uuid: String = {
        let at = page
            .body
            .find("/admin/sales/orders/")
            .expect("an order waiting")
            + "/admin/sales/orders/".len();
        page.body[at..at + 36].to_owned()
    };
    let status_path = format!("/admin/sales/orders/{uuid}/status");
    let (viewer, viewer_password) = user(&server, &demo, Role::Viewer).await;
    let (_, reader) = Ui::sign_in(&server, "demo", &viewer, &viewer_password).await;
    assert!(
        !reader
            .get("/admin/sales?shop=1")
            .await
            .body
            .contains(&status_path),
        "a viewer has no buttons"
    );
    let refused = reader
        .post(&status_path, &[("shop", "1"), ("status", "active")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let moved = manager
        .post(&status_path, &[("shop", "1"), ("status", "cooking")])
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let (_, orders) = server
        .get(
            &server.terminal(&demo, 1).await,
            "/a/v1.0/pos/orders?status=cooking",
        )
        .await;
    assert!(
        orders.to_string().contains(&uuid),
        "the till sees it cooking: {orders}"
    );
    let back = manager
        .post(&status_path, &[("shop", "1"), ("status", "active")])
        .await;
    assert_eq!(
        back.status,
        StatusCode::CONFLICT,
        "no step back: {}",
        back.body
    );
    server.stop().await;
}

/// API.md §10: the admin JSON API takes the UI's session as well as an admin key. The role
/// bounds it as on the pages, and a write needs the session's CSRF token in a header.
async fn a_session_calls_the_admin_api_within_its_role_and_writes_with_its_token(backend: Backend) {
    use reqwest::Method;
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let storages = "SELECT COUNT(*) FROM storages";
    let (login, password) = user(&server, &demo, Role::Manager).await;
    let (_, manager) = Ui::sign_in(&server, "demo", &login, &password).await;

    let (status, me) = manager.api(Method::GET, "/admin/v1/me", None, None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["data"]["via"], "session");
    assert_eq!(me["data"]["login"], json!(login));
    assert_eq!(me["data"]["role"], "manager");
    let token = me["data"]["csrf_token"].as_str().expect("token").to_owned();
    assert_eq!(token, manager.csrf, "the same token the forms carry");

    let (status, products) = manager
        .api(Method::GET, "/admin/v1/products", None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{products}");
    let (status, keys) = manager.api(Method::GET, "/admin/v1/keys", None, None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a manager sees no keys: {keys}"
    );

    let before = int(&server.db, storages).await;
    let body = json!({"name": "Бар"});
    for token in [None, Some(""), Some("forged")] {
        let (status, answer) = manager
            .api(Method::POST, "/admin/v1/storages", Some(&body), token)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{token:?}: {answer}");
    }
    assert_eq!(
        int(&server.db, storages).await,
        before,
        "refused writes change nothing"
    );
    let (status, answer) = manager
        .api(
            Method::POST,
            "/admin/v1/storages",
            Some(&body),
            Some(&token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(int(&server.db, storages).await, before + 1);
    let (status, _) = manager
        .api(
            Method::POST,
            "/admin/v1/keys",
            Some(&json!({"scope": "api"})),
            Some(&token),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a manager makes no keys");

    let (login, password) = user(&server, &demo, Role::Viewer).await;
    let (_, viewer) = Ui::sign_in(&server, "demo", &login, &password).await;
    let (status, _) = viewer
        .api(Method::GET, "/admin/v1/dashboard", None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "a viewer reads");
    let (status, _) = viewer
        .api(
            Method::POST,
            "/admin/v1/storages",
            Some(&body),
            Some(&viewer.csrf),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a viewer writes nothing");

    let (login, password) = user(&server, &demo, Role::Owner).await;
    let (_, owner) = Ui::sign_in(&server, "demo", &login, &password).await;
    let key_body = json!({"scope": "api"});
    let (status, answer) = owner
        .api_once("/admin/v1/keys", &key_body, &owner.csrf, "owner-key")
        .await;
    assert_eq!(status, StatusCode::OK, "an owner makes keys: {answer}");
    let made = answer["data"]["key"].as_str().expect("key").to_owned();
    // the owner's answer under that Idempotency-Key is the owner's: a manager sending the
    // same request is refused before any stored answer is looked at
    let (status, refused) = manager
        .api_once("/admin/v1/keys", &key_body, &token, "owner-key")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert!(
        !refused.to_string().contains(&made),
        "the key is not handed out"
    );

    let other = server.account("other").await;
    let mut elsewhere = Ui::anonymous(&server, &other.name);
    elsewhere.cookie.clone_from(&owner.cookie);
    let (status, _) = elsewhere.api(Method::GET, "/admin/v1/me", None, None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a session is no session on another host"
    );
    let anonymous = Ui::anonymous(&server, "demo");
    let (status, _) = anonymous.api(Method::GET, "/admin/v1/me", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}
