//! Queries on clients and discount groups.

use super::ids::{self, Kind};
use super::{DbError, Row, Tx};
use crate::domain::ids::AccountId;

/// A discount group as a receipt needs it.
#[derive(Debug, Clone)]
pub struct GroupRow {
    pub id: i64,
    pub kind: String,
    /// Percent in hundredths.
    pub rate: i64,
    pub bonus_max_bill_rate: i64,
}

pub struct NewGroup<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub rate: i64,
    pub bonus_max_bill_rate: i64,
}

pub async fn insert_group(
    tx: &mut Tx,
    account_id: AccountId,
    group: &NewGroup<'_>,
    now: i64,
) -> Result<i64, DbError> {
    let id = ids::next(tx, account_id, Kind::DiscountGroup).await?;
    tx.execute(
        "INSERT INTO discount_groups (account_id, id, name, kind, rate, bonus_max_bill_rate, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        &[
            account_id.into(),
            id.into(),
            group.name.into(),
            group.kind.into(),
            group.rate.into(),
            group.bonus_max_bill_rate.into(),
            now.into(),
        ],
    )
    .await?;
    super::marks::bump(tx, account_id, super::marks::Section::Discounts);
    Ok(id)
}

pub async fn group(
    tx: &mut Tx,
    account_id: AccountId,
    id: i64,
) -> Result<Option<GroupRow>, DbError> {
    let row = tx
        .fetch_optional(
            "SELECT id, kind, rate, bonus_max_bill_rate FROM discount_groups WHERE account_id = $1 AND id = $2 AND deleted = 0",
            &[account_id.into(), id.into()],
        )
        .await?;
    row.map(|r| {
        Ok(GroupRow {
            id: r.int(0)?,
            kind: r.text(1)?,
            rate: r.int(2)?,
            bonus_max_bill_rate: r.int(3)?,
        })
    })
    .transpose()
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
    pub group_id: Option<i64>,
}

pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    c: &NewClient,
    now: i64,
) -> Result<(), DbError> {
    let norm_name = crate::domain::client::norm_name(&c.name, &c.last_name);
    let norm_phone = crate::domain::client::norm_phone(&c.phone);
    tx.execute(
        "INSERT INTO clients (account_id, uuid, name, last_name, norm_name, phone, norm_phone, address, email, \
         card_number, birthday, sex, group_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
        &[
            account_id.into(),
            c.uuid.as_str().into(),
            c.name.as_str().into(),
            c.last_name.as_str().into(),
            norm_name.into(),
            c.phone.as_str().into(),
            norm_phone.into(),
            c.address.as_str().into(),
            c.email.clone().into(),
            c.card_number.as_str().into(),
            c.birthday.clone().into(),
            c.sex.clone().into(),
            c.group_id.into(),
            now.into(),
        ],
    )
    .await?;
    super::marks::bump(tx, account_id, super::marks::Section::Clients);
    Ok(())
}

/// A client's balances and group.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub uuid: String,
    pub group_id: Option<i64>,
    pub bonus_balance: i64,
    pub pay_balance: i64,
}

const SELECT: &str = "SELECT uuid, group_id, bonus_balance, pay_balance FROM clients";

fn client(r: &Row) -> Result<ClientRow, DbError> {
    Ok(ClientRow {
        uuid: r.text(0)?,
        group_id: r.opt_int(1)?,
        bonus_balance: r.int(2)?,
        pay_balance: r.int(3)?,
    })
}

pub async fn find(
    tx: &mut Tx,
    account_id: AccountId,
    uuid: &str,
) -> Result<Option<ClientRow>, DbError> {
    let sql = format!("{SELECT} WHERE account_id = $1 AND uuid = $2 AND deleted_at IS NULL");
    let row = tx
        .fetch_optional(&sql, &[account_id.into(), uuid.into()])
        .await?;
    row.as_ref().map(client).transpose()
}

/// The live clients whose normalised phone or card number is this one.
pub async fn find_by(
    tx: &mut Tx,
    account_id: AccountId,
    column: Contact,
    value: &str,
) -> Result<Vec<ClientRow>, DbError> {
    let sql = format!(
        "{SELECT} WHERE account_id = $1 AND {} = $2 AND deleted_at IS NULL ORDER BY created_at, uuid",
        column.column()
    );
    let rows = tx
        .fetch_all(&sql, &[account_id.into(), value.into()])
        .await?;
    rows.iter().map(client).collect()
}

/// How a client is looked up when no UUID is given.
#[derive(Debug, Clone, Copy)]
pub enum Contact {
    Phone,
    Card,
}

impl Contact {
    fn column(self) -> &'static str {
        match self {
            Contact::Phone => "norm_phone",
            Contact::Card => "card_number",
        }
    }
}

/// Adds to a client's balances (money units; negative to take away).
pub async fn add_balances(
    tx: &mut Tx,
    account_id: AccountId,
    uuid: &str,
    pay: i64,
    bonus: i64,
    now: i64,
) -> Result<(), DbError> {
    tx.execute(
        "UPDATE clients SET pay_balance = pay_balance + $3, bonus_balance = bonus_balance + $4, updated_at = $5 \
         WHERE account_id = $1 AND uuid = $2",
        &[account_id.into(), uuid.into(), pay.into(), bonus.into(), now.into()],
    )
    .await?;
    super::marks::bump(tx, account_id, super::marks::Section::Clients);
    Ok(())
}
