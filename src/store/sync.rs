//! Listings and settings ⇄ `chrome.storage.sync` items, within the real quotas.
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
//! [`decode`] reads the items back: full records exactly as they were, the
//! rest as fingerprints. A missing or corrupt chunk turns that one listing
//! into a fingerprint and records a problem; nothing else is lost.
//!
//! [`diff_items`] gives the minimal writes from what is stored to a new plan;
//! [`write_allowance`] says how many write operations the rate limits allow now.

use crate::listing::Listing;
use crate::store::settings::{self, Settings};
use crate::watch::cases::Case;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// `chrome.storage.sync.QUOTA_BYTES`.
pub const QUOTA_BYTES: usize = 102_400;
/// `chrome.storage.sync.QUOTA_BYTES_PER_ITEM`.
pub const QUOTA_BYTES_PER_ITEM: usize = 8_192;
/// `chrome.storage.sync.MAX_ITEMS`.
pub const MAX_ITEMS: usize = 512;
/// `chrome.storage.sync.MAX_WRITE_OPERATIONS_PER_MINUTE`.
pub const MAX_WRITE_OPERATIONS_PER_MINUTE: usize = 120;
/// `chrome.storage.sync.MAX_WRITE_OPERATIONS_PER_HOUR`.
pub const MAX_WRITE_OPERATIONS_PER_HOUR: usize = 1_800;

/// Bytes the encoder uses at most (4 % under [`QUOTA_BYTES`]).
pub const BUDGET_BYTES: usize = 98_304;
/// Bytes per item the encoder uses at most (256 under [`QUOTA_BYTES_PER_ITEM`]).
pub const BUDGET_BYTES_PER_ITEM: usize = 7_936;
/// Items the encoder uses at most (32 under [`MAX_ITEMS`]).
pub const BUDGET_ITEMS: usize = 480;
/// Write operations per minute [`write_allowance`] allows (10 under the quota).
pub const BUDGET_WRITES_PER_MINUTE: usize = 110;
/// Write operations per hour [`write_allowance`] allows (100 under the quota).
pub const BUDGET_WRITES_PER_HOUR: usize = 1_700;
/// Most of the budget the fingerprints may hold back from full records.
pub const FINGERPRINT_SHARE_PERCENT: usize = 75;

/// The sync format version (manifest `v`).
pub const FORMAT_VERSION: u64 = 1;

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

const KEY_SETTINGS: &str = "s";
const KEY_MANIFEST: &str = "m";
/// Case-log items are `k0`, `k1`, …
const CASES_PREFIX: &str = "k";
/// Listings tried for a full record after the last one that fitted, before giving up.
const FULL_MISSES: usize = 16;
/// Largest decompressed record accepted by [`decode`].
const MAX_RECORD_BYTES: usize = 4 << 20;

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
    fn encode(&self, marketplaces: &BTreeMap<String, usize>) -> String {
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

    fn decode(s: &str, marketplaces: &[String]) -> Option<Fingerprint> {
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

/// What happened to one listing in a [`SyncPlan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// The whole record is synced.
    Full,
    /// Only its [`Fingerprint`] is synced.
    FingerprintOnly,
    /// Nothing of it is synced (the quota is spent).
    NotSynced,
}

/// Counts for the options page ("what is synced").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStats {
    /// Sum of the items' sizes (key + JSON value, UTF-8 bytes).
    pub bytes_used: usize,
    /// Number of items.
    pub items_used: usize,
    /// Listings synced in full.
    pub full: usize,
    /// Listings synced as fingerprints only.
    pub fingerprint_only: usize,
    /// Listings not synced at all. `full + fingerprint_only + not_synced` is
    /// the number of listings given to [`encode`].
    pub not_synced: usize,
    /// One sentence per kind of listing that is not fully synced, saying why.
    pub reasons: Vec<String>,
    /// Fingerprints of listings only another browser has, kept in the items
    /// ([`SyncOptions::carry`]); not counted in `full`, `fingerprint_only` or
    /// `not_synced`.
    #[serde(default)]
    pub carried: usize,
    /// Case logs synced ([`SyncOptions::cases`] packed into `k<n>` items).
    #[serde(default)]
    pub cases_synced: usize,
    /// Listing keys whose case log stays local only: no room was left after
    /// the listings (or it is larger than one item). Sorted.
    #[serde(default)]
    pub cases_local_only: Vec<String>,
}

