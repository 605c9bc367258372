//! Property (API.md §11, the date rule): random invoices, transfers, till sales and
//! annulments, each with a random date in the last month, wired and unwired in random order,
//! leave every movement's quantity and value, every receipt line's cost and every balance
//! equal to an independent model that replays the documents standing at the end in date
//! order into an empty ledger. The model shares no code with the server's ledger: its
//! arithmetic is integer units and its order is a sort.

use std::collections::BTreeMap;

use caffesta::db::stock_report::Way;
use caffesta::db::Query;
use caffesta::service::{admin, documents, invoices, ledger, moves, sales, Actor};
use caffesta::wire::sales::ShiftOpenIn;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;

use crate::helpers::{Backend, TestDatabase};

const PRODUCTS: usize = 3;

/// One invoice line: product, whole amount, cost in cents.
type Line = (usize, i64, i64);

#[derive(Debug, Clone)]
enum Op {
    /// An invoice into storage 1 or 2, dated `day` days into the month; not wired.
    Invoice(i64, Vec<Line>, i64),
    /// Wire or unwire the n-th invoice or transfer.
    Wire(usize),
    Unwire(usize),
    /// Move `qty` thousandths of product p out of storage s into the other, dated `day`; wired.
    Transfer(usize, i64, i64, i64),
    /// Sell `qty` thousandths of product p at the till (storage 1), closed on `day`; product
    /// `PRODUCTS` is the dish, sold by its recipe (2 of p0 and 1 of p1 each).
    Sell(usize, i64, i64),
    /// Annul the n-th sale (dated now, after everything).
    Annul(usize),
    /// Write off `qty` thousandths of product p in storage s on `day`; wired.
    WriteOff(usize, i64, i64, i64),
    /// Count products in storage s on `day` (`full`: every other product with a book counts
    /// as 0); wired.
    Count(i64, Vec<(usize, i64)>, bool, i64),
    /// Return `qty` thousandths of product p from storage s to the supplier on `day`; wired.
    Return(usize, i64, i64, i64),
}

fn op() -> impl Strategy<Value = Op> {
    let line = (0..PRODUCTS, 1i64..50, 0i64..10_000);
    prop_oneof![
        3 => (1i64..3, prop::collection::vec(line, 1..3), 0i64..30)
            .prop_map(|(s, lines, day)| Op::Invoice(s, lines, day)),
        3 => (0usize..12).prop_map(Op::Wire),
        1 => (0usize..12).prop_map(Op::Unwire),
        2 => (0..PRODUCTS, 1i64..3, 1i64..30_000, 0i64..30)
            .prop_map(|(p, s, q, day)| Op::Transfer(p, s, q, day)),
        3 => (0..=PRODUCTS, 1i64..20_000, 0i64..30).prop_map(|(p, q, day)| Op::Sell(p, q, day)),
        1 => (0usize..8).prop_map(Op::Annul),
        1 => (0..PRODUCTS, 1i64..3, 1i64..20_000, 0i64..30)
            .prop_map(|(p, s, q, day)| Op::WriteOff(p, s, q, day)),
        1 => (1i64..3, prop::collection::btree_map(0..PRODUCTS, 0i64..40_000, 0..3), any::<bool>(), 0i64..30)
            .prop_map(|(s, counts, full, day)| Op::Count(s, counts.into_iter().collect(), full, day)),
        1 => (0..PRODUCTS, 1i64..3, 1i64..20_000, 0i64..30)
            .prop_map(|(p, s, q, day)| Op::Return(p, s, q, day)),
    ]
}

/// What a document does, for the model.
#[derive(Debug, Clone)]
enum Fact {
    /// A write-off or a supplier return: out at the average cost.
    Out {
        product: usize,
        storage: i64,
        qty: i64,
    },
    Count {
        storage: i64,
        counts: Vec<(usize, i64)>,
        full: bool,
    },
    Invoice {
        storage: i64,
        lines: Vec<Line>,
    },
    Transfer {
        product: usize,
        from: i64,
        qty: i64,
    },
    Sale {
        product: usize,
        qty: i64,
    },
    /// The annulment of the sale at this index of the documents.
    Annulment {
        sale: usize,
    },
}

/// A document as the test made it: its kind and id in the ledger, its date, its place in
/// posting order (renewed at each wiring), and whether it stands.
#[derive(Debug, Clone)]
struct Doc {
    kind: &'static str,
    id: i64,
    fact: Fact,
    date: i64,
    seq: usize,
    wired: bool,
}

