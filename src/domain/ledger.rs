//! The dated ledger's valuation rules (API.md §11): what each movement is worth follows from
//! its rule and from the balance of its storage and product just before it, in date order.
//! Pure: the database loads the movements that follow a change, [`Stream::replay`] values
//! them again, and only those whose quantity or value changed are written back.
//!
//! Four rules cover every document:
//! - [`Rule::Fixed`]: quantity and value as given (an invoice line).
//! - [`Rule::Average`]: out at the average cost as of its date (a sale, a transfer's source
//!   side, a write-off, a supplier return).
//! - [`Rule::Mirror`]: the exact opposite of another movement (a transfer's destination side
//!   takes what the source side gave up; an annulment takes back what the sale took).
//! - [`Rule::Count`]: brings the balance to a counted quantity (stocktaking, the menu import's
//!   counts); both its quantity and its value follow from the book as of its date.

use super::decimal::{Money, Qty, UnitCost};
use super::stock::{Balance, Movement};

/// How a movement is valued; stored as [`Rule::as_str`] in `stock_movements.rule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    Fixed,
    Average,
    Mirror,
    Count,
}

impl Rule {
    pub const fn as_str(self) -> &'static str {
        match self {
            Rule::Fixed => "fixed",
            Rule::Average => "average",
            Rule::Mirror => "mirror",
            Rule::Count => "count",
        }
    }

    pub fn parse(text: &str) -> Option<Rule> {
        [Rule::Fixed, Rule::Average, Rule::Mirror, Rule::Count]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

/// What a movement needs besides the balance before it to be valued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Valuation {
    /// This quantity at this value.
    Fixed { qty: Qty, value: Money },
    /// `qty` (negative) out at the average cost.
    Average { qty: Qty },
    /// The opposite of the movement `of` as it now stands.
    Mirror { of: Movement },
    /// To `target` on hand; stock found beyond the book comes in at the average cost, or at
    /// `fallback` (else the last cost stock came in at) when there is none on hand.
    Count {
        target: Qty,
        fallback: Option<UnitCost>,
    },
}

/// A movement as stored: its rule, its quantity and value as they stand, the counted target
/// and declared cost of a count, and the movement a mirror mirrors (as valued now).
#[derive(Debug, Clone, Copy)]
pub struct Stored {
    pub rule: Rule,
    pub qty: Qty,
    pub value: Money,
    pub target: Option<Qty>,
    pub cost: Option<UnitCost>,
    pub source: Option<Movement>,
}

impl Stored {
    /// How the movement is valued again; `None` for a mirror whose source is gone.
    pub fn valuation(self) -> Option<Valuation> {
        Some(match self.rule {
            Rule::Fixed => Valuation::Fixed {
                qty: self.qty,
                value: self.value,
            },
            Rule::Average => Valuation::Average { qty: self.qty },
            Rule::Mirror => Valuation::Mirror { of: self.source? },
            Rule::Count => Valuation::Count {
                target: self.target.unwrap_or(Qty::ZERO),
                fallback: self.cost,
            },
        })
    }
}

/// The running state of one storage × product: the balance, and the unit cost of the last
/// stock that came in (a count's cost when the shelf was empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct State {
    pub balance: Balance,
    pub last_cost: Option<UnitCost>,
}

impl State {
    /// Values the next movement and moves the state past it.
    pub fn step(&mut self, valuation: Valuation) -> Movement {
        let movement = match valuation {
            Valuation::Fixed { qty, value } => Movement { qty, value },
            Valuation::Average { qty } => self.balance.take(Qty::from_units(-qty.units())),
            Valuation::Mirror { of } => Movement {
                qty: Qty::from_units(-of.qty.units()),
                value: Money::from_units(-of.value.units()),
            },
            Valuation::Count { target, fallback } => {
                let cost = fallback.or(self.last_cost).unwrap_or(UnitCost::ZERO);
                self.balance.adjust_to(target, cost)
            }
        };
        self.balance = self.balance.apply(movement);
        if movement.qty.units() > 0 && movement.value.units() > 0 {
            self.last_cost = Some(UnitCost::round(
                movement.value.decimal() / movement.qty.decimal(),
            ));
        }
        movement
    }
}

/// The order of the ledger: by date, then by posting order (the movement's id).
pub type Key = (i64, i64);

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
    fn rules_round_trip_through_their_names() {
        for rule in [Rule::Fixed, Rule::Average, Rule::Mirror, Rule::Count] {
            assert_eq!(Rule::parse(rule.as_str()), Some(rule));
        }
        assert_eq!(Rule::parse("other"), None);
    }

    #[test]
    fn average_takes_at_the_cost_as_of_its_place() {
        let mut state = State::default();
        state.step(Valuation::Fixed {
            qty: q("10"),
            value: m("30"),
        });
        let out = state.step(Valuation::Average { qty: q("-4") });
        assert_eq!((out.qty, out.value), (q("-4"), m("-12")));
        let back = state.step(Valuation::Mirror { of: out });
        assert_eq!((back.qty, back.value), (q("4"), m("12")));
        assert_eq!(state.balance.qty, q("10"));
    }

    #[test]
    fn count_on_an_empty_shelf_uses_the_last_cost_that_came_in() {
        let mut state = State::default();
        state.step(Valuation::Fixed {
            qty: q("2"),
            value: m("5"),
        });
        state.step(Valuation::Average { qty: q("-2") });
        let found = state.step(Valuation::Count {
            target: q("4"),
            fallback: None,
        });
        assert_eq!((found.qty, found.value), (q("4"), m("10")));
        let declared = State::default().step(Valuation::Count {
            target: q("1"),
            fallback: Some(UnitCost::from_str("7").expect("cost")),
        });
        assert_eq!(declared.value, m("7"));
    }
}
