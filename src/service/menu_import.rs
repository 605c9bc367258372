//! The menu import (API.md §5, `reference/items.md` §1): the integrating program's categories,
//! menu sections and items, written in one transaction.
//!
//! The import is the explicit way to keep a catalog in step with another program, so it
//! overwrites what it names (a product's card, a category's name) and creates what is missing.
//! It writes only what differs: importing the same payload twice changes nothing the second
//! time, not even `updated_at`. A full import also removes from the custom menu what the
//! payload does not name (sections, and products' places in sections); products themselves
//! stay. With `update_balances`, one inventory adjustment brings every listed balance to
//! exactly the given quantity.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::catalog::{self, CategoryRow, NewPrice};
use crate::db::ids::{self, Kind};
use crate::db::menus::{self, Link, SectionRow};
use crate::db::objects;
use crate::db::products::{self, NewProduct, ProductRow};
use crate::db::{self, accounts, Db, Tx};
use crate::domain::decimal::UnitCost;
use crate::domain::graph;
use crate::domain::ids::{
    AccountId, AdjustmentId, CategoryId, MenuId, MenuSectionId, ProductId, ShopId, WorkspaceId,
};
use crate::domain::product::{CancellationType, EntityType, Measure};
use crate::domain::time;
use crate::wire::menu_import::{ImportCategoryIn, ImportIn, ImportItemIn, ImportSectionIn};

use super::adjustments::{self, Count};
use super::catalog::{ensure_coded, not_blank, Known};
use super::{Actor, ServiceError, ServiceResult};

/// Whether what the payload does not name is removed from the custom menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Full,
    Partial,
}

/// What an import changed.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ImportReport {
    pub categories_created: usize,
    pub categories_updated: usize,
    pub sections_created: usize,
    pub sections_updated: usize,
    pub sections_removed: usize,
    pub products_created: usize,
    pub products_updated: usize,
    pub prices_set: usize,
    pub menu_links_added: usize,
    pub menu_links_removed: usize,
    /// The inventory adjustment posted for `update_balances`, when a balance differed.
    #[schema(value_type = Option<i64>)]
    pub adjustment_id: Option<AdjustmentId>,
}

#[tracing::instrument(skip_all, fields(account = %actor.account_id, items = input.items.len()))]
pub async fn import(
    db: &Db,
    actor: &Actor,
    input: &ImportIn,
    mode: Mode,
) -> ServiceResult<ImportReport> {
    let items = check_items(&input.items)?;
    check_codes(
        input.categories.iter().map(|c| (&c.id, &c.name)),
        "categories",
    )?;
    if let Some(sections) = &input.menus {
        check_codes(sections.iter().map(|s| (&s.id, &s.name)), "menus")?;
    }
    let mut tx = db.begin_write().await?;
    let mut import = Import {
        tx: &mut tx,
        actor,
        now: time::now_unix(),
        mode,
        report: ImportReport::default(),
    };
    let categories = import.categories(&input.categories).await?;
    let sections = import.sections(input.menus.as_deref()).await?;
    let workspace_codes: Vec<String> = input
        .items
        .iter()
        .filter_map(|i| i.work_space_code.clone())
        .collect();
    let workspaces =
        ensure_coded::<WorkspaceId>(import.tx, actor.account_id, &workspace_codes, import.now)
            .await?;
    let known = Known::load(import.tx, actor.account_id).await?;
    let refs = Refs {
        categories: &categories,
        sections: &sections,
        workspaces: &workspaces,
        known: &known,
    };
    let update_balances = input.update_balances.unwrap_or(false);
    for item in &items {
        item.check_refs(&refs, update_balances)?;
    }
    let ids = import.products(&items, &refs).await?;
    import.prices(&items, &ids).await?;
    import.links(&items, &ids, &refs).await?;
    if update_balances {
        let counts = counts(&items, &ids);
        let comment = match mode {
            Mode::Full => "menu import",
            Mode::Partial => "partial menu import",
        };
        import.report.adjustment_id =
            adjustments::post_counts(import.tx, actor, comment, &counts, import.now).await?;
    }
    let report = import.report;
    db::commit(tx).await?;
    Ok(report)
}

