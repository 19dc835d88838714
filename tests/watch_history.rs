//! Change history: diffing observations, first occurrences, pruning, timeline text.

mod common;

use catalog_guard::page::{read_page, PageKind, ProductPage};
use catalog_guard::watch::history::{
    Change, FieldChange, History, Observation, Source, HARD_MAX_CHANGES, MAX_CHANGES,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const T0: &str = "2026-11-01T00:00:00Z";
const T1: &str = "2026-11-03T14:20:00Z";
const T2: &str = "2026-11-04T09:00:00Z";
const T3: &str = "2026-11-05T12:30:00Z";

fn nintendo() -> ProductPage {
    let f = common::fixtures()
        .into_iter()
        .find(|f| f.name == "amazon.co.jp/nintendo-switch-neon-B07WXL5YPW-2022.html")
        .expect("the Nintendo Switch fixture");
    let bytes = std::fs::read(&f.path).expect("read fixture");
    let page = read_page(&bytes, Some(&f.url()));
    assert_eq!(page.kind, PageKind::Product);
    assert_eq!(page.asin.as_deref(), Some("B07WXL5YPW"));
    page
}

fn observe(page: &ProductPage, at: &str) -> Observation {
    Observation::from_page(page, Source::Recheck, at).expect("product page")
}

fn obs(at: &str, pairs: &[(&str, Value)]) -> Observation {
    Observation {
        at: at.to_string(),
        source: Source::Badge,
        fields: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}

#[test]
fn same_page_again_is_no_entry() {
    let page = nintendo();
    let mut h = History::new();
    assert_eq!(h.record(observe(&page, T0), T0), None);
    assert_eq!(h.record(observe(&page, T1), T1), None);
    assert_eq!(h.record(observe(&page, T2), T2), None);
    assert!(h.entries.is_empty());
    assert_eq!(h.last_recorded_at.as_deref(), Some(T2));
    // The first observation of every field is kept with its time.
    assert_eq!(h.first["images.main"].value, json!("61gtkPQtgrL"));
    assert_eq!(h.first["images.main"].at, T0);
    assert_eq!(h.first_seen("images.main", &json!("61gtkPQtgrL")), Some(T0));
    assert_eq!(
        h.first_seen("variations.color_name", &json!("ネオンブルー/ネオンレッド")),
        Some(T0)
    );
    // The page shows no breadcrumb ("Back to results"): not observed.
    assert!(!h.first.contains_key("breadcrumb"));
}

#[test]
fn main_image_swap_and_back() {
    let page = nintendo();
    let mut hijacked = page.clone();
    hijacked.images[0] = "71HiJaCk+XL".to_string();
    let mut h = History::new();
    h.record(observe(&page, T0), T0);

    let c = h.record(observe(&hijacked, T1), T1).expect("a change");
    assert_eq!(
        c,
        Change {
            at: T1.to_string(),
            source: Source::Recheck,
            fields: vec![FieldChange {
                field: "images.main".into(),
                old: json!("61gtkPQtgrL"),
                new: json!("71HiJaCk+XL"),
            }],
        }
    );
    // Seen again: no entry.
    assert_eq!(h.record(observe(&hijacked, T2), T2), None);
    // Back to A.
    let back = h.record(observe(&page, T3), T3).expect("back to A");
    assert_eq!(back.fields[0].old, json!("71HiJaCk+XL"));
    assert_eq!(back.fields[0].new, json!("61gtkPQtgrL"));
    assert_eq!(h.entries.len(), 2);
    // First seen: A at the start, B when the hijack appeared (not when seen again).
    assert_eq!(h.first_seen("images.main", &json!("61gtkPQtgrL")), Some(T0));
    assert_eq!(h.first_seen("images.main", &json!("71HiJaCk+XL")), Some(T1));
    assert_eq!(h.first_seen("images.main", &json!("never")), None);
}

#[test]
fn several_fields_in_one_change_sorted_by_field() {
    let page = nintendo();
    let mut h = History::new();
    h.record(observe(&page, T0), T0);
    let mut p = page.clone();
    p.title = Some("Nintendo Switch 本体 グレー".into());
    p.variations.insert("color_name".into(), "グレー".into());
    p.images = vec![
        "51Gray1234L".into(),
        "71bsVvzIRNS".into(),
        "41Extra999L".into(),
    ];
    p.seller = Some(catalog_guard::page::Seller {
        id: Some("A3HIJACKER01".into()),
        name: "格安ショップ".into(),
    });
    let c = h.record(observe(&p, T1), T1).expect("change");
    let fields: Vec<&str> = c.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "images.gallery",
            "images.main",
            "seller",
            "title",
            "variations.color_name"
        ]
    );
    let gallery = &c.fields[0];
    assert_eq!(gallery.old, json!(["71bsVvzIRNS"]));
    assert_eq!(gallery.new, json!(["71bsVvzIRNS", "41Extra999L"]));
    assert_eq!(c.fields[4].old, json!("ネオンブルー/ネオンレッド"));
    assert_eq!(c.fields[4].new, json!("グレー"));
}

