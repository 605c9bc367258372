//! Stock documents of every kind: the list (filtered by kind, status, storage and dates),
//! a document's page, and wiring or unwiring it; thin views over
//! [`crate::service::document_view`].

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::de::IgnoredAny;

use crate::api::AppState;
use crate::domain::document::DocKind;
use crate::domain::user::Area;
use crate::service::document_view::{self, Summary, KINDS};
use crate::ui::error::UiError;
use crate::ui::format;
use crate::ui::i18n::{Lang, Text};
use crate::ui::layout::{self, Section};
use crate::ui::query::{day_range, Params};
use crate::ui::session::{Posted, Signed};

/// The name of a kind of document.
pub fn kind_name(lang: Lang, kind: DocKind) -> &'static str {
    lang.t(match kind {
        DocKind::Invoice => Text::Invoice,
        DocKind::Move => Text::Transfer,
        DocKind::WriteOff => Text::WriteOff,
        DocKind::Inventory => Text::Stocktaking,
        DocKind::Return => Text::SupplierReturn,
        DocKind::Adjustment => Text::Adjustment,
        DocKind::Receipt => Text::Receipts,
    })
}

/// A link to the document a ledger line names (`doc_type` as stored), or its name alone
/// when the back office has no page for it.
pub fn link(lang: Lang, doc_type: &str, id: i64, number: Option<&str>) -> Markup {
    let label = |kind: DocKind| match number {
        Some(n) if !n.is_empty() => format!("{} № {n}", kind_name(lang, kind)),
        _ => format!("{} #{id}", kind_name(lang, kind)),
    };
    if let Ok(kind) = document_view::kind(doc_type) {
        html! { a href={ "/admin/documents/" (kind.as_str()) "/" (id) } { (label(kind)) } }
    } else {
        html! { (doc_type) " #" (id) }
    }
}

fn status(lang: Lang, wired: bool) -> Markup {
    if wired {
        html! { span.wired { (lang.t(Text::Wired)) } }
    } else {
        html! { span.muted { (lang.t(Text::NotWired)) } }
    }
}

pub async fn list(
    State(state): State<AppState>,
    user: Signed,
    params: Params,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let kinds: Vec<DocKind> = match params.text("kind") {
        Some(word) => vec![document_view::kind(word)?],
        None => KINDS.to_vec(),
    };
    let wired = document_view::wired_filter(params.text("status"))?;
    let (first, today) = crate::ui::query::this_month(&user.timezone);
    let from = params.day("from")?.unwrap_or(first);
    let to = params.day("to")?.unwrap_or(today);
    let filter = document_view::Filter {
        kinds: &kinds,
        range: day_range(&from, &to, &user.timezone)?,
        wired,
        place: params.text("storage").unwrap_or(""),
    };
    let docs: Vec<Summary> = document_view::list(&state.db, user.account_id, &filter).await?;
    let chosen_kind = params.text("kind").unwrap_or("");
    let body = html! {
        @if user.role.may_change(Area::Documents) {
            p.filters { (lang.t(Text::NewDocument)) ": "
                @for k in &KINDS[..5] { a href={ "/admin/documents/new/" (k.as_str()) } { (kind_name(lang, *k)) } " " }
            }
        }
        form.filters method="get" action="/admin/documents" {
            label { (lang.t(Text::Kind))
                select name="kind" {
                    option value="" { (lang.t(Text::Any)) }
                    @for k in KINDS { option value=(k.as_str()) selected[k.as_str() == chosen_kind] { (kind_name(lang, k)) } }
                }
            }
            label { (lang.t(Text::Status))
                select name="status" {
                    option value="" { (lang.t(Text::Any)) }
                    option value="wired" selected[wired == Some(true)] { (lang.t(Text::Wired)) }
                    option value="not_wired" selected[wired == Some(false)] { (lang.t(Text::NotWired)) }
                }
            }
            label { (lang.t(Text::Storage)) input type="search" name="storage" value=(params.text("storage").unwrap_or("")); }
            label { (lang.t(Text::From)) input type="date" name="from" value=(from); }
            label { (lang.t(Text::To)) input type="date" name="to" value=(to); }
            button type="submit" { (lang.t(Text::Show)) }
        }
        @if docs.is_empty() { p.muted { (lang.t(Text::Nothing)) } } @else {
            div.scroll { table {
                thead { tr {
                    th { (lang.t(Text::Date)) } th { (lang.t(Text::Kind)) } th { "#" }
                    th { (lang.t(Text::Storage)) } th { (lang.t(Text::Comment)) } th { (lang.t(Text::Status)) }
                } }
                tbody {
                    @for d in &docs {
                        tr {
                            td { (format::instant(d.doc_date, &user.timezone)) }
                            td { (kind_name(lang, d.kind)) }
                            td { a href={ "/admin/documents/" (d.kind.as_str()) "/" (d.id) } { (d.id) } }
                            td { (d.place) }
                            td { (d.note) }
                            td { (status(lang, d.wired)) }
                        }
                    }
                }
            } }
        }
    };
    Ok(layout::page(
        &user,
        Section::Documents,
        lang.t(Text::Documents),
        &body,
    ))
}