/// An item whose own fields are checked.
struct ItemSpec<'a> {
    index: usize,
    input: &'a ImportItemIn,
    measure: Measure,
    weight_in_gram: i64,
}

impl ItemSpec<'_> {
    fn field(&self, name: &str) -> String {
        format!("items[{}].{name}", self.index)
    }

    fn deleted(&self) -> bool {
        self.input.deleted.unwrap_or(false)
    }

    fn check_refs(&self, refs: &Refs<'_>, update_balances: bool) -> ServiceResult<()> {
        let p = self.input;
        if let Some(tax) = p.tax_id {
            refs.known.require_tax(tax, &self.field("tax_id"))?;
        }
        if let Some(code) = &p.category_id {
            if !refs.categories.contains_key(code) {
                return Err(ServiceError::invalid(
                    self.field("category_id"),
                    format!("no category {code:?} in the payload or the account"),
                ));
            }
        }
        for (k, code) in p.menus.iter().enumerate() {
            if !refs.sections.contains_key(code) {
                return Err(ServiceError::invalid(
                    self.field(&format!("menus[{k}]")),
                    format!("no menu section {code:?} in the payload or the account"),
                ));
            }
        }
        for (j, price) in p.prices.iter().enumerate() {
            refs.known
                .require_shop(price.shop_id, &self.field(&format!("prices[{j}].shop_id")))?;
        }
        if update_balances {
            for (j, balance) in p.balances.iter().enumerate() {
                let field = self.field(&format!("balances[{j}].storage_id"));
                refs.known.require_storage(balance.storage_id, &field)?;
            }
        }
        Ok(())
    }

    /// The product row for `id`, keeping what the import does not speak of from `current`.
    fn row(&self, id: ProductId, current: Option<&ProductRow>, refs: &Refs<'_>) -> NewProduct {
        fn lookup<T: Copy>(code: Option<&String>, map: &HashMap<String, T>) -> Option<T> {
            code.and_then(|c| map.get(c).copied())
        }
        let p = self.input;
        let entity_type = current.map_or(EntityType::Product, |c| c.entity_type);
        let cancellation = current.map_or(CancellationType::CancelDish, |c| c.cancellation_type);
        NewProduct {
            id,
            ref_code: p.id.clone(),
            name: p.name.trim().to_owned(),
            entity_type,
            cancellation_type: cancellation,
            for_sale: p.for_sale.unwrap_or(true),
            measure: self.measure,
            barcode: p.barcode.clone().unwrap_or_default(),
            country: p.country.clone().unwrap_or_default(),
            weight_in_gram: self.weight_in_gram,
            tax_id: p.tax_id,
            category_id: lookup(p.category_id.as_ref(), refs.categories),
            workspace_id: lookup(p.work_space_code.as_ref(), refs.workspaces),
            use_discounts: p.use_discounts.unwrap_or(true),
            description: p
                .description
                .clone()
                .or_else(|| current.map(|c| c.description.clone()))
                .unwrap_or_default(),
            deleted: self.deleted(),
        }
    }
}

