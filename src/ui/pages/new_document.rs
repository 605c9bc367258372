//! Making a stock document by hand: one form per kind (storages, supplier, reason, lines
//! with a product picker), turned into the same body the API takes and created by the same
//! service ([`crate::service::document_view::create`]); the new document opens, not wired.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde_json::{json, Map, Value};

use crate::api::AppState;
use crate::db::objects::StorageRow;
use crate::domain::document::{DocKind, WriteOffReason};
use crate::domain::time;
use crate::domain::user::Area;
use crate::service::{catalog_view, document_view, stock_report};
use crate::ui::error::UiError;
use crate::ui::form::{self, Fields};
use crate::ui::i18n::{Lang, Text};
use crate::ui::layout::{self, Section};
use crate::ui::session::{Posted, Signed};

/// Line rows on a form; the empty ones are left out.
const LINES: usize = 8;

/// What each line of a kind asks besides product and quantity: (field in the API, label).
fn extra(kind: DocKind) -> Option<(&'static str, Text)> {
    match kind {
        DocKind::Invoice => Some(("cost", Text::Cost)),
        DocKind::Return => Some(("price", Text::Price)),
        _ => None,
    }
}

/// The API's name for a line's quantity.
fn qty_field(kind: DocKind) -> &'static str {
    if kind == DocKind::Inventory {
        "counted"
    } else {
        "amount"
    }
}

fn storage_select(
    lang: Lang,
    (name, label): (&str, Text),
    storages: &[StorageRow],
    sent: &Fields,
) -> Markup {
    let chosen = sent.value(name);
    html! {
        label { (lang.t(label))
            select name=(name) required { @for s in storages {
                option value=(s.id) selected[s.id.to_string() == chosen] { (s.name) }
            } }
        }
    }
}

pub async fn form(
    State(state): State<AppState>,
    user: Signed,
    Path(kind): Path<String>,
) -> Result<Markup, UiError> {
    user.may_change(Area::Documents)?;
    let kind = document_view::kind(&kind)?;
    // to the second: a minute's start would date the document before what the same minute
    // already moved (a stocktaking before a delivery it was meant to count)
    let now = time::format_rfc3339(time::now_unix(), &user.timezone);
    let mut sent = Fields::default();
    sent.set("date", now.get(..19).unwrap_or(""));
    form_page(&state, &user, kind, &sent, None).await
}

/// A kind's form, filled with `sent`, with the reason it was refused above it.
async fn form_page(
    state: &AppState,
    user: &Signed,
    kind: DocKind,
    sent: &Fields,
    error: Option<&str>,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let storages = stock_report::storages(&state.db, user.account_id).await?;
    let products = catalog_view::names(&state.db, user.account_id).await?;
    let text = |name: &str| sent.value(name).to_owned();
    let body = html! {
        (form::reason(error))
        form.stack method="post" action={ "/admin/documents/new/" (kind.as_str()) } {
            (layout::csrf(user))
            div.filters {
                label { (lang.t(Text::Date)) input type="datetime-local" name="date" step="1" value=(text("date")) required; }
                @if kind == DocKind::Move {
                    (storage_select(lang, ("storage_from", Text::From), &storages, sent))
                    (storage_select(lang, ("storage_to", Text::To), &storages, sent))
                } @else {
                    (storage_select(lang, ("storage", Text::Storage), &storages, sent))
                }
                @if matches!(kind, DocKind::Invoice | DocKind::Return) {
                    label { (lang.t(Text::ShipperCode)) input name="shipper_code" value=(text("shipper_code")) required; }
                }
                @if kind == DocKind::Invoice {
                    label { (lang.t(Text::Shipper)) input name="shipper_name" value=(text("shipper_name")); }
                    label { (lang.t(Text::Number)) input name="number" value=(text("number")); }
                }
                @if kind == DocKind::Return {
                    label { (lang.t(Text::InvoiceNumber)) input name="invoice_id" inputmode="numeric" value=(text("invoice_id")); }
                }
                @if kind == DocKind::WriteOff {
                    label { (lang.t(Text::Reason))
                        select name="reason" { @for r in WriteOffReason::ALL {
                            option value=(r.as_str()) selected[sent.value("reason") == r.as_str()] { (r.as_str()) }
                        } }
                    }
                }
                @if kind == DocKind::Inventory {
                    label { (lang.t(Text::FullCount)) input type="checkbox" name="full" value="1" checked[sent.checked("full")]; }
                }
                label { (lang.t(Text::Comment)) input name="comment" maxlength="500" value=(text("comment")); }
            }
            datalist id="products" { @for p in &products { option value=(p.ref_code) { (p.name) } } }
            table {
                thead { tr {
                    th { "№" } th { (lang.t(Text::Code)) }
                    th.num { (lang.t(if kind == DocKind::Inventory { Text::Counted } else { Text::Quantity })) }
                    @if let Some((_, label)) = extra(kind) { th.num { (lang.t(label)) } }
                } }
                tbody {
                    @for i in 0..LINES {
                        tr {
                            td { (i + 1) }
                            td { input name={ "p" (i) } list="products" value=(text(&format!("p{i}"))) aria-label={ (lang.t(Text::Code)) " " (i + 1) } required[i == 0]; }
                            td.num { input name={ "q" (i) } inputmode="decimal" size="8" value=(text(&format!("q{i}"))) aria-label={ (lang.t(Text::Quantity)) " " (i + 1) } required[i == 0]; }
                            @if let Some((field, label)) = extra(kind) {
                                td.num { input name={ (field) (i) } inputmode="decimal" size="8" value=(text(&format!("{field}{i}"))) aria-label={ (lang.t(label)) " " (i + 1) }; }
                            }
                        }
                    }
                }
            }
            p { button type="submit" { (lang.t(Text::Create)) } }
        }
    };
    let title = format!(
        "{}: {}",
        lang.t(Text::NewDocument),
        super::documents::kind_name(lang, kind)
    );
    Ok(layout::page(user, Section::Documents, &title, &body))
}

