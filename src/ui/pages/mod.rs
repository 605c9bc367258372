//! The UI's pages, one module per part of the back office.

pub mod catalog;
pub mod dashboard;
pub mod documents;
pub mod new_document;
pub mod sales;
pub mod settings;
pub mod sign_in;
pub mod stock;
