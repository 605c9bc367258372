//! Queries on modifier groups: their items (products added to a dish, at a price) and the
//! products they are attached to.

use super::ids::{self, Kind};
use super::marks::{self, Section};
use super::{Db, DbError, Tx};
use crate::domain::ids::AccountId;

/// A group to create.
pub struct NewGroup<'a> {
    pub name: &'a str,
    pub multiple: bool,
    pub min: i64,
    pub max: i64,
}

pub async fn insert_group(
    tx: &mut Tx,
    account_id: AccountId,
    g: &NewGroup<'_>,
    now: i64,
) -> Result<i64, DbError> {
    let id = ids::next(tx, account_id, Kind::ModifierGroup).await?;
    tx.execute(
        "INSERT INTO modifier_groups (account_id, id, name, multiple, min_count, max_count, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        &[account_id.into(), id.into(), g.name.into(), i64::from(g.multiple).into(), g.min.into(), g.max.into(), now.into()],
    )
    .await?;
    marks::bump(tx, account_id, Section::Products);
    Ok(id)
}

pub async fn group_exists(tx: &mut Tx, account_id: AccountId, id: i64) -> Result<bool, DbError> {
    Ok(tx
        .fetch_optional(
            "SELECT 1 FROM modifier_groups WHERE account_id = $1 AND id = $2 AND deleted = 0",
            &[account_id.into(), id.into()],
        )
        .await?
        .is_some())
}

/// Adds a product to a group: `count` (thousandths) for `price` (hundredths).
pub async fn insert_item(
    tx: &mut Tx,
    account_id: AccountId,
    group_id: i64,
    product_id: i64,
    count: i64,
    price: i64,
    now: i64,
) -> Result<i64, DbError> {
    let id = ids::next(tx, account_id, Kind::ModifierItem).await?;
    tx.execute(
        "INSERT INTO modifier_items (account_id, id, group_id, product_id, count, price) VALUES ($1, $2, $3, $4, $5, $6)",
        &[account_id.into(), id.into(), group_id.into(), product_id.into(), count.into(), price.into()],
    )
    .await?;
    touch(tx, account_id, group_id, now).await?;
    Ok(id)
}

/// Attaches a group to a product (a dish the modifiers apply to); attaching twice is harmless.
pub async fn attach(
    tx: &mut Tx,
    account_id: AccountId,
    group_id: i64,
    product_id: i64,
    now: i64,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO modifier_attachments (account_id, group_id, product_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        &[account_id.into(), group_id.into(), product_id.into()],
    )
    .await?;
    touch(tx, account_id, group_id, now).await
}

async fn touch(tx: &mut Tx, account_id: AccountId, group_id: i64, now: i64) -> Result<(), DbError> {
    tx.execute(
        "UPDATE modifier_groups SET updated_at = $3 WHERE account_id = $1 AND id = $2",
        &[account_id.into(), group_id.into(), now.into()],
    )
    .await?;
    marks::bump(tx, account_id, Section::Products);
    Ok(())
}

/// A group as the feed shows it.
#[derive(Debug, Clone, Default)]
pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub multiple: bool,
    pub min: i64,
    pub max: i64,
    pub deleted: bool,
    pub attached: Vec<i64>,
    /// (item id, product id, product name, entity type, count, price)
    pub items: Vec<(i64, i64, String, String, i64, i64)>,
}

pub async fn all(db: &Db, account_id: AccountId) -> Result<Vec<GroupRow>, DbError> {
    let mut reader = db.read().await;
    let params = [account_id.into()];
    let mut groups: Vec<GroupRow> = reader
        .fetch_all(
            "SELECT id, name, multiple, min_count, max_count, deleted FROM modifier_groups WHERE account_id = $1 ORDER BY id",
            &params,
        )
        .await?
        .iter()
        .map(|r| {
            Ok(GroupRow {
                id: r.int(0)?,
                name: r.text(1)?,
                multiple: r.flag(2)?,
                min: r.int(3)?,
                max: r.int(4)?,
                deleted: r.flag(5)?,
                ..GroupRow::default()
            })
        })
        .collect::<Result<_, DbError>>()?;
    let index: std::collections::HashMap<i64, usize> =
        groups.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
    for r in reader
        .fetch_all(
            "SELECT group_id, product_id FROM modifier_attachments WHERE account_id = $1 ORDER BY group_id, product_id",
            &params,
        )
        .await?
    {
        if let Some(&i) = index.get(&r.int(0)?) {
            groups[i].attached.push(r.int(1)?);
        }
    }
    for r in reader
        .fetch_all(
            "SELECT m.group_id, m.id, p.id, p.name, p.entity_type, m.count, m.price FROM modifier_items m \
             JOIN products p ON p.account_id = m.account_id AND p.id = m.product_id WHERE m.account_id = $1 ORDER BY m.group_id, m.id",
            &params,
        )
        .await?
    {
        if let Some(&i) = index.get(&r.int(0)?) {
            groups[i].items.push((r.int(1)?, r.int(2)?, r.text(3)?, r.text(4)?, r.int(5)?, r.int(6)?));
        }
    }
    Ok(groups)
}
