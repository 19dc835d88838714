//! Export/import files and Seller Central reports.

pub mod seller_central;
