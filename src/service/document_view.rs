//! Stock documents of every kind seen alike, for the back office's lists and document pages
//! (API.md §10): a [`Summary`] of any header, the lines a document declares, what wiring it
//! posted, and wiring or unwiring by kind. Each kind says how it is summarised and what its
//! lines are ([`Viewed`]); the rest is shared.

use std::collections::BTreeMap;

use crate::db::adjustments as adjustment_db;
use crate::db::invoices as invoice_db;
use crate::db::moves as move_db;
use crate::db::posted::{self, Posted};
use crate::db::Db;
use crate::domain::decimal::{Money, Qty};
use crate::domain::document::{DocKind, DocRef};
use crate::domain::ids::{
    AccountId, AdjustmentId, InventoryId, InvoiceId, MoveId, ReturnId, WriteOffId,
};

use super::documents::{self, StockDocument};
use super::{inventories, invoices, moves, returns, writeoffs, Actor, ServiceError, ServiceResult};

/// What a list shows of a document of any kind.
#[derive(Debug, Clone)]
pub struct Summary {
    pub kind: DocKind,
    pub id: i64,
    pub doc_date: i64,
    pub wired: bool,
    /// Where it moves stock: a storage, or `from → to`.
    pub place: String,
    /// Its number, shipper, reason or comment: whatever tells it apart.
    pub note: String,
}

/// A line as the document declares it.
#[derive(Debug, Clone)]
pub struct Line {
    pub line_no: i64,
    pub name: String,
    pub measure: String,
    pub qty: Qty,
    /// What the line says it is worth, where the kind says (an invoice's cost, a return's
    /// refund).
    pub amount: Option<Money>,
}

/// A document with its lines and, once wired, what it posted per line.
#[derive(Debug, Clone)]
pub struct View {
    pub summary: Summary,
    pub lines: Vec<Line>,
    pub posted: BTreeMap<i64, Posted>,
}

/// A kind of stock document as the back office sees it.
pub trait Viewed: StockDocument {
    fn summary(header: &Self::Header) -> Summary;

    /// The lines document `self` declares.
    fn lines(
        self,
        db: &Db,
        account_id: AccountId,
    ) -> impl std::future::Future<Output = ServiceResult<Vec<Line>>> + Send;
}

fn summary(
    kind: DocKind,
    id: i64,
    doc_date: i64,
    wired: bool,
    place: String,
    note: String,
) -> Summary {
    Summary {
        kind,
        id,
        doc_date,
        wired,
        place,
        note,
    }
}

fn line(line_no: i64, name: &str, measure: &str, qty: Qty, amount: Option<Money>) -> Line {
    Line {
        line_no,
        name: name.to_owned(),
        measure: measure.to_owned(),
        qty,
        amount,
    }
}

impl Viewed for InvoiceId {
    fn summary(h: &invoice_db::InvoiceRow) -> Summary {
        let shipper = h.shipper.as_ref().map_or("", |s| s.name.as_str());
        let note = format!("№ {} {shipper}", h.number).trim().to_owned();
        summary(
            DocKind::Invoice,
            h.id.get(),
            h.doc_date,
            h.wired,
            h.storage_name.clone(),
            note,
        )
    }

    async fn lines(self, db: &Db, account_id: AccountId) -> ServiceResult<Vec<Line>> {
        let items = invoice_db::items(db, account_id, self).await?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(n, i)| {
                let no = i64::try_from(n + 1).unwrap_or(i64::MAX);
                line(
                    no,
                    &i.product.name,
                    &i.product.measure,
                    i.amount,
                    Some(i.cost),
                )
            })
            .collect())
    }
}

impl Viewed for MoveId {
    fn summary(h: &move_db::MoveRow) -> Summary {
        let place = format!("{} → {}", h.from.name, h.to.name);
        summary(
            DocKind::Move,
            h.id.get(),
            h.doc_date,
            h.wired,
            place,
            h.comment.clone(),
        )
    }

    async fn lines(self, db: &Db, account_id: AccountId) -> ServiceResult<Vec<Line>> {
        let lines = move_db::read_lines(db, account_id, self).await?;
        Ok(lines
            .iter()
            .map(|l| line(l.line_no, &l.name, &l.measure, l.qty, None))
            .collect())
    }
}

