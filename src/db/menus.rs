//! Queries on the custom menus' sections and the links that put products in them.

use crate::domain::ids::AccountId;
use std::collections::{HashMap, HashSet};

use super::batch;
use super::{DbError, Tx, Value};

/// A menu section as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionRow {
    pub id: i64,
    pub ref_code: String,
    pub menu_id: i64,
    pub name: String,
    pub level: i64,
    pub parent_id: Option<i64>,
    pub deleted: bool,
}

/// Every section of the account (deleted ones too), by code.
pub async fn all_sections(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<HashMap<String, SectionRow>, DbError> {
    let rows = tx
        .fetch_all(
            "SELECT id, ref_code, menu_id, name, level, parent_id, deleted FROM menu_sections WHERE account_id = $1",
            &[account_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let section = SectionRow {
                id: r.int(0)?,
                ref_code: r.text(1)?,
                menu_id: r.int(2)?,
                name: r.text(3)?,
                level: r.int(4)?,
                parent_id: r.opt_int(5)?,
                deleted: r.flag(6)?,
            };
            Ok((section.ref_code.clone(), section))
        })
        .collect()
}

/// Inserts or overwrites sections (by id). A parent must come before its children.
pub async fn upsert_sections(
    tx: &mut Tx,
    account_id: AccountId,
    rows: &[SectionRow],
    now: i64,
) -> Result<(), DbError> {
    let values: Vec<Vec<Value>> = rows
        .iter()
        .map(|s| {
            vec![
                account_id.into(),
                s.id.into(),
                s.ref_code.as_str().into(),
                s.menu_id.into(),
                s.name.as_str().into(),
                s.level.into(),
                s.parent_id.into(),
                i64::from(s.deleted).into(),
                now.into(),
                now.into(),
            ]
        })
        .collect();
    batch::legacy_insert(
        tx,
        "INSERT INTO menu_sections (account_id, id, ref_code, menu_id, name, level, parent_id, deleted, created_at, updated_at)",
        &values,
        "ON CONFLICT (account_id, id) DO UPDATE SET menu_id = excluded.menu_id, name = excluded.name, \
         level = excluded.level, parent_id = excluded.parent_id, deleted = excluded.deleted, updated_at = excluded.updated_at",
    )
    .await?;
    if !rows.is_empty() {
        super::marks::bump(tx, account_id, super::marks::Section::Menus);
    }
    Ok(())
}

/// Every (section id, product id) link of the account.
pub async fn all_links(tx: &mut Tx, account_id: AccountId) -> Result<HashSet<(i64, i64)>, DbError> {
    let rows = tx
        .fetch_all(
            "SELECT section_id, product_id FROM menu_items WHERE account_id = $1",
            &[account_id.into()],
        )
        .await?;
    rows.iter().map(|r| Ok((r.int(0)?, r.int(1)?))).collect()
}

pub async fn insert_links(
    tx: &mut Tx,
    account_id: AccountId,
    links: &[(i64, i64)],
    now: i64,
) -> Result<(), DbError> {
    let values: Vec<Vec<Value>> = links
        .iter()
        .map(|&(section, product)| {
            vec![
                account_id.into(),
                section.into(),
                product.into(),
                now.into(),
            ]
        })
        .collect();
    batch::legacy_insert(
        tx,
        "INSERT INTO menu_items (account_id, section_id, product_id, created_at)",
        &values,
        "",
    )
    .await?;
    if !links.is_empty() {
        super::marks::bump(tx, account_id, super::marks::Section::Menus);
    }
    Ok(())
}

pub async fn delete_links(
    tx: &mut Tx,
    account_id: AccountId,
    links: &[(i64, i64)],
) -> Result<(), DbError> {
    if !links.is_empty() {
        super::marks::bump(tx, account_id, super::marks::Section::Menus);
    }
    for chunk in links.chunks(200) {
        let sql = format!(
            "DELETE FROM menu_items WHERE account_id = $1 AND (section_id, product_id) IN \
             (SELECT column1, column2 FROM (VALUES {}) AS gone)",
            batch::placeholders(chunk.len(), 2, 2)
        );
        let mut params: Vec<Value> = vec![account_id.into()];
        params.extend(
            chunk
                .iter()
                .flat_map(|&(s, p)| [Value::from(s), Value::from(p)]),
        );
        tx.execute(&sql, &params).await?;
    }
    Ok(())
}
