//! The canonical listing: what the seller expects a product page to show.
//!
//! A [`Listing`] is saved from a page ([`Listing::from_page`]), imported, or
//! edited by hand. [`ListingsFile`] is the `catalog-guard/listings` file
//! shared by the CLI and the extension's export.
//!
//! # File versions
//!
//! * **2** (current): as version 1, and each listing may hold the expected
//!   variation `family` (parent ASIN and members), `family_known` (whether
//!   a page has shown the family yet; `family: null` with `family_known:
//!   true` means "no family") and `availability` (`in_stock`, `unavailable`
//!   or `unknown`), with the watch flags `family_parent`, `family_members`
//!   and `availability`.
//! * **1**: `{"format": "catalog-guard/listings", "version": 1,
//!   "listings": [Listing…]}` with per-listing [`Watch`] flags. [`migrate`]
//!   turns it into version 2: no family known yet (`family_known: false`),
//!   `availability: unknown`, the new flags watched. Such a listing takes
//!   its family and availability from the next product page that shows them
//!   ([`Listing::missing_fields`], [`Listing::complete_from`]) and is never
//!   flagged for them before.
//! * **0**: the first shape, from before watch flags existed. Each listing
//!   held `main_image` (an image ID) and `gallery` (the other IDs) instead of
//!   `images`, a single selected `color` instead of the `variations` map, no
//!   `seller`/`offer_count`, and only `saved_at`. [`migrate`] turns it into
//!   version 1: `images = [main_image] + gallery`,
//!   `variations = {"color_name": color}`, every field watched
//!   ([`Watch::default`]), `updated_at = saved_at`; then as version 1.
//!
//! [`parse_listings_file`] reads either and always returns the current shape;
//! a file from a newer Catalog Guard is refused rather than half-read.

use crate::page::{Availability, Family, ProductPage, Seller};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `format` value of a listings file.
pub const FORMAT: &str = "catalog-guard/listings";
/// The current listings file version.
pub const VERSION: u32 = 2;

/// Every field name [`Listing::accept`] and [`Listing::unwatch`] take (plus
/// `variations.<dimension>`).
pub const FIELDS: &[&str] = &[
    "title",
    "brand",
    "images.main",
    "images.gallery",
    "variations",
    "breadcrumb",
    "bullets",
    "description",
    "seller",
    "offers",
    "family",
    "family.parent",
    "family.members",
    "availability",
];

/// Why a listings file could not be read, or a listing could not be changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingError {
    /// The text is not JSON.
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json says is wrong.
        message: String,
    },
    /// JSON, but not a `catalog-guard/listings` file.
    Format {
        /// The `format` value found, if any.
        found: Option<String>,
    },
    /// `version` is missing or not a whole number.
    BadVersion {
        /// The `version` value found, as JSON text (`null` when missing).
        found: String,
    },
    /// Written by a newer Catalog Guard.
    NewerVersion {
        /// The file's version.
        found: u64,
    },
    /// The right format, but a listing has the wrong shape (missing
    /// required field, wrong type).
    Shape {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json says is wrong.
        message: String,
    },
    /// One listing is unusable (empty ASIN, duplicate key…).
    Listing {
        /// 1-based position in the file.
        index: usize,
        /// What is wrong.
        message: String,
    },
    /// A field name [`Listing::accept`]/[`Listing::unwatch`] does not know.
    UnknownField(String),
    /// [`Listing::accept`] on a field the page shows nothing for, where an
    /// empty value cannot be saved (the main image).
    NothingOnPage(String),
    /// [`Listing::accept`] with a page for another product.
    OtherProduct {
        /// The listing's ASIN.
        listing: String,
        /// The page's ASIN.
        page: String,
    },
}

