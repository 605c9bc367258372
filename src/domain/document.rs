//! The kinds of document the stock ledger knows: every movement names the document that made
//! it by kind (`stock_movements.doc_type`, stored as [`DocKind::as_str`]) and id. And the
//! reasons a write-off act gives.

use std::fmt;

use super::ids::{
    AdjustmentId, Id, InventoryId, InvoiceId, MoveId, ReceiptId, ReturnId, WriteOffId,
};

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
    /// A write-off act.
    WriteOff,
    /// A stocktaking.
    Inventory,
    /// A return to the supplier.
    Return,
}

impl DocKind {
    /// The name of the kind in the ledger's `doc_type` and in messages.
    pub const fn as_str(self) -> &'static str {
        match self {
            DocKind::Invoice => "invoice",
            DocKind::Move => "move",
            DocKind::Adjustment => "adjustment",
            DocKind::Receipt => "receipt",
            DocKind::WriteOff => "writeoff",
            DocKind::Inventory => "inventory",
            DocKind::Return => "return",
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

impl DocumentId for WriteOffId {
    const KIND: DocKind = DocKind::WriteOff;
}

impl DocumentId for InventoryId {
    const KIND: DocKind = DocKind::Inventory;
}

impl DocumentId for ReturnId {
    const KIND: DocKind = DocKind::Return;
}

/// Why stock is written off (API.md §11); stored and shown as [`WriteOffReason::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WriteOffReason {
    Spoilage,
    StaffMeal,
    Tasting,
    Breakage,
    Other,
}

impl WriteOffReason {
    pub const ALL: [WriteOffReason; 5] = [
        WriteOffReason::Spoilage,
        WriteOffReason::StaffMeal,
        WriteOffReason::Tasting,
        WriteOffReason::Breakage,
        WriteOffReason::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            WriteOffReason::Spoilage => "spoilage",
            WriteOffReason::StaffMeal => "staff_meal",
            WriteOffReason::Tasting => "tasting",
            WriteOffReason::Breakage => "breakage",
            WriteOffReason::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<WriteOffReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
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
            DocKind::WriteOff,
            DocKind::Inventory,
            DocKind::Return,
        ];
        let names: Vec<&str> = all.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "invoice",
                "move",
                "adjustment",
                "receipt",
                "writeoff",
                "inventory",
                "return"
            ]
        );
        for reason in WriteOffReason::ALL {
            assert_eq!(WriteOffReason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(WriteOffReason::parse("theft"), None);
        assert_eq!(
            DocRef::of(MoveId::new(7)),
            DocRef {
                kind: DocKind::Move,
                id: 7
            }
        );
    }
}
