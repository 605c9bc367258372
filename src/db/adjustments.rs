//! Queries on inventory adjustments: documents that bring balances to counted quantities.

use super::batch;
use super::{Db, DbError, Row, Tx, Value};
use crate::domain::ids::AccountId;

/// An adjustment header to insert; it is inserted wired (its movements are posted with it).
pub struct NewAdjustment {
    pub id: i64,
    pub comment: String,
    pub doc_date: i64,
    pub by: i64,
}

/// A line: the counted `target` and the movement (`qty`, `value`) that reached it, in units.
#[derive(Debug, Clone)]
pub struct AdjustmentLine {
    pub line_no: i64,
    pub storage_id: i64,
    pub product_id: i64,
    pub target: i64,
    pub qty: i64,
    pub value: i64,
}

pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    doc: &NewAdjustment,
    lines: &[AdjustmentLine],
    now: i64,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO adjustments (account_id, id, comment, doc_date, wired, created_at, created_by, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, 1, $5, $6, $5, $6)",
        &[
            account_id.into(),
            doc.id.into(),
            doc.comment.as_str().into(),
            doc.doc_date.into(),
            now.into(),
            doc.by.into(),
        ],
    )
    .await?;
    let rows: Vec<Vec<Value>> = lines
        .iter()
        .map(|l| {
            vec![
                account_id.into(),
                doc.id.into(),
                l.line_no.into(),
                l.storage_id.into(),
                l.product_id.into(),
                l.target.into(),
                l.qty.into(),
                l.value.into(),
            ]
        })
        .collect();
    batch::legacy_insert(
        tx,
        "INSERT INTO adjustment_items (account_id, adjustment_id, line_no, storage_id, product_id, target, qty, value)",
        &rows,
        "",
    )
    .await
}

/// An adjustment header.
#[derive(Debug, Clone)]
pub struct AdjustmentRow {
    pub id: i64,
    pub comment: String,
    pub doc_date: i64,
    pub wired: bool,
    pub created_at: i64,
    pub created_by: i64,
    pub updated_at: i64,
    pub updated_by: i64,
}

/// How the headers are read (see [`super::documents::Headers`]).
pub const HEADERS: super::documents::Headers<AdjustmentRow> = super::documents::Headers {
    select: HEADER_SELECT,
    alias: "adjustments",
    map: header,
};

const HEADER_SELECT: &str = "SELECT id, comment, doc_date, wired, created_at, created_by, updated_at, updated_by FROM adjustments";

fn header(r: &Row) -> Result<AdjustmentRow, DbError> {
    Ok(AdjustmentRow {
        id: r.int(0)?,
        comment: r.text(1)?,
        doc_date: r.int(2)?,
        wired: r.flag(3)?,
        created_at: r.int(4)?,
        created_by: r.int(5)?,
        updated_at: r.int(6)?,
        updated_by: r.int(7)?,
    })
}

/// A line with its product, for reading.
#[derive(Debug, Clone)]
pub struct ShownLine {
    pub line: AdjustmentLine,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
}

pub async fn lines(db: &Db, account_id: AccountId, id: i64) -> Result<Vec<ShownLine>, DbError> {
    let rows = db
        .read()
        .await
        .fetch_all(
            "SELECT i.line_no, i.storage_id, i.product_id, i.target, i.qty, i.value, p.ref_code, p.name, p.measure \
             FROM adjustment_items i JOIN products p ON p.account_id = i.account_id AND p.id = i.product_id \
             WHERE i.account_id = $1 AND i.adjustment_id = $2 ORDER BY i.line_no",
            &[account_id.into(), id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ShownLine {
                line: line(r)?,
                ref_code: r.text(6)?,
                name: r.text(7)?,
                measure: r.text(8)?,
            })
        })
        .collect()
}

fn line(r: &Row) -> Result<AdjustmentLine, DbError> {
    Ok(AdjustmentLine {
        line_no: r.int(0)?,
        storage_id: r.int(1)?,
        product_id: r.int(2)?,
        target: r.int(3)?,
        qty: r.int(4)?,
        value: r.int(5)?,
    })
}

/// The recorded lines and date, inside a write transaction (for re-wiring).
pub async fn for_wiring(
    tx: &mut Tx,
    account_id: AccountId,
    id: i64,
) -> Result<(i64, Vec<AdjustmentLine>), DbError> {
    let params = [account_id.into(), id.into()];
    let doc_date = tx
        .fetch_one(
            "SELECT doc_date FROM adjustments WHERE account_id = $1 AND id = $2",
            &params,
        )
        .await?
        .int(0)?;
    let rows = tx
        .fetch_all(
            "SELECT line_no, storage_id, product_id, target, qty, value FROM adjustment_items \
             WHERE account_id = $1 AND adjustment_id = $2 ORDER BY line_no",
            &params,
        )
        .await?;
    Ok((doc_date, rows.iter().map(line).collect::<Result<_, _>>()?))
}
