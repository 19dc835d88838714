//! Deletions that travel: tombstones in the sync items and the merge rules
//! (the newer action wins, the losing side is kept; an older synced copy never
//! brings a deleted listing back; tombstones expire and stay within a budget).

use catalog_guard::listing::Listing;
use catalog_guard::store::merge::{
    apply_tombstones, merge_tombstones, merge_with_tombstones, Tombstone, TOMBSTONE_DAYS,
};
use catalog_guard::store::settings::Settings;
use catalog_guard::store::sync::{
    decode, encode_with, merge_sync_with, SyncOptions, BUDGET_BYTES, BUDGET_BYTES_PER_ITEM,
    TOMBSTONE_BUDGET_BYTES,
};
use catalog_guard::time::{parse_rfc3339, rfc3339};
use serde_json::{json, Map, Value};

const KEY: &str = "amazon.co.jp/B000000001";

fn listing(asin: &str, updated_at: &str, title: &str) -> Listing {
    serde_json::from_value(json!({
        "asin": asin,
        "marketplace": "amazon.co.jp",
        "title": title,
        "brand": "ブランド",
        "images": ["81lde+541vL"],
        "bullets": ["保温", "軽量"],
        "saved_at": "2026-01-01T00:00:00Z",
        "updated_at": updated_at,
    }))
    .unwrap()
}

fn tomb(key: &str, at: &str) -> Tombstone {
    Tombstone {
        key: key.into(),
        deleted_at: at.into(),
    }
}

fn ms(s: &str) -> i64 {
    parse_rfc3339(s).unwrap()
}

fn as_map(items: std::collections::BTreeMap<String, Value>) -> Map<String, Value> {
    items.into_iter().collect()
}

#[test]
fn a_deletion_newer_than_the_edit_in_the_other_browser_wins_and_the_edit_is_kept() {
    // B edited at 10:00; A deleted at 11:00. B pulls A's tombstone.
    let edited = listing("B000000001", "2026-11-01T10:00:00Z", "edited in B");
    let other = listing("B000000002", "2026-11-01T09:00:00Z", "untouched");
    let now = ms("2026-11-01T12:00:00Z");
    let r = merge_with_tombstones(
        &[edited.clone(), other.clone()],
        &[],
        std::slice::from_ref(&other),
        &[],
        &[tomb(KEY, "2026-11-01T11:00:00Z")],
        now,
    );
    assert_eq!(r.listings, vec![other]);
    assert_eq!(r.deleted.len(), 1);
    assert_eq!(r.deleted[0].key, KEY);
    assert_eq!(r.deleted[0].listing, edited, "the edit is kept to restore");
    assert_eq!(r.deleted[0].deleted_at, "2026-11-01T11:00:00Z");
    assert_eq!(r.tombstones, vec![tomb(KEY, "2026-11-01T11:00:00Z")]);
    assert!(r.undeleted.is_empty());
}

#[test]
fn an_edit_newer_than_the_deletion_wins_and_the_tombstone_goes() {
    // A deleted at 10:00 (its tombstone is local); B edited at 11:00 and synced the record.
    let edited = listing("B000000001", "2026-11-01T11:00:00Z", "edited in B later");
    let now = ms("2026-11-01T12:00:00Z");
    let r = merge_with_tombstones(
        &[],
        &[tomb(KEY, "2026-11-01T10:00:00Z")],
        std::slice::from_ref(&edited),
        &[],
        &[],
        now,
    );
    assert_eq!(r.listings, vec![edited.clone()]);
    assert_eq!(r.updated, vec![KEY.to_string()]);
    assert_eq!(
        r.undeleted,
        vec![KEY.to_string()],
        "the deletion here lost: the caller keeps the deleted copy as a version"
    );
    assert!(r.tombstones.is_empty());
    assert!(r.deleted.is_empty());

    // In B (the editor): A's older tombstone does not delete the newer edit.
    let r = merge_with_tombstones(
        std::slice::from_ref(&edited),
        &[],
        &[],
        &[],
        &[tomb(KEY, "2026-11-01T10:00:00Z")],
        now,
    );
    assert_eq!(r.listings, vec![edited]);
    assert!(r.deleted.is_empty() && r.undeleted.is_empty() && r.tombstones.is_empty());
}

