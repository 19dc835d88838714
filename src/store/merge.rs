//! Merging listings that come from another browser (through sync or a file).
//!
//! Per listing key (`marketplace/ASIN`), the version with the newer
//! `updated_at` wins. Two versions that differ only in their image signatures (derived data,
//! filled in without a new `updated_at`) are not a conflict: their signatures are united.
//! The losing version is never dropped silently: it is
//! returned in [`MergeResult::conflicts`] with the winner and the reason, for
//! the history. A remote listing known only by its [`Fingerprint`] never
//! overwrites local data: when it is newer than the local listing, the local
//! listing is reported as changed elsewhere, with the fields that differ.
//!
//! Case logs ([`merge_cases`]) merge per case ID: the case with the newer
//! `updated_at` wins, cases only one side has are kept, none is dropped.
//!
//! Deletions travel as [`Tombstone`]s (`{key, deleted_at}`), and the newer
//! action wins ([`merge_with_tombstones`]): a listing whose `updated_at` is
//! not after a tombstone's `deleted_at` is deleted (the caller keeps it as a
//! restorable version, [`MergeResult::deleted`]) and never comes back from an
//! older synced copy or fingerprint; a listing edited after the deletion wins
//! over the tombstone, which is then dropped ([`MergeResult::undeleted`] when
//! the deletion was this browser's). Tombstones expire after
//! [`TOMBSTONE_DAYS`].

use crate::listing::Listing;
use crate::store::fingerprint::Fingerprint;
use crate::store::items::SyncContents;
pub use crate::store::items::Tombstone;
use crate::watch::cases::Case;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Which version lost, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// `marketplace/ASIN`.
    pub key: String,
    /// The version kept.
    pub kept: Listing,
    /// The version not kept (for the history: never dropped silently).
    pub lost: Listing,
    /// `"local"` or `"remote"`: where the kept version came from.
    pub kept_from: String,
    /// One sentence: why `kept` won.
    pub reason: String,
}

/// A local listing that another browser has changed, known only by fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedElsewhere {
    /// `marketplace/ASIN`.
    pub key: String,
    /// The other browser's `updated_at`.
    pub remote_updated_at: String,
    /// Fields whose fingerprints differ (names as in `Mismatch.field`; empty
    /// when only unwatched data such as the note changed).
    pub fields: Vec<String>,
}

/// The outcome of [`merge`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeResult {
    /// The merged listings, sorted by key.
    pub listings: Vec<Listing>,
    /// Keys whose stored listing changed (new or replaced by the remote one):
    /// what the caller has to write to `storage.local`.
    pub updated: Vec<String>,
    /// Every key where the two versions differed, with the losing version.
    pub conflicts: Vec<Conflict>,
    /// Local listings changed in another browser whose full record did not sync.
    pub changed_elsewhere: Vec<ChangedElsewhere>,
    /// Fingerprints of listings the other browser has and this one does not.
    pub remote_only: Vec<Fingerprint>,
    /// Local listings deleted by a newer tombstone (from the other browser):
    /// the caller removes them and keeps each as a restorable version.
    #[serde(default)]
    pub deleted: Vec<Deleted>,
    /// Keys this browser had deleted whose listing came back, edited in the
    /// other browser after the deletion (the newer action wins).
    #[serde(default)]
    pub undeleted: Vec<String>,
    /// The tombstones to keep (both sides', newest per key, none expired and
    /// none for a listing in `listings`), sorted by key.
    #[serde(default)]
    pub tombstones: Vec<Tombstone>,
}

/// How long a deletion travels: a tombstone older than this is forgotten
/// (a browser that was away longer can bring the listing back).
pub const TOMBSTONE_DAYS: i64 = 90;

/// A local listing removed by a tombstone, kept for the seller to restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deleted {
    /// `marketplace/ASIN`.
    pub key: String,
    /// The tombstone's `deleted_at`.
    pub deleted_at: String,
    /// The listing as it was.
    pub listing: Listing,
}

