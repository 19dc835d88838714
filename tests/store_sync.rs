//! The sync encoder against the exact `chrome.storage.sync` quotas, with
//! realistic generated listings (JP and EN text, ~200-char titles, five
//! ~500-char bullets, 2,000-char descriptions).

use catalog_guard::check::Status;
use catalog_guard::listing::{Listing, Watch};
use catalog_guard::page::Seller;
use catalog_guard::store::settings::Settings;
use catalog_guard::store::sync::{
    decode, diff_items, encode, encode_with, item_bytes, write_allowance, Fingerprint, SyncOptions,
    SyncPlan, SyncState, BUDGET_WRITES_PER_HOUR, BUDGET_WRITES_PER_MINUTE, MAX_ITEMS, QUOTA_BYTES,
    QUOTA_BYTES_PER_ITEM,
};
use catalog_guard::watch::cases::{Case, CaseStatus, Evidence};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[(self.next() % words.len() as u64) as usize]
    }
}

const JA: &[&str] = &[
    "ステンレス",
    "保温",
    "保冷",
    "タンブラー",
    "大容量",
    "真空断熱",
    "二重構造",
    "結露しにくい",
    "食洗機対応",
    "ブラック",
    "ホワイト",
    "ネイビー",
    "おしゃれ",
    "アウトドア",
    "オフィス",
    "プレゼント",
    "軽量",
    "持ち運び",
    "蓋付き",
    "ストロー",
    "洗いやすい",
    "錆びにくい",
    "日本製",
    "安心",
    "長持ち",
    "毎日",
    "使える",
    "コーヒー",
    "お茶",
    "水筒",
    "マグ",
    "容量",
    "約",
    "600ml",
    "直径",
    "高さ",
    "重量",
    "素材",
    "18-8",
    "ステンレス鋼",
    "ポリプロピレン",
    "、",
    "。",
];
const EN: &[&str] = &[
    "stainless",
    "steel",
    "insulated",
    "tumbler",
    "large",
    "capacity",
    "double",
    "wall",
    "vacuum",
    "keeps",
    "drinks",
    "hot",
    "cold",
    "for",
    "hours",
    "dishwasher",
    "safe",
    "lid",
    "straw",
    "black",
    "white",
    "navy",
    "office",
    "outdoor",
    "gift",
    "lightweight",
    "leak-proof",
    "BPA-free",
    "20oz",
    "travel",
    "mug",
    "coffee",
    "tea",
    "water",
    "bottle",
    "durable",
    "sweat-free",
    "grip",
    "the",
    "and",
    "with",
    "a",
    ",",
    ".",
];

fn text(rng: &mut Rng, ja: bool, chars: usize) -> String {
    let mut s = String::new();
    while s.chars().count() < chars {
        if ja {
            s.push_str(rng.pick(JA));
        } else {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(rng.pick(EN));
        }
    }
    s.chars().take(chars).collect()
}

fn image_id(rng: &mut Rng) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+";
    let mut s = format!("{}", 51 + rng.next() % 40);
    for _ in 0..7 {
        s.push(A[(rng.next() % A.len() as u64) as usize] as char);
    }
    s.push('L');
    s
}