#[test]
fn the_same_instant_counts_as_deleted_after_the_version_it_saw() {
    let l = listing("B000000001", "2026-11-01T10:00:00.500Z", "x");
    let (kept, deleted) =
        apply_tombstones(vec![l.clone()], &[tomb(KEY, "2026-11-01T10:00:00.500Z")]);
    assert!(kept.is_empty());
    assert_eq!(deleted[0].listing, l);
    // A millisecond later is an edit after the deletion.
    let later = listing("B000000001", "2026-11-01T10:00:00.501Z", "x");
    let (kept, deleted) = apply_tombstones(vec![later], &[tomb(KEY, "2026-11-01T10:00:00.500Z")]);
    assert_eq!(kept.len(), 1);
    assert!(deleted.is_empty());
}

#[test]
fn an_older_synced_copy_never_brings_a_deleted_listing_back() {
    // A deleted at 11:00; sync still holds another browser's older full record and
    // fingerprint-only copies (written before the deletion).
    let old = listing("B000000001", "2026-11-01T10:00:00Z", "old copy");
    let fp_old = catalog_guard::store::sync::Fingerprint::of(&listing(
        "B000000003",
        "2026-11-01T10:00:00Z",
        "old fp",
    ));
    let local_tombs = [
        tomb(KEY, "2026-11-01T11:00:00Z"),
        tomb("amazon.co.jp/B000000003", "2026-11-01T11:00:00Z"),
    ];
    let now = ms("2026-11-02T00:00:00Z");
    let r = merge_with_tombstones(&[], &local_tombs, &[old], &[fp_old], &[], now);
    assert!(r.listings.is_empty(), "{:?}", r.listings);
    assert!(r.updated.is_empty());
    assert!(
        r.remote_only.is_empty(),
        "no fingerprint of a deleted listing is listed"
    );
    assert_eq!(r.tombstones.len(), 2, "the deletions keep travelling");
}

#[test]
fn tombstones_merge_newest_per_key_and_expire_after_90_days() {
    let now = ms("2026-11-01T00:00:00Z");
    let fresh = rfc3339(now - 89 * 86_400_000);
    let expired = rfc3339(now - (TOMBSTONE_DAYS + 1) * 86_400_000);
    let a = [
        tomb(KEY, "2026-10-01T00:00:00Z"),
        tomb("amazon.co.jp/B0OLD", &expired),
    ];
    let b = [
        tomb(KEY, "2026-10-02T00:00:00Z"),
        tomb("amazon.com/B0FRESH", &fresh),
    ];
    let m = merge_tombstones(&a, &b, now);
    assert_eq!(
        m,
        vec![
            tomb(KEY, "2026-10-02T00:00:00Z"),
            tomb("amazon.com/B0FRESH", &fresh)
        ]
    );
    // An expired tombstone no longer stops an old copy: the listing comes back.
    let old = listing("B000000001", "2026-07-01T00:00:00Z", "old");
    let r = merge_with_tombstones(
        &[],
        &[tomb(KEY, "2026-07-02T00:00:00Z")],
        std::slice::from_ref(&old),
        &[],
        &[],
        now,
    );
    assert_eq!(r.listings, vec![old]);
}

#[test]
fn tombstones_travel_through_the_sync_items() {
    let kept = listing("B000000002", "2026-11-01T09:00:00Z", "kept");
    let options = SyncOptions {
        tombstones: vec![
            tomb(KEY, "2026-11-01T11:00:00.250Z"),
            tomb("amazon.com/B0US000001", "2026-11-01T11:30:00Z"),
            // A tombstone of a listing this browser has is ignored (the listing is newer).
            tomb("amazon.co.jp/B000000002", "2026-10-01T00:00:00Z"),
        ],
        now_ms: Some(ms("2026-11-02T00:00:00Z")),
        ..SyncOptions::default()
    };
    let plan = encode_with(std::slice::from_ref(&kept), &Settings::default(), &options);
    assert_eq!(plan.stats.tombstones_synced, 2);
    assert_eq!(plan.stats.tombstones_local_only, 0);
    assert!(plan.items.contains_key("d0"), "{:?}", plan.items.keys());
    let contents = decode(&as_map(plan.items.clone()));
    assert!(contents.problems.is_empty(), "{:?}", contents.problems);
    assert_eq!(
        contents.tombstones,
        vec![
            tomb(KEY, "2026-11-01T11:00:00.250Z"),
            tomb("amazon.com/B0US000001", "2026-11-01T11:30:00Z"),
        ]
    );
    assert_eq!(contents.listings, vec![kept.clone()]);

    // Another browser that still has the deleted listing (older) pulls: it goes.
    let theirs = listing("B000000001", "2026-11-01T08:00:00Z", "theirs");
    let r = merge_sync_with(
        &[theirs.clone(), kept.clone()],
        &[],
        &contents,
        ms("2026-11-02T00:00:00Z"),
    );
    assert_eq!(r.listings, vec![kept]);
    assert_eq!(r.deleted[0].listing, theirs);

    // No tombstones: no `d` items, the same plan as before tombstones existed.
    let plain = encode_with(
        &[listing("B000000002", "2026-11-01T09:00:00Z", "kept")],
        &Settings::default(),
        &SyncOptions::default(),
    );
    assert!(!plain.items.keys().any(|k| k.starts_with('d')));
}

