//! What every way of making products shares (invoices, the products API, the menu import):
//! checking a product's fields, resolving what it refers to, the administrator-made objects a
//! payload may name, and finding or creating `ref_code` objects.
//!
//! **Find-or-create** (API.md §0, `ref_code` objects) must find one object even when requests
//! naming the same new code run at the same moment, on PostgreSQL too, where transactions do
//! not queue for one writer as on SQLite. Every creator follows the same steps:
//! 1. read the codes; those found are done (the common case takes no lock);
//! 2. reserve ids for the missing ones ([`ids::reserve`]): that locks the kind's counter row
//!    until commit, so a concurrent creator of the same kind has committed when it returns;
//! 3. read the missing codes again (a new statement sees what that creator committed) and
//!    create only those still missing, under the reserved ids (ids left over are skipped:
//!    harmless gaps);
//! 4. insert with `ON CONFLICT (account_id, ref_code) DO NOTHING` and read the codes back, so
//!    that even a writer outside these steps could only cost a gap, never a refusal.
//!
//! Counters are taken in one order (see [`crate::db::ids`]), so creators never deadlock.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use crate::db::catalog::{self, CodedId, NewCoded, NewPrice};
use crate::db::ids;
use crate::db::objects;
use crate::db::products::NewProduct;
use crate::db::Tx;
use crate::domain::decimal::Qty;
use crate::domain::ids::{AccountId, CategoryId, ProductId, ShopId, StorageId, TaxId, WorkspaceId};
use crate::domain::product::{CancellationType, EntityType, Measure};
use crate::wire::invoices::ProductIn;
use crate::wire::moves::ProductAmountIn;

use super::{ServiceError, ServiceResult};

/// The administrator-made objects of the account that a payload may refer to.
pub struct Known {
    pub storages: HashSet<StorageId>,
    pub shops: HashSet<ShopId>,
    /// tax id → rate in percent
    pub taxes: HashMap<TaxId, Decimal>,
}

impl Known {
    pub async fn load(tx: &mut Tx, account_id: AccountId) -> ServiceResult<Known> {
        Ok(Known {
            storages: objects::live_ids(tx, account_id).await?,
            shops: objects::live_ids(tx, account_id).await?,
            taxes: catalog::tax_rates(tx, account_id).await?,
        })
    }

    pub fn require_storage(&self, id: StorageId, field: &str) -> ServiceResult<()> {
        require(self.storages.contains(&id), field, "storage", id.get())
    }
    pub fn require_shop(&self, id: ShopId, field: &str) -> ServiceResult<()> {
        require(self.shops.contains(&id), field, "shop", id.get())
    }
    pub fn require_tax(&self, id: TaxId, field: &str) -> ServiceResult<()> {
        require(self.taxes.contains_key(&id), field, "tax", id.get())
    }
}

fn require(found: bool, field: &str, what: &str, id: i64) -> ServiceResult<()> {
    if found {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            field.to_owned(),
            format!("{what} {id} does not exist in this account"),
        ))
    }
}

/// Fails naming `field` when `text` is blank.
pub fn not_blank(text: &str, field: impl Into<String>, what: &str) -> ServiceResult<()> {
    if text.trim().is_empty() {
        Err(ServiceError::invalid(
            field,
            format!("{what} must not be empty"),
        ))
    } else {
        Ok(())
    }
}

/// A product of a payload whose own fields are checked; `prefix` locates it in the payload
/// (`products[3].`, or empty for a body that is the product).
pub struct ProductSpec<'a> {
    pub input: &'a ProductIn,
    pub prefix: String,
    pub entity_type: EntityType,
    pub measure: Measure,
    pub cancellation: CancellationType,
}

