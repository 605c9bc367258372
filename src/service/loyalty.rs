//! A receipt's effect on its client (API.md §7): the total goes to `payBalance`; a client in a
//! bonus group accrues bonus on what was not paid in bonus; paying in bonus (payment kind
//! `bonus`) spends it, never below zero and never beyond the group's share of the bill.

use crate::domain::ids::AccountId;
use std::collections::HashMap;

use crate::db::clients;
use crate::db::sales::PaymentRow;
use crate::db::Tx;
use crate::domain::client::{bonus_accrual, check_bonus_spend};
use crate::domain::decimal::{Money, Percent};

use super::{ServiceError, ServiceResult};

/// What a receipt did to its client's bonus (money units).
#[derive(Debug, Clone, Copy, Default)]
pub struct Bonus {
    pub accrued: i64,
    pub spent: i64,
}

/// Applies a closed receipt of `total_sum` paid by `payments` to the client's balances.
pub async fn apply(
    tx: &mut Tx,
    account_id: AccountId,
    client: Option<&str>,
    total_sum: i64,
    payments: &[PaymentRow],
    kinds: &HashMap<i64, String>,
    now: i64,
) -> ServiceResult<Bonus> {
    let spent: i64 = payments
        .iter()
        .filter(|(id, _)| kinds.get(id).is_some_and(|k| k == "bonus"))
        .map(|p| p.1)
        .sum();
    let Some(uuid) = client else {
        if spent > 0 {
            return Err(ServiceError::invalid(
                "payments",
                "paying in bonus needs a client",
            ));
        }
        return Ok(Bonus::default());
    };
    let row = clients::find(tx, account_id, uuid)
        .await?
        .ok_or_else(|| ServiceError::invalid("client_uuid", format!("no client {uuid}")))?;
    let group = match row.group_id {
        Some(id) => clients::group(tx, account_id, id).await?,
        None => None,
    };
    let bonus_group = group.filter(|g| g.kind == "bonus");
    if spent > 0 {
        let cap = bonus_group
            .as_ref()
            .map_or(Percent::from_units(10_000), |g| {
                Percent::from_units(g.bonus_max_bill_rate)
            });
        check_bonus_spend(
            Money::from_units(spent),
            Money::from_units(row.bonus_balance),
            Money::from_units(total_sum),
            cap,
        )
        .map_err(|e| ServiceError::invalid("payments", e.to_string()))?;
    }
    let accrued = bonus_group.map_or(0, |g| {
        bonus_accrual(
            Money::from_units(total_sum),
            Money::from_units(spent),
            Percent::from_units(g.rate),
        )
        .units()
    });
    clients::add_balances(tx, account_id, uuid, total_sum, accrued - spent, now).await?;
    Ok(Bonus { accrued, spent })
}

/// Takes back exactly what [`apply`] did.
pub async fn reverse(
    tx: &mut Tx,
    account_id: AccountId,
    client: Option<&str>,
    total_sum: i64,
    bonus: Bonus,
    now: i64,
) -> ServiceResult<()> {
    if let Some(uuid) = client {
        clients::add_balances(
            tx,
            account_id,
            uuid,
            -total_sum,
            bonus.spent - bonus.accrued,
            now,
        )
        .await?;
    }
    Ok(())
}
