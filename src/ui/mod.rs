//! The admin web UI (API.md §10), under `/admin/` on the account's host: server-rendered
//! pages, each a thin view over the services the API uses, with the stylesheet embedded in
//! the binary and no script. Who may see and do what is decided by the user's role
//! ([`crate::domain::user`]); every form carries the session's CSRF token ([`session`]).

pub mod chart;
pub mod error;
pub mod form;
pub mod format;
pub mod i18n;
pub mod layout;
pub mod pages;
pub mod query;
pub mod session;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::api::AppState;
use pages::{
    catalog, dashboard, documents, menus, new_document, product_card, sales, settings, sign_in,
    stock, tech_map,
};

/// The UI's routes, with its error pages and security headers.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin",
            get(|| async { axum::response::Redirect::permanent("/admin/") }),
        )
        .route("/admin/", get(dashboard::show))
        .route("/admin/sign-in", get(sign_in::show).post(sign_in::submit))
        .route("/admin/sign-out", post(sign_in::sign_out))
        .route("/admin/lang/{code}", get(sign_in::language))
        .route("/admin/stock", get(stock::balances))
        .route("/admin/stock/report", get(stock::report))
        .route("/admin/stock/ledger", get(stock::ledger))
        .route("/admin/documents", get(documents::list))
        .route(
            "/admin/documents/new/{kind}",
            get(new_document::form).post(new_document::create),
        )
        .route("/admin/documents/{kind}/{id}", get(documents::show))
        .route("/admin/documents/{kind}/{id}/wire", post(documents::wire))
        .route(
            "/admin/documents/{kind}/{id}/unwire",
            post(documents::unwire),
        )
        .route("/admin/catalog", get(catalog::products))
        .route("/admin/catalog/stop", post(catalog::stop))
        .route(
            "/admin/catalog/products/new",
            get(product_card::new).post(product_card::create),
        )
        .route(
            "/admin/catalog/products/{id}",
            get(product_card::edit).post(product_card::save),
        )
        .route(
            "/admin/catalog/tech-map/{id}",
            get(tech_map::show).post(tech_map::save),
        )
        .route(
            "/admin/catalog/categories",
            get(menus::categories).post(menus::save_category),
        )
        .route(
            "/admin/catalog/menus",
            get(menus::list).post(menus::create_menu),
        )
        .route("/admin/catalog/menus/sections", post(menus::save_section))
        .route(
            "/admin/catalog/menus/sections/{id}/items",
            post(menus::place),
        )
        .route(
            "/admin/catalog/menus/sections/{id}/items/{product}/remove",
            post(menus::remove),
        )
        .route("/admin/sales", get(sales::day))
        .route("/admin/sales/receipts/{uuid}", get(sales::receipt))
        .route("/admin/sales/clients", get(sales::clients))
        .route("/admin/sales/shifts", get(sales::shifts))
        .route(
            "/admin/sales/orders/{uuid}/status",
            post(sales::order_status),
        )
        .route(
            "/admin/settings",
            get(settings::account).post(settings::save_account),
        )
        .route("/admin/settings/storages", post(settings::create_storage))
        .route("/admin/settings/shops", post(settings::create_shop))
        .route("/admin/settings/employees", post(settings::create_employee))
        .route("/admin/settings/taxes", post(settings::create_tax))
        .route(
            "/admin/settings/payment-types",
            post(settings::create_payment_type),
        )
        .route(
            "/admin/settings/keys",
            get(settings::keys).post(settings::create_key),
        )
        .route(
            "/admin/settings/keys/{id}/revoke",
            post(settings::revoke_key),
        )
        .route(
            "/admin/settings/users",
            get(settings::users_page).post(settings::create_user),
        )
        .route(
            "/admin/settings/users/{id}/disable",
            post(settings::disable_user),
        )
        .route("/admin/settings/webhooks", get(settings::webhooks_page))
        .route("/admin/settings/webhooks/{id}", get(settings::deliveries))
        .route(
            "/admin/settings/webhooks/deliveries/{id}/replay",
            post(settings::replay),
        )
        .route(layout::CSS_PATH, get(stylesheet))
        .layer(middleware::from_fn(error::render))
        .layer(middleware::from_fn(secure))
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        layout::CSS,
    )
        .into_response()
}

/// Headers on every UI answer: nothing but our own stylesheet and images may load, no page
/// may be framed, nothing is cached that a shared computer's next user could see.
async fn secure(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
