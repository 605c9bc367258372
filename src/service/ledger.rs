//! The stock ledger's invariant: every balance equals the sum of its movements, checked from
//! one snapshot (`caffesta check`); and the date rule: every movement, balance and receipt-line
//! cost equals what replaying the ledger in date order into an empty one gives ([`replay`]).

mod replay;

use crate::db::{stock, Db};
use crate::domain::decimal::{Money, Qty};
use crate::domain::ids::{AccountId, ProductId, StorageId};
use crate::domain::stock::Balance;

use super::ServiceResult;

/// A balance that disagrees with the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub storage_id: StorageId,
    pub product_id: ProductId,
    pub balance: (Qty, Money),
    pub ledger: (Qty, Money),
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "storage {} product {}: balance {} / {} but the ledger sums to {} / {}",
            self.storage_id,
            self.product_id,
            self.balance.0,
            self.balance.1,
            self.ledger.0,
            self.ledger.1
        )
    }
}

/// The outcome of a check: how many balances and movements were compared, where balances
/// disagree with the sum of their movements, and where the ledger differs from replaying it
/// in date order into an empty ledger (the date rule), in ledger order.
pub struct Report {
    pub balances: usize,
    pub mismatches: Vec<Mismatch>,
    pub movements: usize,
    pub differences: Vec<String>,
}

impl Report {
    /// Both invariants hold.
    pub fn is_clean(&self) -> bool {
        self.mismatches.is_empty() && self.differences.is_empty()
    }
}

#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn check(db: &Db, account_id: AccountId) -> ServiceResult<Report> {
    let mut tx = db.begin_snapshot().await?;
    let (balances, ledger) = stock::balances_and_ledger(&mut tx, account_id).await?;
    let rows = stock::in_date_order(&mut tx, account_id).await?;
    let costs = stock::receipt_line_costs(&mut tx, account_id).await?;
    drop(tx);
    let movements = rows.len();
    let differences = replay::differences(&rows, &balances, &costs);
    let mut keys: Vec<(StorageId, ProductId)> =
        balances.keys().chain(ledger.keys()).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    let as_decimals = |b: Balance| (b.qty, b.value);
    let mismatches = keys
        .into_iter()
        .filter_map(|key| {
            let balance = balances.get(&key).copied().unwrap_or_default();
            let sum = ledger.get(&key).copied().unwrap_or_default();
            (balance != sum).then(|| Mismatch {
                storage_id: key.0,
                product_id: key.1,
                balance: as_decimals(balance),
                ledger: as_decimals(sum),
            })
        })
        .collect();
    Ok(Report {
        balances: balances.len(),
        mismatches,
        movements,
        differences,
    })
}
