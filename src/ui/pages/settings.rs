//! Settings: the account's settings, and (the owner's alone) users, API keys — a new key is
//! shown once, on the page that created it — and webhooks with their deliveries and replay.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::api::AppState;
use crate::domain::ids::{DeliveryId, KeyId, ShopId, StorageId, UserId, WebhookId};
use crate::domain::key::Scope;
use crate::domain::user::{Area, Role};
use crate::service::{admin, catalog_view, employees, stock_report, users, webhooks};
use crate::ui::error::UiError;
use crate::ui::format;
use crate::ui::i18n::{Lang, Text};
use crate::ui::layout::{self, Section};
use crate::ui::session::{Posted, Signed};

fn tabs(user: &Signed) -> Markup {
    let lang = user.lang;
    html! {
        p.filters {
            a href="/admin/settings" { (lang.t(Text::Settings)) }
            @if user.role.may_see(Area::Access) {
                " · " a href="/admin/settings/users" { (lang.t(Text::Users)) }
                " · " a href="/admin/settings/keys" { (lang.t(Text::Keys)) }
                " · " a href="/admin/settings/webhooks" { (lang.t(Text::Webhooks)) }
            }
        }
    }
}

pub async fn account(State(state): State<AppState>, user: Signed) -> Result<Markup, UiError> {
    let lang = user.lang;
    let settings = admin::settings(&state.db, user.account_id).await?;
    let storages = stock_report::storages(&state.db, user.account_id).await?;
    let shops = catalog_view::shops(&state.db, user.account_id).await?;
    let staff = employees::list(&state.db, user.account_id).await?;
    let (taxes, payment_types) =
        catalog_view::taxes_and_payment_types(&state.db, user.account_id).await?;
    let may = user.role.may_change(Area::Settings);
    let body = html! {
        (tabs(&user))
        form.filters method="post" action="/admin/settings" {
            (layout::csrf(&user))
            label { (lang.t(Text::Account)) input value=(user.account_name) disabled; }
            label { (lang.t(Text::TimeZone)) input name="timezone" value=(settings.timezone) disabled[!may]; }
            label { (lang.t(Text::StockModule))
                select name="stock_module" disabled[!may] {
                    option value="on" selected[settings.stock_module] { (lang.t(Text::On)) }
                    option value="off" selected[!settings.stock_module] { (lang.t(Text::Off)) }
                }
            }
            label { (lang.t(Text::LockDate)) input type="date" name="lock_date" value=(settings.lock_date.as_deref().unwrap_or("")) disabled[!may]; }
            @if may { button type="submit" { (lang.t(Text::Save)) } }
        }
        div.grid2 {
            section {
                h2 { (lang.t(Text::Storages)) }
                table { tbody { @for s in &storages { tr { td { (s.id) } td { (s.name) } } } } }
                @if may { (create_form(&user, "/admin/settings/storages", &html! {
                    label { (lang.t(Text::Name)) input name="name" required; }
                })) }
                h2 { (lang.t(Text::Employees)) }
                table { tbody { @for e in &staff { tr { td { (e.id) } td { (e.name) } td { (e.role.as_str()) } } } } }
                @if may { (create_form(&user, "/admin/settings/employees", &html! {
                    label { (lang.t(Text::Name)) input name="name" required; }
                    label { (lang.t(Text::Role)) select name="role" { @for r in ["cashier", "waiter", "manager"] { option { (r) } } } }
                })) }
            }
            section {
                h2 { (lang.t(Text::Taxes)) }
                table { tbody { @for t in &taxes { tr { td { (t.id) } td { (t.name) } td.num { (t.rate) "%" } } } } }
                @if may { (create_form(&user, "/admin/settings/taxes", &html! {
                    label { (lang.t(Text::Name)) input name="name" required; }
                    label { (lang.t(Text::Rate)) input name="rate" inputmode="decimal" size="6" required; }
                })) }
                h2 { (lang.t(Text::PaymentTypes)) }
                table { tbody { @for p in &payment_types { tr { td { (p.id) } td { (p.name) } td { (p.kind.as_str()) } } } } }
                @if may { (create_form(&user, "/admin/settings/payment-types", &html! {
                    label { (lang.t(Text::Name)) input name="name" required; }
                    label { (lang.t(Text::Kind)) select name="kind" { @for k in ["cash", "card", "cashless", "bonus", "credit"] { option { (k) } } } }
                })) }
                h2 { (lang.t(Text::Shops)) }
                table { tbody { @for s in &shops { tr { td { (s.id) } td { (s.name) } td { "→ " (s.storage_id) } } } } }
                @if may { (create_form(&user, "/admin/settings/shops", &html! {
                    label { (lang.t(Text::Name)) input name="name" required; }
                    label { (lang.t(Text::Storage)) select name="storage" { @for s in &storages { option value=(s.id) { (s.name) } } } }
                })) }
            }
        }
    };
    Ok(layout::page(
        &user,
        Section::Settings,
        lang.t(Text::Settings),
        &body,
    ))
}

