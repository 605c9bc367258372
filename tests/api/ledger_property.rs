//! Property: any sequence of invoice creations, wires and unwires, transfers wired and
//! unwired, inventory counts (menu imports with `update_balances`) posted and unwired, and
//! sales at a till written off and annulled, keeps the ledger invariant (balances = sum of movements) and gives the balances of
//! a simple model.

use caffesta::db::Query;
use std::collections::BTreeMap;

use caffesta::db::products::{self, Key};
use caffesta::domain::decimal::{Money, Qty, UnitCost};
use caffesta::domain::ids::{AdjustmentId, InvoiceId, MoveId};
use caffesta::domain::stock::Balance;
use caffesta::service::menu_import::{self, Mode};
use caffesta::service::{admin, documents, invoices, ledger, moves, sales, Actor};
use caffesta::wire::sales::ShiftOpenIn;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;

use crate::helpers::{Backend, TestDatabase};

/// One line: product 0-2, storage 1-2, whole amount, cost in cents.
type Line = (usize, i64, i64, i64);

#[derive(Debug, Clone)]
enum Op {
    Create(Vec<Line>),
    Wire(usize),
    Unwire(usize),
    /// Move `amount` thousandths of product p out of storage s into the other, and wire it.
    Transfer(usize, i64, i64),
    /// Unwire the n-th transfer.
    Untransfer(usize),
    /// Count product p in storage s as `qty` thousandths, declaring a cost in cents.
    Count(usize, i64, i64, i64),
    /// Unwire the n-th adjustment the counts posted.
    Uncount(usize),
    /// Sell `qty` thousandths of product p at the till of shop 1 (storage 1).
    Sell(usize, i64),
    /// Annul the n-th sale.
    Annul(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let line = (0usize..3, 1i64..3, 1i64..50, 0i64..10_000);
    prop_oneof![
        prop::collection::vec(line, 1..4).prop_map(Op::Create),
        (0usize..8).prop_map(Op::Wire),
        (0usize..8).prop_map(Op::Unwire),
        (0usize..3, 1i64..3, 1i64..30_000).prop_map(|(p, s, a)| Op::Transfer(p, s, a)),
        (0usize..8).prop_map(Op::Untransfer),
        (0usize..3, 1i64..3, 0i64..40_000, 0i64..500)
            .prop_map(|(p, s, q, c)| Op::Count(p, s, q, c)),
        (0usize..8).prop_map(Op::Uncount),
        (0usize..3, 1i64..20_000).prop_map(|(p, q)| Op::Sell(p, q)),
        (0usize..8).prop_map(Op::Annul),
    ]
}

/// (storage, product code index) → (qty units, value units)
type Model = BTreeMap<(i64, usize), (i64, i64)>;

/// A posted document: its id, what it moved per (storage, product), and whether it stands.
type Posted<Id> = (Id, Vec<((i64, usize), (i64, i64))>, bool);
type Transfer = Posted<MoveId>;

/// Takes an unwired document's movements back out of the model, if it was wired.
fn take_back<Id>(model: &mut Model, doc: &mut Posted<Id>) {
    if doc.2 {
        doc.2 = false;
        for (key, (q, v)) in &doc.1 {
            let entry = model.entry(*key).or_insert((0, 0));
            entry.0 -= q;
            entry.1 -= v;
        }
    }
}

async fn run_case(db: &caffesta::db::Db, case: usize, ops: &[Op]) -> Result<(), TestCaseError> {
    let name = format!("prop{case}");
    let account_id = admin::create_account(db, &name, None)
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    for storage in ["A", "B"] {
        admin::create_storage(db, &name, storage)
            .await
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
    admin::create_shop(db, &name, "S", caffesta::domain::ids::StorageId::new(1))
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let till = sales::Till {
        actor: Actor {
            account_id,
            user_id: 1,
            timezone: jiff::tz::TimeZone::UTC,
        },
        shop_id: caffesta::domain::ids::ShopId::new(1),
    };
    sales::open_shift(db, &till, &ShiftOpenIn::default())
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    // sales: uuid, what it took from (storage, product), and whether it stands
    let mut sold: Vec<Posted<String>> = Vec::new();
    let actor = Actor {
        account_id,
        user_id: 1,
        timezone: jiff::tz::TimeZone::UTC,
    };
    let mut docs: Vec<(InvoiceId, Vec<Line>, bool)> = Vec::new();
    let mut model = Model::new();
    // transfers: id, and what wiring moved: (storage, product) → delta, and whether wired
    let mut transfers: Vec<Transfer> = Vec::new();
    // adjustments the counts posted, in the same shape
    let mut counts: Vec<Posted<AdjustmentId>> = Vec::new();
    for op in ops {
        match op {
            Op::Create(lines) => {
                // one storage per invoice: the first line's
                let storage = lines[0].1;
                let items: Vec<_> = lines
                    .iter()
                    .map(|(p, _, amount, cents)| json!({"amount": amount, "product_code": format!("p{p}"), "cost": format!("{}.{:02}", cents / 100, cents % 100)}))
                    .collect();
                let products: Vec<_> = (0..3)
                    .map(|p| json!({"ref_code": format!("p{p}"), "name": format!("P{p}")}))
                    .collect();
                let body =
                    json!({"storage": {"caf_id": storage}, "items": items, "products": products});
                let input =
                    serde_json::from_value(body).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let id = invoices::create(db, &actor, &input)
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let lines = lines
                    .iter()
                    .map(|&(p, _, a, c)| (p, storage, a, c))
                    .collect();
                docs.push((id, lines, false));
            }
            Op::Transfer(p, from, amount) => {
                if docs.is_empty() {
                    continue; // the products do not exist yet
                }
                let to = 3 - from;
                let body = json!({"storage_from": {"caf_id": from}, "storage_to": {"caf_id": to},
                                  "items": [{"amount": format!("{}.{:03}", amount / 1000, amount % 1000), "product_code": format!("p{p}")}]});
                let input =
                    serde_json::from_value(body).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let id = moves::create(db, &actor, &input)
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                documents::set_wired(db, &actor, id, true)
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let (qty, value) = model.get(&(*from, *p)).copied().unwrap_or((0, 0));
                let out = Balance {
                    qty: Qty::from_units(qty),
                    value: Money::from_units(value),
                }
                .take(Qty::from_units(*amount));
                let delta = (out.qty.units(), out.value.units());
                let deltas = vec![((*from, *p), delta), ((to, *p), (-delta.0, -delta.1))];
                for (key, (q, v)) in &deltas {
                    let entry = model.entry(*key).or_insert((0, 0));
                    entry.0 += q;
                    entry.1 += v;
                }
                transfers.push((id, deltas, true));
            }
            Op::Count(p, storage, qty, cents) => {
                let cost = format!("{}.{:02}", cents / 100, cents % 100);
                let body = json!({"update_balances": true, "categories": [], "items": [{
                    "id": format!("p{p}"), "name": format!("P{p}"), "measure": "pcs",
                    "prices": [{"shop_id": 1, "value": cost, "value_day": 1}],
                    "balances": [{"storage_id": storage, "balance": format!("{}.{:03}", qty / 1000, qty % 1000)}]
                }]});
                let input =
                    serde_json::from_value(body).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let report = menu_import::import(db, &actor, &input, Mode::Partial)
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let (q, v) = model.get(&(*storage, *p)).copied().unwrap_or((0, 0));
                let movement = Balance {
                    qty: Qty::from_units(q),
                    value: Money::from_units(v),
                }
                .adjust_to(Qty::from_units(*qty), UnitCost::from_units(cents * 10_000));
                let delta = (movement.qty.units(), movement.value.units());
                prop_assert_eq!(report.adjustment_id.is_some(), delta != (0, 0));
                if let Some(id) = report.adjustment_id {
                    let entry = model.entry((*storage, *p)).or_insert((0, 0));
                    entry.0 += delta.0;
                    entry.1 += delta.1;
                    counts.push((id, vec![((*storage, *p), delta)], true));
                }
            }
            Op::Sell(p, qty) => {
                let code = format!("p{p}");
                let Some(product) = products::find(db, account_id, Key::RefCode(&code))
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?
                else {
                    continue; // not made yet
                };
                let body = json!({"lines": [{"product_id": product.id, "count": format!("{}.{:03}", qty / 1000, qty % 1000), "price": 1, "total_sum": 1}],
                                  "payments": [{"payment_id": 1, "value": 1}]});
                let input =
                    serde_json::from_value(body).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let uuid = sales::upload(db, &till, &input)
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let (q, v) = model.get(&(1, *p)).copied().unwrap_or((0, 0));
                let out = Balance {
                    qty: Qty::from_units(q),
                    value: Money::from_units(v),
                }
                .take(Qty::from_units(*qty));
                let delta = (out.qty.units(), out.value.units());
                let entry = model.entry((1, *p)).or_insert((0, 0));
                entry.0 += delta.0;
                entry.1 += delta.1;
                sold.push((uuid, vec![((1, *p), delta)], true));
            }
            Op::Annul(n) => {
                let count = sold.len().max(1);
                let Some(sale) = sold.get_mut(n % count) else {
                    continue;
                };
                let outcome = sales::annul(db, &till, &sale.0).await;
                prop_assert_eq!(outcome.is_ok(), sale.2);
                take_back(&mut model, sale);
            }
            Op::Uncount(n) => {
                let count = counts.len().max(1);
                let Some(adjustment) = counts.get_mut(n % count) else {
                    continue;
                };
                let outcome = documents::set_wired(db, &actor, adjustment.0, false).await;
                prop_assert_eq!(outcome.is_ok(), adjustment.2);
                take_back(&mut model, adjustment);
            }
            Op::Untransfer(n) => {
                let count = transfers.len().max(1);
                let Some(transfer) = transfers.get_mut(n % count) else {
                    continue;
                };
                let outcome = documents::set_wired(db, &actor, transfer.0, false).await;
                prop_assert_eq!(outcome.is_ok(), transfer.2);
                take_back(&mut model, transfer);
            }
            Op::Wire(n) | Op::Unwire(n) => {
                let count = docs.len().max(1);
                let Some(doc) = docs.get_mut(n % count) else {
                    continue;
                };
                let wire = matches!(op, Op::Wire(_));
                let outcome = documents::set_wired(db, &actor, doc.0, wire).await;
                prop_assert_eq!(
                    outcome.is_ok(),
                    doc.2 != wire,
                    "wire={} on wired={}",
                    wire,
                    doc.2
                );
                if outcome.is_ok() {
                    doc.2 = wire;
                    let sign = if wire { 1 } else { -1 };
                    for &(p, storage, amount, cents) in &doc.1 {
                        let entry = model.entry((storage, p)).or_insert((0, 0));
                        entry.0 += sign * amount * 1000;
                        entry.1 += sign * cents;
                    }
                }
            }
        }
    }
    let report = ledger::check(db, account_id)
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
    let rows = db
        .read()
        .await
        .rows(
            "SELECT b.storage_id, p.ref_code, b.qty, b.value FROM stock_balances b \
             JOIN products p ON p.account_id = b.account_id AND p.id = b.product_id \
             WHERE b.account_id = :account_id",
            caffesta::params! { account_id },
        )
        .await
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let cell = |r: &caffesta::db::Row, name: &str| {
        r.get::<i64>(name)
            .map_err(|e| TestCaseError::fail(e.to_string()))
    };
    let mut stored = Model::new();
    for r in &rows {
        let code = r
            .get::<String>("ref_code")
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let (qty, value) = (cell(r, "qty")?, cell(r, "value")?);
        if qty != 0 || value != 0 {
            stored.insert(
                (cell(r, "storage_id")?, code[1..].parse().unwrap_or(9)),
                (qty, value),
            );
        }
    }
    let expected: Model = model.into_iter().filter(|(_, v)| *v != (0, 0)).collect();
    prop_assert_eq!(stored, expected);
    Ok(())
}

async fn random_invoice_sequences_keep_the_ledger_invariant_and_match_a_model(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let db = database.open().await;
    let handle = tokio::runtime::Handle::current();
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let case = std::sync::atomic::AtomicUsize::new(0);
    let result = tokio::task::block_in_place(|| {
        runner.run(&prop::collection::vec(op(), 1..30), |ops| {
            let n = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            handle.block_on(run_case(&db, n, &ops))
        })
    });
    db.close().await;
    if let Err(e) = result {
        panic!("{e}");
    }
}

crate::backend_tests!(random_invoice_sequences_keep_the_ledger_invariant_and_match_a_model);