/// The items to store in `chrome.storage.sync`, and what they hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncPlan {
    /// Key → value, exactly as to be passed to `chrome.storage.sync.set`.
    pub items: BTreeMap<String, Value>,
    /// Listing key (`marketplace/ASIN`) → what is synced of it.
    pub status: BTreeMap<String, SyncState>,
    /// Totals.
    pub stats: SyncStats,
}

/// Extra inputs to [`encode_with`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncOptions {
    /// Listing key → when the seller last used it (ms since the epoch). Used
    /// instead of `updated_at` to choose which listings are synced in full.
    pub last_used: BTreeMap<String, i64>,
    /// Fingerprints of listings that another browser synced and this one does
    /// not have (`MergeResult::remote_only`): kept in the fingerprint items,
    /// after every local listing's fingerprint and while room remains, so that
    /// this browser's push does not hide them from the others. Ignored for keys
    /// this browser has.
    pub carry: Vec<Fingerprint>,
    /// Case logs by listing key (`cases:<key>` in `storage.local`): synced
    /// after the listings, as far as the space left allows (see the module
    /// docs). Empty logs are ignored.
    pub cases: BTreeMap<String, Vec<Case>>,
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
    /// The synced case logs by listing key.
    #[serde(default)]
    pub cases: BTreeMap<String, Vec<Case>>,
}

/// The writes that turn the stored items into a new plan's items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemsDiff {
    /// Items to pass to one `chrome.storage.sync.set` call.
    pub set: BTreeMap<String, Value>,
    /// Keys to pass to one `chrome.storage.sync.remove` call.
    pub remove: Vec<String>,
}

/// How many write operations may be made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteAllowance {
    /// Write operations (`set`/`remove` calls) allowed right now.
    pub available_now: usize,
    /// When the next write is allowed (ms since the epoch): `now_ms` when
    /// `available_now > 0`.
    pub next_at_ms: i64,
}

/// The size Chrome charges for one item: key length plus JSON length, in bytes.
pub fn item_bytes(key: &str, value: &Value) -> usize {
    key.len() + serde_json::to_string(value).map_or(usize::MAX / 4, |s| s.len())
}

/// [`encode_with`] with no `last_used` information.
pub fn encode(listings: &[Listing], settings: &Settings) -> SyncPlan {
    encode_with(listings, settings, &SyncOptions::default())
}

struct Full {
    idx: usize,
    id: String,
    chunks: Vec<String>,
    sum: String,
}

