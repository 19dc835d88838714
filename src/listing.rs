//! The canonical listing: what the seller expects a product page to show.
//!
//! A [`Listing`] is saved from a page ([`Listing::from_page`]), imported, or
//! edited by hand. [`ListingsFile`] is the `catalog-guard/listings` file
//! shared by the CLI and the extension's export.

use crate::page::{ProductPage, Seller};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `format` value of a listings file.
pub const FORMAT: &str = "catalog-guard/listings";
/// The current listings file version.
pub const VERSION: u32 = 1;

/// Which fields of a listing are compared against the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Watch {
    /// `title`
    pub title: bool,
    /// `brand`
    pub brand: bool,
    /// `images.main`
    pub main_image: bool,
    /// `images.gallery`
    pub gallery: bool,
    /// `variations.<dimension>`
    pub variations: bool,
    /// `breadcrumb`
    pub breadcrumb: bool,
    /// `bullets`
    pub bullets: bool,
    /// `description`
    pub description: bool,
    /// `seller`
    pub seller: bool,
    /// `offers`
    pub offers: bool,
}

impl Default for Watch {
    /// Everything a hijack changes is watched; seller and offer count are
    /// informational and watched too (they are `info` severity).
    fn default() -> Self {
        Watch {
            title: true,
            brand: true,
            main_image: true,
            gallery: true,
            variations: true,
            breadcrumb: true,
            bullets: true,
            description: true,
            seller: true,
            offers: false,
        }
    }
}

/// The canonical record of one product on one marketplace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// ASIN.
    pub asin: String,
    /// Marketplace host without `www.`, e.g. `amazon.co.jp`.
    pub marketplace: String,
    /// Seller SKU, when known (from a Seller Central report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// Expected title.
    #[serde(default)]
    pub title: Option<String>,
    /// Expected brand.
    #[serde(default)]
    pub brand: Option<String>,
    /// Expected image IDs, main first.
    #[serde(default)]
    pub images: Vec<String>,
    /// Expected selected variations.
    #[serde(default)]
    pub variations: BTreeMap<String, String>,
    /// Expected category path.
    #[serde(default)]
    pub breadcrumb: Vec<String>,
    /// Expected bullets.
    #[serde(default)]
    pub bullets: Vec<String>,
    /// Expected description.
    #[serde(default)]
    pub description: Option<String>,
    /// Expected seller.
    #[serde(default)]
    pub seller: Option<Seller>,
    /// Expected offer count.
    #[serde(default)]
    pub offer_count: Option<u32>,
    /// Which fields are compared.
    #[serde(default)]
    pub watch: Watch,
    /// When first saved (RFC 3339).
    pub saved_at: String,
    /// When last changed (RFC 3339).
    pub updated_at: String,
    /// The seller's own note.
    #[serde(default)]
    pub note: String,
}

impl Listing {
    /// The key a listing is stored under: `marketplace/ASIN`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.marketplace, self.asin)
    }

    /// A listing holding exactly what `page` shows, saved at `now` (RFC 3339).
    /// `None` when the page is not a product page or has no ASIN/marketplace.
    pub fn from_page(page: &ProductPage, now: &str) -> Option<Listing> {
        if page.kind != crate::page::PageKind::Product {
            return None;
        }
        Some(Listing {
            asin: page.asin.clone()?,
            marketplace: page.marketplace.clone()?,
            sku: None,
            title: page.title.clone(),
            brand: page.brand.clone(),
            images: page.images.clone(),
            variations: page.variations.clone(),
            breadcrumb: page.breadcrumb.clone(),
            bullets: page.bullets.clone(),
            description: page.description.clone(),
            seller: page.seller.clone(),
            offer_count: page.offer_count,
            watch: Watch::default(),
            saved_at: now.to_string(),
            updated_at: now.to_string(),
            note: String::new(),
        })
    }
}

/// The `catalog-guard/listings` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingsFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// File version, [`VERSION`] when written.
    pub version: u32,
    /// The listings.
    pub listings: Vec<Listing>,
}

impl ListingsFile {
    /// A file holding `listings`.
    pub fn new(listings: Vec<Listing>) -> Self {
        ListingsFile {
            format: FORMAT.to_string(),
            version: VERSION,
            listings,
        }
    }
}
