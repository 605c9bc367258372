//! Exact decimal numbers with a fixed scale: quantities (3 places), unit costs (6), money (2)
//! and percentages (2). Never a binary float.
//!
//! **The rounding rule**, used everywhere a value gets more places than its kind keeps (an
//! input with more decimals, a product, a quotient): round half away from zero to the kind's
//! scale (`0.0005` → `0.001`, `-2.345` money → `-2.35`). It is what cash registers and
//! invoices in the vendor's markets do.
//!
//! In the database a value is its count of smallest units as an `i64` (`1.250` kg is `1250`),
//! so sums in SQL stay exact on both backends. In JSON, inputs accept numbers (read exactly,
//! thanks to `serde_json`'s `arbitrary_precision`) and numeric strings; outputs are written with
//! exactly the kind's places, as a string or a number as the vendor documents each field.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A decimal kept at `S` places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fixed<const S: u32, const K: u8 = AMOUNT>(Decimal);

/// The kind tag of [`Fixed`] for quantities, costs and money.
pub const AMOUNT: u8 = 0;
/// The kind tag of [`Fixed`] for percentages: a rate is not an amount, though both have
/// two places, so one cannot be passed for the other.
pub const PERCENT: u8 = 1;

/// A quantity in a product's base measure (pcs, kg, l): 3 places.
pub type Qty = Fixed<3>;
/// A cost or price per base unit: 6 places.
pub type UnitCost = Fixed<6>;
/// An amount of money: 2 places.
pub type Money = Fixed<2>;
/// A percentage (tax rate, discount): 2 places.
pub type Percent = Fixed<2, PERCENT>;

/// Every value is less than this many smallest units in magnitude (`|qty| < 10^15`,
/// `|unit cost| < 10^12`, `|money| < 10^16`), so that any one fits in an `i64` with room to
/// spare for sums.
const UNITS_LIMIT: i64 = 1_000_000_000_000_000_000;

/// Why a text or JSON value is not a decimal of the wanted kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("{0:?} is not a decimal number")]
    NotANumber(String),
    #[error("{0} is too large")]
    OutOfRange(String),
}

impl<const S: u32, const K: u8> Fixed<S, K> {
    pub const ZERO: Self = Fixed(Decimal::ZERO);

    /// Rounds `value` to this kind's places by the rounding rule.
    pub fn round(value: Decimal) -> Self {
        let mut rounded = value.round_dp_with_strategy(S, RoundingStrategy::MidpointAwayFromZero);
        rounded.rescale(S);
        Fixed(rounded)
    }

    /// The value from its count of smallest units (as stored).
    pub fn from_units(units: i64) -> Self {
        Fixed(Decimal::new(units, S))
    }

    /// The count of smallest units (as stored). Values are bounded on the way in (see
    /// [`Fixed::checked`]), so this cannot overflow for anything the API accepted.
    pub fn units(self) -> i64 {
        let mut d = self.0;
        d.rescale(S);
        i64::try_from(d.mantissa()).unwrap_or(if d.is_sign_negative() {
            i64::MIN
        } else {
            i64::MAX
        })
    }

    /// Rounds `value` and checks that it is in range: fewer than 10^18 units in magnitude
    /// (`|value| < 10^(18 - S)`), so it fits in storage with room for sums.
    pub fn checked(value: Decimal) -> Result<Self, DecimalError> {
        let fixed = Self::round(value);
        match i64::try_from(fixed.0.mantissa()) {
            Ok(units) if units.unsigned_abs() < UNITS_LIMIT.unsigned_abs() => Ok(fixed),
            _ => Err(DecimalError::OutOfRange(value.to_string())),
        }
    }

