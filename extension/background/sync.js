// storage.sync: push the local listings and settings within the quotas, merge what another
// browser synced. Local data is never changed by a refused or full sync, and a losing version
// of a listing is kept (storage.local `versions:<key>`), never dropped.
// Case logs (`cases:<key>`, written by cases.js) go along after the listings while room remains
// (the core decides; `stats.cases_synced` / `stats.cases_local_only`), are merged per case ID on
// a pull (newer `updated_at` wins, nothing dropped), and a case edit schedules a push (through
// storage.onChanged below). Histories (`history:<key>`) stay local: they do not fit.
//
// storage.local keys of this module:
//   sync_status   {code, error, at, ok_at, next_at, stats, status, used, pending}: the last push
//                 (`stats`/`status` = what sync holds since the last successful push;
//                 `used` = bytes and items sync holds now, other extensions' items included)
//   sync_remote   {at, remote_only: [Fingerprint], changed_elsewhere: [...], problems, total}:
//                 what the last pull found that this browser cannot show in full
//   sync_pending  {since, attempts, next_at, dirty_at}: a push is owed (written as soon as one
//                 is scheduled, so it survives the worker being stopped; every worker start
//                 resumes it; a push clears it unless something changed after it started)
//   sync_writes   [ms]: when the recent write operations were made (the 120/min, 1,800/h limits)
//   sync_settings_seen  the settings item (`s`) last pushed or applied, as canonical JSON: a
//                 settings item that differs came from another browser (no ping-pong)
//   sync_behind   what sync lacked at the last few pulls that pushed (no second push for the same)
//   sync_last_used {key: ms}: when a listing's page was last checked (most recently used listings
//                 go in full)
//   versions:<key>  [{at, from: "this"|"other", reason, listing}], newest first, at most 20
//   sync_deleted  {key: ms}: the deletions this browser knows (its own and other browsers'), the
//                 tombstones it syncs (`d<n>` items): a listing changed no later than a deletion is
//                 deleted everywhere and never merged back from an older synced copy; one changed
//                 after it wins (the newer action). Forgotten after 90 days.
//   recently_deleted {key: {deleted_at, from: "this"|"other", listing}}: deleted listings, restorable
//                 for 30 days ("Recently deleted" in options; a restore is a new edit, so it travels)
//                 with their per-listing items (history, cases, screenshots, last check,
//                 versions), which go when the entry expires unless the listing exists again
//                 (forgetDropped, below)
import { api } from '../lib/platform.js';
import {
  core, keyOf, loadListings, saveListings, listingsSavedHooks, listingsBeforeSaveHooks, failure,
  listingsGeneration, listingsTouched, ListingsChanged, withFreshListings,
} from './core.js';
import { recheckAllTabs, pageCheckedHooks } from './checks.js';

/** How many losing versions are kept per listing. */
export const MAX_VERSIONS = 20;
/** How many deletions are remembered (the oldest are forgotten first). */
const MAX_DELETED = 5000;
/** How long a deletion travels, and how long a deleted listing stays restorable here. */
export const TOMBSTONE_MS = 90 * 86_400_000;
export const RESTORE_MS = 30 * 86_400_000;
/** How many "last used" times are kept (the oldest are forgotten first). */
const MAX_LAST_USED = 5000;
/** Retry delays after a refused write: 1 min doubling to 30 min. */
const RETRY_MIN_MS = 60_000;
const RETRY_MAX_MS = 30 * 60_000;

export const versionsKey = (key) => `versions:${key}`;
const CASES_PREFIX = 'cases:';

/** `{key: [Case]}` of the given listing keys that have a non-empty case log. */
async function loadCaseLogs(keys) {
  if (!keys.length) return {};
  const got = await api.storage.local.get(keys.map((k) => CASES_PREFIX + k));
  const out = {};
  for (const k of keys) {
    const v = got[CASES_PREFIX + k];
    if (Array.isArray(v) && v.length) out[k] = v;
  }
  return out;
}

/**
 * Case logs this module wrote from a pull (`cases:<key>` -> JSON text): their storage.onChanged
 * needs no push (the case came from sync). A seller's case edit does.
 */
const pulledCases = new Map();

// ------------------------------------------------------------------ helpers

/** Push and pull run one at a time (a pull in the middle of a push would see half of it). */
let chain = Promise.resolve();
function serial(task) {
  const next = chain.catch(() => {}).then(task);
  chain = next.catch(() => {});
  return next;
}

/** JSON with object keys sorted: the same value always gives the same text. */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

const utf8 = new TextEncoder();
/** What sync holds: bytes (key + JSON value, UTF-8, as Chrome counts) and items. */
function usage(items) {
  let bytes = 0;
  for (const [k, v] of Object.entries(items)) bytes += utf8.encode(k).length + utf8.encode(JSON.stringify(v)).length;
  return { bytes, items: Object.keys(items).length };
}

/** A refused write's kind, from the browser's message: full | rate | other. */
export function errorCode(message) {
  const m = String(message ?? '');
  if (/MAX_WRITE_OPERATIONS/i.test(m)) return 'rate';
  if (/quota|MAX_ITEMS|QUOTA_BYTES/i.test(m)) return 'full';
  return 'other';
}