/// `n` listings, deterministic; listing `i` was updated `i` minutes after a base time. Each
/// holds a signature for every image, as a listing saved by the extension does.
fn listings(n: usize) -> Vec<Listing> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let sigs: Vec<String> = (0..7u32)
        .map(|k| {
            let (w, h) = (60 + 7 * k, 90 - 5 * k);
            let pattern = catalog_guard::imagesig::test_pattern(w, h);
            catalog_guard::imagesig::signature(w, h, &pattern)
                .unwrap()
                .to_compact()
        })
        .collect();
    (0..n)
        .map(|i| {
            let ja = i % 2 == 0;
            let marketplace = if ja { "amazon.co.jp" } else { "amazon.com" };
            let updated = catalog_guard::time::rfc3339(1_790_000_000_000 + i as i64 * 60_000);
            let mut variations = BTreeMap::new();
            variations.insert("color_name".to_string(), text(&mut rng, ja, 6));
            variations.insert("size_name".to_string(), "M".to_string());
            Listing {
                asin: format!("B0{:08}", i * 7919 % 100_000_000),
                marketplace: marketplace.to_string(),
                sku: Some(format!("SKU-{i:05}")),
                title: Some(text(&mut rng, ja, 200)),
                brand: Some(text(&mut rng, ja, 12)),
                images: (0..7).map(|_| image_id(&mut rng)).collect(),
                variations,
                breadcrumb: (0..4).map(|_| text(&mut rng, ja, 10)).collect(),
                bullets: (0..5).map(|_| text(&mut rng, ja, 500)).collect(),
                description: Some(text(&mut rng, ja, 2000)),
                seller: Some(Seller {
                    id: Some(format!("A{:012}", i)),
                    name: text(&mut rng, ja, 10),
                }),
                offer_count: Some((i % 5) as u32),
                family: None,
                family_known: false,
                availability: Default::default(),
                watch: Watch::default(),
                saved_at: catalog_guard::time::rfc3339(1_780_000_000_000),
                updated_at: updated,
                note: if i % 3 == 0 {
                    text(&mut rng, ja, 40)
                } else {
                    String::new()
                },
                image_signatures: BTreeMap::new(),
            }
        })
        .map(|mut l| {
            l.image_signatures = l.images.iter().cloned().zip(sigs.iter().cloned()).collect();
            l
        })
        .collect()
}

