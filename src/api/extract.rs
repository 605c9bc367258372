//! Extractors that turn every malformed input into the error envelope instead of axum's
//! plain-text rejections, with messages that name the request's fields and JSON types only.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::wire::{lenient, strict};

/// A JSON body, read whatever the `Content-Type` says: the vendor's own examples send JSON
/// with none (Python `requests` with `data=`) or as a form (`curl -d`), so the body decides.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rejection| body_rejection(&rejection))?;
        parse_json(&bytes).map(ApiJson)
    }
}

fn body_rejection(rejection: &BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::bad_request(format!("could not read the request body: {rejection}"))
    }
}

/// Parses a JSON document into `T`, naming the field at fault: a syntax error is 400, a value
/// of the wrong type (an array where an object is expected included) is 400 with its `field`,
/// a missing required field or a value longer than its limit is 422 with its `field`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "the request body is empty; a JSON object is expected",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(strict::Strict(&mut de)).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let message = inner.to_string();
        match inner.classify() {
            serde_json::error::Category::Data => data_error(path, &message),
            _ => ApiError::bad_request(format!("malformed JSON: {message}")),
        }
    })?;
    de.end()
        .map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))?;
    Ok(value)
}

fn data_error(path: String, message: &str) -> ApiError {
    let message = without_location(message);
    // serde reports a missing field at its parent's path; name the field itself
    if let Some(name) = missing_field(message) {
        let field = if path == "." {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        return ApiError::unprocessable(field, format!("required field {name} is missing"));
    }
    let field = (path != ".").then_some(path);
    let plain = plain_message(message);
    let message = match &field {
        Some(field) => format!("{field}: {plain}"),
        None => plain,
    };
    if lenient::is_too_long(&message) {
        return ApiError::Unprocessable { message, field };
    }
    ApiError::BadRequest { message, field }
}

/// `serde_json`'s message without its ` at line L column C` (the field path says where).
fn without_location(message: &str) -> &str {
    let Some((text, location)) = message.rsplit_once(" at line ") else {
        return message;
    };
    let is_location = location
        .split_once(" column ")
        .is_some_and(|(line, column)| {
            !line.is_empty()
                && !column.is_empty()
                && line.bytes().all(|b| b.is_ascii_digit())
                && column.bytes().all(|b| b.is_ascii_digit())
        });
    if is_location {
        text
    } else {
        message
    }
}

/// serde's messages in the request's own terms: JSON types, never the server's type names
/// (`invalid type: string "x", expected struct InvoiceItemIn` → `expected a JSON object, got
/// a string`). Messages of the server's own readers pass unchanged.
fn plain_message(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((got, expected)) = rest.rsplit_once(", expected ") {
            return format!(
                "expected {}, got {}",
                json_expected(expected),
                json_got(got)
            );
        }
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        if let Some((got, expected)) = rest.rsplit_once(", expected ") {
            return format!("expected {}, got {got}", json_expected(expected));
        }
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        if let Some((length, expected)) = rest.split_once(", expected ") {
            return format!(
                "expected {}, got {length} elements",
                json_expected(expected)
            );
        }
    }
    message.to_owned()
}

/// What serde's `expected …` names, as a JSON type.
fn json_expected(expected: &str) -> String {
    let plain = match expected {
        e if e.starts_with("struct ") || e == "a map" || e == "map" => "a JSON object",
        e if e.starts_with("tuple")
            || e.starts_with("a tuple")
            || e == "a sequence"
            || e == "sequence" =>
        {
            "a JSON array"
        }
        "a boolean" => "true or false",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "an integer",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a non-negative integer",
        "f32" | "f64" => "a number",
        "a string" | "a borrowed string" | "a character" | "string" | "char" => "a string",
        "unit" | "null" => "null",
        e if e.starts_with("enum ") || e.ends_with(" identifier") => "one of the documented values",
        other => return other.to_owned(),
    };
    plain.to_owned()
}

/// What serde's `invalid type: …` names, as a JSON type.
fn json_got(got: &str) -> &'static str {
    match got {
        g if g.starts_with("boolean") => "a boolean",
        g if g.starts_with("integer") || g.starts_with("floating point") || g == "number" => {
            "a number"
        }
        g if g.starts_with("string") || g.starts_with("character") => "a string",
        "sequence" => "an array",
        "map" => "an object",
        "null" | "unit value" => "null",
        _ => "a value of another type",
    }
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
                .map_err(|rejection| not_found(&rejection))?;
        raw.parse::<i64>()
            .map(IdPath)
            .map_err(|_| ApiError::NotFound(format!("no object with id {raw:?}")))
    }
}

/// Path segments that name objects (ids, codes, days, times), read as `T` like axum's `Path`:
/// a segment that cannot be read (not a number, too large for 64 bits, not UTF-8) names no
/// object, so the answer is 404, never a bare 400.
pub struct ObjectPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ObjectPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(value) = axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| not_found(&rejection))?;
        Ok(ObjectPath(value))
    }
}