impl std::fmt::Display for ListingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListingError::Syntax {
                line,
                column,
                message,
            } => write!(
                f,
                "not valid JSON at line {line}, column {column}: {message}"
            ),
            ListingError::Format { found: Some(x) } => write!(
                f,
                "not a Catalog Guard listings file: \"format\" is {x:?}, expected {FORMAT:?}"
            ),
            ListingError::Format { found: None } => write!(
                f,
                "not a Catalog Guard listings file: no \"format\": {FORMAT:?} at the top level"
            ),
            ListingError::BadVersion { found } => write!(
                f,
                "listings file \"version\" must be a whole number, found {found}"
            ),
            ListingError::NewerVersion { found } => write!(
                f,
                "listings file version {found} is newer than this Catalog Guard reads \
                 (up to {VERSION}); update Catalog Guard"
            ),
            ListingError::Shape {
                line,
                column,
                message,
            } => write!(
                f,
                "invalid listings file at line {line}, column {column}: {message}"
            ),
            ListingError::Listing { index, message } => write!(f, "listing {index}: {message}"),
            ListingError::UnknownField(x) => write!(
                f,
                "unknown field {x:?} (expected one of {}, or variations.<dimension>)",
                FIELDS.join(", ")
            ),
            ListingError::NothingOnPage(x) => {
                write!(f, "the page shows no value for {x:?} to accept")
            }
            ListingError::OtherProduct { listing, page } => write!(
                f,
                "the page is for ASIN {page}, not the listing's ASIN {listing}"
            ),
        }
    }
}

impl std::error::Error for ListingError {}

/// serde_json's message without its trailing " at line L column C".
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_string()
}

fn syntax(e: &serde_json::Error) -> ListingError {
    ListingError::Syntax {
        line: e.line(),
        column: e.column(),
        message: json_message(e),
    }
}

fn shape(e: &serde_json::Error) -> ListingError {
    ListingError::Shape {
        line: e.line(),
        column: e.column(),
        message: json_message(e),
    }
}

/// Reads a `catalog-guard/listings` file of any known version (migrating
/// older ones, see the module docs) and checks every listing has an ASIN and
/// a marketplace and that no `marketplace/ASIN` appears twice.
pub fn parse_listings_file(text: &str) -> Result<ListingsFile, ListingError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| syntax(&e))?;
    let version = file_version(&value)?;
    let file = if version == 0 {
        let v0 = serde_json::from_str::<V0File>(text).map_err(|e| shape(&e))?;
        migrate_v0(v0)
    } else {
        let mut file = serde_json::from_str::<ListingsFile>(text).map_err(|e| shape(&e))?;
        migrate_v1(&mut file);
        file
    };
    validate(&file)?;
    Ok(file)
}

/// Turns a parsed listings file of any known version into the current shape.
/// The same rules as [`parse_listings_file`], for a file already parsed as
/// JSON (errors carry no line numbers).
pub fn migrate(value: serde_json::Value) -> Result<ListingsFile, ListingError> {
    let version = file_version(&value)?;
    let no_pos = |e: serde_json::Error| ListingError::Shape {
        line: 0,
        column: 0,
        message: json_message(&e),
    };
    let file = if version == 0 {
        migrate_v0(serde_json::from_value::<V0File>(value).map_err(no_pos)?)
    } else {
        let mut file = serde_json::from_value::<ListingsFile>(value).map_err(no_pos)?;
        migrate_v1(&mut file);
        file
    };
    validate(&file)?;
    Ok(file)
}

/// Version 1 → 2: the listings read as version 2 already (the new fields
/// default to "not known yet": `family_known: false`, `availability:
/// unknown`, new watch flags on); only the file's version changes. A
/// version-1 listing that somehow carries `family_known: true` keeps it.
fn migrate_v1(file: &mut ListingsFile) {
    file.version = VERSION;
}

/// Checks `format` and returns `version` (0 to [`VERSION`]).
fn file_version(value: &serde_json::Value) -> Result<u64, ListingError> {
    let format = value.get("format");
    if format.and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(ListingError::Format {
            found: format.map(|f| match f.as_str() {
                Some(s) => s.to_string(),
                None => f.to_string(),
            }),
        });
    }
    let v = value.get("version").unwrap_or(&serde_json::Value::Null);
    match v.as_u64() {
        Some(n) if n > u64::from(VERSION) => Err(ListingError::NewerVersion { found: n }),
        Some(n) => Ok(n),
        None => Err(ListingError::BadVersion {
            found: v.to_string(),
        }),
    }
}

