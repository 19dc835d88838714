//! Availability and the Buy Box.
//!
//! A Buy Box button (add to cart, buy now, 1-Click; seen by the lol_html pass through the
//! `input` selector it already has) means `in_stock`. Only a page without one is searched
//! further, with `memmem`, for `#outOfStock`, "See All Buying Options" and the text of
//! `#availability`: three extra `div`/`span` selectors in the pass made the extraction of
//! every page about 1.16× slower in one run (BENCHMARKS.md), while most product pages have
//! a button and never need the search.

use super::selectors as sel;
use super::text::clean;
use super::Availability;
use memchr::memmem;

/// How much of the page after `id="availability"` is read for its text.
const MAX_AVAILABILITY_HTML: usize = 16 * 1024;
/// At most this many `id="availability"` elements are looked at (the 2024+ pages have an
/// empty second one).
const MAX_AVAILABILITY_BLOCKS: usize = 4;

/// What the page says about its Buy Box.
pub(crate) struct BuyBox {
    pub availability: Availability,
    pub buy_box: Option<bool>,
    /// "This item is no longer available" / この商品は現在お取り扱いできません.
    pub gone: bool,
}

/// Reads availability, given whether the pass saw a Buy Box button.
pub(crate) fn read(html: &str, button: bool) -> BuyBox {
    if button {
        return BuyBox {
            availability: Availability::InStock,
            buy_box: Some(true),
            gone: false,
        };
    }
    let bytes = html.as_bytes();
    let text = availability_text(html).map(|t| t.to_lowercase());
    let says = |list: &[&str]| {
        text.as_deref()
            .is_some_and(|t| list.iter().any(|w| t.contains(w)))
    };
    let gone = says(sel::NO_LONGER_AVAILABLE_TEXTS);
    let unavailable = gone
        || says(sel::UNAVAILABLE_TEXTS)
        || memmem::find(bytes, sel::OUT_OF_STOCK_MARKER.as_bytes()).is_some()
        || memmem::find(bytes, sel::SEE_ALL_BUYING_CHOICES_MARKER.as_bytes()).is_some();
    BuyBox {
        availability: if unavailable {
            Availability::Unavailable
        } else {
            Availability::Unknown
        },
        buy_box: unavailable.then_some(false),
        gone,
    }
}

/// The visible text of the first non-empty `div#availability`: from its start tag to its
/// matching `</div>` (nested divs counted), tags dropped, `<script>`/`<style>` contents
/// skipped, entities decoded, whitespace collapsed.
fn availability_text(html: &str) -> Option<String> {
    let bytes = html.as_bytes();
    for at in
        memmem::find_iter(bytes, sel::AVAILABILITY_MARKER.as_bytes()).take(MAX_AVAILABILITY_BLOCKS)
    {
        let tag_end = memchr::memchr(b'>', &bytes[at..]).map(|e| at + e + 1)?;
        let mut end = (tag_end + MAX_AVAILABILITY_HTML).min(bytes.len());
        while !html.is_char_boundary(end) {
            end -= 1;
        }
        if let Some(t) = clean(&visible_text(&html[tag_end..end])) {
            return Some(t);
        }
    }
    None
}

/// Text of `html` up to the `</div>` that closes the element it starts inside.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let lower_start: String = rest
            .chars()
            .take(8)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let Some(gt) = rest.find('>') else {
            return out;
        };
        if lower_start.starts_with("</div") {
            if depth == 0 {
                return out;
            }
            depth -= 1;
        } else if lower_start.starts_with("<div") {
            depth += 1;
        } else if lower_start.starts_with("<script") || lower_start.starts_with("<style") {
            let close = if lower_start.starts_with("<script") {
                "</script"
            } else {
                "</style"
            };
            match rest.to_ascii_lowercase().find(close) {
                Some(c) => {
                    rest = &rest[c..];
                    continue;
                }
                None => return out,
            }
        }
        // A tag separates words (`<br>`, block elements).
        out.push(' ');
        rest = &rest[gt + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn button_means_in_stock() {
        let b = read("<div id=\"outOfStock\"></div>", true);
        assert_eq!(b.availability, Availability::InStock);
        assert_eq!(b.buy_box, Some(true));
    }

    #[test]
    fn availability_text_up_to_its_div_end() {
        let html = r#"<div id="availability" class="a-section"><span>Currently <b>unavailable</b>.</span>
            <div><br>We don't know when.</div><script>var x = "<div>";</script></div><div>In Stock.</div>"#;
        assert_eq!(
            availability_text(html).as_deref(),
            Some("Currently unavailable . We don't know when.")
        );
        let b = read(html, false);
        assert_eq!(b.availability, Availability::Unavailable);
        assert_eq!(b.buy_box, Some(false));
        assert!(!b.gone);
    }

    #[test]
    fn empty_first_block_and_no_longer_available() {
        let html = r#"<div id="availability"> </div><div id="availability"><span>この商品は現在お取り扱いできません。</span></div>"#;
        let b = read(html, false);
        assert!(b.gone);
        assert_eq!(b.availability, Availability::Unavailable);
    }

    #[test]
    fn nothing_said_is_unknown() {
        let b = read(
            "<div id=\"availability\"><span>In Stock.</span></div>",
            false,
        );
        assert_eq!(b.availability, Availability::Unknown);
        assert_eq!(b.buy_box, None);
        // Cut off inside the tag or the text: no panic.
        for cut in [
            "<div id=\"availability\"",
            "<div id=\"availability\"><span>Curr",
            "<div id=\"availability\"><scr",
        ] {
            let _ = read(cut, false);
        }
    }
}