/// Is the tombstone still travelling at `now_ms`?
fn live(t: &Tombstone, now_ms: i64) -> bool {
    match crate::time::parse_rfc3339(&t.deleted_at) {
        Some(at) => now_ms - at <= TOMBSTONE_DAYS * 86_400_000,
        None => false,
    }
}

/// Both sides' tombstones: one per key (the later deletion), expired ones
/// (older than [`TOMBSTONE_DAYS`] at `now_ms`) and unreadable ones left out;
/// sorted by key.
pub fn merge_tombstones(a: &[Tombstone], b: &[Tombstone], now_ms: i64) -> Vec<Tombstone> {
    let mut out: BTreeMap<&str, &Tombstone> = BTreeMap::new();
    for t in a.iter().chain(b).filter(|t| live(t, now_ms)) {
        match out.get(t.key.as_str()) {
            Some(prev) if compare_updated(&prev.deleted_at, &t.deleted_at) != Ordering::Less => {}
            _ => {
                out.insert(&t.key, t);
            }
        }
    }
    out.into_values().cloned().collect()
}

/// Does the deletion `at` win over a version changed at `updated_at`? Yes
/// unless the version was changed after it (the same instant: the deletion,
/// which saw that version).
fn deletion_wins(at: &str, updated_at: &str) -> bool {
    compare_updated(updated_at, at) != Ordering::Greater
}

/// Splits `listings` by `tombstones`: the ones a tombstone deletes (changed
/// no later than the deletion) and the rest. Pure.
pub fn apply_tombstones(
    listings: Vec<Listing>,
    tombstones: &[Tombstone],
) -> (Vec<Listing>, Vec<Deleted>) {
    let by_key: BTreeMap<&str, &Tombstone> =
        tombstones.iter().map(|t| (t.key.as_str(), t)).collect();
    let mut kept = Vec::new();
    let mut deleted = Vec::new();
    for l in listings {
        match by_key.get(l.key().as_str()) {
            Some(t) if deletion_wins(&t.deleted_at, &l.updated_at) => deleted.push(Deleted {
                key: l.key(),
                deleted_at: t.deleted_at.clone(),
                listing: l,
            }),
            _ => kept.push(l),
        }
    }
    (kept, deleted)
}

/// [`merge`] with deletions: `local_tombstones` are this browser's (of
/// listings it no longer has), `remote_tombstones` the other browser's. The
/// newer action wins per key: a listing (local or remote, full record or
/// fingerprint) changed no later than a tombstone is deleted, one changed
/// after it wins and the tombstone is dropped. Expired tombstones (see
/// [`TOMBSTONE_DAYS`], at `now_ms`) are ignored. Pure.
pub fn merge_with_tombstones(
    local: &[Listing],
    local_tombstones: &[Tombstone],
    remote: &[Listing],
    remote_fingerprints: &[Fingerprint],
    remote_tombstones: &[Tombstone],
    now_ms: i64,
) -> MergeResult {
    let tombs = merge_tombstones(local_tombstones, remote_tombstones, now_ms);
    let (local_kept, deleted) = apply_tombstones(local.to_vec(), &tombs);
    let (remote_kept, _) = apply_tombstones(remote.to_vec(), &tombs);
    let by_key: BTreeMap<&str, &Tombstone> = tombs.iter().map(|t| (t.key.as_str(), t)).collect();
    let fps: Vec<Fingerprint> = remote_fingerprints
        .iter()
        .filter(|fp| match by_key.get(fp.key.as_str()) {
            Some(t) => !deletion_wins(&t.deleted_at, &fp.updated_at),
            None => true,
        })
        .cloned()
        .collect();
    let mut result = merge(&local_kept, &remote_kept, &fps);
    let present: std::collections::BTreeSet<String> =
        result.listings.iter().map(Listing::key).collect();
    let mine: std::collections::BTreeSet<&str> =
        local_tombstones.iter().map(|t| t.key.as_str()).collect();
    let local_keys: std::collections::BTreeSet<String> = local.iter().map(Listing::key).collect();
    result.undeleted = tombs
        .iter()
        .filter(|t| {
            present.contains(&t.key)
                && mine.contains(t.key.as_str())
                && !local_keys.contains(&t.key)
        })
        .map(|t| t.key.clone())
        .collect();
    result.tombstones = tombs
        .into_iter()
        .filter(|t| !present.contains(&t.key))
        .collect();
    result.deleted = deleted;
    result
}