#[test]
fn normalised_text_is_not_a_change_but_absence_rules_apply() {
    let page = nintendo();
    let mut h = History::new();
    h.record(observe(&page, T0), T0);

    // Full-width / zero-width variants of the same title: no change.
    let mut p = page.clone();
    p.title = Some(
        "Ｎｉｎｔｅｎｄｏ Switch\u{200B} 本体 (ニンテンドースイッチ)\u{3000}Joy-Con(L) ネオンブルー/(R) ネオンレッド"
            .into(),
    );
    assert_eq!(h.record(observe(&p, T1), T1), None);

    // A page whose gallery could not be read (only the main image) says
    // nothing about the gallery; no offer count shown: nothing about offers.
    let mut p = page.clone();
    p.images.truncate(1);
    p.offer_count = None;
    assert_eq!(h.record(observe(&p, T1), T1), None);

    // A variation dimension that disappears from a product page is a change.
    let mut p = page.clone();
    p.variations.remove("pattern_name");
    let c = h.record(observe(&p, T2), T2).expect("dimension gone");
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].field, "variations.pattern_name");
    assert_eq!(c.fields[0].new, Value::Null);

    // A dimension grafted onto the page later is a change from null.
    let mut p = page.clone();
    p.variations
        .insert("style_name".into(), "有機ELモデル".into());
    let c = h.record(observe(&p, T3), T3).expect("dimension added");
    let added: Vec<_> = c
        .fields
        .iter()
        .map(|f| (f.field.as_str(), f.old.clone(), f.new.clone()))
        .collect();
    assert!(
        added.contains(&("variations.style_name", Value::Null, json!("有機ELモデル"))),
        "{added:?}"
    );
    assert_eq!(
        h.first_seen("variations.style_name", &json!("有機ELモデル")),
        Some(T3)
    );

    // Non-product pages give no observation at all.
    let mut captcha = page.clone();
    captcha.kind = PageKind::Captcha;
    assert!(Observation::from_page(&captcha, Source::Recheck, T3).is_none());
}

#[test]
fn imports_observe_only_what_they_hold() {
    let page = nintendo();
    let mut h = History::new();
    h.record(observe(&page, T0), T0);
    // A partial listing (Seller Central report: title and image only).
    let mut l = catalog_guard::listing::Listing::from_page(&page, T1).unwrap();
    l.bullets.clear();
    l.description = None;
    l.variations = BTreeMap::new();
    l.seller = None;
    l.offer_count = None;
    let o = Observation::from_listing(&l, T1);
    assert!(!o.fields.contains_key("bullets"));
    assert!(!o.fields.contains_key("variations.color_name"));
    assert_eq!(
        h.record(o, T1),
        None,
        "nothing the import lacks is a change"
    );
    l.title = Some("別の商品名".into());
    let c = h
        .record(Observation::from_listing(&l, T2), T2)
        .expect("title change");
    assert_eq!(c.source, Source::Import);
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].field, "title");
}

#[test]
fn history_round_trips_through_json() {
    let page = nintendo();
    let mut h = History::new();
    h.record(observe(&page, T0), T0);
    let mut p = page.clone();
    p.images[0] = "71HiJaCk+XL".into();
    h.record(observe(&p, T1), T1);
    let text = serde_json::to_string(&h).unwrap();
    let back: History = serde_json::from_str(&text).unwrap();
    assert_eq!(back, h);
    assert_eq!(
        serde_json::from_str::<History>("{}").unwrap(),
        History::new()
    );
}

