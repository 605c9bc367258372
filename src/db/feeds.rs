//! Queries of the sync feeds (API.md §8): pages of products by id, balances of a shop's
//! storage, clients, and the small lists. `since`: `None` for everything alive, else rows
//! changed at or after that second, deleted ones included.

use super::{Db, DbError, Row, Value};
use crate::domain::ids::AccountId;

/// Rows per page of a paged feed.
pub const PAGE: i64 = 1000;

/// A product as the products feeds show it, with its price (and declared cost) at the shop
/// and its balance in the shop's storage.
#[derive(Debug, Clone)]
pub struct FeedProduct {
    pub id: i64,
    pub name: String,
    pub entity_type: String,
    pub cancellation_type: i64,
    pub measure: String,
    pub deleted: bool,
    pub use_discounts: bool,
    pub ref_code: String,
    pub for_sale: bool,
    pub free_price: bool,
    pub category_id: Option<i64>,
    pub workspace_id: Option<i64>,
    pub tax_id: Option<i64>,
    pub price: i64,
    pub self_cost: Option<i64>,
    pub description: String,
    pub balance: (i64, i64),
    /// On the shop's stop list (sold out for now).
    pub in_stop_list: bool,
}

fn product(r: &Row) -> Result<FeedProduct, DbError> {
    Ok(FeedProduct {
        id: r.int(0)?,
        name: r.text(1)?,
        entity_type: r.text(2)?,
        cancellation_type: r.int(3)?,
        measure: r.text(4)?,
        deleted: r.flag(5)?,
        use_discounts: r.flag(6)?,
        ref_code: r.text(7)?,
        for_sale: r.flag(8)?,
        free_price: r.flag(9)?,
        category_id: r.opt_int(10)?,
        workspace_id: r.opt_int(11)?,
        tax_id: r.opt_int(12)?,
        price: r.opt_int(13)?.unwrap_or(0),
        self_cost: r.opt_int(14)?,
        description: r.text(15)?,
        balance: (r.opt_int(16)?.unwrap_or(0), r.opt_int(17)?.unwrap_or(0)),
        in_stop_list: r.opt_int(18)?.unwrap_or(0) != 0,
    })
}

/// Which products a page holds.
pub struct ProductPage<'a> {
    pub shop_id: i64,
    pub storage_id: i64,
    pub start_id: i64,
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
         p.for_sale, p.free_price, p.category_id, p.workspace_id, p.tax_id, pp.price, pp.self_cost, p.description, \
         b.qty, b.value, s.stopped FROM products p \
         LEFT JOIN product_prices pp ON pp.account_id = p.account_id AND pp.product_id = p.id AND pp.shop_id = $2 \
         LEFT JOIN stock_balances b ON b.account_id = p.account_id AND b.storage_id = $3 AND b.product_id = p.id \
         LEFT JOIN stop_list s ON s.account_id = p.account_id AND s.shop_id = $2 AND s.product_id = p.id \
         WHERE p.account_id = $1 AND p.id > $4",
    );
    let mut params: Vec<Value> = vec![
        account_id.into(),
        page.shop_id.into(),
        page.storage_id.into(),
        page.start_id.into(),
    ];
    match page.since {
        None => sql.push_str(" AND p.deleted = 0"),
        Some(since) => {
            params.push(since.into());
            sql.push_str(&format!(
                " AND (p.updated_at >= ${n} OR pp.updated_at >= ${n} OR s.updated_at >= ${n})",
                n = params.len()
            ));
        }
    }
    if let Some(kind) = page.entity_type {
        params.push(kind.into());
        sql.push_str(&format!(" AND p.entity_type = ${}", params.len()));
    }
    sql.push_str(&format!(" ORDER BY p.id LIMIT {PAGE}"));
    let rows = db.read().await.fetch_all(&sql, &params).await?;
    rows.iter().map(product).collect()
}

/// A balance of the shop's storage: (product id, qty, value).
pub async fn balances(
    db: &Db,
    account_id: AccountId,
    storage_id: i64,
    since: Option<i64>,
) -> Result<Vec<(i64, i64, i64)>, DbError> {
    let mut sql = String::from("SELECT product_id, qty, value FROM stock_balances WHERE account_id = $1 AND storage_id = $2");
    let mut params: Vec<Value> = vec![account_id.into(), storage_id.into()];
    if let Some(since) = since {
        params.push(since.into());
        sql.push_str(" AND updated_at >= $3");
    }
    sql.push_str(" ORDER BY product_id");
    let rows = db.read().await.fetch_all(&sql, &params).await?;
    rows.iter()
        .map(|r| Ok((r.int(0)?, r.int(1)?, r.int(2)?)))
        .collect()
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
    pub bonus_balance: i64,
    pub pay_balance: i64,
    pub email: Option<String>,
    pub deleted_at: Option<i64>,
    pub group_id: Option<i64>,
    pub group: Option<(String, i64, String, i64)>,
}