#[test]
fn thousands_of_deletions_stay_within_their_budget_newest_first() {
    let base = ms("2026-10-01T00:00:00Z");
    let tombs: Vec<Tombstone> = (0..3000)
        .map(|i| {
            tomb(
                &format!("amazon.co.jp/B0DEL{i:05}"),
                &rfc3339(base + i as i64 * 60_000),
            )
        })
        .collect();
    let listings: Vec<Listing> = (0..200)
        .map(|i| {
            listing(
                &format!("B0KEEP{i:04}"),
                "2026-11-01T00:00:00Z",
                &"長いタイトル".repeat(20),
            )
        })
        .collect();
    let options = SyncOptions {
        tombstones: tombs.clone(),
        now_ms: Some(base + 3000 * 60_000),
        ..SyncOptions::default()
    };
    let plan = encode_with(&listings, &Settings::default(), &options);
    let d_bytes: usize = plan
        .items
        .iter()
        .filter(|(k, _)| k.starts_with('d'))
        .map(|(k, v)| catalog_guard::store::sync::item_bytes(k, v))
        .sum();
    assert!(d_bytes <= TOMBSTONE_BUDGET_BYTES, "{d_bytes}");
    assert!(
        plan.stats.tombstones_synced > 500,
        "{}",
        plan.stats.tombstones_synced
    );
    assert_eq!(
        plan.stats.tombstones_synced + plan.stats.tombstones_local_only,
        3000
    );
    assert!(plan.stats.bytes_used <= BUDGET_BYTES);
    assert!(plan
        .items
        .iter()
        .all(|(k, v)| catalog_guard::store::sync::item_bytes(k, v) <= BUDGET_BYTES_PER_ITEM));
    let total: usize = plan
        .items
        .iter()
        .map(|(k, v)| catalog_guard::store::sync::item_bytes(k, v))
        .sum();
    assert!(total <= BUDGET_BYTES, "{total}");
    // The newest deletions are the ones that travel.
    let contents = decode(&as_map(plan.items));
    assert_eq!(contents.tombstones.len(), plan.stats.tombstones_synced);
    let oldest_synced = contents
        .tombstones
        .iter()
        .map(|t| ms(&t.deleted_at))
        .min()
        .unwrap();
    let cut = base + (3000 - plan.stats.tombstones_synced as i64) * 60_000;
    assert_eq!(oldest_synced, cut);
    // The listings still sync (in full or by fingerprint) beside them.
    assert_eq!(
        plan.stats.full + plan.stats.fingerprint_only,
        200,
        "{:?}",
        plan.stats
    );
}

#[test]
fn the_export_file_carries_deletions_and_refuses_a_malformed_one() {
    use catalog_guard::import::export_file::{
        deletions, export, export_with_deletions, ExportExtras,
    };
    let kept = listing("B000000002", "2026-11-01T09:00:00Z", "kept");
    let extras = ExportExtras::default();
    let plain = export(std::slice::from_ref(&kept), None, &extras);
    assert_eq!(
        export_with_deletions(std::slice::from_ref(&kept), None, &extras, &[]),
        plain,
        "no deletions: the same file as before"
    );
    let tombs = vec![
        tomb("amazon.com/B0US000001", "2026-11-01T11:30:00Z"),
        tomb(KEY, "2026-11-01T11:00:00.250Z"),
    ];
    let text = export_with_deletions(std::slice::from_ref(&kept), None, &extras, &tombs);
    let mut sorted = tombs.clone();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(deletions(&text).unwrap(), sorted);
    // Still a listings file (the CLI reads it).
    let lf = catalog_guard::listing::parse_listings_file(&text).unwrap();
    assert_eq!(lf.listings.len(), 1);
    assert!(deletions(&plain).unwrap().is_empty());

    let bad = text.replace("2026-11-01T11:30:00Z", "yesterday");
    let err = deletions(&bad).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("deleted[1]"), "{err}");
    assert!(err.message.contains("deletion 2"), "{err}");
}
