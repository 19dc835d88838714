//! The page reader against every real saved page and its hand-checked truth file.
//!
//! One table-driven test reads every page in `SOURCES.tsv` and collects every field
//! that differs from the truth, then fails once with the whole list (page and field).

mod common;

use catalog_guard::page::{read_page, PageKind, ProductPage};
use serde_json::Value;
use std::collections::BTreeMap;

/// Whitespace collapsed the way the reader does it (ASCII whitespace and NBSP).
fn collapse(s: &str) -> String {
    s.split(|c: char| c.is_ascii_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn expected_kind(f: &common::Fixture) -> PageKind {
    match f.page_kind.as_str() {
        "product" | "variation" => PageKind::Product,
        "captcha" => PageKind::Captcha,
        // The old offer-listing page is not a detail page (see extract.rs).
        "multi-seller" => PageKind::Other,
        _ if f.name.contains("error-503") => PageKind::Error,
        _ => PageKind::Other,
    }
}

fn str_list(v: &Value) -> Option<Vec<String>> {
    v.as_array().map(|a| {
        a.iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect()
    })
}

fn check_truth(page: &ProductPage, t: &Value, fails: &mut Vec<String>) {
    let mut fail = |field: &str, expected: String, actual: String| {
        if expected != actual {
            fails.push(format!("{field}: expected {expected}, got {actual}"));
        }
    };
    fail(
        "asin",
        format!("{:?}", t["asin"].as_str()),
        format!("{:?}", page.asin.as_deref()),
    );
    fail(
        "title",
        format!("{:?}", t["title"].as_str().map(collapse)),
        format!("{:?}", page.title.as_deref().map(collapse)),
    );
    fail(
        "brand",
        format!("{:?}", t["brand"].as_str()),
        format!("{:?}", page.brand.as_deref()),
    );
    let extra = &t["extra"];
    if let Some(main) = extra["main_image_id"].as_str() {
        fail(
            "main image",
            format!("{:?}", Some(main)),
            format!("{:?}", page.main_image()),
        );
    }
    if let Some(gallery) = str_list(&extra["gallery_image_ids"]) {
        // images = main followed by the gallery in the page's order, repeats included
        // (amazon.com/chair-cover-B01LW7X0JJ-2018 shows one image twice); the main image
        // is not repeated when the gallery starts with it.
        let mut expected: Vec<String> = Vec::new();
        let mut gallery = gallery.into_iter().peekable();
        if let Some(m) = extra["main_image_id"].as_str() {
            if gallery.peek().map(String::as_str) == Some(m) {
                gallery.next();
            }
            expected.push(m.to_string());
        }
        expected.extend(gallery);
        fail(
            "images",
            format!("{expected:?}"),
            format!("{:?}", page.images),
        );
    }
    let vars: BTreeMap<String, String> = extra["selected_variations"]
        .as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    fail(
        "variations",
        format!("{vars:?}"),
        format!("{:?}", page.variations),
    );
    if let Some(color) = t["selected_color"].as_str() {
        fail(
            "variations.color_name",
            format!("{:?}", Some(color)),
            format!("{:?}", page.variations.get("color_name")),
        );
    }
    fail(
        "breadcrumb",
        format!("{:?}", str_list(&t["breadcrumb"]).unwrap_or_default()),
        format!("{:?}", page.breadcrumb),
    );
    fail(
        "bullet count",
        format!("{}", t["bullet_count"].as_u64().unwrap_or(0)),
        format!("{}", page.bullets.len()),
    );
    if let Some(n) = extra["offer_count"].as_u64() {
        fail(
            "offer_count",
            format!("{:?}", Some(n as u32)),
            format!("{:?}", page.offer_count),
        );
    }
}

#[test]
fn every_fixture_page_reads_as_its_truth() {
    let mut failures: Vec<String> = Vec::new();
    let mut checked = 0;
    for f in common::fixtures() {
        let bytes = std::fs::read(&f.path).expect("read fixture");
        let mut fails = Vec::new();

        // With the URL the page was served under (the offer-listing page's own URL is
        // /gp/offer-listing/ASIN, not the /dp/ URL `Fixture::url` builds).
        let url = match (&f.truth, f.page_kind.as_str()) {
            (Some(t), "multi-seller") => format!(
                "https://www.{}/gp/offer-listing/{}/ref=dp_olp_all_mbc?ie=UTF8&condition=all",
                f.marketplace,
                t["asin"].as_str().unwrap_or_default()
            ),
            _ => f.url(),
        };
        let page = read_page(&bytes, Some(&url));
        let kind = expected_kind(&f);
        if page.kind != kind {
            fails.push(format!("kind: expected {kind:?}, got {:?}", page.kind));
        }
        if page.marketplace.as_deref() != Some(f.marketplace.as_str()) {
            fails.push(format!(
                "marketplace (with URL): expected {}, got {:?}",
                f.marketplace, page.marketplace
            ));
        }
        if let Some(t) = &f.truth {
            check_truth(&page, t, &mut fails);
            checked += 1;
        }

        // Without a URL: the same fields, the marketplace read from the page itself.
        // (The AWS WAF wall has no Amazon chrome at all, so only its kind is checked.)
        let bare = read_page(&bytes, None);
        if bare.kind != kind {
            fails.push(format!(
                "kind (no URL): expected {kind:?}, got {:?}",
                bare.kind
            ));
        }
        if !f.name.contains("bot-wall-aws-waf")
            && bare.marketplace.as_deref() != Some(f.marketplace.as_str())
        {
            fails.push(format!(
                "marketplace (no URL): expected {}, got {:?}",
                f.marketplace, bare.marketplace
            ));
        }
        if kind == PageKind::Product {
            let mut bare_fails = Vec::new();
            if let Some(t) = &f.truth {
                check_truth(&bare, t, &mut bare_fails);
            }
            fails.extend(bare_fails.into_iter().map(|m| format!("(no URL) {m}")));
        }

        failures.extend(fails.into_iter().map(|m| format!("{}: {m}", f.name)));
    }
    assert!(
        checked >= 45,
        "expected truth files for the product pages, found {checked}"
    );
    assert!(
        failures.is_empty(),
        "{} field(s) differ from the truth:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

/// Fields the truth files do not cover, on pages where the value is visible.
#[test]
fn sellers_and_descriptions_on_real_pages() {
    let dir = common::fixtures_dir();
    let read = |name: &str| read_page(&std::fs::read(dir.join(name)).unwrap(), None);

    let led = read("amazon.com/led-wall-sconce-B07G2L3JMM-2019.html");
    let seller = led.seller.expect("seller");
    assert_eq!(seller.name, "Direct ChangM");
    assert_eq!(seller.id.as_deref(), Some("A3EL5JZNMT8SZ7"));
    assert_eq!(led.bullets.len(), 5);
    assert!(
        led.bullets[0].starts_with("【Natural Protection Materials】"),
        "{:?}",
        led.bullets[0]
    );

    let gorilla = read("amazon.com/gorilla-duct-tape-B00N150YS4-2021.html");
    assert_eq!(
        gorilla.seller.as_ref().map(|s| s.name.as_str()),
        Some("Amazon.com")
    );
    assert_eq!(gorilla.seller.as_ref().and_then(|s| s.id.as_deref()), None);
    let desc = gorilla.description.expect("description");
    assert!(
        desc.starts_with("Color:Black | Size:2 Pack Gorilla tape has taken"),
        "{desc}"
    );
    assert!(!desc.contains("  "));

    let shield = read("amazon.in/shieldtech-case-B0GSWFSHQ4-2026-a.html");
    let seller = shield.seller.expect("seller");
    assert_eq!(seller.name, "SKY PULSE RETAIL PRIVATE LIMITED");
    assert_eq!(seller.id.as_deref(), Some("A31HPJBI9WHLMZ"));

    let charmast = read("amazon.com/charmast-power-bank-B0DR8G428S-2026.html");
    assert_eq!(
        charmast.seller.as_ref().and_then(|s| s.id.as_deref()),
        Some("A2JZ0S3QVWQECL")
    );
    assert_eq!(
        charmast.seller.as_ref().map(|s| s.name.as_str()),
        Some("Chen Ying Ke Ji")
    );
    // Scripts were emptied: the gallery comes from the media block's slots.
    assert_eq!(
        charmast.images.first().map(String::as_str),
        Some("81lAsPSu2FL")
    );
    assert!(
        charmast.images.contains(&"71f+v1DN40L".to_string()),
        "{:?}",
        charmast.images
    );

    // "Sold by <a ...seller=ID>X</a> and Fulfilled by Amazon." without sellerProfileTriggerId.
    let cd = read("amazon.ca/cd-greta-van-fleet-anthem-B07H57DNVV-2019.html");
    let seller = cd.seller.expect("seller");
    assert_eq!(seller.name, "Cousin Floyd");
    assert_eq!(seller.id.as_deref(), Some("A3R342797AGDDU"));
    let fr = read("amazon.fr/book-confidence-code-girls-0062796984-2019.html");
    let seller = fr.seller.expect("seller");
    assert_eq!(seller.name, "livres_allemands");
    assert_eq!(seller.id.as_deref(), Some("A2VSCSN8IXFNBL"));

    let de = read("amazon.de/chair-cover-B01LW7X0JJ-2019.html");
    assert_eq!(
        de.seller.as_ref().map(|s| s.name.as_str()),
        Some("Weisser Berg")
    );

    let jp = read("amazon.co.jp/nintendo-switch-neon-B07WXL5YPW-2022.html");
    assert_eq!(
        jp.seller.as_ref().map(|s| s.name.as_str()),
        Some("Amazon.co.jp")
    );

    let olp = read("amazon.com/offer-listing-0001982389-2019.html");
    assert_eq!(olp.kind, PageKind::Other);
    assert_eq!(olp.asin.as_deref(), Some("0001982389"));
    assert_eq!(olp.offer_count, Some(10));
    assert_eq!(
        olp.title.as_deref(),
        Some("Noddy and the Magic Rubber (Hardcover)")
    );
    assert_eq!(olp.images, vec!["51SJNVB2YVL".to_string()]);
}

/// Non-product pages carry no product fields.
#[test]
fn non_product_pages_are_empty() {
    for f in common::fixtures() {
        if matches!(
            f.page_kind.as_str(),
            "product" | "variation" | "multi-seller"
        ) {
            continue;
        }
        let page = read_page(&std::fs::read(&f.path).unwrap(), Some(&f.url()));
        assert_eq!(page.asin, None, "{}", f.name);
        assert_eq!(page.title, None, "{}", f.name);
        assert!(page.images.is_empty(), "{}", f.name);
    }
}
