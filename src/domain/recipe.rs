//! What a sale writes off (API.md §7): by the sold product's `cancellation_type`, nothing, the
//! product itself, or the ingredients of its tech map, recursively through sub-products, each
//! ingredient by its own cancellation type. Quantities stay exact through the recursion and are
//! rounded once per written-off product.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Display;
use std::hash::{BuildHasher, Hash};

use rust_decimal::Decimal;

use super::decimal::Qty;
use super::ids::ProductId;
use super::product::CancellationType;

/// A tech map: `items` (ingredient, amount) make `output` of the product. Products are
/// [`ProductId`]s; the computation only needs keys it can order and hash.
#[derive(Debug, Clone)]
pub struct Recipe<K = ProductId> {
    pub output: Qty,
    pub items: Vec<(K, Qty)>,
}

/// What a product is known by here.
pub trait ProductKey: Copy + Ord + Hash + Display {}

impl<K: Copy + Ord + Hash + Display> ProductKey for K {}

/// Deeper than this is a loop (tech maps refuse cycles; this guards against stored data).
const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the tech maps under product {0} nest deeper than {MAX_DEPTH} levels")]
pub struct TooDeep(pub String);

/// The products and quantities that selling `count` of `product` writes off. A product sold
/// "by ingredients" without a tech map is written off itself.
pub fn write_off<K: ProductKey, C: BuildHasher, R: BuildHasher>(
    product: K,
    count: Qty,
    cancellation: &HashMap<K, CancellationType, C>,
    recipes: &HashMap<K, Recipe<K>, R>,
) -> Result<BTreeMap<K, Qty>, TooDeep> {
    let mut exact: BTreeMap<K, Decimal> = BTreeMap::new();
    explode(
        product,
        count.decimal(),
        cancellation,
        recipes,
        0,
        &mut exact,
    )?;
    Ok(exact
        .into_iter()
        .map(|(id, qty)| (id, Qty::round(qty)))
        .filter(|(_, qty)| !qty.is_zero())
        .collect())
}

fn explode<K: ProductKey, C: BuildHasher, R: BuildHasher>(
    product: K,
    count: Decimal,
    cancellation: &HashMap<K, CancellationType, C>,
    recipes: &HashMap<K, Recipe<K>, R>,
    depth: usize,
    out: &mut BTreeMap<K, Decimal>,
) -> Result<(), TooDeep> {
    if depth > MAX_DEPTH {
        return Err(TooDeep(product.to_string()));
    }
    let kind = cancellation
        .get(&product)
        .copied()
        .unwrap_or(CancellationType::CancelDish);
    match (kind, recipes.get(&product)) {
        (CancellationType::NoCancel, _) => {}
        (CancellationType::CancelIngredients, Some(recipe)) if !recipe.output.is_zero() => {
            let per_unit = count / recipe.output.decimal();
            for &(ingredient, amount) in &recipe.items {
                let qty = per_unit * amount.decimal();
                explode(ingredient, qty, cancellation, recipes, depth + 1, out)?;
            }
        }
        _ => *out.entry(product).or_default() += count,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn q(s: &str) -> Qty {
        Qty::from_str(s).expect("qty")
    }

    /// 1 cappuccino (by ingredients) = 1 espresso (a sub-product by ingredients: 18 g beans)
    /// + 0.15 l milk; sugar is never written off.
    fn cafe() -> (HashMap<i64, CancellationType>, HashMap<i64, Recipe<i64>>) {
        use CancellationType::*;
        let cancellation = [
            (1, CancelIngredients),
            (2, CancelIngredients),
            (3, CancelDish),
            (4, CancelDish),
            (5, NoCancel),
        ]
        .into_iter()
        .collect();
        let recipes = [
            (
                1,
                Recipe {
                    output: q("1"),
                    items: vec![(2, q("1")), (4, q("0.15")), (5, q("0.01"))],
                },
            ),
            (
                2,
                Recipe {
                    output: q("2"),
                    items: vec![(3, q("0.036"))],
                },
            ),
        ]
        .into_iter()
        .collect();
        (cancellation, recipes)
    }

    #[test]
    fn a_dish_by_ingredients_writes_off_through_its_sub_products() {
        let (c, r) = cafe();
        let off = write_off(1, q("2"), &c, &r).expect("ok");
        assert_eq!(off, [(3, q("0.036")), (4, q("0.3"))].into_iter().collect());
    }

    #[test]
    fn a_dish_sold_as_itself_or_not_at_all() {
        let (c, r) = cafe();
        assert_eq!(
            write_off(4, q("0.5"), &c, &r).expect("ok"),
            [(4, q("0.5"))].into_iter().collect()
        );
        assert!(write_off(5, q("3"), &c, &r).expect("ok").is_empty());
        // by ingredients but without a tech map: the product itself
        let mut c = c;
        c.insert(9, CancellationType::CancelIngredients);
        assert_eq!(
            write_off(9, q("1"), &c, &r).expect("ok"),
            [(9, q("1"))].into_iter().collect()
        );
    }

    #[test]
    fn quantities_round_once_per_written_off_product() {
        use CancellationType::*;
        // a third of 0.001 per portion, three portions: exactly 0.001, not 3 × 0.000
        let c: HashMap<_, _> = [(1, CancelIngredients), (2, CancelDish)]
            .into_iter()
            .collect();
        let r: HashMap<_, _> = [(
            1,
            Recipe {
                output: q("3"),
                items: vec![(2, q("0.001"))],
            },
        )]
        .into_iter()
        .collect();
        assert_eq!(
            write_off(1, q("3"), &c, &r).expect("ok"),
            [(2, q("0.001"))].into_iter().collect()
        );
    }

    #[test]
    fn a_loop_in_stored_recipes_is_an_error_not_a_hang() {
        use CancellationType::*;
        let c: HashMap<_, _> = [(1, CancelIngredients), (2, CancelIngredients)]
            .into_iter()
            .collect();
        let r: HashMap<_, _> = [
            (
                1,
                Recipe {
                    output: q("1"),
                    items: vec![(2, q("1"))],
                },
            ),
            (
                2,
                Recipe {
                    output: q("1"),
                    items: vec![(1, q("1"))],
                },
            ),
        ]
        .into_iter()
        .collect();
        assert!(write_off(1, q("1"), &c, &r).is_err());
    }
}