fn validate(file: &ListingsFile) -> Result<(), ListingError> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, l) in file.listings.iter().enumerate() {
        let index = i + 1;
        let err = |message: String| ListingError::Listing { index, message };
        if l.asin.trim().is_empty() {
            return Err(err("\"asin\" is empty".into()));
        }
        if l.marketplace.trim().is_empty() {
            return Err(err(format!("\"marketplace\" is empty (ASIN {})", l.asin)));
        }
        let key = l.key().to_ascii_lowercase();
        if let Some(first) = seen.insert(key, index) {
            return Err(err(format!(
                "{} appears twice (also listing {first})",
                l.key()
            )));
        }
        for (id, sig) in &l.image_signatures {
            if id.trim().is_empty() {
                return Err(err(format!(
                    "\"image_signatures\" has an empty image ID ({})",
                    l.key()
                )));
            }
            if let Err(e) = crate::imagesig::Signature::from_compact(sig) {
                return Err(err(format!(
                    "\"image_signatures\" of image {id} ({}): {e}",
                    l.key()
                )));
            }
        }
    }
    Ok(())
}

/// A version-0 file: see the module docs.
#[derive(Deserialize)]
struct V0File {
    listings: Vec<V0Listing>,
}

/// A version-0 listing: no watch flags, `main_image` + `gallery`, one `color`.
#[derive(Deserialize)]
struct V0Listing {
    asin: String,
    marketplace: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    main_image: Option<String>,
    #[serde(default)]
    gallery: Vec<String>,
    #[serde(default)]
    color: Option<String>,
    #[serde(default)]
    breadcrumb: Vec<String>,
    #[serde(default)]
    bullets: Vec<String>,
    #[serde(default)]
    description: Option<String>,
    saved_at: String,
    #[serde(default)]
    note: String,
}

