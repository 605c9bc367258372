//! Cycles in directed graphs given by a neighbour function: tech maps (a dish made of a
//! sub-product made of the dish) and parent chains (a category its own ancestor).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

/// A path `start → … → start` when `start` can reach itself, else `None`. Depth-first, each
/// node expanded once, so a graph of n edges costs O(n).
pub fn cycle_through<K, F, I>(start: &K, mut next: F) -> Option<Vec<K>>
where
    K: Clone + Eq + Hash,
    F: FnMut(&K) -> I,
    I: IntoIterator<Item = K>,
{
    let mut seen: HashSet<K> = HashSet::new();
    // each frame: a node on the current path and its not yet explored neighbours
    let mut path: Vec<(K, std::vec::IntoIter<K>)> = vec![(start.clone(), collect(next(start)))];
    while let Some((_, children)) = path.last_mut() {
        match children.next() {
            Some(child) if &child == start => {
                let mut cycle: Vec<K> = path.iter().map(|(k, _)| k.clone()).collect();
                cycle.push(child);
                return Some(cycle);
            }
            Some(child) => {
                if seen.insert(child.clone()) {
                    let children = collect(next(&child));
                    path.push((child, children));
                }
            }
            None => {
                path.pop();
            }
        }
    }
    None
}

/// The depth of every node of a forest given as child → parent (a root, whose parent is
/// absent from the map, has depth 1), or a cycle `a → … → a` when a chain of parents loops.
pub fn depths<K: Clone + Eq + Hash, S: BuildHasher>(
    parent_of: &HashMap<K, K, S>,
) -> Result<HashMap<K, i64>, Vec<K>> {
    let mut depth: HashMap<K, i64> = HashMap::with_capacity(parent_of.len());
    for start in parent_of.keys() {
        let mut chain: Vec<K> = Vec::new();
        let mut on_chain: HashSet<K> = HashSet::new();
        let mut node = start.clone();
        // walk up until a node of known depth or a root
        let base = loop {
            if let Some(&d) = depth.get(&node) {
                break d;
            }
            if !on_chain.insert(node.clone()) {
                let from = chain.iter().position(|k| *k == node).unwrap_or(0);
                let mut cycle = chain[from..].to_vec();
                cycle.push(node);
                return Err(cycle);
            }
            chain.push(node.clone());
            match parent_of.get(&node) {
                Some(parent) => node = parent.clone(),
                None => break 0,
            }
        };
        for (n, k) in chain.into_iter().rev().enumerate() {
            depth.insert(k, base + i64::try_from(n).unwrap_or(i64::MAX) + 1);
        }
    }
    Ok(depth)
}

fn collect<K, I: IntoIterator<Item = K>>(items: I) -> std::vec::IntoIter<K> {
    items.into_iter().collect::<Vec<_>>().into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn graph(edges: &[(u32, u32)]) -> HashMap<u32, Vec<u32>> {
        let mut g: HashMap<u32, Vec<u32>> = HashMap::new();
        for &(a, b) in edges {
            g.entry(a).or_default().push(b);
        }
        g
    }

    fn cycle(g: &HashMap<u32, Vec<u32>>, start: u32) -> Option<Vec<u32>> {
        cycle_through(&start, |k| g.get(k).cloned().unwrap_or_default())
    }

    #[test]
    fn a_recipe_that_reaches_itself_names_the_whole_path() {
        let g = graph(&[(1, 2), (1, 5), (2, 3), (3, 4), (3, 1)]);
        assert_eq!(cycle(&g, 1), Some(vec![1, 2, 3, 1]));
    }

    #[test]
    fn shared_ingredients_are_not_a_cycle() {
        // a diamond: 1 uses 2 and 3, both use 4
        let g = graph(&[(1, 2), (1, 3), (2, 4), (3, 4)]);
        assert_eq!(cycle(&g, 1), None);
    }

    #[test]
    fn a_cycle_elsewhere_is_not_this_node_s_cycle() {
        let g = graph(&[(1, 2), (2, 3), (3, 2)]);
        assert_eq!(cycle(&g, 1), None);
        assert_eq!(cycle(&g, 2), Some(vec![2, 3, 2]));
    }

    #[test]
    fn depths_count_from_the_root_and_loops_are_named() {
        let parents: HashMap<u32, u32> = [(2, 1), (3, 2), (4, 1)].into_iter().collect();
        let d = depths(&parents).expect("a forest");
        assert_eq!((d[&1], d[&2], d[&3], d[&4]), (1, 2, 3, 2));
        let looped: HashMap<u32, u32> = [(1, 2), (2, 3), (3, 1), (4, 1)].into_iter().collect();
        let cycle = depths(&looped).expect_err("a loop");
        assert_eq!(cycle.len(), 4);
        assert_eq!(cycle.first(), cycle.last());
    }

    #[test]
    fn a_self_reference_is_a_cycle() {
        assert_eq!(cycle(&graph(&[(7, 7)]), 7), Some(vec![7, 7]));
    }
}
