//! Merging listings that come from another browser (through sync or a file).
//!
//! Per listing key (`marketplace/ASIN`), the version with the newer
//! `updated_at` wins. The losing version is never dropped silently: it is
//! returned in [`MergeResult::conflicts`] with the winner and the reason, for
//! the history. A remote listing known only by its [`Fingerprint`] never
//! overwrites local data: when it is newer than the local listing, the local
//! listing is reported as changed elsewhere, with the fields that differ.

use crate::listing::Listing;
use crate::store::sync::{Fingerprint, SyncContents};
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
    }
}

/// [`merge`] with what [`crate::store::sync::decode`] read.
pub fn merge_sync(local: &[Listing], remote: &SyncContents) -> MergeResult {
    merge(local, &remote.listings, &remote.fingerprints)
}

/// Fingerprints keep `updated_at` to the second: compare at that precision.
fn seconds(s: &str) -> String {
    match crate::time::parse_rfc3339(s) {
        Some(ms) => crate::time::rfc3339(ms.div_euclid(1000) * 1000),
        None => s.to_string(),
    }
}
