//! Incoming invoices (API.md §3): creation with find-or-create of the catalog objects they
//! bring, in one transaction, and wiring to / unwiring from the stock ledger.
//!
//! Creation runs in the documented order (packages, categories, workspaces, shipper, products,
//! then the invoice) and checks every reference before anything is written; any failure names
//! the offending field and leaves the database as it was.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::db::catalog::{self, NewPackage, PackageRow};
use crate::db::documents::Table;
use crate::db::ids::{self, Kind};
use crate::db::invoices::{self as invoice_db, InvoiceRow, NewInvoice, NewItem};
use crate::db::products;
use crate::db::stock::{NewMovement, Posting};
use crate::db::{self, accounts, Db, Tx};
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::ids::{
    AccountId, CategoryId, InvoiceId, PackageId, ProductId, ShipperId, WorkspaceId,
};
use crate::domain::product::Measure;
use crate::domain::stock::base_quantity;
use crate::domain::time;
use crate::wire::invoices::{InvoiceIn, InvoiceItemIn, PackageIn, ProductIn};

use super::catalog::{check_product, create_coded, CatalogRefs, Known, NewCode, ProductSpec};
use super::documents::{doc_date, require_unlocked, StockDocument};

use super::{Actor, ServiceError, ServiceResult};

const STANDARD_PACKAGES: [Measure; 3] = [Measure::Pcs, Measure::Kg, Measure::L];

/// Creates an invoice, not wired, and returns its id.
#[tracing::instrument(skip_all, fields(account = %actor.account_id))]
pub async fn create(db: &Db, actor: &Actor, input: &InvoiceIn) -> ServiceResult<InvoiceId> {
    let doc_date = doc_date(input.date.as_deref())?;
    let packages = check_packages(&input.packages)?;
    let products = check_products(&input.products)?;
    if input.items.is_empty() {
        return Err(ServiceError::invalid(
            "items",
            "an invoice needs at least one item",
        ));
    }
    let mut tx = db.begin_write().await?;
    require_unlocked(&mut tx, actor.account_id, doc_date).await?;
    let mut writer = Writer {
        tx: &mut tx,
        account_id: actor.account_id,
        now: time::now_unix(),
    };
    let known = Known::load(writer.tx, actor.account_id).await?;
    known.require_storage(input.storage.caf_id, "storage.caf_id")?;
    let packages = writer.packages(&packages, input, &products).await?;
    let categories = writer.categories(input).await?;
    let workspaces = writer.workspaces(input).await?;
    let shipper_id = writer.shipper(input).await?;
    let refs = CatalogRefs {
        categories: &categories,
        workspaces: &workspaces,
        known: &known,
    };
    let products = writer.products(&products, input, &refs).await?;
    let items = build_items(&input.items, &products, &packages, &known)?;
    let id = InvoiceId::new(ids::next(writer.tx, actor.account_id, Kind::Invoice).await?);
    let invoice = NewInvoice {
        id,
        number: input.number.clone().unwrap_or_default(),
        doc_date,
        comment: input.comment.clone().unwrap_or_default(),
        declared_sum: input.sum,
        shipper_id,
        storage_id: input.storage.caf_id,
        by: actor.user_id,
    };
    invoice_db::insert(writer.tx, actor.account_id, &invoice, &items, writer.now).await?;
    db::commit(tx).await?;
    Ok(id)
}

/// Invoices as stock documents: wiring posts each line's quantity and value into the
/// invoice's storage.
impl StockDocument for InvoiceId {
    type Header = InvoiceRow;

    const TABLE: Table<InvoiceRow> = invoice_db::TABLE;

    async fn movements(
        self,
        tx: &mut Tx,
        account_id: AccountId,
    ) -> ServiceResult<Vec<NewMovement>> {
        Ok(invoice_db::stock_lines(tx, account_id, self)
            .await?
            .into_iter()
            .map(|l| NewMovement {
                storage_id: l.storage_id,
                product_id: l.product_id,
                line_no: l.line_no,
                doc_date: l.doc_date,
                rule: Posting::Fixed {
                    qty: l.qty,
                    value: l.cost,
                },
            })
            .collect())
    }
}

