//! Stock: a storage's balances (now or at a past date, with search), its movement report,
//! and a product's ledger; thin views over [`crate::service::stock_report`].

use axum::extract::State;
use maud::{html, Markup};

use crate::api::AppState;
use crate::db::objects::StorageRow;
use crate::domain::decimal::{Money, Qty};
use crate::domain::ids::{ProductId, StorageId};
use crate::domain::time;
use crate::service::stock_report::{self, Heading};
use crate::ui::error::UiError;
use crate::ui::format;
use crate::ui::i18n::{Lang, Text};
use crate::ui::layout::{self, Section};
use crate::ui::query::{self, day_range, this_month, Params};
use crate::ui::session::Signed;

/// The storage a page is about: the one asked for, else the first.
fn chosen(storages: &[StorageRow], asked: Option<i64>) -> Result<StorageId, UiError> {
    query::chosen(
        asked,
        storages.first().map(|s| s.id),
        StorageId::new,
        "storage",
    )
}

fn storage_select(lang: Lang, storages: &[StorageRow], current: StorageId) -> Markup {
    html! {
        label { (lang.t(Text::Storage))
            select name="storage" {
                @for s in storages {
                    option value=(s.id) selected[s.id == current] { (s.name) }
                }
            }
        }
    }
}

/// What a stock page is asked about: the storage (with the account's storages for the
/// picker) and a period of calendar days (default: this month).
struct Asked {
    storages: Vec<StorageRow>,
    storage: StorageId,
    from: String,
    to: String,
    range: (i64, i64),
}

impl Asked {
    async fn of(state: &AppState, user: &Signed, params: &Params) -> Result<Asked, UiError> {
        let storages = stock_report::storages(&state.db, user.account_id).await?;
        let storage = chosen(&storages, params.int("storage")?)?;
        let (first, today) = this_month(&user.timezone);
        let from = params.day("from")?.unwrap_or(first);
        let to = params.day("to")?.unwrap_or(today);
        let range = day_range(&from, &to, &user.timezone)?;
        Ok(Asked {
            storages,
            storage,
            from,
            to,
            range,
        })
    }

    /// The filter form: storage, the period, and `hidden` fields kept as they are.
    fn form(&self, lang: Lang, action: &str, hidden: &[(&str, String)]) -> Markup {
        html! {
            form.filters method="get" action=(action) {
                (storage_select(lang, &self.storages, self.storage))
                @for (name, value) in hidden { input type="hidden" name=(name) value=(value); }
                label { (lang.t(Text::From)) input type="date" name="from" value=(self.from); }
                label { (lang.t(Text::To)) input type="date" name="to" value=(self.to); }
                button type="submit" { (lang.t(Text::Show)) }
            }
        }
    }
}

pub async fn balances(
    State(state): State<AppState>,
    user: Signed,
    params: Params,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let storages = stock_report::storages(&state.db, user.account_id).await?;
    let storage = chosen(&storages, params.int("storage")?)?;
    let at = params.day("at")?;
    let rows = match &at {
        Some(day) => {
            let instant = time::day_start(day, &user.timezone).map_err(UiError::Invalid)?;
            stock_report::store_at(&state.db, user.account_id, storage, instant).await?
        }
        None => stock_report::current(&state.db, user.account_id, storage).await?,
    };
    let search = params.text("q").unwrap_or("").to_lowercase();
    let shown: Vec<_> = rows
        .iter()
        .filter(|r| search.is_empty() || r.name.to_lowercase().contains(&search))
        .collect();
    let total = Money::from_units(shown.iter().map(|r| r.balance.shown_value().units()).sum());
    let (first, today) = this_month(&user.timezone);
    let body = html! {
        form.filters method="get" action="/admin/stock" {
            (storage_select(lang, &storages, storage))
            label { (lang.t(Text::Search)) input type="search" name="q" value=(params.text("q").unwrap_or("")); }
            label { (lang.t(Text::AtDate)) input type="date" name="at" value=(at.as_deref().unwrap_or("")); }
            button type="submit" { (lang.t(Text::Show)) }
            a href={ "/admin/stock/report?storage=" (storage) "&from=" (first) "&to=" (today) } { (lang.t(Text::MovementReport)) }
        }
        div.scroll {
            table {
                thead { tr {
                    th { (lang.t(Text::Product)) } th.num { (lang.t(Text::Balance)) }
                    th { (lang.t(Text::Unit)) } th.num { (lang.t(Text::AverageCost)) } th.num { (lang.t(Text::Value)) }
                } }
                tbody {
                    @for r in &shown {
                        tr {
                            td { a href={ "/admin/stock/ledger?storage=" (storage) "&product=" (r.product_id) "&from=" (first) "&to=" (today) } { (r.name) } }
                            td.num { (format::qty(r.balance.qty, lang)) }
                            td { (r.measure) }
                            td.num { (format::money(Money::round(r.balance.cost().decimal()), lang)) }
                            td.num { (format::money(r.balance.shown_value(), lang)) }
                        }
                    }
                }
                tfoot { tr { th { (lang.t(Text::Total)) } td {} td {} td {} th.num { (format::money(total, lang)) } } }
            }
        }
    };
    Ok(layout::page(
        &user,
        Section::Stock,
        lang.t(Text::Stock),
        &body,
    ))
}