#[test]
fn stored_history_keeps_each_first_value_once() {
    let page = nintendo();
    let mut h = History::new();
    h.record(observe(&page, T0), T0);
    let fields = h.first.len();
    assert!(fields >= 5, "the page shows several watched fields");
    // Only the first observation: `last` repeats `first`, so it is not stored at all.
    let stored: Value = serde_json::to_value(&h).unwrap();
    assert!(stored.get("last").is_none(), "{stored}");
    let title = h.first["title"].value.as_str().unwrap().to_string();
    assert_eq!(
        serde_json::to_string(&h).unwrap().matches(&title).count(),
        1
    );

    // After a swap, only the swapped field is stored in `last`.
    let mut p = page.clone();
    p.images[0] = "71HiJaCk+XL".into();
    h.record(observe(&p, T1), T1);
    let stored: Value = serde_json::to_value(&h).unwrap();
    assert_eq!(stored["last"], json!({"images.main": "71HiJaCk+XL"}));
    let back: History = serde_json::from_value(stored.clone()).unwrap();
    assert_eq!(back, h);
    assert_eq!(back.last.len(), fields);

    // A history stored before (every field in `last`) reads the same, and the next
    // observation compares with its last values: swapping back is a change.
    let mut full = stored;
    full["last"] = serde_json::to_value(&h.last).unwrap();
    let mut old: History = serde_json::from_value(full).unwrap();
    assert_eq!(old, h);
    let c = old.record(observe(&page, T2), T2).expect("the image back");
    assert_eq!(c.fields[0].old, json!("71HiJaCk+XL"));
    assert_eq!(c.fields[0].new, json!("61gtkPQtgrL"));
}

/// Deterministic pseudo-random numbers for the property-style loops.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn time(i: usize) -> String {
    catalog_guard::time::rfc3339(1_793_500_000_000 + i as i64 * 3_600_000)
}

#[test]
fn pruning_always_keeps_first_occurrences() {
    const FIELDS: [&str; 4] = ["images.main", "title", "variations.color_name", "brand"];
    for (seed, pool, limit, rounds) in [
        (1u64, 6u64, 20usize, 1200usize),
        (2, 3, 10, 800),
        (3, 12, 40, 1200),
        (4, 30, 60, 1200),
    ] {
        let mut rng = Lcg(seed);
        let mut h = History::new();
        // Reference: the true first time each (field, value) was observed.
        let mut truth: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut recorded = 0u64;
        for i in 0..rounds {
            let at = time(i);
            let pairs: Vec<(&str, Value)> = FIELDS
                .iter()
                .map(|f| {
                    // Mostly stable, sometimes a new or a returning value.
                    let v = if rng.next(3) == 0 { rng.next(pool) } else { 0 };
                    (*f, Value::from(format!("{f}-v{v}")))
                })
                .collect();
            for (f, v) in &pairs {
                truth
                    .entry((f.to_string(), v.as_str().unwrap().to_string()))
                    .or_insert_with(|| at.clone());
            }
            if h.record_with_limit(obs(&at, &pairs), &at, limit).is_some() {
                recorded += 1;
            }

            // Invariants after every step.
            assert!(
                h.entries.len() <= limit || h.entries.len() == first_occurrence_entries(&h),
                "seed {seed}: {} entries, limit {limit}",
                h.entries.len()
            );
            assert_eq!(h.dropped + h.entries.len() as u64, recorded);
            assert!(h.entries.windows(2).all(|w| w[0].at < w[1].at));
        }
        assert!(h.dropped > 0, "seed {seed}: the loop must exercise pruning");
        for ((field, value), at) in &truth {
            assert_eq!(
                h.first_seen(field, &Value::from(value.as_str())),
                Some(at.as_str()),
                "seed {seed}: first occurrence of {field}={value} lost"
            );
        }
    }
}

/// Entries that bring a value for the first time (the ones pruning keeps).
fn first_occurrence_entries(h: &History) -> usize {
    let mut seen: std::collections::BTreeSet<(String, String)> = h
        .first
        .iter()
        .map(|(f, s)| (f.clone(), s.value.to_string()))
        .collect();
    h.entries
        .iter()
        .filter(|e| {
            e.fields
                .iter()
                .filter(|fc| seen.insert((fc.field.clone(), fc.new.to_string())))
                .count()
                > 0
        })
        .count()
}

