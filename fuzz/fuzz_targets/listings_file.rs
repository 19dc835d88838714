//! Arbitrary text as a listings file: parsing never panics; whatever parses
//! re-exports identically, can be checked against a fixed page, and takes
//! accept/unwatch of every field.
#![no_main]

use catalog_guard::check::{check, text::report_text};
use catalog_guard::listing::{parse_listings_file, FIELDS};
use catalog_guard::page::{PageKind, ProductPage, Seller};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

const NOW: &str = "2026-11-22T07:00:00Z";

fn page(asin: &str) -> ProductPage {
    let mut p = ProductPage::empty(PageKind::Product);
    p.asin = Some(asin.into());
    p.marketplace = Some("amazon.co.jp".into());
    p.title = Some("Nintendo Switch 本体 (ニンテンドースイッチ) Joy-Con(L) ネオンブルー".into());
    p.brand = Some("任天堂".into());
    p.images = vec!["61gtkPQtgrL".into(), "71bsVvzIRNS".into()];
    p.variations = BTreeMap::from([("color_name".into(), "ネオンブルー/ネオンレッド".into())]);
    p.breadcrumb = vec!["ゲーム".into()];
    p.bullets = vec!["一".into(), "二".into()];
    p.description = Some("説明".into());
    p.seller = Some(Seller {
        id: Some("AN1VRQENFRJN5".into()),
        name: "Amazon.co.jp".into(),
    });
    p.offer_count = Some(2);
    p
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = parse_listings_file(text) else {
        return;
    };
    let again = parse_listings_file(&file.to_json()).expect("exported file re-imports");
    assert_eq!(again, file);
    let fixed = page("B07WXL5YPW");
    let report = check(&file.listings, &fixed, NOW);
    let _ = report_text(&report, file.listings.first(), "ja");
    for listing in file.listings.iter().take(4) {
        let p = page(&listing.asin);
        let report = check(std::slice::from_ref(listing), &p, NOW);
        let _ = report_text(&report, Some(listing), "en");
        for field in FIELDS.iter().copied().chain(["variations.color_name", "x"]) {
            let mut l = listing.clone();
            let _ = l.accept(field, &p, NOW);
            let _ = l.unwatch(field);
        }
    }
});
