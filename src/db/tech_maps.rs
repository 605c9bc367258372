//! Queries on tech maps (recipes): a product's output and ingredient lines.

use std::collections::HashMap;

use super::batch;
use super::{Db, DbError, Query, Tx, Value};
use crate::domain::decimal::Qty;
use crate::domain::ids::{AccountId, ProductId};
use crate::domain::recipe::Recipe;
use crate::{from_row, params, record};

/// One edge of the recipe graph: a product and one of its ingredients.
struct Edge {
    product_id: ProductId,
    ingredient_id: ProductId,
}

from_row!(Edge {
    product_id,
    ingredient_id
});

/// Every recipe edge of the account: product → its ingredients.
pub async fn edges(
    tx: &mut Tx,
    account_id: AccountId,
) -> Result<HashMap<ProductId, Vec<ProductId>>, DbError> {
    let mut graph: HashMap<ProductId, Vec<ProductId>> = HashMap::new();
    let rows: Vec<Edge> = tx
        .all(
            "SELECT product_id, ingredient_id FROM tech_map_items WHERE account_id = :account_id",
            params! { account_id },
        )
        .await?;
    for edge in rows {
        graph
            .entry(edge.product_id)
            .or_default()
            .push(edge.ingredient_id);
    }
    Ok(graph)
}

/// An ingredient line of a recipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ingredient {
    pub product_id: ProductId,
    pub amount: Qty,
}

/// Replaces the product's recipe: `output` made of the `lines`.
pub async fn save(
    tx: &mut Tx,
    account_id: AccountId,
    product_id: ProductId,
    output: Qty,
    lines: &[Ingredient],
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO tech_maps (account_id, product_id, output, created_at, updated_at) \
         VALUES (:account_id, :product_id, :output, :now, :now) \
         ON CONFLICT (account_id, product_id) DO UPDATE SET output = excluded.output, \
         updated_at = excluded.updated_at",
        params! { account_id, product_id, output, now },
    )
    .await?;
    tx.run(
        "DELETE FROM tech_map_items WHERE account_id = :account_id AND product_id = :product_id",
        params! { account_id, product_id },
    )
    .await?;
    let rows: Vec<batch::Record> = lines
        .iter()
        .zip(1_i64..)
        .map(|(line, line_no)| {
            record! {
                account_id,
                product_id,
                line_no,
                ingredient_id: line.product_id,
                amount: line.amount,
            }
        })
        .collect();
    batch::insert(tx, "tech_map_items", &rows, "").await?;
    super::marks::bump(tx, account_id, super::marks::Section::Products);
    Ok(())
}

/// A recipe as read back.
#[derive(Debug, Clone)]
pub struct TechMap {
    pub output: Qty,
    pub updated_at: i64,
    pub lines: Vec<TechMapLine>,
}

/// A recipe's own columns.
struct TechMapHead {
    output: Qty,
    updated_at: i64,
}

from_row!(TechMapHead { output, updated_at });

#[derive(Debug, Clone)]
pub struct TechMapLine {
    pub product_id: ProductId,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
    pub amount: Qty,
}

from_row!(TechMapLine {
    product_id,
    ref_code,
    name,
    measure,
    amount
});

pub async fn find(
    db: &Db,
    account_id: AccountId,
    product_id: ProductId,
) -> Result<Option<TechMap>, DbError> {
    let mut reader = db.read().await;
    let Some(head) = reader
        .optional::<TechMapHead>(
            "SELECT output, updated_at FROM tech_maps \
             WHERE account_id = :account_id AND product_id = :product_id",
            params! { account_id, product_id },
        )
        .await?
    else {
        return Ok(None);
    };
    let lines = reader
        .all(
            "SELECT p.id AS product_id, p.ref_code, p.name, p.measure, i.amount FROM tech_map_items i \
             JOIN products p ON p.account_id = i.account_id AND p.id = i.ingredient_id \
             WHERE i.account_id = :account_id AND i.product_id = :product_id ORDER BY i.line_no",
            params! { account_id, product_id },
        )
        .await?;
    Ok(Some(TechMap {
        output: head.output,
        updated_at: head.updated_at,
        lines,
    }))
}

/// The recipes of these products (those that have one).
pub async fn recipes_of(
    tx: &mut Tx,
    account_id: AccountId,
    product_ids: &[ProductId],
) -> Result<HashMap<ProductId, Recipe>, DbError> {
    let mut found: HashMap<ProductId, Recipe> = HashMap::new();
    let keys: Vec<Value> = product_ids.iter().map(|&id| Value::from(id)).collect();
    let query = batch::Lookup {
        columns: "m.product_id, m.output, i.ingredient_id, i.amount",
        from: "tech_maps m JOIN tech_map_items i ON i.account_id = m.account_id AND i.product_id = m.product_id",
        condition: "m.account_id = :account_id",
        key: "m.product_id",
    };
    batch::lookup(tx, &query, params! { account_id }, &keys, |r| {
        let recipe = found.entry(r.get("product_id")?).or_insert_with(|| Recipe {
            output: Qty::ZERO,
            items: Vec::new(),
        });
        recipe.output = r.get("output")?;
        recipe
            .items
            .push((r.get("ingredient_id")?, r.get("amount")?));
        Ok(())
    })
    .await?;
    Ok(found)
}
