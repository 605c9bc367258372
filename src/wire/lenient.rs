//! Lenient readers for values that real clients send in more than one JSON type, and the
//! length limits of text values.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

use crate::domain::decimal::JSON_NUMBER_TOKEN;

/// The most characters of a code (`ref_code`, `product_code`, …), and of the other short
/// values read by [`string`]: a code must fit in a URL path (`/product/by_ref_code/{code}`).
pub const CODE_MAX: usize = 255;

/// The most characters of any other string value of a request body (names, comments).
pub const TEXT_MAX: usize = 1_000;

/// The message of a value longer than its limit; [`is_too_long`] recognises it.
pub fn too_long(length: usize, max: usize) -> String {
    format!("{length} characters, more than the {max} accepted")
}

/// Whether a deserialization error's message is one of [`too_long`]'s.
pub fn is_too_long(message: &str) -> bool {
    message.contains(" characters, more than the ") && message.contains(" accepted")
}

struct Text {
    max: usize,
}

impl Text {
    fn checked<E: de::Error>(&self, text: String) -> Result<String, E> {
        let length = text.chars().count();
        if length > self.max {
            return Err(E::custom(too_long(length, self.max)));
        }
        Ok(text)
    }
}

impl<'de> Visitor<'de> for Text {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        self.checked(v.to_owned())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        // a JSON number under serde_json's arbitrary_precision arrives as a one-entry map;
        // any other object is not a code
        match map.next_key::<String>()? {
            Some(token) if token == JSON_NUMBER_TOKEN => {
                let number = map.next_value()?;
                self.checked(number)
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

/// A code or another short value ([`CODE_MAX`] characters at most) that may arrive as a
/// string or a number (`"ref_code": 123`).
pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(Text { max: CODE_MAX })
}

/// Like [`string`], for optional fields (`null` or absent is `None`).
pub fn opt_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "string")] String);
    Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|w| w.0))
}

/// Like [`opt_string`], for longer text ([`TEXT_MAX`] characters at most).
pub fn opt_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "text")] String);
    Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|w| w.0))
}

fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(Text { max: TEXT_MAX })
}

/// A list that may be `null` or absent: both mean empty.
pub fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}
