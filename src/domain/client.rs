//! Clients and loyalty (API.md §6–§7): how names and phones are normalised for search, the
//! birthday formats real integrations send, and the bonus rules of a receipt.

use rust_decimal::Decimal;

use super::decimal::{Money, Percent};
use super::sales::vocabulary;

vocabulary! {
    /// What a discount group does: a discount off the bill, or bonus accrued on it.
    DiscountKind {
        Discount = "discount",
        Bonus = "bonus",
    }
}

/// The phone's digits only: `+375 (29) 182-14-62` → `375291821462`.
pub fn norm_phone(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// Name and last name, lower case, single-spaced: `Сидор`, `Сидоров` → `сидор сидоров`.
pub fn norm_name(name: &str, last_name: &str) -> String {
    format!("{name} {last_name}")
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A birthday as `YYYY-MM-DD`, from that or `DD.MM.YYYY`.
pub fn parse_birthday(text: &str) -> Result<String, String> {
    let text = text.trim();
    let iso = match text.split('.').collect::<Vec<_>>().as_slice() {
        [d, m, y] => format!("{y}-{m:0>2}-{d:0>2}"),
        _ => text.to_owned(),
    };
    jiff::civil::Date::strptime("%Y-%m-%d", &iso)
        .map(|d| d.to_string())
        .map_err(|_| format!("birthday {text:?} is neither YYYY-MM-DD nor DD.MM.YYYY"))
}

/// Why a bonus payment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BonusRefusal {
    #[error("paying {spent} in bonus needs more than the client's balance of {balance}")]
    Overspend { spent: Money, balance: Money },
    #[error("bonus may pay at most {max}% of the bill ({limit}), not {spent}")]
    OverBillRate {
        spent: Money,
        limit: Money,
        max: Percent,
    },
}

/// Checks a bonus payment of `spent` on a bill of `total` against the client's balance and the
/// group's cap (a percentage of the bill).
pub fn check_bonus_spend(
    spent: Money,
    balance: Money,
    total: Money,
    max_bill_rate: Percent,
) -> Result<(), BonusRefusal> {
    if spent.decimal() > balance.decimal() {
        return Err(BonusRefusal::Overspend { spent, balance });
    }
    let limit = Money::round(total.decimal() * max_bill_rate.decimal() / Decimal::ONE_HUNDRED);
    if spent.decimal() > limit.decimal() {
        return Err(BonusRefusal::OverBillRate {
            spent,
            limit,
            max: max_bill_rate,
        });
    }
    Ok(())
}

/// A bonus cap that lets bonus pay the whole bill (a client outside a bonus group).
pub fn full_bill() -> Percent {
    Percent::from_units(10_000)
}

/// What a receipt does to its client's bonus balance: `accrued` added, `spent` taken.
pub fn bonus_change(accrued: Money, spent: Money) -> Money {
    Money::from_units(accrued.units() - spent.units())
}

/// The bonus a receipt accrues: `rate` percent of what was paid other than in bonus.
pub fn bonus_accrual(total: Money, spent: Money, rate: Percent) -> Money {
    let base = (total.decimal() - spent.decimal()).max(Decimal::ZERO);
    Money::round(base * rate.decimal() / Decimal::ONE_HUNDRED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn m(s: &str) -> Money {
        Money::from_str(s).expect("money")
    }
    fn p(s: &str) -> Percent {
        Percent::from_str(s).expect("percent")
    }

    #[test]
    fn phones_keep_digits_and_names_fold_case() {
        assert_eq!(norm_phone("+375 (29) 182-14-62"), "375291821462");
        assert_eq!(norm_name(" Сидор ", "СИДОРОВ"), "сидор сидоров");
        assert_eq!(norm_name("Иван", ""), "иван");
    }

    #[test]
    fn birthdays_in_both_formats() {
        assert_eq!(parse_birthday("2000-12-21").as_deref(), Ok("2000-12-21"));
        assert_eq!(parse_birthday("1.2.1990").as_deref(), Ok("1990-02-01"));
        assert!(parse_birthday("31.02.1990").is_err());
        assert!(parse_birthday("soon").is_err());
    }

    #[test]
    fn bonus_is_refused_beyond_the_balance_or_the_bill_cap() {
        assert!(check_bonus_spend(m("5"), m("10"), m("20"), p("50")).is_ok());
        assert!(matches!(
            check_bonus_spend(m("10.01"), m("10"), m("100"), p("50")),
            Err(BonusRefusal::Overspend { .. })
        ));
        assert!(matches!(
            check_bonus_spend(m("10.01"), m("50"), m("20"), p("50")),
            Err(BonusRefusal::OverBillRate { .. })
        ));
    }

    #[test]
    fn bonus_accrues_on_what_was_not_paid_in_bonus() {
        assert_eq!(bonus_accrual(m("13.66"), m("0"), p("5")), m("0.68"));
        assert_eq!(bonus_accrual(m("20"), m("5"), p("10")), m("1.50"));
    }

    #[test]
    fn the_balance_moves_by_what_was_accrued_less_what_was_spent() {
        assert_eq!(bonus_change(m("0.68"), m("0")), m("0.68"));
        assert_eq!(bonus_change(m("1.50"), m("5")), m("-3.50"));
        assert!(check_bonus_spend(m("20"), m("20"), m("20"), full_bill()).is_ok());
    }
}