/// Encodes `listings` and `settings` into sync items (see the module docs).
pub fn encode_with(listings: &[Listing], settings: &Settings, options: &SyncOptions) -> SyncPlan {
    // Remote-only fingerprints to carry: one per key, none for a key we have.
    let local_keys: BTreeSet<String> = listings.iter().map(Listing::key).collect();
    let mut carry_keys = BTreeSet::new();
    let carried: Vec<&Fingerprint> = options
        .carry
        .iter()
        .filter(|fp| !local_keys.contains(&fp.key) && carry_keys.insert(fp.key.clone()))
        .collect();
    let marketplaces: BTreeSet<&str> = listings
        .iter()
        .map(|l| l.marketplace.as_str())
        .chain(carried.iter().map(|fp| fp.marketplace.as_str()))
        .collect();
    let mk_index: BTreeMap<String, usize> = marketplaces
        .iter()
        .enumerate()
        .map(|(i, m)| (m.to_string(), i))
        .collect();
    let mk_list: Vec<String> = marketplaces.iter().map(|m| m.to_string()).collect();

    // Priority: most recently used first, then key (deterministic).
    let mut order: Vec<usize> = (0..listings.len()).collect();
    let prio = |l: &Listing| -> i64 {
        options
            .last_used
            .get(&l.key())
            .copied()
            .or_else(|| crate::time::parse_rfc3339(&l.updated_at))
            .unwrap_or(i64::MIN)
    };
    order.sort_by(|&a, &b| {
        prio(&listings[b])
            .cmp(&prio(&listings[a]))
            .then_with(|| listings[a].key().cmp(&listings[b].key()))
            .then_with(|| b.cmp(&a))
    });
    // One listing per key: the first in priority order.
    let mut seen = BTreeSet::new();
    let mut duplicates = Vec::new();
    order.retain(|&i| {
        if seen.insert(listings[i].key()) {
            true
        } else {
            duplicates.push(i);
            false
        }
    });

    // Indices 0..len are the listings; len.. the carried fingerprints.
    let fps: Vec<String> = (0..listings.len())
        .map(|i| Fingerprint::of(&listings[i]).encode(&mk_index))
        .chain(carried.iter().map(|fp| fp.encode(&mk_index)))
        .collect();
    let carried_idx: Vec<usize> = (listings.len()..fps.len()).collect();
    let total_listings = listings.len() + carried.len();

    let settings_value = settings::to_stored(settings);
    let fixed = item_bytes(KEY_SETTINGS, &settings_value)
        + item_bytes(
            KEY_MANIFEST,
            &manifest_with(&mk_list, 999, total_listings, Vec::new()),
        );
    let budget = BUDGET_BYTES.saturating_sub(fixed);
    let fp_cost = |i: usize| fps[i].len() + 3;
    let fp_item_payload = BUDGET_BYTES_PER_ITEM - 8;
    let fp_total: usize = order.iter().chain(&carried_idx).map(|&i| fp_cost(i)).sum();
    let fp_reserve_need = |bytes: usize| {
        if bytes == 0 {
            0
        } else {
            bytes + (bytes.div_ceil(fp_item_payload) + 1) * 8
        }
    };
    let reserve = fp_reserve_need(fp_total).min(budget * FINGERPRINT_SHARE_PERCENT / 100);

    // Full records.
    let mut fulls: Vec<Full> = Vec::new();
    let mut used_ids = BTreeSet::new();
    let mut full_used = 0usize;
    let mut manifest_entries_bytes = 0usize;
    let manifest_base = item_bytes(
        KEY_MANIFEST,
        &manifest_with(&mk_list, 999, total_listings, Vec::new()),
    );
    let mut items_used = 2usize;
    let mut misses = 0usize;
    for &i in &order {
        if misses >= FULL_MISSES || budget.saturating_sub(reserve) < full_used + 256 {
            break;
        }
        let l = &listings[i];
        let blob = compress(l);
        let mut id = hash_n(l.key().as_bytes(), 6);
        let mut salt = 0u32;
        while used_ids.contains(&id) {
            salt += 1;
            id = hash_n(format!("{}#{salt}", l.key()).as_bytes(), 6);
        }
        let chunks = split_chunks(&id, &blob);
        let sum = hash_n(blob.as_bytes(), 4);
        let chunk_bytes: usize = chunks
            .iter()
            .enumerate()
            .map(|(n, c)| chunk_key(&id, n).len() + c.len() + 2)
            .sum();
        let entry_bytes = entry_value(&id, chunks.len(), &sum, &fps[i])
            .to_string()
            .len()
            + 1;
        let fits = full_used + chunk_bytes + entry_bytes + reserve <= budget
            && manifest_base + manifest_entries_bytes + entry_bytes <= BUDGET_BYTES_PER_ITEM
            && items_used + chunks.len() < BUDGET_ITEMS;
        if fits {
            full_used += chunk_bytes + entry_bytes;
            manifest_entries_bytes += entry_bytes;
            items_used += chunks.len();
            used_ids.insert(id.clone());
            fulls.push(Full {
                idx: i,
                id,
                chunks,
                sum,
            });
            misses = 0;
        } else {
            misses += 1;
        }
    }
    let full_set: BTreeSet<usize> = fulls.iter().map(|f| f.idx).collect();

    // Fingerprints for the rest, in priority order, then the carried ones, while they fit.
    let mut fp_set: Vec<usize> = Vec::new();
    let mut fp_bytes = 0usize;
    for &i in order.iter().chain(&carried_idx) {
        if full_set.contains(&i) {
            continue;
        }
        let next = fp_bytes + fp_cost(i);
        let need = fp_reserve_need(next);
        let fp_items = next.div_ceil(fp_item_payload) + 1;
        if full_used + need <= budget && items_used + fp_items <= BUDGET_ITEMS {
            fp_bytes = next;
            fp_set.push(i);
        }
    }

    // Assemble, then make sure (cheaply, exactly) that every limit holds.
    loop {
        let items = assemble(
            &settings_value,
            &mk_list,
            total_listings,
            &fulls,
            &fp_set,
            &fps,
        );
        let total: usize = items.iter().map(|(k, v)| item_bytes(k, v)).sum();
        let per_item_ok = items
            .iter()
            .all(|(k, v)| item_bytes(k, v) <= BUDGET_BYTES_PER_ITEM);
        if (total <= BUDGET_BYTES && items.len() <= BUDGET_ITEMS && per_item_ok)
            || (fp_set.is_empty() && fulls.is_empty())
        {
            let mut plan = finish(listings, items, total, &fulls, &fp_set, &duplicates);
            add_cases(&mut plan, &options.cases);
            return plan;
        }
        if fp_set.pop().is_none() {
            fulls.pop();
        }
    }
}