fn migrate_v0(file: V0File) -> ListingsFile {
    let listings = file
        .listings
        .into_iter()
        .map(|o| {
            let mut images: Vec<String> = o.main_image.into_iter().collect();
            if !images.is_empty() {
                images.extend(o.gallery);
            }
            Listing {
                asin: o.asin,
                marketplace: o.marketplace,
                sku: None,
                title: o.title,
                brand: o.brand,
                images,
                variations: o
                    .color
                    .map(|c| BTreeMap::from([("color_name".to_string(), c)]))
                    .unwrap_or_default(),
                breadcrumb: o.breadcrumb,
                bullets: o.bullets,
                description: o.description,
                seller: None,
                offer_count: None,
                family: None,
                family_known: false,
                availability: Availability::Unknown,
                watch: Watch::default(),
                updated_at: o.saved_at.clone(),
                saved_at: o.saved_at,
                note: o.note,
                image_signatures: BTreeMap::new(),
            }
        })
        .collect();
    ListingsFile::new(listings)
}

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
    /// `family.parent`
    pub family_parent: bool,
    /// `family.members`
    pub family_members: bool,
    /// `availability`
    pub availability: bool,
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
            family_parent: true,
            family_members: true,
            availability: true,
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
    /// Expected variation family (`None`: no family, or not known yet, see
    /// [`Listing::family_known`]).
    #[serde(default)]
    pub family: Option<Family>,
    /// Whether [`Listing::family`] was taken from a product page (or set by
    /// hand): `false` for listings saved before families were read, and for
    /// imports; the family is then filled from the next product page and not
    /// compared before.
    #[serde(default)]
    pub family_known: bool,
    /// Expected availability (`unknown`: not known yet, never compared).
    #[serde(default)]
    pub availability: Availability,
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
    /// What the saved images show: image ID → signature in its compact text form
    /// ([`crate::imagesig::Signature::to_compact`]), for the main image and the gallery. Filled
    /// in by the extension on save, or later from the saved image URLs. Only IDs in `images`
    /// are kept (see [`Listing::prune_image_signatures`]); every one is checked on import.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub image_signatures: BTreeMap<String, String>,
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
            family: page.family.clone(),
            family_known: true,
            availability: page.availability,
            watch: Watch::default(),
            saved_at: now.to_string(),
            updated_at: now.to_string(),
            note: String::new(),
            image_signatures: BTreeMap::new(),
        })
    }

    /// Takes what `page` shows for `field` as the new expected value and sets
    /// `updated_at` to `now`. `field` is a [`crate::check::Mismatch::field`]
    /// name or plain `variations` (every dimension). Accepting a field the
    /// page shows nothing for clears the expected value (so it is no longer
    /// compared), except for the main image, which is an error.
    pub fn accept(
        &mut self,
        field: &str,
        page: &ProductPage,
        now: &str,
    ) -> Result<(), ListingError> {
        if let Some(page_asin) = page.asin.as_deref() {
            if !page_asin.eq_ignore_ascii_case(&self.asin) {
                return Err(ListingError::OtherProduct {
                    listing: self.asin.clone(),
                    page: page_asin.to_string(),
                });
            }
        }
        match field {
            "title" => self.title = page.title.clone(),
            "brand" => self.brand = page.brand.clone(),
            "images.main" => {
                let main = page
                    .main_image()
                    .ok_or_else(|| ListingError::NothingOnPage(field.to_string()))?;
                match self.images.first_mut() {
                    Some(first) => *first = main.to_string(),
                    None => self.images.push(main.to_string()),
                }
            }
            "images.gallery" => {
                let main = match self
                    .images
                    .first()
                    .map(String::as_str)
                    .or(page.main_image())
                {
                    Some(m) => m.to_string(),
                    None => return Err(ListingError::NothingOnPage(field.to_string())),
                };
                let mut images = vec![main];
                images.extend(page.images.iter().skip(1).cloned());
                self.images = images;
            }
            "variations" => self.variations = page.variations.clone(),
            "breadcrumb" => self.breadcrumb = page.breadcrumb.clone(),
            "bullets" => self.bullets = page.bullets.clone(),
            "description" => self.description = page.description.clone(),
            "seller" => self.seller = page.seller.clone(),
            "offers" => self.offer_count = page.offer_count,
            "family" | "family.parent" | "family.members" => {
                self.family = page.family.clone();
                self.family_known = true;
            }
            "availability" => self.availability = page.availability,
            other => {
                let dim = variation_dimension(other)?;
                match page.variations.get(dim) {
                    Some(v) => {
                        self.variations.insert(dim.to_string(), v.clone());
                    }
                    None => {
                        self.variations.remove(dim);
                    }
                }
            }
        }
        self.prune_image_signatures();
        self.updated_at = now.to_string();
        Ok(())
    }

    /// The signature of image `id`, when the listing holds a readable one.
    pub fn image_signature(&self, id: &str) -> Option<crate::imagesig::Signature> {
        let text = self.image_signatures.get(id)?;
        crate::imagesig::Signature::from_compact(text).ok()
    }

    /// Adds the signatures of images the listing shows and has none for yet (others are
    /// ignored), in compact form; `updated_at` stays (see ARCHITECTURE.md: filling in
    /// signatures is not an edit). Returns whether anything was added.
    pub fn add_image_signatures(
        &mut self,
        signatures: &BTreeMap<String, crate::imagesig::Signature>,
    ) -> bool {
        let mut added = false;
        for (id, sig) in signatures {
            if self.images.contains(id) && !self.image_signatures.contains_key(id) {
                self.image_signatures.insert(id.clone(), sig.to_compact());
                added = true;
            }
        }
        added
    }

    /// Drops the signatures of images the listing no longer shows (after accepting a new main
    /// image or gallery, the old picture's signature must not be compared against).
    pub fn prune_image_signatures(&mut self) {
        let images = &self.images;
        self.image_signatures.retain(|id, _| images.contains(id));
    }

    /// The fields this listing has no expected value for but `page` shows (a partial
    /// listing, e.g. from a Seller Central report, whose page is open).
    pub fn missing_fields(&self, page: &ProductPage) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.title.is_none() && page.title.is_some() {
            out.push("title");
        }
        if self.brand.is_none() && page.brand.is_some() {
            out.push("brand");
        }
        if self.images.is_empty() && !page.images.is_empty() {
            out.push("images.main");
        }
        if self.images.len() <= 1 && page.images.len() > 1 {
            out.push("images.gallery");
        }
        if self.variations.is_empty() && !page.variations.is_empty() {
            out.push("variations");
        }
        if self.breadcrumb.is_empty() && !page.breadcrumb.is_empty() {
            out.push("breadcrumb");
        }
        if self.bullets.is_empty() && !page.bullets.is_empty() {
            out.push("bullets");
        }
        if self.description.is_none() && page.description.is_some() {
            out.push("description");
        }
        if self.seller.is_none() && page.seller.is_some() {
            out.push("seller");
        }
        out
    }

    /// The family and availability this listing does not know yet and `page` (a product
    /// page of the same ASIN) shows: `family` once any such page was seen (a page without
    /// a twister says "no family" as plainly as a twister says which), `availability` when
    /// the listing's is `unknown` and the page's is not. These are filled by
    /// [`Listing::learn_from`] without asking the seller (they were not read when the
    /// listing was saved), so they are not part of [`Listing::missing_fields`].
    pub fn unknown_fields(&self, page: &ProductPage) -> Vec<&'static str> {
        let mut out = Vec::new();
        let same_asin = page
            .asin
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(&self.asin));
        if page.kind != crate::page::PageKind::Product || !same_asin {
            return out;
        }
        if !self.family_known {
            out.push("family");
        }
        if self.availability == Availability::Unknown && page.availability != Availability::Unknown
        {
            out.push("availability");
        }
        out
    }

    /// Fills what [`Listing::unknown_fields`] names from `page` (watch flags untouched) and
    /// sets `updated_at` when anything was filled. Returns the fields filled.
    pub fn learn_from(&mut self, page: &ProductPage, now: &str) -> Vec<&'static str> {
        let fields = self.unknown_fields(page);
        for f in &fields {
            // Same ASIN (checked above): accept cannot fail.
            let _ = self.accept(f, page, now);
        }
        fields
    }

    /// Fills every field [`Listing::missing_fields`] names from `page` and watches it;
    /// values the seller already has are never touched. Returns the fields filled.
    pub fn complete_from(
        &mut self,
        page: &ProductPage,
        now: &str,
    ) -> Result<Vec<&'static str>, ListingError> {
        let mut fields = self.missing_fields(page);
        for field in &fields {
            self.accept(field, page, now)?;
            let w = &mut self.watch;
            match *field {
                "title" => w.title = true,
                "brand" => w.brand = true,
                "images.main" => w.main_image = true,
                "images.gallery" => w.gallery = true,
                "variations" => w.variations = true,
                "breadcrumb" => w.breadcrumb = true,
                "bullets" => w.bullets = true,
                "description" => w.description = true,
                _ => w.seller = true,
            }
        }
        fields.extend(self.learn_from(page, now));
        Ok(fields)
    }

    /// Stops comparing `field`. For `variations.<dimension>` the expected
    /// value of that one dimension is removed (the other dimensions stay
    /// watched; [`Listing::accept`] of the same field takes it back from a
    /// page); every other name clears its [`Watch`] flag.
    pub fn unwatch(&mut self, field: &str) -> Result<(), ListingError> {
        let w = &mut self.watch;
        match field {
            "title" => w.title = false,
            "brand" => w.brand = false,
            "images.main" => w.main_image = false,
            "images.gallery" => w.gallery = false,
            "variations" => w.variations = false,
            "breadcrumb" => w.breadcrumb = false,
            "bullets" => w.bullets = false,
            "description" => w.description = false,
            "seller" => w.seller = false,
            "offers" => w.offers = false,
            "family" => {
                w.family_parent = false;
                w.family_members = false;
            }
            "family.parent" => w.family_parent = false,
            "family.members" => w.family_members = false,
            "availability" => w.availability = false,
            other => {
                let dim = variation_dimension(other)?;
                self.variations.remove(dim);
            }
        }
        Ok(())
    }
}