#[test]
fn default_limit_holds_for_a_flapping_image() {
    // A/B flapping 1000 times: only two distinct values, so the history stays
    // at MAX_CHANGES and still knows when each value was first seen.
    let mut h = History::new();
    for i in 0..1000 {
        let v = if i % 2 == 0 {
            "61AAAAAAAAL"
        } else {
            "71BBBBBBBBL"
        };
        h.record(obs(&time(i), &[("images.main", json!(v))]), &time(i));
    }
    assert_eq!(h.entries.len(), MAX_CHANGES);
    assert_eq!(h.dropped, 999 - MAX_CHANGES as u64);
    assert_eq!(
        h.first_seen("images.main", &json!("61AAAAAAAAL")),
        Some(time(0).as_str())
    );
    assert_eq!(
        h.first_seen("images.main", &json!("71BBBBBBBBL")),
        Some(time(1).as_str())
    );
    // The kept entries are the newest repeats plus the first B.
    assert_eq!(h.entries[0].at, time(1));
    assert_eq!(h.entries.last().unwrap().at, time(999));
}

#[test]
fn hard_cap_bounds_a_page_rotating_values() {
    let mut h = History::new();
    let n = HARD_MAX_CHANGES + 50;
    for i in 0..=n {
        h.record(
            obs(&time(i), &[("title", json!(format!("title {i}")))]),
            &time(i),
        );
    }
    assert_eq!(h.entries.len(), HARD_MAX_CHANGES);
    assert_eq!(h.dropped, 50);
    assert_eq!(
        h.first_seen("title", &json!("title 0")),
        Some(time(0).as_str())
    );
    assert_eq!(
        h.first_seen("title", &json!(format!("title {n}"))),
        Some(time(n).as_str())
    );
}

#[test]
fn timeline_in_english_and_japanese() {
    let mut h = History::new();
    let a = json!("61gtkPQtgrL");
    let b = json!("71HiJaCk+XL");
    h.record(
        obs(
            T0,
            &[
                ("images.main", a.clone()),
                ("variations.color_name", json!("ネオンブルー")),
            ],
        ),
        T0,
    );
    h.record(
        obs(
            T1,
            &[
                ("images.main", b.clone()),
                ("variations.color_name", json!("ネオンブルー")),
            ],
        ),
        T1,
    );
    h.record(
        obs(
            T2,
            &[
                ("images.main", a.clone()),
                ("variations.color_name", json!("グレー")),
            ],
        ),
        T2,
    );
    h.record(
        obs(
            T3,
            &[
                ("images.main", a),
                ("variations.color_name", json!("ブラック")),
            ],
        ),
        T3,
    );

    let en = h.timeline("en");
    assert_eq!(
        en,
        [
            "Main image changed 2026-11-03 14:20 UTC from 61gtkPQtgrL to 71HiJaCk+XL; back to 61gtkPQtgrL on 2026-11-04 09:00 UTC",
            "Variation (colour) changed 2026-11-04 09:00 UTC from ネオンブルー to グレー; then to ブラック on 2026-11-05 12:30 UTC",
        ]
    );
    let ja = h.timeline("ja");
    assert_eq!(
        ja,
        [
            "メイン画像: 2026-11-03 23:20（日本時間）に「61gtkPQtgrL」から「71HiJaCk+XL」に変更、2026-11-04 18:00（日本時間）に「61gtkPQtgrL」に戻りました",
            "バリエーション（カラー）: 2026-11-04 18:00（日本時間）に「ネオンブルー」から「グレー」に変更、2026-11-05 21:30（日本時間）に「ブラック」に変更",
        ]
    );
    // A value that disappears: "none", not a quoted value.
    let mut g = History::new();
    g.record(obs(T0, &[("variations.size_name", json!("M"))]), T0);
    g.record(obs(T1, &[]), T1);
    assert_eq!(
        g.timeline("ja"),
        ["バリエーション（サイズ）: 2026-11-03 23:20（日本時間）に「M」から（なし）に変更"]
    );
    assert_eq!(
        g.timeline("en"),
        ["Variation (size) changed 2026-11-03 14:20 UTC from M to (none)"]
    );

    // Explicit offset.
    let jst_en = h.timeline_with_offset("en", 540);
    assert!(
        jst_en[0].contains("2026-11-03 23:20 UTC+09:00"),
        "{}",
        jst_en[0]
    );
    assert!(History::new().timeline("ja").is_empty());
}
