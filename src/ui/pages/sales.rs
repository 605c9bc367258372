//! Sales: the receipts of a shop's cash day with cost and margin, one receipt, and the
//! delivery orders waiting; thin views over [`crate::service::sales_view`].

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;

use crate::api::AppState;
use crate::domain::decimal::Money;
use crate::domain::ids::ShopId;
use crate::domain::sales::OrderStatus;
use crate::domain::time;
use crate::domain::user::Area;
use crate::service::sales::{self as selling, Till};
use crate::service::sales_view;
use crate::ui::error::UiError;
use crate::ui::format;
use crate::ui::i18n::Text;
use crate::ui::layout::{self, Section};
use crate::ui::query::Params;
use crate::ui::session::{Posted, Signed};

fn sum(values: impl Iterator<Item = Money>) -> Money {
    Money::from_units(values.map(Money::units).sum())
}

pub async fn day(
    State(state): State<AppState>,
    user: Signed,
    params: Params,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let (shops, shop) = super::shop_of(&state, &user, &params).await?;
    let day = match params.day("day")? {
        Some(day) => day,
        None => time::day_of(time::now_unix(), &user.timezone),
    };
    let receipts = sales_view::day(&state.db, user.account_id, shop, &day).await?;
    let orders = sales_view::orders(&state.db, user.account_id, shop).await?;
    let body = html! {
        p.filters {
            a href={ "/admin/sales/shifts?shop=" (shop) } { (lang.t(Text::Shifts)) }
            " · " a href="/admin/sales/clients" { (lang.t(Text::Clients)) }
        }
        form.filters method="get" action="/admin/sales" {
            (super::shop_select(&user, &shops, shop))
            label { (lang.t(Text::Date)) input type="date" name="day" value=(day); }
            button type="submit" { (lang.t(Text::Show)) }
        }
        h2 { (lang.t(Text::OrdersWaiting)) }
        @if orders.is_empty() { p.muted { (lang.t(Text::Nothing)) } } @else {
            table {
                thead { tr { th { "#" } th { (lang.t(Text::Created)) } th { (lang.t(Text::Status)) } th { (lang.t(Text::Comment)) } th.num { (lang.t(Text::Total)) } th {} } }
                tbody { @for o in &orders { tr {
                    td { (o.id) } td { (format::instant(o.created_at, &user.timezone)) } td { (o.status.as_str()) }
                    td { (o.delivery_address) " " (o.comment) } td.num { (format::money(o.total_sum, lang)) }
                    td { @if user.role.may_change(Area::Sales) {
                        @for next in sales_view::WAITING.iter().chain([&OrderStatus::Cancel]).filter(|s| o.status.may_become(**s)) {
                            form.inline method="post" action={ "/admin/sales/orders/" (o.uuid) "/status" } {
                                (layout::csrf(&user))
                                input type="hidden" name="shop" value=(shop);
                                input type="hidden" name="status" value=(next.as_str());
                                input type="hidden" name="day" value=(day);
                                button type="submit" data-status=(next.as_str()) { "→ " (next.as_str()) }
                            }
                            " "
                        }
                    } }
                } } }
            }
        }
        h2 { (lang.t(Text::Receipts)) }
        div.scroll { table {
            thead { tr {
                th { (lang.t(Text::Date)) } th { "#" } th { (lang.t(Text::Status)) }
                th.num { (lang.t(Text::Total)) } th.num { (lang.t(Text::Cost)) } th.num { (lang.t(Text::Margin)) }
            } }
            tbody {
                @for r in &receipts {
                    tr {
                        td { (format::instant(r.row.closed_at.unwrap_or(r.row.created_at), &user.timezone)) }
                        td { a href={ "/admin/sales/receipts/" (r.row.uuid) } { (r.row.id) } }
                        td { (r.row.status.as_str()) @if r.row.income < 0 { " ↩" } }
                        td.num { (format::money(Money::from_units(r.row.income * r.row.total_sum.units()), lang)) }
                        td.num { (format::money(r.cost(), lang)) }
                        td.num { (format::money(r.margin(), lang)) }
                    }
                }
            }
            tfoot { tr {
                th colspan="3" { (lang.t(Text::Total)) " · " (receipts.len()) }
                th.num { (format::money(sum(receipts.iter().map(|r| Money::from_units(r.row.income * r.row.total_sum.units()))), lang)) }
                th.num { (format::money(sum(receipts.iter().map(sales_view::Receipt::cost)), lang)) }
                th.num { (format::money(sum(receipts.iter().map(sales_view::Receipt::margin)), lang)) }
            } }
        } }
    };
    Ok(layout::page(
        &user,
        Section::Sales,
        lang.t(Text::Sales),
        &body,
    ))
}

