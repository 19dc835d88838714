// The catalogue at a glance: each listing's last check (when, from where, what it found), kept
// beside its change history in storage.local as `check:<marketplace/ASIN>` =
// {at (ms), source: viewed|recheck|baseline, status: match|mismatch|gone|unreadable, differences}.
// A page check writes one small item (O(1), whatever the size of the catalogue); the summary
// ("800 listings: 3 differ, 1 gone, 12 not checked in 24 h") reads them all only when the
// options page or the popup asks.
import { api } from '../lib/platform.js';
import { loadListings, loadSettings, failure, listingIndex } from './core.js';
import { pageCheckedHooks } from './checks.js';

export const checkKey = (key) => `check:${key}`;
const STATUSES = new Set(['match', 'mismatch', 'gone', 'unreadable']);

/**
 * Records a check of listing `key`: `report` (null when the page could not be fetched or read:
 * unreadable), `source` viewed | recheck | baseline.
 */
export async function recordCheck(key, report, source) {
  const status = report ? report.status : 'unreadable';
  if (!STATUSES.has(status)) return;
  const differences = status === 'mismatch' ? (report.mismatches ?? []).length : 0;
  await api.storage.local.set({ [checkKey(key)]: { at: Date.now(), source, status, differences } });
}

/** A listing's state as shown: its last check, or `not_checked` when none or older than `staleMs`. */
function stateOf(check, now, staleMs) {
  if (!check || !Number.isFinite(check.at)) return { status: 'not_checked', stale: true, at: null, source: null, differences: 0 };
  return { ...check, stale: now - check.at > staleMs };
}

/**
 * Every listing's last check and the summary: total, differ, gone, unreadable, stale (not
 * checked within twice the re-check interval; 24 h while re-checks are off), stale_hours.
 */
export async function catalogStatus(given = null) {
  const [map, settings] = await Promise.all([given ?? loadListings(), loadSettings()]);
  const keys = Object.keys(map);
  const got = keys.length ? await api.storage.local.get(keys.map(checkKey)) : {};
  const hours = settings.recheck_interval_hours ? 2 * settings.recheck_interval_hours : 24;
  const staleMs = hours * 3_600_000;
  const now = Date.now();
  const checks = {};
  const summary = { total: keys.length, differ: 0, gone: 0, unreadable: 0, stale: 0, stale_hours: hours };
  for (const k of keys) {
    const s = stateOf(got[checkKey(k)], now, staleMs);
    checks[k] = s;
    if (s.status === 'mismatch') summary.differ += 1;
    else if (s.status === 'gone') summary.gone += 1;
    else if (s.status === 'unreadable') summary.unreadable += 1;
    if (s.stale) summary.stale += 1;
  }
  return { summary, checks };
}

// A saved listing's page viewed in a tab: its last check, source "viewed".
pageCheckedHooks.push(async (report) => {
  if (!report || !STATUSES.has(report.status) || report.status === 'unreadable' || !report.asin || !report.marketplace) return;
  await recordCheck(`${report.marketplace}/${report.asin}`, report, 'viewed');
});

/**
 * What the options table shows of one listing (a few hundred bytes, not the full record with its
 * bullets and description): the full listing is fetched per row when it is opened
 * (`ui-bg-listing-get`).
 */
function summaryRow(l) {
  return {
    asin: l.asin,
    marketplace: l.marketplace,
    sku: l.sku ?? null,
    title: l.title ?? '',
    images: Array.isArray(l.images) && l.images.length ? [l.images[0]] : [],
    watch: l.watch ?? null,
    updated_at: l.updated_at ?? null,
  };
}

/** The options page's and the popup's catalogue message. */
export const catalogHandlers = {
  async 'ui-bg-catalog-status'() {
    return catalogStatus();
  },

  /** The options table in one message: a summary row per listing, the last checks and the summary line. */
  async 'ui-bg-listings-summary'() {
    // The worker's in-memory listings (core.js; read from storage once per change), read only.
    const { map } = await listingIndex();
    const { summary, checks } = await catalogStatus(map);
    const rows = Object.keys(map).sort().map((k) => summaryRow(map[k])).filter((r) => r.asin);
    return { rows, summary, checks };
  },

  /** One full listing by key (`marketplace/ASIN`); null when it is not saved. */
  async 'ui-bg-listing-get'({ key }) {
    if (typeof key !== 'string') throw failure('key ("marketplace/ASIN") is required', { kind: 'request' });
    const { map } = await listingIndex();
    return { listing: Object.hasOwn(map, key) ? map[key] : null };
  },
};
