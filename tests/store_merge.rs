//! Merging listings from another browser: newer wins, losers are kept,
//! fingerprint-only remote entries never overwrite local data.

use catalog_guard::listing::{Listing, Watch};
use catalog_guard::store::merge::{merge, merge_sync};
use catalog_guard::store::settings::Settings;
use catalog_guard::store::sync::{decode, encode, Fingerprint};
use std::collections::BTreeMap;

fn listing(asin: &str, updated_at: &str, title: &str) -> Listing {
    Listing {
        asin: asin.into(),
        marketplace: "amazon.co.jp".into(),
        sku: None,
        title: Some(title.into()),
        brand: Some("ブランド".into()),
        images: vec!["81lde+541vL".into(), "71abcDEF12L".into()],
        variations: BTreeMap::new(),
        breadcrumb: vec!["ホーム&キッチン".into()],
        bullets: vec!["保温".into()],
        description: Some("説明".into()),
        seller: None,
        offer_count: None,
        watch: Watch::default(),
        saved_at: "2026-01-01T00:00:00Z".into(),
        updated_at: updated_at.into(),
        note: String::new(),
    }
}

#[test]
fn newer_remote_wins_and_local_is_kept_as_conflict() {
    let local = vec![listing("B000000001", "2026-11-01T00:00:00Z", "old")];
    let remote = vec![listing("B000000001", "2026-11-02T00:00:00Z", "new")];
    let before = local.clone();
    let r = merge(&local, &remote, &[]);
    assert_eq!(local, before, "inputs untouched");
    assert_eq!(r.listings, remote);
    assert_eq!(r.updated, vec!["amazon.co.jp/B000000001".to_string()]);
    assert_eq!(r.conflicts.len(), 1);
    let c = &r.conflicts[0];
    assert_eq!(c.kept_from, "remote");
    assert_eq!(c.lost, local[0]);
    assert_eq!(c.kept, remote[0]);
    assert!(c.reason.contains("newer"), "{}", c.reason);
}

#[test]
fn newer_local_wins_and_remote_is_kept_as_conflict() {
    let local = vec![listing("B000000001", "2026-11-02T21:00:00Z", "mine")];
    // Later as text, earlier as an instant (20:00 UTC).
    let remote = vec![listing("B000000001", "2026-11-03T05:00:00+09:00", "theirs")];
    let r = merge(&local, &remote, &[]);
    assert_eq!(r.listings, local);
    assert!(r.updated.is_empty());
    assert_eq!(r.conflicts[0].kept_from, "local");
    assert_eq!(r.conflicts[0].lost, remote[0]);
}

#[test]
fn same_time_different_content_keeps_local_and_reports() {
    let local = vec![listing("B000000001", "2026-11-01T00:00:00Z", "a")];
    let remote = vec![listing("B000000001", "2026-11-01T00:00:00Z", "b")];
    let r = merge(&local, &remote, &[]);
    assert_eq!(r.listings, local);
    assert_eq!(r.conflicts.len(), 1);
    assert!(r.conflicts[0].reason.contains("both"));
}

#[test]
fn identical_and_new_listings() {
    let a = listing("B000000001", "2026-11-01T00:00:00Z", "a");
    let b = listing("B000000002", "2026-11-01T00:00:00Z", "b");
    let r = merge(std::slice::from_ref(&a), &[a.clone(), b.clone()], &[]);
    assert_eq!(r.listings, vec![a, b]);
    assert!(r.conflicts.is_empty());
    assert_eq!(r.updated, vec!["amazon.co.jp/B000000002".to_string()]);
}

#[test]
fn fingerprint_only_newer_marks_changed_fields_without_overwriting() {
    let local = listing("B000000001", "2026-11-01T00:00:00Z", "mine");
    let mut theirs = listing("B000000001", "2026-11-05T00:00:00Z", "changed title");
    theirs.images[0] = "61zzzzzzzzL".into();
    let fp = Fingerprint::of(&theirs);
    let r = merge(std::slice::from_ref(&local), &[], &[fp]);
    assert_eq!(r.listings, vec![local.clone()], "local data kept as is");
    assert!(r.updated.is_empty() && r.conflicts.is_empty());
    assert_eq!(r.changed_elsewhere.len(), 1);
    let c = &r.changed_elsewhere[0];
    assert_eq!(c.fields, vec!["title", "images.main", "images.gallery"]);
    assert_eq!(c.remote_updated_at, "2026-11-05T00:00:00Z");

    // An older or equal fingerprint says nothing.
    let older = Fingerprint::of(&listing("B000000001", "2026-10-01T00:00:00Z", "x"));
    let same = Fingerprint::of(&local);
    let r = merge(std::slice::from_ref(&local), &[], &[older, same]);
    assert!(r.changed_elsewhere.is_empty());

    // A fingerprint of a listing this browser does not have.
    let other = Fingerprint::of(&listing("B000000009", "2026-10-01T00:00:00Z", "x"));
    let r = merge(&[local], &[], std::slice::from_ref(&other));
    assert_eq!(r.remote_only, vec![other]);
}

#[test]
fn sub_second_local_time_is_not_older_than_its_own_fingerprint() {
    let local = listing("B000000001", "2026-11-01T00:00:00.750Z", "mine");
    let fp = Fingerprint::of(&local);
    assert!(merge(&[local], &[], &[fp]).changed_elsewhere.is_empty());
}

#[test]
fn merge_from_decoded_sync_items() {
    let mut theirs: Vec<Listing> = (0..30)
        .map(|i| {
            let mut l = listing(&format!("B0000000{i:02}"), "2026-11-10T00:00:00Z", "t");
            l.description = Some("説明".repeat(300 + i * 37));
            l
        })
        .collect();
    theirs[0].updated_at = "2026-11-11T00:00:00Z".into();
    let items = encode(&theirs, &Settings::default()).items;
    let map = items.into_iter().collect();
    let contents = decode(&map);
    let local = vec![listing("B000000000", "2026-11-01T00:00:00Z", "old")];
    let r = merge_sync(&local, &contents);
    assert_eq!(r.conflicts.len(), 1);
    assert_eq!(r.conflicts[0].lost, local[0]);
    assert_eq!(r.listings.len(), contents.listings.len());
    assert_eq!(r.remote_only.len(), contents.fingerprints.len());
}