fn as_map(items: &BTreeMap<String, Value>) -> Map<String, Value> {
    items.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Every quota holds, the stats add up, and decode gives back what fits.
fn check_plan(all: &[Listing], plan: &SyncPlan) {
    let mut total = 0;
    for (k, v) in &plan.items {
        let b = item_bytes(k, v);
        // Chrome measures key + JSON.stringify(value) in UTF-8 bytes.
        assert_eq!(b, k.len() + serde_json::to_string(v).unwrap().len());
        assert!(b <= QUOTA_BYTES_PER_ITEM, "{k} is {b} bytes");
        total += b;
    }
    assert!(total <= QUOTA_BYTES, "{total} bytes");
    assert!(plan.items.len() <= MAX_ITEMS);
    let s = &plan.stats;
    assert_eq!(s.bytes_used, total);
    assert_eq!(s.items_used, plan.items.len());
    assert_eq!(s.full + s.fingerprint_only + s.not_synced, all.len());
    let count = |st: SyncState| plan.status.values().filter(|x| **x == st).count();
    assert_eq!(count(SyncState::Full), s.full);
    assert_eq!(count(SyncState::FingerprintOnly), s.fingerprint_only);
    assert_eq!(count(SyncState::NotSynced), s.not_synced);
    assert_eq!(s.reasons.is_empty(), s.full == all.len());

    let got = decode(&as_map(&plan.items));
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(got.total, Some(all.len()));
    let by_key: BTreeMap<String, &Listing> = all.iter().map(|l| (l.key(), l)).collect();
    let full: BTreeSet<&String> = plan
        .status
        .iter()
        .filter(|(_, st)| **st == SyncState::Full)
        .map(|(k, _)| k)
        .collect();
    assert_eq!(got.listings.len(), full.len());
    for l in &got.listings {
        assert!(full.contains(&l.key()));
        assert_eq!(&l, &by_key[&l.key()], "full record round-trips exactly");
    }
    let fp_keys: BTreeSet<&String> = plan
        .status
        .iter()
        .filter(|(_, st)| **st == SyncState::FingerprintOnly)
        .map(|(k, _)| k)
        .collect();
    assert_eq!(got.fingerprints.len(), fp_keys.len());
    for fp in &got.fingerprints {
        assert!(fp_keys.contains(&fp.key));
        assert_eq!(fp, &Fingerprint::of(by_key[&fp.key]));
    }
}

#[test]
fn one_listing_is_synced_in_full() {
    let all = listings(1);
    let plan = encode(&all, &Settings::default());
    check_plan(&all, &plan);
    assert_eq!(plan.stats.full, 1);
    assert!(plan.stats.reasons.is_empty());
}

#[test]
fn hundred_listings_every_one_synced_most_recent_in_full() {
    let all = listings(100);
    let plan = encode(&all, &Settings::default());
    eprintln!("{:?}", plan.stats);
    check_plan(&all, &plan);
    assert_eq!(plan.stats.not_synced, 0, "{:?}", plan.stats);
    assert!(plan.stats.full >= 3, "{:?}", plan.stats);
    // The most recently updated listing is synced in full; the oldest is not.
    assert_eq!(plan.status[&all[99].key()], SyncState::Full);
    assert_eq!(plan.status[&all[0].key()], SyncState::FingerprintOnly);
    assert_eq!(plan.stats.reasons.len(), 1);
}

#[test]
fn thousand_listings_every_one_at_least_fingerprinted() {
    let all = listings(1000);
    let plan = encode(&all, &Settings::default());
    check_plan(&all, &plan);
    assert_eq!(plan.stats.not_synced, 0, "{:?}", plan.stats);
    assert!(plan.stats.full >= 1);
}

#[test]
fn five_thousand_listings_never_over_quota() {
    let all = listings(5000);
    let plan = encode(&all, &Settings::default());
    eprintln!("{:?}", plan.stats);
    check_plan(&all, &plan);
    assert!(plan.stats.full >= 1, "{:?}", plan.stats);
    assert!(plan.stats.fingerprint_only >= 1000, "{:?}", plan.stats);
    assert!(plan.stats.not_synced > 0);
    assert!(
        plan.stats.bytes_used > QUOTA_BYTES * 9 / 10,
        "{:?}",
        plan.stats
    );
    // Fingerprints go to the most recently used first.
    assert_ne!(plan.status[&all[4999].key()], SyncState::NotSynced);
    assert_eq!(plan.status[&all[0].key()], SyncState::NotSynced);
}

#[test]
fn encoding_is_deterministic() {
    let all = listings(300);
    let settings = Settings {
        language: "ja".into(),
        ..Settings::default()
    };
    let a = serde_json::to_string(&encode(&all, &settings)).unwrap();
    let b = serde_json::to_string(&encode(&all, &settings)).unwrap();
    assert_eq!(a, b);
    // Input order does not matter either.
    let mut rev = all.clone();
    rev.reverse();
    let c = serde_json::to_string(&encode(&rev, &settings).items).unwrap();
    assert_eq!(
        serde_json::to_string(&encode(&all, &settings).items).unwrap(),
        c
    );
}

#[test]
fn settings_travel() {
    let settings = Settings {
        language: "en".into(),
        recheck_interval_hours: 12,
        ..Settings::default()
    };
    let plan = encode(&listings(2), &settings);
    assert_eq!(decode(&as_map(&plan.items)).settings, settings);
    assert_eq!(decode(&Map::new()).settings, Settings::default());
}

#[test]
fn last_used_decides_which_are_full() {
    let all = listings(60);
    let mut options = SyncOptions::default();
    options.last_used.insert(all[0].key(), 1_900_000_000_000);
    let plan = encode_with(&all, &Settings::default(), &options);
    check_plan(&all, &plan);
    assert_eq!(plan.status[&all[0].key()], SyncState::Full);
}

#[test]
fn missing_or_corrupt_chunks_fall_back_to_fingerprints() {
    let all = listings(40);
    let plan = encode(&all, &Settings::default());
    let full_before = plan.stats.full;
    assert!(full_before >= 2);
    let chunk_keys: Vec<&String> = plan.items.keys().filter(|k| k.starts_with('c')).collect();
    let mut items = as_map(&plan.items);
    items.remove(chunk_keys[0].as_str());
    items.insert(chunk_keys[1].clone(), Value::from("AAAA"));
    let got = decode(&items);
    assert_eq!(got.listings.len(), full_before - 2, "{:?}", got.problems);
    assert_eq!(got.problems.len(), 2, "{:?}", got.problems);
    assert!(got.problems.iter().any(|p| p.contains("missing")));
    // Nothing is lost: every synced listing is still there, in one form or the other.
    assert_eq!(
        got.listings.len() + got.fingerprints.len(),
        plan.stats.full + plan.stats.fingerprint_only
    );
}

#[test]
fn garbage_items_never_panic() {
    let all = listings(20);
    let plan = encode(&all, &Settings::default());
    let mut items = as_map(&plan.items);
    items.insert("m".into(), Value::from(42));
    items.insert("s".into(), Value::from("garbage"));
    let got = decode(&items);
    assert_eq!(got.settings, Settings::default());
    assert!(!got.problems.is_empty());
    // Without the manifest the fingerprint items are still found.
    assert_eq!(got.fingerprints.len(), plan.stats.fingerprint_only);

    let mut junk = Map::new();
    junk.insert(
        "f0".into(),
        serde_json::json!(["x|y", 5, null, "9/B0|zz|a|b"]),
    );
    junk.insert(
        "m".into(),
        serde_json::json!({"v": 1, "mk": [], "f": 3, "c": [["a", 2, "x", "0/B|1"], 7]}),
    );
    junk.insert("c.0".into(), Value::Null);
    let got = decode(&junk);
    assert!(got.listings.is_empty() && got.fingerprints.is_empty());
    assert!(got.problems.len() >= 5, "{:?}", got.problems);
}

#[test]
fn diff_writes_only_what_changed() {
    let mut all = listings(100);
    let before = encode(&all, &Settings::default());
    // Unchanged input: nothing to write.
    let same = diff_items(&as_map(&before.items), &before.items);
    assert!(same.set.is_empty() && same.remove.is_empty());

    // An old, fingerprint-only listing changes its title.
    all[3].title = Some("new title".into());
    let after = encode(&all, &Settings::default());
    let mut stored = as_map(&before.items);
    stored.insert("someone-else".into(), Value::from(1));
    let diff = diff_items(&stored, &after.items);
    assert!(diff.set.len() <= 2, "{:?}", diff.set.keys()); // one fingerprint item (+ manifest at most)
    assert!(diff.remove.is_empty());
    for (k, v) in &diff.set {
        stored.insert(k.clone(), v.clone());
    }
    stored.remove("someone-else");
    assert_eq!(stored, as_map(&after.items));

    // Fewer listings: chunk items of dropped full records are removed.
    let fewer = encode(&all[..10], &Settings::default());
    let diff = diff_items(&as_map(&after.items), &fewer.items);
    let mut applied = as_map(&after.items);
    for k in &diff.remove {
        applied.remove(k);
    }
    for (k, v) in &diff.set {
        applied.insert(k.clone(), v.clone());
    }
    assert_eq!(applied, as_map(&fewer.items));
}

#[test]
fn write_allowance_follows_the_rate_limits() {
    let now = 10_000_000;
    let a = write_allowance(&[], now);
    assert_eq!(a.available_now, BUDGET_WRITES_PER_MINUTE);
    assert_eq!(a.next_at_ms, now);

    // A full minute's worth in the last 30 s: wait until the oldest is 60 s old.
    let writes: Vec<i64> = (0..BUDGET_WRITES_PER_MINUTE as i64)
        .map(|i| now - 30_000 + i)
        .collect();
    let a = write_allowance(&writes, now);
    assert_eq!(a.available_now, 0);
    assert_eq!(a.next_at_ms, now - 30_000 + 60_000);
    // Writes older than a minute do not count against the minute.
    let a = write_allowance(&writes, now + 30_000 + BUDGET_WRITES_PER_MINUTE as i64);
    assert_eq!(a.available_now, BUDGET_WRITES_PER_MINUTE);

    // The hourly budget, spread so that no minute is full.
    let writes: Vec<i64> = (0..BUDGET_WRITES_PER_HOUR as i64)
        .map(|i| now - 3_000_000 + i * 1_000)
        .collect();
    let a = write_allowance(&writes, now);
    assert_eq!(a.available_now, 0);
    assert_eq!(a.next_at_ms, now - 3_000_000 + 3_600_000);
    let a = write_allowance(&writes[..BUDGET_WRITES_PER_HOUR - 5], now);
    assert_eq!(a.available_now, 5);
}

#[test]
fn many_tiny_listings_respect_the_item_and_manifest_limits() {
    let all: Vec<Listing> = listings(1)
        .into_iter()
        .cycle()
        .take(1000)
        .enumerate()
        .map(|(i, mut l)| {
            l.asin = format!("B1{i:08}");
            l.title = Some(format!("t{i}"));
            l.bullets.clear();
            l.description = None;
            l.images.truncate(1);
            l.breadcrumb.clear();
            l.note.clear();
            l.updated_at = catalog_guard::time::rfc3339(1_790_000_000_000 + i as i64 * 1000);
            l
        })
        .collect();
    let plan = encode(&all, &Settings::default());
    check_plan(&all, &plan);
    assert!(plan.stats.full >= 20, "{:?}", plan.stats);
    // The fingerprints of all 1,000 fit in the share held back for them.
    assert_eq!(plan.stats.not_synced, 0, "{:?}", plan.stats);
}

#[test]
fn a_listing_too_big_for_sync_is_fingerprinted() {
    let mut rng = Rng(7);
    let mut all = listings(3);
    // ~600 KB of text that does not compress: more than the whole quota.
    let huge: String = (0..200_000)
        .map(|_| char::from_u32(0x4E00 + (rng.next() % 20_000) as u32).unwrap())
        .collect();
    all[2].description = Some(huge);
    let plan = encode(&all, &Settings::default());
    check_plan(&all, &plan);
    assert_eq!(plan.status[&all[2].key()], SyncState::FingerprintOnly);
    assert_eq!(plan.status[&all[1].key()], SyncState::Full);
    assert_eq!(plan.status[&all[0].key()], SyncState::Full);
}

#[test]
fn no_listings_and_duplicate_keys() {
    let plan = encode(&[], &Settings::default());
    check_plan(&[], &plan);
    assert_eq!(plan.items.len(), 2, "settings and manifest only");
    let got = decode(&as_map(&plan.items));
    assert!(got.listings.is_empty() && got.fingerprints.is_empty());

    let mut all = listings(3);
    let mut dup = all[1].clone();
    dup.title = Some("older copy".into());
    dup.updated_at = "2020-01-01T00:00:00Z".into();
    all.push(dup);
    let plan = encode(&all, &Settings::default());
    assert_eq!(plan.stats.full + plan.stats.fingerprint_only, 3);
    assert_eq!(plan.stats.not_synced, 1);
    assert!(plan
        .stats
        .reasons
        .iter()
        .any(|r| r.contains("same marketplace/ASIN")));
    let got = decode(&as_map(&plan.items));
    assert!(got.listings.contains(&all[1]), "the newer copy is synced");
}

#[test]
fn mangled_items_never_panic_and_lose_at_most_what_was_mangled() {
    let all = listings(30);
    let plan = encode(&all, &Settings::default());
    let keys: Vec<String> = plan.items.keys().cloned().collect();
    let mut rng = Rng(0xABCD_EF01_2345_6789);
    for _ in 0..200 {
        let mut items = as_map(&plan.items);
        let key = &keys[(rng.next() % keys.len() as u64) as usize];
        let v = items.get_mut(key).unwrap();
        match rng.next() % 4 {
            0 => *v = Value::Null,
            1 => *v = serde_json::json!({"x": [1, "2"]}),
            2 => {
                if let Some(s) = v.as_str() {
                    let mut s = s.to_string();
                    let cut = (rng.next() as usize) % s.len().max(1);
                    s.truncate(cut);
                    *v = Value::from(s);
                }
            }
            _ => {
                items.remove(key);
            }
        }
        let got = decode(&items);
        if key.starts_with('c') {
            // One chunk: at most one full record falls back to its fingerprint.
            assert!(got.listings.len() + 1 >= plan.stats.full);
            assert_eq!(
                got.listings.len() + got.fingerprints.len(),
                plan.stats.full + plan.stats.fingerprint_only
            );
        }
    }
}

#[test]
fn carried_fingerprints_stay_in_the_items_after_the_local_ones() {
    let all = listings(300);
    let (here, elsewhere) = all.split_at(200);
    let carry: Vec<Fingerprint> = elsewhere
        .iter()
        .map(Fingerprint::of)
        // One carried key that this browser has: ignored (the local listing wins).
        .chain(std::iter::once(Fingerprint::of(&here[0])))
        .collect();
    let options = SyncOptions {
        carry: carry.clone(),
        ..SyncOptions::default()
    };
    let plan = encode_with(here, &Settings::default(), &options);
    let s = &plan.stats;
    assert_eq!(s.full + s.fingerprint_only + s.not_synced, here.len());
    assert_eq!(s.not_synced, 0, "{s:?}");
    assert_eq!(s.carried, elsewhere.len());
    let total: usize = plan.items.iter().map(|(k, v)| item_bytes(k, v)).sum();
    assert!(total <= catalog_guard::store::sync::BUDGET_BYTES, "{total}");
    assert!(plan.items.len() <= MAX_ITEMS);
    let got = decode(&as_map(&plan.items));
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(got.total, Some(all.len()));
    let fp_keys: BTreeSet<String> = got.fingerprints.iter().map(|f| f.key.clone()).collect();
    for fp in &carry[..elsewhere.len()] {
        assert!(fp_keys.contains(&fp.key), "{} was dropped", fp.key);
        let back = got.fingerprints.iter().find(|f| f.key == fp.key).unwrap();
        assert_eq!(back, fp);
    }
    // The local listing's own fingerprint/record is what is synced for its key.
    assert!(
        got.listings.iter().any(|l| l == &here[0])
            || got.fingerprints.contains(&Fingerprint::of(&here[0]))
    );
    // Without carrying, the other browser's listings are not in the items.
    let plain = encode(here, &Settings::default());
    assert_eq!(plain.stats.carried, 0);
    assert_eq!(decode(&as_map(&plain.items)).total, Some(here.len()));
}

#[test]
fn carried_fingerprints_give_way_to_local_listings_when_space_runs_out() {
    let all = listings(3000);
    let (here, elsewhere) = all.split_at(1500);
    let options = SyncOptions {
        carry: elsewhere.iter().map(Fingerprint::of).collect(),
        ..SyncOptions::default()
    };
    let plan = encode_with(here, &Settings::default(), &options);
    let without = encode(here, &Settings::default());
    // Every local listing synced without carrying is still synced with it.
    assert_eq!(plan.stats.not_synced, without.stats.not_synced);
    assert!(plan.stats.carried < elsewhere.len(), "{:?}", plan.stats);
    let total: usize = plan.items.iter().map(|(k, v)| item_bytes(k, v)).sum();
    assert!(total <= catalog_guard::store::sync::BUDGET_BYTES, "{total}");
    assert!(plan
        .items
        .iter()
        .all(|(k, v)| item_bytes(k, v) <= QUOTA_BYTES_PER_ITEM));
}

// ------------------------------------------------------------------ case logs

/// A realistic case log for listing `i`: one or two cases, Japanese or English notes, the
/// evidence summaries a few checks attached; `notes_chars` long notes when given.
fn case_log(rng: &mut Rng, l: &Listing, i: usize, notes_chars: usize) -> Vec<Case> {
    let ja = l.marketplace == "amazon.co.jp";
    let n_cases = 1 + i % 2;
    (0..n_cases)
        .map(|c| {
            let updated = catalog_guard::time::rfc3339(
                1_795_000_000_000 + (i as i64) * 3_600_000 + c as i64 * 60_000,
            );
            let mut case = Case::new(
                &format!("{}", 10_000_000_000u64 + (i * 10 + c) as u64),
                &l.marketplace,
                "2026-11-20",
                &updated,
            )
            .expect("valid case");
            case.notes = text(rng, ja, notes_chars);
            case.status = if c == 0 {
                CaseStatus::Answered
            } else {
                CaseStatus::Open
            };
            case.evidence = (0..2)
                .map(|e| Evidence {
                    at: catalog_guard::time::rfc3339(1_794_000_000_000 + e * 86_400_000),
                    status: Status::Mismatch,
                    summary: "images.main, variations.color_name".to_string(),
                    mismatches: Vec::new(),
                })
                .collect();
            case
        })
        .collect()
}

/// Case logs for every `every`-th listing.
fn case_logs(all: &[Listing], every: usize, notes_chars: usize) -> BTreeMap<String, Vec<Case>> {
    let mut rng = Rng(0xC0FF_EE00_1234_5678);
    all.iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, l)| (l.key(), case_log(&mut rng, l, i, notes_chars)))
        .collect()
}

