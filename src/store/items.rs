//! The layout of the sync items: their names, the manifest, how a full
//! record is compressed and cut into chunks, how a case log is packed, and
//! [`SyncContents`], what a set of items holds once read.
//!
//! Which listings get which items is decided by [`crate::store::quota`]; the
//! items are read back by [`crate::store::sync::decode`].

use crate::listing::Listing;
use crate::store::fingerprint::Fingerprint;
use crate::store::settings::Settings;
use crate::watch::cases::Case;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The sync format version (manifest `v`).
pub const FORMAT_VERSION: u64 = 1;

pub(crate) const KEY_SETTINGS: &str = "s";
pub(crate) const KEY_MANIFEST: &str = "m";
/// Case-log items are `k0`, `k1`, …
pub(crate) const CASES_PREFIX: &str = "k";
/// Largest decompressed record accepted by [`decode`].
pub(crate) const MAX_RECORD_BYTES: usize = 4 << 20;

/// What another browser's sync items hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncContents {
    /// The settings (defaults when none were stored).
    pub settings: Settings,
    /// Listings that were synced in full, sorted by key.
    pub listings: Vec<Listing>,
    /// Fingerprints of the other synced listings, sorted by key.
    pub fingerprints: Vec<Fingerprint>,
    /// How many listings the other browser had, when the manifest says.
    pub total: Option<usize>,
    /// What could not be read (each problem lost at most one listing's full
    /// record or one case log, never the others).
    pub problems: Vec<String>,
    /// The synced case logs by listing key.
    #[serde(default)]
    pub cases: BTreeMap<String, Vec<Case>>,
}

/// A case log's entry in a `k<n>` item: `[key, log]`, the log as plain JSON
/// or `z<base64 of deflated JSON>`, whichever is shorter.
pub(crate) fn case_entry(key: &str, log: &[Case]) -> Value {
    let plain = serde_json::to_value(log).unwrap_or(Value::Null);
    let json = plain.to_string();
    let deflated = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    let packed = format!(
        "z{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(deflated)
    );
    if packed.len() + 2 < json.len() {
        serde_json::json!([key, packed])
    } else {
        serde_json::json!([key, plain])
    }
}

pub(crate) fn manifest_with(
    mk_list: &[String],
    n_fp: usize,
    total: usize,
    full: Vec<Value>,
) -> Value {
    serde_json::json!({
        "v": FORMAT_VERSION,
        "mk": mk_list,
        "f": n_fp,
        "t": total,
        "c": full,
    })
}

pub(crate) fn entry_value(id: &str, n: usize, sum: &str, fp: &str) -> Value {
    serde_json::json!([id, n, sum, fp])
}

pub(crate) fn chunk_key(id: &str, n: usize) -> String {
    format!("c{id}.{n}")
}

pub(crate) fn compress(l: &Listing) -> String {
    let json = serde_json::to_vec(l).unwrap_or_default();
    let deflated = miniz_oxide::deflate::compress_to_vec(&json, 9);
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(deflated)
}

pub(crate) fn decompress(blob: &str) -> Result<Listing, String> {
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(blob)
        .map_err(|e| format!("not base64 ({e})"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_RECORD_BYTES)
        .map_err(|e| format!("not deflate data ({e:?})"))?;
    serde_json::from_slice(&json).map_err(|e| format!("not a listing ({e})"))
}

pub(crate) fn is_cases_key(key: &str) -> bool {
    key.strip_prefix(CASES_PREFIX)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

pub(crate) fn decompress_cases(s: &str) -> Result<Vec<Case>, String> {
    let blob = s.strip_prefix('z').ok_or("not a packed case log")?;
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(blob)
        .map_err(|e| format!("not base64 ({e})"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_RECORD_BYTES)
        .map_err(|e| format!("not deflate data ({e:?})"))?;
    serde_json::from_slice(&json).map_err(|e| format!("not a case log ({e})"))
}

/// Is `key` one of the keys [`crate::store::quota::encode`] writes?
pub fn is_sync_key(key: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    key == KEY_SETTINGS
        || key == KEY_MANIFEST
        || is_cases_key(key)
        || key.strip_prefix('f').is_some_and(digits)
        || key
            .strip_prefix('c')
            .and_then(|r| r.rsplit_once('.'))
            .is_some_and(|(id, n)| !id.is_empty() && digits(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_keys_are_recognised() {
        for k in ["s", "m", "f0", "f12", "cAbC-_x.0", "cZZ.13", "k0", "k17"] {
            assert!(is_sync_key(k), "{k}");
        }
        for k in ["listings", "f", "fx", "c.0", "cabc", "settings", "k", "kx"] {
            assert!(!is_sync_key(k), "{k}");
        }
    }
}