fn finish(
    listings: &[Listing],
    items: BTreeMap<String, Value>,
    bytes_used: usize,
    fulls: &[Full],
    fp_set: &[usize],
    duplicates: &[usize],
) -> SyncPlan {
    let mut state = vec![SyncState::NotSynced; listings.len()];
    for f in fulls {
        state[f.idx] = SyncState::Full;
    }
    let mut carried = 0usize;
    for &i in fp_set {
        match state.get_mut(i) {
            Some(s) => *s = SyncState::FingerprintOnly,
            None => carried += 1,
        }
    }
    let mut status = BTreeMap::new();
    for (i, l) in listings.iter().enumerate() {
        if !duplicates.contains(&i) {
            status.insert(l.key(), state[i]);
        }
    }
    let count = |s: SyncState| state.iter().filter(|x| **x == s).count();
    let (full, fingerprint_only, not_synced) = (
        count(SyncState::Full),
        count(SyncState::FingerprintOnly),
        count(SyncState::NotSynced),
    );
    let mut reasons = Vec::new();
    if fingerprint_only > 0 {
        reasons.push(format!(
            "{fingerprint_only} listing(s) are synced as fingerprints only: their full records \
             do not fit in the {QUOTA_BYTES}-byte sync quota beside the more recently used ones"
        ));
    }
    let dropped = not_synced - duplicates.len();
    if dropped > 0 {
        reasons.push(format!(
            "{dropped} listing(s) are not synced: the {QUOTA_BYTES}-byte sync quota is spent \
             (they stay in this browser; use the export file to move them)"
        ));
    }
    if !duplicates.is_empty() {
        reasons.push(format!(
            "{} listing(s) are not synced: another listing has the same marketplace/ASIN key",
            duplicates.len()
        ));
    }
    let items_used = items.len();
    SyncPlan {
        items,
        status,
        stats: SyncStats {
            bytes_used,
            items_used,
            full,
            fingerprint_only,
            not_synced,
            reasons,
            carried,
            cases_synced: 0,
            cases_local_only: Vec::new(),
        },
    }
}

/// A case log's entry in a `k<n>` item: `[key, log]`, the log as plain JSON
/// or `z<base64 of deflated JSON>`, whichever is shorter.
fn case_entry(key: &str, log: &[Case]) -> Value {
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

/// Groups entries (with their JSON lengths), in the given order, into items
/// no larger than [`BUDGET_BYTES_PER_ITEM`]. Returns the groups and their
/// total size as Chrome counts it (keys included), or `None` when one entry
/// alone is too large for an item.
fn pack_cases<'a>(entries: &[(&'a Value, usize)]) -> Option<(Vec<Vec<&'a Value>>, usize)> {
    let mut groups: Vec<Vec<&Value>> = Vec::new();
    let mut total = 0usize;
    let mut cur: Vec<&Value> = Vec::new();
    let mut cur_bytes = 0usize; // key + brackets + entries + commas
    for &(v, len) in entries {
        if !cur.is_empty() && cur_bytes + 1 + len > BUDGET_BYTES_PER_ITEM {
            total += cur_bytes;
            groups.push(std::mem::take(&mut cur));
        }
        if cur.is_empty() {
            let key_len = CASES_PREFIX.len() + groups.len().to_string().len();
            cur_bytes = key_len + 2 + len;
            if cur_bytes > BUDGET_BYTES_PER_ITEM {
                return None;
            }
        } else {
            cur_bytes += 1 + len;
        }
        cur.push(v);
    }
    if !cur.is_empty() {
        total += cur_bytes;
        groups.push(cur);
    }
    Some((groups, total))
}

