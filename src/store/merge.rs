//! Merging listings that come from another browser (through sync or a file).
//!
//! Per listing key (`marketplace/ASIN`), the version with the newer
//! `updated_at` wins. The losing version is never dropped silently: it is
//! returned in [`MergeResult::conflicts`] with the winner and the reason, for
//! the history. A remote listing known only by its [`Fingerprint`] never
//! overwrites local data: when it is newer than the local listing, the local
//! listing is reported as changed elsewhere, with the fields that differ.
//!
//! Case logs ([`merge_cases`]) merge per case ID: the case with the newer
//! `updated_at` wins, cases only one side has are kept, none is dropped.

use crate::listing::Listing;
use crate::store::fingerprint::Fingerprint;
use crate::store::items::SyncContents;
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
