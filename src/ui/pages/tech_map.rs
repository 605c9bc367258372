//! A dish's tech map: what it costs in a storage, from its ingredients' average costs (nested
//! sub-products costed by their own maps), and its recipe edited by hand. The recipe form
//! becomes the body `PUT /product/{id}/tech_map` takes and goes through the same service; a
//! refused one comes back filled in.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde_json::{json, Value};

use crate::api::AppState;
use crate::domain::decimal::Money;
use crate::domain::ids::{ProductId, StorageId};
use crate::domain::user::Area;
use crate::service::catalog_view::{self, Costed};
use crate::service::{stock_report, tech_maps};
use crate::ui::error::UiError;
use crate::ui::form::{self, Fields};
use crate::ui::format;
use crate::ui::i18n::Text;
use crate::ui::layout::{self, Section};
use crate::ui::query::{self, Params};
use crate::ui::session::{Posted, Signed};
use crate::wire::tech_maps::TechMapIn;

/// Blank ingredient rows under those a recipe has.
const BLANK: usize = 4;
/// The most rows a recipe form has.
const MAX_ROWS: usize = 500;

pub async fn show(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    params: Params,
) -> Result<Markup, UiError> {
    let storage = params.int("storage")?;
    let costed = costed(&state, &user, id, storage).await?;
    let mut sent = Fields::default();
    if let (_, _, Some(c)) = &costed {
        sent.set("output", c.map.output.to_string());
        for (i, l) in c.map.lines.iter().enumerate() {
            sent.set(format!("p{i}"), l.ref_code.as_str());
            sent.set(format!("q{i}"), l.amount.to_string());
        }
    } else {
        sent.set("output", "1");
    }
    let saved = params.text("saved").is_some();
    page(&state, &user, id, costed, &sent, (None, saved)).await
}

/// The storages, the one chosen, and the dish costed there (`None`: no recipe yet).
type CostedIn = (
    Vec<crate::db::objects::StorageRow>,
    StorageId,
    Option<Costed>,
);

async fn costed(
    state: &AppState,
    user: &Signed,
    id: i64,
    storage: Option<i64>,
) -> Result<CostedIn, UiError> {
    let storages = stock_report::storages(&state.db, user.account_id).await?;
    let first = storages.first().map(|s| s.id);
    let chosen = query::chosen(storage, first, StorageId::new, "storage")?;
    let product = ProductId::new(id);
    match catalog_view::tech_map_cost(&state.db, user.account_id, product, chosen).await {
        Ok(c) => Ok((storages, chosen, Some(c))),
        // a product without a recipe yet: the form alone, to write its first
        Err(crate::service::ServiceError::NotFound(_)) => {
            catalog_view::card(&state.db, user.account_id, product).await?;
            Ok((storages, chosen, None))
        }
        Err(e) => Err(e.into()),
    }
}