pub fn check_product(p: &ProductIn, prefix: String) -> ServiceResult<ProductSpec<'_>> {
    let field = |name: &str| format!("{prefix}{name}");
    not_blank(&p.ref_code, field("ref_code"), "ref_code")?;
    not_blank(&p.name, field("name"), "name")?;
    let entity_type = match p.entity_type.as_deref() {
        None => EntityType::Product,
        Some(t) => EntityType::parse(t).ok_or_else(|| {
            ServiceError::invalid(
                field("type"),
                "type must be product, tech_map or sub_product",
            )
        })?,
    };
    let measure = match p.measure.as_deref() {
        None => Measure::Pcs,
        Some(m) => Measure::parse(m).ok_or_else(|| {
            ServiceError::invalid(field("measure"), "measure must be pcs, kg or l")
        })?,
    };
    if p.weight_in_gram.is_some_and(|w| w < 0) {
        return Err(ServiceError::invalid(
            field("weight_in_gram"),
            "weight must not be negative",
        ));
    }
    for (j, price) in p.prices.iter().enumerate() {
        for (name, negative) in [
            ("price", price.price.is_negative()),
            (
                "self_cost",
                price
                    .self_cost
                    .is_some_and(super::super::domain::decimal::Fixed::is_negative),
            ),
        ] {
            if negative {
                return Err(ServiceError::invalid(
                    field(&format!("prices[{j}].{name}")),
                    format!("{name} must not be negative"),
                ));
            }
        }
    }
    Ok(ProductSpec {
        input: p,
        entity_type,
        measure,
        cancellation: p.cancellation_type.unwrap_or(CancellationType::CancelDish),
        prefix,
    })
}

/// What products refer to, resolved: code → id.
pub struct CatalogRefs<'a> {
    pub categories: &'a HashMap<String, CategoryId>,
    pub workspaces: &'a HashMap<String, WorkspaceId>,
    pub known: &'a Known,
}

impl ProductSpec<'_> {
    fn field(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// Checks that everything the product names exists.
    pub fn check_refs(&self, refs: &CatalogRefs<'_>) -> ServiceResult<()> {
        let p = self.input;
        if let Some(tax) = p.caf_tax_id {
            refs.known.require_tax(tax, &self.field("caf_tax_id"))?;
        }
        let known_category = |c: &String| refs.categories.contains_key(c);
        let known_workspace = |c: &String| refs.workspaces.contains_key(c);
        for (code, known, name, what) in [
            (
                &p.category_ref_code,
                p.category_ref_code.as_ref().is_none_or(known_category),
                "category_ref_code",
                "category",
            ),
            (
                &p.workspace_ref_code,
                p.workspace_ref_code.as_ref().is_none_or(known_workspace),
                "workspace_ref_code",
                "workspace",
            ),
        ] {
            if let (Some(code), false) = (code, known) {
                return Err(ServiceError::invalid(
                    self.field(name),
                    format!("no {what} {code:?} in the payload or the account"),
                ));
            }
        }
        for (j, price) in p.prices.iter().enumerate() {
            let field = |name: &str| self.field(&format!("prices[{j}].{name}"));
            refs.known
                .require_shop(price.caf_shop_id, &field("caf_shop_id"))?;
            if let Some(storage) = price.caf_storage_id {
                refs.known
                    .require_storage(storage, &field("caf_storage_id"))?;
            }
        }
        Ok(())
    }

    /// The row to write under `id` (references already checked).
    pub fn row(&self, id: ProductId, refs: &CatalogRefs<'_>) -> NewProduct {
        fn lookup<T: Copy>(code: Option<&String>, map: &HashMap<String, T>) -> Option<T> {
            code.and_then(|c| map.get(c).copied())
        }
        let p = self.input;
        NewProduct {
            id,
            ref_code: p.ref_code.clone(),
            name: p.name.trim().to_owned(),
            entity_type: self.entity_type,
            cancellation_type: self.cancellation,
            for_sale: p.for_sale.unwrap_or(true),
            measure: self.measure,
            barcode: p.barcode.clone().unwrap_or_default(),
            country: p.country.clone().unwrap_or_default(),
            weight_in_gram: p.weight_in_gram.unwrap_or(0),
            tax_id: p.caf_tax_id,
            category_id: lookup(p.category_ref_code.as_ref(), refs.categories),
            workspace_id: lookup(p.workspace_ref_code.as_ref(), refs.workspaces),
            use_discounts: p.use_discounts.unwrap_or(true),
            description: String::new(),
            deleted: false,
        }
    }

    /// One price per shop (a later entry for the same shop wins); the declared cost is kept
    /// only when `keep_self_cost` (the account's stock module is off).
    pub fn prices(&self, id: ProductId, keep_self_cost: bool) -> Vec<NewPrice> {
        let mut per_shop: HashMap<ShopId, NewPrice> = HashMap::new();
        for price in &self.input.prices {
            let row = NewPrice {
                product_id: id,
                shop_id: price.caf_shop_id,
                storage_id: price.caf_storage_id,
                price: price.price,
                self_cost: price.self_cost.filter(|_| keep_self_cost),
            };
            per_shop.insert(price.caf_shop_id, row);
        }
        let mut prices: Vec<NewPrice> = per_shop.into_values().collect();
        prices.sort_by_key(|p| p.shop_id);
        prices
    }
}