fn check_items(items: &[ImportItemIn]) -> ServiceResult<Vec<ItemSpec<'_>>> {
    let mut seen: HashSet<&str> = HashSet::with_capacity(items.len());
    items
        .iter()
        .enumerate()
        .map(|(index, p)| {
            let field = |name: &str| format!("items[{index}].{name}");
            not_blank(&p.id, field("id"), "id")?;
            not_blank(&p.name, field("name"), "name")?;
            if !seen.insert(p.id.as_str()) {
                return Err(ServiceError::invalid(
                    field("id"),
                    format!("item {:?} appears twice", p.id),
                ));
            }
            let measure = Measure::parse(&p.measure).ok_or_else(|| {
                ServiceError::invalid(field("measure"), "measure must be pcs, kg or l")
            })?;
            let weight_in_gram = match p.weight_in_gram.as_deref().map(str::trim) {
                None | Some("") => 0,
                Some(text) => text
                    .parse::<i64>()
                    .ok()
                    .filter(|w| *w >= 0)
                    .ok_or_else(|| {
                        ServiceError::invalid(
                            field("weight_in_gram"),
                            "weight must be a whole number of grams, not negative",
                        )
                    })?,
            };
            for (j, price) in p.prices.iter().enumerate() {
                for (name, negative) in [
                    ("value", price.value.is_some_and(UnitCost::is_negative)),
                    ("value_day", price.value_day.is_negative()),
                ] {
                    if negative {
                        return Err(ServiceError::invalid(
                            field(&format!("prices[{j}].{name}")),
                            format!("{name} must not be negative"),
                        ));
                    }
                }
            }
            if let Some(j) = p.balances.iter().position(|b| b.balance.is_negative()) {
                return Err(ServiceError::invalid(
                    field(&format!("balances[{j}].balance")),
                    "a counted balance must not be negative",
                ));
            }
            Ok(ItemSpec {
                index,
                input: p,
                measure,
                weight_in_gram,
            })
        })
        .collect()
}

/// Codes of a list (`categories` or `menus`) are present, unique, and named.
fn check_codes<'a>(
    entries: impl Iterator<Item = (&'a String, &'a String)>,
    list: &str,
) -> ServiceResult<()> {
    let mut seen = HashSet::new();
    for (i, (code, name)) in entries.enumerate() {
        not_blank(code, format!("{list}[{i}].id"), "id")?;
        not_blank(name, format!("{list}[{i}].name"), "name")?;
        if !seen.insert(code) {
            return Err(ServiceError::invalid(
                format!("{list}[{i}].id"),
                format!("{code:?} appears twice"),
            ));
        }
    }
    Ok(())
}

/// What items refer to, resolved: code → id.
struct Refs<'a> {
    categories: &'a HashMap<String, CategoryId>,
    sections: &'a HashMap<String, MenuSectionId>,
    workspaces: &'a HashMap<String, WorkspaceId>,
    known: &'a Known,
}

/// The counted balances of the items, in payload order.
fn counts(items: &[ItemSpec<'_>], ids: &[ProductId]) -> Vec<Count> {
    let mut counts = Vec::new();
    for (item, &product_id) in items.iter().zip(ids) {
        let fallback_cost = item
            .input
            .prices
            .iter()
            .find_map(|p| p.value)
            .unwrap_or(UnitCost::ZERO);
        counts.extend(item.input.balances.iter().map(|b| Count {
            storage_id: b.storage_id,
            product_id,
            target: b.balance,
            fallback_cost,
        }));
    }
    counts
}

/// An import in progress, inside its transaction.
struct Import<'t> {
    tx: &'t mut Tx,
    actor: &'t Actor,
    now: i64,
    mode: Mode,
    report: ImportReport,
}

