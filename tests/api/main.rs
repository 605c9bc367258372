//! Integration tests: the whole server over real HTTP, on SQLite and on PostgreSQL.

mod helpers;

mod auth;
mod cli;
mod errors;
mod exports;
mod feeds;
mod invoices;
mod isolation;
mod jobs;
mod ledger_property;
mod menu_import;
mod mirror;
mod moves;
mod openapi;
mod products;
mod selling;
mod storages;
mod tech_maps;
mod vendor_examples;
