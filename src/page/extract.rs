//! Streaming extraction of a [`ProductPage`] with lol_html.

use super::{PageKind, ProductPage};

/// Decodes page bytes to text using the BOM or the declared charset.
pub fn decode(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Extracts a [`ProductPage`] from decoded HTML.
pub fn extract(html: &str, url: Option<&str>) -> ProductPage {
    let _ = (html, url);
    ProductPage::empty(PageKind::Other)
}
