//! Reading a product page from its HTML.
//!
//! [`read_page`] takes the raw bytes of a saved page (any declared charset),
//! [`extract`] takes already-decoded text (what a content script sends).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod buybox;
pub mod extract;
pub mod family;
pub mod images;
pub mod kind;
pub mod selectors;
pub mod text;

pub use kind::PageKind;

/// Who sells the offer shown on the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seller {
    /// Merchant ID (`seller=` / `merchantID`), when the page shows one.
    pub id: Option<String>,
    /// Seller name as shown ("Amazon.co.jp", "XYZ Shop").
    pub name: String,
}

/// One member of a variation family: a sibling ASIN and its dimension values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyMember {
    /// The sibling's ASIN.
    pub asin: String,
    /// Its dimension values, e.g. `{"color_name": "Red", "size_name": "M"}`.
    #[serde(default)]
    pub dimensions: BTreeMap<String, String>,
}

/// The variation family a page belongs to (read from the twister).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Family {
    /// The parent ASIN, where the page names one.
    pub parent: Option<String>,
    /// Every member of the family, sorted by ASIN.
    #[serde(default)]
    pub members: Vec<FamilyMember>,
    /// The page listed more than [`family::MAX_FAMILY_MEMBERS`] members and only that
    /// many were kept (the first by ASIN, the page's own always among them).
    /// Serialised only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// Whether the page offers a Buy Box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// A Buy Box offer is shown (add to cart / buy now).
    InStock,
    /// No Buy Box: "Currently unavailable", 現在在庫切れです, …
    Unavailable,
    /// The page does not say (old layouts, books without a buy box block).
    #[default]
    Unknown,
}

/// Everything Catalog Guard reads from one page. JSON form is a contract
/// (see DESIGN.md): field names and meanings must not change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPage {
    /// What the page is.
    pub kind: PageKind,
    /// Host without `www.`, e.g. `amazon.co.jp`.
    pub marketplace: Option<String>,
    /// The product's ASIN.
    pub asin: Option<String>,
    /// Product title, entities decoded, whitespace collapsed.
    pub title: Option<String>,
    /// Brand as the page shows it; `None` for author/artist bylines.
    pub brand: Option<String>,
    /// Gallery image IDs in page order, main image first.
    #[serde(default)]
    pub images: Vec<String>,
    /// Selected twister values, e.g. `{"color_name": "ブラック"}`.
    #[serde(default)]
    pub variations: BTreeMap<String, String>,
    /// Category path, top first.
    #[serde(default)]
    pub breadcrumb: Vec<String>,
    /// Visible "about this item" bullets.
    #[serde(default)]
    pub bullets: Vec<String>,
    /// Product description text.
    pub description: Option<String>,
    /// Who sells the offer shown.
    pub seller: Option<Seller>,
    /// Number of other offers shown on the page, where shown.
    pub offer_count: Option<u32>,
    /// The variation family; `None` without a twister.
    #[serde(default)]
    pub family: Option<Family>,
    /// Whether the page offers a Buy Box.
    #[serde(default)]
    pub availability: Availability,
    /// Whether a Buy Box offer exists (`Some(false)`: the page shows none);
    /// `None` when the page does not say. Its holder is [`ProductPage::seller`].
    #[serde(default)]
    pub buy_box: Option<bool>,
}

impl ProductPage {
    /// An empty page of the given kind.
    pub fn empty(kind: PageKind) -> Self {
        ProductPage {
            kind,
            marketplace: None,
            asin: None,
            title: None,
            brand: None,
            images: Vec::new(),
            variations: BTreeMap::new(),
            breadcrumb: Vec::new(),
            bullets: Vec::new(),
            description: None,
            seller: None,
            offer_count: None,
            family: None,
            availability: Availability::Unknown,
            buy_box: None,
        }
    }

    /// The main image ID, if any.
    pub fn main_image(&self) -> Option<&str> {
        self.images.first().map(String::as_str)
    }
}

/// Reads a page from raw bytes: detects the charset (BOM, `<meta charset>`,
/// `http-equiv`), decodes ([`crate::charset`]: `encoding_rs`, or the browser's `TextDecoder`
/// in the full wasm module), then [`extract`]s.
pub fn read_page(bytes: &[u8], url: Option<&str>) -> ProductPage {
    let text = extract::decode(bytes);
    extract(&text, url)
}

/// Reads a page from decoded HTML text and the URL it was served under.
pub fn extract(html: &str, url: Option<&str>) -> ProductPage {
    extract::extract(html, url)
}
