//! Catalog: products with their price and stop-list state at a shop (search, pages of 100,
//! the stop list toggled per shop), each opening its card; thin views over
//! [`crate::service::catalog_view`] and [`crate::service::stop_list`].

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;

use crate::api::AppState;
use crate::db::products::Key;
use crate::domain::decimal::Money;
use crate::domain::ids::{ProductId, ShopId};
use crate::domain::user::Area;
use crate::service::{catalog_view, stop_list};
use crate::ui::error::UiError;
use crate::ui::format;
use crate::ui::i18n::Text;
use crate::ui::layout::{self, Section};
use crate::ui::query::Params;
use crate::ui::session::{Posted, Signed};

const PAGE: usize = 100;

pub async fn products(
    State(state): State<AppState>,
    user: Signed,
    params: Params,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let (shops, shop) = super::shop_of(&state, &user, &params).await?;
    let search = params.text("q").unwrap_or("");
    let found = catalog_view::products(&state.db, user.account_id, shop, search).await?;
    let page = usize::try_from(params.int("page")?.unwrap_or(0).max(0)).unwrap_or(0);
    let shown = found.iter().skip(page * PAGE).take(PAGE);
    let may = user.role.may_change(Area::Catalog);
    let here = |page: usize| {
        format!(
            "/admin/catalog?shop={shop}&q={}&page={page}",
            urlencode(search)
        )
    };
    let body = html! {
        p.filters {
            a href="/admin/catalog/categories" { (lang.t(Text::Categories)) }
            " · " a href="/admin/catalog/menus" { (lang.t(Text::Menus)) }
            @if may { " · " a href="/admin/catalog/products/new" { (lang.t(Text::NewProduct)) } }
        }
        form.filters method="get" action="/admin/catalog" {
            (super::shop_select(&user, &shops, shop))
            label { (lang.t(Text::Search)) input type="search" name="q" value=(search); }
            button type="submit" { (lang.t(Text::Show)) }
        }
        p.muted { (found.len()) " · " (lang.t(Text::Products)) }
        div.scroll { table {
            thead { tr {
                th { (lang.t(Text::Code)) } th { (lang.t(Text::Product)) } th { (lang.t(Text::Unit)) }
                th.num { (lang.t(Text::Price)) } th { (lang.t(Text::StopList)) } th {}
            } }
            tbody {
                @for p in shown {
                    tr {
                        td { (p.ref_code) }
                        td { a href={ "/admin/catalog/products/" (p.id) } { (p.name) } }
                        td { (p.measure) }
                        td.num { @if let Some(price) = p.price { (format::money(Money::round(price.decimal()), lang)) } }
                        td {
                            @if p.stopped { strong.stopped { (lang.t(Text::InStopList)) } " " }
                            @if may {
                                form.inline method="post" action="/admin/catalog/stop" {
                                    (layout::csrf(&user))
                                    input type="hidden" name="shop" value=(shop);
                                    input type="hidden" name="product" value=(p.id);
                                    input type="hidden" name="stopped" value=(if p.stopped { "0" } else { "1" });
                                    input type="hidden" name="back" value=(here(page));
                                    button type="submit" data-product=(p.ref_code) { (lang.t(if p.stopped { Text::Resume } else { Text::Stop })) }
                                }
                            }
                        }
                        td { @if p.has_map { a href={ "/admin/catalog/tech-map/" (p.id) } { (lang.t(Text::Cost)) } } }
                    }
                }
            }
        } }
        p {
            @if page > 0 { a href=(here(page - 1)) { "←" } " " }
            @if (page + 1) * PAGE < found.len() { a href=(here(page + 1)) { "→" } }
        }
    };
    Ok(layout::page(
        &user,
        Section::Catalog,
        lang.t(Text::Products),
        &body,
    ))
}

/// Percent-encodes a query value.
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct StopForm {
    shop: i64,
    product: i64,
    stopped: String,
    #[serde(default)]
    back: String,
}

pub async fn stop(
    State(state): State<AppState>,
    Posted { signed: user, form }: Posted<StopForm>,
) -> Result<Response, UiError> {
    user.may_change(Area::Catalog)?;
    let product = Key::Id(ProductId::new(form.product));
    let stopped = form.stopped == "1";
    stop_list::set(
        &state.db,
        user.account_id,
        ShopId::new(form.shop),
        (product, "product"),
        stopped,
    )
    .await?;
    // back to the list where it was, never off the UI
    let back = if form.back.starts_with("/admin/catalog") {
        form.back
    } else {
        "/admin/catalog".into()
    };
    Ok(Redirect::to(&back).into_response())
}
