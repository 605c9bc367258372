//! Ids of the things an account keeps, one type per kind, so that a product id cannot be
//! passed where a storage id belongs. Every id is a positive integer numbered per account
//! (see `db::ids`); on the wire and in the database it is that integer.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What every id type offers beyond its own name: the integer inside.
pub trait Id: Copy + Send + Sync + 'static {
    fn new(value: i64) -> Self;
    fn get(self) -> i64;
}

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl Id for $name {
            fn new(value: i64) -> Self {
                $name(value)
            }

            fn get(self) -> i64 {
                self.0
            }
        }

        impl $name {
            pub const fn new(value: i64) -> Self {
                $name(value)
            }

            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                <i64 as utoipa::PartialSchema>::schema()
            }
        }

        impl utoipa::ToSchema for $name {}
    )+};
}

ids! {
    /// A tenant: everything else belongs to exactly one account.
    AccountId,
    /// An API key (its row, never its secret).
    KeyId,
    StorageId,
    ShopId,
    ProductId,
    CategoryId,
    PackageId,
    WorkspaceId,
    ShipperId,
    TaxId,
    PaymentTypeId,
    MenuId,
    MenuSectionId,
    DiscountGroupId,
    ModifierGroupId,
    ModifierItemId,
    EmployeeId,
    ClientId,
    /// A supplier invoice.
    InvoiceId,
    /// A transfer between storages.
    MoveId,
    /// A write-off or stocktaking adjustment.
    AdjustmentId,
    /// A write-off act (spoilage, staff meals, tastings, breakage).
    WriteOffId,
    /// A stocktaking: counted quantities against the book as of its date.
    InventoryId,
    /// A return of goods to their supplier.
    ReturnId,
    /// A stock movement (one line of the ledger).
    MovementId,
    ShiftId,
    /// A receipt (and the order it was, before it was paid).
    ReceiptId,
    JobId,
    /// A webhook subscription.
    WebhookId,
    /// One event's delivery to one subscription, with its attempts.
    DeliveryId,
    /// A user of the admin web UI.
    UserId,
}
