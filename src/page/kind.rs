//! Page kinds and marketplaces.

use serde::{Deserialize, Serialize};

/// What a page is. Only `Product` pages can be checked against a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    /// A product detail page.
    Product,
    /// A bot wall: Robot Check, validateCaptcha, opfcaptcha, AWS WAF, bm-verify.
    Captcha,
    /// "Page not found" (the dogs 404).
    NotFound,
    /// Service error (the 503 dogs page).
    Error,
    /// Search results, storefronts, category lists, home, video, sign-in.
    Other,
}

/// Every Amazon retail marketplace host (without `www.`).
pub const MARKETPLACES: &[&str] = &[
    "amazon.com",
    "amazon.ca",
    "amazon.com.mx",
    "amazon.com.br",
    "amazon.co.uk",
    "amazon.de",
    "amazon.fr",
    "amazon.it",
    "amazon.es",
    "amazon.nl",
    "amazon.se",
    "amazon.pl",
    "amazon.com.be",
    "amazon.com.tr",
    "amazon.ae",
    "amazon.sa",
    "amazon.eg",
    "amazon.in",
    "amazon.co.jp",
    "amazon.sg",
    "amazon.com.au",
    "amazon.cn",
    "amazon.ie",
    "amazon.co.za",
];

/// The marketplace of a URL or host: `https://www.amazon.co.jp/dp/X` → `amazon.co.jp`.
/// `None` when the host is not an Amazon marketplace.
pub fn marketplace_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest
        .split(['/', '?', '#'])
        .next()?
        .rsplit('@')
        .next()?
        .split(':')
        .next()?
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let host = host.strip_prefix("smile.").unwrap_or(host);
    MARKETPLACES
        .iter()
        .find(|m| **m == host)
        .map(|m| m.to_string())
}

/// Amazon's marketplace IDs (`ue_mid`, `obfuscatedMarketplaceId`) → marketplace host.
pub const MARKETPLACE_IDS: &[(&str, &str)] = &[
    ("ATVPDKIKX0DER", "amazon.com"),
    ("A2EUQ1WTGCTBG2", "amazon.ca"),
    ("A1AM78C64UM0Y8", "amazon.com.mx"),
    ("A2Q3Y263D00KWC", "amazon.com.br"),
    ("A1F83G8C2ARO7P", "amazon.co.uk"),
    ("A1PA6795UKMFR9", "amazon.de"),
    ("A13V1IB3VIYZZH", "amazon.fr"),
    ("APJ6JRA9NG5V4", "amazon.it"),
    ("A1RKKUPIHCS9HS", "amazon.es"),
    ("A1805IZSGTT6HS", "amazon.nl"),
    ("A2NODRKZP88ZB9", "amazon.se"),
    ("A1C3SOZRARQ6R3", "amazon.pl"),
    ("AMEN7PMS3EDWL", "amazon.com.be"),
    ("A33AVAJ2PDY3EV", "amazon.com.tr"),
    ("A2VIGQ35RCS4UG", "amazon.ae"),
    ("A17E79C6D8DWNP", "amazon.sa"),
    ("ARBP9OOSHTCHU", "amazon.eg"),
    ("A21TJRUUN4KGV", "amazon.in"),
    ("A1VC38T7YXB528", "amazon.co.jp"),
    ("A19VAU5U5O7RUS", "amazon.sg"),
    ("A39IBJ37TRP1C6", "amazon.com.au"),
    ("AAHKV2X7AFYLW", "amazon.cn"),
    ("A28R8C7NBKEWEA", "amazon.ie"),
    ("AE08WJ6YKNBMC", "amazon.co.za"),
];

/// Locale folders in Amazon's error-page image paths (`/error/en_US/`) → marketplace.
/// Used only for the dog pages, which carry nothing else (amazon.com/error-503-dog-page-2024).
const ERROR_IMAGE_LOCALES: &[(&str, &str)] = &[
    ("/error/en_US/", "amazon.com"),
    ("/error/en_GB/", "amazon.co.uk"),
    ("/error/de_DE/", "amazon.de"),
    ("/error/fr_FR/", "amazon.fr"),
    ("/error/it_IT/", "amazon.it"),
    ("/error/es_ES/", "amazon.es"),
    ("/error/ja_JP/", "amazon.co.jp"),
    ("/error/en_CA/", "amazon.ca"),
    ("/error/fr_CA/", "amazon.ca"),
    ("/error/en_IN/", "amazon.in"),
    ("/error/zh_CN/", "amazon.cn"),
    ("/error/es_MX/", "amazon.com.mx"),
    ("/error/pt_BR/", "amazon.com.br"),
    ("/error/en_AU/", "amazon.com.au"),
    ("/error/nl_NL/", "amazon.nl"),
];

