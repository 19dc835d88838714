//! The hijacks sellers describe, as mutations of real saved pages: the
//! parent ASIN swapped, a stranger's ASIN added to the family, the Buy Box
//! seller replaced, the item made unavailable, the page replaced by the 404
//! page under the tracked URL. Each is flagged on exactly that field (or
//! `gone`) and nothing else; unchanged real pages raise nothing, captcha and
//! 503 pages under a tracked URL are never `gone`.

mod common;

use catalog_guard::check::{check_request, GoneReason, Severity, Status};
use catalog_guard::listing::Listing;
use catalog_guard::page::{self, PageKind};
use common::{fixtures, Fixture};

const NOW: &str = "2026-11-22T07:00:00Z";
const CHAIR: &str = "amazon.com/chair-cover-B01LW7X0JJ-2018.html";

fn fixture(name: &str) -> Fixture {
    fixtures()
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("{name} missing"))
}

fn html(f: &Fixture) -> String {
    page::extract::decode(&std::fs::read(&f.path).expect("read fixture"))
}

fn synthetic(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pages")
        .join(name);
    page::extract::decode(&std::fs::read(&path).expect("synthetic page"))
}

/// The listing saved from the unchanged page.
fn saved(f: &Fixture) -> Listing {
    let p = page::extract(&html(f), Some(&f.url()));
    Listing::from_page(&p, NOW).expect("product page")
}

/// `(status, [(field, severity)])` of `html` served under the fixture's URL.
fn flagged(f: &Fixture, listing: &Listing, html: &str) -> (Status, Vec<(String, Severity)>) {
    let url = f.url();
    let p = page::extract(html, Some(&url));
    let r = check_request(std::slice::from_ref(listing), &p, Some(&url), NOW);
    let fields = r
        .mismatches
        .into_iter()
        .map(|m| (m.field, m.severity))
        .collect();
    (r.status, fields)
}

/// `html` with `from` replaced by `to`, failing when the page lacks `from`.
fn swapped(html: &str, from: &str, to: &str) -> String {
    assert!(html.contains(from), "the page lacks {from:?}");
    html.replace(from, to)
}

#[test]
fn the_real_page_has_what_the_mutations_change() {
    let f = fixture(CHAIR);
    let l = saved(&f);
    let fam = l.family.as_ref().expect("a family");
    assert_eq!(fam.parent.as_deref(), Some("B07GQKWSJ8"));
    assert_eq!(fam.members.len(), 24);
    assert_eq!(
        l.seller.as_ref().unwrap().id.as_deref(),
        Some("A1THAZDOWP300U")
    );
    assert_eq!(l.availability, page::Availability::InStock);
    assert_eq!(flagged(&f, &l, &html(&f)), (Status::Match, vec![]));
}

#[test]
fn parent_asin_swapped_is_family_parent_only() {
    let f = fixture(CHAIR);
    let l = saved(&f);
    let h = swapped(&html(&f), "B07GQKWSJ8", "B0HIJACK99");
    assert_eq!(
        flagged(&f, &l, &h),
        (
            Status::Mismatch,
            vec![("family.parent".to_string(), Severity::Critical)]
        )
    );
}

#[test]
fn a_sibling_asin_added_is_family_members_only() {
    let f = fixture(CHAIR);
    let l = saved(&f);
    let h = swapped(
        &html(&f),
        r#""dimensionValuesDisplayData" : {"#,
        r#""dimensionValuesDisplayData" : {"B0STRANGE1":["Hot Pink"],"#,
    );
    let h = swapped(
        &h,
        r#""asinToDimensionIndexMap" : {"#,
        r#""asinToDimensionIndexMap" : {"B0STRANGE1":[0],"#,
    );
    let url = f.url();
    let p = page::extract(&h, Some(&url));
    let r = check_request(std::slice::from_ref(&l), &p, Some(&url), NOW);
    assert_eq!(r.status, Status::Mismatch);
    assert_eq!(r.mismatches.len(), 1, "{:#?}", r.mismatches);
    let m = &r.mismatches[0];
    assert_eq!(
        (m.field.as_str(), m.severity),
        ("family.members", Severity::Warning)
    );
    assert_eq!(m.expected, serde_json::json!([]));
    assert_eq!(m.actual[0]["asin"], "B0STRANGE1");
    assert_eq!(m.actual.as_array().map(Vec::len), Some(1));
}

#[test]
fn buy_box_seller_replaced_is_a_seller_warning_only() {
    let f = fixture(CHAIR);
    let l = saved(&f);
    let h = swapped(&html(&f), "A1THAZDOWP300U", "A9HIJACKER0001");
    assert_eq!(
        flagged(&f, &l, &h),
        (
            Status::Mismatch,
            vec![("seller".to_string(), Severity::Warning)]
        )
    );
}

