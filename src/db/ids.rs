//! Per-account id counters: ids of every kind of object start at 1 in each account.
//!
//! A counter row per (account, kind) is bumped with `UPDATE … RETURNING` inside the caller's
//! write transaction, so concurrent writers on PostgreSQL queue on that row instead of racing
//! on `MAX(id) + 1`, and an id is never handed out twice even after a delete.
//!
//! The same row lock makes find-or-create by `ref_code` safe on PostgreSQL (see
//! [`crate::service::catalog`]): whoever creates objects of a kind holds its counter until it
//! commits. Writers take the catalog counters in one order (package, category, menu section,
//! workspace, shipper, product, then documents' own), so two writers never wait for each other
//! in a circle.

use super::{DbError, Query, Scalar, Tx};
use crate::domain::ids::AccountId;
use crate::params;

/// The kinds of object that draw ids from a per-account counter.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    ApiKey,
    Storage,
    Shop,
    Tax,
    PaymentType,
    Package,
    Category,
    Workspace,
    Shipper,
    Product,
    Invoice,
    Move,
    Movement,
    Menu,
    MenuSection,
    Adjustment,
    DiscountGroup,
    Shift,
    Receipt,
    Job,
    ModifierGroup,
    ModifierItem,
    Employee,
    WriteOff,
    Inventory,
    Return,
    Webhook,
    /// Webhook deliveries, in recorded order.
    WebhookEvent,
    User,
}

impl Kind {
    /// The word the counter row is stored under.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::ApiKey => "api_key",
            Kind::Storage => "storage",
            Kind::Shop => "shop",
            Kind::Tax => "tax",
            Kind::PaymentType => "payment_type",
            Kind::Package => "package",
            Kind::Category => "category",
            Kind::Workspace => "workspace",
            Kind::Shipper => "shipper",
            Kind::Product => "product",
            Kind::Invoice => "invoice",
            Kind::Move => "move",
            Kind::Movement => "movement",
            Kind::Menu => "menu",
            Kind::MenuSection => "menu_section",
            Kind::Adjustment => "adjustment",
            Kind::DiscountGroup => "discount_group",
            Kind::Shift => "shift",
            Kind::Receipt => "receipt",
            Kind::Job => "job",
            Kind::ModifierGroup => "modifier_group",
            Kind::ModifierItem => "modifier_item",
            Kind::Employee => "employee",
            Kind::WriteOff => "writeoff",
            Kind::Inventory => "inventory",
            Kind::Return => "return",
            Kind::Webhook => "webhook",
            Kind::WebhookEvent => "webhook_event",
            Kind::User => "user",
        }
    }
}

/// Reserves `count` consecutive ids and returns the first.
pub async fn reserve(
    tx: &mut Tx,
    account_id: AccountId,
    kind: Kind,
    count: i64,
) -> Result<i64, DbError> {
    if count == 0 {
        return Ok(0); // nothing to number: spare the statement
    }
    let Scalar(last): Scalar<i64> = tx
        .one(
            "INSERT INTO id_counters (account_id, kind, last_id) VALUES (:account_id, :kind, :count) \
             ON CONFLICT (account_id, kind) DO UPDATE SET last_id = id_counters.last_id + :count \
             RETURNING last_id AS value",
            params! { account_id, kind: kind.as_str(), count },
        )
        .await?;
    Ok(last - count + 1)
}

/// Holds the account's counter of `kind` until the transaction ends, reserving nothing: from
/// here on no other transaction can create objects of that kind in the account, and each new
/// statement sees everything the previous holder committed. For writers that must read what
/// exists before they know how many ids they need (the menu import).
pub async fn lock(tx: &mut Tx, account_id: AccountId, kind: Kind) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO id_counters (account_id, kind, last_id) VALUES (:account_id, :kind, 0) \
         ON CONFLICT (account_id, kind) DO UPDATE SET last_id = id_counters.last_id",
        params! { account_id, kind: kind.as_str() },
    )
    .await?;
    Ok(())
}

/// Reserves one id.
pub async fn next(tx: &mut Tx, account_id: AccountId, kind: Kind) -> Result<i64, DbError> {
    reserve(tx, account_id, kind, 1).await
}
