//! Kinds and codes of products as the API spells them (API.md §5).

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

/// The unit a product is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    Pcs,
    Kg,
    L,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Pcs => "pcs",
            Measure::Kg => "kg",
            Measure::L => "l",
        }
    }

    pub fn parse(text: &str) -> Option<Measure> {
        match text.trim().to_ascii_lowercase().as_str() {
            "pcs" | "шт" => Some(Measure::Pcs),
            "kg" | "кг" => Some(Measure::Kg),
            "l" | "л" => Some(Measure::L),
            _ => None,
        }
    }

    /// The selling kind shown as a product's `type`: sold by weight or by piece.
    pub fn selling_kind(self) -> &'static str {
        match self {
            Measure::Pcs => "simple",
            Measure::Kg | Measure::L => "weighting",
        }
    }

    /// The name of the standard package of this measure.
    pub fn package_name(self) -> &'static str {
        match self {
            Measure::Pcs => "шт",
            Measure::Kg => "кг",
            Measure::L => "л",
        }
    }
}

/// What a product is: bought goods, a dish made by a recipe, or a semi-finished product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityType {
    Product,
    TechMap,
    SubProduct,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Product => "product",
            EntityType::TechMap => "tech_map",
            EntityType::SubProduct => "sub_product",
        }
    }

    pub fn parse(text: &str) -> Option<EntityType> {
        match text {
            "product" => Some(EntityType::Product),
            "tech_map" => Some(EntityType::TechMap),
            "sub_product" => Some(EntityType::SubProduct),
            _ => None,
        }
    }
}

/// How a sale writes stock off: `0` nothing, `1` the item itself, `2` by its tech map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancellationType {
    NoCancel = 0,
    CancelDish = 1,
    CancelIngredients = 2,
}

impl CancellationType {
    pub fn as_str(self) -> &'static str {
        match self {
            CancellationType::NoCancel => "no_cancel",
            CancellationType::CancelDish => "cancel_dish",
            CancellationType::CancelIngredients => "cancel_ingredients",
        }
    }

    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(code: i64) -> Option<CancellationType> {
        match code {
            0 => Some(CancellationType::NoCancel),
            1 => Some(CancellationType::CancelDish),
            2 => Some(CancellationType::CancelIngredients),
            _ => None,
        }
    }

    pub fn parse(text: &str) -> Option<CancellationType> {
        match text.trim() {
            "0" | "no_cancel" => Some(CancellationType::NoCancel),
            "1" | "cancel_dish" => Some(CancellationType::CancelDish),
            "2" | "cancel_ingredients" => Some(CancellationType::CancelIngredients),
            _ => None,
        }
    }
}

/// Accepts `0|1|2` or the names.
impl<'de> Deserialize<'de> for CancellationType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'v> Visitor<'v> for V {
            type Value = CancellationType;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("0, 1, 2, no_cancel, cancel_dish or cancel_ingredients")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                i64::try_from(v)
                    .ok()
                    .and_then(CancellationType::from_code)
                    .ok_or_else(|| E::custom(format!("unknown cancellation_type {v}")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                CancellationType::from_code(v)
                    .ok_or_else(|| E::custom(format!("unknown cancellation_type {v}")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                CancellationType::parse(v)
                    .ok_or_else(|| E::custom(format!("unknown cancellation_type {v:?}")))
            }
            fn visit_map<A: de::MapAccess<'v>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                // a JSON number under serde_json's arbitrary_precision
                let _key: Option<String> = map.next_key()?;
                let text: String = map.next_value()?;
                self.visit_str(&text)
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl utoipa::PartialSchema for CancellationType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use serde_json::json;
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::AnyValue)
            .enum_values(Some([
                json!(0),
                json!(1),
                json!(2),
                json!("0"),
                json!("1"),
                json!("2"),
                json!("no_cancel"),
                json!("cancel_dish"),
                json!("cancel_ingredients"),
            ]))
            .description(Some(
                "How a sale writes stock off: `0` / `no_cancel` nothing, `1` / `cancel_dish` the \
item itself, `2` / `cancel_ingredients` by its tech map (recursively).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for CancellationType {}

/// In requests: `pcs`, `kg` or `l` (also `шт`, `кг`, `л`, and upper case).
impl utoipa::PartialSchema for Measure {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .enum_values(Some(["pcs", "kg", "l", "шт", "кг", "л"]))
            .description(Some(
                "The unit a product is counted in: `pcs`, `kg` or `l` (`шт`, `кг`, `л` and upper-case \
`PCS`, `KG`, `L` are read too).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Measure {}

impl utoipa::PartialSchema for EntityType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .enum_values(Some(["product", "tech_map", "sub_product"]))
            .description(Some(
                "What a product is: bought goods (`product`), a dish made by a recipe \
(`tech_map`) or a semi-finished product (`sub_product`).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for EntityType {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancellation_type_accepts_codes_and_names() {
        let parsed: Vec<CancellationType> = serde_json::from_str(
            r#"[0, 1, 2, "no_cancel", "cancel_dish", "cancel_ingredients", "2"]"#,
        )
        .expect("json");
        let names: Vec<&str> = parsed.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "no_cancel",
                "cancel_dish",
                "cancel_ingredients",
                "no_cancel",
                "cancel_dish",
                "cancel_ingredients",
                "cancel_ingredients"
            ]
        );
        assert!(serde_json::from_str::<CancellationType>("3").is_err());
    }

    #[test]
    fn selling_kind_follows_the_measure() {
        assert_eq!(
            Measure::parse("kg").map(Measure::selling_kind),
            Some("weighting")
        );
        assert_eq!(
            Measure::parse("pcs").map(Measure::selling_kind),
            Some("simple")
        );
        assert_eq!(Measure::parse("box"), None);
    }
}