/// A checked package of the payload.
struct PackageSpec {
    ref_code: String,
    name: String,
    measure: Measure,
    value: Qty,
}

fn standard_package(measure: Measure) -> PackageSpec {
    PackageSpec {
        ref_code: measure.as_str().to_owned(),
        name: measure.package_name().to_owned(),
        measure,
        value: Qty::from_units(1000),
    }
}

fn check_packages(packages: &[PackageIn]) -> ServiceResult<Vec<PackageSpec>> {
    packages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if let Some(measure) = STANDARD_PACKAGES
                .into_iter()
                .find(|m| m.as_str() == p.ref_code)
            {
                return Ok(standard_package(measure));
            }
            let measure = p
                .measure
                .as_deref()
                .and_then(Measure::parse)
                .ok_or_else(|| {
                    ServiceError::invalid(
                        format!("packages[{i}].measure"),
                        "measure must be pcs, kg or l",
                    )
                })?;
            let value = p
                .value
                .filter(|v| v.decimal() > Decimal::ZERO)
                .ok_or_else(|| {
                    ServiceError::invalid(
                        format!("packages[{i}].value"),
                        "a package holds a positive quantity",
                    )
                })?;
            let name = p
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| p.ref_code.clone());
            Ok(PackageSpec {
                ref_code: p.ref_code.clone(),
                name,
                measure,
                value,
            })
        })
        .collect()
}

fn check_products(products: &[ProductIn]) -> ServiceResult<Vec<ProductSpec<'_>>> {
    products
        .iter()
        .enumerate()
        .map(|(i, p)| check_product(p, format!("products[{i}].")))
        .collect()
}

/// The write half of invoice creation, inside one transaction.
struct Writer<'t> {
    tx: &'t mut Tx,
    account_id: AccountId,
    now: i64,
}

