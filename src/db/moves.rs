//! Queries on transfers between storages and their lines.

use super::batch;
use super::{Db, DbError, Row, Tx, Value};
use crate::domain::ids::AccountId;

/// A transfer header to insert.
pub struct NewMove {
    pub id: i64,
    pub comment: String,
    pub doc_date: i64,
    pub from: i64,
    pub to: i64,
    pub by: i64,
}

/// Inserts a transfer and its lines: (product id, quantity in units).
pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    doc: &NewMove,
    lines: &[(i64, i64)],
    now: i64,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO moves (account_id, id, comment, doc_date, storage_from_id, storage_to_id, created_at, created_by, \
         updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8)",
        &[
            account_id.into(),
            doc.id.into(),
            doc.comment.as_str().into(),
            doc.doc_date.into(),
            doc.from.into(),
            doc.to.into(),
            now.into(),
            doc.by.into(),
        ],
    )
    .await?;
    let rows: Vec<Vec<Value>> = lines
        .iter()
        .enumerate()
        .map(|(n, &(product_id, qty))| {
            vec![
                account_id.into(),
                doc.id.into(),
                (n as i64 + 1).into(),
                product_id.into(),
                qty.into(),
            ]
        })
        .collect();
    batch::legacy_insert(
        tx,
        "INSERT INTO move_items (account_id, move_id, line_no, product_id, qty)",
        &rows,
        "",
    )
    .await
}

/// A transfer header with its storages' names.
#[derive(Debug, Clone)]
pub struct MoveRow {
    pub id: i64,
    pub comment: String,
    pub doc_date: i64,
    pub from: (i64, String),
    pub to: (i64, String),
    pub wired: bool,
    pub created_at: i64,
    pub created_by: i64,
    pub updated_at: i64,
    pub updated_by: i64,
}

/// How the headers are read (see [`super::documents::Headers`]).
pub const HEADERS: super::documents::Headers<MoveRow> = super::documents::Headers {
    select: HEADER_SELECT,
    alias: "m",
    map: header,
};

const HEADER_SELECT: &str =
    "SELECT m.id, m.comment, m.doc_date, m.storage_from_id, f.name, m.storage_to_id, t.name, \
     m.wired, m.created_at, m.created_by, m.updated_at, m.updated_by FROM moves m \
     JOIN storages f ON f.account_id = m.account_id AND f.id = m.storage_from_id \
     JOIN storages t ON t.account_id = m.account_id AND t.id = m.storage_to_id";

fn header(r: &Row) -> Result<MoveRow, DbError> {
    Ok(MoveRow {
        id: r.int(0)?,
        comment: r.text(1)?,
        doc_date: r.int(2)?,
        from: (r.int(3)?, r.text(4)?),
        to: (r.int(5)?, r.text(6)?),
        wired: r.flag(7)?,
        created_at: r.int(8)?,
        created_by: r.int(9)?,
        updated_at: r.int(10)?,
        updated_by: r.int(11)?,
    })
}

/// A transfer line with its product.
#[derive(Debug, Clone)]
pub struct MoveLine {
    pub line_no: i64,
    pub product_id: i64,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
    pub qty: i64,
}

const LINES_SELECT: &str =
    "SELECT i.line_no, p.id, p.ref_code, p.name, p.measure, i.qty FROM move_items i \
     JOIN products p ON p.account_id = i.account_id AND p.id = i.product_id \
     WHERE i.account_id = $1 AND i.move_id = $2 ORDER BY i.line_no";

fn line(r: &Row) -> Result<MoveLine, DbError> {
    Ok(MoveLine {
        line_no: r.int(0)?,
        product_id: r.int(1)?,
        ref_code: r.text(2)?,
        name: r.text(3)?,
        measure: r.text(4)?,
        qty: r.int(5)?,
    })
}

pub async fn lines(db: &Db, account_id: AccountId, id: i64) -> Result<Vec<MoveLine>, DbError> {
    let rows = db
        .read()
        .await
        .fetch_all(LINES_SELECT, &[account_id.into(), id.into()])
        .await?;
    rows.iter().map(line).collect()
}

/// The header and lines inside a write transaction (for wiring).
pub async fn for_wiring(
    tx: &mut Tx,
    account_id: AccountId,
    id: i64,
) -> Result<(MoveRow, Vec<MoveLine>), DbError> {
    let sql = format!("{HEADER_SELECT} WHERE m.account_id = $1 AND m.id = $2");
    let head = header(&tx.fetch_one(&sql, &[account_id.into(), id.into()]).await?)?;
    let rows = tx
        .fetch_all(LINES_SELECT, &[account_id.into(), id.into()])
        .await?;
    Ok((head, rows.iter().map(line).collect::<Result<_, _>>()?))
}
