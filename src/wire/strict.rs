//! A deserializer wrapper that reads request bodies more strictly than serde does by itself,
//! for every body type at once:
//! - a JSON array where an object is expected is refused (serde would fill a struct's fields
//!   from an array's elements, in order: `["wire"]` read as `{"action": "wire"}`);
//! - no string value may be longer than [`TEXT_MAX`] characters (names, comments; codes have
//!   their own, shorter limit in [`crate::wire::lenient`]);
//! - an integer field takes a number written with a fraction of zero (`2.0`, `1e3`), as JSON
//!   Schema counts it an integer (generated clients and fuzzers send such numbers).
//!
//! Map keys and ignored values are not checked: they are never stored.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

use super::lenient::{too_long, TEXT_MAX};

/// The message of an array given where an object is expected.
pub const ARRAY_FOR_OBJECT: &str = "expected a JSON object, got an array";

/// Wraps a deserializer; see the module's documentation.
pub struct Strict<D>(pub D);

/// What the wrapped value must be, as far as this wrapper cares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Object,
    Integer,
    Other,
}

/// The largest magnitude an integral JSON number read as a float keeps exactly (2^53).
const EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

struct Checked<V> {
    visitor: V,
    shape: Shape,
}

fn checked<V>(visitor: V, shape: Shape) -> Checked<V> {
    Checked { visitor, shape }
}

/// Fails when `text` is longer than the limit of any string value.
fn check_length<E: de::Error>(text: &str) -> Result<(), E> {
    // bytes bound characters from above: count only when it may matter
    if text.len() > TEXT_MAX {
        let chars = text.chars().count();
        if chars > TEXT_MAX {
            return Err(E::custom(too_long(chars, TEXT_MAX)));
        }
    }
    Ok(())
}

macro_rules! forward {
    ($shape:expr => $($method:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.0.$method(checked(visitor, $shape))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<D> {
    type Error = D::Error;

    forward!(Shape::Integer =>
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
    );

    forward!(Shape::Other =>
        deserialize_any,
        deserialize_bool,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_identifier,
    );

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_map(checked(visitor, Shape::Object))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_struct(name, fields, checked(visitor, Shape::Object))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_unit_struct(name, checked(visitor, Shape::Other))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_newtype_struct(name, checked(visitor, Shape::Other))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_tuple(len, checked(visitor, Shape::Other))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_tuple_struct(name, len, checked(visitor, Shape::Other))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_enum(name, variants, checked(visitor, Shape::Other))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        // an ignored value is never stored: nothing to check
        self.0.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Checked<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.visitor.visit_bool(v)
    }
    fn visit_i8<E: de::Error>(self, v: i8) -> Result<Self::Value, E> {
        self.visitor.visit_i8(v)
    }
    fn visit_i16<E: de::Error>(self, v: i16) -> Result<Self::Value, E> {
        self.visitor.visit_i16(v)
    }
    fn visit_i32<E: de::Error>(self, v: i32) -> Result<Self::Value, E> {
        self.visitor.visit_i32(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.visitor.visit_i64(v)
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        self.visitor.visit_i128(v)
    }
    fn visit_u8<E: de::Error>(self, v: u8) -> Result<Self::Value, E> {
        self.visitor.visit_u8(v)
    }
    fn visit_u16<E: de::Error>(self, v: u16) -> Result<Self::Value, E> {
        self.visitor.visit_u16(v)
    }
    fn visit_u32<E: de::Error>(self, v: u32) -> Result<Self::Value, E> {
        self.visitor.visit_u32(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.visitor.visit_u64(v)
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        self.visitor.visit_u128(v)
    }
    fn visit_f32<E: de::Error>(self, v: f32) -> Result<Self::Value, E> {
        self.visitor.visit_f32(v)
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "only a whole number within ±2^53 is cast, which `i64` holds exactly"
    )]
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // an id or count written `2.0`: exact below 2^53, so no value is ever rounded
        if self.shape == Shape::Integer && v.fract() == 0.0 && v.abs() <= EXACT_INTEGER {
            return self.visitor.visit_i64(v as i64);
        }
        self.visitor.visit_f64(v)
    }
    fn visit_char<E: de::Error>(self, v: char) -> Result<Self::Value, E> {
        self.visitor.visit_char(v)
    }

    // the field's own reader goes first: a code's shorter limit names its own figure
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let value = self.visitor.visit_str(v)?;
        check_length(v)?;
        Ok(value)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        let value = self.visitor.visit_borrowed_str(v)?;
        check_length(v)?;
        Ok(value)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        let length = check_length::<E>(&v);
        let value = self.visitor.visit_string(v)?;
        length?;
        Ok(value)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        self.visitor.visit_bytes(v)
    }
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        self.visitor.visit_borrowed_bytes(v)
    }
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
        self.visitor.visit_byte_buf(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_none()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.visitor.visit_some(Strict(d))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_unit()
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.visitor.visit_newtype_struct(Strict(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        if self.shape == Shape::Object {
            return Err(de::Error::custom(ARRAY_FOR_OBJECT));
        }
        self.visitor.visit_seq(StrictSeq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_map(StrictMap(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_enum(StrictEnum(data))
    }
}

/// A seed whose value is read through [`Strict`].
struct StrictSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for StrictSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(Strict(d))
    }
}

struct StrictSeq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for StrictSeq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        self.0.next_element_seed(StrictSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct StrictMap<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for StrictMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        // keys name fields; an unknown one is ignored, a known one is short
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, Self::Error> {
        self.0.next_value_seed(StrictSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct StrictEnum<A>(A);

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for StrictEnum<A> {
    type Error = A::Error;
    type Variant = StrictVariant<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), Self::Error> {
        let (value, variant) = self.0.variant_seed(seed)?;
        Ok((value, StrictVariant(variant)))
    }
}

struct StrictVariant<A>(A);

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for StrictVariant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), Self::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, Self::Error> {
        self.0.newtype_variant_seed(StrictSeed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.tuple_variant(len, checked(visitor, Shape::Other))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .struct_variant(fields, checked(visitor, Shape::Object))
    }
}