/// A number as the API takes it: the text itself (decimals are exact there).
fn number(text: &str) -> Value {
    Value::String(text.replace(',', "."))
}

/// The API body a kind's form describes.
fn body(kind: DocKind, form: &Fields, user: &Signed) -> Result<Value, UiError> {
    let mut doc = Map::new();
    if let Some(date) = form.get("date") {
        let instant = time::parse_instant(date, &user.timezone)
            .map_err(|e| UiError::Invalid(format!("date: {e}")))?;
        doc.insert(
            "date".into(),
            json!(time::format_rfc3339(instant, &user.timezone)),
        );
    }
    let storage = |name: &str| -> Result<Value, UiError> {
        let id: i64 = form
            .get(name)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| UiError::Invalid(format!("{name}: choose a storage")))?;
        Ok(json!({ "caf_id": id }))
    };
    if kind == DocKind::Move {
        doc.insert("storage_from".into(), storage("storage_from")?);
        doc.insert("storage_to".into(), storage("storage_to")?);
    } else {
        doc.insert("storage".into(), storage("storage")?);
    }
    if let Some(code) = form.get("shipper_code") {
        let mut shipper = json!({ "ref_code": code });
        if let Some(name) = form.get("shipper_name") {
            shipper["name"] = json!(name);
        }
        doc.insert("shipper".into(), shipper);
    }
    for (name, key) in [
        ("number", "number"),
        ("comment", "comment"),
        ("reason", "reason"),
    ] {
        if let Some(value) = form.get(name) {
            doc.insert(key.into(), json!(value));
        }
    }
    if let Some(id) = form.get("invoice_id") {
        let id: i64 = id
            .parse()
            .map_err(|_| UiError::Invalid(format!("invoice_id: {id:?} is not an invoice id")))?;
        doc.insert("invoice_id".into(), json!(id));
    }
    if kind == DocKind::Inventory {
        doc.insert("full".into(), json!(form.get("full") == Some("1")));
    }
    let mut items = Vec::new();
    for i in 0..LINES {
        let Some(code) = form.get(&format!("p{i}")) else {
            continue;
        };
        let mut item = json!({ "product_code": code });
        if let Some(qty) = form.get(&format!("q{i}")) {
            item[qty_field(kind)] = number(qty);
        }
        if let Some((name, _)) = extra(kind) {
            if let Some(value) = form.get(&format!("{name}{i}")) {
                item[name] = number(value);
            }
        }
        items.push(item);
    }
    doc.insert("items".into(), Value::Array(items));
    Ok(Value::Object(doc))
}

pub async fn create(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Posted { signed: user, form }: Posted<Fields>,
) -> Result<Response, UiError> {
    user.may_change(Area::Documents)?;
    let kind = document_view::kind(&kind)?;
    let made = match body(kind, &form, &user) {
        Ok(body) => document_view::create(&state.db, &user.actor(), kind, body)
            .await
            .map_err(UiError::from),
        Err(refusal) => Err(refusal),
    };
    match made {
        Ok(id) => {
            Ok(Redirect::to(&format!("/admin/documents/{}/{id}", kind.as_str())).into_response())
        }
        Err(error) => {
            let page = form_page(&state, &user, kind, &form, Some(&error.to_string())).await?;
            form::refused(error, page)
        }
    }
}
