//! The export file: export, preview, apply, and every kind of malformed file.

use catalog_guard::import::export_file::{apply, export, parse, preview, ExportExtras};
use catalog_guard::listing::{Listing, Watch};
use catalog_guard::store::settings::Settings;
use serde_json::json;
use std::collections::BTreeMap;

fn listing(asin: &str, updated_at: &str, title: &str) -> Listing {
    Listing {
        asin: asin.into(),
        marketplace: "amazon.co.jp".into(),
        sku: Some("SKU-1".into()),
        title: Some(title.into()),
        brand: Some("サンプル".into()),
        images: vec!["81lde+541vL".into()],
        variations: BTreeMap::from([("color_name".to_string(), "ブラック".to_string())]),
        breadcrumb: vec!["ホーム&キッチン".into(), "タンブラー".into()],
        bullets: vec!["真空断熱".into()],
        description: Some("説明文".into()),
        seller: None,
        offer_count: None,
        family: None,
        family_known: false,
        availability: Default::default(),
        watch: Watch::default(),
        saved_at: "2026-01-01T00:00:00Z".into(),
        updated_at: updated_at.into(),
        note: "メモ".into(),
        image_signatures: BTreeMap::new(),
    }
}

fn existing() -> Vec<Listing> {
    vec![
        listing("B000000001", "2026-11-01T00:00:00Z", "same"),
        listing("B000000002", "2026-11-01T00:00:00Z", "old here"),
        listing("B000000003", "2026-11-09T00:00:00Z", "edited here later"),
        listing("B000000004", "2026-11-01T00:00:00Z", "only here"),
    ]
}

fn file_listings() -> Vec<Listing> {
    vec![
        listing("B000000005", "2026-11-01T00:00:00Z", "new in file"),
        listing("B000000003", "2026-11-05T00:00:00Z", "file version"),
        listing("B000000002", "2026-11-05T00:00:00Z", "newer in file"),
        listing("B000000001", "2026-11-01T00:00:00Z", "same"),
    ]
}

#[test]
fn export_is_stable_sorted_and_readable_as_a_listings_file() {
    let settings = Settings {
        language: "ja".into(),
        ..Settings::default()
    };
    let extras = ExportExtras {
        history: Some(json!([{"key": "amazon.co.jp/B000000001", "field": "title"}])),
        cases: Some(json!([{"case_id": "1234567890"}])),
        shots: None,
    };
    let text = export(&file_listings(), Some(&settings), &extras);
    let mut reversed = file_listings();
    reversed.reverse();
    assert_eq!(text, export(&reversed, Some(&settings), &extras));
    assert!(text.starts_with("{\n  \"format\": \"catalog-guard/listings\",\n  \"version\": 2,\n"));
    assert!(text.ends_with("}\n"));
    // The listings file reader (CLI) accepts it.
    let lf = catalog_guard::listing::parse_listings_file(&text).unwrap();
    let keys: Vec<String> = lf.listings.iter().map(Listing::key).collect();
    assert_eq!(
        keys,
        [
            "amazon.co.jp/B000000001",
            "amazon.co.jp/B000000002",
            "amazon.co.jp/B000000003",
            "amazon.co.jp/B000000005"
        ]
    );
    let back = parse(&text).unwrap();
    assert_eq!(back.settings, Some(settings));
    assert_eq!(back.extras, extras);
    assert_eq!(back.listings, lf.listings);
    // Without extras: exactly a listings file.
    let plain = export(&file_listings(), None, &ExportExtras::default());
    let v: serde_json::Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(v.as_object().unwrap().len(), 3);
}

#[test]
fn preview_classifies_every_listing() {
    let text = export(&file_listings(), None, &ExportExtras::default());
    let p = preview(&existing(), &text).unwrap();
    assert_eq!(p.new, ["amazon.co.jp/B000000005"]);
    assert_eq!(p.changed, ["amazon.co.jp/B000000002"]);
    assert_eq!(p.unchanged, ["amazon.co.jp/B000000001"]);
    assert_eq!(p.conflicting, ["amazon.co.jp/B000000003"]);
    assert_eq!(p.only_here, ["amazon.co.jp/B000000004"]);
    assert_eq!(p.total, 4);
}

#[test]
fn apply_merge_and_replace() {
    let text = export(&file_listings(), None, &ExportExtras::default());
    let before = existing();
    let merged = apply(&before, &text, "merge", "2026-11-22T00:00:00Z").unwrap();
    assert_eq!(before, existing(), "input untouched");
    let titles: Vec<&str> = merged.iter().map(|l| l.title.as_deref().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "same",
            "newer in file",
            "edited here later",
            "only here",
            "new in file"
        ]
    );
    let replaced = apply(&before, &text, "replace", "2026-11-22T00:00:00Z").unwrap();
    let mut expected = file_listings();
    expected.sort_by_key(Listing::key);
    assert_eq!(replaced, expected);
}

