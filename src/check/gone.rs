//! A tracked listing whose page no longer exists: the report status `gone`.
//!
//! The page alone cannot say that a listing is gone (a 404 page names no
//! ASIN), so [`super::check_request`] also takes the URL that was asked for
//! (the tab's URL, or the listing's own URL in a scheduled re-check). When
//! that URL names the ASIN of a saved listing, the answer is `gone` if:
//!
//! * the page is Amazon's "page not found" (the dogs 404,
//!   [`GoneReason::NotFound`]);
//! * the page is another ASIN's product page ([`GoneReason::Redirected`]):
//!   a redirect, or a merged/retired ASIN served under the old URL — except
//!   when that page's variation family lists the asked ASIN as a member
//!   (Amazon shows a buyable sibling for an out-of-stock child; the listing
//!   still exists);
//! * the page says the item is no longer available
//!   ([`GoneReason::NoLongerAvailable`]: the reader reads such a page as
//!   `not_found` with its ASIN, see `page::selectors::NO_LONGER_AVAILABLE_TEXTS`).
//!
//! A captcha or the 503 error page is never `gone` (nothing is known about
//! the listing: `unreadable`, and re-checks back off).
//!
//! The report's [`Gone`] carries what the check knows (reason, where it
//! went); [`crate::watch::history::History::record_gone`] adds when it was
//! first seen, when the page was last seen as a product page, and whether a
//! later re-check confirmed it.

use serde::{Deserialize, Serialize};

/// Why a tracked listing counts as gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoneReason {
    /// The listing's URL gives Amazon's "page not found" page.
    NotFound,
    /// The listing's URL gives another ASIN's product page.
    Redirected,
    /// The product page says the item is no longer available.
    NoLongerAvailable,
}

impl GoneReason {
    /// The JSON name, e.g. `not_found`.
    pub fn as_str(self) -> &'static str {
        match self {
            GoneReason::NotFound => "not_found",
            GoneReason::Redirected => "redirected",
            GoneReason::NoLongerAvailable => "no_longer_available",
        }
    }
}

/// What a `gone` report knows about the vanished page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gone {
    /// Why it counts as gone.
    pub reason: GoneReason,
    /// The ASIN the page shows instead ([`GoneReason::Redirected`]).
    #[serde(default)]
    pub redirected_to: Option<String>,
    /// When this listing was first seen gone in the current episode (RFC 3339;
    /// from the history, else the check time).
    #[serde(default)]
    pub first_seen: Option<String>,
    /// When its product page was last seen (RFC 3339; from the history).
    #[serde(default)]
    pub last_seen: Option<String>,
    /// Whether a re-check after the first sighting found it gone again (a
    /// single 404 between good pages may be a glitch).
    #[serde(default)]
    pub confirmed: bool,
}

impl Gone {
    /// A gone state with only the reason (and target) known.
    pub fn new(reason: GoneReason, redirected_to: Option<String>) -> Gone {
        Gone {
            reason,
            redirected_to,
            first_seen: None,
            last_seen: None,
            confirmed: false,
        }
    }
}

/// The ASIN a product URL asks for (`/dp/X`, `/gp/product/X`, `/gp/aw/d/X`,
/// `/exec/obidos/ASIN/X`), upper-cased; `None` for any other URL.
pub fn asin_of_url(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.split(['?', '#']).next()?;
    let segs: Vec<&str> = path.split('/').collect();
    for w in segs.windows(2) {
        if matches!(w[0], "dp" | "product" | "d" | "ASIN") {
            let v = w[1].trim();
            if v.len() == 10 && v.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Some(v.to_ascii_uppercase());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asins_of_urls() {
        assert_eq!(
            asin_of_url("https://www.amazon.co.jp/dp/b07wxl5ypw?th=1").as_deref(),
            Some("B07WXL5YPW")
        );
        assert_eq!(
            asin_of_url("https://www.amazon.com/Some-Title/dp/B01LW7X0JJ/ref=x").as_deref(),
            Some("B01LW7X0JJ")
        );
        assert_eq!(
            asin_of_url("https://www.amazon.com/gp/product/0131103628").as_deref(),
            Some("0131103628")
        );
        assert_eq!(asin_of_url("https://www.amazon.com/s?k=dp"), None);
        assert_eq!(asin_of_url("https://www.amazon.com/"), None);
        assert_eq!(asin_of_url("https://www.amazon.com/dp/SHORT"), None);
    }
}