impl Writer<'_> {
    /// Finds or creates the payload's packages and the standard ones any line may use
    /// (concurrently safe: see [`super::catalog`]).
    async fn packages(
        &mut self,
        specs: &[PackageSpec],
        input: &InvoiceIn,
        products: &[ProductSpec<'_>],
    ) -> ServiceResult<HashMap<String, PackageRow>> {
        let mut codes: Vec<String> = specs.iter().map(|p| p.ref_code.clone()).collect();
        codes.extend(input.items.iter().filter_map(|i| i.package_code.clone()));
        codes.extend(STANDARD_PACKAGES.iter().map(|m| m.as_str().to_owned()));
        let mut found = catalog::packages_by_code(self.tx, self.account_id, &codes).await?;
        let standard: Vec<PackageSpec> = STANDARD_PACKAGES
            .into_iter()
            .filter(|m| {
                products.iter().any(|p| p.measure == *m) || codes.iter().any(|c| c == m.as_str())
            })
            .map(standard_package)
            .collect();
        let mut new = Vec::new();
        for spec in specs.iter().chain(standard.iter()) {
            if found.contains_key(&spec.ref_code)
                || new
                    .iter()
                    .any(|n: &&PackageSpec| n.ref_code == spec.ref_code)
            {
                continue;
            }
            new.push(spec);
        }
        if new.is_empty() {
            return Ok(found);
        }
        let first = ids::reserve(
            self.tx,
            self.account_id,
            Kind::Package,
            i64::try_from(new.len()).unwrap_or(i64::MAX),
        )
        .await?;
        let new_codes: Vec<String> = new.iter().map(|p| p.ref_code.clone()).collect();
        found.extend(catalog::packages_by_code(self.tx, self.account_id, &new_codes).await?);
        let rows: Vec<NewPackage> = new
            .iter()
            .filter(|spec| !found.contains_key(&spec.ref_code))
            .enumerate()
            .map(|(n, spec)| NewPackage {
                id: PackageId::new(first + i64::try_from(n).unwrap_or(i64::MAX)),
                ref_code: spec.ref_code.clone(),
                name: spec.name.clone(),
                measure: spec.measure.as_str(),
                value: spec.value,
                hidden: STANDARD_PACKAGES
                    .iter()
                    .any(|m| m.as_str() == spec.ref_code),
            })
            .collect();
        if !rows.is_empty() {
            catalog::insert_packages(self.tx, self.account_id, &rows, self.now).await?;
            let inserted: Vec<String> = rows.into_iter().map(|r| r.ref_code).collect();
            found.extend(catalog::packages_by_code(self.tx, self.account_id, &inserted).await?);
        }
        Ok(found)
    }

    /// Finds or creates categories; a parent is a category earlier in the list or existing.
    async fn categories(
        &mut self,
        input: &InvoiceIn,
    ) -> ServiceResult<HashMap<String, CategoryId>> {
        let mut codes: Vec<String> = input
            .categories
            .iter()
            .map(|c| c.ref_code.clone())
            .collect();
        codes.extend(input.categories.iter().filter_map(|c| c.parent.clone()));
        codes.extend(
            input
                .products
                .iter()
                .filter_map(|p| p.category_ref_code.clone()),
        );
        let mut found = catalog::ids_by_code(self.tx, self.account_id, &codes).await?;
        let mut new: Vec<NewCode> = Vec::new();
        for (i, c) in input.categories.iter().enumerate() {
            if found.contains_key(&c.ref_code) || new.iter().any(|n| n.ref_code == c.ref_code) {
                continue;
            }
            if let Some(parent) = &c.parent {
                if !found.contains_key(parent) && !new.iter().any(|n| &n.ref_code == parent) {
                    let message = format!("parent category {parent:?} is neither earlier in the list nor in the account");
                    return Err(ServiceError::invalid(
                        format!("categories[{i}].parent"),
                        message,
                    ));
                }
            }
            if c.name.trim().is_empty() {
                return Err(ServiceError::invalid(
                    format!("categories[{i}].name"),
                    "name must not be empty",
                ));
            }
            new.push(NewCode {
                ref_code: c.ref_code.clone(),
                name: c.name.clone(),
                parent: c.parent.clone(),
            });
        }
        create_coded(self.tx, self.account_id, &mut found, new, self.now).await?;
        Ok(found)
    }

    async fn workspaces(
        &mut self,
        input: &InvoiceIn,
    ) -> ServiceResult<HashMap<String, WorkspaceId>> {
        let mut codes: Vec<String> = input
            .workspaces
            .iter()
            .map(|w| w.ref_code.clone())
            .collect();
        codes.extend(
            input
                .products
                .iter()
                .filter_map(|p| p.workspace_ref_code.clone()),
        );
        let mut found = catalog::ids_by_code(self.tx, self.account_id, &codes).await?;
        let mut new: Vec<NewCode> = Vec::new();
        for (i, w) in input.workspaces.iter().enumerate() {
            if found.contains_key(&w.ref_code) || new.iter().any(|n| n.ref_code == w.ref_code) {
                continue;
            }
            if w.name.trim().is_empty() {
                return Err(ServiceError::invalid(
                    format!("workspaces[{i}].name"),
                    "name must not be empty",
                ));
            }
            new.push(NewCode {
                ref_code: w.ref_code.clone(),
                name: w.name.clone(),
                parent: None,
            });
        }
        create_coded(self.tx, self.account_id, &mut found, new, self.now).await?;
        Ok(found)
    }

    async fn shipper(&mut self, input: &InvoiceIn) -> ServiceResult<Option<ShipperId>> {
        let Some(shipper) = &input.shipper else {
            return Ok(None);
        };
        let codes = [shipper.ref_code.clone()];
        let mut found: HashMap<String, ShipperId> =
            catalog::ids_by_code(self.tx, self.account_id, &codes).await?;
        if !found.contains_key(&shipper.ref_code) {
            let name = shipper
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| shipper.ref_code.clone());
            let new = vec![NewCode {
                ref_code: shipper.ref_code.clone(),
                name,
                parent: None,
            }];
            create_coded(self.tx, self.account_id, &mut found, new, self.now).await?;
        }
        Ok(found.get(&shipper.ref_code).copied())
    }

    /// Finds or creates products (an existing product is not changed) with their prices
    /// (concurrently safe: see [`super::catalog`]).
    async fn products(
        &mut self,
        specs: &[ProductSpec<'_>],
        input: &InvoiceIn,
        refs: &CatalogRefs<'_>,
    ) -> ServiceResult<HashMap<String, catalog::ProductRef>> {
        let mut codes: Vec<String> = specs.iter().map(|p| p.input.ref_code.clone()).collect();
        codes.extend(input.items.iter().map(|i| i.product_code.clone()));
        let mut found = catalog::products_by_code(self.tx, self.account_id, &codes).await?;
        let mut new: Vec<&ProductSpec> = Vec::new();
        for spec in specs {
            spec.check_refs(refs)?;
            let code = &spec.input.ref_code;
            if !found.contains_key(code) && !new.iter().any(|n| &n.input.ref_code == code) {
                new.push(spec);
            }
        }
        if new.is_empty() {
            return Ok(found);
        }
        let first = ids::reserve(
            self.tx,
            self.account_id,
            Kind::Product,
            i64::try_from(new.len()).unwrap_or(i64::MAX),
        )
        .await?;
        let new_codes: Vec<String> = new.iter().map(|p| p.input.ref_code.clone()).collect();
        found.extend(catalog::products_by_code(self.tx, self.account_id, &new_codes).await?);
        new.retain(|spec| !found.contains_key(&spec.input.ref_code));
        if new.is_empty() {
            return Ok(found);
        }
        let rows: Vec<_> = new
            .iter()
            .enumerate()
            .map(|(n, spec)| {
                spec.row(
                    ProductId::new(first + i64::try_from(n).unwrap_or(i64::MAX)),
                    refs,
                )
            })
            .collect();
        products::insert_missing(self.tx, self.account_id, &rows, self.now).await?;
        let inserted: Vec<String> = rows.iter().map(|r| r.ref_code.clone()).collect();
        let stored = catalog::products_by_code(self.tx, self.account_id, &inserted).await?;
        // prices only for the rows this transaction wrote: a product found instead keeps its own
        let keep_self_cost = !accounts::stock_module(self.tx, self.account_id).await?;
        let mut prices = Vec::new();
        for (spec, row) in new.iter().zip(&rows) {
            if stored.get(&row.ref_code).is_some_and(|p| p.id == row.id) {
                prices.extend(spec.prices(row.id, keep_self_cost));
            }
        }
        found.extend(stored);
        catalog::upsert_prices(self.tx, self.account_id, &prices, self.now).await?;
        Ok(found)
    }
}

