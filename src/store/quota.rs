//! Quota packing: which listings go to `chrome.storage.sync` in full, which
//! as a fingerprint only, and which not at all, within the real quotas; and
//! how many write operations the rate limits allow.
//!
//! `chrome.storage.sync` allows 102,400 bytes in all, 8,192 bytes per item and
//! 512 items, where an item's size is its key length plus the length of its
//! JSON-serialised value, in UTF-8 bytes. [`encode`] stays under
//! [`BUDGET_BYTES`], [`BUDGET_BYTES_PER_ITEM`] and [`BUDGET_ITEMS`] (a safety
//! margin under each); the item layout itself is in [`crate::store::items`],
//! and the whole picture in [`crate::store::sync`].

use crate::listing::Listing;
use crate::store::fingerprint::{hash_n, Fingerprint};
use crate::store::items::{
    case_entry, chunk_key, compress, entry_value, manifest_with, tombstone_entry, Tombstone,
    CASES_PREFIX, KEY_MANIFEST, KEY_SETTINGS, TOMBSTONES_PREFIX,
};
use crate::store::merge::merge_tombstones;
use crate::store::settings::{self, Settings};
use crate::watch::cases::Case;
use serde::{Deserialize, Serialize};
use serde_json::Value;
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
/// Most bytes the deletions ([`SyncOptions::tombstones`], `d<n>` items) may
/// take: about 700 deletions, newest first; older ones stay local only.
pub const TOMBSTONE_BUDGET_BYTES: usize = 16_384;

/// Listings tried for a full record after the last one that fitted, before giving up.
const FULL_MISSES: usize = 16;

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
    /// Deletions synced (`d<n>` items).
    #[serde(default)]
    pub tombstones_synced: usize,
    /// Deletions that did not fit in [`TOMBSTONE_BUDGET_BYTES`] (the oldest).
    #[serde(default)]
    pub tombstones_local_only: usize,
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
    /// Listings deleted here or in another browser (`MergeResult::tombstones`):
    /// synced before the full records, newest first, within
    /// [`TOMBSTONE_BUDGET_BYTES`]. A tombstone of a listing in `listings` is
    /// ignored (the listing is newer).
    pub tombstones: Vec<Tombstone>,
    /// `Date.now()` when known: tombstones older than
    /// [`crate::store::merge::TOMBSTONE_DAYS`] are left out.
    pub now_ms: Option<i64>,
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
    let tombs = live_tombstones(&options.tombstones, &local_keys, options.now_ms);
    let marketplaces: BTreeSet<&str> = listings
        .iter()
        .map(|l| l.marketplace.as_str())
        .chain(carried.iter().map(|fp| fp.marketplace.as_str()))
        .chain(
            tombs
                .iter()
                .filter_map(|t| t.key.split_once('/').map(|(m, _)| m)),
        )
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
    let (tomb_items, tombstones_synced) = pack_tombstones(&tombs, &mk_index);
    let fixed = tomb_items
        .iter()
        .map(|(k, v)| item_bytes(k, v))
        .sum::<usize>()
        + item_bytes(KEY_SETTINGS, &settings_value)
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
    let mut items_used = 2 + tomb_items.len();
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
        let mut items = assemble(
            &settings_value,
            &mk_list,
            total_listings,
            &fulls,
            &fp_set,
            &fps,
        );
        items.extend(tomb_items.clone());
        let total: usize = items.iter().map(|(k, v)| item_bytes(k, v)).sum();
        let per_item_ok = items
            .iter()
            .all(|(k, v)| item_bytes(k, v) <= BUDGET_BYTES_PER_ITEM);
        if (total <= BUDGET_BYTES && items.len() <= BUDGET_ITEMS && per_item_ok)
            || (fp_set.is_empty() && fulls.is_empty())
        {
            let mut plan = finish(listings, items, total, &fulls, &fp_set, &duplicates);
            plan.stats.tombstones_synced = tombstones_synced;
            plan.stats.tombstones_local_only = tombs.len() - tombstones_synced;
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
            tombstones_synced: 0,
            tombstones_local_only: 0,
        },
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

/// Cuts a record's base64 blob into chunks that fit one item each.
fn split_chunks(id: &str, blob: &str) -> Vec<String> {
    // Chunk payloads are base64 (ASCII): cutting at any byte is safe.
    let payload = BUDGET_BYTES_PER_ITEM - chunk_key(id, 999).len() - 2;
    blob.as_bytes()
        .chunks(payload)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}

/// The tombstones to sync: one per key (the later deletion), none for a key
/// in `local_keys`, none expired at `now_ms`; newest first.
fn live_tombstones(
    tombstones: &[Tombstone],
    local_keys: &BTreeSet<String>,
    now_ms: Option<i64>,
) -> Vec<Tombstone> {
    // Without a clock, nothing expires: measure from the newest deletion.
    let now = now_ms.unwrap_or_else(|| {
        tombstones
            .iter()
            .filter_map(|t| crate::time::parse_rfc3339(&t.deleted_at))
            .max()
            .unwrap_or(0)
    });
    let mut out: Vec<Tombstone> = merge_tombstones(tombstones, &[], now)
        .into_iter()
        .filter(|t| !local_keys.contains(&t.key))
        .collect();
    out.sort_by(|a, b| {
        crate::time::parse_rfc3339(&b.deleted_at)
            .cmp(&crate::time::parse_rfc3339(&a.deleted_at))
            .then_with(|| a.key.cmp(&b.key))
    });
    out
}

/// `d<n>` items for `tombs` (newest first) within [`TOMBSTONE_BUDGET_BYTES`]:
/// the items (entries sorted, so one new deletion rewrites little) and how
/// many tombstones they hold.
fn pack_tombstones(
    tombs: &[Tombstone],
    mk_index: &BTreeMap<String, usize>,
) -> (BTreeMap<String, Value>, usize) {
    let mut chosen: Vec<String> = Vec::new();
    let mut bytes = 0usize;
    for t in tombs {
        let Some(e) = tombstone_entry(t, mk_index) else {
            continue;
        };
        // Each entry costs its text, two quotes and a comma; each item its key and brackets.
        let next = bytes + e.len() + 3;
        let items = next.div_ceil(BUDGET_BYTES_PER_ITEM - 16) + 1;
        if next + items * 16 > TOMBSTONE_BUDGET_BYTES {
            break;
        }
        bytes = next;
        chosen.push(e);
    }
    let n = chosen.len();
    chosen.sort_unstable();
    let mut items = BTreeMap::new();
    let mut cur: Vec<Value> = Vec::new();
    let mut cur_bytes = 0usize;
    for e in chosen {
        let key = format!("{TOMBSTONES_PREFIX}{}", items.len());
        if !cur.is_empty() && key.len() + 2 + cur_bytes + e.len() + 3 > BUDGET_BYTES_PER_ITEM {
            items.insert(key, Value::Array(std::mem::take(&mut cur)));
            cur_bytes = 0;
        }
        cur_bytes += e.len() + 3;
        cur.push(Value::from(e));
    }
    if !cur.is_empty() {
        items.insert(
            format!("{TOMBSTONES_PREFIX}{}", items.len()),
            Value::Array(cur),
        );
    }
    (items, n)
}
