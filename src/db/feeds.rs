//! Queries of the sync feeds (API.md §8): pages of products by id, balances of a shop's
//! storage, clients, and the small lists. `since`: `None` for everything alive, else rows
//! changed at or after that second, deleted ones included.

use std::fmt::Write as _;

use super::{Db, DbError, Param, Query, Value};
use crate::domain::decimal::{Money, Percent, Qty, UnitCost};
use crate::domain::ids::{
    AccountId, CategoryId, DiscountGroupId, ProductId, ShopId, StorageId, TaxId, WorkspaceId,
};
use crate::domain::stock::Balance;
use crate::{from_row, params};

/// Rows per page of a paged feed.
pub const PAGE: i64 = 1000;

/// A product as the products feeds show it, with its price (and declared cost) at the shop
/// and its balance in the shop's storage.
#[derive(Debug, Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent product flags, as the API and the table name them"
)]
pub struct FeedProduct {
    pub id: ProductId,
    pub name: String,
    pub entity_type: String,
    pub cancellation_type: i64,
    pub measure: String,
    pub deleted: bool,
    pub use_discounts: bool,
    pub ref_code: String,
    pub for_sale: bool,
    pub free_price: bool,
    pub category_id: Option<CategoryId>,
    pub workspace_id: Option<WorkspaceId>,
    pub tax_id: Option<TaxId>,
    /// The price at the shop (0 when it has none).
    pub price: UnitCost,
    /// The cost declared at the shop, if any.
    pub self_cost: Option<UnitCost>,
    pub description: String,
    /// The balance in the shop's storage (0 when there is none).
    pub qty: Qty,
    pub value: Money,
    /// On the shop's stop list (sold out for now).
    pub in_stop_list: bool,
}

from_row!(FeedProduct {
    id,
    name,
    entity_type,
    cancellation_type,
    measure,
    deleted,
    use_discounts,
    ref_code,
    for_sale,
    free_price,
    category_id,
    workspace_id,
    tax_id,
    price,
    self_cost,
    description,
    qty,
    value,
    in_stop_list
});

impl FeedProduct {
    pub fn balance(&self) -> Balance {
        Balance {
            qty: self.qty,
            value: self.value,
        }
    }
}

/// Which products a page holds.
pub struct ProductPage<'a> {
    pub shop_id: ShopId,
    pub storage_id: StorageId,
    pub start_id: ProductId,
    pub since: Option<i64>,
    pub entity_type: Option<&'a str>,
}

pub async fn products(
    db: &Db,
    account_id: AccountId,
    page: &ProductPage<'_>,
) -> Result<Vec<FeedProduct>, DbError> {
    let mut sql = String::from(
        "SELECT p.id, p.name, p.entity_type, p.cancellation_type, p.measure, p.deleted, p.use_discounts, p.ref_code, \
         p.for_sale, p.free_price, p.category_id, p.workspace_id, p.tax_id, COALESCE(pp.price, 0) AS price, \
         pp.self_cost, p.description, COALESCE(b.qty, 0) AS qty, COALESCE(b.value, 0) AS value, \
         COALESCE(s.stopped, 0) AS in_stop_list FROM products p \
         LEFT JOIN product_prices pp ON pp.account_id = p.account_id AND pp.product_id = p.id AND pp.shop_id = :shop_id \
         LEFT JOIN stock_balances b ON b.account_id = p.account_id AND b.storage_id = :storage_id AND b.product_id = p.id \
         LEFT JOIN stop_list s ON s.account_id = p.account_id AND s.shop_id = :shop_id AND s.product_id = p.id \
         WHERE p.account_id = :account_id AND p.id > :start_id",
    );
    let mut params: Vec<Param> = params! {
        account_id,
        shop_id: page.shop_id,
        storage_id: page.storage_id,
        start_id: page.start_id,
    }
    .to_vec();
    match page.since {
        None => sql.push_str(" AND p.deleted = 0"),
        Some(since) => {
            params.push(("since", Value::from(since)));
            sql.push_str(
                " AND (p.updated_at >= :since OR pp.updated_at >= :since OR s.updated_at >= :since)",
            );
        }
    }
    if let Some(kind) = page.entity_type {
        params.push(("kind", Value::from(kind)));
        sql.push_str(" AND p.entity_type = :kind");
    }
    // writing into a `String` cannot fail
    let _ = write!(sql, " ORDER BY p.id LIMIT {PAGE}");
    db.read().await.all(&sql, &params).await
}