    /// Reads any decimal text, `[+-]digits[.digits][e[+-]digits]`, rounded to `S` places by
    /// the rounding rule: also what `rust_decimal` cannot hold (more than 28 significant
    /// digits; `1e-200`, which is 0). `None` when the text is not a number at all.
    fn parse_rounded(text: &str) -> Option<Result<Self, DecimalError>> {
        let out_of_range = || Some(Err(DecimalError::OutOfRange(text.to_owned())));
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (&unsigned[..at], unsigned[at + 1..].parse::<i64>().ok()?),
            None => (unsigned, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits = format!("{whole}{fraction}");
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = digits.trim_start_matches('0');
        // the value is `digits × 10^shift` units
        let fraction_len = i64::try_from(fraction.len()).ok()?;
        let shift = exponent
            .checked_sub(fraction_len)?
            .checked_add(i64::from(S))?;
        let units = if digits.is_empty() {
            0
        } else if shift >= 0 {
            let shift = u32::try_from(shift).ok()?;
            match (digits.parse::<i64>(), 10_i64.checked_pow(shift)) {
                (Ok(head), Some(scale)) => match head.checked_mul(scale) {
                    Some(units) => units,
                    None => return out_of_range(),
                },
                _ => return out_of_range(),
            }
        } else {
            let dropped = usize::try_from(shift.unsigned_abs()).ok()?;
            match digits.len().checked_sub(dropped) {
                None => 0, // below a tenth of a unit: rounds to zero
                Some(kept) => {
                    let head = match &digits[..kept] {
                        "" => 0,
                        head => match head.parse::<i64>() {
                            Ok(head) => head,
                            Err(_) => return out_of_range(),
                        },
                    };
                    head + i64::from(digits.as_bytes()[kept] >= b'5')
                }
            }
        };
        if units >= UNITS_LIMIT {
            return out_of_range();
        }
        let units = if negative { -units } else { units };
        Some(Ok(Fixed(Decimal::new(units, S))))
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }
}

/// The text of a value, written from its units into a buffer on the stack. Exports write
/// tens of thousands of amounts per answer, and going through `Decimal`'s own formatting
/// (and, for numbers, parsing the text back into a `serde_json::Number`) was a quarter of
/// the cost of `receipts_by_shift_day` (callgrind).
struct Digits {
    buf: [u8; 24],
    start: usize,
}

impl Digits {
    /// `units` smallest units of `places` places, with every place, or (`trim`) without
    /// trailing zeros and without a point when whole. Never `-0`.
    fn of(units: i64, places: u32, trim: bool) -> Digits {
        let mut buf = [0u8; 24];
        let mut at = buf.len();
        let mut rest = units.unsigned_abs();
        let mut put = |at: &mut usize, byte: u8| {
            *at -= 1;
            buf[*at] = byte;
        };
        let mut skipping = trim;
        for _ in 0..places {
            let digit = (rest % 10) as u8;
            rest /= 10;
            skipping &= digit == 0;
            if !skipping {
                put(&mut at, b'0' + digit);
            }
        }
        if places > 0 && !skipping {
            put(&mut at, b'.');
        }
        loop {
            put(&mut at, b'0' + (rest % 10) as u8);
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if units < 0 {
            put(&mut at, b'-');
        }
        Digits { buf, start: at }
    }

    fn as_str(&self) -> &str {
        // only ASCII digits, '.' and '-' were written
        std::str::from_utf8(&self.buf[self.start..]).unwrap_or("0")
    }
}

impl<const S: u32, const K: u8> Fixed<S, K> {
    /// The value's digits when its units fit an `i64` (anything stored or accepted does;
    /// only an unbounded intermediate result may not).
    fn digits(self, trim: bool) -> Option<Digits> {
        let mut d = self.0;
        d.rescale(S);
        let units = i64::try_from(d.mantissa()).ok()?;
        Some(Digits::of(units, S, trim))
    }

    /// The value without trailing zeros (`17`, `0.5`), as exports write quantities and sums.
    pub fn plain(self) -> String {
        match self.digits(true) {
            Some(digits) => digits.as_str().to_owned(),
            None => self.0.normalize().to_string(),
        }
    }
}

impl<const S: u32, const K: u8> fmt::Display for Fixed<S, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(digits) = self.digits(false) {
            return f.write_str(digits.as_str());
        }
        let mut d = self.0;
        d.rescale(S);
        if d.is_zero() {
            d.set_sign_positive(true); // never "-0.000"
        }
        write!(f, "{d}")
    }
}

impl<const S: u32, const K: u8> FromStr for Fixed<S, K> {
    type Err = DecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        match Decimal::from_str_exact(trimmed).or_else(|_| Decimal::from_scientific(trimmed)) {
            Ok(parsed) => Self::checked(parsed),
            Err(_) => Self::parse_rounded(trimmed)
                .unwrap_or_else(|| Err(DecimalError::NotANumber(text.to_owned()))),
        }
    }
}

/// Written as a JSON string with exactly `S` places (`"25.000"`); use [`as_number`] for fields
/// the vendor documents as numbers.
impl<const S: u32, const K: u8> Serialize for Fixed<S, K> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        serializer.collect_str(self)
    }
}

/// Writes a [`Fixed`] as an exact JSON number without trailing zeros (`25`, `10.3`), as the
/// vendor shows number-typed fields; never via a float.
pub mod as_number {
    use super::{Fixed, JSON_NUMBER_TOKEN};
    use serde::ser::SerializeStruct;
    use serde::{Serialize, Serializer};
    use std::str::FromStr;

