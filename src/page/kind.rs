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
