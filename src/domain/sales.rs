//! How a closed receipt counts in the sales exports (API.md §9): its payments split by kind
//! over its lines, signed by `income` (an annulment's counter-receipt subtracts). Pure and
//! exact: what the lines get adds up to what was paid, to the cent. And the closed
//! vocabularies of selling: order and receipt statuses, payment kinds, where a receipt came
//! from, job states and employee roles.

use std::ops::{Index, IndexMut};

use super::decimal::Money;

/// A closed vocabulary: an enum whose variants are stored and sent as fixed words.
macro_rules! vocabulary {
    ($(#[doc = $doc:literal])+ $name:ident { $($(#[doc = $vdoc:literal])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[doc = $doc])+
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[doc = $vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word it is stored and sent as.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            /// The value a word names.
            pub fn parse(word: &str) -> Option<$name> {
                match word {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The words, for messages and schemas.
            pub const WORDS: &'static [&'static str] = &[$($word),+];
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(word: &str) -> Result<Self, String> {
                $name::parse(word).ok_or_else(|| {
                    format!("{word:?} is not one of {}", $name::WORDS.join(", "))
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                word.parse().map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::String)
                    .enum_values(Some($name::WORDS.iter().copied()))
                    .description(Some(concat!($($doc, "\n"),+).trim()))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use vocabulary;

vocabulary! {
    /// The state of a delivery order or a receipt: `wait_cashier` → `active` → `cooking` →
    /// `cooked` → `packed` → `closed`; `cancel` before closing, `annuled` after.
    OrderStatus {
        WaitCashier = "wait_cashier",
        Active = "active",
        Cooking = "cooking",
        Cooked = "cooked",
        Packed = "packed",
        Closed = "closed",
        Cancel = "cancel",
        Annuled = "annuled",
    }
}

impl OrderStatus {
    /// The order flow, in order; `closed` is reached by closing, `cancel` from any of these.
    pub const FLOW: [OrderStatus; 5] = [
        OrderStatus::WaitCashier,
        OrderStatus::Active,
        OrderStatus::Cooking,
        OrderStatus::Cooked,
        OrderStatus::Packed,
    ];

    /// Whether an order in this state is still in the flow (may move on, be cancelled or
    /// closed).
    pub fn in_flow(self) -> bool {
        Self::FLOW.contains(&self)
    }

    /// Whether a terminal may move an order from this state to `to`: forward along the flow
    /// (a step may be skipped), or to `cancel`; closing and annulling have their own paths.
    pub fn may_become(self, to: OrderStatus) -> bool {
        let from = Self::FLOW.iter().position(|s| *s == self);
        let to = match to {
            OrderStatus::Cancel => return from.is_some(),
            to => Self::FLOW.iter().position(|s| *s == to),
        };
        matches!((from, to), (Some(from), Some(to)) if to > from)
    }
}

vocabulary! {
    /// How a payment type pays (its `kind`).
    PaymentKind {
        Cash = "cash",
        Card = "card",
        Cashless = "cashless",
        Bonus = "bonus",
        Credit = "credit",
    }
}

impl PaymentKind {
    /// Its place in [`ByKind`] (and in [`PaymentKind::ALL`]).
    const fn index(self) -> usize {
        self as usize
    }
}

vocabulary! {
    /// Where a receipt came from: made at the till, or a delivery order sent to a shop.
    ReceiptSource {
        Pos = "pos",
        Delivery = "delivery",
    }
}

vocabulary! {
    /// The state of a delivery job.
    JobStatus {
        Pending = "pending",
        Success = "success",
        Failed = "failed",
    }
}

vocabulary! {
    /// What an employee does.
    EmployeeRole {
        Cashier = "cashier",
        Waiter = "waiter",
        Manager = "manager",
    }
}

/// Money per payment kind, in hundredths (money units), read and written by [`PaymentKind`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByKind([i64; 5]);

impl ByKind {
    pub const ZERO: ByKind = ByKind([0; 5]);

    /// The amounts in the order of [`PaymentKind::ALL`].
    pub const fn units(self) -> [i64; 5] {
        self.0
    }

    pub const fn from_units(units: [i64; 5]) -> ByKind {
        ByKind(units)
    }

    /// The amount of one kind as money.
    pub fn money(self, kind: PaymentKind) -> Money {
        Money::from_units(self[kind])
    }

    /// Each amount changed by `f`.
    #[must_use]
    pub fn map(self, f: impl FnMut(i64) -> i64) -> ByKind {
        ByKind(self.0.map(f))
    }

    /// Each kind with its amount, in order.
    pub fn iter(&self) -> impl Iterator<Item = (PaymentKind, i64)> + '_ {
        PaymentKind::ALL.iter().copied().zip(self.0.iter().copied())
    }

    /// The sum over every kind.
    pub fn total(self) -> i64 {
        self.0.iter().sum()
    }
}

impl Index<PaymentKind> for ByKind {
    type Output = i64;

    fn index(&self, kind: PaymentKind) -> &i64 {
        &self.0[kind.index()]
    }
}

impl IndexMut<PaymentKind> for ByKind {
    fn index_mut(&mut self, kind: PaymentKind) -> &mut i64 {
        &mut self.0[kind.index()]
    }
}

impl std::ops::AddAssign for ByKind {
    fn add_assign(&mut self, other: ByKind) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            *mine += theirs;
        }
    }
}

/// What was tendered in all: the sum of the payments.
pub fn tendered(payments: impl IntoIterator<Item = Money>) -> Money {
    Money::from_units(payments.into_iter().map(Money::units).sum())
}

/// Whether payments of `paid` in all cover a bill of `total_sum`.
pub fn covers(paid: Money, total_sum: Money) -> bool {
    paid.units() >= total_sum.units()
}

/// What a receipt's payments come to by kind, with the change given back taken off cash
/// first (then the other kinds in order), so that they add up to `total_sum`.
pub fn paid_by_kind(
    payments: impl IntoIterator<Item = (PaymentKind, Money)>,
    total_sum: Money,
) -> ByKind {
    let mut kinds = ByKind::ZERO;
    for (kind, value) in payments {
        kinds[kind] += value.units();
    }
    let mut change = kinds.total() - total_sum.units();
    for amount in &mut kinds.0 {
        if change <= 0 {
            break;
        }
        let back = change.min(*amount);
        *amount -= back;
        change -= back;
    }
    kinds
}

/// The change given back on a bill of `total_sum`: what was tendered beyond it.
pub fn change(tendered: Money, total_sum: Money) -> Money {
    Money::from_units((tendered.units() - total_sum.units()).max(0))
}

/// A receipt's totals from its lines: before discounts, after them, and the discounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub total: Money,
    pub total_sum: Money,
    pub discount_sum: Money,
}

/// The totals of lines given as (total after discount, discount).
pub fn totals(lines: impl IntoIterator<Item = (Money, Money)>) -> Totals {
    let (mut total_sum, mut discount_sum) = (0i64, 0i64);
    for (sum, discount) in lines {
        total_sum += sum.units();
        discount_sum += discount.units();
    }
    Totals {
        total: Money::from_units(total_sum + discount_sum),
        total_sum: Money::from_units(total_sum),
        discount_sum: Money::from_units(discount_sum),
    }
}

/// The totals of an order whose total after discounts is given (`total_sum`) and whose
/// lines carry the discounts: the discounts are the lines', the total before them the sum.
pub fn bill_totals(total_sum: Money, lines: impl IntoIterator<Item = (Money, Money)>) -> Totals {
    let discount_sum = totals(lines).discount_sum;
    Totals {
        total: Money::from_units(total_sum.units() + discount_sum.units()),
        total_sum,
        discount_sum,
    }
}

/// Splits `paid` over lines in proportion to their totals (money units). Each kind is split
/// by cumulative rounding down, so the lines' shares add up to exactly what was paid in that
/// kind.
pub fn split(paid: ByKind, line_totals: &[i64]) -> Vec<ByKind> {
    let total: i64 = line_totals.iter().sum();
    let mut shares = vec![ByKind::ZERO; line_totals.len()];
    if line_totals.is_empty() {
        return shares;
    }
    for (kind, amount) in paid.iter() {
        if total == 0 {
            // nothing to weigh by: the first line takes it
            shares[0][kind] = amount;
            continue;
        }
        let (mut before, mut given) = (0i128, 0i64);
        for (i, &line) in line_totals.iter().enumerate() {
            before += i128::from(line);
            // a share of `amount` (`before` ≤ `total`), so within `i64`
            let upto =
                i64::try_from(i128::from(amount) * before / i128::from(total)).unwrap_or(amount);
            shares[i][kind] = upto - given;
            given = upto;
        }
    }
    shares
}

/// How a receipt was paid, in one word: its payments' one kind, `mixed` for several, and
/// `cash` for a receipt paid with nothing (a zero total).
pub fn payment_type(kinds: impl IntoIterator<Item = PaymentKind>) -> &'static str {
    let mut kinds = kinds.into_iter();
    let Some(first) = kinds.next() else {
        return PaymentKind::Cash.as_str();
    };
    if kinds.all(|k| k == first) {
        first.as_str()
    } else {
        "mixed"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentKind::*;

    fn m(units: i64) -> Money {
        Money::from_units(units)
    }

    fn by(units: [i64; 5]) -> ByKind {
        ByKind::from_units(units)
    }

    #[test]
    fn change_comes_off_cash_and_the_rest_adds_up_to_the_total() {
        assert_eq!(
            paid_by_kind([(Cash, m(2000)), (Card, m(500))], m(2250)),
            by([1750, 500, 0, 0, 0])
        );
        assert_eq!(
            paid_by_kind([(Card, m(1000)), (Bonus, m(83))], m(1083)),
            by([0, 1000, 0, 83, 0])
        );
        assert_eq!(change(m(2500), m(2250)), m(250));
        assert_eq!(change(m(2000), m(2250)), m(0));
    }

    #[test]
    fn shares_add_up_exactly_per_kind_and_follow_the_lines() {
        let paid = by([1000, 1, 0, 0, 0]);
        let shares = split(paid, &[333, 333, 334]);
        for &kind in PaymentKind::ALL {
            let sum: i64 = shares.iter().map(|s| s[kind]).sum();
            assert_eq!(sum, paid[kind]);
        }
        assert_eq!(shares[0][Cash] + shares[1][Cash], 666);
        assert_eq!(
            split(by([500, 0, 0, 0, 0]), &[0, 0]),
            vec![by([500, 0, 0, 0, 0]), ByKind::ZERO]
        );
    }

    #[test]
    fn a_receipt_paid_in_one_kind_says_it_and_several_kinds_say_mixed() {
        assert_eq!(payment_type([Card]), "card");
        assert_eq!(payment_type([Cash, Cash]), "cash");
        assert_eq!(payment_type([Cash, Card]), "mixed");
        assert_eq!(payment_type([]), "cash");
    }

    #[test]
    fn kinds_index_their_own_amount_and_read_back_from_their_words() {
        let mut sums = ByKind::ZERO;
        sums[Credit] += 7;
        sums[Cashless] += 3;
        assert_eq!(sums.units(), [0, 0, 3, 0, 7]);
        for &kind in PaymentKind::ALL {
            assert_eq!(PaymentKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(PaymentKind::parse("cheque"), None);
    }

    #[test]
    fn totals_and_coverage() {
        let t = totals([(m(1000), m(100)), (m(250), m(0))]);
        assert_eq!(t.total, m(1350));
        assert_eq!(t.total_sum, m(1250));
        assert_eq!(t.discount_sum, m(100));
        assert!(covers(tendered([m(1000), m(250)]), m(1250)));
        let bill = bill_totals(m(900), [(m(1000), m(100)), (m(250), m(50))]);
        assert_eq!(
            (bill.total, bill.total_sum, bill.discount_sum),
            (m(1050), m(900), m(150))
        );
        assert!(!covers(tendered([m(1000)]), m(1250)));
    }

    #[test]
    fn orders_move_forward_only_or_are_cancelled() {
        use OrderStatus::*;
        assert!(WaitCashier.may_become(Cooking));
        assert!(Cooking.may_become(Packed));
        assert!(!Cooked.may_become(Active));
        assert!(!Active.may_become(Active));
        assert!(Packed.may_become(Cancel));
        assert!(!Closed.may_become(Cancel));
        assert!(!Cancel.may_become(Active));
        assert!(!Active.may_become(Closed));
        assert!(!Active.may_become(Annuled));
        for &status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
    }
}
