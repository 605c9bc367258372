//! The dashboard: a thin view over [`crate::service::dashboard`].

use axum::extract::State;
use maud::{html, Markup};

use crate::api::AppState;
use crate::domain::time;
use crate::service::dashboard::{self, Period};
use crate::ui::chart::{self, Bar};
use crate::ui::error::UiError;
use crate::ui::format;
use crate::ui::i18n::{Lang, Text};
use crate::ui::layout::{self, Section};
use crate::ui::session::Signed;

pub async fn show(State(state): State<AppState>, user: Signed) -> Result<Markup, UiError> {
    let lang = user.lang;
    let o =
        dashboard::overview(&state.db, user.account_id, &user.timezone, time::now_unix()).await?;
    let days: Vec<Bar> = o
        .days
        .iter()
        .map(|d| Bar {
            label: d.day.get(8..).unwrap_or("").to_owned(),
            value: d.revenue.units(),
            title: format!("{}: {}", d.day, format::money(d.revenue, lang)),
        })
        .collect();
    let hours: Vec<Bar> = o
        .hours
        .iter()
        .enumerate()
        .map(|(h, revenue)| Bar {
            label: format!("{h:02}"),
            value: revenue.units(),
            title: format!("{h:02}:00: {}", format::money(*revenue, lang)),
        })
        .collect();
    let body = html! {
        div.cards {
            (period_card(lang, lang.t(Text::Today), &o.today_figures))
            (period_card(lang, lang.t(Text::ThisMonth), &o.month))
            div.card {
                h2 { (lang.t(Text::OrdersWaiting)) }
                @if o.orders_waiting.is_empty() { p.muted { "0" } }
                dl {
                    @for w in &o.orders_waiting { dt { (w.status) } dd { (format::count(w.orders, lang)) } }
                }
            }
        }
        div.grid2 {
            section {
                h2 { (lang.t(Text::RevenuePerDay)) }
                (chart::bars(lang.t(Text::RevenuePerDay), &days, 5))
            }
            section {
                h2 { (lang.t(Text::RevenuePerHour)) }
                (chart::bars(lang.t(Text::RevenuePerHour), &hours, 3))
            }
        }
        div.grid2 {
            section {
                h2 { (lang.t(Text::TopProducts)) }
                table {
                    thead { tr { th { (lang.t(Text::Product)) } th.num { (lang.t(Text::Quantity)) } th.num { (lang.t(Text::Revenue)) } } }
                    tbody {
                        @for p in &o.top_products {
                            tr { td { (p.name) } td.num { (format::qty(p.qty, lang)) " " (p.measure) } td.num { (format::money(p.revenue, lang)) } }
                        }
                    }
                }
            }
            section {
                h2 { (lang.t(Text::StockValue)) }
                table {
                    thead { tr { th { (lang.t(Text::Storage)) } th.num { (lang.t(Text::Value)) } } }
                    tbody {
                        @for s in &o.stock_value {
                            tr { td { a href={ "/admin/stock?storage=" (s.storage_id) } { (s.name) } } td.num { (format::money(s.value, lang)) } }
                        }
                    }
                }
                h2 { (lang.t(Text::BelowMinimum)) }
                @if o.below_minimum.is_empty() { p.muted { (lang.t(Text::Nothing)) } } @else {
                    table {
                        thead { tr { th { (lang.t(Text::Product)) } th.num { (lang.t(Text::Balance)) } th.num { (lang.t(Text::Minimum)) } } }
                        tbody {
                            @for m in &o.below_minimum {
                                tr { td { (m.name) } td.num { (format::qty(m.qty, lang)) } td.num { (format::qty(m.minimum, lang)) } }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = format!("{} · {}", lang.t(Text::Dashboard), o.today);
    Ok(layout::page(&user, Section::Dashboard, &title, &body))
}

fn period_card(lang: Lang, title: &str, period: &Period) -> Markup {
    html! {
        div.card {
            h2 { (title) }
            div.big { (format::money(period.total.revenue, lang)) }
            dl {
                dt { (lang.t(Text::Receipts)) } dd { (format::count(period.total.receipts, lang)) }
                dt { (lang.t(Text::AverageBill)) } dd { (format::money(period.total.average_bill(), lang)) }
            }
            @if period.shops.len() > 1 {
                table {
                    thead { tr { th { (lang.t(Text::Shop)) } th.num { (lang.t(Text::Revenue)) } th.num { (lang.t(Text::Receipts)) } } }
                    tbody {
                        @for s in &period.shops {
                            tr { td { (s.shop_name) } td.num { (format::money(s.revenue, lang)) } td.num { (format::count(s.receipts, lang)) } }
                        }
                    }
                }
            }
        }
    }
}
