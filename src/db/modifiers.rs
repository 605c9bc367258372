//! Queries on modifier groups: their items (products added to a dish, at a price) and the
//! products they are attached to.

use std::collections::HashMap;

use super::ids::{self, Kind};
use super::marks::{self, Section};
use super::{Db, DbError, Query, Tx};
use crate::domain::decimal::{Money, Qty};
use crate::domain::ids::{AccountId, ModifierGroupId, ModifierItemId, ProductId};
use crate::{from_row, params};

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
) -> Result<ModifierGroupId, DbError> {
    let id = ModifierGroupId::new(ids::next(tx, account_id, Kind::ModifierGroup).await?);
    tx.run(
        "INSERT INTO modifier_groups (account_id, id, name, multiple, min_count, max_count, created_at, updated_at) \
         VALUES (:account_id, :id, :name, :multiple, :min, :max, :now, :now)",
        params! { account_id, id, name: g.name, multiple: g.multiple, min: g.min, max: g.max, now },
    )
    .await?;
    marks::bump(tx, account_id, Section::Products);
    Ok(id)
}

pub async fn group_exists(
    tx: &mut Tx,
    account_id: AccountId,
    id: ModifierGroupId,
) -> Result<bool, DbError> {
    tx.exists(
        "SELECT 1 FROM modifier_groups WHERE account_id = :account_id AND id = :id AND deleted = 0",
        params! { account_id, id },
    )
    .await
}

/// Adds a product to a group: `count` of it for `price`.
pub async fn insert_item(
    tx: &mut Tx,
    account_id: AccountId,
    group_id: ModifierGroupId,
    product_id: ProductId,
    count: Qty,
    price: Money,
    now: i64,
) -> Result<ModifierItemId, DbError> {
    let id = ModifierItemId::new(ids::next(tx, account_id, Kind::ModifierItem).await?);
    tx.run(
        "INSERT INTO modifier_items (account_id, id, group_id, product_id, count, price) \
         VALUES (:account_id, :id, :group_id, :product_id, :count, :price)",
        params! { account_id, id, group_id, product_id, count, price },
    )
    .await?;
    touch(tx, account_id, group_id, now).await?;
    Ok(id)
}

/// Attaches a group to a product (a dish the modifiers apply to); attaching twice is harmless.
pub async fn attach(
    tx: &mut Tx,
    account_id: AccountId,
    group_id: ModifierGroupId,
    product_id: ProductId,
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO modifier_attachments (account_id, group_id, product_id) \
         VALUES (:account_id, :group_id, :product_id) ON CONFLICT DO NOTHING",
        params! { account_id, group_id, product_id },
    )
    .await?;
    touch(tx, account_id, group_id, now).await
}

async fn touch(
    tx: &mut Tx,
    account_id: AccountId,
    group_id: ModifierGroupId,
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "UPDATE modifier_groups SET updated_at = :now WHERE account_id = :account_id AND id = :group_id",
        params! { account_id, group_id, now },
    )
    .await?;
    marks::bump(tx, account_id, Section::Products);
    Ok(())
}

/// A group as the feed shows it.
#[derive(Debug, Clone)]
pub struct GroupRow {
    pub id: ModifierGroupId,
    pub name: String,
    pub multiple: bool,
    pub min: i64,
    pub max: i64,
    pub deleted: bool,
    /// The products (dishes) it is attached to.
    pub attached: Vec<ProductId>,
    pub items: Vec<ItemRow>,
}

/// A group's own columns.
struct GroupHead {
    id: ModifierGroupId,
    name: String,
    multiple: bool,
    min: i64,
    max: i64,
    deleted: bool,
}

from_row!(GroupHead {
    id,
    name,
    multiple,
    min,
    max,
    deleted
});

/// An attachment of a group to a product.
struct Attachment {
    group_id: ModifierGroupId,
    product_id: ProductId,
}

from_row!(Attachment {
    group_id,
    product_id
});

/// An item of a group: the product it adds, how much of it, at what price.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub group_id: ModifierGroupId,
    pub id: ModifierItemId,
    pub product_id: ProductId,
    pub name: String,
    /// The product's entity type.
    pub entity_type: String,
    pub count: Qty,
    pub price: Money,
}

from_row!(ItemRow {
    group_id,
    id,
    product_id,
    name,
    entity_type,
    count,
    price
});

pub async fn all(db: &Db, account_id: AccountId) -> Result<Vec<GroupRow>, DbError> {
    let mut reader = db.read().await;
    let heads: Vec<GroupHead> = reader
        .all(
            "SELECT id, name, multiple, min_count AS min, max_count AS max, deleted \
             FROM modifier_groups WHERE account_id = :account_id ORDER BY id",
            params! { account_id },
        )
        .await?;
    let mut groups: Vec<GroupRow> = heads
        .into_iter()
        .map(|g| GroupRow {
            id: g.id,
            name: g.name,
            multiple: g.multiple,
            min: g.min,
            max: g.max,
            deleted: g.deleted,
            attached: Vec::new(),
            items: Vec::new(),
        })
        .collect();
    let index: HashMap<ModifierGroupId, usize> =
        groups.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
    let attachments: Vec<Attachment> = reader
        .all(
            "SELECT group_id, product_id FROM modifier_attachments WHERE account_id = :account_id \
             ORDER BY group_id, product_id",
            params! { account_id },
        )
        .await?;
    for a in attachments {
        if let Some(&i) = index.get(&a.group_id) {
            groups[i].attached.push(a.product_id);
        }
    }
    let items: Vec<ItemRow> = reader
        .all(
            "SELECT m.group_id, m.id, p.id AS product_id, p.name, p.entity_type, m.count, m.price \
             FROM modifier_items m JOIN products p ON p.account_id = m.account_id AND p.id = m.product_id \
             WHERE m.account_id = :account_id ORDER BY m.group_id, m.id",
            params! { account_id },
        )
        .await?;
    for item in items {
        if let Some(&i) = index.get(&item.group_id) {
            groups[i].items.push(item);
        }
    }
    Ok(groups)
}
