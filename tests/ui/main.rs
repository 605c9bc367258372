//! The admin web UI (API.md §10): over real HTTP for what needs no browser (sessions, roles,
//! CSRF, throttling; on both backends), and in a real Chromium for what a cafe owner clicks
//! through (SQLite; skipped, and said so, where Chromium or its driver is missing).

#![expect(
    clippy::too_many_lines,
    reason = "each test reads as one scenario, start to end"
)]

#[allow(
    dead_code,
    reason = "the API tests' harness; these tests use part of it"
)]
#[path = "../api/helpers.rs"]
mod helpers;

mod access;
mod browser;
mod catalog;
mod flows;
mod web;