fn with_cases(cases: &BTreeMap<String, Vec<Case>>) -> SyncOptions {
    SyncOptions {
        cases: cases.clone(),
        ..SyncOptions::default()
    }
}

/// The plan without its case-log items and case stats.
fn without_cases(plan: &SyncPlan) -> SyncPlan {
    let mut p = plan.clone();
    let case_bytes: usize = p
        .items
        .iter()
        .filter(|(k, _)| k.starts_with('k'))
        .map(|(k, v)| item_bytes(k, v))
        .sum();
    p.items.retain(|k, _| !k.starts_with('k'));
    p.stats.bytes_used -= case_bytes;
    p.stats.items_used = p.items.len();
    p.stats.cases_synced = 0;
    p.stats.cases_local_only = Vec::new();
    p
}

#[test]
fn case_logs_ride_along_when_there_is_room() {
    // Full records take what the fingerprints leave (most recently used first), so with
    // realistic listings there is room left only while they are few.
    let all = listings(12);
    // Short notes (kept as plain JSON) and long ones (deflated): both forms round-trip.
    let mut cases = case_logs(&all, 2, 20);
    cases.extend(case_logs(&all[1..], 2, 600));
    // A case just entered: ID and date only.
    let bare_case = Case::new(
        "2345678901",
        "amazon.co.jp",
        "2026-12-01",
        "2026-12-01T09:00:00Z",
    );
    cases.insert(all[0].key(), vec![bare_case.unwrap()]);
    let settings = Settings::default();
    let bare = encode(&all, &settings);
    let plan = encode_with(&all, &settings, &with_cases(&cases));
    check_plan(&all, &plan);
    assert_eq!(plan.stats.cases_synced, cases.len(), "{:?}", plan.stats);
    assert!(plan.stats.cases_local_only.is_empty());
    // The listings' items are exactly those of the plan without case logs.
    assert_eq!(without_cases(&plan), bare);
    let k_items: Vec<&Value> = plan
        .items
        .iter()
        .filter(|(k, _)| k.starts_with('k'))
        .map(|(_, v)| v)
        .collect();
    assert!(!k_items.is_empty());
    let entries: Vec<&Value> = k_items
        .iter()
        .flat_map(|v| v.as_array().unwrap().iter())
        .collect();
    assert!(entries.iter().any(|e| e[1].is_array()), "a plain entry");
    assert!(entries.iter().any(|e| e[1].is_string()), "a deflated entry");
    // Round trip: every case log comes back exactly.
    let got = decode(&as_map(&plan.items));
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(got.cases, cases);
}

