//! Signing in and out. The sign-in form is protected from cross-site posting by a
//! double-submitted token (a cookie of its own, the same value in the form): there is no
//! session yet to hold one.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;

use crate::api::AppState;
use crate::domain::host::account_from_host;
use crate::domain::key;
use crate::service::users::{self, SignIn};
use crate::service::{admin, ServiceError};
use crate::ui::error::UiError;
use crate::ui::i18n::{self, Lang, Text};
use crate::ui::layout;
use crate::ui::session::{self, cookie, same, set_cookie, Posted};

/// The sign-in form's own CSRF cookie.
const FORM_COOKIE: &str = "caffesta_signin";

fn host_account(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(account_from_host)
}

fn form(lang: Lang, headers: &HeaderMap, token: &str, message: Option<&str>) -> Markup {
    let ask_account = host_account(headers).is_none();
    let body = html! {
        @if let Some(message) = message {
            p.error role="alert" { (message) }
        }
        form.stack method="post" action="/admin/sign-in" {
            input type="hidden" name="_csrf" value=(token);
            @if ask_account {
                label { (lang.t(Text::Account)) input name="account" required autocomplete="organization"; }
            }
            label { (lang.t(Text::Login)) input name="login" required autocomplete="username" autofocus; }
            label { (lang.t(Text::Password)) input name="password" type="password" required autocomplete="current-password"; }
            button type="submit" { (lang.t(Text::SignIn)) }
        }
    };
    layout::bare(lang, lang.t(Text::SignIn), &body)
}

/// The form, with a fresh token in its cookie.
fn answer(status: StatusCode, headers: &HeaderMap, message: Option<&str>) -> Response {
    let lang = Lang::of(headers);
    let token = key::generate();
    let page = form(lang, headers, &token, message);
    (
        status,
        [(header::SET_COOKIE, set_cookie(FORM_COOKIE, &token, None))],
        page,
    )
        .into_response()
}

pub async fn show(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, session::COOKIE) {
        if matches!(users::session(&state.db, token).await, Ok(Some(_))) {
            return Redirect::to("/admin/").into_response();
        }
    }
    answer(StatusCode::OK, &headers, None)
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(input): Form<SignInForm>,
) -> Result<Response, UiError> {
    let lang = Lang::of(&headers);
    let expected = cookie(&headers, FORM_COOKIE).unwrap_or("");
    if expected.is_empty() || !same(&input.csrf, expected) {
        return Err(UiError::BadForm);
    }
    let name = host_account(&headers).unwrap_or(input.account);
    let account_id = match admin::account_id(&state.db, &name).await {
        Ok(id) => id,
        Err(ServiceError::NotFound(_)) => {
            let message = lang.t(Text::SignInRefused);
            return Ok(answer(StatusCode::UNAUTHORIZED, &headers, Some(message)));
        }
        Err(e) => return Err(e.into()),
    };
    match users::sign_in(&state.db, account_id, &input.login, &input.password).await? {
        SignIn::Session { token } => Ok((
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, "/admin/".to_owned()),
                (
                    header::SET_COOKIE,
                    set_cookie(session::COOKIE, &token, None),
                ),
            ],
        )
            .into_response()),
        SignIn::Refused => {
            let message = lang.t(Text::SignInRefused);
            Ok(answer(StatusCode::UNAUTHORIZED, &headers, Some(message)))
        }
        SignIn::Throttled { retry_after } => {
            let minutes = (retry_after + 59) / 60;
            let message = format!(
                "{} {minutes} {}",
                lang.t(Text::SignInThrottled),
                lang.t(Text::Minutes)
            );
            let mut response = answer(StatusCode::TOO_MANY_REQUESTS, &headers, Some(&message));
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after.into());
            Ok(response)
        }
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    _posted: Posted<serde::de::IgnoredAny>,
) -> Result<Response, UiError> {
    if let Some(token) = cookie(&headers, session::COOKIE) {
        users::sign_out(&state.db, token).await?;
    }
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/admin/sign-in".to_owned()),
            (header::SET_COOKIE, set_cookie(session::COOKIE, "", Some(0))),
        ],
    )
        .into_response())
}

/// The language switch: remembers the choice for a year and goes back to the dashboard.
pub async fn language(Path(code): Path<String>) -> Response {
    let lang = Lang::parse(&code).unwrap_or(Lang::Ru);
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/admin/".to_owned()),
            (
                header::SET_COOKIE,
                set_cookie(i18n::COOKIE, lang.code(), Some(365 * 24 * 3600)),
            ),
        ],
    )
        .into_response()
}
