//! The variation family, availability / Buy Box and gone pages, over the real pages and
//! the expected values kept in tests/data (read by hand, see tests/data/family/README.md
//! and the `how` of each entry), plus synthetic pages (tests/pages) and bad input.

mod common;

use catalog_guard::page::family::MAX_FAMILY_MEMBERS;
use catalog_guard::page::{extract, read_page, Availability, Family, PageKind};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn own_page(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pages")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Expected families by fixture name (`amazon.com/x.html`).
fn expected_families() -> BTreeMap<String, Family> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(data_dir().join("family")).expect("tests/data/family") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let family: Family = serde_json::from_value(v["family"].clone()).expect("family");
        assert!(
            v["how"].as_str().is_some_and(|h| !h.is_empty()),
            "{}: say how it was read",
            path.display()
        );
        out.insert(v["page"].as_str().expect("page").to_string(), family);
    }
    out
}

fn is_product(f: &common::Fixture) -> bool {
    matches!(f.page_kind.as_str(), "product" | "variation")
}

#[test]
fn family_of_every_real_product_page() {
    let expected = expected_families();
    assert!(
        expected.len() >= 10,
        "expected families for the twister pages"
    );
    let mut fails = Vec::new();
    let mut seen = 0;
    for f in common::fixtures().into_iter().filter(is_product) {
        let page = read_page(&std::fs::read(&f.path).unwrap(), Some(&f.url()));
        let want = expected.get(&f.name);
        if want.is_some() {
            seen += 1;
        }
        if page.family.as_ref() != want {
            fails.push(format!(
                "{}: expected {}, got {}",
                f.name,
                serde_json::to_string(&want).unwrap(),
                serde_json::to_string(&page.family).unwrap()
            ));
        }
        // The same without the URL (as the CLI without --url).
        let bare = read_page(&std::fs::read(&f.path).unwrap(), None);
        if bare.family != page.family {
            fails.push(format!("{} (no URL): family differs", f.name));
        }
    }
    assert_eq!(
        seen,
        expected.len(),
        "every expected family's page was read"
    );
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

#[test]
fn family_members_have_the_variations_keys_and_the_page_itself() {
    for f in common::fixtures().into_iter().filter(is_product) {
        let page = read_page(&std::fs::read(&f.path).unwrap(), Some(&f.url()));
        let Some(family) = &page.family else { continue };
        let own = family
            .members
            .iter()
            .find(|m| Some(&m.asin) == page.asin.as_ref())
            .unwrap_or_else(|| panic!("{}: own ASIN among the members", f.name));
        // The page's own member carries exactly the selected twister values.
        assert_eq!(own.dimensions, page.variations, "{}", f.name);
        let sorted = family.members.windows(2).all(|w| w[0].asin < w[1].asin);
        assert!(sorted, "{}: members sorted by ASIN, no repeats", f.name);
        assert!(!family.truncated, "{}", f.name);
    }
}

#[test]
fn availability_of_every_real_product_page() {
    let rows: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(data_dir().join("availability.json")).unwrap(),
    )
    .unwrap();
    let by_page: BTreeMap<&str, &Value> = rows
        .iter()
        .map(|r| (r["page"].as_str().unwrap(), r))
        .collect();
    let mut fails = Vec::new();
    let mut n = 0;
    for f in common::fixtures().into_iter().filter(is_product) {
        let want = by_page
            .get(f.name.as_str())
            .unwrap_or_else(|| panic!("{}: no expected availability", f.name));
        n += 1;
        let page = read_page(&std::fs::read(&f.path).unwrap(), Some(&f.url()));
        let availability: Availability =
            serde_json::from_value(want["availability"].clone()).unwrap();
        let buy_box: Option<bool> = serde_json::from_value(want["buy_box"].clone()).unwrap();
        if page.availability != availability || page.buy_box != buy_box {
            fails.push(format!(
                "{}: expected {availability:?}/{buy_box:?}, got {:?}/{:?}",
                f.name, page.availability, page.buy_box
            ));
        }
        assert_eq!(page.kind, PageKind::Product, "{}", f.name);
    }
    assert_eq!(n, rows.len(), "one expected value per product page");
    assert!(fails.is_empty(), "{}", fails.join("\n"));
    // Both answers occur among the real pages, in four languages.
    assert!(rows.iter().any(|r| r["availability"] == "unavailable"));
    assert!(rows.iter().any(|r| r["availability"] == "in_stock"));
}