#[test]
fn case_logs_never_push_out_listings() {
    let all = listings(5000);
    let cases = case_logs(&all, 100, 200);
    let settings = Settings::default();
    let bare = encode(&all, &settings);
    let plan = encode_with(&all, &settings, &with_cases(&cases));
    check_plan(&all, &plan);
    // No room after 5,000 listings: every case log stays local, the listings are unaffected.
    assert_eq!(plan.stats.cases_synced, 0, "{:?}", plan.stats);
    let keys: Vec<String> = cases.keys().cloned().collect();
    assert_eq!(plan.stats.cases_local_only, keys);
    assert_eq!(without_cases(&plan), bare);
    assert_eq!(plan.items, bare.items);
    assert!(decode(&as_map(&plan.items)).cases.is_empty());
}

#[test]
fn case_logs_fill_only_the_room_left_newest_first() {
    // Enough listings that the full records and fingerprints leave some room, and case logs
    // with long notes: some fit, the rest stay local; every quota holds.
    let all = listings(300);
    let cases = case_logs(&all, 1, 400);
    let settings = Settings::default();
    let bare = encode(&all, &settings);
    let plan = encode_with(&all, &settings, &with_cases(&cases));
    check_plan(&all, &plan);
    let s = &plan.stats;
    eprintln!(
        "{} synced, {} local only",
        s.cases_synced,
        s.cases_local_only.len()
    );
    assert!(s.cases_synced >= 1, "{s:?}");
    assert!(!s.cases_local_only.is_empty(), "{s:?}");
    assert_eq!(s.cases_synced + s.cases_local_only.len(), cases.len());
    assert_eq!(without_cases(&plan), bare);
    let got = decode(&as_map(&plan.items));
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(got.cases.len(), s.cases_synced);
    for (k, log) in &got.cases {
        assert_eq!(log, &cases[k]);
        assert!(!s.cases_local_only.contains(k));
    }
    // The newest case log (the last listing's) went; the oldest did not.
    assert!(got.cases.contains_key(&all[299].key()));
    assert!(s.cases_local_only.contains(&all[0].key()));
}

