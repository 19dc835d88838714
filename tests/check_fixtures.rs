//! The check over every real saved page: a page checked against the listing
//! saved from it matches; hijack-style edits of the page's HTML are flagged
//! on exactly the edited field; pages that are not product pages never
//! produce a mismatch.

mod common;

use catalog_guard::check::{check, Status};
use catalog_guard::listing::Listing;
use catalog_guard::page::{self, PageKind, ProductPage};
use common::{fixtures, Fixture};

const NOW: &str = "2026-11-22T07:00:00Z";

fn is_product(f: &Fixture) -> bool {
    f.page_kind == "product" || f.page_kind == "variation"
}

/// The page's decoded text (any charset) and what the reader makes of it.
fn read(f: &Fixture) -> (String, ProductPage) {
    let bytes = std::fs::read(&f.path).expect("read fixture");
    let html = page::extract::decode(&bytes);
    let p = page::read_page(&bytes, Some(&f.url()));
    (html, p)
}

fn saved(f: &Fixture, p: &ProductPage) -> Listing {
    assert_eq!(
        p.kind,
        PageKind::Product,
        "{}: read as {:?}",
        f.name,
        p.kind
    );
    Listing::from_page(p, NOW).unwrap_or_else(|| panic!("{}: no ASIN/marketplace: {p:?}", f.name))
}

/// The fields flagged when `html` is checked against `listing`.
fn flagged(f: &Fixture, listing: &Listing, html: &str) -> Vec<String> {
    let p = page::extract(html, Some(&f.url()));
    let r = check(std::slice::from_ref(listing), &p, NOW);
    r.mismatches.into_iter().map(|m| m.field).collect()
}

/// Byte range of the text between the `>` that ends the start tag found
/// after `anchor` (and then `then`, if given) and the next `<`.
fn text_after(html: &str, anchor: &str, then: Option<&str>) -> Option<(usize, usize)> {
    let mut at = html.find(anchor)?;
    if let Some(t) = then {
        at += html[at..].find(t)?;
    }
    let start = at + html[at..].find('>')? + 1;
    let end = start + html[start..].find('<')?;
    Some((start, end))
}

fn replace_range(html: &str, (start, end): (usize, usize), with: &str) -> String {
    format!("{}{}{}", &html[..start], with, &html[end..])
}

#[test]
fn every_product_page_matches_the_listing_saved_from_it() {
    let products: Vec<(Fixture, ProductPage)> = fixtures()
        .into_iter()
        .filter(is_product)
        .map(|f| {
            let (_, p) = read(&f);
            (f, p)
        })
        .collect();
    assert!(products.len() >= 45, "{}", products.len());
    let all: Vec<Listing> = products.iter().map(|(f, p)| saved(f, p)).collect();
    for (i, (f, p)) in products.iter().enumerate() {
        // Its own listing among every other product's: the same ASIN is on
        // five marketplaces, so this also checks that the page's own
        // marketplace is used. (Two products were saved twice, years apart,
        // under the same key: the other snapshot is left out here.)
        let mut listings = vec![all[i].clone()];
        listings.extend(all.iter().filter(|l| l.key() != all[i].key()).cloned());
        let n = listings.len();
        listings.rotate_left(i % n);
        let r = check(&listings, p, NOW);
        assert_eq!(r.status, Status::Match, "{}: {:#?}", f.name, r.mismatches);
        assert_eq!(r.asin, p.asin);
    }
}

/// Two products were saved years apart (2017 and 2024). Checked against the
/// listing saved from the 2017 page, the 2024 page shows the real changes,
/// the main image first.
#[test]
fn the_same_product_years_later_is_a_mismatch() {
    let all = fixtures();
    for (old, new) in [
        (
            "amazon.com/kindle-whole-truth-B0011UCPM4-2017.html",
            "amazon.com/kindle-whole-truth-B0011UCPM4-2024.html",
        ),
        (
            "amazon.com/sainsmart-relay-module-B0057OC5O8-2017.html",
            "amazon.com/sainsmart-relay-module-B0057OC5O8-2024.html",
        ),
    ] {
        let find = |name: &str| all.iter().find(|f| f.name == name).expect(name).clone();
        let (old, new) = (find(old), find(new));
        let (_, old_page) = read(&old);
        let (_, new_page) = read(&new);
        let listing = saved(&old, &old_page);
        let r = check(&[listing], &new_page, NOW);
        assert_eq!(r.status, Status::Mismatch, "{}", new.name);
        let main = r
            .mismatches
            .iter()
            .find(|m| m.field == "images.main")
            .unwrap_or_else(|| panic!("{}: main image not flagged: {:#?}", new.name, r.mismatches));
        assert_ne!(main.expected, main.actual);
        assert_eq!(
            r.mismatches[0].severity,
            catalog_guard::check::Severity::Critical
        );
    }
}