pub async fn clients(
    db: &Db,
    account_id: AccountId,
    since: Option<i64>,
) -> Result<Vec<FeedClient>, DbError> {
    let mut sql = String::from(
        "SELECT c.uuid, c.name, c.last_name, c.norm_name, c.phone, c.address, c.norm_phone, c.card_number, \
         c.bonus_balance, c.pay_balance, c.email, c.deleted_at, c.group_id, g.kind, g.bonus_max_bill_rate, g.name, g.rate \
         FROM clients c LEFT JOIN discount_groups g ON g.account_id = c.account_id AND g.id = c.group_id \
         WHERE c.account_id = $1",
    );
    let mut params: Vec<Value> = vec![account_id.into()];
    match since {
        None => sql.push_str(" AND c.deleted_at IS NULL"),
        Some(since) => {
            params.push(since.into());
            sql.push_str(" AND c.updated_at >= $2");
        }
    }
    sql.push_str(" ORDER BY c.created_at, c.uuid");
    let rows = db.read().await.fetch_all(&sql, &params).await?;
    rows.iter()
        .map(|r| {
            let group = match r.opt_text(13)? {
                Some(kind) => Some((kind, r.int(14)?, r.text(15)?, r.int(16)?)),
                None => None,
            };
            Ok(FeedClient {
                uuid: r.text(0)?,
                name: r.text(1)?,
                last_name: r.text(2)?,
                norm_name: r.text(3)?,
                phone: r.text(4)?,
                address: r.text(5)?,
                norm_phone: r.text(6)?,
                card_number: r.text(7)?,
                bonus_balance: r.int(8)?,
                pay_balance: r.int(9)?,
                email: r.opt_text(10)?,
                deleted_at: r.opt_int(11)?,
                group_id: r.opt_int(12)?,
                group,
            })
        })
        .collect()
}

/// Live categories: (id, name, parent id).
pub async fn categories(
    db: &Db,
    account_id: AccountId,
) -> Result<Vec<(i64, String, Option<i64>)>, DbError> {
    let rows = db
        .read()
        .await
        .fetch_all(
            "SELECT id, name, parent_id FROM categories WHERE account_id = $1 AND deleted = 0 ORDER BY id",
            &[account_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| Ok((r.int(0)?, r.text(1)?, r.opt_int(2)?)))
        .collect()
}

/// Live workspaces: (id, ref_code, name).
pub async fn workspaces(
    db: &Db,
    account_id: AccountId,
) -> Result<Vec<(i64, String, String)>, DbError> {
    let rows = db
        .read()
        .await
        .fetch_all(
            "SELECT id, ref_code, name FROM workspaces WHERE account_id = $1 AND deleted = 0 ORDER BY id",
            &[account_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| Ok((r.int(0)?, r.text(1)?, r.text(2)?)))
        .collect()
}

/// Live taxes: (id, name, rate in hundredths of a percent).
pub async fn taxes(db: &Db, account_id: AccountId) -> Result<Vec<(i64, String, i64)>, DbError> {
    let rows = db
        .read()
        .await
        .fetch_all(
            "SELECT id, name, rate FROM taxes WHERE account_id = $1 AND deleted = 0 ORDER BY id",
            &[account_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| Ok((r.int(0)?, r.text(1)?, r.int(2)?)))
        .collect()
}

/// A product's data at a shop, as `get_product_shop_data` shows it.
#[derive(Debug, Clone)]
pub struct ShopData {
    pub product_id: i64,
    pub price: i64,
    /// For sale and not deleted.
    pub available: bool,
    pub balance: (i64, i64),
    pub in_stop_list: bool,
}

/// The shop's data of every product priced there: all, or changed since `since`.
pub async fn shop_data(
    db: &Db,
    account_id: AccountId,
    shop_id: i64,
    storage_id: i64,
    since: Option<i64>,
) -> Result<Vec<ShopData>, DbError> {
    let mut sql = String::from(
        "SELECT pp.product_id, pp.price, p.for_sale, p.deleted, b.qty, b.value, s.stopped FROM product_prices pp \
         JOIN products p ON p.account_id = pp.account_id AND p.id = pp.product_id \
         LEFT JOIN stock_balances b ON b.account_id = pp.account_id AND b.storage_id = $3 AND b.product_id = pp.product_id \
         LEFT JOIN stop_list s ON s.account_id = pp.account_id AND s.shop_id = pp.shop_id AND s.product_id = pp.product_id \
         WHERE pp.account_id = $1 AND pp.shop_id = $2",
    );
    let mut params: Vec<Value> = vec![account_id.into(), shop_id.into(), storage_id.into()];
    if let Some(since) = since {
        params.push(since.into());
        sql.push_str(" AND (pp.updated_at >= $4 OR p.updated_at >= $4 OR s.updated_at >= $4)");
    }
    sql.push_str(" ORDER BY pp.product_id");
    let rows = db.read().await.fetch_all(&sql, &params).await?;
    rows.iter()
        .map(|r| {
            Ok(ShopData {
                product_id: r.int(0)?,
                price: r.int(1)?,
                available: r.flag(2)? && !r.flag(3)?,
                balance: (r.opt_int(4)?.unwrap_or(0), r.opt_int(5)?.unwrap_or(0)),
                in_stop_list: r.opt_int(6)?.unwrap_or(0) != 0,
            })
        })
        .collect()
}
