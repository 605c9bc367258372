//! The catalog's categories and custom menus: lists, and forms that make or rename a category
//! or a menu section (through the menu import, one entry at a time), make a menu, and put a
//! product in a section or take it out. A refused form comes back filled in.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde_json::json;

use crate::api::AppState;
use crate::domain::ids::{MenuSectionId, ProductId};
use crate::domain::user::Area;
use crate::service::menu_import::{self, Mode};
use crate::service::{admin, catalog_view, menus};
use crate::ui::error::UiError;
use crate::ui::form::{self, Fields};
use crate::ui::i18n::Text;
use crate::ui::layout::{self, Section};
use crate::ui::session::{Posted, Signed};
use crate::wire::menu_import::ImportIn;

pub async fn categories(State(state): State<AppState>, user: Signed) -> Result<Markup, UiError> {
    categories_page(&state, &user, &Fields::default(), None).await
}

async fn categories_page(
    state: &AppState,
    user: &Signed,
    sent: &Fields,
    error: Option<&str>,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let rows = catalog_view::categories(&state.db, user.account_id).await?;
    let body = html! {
        (form::reason(error))
        p.filters { a href="/admin/catalog" { (lang.t(Text::Products)) } " · " a href="/admin/catalog/menus" { (lang.t(Text::Menus)) } }
        table {
            thead { tr { th { (lang.t(Text::Code)) } th { (lang.t(Text::Title)) } th { (lang.t(Text::Parent)) } th.num { (lang.t(Text::Products)) } } }
            tbody { @for c in &rows {
                tr { td { (c.ref_code) } td { (c.name) } td { (c.parent_code.as_deref().unwrap_or("")) } td.num { (c.products) } }
            } }
        }
        @if rows.is_empty() { p.muted { (lang.t(Text::Nothing)) } }
        @if user.role.may_change(Area::Catalog) {
            h2 { (lang.t(Text::CategoryForm)) }
            form.filters method="post" action="/admin/catalog/categories" {
                (layout::csrf(user))
                label { (lang.t(Text::Code)) input name="code" value=(sent.value("code")) required maxlength="255"; }
                label { (lang.t(Text::Title)) input name="name" value=(sent.value("name")) required maxlength="255"; }
                label { (lang.t(Text::Parent)) input name="parent" list="category-codes" value=(sent.value("parent")); }
                datalist id="category-codes" { @for c in &rows { option value=(c.ref_code) { (c.name) } } }
                button type="submit" { (lang.t(Text::Save)) }
            }
        }
    };
    Ok(layout::page(
        user,
        Section::Catalog,
        lang.t(Text::Categories),
        &body,
    ))
}

/// Runs a partial menu import of `payload` (one category or one section) as `user`.
async fn import(
    state: &AppState,
    user: &Signed,
    payload: serde_json::Value,
) -> Result<(), UiError> {
    let input: ImportIn =
        serde_json::from_value(payload).map_err(|e| UiError::Invalid(e.to_string()))?;
    menu_import::import(&state.db, &user.actor(), &input, Mode::Partial).await?;
    Ok(())
}

/// Makes a category, or renames and moves the one with that code.
pub async fn save_category(
    State(state): State<AppState>,
    Posted { signed: user, form }: Posted<Fields>,
) -> Result<Response, UiError> {
    user.may_change(Area::Catalog)?;
    let category = json!({"id": form.get("code").unwrap_or_default(),
        "name": form.get("name").unwrap_or_default(), "parent": form.get("parent")});
    match import(
        &state,
        &user,
        json!({ "categories": [category], "items": [] }),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/admin/catalog/categories").into_response()),
        Err(error) => {
            let page = categories_page(&state, &user, &form, Some(&error.to_string())).await?;
            form::refused(error, page)
        }
    }
}

pub async fn list(State(state): State<AppState>, user: Signed) -> Result<Markup, UiError> {
    menus_page(&state, &user, &Fields::default(), None).await
}