impl Import<'_> {
    fn account_id(&self) -> AccountId {
        self.actor.account_id
    }

    /// Writes the payload's categories; returns every live category of the account by code.
    async fn categories(
        &mut self,
        input: &[ImportCategoryIn],
    ) -> ServiceResult<HashMap<String, CategoryId>> {
        // held before reading: no category can appear between the read and the writes, which
        // would collide with a new one here (a concurrent invoice naming the same code)
        ids::lock(self.tx, self.account_id(), Kind::Category).await?;
        let existing = catalog::all_categories(self.tx, self.account_id()).await?;
        let new_codes = input
            .iter()
            .filter(|c| !existing.contains_key(&c.id))
            .count();
        let mut next = ids::reserve(
            self.tx,
            self.account_id(),
            Kind::Category,
            i64::try_from(new_codes).unwrap_or(i64::MAX),
        )
        .await?;
        let mut id_of: HashMap<String, CategoryId> = existing
            .iter()
            .map(|(code, c)| (code.clone(), c.id))
            .collect();
        for c in input.iter().filter(|c| !existing.contains_key(&c.id)) {
            id_of.insert(c.id.clone(), CategoryId::new(next));
            next += 1;
        }
        let mut parent_of: HashMap<CategoryId, CategoryId> = existing
            .values()
            .filter_map(|c| c.parent_id.map(|p| (c.id, p)))
            .collect();
        let mut rows = Vec::new();
        for (i, c) in input.iter().enumerate() {
            let id = id_of[&c.id];
            let parent_id = match &c.parent {
                None => None,
                Some(code) => Some(*id_of.get(code).ok_or_else(|| {
                    ServiceError::invalid(
                        format!("categories[{i}].parent"),
                        format!("no category {code:?} in the payload or the account"),
                    )
                })?),
            };
            match parent_id {
                Some(parent) => parent_of.insert(id, parent),
                None => parent_of.remove(&id),
            };
            rows.push((
                i,
                CategoryRow {
                    id,
                    ref_code: c.id.clone(),
                    name: c.name.trim().to_owned(),
                    parent_id,
                    deleted: false,
                },
            ));
        }
        let depth = graph::depths(&parent_of).map_err(|cycle| {
            let at = rows
                .iter()
                .find(|(_, r)| cycle.contains(&r.id))
                .map_or(0, |(i, _)| *i);
            ServiceError::invalid(
                format!("categories[{at}].parent"),
                "the categories' parents form a loop",
            )
        })?;
        rows.retain(|(_, row)| existing.get(&row.ref_code) != Some(row));
        rows.sort_by_key(|(_, row)| depth.get(&row.id).copied().unwrap_or(1));
        let rows: Vec<CategoryRow> = rows.into_iter().map(|(_, row)| row).collect();
        for row in &rows {
            if existing.contains_key(&row.ref_code) {
                self.report.categories_updated += 1;
            } else {
                self.report.categories_created += 1;
            }
        }
        catalog::upsert_categories(self.tx, self.account_id(), &rows, self.now).await?;
        // live: what the payload names (it revives a deleted one) and what was not deleted
        let named: HashSet<&str> = input.iter().map(|c| c.id.as_str()).collect();
        Ok(id_of
            .into_iter()
            .filter(|(code, _)| {
                named.contains(code.as_str()) || existing.get(code).is_none_or(|c| !c.deleted)
            })
            .collect())
    }

    /// Writes the payload's sections (a full import removes the others); returns the live
    /// sections by code. Without `menus` in the payload, sections stay as they are.
    #[expect(
        clippy::too_many_lines,
        reason = "one pass over the sections: find, create, update, remove, in order"
    )]
    async fn sections(
        &mut self,
        input: Option<&[ImportSectionIn]>,
    ) -> ServiceResult<HashMap<String, MenuSectionId>> {
        if input.is_some() {
            // held before reading, as for categories (another import may create the same code)
            ids::lock(self.tx, self.account_id(), Kind::MenuSection).await?;
        }
        let existing = menus::all_sections(self.tx, self.account_id()).await?;
        let live = |s: &&SectionRow| !s.deleted;
        let Some(input) = input else {
            return Ok(existing
                .values()
                .filter(live)
                .map(|s| (s.ref_code.clone(), s.id))
                .collect());
        };
        let menus: HashSet<MenuId> = objects::live_ids(self.tx, self.account_id()).await?;
        let payload: HashMap<&str, usize> = input
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        // the sections that stay live: the payload's, and in a partial import the others too
        let mut kept: HashMap<String, (MenuSectionId, MenuId)> = match self.mode {
            Mode::Partial => existing
                .values()
                .filter(live)
                .map(|s| (s.ref_code.clone(), (s.id, s.menu_id)))
                .collect(),
            Mode::Full => HashMap::new(),
        };
        let new_codes = input
            .iter()
            .filter(|s| !existing.contains_key(&s.id))
            .count();
        let mut next = ids::reserve(
            self.tx,
            self.account_id(),
            Kind::MenuSection,
            i64::try_from(new_codes).unwrap_or(i64::MAX),
        )
        .await?;
        for (i, s) in input.iter().enumerate() {
            if !menus.contains(&s.caf_id) {
                return Err(ServiceError::invalid(
                    format!("menus[{i}].caf_id"),
                    format!("menu {} does not exist in this account", s.caf_id),
                ));
            }
            let id = if let Some(row) = existing.get(&s.id) {
                row.id
            } else {
                next += 1;
                MenuSectionId::new(next - 1)
            };
            kept.insert(s.id.clone(), (id, s.caf_id));
        }
        let mut parent_of: HashMap<MenuSectionId, MenuSectionId> = HashMap::new();
        for s in existing.values().filter(live) {
            if let (Some(parent), false) = (s.parent_id, payload.contains_key(s.ref_code.as_str()))
            {
                parent_of.insert(s.id, parent);
            }
        }
        let mut rows = Vec::new();
        for (i, s) in input.iter().enumerate() {
            let (id, menu_id) = kept[&s.id];
            let parent_id = match &s.parent {
                None => None,
                Some(code) => {
                    let field = format!("menus[{i}].parent");
                    let &(parent, parent_menu) = kept.get(code).ok_or_else(|| {
                        ServiceError::invalid(
                            field.clone(),
                            format!("no menu section {code:?} in the payload"),
                        )
                    })?;
                    if parent_menu != menu_id {
                        return Err(ServiceError::invalid(
                            field,
                            format!("section {code:?} belongs to another menu"),
                        ));
                    }
                    parent_of.insert(id, parent);
                    Some(parent)
                }
            };
            rows.push(SectionRow {
                id,
                ref_code: s.id.clone(),
                menu_id,
                name: s.name.trim().to_owned(),
                level: 1,
                parent_id,
                deleted: false,
            });
        }
        let depth = graph::depths(&parent_of).map_err(|cycle| {
            let at = rows.iter().position(|r| cycle.contains(&r.id)).unwrap_or(0);
            ServiceError::invalid(
                format!("menus[{at}].parent"),
                "the sections' parents form a loop",
            )
        })?;
        for row in &mut rows {
            row.level = depth.get(&row.id).copied().unwrap_or(1);
        }
        rows.sort_by_key(|row| row.level);
        rows.retain(|row| existing.get(&row.ref_code) != Some(row));
        for row in &rows {
            if existing.contains_key(&row.ref_code) {
                self.report.sections_updated += 1;
            } else {
                self.report.sections_created += 1;
            }
        }
        if self.mode == Mode::Full {
            for s in existing
                .values()
                .filter(live)
                .filter(|s| !payload.contains_key(s.ref_code.as_str()))
            {
                rows.push(SectionRow {
                    deleted: true,
                    ..s.clone()
                });
                self.report.sections_removed += 1;
            }
        }
        menus::upsert_sections(self.tx, self.account_id(), &rows, self.now).await?;
        Ok(kept.into_iter().map(|(code, (id, _))| (code, id)).collect())
    }

    /// Writes the items' products (only those that differ); returns their ids in item order.
    async fn products(
        &mut self,
        items: &[ItemSpec<'_>],
        refs: &Refs<'_>,
    ) -> ServiceResult<Vec<ProductId>> {
        // held before reading, as for categories
        ids::lock(self.tx, self.account_id(), Kind::Product).await?;
        let existing = products::all_by_code(self.tx, self.account_id()).await?;
        let new_count = items
            .iter()
            .filter(|i| !existing.contains_key(&i.input.id))
            .count();
        let mut next = ids::reserve(
            self.tx,
            self.account_id(),
            Kind::Product,
            i64::try_from(new_count).unwrap_or(i64::MAX),
        )
        .await?;
        let mut ids = Vec::with_capacity(items.len());
        let mut rows = Vec::new();
        for item in items {
            let current = existing.get(&item.input.id);
            let id = if let Some(c) = current {
                c.id
            } else {
                next += 1;
                ProductId::new(next - 1)
            };
            ids.push(id);
            let row = item.row(id, current, refs);
            match current {
                Some(c) if row.same_as(c) => continue,
                Some(_) => self.report.products_updated += 1,
                None => self.report.products_created += 1,
            }
            rows.push(row);
        }
        products::upsert(self.tx, self.account_id(), &rows, self.now).await?;
        Ok(ids)
    }

    /// Sets the items' prices per shop (`value_day` the price, `value` the declared cost).
    async fn prices(&mut self, items: &[ItemSpec<'_>], ids: &[ProductId]) -> ServiceResult<()> {
        let existing = catalog::all_prices(self.tx, self.account_id()).await?;
        let keep_self_cost = !accounts::stock_module(self.tx, self.account_id()).await?;
        let mut wanted: HashMap<(ProductId, ShopId), NewPrice> = HashMap::new();
        for (item, &product_id) in items.iter().zip(ids) {
            for price in &item.input.prices {
                let row = NewPrice {
                    product_id,
                    shop_id: price.shop_id,
                    storage_id: None,
                    price: price.value_day,
                    self_cost: price.value.filter(|_| keep_self_cost),
                };
                wanted.insert((product_id, price.shop_id), row);
            }
        }
        let mut rows: Vec<NewPrice> = wanted
            .into_iter()
            .filter(|(key, p)| {
                existing
                    .get(key)
                    .is_none_or(|e| e.price != p.price || e.self_cost != p.self_cost)
            })
            .map(|(_, p)| p)
            .collect();
        rows.sort_by_key(|p| (p.product_id, p.shop_id));
        self.report.prices_set = rows.len();
        catalog::upsert_prices(self.tx, self.account_id(), &rows, self.now).await?;
        Ok(())
    }

    /// Puts the items in their sections. A full import leaves in the custom menu exactly what
    /// the payload lists; a partial one only adds, except that a deleted item leaves the menu.
    async fn links(
        &mut self,
        items: &[ItemSpec<'_>],
        ids: &[ProductId],
        refs: &Refs<'_>,
    ) -> ServiceResult<()> {
        let existing = menus::all_links(self.tx, self.account_id()).await?;
        let mut wanted: HashSet<Link> = HashSet::new();
        let mut deleted: HashSet<ProductId> = HashSet::new();
        for (item, &product_id) in items.iter().zip(ids) {
            if item.deleted() {
                deleted.insert(product_id);
                continue;
            }
            wanted.extend(
                item.input
                    .menus
                    .iter()
                    .filter_map(|code| refs.sections.get(code))
                    .map(|&section_id| Link {
                        section_id,
                        product_id,
                    }),
            );
        }
        let mut add: Vec<Link> = wanted.difference(&existing).copied().collect();
        let mut remove: Vec<Link> = existing
            .iter()
            .filter(|link| match self.mode {
                Mode::Full => !wanted.contains(link),
                Mode::Partial => deleted.contains(&link.product_id),
            })
            .copied()
            .collect();
        add.sort_unstable();
        remove.sort_unstable();
        self.report.menu_links_added = add.len();
        self.report.menu_links_removed = remove.len();
        menus::delete_links(self.tx, self.account_id(), &remove).await?;
        menus::insert_links(self.tx, self.account_id(), &add, self.now).await?;
        Ok(())
    }
}
