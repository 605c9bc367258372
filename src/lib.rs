//! caffesta: a self-hostable back office that speaks the Caffesta API.
//!
//! The crate is a library with a thin binary (`src/main.rs`) so that tests and benchmarks
//! build the very same server the binary runs:
//! - [`api`]: HTTP handlers, one module per API section, wire types spelled like the vendor's;
//! - [`service`]: the operations shared by the HTTP API and the administration CLI;
//! - [`domain`]: pure rules (decimals, keys, host names) with no I/O;
//! - [`db`]: the connection pools, migrations and every SQL query;
//! - [`server`]: the application builder and the listening loop;
//! - [`cli`] and [`config`]: the command line and the typed configuration.

pub mod api;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod server;
pub mod service;
pub mod telemetry;
pub mod ui;
pub mod wire;
pub mod worker;
