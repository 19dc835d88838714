//! Text normalisation before comparing: what a shopper cannot see does not
//! count as a difference.
//!
//! * Unicode NFKC, so full-width and half-width forms compare equal
//!   (`ＡＢＣ１２３` = `ABC123`, `ｶﾀｶﾅ` = `カタカナ`, U+3000 = space).
//! * Invisible characters removed: zero-width space/non-joiner/joiner
//!   (U+200B–U+200D), word joiner (U+2060), BOM / zero-width no-break space
//!   (U+FEFF), soft hyphen (U+00AD), and the left-to-right / right-to-left
//!   marks (U+200E, U+200F) that Amazon sprinkles through product details.
//! * Whitespace (any Unicode white space, after NFKC) collapsed to one ASCII
//!   space and trimmed at both ends.
//!
//! Case is kept: a title changed from "USB-C" to "usb-c" is a change the
//! seller wants to see.

#[cfg(not(all(target_arch = "wasm32", feature = "browser-nfkc")))]
use unicode_normalization::UnicodeNormalization;

/// Characters that render as nothing and are removed before comparing.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// The normalised form of `s` (see the module docs).
///
/// ```
/// use catalog_guard::check::normalize::normalize;
/// assert_eq!(normalize("  ＡＢＣ\u{200B}１２３\u{3000} "), "ABC123");
/// assert_eq!(normalize("Black\n\t Edition"), "Black Edition");
/// ```
pub fn normalize(s: &str) -> String {
    #[cfg(all(target_arch = "wasm32", feature = "browser-nfkc"))]
    let folded = browser_nfkc(s);
    #[cfg(all(target_arch = "wasm32", feature = "browser-nfkc"))]
    let chars = folded.chars();
    #[cfg(not(all(target_arch = "wasm32", feature = "browser-nfkc")))]
    let chars = s.nfkc();
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in chars {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// The NFKC form of `s` (only NFKC: no invisible-character removal, no whitespace folding),
/// from the same source as [`normalize`]: the browser's in the wasm modules built with
/// `browser-nfkc`, the unicode-normalization tables elsewhere.
#[cfg(all(target_arch = "wasm32", feature = "browser-nfkc"))]
pub fn nfkc(s: &str) -> std::borrow::Cow<'_, str> {
    browser_nfkc(s)
}

/// The NFKC form of `s` (see the `browser-nfkc` twin above).
#[cfg(not(all(target_arch = "wasm32", feature = "browser-nfkc")))]
pub fn nfkc(s: &str) -> std::borrow::Cow<'_, str> {
    std::borrow::Cow::Owned(s.nfkc().collect())
}

/// NFKC by the browser's `String.prototype.normalize` (the hot wasm module, feature
/// `browser-nfkc`): the same Unicode algorithm without shipping its tables in the wasm.
/// ASCII is its own NFKC form and does not cross into JS. That it gives the same reports as
/// the unicode-normalization crate is tested over every real page (tests/e2e/hot-wasm.test.mjs).
#[cfg(all(target_arch = "wasm32", feature = "browser-nfkc"))]
fn browser_nfkc(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(js_sys::JsString::from(s).normalize("NFKC").into())
    }
}

/// True when `s` has nothing visible in it (so it is "no expected value").
pub fn is_blank(s: &str) -> bool {
    normalize(s).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_and_half_width_are_equal() {
        assert_eq!(normalize("ＡＢＣ１２３"), normalize("ABC123"));
        assert_eq!(normalize("ｶﾞﾝﾀﾞﾑ"), "ガンダム");
        assert_eq!(normalize("（黒）"), "(黒)");
    }

    #[test]
    fn invisible_characters_are_removed() {
        assert_eq!(
            normalize("Nin\u{200B}tendo\u{200C}\u{200D}\u{2060}\u{FEFF}\u{00AD}\u{200E}"),
            "Nintendo"
        );
    }

    #[test]
    fn whitespace_is_collapsed_and_trimmed() {
        assert_eq!(normalize("\u{3000} a \u{00A0}\n b\t"), "a b");
        assert_eq!(normalize("a \u{200B} b"), "a b");
        assert_eq!(normalize(""), "");
        assert!(is_blank(" \u{200B}\u{3000}"));
    }

    #[test]
    fn case_is_kept() {
        assert_ne!(normalize("USB-C"), normalize("usb-c"));
    }
}
