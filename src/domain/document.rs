//! The kinds of document the stock ledger knows: every movement names the document that made
//! it by kind (`stock_movements.doc_type`, stored as [`DocKind::as_str`]) and id.

use std::fmt;

use super::ids::{AdjustmentId, Id, InvoiceId, MoveId, ReceiptId};

/// A kind of document that moves stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKind {
    /// A supplier invoice.
    Invoice,
    /// A transfer between storages.
    Move,
    /// A write-off or stocktaking adjustment.
    Adjustment,
    /// A receipt (a sale, or the counter-receipt of an annulled one).
    Receipt,
}

impl DocKind {
    /// The name of the kind in the ledger's `doc_type` and in messages.
    pub const fn as_str(self) -> &'static str {
        match self {
            DocKind::Invoice => "invoice",
            DocKind::Move => "move",
            DocKind::Adjustment => "adjustment",
            DocKind::Receipt => "receipt",
        }
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The id of a kind of document: the id type says the kind.
pub trait DocumentId: Id + fmt::Display {
    const KIND: DocKind;
}

impl DocumentId for InvoiceId {
    const KIND: DocKind = DocKind::Invoice;
}

impl DocumentId for MoveId {
    const KIND: DocKind = DocKind::Move;
}

impl DocumentId for AdjustmentId {
    const KIND: DocKind = DocKind::Adjustment;
}

impl DocumentId for ReceiptId {
    const KIND: DocKind = DocKind::Receipt;
}

/// Which document a movement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocRef {
    pub kind: DocKind,
    pub id: i64,
}

impl DocRef {
    /// The document `id`, its kind from its type.
    pub fn of<T: DocumentId>(id: T) -> DocRef {
        DocRef {
            kind: T::KIND,
            id: id.get(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_stored_by_their_names() {
        let all = [
            DocKind::Invoice,
            DocKind::Move,
            DocKind::Adjustment,
            DocKind::Receipt,
        ];
        let names: Vec<&str> = all.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, ["invoice", "move", "adjustment", "receipt"]);
        assert_eq!(
            DocRef::of(MoveId::new(7)),
            DocRef {
                kind: DocKind::Move,
                id: 7
            }
        );
    }
}