#[test]
fn non_product_pages_have_no_family_nor_buy_box() {
    for f in common::fixtures().into_iter().filter(|f| !is_product(f)) {
        let page = read_page(&std::fs::read(&f.path).unwrap(), Some(&f.url()));
        assert_eq!(page.family, None, "{}", f.name);
        assert_eq!(page.availability, Availability::Unknown, "{}", f.name);
        assert_eq!(page.buy_box, None, "{}", f.name);
    }
}

#[test]
fn jp_currently_unavailable() {
    let page = read_page(
        &own_page("jp-unavailable.html"),
        Some("https://www.amazon.co.jp/dp/B0TESTJP21"),
    );
    assert_eq!(page.kind, PageKind::Product);
    assert_eq!(page.asin.as_deref(), Some("B0TESTJP21"));
    assert_eq!(page.availability, Availability::Unavailable);
    assert_eq!(page.buy_box, Some(false));
    assert_eq!(page.family, None, "no twister");
}

#[test]
fn jp_buy_box_held_by_another_seller() {
    let page = read_page(
        &own_page("jp-buybox-other-seller.html"),
        Some("https://www.amazon.co.jp/dp/B0TESTJP31"),
    );
    assert_eq!(page.availability, Availability::InStock);
    assert_eq!(page.buy_box, Some(true));
    let seller = page.seller.expect("the Buy Box holder");
    assert_eq!(seller.name, "ノリカエ商店");
    assert_eq!(seller.id.as_deref(), Some("A2OTHERSELLR7"));
    let family = page.family.expect("family");
    assert_eq!(family.parent.as_deref(), Some("B0TESTJP3P"));
    let members: Vec<(&str, &str)> = family
        .members
        .iter()
        .map(|m| (m.asin.as_str(), m.dimensions["color_name"].as_str()))
        .collect();
    assert_eq!(
        members,
        [
            ("B0TESTJP30", "アイボリー"),
            ("B0TESTJP31", "ネイビー"),
            ("B0TESTJP32", "ピンク")
        ]
    );
}

#[test]
fn swatches_give_the_family_when_the_script_is_missing() {
    // The same page without its twister data script: the one-dimension swatches
    // (data-defaultasin / data-dp-url, parent in ref=twister_) give the same family.
    let html = String::from_utf8(own_page("jp-buybox-other-seller.html")).unwrap();
    let start = html
        .find("<script type=\"text/javascript\">\nP.register")
        .unwrap();
    let end = start + html[start..].find("</script>").unwrap() + "</script>".len();
    let without = format!("{}{}", &html[..start], &html[end..]);
    let with_script = extract(&html, None).family;
    let from_swatches = extract(&without, None).family;
    assert!(from_swatches.is_some());
    assert_eq!(from_swatches, with_script);
}

#[test]
fn dogs_404_pages_are_not_found() {
    for (name, market) in [
        ("en-404-dogs.html", "amazon.com"),
        ("jp-404-dogs.html", "amazon.co.jp"),
    ] {
        let bytes = own_page(name);
        let page = read_page(&bytes, Some(&format!("https://www.{market}/dp/B0TESTJP21")));
        assert_eq!(page.kind, PageKind::NotFound, "{name}");
        assert_eq!(page.marketplace.as_deref(), Some(market), "{name}");
        assert_eq!(page.asin, None, "{name}");
        let bare = read_page(&bytes, None);
        assert_eq!(bare.kind, PageKind::NotFound, "{name} without URL");
        assert_eq!(
            bare.marketplace.as_deref(),
            Some(market),
            "{name} without URL"
        );
    }
}

#[test]
fn no_longer_available_pages_are_not_found_with_their_asin() {
    for (name, asin) in [
        ("en-no-longer-available.html", "B0TESTUS22"),
        ("jp-no-longer-available.html", "B0TESTJP22"),
    ] {
        let page = read_page(&own_page(name), None);
        assert_eq!(page.kind, PageKind::NotFound, "{name}");
        assert_eq!(page.asin.as_deref(), Some(asin), "{name}");
        assert!(page.title.is_some(), "{name}: title kept for the report");
        assert_eq!(page.availability, Availability::Unavailable, "{name}");
        assert_eq!(page.buy_box, Some(false), "{name}");
    }
}