/// Sums of one side of the report: (qty units, value units).
fn side(line: &stock_report::ReportLine, incoming: bool) -> (i64, i64) {
    line.flows
        .iter()
        .filter(|(h, _)| {
            matches!(
                h,
                Heading::InInvoices | Heading::InTransfers | Heading::InSurplus
            ) == incoming
        })
        .fold((0, 0), |(q, v), (_, f)| (q + f.qty, v + f.value))
}

fn pair(lang: Lang, (qty, value): (i64, i64)) -> Markup {
    html! {
        td.num { (format::qty(Qty::from_units(qty), lang)) }
        td.num { (format::money(Money::from_units(value), lang)) }
    }
}

pub async fn report(
    State(state): State<AppState>,
    user: Signed,
    params: Params,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let asked = Asked::of(&state, &user, &params).await?;
    let (storage, from, to) = (asked.storage, &asked.from, &asked.to);
    let lines =
        stock_report::movements(&state.db, user.account_id, storage, asked.range, None).await?;
    let body = html! {
        (asked.form(lang, "/admin/stock/report", &[]))
        div.scroll {
            table {
                thead {
                    tr { th rowspan="2" { (lang.t(Text::Product)) }
                         th.num colspan="2" { (lang.t(Text::Opening)) } th.num colspan="2" { (lang.t(Text::Incoming)) }
                         th.num colspan="2" { (lang.t(Text::Outgoing)) } th.num colspan="2" { (lang.t(Text::Closing)) } }
                    tr { @for _ in 0..4 { th.num { (lang.t(Text::Quantity)) } th.num { (lang.t(Text::Value)) } } }
                }
                tbody {
                    @for l in &lines {
                        tr {
                            td { a href={ "/admin/stock/ledger?storage=" (storage) "&product=" (l.product_id) "&from=" (from) "&to=" (to) } { (l.name) } }
                            (pair(lang, (l.opening.qty, l.opening.value)))
                            (pair(lang, side(l, true)))
                            (pair(lang, side(l, false)))
                            (pair(lang, (l.closing.qty, l.closing.value)))
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &user,
        Section::Stock,
        lang.t(Text::MovementReport),
        &body,
    ))
}

pub async fn ledger(
    State(state): State<AppState>,
    user: Signed,
    params: Params,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let asked = Asked::of(&state, &user, &params).await?;
    let (storage, from) = (asked.storage, &asked.from);
    let product = params
        .int("product")?
        .map(ProductId::new)
        .ok_or_else(|| UiError::Invalid("product: which product's ledger?".into()))?;
    let ledger =
        stock_report::product_ledger_of(&state.db, user.account_id, storage, product, asked.range)
            .await?;
    let body = html! {
        (asked.form(lang, "/admin/stock/ledger", &[("product", product.to_string())]))
        table {
            thead { tr {
                th { (lang.t(Text::Date)) } th { (lang.t(Text::Kind)) }
                th.num { (lang.t(Text::Quantity)) } th.num { (lang.t(Text::Value)) }
                th.num { (lang.t(Text::Balance)) } th.num { (lang.t(Text::Value)) }
            } }
            tbody {
                tr.muted { td { (from) } td { (lang.t(Text::Opening)) } td {} td {}
                    td.num { (format::qty(ledger.opening.qty, lang)) } td.num { (format::money(ledger.opening.value, lang)) } }
                @for e in &ledger.entries {
                    tr {
                        td { (format::instant(e.line.doc_date, &user.timezone)) }
                        td { (super::documents::link(lang, &e.line.doc_type, e.line.doc_id, e.line.number.as_deref())) }
                        td.num { (format::qty(e.line.qty, lang)) }
                        td.num { (format::money(e.line.value, lang)) }
                        td.num { (format::qty(e.after.qty, lang)) }
                        td.num { (format::money(e.after.value, lang)) }
                    }
                }
            }
        }
    };
    let title = format!(
        "{}: {} ({})",
        lang.t(Text::Ledger),
        ledger.card.name,
        ledger.card.measure
    );
    Ok(layout::page(&user, Section::Stock, &title, &body))
}