/// A small form that creates something: its fields and a button.
fn create_form(user: &Signed, action: &str, fields: &Markup) -> Markup {
    html! {
        form.filters method="post" action=(action) {
            (layout::csrf(user))
            (fields)
            button type="submit" { (user.lang.t(Text::Create)) }
        }
    }
}

#[derive(Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    timezone: String,
    #[serde(default)]
    stock_module: String,
    #[serde(default)]
    lock_date: String,
}

pub async fn save_account(
    State(state): State<AppState>,
    Posted { signed: user, form }: Posted<AccountForm>,
) -> Result<Response, UiError> {
    user.may_change(Area::Settings)?;
    let lock = form.lock_date.trim();
    let change = admin::SettingsChange {
        timezone: Some(form.timezone.trim()).filter(|t| !t.is_empty()),
        stock_module: match form.stock_module.as_str() {
            "on" => Some(true),
            "off" => Some(false),
            _ => None,
        },
        lock_date: Some(Some(lock).filter(|d| !d.is_empty())),
    };
    admin::update_settings(&state.db, user.account_id, &change).await?;
    Ok(Redirect::to("/admin/settings").into_response())
}

#[derive(Deserialize)]
pub struct NamedForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    rate: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    storage: Option<i64>,
    #[serde(default)]
    role: Option<String>,
}

pub async fn create_storage(
    State(state): State<AppState>,
    Posted { signed: user, form }: Posted<NamedForm>,
) -> Result<Response, UiError> {
    user.may_change(Area::Settings)?;
    admin::create_storage(&state.db, &user.account_name, &form.name).await?;
    Ok(Redirect::to("/admin/settings").into_response())
}

pub async fn create_shop(
    State(state): State<AppState>,
    Posted { signed: user, form }: Posted<NamedForm>,
) -> Result<Response, UiError> {
    user.may_change(Area::Settings)?;
    let storage = form
        .storage
        .ok_or_else(|| UiError::Invalid("storage: choose the shop's storage".into()))?;
    admin::create_shop(
        &state.db,
        &user.account_name,
        &form.name,
        StorageId::new(storage),
    )
    .await?;
    Ok(Redirect::to("/admin/settings").into_response())
}

pub async fn create_tax(
    State(state): State<AppState>,
    Posted { signed: user, form }: Posted<NamedForm>,
) -> Result<Response, UiError> {
    user.may_change(Area::Settings)?;
    admin::create_tax(&state.db, &user.account_name, &form.name, form.rate.trim()).await?;
    Ok(Redirect::to("/admin/settings").into_response())
}

pub async fn create_payment_type(
    State(state): State<AppState>,
    Posted { signed: user, form }: Posted<NamedForm>,
) -> Result<Response, UiError> {
    user.may_change(Area::Settings)?;
    admin::create_payment_type(&state.db, &user.account_name, &form.name, &form.kind).await?;
    Ok(Redirect::to("/admin/settings").into_response())
}

pub async fn create_employee(
    State(state): State<AppState>,
    Posted { signed: user, form }: Posted<NamedForm>,
) -> Result<Response, UiError> {
    user.may_change(Area::Settings)?;
    let role = form.role.as_deref().unwrap_or("cashier");
    employees::create(&state.db, user.account_id, &form.name, role).await?;
    Ok(Redirect::to("/admin/settings").into_response())
}

