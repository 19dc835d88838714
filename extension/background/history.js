// Change history per listing (watch::history in the core): every page the seller views (the
// badge check) and every scheduled re-check records what the page showed; a change is stored
// only when it differs from the previous observation of that listing.
//
// Storage: storage.local `history:<marketplace/ASIN>` = History (one item per listing, so a
// check rewrites one small item, never every listing's history).
import { api } from '../lib/platform.js';
import {
  core, keyOf, loadListings, saveListings, serialiser, storedListingFor, withFreshListings,
} from './core.js';
import { pageCheckedHooks, reportHooks } from './checks.js';

/** The storage key of a listing's history. */
export const historyKey = (key) => `history:${key}`;

// Writes to one listing's history are chained, so a badge check and a re-check of the same
// listing at the same moment cannot lose each other's observation.
const serial = serialiser();

/** A listing's stored history (`null` when none). */
export async function loadHistory(key) {
  const k = historyKey(key);
  const got = await api.storage.local.get(k);
  return got[k] ?? null;
}

/**
 * Records what `page` showed for the listing `key` (source `badge`, `recheck` or `import`).
 * Returns the change stored, or null when the page showed nothing new.
 */
export function recordPage(key, page, source) {
  return serial(key, async () => {
    const history = await loadHistory(key);
    const res = await core('history_record', { history, page, source, now_ms: Date.now() });
    await api.storage.local.set({ [historyKey(key)]: res.history });
    return res.change ?? null;
  });
}

/**
 * Records a `gone` report's sighting for the listing `key` (source `badge` or `recheck`):
 * the first sighting of an episode stores one change, a later re-check confirms it.
 * Returns `{change, report}`: the change stored (or null) and the report with
 * `gone.first_seen`, `gone.last_seen` and `gone.confirmed` filled from the history.
 */
export function recordGone(key, report, source) {
  return serial(key, async () => {
    const history = await loadHistory(key);
    const res = await core('history_record_gone', { history, report, source, now_ms: Date.now() });
    await api.storage.local.set({ [historyKey(key)]: res.history });
    return { change: res.change ?? null, report: res.report };
  });
}

/**
 * A listing saved before families and availability were read learns them from the next
 * product page of it (`learn`: only what it does not know; no mismatch is raised for them
 * before). Returns the fields filled.
 */
export async function learnFromPage(report) {
  if (!report || report.page?.kind !== 'product' || !['match', 'mismatch'].includes(report.status)) return [];
  const listing = await storedListingFor(report); // in memory: no storage read per page
  if (!listing || (listing.family_known === true && listing.availability && listing.availability !== 'unknown')) return [];
  const res = await core('learn', { listing, page: report.page, now_ms: Date.now() });
  if (!res.fields?.length) return [];
  // Written only if nobody changed the listing meanwhile (the seller's edit wins), and only over
  // the listings as they are (read again if another listings write was issued in between).
  const key = keyOf(listing);
  return withFreshListings(async (gen) => {
    const fresh = await loadListings();
    if (!fresh[key] || fresh[key].updated_at !== listing.updated_at) return [];
    fresh[key] = res.listing;
    await saveListings(fresh, { ifGeneration: gen });
    return res.fields;
  });
}

/** Records imported listing data as an observation of the listing (source `import`). */
export function recordListing(listing) {
  const key = keyOf(listing);
  return serial(key, async () => {
    const history = await loadHistory(key);
    const res = await core('history_record_listing', { history, listing, now_ms: Date.now() });
    await api.storage.local.set({ [historyKey(key)]: res.history });
    return res.change ?? null;
  });
}

/** Replaces histories with those of an import file (`{key: History}`), for listings kept. */
export async function importHistories(histories, keys) {
  if (!histories || typeof histories !== 'object') return 0;
  const keep = new Set(keys);
  const set = {};
  for (const [k, v] of Object.entries(histories)) {
    if (keep.has(k) && v && typeof v === 'object') set[historyKey(k)] = v;
  }
  if (Object.keys(set).length) await api.storage.local.set(set);
  return Object.keys(set).length;
}

/** The history as timeline lines in `lang` (`[]` when there is none). */
export async function timeline(key, lang) {
  const history = await loadHistory(key);
  if (!history) return { history: null, lines: [] };
  const lines = await core('history_timeline', { history, lang });
  return { history, lines };
}

// The badge check of a saved listing's product page is an observation of that listing.
pageCheckedHooks.push(async (report) => {
  if (!report || report.page?.kind !== 'product') return;
  const listing = await storedListingFor(report); // in memory: no storage read per page
  if (!listing) return;
  await recordPage(keyOf(listing), report.page, 'badge');
});

// A tab showing a saved listing's gone page: recorded (first sighting = one change), and the
// tab's report says since when (the popup shows it).
reportHooks.push(async (report) => {
  if (report?.status !== 'gone') return undefined;
  const listing = await storedListingFor(report);
  if (!listing) return undefined;
  return (await recordGone(keyOf(listing), report, 'badge')).report;
});

// The badge check fills what an older listing does not know yet (family, availability).
pageCheckedHooks.push(async (report) => { await learnFromPage(report); });
