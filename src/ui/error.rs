//! The UI's one error type and where it becomes a page: a handler returns a [`UiError`], its
//! response carries the failure as an extension, and [`render`] (a layer over every UI
//! route) writes the page in the request's language. Service errors map here, once.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::i18n::{Lang, Text};
use super::layout;
use crate::service::ServiceError;

/// Why a UI request did not do what it asked.
#[derive(Debug, Clone, thiserror::Error)]
pub enum UiError {
    /// No live session: go and sign in.
    #[error("sign in")]
    SignIn,
    /// The user's role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The form's CSRF token is missing or not this session's.
    #[error("the form's token is missing or stale")]
    BadForm,
    #[error("{0}")]
    NotFound(String),
    /// What was sent cannot be carried out (a service's 422 or a form that does not parse).
    #[error("{0}")]
    Invalid(String),
    /// The object's state forbids it (a service's 409).
    #[error("{0}")]
    Conflict(String),
    /// The session's budget is spent: retry after this many seconds.
    #[error("too many requests")]
    TooMany(u64),
    /// The database failed; the details are logged, not shown.
    #[error("internal error")]
    Internal,
}

impl From<ServiceError> for UiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound(m) => UiError::NotFound(m),
            ServiceError::Invalid { field, message } => UiError::Invalid(match field {
                Some(field) => format!("{field}: {message}"),
                None => message,
            }),
            ServiceError::Conflict(m) => UiError::Conflict(m),
            ServiceError::Db(e) => {
                tracing::error!(error = %e, "admin UI request failed");
                UiError::Internal
            }
        }
    }
}

impl UiError {
    fn status(&self) -> StatusCode {
        match self {
            UiError::SignIn => StatusCode::SEE_OTHER,
            UiError::Forbidden | UiError::BadForm => StatusCode::FORBIDDEN,
            UiError::NotFound(_) => StatusCode::NOT_FOUND,
            UiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            UiError::Conflict(_) => StatusCode::CONFLICT,
            UiError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            UiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        if matches!(self, UiError::SignIn) {
            return Redirect::to("/admin/sign-in").into_response();
        }
        let mut response = self.status().into_response();
        if let UiError::TooMany(secs) = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// Writes the page of a failed UI request, in the request's language.
pub async fn render(request: Request, next: Next) -> Response {
    let lang = Lang::of(request.headers());
    let mut response = next.run(request).await;
    let Some(error) = response.extensions_mut().remove::<UiError>() else {
        return response;
    };
    let message = match &error {
        UiError::Forbidden => lang.t(Text::Forbidden).to_owned(),
        UiError::BadForm => lang.t(Text::BadForm).to_owned(),
        UiError::NotFound(m) if m.is_empty() => lang.t(Text::NotFound).to_owned(),
        other => other.to_string(),
    };
    let body = html! {
        p.error role="alert" { (message) }
        p { a href="/admin/" { (lang.t(Text::Dashboard)) } }
    };
    let page = layout::bare(lang, lang.t(Text::Refused), &body);
    let mut answer = (error.status(), page).into_response();
    for name in [header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            answer.headers_mut().insert(name, value.clone());
        }
    }
    answer
}