/// Compares two `updated_at` values: as instants when both parse, else as text.
pub fn compare_updated(a: &str, b: &str) -> Ordering {
    match (crate::time::parse_rfc3339(a), crate::time::parse_rfc3339(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => a.cmp(b),
    }
}

/// Do `a` and `b` differ at most in their image signatures?
fn same_but_signatures(a: &Listing, b: &Listing) -> bool {
    let strip = |l: &Listing| Listing {
        image_signatures: BTreeMap::new(),
        ..l.clone()
    };
    strip(a) == strip(b)
}

/// Merges `remote` (another browser's full listings and fingerprints) into
/// `local`. Pure: the inputs are not changed.
pub fn merge(
    local: &[Listing],
    remote: &[Listing],
    remote_fingerprints: &[Fingerprint],
) -> MergeResult {
    let mut merged: BTreeMap<String, Listing> = BTreeMap::new();
    for l in local {
        // A local duplicate key: the newer wins, as everywhere.
        match merged.get(&l.key()) {
            Some(prev) if compare_updated(&prev.updated_at, &l.updated_at) != Ordering::Less => {}
            _ => {
                merged.insert(l.key(), l.clone());
            }
        }
    }
    let mut updated = Vec::new();
    let mut conflicts = Vec::new();
    for r in remote {
        let key = r.key();
        match merged.get(&key) {
            None => {
                merged.insert(key.clone(), r.clone());
                updated.push(key);
            }
            Some(l) if l == r => {}
            Some(l) if same_but_signatures(l, r) => {
                // Signatures are derived from the image IDs: one side's are as good as the
                // other's. Take the union, without a conflict and without a new `updated_at`.
                let mut both = l.clone();
                for (id, sig) in &r.image_signatures {
                    both.image_signatures
                        .entry(id.clone())
                        .or_insert_with(|| sig.clone());
                }
                both.prune_image_signatures();
                if &both != l {
                    merged.insert(key.clone(), both);
                    updated.push(key);
                }
            }
            Some(l) => {
                let (kept_from, reason) = match compare_updated(&r.updated_at, &l.updated_at) {
                    Ordering::Greater => (
                        "remote",
                        format!(
                            "the other browser's version is newer ({} > {})",
                            r.updated_at, l.updated_at
                        ),
                    ),
                    Ordering::Less => (
                        "local",
                        format!(
                            "this browser's version is newer ({} > {})",
                            l.updated_at, r.updated_at
                        ),
                    ),
                    Ordering::Equal => (
                        "local",
                        format!(
                            "both versions were changed at {} but differ; kept this browser's",
                            l.updated_at
                        ),
                    ),
                };
                let (kept, lost) = if kept_from == "remote" {
                    (r.clone(), l.clone())
                } else {
                    (l.clone(), r.clone())
                };
                if kept_from == "remote" {
                    merged.insert(key.clone(), r.clone());
                    updated.push(key.clone());
                }
                conflicts.push(Conflict {
                    key,
                    kept,
                    lost,
                    kept_from: kept_from.to_string(),
                    reason,
                });
            }
        }
    }
    let mut changed_elsewhere = Vec::new();
    let mut remote_only = Vec::new();
    for fp in remote_fingerprints {
        match merged.get(&fp.key) {
            None => remote_only.push(fp.clone()),
            Some(l) => {
                if compare_updated(&fp.updated_at, &seconds(&l.updated_at)) == Ordering::Greater {
                    changed_elsewhere.push(ChangedElsewhere {
                        key: fp.key.clone(),
                        remote_updated_at: fp.updated_at.clone(),
                        fields: Fingerprint::of(l).changed_fields(fp),
                    });
                }
            }
        }
    }
    updated.sort();
    updated.dedup();
    conflicts.sort_by(|a, b| a.key.cmp(&b.key));
    changed_elsewhere.sort_by(|a, b| a.key.cmp(&b.key));
    remote_only.sort_by(|a, b| a.key.cmp(&b.key));
    MergeResult {
        listings: merged.into_values().collect(),
        updated,
        conflicts,
        changed_elsewhere,
        remote_only,
        deleted: Vec::new(),
        undeleted: Vec::new(),
        tombstones: Vec::new(),
    }
}

/// [`merge`] with what [`crate::store::sync::decode`] read (its tombstones
/// ignored: see [`merge_sync_with`]).
pub fn merge_sync(local: &[Listing], remote: &SyncContents) -> MergeResult {
    merge(local, &remote.listings, &remote.fingerprints)
}

/// [`merge_with_tombstones`] with what [`crate::store::sync::decode`] read.
pub fn merge_sync_with(
    local: &[Listing],
    local_tombstones: &[Tombstone],
    remote: &SyncContents,
    now_ms: i64,
) -> MergeResult {
    merge_with_tombstones(
        local,
        local_tombstones,
        &remote.listings,
        &remote.fingerprints,
        &remote.tombstones,
        now_ms,
    )
}

/// Fingerprints keep `updated_at` to the second: compare at that precision.
fn seconds(s: &str) -> String {
    match crate::time::parse_rfc3339(s) {
        Some(ms) => crate::time::rfc3339(ms.div_euclid(1000) * 1000),
        None => s.to_string(),
    }
}

/// The outcome of [`merge_cases`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CasesMerge {
    /// Every merged case log by listing key (keys of both sides; empty logs left out).
    pub cases: BTreeMap<String, Vec<Case>>,
    /// Keys whose merged log differs from the local one: what the caller has
    /// to write to `storage.local` (`cases:<key>`). Sorted.
    pub updated: Vec<String>,
}

