//! Extractors that turn every malformed input into the error envelope instead of axum's
//! plain-text rejections.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON body, read whatever the `Content-Type` says: the vendor's own examples send JSON
/// with none (Python `requests` with `data=`) or as a form (`curl -d`), so the body decides.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(body_rejection)?;
        parse_json(&bytes).map(ApiJson)
    }
}

fn body_rejection(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::bad_request(format!("could not read the request body: {rejection}"))
    }
}

/// Parses a JSON document into `T`, naming the field at fault: a syntax error is 400, a value
/// of the wrong type is 400 with its `field`, a missing required field is 422 with its `field`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "the request body is empty; a JSON object is expected",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let message = inner.to_string();
        match inner.classify() {
            serde_json::error::Category::Data => data_error(path, message),
            _ => ApiError::bad_request(format!("malformed JSON: {message}")),
        }
    })?;
    de.end()
        .map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))?;
    Ok(value)
}

fn data_error(path: String, message: String) -> ApiError {
    // serde reports a missing field at its parent's path; name the field itself
    if let Some(name) = missing_field(&message) {
        let field = if path == "." {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        return ApiError::unprocessable(field, format!("required field {name} is missing"));
    }
    let field = (path != ".").then_some(path);
    let message = match &field {
        Some(field) => format!("{field}: {message}"),
        None => message,
    };
    ApiError::BadRequest { message, field }
}

fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// A path segment that must be an id: anything else names no object (404).
pub struct IdPath(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::NotFound("no such object".into()))?;
        raw.parse::<i64>()
            .map(IdPath)
            .map_err(|_| ApiError::NotFound(format!("no object with id {raw:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        product_code: String,
        amount: crate::domain::decimal::Qty,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        items: Vec<Item>,
    }

    fn field_of(err: ApiError) -> (u16, Option<String>) {
        let status = err.status().as_u16();
        match err {
            ApiError::BadRequest { field, .. } | ApiError::Unprocessable { field, .. } => {
                (status, field)
            }
            _ => (status, None),
        }
    }

    #[test]
    fn wrong_type_is_400_naming_the_field() {
        let err = parse_json::<Doc>(br#"{"items":[{"product_code":"a","amount":"x"}]}"#).err();
        assert_eq!(
            err.map(field_of),
            Some((400, Some("items[0].amount".into())))
        );
    }

    #[test]
    fn missing_field_is_422_naming_the_field() {
        let err = parse_json::<Doc>(br#"{"items":[{"amount":1},{"amount":2}]}"#).err();
        assert_eq!(
            err.map(field_of),
            Some((422, Some("items[0].product_code".into())))
        );
    }

    #[test]
    fn syntax_errors_and_empty_bodies_are_400() {
        for body in [
            &b"{"[..],
            b"",
            b"   ",
            br#"{"items":[]} trailing"#,
            br#"{"items":[}"#,
        ] {
            let err = parse_json::<Doc>(body).err();
            assert_eq!(
                err.map(field_of),
                Some((400, None)),
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
