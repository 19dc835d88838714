//! Export/import files and Seller Central reports.
//!
//! * [`export_file`] — the export file (listings + settings + history + cases)
//! * [`seller_central`] — "All Listings" / "Active Listings" report files

pub mod export_file;
pub mod seller_central;
