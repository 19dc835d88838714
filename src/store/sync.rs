//! Listings and settings ⇄ `chrome.storage.sync` items, within the real quotas.
//!
//! This module reads the items back ([`decode`]) and says what to write
//! ([`diff_items`]); its parts live on their own: the fingerprint codec in
//! [`crate::store::fingerprint`], the item layout in [`crate::store::items`],
//! the quota packing ([`encode`], [`write_allowance`]) in
//! [`crate::store::quota`], and the merge rules in [`crate::store::merge`].
//! Their public names are re-exported here.
//!
//! `chrome.storage.sync` allows 102,400 bytes in all, 8,192 bytes per item and
//! 512 items, where an item's size is its key length plus the length of its
//! JSON-serialised value, in UTF-8 bytes. [`encode`] stays under
//! [`BUDGET_BYTES`], [`BUDGET_BYTES_PER_ITEM`] and [`BUDGET_ITEMS`] (a safety
//! margin under each), and produces, deterministically (same input → same
//! bytes):
//!
//! * `s` — the settings ([`settings::to_stored`]).
//! * `m` — the manifest: format version, the marketplace table, how many
//!   fingerprint items there are, the total number of listings, and one entry
//!   per fully synced listing (chunk id, chunk count, checksum, fingerprint).
//! * `f0`, `f1`, … — fingerprint items: arrays of compact [`Fingerprint`]
//!   strings (about 60 bytes a listing), packed many to an item, sorted by
//!   listing key so that one changed listing rewrites one item.
//! * `c<id>.<n>` — full records: the listing's JSON, deflated, base64, cut into
//!   chunks. `<id>` comes from the listing key, so a listing keeps its items
//!   when others change.
//!
//! Full records are added most-recently-used first (a `last_used` time when
//! the caller has one, else `updated_at`) while they fit beside a reserve for
//! the fingerprints of the rest (at most [`FINGERPRINT_SHARE_PERCENT`] % of the
//! budget); every other listing gets a fingerprint while room remains; what is
//! left over is counted as not synced, with the reason. Local data is never
//! touched: this only decides what another browser can see.
//! Fingerprints of listings only another browser has ([`SyncOptions::carry`])
//! are kept after this browser's own, while room remains, so that a push from
//! a browser that lacks them does not hide them from the others.
//!
//! * `k0`, `k1`, … — case logs (`cases:<key>` in `storage.local`, see
//!   [`crate::watch::cases`]), given in [`SyncOptions::cases`]: arrays of
//!   `[listing key, case log]` entries sorted by key, the case log as plain
//!   JSON or, when shorter, as a string `z<base64 of the deflated JSON>`.
//!   They are packed only after everything above has its place, into the space
//!   that is left, newest case log first: a case log never takes the place of
//!   a listing's full record or fingerprint, and one that does not fit (or is
//!   larger than one item) stays local only ([`SyncStats::cases_local_only`]).
//!   Histories are never synced: one listing's history alone can outgrow the
//!   whole quota.
//!
//! * `d0`, `d1`, … — deletions ([`SyncOptions::tombstones`], see
//!   [`crate::store::merge`]): `<marketplace index>/<ASIN>|<deleted_at, base36
//!   ms>` strings, newest first within
//!   [`TOMBSTONE_BUDGET_BYTES`], placed before the full records (a missing
//!   tombstone would bring a deleted listing back).
//!
//! [`decode`] reads the items back: full records exactly as they were, the
//! rest as fingerprints. A missing or corrupt chunk turns that one listing
//! into a fingerprint and records a problem; nothing else is lost.
//!
//! [`diff_items`] gives the minimal writes from what is stored to a new plan;
//! [`write_allowance`] says how many write operations the rate limits allow now.

use crate::listing::Listing;
use crate::store::fingerprint::hash_n;
use crate::store::items::{
    chunk_key, decompress, decompress_cases, is_cases_key, read_tombstone, tombstone_keys,
    KEY_MANIFEST, KEY_SETTINGS,
};
use crate::store::settings;
use crate::watch::cases::Case;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub use crate::store::fingerprint::{Fingerprint, FINGERPRINT_FIELDS};
pub use crate::store::items::{is_sync_key, SyncContents, Tombstone, FORMAT_VERSION};
pub use crate::store::merge::merge_sync_with;
pub use crate::store::quota::{
    encode, encode_with, item_bytes, write_allowance, SyncOptions, SyncPlan, SyncState, SyncStats,
    WriteAllowance, BUDGET_BYTES, BUDGET_BYTES_PER_ITEM, BUDGET_ITEMS, BUDGET_WRITES_PER_HOUR,
    BUDGET_WRITES_PER_MINUTE, FINGERPRINT_SHARE_PERCENT, MAX_ITEMS, MAX_WRITE_OPERATIONS_PER_HOUR,
    MAX_WRITE_OPERATIONS_PER_MINUTE, QUOTA_BYTES, QUOTA_BYTES_PER_ITEM, TOMBSTONE_BUDGET_BYTES,
};