/// One expected movement: (doc kind, doc id, storage, product) → (qty, value), summed.
type Movements = BTreeMap<(&'static str, i64, i64, usize), (i64, i64)>;
/// (storage, product) → (qty, value)
type Balances = BTreeMap<(i64, usize), (i64, i64)>;

/// What a sale took: (ingredient, (qty, value)) per movement.
type Takings = Vec<(usize, (i64, i64))>;

/// `n / d` rounded half away from zero, `d > 0`.
fn div_round(n: i128, d: i128) -> i64 {
    let q = if n >= 0 {
        (2 * n + d) / (2 * d)
    } else {
        -((-2 * n + d) / (2 * d))
    };
    i64::try_from(q).expect("fits")
}

/// What selling `qty` of product `p` takes, by ingredient.
fn ingredients(p: usize, qty: i64) -> Vec<(usize, i64)> {
    if p == PRODUCTS {
        vec![(0, 2 * qty), (1, qty)]
    } else {
        vec![(p, qty)]
    }
}

/// `value / qty` as a unit cost in millionths (the cost of stock that came in).
fn unit_cost(m: (i64, i64)) -> i64 {
    div_round(i128::from(m.1) * 10_000_000, i128::from(m.0))
}

/// What counting `target` against a balance moves: a shortfall goes out at the average
/// cost; otherwise the balance ends at `target` × the average cost, or × `last_cost` (the
/// last cost that came in) when nothing is on hand.
fn count(balance: (i64, i64), last_cost: i64, target: i64) -> (i64, i64) {
    let (on_hand, value) = balance;
    if on_hand > 0 && target <= on_hand {
        return take(balance, on_hand - target);
    }
    let ends_at = if on_hand > 0 {
        div_round(i128::from(target) * i128::from(value), i128::from(on_hand))
    } else {
        div_round(i128::from(target) * i128::from(last_cost), 10_000_000)
    };
    (target - on_hand, ends_at - value)
}

/// What taking `qty` out of a balance takes: (qty, value), both negative or zero.
fn take(balance: (i64, i64), qty: i64) -> (i64, i64) {
    let (on_hand, value) = balance;
    let taken = if on_hand <= 0 {
        0
    } else if qty >= on_hand {
        value
    } else {
        div_round(i128::from(qty) * i128::from(value), i128::from(on_hand))
    };
    (-qty, -taken)
}

/// The model: the standing documents replayed in (date, posting order) into an empty ledger.
/// Returns the movements, the balances, and each sale's and annulment's line cost.
fn replay(docs: &[Doc]) -> (Movements, Balances, BTreeMap<i64, i64>) {
    let mut order: Vec<usize> = (0..docs.len()).filter(|&i| docs[i].wired).collect();
    order.sort_by_key(|&i| (docs[i].date, docs[i].seq));
    let mut balances = Balances::new();
    let mut movements = Movements::new();
    // a sale's movements (ingredient, taken), by document index, for its annulment to mirror
    let mut taken: BTreeMap<usize, Takings> = BTreeMap::new();
    let mut costs = BTreeMap::new();
    let mut last_costs: BTreeMap<(i64, usize), i64> = BTreeMap::new();
    let mut put = |doc: &Doc,
                   storage: i64,
                   product: usize,
                   m: (i64, i64),
                   (b, last): (&mut Balances, &mut BTreeMap<(i64, usize), i64>)| {
        let e = b.entry((storage, product)).or_insert((0, 0));
        e.0 += m.0;
        e.1 += m.1;
        if m.0 > 0 && m.1 > 0 {
            last.insert((storage, product), unit_cost(m));
        }
        let e = movements
            .entry((doc.kind, doc.id, storage, product))
            .or_insert((0, 0));
        e.0 += m.0;
        e.1 += m.1;
    };
    for i in order {
        let doc = &docs[i];
        match &doc.fact {
            Fact::Invoice { storage, lines } => {
                for &(p, amount, cents) in lines {
                    put(
                        doc,
                        *storage,
                        p,
                        (amount * 1000, cents),
                        (&mut balances, &mut last_costs),
                    );
                }
            }
            Fact::Transfer { product, from, qty } => {
                let out = take(
                    balances.get(&(*from, *product)).copied().unwrap_or((0, 0)),
                    *qty,
                );
                put(doc, *from, *product, out, (&mut balances, &mut last_costs));
                put(
                    doc,
                    3 - from,
                    *product,
                    (-out.0, -out.1),
                    (&mut balances, &mut last_costs),
                );
            }
            Fact::Sale { product, qty } => {
                let mut outs = Vec::new();
                for (p, q) in ingredients(*product, *qty) {
                    let out = take(balances.get(&(1, p)).copied().unwrap_or((0, 0)), q);
                    put(doc, 1, p, out, (&mut balances, &mut last_costs));
                    outs.push((p, out));
                }
                costs.insert(doc.id, -outs.iter().map(|(_, o)| o.1).sum::<i64>());
                taken.insert(i, outs);
            }
            Fact::Annulment { sale } => {
                let outs = taken.get(sale).cloned().unwrap_or_default();
                for &(p, out) in &outs {
                    put(
                        doc,
                        1,
                        p,
                        (-out.0, -out.1),
                        (&mut balances, &mut last_costs),
                    );
                }
                costs.insert(doc.id, -outs.iter().map(|(_, o)| o.1).sum::<i64>());
            }
            Fact::Out {
                product,
                storage,
                qty,
            } => {
                let out = take(
                    balances
                        .get(&(*storage, *product))
                        .copied()
                        .unwrap_or((0, 0)),
                    *qty,
                );
                put(
                    doc,
                    *storage,
                    *product,
                    out,
                    (&mut balances, &mut last_costs),
                );
            }
            Fact::Count {
                storage,
                counts,
                full,
            } => {
                let mut counted: Vec<(usize, i64)> = counts.clone();
                if *full {
                    for p in 0..PRODUCTS {
                        let book = balances.get(&(*storage, p)).copied().unwrap_or((0, 0));
                        if book != (0, 0) && !counts.iter().any(|(c, _)| *c == p) {
                            counted.push((p, 0));
                        }
                    }
                }
                for (p, target) in counted {
                    let book = balances.get(&(*storage, p)).copied().unwrap_or((0, 0));
                    let last = last_costs.get(&(*storage, p)).copied().unwrap_or(0);
                    put(
                        doc,
                        *storage,
                        p,
                        count(book, last, target),
                        (&mut balances, &mut last_costs),
                    );
                }
            }
        }
    }
    (movements, balances, costs)
}

fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

fn instant(unix: i64) -> String {
    jiff::Timestamp::from_second(unix)
        .expect("a time")
        .to_string()
}

#[allow(clippy::too_many_lines)]
async fn run_case(db: &caffesta::db::Db, case: usize, ops: &[Op]) -> Result<(), TestCaseError> {
    let name = format!("prop{case}");
    let account_id = admin::create_account(db, &name, None).await.map_err(fail)?;
    for storage in ["A", "B"] {
        admin::create_storage(db, &name, storage)
            .await
            .map_err(fail)?;
    }
    admin::create_shop(db, &name, "S", caffesta::domain::ids::StorageId::new(1))
        .await
        .map_err(fail)?;
    let actor = Actor {
        account_id,
        user_id: 1,
        timezone: jiff::tz::TimeZone::UTC,
    };
    let till = sales::Till {
        actor: actor.clone(),
        shop_id: caffesta::domain::ids::ShopId::new(1),
    };
    sales::open_shift(db, &till, &ShiftOpenIn::default())
        .await
        .map_err(fail)?;
    // the products, made by an invoice that is never wired
    let start = caffesta::domain::time::now_unix() - 40 * 86_400;
    let mut products: Vec<_> = (0..PRODUCTS)
        .map(|p| json!({"ref_code": format!("p{p}"), "name": format!("P{p}")}))
        .collect();
    products.push(json!({"ref_code": format!("p{PRODUCTS}"), "name": "Dish", "type": "tech_map", "cancellation_type": 2}));
    let body = json!({"date": instant(start - 86_400), "storage": {"caf_id": 1}, "products": products,
                      "shipper": {"ref_code": "sh", "name": "Supplier"},
                      "items": (0..PRODUCTS).map(|p| json!({"amount": 1, "product_code": format!("p{p}"), "cost": 0})).collect::<Vec<_>>()});
    invoices::create(db, &actor, &serde_json::from_value(body).map_err(fail)?)
        .await
        .map_err(fail)?;
    let mut product_ids = Vec::new();
    for p in 0..=PRODUCTS {
        let code = format!("p{p}");
        let found = caffesta::db::products::find(
            db,
            account_id,
            caffesta::db::products::Key::RefCode(&code),
        )
        .await
        .map_err(fail)?
        .ok_or_else(|| fail("no product"))?;
        product_ids.push(found.id);
    }
    let recipe = json!({"items": [{"product_code": "p0", "amount": 2}, {"product_code": "p1", "amount": 1}]});
    caffesta::service::tech_maps::set(
        db,
        &actor,
        product_ids[PRODUCTS],
        &serde_json::from_value(recipe).map_err(fail)?,
    )
    .await
    .map_err(fail)?;
    let mut docs: Vec<Doc> = Vec::new();
    // documents that can be wired and unwired (invoices, transfers), and sales, by index
    let mut wirable: Vec<usize> = Vec::new();
    let mut sold: Vec<(usize, String)> = Vec::new();
    let mut seq = 0usize;
    for (n, op) in ops.iter().enumerate() {
        // unique seconds: no two documents share a date, so date order is total
        let date = |day: i64| start + day * 86_400 + i64::try_from(n).unwrap_or(0) * 60;
        seq += 1;
        match op {
            Op::Invoice(storage, lines, day) => {
                let items: Vec<_> = lines
                    .iter()
                    .map(|(p, amount, cents)| json!({"amount": amount, "product_code": format!("p{p}"), "cost": format!("{}.{:02}", cents / 100, cents % 100)}))
                    .collect();
                let body = json!({"date": instant(date(*day)), "storage": {"caf_id": storage}, "items": items});
                let input = serde_json::from_value(body).map_err(fail)?;
                let id = invoices::create(db, &actor, &input).await.map_err(fail)?;
                wirable.push(docs.len());
                docs.push(Doc {
                    kind: "invoice",
                    id: id.get(),
                    fact: Fact::Invoice {
                        storage: *storage,
                        lines: lines.clone(),
                    },
                    date: date(*day),
                    seq,
                    wired: false,
                });
            }
            Op::Transfer(p, from, qty, day) => {
                let body = json!({"date": instant(date(*day)), "storage_from": {"caf_id": from}, "storage_to": {"caf_id": 3 - from},
                                  "items": [{"amount": format!("{}.{:03}", qty / 1000, qty % 1000), "product_code": format!("p{p}")}]});
                let input = serde_json::from_value(body).map_err(fail)?;
                let id = moves::create(db, &actor, &input).await.map_err(fail)?;
                documents::set_wired(db, &actor, id, true)
                    .await
                    .map_err(fail)?;
                wirable.push(docs.len());
                docs.push(Doc {
                    kind: "move",
                    id: id.get(),
                    fact: Fact::Transfer {
                        product: *p,
                        from: *from,
                        qty: *qty,
                    },
                    date: date(*day),
                    seq,
                    wired: true,
                });
            }
            Op::WriteOff(p, storage, qty, day) | Op::Return(p, storage, qty, day) => {
                let amount = format!("{}.{:03}", qty / 1000, qty % 1000);
                let (kind, id) = if matches!(op, Op::WriteOff(..)) {
                    let body = json!({"date": instant(date(*day)), "storage": {"caf_id": storage}, "reason": "spoilage",
                                      "items": [{"product_code": format!("p{p}"), "amount": amount}]});
                    let input = serde_json::from_value(body).map_err(fail)?;
                    let id = caffesta::service::writeoffs::create(db, &actor, &input)
                        .await
                        .map_err(fail)?;
                    ("writeoff", id.get())
                } else {
                    let body = json!({"date": instant(date(*day)), "storage": {"caf_id": storage}, "shipper": {"ref_code": "sh"},
                                      "items": [{"product_code": format!("p{p}"), "amount": amount, "price": "1.5"}]});
                    let input = serde_json::from_value(body).map_err(fail)?;
                    let id = caffesta::service::returns::create(db, &actor, &input)
                        .await
                        .map_err(fail)?;
                    ("return", id.get())
                };
                set_wired(db, &actor, kind, id, true).await.map_err(fail)?;
                wirable.push(docs.len());
                docs.push(Doc {
                    kind,
                    id,
                    fact: Fact::Out {
                        product: *p,
                        storage: *storage,
                        qty: *qty,
                    },
                    date: date(*day),
                    seq,
                    wired: true,
                });
            }
            Op::Count(storage, counts, full, day) => {
                let items: Vec<_> = counts
                    .iter()
                    .map(|(p, q)| json!({"product_code": format!("p{p}"), "counted": format!("{}.{:03}", q / 1000, q % 1000)}))
                    .collect();
                if items.is_empty() && !full {
                    continue;
                }
                let body = json!({"date": instant(date(*day)), "storage": {"caf_id": storage}, "full": full, "items": items});
                let input = serde_json::from_value(body).map_err(fail)?;
                let id = caffesta::service::inventories::create(db, &actor, &input)
                    .await
                    .map_err(fail)?;
                set_wired(db, &actor, "inventory", id.get(), true)
                    .await
                    .map_err(fail)?;
                wirable.push(docs.len());
                docs.push(Doc {
                    kind: "inventory",
                    id: id.get(),
                    fact: Fact::Count {
                        storage: *storage,
                        counts: counts.clone(),
                        full: *full,
                    },
                    date: date(*day),
                    seq,
                    wired: true,
                });
            }
            Op::Wire(k) | Op::Unwire(k) => {
                let Some(&i) = wirable.get(k % wirable.len().max(1)) else {
                    continue;
                };
                let wire = matches!(op, Op::Wire(_));
                let doc = &mut docs[i];
                let outcome = set_wired(db, &actor, doc.kind, doc.id, wire).await;
                prop_assert_eq!(outcome.is_ok(), doc.wired != wire, "{:?}", outcome.err());
                if doc.wired != wire {
                    doc.wired = wire;
                    doc.seq = seq;
                }
            }
            Op::Sell(p, qty, day) => {
                let body = json!({"created_at": instant(date(*day)),
                                  "lines": [{"product_id": product_ids[*p], "count": format!("{}.{:03}", qty / 1000, qty % 1000), "price": 1, "total_sum": 1}],
                                  "payments": [{"payment_id": 1, "value": 1}]});
                let input = serde_json::from_value(body).map_err(fail)?;
                let uuid = sales::upload(db, &till, &input).await.map_err(fail)?;
                let id = receipt_id(db, account_id, &uuid).await?;
                sold.push((docs.len(), uuid));
                docs.push(Doc {
                    kind: "receipt",
                    id,
                    fact: Fact::Sale {
                        product: *p,
                        qty: *qty,
                    },
                    date: date(*day),
                    seq,
                    wired: true,
                });
            }
            Op::Annul(k) => {
                let Some((sale, uuid)) = sold.get(k % sold.len().max(1)).cloned() else {
                    continue;
                };
                let outcome = sales::annul(db, &till, &uuid).await;
                let annulled = docs
                    .iter()
                    .any(|d| matches!(d.fact, Fact::Annulment { sale: s } if s == sale));
                prop_assert_eq!(outcome.is_ok(), !annulled);
                if let Ok(counter) = outcome {
                    let id = receipt_id(db, account_id, &counter).await?;
                    docs.push(Doc {
                        kind: "receipt",
                        id,
                        fact: Fact::Annulment { sale },
                        date: caffesta::domain::time::now_unix(),
                        seq,
                        wired: true,
                    });
                }
            }
        }
    }
    let (movements, balances, costs) = replay(&docs);
    let report = ledger::check(db, account_id).await.map_err(fail)?;
    prop_assert!(
        report.is_clean(),
        "{:?} {:?}",
        report.mismatches,
        report.differences
    );
    let index = |id: i64| product_ids.iter().position(|p| p.get() == id).unwrap_or(99);
    let mut reader = db.read().await;
    let mut stored = Movements::new();
    for r in reader
        .rows(
            "SELECT doc_type, doc_id, storage_id, product_id, qty, value FROM stock_movements \
             WHERE account_id = :account_id AND doc_date >= :start",
            caffesta::params! { account_id, start },
        )
        .await
        .map_err(fail)?
    {
        let kind: String = r.get("doc_type").map_err(fail)?;
        let kind = [
            "invoice",
            "move",
            "receipt",
            "writeoff",
            "inventory",
            "return",
        ]
        .into_iter()
        .find(|k| *k == kind)
        .ok_or_else(|| fail(format!("unexpected kind {kind}")))?;
        let key = (
            kind,
            r.get::<i64>("doc_id").map_err(fail)?,
            r.get::<i64>("storage_id").map_err(fail)?,
            index(r.get::<i64>("product_id").map_err(fail)?),
        );
        let e = stored.entry(key).or_insert((0, 0));
        e.0 += r.get::<i64>("qty").map_err(fail)?;
        e.1 += r.get::<i64>("value").map_err(fail)?;
    }
    // a count that moved nothing (a full stocktaking's product with an empty book) is no movement
    stored.retain(|_, m| *m != (0, 0));
    let movements: Movements = movements
        .into_iter()
        .filter(|(_, m)| *m != (0, 0))
        .collect();
    prop_assert_eq!(&stored, &movements, "movements");
    let mut stored = Balances::new();
    for r in reader
        .rows(
            "SELECT storage_id, product_id, qty, value FROM stock_balances WHERE account_id = :account_id",
            caffesta::params! { account_id },
        )
        .await
        .map_err(fail)?
    {
        let (qty, value): (i64, i64) = (
            r.get("qty").map_err(fail)?,
            r.get("value").map_err(fail)?,
        );
        if (qty, value) != (0, 0) {
            let key = (
                r.get::<i64>("storage_id").map_err(fail)?,
                index(r.get::<i64>("product_id").map_err(fail)?),
            );
            stored.insert(key, (qty, value));
        }
    }
    let balances: Balances = balances.into_iter().filter(|(_, v)| *v != (0, 0)).collect();
    prop_assert_eq!(&stored, &balances, "balances");
    let mut stored_costs = BTreeMap::new();
    for r in reader
        .rows(
            "SELECT receipt_id, self_cost_sum FROM receipt_lines WHERE account_id = :account_id",
            caffesta::params! { account_id },
        )
        .await
        .map_err(fail)?
    {
        stored_costs.insert(
            r.get::<i64>("receipt_id").map_err(fail)?,
            r.get::<i64>("self_cost_sum").map_err(fail)?,
        );
    }
    prop_assert_eq!(&stored_costs, &costs, "receipt line costs");
    drop(reader);
    balances_at_instants_are_the_replay_cut_there(db, account_id, &docs, start, &product_ids).await
}

/// The balance of each storage at a few instants, every way the server computes it (the
/// storage's movements in one pass, product by product summed from the start, or the current
/// balance less what came since), equals the model replaying only the documents dated before
/// the instant.
async fn balances_at_instants_are_the_replay_cut_there(
    db: &caffesta::db::Db,
    account_id: caffesta::domain::ids::AccountId,
    docs: &[Doc],
    start: i64,
    product_ids: &[caffesta::domain::ids::ProductId],
) -> Result<(), TestCaseError> {
    for day in [5, 15, 25] {
        let at = start + day * 86_400;
        let before: Vec<Doc> = docs
            .iter()
            .map(|d| Doc {
                wired: d.wired && d.date < at,
                ..d.clone()
            })
            .collect();
        let (_, expected, _) = replay(&before);
        for storage in [1, 2] {
            let want: BTreeMap<usize, (i64, i64)> = expected
                .iter()
                .filter(|((s, _), v)| *s == storage && **v != (0, 0))
                .map(|((_, p), v)| (*p, *v))
                .collect();
            for way in [Way::Whole, Way::FromNow, Way::FromStart] {
                let rows = caffesta::db::stock_report::balances_at(
                    &mut db.read().await,
                    account_id,
                    caffesta::domain::ids::StorageId::new(storage),
                    at,
                    way,
                )
                .await
                .map_err(fail)?;
                let got: BTreeMap<usize, (i64, i64)> = rows
                    .iter()
                    .map(|r| {
                        let p = product_ids
                            .iter()
                            .position(|id| *id == r.product_id)
                            .unwrap_or(99);
                        (p, (r.qty.units(), r.value.units()))
                    })
                    .filter(|(_, v)| *v != (0, 0))
                    .collect();
                prop_assert_eq!(
                    &got,
                    &want,
                    "storage {} at day {} ({:?})",
                    storage,
                    day,
                    way
                );
            }
        }
    }
    Ok(())
}

/// Wires or unwires document `id` of `kind`.
async fn set_wired(
    db: &caffesta::db::Db,
    actor: &Actor,
    kind: &str,
    id: i64,
    wire: bool,
) -> Result<(), caffesta::service::ServiceError> {
    use caffesta::domain::ids::{InventoryId, InvoiceId, MoveId, ReturnId, WriteOffId};
    match kind {
        "invoice" => documents::set_wired(db, actor, InvoiceId::new(id), wire).await,
        "move" => documents::set_wired(db, actor, MoveId::new(id), wire).await,
        "writeoff" => documents::set_wired(db, actor, WriteOffId::new(id), wire).await,
        "inventory" => documents::set_wired(db, actor, InventoryId::new(id), wire).await,
        _ => documents::set_wired(db, actor, ReturnId::new(id), wire).await,
    }
}

async fn receipt_id(
    db: &caffesta::db::Db,
    account_id: caffesta::domain::ids::AccountId,
    uuid: &str,
) -> Result<i64, TestCaseError> {
    let row = db
        .read()
        .await
        .rows(
            "SELECT id FROM receipts WHERE account_id = :account_id AND uuid = :uuid",
            caffesta::params! { account_id, uuid },
        )
        .await
        .map_err(fail)?;
    row.first()
        .ok_or_else(|| fail("no receipt"))?
        .get::<i64>("id")
        .map_err(fail)
}

async fn documents_wired_in_any_order_cost_as_a_date_order_replay(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let db = database.open().await;
    let handle = tokio::runtime::Handle::current();
    let mut runner = TestRunner::new(Config {
        // LEDGER_CASES=1000 for a longer search
        cases: std::env::var("LEDGER_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(48),
        failure_persistence: None,
        ..Config::default()
    });
    let case = std::sync::atomic::AtomicUsize::new(0);
    let result = tokio::task::block_in_place(|| {
        runner.run(&prop::collection::vec(op(), 1..40), |ops| {
            let n = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            handle.block_on(run_case(&db, n, &ops))
        })
    });
    db.close().await;
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// `caffesta check` replays the ledger in date order: a movement valued otherwise is named,
/// even when the balances still equal the sum of the movements.
async fn check_names_the_first_movement_that_breaks_the_date_rule(backend: Backend) {
    let server = crate::helpers::TestServer::start(backend).await;
    let demo = server.demo().await;
    let invoice = json!({"date": "2026-01-01 09:00", "storage": {"caf_id": 1},
                         "products": [{"ref_code": "beans", "name": "Зерно", "measure": "kg"}],
                         "items": [{"amount": 10, "product_code": "beans", "cost": "100"}]});
    let transfer = json!({"date": "2026-02-01 09:00", "storage_from": {"caf_id": 1}, "storage_to": {"caf_id": 5},
                          "items": [{"amount": 4, "product_code": "beans"}]});
    for (path, body) in [
        ("/a/v1.0/storage/invoices", invoice),
        ("/a/v1.0/storage/moves", transfer),
    ] {
        let (status, answer) = server.post(&demo, path, &body).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{answer}");
        let id = answer["data"]["id"].as_i64().expect("id");
        let (status, _) = server
            .put(&demo, &format!("{path}/{id}"), &json!({"action": "wire"}))
            .await;
        assert_eq!(status, reqwest::StatusCode::OK);
    }
    let report = ledger::check(&server.db, demo.id).await.expect("check");
    assert!(report.is_clean(), "{:?}", report.differences);
    assert_eq!(report.movements, 3);
    // the transfer's source side one rouble cheaper, and its balance with it: the sums agree
    let mut tx = server.db.begin_write().await.expect("tx");
    let account_id = demo.id;
    for sql in [
        "UPDATE stock_movements SET value = value - 100 WHERE account_id = :account_id AND doc_type = 'move' AND qty < 0",
        "UPDATE stock_balances SET value = value - 100 WHERE account_id = :account_id AND storage_id = 1",
    ] {
        tx.run(sql, caffesta::params! { account_id })
            .await
            .expect("corrupt");
    }
    caffesta::db::commit(tx).await.expect("commit");
    let report = ledger::check(&server.db, demo.id).await.expect("check");
    assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
    assert!(
        report
            .differences
            .first()
            .is_some_and(|d| d.contains("(move ")
                && d.contains("stored -4.000 / -41.00")
                && d.contains("date order gives -4.000 / -40.00")),
        "{:?}",
        report.differences
    );
}

/// An account with `storages` and a shop selling from the first, and its owner.
async fn account_with_a_shop(db: &caffesta::db::Db, name: &str, storages: &[&str]) -> Actor {
    let account_id = admin::create_account(db, name, None)
        .await
        .expect("account");
    for storage in storages {
        admin::create_storage(db, name, storage)
            .await
            .expect("storage");
    }
    admin::create_shop(db, name, "S", caffesta::domain::ids::StorageId::new(1))
        .await
        .expect("shop");
    Actor {
        account_id,
        user_id: 1,
        timezone: jiff::tz::TimeZone::UTC,
    }
}

/// The shop's till with its shift open, and product `p0`.
async fn open_till_selling_p0(
    db: &caffesta::db::Db,
    actor: &Actor,
) -> (sales::Till, caffesta::db::products::ProductRow) {
    let till = sales::Till {
        actor: actor.clone(),
        shop_id: caffesta::domain::ids::ShopId::new(1),
    };
    sales::open_shift(db, &till, &ShiftOpenIn::default())
        .await
        .expect("shift");
    let product = caffesta::db::products::find(
        db,
        actor.account_id,
        caffesta::db::products::Key::RefCode("p0"),
    )
    .await
    .expect("find")
    .expect("product");
    (till, product)
}

/// The movements `sql` selects as (`kind`, `doc_date`, `qty`, `value`).
async fn movements(
    db: &caffesta::db::Db,
    account_id: caffesta::domain::ids::AccountId,
    sql: &str,
) -> Vec<(String, i64, i64, i64)> {
    let rows = db
        .read()
        .await
        .rows(sql, caffesta::params! { account_id })
        .await
        .expect("movements");
    rows.iter()
        .map(|r| {
            (
                r.get("kind").expect("kind"),
                r.get("doc_date").expect("doc_date"),
                r.get("qty").expect("qty"),
                r.get("value").expect("value"),
            )
        })
        .collect()
}

/// A till's receipt older than the lock date is taken (receipts are facts) but enters the
/// ledger at the lock's end, so nothing dated before the lock changes value.
async fn a_receipt_older_than_the_lock_enters_the_ledger_at_the_lock_end(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let db = database.open().await;
    let actor = account_with_a_shop(&db, "locked", &["A", "B"]).await;
    let account_id = actor.account_id;
    let invoice = json!({"date": "2026-01-01T09:00:00Z", "storage": {"caf_id": 1},
                         "products": [{"ref_code": "p0", "name": "P0"}],
                         "items": [{"amount": 10, "product_code": "p0", "cost": "100"}]});
    let id = invoices::create(
        &db,
        &actor,
        &serde_json::from_value(invoice).expect("invoice"),
    )
    .await
    .expect("create");
    documents::set_wired(&db, &actor, id, true)
        .await
        .expect("wire");
    let transfer = json!({"date": "2026-03-01T09:00:00Z", "storage_from": {"caf_id": 1}, "storage_to": {"caf_id": 2},
                          "items": [{"amount": 5, "product_code": "p0"}]});
    let id = moves::create(
        &db,
        &actor,
        &serde_json::from_value(transfer).expect("transfer"),
    )
    .await
    .expect("create");
    documents::set_wired(&db, &actor, id, true)
        .await
        .expect("wire");
    let mut tx = db.begin_write().await.expect("tx");
    caffesta::db::accounts::set_lock_date(&mut tx, account_id, Some("2026-03-31".into()))
        .await
        .expect("lock");
    caffesta::db::commit(tx).await.expect("commit");
    let (till, product) = open_till_selling_p0(&db, &actor).await;
    let receipt = json!({"created_at": "2026-02-10T12:00:00Z",
                         "lines": [{"product_id": product.id, "count": 5, "price": 1, "total_sum": 1}],
                         "payments": [{"payment_id": 1, "value": 1}]});
    sales::upload(
        &db,
        &till,
        &serde_json::from_value(receipt).expect("receipt"),
    )
    .await
    .expect("a receipt is never refused");
    let seen = movements(
        &db,
        account_id,
        "SELECT doc_type AS kind, doc_date, qty, value FROM stock_movements \
         WHERE account_id = :account_id AND storage_id = 1 ORDER BY doc_date, id",
    )
    .await;
    let lock_end = caffesta::domain::time::parse_instant(
        "2026-04-01T00:00:00+03:00",
        &jiff::tz::TimeZone::UTC,
    )
    .expect("instant");
    // the transfer still took half the stock at 50.00; the sale took the rest at the lock's end
    // (the start of April 1 in the account's zone, Europe/Minsk)
    assert_eq!(
        seen[1..].to_vec(),
        vec![
            ("move".to_owned(), seen[1].1, -5000, -5000),
            ("receipt".to_owned(), lock_end, -5000, -5000),
        ]
    );
    let report = ledger::check(&db, account_id).await.expect("check");
    assert!(report.is_clean(), "{:?}", report.differences);
    db.close().await;
}

/// A till whose clock runs ahead uploads a sale dated after now, and it is annulled now: the
/// take-back is dated with the sale, never before it, so a back-dated invoice that re-values
/// the sale re-values its annulment with it, in the same stream.
async fn an_annulment_is_never_dated_before_the_sale_it_takes_back(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let db = database.open().await;
    let actor = account_with_a_shop(&db, "ahead", &["A"]).await;
    let account_id = actor.account_id;
    let now = caffesta::domain::time::now_unix();
    let wire_invoice = |days_ago: i64, cost: &'static str| {
        let date = instant(now - days_ago * 86_400);
        let (db, actor) = (&db, &actor);
        async move {
            let invoice = json!({"date": date, "storage": {"caf_id": 1},
                                 "products": [{"ref_code": "p0", "name": "P0"}],
                                 "items": [{"amount": 10, "product_code": "p0", "cost": cost}]});
            let id = invoices::create(
                db,
                actor,
                &serde_json::from_value(invoice).expect("invoice"),
            )
            .await
            .expect("create");
            documents::set_wired(db, actor, id, true)
                .await
                .expect("wire");
        }
    };
    wire_invoice(10, "100").await;
    let (till, product) = open_till_selling_p0(&db, &actor).await;
    let sold_at = now + 2 * 86_400;
    let receipt = json!({"created_at": instant(sold_at),
                         "lines": [{"product_id": product.id, "count": 4, "price": 1, "total_sum": 4}],
                         "payments": [{"payment_id": 1, "value": 4}]});
    let uuid = sales::upload(
        &db,
        &till,
        &serde_json::from_value(receipt).expect("receipt"),
    )
    .await
    .expect("upload");
    sales::annul(&db, &till, &uuid).await.expect("annul");
    wire_invoice(20, "200").await;
    let seen = movements(
        &db,
        account_id,
        "SELECT rule AS kind, doc_date, qty, value FROM stock_movements \
         WHERE account_id = :account_id AND doc_type = 'receipt' ORDER BY id",
    )
    .await;
    // 20 in for 300.00, an average of 15.00: the sale took 4 for 60.00, and its annulment
    // gives back exactly that, on the sale's own date
    assert_eq!(
        seen,
        vec![
            ("average".to_owned(), sold_at, -4000, -6000),
            ("mirror".to_owned(), sold_at, 4000, 6000),
        ]
    );
    let report = ledger::check(&db, account_id).await.expect("check");
    assert!(report.is_clean(), "{:?}", report.differences);
    db.close().await;
}

crate::backend_tests!(
    documents_wired_in_any_order_cost_as_a_date_order_replay,
    check_names_the_first_movement_that_breaks_the_date_rule,
    a_receipt_older_than_the_lock_enters_the_ledger_at_the_lock_end,
    an_annulment_is_never_dated_before_the_sale_it_takes_back,
);