/// A balance of the shop's storage.
#[derive(Debug, Clone)]
pub struct FeedBalance {
    pub product_id: ProductId,
    pub qty: Qty,
    pub value: Money,
}

from_row!(FeedBalance {
    product_id,
    qty,
    value
});

impl FeedBalance {
    pub fn balance(&self) -> Balance {
        Balance {
            qty: self.qty,
            value: self.value,
        }
    }
}

pub async fn balances(
    db: &Db,
    account_id: AccountId,
    storage_id: StorageId,
    since: Option<i64>,
) -> Result<Vec<FeedBalance>, DbError> {
    let mut reader = db.read().await;
    match since {
        None => {
            reader
                .all(
                    "SELECT product_id, qty, value FROM stock_balances \
                     WHERE account_id = :account_id AND storage_id = :storage_id ORDER BY product_id",
                    params! { account_id, storage_id },
                )
                .await
        }
        Some(since) => {
            reader
                .all(
                    "SELECT product_id, qty, value FROM stock_balances \
                     WHERE account_id = :account_id AND storage_id = :storage_id AND updated_at >= :since \
                     ORDER BY product_id",
                    params! { account_id, storage_id, since },
                )
                .await
        }
    }
}

/// A client with its discount group, as the clients feed shows it.
#[derive(Debug, Clone)]
pub struct FeedClient {
    pub uuid: String,
    pub name: String,
    pub last_name: String,
    pub norm_name: String,
    pub phone: String,
    pub address: String,
    pub norm_phone: String,
    pub card_number: String,
    pub bonus_balance: Money,
    pub pay_balance: Money,
    pub email: Option<String>,
    pub deleted_at: Option<i64>,
    pub group_id: Option<DiscountGroupId>,
    /// The group's kind; `None` when the client has no group (so neither have the others).
    pub group_kind: Option<String>,
    /// The most of a bill bonuses may pay.
    pub group_cap: Option<Percent>,
    pub group_name: Option<String>,
    /// The group's discount or bonus rate.
    pub group_rate: Option<Percent>,
}

from_row!(FeedClient {
    uuid,
    name,
    last_name,
    norm_name,
    phone,
    address,
    norm_phone,
    card_number,
    bonus_balance,
    pay_balance,
    email,
    deleted_at,
    group_id,
    group_kind,
    group_cap,
    group_name,
    group_rate
});

pub async fn clients(
    db: &Db,
    account_id: AccountId,
    since: Option<i64>,
) -> Result<Vec<FeedClient>, DbError> {
    const SELECT: &str = "SELECT c.uuid, c.name, c.last_name, c.norm_name, c.phone, c.address, c.norm_phone, \
         c.card_number, c.bonus_balance, c.pay_balance, c.email, c.deleted_at, c.group_id, g.kind AS group_kind, \
         g.bonus_max_bill_rate AS group_cap, g.name AS group_name, g.rate AS group_rate \
         FROM clients c LEFT JOIN discount_groups g ON g.account_id = c.account_id AND g.id = c.group_id \
         WHERE c.account_id = :account_id";
    let mut reader = db.read().await;
    match since {
        None => {
            let sql = format!("{SELECT} AND c.deleted_at IS NULL ORDER BY c.created_at, c.uuid");
            reader.all(&sql, params! { account_id }).await
        }
        Some(since) => {
            let sql = format!("{SELECT} AND c.updated_at >= :since ORDER BY c.created_at, c.uuid");
            reader.all(&sql, params! { account_id, since }).await
        }
    }
}