    pub fn serialize<const S: u32, const K: u8, Z: Serializer>(
        value: &Fixed<S, K>,
        serializer: Z,
    ) -> Result<Z::Ok, Z::Error> {
        let Some(digits) = value.digits(true) else {
            let text = value.0.normalize().to_string();
            let number = serde_json::Number::from_str(&text).map_err(serde::ser::Error::custom)?;
            return number.serialize(serializer);
        };
        // what `serde_json::Number` does under `arbitrary_precision`, without parsing back
        // text that is a number by construction
        let mut number = serializer.serialize_struct(JSON_NUMBER_TOKEN, 1)?;
        number.serialize_field(JSON_NUMBER_TOKEN, digits.as_str())?;
        number.end()
    }
}

/// An exact decimal as a JSON number without trailing zeros (`17`, `0.5`), for answers built
/// as JSON values; the digits are the decimal's own.
pub fn json_number(value: Decimal) -> serde_json::Value {
    serde_json::Number::from_str(&value.normalize().to_string())
        .map_or(serde_json::Value::Null, serde_json::Value::Number)
}

impl<'de, const S: u32, const K: u8> Deserialize<'de> for Fixed<S, K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FixedVisitor::<S, K>)
    }
}

struct FixedVisitor<const S: u32, const K: u8>;

/// The key under which `serde_json`'s `arbitrary_precision` hands a number's exact text.
pub(crate) const JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl<'de, const S: u32, const K: u8> Visitor<'de> for FixedVisitor<S, K> {
    type Value = Fixed<S, K>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number or a numeric string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Fixed::from_str(text).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Fixed::checked(Decimal::from(v)).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Fixed::checked(Decimal::from(v)).map_err(E::custom)
    }

    /// Only reached when a number was already parsed as a float elsewhere: its shortest
    /// round-trip text is the number the client wrote.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Fixed::from_str(&v.to_string()).map_err(E::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        match map.next_key::<String>()? {
            Some(key) if key == JSON_NUMBER_TOKEN => {
                let text: String = map.next_value()?;
                Fixed::from_str(&text).map_err(de::Error::custom)
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

/// In requests, a JSON number or a numeric string (more places are rounded by the rounding
/// rule); in answers, a string with exactly `S` places. Either way less than `10^(18 - S)` in
/// magnitude (see [`Fixed::checked`]).
impl<const S: u32, const K: u8> utoipa::PartialSchema for Fixed<S, K> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, SchemaFormat};
        use utoipa::openapi::Type;
        let whole_digits = 18 - S;
        let limit = 10_i64.pow(whole_digits);
        let number = ObjectBuilder::new()
            .schema_type(Type::Number)
            .exclusive_minimum(Some(-limit))
            .exclusive_maximum(Some(limit));
        // a text keeps one whole digit less than the limit allows, so that rounding its
        // places can never carry it past the limit
        let text = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::Custom("decimal".to_owned())))
            .pattern(Some(format!(
                "^[+-]?([0-9]{{1,{}}}(\\.[0-9]*)?|\\.[0-9]+)$",
                whole_digits - 1
            )));
        OneOfBuilder::new()
            .item(number)
            .item(text)
            .description(Some(format!(
                "Exact decimal with {S} places, less than 10^{whole_digits} in magnitude. \
Requests may send a JSON number or a numeric string (more places are rounded half away from \
zero); answers write a string with exactly {S} places (`\"25.{zeros}\"`).",
                zeros = "0".repeat(S as usize)
            )))
            .into()
    }
}

impl<const S: u32, const K: u8> utoipa::ToSchema for Fixed<S, K> {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Owned(format!("Decimal{S}"))
    }
}

/// The OpenAPI schema of a decimal written with [`as_number`]: a JSON number whose digits are
/// the exact decimal (never a binary float on our side).
pub struct JsonNumber;

impl utoipa::PartialSchema for JsonNumber {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::Type(
                utoipa::openapi::Type::Number,
            ))
            .description(Some("Exact decimal written as a JSON number".to_owned()))
            .into()
    }
}

impl utoipa::ToSchema for JsonNumber {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_to_the_kind_scale() {
        assert_eq!(
            Qty::from_str("0.0005").map(|q| q.to_string()),
            Ok("0.001".into())
        );
        assert_eq!(
            Money::from_str("-2.345").map(|m| m.to_string()),
            Ok("-2.35".into())
        );
        assert_eq!(
            UnitCost::from_str("0.2456135").map(|c| c.to_string()),
            Ok("0.245614".into())
        );
        assert_eq!(
            Money::from_str("2.344").map(|m| m.to_string()),
            Ok("2.34".into())
        );
    }

    #[test]
    fn shows_exactly_the_kind_places_and_never_negative_zero() {
        assert_eq!(Qty::from_units(25_000).to_string(), "25.000");
        assert_eq!(Money::round(Decimal::new(-1, 3)).to_string(), "0.00");
        assert_eq!(
            Percent::from_str("20").map(|p| p.to_string()),
            Ok("20.00".into())
        );
    }

