//! Integration tests: the whole server over real HTTP, on SQLite and on PostgreSQL.

#![expect(
    clippy::too_many_lines,
    reason = "each test reads as one scenario, start to end"
)]

mod helpers;

mod admin_objects;
mod auth;
mod back_office;
mod backup;
mod cli;
mod connections;
mod docs;
mod errors;
mod exports;
mod feeds;
mod idempotency;
mod inventories;
mod invoices;
mod isolation;
mod jobs;
mod ledger_property;
mod line_sales;
mod lock_date;
mod menu_import;
mod metrics;
mod mirror;
mod moves;
mod openapi;
mod pg_plans;
mod products;
mod rate_limits;
mod request_log;
mod returns;
mod sandbox;
mod schema;
mod selling;
mod stock_reports;
mod stop_list;
mod storages;
mod tech_maps;
mod vendor_examples;
mod webhook_crash;
mod webhooks;
mod writeoffs;