/// A live category.
#[derive(Debug, Clone)]
pub struct FeedCategory {
    pub id: CategoryId,
    pub name: String,
    pub parent_id: Option<CategoryId>,
}

from_row!(FeedCategory {
    id,
    name,
    parent_id
});

pub async fn categories(db: &Db, account_id: AccountId) -> Result<Vec<FeedCategory>, DbError> {
    db.read()
        .await
        .all(
            "SELECT id, name, parent_id FROM categories WHERE account_id = :account_id AND deleted = 0 ORDER BY id",
            params! { account_id },
        )
        .await
}

/// A live workspace.
#[derive(Debug, Clone)]
pub struct FeedWorkspace {
    pub id: WorkspaceId,
    pub ref_code: String,
    pub name: String,
}

from_row!(FeedWorkspace { id, ref_code, name });

pub async fn workspaces(db: &Db, account_id: AccountId) -> Result<Vec<FeedWorkspace>, DbError> {
    db.read()
        .await
        .all(
            "SELECT id, ref_code, name FROM workspaces WHERE account_id = :account_id AND deleted = 0 ORDER BY id",
            params! { account_id },
        )
        .await
}

/// A live tax.
#[derive(Debug, Clone)]
pub struct FeedTax {
    pub id: TaxId,
    pub name: String,
    pub rate: Percent,
}

from_row!(FeedTax { id, name, rate });

pub async fn taxes(db: &Db, account_id: AccountId) -> Result<Vec<FeedTax>, DbError> {
    db.read()
        .await
        .all(
            "SELECT id, name, rate FROM taxes WHERE account_id = :account_id AND deleted = 0 ORDER BY id",
            params! { account_id },
        )
        .await
}

/// A product's data at a shop, as `get_product_shop_data` shows it.
#[derive(Debug, Clone)]
pub struct ShopData {
    pub product_id: ProductId,
    pub price: UnitCost,
    pub for_sale: bool,
    pub deleted: bool,
    /// The balance in the shop's storage (0 when there is none).
    pub qty: Qty,
    pub value: Money,
    pub in_stop_list: bool,
}

from_row!(ShopData {
    product_id,
    price,
    for_sale,
    deleted,
    qty,
    value,
    in_stop_list
});

impl ShopData {
    /// For sale and not deleted.
    pub fn available(&self) -> bool {
        self.for_sale && !self.deleted
    }

    pub fn balance(&self) -> Balance {
        Balance {
            qty: self.qty,
            value: self.value,
        }
    }
}

/// The shop's data of every product priced there: all, or changed since `since`.
pub async fn shop_data(
    db: &Db,
    account_id: AccountId,
    shop_id: ShopId,
    storage_id: StorageId,
    since: Option<i64>,
) -> Result<Vec<ShopData>, DbError> {
    const SELECT: &str = "SELECT pp.product_id, pp.price, p.for_sale, p.deleted, COALESCE(b.qty, 0) AS qty, \
         COALESCE(b.value, 0) AS value, COALESCE(s.stopped, 0) AS in_stop_list FROM product_prices pp \
         JOIN products p ON p.account_id = pp.account_id AND p.id = pp.product_id \
         LEFT JOIN stock_balances b ON b.account_id = pp.account_id AND b.storage_id = :storage_id AND b.product_id = pp.product_id \
         LEFT JOIN stop_list s ON s.account_id = pp.account_id AND s.shop_id = pp.shop_id AND s.product_id = pp.product_id \
         WHERE pp.account_id = :account_id AND pp.shop_id = :shop_id";
    let mut reader = db.read().await;
    match since {
        None => {
            let sql = format!("{SELECT} ORDER BY pp.product_id");
            reader
                .all(&sql, params! { account_id, shop_id, storage_id })
                .await
        }
        Some(since) => {
            let sql = format!(
                "{SELECT} AND (pp.updated_at >= :since OR p.updated_at >= :since OR s.updated_at >= :since) \
                 ORDER BY pp.product_id"
            );
            reader
                .all(&sql, params! { account_id, shop_id, storage_id, since })
                .await
        }
    }
}
