//! Queries on the custom menus' sections and the links that put products in them.

use std::collections::{HashMap, HashSet};

use super::batch::{self, Record};
use super::{DbError, Query, Tx, Value};
use crate::domain::ids::{AccountId, MenuId, MenuSectionId, ProductId};
use crate::{from_row, params, record};

/// A menu section as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionRow {
    pub id: MenuSectionId,
    pub ref_code: String,
    pub menu_id: MenuId,
    pub name: String,
    pub level: i64,
    pub parent_id: Option<MenuSectionId>,
    pub deleted: bool,
}

from_row!(SectionRow {
    id,
    ref_code,
    menu_id,
    name,
    level,
    parent_id,
    deleted
});

/// Every section of the account (deleted ones too), by code.
pub async fn all_sections(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<HashMap<String, SectionRow>, DbError> {
    let rows: Vec<SectionRow> = tx
        .all(
            "SELECT id, ref_code, menu_id, name, level, parent_id, deleted FROM menu_sections \
             WHERE account_id = :account_id",
            params! { account_id },
        )
        .await?;
    Ok(rows.into_iter().map(|s| (s.ref_code.clone(), s)).collect())
}

/// Inserts or overwrites sections (by id). A parent must come before its children.
pub async fn upsert_sections(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[SectionRow],
    now: i64,
) -> Result<(), DbError> {
    let records: Vec<Record> = rows
        .iter()
        .map(|s| {
            record! {
                account_id,
                id: s.id,
                ref_code: s.ref_code.as_str(),
                menu_id: s.menu_id,
                name: s.name.as_str(),
                level: s.level,
                parent_id: s.parent_id,
                deleted: s.deleted,
                created_at: now,
                updated_at: now,
            }
        })
        .collect();
    batch::insert(
        tx,
        "menu_sections",
        &records,
        "ON CONFLICT (account_id, id) DO UPDATE SET menu_id = excluded.menu_id, name = excluded.name, \
         level = excluded.level, parent_id = excluded.parent_id, deleted = excluded.deleted, \
         updated_at = excluded.updated_at",
    )
    .await?;
    if !rows.is_empty() {
        super::marks::bump(tx, account_id, super::marks::Section::Menus);
    }
    Ok(())
}

/// A product's place in a menu section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Link {
    pub section_id: MenuSectionId,
    pub product_id: ProductId,
}

from_row!(Link {
    section_id,
    product_id
});

/// Every link of the account.
pub async fn all_links(tx: &mut Tx, account_id: AccountId) -> Result<HashSet<Link>, DbError> {
    let rows: Vec<Link> = tx
        .all(
            "SELECT section_id, product_id FROM menu_items WHERE account_id = :account_id",
            params! { account_id },
        )
        .await?;
    Ok(rows.into_iter().collect())
}

pub async fn insert_links(
    tx: &mut Tx,
    account_id: AccountId,
    links: &[Link],
    now: i64,
) -> Result<(), DbError> {
    let records: Vec<Record> = links
        .iter()
        .map(|link| {
            record! {
                account_id,
                section_id: link.section_id,
                product_id: link.product_id,
                created_at: now,
            }
        })
        .collect();
    batch::insert(tx, "menu_items", &records, "").await?;
    if !links.is_empty() {
        super::marks::bump(tx, account_id, super::marks::Section::Menus);
    }
    Ok(())
}

/// Removes links: one chunked statement per section (`links` sorted by section keeps them
/// few), each over a list of the section's products.
pub async fn delete_links(
    tx: &mut Tx,
    account_id: AccountId,
    links: &[Link],
) -> Result<(), DbError> {
    if links.is_empty() {
        return Ok(());
    }
    super::marks::bump(tx, account_id, super::marks::Section::Menus);
    let mut start = 0;
    while start < links.len() {
        let section_id = links[start].section_id;
        let end = links[start..]
            .iter()
            .position(|l| l.section_id != section_id)
            .map_or(links.len(), |n| start + n);
        let products: Vec<Value> = links[start..end]
            .iter()
            .map(|l| Value::from(l.product_id))
            .collect();
        batch::keyed(
            tx,
            "DELETE FROM menu_items WHERE account_id = :account_id AND section_id = :section_id \
             AND product_id IN (SELECT column1 FROM {wanted})",
            params! { account_id, section_id },
            &products,
        )
        .await?;
        start = end;
    }
    Ok(())
}

/// Whether the account has live section `id`.
pub async fn section_live(
    tx: &mut Tx,
    account_id: AccountId,
    id: MenuSectionId,
) -> Result<bool, DbError> {
    tx.exists(
        "SELECT 1 FROM menu_sections WHERE account_id = :account_id AND id = :id AND deleted = 0",
        params! { account_id, id },
    )
    .await
}

/// Whether a section shows a product already.
pub async fn has_link(tx: &mut Tx, account_id: AccountId, link: Link) -> Result<bool, DbError> {
    tx.exists(
        "SELECT 1 FROM menu_items WHERE account_id = :account_id AND section_id = :section_id \
         AND product_id = :product_id",
        params! { account_id, section_id: link.section_id, product_id: link.product_id },
    )
    .await
}