/// `variations.color_name` → `color_name`.
fn variation_dimension(field: &str) -> Result<&str, ListingError> {
    field
        .strip_prefix("variations.")
        .filter(|d| !d.is_empty())
        .ok_or_else(|| ListingError::UnknownField(field.to_string()))
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

    /// The file as pretty JSON (what the CLI and the export write);
    /// [`parse_listings_file`] reads it back to an equal value.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::PageKind;

    fn page() -> ProductPage {
        let mut p = ProductPage::empty(PageKind::Product);
        p.asin = Some("B07WXL5YPW".into());
        p.marketplace = Some("amazon.co.jp".into());
        p.title = Some("Nintendo Switch 本体 ネオンブルー".into());
        p.brand = Some("任天堂".into());
        p.images = vec!["61-BA2Qc+UL".into(), "51abc".into(), "41def".into()];
        p.variations = BTreeMap::from([("color_name".into(), "ネオンブルー".into())]);
        p.breadcrumb = vec!["ゲーム".into(), "Nintendo Switch".into()];
        p.bullets = vec!["一".into(), "二".into()];
        p.description = Some("説明".into());
        p.seller = Some(Seller {
            id: Some("AN1VRQENFRJN5".into()),
            name: "Amazon.co.jp".into(),
        });
        p.offer_count = Some(3);
        p
    }

    fn listing() -> Listing {
        Listing::from_page(&page(), "2026-11-01T00:00:00Z").expect("product page")
    }

    fn family(parent: &str) -> Family {
        serde_json::from_value(serde_json::json!({"parent": parent, "members": []})).unwrap()
    }

    #[test]
    fn exported_file_reimports_identically() {
        let mut l = listing();
        l.sku = Some("SKU-1".into());
        l.note = "黒は別ASIN".into();
        l.watch.offers = true;
        let mut partial = Listing::from_page(&page(), "2026-11-02T00:00:00Z").unwrap();
        partial.asin = "B000000001".into();
        partial.bullets.clear();
        partial.title = None;
        let file = ListingsFile::new(vec![l, partial]);
        let text = file.to_json();
        let back = parse_listings_file(&text).expect("re-import");
        assert_eq!(back, file);
        assert_eq!(back.to_json(), text);
    }

    #[test]
    fn version_0_files_are_migrated() {
        let v0 = r#"{"format": "catalog-guard/listings", "version": 0, "listings": [
            {"asin": "B07WXL5YPW", "marketplace": "amazon.co.jp", "title": "T",
             "main_image": "61-BA2Qc+UL", "gallery": ["51abc"], "color": "ネオンブルー",
             "bullets": ["一"], "saved_at": "2025-01-01T00:00:00Z", "note": "n"},
            {"asin": "B000000001", "marketplace": "amazon.com", "saved_at": "2025-02-01T00:00:00Z"}
        ]}"#;
        let file = parse_listings_file(v0).expect("v0 reads");
        assert_eq!(file.version, VERSION);
        let a = &file.listings[0];
        assert_eq!(a.images, vec!["61-BA2Qc+UL", "51abc"]);
        assert_eq!(a.variations["color_name"], "ネオンブルー");
        assert_eq!(a.watch, Watch::default());
        assert_eq!(a.updated_at, "2025-01-01T00:00:00Z");
        assert_eq!(a.note, "n");
        let b = &file.listings[1];
        assert!(b.images.is_empty() && b.variations.is_empty() && b.title.is_none());
        // The same through `migrate` on parsed JSON.
        let value: serde_json::Value = serde_json::from_str(v0).unwrap();
        assert_eq!(migrate(value).unwrap(), file);
        // And the migrated file re-imports as version 1 unchanged.
        assert_eq!(parse_listings_file(&file.to_json()).unwrap(), file);
    }

    #[test]
    fn errors_name_the_problem_and_position() {
        let e = parse_listings_file("{\n  \"format\": \"catalog-guard/listings\",\n  oops\n}")
            .unwrap_err();
        assert!(matches!(e, ListingError::Syntax { line: 3, .. }), "{e:?}");
        assert!(
            e.to_string()
                .starts_with("not valid JSON at line 3, column 3: "),
            "{e}"
        );

        let e =
            parse_listings_file(r#"{"format": "something/else", "version": 1, "listings": []}"#)
                .unwrap_err();
        assert_eq!(
            e.to_string(),
            "not a Catalog Guard listings file: \"format\" is \"something/else\", expected \"catalog-guard/listings\""
        );
        let e = parse_listings_file("[]").unwrap_err();
        assert_eq!(e, ListingError::Format { found: None });

        let e = parse_listings_file(
            r#"{"format": "catalog-guard/listings", "version": 3, "listings": []}"#,
        )
        .unwrap_err();
        assert_eq!(e, ListingError::NewerVersion { found: 3 });
        assert!(e.to_string().contains("version 3 is newer"), "{e}");
        let e = parse_listings_file(r#"{"format": "catalog-guard/listings", "listings": []}"#)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "listings file \"version\" must be a whole number, found null"
        );

        let text = "{\"format\": \"catalog-guard/listings\", \"version\": 1, \"listings\": [\n  {\"asin\": \"B0\", \"saved_at\": \"x\", \"updated_at\": \"x\"}\n]}";
        let e = parse_listings_file(text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid listings file at line 2, column 52: missing field `marketplace`"
        );

        let dup = ListingsFile::new(vec![listing(), listing()]).to_json();
        let e = parse_listings_file(&dup).unwrap_err();
        assert_eq!(
            e.to_string(),
            "listing 2: amazon.co.jp/B07WXL5YPW appears twice (also listing 1)"
        );
    }

    #[test]
    fn accepting_a_new_main_image_drops_its_old_signature() {
        let mut l = listing();
        let old_main = l.images[0].clone();
        let sig = crate::imagesig::signature(64, 48, &crate::imagesig::test_pattern(64, 48))
            .unwrap()
            .to_compact();
        l.image_signatures.insert(old_main.clone(), sig.clone());
        l.image_signatures.insert("51abc".into(), sig.clone());
        assert!(l.image_signature(&old_main).is_some());
        let mut p = page();
        p.images[0] = "71new".into();
        l.accept("title", &p, "t").unwrap();
        assert_eq!(l.image_signatures.len(), 2);
        l.accept("images.main", &p, "t").unwrap();
        assert!(l.image_signature(&old_main).is_none());
        assert!(l.image_signature("71new").is_none());
        assert_eq!(l.image_signatures.keys().collect::<Vec<_>>(), ["51abc"]);
        // Adding keeps what is there, skips images the listing does not show, and is no edit.
        let full = crate::imagesig::Signature::from_compact(&sig).unwrap();
        let all = BTreeMap::from([
            ("71new".to_string(), full.clone()),
            ("51abc".to_string(), full.clone()),
            ("elsewhere".to_string(), full.clone()),
        ]);
        let before = l.updated_at.clone();
        assert!(l.add_image_signatures(&all));
        assert_eq!(l.image_signatures.len(), 2);
        assert_eq!(l.image_signature("71new"), Some(full));
        assert!(!l.add_image_signatures(&all));
        assert_eq!(l.updated_at, before);
        // An unreadable signature reads as none (the import refuses it earlier).
        l.image_signatures.insert("51abc".into(), "1|zz".into());
        assert!(l.image_signature("51abc").is_none());
    }

    #[test]
    fn accept_takes_the_page_value() {
        let mut l = listing();
        let mut p = page();
        p.title = Some("New title".into());
        p.images[0] = "71new".into();
        p.images.push("31xyz".into());
        p.variations.insert("color_name".into(), "レッド".into());
        p.variations.insert("size_name".into(), "M".into());
        l.accept("title", &p, "2026-11-03T00:00:00Z").unwrap();
        assert_eq!(l.title.as_deref(), Some("New title"));
        assert_eq!(l.updated_at, "2026-11-03T00:00:00Z");
        assert_eq!(l.saved_at, "2026-11-01T00:00:00Z");
        l.accept("images.main", &p, "t").unwrap();
        assert_eq!(l.images, vec!["71new", "51abc", "41def"]);
        l.accept("images.gallery", &p, "t").unwrap();
        assert_eq!(l.images, vec!["71new", "51abc", "41def", "31xyz"]);
        l.accept("variations.color_name", &p, "t").unwrap();
        assert_eq!(l.variations.len(), 1);
        assert_eq!(l.variations["color_name"], "レッド");
        l.accept("variations", &p, "t").unwrap();
        assert_eq!(l.variations.len(), 2);
        p.offer_count = Some(9);
        l.accept("offers", &p, "t").unwrap();
        assert_eq!(l.offer_count, Some(9));
        p.description = None;
        l.accept("description", &p, "t").unwrap();
        assert_eq!(l.description, None);

        assert_eq!(
            l.accept("colour", &p, "t"),
            Err(ListingError::UnknownField("colour".into()))
        );
        p.images.clear();
        assert_eq!(
            l.accept("images.main", &p, "t"),
            Err(ListingError::NothingOnPage("images.main".into()))
        );
        p.asin = Some("B000000001".into());
        assert!(matches!(
            l.accept("title", &p, "t"),
            Err(ListingError::OtherProduct { .. })
        ));
    }

    #[test]
    fn version_1_files_are_migrated_and_learn_family_and_availability_from_the_next_page() {
        // A version-1 file as an earlier Catalog Guard wrote it: no family, no
        // availability, no new watch flags.
        let v1 = r#"{"format": "catalog-guard/listings", "version": 1, "listings": [
            {"asin": "B07WXL5YPW", "marketplace": "amazon.co.jp", "title": "T",
             "images": ["61-BA2Qc+UL"], "watch": {"title": true, "offers": true},
             "saved_at": "2025-01-01T00:00:00Z", "updated_at": "2025-02-01T00:00:00Z"}
        ]}"#;
        let file = parse_listings_file(v1).expect("v1 reads");
        assert_eq!(file.version, VERSION);
        assert_eq!(VERSION, 2);
        let l = &file.listings[0];
        assert!(!l.family_known && l.family.is_none());
        assert_eq!(l.availability, Availability::Unknown);
        assert!(l.watch.family_parent && l.watch.family_members && l.watch.availability);
        assert!(l.watch.offers, "flags the file has are kept");
        let value: serde_json::Value = serde_json::from_str(v1).unwrap();
        assert_eq!(migrate(value).unwrap(), file);
        // Re-exported as version 2 and read back unchanged.
        let text = file.to_json();
        assert!(text.contains("\"version\": 2"), "{text}");
        assert_eq!(parse_listings_file(&text).unwrap(), file);

        // The next product page of it fills family and availability, not the other way.
        let mut p = page();
        p.family = Some(family("B0PARENT01"));
        p.availability = Availability::InStock;
        let mut l = l.clone();
        assert!(l
            .missing_fields(&p)
            .iter()
            .all(|f| !f.starts_with("family")));
        assert_eq!(l.unknown_fields(&p), vec!["family", "availability"]);
        let mut other = p.clone();
        other.asin = Some("B000000001".into());
        assert!(
            l.unknown_fields(&other).is_empty(),
            "another ASIN's page teaches nothing"
        );
        assert_eq!(
            l.learn_from(&p, "2026-11-05T00:00:00Z"),
            vec!["family", "availability"]
        );
        assert!(l.family_known);
        assert_eq!(
            l.family.as_ref().unwrap().parent.as_deref(),
            Some("B0PARENT01")
        );
        assert_eq!(l.availability, Availability::InStock);
        assert_eq!(l.updated_at, "2026-11-05T00:00:00Z");
        assert!(l.learn_from(&p, "2026-11-06T00:00:00Z").is_empty());
        // A page without a twister teaches "no family".
        let mut l2 = file.listings[0].clone();
        let mut plain = page();
        plain.family = None;
        assert_eq!(l2.learn_from(&plain, "t"), vec!["family"]);
        assert!(l2.family_known && l2.family.is_none());
    }

    #[test]
    fn accept_and_unwatch_family_and_availability() {
        let mut l = listing();
        assert!(l.family_known);
        let mut p = page();
        p.family = Some(family("B0NEWPAR01"));
        p.availability = Availability::Unavailable;
        l.accept("family.parent", &p, "t").unwrap();
        assert_eq!(l.family, p.family);
        l.accept("availability", &p, "t").unwrap();
        assert_eq!(l.availability, Availability::Unavailable);
        l.unwatch("family.members").unwrap();
        assert!(!l.watch.family_members && l.watch.family_parent);
        l.unwatch("family").unwrap();
        assert!(!l.watch.family_parent);
        l.unwatch("availability").unwrap();
        assert!(!l.watch.availability);
    }

    #[test]
    fn unwatch_clears_the_flag() {
        let mut l = listing();
        l.unwatch("images.gallery").unwrap();
        assert!(!l.watch.gallery && l.watch.main_image);
        l.unwatch("seller").unwrap();
        assert!(!l.watch.seller);
        l.unwatch("variations.color_name").unwrap();
        assert!(l.variations.is_empty() && l.watch.variations);
        l.unwatch("variations").unwrap();
        assert!(!l.watch.variations);
        assert!(l.unwatch("variations.").is_err());
        assert!(l.unwatch("images").is_err());
    }
}
