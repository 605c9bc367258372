//! A page's query string, read leniently: an empty field is an absent one (a filter form
//! sends every field), and a field that does not parse is a 422 page naming it.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use jiff::tz::TimeZone;

use super::error::UiError;
use crate::domain::time;

/// The query string's fields.
#[derive(Debug, Default)]
pub struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(map) = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|e| UiError::Invalid(e.body_text()))?;
        Ok(Params(map))
    }
}

impl Params {
    /// A text field, trimmed; `None` when absent or empty.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// An integer field.
    pub fn int(&self, name: &str) -> Result<Option<i64>, UiError> {
        self.text(name).map(|v| whole(name, v)).transpose()
    }

    /// A calendar day (`YYYY-MM-DD`).
    pub fn day(&self, name: &str) -> Result<Option<String>, UiError> {
        self.text(name)
            .map(|v| time::parse_day(v).map_err(|e| UiError::Invalid(format!("{name}: {e}"))))
            .transpose()
    }
}

/// Field `name`'s text `v` as a whole number: 422 naming it otherwise.
pub fn whole(name: &str, v: &str) -> Result<i64, UiError> {
    v.parse()
        .map_err(|_| UiError::Invalid(format!("{name}: {v:?} is not a whole number")))
}

/// The object a page is about: the one the query asked for, else the account's first; 404
/// naming `what` when the account has none.
pub fn chosen<T: Copy>(
    asked: Option<i64>,
    first: Option<T>,
    make: fn(i64) -> T,
    what: &str,
) -> Result<T, UiError> {
    match asked {
        Some(id) => Ok(make(id)),
        None => first.ok_or_else(|| UiError::NotFound(format!("the account has no {what}"))),
    }
}

/// The instants `[start of from, end of to]` of two calendar days in `zone`.
pub fn day_range(from: &str, to: &str, zone: &TimeZone) -> Result<(i64, i64), UiError> {
    let start = time::day_start(from, zone).map_err(UiError::Invalid)?;
    let end = time::day_end(to, zone).map_err(UiError::Invalid)?;
    Ok((start, end))
}

/// Today and the first of this month in `zone`, as `YYYY-MM-DD`.
pub fn this_month(zone: &TimeZone) -> (String, String) {
    let today = time::day_of(time::now_unix(), zone);
    let first = format!("{}-01", today.get(..7).unwrap_or(""));
    (first, today)
}
