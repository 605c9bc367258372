//! What a posted form sent, field by field, and the answer to a refused one: the same form
//! again, filled with what the user typed, with the reason above it (not an error page that
//! loses the input).

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

use super::error::UiError;

/// A form's fields by name.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(HashMap<String, String>);

impl Fields {
    /// A field, trimmed; `None` when absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// A field as sent ("" when absent), to show again in its input.
    pub fn value(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    /// Whether a checkbox was ticked (sent with any value).
    pub fn checked(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// The filled `price_{shop}` fields: (shop id, price as typed), by shop.
    pub fn prices(&self) -> Vec<(i64, &str)> {
        let mut found: Vec<(i64, &str)> = self
            .0
            .iter()
            .filter_map(|(name, value)| {
                let shop = name.strip_prefix("price_")?.parse().ok()?;
                let value = value.trim();
                (!value.is_empty()).then_some((shop, value))
            })
            .collect();
        found.sort_unstable();
        found
    }

    /// An integer field; `None` when empty.
    pub fn int(&self, name: &str) -> Result<Option<i64>, UiError> {
        self.get(name)
            .map(|v| super::query::whole(name, v))
            .transpose()
    }

    /// Sets a field (to fill a form from what is stored).
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }
}

/// The reason a form was refused, above it.
pub fn reason(error: Option<&str>) -> Markup {
    html! { @if let Some(error) = error { p.error role="alert" { (error) } } }
}

/// Answers a refused form with `page` (the form again, filled in, the reason above it) when
/// the refusal is about what was sent (422, 409, or a named object that does not exist); any
/// other error (no session, forbidden, the database) answers as usual.
pub fn refused(error: UiError, page: Markup) -> Result<Response, UiError> {
    let status = match &error {
        UiError::Invalid(_) | UiError::NotFound(_) => StatusCode::UNPROCESSABLE_ENTITY,
        UiError::Conflict(_) => StatusCode::CONFLICT,
        _ => return Err(error),
    };
    Ok((status, page).into_response())
}