pub async fn show(
    State(state): State<AppState>,
    user: Signed,
    Path((kind, id)): Path<(String, i64)>,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let kind = document_view::kind(&kind)?;
    let view = document_view::view(&state.db, user.account_id, kind, id).await?;
    let s = &view.summary;
    let action = if s.wired { "unwire" } else { "wire" };
    let label = lang.t(if s.wired { Text::Unwire } else { Text::Wire });
    let href = format!("/admin/documents/{}/{}/{action}", kind.as_str(), s.id);
    let body = html! {
        div.card {
            dl {
                dt { (lang.t(Text::Date)) } dd { (format::instant(s.doc_date, &user.timezone)) }
                dt { (lang.t(Text::Storage)) } dd { (s.place) }
                dt { (lang.t(Text::Comment)) } dd { (s.note) }
                dt { (lang.t(Text::Status)) } dd { (status(lang, s.wired)) }
            }
            p { (layout::action_button(&user, Area::Documents, &href, label)) }
        }
        h2 { (lang.t(Text::Lines)) }
        div.scroll { table {
            thead { tr {
                th { "№" } th { (lang.t(Text::Product)) } th.num { (lang.t(Text::Quantity)) } th { (lang.t(Text::Unit)) }
                th.num { (lang.t(Text::Value)) } th.num { (lang.t(Text::Ledger)) } th.num { (lang.t(Text::Cost)) }
            } }
            tbody {
                @for l in &view.lines {
                    @let posted = view.posted.get(&l.line_no);
                    tr {
                        td { (l.line_no) }
                        td { (l.name) }
                        td.num { (format::qty(l.qty, lang)) }
                        td { (l.measure) }
                        td.num { @if let Some(a) = l.amount { (format::money(a, lang)) } }
                        td.num { @if let Some(p) = posted { (format::qty(p.qty, lang)) } }
                        td.num { @if let Some(p) = posted { (format::money(p.value, lang)) } }
                    }
                }
            }
        } }
    };
    let title = format!("{} #{}", kind_name(lang, kind), s.id);
    Ok(layout::page(&user, Section::Documents, &title, &body))
}

async fn set_wired(
    state: &AppState,
    posted: &Posted<IgnoredAny>,
    kind: &str,
    id: i64,
    wired: bool,
) -> Result<Response, UiError> {
    let user = &posted.signed;
    user.may_change(Area::Documents)?;
    let kind = document_view::kind(kind)?;
    document_view::set_wired(&state.db, &user.actor(), kind, id, wired).await?;
    Ok(Redirect::to(&format!("/admin/documents/{}/{id}", kind.as_str())).into_response())
}

pub async fn wire(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, i64)>,
    posted: Posted<IgnoredAny>,
) -> Result<Response, UiError> {
    set_wired(&state, &posted, &kind, id, true).await
}

pub async fn unwire(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, i64)>,
    posted: Posted<IgnoredAny>,
) -> Result<Response, UiError> {
    set_wired(&state, &posted, &kind, id, false).await
}
