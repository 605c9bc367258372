//! Queries on tech maps (recipes): a product's output and ingredient lines.

use crate::domain::ids::AccountId;
use std::collections::HashMap;

use super::batch;
use super::{Db, DbError, Row, Tx, Value};

/// Every recipe edge of the account: product → its ingredients.
pub async fn edges(tx: &mut Tx, account_id: AccountId) -> Result<HashMap<i64, Vec<i64>>, DbError> {
    let mut graph: HashMap<i64, Vec<i64>> = HashMap::new();
    let rows = tx
        .fetch_all(
            "SELECT product_id, ingredient_id FROM tech_map_items WHERE account_id = $1",
            &[account_id.into()],
        )
        .await?;
    for row in rows {
        graph.entry(row.int(0)?).or_default().push(row.int(1)?);
    }
    Ok(graph)
}

/// Replaces the product's recipe: `output` and (ingredient id, amount) lines, in units.
pub async fn save(
    tx: &mut Tx,
    account_id: AccountId,
    product_id: i64,
    output: i64,
    lines: &[(i64, i64)],
    now: i64,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO tech_maps (account_id, product_id, output, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) \
         ON CONFLICT (account_id, product_id) DO UPDATE SET output = excluded.output, updated_at = excluded.updated_at",
        &[account_id.into(), product_id.into(), output.into(), now.into()],
    )
    .await?;
    tx.execute(
        "DELETE FROM tech_map_items WHERE account_id = $1 AND product_id = $2",
        &[account_id.into(), product_id.into()],
    )
    .await?;
    let rows: Vec<Vec<Value>> = lines
        .iter()
        .enumerate()
        .map(|(n, &(ingredient_id, amount))| {
            vec![
                account_id.into(),
                product_id.into(),
                (n as i64 + 1).into(),
                ingredient_id.into(),
                amount.into(),
            ]
        })
        .collect();
    batch::legacy_insert(
        tx,
        "INSERT INTO tech_map_items (account_id, product_id, line_no, ingredient_id, amount)",
        &rows,
        "",
    )
    .await?;
    super::marks::bump(tx, account_id, super::marks::Section::Products);
    Ok(())
}

/// A recipe as read back.
#[derive(Debug, Clone)]
pub struct TechMap {
    pub output: i64,
    pub updated_at: i64,
    pub lines: Vec<TechMapLine>,
}

#[derive(Debug, Clone)]
pub struct TechMapLine {
    pub product_id: i64,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
    pub amount: i64,
}

fn line(r: &Row) -> Result<TechMapLine, DbError> {
    Ok(TechMapLine {
        product_id: r.int(0)?,
        ref_code: r.text(1)?,
        name: r.text(2)?,
        measure: r.text(3)?,
        amount: r.int(4)?,
    })
}

pub async fn find(
    db: &Db,
    account_id: AccountId,
    product_id: i64,
) -> Result<Option<TechMap>, DbError> {
    let mut reader = db.read().await;
    let params = [account_id.into(), product_id.into()];
    let Some(head) = reader
        .fetch_optional(
            "SELECT output, updated_at FROM tech_maps WHERE account_id = $1 AND product_id = $2",
            &params,
        )
        .await?
    else {
        return Ok(None);
    };
    let lines = reader
        .fetch_all(
            "SELECT p.id, p.ref_code, p.name, p.measure, i.amount FROM tech_map_items i \
             JOIN products p ON p.account_id = i.account_id AND p.id = i.ingredient_id \
             WHERE i.account_id = $1 AND i.product_id = $2 ORDER BY i.line_no",
            &params,
        )
        .await?;
    Ok(Some(TechMap {
        output: head.int(0)?,
        updated_at: head.int(1)?,
        lines: lines.iter().map(line).collect::<Result<_, _>>()?,
    }))
}

/// The recipes of these products (those that have one): product → (output, [(ingredient,
/// amount)]), in units.
pub async fn recipes_of(
    tx: &mut Tx,
    account_id: AccountId,
    product_ids: &[i64],
) -> Result<HashMap<i64, (i64, Vec<(i64, i64)>)>, DbError> {
    let mut found: HashMap<i64, (i64, Vec<(i64, i64)>)> = HashMap::new();
    let keys: Vec<Value> = product_ids.iter().map(|&id| Value::from(id)).collect();
    let query = batch::LegacyLookup {
        columns: "m.product_id, m.output, i.ingredient_id, i.amount",
        from: "tech_maps m JOIN tech_map_items i ON i.account_id = m.account_id AND i.product_id = m.product_id",
        condition: "m.account_id = $1",
        key: "m.product_id",
    };
    batch::legacy_lookup(tx, &query, &[account_id.into()], &keys, |r| {
        let entry = found.entry(r.int(0)?).or_insert_with(|| (0, Vec::new()));
        entry.0 = r.int(1)?;
        entry.1.push((r.int(2)?, r.int(3)?));
        Ok(())
    })
    .await?;
    Ok(found)
}
