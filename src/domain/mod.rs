//! Pure rules of the back office: no I/O here, everything unit-tested.

pub mod client;
pub mod decimal;
pub mod document;
pub mod graph;
pub mod host;
pub mod ids;
pub mod key;
pub mod ledger;
pub mod names;
pub mod product;
pub mod rate_limit;
pub mod recipe;
pub mod sales;
pub mod stock;
pub mod sync;
pub mod time;
pub mod user;
pub mod webhook;