#[test]
fn a_case_log_larger_than_an_item_stays_local() {
    let all = listings(3);
    let mut rng = Rng(42);
    let mut cases = BTreeMap::new();
    // Random notes do not deflate below the 8 KB item limit.
    let mut big = case_log(&mut rng, &all[0], 0, 20);
    big[0].notes = (0..12_000)
        .map(|_| char::from(b'!' + (rng.next() % 90) as u8))
        .collect();
    cases.insert(all[0].key(), big);
    cases.insert(all[1].key(), case_log(&mut rng, &all[1], 1, 50));
    let plan = encode_with(&all, &Settings::default(), &with_cases(&cases));
    check_plan(&all, &plan);
    assert_eq!(plan.stats.cases_synced, 1);
    assert_eq!(plan.stats.cases_local_only, vec![all[0].key()]);
    let got = decode(&as_map(&plan.items));
    assert_eq!(got.cases.keys().collect::<Vec<_>>(), vec![&all[1].key()]);
}

#[test]
fn case_log_encoding_is_deterministic_and_diffs_by_item() {
    let all = listings(10);
    let mut cases = case_logs(&all, 3, 100);
    let settings = Settings::default();
    let a = serde_json::to_string(&encode_with(&all, &settings, &with_cases(&cases))).unwrap();
    let b = serde_json::to_string(&encode_with(&all, &settings, &with_cases(&cases))).unwrap();
    assert_eq!(a, b);
    // A case edit rewrites only case-log items; the listings' items stay.
    let before = encode_with(&all, &settings, &with_cases(&cases));
    let key = all[3].key();
    cases.get_mut(&key).unwrap()[0].notes = "ケースID 10000000030 の回答待ち".to_string();
    cases.get_mut(&key).unwrap()[0].updated_at = "2026-12-03T12:00:00Z".to_string();
    let after = encode_with(&all, &settings, &with_cases(&cases));
    let diff = diff_items(&as_map(&before.items), &after.items);
    assert!(!diff.set.is_empty());
    assert!(
        diff.set.keys().all(|k| k.starts_with('k')),
        "{:?}",
        diff.set.keys()
    );
    assert_eq!(decode(&as_map(&after.items)).cases, cases);
    // Case logs gone: their items are removed.
    let none = encode(&all, &settings);
    let diff = diff_items(&as_map(&after.items), &none.items);
    assert!(diff.set.is_empty());
    assert!(!diff.remove.is_empty());
    assert!(diff.remove.iter().all(|k| k.starts_with('k')));
}

#[test]
fn mangled_case_log_items_lose_only_that_log() {
    let all = listings(5);
    let cases = case_logs(&all, 1, 30);
    let plan = encode_with(&all, &Settings::default(), &with_cases(&cases));
    let mut items = as_map(&plan.items);
    let k0 = items["k0"].as_array().unwrap().clone();
    let mut mangled = k0.clone();
    mangled[0] = serde_json::json!([k0[0][0], "zNOT-BASE64!"]);
    mangled.push(serde_json::json!("garbage"));
    items.insert("k0".into(), Value::Array(mangled));
    items.insert("k7".into(), serde_json::json!({"x": 1}));
    let got = decode(&items);
    assert_eq!(got.problems.len(), 3, "{:?}", got.problems);
    assert_eq!(got.cases.len(), cases.len() - 1);
    assert_eq!(got.listings.len(), plan.stats.full);
}