/// Packs `cases` into the space `plan` leaves (see the module docs): newest
/// case log first, each only when it still fits; the items sorted by key.
fn add_cases(plan: &mut SyncPlan, cases: &BTreeMap<String, Vec<Case>>) {
    struct Candidate<'a> {
        key: &'a str,
        entry: Value,
        len: usize,
        newest: Option<i64>,
    }
    let mut candidates: Vec<Candidate> = cases
        .iter()
        .filter(|(_, log)| !log.is_empty())
        .map(|(key, log)| {
            let entry = case_entry(key, log);
            Candidate {
                key,
                len: entry.to_string().len(),
                entry,
                newest: log
                    .iter()
                    .filter_map(|c| crate::time::parse_rfc3339(&c.updated_at))
                    .max(),
            }
        })
        .collect();
    candidates.sort_by(|a, b| b.newest.cmp(&a.newest).then_with(|| a.key.cmp(b.key)));
    let room_bytes = BUDGET_BYTES.saturating_sub(plan.stats.bytes_used);
    let room_items = BUDGET_ITEMS.saturating_sub(plan.items.len());
    // Chosen entries by key (the order they are packed in).
    let mut chosen: BTreeMap<&str, (&Value, usize)> = BTreeMap::new();
    let mut local_only = Vec::new();
    let mut packed: (Vec<Vec<&Value>>, usize) = (Vec::new(), 0);
    for c in &candidates {
        // No room at all for this one (it adds at least its length and a comma).
        if c.len + 1 > room_bytes.saturating_sub(packed.1) {
            local_only.push(c.key.to_string());
            continue;
        }
        chosen.insert(c.key, (&c.entry, c.len));
        let entries: Vec<(&Value, usize)> = chosen.values().copied().collect();
        match pack_cases(&entries) {
            Some(p) if p.1 <= room_bytes && p.0.len() <= room_items => packed = p,
            _ => {
                chosen.remove(c.key);
                local_only.push(c.key.to_string());
            }
        }
    }
    let (groups, bytes) = packed;
    for (n, g) in groups.into_iter().enumerate() {
        plan.items.insert(
            format!("{CASES_PREFIX}{n}"),
            Value::Array(g.into_iter().cloned().collect()),
        );
    }
    local_only.sort();
    plan.stats.bytes_used += bytes;
    plan.stats.items_used = plan.items.len();
    plan.stats.cases_synced = chosen.len();
    plan.stats.cases_local_only = local_only;
}

fn assemble(
    settings_value: &Value,
    mk_list: &[String],
    total: usize,
    fulls: &[Full],
    fp_set: &[usize],
    fps: &[String],
) -> BTreeMap<String, Value> {
    let mut items = BTreeMap::new();
    items.insert(KEY_SETTINGS.to_string(), settings_value.clone());
    // Fingerprints sorted by their encoded form (marketplace index, ASIN): stable.
    let mut entries: Vec<&str> = fp_set.iter().map(|&i| fps[i].as_str()).collect();
    entries.sort_unstable();
    let mut fp_items: Vec<Vec<Value>> = Vec::new();
    let mut cur: Vec<Value> = Vec::new();
    let mut cur_bytes = 0usize;
    for e in entries {
        let key_len = format!("f{}", fp_items.len()).len();
        if !cur.is_empty() && key_len + 2 + cur_bytes + e.len() + 3 > BUDGET_BYTES_PER_ITEM {
            fp_items.push(std::mem::take(&mut cur));
            cur_bytes = 0;
        }
        cur_bytes += e.len() + 3;
        cur.push(Value::from(e));
    }
    if !cur.is_empty() {
        fp_items.push(cur);
    }
    let n_fp = fp_items.len();
    for (n, v) in fp_items.into_iter().enumerate() {
        items.insert(format!("f{n}"), Value::Array(v));
    }
    let mut sorted: Vec<&Full> = fulls.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    for f in &sorted {
        for (n, c) in f.chunks.iter().enumerate() {
            items.insert(chunk_key(&f.id, n), Value::from(c.as_str()));
        }
    }
    let full_entries: Vec<Value> = sorted
        .iter()
        .map(|f| entry_value(&f.id, f.chunks.len(), &f.sum, &fps[f.idx]))
        .collect();
    items.insert(
        KEY_MANIFEST.to_string(),
        manifest_with(mk_list, n_fp, total, full_entries),
    );
    items
}

fn manifest_with(mk_list: &[String], n_fp: usize, total: usize, full: Vec<Value>) -> Value {
    serde_json::json!({
        "v": FORMAT_VERSION,
        "mk": mk_list,
        "f": n_fp,
        "t": total,
        "c": full,
    })
}

fn entry_value(id: &str, n: usize, sum: &str, fp: &str) -> Value {
    serde_json::json!([id, n, sum, fp])
}

