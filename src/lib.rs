//! Catalog Guard core: reads Amazon product pages and checks them against the
//! seller's saved canonical listing data.
//!
//! The core (everything outside [`wasm`]) is pure Rust: no `JsValue`, no
//! `web-sys`. The same code serves the browser extension (through the wasm
//! bindings), the `catalog-guard` CLI, the `www/` page and the tests.
//!
//! * [`page`] — HTML of a page → [`page::ProductPage`]
//! * [`listing`] — the canonical [`listing::Listing`] record and the listings file
//! * [`check`] — [`listing::Listing`] × [`page::ProductPage`] → [`check::Report`]
//! * [`store`] — settings, sync encoding, history, case log
//! * [`import`] — export/import files and Seller Central reports
//! * [`imagesig`] — what a product image shows: signature and same/recoloured/different
//! * [`watch`] — change history, scheduled re-checks, case log and case texts
#![forbid(unsafe_code)]

pub mod charset;
pub mod check;
pub mod imagesig;
pub mod import;
pub mod listing;
pub mod page;
pub mod store;
pub mod time;
pub mod watch;

#[cfg(all(target_arch = "wasm32", feature = "invoke"))]
pub mod wasm;
