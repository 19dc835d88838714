// The catalogue at a glance: each listing's last check (when, from where, what it found), kept
// beside its change history in storage.local as `check:<marketplace/ASIN>` =
// {at (ms), source: viewed|recheck|baseline, status: match|mismatch|gone|unreadable, differences}.
// A page check writes one small item (O(1), whatever the size of the catalogue); the summary
// ("800 listings: 3 differ, 1 gone, 12 not checked in 24 h") is computed only when the options
// page or the popup asks, from the items the worker keeps in memory (read once, then followed).
import { api } from '../lib/platform.js';
import { failure, listingIndex, cachedSettings } from './core.js';
import { reportHooks } from './checks.js';

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
  const item = { at: Date.now(), source, status, differences };
  checkMemo.set(key, item); // this worker's table summary sees it before storage.onChanged arrives
  await api.storage.local.set({ [checkKey(key)]: item });
}

// ------------------------------------------------------------------ last checks in memory
//
// The options table's summary needs every listing's last check; reading 10,000 `check:` items
// from storage.local took about 100 ms per request. The worker keeps the ones it has read
// (key -> item, or null when none is stored) and follows every write through
// storage.onChanged (any writer), so each item is read at most once per worker life.
const checkMemo = new Map();

api.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local') return;
  for (const k of Object.keys(changes)) {
    if (k.startsWith('check:')) checkMemo.set(k.slice(6), changes[k].newValue ?? null);
  }
});

/** The last check items of `keys` (key -> item or null), from memory; reads only the unknown ones. */
async function checksOf(keys) {
  const missing = keys.filter((k) => !checkMemo.has(k));
  if (missing.length) {
    const got = await api.storage.local.get(missing.map(checkKey));
    // An item written while the read was under way is already in memory, newer: keep it.
    for (const k of missing) if (!checkMemo.has(k)) checkMemo.set(k, got[checkKey(k)] ?? null);
  }
  return checkMemo;
}

/** A listing's state as shown: its last check, or `not_checked` when none or older than `staleMs`. */
function stateOf(check, now, staleMs) {
  if (!check || !Number.isFinite(check.at)) return { status: 'not_checked', stale: true, at: null, source: null, differences: 0 };
  return { ...check, stale: now - check.at > staleMs };
}

/**
 * Every listing's last check and the summary: total, differ, gone, unreadable, stale (not
 * checked within twice the re-check interval; 24 h while re-checks are off), stale_hours. From
 * memory: the listing index and the last checks (a viewed page's check is in memory before its
 * badge is set, below, so an answer this fast cannot miss it).
 */
export async function catalogStatus() {
  const [{ map }, settings] = await Promise.all([listingIndex(), cachedSettings()]);
  const keys = Object.keys(map);
  const memo = await checksOf(keys);
  const hours = settings.recheck_interval_hours ? 2 * settings.recheck_interval_hours : 24;
  const staleMs = hours * 3_600_000;
  const now = Date.now();
  const checks = {};
  const summary = { total: keys.length, differ: 0, gone: 0, unreadable: 0, stale: 0, stale_hours: hours };
  for (const k of keys) {
    const s = stateOf(memo.get(k), now, staleMs);
    checks[k] = s;
    if (s.status === 'mismatch') summary.differ += 1;
    else if (s.status === 'gone') summary.gone += 1;
    else if (s.status === 'unreadable') summary.unreadable += 1;
    if (s.stale) summary.stale += 1;
  }
  return { summary, checks };
}

// A saved listing's page viewed in a tab: its last check, source "viewed". Recorded as the
// tab's report is kept, before its badge is set (reportHooks), not after the page check's other
// hooks: in memory at once, in storage without holding the badge up. Read from storage after
// the badge, a summary asked for as soon as the badge showed could still see the check before.
reportHooks.push((report) => {
  if (!report || !STATUSES.has(report.status) || report.status === 'unreadable' || !report.asin || !report.marketplace) return undefined;
  recordCheck(`${report.marketplace}/${report.asin}`, report, 'viewed').catch(() => {});
  return undefined;
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

/** Problems first: differs, gone, unreadable, not checked recently, then the rest (the table's order). */
function problemRank(c) {
  if (c.status === 'mismatch') return 0;
  if (c.status === 'gone') return 1;
  if (c.status === 'unreadable') return 2;
  if (c.stale || c.status === 'not_checked') return 3;
  return 4;
}

// The summary rows of one listing index (rebuilt only when the listings change).
const rowsOf = new WeakMap();
let summaryJob = null;

/**
 * The options table's rows in its order (problems first, then the most recently changed, then
 * by key), the per-row states and the summary line, from memory: the listing index and the
 * last checks (read from storage only after a change).
 */
async function tableSummary() {
  const index = await listingIndex();
  let rows = rowsOf.get(index);
  if (!rows) {
    rows = Object.keys(index.map).map((k) => [k, summaryRow(index.map[k])]).filter(([, r]) => r.asin);
    rowsOf.set(index, rows);
  }
  const [memo, settings] = await Promise.all([checksOf(rows.map(([k]) => k)), cachedSettings()]);
  const hours = settings.recheck_interval_hours ? 2 * settings.recheck_interval_hours : 24;
  const staleMs = hours * 3_600_000;
  const now = Date.now();
  const summary = { total: rows.length, differ: 0, gone: 0, unreadable: 0, stale: 0, stale_hours: hours };
  const states = new Map();
  for (const [k] of rows) {
    const s = stateOf(memo.get(k), now, staleMs);
    states.set(k, s);
    if (s.status === 'mismatch') summary.differ += 1;
    else if (s.status === 'gone') summary.gone += 1;
    else if (s.status === 'unreadable') summary.unreadable += 1;
    if (s.stale) summary.stale += 1;
  }
  // RFC 3339 times and keys compare as plain strings (no localeCompare: 10,000 rows).
  const cmp = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
  const ordered = rows.map(([k, r]) => [k, r, problemRank(states.get(k)), String(r.updated_at || '')])
    .sort((a, b) => a[2] - b[2] || cmp(b[3], a[3]) || cmp(a[0], b[0]));
  return { ordered, states, summary };
}

/** The options page's and the popup's catalogue message. */
export const catalogHandlers = {
  async 'ui-bg-catalog-status'() {
    return catalogStatus();
  },

  /**
   * The options table in one message: a summary row per listing in the table's order, their
   * last checks and the summary line. With `first: n`, only the first n rows and their checks
   * (the first screen, drawn while the rest is on its way); `total` is always every row.
   */
  async 'ui-bg-listings-summary'({ first } = {}) {
    // The page asks for its first screen and for all rows at once: one computation serves both.
    if (!summaryJob) summaryJob = tableSummary().finally(() => { summaryJob = null; });
    const { ordered, states, summary } = await summaryJob;
    const part = Number.isInteger(first) && first >= 0 && first < ordered.length ? ordered.slice(0, first) : ordered;
    const rows = new Array(part.length);
    const checks = {};
    for (let i = 0; i < part.length; i++) {
      rows[i] = part[i][1];
      checks[part[i][0]] = states.get(part[i][0]);
    }
    return { rows, summary, checks, total: ordered.length, complete: part.length === ordered.length };
  },

  /** One full listing by key (`marketplace/ASIN`); null when it is not saved. */
  async 'ui-bg-listing-get'({ key }) {
    if (typeof key !== 'string') throw failure('key ("marketplace/ASIN") is required', { kind: 'request' });
    const { map } = await listingIndex();
    return { listing: Object.hasOwn(map, key) ? map[key] : null };
  },
};
