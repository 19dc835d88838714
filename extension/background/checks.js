// Page checks and the toolbar badge: extract + check a page, badge the tab, remember the
// report per tab (storage.session), re-check tabs when listings or settings change.
import { api } from '../lib/platform.js';
import {
  core, wasm, session, tabKey, keyOf, loadListings, saveListings, loadSettings, tabState, listingFor, failure,
} from './core.js';
import { refineImages } from './images.js';

// ------------------------------------------------------------------ badge

const COLOURS = {
  match: '#188038',
  mismatch: '#d93025',
  untracked: '#80868b',
  unreadable: '#f29900',
  not_product: '#80868b',
};

/** Badge text for a report: ✓ / mismatch count / ? / ! / nothing. */
export function badgeText(report, settings) {
  switch (report?.status) {
    case 'match': return settings?.badge_on_match === false ? '' : '✓';
    case 'mismatch': return String(report.mismatches.length || '!');
    case 'untracked': return '?';
    case 'unreadable': return '!';
    default: return '';
  }
}

/** Sets text AND colour on every check (browsers reset badges differently). */
export async function setBadge(tabId, report, settings) {
  const text = badgeText(report, settings);
  const colour = COLOURS[report?.status] ?? COLOURS.not_product;
  try {
    await Promise.all([
      api.action.setBadgeText({ tabId, text }),
      api.action.setBadgeBackgroundColor({ tabId, color: colour }),
      api.action.setBadgeTextColor ? api.action.setBadgeTextColor({ tabId, color: '#ffffff' }) : null,
    ]);
  } catch (e) {
    // The tab may have closed between the check and here.
    if (!/tab/i.test(String(e?.message))) throw e;
  }
}

export async function clearTab(tabId) {
  await session.remove(tabKey(tabId));
  try {
    await api.action.setBadgeText({ tabId, text: '' });
  } catch { /* tab gone */ }
}

// ------------------------------------------------------------------ checks

// The last few page checks' timings (ms), for `make bench-wasm` and debugging:
// {url, bytes, cold, total (content script start -> badge set), wasm (extract + check), storage}.
const timings = [];
globalThis.cgTimings = timings;
let checksSinceStart = 0;

/**
 * Called after every page check from a tab with `(report, {tabId, url})`: the history module
 * records what the page showed. A hook's failure never fails the check.
 */
export const pageCheckedHooks = [];

// Per-tab sequence numbers: a slower, older check never overwrites a newer one.
export const tabSeq = new Map();

/** Extract + check a page the content script sent, then badge and remember it. */
export async function onPage(tabId, url, html, started) {
  const seq = (tabSeq.get(tabId) ?? 0) + 1;
  tabSeq.set(tabId, seq);
  const cold = checksSinceStart++ === 0;
  const t0 = performance.now();
  const [map, settings] = await Promise.all([loadListings(), loadSettings()]);
  await wasm();
  const t1 = performance.now();
  const report = await core('extract_check', { url, html, listings: Object.values(map), now_ms: Date.now() });
  const t2 = performance.now();
  if (tabSeq.get(tabId) !== seq) return { report, stale: true };
  await publish(tabId, report, url, settings);
  refineImages(tabId, report); // after the badge; not awaited (never throws)
  timings.push({
    url, bytes: html.length, cold, status: report.status,
    total: typeof started === 'number' ? Date.now() - started : null,
    wasm: t2 - t1, storage_and_init: t1 - t0, publish: performance.now() - t2,
  });
  if (timings.length > 200) timings.shift();
  for (const hook of pageCheckedHooks) {
    try {
      await hook(report, { tabId, url });
    } catch { /* best effort: the badge is already right */ }
  }
  return { report };
}

export async function publish(tabId, report, url, settings) {
  await Promise.all([
    setBadge(tabId, report, settings),
    session.set({ [tabKey(tabId)]: { report, page: report.page, url } }),
  ]);
}

/** Re-checks a tab's stored page (after the listings changed) and republishes. */
export async function recheckTab(tabId, state, map, settings) {
  const report = await core('check', { listings: Object.values(map), page: state.page, now_ms: Date.now() });
  await publish(tabId, report, state.url, settings);
  refineImages(tabId, report);
  return report;
}

/** Re-checks every tab with a stored page (listings or settings changed). */
export async function recheckAllTabs() {
  const all = await session.get(null);
  const [map, settings] = await Promise.all([loadListings(), loadSettings()]);
  await Promise.all(Object.entries(all)
    .filter(([k, v]) => k.startsWith('tab:') && v && v.page)
    .map(([k, v]) => recheckTab(Number(k.slice(4)), v, map, settings).catch(() => null)));
}

export async function requireTab(tabId) {
  if (typeof tabId !== 'number') throw failure('tabId (a number) is required', { kind: 'request' });
  const state = await tabState(tabId);
  if (!state || !state.page) throw failure('no product page has been read in this tab yet', { kind: 'no_page', tabId });
  return state;
}

/** Applies `change(listing)` to the tab's listing, stores it, re-checks the tab. */
export async function changeListing(tabId, change) {
  const state = await requireTab(tabId);
  const map = await loadListings();
  const old = listingFor(map, state.report);
  if (!old) throw failure('this page is not saved as a listing yet', { kind: 'untracked', tabId });
  const listing = await change(old, state);
  delete map[keyOf(old)];
  map[keyOf(listing)] = listing;
  await saveListings(map);
  const settings = await loadSettings();
  const report = await recheckTab(tabId, state, map, settings);
  return { report, listing };
}