impl Viewed for WriteOffId {
    fn summary(h: &crate::db::writeoffs::WriteOffRow) -> Summary {
        let note = format!("{} {}", h.reason.as_str(), h.comment)
            .trim()
            .to_owned();
        summary(
            DocKind::WriteOff,
            h.id.get(),
            h.doc_date,
            h.wired,
            h.storage_name.clone(),
            note,
        )
    }

    async fn lines(self, db: &Db, account_id: AccountId) -> ServiceResult<Vec<Line>> {
        let read = writeoffs::read(db, account_id, self).await?;
        Ok(read
            .lines
            .iter()
            .map(|l| line(l.line_no, &l.name, &l.measure, l.qty, None))
            .collect())
    }
}

impl Viewed for InventoryId {
    fn summary(h: &crate::db::inventories::InventoryRow) -> Summary {
        let full = if h.full_count { "full " } else { "" };
        let note = format!("{full}{}", h.comment).trim().to_owned();
        summary(
            DocKind::Inventory,
            h.id.get(),
            h.doc_date,
            h.wired,
            h.storage_name.clone(),
            note,
        )
    }

    async fn lines(self, db: &Db, account_id: AccountId) -> ServiceResult<Vec<Line>> {
        let read = inventories::read(db, account_id, self).await?;
        Ok(read
            .lines
            .iter()
            .map(|l| line(l.line_no, &l.name, &l.measure, l.counted, None))
            .collect())
    }
}

impl Viewed for ReturnId {
    fn summary(h: &crate::db::returns::ReturnRow) -> Summary {
        let note = format!("{} {}", h.shipper.name, h.comment)
            .trim()
            .to_owned();
        summary(
            DocKind::Return,
            h.id.get(),
            h.doc_date,
            h.wired,
            h.storage_name.clone(),
            note,
        )
    }

    async fn lines(self, db: &Db, account_id: AccountId) -> ServiceResult<Vec<Line>> {
        let read = returns::read(db, account_id, self).await?;
        Ok(read
            .lines
            .iter()
            .map(|l| {
                let refund = Money::round(l.price.decimal() * l.qty.decimal());
                line(l.line_no, &l.name, &l.measure, l.qty, Some(refund))
            })
            .collect())
    }
}

impl Viewed for AdjustmentId {
    fn summary(h: &adjustment_db::AdjustmentRow) -> Summary {
        summary(
            DocKind::Adjustment,
            h.id.get(),
            h.doc_date,
            h.wired,
            String::new(),
            h.comment.clone(),
        )
    }

    async fn lines(self, db: &Db, account_id: AccountId) -> ServiceResult<Vec<Line>> {
        let lines = adjustment_db::lines(db, account_id, self).await?;
        Ok(lines
            .iter()
            .map(|l| line(l.line.line_no, &l.name, &l.measure, l.line.target, None))
            .collect())
    }
}

/// The kinds a back-office user creates and wires (adjustments come from imports).
pub const KINDS: [DocKind; 6] = [
    DocKind::Invoice,
    DocKind::Move,
    DocKind::WriteOff,
    DocKind::Inventory,
    DocKind::Return,
    DocKind::Adjustment,
];

/// The kind a word names, among the stock documents' kinds.
pub fn kind(word: &str) -> ServiceResult<DocKind> {
    KINDS
        .into_iter()
        .find(|k| k.as_str() == word)
        .ok_or_else(|| ServiceError::NotFound(format!("no kind of document {word:?}")))
}

/// Runs `$body` with `$D` bound to the id type of kind `$kind`.
macro_rules! by_kind {
    ($kind:expr, $D:ident => $body:expr) => {
        match $kind {
            DocKind::Invoice => {
                type $D = InvoiceId;
                $body
            }
            DocKind::Move => {
                type $D = MoveId;
                $body
            }
            DocKind::WriteOff => {
                type $D = WriteOffId;
                $body
            }
            DocKind::Inventory => {
                type $D = InventoryId;
                $body
            }
            DocKind::Return => {
                type $D = ReturnId;
                $body
            }
            DocKind::Adjustment => {
                type $D = AdjustmentId;
                $body
            }
            DocKind::Receipt => Err(ServiceError::NotFound(
                "receipts are not stock documents here".into(),
            )),
        }
    };
}