#[test]
fn availability_flipped_is_availability_only() {
    let f = fixture(CHAIR);
    let l = saved(&f);
    let original = html(&f);
    let at = original
        .find("id=\"availability\"")
        .expect("availability block");
    let (before, after) = original.split_at(at);
    let after = after.replacen("In Stock.", "Currently unavailable.", 1);
    // An unavailable page has no Buy Box buttons either.
    let h = swapped(
        &format!("{before}{after}"),
        "id=\"add-to-cart-button\"",
        "id=\"add-to-cart-button-gone\"",
    );
    let h = h
        .replace("id=\"buy-now-button\"", "id=\"buy-now-button-gone\"")
        .replace(
            "name=\"submit.add-to-cart\"",
            "name=\"submit.add-to-cart-gone\"",
        );
    assert!(
        h.contains("Currently unavailable."),
        "the block said In Stock."
    );
    assert_eq!(
        flagged(&f, &l, &h),
        (
            Status::Mismatch,
            vec![("availability".to_string(), Severity::Warning)]
        )
    );
}

#[test]
fn the_404_page_under_the_tracked_url_is_gone() {
    // Every saved product page, replaced by the 404 page under its own URL.
    let dogs = synthetic("en-404-dogs.html");
    let mut n = 0;
    for f in fixtures()
        .into_iter()
        .filter(|f| f.page_kind == "product" || f.page_kind == "variation")
    {
        let p = page::extract(&html(&f), Some(&f.url()));
        let Some(l) = Listing::from_page(&p, NOW) else {
            panic!("{}: not saved", f.name)
        };
        let url = f.url();
        let gone = page::extract(&dogs, Some(&url));
        assert_eq!(gone.kind, PageKind::NotFound, "{}", f.name);
        let r = check_request(std::slice::from_ref(&l), &gone, Some(&url), NOW);
        assert_eq!(r.status, Status::Gone, "{}", f.name);
        assert!(r.mismatches.is_empty());
        assert_eq!(r.asin.as_deref(), Some(l.asin.as_str()));
        assert_eq!(r.gone.unwrap().reason, GoneReason::NotFound);
        n += 1;
    }
    assert!(n >= 45, "{n}");
    // The Japanese 404 page too.
    let f = fixture("amazon.co.jp/nintendo-switch-neon-B07WXL5YPW-2022.html");
    let l = saved(&f);
    let (status, fields) = flagged(&f, &l, &synthetic("jp-404-dogs.html"));
    assert_eq!((status, fields), (Status::Gone, vec![]));
}

#[test]
fn captcha_and_503_under_a_tracked_url_are_never_gone() {
    let l = saved(&fixture(CHAIR));
    let url = fixture(CHAIR).url();
    let walls: Vec<Fixture> = fixtures()
        .into_iter()
        .filter(|f| f.page_kind == "captcha" || f.name.contains("503"))
        .collect();
    assert!(walls.len() >= 3, "{walls:?}");
    for f in walls {
        let p = page::extract(&html(&f), Some(&url));
        assert!(
            matches!(p.kind, PageKind::Captcha | PageKind::Error),
            "{}: {:?}",
            f.name,
            p.kind
        );
        let r = check_request(std::slice::from_ref(&l), &p, Some(&url), NOW);
        assert_eq!(r.status, Status::Unreadable, "{}", f.name);
        assert!(r.gone.is_none() && r.mismatches.is_empty());
    }
}

#[test]
fn no_false_alarm_on_any_unchanged_real_page_under_its_own_url() {
    for f in fixtures() {
        let h = html(&f);
        let url = f.url();
        let p = page::extract(&h, Some(&url));
        let Some(l) = Listing::from_page(&p, NOW) else {
            // Not a product page: never gone, never a mismatch, with every product's
            // listing saved.
            continue;
        };
        let r = check_request(std::slice::from_ref(&l), &p, Some(&url), NOW);
        assert_eq!(r.status, Status::Match, "{}: {:#?}", f.name, r.mismatches);
    }
}

#[test]
fn the_cli_says_gone_for_the_404_page_under_a_saved_listing_url() {
    let f = fixture(CHAIR);
    let dir = std::env::temp_dir().join(format!("cg-gone-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let listings = dir.join("listings.json");
    std::fs::write(
        &listings,
        catalog_guard::listing::ListingsFile::new(vec![saved(&f)]).to_json(),
    )
    .unwrap();
    let dogs =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages/en-404-dogs.html");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_catalog-guard"))
        .args(["check", "--listings"])
        .arg(&listings)
        .args(["--url", &f.url()])
        .arg(&dogs)
        .output()
        .expect("run the CLI");
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["status"], "gone");
    assert_eq!(report["gone"]["reason"], "not_found");
    assert_eq!(report["asin"], "B01LW7X0JJ");
}