/// Resolves and computes the invoice lines.
fn build_items(
    items: &[InvoiceItemIn],
    products: &HashMap<String, catalog::ProductRef>,
    packages: &HashMap<String, PackageRow>,
    known: &Known,
) -> ServiceResult<Vec<NewItem>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let field = |name: &str| format!("items[{i}].{name}");
            let product = products.get(&item.product_code).ok_or_else(|| {
                ServiceError::invalid(
                    field("product_code"),
                    format!(
                        "no product {:?} in the payload or the account",
                        item.product_code
                    ),
                )
            })?;
            let package_code = item
                .package_code
                .clone()
                .unwrap_or_else(|| product.measure.clone());
            let package = packages.get(&package_code).ok_or_else(|| {
                ServiceError::invalid(
                    field("package_code"),
                    format!("no package {package_code:?} in the payload or the account"),
                )
            })?;
            if package.measure != product.measure {
                let message = format!(
                    "package {package_code:?} holds {}, the product is counted in {}",
                    package.measure, product.measure
                );
                return Err(ServiceError::invalid(field("package_code"), message));
            }
            if item.amount.decimal() <= Decimal::ZERO {
                return Err(ServiceError::invalid(
                    field("amount"),
                    "amount must be positive",
                ));
            }
            let rate = match item.caf_tax_id {
                Some(tax) => {
                    known.require_tax(tax, &field("caf_tax_id"))?;
                    known.taxes.get(&tax).copied().unwrap_or_default()
                }
                None => Decimal::ZERO,
            };
            let amounts = line_amounts(item, rate)
                .map_err(|(name, message)| ServiceError::invalid(field(name), message))?;
            Ok(NewItem {
                product_id: product.id,
                package_id: package.id,
                amount: item.amount,
                qty: base_quantity(item.amount, package.value),
                price: amounts.price,
                tax_id: item.caf_tax_id,
                cost: amounts.cost,
                cost_with_tax: amounts.cost_with_tax,
            })
        })
        .collect()
}

