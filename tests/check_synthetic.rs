//! Japanese cases for the check: full-width/half-width text, invisible
//! characters, and diffs that show exactly the changed characters.

use catalog_guard::check::{check, DiffOp, DiffPart, Status};
use catalog_guard::listing::Listing;
use catalog_guard::page::{self, PageKind, ProductPage};
use std::collections::BTreeMap;

const NOW: &str = "2026-11-22T07:00:00Z";

fn page(title: &str) -> ProductPage {
    let mut p = ProductPage::empty(PageKind::Product);
    p.asin = Some("B0SYNTH001".into());
    p.marketplace = Some("amazon.co.jp".into());
    p.title = Some(title.into());
    p.brand = Some("サンプル織物".into());
    p.images = vec!["71SyNthMa1L".into(), "61SyNthGa2L".into()];
    p.variations = BTreeMap::from([("color_name".into(), "ネイビー".into())]);
    p.bullets = vec!["【今治認定】今治タオルブランド認定品です。".into()];
    p
}

fn listing(title: &str) -> Listing {
    Listing::from_page(&page(title), "2026-11-01T00:00:00Z").expect("product page")
}

fn d(op: DiffOp, text: &str) -> DiffPart {
    DiffPart {
        op,
        text: text.into(),
    }
}

#[test]
fn full_width_and_half_width_titles_match() {
    let r = check(&[listing("ＡＢＣ１２３")], &page("ABC123"), NOW);
    assert_eq!(r.status, Status::Match, "{:?}", r.mismatches);
    let r = check(
        &[listing(
            "今治タオル　バスタオル　６０×１２０ｃｍ　（ネイビー）",
        )],
        &page("今治タオル バスタオル 60×120cm (ネイビー)"),
        NOW,
    );
    assert_eq!(r.status, Status::Match, "{:?}", r.mismatches);
    // Half-width katakana in a variation value.
    let mut p = page("ABC123");
    p.variations.insert("color_name".into(), "ﾈｲﾋﾞｰ".into());
    assert_eq!(check(&[listing("ABC123")], &p, NOW).status, Status::Match);
}

#[test]
fn zero_width_characters_match() {
    let r = check(
        &[listing("今治タオル バスタオル")],
        &page("\u{FEFF}今治\u{200B}タオル\u{200C} \u{200D}バス\u{2060}タオル\u{00AD}"),
        NOW,
    );
    assert_eq!(r.status, Status::Match, "{:?}", r.mismatches);
}

#[test]
fn a_changed_character_gives_exactly_that_diff() {
    let r = check(
        &[listing("今治タオル バスタオル ネイビー")],
        &page("今治タオル バスタオル ネイピー"),
        NOW,
    );
    assert_eq!(r.status, Status::Mismatch);
    assert_eq!(r.mismatches.len(), 1);
    let m = &r.mismatches[0];
    assert_eq!(m.field, "title");
    assert_eq!(
        m.expected,
        serde_json::json!("今治タオル バスタオル ネイビー")
    );
    assert_eq!(
        m.actual,
        serde_json::json!("今治タオル バスタオル ネイピー")
    );
    assert_eq!(
        m.diff.as_deref(),
        Some(
            &[
                d(DiffOp::Equal, "今治タオル バスタオル ネイ"),
                d(DiffOp::Delete, "ビ"),
                d(DiffOp::Insert, "ピ"),
                d(DiffOp::Equal, "ー"),
            ][..]
        )
    );
    // Full width on one side does not add noise to the diff.
    let r = check(&[listing("ＡＢＣ１２３")], &page("ABC124"), NOW);
    assert_eq!(
        r.mismatches[0].diff.as_deref(),
        Some(
            &[
                d(DiffOp::Equal, "ABC12"),
                d(DiffOp::Delete, "3"),
                d(DiffOp::Insert, "4"),
            ][..]
        )
    );
}

#[test]
fn a_deleted_bullet_character_is_the_only_change() {
    let l = listing("ABC");
    let mut p = page("ABC");
    p.bullets = vec!["【今治認定】今治タオル認定品です。".into()];
    let r = check(&[l], &p, NOW);
    assert_eq!(r.mismatches.len(), 1);
    assert_eq!(
        r.mismatches[0].diff.as_deref(),
        Some(
            &[
                d(DiffOp::Equal, "【今治認定】今治タオル"),
                d(DiffOp::Delete, "ブランド"),
                d(DiffOp::Equal, "認定品です。"),
            ][..]
        )
    );
}

/// The synthetic page through the page reader: the full-width title saved
/// from the page still matches when the page shows it in half-width.
#[test]
fn synthetic_page_half_width_title_still_matches() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pages/cli-ja-towel.html");
    let html = std::fs::read_to_string(path).expect("synthetic page");
    let url = Some("https://www.amazon.co.jp/dp/B0SYNTH001");
    let saved = page::extract(&html, url);
    assert_eq!(saved.kind, PageKind::Product, "{saved:?}");
    let l = Listing::from_page(&saved, NOW).expect("listing");
    assert_eq!(
        check(std::slice::from_ref(&l), &saved, NOW).status,
        Status::Match
    );

    let half = html.replace("６０×１２０ｃｍ", "60×120cm");
    assert_ne!(half, html);
    let r = check(std::slice::from_ref(&l), &page::extract(&half, url), NOW);
    assert_eq!(r.status, Status::Match, "{:?}", r.mismatches);

    let changed = html.replace("６０×１２０ｃｍ", "６０×１５０ｃｍ");
    let r = check(&[l], &page::extract(&changed, url), NOW);
    assert_eq!(r.status, Status::Mismatch);
    assert_eq!(r.mismatches.len(), 1);
    let diff = r.mismatches[0].diff.as_deref().unwrap();
    let changes: Vec<&DiffPart> = diff.iter().filter(|p| p.op != DiffOp::Equal).collect();
    assert_eq!(
        changes,
        vec![&d(DiffOp::Delete, "2"), &d(DiffOp::Insert, "5")]
    );
}