fn chunk_key(id: &str, n: usize) -> String {
    format!("c{id}.{n}")
}

fn split_chunks(id: &str, blob: &str) -> Vec<String> {
    // Chunk payloads are base64 (ASCII): cutting at any byte is safe.
    let payload = BUDGET_BYTES_PER_ITEM - chunk_key(id, 999).len() - 2;
    blob.as_bytes()
        .chunks(payload)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}

fn compress(l: &Listing) -> String {
    let json = serde_json::to_vec(l).unwrap_or_default();
    let deflated = miniz_oxide::deflate::compress_to_vec(&json, 9);
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(deflated)
}

fn decompress(blob: &str) -> Result<Listing, String> {
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(blob)
        .map_err(|e| format!("not base64 ({e})"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_RECORD_BYTES)
        .map_err(|e| format!("not deflate data ({e:?})"))?;
    serde_json::from_slice(&json).map_err(|e| format!("not a listing ({e})"))
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
    SyncContents {
        settings,
        listings: listings.into_values().collect(),
        fingerprints: fingerprints.into_values().collect(),
        total,
        problems,
        cases,
    }
}

fn is_cases_key(key: &str) -> bool {
    key.strip_prefix(CASES_PREFIX)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
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

fn decompress_cases(s: &str) -> Result<Vec<Case>, String> {
    let blob = s.strip_prefix('z').ok_or("not a packed case log")?;
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(blob)
        .map_err(|e| format!("not base64 ({e})"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_RECORD_BYTES)
        .map_err(|e| format!("not deflate data ({e:?})"))?;
    serde_json::from_slice(&json).map_err(|e| format!("not a case log ({e})"))
}

/// Is `key` one of the keys [`encode`] writes?
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

/// How many write operations (`set`/`remove` calls) may be made at `now_ms`,
/// given when the recent ones were made (ms since the epoch, any order), under
/// [`BUDGET_WRITES_PER_MINUTE`] and [`BUDGET_WRITES_PER_HOUR`].
pub fn write_allowance(recent_writes_ms: &[i64], now_ms: i64) -> WriteAllowance {
    let mut writes: Vec<i64> = recent_writes_ms.to_vec();
    writes.sort_unstable();
    let window = |span: i64, limit: usize| -> (usize, i64) {
        let inside: Vec<i64> = writes
            .iter()
            .copied()
            .filter(|&t| t <= now_ms && now_ms - t < span)
            .collect();
        if inside.len() < limit {
            (limit - inside.len(), now_ms)
        } else {
            // The oldest writes must leave the window until one slot is free.
            (0, inside[inside.len() - limit] + span)
        }
    };
    let (per_minute, minute_at) = window(60_000, BUDGET_WRITES_PER_MINUTE);
    let (per_hour, hour_at) = window(3_600_000, BUDGET_WRITES_PER_HOUR);
    WriteAllowance {
        available_now: per_minute.min(per_hour),
        next_at_ms: minute_at.max(hour_at).max(now_ms),
    }
}

// ---------------------------------------------------------------------------

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
fn hash_n(bytes: &[u8], n: usize) -> String {
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

fn escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('|', "%7C")
        .replace('/', "%2F")
}

fn unescape(s: &str) -> String {
    s.replace("%2F", "/")
        .replace("%7C", "|")
        .replace("%25", "%")
}

/// RFC 3339 → the same instant to the second, in UTC (what a fingerprint keeps).
fn seconds_rfc3339(s: &str) -> String {
    match crate::time::parse_rfc3339(s) {
        Some(ms) => crate::time::rfc3339(ms.div_euclid(1000) * 1000),
        None => s.to_string(),
    }
}

fn encode_time(s: &str) -> String {
    match crate::time::parse_rfc3339(s) {
        Some(ms) if ms >= 0 => to_base36(ms.div_euclid(1000) as u64),
        _ => format!("~{}", escape(s)),
    }
}

fn decode_time(s: &str) -> Option<String> {
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
    fn sync_keys_are_recognised() {
        for k in ["s", "m", "f0", "f12", "cAbC-_x.0", "cZZ.13", "k0", "k17"] {
            assert!(is_sync_key(k), "{k}");
        }
        for k in ["listings", "f", "fx", "c.0", "cabc", "settings", "k", "kx"] {
            assert!(!is_sync_key(k), "{k}");
        }
    }

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
