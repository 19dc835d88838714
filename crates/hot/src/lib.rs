//! The hot wasm module: reads a product page and checks it against the one listing it is
//! about, for the toolbar badge. The background loads it for every product page; the full
//! module (`catalog_guard::wasm::invoke`: imports, exports, sync, history, cases, templates)
//! is loaded only by what uses it.
//!
//! Strings cross as JSON (`serde_json` is in the core already; no serde-wasm-bindgen here),
//! the page as UTF-8 bytes (one exact-size copy into wasm memory), and only the listing the
//! page is about crosses: the page's ASIN and marketplace are known only after extraction,
//! so the check asks `lookup(marketplace, asin)` for that one listing's JSON.
//!
//! It also serves the full module's page-reading commands (`extract`, `extract_check`,
//! `read_check`: [`extract`], [`check_listings`]), which the background routes here, so
//! lol_html is linked into one module only.
#![forbid(unsafe_code)]

use catalog_guard::check::{self, Report};
use catalog_guard::listing::Listing;
use catalog_guard::page::{self, ProductPage};
use catalog_guard::store::settings;
use wasm_bindgen::prelude::*;

fn error(message: impl std::fmt::Display) -> JsValue {
    JsError::new(&message.to_string()).into()
}

/// The listing `lookup(marketplace, asin)` returns as JSON (`undefined`/`null` = none).
fn listing_for(page: &ProductPage, lookup: &js_sys::Function) -> Result<Option<Listing>, JsValue> {
    let Some(asin) = page.asin.as_deref().filter(|a| !a.trim().is_empty()) else {
        return Ok(None);
    };
    let mp = page
        .marketplace
        .as_deref()
        .map_or(JsValue::NULL, JsValue::from_str);
    let got = lookup.call2(&JsValue::NULL, &mp, &JsValue::from_str(asin))?;
    match got.as_string() {
        Some(json) => serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| error(format_args!("bad listing from lookup: {e}"))),
        None => Ok(None),
    }
}

fn checked(page: &ProductPage, now_ms: f64, lookup: &js_sys::Function) -> Result<String, JsValue> {
    let listing = match page.kind {
        page::PageKind::Product => listing_for(page, lookup)?,
        _ => None,
    };
    let listings: &[Listing] = listing.as_slice();
    let report: Report = check::check(listings, page, &catalog_guard::time::rfc3339(now_ms as i64));
    serde_json::to_string(&report).map_err(error)
}

/// `(url, html as UTF-8 bytes, Date.now(), lookup)` → Report JSON (whose `page` is the
/// extracted page): `page::extract` + `check::check` against the listing `lookup` gives.
#[wasm_bindgen]
pub fn check_html(
    url: Option<String>,
    html: &[u8],
    now_ms: f64,
    lookup: &js_sys::Function,
) -> Result<String, JsValue> {
    let html =
        std::str::from_utf8(html).map_err(|e| error(format_args!("html is not UTF-8: {e}")))?;
    let page = page::extract(html, url.as_deref());
    checked(&page, now_ms, lookup)
}

/// What `storage.local` holds under `settings` (JSON; `null` when nothing) → Settings JSON,
/// the same as the full module's `settings_read` (`store::settings::migrate`).
#[wasm_bindgen]
pub fn settings_read(stored: &str) -> Result<String, JsValue> {
    let v: serde_json::Value = serde_json::from_str(stored).unwrap_or(serde_json::Value::Null);
    serde_json::to_string(&settings::migrate(v)).map_err(error)
}

/// `(url, html as UTF-8 bytes)` → ProductPage JSON (`page::extract`): the `extract` command.
#[wasm_bindgen]
pub fn extract(url: Option<String>, html: &[u8]) -> Result<String, JsValue> {
    let html =
        std::str::from_utf8(html).map_err(|e| error(format_args!("html is not UTF-8: {e}")))?;
    serde_json::to_string(&page::extract(html, url.as_deref())).map_err(error)
}

/// `(url, requested_url, page, raw, listings JSON array, now_ms)` → Report JSON: the page read
/// (`raw`: bytes in the page's own charset, `page::read_page`, the `read_check` command; else
/// UTF-8 text, `page::extract`, the `extract_check` command) and checked against the listings
/// with the URL that was asked for (`check::check_request`, `requested_url` else `url`).
#[wasm_bindgen]
pub fn check_listings(
    url: Option<String>,
    requested_url: Option<String>,
    page_bytes: &[u8],
    raw: bool,
    listings: &str,
    now_ms: f64,
) -> Result<String, JsValue> {
    let listings: Vec<Listing> =
        serde_json::from_str(listings).map_err(|e| error(format_args!("bad listings: {e}")))?;
    let page = if raw {
        page::read_page(page_bytes, url.as_deref())
    } else {
        let html = std::str::from_utf8(page_bytes)
            .map_err(|e| error(format_args!("html is not UTF-8: {e}")))?;
        page::extract(html, url.as_deref())
    };
    let asked = requested_url.as_deref().or(url.as_deref());
    let report = check::check_request(
        &listings,
        &page,
        asked,
        &catalog_guard::time::rfc3339(now_ms as i64),
    );
    serde_json::to_string(&report).map_err(error)
}
