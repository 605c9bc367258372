//! A product's card, made or edited by hand: code, name, kind, unit, how a sale writes it
//! off, category, tax, and its price at each shop. The form becomes the same body the API
//! takes (`PUT /product/{id}`) and goes through the same service, so every API rule applies
//! and names the field; a refused form comes back filled in.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde_json::{json, Map, Value};

use crate::api::AppState;
use crate::db::products::Key;
use crate::domain::decimal::Money;
use crate::domain::ids::ProductId;
use crate::domain::product::{CancellationType, EntityType, Measure};
use crate::domain::user::Area;
use crate::service::catalog_view::{self, Card};
use crate::service::products;
use crate::ui::error::UiError;
use crate::ui::form::{self, Fields};
use crate::ui::i18n::Text;
use crate::ui::layout::{self, Section};
use crate::ui::query::Params;
use crate::ui::session::{Posted, Signed};
use crate::wire::invoices::ProductIn;

const KINDS: [EntityType; 3] = [
    EntityType::Product,
    EntityType::TechMap,
    EntityType::SubProduct,
];
const UNITS: [Measure; 3] = [Measure::Pcs, Measure::Kg, Measure::L];
const WRITE_OFFS: [CancellationType; 3] = [
    CancellationType::CancelDish,
    CancellationType::CancelIngredients,
    CancellationType::NoCancel,
];

/// The fields of a stored card, as its form shows them.
fn filled(card: &Card) -> Fields {
    let row = &card.row;
    let mut sent = Fields::default();
    sent.set("ref_code", row.ref_code.as_str());
    sent.set("name", row.name.as_str());
    sent.set("type", row.entity_type.as_str());
    sent.set("measure", row.measure.as_str());
    sent.set("cancellation_type", row.cancellation_type.as_str());
    sent.set("barcode", row.barcode.as_str());
    sent.set("country", row.country.as_str());
    sent.set("weight_in_gram", row.weight_in_gram.to_string());
    if let Some(code) = &card.codes.category_code {
        sent.set("category", code.as_str());
    }
    if let Some(code) = &card.codes.workspace_code {
        sent.set("workspace", code.as_str());
    }
    if let Some(tax) = row.tax_id {
        sent.set("tax", tax.to_string());
    }
    if row.use_discounts {
        sent.set("use_discounts", "1");
    }
    if row.for_sale {
        sent.set("for_sale", "1");
    }
    for price in &card.prices {
        let shown = Money::round(price.price.decimal()).to_string();
        sent.set(format!("price_{}", price.shop_id), shown);
    }
    sent
}

pub async fn edit(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    params: Params,
) -> Result<Markup, UiError> {
    let card = catalog_view::card(&state.db, user.account_id, ProductId::new(id)).await?;
    let saved = params.text("saved").is_some();
    card_page(&state, &user, Some(id), &filled(&card), None, saved).await
}

pub async fn new(State(state): State<AppState>, user: Signed) -> Result<Markup, UiError> {
    user.may_change(Area::Catalog)?;
    let mut sent = Fields::default();
    for (name, value) in [("use_discounts", "1"), ("for_sale", "1")] {
        sent.set(name, value);
    }
    card_page(&state, &user, None, &sent, None, false).await
}