    #[test]
    fn units_round_trip_through_storage() {
        let q = Qty::from_str("-3.25").expect("decimal");
        assert_eq!(q.units(), -3250);
        assert_eq!(Qty::from_units(q.units()), q);
    }

    #[test]
    fn json_numbers_and_strings_are_read_exactly() {
        let v: Vec<UnitCost> =
            serde_json::from_str(r#"[0.475, "0.475", 3, "1e-3"]"#).expect("json");
        let shown: Vec<String> = v.iter().map(std::string::ToString::to_string).collect();
        assert_eq!(shown, ["0.475000", "0.475000", "3.000000", "0.001000"]);
        // a float literal that binary floating point cannot hold exactly stays exact
        let m: Money = serde_json::from_str("0.285").expect("json");
        assert_eq!(m.to_string(), "0.29");
    }

    #[test]
    fn junk_and_huge_values_are_refused() {
        assert!(serde_json::from_str::<Qty>(r#""abc""#).is_err());
        assert!(serde_json::from_str::<Qty>("true").is_err());
        assert!(serde_json::from_str::<Money>("1e30").is_err());
        // the range is 10^18 units: |qty| < 10^15
        assert!(Qty::from_str("1e15").is_err());
        assert!(Qty::from_str("-1000000000000000").is_err());
        assert!(Qty::from_str("999999999999999.999").is_ok());
        assert!(Qty::from_str("999999999999999.9995").is_err());
        assert!(Qty::from_str("1e99999999999999999999").is_err());
        for junk in ["", "-", ".", "e5", "1e", "1.2.3", "0x10", "1e5.5"] {
            assert!(Qty::from_str(junk).is_err(), "{junk:?}");
        }
    }

    #[test]
    fn any_number_syntax_is_rounded_to_the_kind_places() {
        // past rust_decimal's 28 digits, or far below a unit: still a number
        let read = |text: &str| Qty::from_str(text).map(|q| q.to_string());
        assert_eq!(read("1e-200"), Ok("0.000".into()));
        assert_eq!(read("-5e-324"), Ok("0.000".into()));
        assert_eq!(
            read("0.0004999999999999999999999999999"),
            Ok("0.000".into())
        );
        assert_eq!(
            read("0.0005000000000000000000000000001"),
            Ok("0.001".into())
        );
        assert_eq!(
            read("-2.34550000000000000000000000000001"),
            Ok("-2.346".into())
        );
        assert_eq!(
            read("12.3456789012345678901234567890123"),
            Ok("12.346".into())
        );
        assert_eq!(read("1.5e-3"), Ok("0.002".into()));
        assert_eq!(
            read("0.00000000000000000000000000000000015e33"),
            Ok("0.150".into())
        );
        assert_eq!(
            read("+123456789012.0000000000000000000000001"),
            Ok("123456789012.000".into())
        );
        let m: Vec<Money> = serde_json::from_str("[1e-29, 4.9e-3, 5e-3, -0.0]").expect("json");
        let shown: Vec<String> = m.iter().map(std::string::ToString::to_string).collect();
        assert_eq!(shown, ["0.00", "0.00", "0.01", "0.00"]);
    }

    #[test]
    fn outputs_as_string_or_exact_number() {
        #[derive(Serialize)]
        struct Out {
            s: Qty,
            #[serde(with = "as_number")]
            n: Money,
        }
        let out = Out {
            s: Qty::from_units(-3000),
            n: Money::from_units(1228),
        };
        assert_eq!(
            serde_json::to_string(&out).expect("json"),
            r#"{"s":"-3.000","n":12.28}"#
        );
        let whole = Out {
            s: Qty::ZERO,
            n: Money::from_units(2500),
        };
        assert_eq!(
            serde_json::to_string(&whole).expect("json"),
            r#"{"s":"0.000","n":25}"#
        );
    }

    #[test]
    fn written_digits_match_the_decimal_s_own_text() {
        let cases = [
            0,
            1,
            -1,
            5,
            10,
            -10,
            100_500,
            -2_030_000,
            999_999,
            1_000_000,
            123_456_789_012,
            i64::MAX,
            i64::MIN + 1,
        ];
        for units in cases {
            let qty = UnitCost::from_units(units);
            assert_eq!(
                qty.to_string(),
                Decimal::new(units, 6).to_string(),
                "{units}"
            );
            let number = serde_json::to_string(&Number(qty)).expect("json");
            assert_eq!(
                number,
                Decimal::new(units, 6).normalize().to_string(),
                "{units}"
            );
        }
        assert_eq!(
            serde_json::to_string(&Number(Money::from_units(-5))).expect("json"),
            "-0.05"
        );
        assert_eq!(Money::from_units(-5).to_string(), "-0.05");
    }

    #[derive(Serialize)]
    struct Number<const S: u32>(#[serde(with = "as_number")] Fixed<S>);
}
