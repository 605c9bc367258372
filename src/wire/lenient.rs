//! Lenient readers for values that real clients send in more than one JSON type.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

struct Text;

impl<'de> Visitor<'de> for Text {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        // a JSON number under serde_json's arbitrary_precision arrives as a one-entry map
        let _token: Option<String> = map.next_key()?;
        map.next_value()
    }
}

/// A code or name that may arrive as a string or a number (`"ref_code": 123`).
pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(Text)
}

/// Like [`string`], for optional fields (`null` or absent is `None`).
pub fn opt_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "string")] String);
    Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|w| w.0))
}

/// A list that may be `null` or absent: both mean empty.
pub fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}
