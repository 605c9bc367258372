//! The frame every page sits in: the head, the navigation (only what the user's role may
//! see), the user's name with the sign-out form, the language switch; and the stylesheet,
//! embedded in the binary.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::i18n::{Lang, Text};
use super::session::Signed;
use crate::domain::user::Area;

/// The stylesheet, served at [`CSS_PATH`].
pub const CSS: &str = include_str!("app.css");
/// Where the stylesheet is served; the version makes browsers fetch a changed one.
pub const CSS_PATH: &str = concat!("/admin/assets/app-", env!("CARGO_PKG_VERSION"), ".css");

/// The sections of the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Stock,
    Documents,
    Catalog,
    Sales,
    Settings,
}

impl Section {
    const ALL: [(Section, &'static str, Text); 6] = [
        (Section::Dashboard, "/admin/", Text::Dashboard),
        (Section::Stock, "/admin/stock", Text::Stock),
        (Section::Documents, "/admin/documents", Text::Documents),
        (Section::Catalog, "/admin/catalog", Text::Catalog),
        (Section::Sales, "/admin/sales", Text::Sales),
        (Section::Settings, "/admin/settings", Text::Settings),
    ];
}

/// The whole document around a page's `body`.
fn document(lang: Lang, title: &str, body: &Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Caffesta" }
                link rel="stylesheet" href=(CSS_PATH);
            }
            (body)
        }
    }
}

/// A page for a signed-in user.
pub fn page(user: &Signed, section: Section, title: &str, body: &Markup) -> Markup {
    let lang = user.lang;
    let body = html! {
        body {
            header.top {
                a.brand href="/admin/" { "Caffesta" }
                span.account { (user.account_name) }
                nav aria-label=(lang.t(Text::BackOffice)) {
                    @for (s, href, text) in Section::ALL {
                        @if s == section {
                            a.current href=(href) aria-current="page" { (lang.t(text)) }
                        } @else {
                            a href=(href) { (lang.t(text)) }
                        }
                    }
                }
                div.who {
                    span.login { (user.login) " · " (user.role.as_str()) }
                    (switch(lang))
                    form method="post" action="/admin/sign-out" {
                        input type="hidden" name="_csrf" value=(user.csrf);
                        button.link type="submit" { (lang.t(Text::SignOut)) }
                    }
                }
            }
            main {
                h1 { (title) }
                (body)
            }
        }
    };
    document(lang, title, &body)
}

/// A page without the navigation (sign-in, errors).
pub fn bare(lang: Lang, title: &str, body: &Markup) -> Markup {
    let body = html! {
        body.bare {
            main {
                h1 { (title) }
                (body)
                p.lang { (switch(lang)) }
            }
        }
    };
    document(lang, title, &body)
}

/// The language switch: links that set the language cookie and come back.
fn switch(lang: Lang) -> Markup {
    let other = match lang {
        Lang::Ru => ("en", "English"),
        Lang::En => ("ru", "Русский"),
    };
    html! { a.lang href={ "/admin/lang/" (other.0) } hreflang=(other.0) { (other.1) } }
}

/// A hidden CSRF field, for forms.
pub fn csrf(user: &Signed) -> Markup {
    html! { input type="hidden" name="_csrf" value=(user.csrf); }
}

/// A form with one button posting to `action` (wire, revoke, replay…), shown only when the
/// user's role may change `area`.
pub fn action_button(user: &Signed, area: Area, action: &str, label: &str) -> Markup {
    if !user.role.may_change(area) {
        return html! {};
    }
    html! {
        form.inline method="post" action=(action) {
            (csrf(user))
            button type="submit" { (label) }
        }
    }
}

/// A notice at the top of a page (a key shown once, a saved change).
pub fn notice(text: &str) -> Markup {
    html! { p.notice role="status" { (text) } }
}

/// Text the page already escaped or built itself (SVG charts).
pub fn trusted(markup: String) -> Markup {
    PreEscaped(markup)
}
