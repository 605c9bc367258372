//! How the UI writes numbers and instants: amounts with the account's two decimals and
//! grouped thousands, quantities with up to three decimals, instants in the account's zone.
//! Integer arithmetic only: an amount is its count of hundredths.

use std::fmt::Write;

use jiff::tz::TimeZone;

use super::i18n::Lang;
use crate::domain::decimal::{Money, Qty};
use crate::domain::time;

/// Groups the digits of a non-negative integer in threes.
fn grouped(mut n: u64, lang: Lang) -> String {
    let sep = match lang {
        Lang::Ru => '\u{a0}',
        Lang::En => ',',
    };
    let mut groups = Vec::new();
    loop {
        groups.push(n % 1000);
        n /= 1000;
        if n == 0 {
            break;
        }
    }
    let mut out = groups.pop().unwrap_or(0).to_string();
    for g in groups.iter().rev() {
        out.push(sep);
        let _ = write!(out, "{g:03}");
    }
    out
}

fn point(lang: Lang) -> char {
    match lang {
        Lang::Ru => ',',
        Lang::En => '.',
    }
}

/// `units` of `1/10^scale`, written with exactly `shown` decimals (`shown <= scale`, cut
/// from the right only where they are zeros when `trim`).
fn fixed(units: i64, scale: u32, lang: Lang, trim: bool) -> String {
    let sign = if units < 0 { "-" } else { "" };
    let abs = units.unsigned_abs();
    let base = 10u64.pow(scale);
    let mut frac = if scale == 0 {
        String::new()
    } else {
        format!("{:0width$}", abs % base, width = scale as usize)
    };
    if trim {
        while frac.ends_with('0') {
            frac.pop();
        }
    }
    let whole = grouped(abs / base, lang);
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}{}{frac}", point(lang))
    }
}

/// An amount: `1 234,50` (Russian) or `1,234.50` (English).
pub fn money(m: Money, lang: Lang) -> String {
    fixed(m.units(), 2, lang, false)
}

/// A quantity, without trailing zeros: `2,5`, `12`, `0,125`.
pub fn qty(q: Qty, lang: Lang) -> String {
    fixed(q.units(), 3, lang, true)
}

/// A count.
pub fn count(n: i64, lang: Lang) -> String {
    fixed(n, 0, lang, false)
}

/// An instant as `YYYY-MM-DD HH:MM` in the account's zone.
pub fn instant(unix: i64, zone: &TimeZone) -> String {
    let time = time::time_of(unix, zone);
    format!(
        "{} {}",
        time::day_of(unix, zone),
        time.get(..5).unwrap_or("")
    )
}

/// An instant's calendar day in the account's zone.
pub fn day(unix: i64, zone: &TimeZone) -> String {
    time::day_of(unix, zone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_keep_two_decimals_and_group_thousands() {
        assert_eq!(
            money(Money::from_units(123_456_789), Lang::En),
            "1,234,567.89"
        );
        assert_eq!(
            money(Money::from_units(123_456_789), Lang::Ru),
            "1\u{a0}234\u{a0}567,89"
        );
        assert_eq!(money(Money::from_units(-5), Lang::En), "-0.05");
        assert_eq!(money(Money::ZERO, Lang::En), "0.00");
    }

    #[test]
    fn quantities_drop_trailing_zeros() {
        assert_eq!(qty(Qty::from_units(2500), Lang::Ru), "2,5");
        assert_eq!(qty(Qty::from_units(12_000), Lang::En), "12");
        assert_eq!(qty(Qty::from_units(-125), Lang::En), "-0.125");
        assert_eq!(count(1_000_000, Lang::En), "1,000,000");
    }
}