#[test]
fn apply_fills_empty_dates_with_now() {
    let mut l = listing("B000000009", "", "t");
    l.saved_at = String::new();
    let text = export(&[l], None, &ExportExtras::default());
    let out = apply(&[], &text, "merge", "2026-11-22T00:00:00Z").unwrap();
    assert_eq!(out[0].saved_at, "2026-11-22T00:00:00Z");
    assert_eq!(out[0].updated_at, "2026-11-22T00:00:00Z");
}

#[test]
fn older_v0_files_are_migrated_by_the_listings_reader() {
    // A file with no listings at all is fine.
    let text = r#"{"format": "catalog-guard/listings", "version": 1, "listings": []}"#;
    assert_eq!(apply(&existing(), text, "merge", "now").unwrap().len(), 4);
    assert!(apply(&existing(), text, "replace", "now")
        .unwrap()
        .is_empty());
}

/// Every malformed input: refused with a clear message, inputs untouched.
#[test]
fn malformed_files_are_refused_clearly() {
    let good = export(&file_listings(), None, &ExportExtras::default());
    let cases: Vec<(&str, String, &[&str])> = vec![
        ("empty", String::new(), &["line 1"]),
        ("not json", "hello".into(), &["line 1, column 1"]),
        (
            "truncated",
            good[..good.len() / 2].to_string(),
            &["not valid JSON at line"],
        ),
        (
            "wrong format",
            r#"{"format": "something/else", "version": 1, "listings": []}"#.into(),
            &["something/else"],
        ),
        ("no format", r#"{"listings": []}"#.into(), &["format"]),
        (
            "newer version",
            r#"{"format": "catalog-guard/listings", "version": 9, "listings": []}"#.into(),
            &["version 9", "newer"],
        ),
        (
            "bad version",
            r#"{"format": "catalog-guard/listings", "version": "one", "listings": []}"#.into(),
            &["version", "\"one\""],
        ),
        (
            "missing field",
            good.replacen("\"updated_at\"", "\"updated\"", 3),
            &["listing 1", "updated_at"],
        ),
        (
            "wrong type",
            good.replacen(
                "\"images\": [\n        \"81lde+541vL\"\n      ]",
                "\"images\": 5",
                2,
            ),
            &["listing 1", "\"images\"", "invalid type"],
        ),
        (
            "empty asin",
            good.replacen("\"asin\": \"B000000002\"", "\"asin\": \"\"", 1),
            &["listing 2", "asin"],
        ),
        (
            "duplicate",
            good.replacen("B000000002", "B000000001", 1),
            &["appears twice"],
        ),
    ];
    let before = existing();
    for (name, text, expect) in cases {
        let e = apply(&before, &text, "merge", "now").expect_err(name);
        for x in expect {
            assert!(e.message.contains(x), "{name}: {:?} lacks {x:?}", e.message);
        }
        assert_eq!(preview(&before, &text).unwrap_err(), e, "{name}");
        assert_eq!(before, existing(), "{name}: input untouched");
    }
    // Positions and fields are given as data, too.
    let e = apply(&before, "{\n  \"format\": ,\n}", "merge", "now").unwrap_err();
    assert_eq!((e.line, e.column), (Some(2), Some(13)));
    let e = apply(
        &before,
        &good.replacen("\"updated_at\"", "\"x\"", 1),
        "merge",
        "now",
    )
    .unwrap_err();
    assert_eq!(e.listing, Some(1));
    assert_eq!(e.field.as_deref(), Some("updated_at"));
    assert!(e.line.is_some());
    let wrong = good.replacen("\"title\": \"same\"", "\"title\": 42", 1);
    let e = apply(&before, &wrong, "merge", "now").unwrap_err();
    assert_eq!((e.listing, e.field.as_deref()), (Some(1), Some("title")));
    let e = apply(&before, &good, "overwrite", "now").unwrap_err();
    assert!(e.message.contains("overwrite"));
}

#[test]
fn mangled_files_never_panic_and_never_change_inputs() {
    let good = export(
        &file_listings(),
        Some(&Settings::default()),
        &ExportExtras::default(),
    );
    let chars: Vec<char> = good.chars().collect();
    let mut x: u64 = 0xDEAD_BEEF_CAFE_F00D;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let before = existing();
    for _ in 0..300 {
        let mut c = chars.clone();
        for _ in 0..(1 + next() % 4) {
            let at = (next() as usize) % c.len();
            match next() % 3 {
                0 => c[at] = ['"', '{', '}', ',', '1', 'x', ']', ':'][(next() % 8) as usize],
                1 => {
                    c.remove(at);
                }
                _ => c.truncate(at.max(1)),
            }
        }
        let text: String = c.into_iter().collect();
        match apply(&before, &text, "merge", "now") {
            Ok(out) => assert!(out.len() >= before.len()),
            Err(e) => assert!(!e.message.is_empty()),
        }
        let _ = preview(&before, &text);
        assert_eq!(before, existing());
    }
}

/// A listing with signatures for its images (computed from a generated picture and a plain
/// swatch, as the extension does on save).
fn listing_with_signatures() -> Listing {
    use catalog_guard::imagesig::{signature, test_pattern};
    let mut l = listing("B000000009", "2026-11-01T00:00:00Z", "signed");
    l.images = vec!["81lde+541vL".into(), "71abcDEF12L".into()];
    let swatch: Vec<u8> = [20u8, 30, 120, 255].repeat(64 * 64);
    l.image_signatures = BTreeMap::from([
        (
            "81lde+541vL".to_string(),
            signature(120, 90, &test_pattern(120, 90))
                .unwrap()
                .to_compact(),
        ),
        (
            "71abcDEF12L".to_string(),
            signature(64, 64, &swatch).unwrap().to_compact(),
        ),
    ]);
    l
}

#[test]
fn image_signatures_round_trip_through_the_export_file() {
    let with = listing_with_signatures();
    let text = export(std::slice::from_ref(&with), None, &ExportExtras::default());
    assert!(text.contains("\"image_signatures\""));
    let back = parse(&text).unwrap();
    assert_eq!(back.listings, vec![with.clone()]);
    // The signatures read back compare `same` with the ones computed.
    use catalog_guard::imagesig::{compare, signature, test_pattern, Verdict};
    let computed = signature(120, 90, &test_pattern(120, 90)).unwrap();
    let sig = back.listings[0].image_signature("81lde+541vL").unwrap();
    assert_eq!(sig, computed);
    assert_eq!(compare(&sig, &computed).unwrap().verdict, Verdict::Same);
    // Small: a couple of hundred bytes per image, not the 560 of the JSON form.
    let one = &back.listings[0].image_signatures["81lde+541vL"];
    assert!(one.len() < 260, "{} bytes: {one}", one.len());
    // A listing without signatures writes no member at all (older readers, smaller files).
    let plain = export(&existing(), None, &ExportExtras::default());
    assert!(!plain.contains("image_signatures"));
    // Applying the file keeps them.
    let applied = apply(&[], &text, "merge", "2026-12-01T00:00:00Z").unwrap();
    assert_eq!(applied[0].image_signatures, with.image_signatures);
}

#[test]
fn malformed_image_signatures_are_refused_clearly() {
    let good = export(&[listing_with_signatures()], None, &ExportExtras::default());
    let value: serde_json::Value = serde_json::from_str(&good).unwrap();
    let mangle = |path: &str, v: serde_json::Value| {
        let mut value = value.clone();
        *value.pointer_mut(path).unwrap() = v;
        serde_json::to_string_pretty(&value).unwrap()
    };
    let key = "/listings/0/image_signatures/81lde+541vL";
    let sig = value.pointer(key).unwrap().as_str().unwrap().to_string();
    let parts: Vec<&str> = sig.split('|').collect();
    let with = |i: usize, v: &str| {
        let mut p = parts.clone();
        p[i] = v;
        mangle(key, json!(p.join("|")))
    };
    let cases: Vec<(String, &[&str])> = vec![
        (
            with(1, "zz"),
            &[
                "listing 1",
                "image 81lde+541vL",
                "malformed image signature",
                "hash",
            ],
        ),
        (with(3, "00ff"), &["listing 1", "image 81lde+541vL", "grid"]),
        (with(0, "99"), &["listing 1", "version 99"]),
        (with(4, "-1"), &["listing 1", "aspect"]),
        (with(6, "1,2,3"), &["listing 1", "colour"]),
        (
            mangle(key, json!("not a signature")),
            &["listing 1", "7 parts"],
        ),
        (mangle(key, json!(42)), &["listing 1", "image_signatures"]),
    ];
    for (text, needles) in cases {
        let err = parse(&text).unwrap_err();
        for n in needles {
            assert!(err.message.contains(n), "{n:?} not in {:?}", err.message);
        }
        assert_eq!(err.listing, Some(1), "{}", err.message);
        assert!(preview(&[], &text).is_err());
    }
}