/// The writes that turn the stored items into a new plan's items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemsDiff {
    /// Items to pass to one `chrome.storage.sync.set` call.
    pub set: BTreeMap<String, Value>,
    /// Keys to pass to one `chrome.storage.sync.remove` call.
    pub remove: Vec<String>,
}

/// Reads sync items written by [`encode`] (see the module docs). Never fails:
/// what cannot be read is listed in [`SyncContents::problems`].
pub fn decode(items: &Map<String, Value>) -> SyncContents {
    let mut problems = Vec::new();
    let settings = items
        .get(KEY_SETTINGS)
        .cloned()
        .map(settings::migrate)
        .unwrap_or_default();
    let manifest = items.get(KEY_MANIFEST).and_then(Value::as_object);
    if items.contains_key(KEY_MANIFEST) && manifest.is_none() {
        problems.push("the sync manifest is not an object".to_string());
    }
    if let Some(v) = manifest.and_then(|m| m.get("v")).and_then(Value::as_u64) {
        if v > FORMAT_VERSION {
            problems.push(format!(
                "the sync items were written by a newer version (format {v}); reading what is known"
            ));
        }
    }
    let mk_list: Vec<String> = manifest
        .and_then(|m| m.get("mk"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    let total = manifest
        .and_then(|m| m.get("t"))
        .and_then(Value::as_u64)
        .and_then(|t| usize::try_from(t).ok());

    let mut fingerprints: BTreeMap<String, Fingerprint> = BTreeMap::new();
    let mut listings: BTreeMap<String, Listing> = BTreeMap::new();

    // Fingerprint items: the manifest says how many; without it, scan.
    let fp_keys: Vec<String> = match manifest.and_then(|m| m.get("f")).and_then(Value::as_u64) {
        Some(n) => (0..n.min(MAX_ITEMS as u64))
            .map(|n| format!("f{n}"))
            .collect(),
        None => items
            .keys()
            .filter(|k| {
                k.len() > 1 && k.starts_with('f') && k[1..].bytes().all(|b| b.is_ascii_digit())
            })
            .cloned()
            .collect(),
    };
    for key in fp_keys {
        match items.get(&key).and_then(Value::as_array) {
            None => problems.push(format!("fingerprint item {key} is missing or not a list")),
            Some(arr) => {
                for (n, e) in arr.iter().enumerate() {
                    match e.as_str().and_then(|s| Fingerprint::decode(s, &mk_list)) {
                        Some(fp) => {
                            fingerprints.insert(fp.key.clone(), fp);
                        }
                        None => problems.push(format!("entry {n} of {key} is not a fingerprint")),
                    }
                }
            }
        }
    }

    let entries = manifest
        .and_then(|m| m.get("c"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (n, entry) in entries.iter().enumerate() {
        let parts = entry.as_array();
        let get = |i: usize| parts.and_then(|p| p.get(i));
        let (Some(id), Some(count), Some(sum), Some(fp)) = (
            get(0).and_then(Value::as_str),
            get(1).and_then(Value::as_u64),
            get(2).and_then(Value::as_str),
            get(3)
                .and_then(Value::as_str)
                .and_then(|s| Fingerprint::decode(s, &mk_list)),
        ) else {
            problems.push(format!(
                "full-record entry {n} of the manifest is malformed"
            ));
            continue;
        };
        let mut blob = String::new();
        let mut missing = None;
        for c in 0..count.min(MAX_ITEMS as u64) {
            let key = chunk_key(id, c as usize);
            match items.get(&key).and_then(Value::as_str) {
                Some(s) => blob.push_str(s),
                None => {
                    missing = Some(key);
                    break;
                }
            }
        }
        let result = if let Some(key) = missing {
            Err(format!("chunk {key} is missing"))
        } else if hash_n(blob.as_bytes(), 4) != sum {
            Err("its chunks do not match their checksum".to_string())
        } else {
            decompress(&blob).and_then(|l| {
                if l.key() == fp.key {
                    Ok(l)
                } else {
                    Err(format!("the record is for {}", l.key()))
                }
            })
        };
        match result {
            Ok(l) => {
                fingerprints.remove(&fp.key);
                listings.insert(fp.key.clone(), l);
            }
            Err(why) => {
                problems.push(format!(
                    "the full record of {} could not be read ({why}); kept its fingerprint",
                    fp.key
                ));
                if !listings.contains_key(&fp.key) {
                    fingerprints.insert(fp.key.clone(), fp);
                }
            }
        }
    }

    let cases = decode_cases(items, &mut problems);
    let tombstones = decode_tombstones(items, &mk_list, &mut problems);
    SyncContents {
        settings,
        listings: listings.into_values().collect(),
        fingerprints: fingerprints.into_values().collect(),
        total,
        problems,
        cases,
        tombstones,
    }
}

/// The tombstones in the `d<n>` items, one per key (the later deletion),
/// sorted by key. An entry that cannot be read is a problem and loses only
/// that deletion.
fn decode_tombstones(
    items: &Map<String, Value>,
    mk_list: &[String],
    problems: &mut Vec<String>,
) -> Vec<Tombstone> {
    let mut out: Vec<Tombstone> = Vec::new();
    for item in tombstone_keys(items.keys()) {
        let Some(arr) = items.get(item).and_then(Value::as_array) else {
            problems.push(format!("deletion item {item} is not a list"));
            continue;
        };
        for (n, e) in arr.iter().enumerate() {
            match e.as_str().and_then(|s| read_tombstone(s, mk_list)) {
                Some(t) => out.push(t),
                None => problems.push(format!("entry {n} of {item} is not a deletion")),
            }
        }
    }
    // One per key, the later deletion (no expiry here: decoding has no clock).
    let mut by_key: BTreeMap<String, Tombstone> = BTreeMap::new();
    for t in out {
        match by_key.get(&t.key) {
            Some(prev)
                if crate::store::merge::compare_updated(&prev.deleted_at, &t.deleted_at)
                    != std::cmp::Ordering::Less => {}
            _ => {
                by_key.insert(t.key.clone(), t);
            }
        }
    }
    by_key.into_values().collect()
}

/// The case logs in the `k<n>` items. An entry that cannot be read is a
/// problem and loses only that case log; a key met twice (a stale item read
/// beside a new one) is merged per case ID, newer `updated_at` first.
fn decode_cases(
    items: &Map<String, Value>,
    problems: &mut Vec<String>,
) -> BTreeMap<String, Vec<Case>> {
    let mut out: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    let mut keys: Vec<&String> = items.keys().filter(|k| is_cases_key(k)).collect();
    keys.sort_by_key(|k| (k.len(), k.as_str()));
    for item in keys {
        let Some(arr) = items.get(item).and_then(Value::as_array) else {
            problems.push(format!("case-log item {item} is not a list"));
            continue;
        };
        for (n, e) in arr.iter().enumerate() {
            let parts = e.as_array().filter(|p| p.len() == 2);
            let key = parts.and_then(|p| p[0].as_str());
            let log = parts.and_then(|p| match &p[1] {
                Value::Array(_) => Some(
                    serde_json::from_value::<Vec<Case>>(p[1].clone())
                        .map_err(|e| format!("not a case log ({e})")),
                ),
                Value::String(s) => Some(decompress_cases(s)),
                _ => None,
            });
            match (key, log) {
                (Some(key), Some(Ok(log))) => {
                    let merged = match out.get(key) {
                        Some(prev) => crate::store::merge::merge_case_log(prev, &log),
                        None => log,
                    };
                    out.insert(key.to_string(), merged);
                }
                (Some(key), Some(Err(why))) => problems.push(format!(
                    "the case log of {key} in {item} could not be read ({why})"
                )),
                _ => problems.push(format!("entry {n} of {item} is not a case log")),
            }
        }
    }
    out
}

/// The minimal writes from the stored items `old` to `new`: items whose value
/// changed or is new go to `set`, keys of this encoder (see [`is_sync_key`])
/// that `new` no longer has go to `remove`. Other keys in `old` are left alone.
/// Apply as one `set` and one `remove` call (two write operations).
pub fn diff_items(old: &Map<String, Value>, new: &BTreeMap<String, Value>) -> ItemsDiff {
    let set = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut remove: Vec<String> = old
        .keys()
        .filter(|k| is_sync_key(k) && !new.contains_key(*k))
        .cloned()
        .collect();
    remove.sort();
    ItemsDiff { set, remove }
}