fn keys_page(user: &Signed, rows: &[crate::db::keys::KeyRow], created: Option<&str>) -> Markup {
    let lang = user.lang;
    let body = html! {
        (tabs(user))
        @if let Some(key) = created {
            div.notice role="status" {
                p { (lang.t(Text::KeyShownOnce)) }
                p.secret data-testid="new-key" { (key) }
            }
        }
        h2 { (lang.t(Text::Create)) }
        form.filters method="post" action="/admin/settings/keys" {
            (layout::csrf(user))
            label { (lang.t(Text::Scope))
                select name="scope" { @for s in Scope::WORDS { option value=(s) { (s) } } }
            }
            label { (lang.t(Text::Shop)) input name="shop_id" inputmode="numeric" size="6"; }
            label { (lang.t(Text::Label)) input name="label" maxlength="100"; }
            button type="submit" { (lang.t(Text::Create)) }
        }
        h2 { (lang.t(Text::Keys)) }
        table {
            thead { tr { th { "#" } th { "…" } th { (lang.t(Text::Scope)) } th { (lang.t(Text::Shop)) }
                th { (lang.t(Text::Label)) } th { (lang.t(Text::Created)) } th { (lang.t(Text::Status)) } } }
            tbody {
                @for k in rows {
                    tr {
                        td { (k.id) } td { code { (k.prefix) "…" } } td { (k.scope.as_str()) }
                        td { @if let Some(s) = k.shop_id { (s) } }
                        td { (k.label) }
                        td { (format::instant(k.created_at, &user.timezone)) }
                        td { @if k.revoked_at.is_some() { span.muted { (lang.t(Text::Revoked)) } } @else {
                            (layout::action_button(user, Area::Access, &format!("/admin/settings/keys/{}/revoke", k.id), lang.t(Text::Revoke)))
                        } }
                    }
                }
            }
        }
    };
    layout::page(user, Section::Settings, lang.t(Text::Keys), &body)
}

pub async fn keys(State(state): State<AppState>, user: Signed) -> Result<Markup, UiError> {
    user.may_see(Area::Access)?;
    let rows = admin::keys_of(&state.db, user.account_id).await?;
    Ok(keys_page(&user, &rows, None))
}

#[derive(Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    shop_id: String,
    #[serde(default)]
    label: String,
}

/// Creates a key and answers the list with the key shown this once (not a redirect: the key
/// must not travel in a URL or survive a reload).
pub async fn create_key(
    State(state): State<AppState>,
    Posted { signed: user, form }: Posted<KeyForm>,
) -> Result<Markup, UiError> {
    user.may_change(Area::Access)?;
    let shop_id = match form.shop_id.trim() {
        "" => None,
        text => Some(ShopId::new(text.parse().map_err(|_| {
            UiError::Invalid(format!("shop: {text:?} is not a shop id"))
        })?)),
    };
    let spec = admin::KeySpec {
        scope: &form.scope,
        shop_id,
        label: form.label.trim(),
    };
    let (_, key) = admin::create_key(&state.db, &user.account_name, spec).await?;
    let rows = admin::keys_of(&state.db, user.account_id).await?;
    Ok(keys_page(&user, &rows, Some(&key)))
}

pub async fn revoke_key(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { signed: user, .. }: Posted<IgnoredAny>,
) -> Result<Response, UiError> {
    user.may_change(Area::Access)?;
    admin::revoke_key(&state.db, &user.account_name, KeyId::new(id)).await?;
    Ok(Redirect::to("/admin/settings/keys").into_response())
}

