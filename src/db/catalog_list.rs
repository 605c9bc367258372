//! The catalog as the back office lists it: every live product with its price and stop-list
//! state at one shop, and the account's shops.

use super::{DbError, Query};
use crate::domain::decimal::UnitCost;
use crate::domain::ids::{AccountId, ProductId, ShopId, StorageId};
use crate::{from_row, params};

/// A product as the catalog lists it, at one shop.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: ProductId,
    pub ref_code: String,
    pub name: String,
    pub measure: String,
    pub price: Option<UnitCost>,
    pub stopped: bool,
    /// Whether it is made by a tech map.
    pub has_map: bool,
}

from_row!(Listed {
    id,
    ref_code,
    name,
    measure,
    price,
    stopped,
    has_map
});

/// The account's live products by id, with their price and stop-list state at `shop_id`.
pub async fn products_at(
    q: &mut impl Query,
    account_id: AccountId,
    shop_id: ShopId,
) -> Result<Vec<Listed>, DbError> {
    q.all(
        "SELECT p.id, p.ref_code, p.name, p.measure, pp.price, COALESCE(s.stopped, 0) AS stopped, \
         CAST(CASE WHEN t.product_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_map FROM products p \
         LEFT JOIN product_prices pp ON pp.account_id = p.account_id AND pp.product_id = p.id \
              AND pp.shop_id = :shop_id \
         LEFT JOIN stop_list s ON s.account_id = p.account_id AND s.product_id = p.id \
              AND s.shop_id = :shop_id \
         LEFT JOIN tech_maps t ON t.account_id = p.account_id AND t.product_id = p.id \
         WHERE p.account_id = :account_id AND p.deleted = 0 ORDER BY p.id",
        params! { account_id, shop_id },
    )
    .await
}

/// A shop as lists name it.
#[derive(Debug, Clone)]
pub struct ShopRow {
    pub id: ShopId,
    pub name: String,
    pub storage_id: StorageId,
}

from_row!(ShopRow {
    id,
    name,
    storage_id
});

/// The account's live shops, by id.
pub async fn shops(q: &mut impl Query, account_id: AccountId) -> Result<Vec<ShopRow>, DbError> {
    q.all(
        "SELECT id, name, storage_id FROM shops WHERE account_id = :account_id AND deleted = 0 ORDER BY id",
        params! { account_id },
    )
    .await
}

/// A product's code and name, for pickers.
#[derive(Debug, Clone)]
pub struct Named {
    pub ref_code: String,
    pub name: String,
}

from_row!(Named { ref_code, name });

/// The account's live products' codes and names, by name.
pub async fn names(q: &mut impl Query, account_id: AccountId) -> Result<Vec<Named>, DbError> {
    q.all(
        "SELECT ref_code, name FROM products WHERE account_id = :account_id AND deleted = 0 ORDER BY name",
        params! { account_id },
    )
    .await
}

/// A payment type as the settings list it.
#[derive(Debug, Clone)]
pub struct PaymentTypeRow {
    pub id: crate::domain::ids::PaymentTypeId,
    pub name: String,
    pub kind: crate::domain::sales::PaymentKind,
}

from_row!(PaymentTypeRow { id, name, kind });

/// The account's live payment types, by id.
pub async fn payment_types(
    q: &mut impl Query,
    account_id: AccountId,
) -> Result<Vec<PaymentTypeRow>, DbError> {
    q.all(
        "SELECT id, name, kind FROM payment_types WHERE account_id = :account_id AND deleted = 0 ORDER BY id",
        params! { account_id },
    )
    .await
}