#[test]
fn swapped_main_image_is_flagged_on_images_main_only() {
    for f in fixtures().into_iter().filter(is_product) {
        let (html, p) = read(&f);
        let listing = saved(&f, &p);
        let id = p
            .main_image()
            .unwrap_or_else(|| panic!("{}: no main image read", f.name))
            .to_string();
        let new_id = format!(
            "ZZ{}",
            &id[id.char_indices().nth(2).map_or(0, |(i, _)| i)..]
        );
        assert!(!html.contains(&new_id), "{}", f.name);
        let hijacked = html
            .replace(&id, &new_id)
            .replace(&id.replace('+', "%2B"), &new_id.replace('+', "%2B"));
        let mut want = vec!["images.main".to_string()];
        if p.images.len() > 1 && p.images[1..].contains(&id) {
            want.push("images.gallery".into());
        }
        assert_eq!(flagged(&f, &listing, &hijacked), want, "{}", f.name);
    }
}

#[test]
fn changed_title_is_flagged_on_title_only() {
    for f in fixtures().into_iter().filter(is_product) {
        let (html, p) = read(&f);
        let listing = saved(&f, &p);
        let range = [
            "id=\"productTitle\"",
            "id=\"ebooksProductTitle\"",
            "id=\"btAsinTitle\"",
        ]
        .iter()
        .find_map(|a| text_after(&html, a, None))
        .unwrap_or_else(|| panic!("{}: no title element", f.name));
        let old = &html[range.0..range.1];
        let hijacked = replace_range(&html, range, &format!("{old} (Generic Replacement)"));
        assert_eq!(
            flagged(&f, &listing, &hijacked),
            vec!["title"],
            "{}",
            f.name
        );
    }
}

#[test]
fn changed_colour_is_flagged_on_the_colour_only() {
    let mut seen = 0;
    for f in fixtures().into_iter().filter(is_product) {
        let truth_colour = f
            .truth
            .as_ref()
            .and_then(|t| t["selected_color"].as_str().map(str::to_string));
        let Some(truth_colour) = truth_colour else {
            continue;
        };
        let (html, p) = read(&f);
        let listing = saved(&f, &p);
        assert!(
            p.variations.contains_key("color_name"),
            "{}: colour {truth_colour:?} not read: {:?}",
            f.name,
            p.variations
        );
        let range = text_after(
            &html,
            "id=\"variation_color_name\"",
            Some("class=\"selection\""),
        )
        .or_else(|| {
            text_after(
                &html,
                "id=\"inline-twister-expanded-dimension-text-color_name\"",
                None,
            )
        })
        .unwrap_or_else(|| panic!("{}: no selected colour element", f.name));
        let hijacked = replace_range(&html, range, " Hijack Pink ");
        assert_eq!(
            flagged(&f, &listing, &hijacked),
            vec!["variations.color_name"],
            "{}",
            f.name
        );
        seen += 1;
    }
    assert!(seen >= 6, "pages with a selected colour: {seen}");
}

/// The byte range of the first visible `<li>…</li>` in `#feature-bullets`.
fn first_bullet(html: &str) -> Option<(usize, usize)> {
    let mut at = html.find("id=\"feature-bullets\"")?;
    loop {
        let start = at + html[at..].find("<li")?;
        let end = start + html[start..].find("</li>")? + "</li>".len();
        let li = &html[start..end];
        let tag_end = li.find('>')?;
        let hidden = li[..tag_end].contains("aok-hidden");
        let visible_text = li
            .split(['<', '>'])
            .enumerate()
            .any(|(i, part)| i % 2 == 0 && !part.trim().is_empty());
        if !hidden && visible_text {
            return Some((start, end));
        }
        at = end;
    }
}

#[test]
fn dropped_bullet_is_flagged_on_bullets_only() {
    let mut seen = 0;
    for f in fixtures().into_iter().filter(is_product) {
        let (html, p) = read(&f);
        if p.bullets.is_empty() {
            let truth_count = f.truth.as_ref().and_then(|t| t["bullet_count"].as_u64());
            assert!(
                truth_count.map_or(true, |n| n == 0),
                "{}: {truth_count:?} bullets not read",
                f.name
            );
            continue;
        }
        let listing = saved(&f, &p);
        let range = first_bullet(&html).unwrap_or_else(|| panic!("{}: no bullet li", f.name));
        let hijacked = replace_range(&html, range, "");
        assert_eq!(
            flagged(&f, &listing, &hijacked),
            vec!["bullets"],
            "{}",
            f.name
        );
        seen += 1;
    }
    assert!(seen >= 15, "pages with bullets: {seen}");
}

#[test]
fn pages_that_are_not_products_never_mismatch() {
    let all = fixtures();
    let listings: Vec<Listing> = all
        .iter()
        .filter(|f| is_product(f))
        .filter_map(|f| Listing::from_page(&read(f).1, NOW))
        .collect();
    let mut seen = 0;
    for f in all.iter().filter(|f| !is_product(f)) {
        let (_, p) = read(f);
        let r = check(&listings, &p, NOW);
        assert_ne!(r.status, Status::Mismatch, "{}: {:?}", f.name, r.mismatches);
        assert_ne!(r.status, Status::Match, "{}", f.name);
        if f.page_kind == "captcha" {
            assert_eq!(r.status, Status::Unreadable, "{}", f.name);
        }
        if f.page_kind == "search" {
            assert_eq!(r.status, Status::NotProduct, "{}", f.name);
        }
        seen += 1;
    }
    assert!(seen >= 10, "{seen}");
}
