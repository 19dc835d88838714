//! A listing imported from a Seller Central report is partial; merging a report never
//! overwrites what the seller saved, and the page completes the listing.

mod common;

use catalog_guard::check::{check, Status};
use catalog_guard::import::seller_central::{merge_report, parse_report};
use catalog_guard::listing::Listing;
use catalog_guard::page::read_page;

const NOW: &str = "2026-11-22T09:00:00Z";

fn switch_page() -> catalog_guard::page::ProductPage {
    let f = common::fixtures()
        .into_iter()
        .find(|f| {
            f.name
                .ends_with("nintendo-switch-neon-B07WXL5YPW-2022.html")
        })
        .expect("the amazon.co.jp Switch page");
    read_page(&std::fs::read(&f.path).unwrap(), Some(&f.url()))
}

fn report() -> Vec<Listing> {
    let tsv = "item-name\titem-description\tseller-sku\tasin1\timage-url\n\
               Nintendo Switch 本体 (ニンテンドースイッチ) Joy-Con(L) ネオンブルー/(R) ネオンレッド\t\tSKU-1\tB07WXL5YPW\t\n\
               Other product\tText\tSKU-2\tB000000002\t\n";
    parse_report(tsv.as_bytes(), Some("amazon.co.jp"), NOW).expect("report parses")
}

#[test]
fn report_merge_adds_new_and_only_fills_empty_fields() {
    let page = switch_page();
    let mut saved = Listing::from_page(&page, "2026-01-01T00:00:00Z").unwrap();
    saved.title = Some("The seller's own title".into());
    let merged = merge_report(std::slice::from_ref(&saved), report());
    assert_eq!((merged.new, merged.changed, merged.total), (1, 1, 2));
    let kept = merged
        .listings
        .iter()
        .find(|l| l.asin == "B07WXL5YPW")
        .unwrap();
    assert_eq!(kept.title.as_deref(), Some("The seller's own title"));
    assert_eq!(kept.sku.as_deref(), Some("SKU-1"));
    assert_eq!(kept.images, saved.images);
    // Importing the same report again changes nothing.
    let again = merge_report(&merged.listings, report());
    assert_eq!((again.new, again.changed, again.unchanged), (0, 0, 2));
    assert_eq!(again.listings, merged.listings);
}

#[test]
fn a_partial_listing_is_completed_from_its_page() {
    let page = switch_page();
    let mut partial = report().remove(0);
    // The report has the title only: the check compares just that, and it matches.
    assert_eq!(
        check(std::slice::from_ref(&partial), &page, NOW).status,
        Status::Match
    );
    let missing = partial.missing_fields(&page);
    for f in ["images.main", "brand", "bullets", "variations"] {
        assert!(missing.contains(&f), "{f} should be missing: {missing:?}");
    }
    assert!(!missing.contains(&"title"));
    let filled = partial.complete_from(&page, NOW).unwrap();
    // The missing fields, then the family (and availability, where the page says)
    // the imported listing did not know.
    assert_eq!(&filled[..missing.len()], &missing[..]);
    assert_eq!(filled[missing.len()], "family");
    assert!(filled[missing.len() + 1..]
        .iter()
        .all(|f| *f == "availability"));
    assert!(partial.family_known);
    assert!(partial.unknown_fields(&page).is_empty());
    assert!(partial.missing_fields(&page).is_empty());
    assert_eq!(partial.images, page.images);
    assert_eq!(partial.brand, page.brand);
    assert!(partial.watch.main_image && partial.watch.bullets && partial.watch.variations);
    assert_eq!(partial.sku.as_deref(), Some("SKU-1"));
    assert_eq!(
        check(std::slice::from_ref(&partial), &page, NOW).status,
        Status::Match
    );
    // Now a swapped main image is caught.
    let mut hijacked = page.clone();
    hijacked.images[0] = "71HijackXYZ".into();
    let r = check(std::slice::from_ref(&partial), &hijacked, NOW);
    assert_eq!(r.status, Status::Mismatch);
    assert_eq!(r.mismatches[0].field, "images.main");
}