fn not_found(rejection: &PathRejection) -> ApiError {
    use axum::extract::path::ErrorKind;
    if let PathRejection::FailedToDeserializePathParams(failed) = rejection {
        match failed.kind() {
            ErrorKind::ParseErrorAtKey { key, value, .. } => {
                return ApiError::NotFound(format!("no object with {key} {value:?}"));
            }
            ErrorKind::ParseError { value, .. } | ErrorKind::ParseErrorAtIndex { value, .. } => {
                return ApiError::NotFound(format!("no object {value:?}"));
            }
            _ => {}
        }
    }
    ApiError::NotFound("no such object".into())
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

    fn message_of(err: Option<ApiError>) -> (u16, Option<String>, String) {
        match err {
            Some(err) => {
                let status = err.status().as_u16();
                let message = err.to_string();
                let (_, field) = field_of(err);
                (status, field, message)
            }
            None => (200, None, String::new()),
        }
    }

    #[test]
    fn an_array_where_an_object_is_expected_is_refused_at_every_depth() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Action {
            action: String,
        }
        let (status, field, message) = message_of(parse_json::<Action>(br#"["wire"]"#).err());
        assert_eq!((status, field), (400, None), "{message}");
        assert_eq!(message, "expected a JSON object, got an array");
        let (status, field, message) =
            message_of(parse_json::<Doc>(br#"{"items":[["a", 1]]}"#).err());
        assert_eq!((status, field.as_deref()), (400, Some("items[0]")));
        assert_eq!(message, "items[0]: expected a JSON object, got an array");
        // arrays stay arrays, and an object where an array is expected is still refused
        assert!(parse_json::<Doc>(br#"{"items":[{"product_code":"a","amount":1}]}"#).is_ok());
        let (status, _, message) = message_of(parse_json::<Doc>(br#"{"items":{}}"#).err());
        assert_eq!(status, 400);
        assert_eq!(message, "items: expected a JSON array, got an object");
    }

    #[test]
    fn an_integer_written_with_a_zero_fraction_is_that_integer() {
        #[derive(Debug, Deserialize)]
        struct Ids {
            id: i64,
            shop: Option<i64>,
        }
        for body in [
            &br#"{"id": 2.0, "shop": 1e3}"#[..],
            br#"{"id": 2, "shop": 1000.00}"#,
        ] {
            let ids = parse_json::<Ids>(body).expect("integers");
            assert_eq!((ids.id, ids.shop), (2, Some(1000)));
        }
        for body in [&br#"{"id": 2.5}"#[..], br#"{"id": 1e300}"#] {
            let (status, field, _) = message_of(parse_json::<Ids>(body).err());
            assert_eq!((status, field.as_deref()), (400, Some("id")));
        }
    }

    #[test]
    fn messages_name_json_types_never_the_server_s_types() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Ids {
            id: i64,
            #[serde(default)]
            count: Option<u32>,
            #[serde(default)]
            flag: Option<bool>,
            #[serde(default)]
            name: Option<String>,
            #[serde(default)]
            items: Vec<Item>,
        }
        for (body, expected) in [
            (
                &br#"{"id":"x"}"#[..],
                "id: expected an integer, got a string",
            ),
            (br#"{"id":1.5}"#, "id: expected an integer, got a number"),
            (br#"{"id":99999999999999999999}"#, "id: expected an integer"),
            (
                br#"{"id":1,"count":-1}"#,
                "count: expected a non-negative integer",
            ),
            (
                br#"{"id":1,"flag":"yes"}"#,
                "flag: expected true or false, got a string",
            ),
            (br#"{"id":true}"#, "id: expected an integer, got a boolean"),
            (
                br#"{"id":1,"name":{}}"#,
                "name: expected a string, got an object",
            ),
            (
                br#"{"id":1,"items":["x"]}"#,
                "items[0]: expected a JSON object, got a string",
            ),
            (
                br#"{"id":1,"items":[7]}"#,
                "items[0]: expected a JSON object, got a number",
            ),
            (
                br#"{"id":1,"items":[null]}"#,
                "items[0]: expected a JSON object, got null",
            ),
            (br#""text""#, "expected a JSON object, got a string"),
        ] {
            let (status, _, message) = message_of(parse_json::<Ids>(body).err());
            assert_eq!(status, 400, "{message}");
            assert!(
                message.starts_with(expected),
                "{}: {message}",
                String::from_utf8_lossy(body)
            );
            for leak in ["struct", "Ids", "Item", "i64", "u32", "line 1", "sequence"] {
                assert!(!message.contains(leak), "{message}");
            }
        }
    }

    #[test]
    fn values_longer_than_their_limit_are_422_naming_the_field() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Named {
            #[serde(deserialize_with = "crate::wire::lenient::string")]
            ref_code: String,
            name: String,
            #[serde(default)]
            data: Option<serde_json::Value>,
        }
        let body = |code: usize, name: usize| {
            format!(
                r#"{{"ref_code": "{}", "name": "{}"}}"#,
                "c".repeat(code),
                "n".repeat(name)
            )
        };
        assert!(parse_json::<Named>(body(255, 1000).as_bytes()).is_ok());
        let (status, field, message) =
            message_of(parse_json::<Named>(body(100_000, 1).as_bytes()).err());
        assert_eq!(
            (status, field.as_deref()),
            (422, Some("ref_code")),
            "{message}"
        );
        assert!(message.contains("255"), "{message}");
        let (status, field, message) =
            message_of(parse_json::<Named>(body(1, 1001).as_bytes()).err());
        assert_eq!((status, field.as_deref()), (422, Some("name")), "{message}");
        assert!(message.contains("1000"), "{message}");
        let nested = format!(
            r#"{{"ref_code": "c", "name": "n", "data": {{"x": ["{}"]}}}}"#,
            "y".repeat(5000)
        );
        let (status, field, _) = message_of(parse_json::<Named>(nested.as_bytes()).err());
        assert_eq!((status, field.as_deref()), (422, Some("data.x[0]")));
        // a numeric code is read as its digits
        assert!(parse_json::<Named>(br#"{"ref_code": 123, "name": "n"}"#).is_ok());
    }
}