async fn menus_page(
    state: &AppState,
    user: &Signed,
    sent: &Fields,
    error: Option<&str>,
) -> Result<Markup, UiError> {
    let lang = user.lang;
    let all = catalog_view::menus(&state.db, user.account_id).await?;
    let names = catalog_view::names(&state.db, user.account_id).await?;
    let may = user.role.may_change(Area::Catalog);
    let body = html! {
        (form::reason(error))
        p.filters { a href="/admin/catalog" { (lang.t(Text::Products)) } " · " a href="/admin/catalog/categories" { (lang.t(Text::Categories)) } }
        datalist id="products" { @for p in &names { option value=(p.ref_code) { (p.name) } } }
        @for menu in &all.menus {
            h2 { (menu.name) " " span.muted { "#" (menu.id) } }
            @let sections: Vec<_> = all.sections.iter().filter(|s| s.menu_id == menu.id).collect();
            @if sections.is_empty() { p.muted { (lang.t(Text::Nothing)) } } @else {
                table {
                    thead { tr { th { (lang.t(Text::Code)) } th { (lang.t(Text::MenuSection)) } th { (lang.t(Text::Parent)) } th { (lang.t(Text::Products)) } } }
                    tbody { @for s in sections {
                        tr {
                            td { (s.ref_code) } td { (s.name) } td { (s.parent_code.as_deref().unwrap_or("")) }
                            td {
                                @for item in all.items.iter().filter(|i| i.section_id == s.id) {
                                    span.item { (item.name) }
                                    @if may {
                                        form.inline method="post" action={ "/admin/catalog/menus/sections/" (s.id) "/items/" (item.product_id) "/remove" } {
                                            (layout::csrf(user))
                                            button.link type="submit" aria-label={ (lang.t(Text::Remove)) " " (item.name) } { "×" }
                                        }
                                    }
                                    " "
                                }
                                @if may {
                                    form.inline method="post" action={ "/admin/catalog/menus/sections/" (s.id) "/items" } {
                                        (layout::csrf(user))
                                        input name="product_code" list="products" size="10" aria-label={ (lang.t(Text::Code)) " " (s.name) } required;
                                        button type="submit" { "+" }
                                    }
                                }
                            }
                        }
                    } }
                }
            }
        }
        @if all.menus.is_empty() { p.muted { (lang.t(Text::Nothing)) } }
        @if may {
            h2 { (lang.t(Text::SectionForm)) }
            form.filters method="post" action="/admin/catalog/menus/sections" {
                (layout::csrf(user))
                label { (lang.t(Text::Menus))
                    select name="menu" required { @for m in &all.menus {
                        option value=(m.id) selected[sent.value("menu") == m.id.to_string()] { (m.name) }
                    } }
                }
                label { (lang.t(Text::Code)) input name="code" value=(sent.value("code")) required maxlength="255"; }
                label { (lang.t(Text::Title)) input name="name" value=(sent.value("name")) required maxlength="255"; }
                label { (lang.t(Text::Parent)) input name="parent" value=(sent.value("parent")); }
                button type="submit" { (lang.t(Text::Save)) }
            }
            h2 { (lang.t(Text::NewMenu)) }
            form.filters method="post" action="/admin/catalog/menus" {
                (layout::csrf(user))
                label { (lang.t(Text::Title)) input name="menu_name" value=(sent.value("menu_name")) required maxlength="255"; }
                button type="submit" { (lang.t(Text::Create)) }
            }
        }
    };
    Ok(layout::page(
        user,
        Section::Catalog,
        lang.t(Text::Menus),
        &body,
    ))
}

/// The menus page after a form: back to it, or the page again with the form filled in.
async fn after(
    state: &AppState,
    user: &Signed,
    sent: &Fields,
    done: Result<(), UiError>,
) -> Result<Response, UiError> {
    match done {
        Ok(()) => Ok(Redirect::to("/admin/catalog/menus").into_response()),
        Err(error) => {
            let page = menus_page(state, user, sent, Some(&error.to_string())).await?;
            form::refused(error, page)
        }
    }
}

pub async fn create_menu(
    State(state): State<AppState>,
    Posted { signed: user, form }: Posted<Fields>,
) -> Result<Response, UiError> {
    user.may_change(Area::Catalog)?;
    let name = form.value("menu_name");
    let done = admin::create_menu(&state.db, &user.account_name, name)
        .await
        .map(|_| ())
        .map_err(UiError::from);
    after(&state, &user, &form, done).await
}

/// Makes a section of a menu, or renames and moves the one with that code.
pub async fn save_section(
    State(state): State<AppState>,
    Posted { signed: user, form }: Posted<Fields>,
) -> Result<Response, UiError> {
    user.may_change(Area::Catalog)?;
    let done = match form.get("menu").map(str::parse::<i64>) {
        Some(Ok(menu)) => {
            let section = json!({"id": form.get("code").unwrap_or_default(),
                "name": form.get("name").unwrap_or_default(), "parent": form.get("parent"), "caf_id": menu});
            import(&state, &user, json!({ "menus": [section], "items": [] })).await
        }
        _ => Err(UiError::Invalid("menu: choose a menu".into())),
    };
    after(&state, &user, &form, done).await
}

pub async fn place(
    State(state): State<AppState>,
    Path(section): Path<i64>,
    Posted { signed: user, form }: Posted<Fields>,
) -> Result<Response, UiError> {
    user.may_change(Area::Catalog)?;
    let code = form.value("product_code");
    let done = menus::place(
        &state.db,
        user.account_id,
        MenuSectionId::new(section),
        code,
    )
    .await
    .map(|_| ())
    .map_err(UiError::from);
    after(&state, &user, &form, done).await
}

pub async fn remove(
    State(state): State<AppState>,
    Path((section, product)): Path<(i64, i64)>,
    Posted { signed: user, form }: Posted<Fields>,
) -> Result<Response, UiError> {
    user.may_change(Area::Catalog)?;
    let done = menus::remove(
        &state.db,
        user.account_id,
        MenuSectionId::new(section),
        ProductId::new(product),
    )
    .await
    .map_err(UiError::from);
    after(&state, &user, &form, done).await
}