/// One listing's case log merged with another browser's, per case ID: the
/// case with the newer `updated_at` wins (two different versions changed at
/// the same instant: the one whose JSON sorts last, the same in every
/// browser); a case only one side has is kept. The local order is kept, cases
/// new to this side follow in the remote order. Pure.
pub fn merge_case_log(local: &[Case], remote: &[Case]) -> Vec<Case> {
    let mut out = local.to_vec();
    for r in remote {
        match out.iter().position(|c| c.id == r.id) {
            None => out.push(r.clone()),
            Some(i) => {
                let l = &out[i];
                if l == r {
                    continue;
                }
                let remote_wins = match compare_updated(&r.updated_at, &l.updated_at) {
                    Ordering::Greater => true,
                    Ordering::Less => false,
                    Ordering::Equal => {
                        serde_json::to_string(r).unwrap_or_default()
                            > serde_json::to_string(l).unwrap_or_default()
                    }
                };
                if remote_wins {
                    out[i] = r.clone();
                }
            }
        }
    }
    out
}

/// Merges another browser's case logs (`remote`, by listing key) into the
/// local ones with [`merge_case_log`]. Nothing is dropped: a key only one
/// side has keeps its log.
pub fn merge_cases(
    local: &BTreeMap<String, Vec<Case>>,
    remote: &BTreeMap<String, Vec<Case>>,
) -> CasesMerge {
    let mut cases = BTreeMap::new();
    let mut updated = Vec::new();
    let keys: std::collections::BTreeSet<&String> = local.keys().chain(remote.keys()).collect();
    for key in keys {
        let mine = local.get(key).map_or(&[][..], Vec::as_slice);
        let merged = match remote.get(key) {
            Some(theirs) => merge_case_log(mine, theirs),
            None => mine.to_vec(),
        };
        if merged.as_slice() != mine {
            updated.push(key.clone());
        }
        if !merged.is_empty() {
            cases.insert(key.clone(), merged);
        }
    }
    CasesMerge { cases, updated }
}
