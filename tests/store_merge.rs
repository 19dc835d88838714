//! Merging listings from another browser: newer wins, losers are kept,
//! fingerprint-only remote entries never overwrite local data.

use catalog_guard::listing::{Listing, Watch};
use catalog_guard::store::merge::{merge, merge_case_log, merge_cases, merge_sync};
use catalog_guard::store::settings::Settings;
use catalog_guard::store::sync::{decode, encode, encode_with, Fingerprint, SyncOptions};
use catalog_guard::watch::cases::{Case, CaseStatus};
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
        family: None,
        family_known: false,
        availability: Default::default(),
        watch: Watch::default(),
        saved_at: "2026-01-01T00:00:00Z".into(),
        updated_at: updated_at.into(),
        note: String::new(),
        image_signatures: BTreeMap::new(),
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

fn case(id: &str, updated_at: &str, notes: &str) -> Case {
    let mut c = Case::new(id, "amazon.co.jp", "2026-11-20", updated_at).unwrap();
    c.notes = notes.into();
    c
}

#[test]
fn case_logs_merge_per_case_id_newer_wins_nothing_dropped() {
    let local = vec![
        case("1000000001", "2026-11-20T10:00:00Z", "shop PC, old"),
        case("1000000002", "2026-11-21T10:00:00Z", "only here"),
        case("1000000003", "2026-11-25T10:00:00Z", "newer here"),
    ];
    let mut remote_newer = case("1000000001", "2026-11-22T10:00:00Z", "laptop, newer");
    remote_newer.status = CaseStatus::Answered;
    let remote = vec![
        case("1000000004", "2026-11-23T10:00:00Z", "only there"),
        remote_newer.clone(),
        case("1000000003", "2026-11-24T10:00:00Z", "older there"),
    ];
    let merged = merge_case_log(&local, &remote);
    assert_eq!(
        merged,
        vec![
            remote_newer,
            local[1].clone(),
            local[2].clone(),
            remote[0].clone()
        ]
    );
    // Merging the same again changes nothing; merging the result back is the same too.
    assert_eq!(merge_case_log(&merged, &remote), merged);
    assert_eq!(merge_case_log(&merged, &local), merged);
}

#[test]
fn same_time_cases_resolve_the_same_way_in_both_browsers() {
    let a = case(
        "1000000001",
        "2026-11-22T10:00:00Z",
        "written on the shop PC",
    );
    let b = case(
        "1000000001",
        "2026-11-22T10:00:00Z",
        "written on the laptop",
    );
    let here = merge_case_log(std::slice::from_ref(&a), std::slice::from_ref(&b));
    let there = merge_case_log(std::slice::from_ref(&b), std::slice::from_ref(&a));
    assert_eq!(here, there);
    assert_eq!(here.len(), 1);
}

#[test]
fn case_log_maps_merge_and_say_which_keys_changed() {
    let mut local = BTreeMap::new();
    local.insert(
        "amazon.co.jp/B0AAAAAAAA".to_string(),
        vec![case("1000000001", "2026-11-20T10:00:00Z", "")],
    );
    local.insert(
        "amazon.co.jp/B0BBBBBBBB".to_string(),
        vec![case("1000000002", "2026-11-20T10:00:00Z", "")],
    );
    let mut remote = BTreeMap::new();
    // Same as local: no write.
    remote.insert(
        "amazon.co.jp/B0AAAAAAAA".to_string(),
        local["amazon.co.jp/B0AAAAAAAA"].clone(),
    );
    // Only there: written here.
    remote.insert(
        "amazon.co.jp/B0CCCCCCCC".to_string(),
        vec![case("1000000003", "2026-11-20T10:00:00Z", "")],
    );
    let out = merge_cases(&local, &remote);
    assert_eq!(out.updated, vec!["amazon.co.jp/B0CCCCCCCC".to_string()]);
    assert_eq!(out.cases.len(), 3);
    assert_eq!(
        out.cases["amazon.co.jp/B0BBBBBBBB"],
        local["amazon.co.jp/B0BBBBBBBB"]
    );
    assert_eq!(
        out.cases["amazon.co.jp/B0CCCCCCCC"],
        remote["amazon.co.jp/B0CCCCCCCC"]
    );
}

#[test]
fn a_case_entered_on_one_browser_reaches_the_other_through_sync() {
    let l = listing("B0AAAAAAAA", "2026-11-20T10:00:00Z", "タイトル");
    let mut cases = BTreeMap::new();
    cases.insert(
        l.key(),
        vec![case(
            "1234567890",
            "2026-11-22T10:00:00Z",
            "ショップのPCで入力",
        )],
    );
    let plan = encode_with(
        std::slice::from_ref(&l),
        &Settings::default(),
        &SyncOptions {
            cases: cases.clone(),
            ..SyncOptions::default()
        },
    );
    let items = plan.items.into_iter().collect();
    let remote = decode(&items);
    // The laptop has the listing but no case yet.
    let out = merge_cases(&BTreeMap::new(), &remote.cases);
    assert_eq!(out.updated, vec![l.key()]);
    assert_eq!(out.cases[&l.key()][0].id, "1234567890");
    assert!(merge_sync(&[l], &remote).updated.is_empty());
}

#[test]
fn versions_differing_only_in_image_signatures_unite_without_a_conflict() {
    use catalog_guard::imagesig::{signature, test_pattern};
    let sig = |w: u32| signature(w, 60, &test_pattern(w, 60)).unwrap().to_compact();
    let at = "2026-11-01T00:00:00Z";
    // This browser signed the main image, the other the gallery image, both after the save.
    let mut local = listing("B000000001", at, "same");
    local.image_signatures.insert("81lde+541vL".into(), sig(80));
    let mut remote = listing("B000000001", at, "same");
    remote
        .image_signatures
        .insert("71abcDEF12L".into(), sig(90));
    remote.image_signatures.insert("gone-image".into(), sig(70));
    let r = merge(
        std::slice::from_ref(&local),
        std::slice::from_ref(&remote),
        &[],
    );
    assert!(r.conflicts.is_empty(), "{:?}", r.conflicts);
    assert_eq!(r.updated, vec!["amazon.co.jp/B000000001".to_string()]);
    let m = &r.listings[0];
    assert_eq!(m.updated_at, at, "filling signatures is not an edit");
    assert_eq!(
        m.image_signatures.keys().collect::<Vec<_>>(),
        ["71abcDEF12L", "81lde+541vL"],
        "united, and only for images the listing shows"
    );
    // The other browser merging ours back reaches the same listing: no ping-pong.
    let back = merge(std::slice::from_ref(&remote), &r.listings, &[]);
    assert!(back.conflicts.is_empty());
    assert_eq!(back.listings, r.listings);
    let again = merge(&r.listings, &back.listings, &[]);
    assert!(again.updated.is_empty() && again.conflicts.is_empty());
    // A version that has signatures only locally stays as it is.
    let plain = listing("B000000001", at, "same");
    let r = merge(std::slice::from_ref(&local), &[plain], &[]);
    assert!(r.updated.is_empty() && r.conflicts.is_empty());
    assert_eq!(r.listings, vec![local.clone()]);
    // A real edit at the same time is still a conflict.
    let other = listing("B000000001", at, "edited");
    assert_eq!(merge(&[local], &[other], &[]).conflicts.len(), 1);
}