async function syncEnabled() {
  const { settings } = await api.storage.local.get('settings');
  const s = await core('settings_read', { stored: settings ?? null });
  return s.sync_enabled !== false;
}

/**
 * What this worker last wrote to sync (key -> JSON text, null = removed): a storage.onChanged
 * that only reports our own writes needs no pull (lost with the worker; then we just pull).
 */
const ownWrites = new Map();

function onlyOwnWrites(changes) {
  return Object.entries(changes).every(([k, c]) => ownWrites.has(k)
    && ownWrites.get(k) === (c.newValue === undefined ? null : JSON.stringify(c.newValue)));
}

// ------------------------------------------------------------------ pending push / timer

let syncTimer = 0;

/**
 * Pushes after `delay` ms (debounced). The push is recorded as owed at once (`dirty_at`), so a
 * worker stopped before the timer fires pushes on its next start.
 */
export function scheduleSyncPush(delay = 1500) {
  clearTimeout(syncTimer);
  const wait = Math.max(0, delay);
  syncTimer = setTimeout(() => { syncPush().catch(() => {}); }, wait);
  const now = Date.now();
  api.storage.local.get('sync_pending').then(({ sync_pending: p }) => api.storage.local.set({
    sync_pending: { since: p?.since ?? now, attempts: p?.attempts ?? 0, next_at: now + wait, dirty_at: now },
  })).catch(() => {});
}

/** A push that started at `started` succeeded: nothing is owed unless something changed since. */
async function clearPending(started) {
  const { sync_pending: p } = await api.storage.local.get('sync_pending');
  if (p && p.dirty_at > started) return;
  await api.storage.local.remove('sync_pending');
}

/** Marks a push as owed (before trying it) so a stopped worker resumes it on its next start. */
async function markPending(nextAt, attemptsDelta = 0) {
  const { sync_pending: p } = await api.storage.local.get('sync_pending');
  const pending = {
    since: p?.since ?? Date.now(),
    attempts: (p?.attempts ?? 0) + attemptsDelta,
    next_at: nextAt,
    dirty_at: p?.dirty_at ?? 0,
  };
  await api.storage.local.set({ sync_pending: pending });
  return pending;
}

// ------------------------------------------------------------------ versions

/** Adds losing versions to `versions:<key>` items (read from `current`), newest first. */
function addVersions(current, entries) {
  const out = {};
  for (const e of entries) {
    const k = versionsKey(e.key);
    const list = out[k] ?? (Array.isArray(current[k]) ? [...current[k]] : []);
    const same = list.some((v) => v.listing?.updated_at === e.listing.updated_at && canonical(v.listing) === canonical(e.listing));
    if (!same) list.unshift({ at: e.at, from: e.from, reason: e.reason, listing: e.listing });
    out[k] = list.slice(0, MAX_VERSIONS);
  }
  // Only the items that actually gained a version.
  for (const k of Object.keys(out)) {
    if (canonical(out[k]) === canonical(current[k] ?? [])) delete out[k];
  }
  return out;
}

// ------------------------------------------------------------------ pull

/**
 * Two versions changed at the same instant: every browser must keep the same one, or each would
 * keep its own and push it back and forth. The core keeps the local one; here the version whose
 * canonical JSON sorts last wins, in every browser alike.
 */
function sameTimeTies(result) {
  let listings = null;
  const updated = new Set(result.updated);
  const conflicts = result.conflicts.map((c) => {
    if (!c.reason.startsWith('both')) return c;
    if (canonical(c.lost) <= canonical(c.kept)) return { ...c, tie: true };
    listings = listings ?? new Map(result.listings.map((l) => [keyOf(l), l]));
    listings.set(c.key, c.lost);
    updated.add(c.key);
    return { ...c, kept: c.lost, lost: c.kept, kept_from: 'remote', tie: true };
  });
  if (!listings) return { ...result, conflicts };
  return {
    ...result,
    conflicts,
    listings: [...listings.values()],
    updated: [...updated].sort(),
  };
}

/** `sync_deleted` ({key: ms}) as the core's tombstones, and back. */
function toTombstones(deleted) {
  return Object.entries(deleted ?? {})
    .filter(([, at]) => Number.isFinite(at))
    .map(([key, at]) => ({ key, deleted_at: new Date(at).toISOString() }));
}
function fromTombstones(list) {
  const out = {};
  for (const t of list ?? []) {
    const at = Date.parse(t.deleted_at);
    if (Number.isFinite(at)) out[t.key] = at;
  }
  return out;
}

/** The recently deleted listings still restorable at `now` (older than 30 days are dropped). */
function pruneBin(bin, now) {
  const out = {};
  for (const [k, e] of Object.entries(bin ?? {})) {
    if (e && e.listing && now - e.deleted_at <= RESTORE_MS) out[k] = e;
  }
  return out;
}

