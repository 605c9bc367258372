//! How the OpenAPI description shows values that requests carry as text: the closed
//! vocabularies (as enums), the dates and instants (with their `format`), and the codes real
//! clients send as strings or numbers. The handlers and services read these as strings and
//! refuse anything else with 422 naming the field; these types only describe them
//! (`#[schema(value_type = …)]` on the field).

use utoipa::openapi::schema::{
    AnyOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType,
};
use utoipa::openapi::{RefOr, Type};

use super::lenient::{CODE_MAX, TEXT_MAX};

/// A string schema listing `values`.
fn one_of_words(values: &[&str], description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .description(Some(description))
        .into()
}

macro_rules! vocabulary {
    ($(#[doc = $doc:literal])+ $name:ident = [$($value:literal),+ $(,)?]) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                one_of_words(&[$($value),+], concat!($($doc, "\n"),+).trim())
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

vocabulary! {
    /// What a `PUT` does to a stock document: post it to the ledger or take it back.
    DocumentAction = ["wire", "unwire"]
}

vocabulary! {
    /// Whether a stock document is posted to the ledger.
    DocumentStatus = ["wired", "not_wired"]
}

vocabulary! {
    /// Why stock is written off.
    WriteOffReason = ["spoilage", "staff_meal", "tasting", "breakage", "other"]
}

vocabulary! {
    /// How a product is sold: by weight (`weighting`, for kg and l) or by piece (`simple`).
    SellingKind = ["simple", "weighting"]
}

vocabulary! {
    /// How a sale writes stock off: nothing, the sold item itself, or by its tech map.
    CancellationName = ["no_cancel", "cancel_dish", "cancel_ingredients"]
}

/// The state of a delivery order or a receipt, and what an employee does: the domain's
/// enums, which describe themselves.
pub use crate::domain::sales::{EmployeeRole, OrderStatus};

vocabulary! {
    /// A step a terminal moves an order to (forward only, steps may be skipped), or `cancel`.
    OrderStep = ["active", "cooking", "cooked", "packed", "cancel"]
}

vocabulary! {
    /// The kind of a receipt a till uploads: only sales (a return is an annulment).
    ReceiptKind = ["sale"]
}

/// A calendar day, `YYYY-MM-DD`.
pub struct Day;

impl utoipa::PartialSchema for Day {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .description(Some("A calendar day, `YYYY-MM-DD`."))
            .into()
    }
}

impl utoipa::ToSchema for Day {}

/// An instant as requests may write it (API.md §0, time).
pub struct Instant;

impl utoipa::PartialSchema for Instant {
    fn schema() -> RefOr<Schema> {
        let text = || ObjectBuilder::new().schema_type(Type::String);
        AnyOfBuilder::new()
            .item(text().format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))))
            .item(text().format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))))
            .item(text().pattern(Some(
                "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
            )))
            .description(Some(
                "An instant: RFC 3339 (`2018-11-05T05:00:00+02:00`, `…Z`) as given; a local \
date and time (`2018-06-13 14:28`, `2018-11-05T05:00[:ss]`) or a day (`2018-11-05`, midnight) \
in the zone the field names.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Instant {}

/// Text of a code or a short value as real clients send it: a string of at most
/// [`CODE_MAX`] characters, or a number (`"ref_code": 123`, read as its digits).
pub struct TextOrNumber;

impl utoipa::PartialSchema for TextOrNumber {
    fn schema() -> RefOr<Schema> {
        text_or_number(CODE_MAX, false, "Text; a number is read as its digits.")
    }
}

impl utoipa::ToSchema for TextOrNumber {}

/// Like [`TextOrNumber`], for longer text ([`TEXT_MAX`] characters).
pub struct LongTextOrNumber;

impl utoipa::PartialSchema for LongTextOrNumber {
    fn schema() -> RefOr<Schema> {
        text_or_number(TEXT_MAX, false, "Text; a number is read as its digits.")
    }
}

impl utoipa::ToSchema for LongTextOrNumber {}

/// A code that names an object (`ref_code`, `product_code`): like [`TextOrNumber`], and not
/// blank.
pub struct Code;

impl utoipa::PartialSchema for Code {
    fn schema() -> RefOr<Schema> {
        text_or_number(
            CODE_MAX,
            true,
            "A code: text that is not blank, or a number (read as its digits).",
        )
    }
}

impl utoipa::ToSchema for Code {}

fn text_or_number(max: usize, not_blank: bool, description: &str) -> RefOr<Schema> {
    let schema = ObjectBuilder::new()
        .schema_type(SchemaType::Array(vec![Type::String, Type::Number]))
        .max_length(Some(max))
        .description(Some(description));
    if not_blank {
        schema.min_length(Some(1)).pattern(Some("\\S"))
    } else {
        schema
    }
    .into()
}

/// Any JSON value: accepted and not read.
pub struct AnyJson;

impl utoipa::PartialSchema for AnyJson {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::AnyValue)
            .description(Some("Any JSON value; accepted and ignored."))
            .into()
    }
}

impl utoipa::ToSchema for AnyJson {}