/// Scans at most this many bytes for the marketplace ID.
const MARKETPLACE_SCAN_LIMIT: usize = 8 << 20;
/// Bot walls and dog pages are a few KB and carry their markers near the top; only
/// this much of a non-product page is searched for them (searching whole multi-MB
/// search pages for 19 markers cost a quarter of the extraction time).
const KIND_SCAN_LIMIT: usize = 64 * 1024;

fn scan_window(html: &str, limit: usize) -> &[u8] {
    let b = html.as_bytes();
    &b[..b.len().min(limit)]
}

/// The marketplace a page's own scripts name: the quoted ID after `ue_mid` /
/// `obfuscatedMarketplaceId` (see [`crate::page::selectors::MARKETPLACE_ID_MARKERS`]),
/// else the locale of the dog pages' error images.
pub fn marketplace_from_page(html: &str) -> Option<String> {
    let bytes = scan_window(html, MARKETPLACE_SCAN_LIMIT);
    for marker in crate::page::selectors::MARKETPLACE_ID_MARKERS {
        let finder = memchr::memmem::Finder::new(marker.as_bytes());
        for at in finder.find_iter(bytes).take(16) {
            let rest = &bytes[at + marker.len()..];
            let rest = &rest[..rest.len().min(40)];
            // skip `" = '`, `':'`, `":"` and similar up to the value
            let start = rest.iter().position(|b| b.is_ascii_alphanumeric());
            let Some(start) = start else { continue };
            let sep = &rest[..start];
            if !sep
                .iter()
                .all(|b| matches!(b, b' ' | b'=' | b':' | b'\'' | b'"' | b'\\'))
            {
                continue;
            }
            let value = &rest[start..];
            let len = value
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            let value = &value[..len];
            if let Some((_, m)) = MARKETPLACE_IDS
                .iter()
                .find(|(id, _)| id.as_bytes() == value)
            {
                return Some(m.to_string());
            }
        }
    }
    if let Some((_, m)) = ERROR_IMAGE_LOCALES
        .iter()
        .find(|(path, _)| memchr::memmem::find(bytes, path.as_bytes()).is_some())
    {
        return Some(m.to_string());
    }
    // Last resort: the marketplace most of the page's absolute links point to
    // (amazon.co.jp/book-ruby-esoteric-4839927847-2008; amazon.com/search-portable-charger-2026,
    // whose scripts were emptied).
    let mut counts: Vec<(String, usize)> = Vec::new();
    let finder = memchr::memmem::Finder::new(b"://www.amazon.");
    for at in finder.find_iter(bytes).take(64) {
        let host = &bytes[at + 3..];
        let len = host
            .iter()
            .take(40)
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'.' || **b == b'-')
            .count();
        let Ok(host) = std::str::from_utf8(&host[..len]) else {
            continue;
        };
        if let Some(m) = marketplace_of(host.trim_end_matches('.')) {
            match counts.iter_mut().find(|(k, _)| *k == m) {
                Some((_, n)) => *n += 1,
                None => counts.push((m, 1)),
            }
        }
    }
    // Most links wins; ties go to the host seen first.
    let mut best: Option<(String, usize)> = None;
    for (m, n) in counts {
        if best.as_ref().map_or(true, |(_, b)| n > *b) {
            best = Some((m, n));
        }
    }
    best.map(|(m, _)| m)
}

/// The kind of a page that has no product ASIN, from raw-text markers
/// (see [`crate::page::selectors::CAPTCHA_MARKERS`] and the lists beside it).
pub fn kind_from_markers(html: &str) -> PageKind {
    use crate::page::selectors::{CAPTCHA_MARKERS, ERROR_MARKERS, NOT_FOUND_MARKERS};
    let bytes = scan_window(html, KIND_SCAN_LIMIT);
    let any = |markers: &[&str]| {
        markers
            .iter()
            .any(|m| memchr::memmem::find(bytes, m.as_bytes()).is_some())
    };
    if any(CAPTCHA_MARKERS) {
        PageKind::Captcha
    } else if any(ERROR_MARKERS) {
        PageKind::Error
    } else if any(NOT_FOUND_MARKERS) {
        PageKind::NotFound
    } else {
        PageKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marketplace_from_urls() {
        assert_eq!(
            marketplace_of("https://www.amazon.co.jp/dp/B07WXL5YPW").as_deref(),
            Some("amazon.co.jp")
        );
        assert_eq!(
            marketplace_of("https://amazon.de/x").as_deref(),
            Some("amazon.de")
        );
        assert_eq!(
            marketplace_of("www.amazon.com").as_deref(),
            Some("amazon.com")
        );
        assert_eq!(marketplace_of("https://evil.example/amazon.com"), None);
        assert_eq!(marketplace_of("https://amazon.com.evil.example/"), None);
    }
}