// A deleted listing keeps its own storage.local items while it is restorable, so a restore
// brings back its history, case log and screenshots. When its "Recently deleted" entry goes
// (expired, or unreadable) they go too, unless the listing exists again (restored, saved again,
// imported, or arrived through sync): every writer of a pruned bin calls forgetDropped first.
/** The items of one listing, by key prefix (history.js, cases.js, shots.js, catalog.js, here). */
const LISTING_ITEM_PREFIXES = ['history:', 'cases:', 'shots:', 'check:', 'versions:'];
/**
 * Shared items with an entry per listing key: item -> the member holding the `{key: …}` map
 * (null: the item is the map). baseline.js's review queue, watch.js's notified signatures,
 * this module's last use. (`watch:recent` forgets by itself after 24 h; `watch:schedule` keeps
 * only watched keys; `sync_deleted` has its own 90 days: the deletion must keep travelling.)
 */
const LISTING_ENTRIES = { 'baseline:review': null, 'watch:notify': 'last_notified', sync_last_used: null };

/**
 * Before a bin (`bin`, pruned) replaces the stored one (`stored`): removes the items of the
 * listings whose entry it drops, except the ones in `kept` (the listings the write about to be
 * issued keeps: a Set or a map by key) or in the stored listings. One `remove` of their items
 * (and one `set` of the shared items that had entries of them), issued in the turn the stored
 * listings were read in, and only if no listings write was issued since that read began (this
 * worker counts them): an item written for a listing saved again after it stays. Called before
 * the bin is written: a worker stopped in between leaves the entry (pruneBin hides it; the next
 * prune removes again). Returns the keys it could not settle (the listings kept being written):
 * the caller keeps their entries for a later prune.
 */
async function forgetDropped(stored, bin, kept = null) {
  const keep = kept instanceof Set ? kept : new Set(Object.keys(kept ?? {}));
  const dropped = Object.keys(stored ?? {}).filter((k) => !Object.hasOwn(bin, k) && !keep.has(k));
  if (!dropped.length) return [];
  const shared = Object.keys(LISTING_ENTRIES);
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    const gen = listingsGeneration();
    const got = await api.storage.local.get(['listings', ...shared]);
    if (gen !== listingsGeneration()) continue;
    const listings = got.listings && typeof got.listings === 'object' ? got.listings : {};
    const gone = dropped.filter((k) => !Object.hasOwn(listings, k));
    if (!gone.length) return [];
    const set = {};
    for (const [item, member] of Object.entries(LISTING_ENTRIES)) {
      const value = got[item];
      const map = member ? value?.[member] : value;
      if (!map || typeof map !== 'object' || !gone.some((k) => Object.hasOwn(map, k))) continue;
      const rest = { ...map };
      for (const k of gone) delete rest[k];
      set[item] = member ? { ...value, [member]: rest } : rest;
    }
    const writes = [api.storage.local.remove(gone.flatMap((k) => LISTING_ITEM_PREFIXES.map((p) => p + k)))];
    if (Object.keys(set).length) writes.push(api.storage.local.set(set));
    await Promise.all(writes);
    return [];
  }
  return dropped;
}

/**
 * Drops the expired "Recently deleted" entries from storage (and their listings' items, see
 * forgetDropped) when nothing else wrote the bin: at browser start and when the options page
 * lists the bin. Listings writes and sync merges prune it in their own write.
 */
export async function pruneRecentlyDeleted() {
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    const gen = listingsGeneration();
    const { recently_deleted: stored } = await api.storage.local.get('recently_deleted');
    const bin = pruneBin(stored, Date.now());
    if (Object.keys(bin).length === Object.keys(stored ?? {}).length) return;
    const left = await forgetDropped(stored, bin);
    if (left.length) return; // the listings kept changing: their writes prune it
    if (gen !== listingsGeneration()) continue; // the bin may have been written meanwhile
    listingsTouched();
    await api.storage.local.set({ recently_deleted: bin });
    return;
  }
}

/**
 * Merges `items` (everything storage.sync holds) into the local listings and settings. Writes
 * only what changed, in one storage.local write (listings + losing versions together).
 * Returns `{needPush}`: this browser has something sync lacks (or newer).
 */
function mergeItems(items) {
  // A listings write issued while the merge ran (an import, a save from a page) makes the merge
  // start again from the new listings rather than write back its stale copy over them.
  return withFreshListings((gen) => mergeOnce(items, gen));
}

