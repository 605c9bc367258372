//! How a closed receipt counts in the sales exports (API.md §9): its payments split by kind
//! over its lines, signed by `income` (an annulment's counter-receipt subtracts). Pure and
//! exact: what the lines get adds up to what was paid, to the cent.

/// Payment kinds in the order the exports show them.
pub const KINDS: [&str; 5] = ["cash", "card", "cashless", "bonus", "credit"];

/// Money per payment kind, in hundredths.
pub type ByKind = [i64; 5];

/// What a receipt's payments come to by kind, with the change given back taken off cash
/// first (then the other kinds in order), so that they add up to `total_sum`.
pub fn paid_by_kind(payments: &[(&str, i64)], total_sum: i64) -> ByKind {
    let mut kinds = [0i64; 5];
    for (kind, value) in payments {
        if let Some(i) = KINDS.iter().position(|k| k == kind) {
            kinds[i] += value;
        }
    }
    let mut change = kinds.iter().sum::<i64>() - total_sum;
    for amount in kinds.iter_mut() {
        if change <= 0 {
            break;
        }
        let back = change.min(*amount);
        *amount -= back;
        change -= back;
    }
    kinds
}

/// Splits `paid` over lines in proportion to their totals. Each kind is split by cumulative
/// rounding down, so the lines' shares add up to exactly what was paid in that kind.
pub fn split(paid: ByKind, line_totals: &[i64]) -> Vec<ByKind> {
    let total: i64 = line_totals.iter().sum();
    let mut shares = vec![[0i64; 5]; line_totals.len()];
    if line_totals.is_empty() {
        return shares;
    }
    for (k, &amount) in paid.iter().enumerate() {
        if total == 0 {
            // nothing to weigh by: the first line takes it
            shares[0][k] = amount;
            continue;
        }
        let (mut before, mut given) = (0i128, 0i64);
        for (i, &line) in line_totals.iter().enumerate() {
            before += i128::from(line);
            let upto = (i128::from(amount) * before / i128::from(total)) as i64;
            shares[i][k] = upto - given;
            given = upto;
        }
    }
    shares
}

/// How a receipt was paid, in one word: its payments' one kind, `mixed` for several, and
/// `cash` for a receipt paid with nothing (a zero total).
pub fn payment_type<'a>(kinds: impl IntoIterator<Item = &'a str>) -> &'a str {
    let mut kinds = kinds.into_iter();
    let Some(first) = kinds.next() else {
        return "cash";
    };
    if kinds.all(|k| k == first) {
        first
    } else {
        "mixed"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_comes_off_cash_and_the_rest_adds_up_to_the_total() {
        assert_eq!(
            paid_by_kind(&[("cash", 2000), ("card", 500)], 2250),
            [1750, 500, 0, 0, 0]
        );
        assert_eq!(
            paid_by_kind(&[("card", 1000), ("bonus", 83)], 1083),
            [0, 1000, 0, 83, 0]
        );
    }

    #[test]
    fn shares_add_up_exactly_per_kind_and_follow_the_lines() {
        let shares = split([1000, 1, 0, 0, 0], &[333, 333, 334]);
        for k in 0..5 {
            let sum: i64 = shares.iter().map(|s| s[k]).sum();
            assert_eq!(sum, [1000, 1, 0, 0, 0][k]);
        }
        assert_eq!(shares[0][0] + shares[1][0], 666);
        assert_eq!(
            split([500, 0, 0, 0, 0], &[0, 0]),
            vec![[500, 0, 0, 0, 0], [0; 5]]
        );
    }

    #[test]
    fn a_receipt_paid_in_one_kind_says_it_and_several_kinds_say_mixed() {
        assert_eq!(payment_type(["card"]), "card");
        assert_eq!(payment_type(["cash", "cash"]), "cash");
        assert_eq!(payment_type(["cash", "card"]), "mixed");
        assert_eq!(payment_type([]), "cash");
    }
}
