//! The stock ledger's arithmetic: balances, the moving-average cost, and the value of a
//! movement. Pure functions; the database applies what they compute.
//!
//! A balance (per storage × product) is the sum of its movements: quantity and value. The
//! moving-average unit cost is `value / quantity` while the quantity is positive, and zero
//! otherwise (stock sold before it was received carries no value, as the vendor shows:
//! `"balance": "-3.000", "cost": "0.000000", "summ": "0"`).
//!
//! An incoming movement adds its quantity and value. An outgoing movement (a transfer out, a
//! sale) takes `quantity × value / balance quantity`, rounded once to money; taking the whole
//! positive balance takes its whole value, so no rounding residue is ever left on an empty
//! shelf; what goes out beyond a positive balance goes out at zero value.

use rust_decimal::Decimal;

use super::decimal::{Money, Qty, UnitCost};

/// Quantity and value on hand of one product in one storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Balance {
    pub qty: Qty,
    pub value: Money,
}

/// One change to a balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Movement {
    pub qty: Qty,
    pub value: Money,
}

impl Balance {
    /// The moving-average unit cost.
    pub fn cost(self) -> UnitCost {
        if self.qty.decimal() > Decimal::ZERO {
            UnitCost::round(self.value.decimal() / self.qty.decimal())
        } else {
            UnitCost::ZERO
        }
    }

    /// The value shown for the balance: none while the quantity is not positive.
    pub fn shown_value(self) -> Money {
        if self.qty.decimal() > Decimal::ZERO {
            self.value
        } else {
            Money::ZERO
        }
    }

    /// The balance after `movement`.
    #[must_use]
    pub fn apply(self, movement: Movement) -> Balance {
        Balance {
            qty: Qty::round(self.qty.decimal() + movement.qty.decimal()),
            value: Money::round(self.value.decimal() + movement.value.decimal()),
        }
    }

    /// The movement that takes `qty` (positive) out of this balance at its average cost.
    pub fn take(self, qty: Qty) -> Movement {
        let (on_hand, wanted) = (self.qty.decimal(), qty.decimal());
        let value = if on_hand <= Decimal::ZERO {
            Money::ZERO
        } else if wanted >= on_hand {
            self.value
        } else {
            Money::round(wanted * self.value.decimal() / on_hand)
        };
        Movement {
            qty: Qty::round(-wanted),
            value: Money::round(-value.decimal()),
        }
    }

    /// The movement that brings this balance to exactly `target` (an inventory count). Stock
    /// counted short goes out at the average cost, like any other outgoing movement. Otherwise
    /// the balance ends at `target × cost`, where cost is the average cost while the quantity
    /// is positive and else `fallback` (the cost the counter declares): a shelf that had
    /// nothing, or less than nothing, gets a clean value instead of carrying the old one.
    pub fn adjust_to(self, target: Qty, fallback: UnitCost) -> Movement {
        let (on_hand, wanted) = (self.qty.decimal(), target.decimal());
        if on_hand > Decimal::ZERO && wanted <= on_hand {
            return self.take(Qty::round(on_hand - wanted));
        }
        let cost = if on_hand > Decimal::ZERO {
            self.value.decimal() / on_hand
        } else {
            fallback.decimal()
        };
        Movement {
            qty: Qty::round(wanted - on_hand),
            value: Money::round(Money::round(wanted * cost).decimal() - self.value.decimal()),
        }
    }
}

/// Base-unit quantity of `amount` packages holding `package_value` base units each.
pub fn base_quantity(amount: Qty, package_value: Qty) -> Qty {
    Qty::round(amount.decimal() * package_value.decimal())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn q(s: &str) -> Qty {
        Qty::from_str(s).expect("qty")
    }
    fn m(s: &str) -> Money {
        Money::from_str(s).expect("money")
    }

    #[test]
    fn average_cost_across_two_receipts_is_exact() {
        let b = Balance::default()
            .apply(Movement {
                qty: q("25"),
                value: m("50"),
            })
            .apply(Movement {
                qty: q("10"),
                value: m("30"),
            });
        assert_eq!(
            (b.qty.to_string(), b.value.to_string(), b.cost().to_string()),
            ("35.000".into(), "80.00".into(), "2.285714".into())
        );
    }

    #[test]
    fn three_boxes_of_ten_are_thirty_base_units() {
        assert_eq!(base_quantity(q("3"), q("10")), q("30"));
        assert_eq!(base_quantity(q("0.5"), q("0.333")).to_string(), "0.167");
    }

    #[test]
    fn taking_part_uses_the_average_and_taking_all_leaves_no_residue() {
        let b = Balance {
            qty: q("3"),
            value: m("10.00"),
        };
        let part = b.take(q("1"));
        assert_eq!(
            part,
            Movement {
                qty: q("-1"),
                value: m("-3.33")
            }
        );
        let rest = b.apply(part);
        let all = rest.take(q("2"));
        assert_eq!(
            rest.apply(all),
            Balance {
                qty: q("0"),
                value: m("0")
            }
        );
    }

    #[test]
    fn stock_sold_beyond_the_balance_carries_no_value() {
        let b = Balance {
            qty: q("2"),
            value: m("5"),
        };
        let out = b.take(q("5"));
        assert_eq!(
            out,
            Movement {
                qty: q("-5"),
                value: m("-5")
            }
        );
        let after = b.apply(out);
        assert_eq!(
            (after.qty, after.cost(), after.shown_value()),
            (q("-3"), UnitCost::ZERO, Money::ZERO)
        );
        assert_eq!(after.take(q("1")).value, Money::ZERO);
    }

    #[test]
    fn applying_then_reversing_restores_the_balance() {
        let b = Balance {
            qty: q("7.5"),
            value: m("12.34"),
        };
        let mv = Movement {
            qty: q("2.25"),
            value: m("4.01"),
        };
        let back = Movement {
            qty: Qty::round(-mv.qty.decimal()),
            value: Money::round(-mv.value.decimal()),
        };
        assert_eq!(b.apply(mv).apply(back), b);
    }

    #[test]
    fn adjusting_down_takes_at_average_cost_and_up_adds_at_it() {
        let b = Balance {
            qty: q("10"),
            value: m("25"),
        };
        let down = b.adjust_to(q("4"), UnitCost::ZERO);
        assert_eq!((down.qty, down.value), (q("-6"), m("-15")));
        let up = b.adjust_to(q("12"), UnitCost::ZERO);
        assert_eq!((up.qty, up.value), (q("2"), m("5")));
        let empty = b.adjust_to(q("0"), UnitCost::ZERO);
        assert_eq!(b.apply(empty), Balance::default());
    }

    #[test]
    fn adjusting_an_empty_or_negative_shelf_values_it_at_the_declared_cost() {
        let fallback = UnitCost::from_str("0.5").expect("cost");
        let negative = Balance {
            qty: q("-3"),
            value: m("0"),
        };
        let up = negative.adjust_to(q("10"), fallback);
        assert_eq!(
            negative.apply(up),
            Balance {
                qty: q("10"),
                value: m("5")
            }
        );
        let unchanged = Balance {
            qty: q("2"),
            value: m("1"),
        }
        .adjust_to(q("2"), fallback);
        assert_eq!((unchanged.qty, unchanged.value), (q("0"), m("0")));
    }
}