pub async fn users_page(State(state): State<AppState>, user: Signed) -> Result<Markup, UiError> {
    user.may_see(Area::Access)?;
    let lang = user.lang;
    let rows = users::list(&state.db, user.account_id).await?;
    let body = html! {
        (tabs(&user))
        h2 { (lang.t(Text::Create)) }
        form.filters method="post" action="/admin/settings/users" {
            (layout::csrf(&user))
            label { (lang.t(Text::Login)) input name="login" required autocomplete="off"; }
            label { (lang.t(Text::Password)) input name="password" type="password" required minlength="8" autocomplete="new-password"; }
            label { (lang.t(Text::Role))
                select name="role" { @for r in Role::WORDS { option value=(r) { (r) } } }
            }
            button type="submit" { (lang.t(Text::Create)) }
        }
        h2 { (lang.t(Text::Users)) }
        table {
            thead { tr { th { "#" } th { (lang.t(Text::Login)) } th { (lang.t(Text::Role)) } th { (lang.t(Text::Created)) } th { (lang.t(Text::Status)) } } }
            tbody {
                @for u in &rows {
                    tr {
                        td { (u.id) } td { (u.login) } td { (u.role.as_str()) }
                        td { (format::instant(u.created_at, &user.timezone)) }
                        td { @if u.disabled { span.muted { (lang.t(Text::Disabled)) } } @else {
                            (lang.t(Text::Active)) " "
                            @if u.id != user.user_id {
                                (layout::action_button(&user, Area::Access, &format!("/admin/settings/users/{}/disable", u.id), lang.t(Text::Disable)))
                            }
                        } }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &user,
        Section::Settings,
        lang.t(Text::Users),
        &body,
    ))
}

#[derive(Deserialize)]
pub struct UserForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
}

pub async fn create_user(
    State(state): State<AppState>,
    Posted { signed: user, form }: Posted<UserForm>,
) -> Result<Response, UiError> {
    user.may_change(Area::Access)?;
    let role = Role::parse(&form.role)
        .ok_or_else(|| UiError::Invalid(format!("role: {:?} is not a role", form.role)))?;
    users::create(
        &state.db,
        user.account_id,
        &form.login,
        &form.password,
        role,
    )
    .await?;
    Ok(Redirect::to("/admin/settings/users").into_response())
}

pub async fn disable_user(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { signed: user, .. }: Posted<IgnoredAny>,
) -> Result<Response, UiError> {
    user.may_change(Area::Access)?;
    users::disable(&state.db, user.account_id, UserId::new(id)).await?;
    Ok(Redirect::to("/admin/settings/users").into_response())
}

pub async fn webhooks_page(State(state): State<AppState>, user: Signed) -> Result<Markup, UiError> {
    user.may_see(Area::Access)?;
    let lang = user.lang;
    let rows = webhooks::list(&state.db, user.account_id).await?;
    let body = html! {
        (tabs(&user))
        table {
            thead { tr { th { "#" } th { (lang.t(Text::Url)) } th { (lang.t(Text::Events)) } th { (lang.t(Text::Status)) } th {} } }
            tbody {
                @for w in &rows {
                    tr {
                        td { (w.id) } td { (w.url) } td { (w.events) }
                        td { @if w.enabled { (lang.t(Text::Active)) } @else { span.muted { (lang.t(Text::Disabled)) " " (w.disabled_reason.as_deref().unwrap_or("")) } } }
                        td { a href={ "/admin/settings/webhooks/" (w.id) } { (lang.t(Text::Deliveries)) } }
                    }
                }
            }
        }
        @if rows.is_empty() { p.muted { (lang.t(Text::Nothing)) } }
    };
    Ok(layout::page(
        &user,
        Section::Settings,
        lang.t(Text::Webhooks),
        &body,
    ))
}

pub async fn deliveries(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
) -> Result<Markup, UiError> {
    user.may_see(Area::Access)?;
    let lang = user.lang;
    let id = WebhookId::new(id);
    let hook = webhooks::get(&state.db, user.account_id, id).await?;
    let log = webhooks::deliveries(&state.db, user.account_id, id, None, 100).await?;
    let body = html! {
        (tabs(&user))
        p { (hook.url) " · " (hook.events) }
        table {
            thead { tr { th { "#" } th { (lang.t(Text::Event)) } th { (lang.t(Text::Created)) } th { (lang.t(Text::Status)) } th { (lang.t(Text::Attempts)) } th {} } }
            tbody {
                @for d in &log {
                    tr {
                        td { (d.row.id.get()) } td { (d.row.event_type) }
                        td { (format::instant(d.row.created_at, &user.timezone)) }
                        td { (d.row.status) }
                        td { @for a in &d.attempts {
                            div { (attempt(lang, a)) }
                        } }
                        td { (layout::action_button(&user, Area::Access, &format!("/admin/settings/webhooks/deliveries/{}/replay", d.row.id.get()), lang.t(Text::Replay))) }
                    }
                }
            }
        }
    };
    let title = format!("{} #{}", lang.t(Text::Webhooks), id);
    Ok(layout::page(&user, Section::Settings, &title, &body))
}

fn attempt(_lang: Lang, a: &crate::db::webhooks::AttemptRow) -> Markup {
    html! {
        @if let Some(code) = a.status_code { "HTTP " (code) } @else { "—" }
        @if let Some(e) = &a.error { " " span.muted { (e) } }
    }
}

pub async fn replay(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { signed: user, .. }: Posted<IgnoredAny>,
) -> Result<Response, UiError> {
    user.may_change(Area::Access)?;
    let delivery = DeliveryId::new(id);
    let webhook = webhooks::replay(&state.db, user.account_id, delivery).await?;
    Ok(Redirect::to(&format!("/admin/settings/webhooks/{webhook}")).into_response())
}