async fn page(
    state: &AppState,
    user: &Signed,
    id: i64,
    costed: CostedIn,
    sent: &Fields,
    (error, saved): (Option<&str>, bool),
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let products = catalog_view::names(&state.db, user.account_id).await?;
    // every row the recipe (or the refused form) filled, gaps kept, then blank ones
    let filled = (0..MAX_ROWS)
        .filter(|i| sent.get(&format!("p{i}")).is_some())
        .max()
        .map_or(0, |last| last + 1);
    let rows = (filled + BLANK).min(MAX_ROWS);
    let text = |name: &str| sent.value(name).to_owned();
    let (storages, chosen, costed) = costed;
    let body = html! {
        (form::reason(error))
        @if saved { (layout::notice(lang.t(Text::Saved))) }
        p.filters { a href={ "/admin/catalog/products/" (id) } { (lang.t(Text::Product)) } }
        @if let Some(costed) = &costed {
            form.filters method="get" {
                label { (lang.t(Text::Storage))
                    select name="storage" { @for s in &storages { option value=(s.id) selected[s.id == chosen] { (s.name) } } }
                }
                button type="submit" { (lang.t(Text::Show)) }
            }
            (cost_table(user, costed))
        }
        @if user.role.may_change(Area::Catalog) {
            h2 { (lang.t(Text::Recipe)) }
            form.stack method="post" action={ "/admin/catalog/tech-map/" (id) } {
                (layout::csrf(user))
                div.filters {
                    label { (lang.t(Text::Output)) input name="output" inputmode="decimal" size="8" value=(text("output")) required; }
                }
                datalist id="products" { @for p in &products { option value=(p.ref_code) { (p.name) } } }
                table {
                    thead { tr { th { "№" } th { (lang.t(Text::Code)) } th.num { (lang.t(Text::Quantity)) } } }
                    tbody { @for i in 0..rows {
                        tr {
                            td { (i + 1) }
                            td { input name={ "p" (i) } list="products" value=(text(&format!("p{i}"))) aria-label={ (lang.t(Text::Code)) " " (i + 1) }; }
                            td.num { input name={ "q" (i) } inputmode="decimal" size="8" value=(text(&format!("q{i}"))) aria-label={ (lang.t(Text::Quantity)) " " (i + 1) }; }
                        }
                    } }
                }
                input type="hidden" name="rows" value=(rows);
                p { button type="submit" { (lang.t(Text::Save)) } }
            }
        }
    };
    let title = format!("{} #{id}", lang.t(Text::TechMap));
    Ok(layout::page(user, Section::Catalog, &title, &body))
}

fn cost_table(user: &Signed, costed: &Costed) -> Markup {
    let lang = user.lang;
    html! {
        table {
            thead { tr { th { (lang.t(Text::Product)) } th.num { (lang.t(Text::Quantity)) } th { (lang.t(Text::Unit)) }
                th.num { (lang.t(Text::AverageCost)) } th.num { (lang.t(Text::Cost)) } } }
            tbody {
                @for l in &costed.lines {
                    tr {
                        td { (l.line.name) }
                        td.num { (format::qty(l.line.amount, lang)) }
                        td { (l.line.measure) }
                        td.num { @if let Some(c) = l.unit_cost { (format::money(Money::round(c.decimal()), lang)) } @else { "—" } }
                        td.num { (format::money(l.cost, lang)) }
                    }
                }
            }
            tfoot {
                tr { th colspan="4" { (lang.t(Text::Total)) " (" (format::qty(costed.map.output, lang)) ")" } th.num data-testid="total-cost" { (format::money(costed.total, lang)) } }
            }
        }
    }
}

/// The API body the recipe form describes: the rows with a code, in order.
fn body(sent: &Fields) -> Result<TechMapIn, UiError> {
    let rows: usize = sent.get("rows").and_then(|r| r.parse().ok()).unwrap_or(0);
    let items: Vec<Value> = (0..rows.min(MAX_ROWS))
        .filter_map(|i| {
            let code = sent.get(&format!("p{i}"))?;
            let amount = sent.get(&format!("q{i}")).unwrap_or("").replace(',', ".");
            Some(json!({"product_code": code, "amount": amount}))
        })
        .collect();
    let output = sent.get("output").unwrap_or("").replace(',', ".");
    let recipe = json!({"output": output, "items": items});
    serde_json::from_value(recipe).map_err(|e| UiError::Invalid(format!("{e}")))
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { signed: user, form }: Posted<Fields>,
) -> Result<Response, UiError> {
    user.may_change(Area::Catalog)?;
    let saved = match body(&form) {
        Ok(recipe) => tech_maps::set(&state.db, &user.actor(), ProductId::new(id), &recipe)
            .await
            .map_err(UiError::from),
        Err(refusal) => Err(refusal),
    };
    match saved {
        Ok(()) => {
            Ok(Redirect::to(&format!("/admin/catalog/tech-map/{id}?saved=1")).into_response())
        }
        Err(error) => {
            let costed = costed(&state, &user, id, None).await?;
            let reason = error.to_string();
            let page = page(&state, &user, id, costed, &form, (Some(&reason), false)).await?;
            form::refused(error, page)
        }
    }
}