async fn summaries_of<D: Viewed>(
    db: &Db,
    account_id: AccountId,
    (from, to): (i64, i64),
) -> ServiceResult<Vec<Summary>> {
    let headers = documents::list::<D>(db, account_id, from, to).await?;
    Ok(headers.iter().map(D::summary).collect())
}

/// Which documents a list shows: of these kinds, dated in `[from, to)`, wired or not (`None`:
/// either), at a storage whose name contains `place` (any case; empty: any).
#[derive(Debug, Clone)]
pub struct Filter<'a> {
    pub kinds: &'a [DocKind],
    pub range: (i64, i64),
    pub wired: Option<bool>,
    pub place: &'a str,
}

/// The documents `filter` lets through, newest first.
pub async fn list(
    db: &Db,
    account_id: AccountId,
    filter: &Filter<'_>,
) -> ServiceResult<Vec<Summary>> {
    let mut all = Vec::new();
    for kind in filter.kinds {
        let found: ServiceResult<Vec<Summary>> =
            by_kind!(*kind, D => summaries_of::<D>(db, account_id, filter.range).await);
        all.extend(found?);
    }
    let place = filter.place.to_lowercase();
    all.retain(|d| {
        filter.wired.is_none_or(|w| d.wired == w)
            && (place.is_empty() || d.place.to_lowercase().contains(&place))
    });
    all.sort_by_key(|d| std::cmp::Reverse((d.doc_date, d.id)));
    Ok(all)
}

/// A list's status filter: `wired`, `not_wired`, or nothing for either.
pub fn wired_filter(status: Option<&str>) -> ServiceResult<Option<bool>> {
    match status {
        None => Ok(None),
        Some("wired") => Ok(Some(true)),
        Some("not_wired") => Ok(Some(false)),
        Some(other) => Err(ServiceError::invalid(
            "status",
            format!("{other:?} is not wired or not_wired"),
        )),
    }
}

async fn view_of<D: Viewed>(db: &Db, account_id: AccountId, id: D) -> ServiceResult<View> {
    let header = documents::header(db, account_id, id).await?;
    let lines = id.lines(db, account_id).await?;
    let posted = posted::by_line(&mut db.read().await, account_id, DocRef::of(id)).await?;
    Ok(View {
        summary: D::summary(&header),
        lines,
        posted,
    })
}

/// Document `id` of `kind`: 404 when there is none.
pub async fn view(db: &Db, account_id: AccountId, kind: DocKind, id: i64) -> ServiceResult<View> {
    by_kind!(kind, D => view_of(db, account_id, D::new(id)).await)
}

/// Wires or unwires document `id` of `kind` ([`documents::set_wired`]).
pub async fn set_wired(
    db: &Db,
    actor: &Actor,
    kind: DocKind,
    id: i64,
    wired: bool,
) -> ServiceResult<()> {
    by_kind!(kind, D => documents::set_wired(db, actor, D::new(id), wired).await)
}

/// Reads a kind's API body, naming the field that does not fit.
fn parse<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> ServiceResult<T> {
    serde_path_to_error::deserialize(body)
        .map_err(|e| ServiceError::invalid(e.path().to_string(), e.inner().to_string()))
}

/// Creates a document of `kind` (not wired) from the body its API takes
/// (`POST /storage/invoices`, `/moves`, `/writeoffs`, `/inventories`, `/returns`).
pub async fn create(
    db: &Db,
    actor: &Actor,
    kind: DocKind,
    body: serde_json::Value,
) -> ServiceResult<i64> {
    Ok(match kind {
        DocKind::Invoice => invoices::create(db, actor, &parse(body)?).await?.get(),
        DocKind::Move => moves::create(db, actor, &parse(body)?).await?.get(),
        DocKind::WriteOff => writeoffs::create(db, actor, &parse(body)?).await?.get(),
        DocKind::Inventory => inventories::create(db, actor, &parse(body)?).await?.get(),
        DocKind::Return => returns::create(db, actor, &parse(body)?).await?.get(),
        DocKind::Adjustment | DocKind::Receipt => {
            return Err(ServiceError::invalid(
                "kind",
                format!("{kind} documents are not made by hand"),
            ))
        }
    })
}
