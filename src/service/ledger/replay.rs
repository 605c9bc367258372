//! The date rule checked from scratch: every movement of the account, in ledger order (date,
//! then posting order), valued by its rule into an empty ledger; each result compared with
//! what is stored. Unlike the incremental re-valuation ([`crate::db::recost`]) this reads
//! nothing as it stands except each movement's rule and inputs: a mirror mirrors its source
//! as this replay valued it, a count counts against the balance this replay reached.

use std::collections::{BTreeMap, HashMap};

use crate::db::stock::{LedgerRow, LineCost, Sums};
use crate::domain::ids::MovementId;
use crate::domain::ledger::{Rule, State, Stored};
use crate::domain::stock::{Balance, Movement};
use crate::domain::time;

/// How many differences a report names (the first is what matters; the rest show the extent).
const NAMED: usize = 20;

/// Where the stored ledger differs from its date-order replay, in ledger order.
pub fn differences(rows: &[LedgerRow], balances: &Sums, costs: &[LineCost]) -> Vec<String> {
    let mut found = Vec::new();
    let mut states: BTreeMap<_, State> = BTreeMap::new();
    let mut valued: HashMap<MovementId, Movement> = HashMap::with_capacity(rows.len());
    // (receipt, line) → Σ values the replay gives its movements
    let mut lines: HashMap<(i64, i64), i64> = HashMap::new();
    for r in rows {
        let Some(rule) = Rule::parse(&r.rule) else {
            found.push(format!(
                "movement {} has an unknown rule {:?}",
                r.id, r.rule
            ));
            continue;
        };
        let stored = Stored {
            rule,
            qty: r.qty,
            value: r.value,
            target: r.target,
            cost: r.cost,
            source: r.source_id.and_then(|s| valued.get(&s).copied()),
        };
        let Some(valuation) = stored.valuation() else {
            found.push(format!(
                "{} mirrors movement {:?}, which is not in the ledger before it",
                describe(r),
                r.source_id
            ));
            continue;
        };
        let state = states.entry((r.storage_id, r.product_id)).or_default();
        let movement = state.step(valuation);
        valued.insert(r.id, movement);
        if r.doc_type == "receipt" {
            *lines.entry((r.doc_id, r.line_no)).or_default() += movement.value.units();
        }
        if (movement.qty, movement.value) != (r.qty, r.value) {
            found.push(format!(
                "{}: stored {} / {} but date order gives {} / {}",
                describe(r),
                r.qty,
                r.value,
                movement.qty,
                movement.value
            ));
        }
    }
    for (key, state) in &states {
        let stored = balances.get(key).copied().unwrap_or_default();
        if stored != state.balance {
            found.push(format!(
                "storage {} product {}: balance {} / {} but date order gives {} / {}",
                key.0, key.1, stored.qty, stored.value, state.balance.qty, state.balance.value
            ));
        }
    }
    for (key, stored) in balances {
        if !states.contains_key(key) && *stored != Balance::default() {
            found.push(format!(
                "storage {} product {}: balance {} / {} without any movement",
                key.0, key.1, stored.qty, stored.value
            ));
        }
    }
    for c in costs {
        let replayed = lines
            .get(&(c.receipt_id, c.line_no))
            .copied()
            .unwrap_or(0)
            .abs();
        if replayed != c.self_cost_sum.units() {
            found.push(format!(
                "receipt {} line {}: self_cost_sum {} but date order gives {}",
                c.receipt_id,
                c.line_no,
                c.self_cost_sum,
                crate::domain::decimal::Money::from_units(replayed)
            ));
        }
    }
    found.truncate(NAMED);
    found
}

/// A movement as a person finds it: its document, line, place and date.
fn describe(r: &LedgerRow) -> String {
    format!(
        "movement {} ({} {} line {}, storage {} product {}, {})",
        r.id,
        r.doc_type,
        r.doc_id,
        r.line_no,
        r.storage_id,
        r.product_id,
        time::format_rfc3339(r.doc_date, &jiff::tz::TimeZone::UTC)
    )
}