pub async fn receipt(
    State(state): State<AppState>,
    user: Signed,
    Path(uuid): Path<String>,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let r = sales_view::receipt(&state.db, user.account_id, &uuid).await?;
    let body = html! {
        div.card { dl {
            dt { (lang.t(Text::Date)) } dd { (format::instant(r.row.closed_at.unwrap_or(r.row.created_at), &user.timezone)) }
            dt { (lang.t(Text::Status)) } dd { (r.row.status.as_str()) }
            dt { (lang.t(Text::Total)) } dd { (format::money(r.row.total_sum, lang)) }
            dt { (lang.t(Text::Cost)) } dd { (format::money(r.cost(), lang)) }
            dt { (lang.t(Text::Margin)) } dd { (format::money(r.margin(), lang)) }
        } }
        h2 { (lang.t(Text::Lines)) }
        table {
            thead { tr { th { (lang.t(Text::Product)) } th.num { (lang.t(Text::Quantity)) } th.num { (lang.t(Text::Price)) }
                th.num { (lang.t(Text::Total)) } th.num { (lang.t(Text::Cost)) } } }
            tbody { @for l in &r.details.lines { tr {
                td { (l.line.title) } td.num { (format::qty(l.line.count, lang)) }
                td.num { (format::money(Money::round(l.line.price.decimal()), lang)) }
                td.num { (format::money(l.line.total_sum, lang)) } td.num { (format::money(l.line.self_cost_sum, lang)) }
            } } }
        }
        h2 { (lang.t(Text::Payments)) }
        table {
            tbody { @for p in &r.details.payments { tr { td { "#" (p.payment_type_id) } td.num { (format::money(p.value, lang)) } } } }
        }
    };
    let title = format!("{} #{}", lang.t(Text::Receipts), r.row.id);
    Ok(layout::page(&user, Section::Sales, &title, &body))
}

pub async fn clients(
    State(state): State<AppState>,
    user: Signed,
    params: Params,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let search = params.text("q").unwrap_or("");
    let found = sales_view::clients(&state.db, user.account_id, search).await?;
    let body = html! {
        form.filters method="get" action="/admin/sales/clients" {
            label { (lang.t(Text::Search)) input type="search" name="q" value=(search); }
            button type="submit" { (lang.t(Text::Show)) }
        }
        p.muted { (found.len()) " · " (lang.t(Text::Clients)) }
        div.scroll { table {
            thead { tr { th { (lang.t(Text::Name)) } th { (lang.t(Text::Phone)) } th { (lang.t(Text::Card)) }
                th.num { (lang.t(Text::Bonus)) } th.num { (lang.t(Text::Spend)) } } }
            tbody { @for c in found.iter().take(200) { tr {
                td { (c.name) " " (c.last_name) } td { (c.phone) } td { (c.card_number) }
                td.num { (format::money(c.bonus_balance, lang)) } td.num { (format::money(c.pay_balance, lang)) }
            } } }
        } }
    };
    Ok(layout::page(
        &user,
        Section::Sales,
        lang.t(Text::Clients),
        &body,
    ))
}

#[derive(Deserialize)]
pub struct StatusForm {
    shop: i64,
    status: String,
    #[serde(default)]
    day: String,
}