/// Finds the rows of `table` with these codes, creating those missing with their code as name.
pub async fn ensure_coded<T: CodedId>(
    tx: &mut Tx,
    account_id: AccountId,
    codes: &[String],
    now: i64,
) -> ServiceResult<HashMap<String, T>> {
    let mut found = catalog::ids_by_code(tx, account_id, codes).await?;
    let mut missing: Vec<&String> = codes.iter().filter(|c| !found.contains_key(*c)).collect();
    missing.sort();
    missing.dedup();
    let new = missing
        .into_iter()
        .map(|code| NewCode {
            ref_code: code.clone(),
            name: code.clone(),
            parent: None,
        })
        .collect();
    create_coded(tx, account_id, &mut found, new, now).await?;
    Ok(found)
}

/// A category, workspace or shipper to create when its code is missing.
pub struct NewCode {
    pub ref_code: String,
    pub name: String,
    /// For categories: the parent's code, found or earlier in the list.
    pub parent: Option<String>,
}

/// Steps 2–4 of find-or-create (see the module's documentation) for `new`, codes not in
/// `found` (distinct, each parent before its children); adds them to `found`.
pub async fn create_coded<T: CodedId, S: std::hash::BuildHasher>(
    tx: &mut Tx,
    account_id: AccountId,
    found: &mut HashMap<String, T, S>,
    new: Vec<NewCode>,
    now: i64,
) -> ServiceResult<()> {
    if new.is_empty() {
        return Ok(());
    }
    let first = ids::reserve(
        tx,
        account_id,
        T::TABLE.kind(),
        i64::try_from(new.len()).unwrap_or(i64::MAX),
    )
    .await?;
    let codes: Vec<String> = new.iter().map(|n| n.ref_code.clone()).collect();
    found.extend(catalog::ids_by_code(tx, account_id, &codes).await?);
    let still_missing: Vec<NewCode> = new
        .into_iter()
        .filter(|n| !found.contains_key(&n.ref_code))
        .collect();
    let mut rows = Vec::with_capacity(still_missing.len());
    for (n, code) in still_missing.into_iter().enumerate() {
        let id = T::new(first + i64::try_from(n).unwrap_or(i64::MAX));
        let parent_id = code.parent.as_ref().and_then(|p| found.get(p).copied());
        found.insert(code.ref_code.clone(), id);
        rows.push(NewCoded {
            id,
            ref_code: code.ref_code,
            name: code.name,
            parent_id,
        });
    }
    if rows.is_empty() {
        return Ok(());
    }
    catalog::insert_coded(tx, account_id, &rows, now).await?;
    let inserted: Vec<String> = rows.into_iter().map(|r| r.ref_code).collect();
    found.extend(catalog::ids_by_code(tx, account_id, &inserted).await?);
    Ok(())
}

/// Fails naming the first `items[i].amount` that is not positive.
pub fn check_amounts(items: &[ProductAmountIn]) -> ServiceResult<()> {
    match items
        .iter()
        .position(|item| item.amount.decimal() <= Decimal::ZERO)
    {
        Some(i) => Err(ServiceError::invalid(
            format!("items[{i}].amount"),
            "amount must be positive",
        )),
        None => Ok(()),
    }
}

/// The lines as (product id, amount); 422 naming the first unknown product code.
pub async fn resolve_amounts(
    tx: &mut Tx,
    account_id: AccountId,
    items: &[ProductAmountIn],
) -> ServiceResult<Vec<(ProductId, Qty)>> {
    let codes: Vec<String> = items.iter().map(|i| i.product_code.clone()).collect();
    let found = catalog::products_by_code(tx, account_id, &codes).await?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match found.get(&item.product_code) {
            Some(product) => Ok((product.id, item.amount)),
            None => Err(ServiceError::invalid(
                format!("items[{i}].product_code"),
                format!("no product {:?} in the account", item.product_code),
            )),
        })
        .collect()
}
