//! Arbitrary bytes as a saved page: reading never panics, and whatever is
//! read can be checked and written up as a case text.
#![no_main]

use catalog_guard::check::{check, text::report_text};
use catalog_guard::listing::Listing;
use catalog_guard::page::family::MAX_FAMILY_MEMBERS;
use catalog_guard::page::{read_page, Availability, PageKind, ProductPage};
use libfuzzer_sys::fuzz_target;

const NOW: &str = "2026-11-22T07:00:00Z";

fuzz_target!(|data: &[u8]| {
    for url in [Some("https://www.amazon.co.jp/dp/B0SYNTH001"), None] {
        let page = read_page(data, url);
        // A family is bounded, sorted by ASIN without repeats, and holds the page itself.
        if let Some(family) = &page.family {
            assert!(family.members.len() <= MAX_FAMILY_MEMBERS);
            assert!(family.members.windows(2).all(|w| w[0].asin < w[1].asin));
            assert!(family
                .members
                .iter()
                .any(|m| Some(&m.asin) == page.asin.as_ref()));
        }
        // Availability and the Buy Box say the same thing.
        assert_eq!(
            page.buy_box,
            match page.availability {
                Availability::InStock => Some(true),
                Availability::Unavailable => Some(false),
                Availability::Unknown => None,
            }
        );
        // A listing for whatever ASIN was read, with other values, so the
        // comparison and the diffs run.
        let mut base = ProductPage::empty(PageKind::Product);
        base.asin = page.asin.clone().or(Some("B0SYNTH001".into()));
        base.marketplace = page.marketplace.clone().or(Some("amazon.co.jp".into()));
        base.title = Some("今治タオル バスタオル ６０×１２０ｃｍ".into());
        base.images = vec!["71SyNthMa1L".into(), "61SyNthGa2L".into()];
        base.bullets = vec!["【今治認定】".into()];
        let Some(listing) = Listing::from_page(&base, NOW) else {
            continue;
        };
        let report = check(std::slice::from_ref(&listing), &page, NOW);
        let _ = report_text(&report, Some(&listing), "ja");
        let _ = report_text(&report, None, "en");
        let _ = serde_json::to_string(&report);
    }
});