/// The card's form (of product `id`, or a new one), filled with `sent`.
async fn card_page(
    state: &AppState,
    user: &Signed,
    id: Option<i64>,
    sent: &Fields,
    error: Option<&str>,
    saved: bool,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let shops = catalog_view::shops(&state.db, user.account_id).await?;
    let (taxes, _) = catalog_view::taxes_and_payment_types(&state.db, user.account_id).await?;
    let categories = catalog_view::categories(&state.db, user.account_id).await?;
    let may = user.role.may_change(Area::Catalog);
    let action = id.map_or_else(
        || "/admin/catalog/products/new".to_owned(),
        |id| format!("/admin/catalog/products/{id}"),
    );
    let text = |name: &str| sent.value(name).to_owned();
    let body = html! {
        (form::reason(error))
        @if saved { (layout::notice(lang.t(Text::Saved))) }
        @if let Some(id) = id {
            p.filters { a href={ "/admin/catalog/tech-map/" (id) } { (lang.t(Text::TechMap)) } }
        }
        form.stack method="post" action=(action) {
            (layout::csrf(user))
            fieldset disabled[!may] {
                div.filters {
                    label { (lang.t(Text::Code)) input name="ref_code" value=(text("ref_code")) required maxlength="255"; }
                    label { (lang.t(Text::Title)) input name="name" value=(text("name")) required maxlength="255"; }
                    label { (lang.t(Text::Kind))
                        select name="type" { @for k in KINDS { option value=(k.as_str()) selected[sent.value("type") == k.as_str()] { (k.as_str()) } } }
                    }
                    label { (lang.t(Text::Unit))
                        select name="measure" { @for m in UNITS { option value=(m.as_str()) selected[sent.value("measure") == m.as_str()] { (m.as_str()) } } }
                    }
                    label { (lang.t(Text::WrittenOff))
                        select name="cancellation_type" { @for c in WRITE_OFFS { option value=(c.as_str()) selected[sent.value("cancellation_type") == c.as_str()] { (c.as_str()) } } }
                    }
                    label { (lang.t(Text::Category)) input name="category" list="categories" value=(text("category")); }
                    label { (lang.t(Text::Tax))
                        select name="tax" {
                            option value="" { "—" }
                            @for t in &taxes { option value=(t.id) selected[sent.value("tax") == t.id.to_string()] { (t.name) } }
                        }
                    }
                    label { (lang.t(Text::Barcode)) input name="barcode" value=(text("barcode")); }
                    label { input type="checkbox" name="use_discounts" value="1" checked[sent.checked("use_discounts")]; " " (lang.t(Text::UseDiscounts)) }
                    label { input type="checkbox" name="for_sale" value="1" checked[sent.checked("for_sale")]; " " (lang.t(Text::ForSale)) }
                    input type="hidden" name="country" value=(text("country"));
                    input type="hidden" name="weight_in_gram" value=(text("weight_in_gram"));
                    input type="hidden" name="workspace" value=(text("workspace"));
                }
                datalist id="categories" { @for c in &categories { option value=(c.ref_code) { (c.name) } } }
                table {
                    thead { tr { th { (lang.t(Text::Shop)) } th.num { (lang.t(Text::Price)) } } }
                    tbody { @for s in &shops {
                        tr {
                            td { (s.name) }
                            td.num { input name={ "price_" (s.id) } inputmode="decimal" size="8" value=(text(&format!("price_{}", s.id))) aria-label={ (lang.t(Text::Price)) " " (s.name) }; }
                        }
                    } }
                }
                p { button type="submit" { (lang.t(if id.is_some() { Text::Save } else { Text::Create })) } }
            }
        }
    };
    let title = match id {
        Some(_) => format!("{}: {}", lang.t(Text::Product), sent.value("name")),
        None => lang.t(Text::NewProduct).to_owned(),
    };
    Ok(layout::page(user, Section::Catalog, &title, &body))
}

/// The API body the form describes. A shop whose price is left empty keeps its price.
fn body(sent: &Fields) -> Result<ProductIn, UiError> {
    let mut card = Map::new();
    // the required words go as typed ("" is refused by the service, naming the field); the
    // optional ones are absent when empty
    for (field, key) in [("ref_code", "ref_code"), ("name", "name")] {
        card.insert(key.into(), json!(sent.get(field).unwrap_or_default()));
    }
    for (field, key) in [
        ("type", "type"),
        ("measure", "measure"),
        ("cancellation_type", "cancellation_type"),
        ("barcode", "barcode"),
        ("country", "country"),
        ("category", "category_ref_code"),
        ("workspace", "workspace_ref_code"),
    ] {
        card.insert(key.into(), json!(sent.get(field)));
    }
    card.insert("weight_in_gram".into(), json!(sent.int("weight_in_gram")?));
    card.insert("caf_tax_id".into(), json!(sent.int("tax")?));
    card.insert("use_discounts".into(), json!(sent.checked("use_discounts")));
    card.insert("for_sale".into(), json!(sent.checked("for_sale")));
    let mut prices = Vec::new();
    for (name, value) in sent.prices() {
        prices.push(json!({"caf_shop_id": name, "price": value.replace(',', ".")}));
    }
    card.insert("prices".into(), Value::Array(prices));
    serde_json::from_value(Value::Object(card)).map_err(|e| UiError::Invalid(e.to_string()))
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { signed: user, form }: Posted<Fields>,
) -> Result<Response, UiError> {
    user.may_change(Area::Catalog)?;
    let key = Key::Id(ProductId::new(id));
    let saved = match body(&form) {
        Ok(input) => products::update(&state.db, &user.actor(), key, &input)
            .await
            .map_err(UiError::from),
        Err(refusal) => Err(refusal),
    };
    answer(&state, &user, Some(id), &form, saved).await
}

pub async fn create(
    State(state): State<AppState>,
    Posted { signed: user, form }: Posted<Fields>,
) -> Result<Response, UiError> {
    user.may_change(Area::Catalog)?;
    let made = match body(&form) {
        Ok(input) => products::create(&state.db, &user.actor(), &input)
            .await
            .map_err(UiError::from),
        Err(refusal) => Err(refusal),
    };
    answer(&state, &user, None, &form, made).await
}

/// The card saved: back to it; refused: the form again with what was typed.
async fn answer(
    state: &AppState,
    user: &Signed,
    id: Option<i64>,
    sent: &Fields,
    outcome: Result<ProductId, UiError>,
) -> Result<Response, UiError> {
    match outcome {
        Ok(saved) => {
            Ok(Redirect::to(&format!("/admin/catalog/products/{saved}?saved=1")).into_response())
        }
        Err(error) => {
            let page = card_page(state, user, id, sent, Some(&error.to_string()), false).await?;
            form::refused(error, page)
        }
    }
}
