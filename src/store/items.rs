//! The layout of the sync items: their names, the manifest, how a full
//! record is compressed and cut into chunks, how a case log is packed, and
//! [`SyncContents`], what a set of items holds once read.
//!
//! Which listings get which items is decided by [`crate::store::quota`]; the
//! items are read back by [`crate::store::sync::decode`].

use crate::listing::Listing;
use crate::store::fingerprint::{escape, unescape, Fingerprint};
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
/// Tombstone items are `d0`, `d1`, … (arrays of [`tombstone_entry`] strings).
pub(crate) const TOMBSTONES_PREFIX: &str = "d";
/// Largest decompressed record accepted by [`decode`].
pub(crate) const MAX_RECORD_BYTES: usize = 4 << 20;

/// A deleted listing (the merge rules are in [`crate::store::merge`]): `key` was deleted at `deleted_at` (RFC 3339, ms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// `marketplace/ASIN`.
    pub key: String,
    /// When it was deleted (RFC 3339).
    pub deleted_at: String,
}

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
    /// Listings the other browser deleted (see [`crate::store::merge`]),
    /// sorted by key.
    #[serde(default)]
    pub tombstones: Vec<Tombstone>,
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

fn is_tombstones_key(key: &str) -> bool {
    key.strip_prefix(TOMBSTONES_PREFIX)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Every `d<n>` key of `items`, in item order.
pub(crate) fn tombstone_keys<'a>(items: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut keys: Vec<&String> = items.filter(|k| is_tombstones_key(k)).collect();
    keys.sort_by_key(|k| (k.len(), k.as_str()));
    keys
}

/// A tombstone in a `d<n>` item: `<marketplace index>/<ASIN>|<deleted_at,
/// base36 ms>` (about 20 bytes). `None` when its key is not
/// `marketplace/ASIN`, its marketplace is not in the table or its time does
/// not parse.
pub(crate) fn tombstone_entry(t: &Tombstone, mk_index: &BTreeMap<String, usize>) -> Option<String> {
    let (mk, asin) = t.key.split_once('/')?;
    let mi = mk_index.get(mk)?;
    let ms = u64::try_from(crate::time::parse_rfc3339(&t.deleted_at)?).ok()?;
    Some(format!("{mi}/{}|{}", escape(asin), base36(ms)))
}

/// Reads a [`tombstone_entry`].
pub(crate) fn read_tombstone(s: &str, mk_list: &[String]) -> Option<Tombstone> {
    let (head, at) = s.split_once('|')?;
    let (mi, asin) = head.split_once('/')?;
    let mk = mk_list.get(mi.parse::<usize>().ok()?)?;
    let ms = i64::try_from(u64::from_str_radix(at, 36).ok()?).ok()?;
    Some(Tombstone {
        key: format!("{mk}/{}", unescape(asin)),
        deleted_at: rfc3339_ms(ms),
    })
}

/// RFC 3339 in UTC keeping the milliseconds (`…:00.250Z`; none when zero):
/// a deletion and an edit in the same second must still compare right.
fn rfc3339_ms(ms: i64) -> String {
    let s = crate::time::rfc3339(ms);
    match (ms.rem_euclid(1000), s.strip_suffix('Z')) {
        (0, _) | (_, None) => s,
        (frac, Some(head)) => format!("{head}.{frac:03}Z"),
    }
}

fn base36(mut n: u64) -> String {
    const D: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = vec![D[(n % 36) as usize]];
    n /= 36;
    while n > 0 {
        out.push(D[(n % 36) as usize]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Is `key` one of the keys [`crate::store::quota::encode`] writes?
pub fn is_sync_key(key: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    key == KEY_SETTINGS
        || key == KEY_MANIFEST
        || is_cases_key(key)
        || is_tombstones_key(key)
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
        for k in [
            "s",
            "m",
            "f0",
            "f12",
            "cAbC-_x.0",
            "cZZ.13",
            "k0",
            "k17",
            "d0",
            "d3",
        ] {
            assert!(is_sync_key(k), "{k}");
        }
        for k in [
            "listings", "f", "fx", "c.0", "cabc", "settings", "k", "kx", "d", "dx",
        ] {
            assert!(!is_sync_key(k), "{k}");
        }
    }

    #[test]
    fn tombstones_round_trip_to_the_millisecond() {
        let mk: BTreeMap<String, usize> = [("amazon.co.jp".to_string(), 0)].into();
        let t = Tombstone {
            key: "amazon.co.jp/B0|X/1".into(),
            deleted_at: "2026-11-22T06:29:00.123Z".into(),
        };
        let e = tombstone_entry(&t, &mk).unwrap();
        assert_eq!(read_tombstone(&e, &["amazon.co.jp".to_string()]), Some(t));
        assert!(read_tombstone(&e, &[]).is_none());
        assert!(read_tombstone("0/B0|not time!", &["a".to_string()]).is_none());
    }
}
