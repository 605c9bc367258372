//! Queries on clients and discount groups.

use super::ids::{self, Kind};
use super::{DbError, Query, Tx};
use crate::domain::client::DiscountKind;
use crate::domain::decimal::{Money, Percent};
use crate::domain::ids::{AccountId, DiscountGroupId};
use crate::{from_row, params};

/// A discount group as a receipt needs it.
#[derive(Debug, Clone)]
pub struct GroupRow {
    pub id: DiscountGroupId,
    pub kind: DiscountKind,
    pub rate: Percent,
    pub bonus_max_bill_rate: Percent,
}

from_row!(GroupRow {
    id,
    kind,
    rate,
    bonus_max_bill_rate
});

pub struct NewGroup<'a> {
    pub name: &'a str,
    pub kind: DiscountKind,
    pub rate: Percent,
    pub bonus_max_bill_rate: Percent,
}

pub async fn insert_group(
    tx: &mut Tx,
    account_id: AccountId,
    group: &NewGroup<'_>,
    now: i64,
) -> Result<DiscountGroupId, DbError> {
    let id = DiscountGroupId::new(ids::next(tx, account_id, Kind::DiscountGroup).await?);
    tx.run(
        "INSERT INTO discount_groups (account_id, id, name, kind, rate, bonus_max_bill_rate, created_at, updated_at) \
         VALUES (:account_id, :id, :name, :kind, :rate, :bonus_max_bill_rate, :now, :now)",
        params! {
            account_id,
            id,
            name: group.name,
            kind: group.kind,
            rate: group.rate,
            bonus_max_bill_rate: group.bonus_max_bill_rate,
            now,
        },
    )
    .await?;
    super::marks::bump(tx, account_id, super::marks::Section::Discounts);
    Ok(id)
}

pub async fn group(
    tx: &mut Tx,
    account_id: AccountId,
    id: DiscountGroupId,
) -> Result<Option<GroupRow>, DbError> {
    tx.optional(
        "SELECT id, kind, rate, bonus_max_bill_rate FROM discount_groups \
         WHERE account_id = :account_id AND id = :id AND deleted = 0",
        params! { account_id, id },
    )
    .await
}

/// A client to insert, its fields already normalised.
#[derive(Debug, Clone, Default)]
pub struct NewClient {
    pub uuid: String,
    pub name: String,
    pub last_name: String,
    pub phone: String,
    pub address: String,
    pub email: Option<String>,
    pub card_number: String,
    pub birthday: Option<String>,
    pub sex: Option<String>,
    pub group_id: Option<DiscountGroupId>,
}

pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    c: &NewClient,
    now: i64,
) -> Result<(), DbError> {
    let norm_name = crate::domain::client::norm_name(&c.name, &c.last_name);
    let norm_phone = crate::domain::client::norm_phone(&c.phone);
    tx.run(
        "INSERT INTO clients (account_id, uuid, name, last_name, norm_name, phone, norm_phone, address, email, \
         card_number, birthday, sex, group_id, created_at, updated_at) \
         VALUES (:account_id, :uuid, :name, :last_name, :norm_name, :phone, :norm_phone, :address, :email, \
         :card_number, :birthday, :sex, :group_id, :now, :now)",
        params! {
            account_id,
            uuid: &c.uuid,
            name: &c.name,
            last_name: &c.last_name,
            norm_name,
            phone: &c.phone,
            norm_phone,
            address: &c.address,
            email: c.email.clone(),
            card_number: &c.card_number,
            birthday: c.birthday.clone(),
            sex: c.sex.clone(),
            group_id: c.group_id,
            now,
        },
    )
    .await?;
    super::marks::bump(tx, account_id, super::marks::Section::Clients);
    Ok(())
}

/// A client's balances and group.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub uuid: String,
    pub group_id: Option<DiscountGroupId>,
    pub bonus_balance: Money,
    pub pay_balance: Money,
}

from_row!(ClientRow {
    uuid,
    group_id,
    bonus_balance,
    pay_balance
});

/// `SELECT` of every column of [`ClientRow`] `FROM clients`, as a literal to `concat!`.
macro_rules! select_clients {
    () => {
        "SELECT uuid, group_id, bonus_balance, pay_balance FROM clients"
    };
}

pub async fn find(
    tx: &mut Tx,
    account_id: AccountId,
    uuid: &str,
) -> Result<Option<ClientRow>, DbError> {
    tx.optional(
        concat!(
            select_clients!(),
            " WHERE account_id = :account_id AND uuid = :uuid AND deleted_at IS NULL"
        ),
        params! { account_id, uuid },
    )
    .await
}

/// The live clients whose normalised phone or card number is this one.
pub async fn find_by(
    tx: &mut Tx,
    account_id: AccountId,
    column: Contact,
    value: &str,
) -> Result<Vec<ClientRow>, DbError> {
    let sql = match column {
        Contact::Phone => concat!(
            select_clients!(),
            " WHERE account_id = :account_id AND norm_phone = :value AND deleted_at IS NULL \
             ORDER BY created_at, uuid"
        ),
        Contact::Card => concat!(
            select_clients!(),
            " WHERE account_id = :account_id AND card_number = :value AND deleted_at IS NULL \
             ORDER BY created_at, uuid"
        ),
    };
    tx.all(sql, params! { account_id, value }).await
}

/// How a client is looked up when no UUID is given.
#[derive(Debug, Clone, Copy)]
pub enum Contact {
    Phone,
    Card,
}

/// Adds to a client's balances (negative to take away).
pub async fn add_balances(
    tx: &mut Tx,
    account_id: AccountId,
    uuid: &str,
    pay: Money,
    bonus: Money,
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "UPDATE clients SET pay_balance = pay_balance + :pay, bonus_balance = bonus_balance + :bonus, \
         updated_at = :now WHERE account_id = :account_id AND uuid = :uuid",
        params! { account_id, uuid, pay, bonus, now },
    )
    .await?;
    super::marks::bump(tx, account_id, super::marks::Section::Clients);
    Ok(())
}

/// A client as its webhook events show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClientCard {
    #[serde(rename = "id")]
    pub uuid: String,
    pub name: String,
    pub last_name: String,
    pub phone: String,
    pub card_number: String,
    pub bonus_balance: Money,
    pub pay_balance: Money,
}

from_row!(ClientCard {
    uuid,
    name,
    last_name,
    phone,
    card_number,
    bonus_balance,
    pay_balance
});

pub async fn card(
    tx: &mut Tx,
    account_id: AccountId,
    uuid: &str,
) -> Result<Option<ClientCard>, DbError> {
    tx.optional(
        "SELECT uuid, name, last_name, phone, card_number, bonus_balance, pay_balance FROM clients \
         WHERE account_id = :account_id AND uuid = :uuid",
        params! { account_id, uuid },
    )
    .await
}

/// The account's live clients as the back office lists them, by name.
pub async fn cards(q: &mut impl Query, account_id: AccountId) -> Result<Vec<ClientCard>, DbError> {
    q.all(
        "SELECT uuid, name, last_name, phone, card_number, bonus_balance, pay_balance FROM clients \
         WHERE account_id = :account_id AND deleted_at IS NULL ORDER BY name, last_name, uuid",
        params! { account_id },
    )
    .await
}