async function mergeOnce(items, gen) {
  const now = Date.now();
  const map = await loadListings();
  if (!Object.keys(items).length) {
    // Sync is empty (never used, or cleared elsewhere): nothing to merge; ours should go there.
    const { sync_remote: old } = await api.storage.local.get('sync_remote');
    if (old) await api.storage.local.remove('sync_remote');
    return { needPush: Object.keys(map).length > 0, behind: `empty:${Object.keys(map).length}`, newerElsewhere: [] };
  }
  const local = Object.values(map);
  const decoded = await core('sync_decode', { items });
  // The local case logs of the listings whose case logs sync holds (merged per case ID).
  const remoteCaseKeys = Object.keys(decoded.cases ?? {});
  const localCases = await loadCaseLogs(remoteCaseKeys);
  const { sync_deleted: deleted, recently_deleted: binStored } = await api.storage.local.get(['sync_deleted', 'recently_deleted']);
  // Deletions: the newer action wins per key (the core's rule); a listing a newer deletion
  // removed is kept in "Recently deleted", an older synced copy never comes back.
  const merged = await core('sync_merge', {
    local, items, local_cases: localCases, local_tombstones: toTombstones(deleted), now_ms: now,
  });
  const result = sameTimeTies(merged);
  // Case logs to write: only of listings this browser keeps (not of one deleted here, nor of
  // one known only by its fingerprint: those come with their listing, on a later pull).
  const kept = new Set(result.listings.map(keyOf));
  const caseWrites = {};
  for (const [k, log] of Object.entries(merged.cases ?? {})) {
    if (!kept.has(k) || !Array.isArray(log)) continue;
    caseWrites[CASES_PREFIX + k] = log;
    pulledCases.set(CASES_PREFIX + k, JSON.stringify(log));
  }

  // Conflicts: the losing side goes into that listing's versions.
  const losers = result.conflicts.map((c) => ({
    key: c.key,
    at: now,
    from: c.kept_from === 'remote' ? 'this' : 'other',
    reason: c.tie ? 'same_time' : (c.kept_from === 'remote' ? 'other_newer' : 'this_newer'),
    listing: c.lost,
  }));
  // Deletions from another browser: the listing goes to "Recently deleted" (and its versions);
  // a deletion of ours that lost to a later edit elsewhere: our deleted copy joins the versions.
  const bin = pruneBin(binStored, now);
  for (const d of result.deleted ?? []) {
    bin[d.key] = { deleted_at: Date.parse(d.deleted_at) || now, from: 'other', listing: d.listing };
    losers.push({ key: d.key, at: now, from: 'this', reason: 'deleted_elsewhere', listing: d.listing });
  }
  for (const k of result.undeleted ?? []) {
    if (bin[k]) losers.push({ key: k, at: now, from: 'this', reason: 'deleted_here', listing: bin[k].listing });
    delete bin[k];
  }
  // Expired entries take their listings' items along (not of the listings this merge keeps).
  for (const k of await forgetDropped(binStored, bin, kept)) bin[k] = binStored[k];
  const tombs = fromTombstones(result.tombstones);
  const deletionsChanged = canonical(tombs) !== canonical(deleted ?? {}) || canonical(bin) !== canonical(binStored ?? {});

  const versionKeys = [...new Set(losers.map((l) => versionsKey(l.key)))];
  const current = versionKeys.length ? await api.storage.local.get(versionKeys) : {};
  const versions = addVersions(current, losers);

  const extra = { ...versions, ...caseWrites, ...(deletionsChanged ? { sync_deleted: tombs, recently_deleted: bin } : {}) };
  if (result.updated.length || (result.deleted ?? []).length) {
    const next = {};
    for (const l of result.listings) next[keyOf(l)] = l;
    // One write: a stopped worker leaves either the old state or the new one with its versions
    // (and the case logs that came with them).
    await saveListings(next, { fromSync: true, extra, ifGeneration: gen });
  } else if (Object.keys(extra).length) {
    if (gen !== listingsGeneration()) throw new ListingsChanged();
    listingsTouched();
    await api.storage.local.set(extra);
  }

  // What this browser cannot show in full: remote-only fingerprints, listings changed elsewhere.
  const remote = {
    remote_only: result.remote_only,
    changed_elsewhere: result.changed_elsewhere,
    problems: decoded.problems,
    total: decoded.total ?? null,
  };
  const { sync_remote: old } = await api.storage.local.get('sync_remote');
  const oldRest = { ...(old ?? {}) };
  delete oldRest.at;
  if (canonical(oldRest) !== canonical(remote)) await api.storage.local.set({ sync_remote: { at: now, ...remote } });

  const settingsChanged = await applyRemoteSettings(items.s);
  if (result.updated.length || (result.deleted ?? []).length || settingsChanged) await recheckAllTabs().catch(() => {});

  // Does sync lack something this browser has? (Then a push follows; the rule looks only at
  // listings, never at how the other browser packed them, so two browsers cannot ping-pong.)
  const remoteAt = new Map();
  for (const l of decoded.listings) remoteAt.set(keyOf(l), Date.parse(l.updated_at));
  for (const f of decoded.fingerprints) remoteAt.set(f.key, Date.parse(f.updated_at));
  const { sync_status: st } = await api.storage.local.get('sync_status');
  const lastStatus = st?.status ?? {};
  // `behind`: what sync lacks or holds older, as [key, updated_at] (its signature decides below).
  const behind = result.conflicts.filter((c) => c.kept_from === 'local').map((c) => [c.key, c.kept.updated_at]);
  for (const l of result.listings) {
    const k = keyOf(l);
    if (lastStatus[k] === 'not_synced') continue; // did not fit last time: not worth a push
    const at = remoteAt.get(k);
    const mine = Math.floor(Date.parse(l.updated_at) / 1000) * 1000;
    if (at === undefined || (Number.isFinite(mine) && Number.isFinite(at) && mine > at)) behind.push([k, l.updated_at]);
  }
  // Deletions sync lacks (or holds older) travel too.
  const remoteTombs = fromTombstones(decoded.tombstones);
  for (const [k, at] of Object.entries(tombs)) {
    if (!(remoteTombs[k] >= Math.floor(at))) behind.push([k, `deleted:${at}`]);
  }
  const needPush = behind.length > 0;
  behind.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  // Fingerprints of listings another browser has changed (full record not synced): a push from
  // here keeps them instead of writing this browser's older copy over them.
  const elsewhere = new Set(result.changed_elsewhere.map((c) => c.key));
  const newerElsewhere = decoded.fingerprints.filter((f) => elsewhere.has(f.key));
  return { needPush, behind: canonical(behind), newerElsewhere };
}