/// A line's price and values, completed from what was given.
struct LineAmounts {
    price: UnitCost,
    cost: Money,
    cost_with_tax: Money,
}

/// `cost` defaults to `amount × price`, `price` to `cost / amount`, `cost_with_tax` to
/// `cost × (1 + rate / 100)`. One of `cost` and `price` is required; none may be negative.
fn line_amounts(
    item: &InvoiceItemIn,
    rate: Decimal,
) -> Result<LineAmounts, (&'static str, String)> {
    for (name, negative) in [
        ("price", item.price.is_some_and(UnitCost::is_negative)),
        ("cost", item.cost.is_some_and(Money::is_negative)),
        (
            "cost_with_tax",
            item.cost_with_tax.is_some_and(Money::is_negative),
        ),
        (
            "price_with_tax",
            item.price_with_tax.is_some_and(UnitCost::is_negative),
        ),
    ] {
        if negative {
            return Err((name, format!("{name} must not be negative")));
        }
    }
    let amount = item.amount.decimal();
    let (price, cost) = match (item.price, item.cost) {
        (Some(price), Some(cost)) => (price, cost),
        (Some(price), None) => (price, Money::round(price.decimal() * amount)),
        (None, Some(cost)) => (UnitCost::round(cost.decimal() / amount), cost),
        (None, None) => return Err(("cost", "a line needs its cost or its price".into())),
    };
    let hundred = Decimal::ONE_HUNDRED;
    let cost_with_tax = item
        .cost_with_tax
        .unwrap_or_else(|| Money::round(cost.decimal() * (hundred + rate) / hundred));
    Ok(LineAmounts {
        price,
        cost,
        cost_with_tax,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(json: &str) -> InvoiceItemIn {
        serde_json::from_str(json).expect("item")
    }

    #[test]
    fn line_values_complete_each_other() {
        let a = line_amounts(
            &item(r#"{"amount": 25, "product_code": "p", "price": 2}"#),
            Decimal::ZERO,
        )
        .expect("ok");
        assert_eq!(
            (
                a.price.to_string(),
                a.cost.to_string(),
                a.cost_with_tax.to_string()
            ),
            ("2.000000".into(), "50.00".into(), "50.00".into())
        );
        let b = line_amounts(
            &item(r#"{"amount": 3, "product_code": "p", "cost": 10}"#),
            Decimal::from(20),
        )
        .expect("ok");
        assert_eq!(
            (
                b.price.to_string(),
                b.cost.to_string(),
                b.cost_with_tax.to_string()
            ),
            ("3.333333".into(), "10.00".into(), "12.00".into())
        );
    }

    #[test]
    fn a_line_without_cost_or_price_or_with_a_negative_value_is_refused() {
        assert_eq!(
            line_amounts(
                &item(r#"{"amount": 1, "product_code": "p"}"#),
                Decimal::ZERO
            )
            .err()
            .map(|e| e.0),
            Some("cost")
        );
        let negative = item(r#"{"amount": 1, "product_code": "p", "cost": -1}"#);
        assert_eq!(
            line_amounts(&negative, Decimal::ZERO).err().map(|e| e.0),
            Some("cost")
        );
    }
}
