//! A receipt's effect on its client (API.md §7): the total goes to `payBalance`; a client in a
//! bonus group accrues bonus on what was not paid in bonus; paying in bonus (payment kind
//! `bonus`) spends it, never below zero and never beyond the group's share of the bill.

use crate::db::clients;
use crate::db::sales::PaymentRow;
use crate::db::Tx;
use crate::domain::client::{
    bonus_accrual, bonus_change, check_bonus_spend, full_bill, DiscountKind,
};
use crate::domain::decimal::Money;
use crate::domain::ids::AccountId;
use crate::domain::sales::{tendered, PaymentKind};

use super::sales::PaymentKinds;
use super::webhooks;
use super::{ServiceError, ServiceResult};
use crate::domain::webhook::EventType;

/// What a receipt did to its client's bonus.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bonus {
    pub accrued: Money,
    pub spent: Money,
}

/// Applies a closed receipt of `total_sum` paid by `payments` to the client's balances.
pub async fn apply(
    tx: &mut Tx,
    account_id: AccountId,
    client: Option<&str>,
    total_sum: Money,
    payments: &[PaymentRow],
    kinds: &PaymentKinds,
    now: i64,
) -> ServiceResult<Bonus> {
    let spent = tendered(
        payments
            .iter()
            .filter(|p| kinds.get(&p.payment_type_id) == Some(&PaymentKind::Bonus))
            .map(|p| p.value),
    );
    let Some(uuid) = client else {
        if spent.units() > 0 {
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
    let bonus_group = group.filter(|g| g.kind == DiscountKind::Bonus);
    if spent.units() > 0 {
        let cap = bonus_group
            .as_ref()
            .map_or_else(full_bill, |g| g.bonus_max_bill_rate);
        check_bonus_spend(spent, row.bonus_balance, total_sum, cap)
            .map_err(|e| ServiceError::invalid("payments", e.to_string()))?;
    }
    let accrued = bonus_group.map_or(Money::ZERO, |g| bonus_accrual(total_sum, spent, g.rate));
    clients::add_balances(
        tx,
        account_id,
        uuid,
        total_sum,
        bonus_change(accrued, spent),
        now,
    )
    .await?;
    announce(tx, account_id, EventType::ClientUpdated, uuid).await?;
    Ok(Bonus { accrued, spent })
}

/// Takes back exactly what [`apply`] did.
pub async fn reverse(
    tx: &mut Tx,
    account_id: AccountId,
    client: Option<&str>,
    total_sum: Money,
    bonus: Bonus,
    now: i64,
) -> ServiceResult<()> {
    if let Some(uuid) = client {
        clients::add_balances(
            tx,
            account_id,
            uuid,
            Money::from_units(-total_sum.units()),
            bonus_change(bonus.spent, bonus.accrued),
            now,
        )
        .await?;
        announce(tx, account_id, EventType::ClientUpdated, uuid).await?;
    }
    Ok(())
}

/// Emits `event` (`client.created`, `client.updated`) for client `uuid` as it now is, when
/// someone listens.
pub async fn announce(
    tx: &mut Tx,
    account_id: AccountId,
    event: EventType,
    uuid: &str,
) -> ServiceResult<()> {
    let listeners = webhooks::listeners(tx, account_id).await?;
    if !listeners.any(event) {
        return Ok(());
    }
    if let Some(card) = clients::card(tx, account_id, uuid).await? {
        webhooks::emit_to(tx, account_id, &listeners, event, &card).await?;
    }
    Ok(())
}