/**
 * Settings from another browser: applied when the `s` item differs from the one this browser
 * last pushed or applied (so our own write never comes back as a change). This browser's
 * `sync_enabled` is kept. Returns true when the local settings changed.
 */
async function applyRemoteSettings(s) {
  if (!s || typeof s !== 'object') return false;
  const text = canonical(s);
  const { sync_settings_seen: seen, settings: stored } = await api.storage.local.get(['sync_settings_seen', 'settings']);
  if (seen === text) return false;
  const [remote, mine] = await Promise.all([
    core('settings_read', { stored: s }),
    core('settings_read', { stored: stored ?? null }),
  ]);
  const next = { ...remote, sync_enabled: mine.sync_enabled };
  const nextStored = await core('settings_store', { settings: next });
  const changed = canonical(nextStored) !== canonical(await core('settings_store', { settings: mine }));
  await api.storage.local.set(changed ? { settings: nextStored, sync_settings_seen: text } : { sync_settings_seen: text });
  return changed;
}

/** Merges what another browser synced into the local listings (newer updated_at wins). */
export function syncPull() {
  return serial(async () => {
    if (!api.storage.sync || !(await syncEnabled())) return;
    const items = await api.storage.sync.get(null);
    const { needPush, behind } = await mergeItems(items);
    // Push what sync lacks, but never twice for the same lack: when two browsers' listings
    // together do not fit, each push would drop some of the other's, and they would take turns
    // forever. (A change of the seller's always pushes, through the save hook.)
    if (!needPush) return;
    const { sync_behind: seen } = await api.storage.local.get('sync_behind');
    const recent = Array.isArray(seen) ? seen : [];
    if (recent.includes(behind)) return;
    await api.storage.local.set({ sync_behind: [behind, ...recent].slice(0, 8) });
    scheduleSyncPush();
  });
}

// ------------------------------------------------------------------ push

/**
 * Pushes the local listings and settings: first merges what sync holds (so a push never
 * overwrites another browser's newer listing), then writes only the items that changed, within
 * the write-rate limits. A refused write changes nothing local; the push is retried later.
 */
export function syncPush() {
  return serial(async () => {
    try {
      await pushOnce();
    } catch (e) {
      // Anything unexpected (sync unavailable, the core failing): local data is untouched; say
      // so and try again later (the pending flag also survives a stopped worker).
      const { sync_status: prev, sync_pending: p } = await api.storage.local.get(['sync_status', 'sync_pending']);
      const attempts = (p?.attempts ?? 0) + 1;
      const nextAt = Date.now() + Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (attempts - 1));
      await markPending(nextAt, 1);
      const error = String(e?.message ?? e);
      await api.storage.local.set({
        sync_status: { ...(prev ?? {}), code: errorCode(error), error, at: Date.now(), next_at: nextAt, pending: true },
      });
      scheduleSyncPush(nextAt - Date.now());
    }
  });
}

