//! The fingerprint codec: a listing summarised in about 60 bytes.
//!
//! A [`Fingerprint`] is enough for another browser to tell which watched field
//! of a listing changed, without the text: the sync items carry one for every
//! listing whose full record does not fit. It is written as one string,
//! `<marketplace index>/<ASIN>|<updated_at, base36 seconds>|<field>|…`, the
//! marketplace index pointing into the manifest's marketplace table.
//!
//! The small hashes and escapes used for it (and for the other sync item
//! names and checksums) live here too, so this module depends on nothing else
//! in [`crate::store`].

use crate::listing::Listing;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The fields a [`Fingerprint`] covers, in its encoded order (the names are
/// those of `Mismatch.field`, with `variations` for all dimensions).
pub const FINGERPRINT_FIELDS: [&str; 9] = [
    "title",
    "brand",
    "images.main",
    "images.gallery",
    "variations",
    "breadcrumb",
    "bullets",
    "description",
    "seller",
];

/// A compact summary of one listing: enough for another browser to tell which
/// watched field changed, without the text. Field values are a 3-character
/// hash (18 bits) of the field, `""` when the field is empty, and for
/// `images.main` the image ID itself when it is short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// `marketplace/ASIN`.
    pub key: String,
    /// Marketplace host, e.g. `amazon.co.jp`.
    pub marketplace: String,
    /// ASIN.
    pub asin: String,
    /// The listing's `updated_at` (RFC 3339, to the second).
    pub updated_at: String,
    /// Field name (one of [`FINGERPRINT_FIELDS`]) → hash.
    pub fields: BTreeMap<String, String>,
}

impl Fingerprint {
    /// The fingerprint of `listing`.
    pub fn of(listing: &Listing) -> Fingerprint {
        let mut fields = BTreeMap::new();
        let opt = |o: &Option<String>| match o.as_deref() {
            None | Some("") => String::new(),
            Some(s) => hash3(s.as_bytes()),
        };
        let list = |v: &[String]| {
            if v.is_empty() {
                String::new()
            } else {
                hash3(&serde_json::to_vec(v).unwrap_or_default())
            }
        };
        fields.insert("title".to_string(), opt(&listing.title));
        fields.insert("brand".to_string(), opt(&listing.brand));
        let main = match listing.images.first() {
            None => String::new(),
            Some(id) if is_short_id(id) => id.clone(),
            Some(id) => format!("#{}", hash3(id.as_bytes())),
        };
        fields.insert("images.main".to_string(), main);
        fields.insert("images.gallery".to_string(), list(&listing.images));
        let variations = if listing.variations.is_empty() {
            String::new()
        } else {
            hash3(&serde_json::to_vec(&listing.variations).unwrap_or_default())
        };
        fields.insert("variations".to_string(), variations);
        fields.insert("breadcrumb".to_string(), list(&listing.breadcrumb));
        fields.insert("bullets".to_string(), list(&listing.bullets));
        fields.insert("description".to_string(), opt(&listing.description));
        let seller = match &listing.seller {
            None => String::new(),
            Some(s) => hash3(&serde_json::to_vec(s).unwrap_or_default()),
        };
        fields.insert("seller".to_string(), seller);
        Fingerprint {
            key: listing.key(),
            marketplace: listing.marketplace.clone(),
            asin: listing.asin.clone(),
            updated_at: seconds_rfc3339(&listing.updated_at),
            fields,
        }
    }

    /// The fields (in [`FINGERPRINT_FIELDS`] order) whose hashes differ.
    pub fn changed_fields(&self, other: &Fingerprint) -> Vec<String> {
        FINGERPRINT_FIELDS
            .iter()
            .filter(|f| self.fields.get(**f) != other.fields.get(**f))
            .map(|f| f.to_string())
            .collect()
    }

    /// `<marketplace index>/<ASIN>|<updated_at base36 seconds>|<field>|…`
    pub(crate) fn encode(&self, marketplaces: &BTreeMap<String, usize>) -> String {
        let mi = marketplaces.get(&self.marketplace).copied().unwrap_or(0);
        let mut s = format!(
            "{mi}/{}|{}",
            escape(&self.asin),
            encode_time(&self.updated_at)
        );
        for f in FINGERPRINT_FIELDS {
            s.push('|');
            s.push_str(&escape(self.fields.get(f).map_or("", String::as_str)));
        }
        s
    }

    /// Reads what [`Fingerprint::encode`] wrote; `None` when malformed.
    pub(crate) fn decode(s: &str, marketplaces: &[String]) -> Option<Fingerprint> {
        let mut parts = s.split('|');
        let (mi, asin) = parts.next()?.split_once('/')?;
        let marketplace = marketplaces.get(mi.parse::<usize>().ok()?)?.clone();
        let asin = unescape(asin);
        let updated_at = decode_time(parts.next()?)?;
        let mut fields = BTreeMap::new();
        for f in FINGERPRINT_FIELDS {
            fields.insert(f.to_string(), unescape(parts.next()?));
        }
        if parts.next().is_some() {
            return None;
        }
        Some(Fingerprint {
            key: format!("{marketplace}/{asin}"),
            marketplace,
            asin,
            updated_at,
            fields,
        })
    }
}

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // Final mix so that the low bits depend on every byte.
    h ^= h >> 29;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 32)
}

/// `n` base64url characters (6 bits each) of the hash of `bytes`.
pub(crate) fn hash_n(bytes: &[u8], n: usize) -> String {
    let h = fnv1a(bytes);
    (0..n)
        .map(|i| B64URL[((h >> (6 * i)) & 63) as usize] as char)
        .collect()
}

fn hash3(bytes: &[u8]) -> String {
    hash_n(bytes, 3)
}

fn is_short_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 16
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'_' | b'.'))
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('|', "%7C")
        .replace('/', "%2F")
}

pub(crate) fn unescape(s: &str) -> String {
    s.replace("%2F", "/")
        .replace("%7C", "|")
        .replace("%25", "%")
}

/// RFC 3339 → the same instant to the second, in UTC (what a fingerprint keeps).
pub(crate) fn seconds_rfc3339(s: &str) -> String {
    match crate::time::parse_rfc3339(s) {
        Some(ms) => crate::time::rfc3339(ms.div_euclid(1000) * 1000),
        None => s.to_string(),
    }
}

pub(crate) fn encode_time(s: &str) -> String {
    match crate::time::parse_rfc3339(s) {
        Some(ms) if ms >= 0 => to_base36(ms.div_euclid(1000) as u64),
        _ => format!("~{}", escape(s)),
    }
}

pub(crate) fn decode_time(s: &str) -> Option<String> {
    if let Some(raw) = s.strip_prefix('~') {
        return Some(unescape(raw));
    }
    let secs = u64::from_str_radix(s, 36).ok()?;
    let ms = i64::try_from(secs).ok()?.checked_mul(1000)?;
    Some(crate::time::rfc3339(ms))
}

fn to_base36(mut n: u64) -> String {
    const D: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if n == 0 {
        return "0".to_string();
    }
    let mut out = Vec::new();
    while n > 0 {
        out.push(D[(n % 36) as usize]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_round_trips_to_the_second() {
        let t = "2026-11-22T06:29:00Z";
        assert_eq!(decode_time(&encode_time(t)).as_deref(), Some(t));
        assert_eq!(
            decode_time(&encode_time("yesterday|x")).as_deref(),
            Some("yesterday|x")
        );
        assert_eq!(to_base36(0), "0");
        assert_eq!(to_base36(35), "z");
    }
}
