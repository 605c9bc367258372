//! The catalog as the back office lists it: every live product with its price and stop-list
//! state at one shop, the account's shops, categories, menus with their sections and items,
//! and a product's prices.

use super::{DbError, Query};
use crate::domain::decimal::UnitCost;
use crate::domain::ids::{
    AccountId, CategoryId, MenuId, MenuSectionId, ProductId, ShopId, StorageId,
};
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

/// A live category with its parent's code and how many live products it holds.
#[derive(Debug, Clone)]
pub struct CategoryListed {
    pub id: CategoryId,
    pub ref_code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub products: i64,
}

from_row!(CategoryListed {
    id,
    ref_code,
    name,
    parent_code,
    products
});

/// The account's live categories by name, the products counted in one pass.
pub async fn categories(
    q: &mut impl Query,
    account_id: AccountId,
) -> Result<Vec<CategoryListed>, DbError> {
    q.all(
        "SELECT c.id, c.ref_code, c.name, p.ref_code AS parent_code, COALESCE(k.n, 0) AS products \
         FROM categories c \
         LEFT JOIN categories p ON p.account_id = c.account_id AND p.id = c.parent_id \
         LEFT JOIN (SELECT category_id, CAST(COUNT(*) AS BIGINT) AS n FROM products \
                    WHERE account_id = :account_id AND deleted = 0 GROUP BY category_id) k \
              ON k.category_id = c.id \
         WHERE c.account_id = :account_id AND c.deleted = 0 ORDER BY c.name, c.id",
        params! { account_id },
    )
    .await
}

/// A live menu.
#[derive(Debug, Clone)]
pub struct MenuListed {
    pub id: MenuId,
    pub name: String,
}

from_row!(MenuListed { id, name });

/// The account's live menus, by id.
pub async fn menus(q: &mut impl Query, account_id: AccountId) -> Result<Vec<MenuListed>, DbError> {
    q.all(
        "SELECT id, name FROM menus WHERE account_id = :account_id AND deleted = 0 ORDER BY id",
        params! { account_id },
    )
    .await
}

/// A live section of a menu, with its parent's code.
#[derive(Debug, Clone)]
pub struct SectionListed {
    pub id: MenuSectionId,
    pub ref_code: String,
    pub menu_id: MenuId,
    pub name: String,
    pub level: i64,
    pub parent_code: Option<String>,
}

from_row!(SectionListed {
    id,
    ref_code,
    menu_id,
    name,
    level,
    parent_code
});

/// The account's live menu sections, by menu, level and name.
pub async fn sections(
    q: &mut impl Query,
    account_id: AccountId,
) -> Result<Vec<SectionListed>, DbError> {
    q.all(
        "SELECT s.id, s.ref_code, s.menu_id, s.name, s.level, p.ref_code AS parent_code \
         FROM menu_sections s \
         LEFT JOIN menu_sections p ON p.account_id = s.account_id AND p.id = s.parent_id \
         WHERE s.account_id = :account_id AND s.deleted = 0 ORDER BY s.menu_id, s.level, s.name, s.id",
        params! { account_id },
    )
    .await
}

/// A product shown in a menu section.
#[derive(Debug, Clone)]
pub struct SectionItem {
    pub section_id: MenuSectionId,
    pub product_id: ProductId,
    pub ref_code: String,
    pub name: String,
}

from_row!(SectionItem {
    section_id,
    product_id,
    ref_code,
    name
});

/// Every live product in every section of the account, by section and name.
pub async fn section_items(
    q: &mut impl Query,
    account_id: AccountId,
) -> Result<Vec<SectionItem>, DbError> {
    q.all(
        "SELECT i.section_id, i.product_id, p.ref_code, p.name FROM menu_items i \
         JOIN products p ON p.account_id = i.account_id AND p.id = i.product_id \
         WHERE i.account_id = :account_id AND p.deleted = 0 ORDER BY i.section_id, p.name",
        params! { account_id },
    )
    .await
}

/// A product's price at a shop.
#[derive(Debug, Clone)]
pub struct ShopPrice {
    pub shop_id: ShopId,
    pub price: UnitCost,
}

from_row!(ShopPrice { shop_id, price });

/// A product's prices, by shop.
pub async fn prices_of(
    q: &mut impl Query,
    account_id: AccountId,
    product_id: ProductId,
) -> Result<Vec<ShopPrice>, DbError> {
    q.all(
        "SELECT shop_id, price FROM product_prices \
         WHERE account_id = :account_id AND product_id = :product_id ORDER BY shop_id",
        params! { account_id, product_id },
    )
    .await
}

/// The codes of a product's category and workspace, where it has them.
#[derive(Debug, Clone, Default)]
pub struct CardCodes {
    pub category_code: Option<String>,
    pub workspace_code: Option<String>,
}

from_row!(CardCodes {
    category_code,
    workspace_code
});

/// The codes of product `product_id`'s category and workspace.
pub async fn card_codes(
    q: &mut impl Query,
    account_id: AccountId,
    product_id: ProductId,
) -> Result<Option<CardCodes>, DbError> {
    q.optional(
        "SELECT c.ref_code AS category_code, w.ref_code AS workspace_code FROM products p \
         LEFT JOIN categories c ON c.account_id = p.account_id AND c.id = p.category_id \
         LEFT JOIN workspaces w ON w.account_id = p.account_id AND w.id = p.workspace_id \
         WHERE p.account_id = :account_id AND p.id = :product_id",
        params! { account_id, product_id },
    )
    .await
}