async function pushOnce() {
  if (!api.storage.sync) return;
  if (!(await syncEnabled())) {
    await api.storage.local.remove('sync_pending');
    return;
  }
  const started = Date.now();
  await markPending(started);
  let items = await api.storage.sync.get(null);
  const { newerElsewhere } = await mergeItems(items);

  const got = await api.storage.local.get(['listings', 'settings', 'sync_remote', 'sync_last_used', 'sync_status', 'sync_writes', 'sync_deleted']);
  // A listing changed in another browser (known here by its newer fingerprint only) is not
  // pushed from here: its newer fingerprint is carried instead, so nobody loses sight of it.
  const skip = new Set(newerElsewhere.map((f) => f.key));
  const all = Object.values(got.listings && typeof got.listings === 'object' ? got.listings : {});
  const listings = all.filter((l) => !skip.has(keyOf(l)));
  // Case logs of every listing this browser has (after the listings, while room remains).
  const cases = await loadCaseLogs(all.map(keyOf));
  const plan = await core('sync_encode', {
    listings,
    settings: got.settings ?? null,
    last_used: got.sync_last_used ?? {},
    carry: [...(got.sync_remote?.remote_only ?? []), ...newerElsewhere],
    cases,
    tombstones: toTombstones(got.sync_deleted),
    now_ms: Date.now(),
  });
  const diff = await core('sync_diff', { old: items, new: plan.items });
  const setKeys = Object.keys(diff.set);
  const prev = got.sync_status ?? null;
  const status = {
    code: 'ok', error: null, at: started, ok_at: prev?.ok_at ?? null, next_at: null,
    stats: prev?.stats ?? null, status: prev?.status ?? {}, used: usage(items), pending: false,
  };
  const done = async () => {
    status.stats = plan.stats;
    status.status = plan.status;
    status.ok_at = Date.now();
    if (plan.items.s) await api.storage.local.set({ sync_settings_seen: canonical(plan.items.s) });
  };

  if (!setKeys.length && !diff.remove.length) {
    await done();
    await api.storage.local.set({ sync_status: status });
    await clearPending(started);
    return;
  }

  // The rate limits: ask the core how many write operations are allowed now.
  const recent = (Array.isArray(got.sync_writes) ? got.sync_writes : []).filter((t) => started - t < 3_600_000);
  const allowance = await core('sync_allowance', { recent_writes_ms: recent, now_ms: Date.now() });
  const writes = [...recent];
  const record = async () => { await api.storage.local.set({ sync_writes: writes }); };
  const noteSet = () => { for (const [k, v] of Object.entries(diff.set)) ownWrites.set(k, JSON.stringify(v)); };
  const noteRemove = () => { for (const k of diff.remove) ownWrites.set(k, null); };
  let budget = allowance.available_now;
  let error = null;
  let wroteSet = false;
  let wroteRemove = false;
  try {
    // New items first (one set: the manifest and the chunks it names arrive together, so a
    // reader sees the old state or the new one), then the stale ones go (one remove).
    if (setKeys.length && budget > 0) {
      writes.push(Date.now());
      budget -= 1;
      try {
        noteSet();
        await api.storage.sync.set(diff.set);
        wroteSet = true;
      } catch (e) {
        // Full only until the stale items go? Remove them first, then set again. A reader in
        // between sees entries without chunks and falls back to their fingerprints.
        if (errorCode(e?.message ?? e) !== 'full' || !diff.remove.length || budget < 2) throw e;
        writes.push(Date.now());
        budget -= 1;
        noteRemove();
        await api.storage.sync.remove(diff.remove);
        wroteRemove = true;
        writes.push(Date.now());
        budget -= 1;
        await api.storage.sync.set(diff.set);
        wroteSet = true;
      }
    }
    if (diff.remove.length && !wroteRemove && budget > 0 && (wroteSet || !setKeys.length)) {
      writes.push(Date.now());
      budget -= 1;
      noteRemove();
      await api.storage.sync.remove(diff.remove);
      wroteRemove = true;
    }
  } catch (e) {
    error = String(e?.message ?? e);
  }
  await record();
  items = await api.storage.sync.get(null).catch(() => items);
  status.used = usage(items);

  const complete = (wroteSet || !setKeys.length) && (wroteRemove || !diff.remove.length);
  if (complete) {
    await done();
    await api.storage.local.set({ sync_status: status });
    await clearPending(started);
    return;
  }
  if (error) {
    // Refused (quota full, the browser's rate limit, or another error): retry with a backoff.
    const { sync_pending: p } = await api.storage.local.get('sync_pending');
    const attempts = (p?.attempts ?? 0) + 1;
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (attempts - 1));
    status.code = errorCode(error);
    status.error = error;
    status.next_at = Date.now() + delay;
    await markPending(status.next_at, 1);
  } else {
    // The rate budget is spent: what is left goes when the core says a write is allowed.
    status.code = 'waiting';
    const after = await core('sync_allowance', { recent_writes_ms: writes, now_ms: Date.now() });
    status.next_at = Math.max(after.next_at_ms, Date.now() + 1000);
    await markPending(status.next_at);
  }
  status.pending = true;
  await api.storage.local.set({ sync_status: status });
  scheduleSyncPush(status.next_at - Date.now());
}

// ------------------------------------------------------------------ hooks

listingsSavedHooks.push(({ fromSync }) => {
  if (!fromSync) scheduleSyncPush();
});