/// Moves a delivery order along its flow, as the shop's till would.
pub async fn order_status(
    State(state): State<AppState>,
    Path(uuid): Path<String>,
    Posted { signed: user, form }: Posted<StatusForm>,
) -> Result<Response, UiError> {
    user.may_change(Area::Sales)?;
    let till = Till {
        actor: user.actor(),
        shop_id: ShopId::new(form.shop),
    };
    selling::set_order_status(&state.db, &till, &uuid, &form.status).await?;
    let day = crate::domain::time::parse_day(&form.day).unwrap_or_default();
    Ok(Redirect::to(&format!("/admin/sales?shop={}&day={day}", form.shop)).into_response())
}

/// A shop's shifts over a range of cash days: who opened each, when it opened and closed,
/// its receipts and revenue; each day opens its receipts.
pub async fn shifts(
    State(state): State<AppState>,
    user: Signed,
    params: Params,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let (shops, shop) = super::shop_of(&state, &user, &params).await?;
    let range = (params.text("start"), params.text("end"));
    let ((first, last), rows) =
        sales_view::shifts(&state.db, user.account_id, shop, range, &user.timezone).await?;
    // a month at a time: the month before this range, and the one after it
    let shifted = |day: &str, by: i64| -> String {
        day.parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.checked_add(jiff::Span::new().days(by)).ok())
            .map_or_else(String::new, |d| d.to_string())
    };
    let span = sales_view::SHIFT_DAYS - 1;
    let earlier = format!(
        "/admin/sales/shifts?shop={shop}&start={}&end={}",
        shifted(&first, -1 - span),
        shifted(&first, -1)
    );
    let later = format!(
        "/admin/sales/shifts?shop={shop}&start={}&end={}",
        shifted(&last, 1),
        shifted(&last, 1 + span)
    );
    let body = html! {
        form.filters method="get" action="/admin/sales/shifts" {
            (super::shop_select(&user, &shops, shop))
            label { (lang.t(Text::From)) input type="date" name="start" value=(first); }
            label { (lang.t(Text::To)) input type="date" name="end" value=(last); }
            button type="submit" { (lang.t(Text::Show)) }
        }
        p.filters { a href=(earlier) rel="prev" { "← " (lang.t(Text::Earlier)) } " · " a href=(later) rel="next" { (lang.t(Text::Later)) " →" } }
        @if rows.is_empty() { p.muted { (lang.t(Text::Nothing)) } } @else {
            div.scroll { table {
                thead { tr {
                    th { "#" } th { (lang.t(Text::Date)) } th { (lang.t(Text::Opened)) } th { (lang.t(Text::Closed)) }
                    th { (lang.t(Text::Cashier)) } th.num { (lang.t(Text::Receipts)) } th.num { (lang.t(Text::Revenue)) }
                } }
                tbody { @for r in &rows {
                    tr {
                        td { (r.id) }
                        td { a href={ "/admin/sales?shop=" (shop) "&day=" (r.shift_day) } { (r.shift_day) } }
                        td { (format::instant(r.opened_at, &user.timezone)) }
                        td { @if let Some(closed) = r.closed_at { (format::instant(closed, &user.timezone)) } @else { span.muted { (lang.t(Text::Open)) } } }
                        td { (r.cashier.as_deref().unwrap_or("—")) }
                        td.num { (format::count(r.receipts, lang)) }
                        td.num { (format::money(r.revenue, lang)) }
                    }
                } }
                tfoot { tr {
                    th colspan="5" { (lang.t(Text::Total)) }
                    th.num { (format::count(rows.iter().map(|r| r.receipts).sum(), lang)) }
                    th.num { (format::money(sum(rows.iter().map(|r| r.revenue)), lang)) }
                } }
            } }
        }
    };
    Ok(layout::page(
        &user,
        Section::Sales,
        lang.t(Text::Shifts),
        &body,
    ))
}