#[test]
fn a_redirected_page_keeps_its_own_asin() {
    let dir = common::fixtures_dir();
    let bytes =
        std::fs::read(dir.join("amazon.com/gorilla-duct-tape-B00N150YS4-2021.html")).unwrap();
    // Requested as B01JIRH6LG (a sibling), served the B00N150YS4 page.
    let page = read_page(&bytes, Some("https://www.amazon.com/dp/B01JIRH6LG"));
    assert_eq!(page.kind, PageKind::Product);
    assert_eq!(page.asin.as_deref(), Some("B00N150YS4"));
}

/// The gorilla page with its twister data cut off inside `dimensionValuesDisplayData`
/// (the rest of that script dropped, the rest of the page kept), or otherwise broken.
#[test]
fn truncated_or_malformed_twister_data_gives_no_family_and_the_rest_is_read() {
    let dir = common::fixtures_dir();
    let bytes =
        std::fs::read(dir.join("amazon.com/gorilla-duct-tape-B00N150YS4-2021.html")).unwrap();
    let html = String::from_utf8(bytes).unwrap();
    let url = Some("https://www.amazon.com/dp/B00N150YS4");
    let good = extract(&html, url);
    assert!(good.family.is_some());

    let key = html
        .find("\"dimensionValuesDisplayData\" : {\"B0")
        .expect("display data");
    let cut_at = key + 60;
    let script_end = cut_at + html[cut_at..].find("</script>").unwrap();
    let truncated = format!("{}{}", &html[..cut_at], &html[script_end..]);
    let malformed = html.replacen(
        "\"dimensionValuesDisplayData\" : {\"B0",
        "\"dimensionValuesDisplayData\" : {B0",
        1,
    );
    let wrong_width = html.replacen("[\"Black\", \"16 Pack\"]", "[\"Black\"]", 1);
    let wrong_width = if wrong_width == html {
        html.replacen("[\"Black\",\"16 Pack\"]", "[\"Black\"]", 1)
    } else {
        wrong_width
    };
    assert_ne!(wrong_width, html);
    for (what, text) in [
        ("truncated", &truncated),
        ("malformed", &malformed),
        ("a member with one value for two dimensions", &wrong_width),
    ] {
        let page = extract(text, url);
        assert_eq!(page.family, None, "{what}");
        assert_eq!(page.kind, PageKind::Product, "{what}");
        assert_eq!(page.asin, good.asin, "{what}");
        assert_eq!(page.title, good.title, "{what}");
        assert_eq!(page.images, good.images, "{what}");
        assert_eq!(page.variations, good.variations, "{what}");
        assert_eq!(page.seller, good.seller, "{what}");
        assert_eq!(page.availability, good.availability, "{what}");
    }
    // And the page cut off anywhere inside the display data never panics and reads no
    // family. (Cut before it, the index maps earlier in the script are complete and do
    // give the family.)
    let value_start = key + "\"dimensionValuesDisplayData\" : {".len();
    let value_end = key + html[key..].find("]}").unwrap();
    for cut in (value_start..value_end).step_by(7) {
        let page = extract(&html[..cut], url);
        assert_eq!(page.family, None);
    }
}

#[test]
fn a_family_of_5000_members_is_capped() {
    let html = common::family::generated_family_page(5_000);
    let page = extract(&html, Some("https://www.amazon.com/dp/B000000007"));
    let family = page.family.expect("family");
    assert!(family.truncated);
    assert_eq!(family.members.len(), MAX_FAMILY_MEMBERS);
    assert_eq!(family.parent.as_deref(), Some("B0PARENT00"));
    assert_eq!(family.members[7].asin, "B000000007");
    assert_eq!(family.members[7].dimensions["color_name"], "Colour 7");
    // `truncated` is in the JSON only when true.
    let json = serde_json::to_value(&family).unwrap();
    assert_eq!(json["truncated"], true);
    let small = extract(&common::family::generated_family_page(3), None)
        .family
        .unwrap();
    assert!(serde_json::to_value(&small)
        .unwrap()
        .get("truncated")
        .is_none());
}