// Before every listings write of the seller's: the push is owed, and listings deleted here (or
// replaced by an import) are remembered with when, in the same write as the listings, so the
// synced copies do not bring them back.
listingsBeforeSaveHooks.push(async (old, next, { fromSync }) => {
  if (fromSync) return {};
  const removed = Object.keys(old).filter((k) => !Object.hasOwn(next, k));
  const { sync_deleted: stored, sync_pending: p, recently_deleted: binStored } = await api.storage.local.get(['sync_deleted', 'sync_pending', 'recently_deleted']);
  // A push is owed from the moment the listings change (same write: a worker stopped right
  // after it still pushes on its next start).
  const now = Date.now();
  const pending = { sync_pending: { since: p?.since ?? now, attempts: p?.attempts ?? 0, next_at: now + 1500, dirty_at: now } };
  const deleted = {};
  // Deletions older than 90 days are forgotten (they no longer travel).
  for (const [k, at] of Object.entries(stored ?? {})) if (now - at <= TOMBSTONE_MS) deleted[k] = at;
  const bin = pruneBin(binStored, now);
  let changed = Object.keys(deleted).length !== Object.keys(stored ?? {}).length
    || Object.keys(bin).length !== Object.keys(binStored ?? {}).length;
  for (const k of Object.keys(deleted)) {
    if (Object.hasOwn(next, k)) {
      // Saved again (an import, a restore): a new action, newer than the deletion, so it wins
      // over the tombstone in every browser (an older updated_at would be deleted again).
      if (!(Date.parse(next[k].updated_at) > deleted[k])) next[k] = { ...next[k], updated_at: new Date(now).toISOString() };
      delete deleted[k];
      changed = true;
    }
  }
  for (const k of Object.keys(bin)) {
    if (Object.hasOwn(next, k)) {
      delete bin[k]; // restored or saved again
      changed = true;
    }
  }
  for (const k of removed) {
    deleted[k] = now;
    bin[k] = { deleted_at: now, from: 'this', listing: old[k] };
    changed = true;
  }
  // Expired entries take their listings' items along (not of the listings this write keeps).
  for (const k of await forgetDropped(binStored, bin, next)) bin[k] = binStored[k];
  if (!changed) return pending;
  const keys = Object.keys(deleted);
  if (keys.length > MAX_DELETED) {
    keys.sort((x, y) => deleted[x] - deleted[y]).slice(0, keys.length - MAX_DELETED).forEach((k) => delete deleted[k]);
  }
  return { ...pending, sync_deleted: deleted, recently_deleted: bin };
});

// A listing's page was checked: it is in use (most recently used listings sync in full).
pageCheckedHooks.push(async (report) => {
  if (!report || (report.status !== 'match' && report.status !== 'mismatch') || !report.asin) return;
  const key = `${report.marketplace}/${report.asin}`;
  const { sync_last_used: used } = await api.storage.local.get('sync_last_used');
  const next = { ...(used ?? {}), [key]: Date.now() };
  const keys = Object.keys(next);
  if (keys.length > MAX_LAST_USED) {
    keys.sort((x, y) => next[x] - next[y]).slice(0, keys.length - MAX_LAST_USED).forEach((k) => delete next[k]);
  }
  await api.storage.local.set({ sync_last_used: next });
});

// ------------------------------------------------------------------ export file

/** The deletions this browser knows, for the export file (`deleted`). */
export async function exportDeletions() {
  const { sync_deleted: deleted } = await api.storage.local.get('sync_deleted');
  const now = Date.now();
  return toTombstones(Object.fromEntries(Object.entries(deleted ?? {}).filter(([, at]) => now - at <= TOMBSTONE_MS)));
}

/**
 * After an import wrote `next` (the listings without the ones the file's deletions removed):
 * the file's deletions join this browser's (with the file's times, so they travel to the other
 * browsers as deletions made then), and the removed listings are restorable as deleted elsewhere.
 */
export async function applyImportedDeletions(next, deleted, tombstones) {
  if (!(deleted ?? []).length && !(tombstones ?? []).length) return;
  const now = Date.now();
  const { sync_deleted: stored, recently_deleted: binStored } = await api.storage.local.get(['sync_deleted', 'recently_deleted']);
  const tombs = { ...(stored ?? {}) };
  // The listings this import removed were stamped "now" by the save; they carry the file's time.
  const removedNow = new Set((deleted ?? []).map((d) => d.key));
  for (const [k, at] of Object.entries(fromTombstones(tombstones))) {
    if (Object.hasOwn(next, k) || now - at > TOMBSTONE_MS) continue;
    tombs[k] = removedNow.has(k) ? at : Math.max(at, tombs[k] ?? 0);
  }
  const bin = pruneBin(binStored, now);
  for (const d of deleted ?? []) {
    const at = Date.parse(d.deleted_at);
    bin[d.key] = { deleted_at: Number.isFinite(at) ? at : now, from: 'other', listing: d.listing };
  }
  for (const k of await forgetDropped(binStored, bin, next)) bin[k] = binStored[k];
  listingsTouched();
  await api.storage.local.set({ sync_deleted: tombs, recently_deleted: bin });
}

// ------------------------------------------------------------------ messages

/** Makes `version` (an earlier version of listing `key`) current, keeping the replaced one. */
async function restoreVersion(key, index) {
  const vk = versionsKey(key);
  // Read (versions and listings) and written again if another listings write was issued
  // meanwhile: a sync merge may have changed both (see core.js).
  const restored = await withFreshListings(async (gen) => {
    const got = await api.storage.local.get(vk);
    const list = Array.isArray(got[vk]) ? got[vk] : [];
    const chosen = list[index];
    if (!chosen || !chosen.listing) throw failure(`no earlier version ${index} of ${key}`, { kind: 'request' });
    const map = await loadListings();
    const now = Date.now();
    // Validate through the same code as an import; the restored version becomes the newest.
    const file = await core('parse_listings', {
      text: JSON.stringify({
        format: 'catalog-guard/listings',
        version: 1,
        listings: [{ ...chosen.listing, updated_at: new Date(now).toISOString() }],
      }),
    });
    const listing = file.listings[0];
    if (keyOf(listing) !== key) throw failure(`that version is of ${keyOf(listing)}, not ${key}`, { kind: 'request' });
    const replaced = map[key];
    const rest = list.filter((_, i) => i !== index);
    if (replaced) rest.unshift({ at: now, from: 'this', reason: 'restored_over', listing: replaced });
    map[key] = listing;
    await saveListings(map, { extra: { [vk]: rest.slice(0, MAX_VERSIONS) }, ifGeneration: gen });
    return listing;
  });
  await recheckAllTabs().catch(() => {});
  return restored;
}

