//! Request bodies as the vendor documents them, shared by the HTTP handlers (which read them)
//! and the services (which act on them). Field names are the vendor's, exactly.

pub mod delivery;
pub mod employees;
pub mod exports;
pub mod feeds;
pub mod inventories;
pub mod invoices;
pub mod keys;
pub mod lenient;
pub mod menu_import;
pub mod moves;
pub mod returns;
pub mod sales;
pub mod settings;
pub mod stop_list;
pub mod strict;
pub mod tech_maps;
pub mod vocab;
pub mod webhooks;
pub mod writeoffs;