/** The options page's sync messages. */
export const syncHandlers = {
  async 'ui-bg-sync-status'() {
    const got = await api.storage.local.get(['sync_status', 'sync_remote']);
    return { sync: got.sync_status ?? null, remote: got.sync_remote ?? null };
  },

  /** Push now (merging first); answers with the new status. */
  async 'ui-bg-sync-now'() {
    clearTimeout(syncTimer);
    await syncPush();
    const got = await api.storage.local.get(['sync_status', 'sync_remote']);
    return { sync: got.sync_status ?? null, remote: got.sync_remote ?? null };
  },

  async 'ui-bg-listing-versions'({ key }) {
    if (typeof key !== 'string') throw failure('key ("marketplace/ASIN") is required', { kind: 'request' });
    const vk = versionsKey(key);
    const got = await api.storage.local.get(vk);
    return { versions: Array.isArray(got[vk]) ? got[vk] : [] };
  },

  /** "Recently deleted": listings deleted here or in another browser in the last 30 days. */
  async 'ui-bg-recently-deleted'() {
    await pruneRecentlyDeleted().catch(() => {});
    const { recently_deleted: bin } = await api.storage.local.get('recently_deleted');
    const items = Object.entries(pruneBin(bin, Date.now()))
      .map(([key, e]) => ({ key, deleted_at: e.deleted_at, from: e.from, listing: e.listing }))
      .sort((x, y) => y.deleted_at - x.deleted_at || (x.key < y.key ? -1 : 1));
    return { items };
  },

  /** Restores a recently deleted listing: a new edit (newer than the deletion), so it travels. */
  async 'ui-bg-listing-undelete'({ key }) {
    if (typeof key !== 'string') throw failure('key ("marketplace/ASIN") is required', { kind: 'request' });
    // Read and written again if another listings write was issued meanwhile (see core.js).
    const listing = await withFreshListings(async (gen) => {
      const { recently_deleted: bin } = await api.storage.local.get('recently_deleted');
      const entry = pruneBin(bin, Date.now())[key];
      if (!entry) throw failure(`${key} is not in Recently deleted`, { kind: 'request' });
      const map = await loadListings();
      if (Object.hasOwn(map, key)) throw failure(`${key} is already a listing`, { kind: 'request' });
      const file = await core('parse_listings', {
        text: JSON.stringify({
          format: 'catalog-guard/listings',
          version: 1,
          listings: [{ ...entry.listing, updated_at: new Date(Date.now()).toISOString() }],
        }),
      });
      map[key] = file.listings[0];
      // The before-save hook drops the tombstone and the bin entry in the same write.
      await saveListings(map, { ifGeneration: gen });
      return map[key];
    });
    await recheckAllTabs().catch(() => {});
    return { listing };
  },

  async 'ui-bg-listing-restore'({ key, index }) {
    if (typeof key !== 'string' || !Number.isInteger(index)) throw failure('key and index are required', { kind: 'request' });
    const listing = await restoreVersion(key, index);
    return { listing };
  },
};

// ------------------------------------------------------------------ start-up

// Another browser's changes arrive through storage.sync (registered when the worker starts).
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'sync' && !onlyOwnWrites(changes)) syncPull().catch(() => {});
  if (area === 'local') {
    // A case log changed here (cases.js, an import): the other browsers should see it. Case
    // logs this module wrote from a pull came from sync and need no push.
    let edited = false;
    for (const [k, c] of Object.entries(changes)) {
      if (!k.startsWith(CASES_PREFIX)) continue;
      const text = c.newValue === undefined ? null : JSON.stringify(c.newValue);
      if (pulledCases.has(k) && pulledCases.get(k) === text) {
        pulledCases.delete(k);
        continue;
      }
      edited = true;
    }
    if (edited) syncEnabled().then((on) => { if (on) scheduleSyncPush(); }).catch(() => {});
  }
});
api.runtime.onStartup?.addListener(() => { syncPull().catch(() => {}); });
// Expired "Recently deleted" entries (and their listings' items) go at browser start too.
api.runtime.onStartup?.addListener(() => { pruneRecentlyDeleted().catch(() => {}); });
// Installed (or reinstalled) where sync already holds another browser's listings: take them now.
api.runtime.onInstalled?.addListener(() => { syncPull().catch(() => {}); });

// Every worker start: a push that was owed when the worker stopped is resumed.
api.storage.local.get('sync_pending').then(({ sync_pending: p }) => {
  if (p) scheduleSyncPush(Math.max(1000, (p.next_at ?? 0) - Date.now()));
}).catch(() => {});
