// Page checks and the toolbar badge: extract + check a page, badge the tab, remember the
// report per tab (storage.session), re-check tabs when listings or settings change.
import { api } from '../lib/platform.js';
import {
  core, wasm, session, tabKey, keyOf, loadListings, saveListings, loadSettings, tabState, listingFor, failure,
  checkHtml, listingIndex, cachedSettings, indexListings, findListing, listingsBeforeSaveHooks,
  withFreshListings,
} from './core.js';
import { refineImages } from './images.js';

// ------------------------------------------------------------------ badge

const COLOURS = {
  match: '#188038',
  mismatch: '#d93025',
  untracked: '#80868b',
  unreadable: '#f29900',
  not_product: '#80868b',
  gone: '#d93025',
};

/** Badge text for a report: ✓ / mismatch count / ? / ! / nothing. */
export function badgeText(report, settings) {
  switch (report?.status) {
    case 'match': return settings?.badge_on_match === false ? '' : '✓';
    case 'mismatch': return String(report.mismatches.length || '!');
    case 'untracked': return '?';
    case 'unreadable': return '!';
    case 'gone': return '×';
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
// {url, bytes, cold, status, total (content-script start -> badge set), sent (content-script
// start -> the message here), html (the content script's outerHTML), prepare (listing index,
// settings, hot module ready), wasm (encode + extract + check + parse), publish (badge +
// storage.session)}.
const timings = [];
globalThis.cgTimings = timings;
let checksSinceStart = 0;
// Page-check hooks (history, last check, sync's last use) still running, for `make bench-wasm`:
// whether a message arrived while the worker was busy with an earlier page's hooks.
let hooksRunning = 0;

/**
 * Called after every page check from a tab with `(report, {tabId, url})`: the history module
 * records what the page showed. A hook's failure never fails the check.
 */
export const pageCheckedHooks = [];

// Per-tab sequence numbers: a slower, older check never overwrites a newer one.
export const tabSeq = new Map();

// Read the listings and settings while the worker starts, beside the hot module's compile:
// a stopped worker is woken by the tab's navigation well before the content script sends.
// The settings first: storage.local answers in order, and a woken worker's check from the
// recent listings needs only them, not the listings behind them (~2 MB at 1,000).
// When each was ready (performance.now()), for `make bench-wasm`'s cold breakdown.
cachedSettings().then(() => { if (globalThis.cgBoot) globalThis.cgBoot.settings ??= performance.now(); }, () => {});
listingIndex().then(() => { if (globalThis.cgBoot) globalThis.cgBoot.index ??= performance.now(); }, () => {});

// ------------------------------------------------------------------ a woken worker's first checks
//
// A worker woken by a page's message must read every stored listing (one storage.local item,
// ~2 MB at 1,000 listings) before it can look up the one the page is about: 250-500 ms under
// load (BENCHMARKS.md). So the listings the last page checks were about are also kept in
// storage.session (`recent_listings` = {"MARKETPLACE/ASIN" (upper case): listing}, at most
// RECENT_MAX), which outlives the worker. While the index is not read yet, a check whose
// listing is there uses it; it is dropped before every listings write (a before-save hook), so
// it never holds a copy older than the stored listing, and the check is done again against the
// index once that is read if the two differ all the same.

const RECENT_KEY = 'recent_listings';
const RECENT_MAX = 20;
const settledIndexes = new WeakSet();
let recentWritten = new Map(); // key -> the listing object last written to storage.session

listingsBeforeSaveHooks.push(async () => {
  recentWritten = new Map();
  await session.remove(RECENT_KEY).catch(() => {});
  return {};
});
// And after any listings change, whoever wrote it (registered at top level, like every listener).
api.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local' || !changes.listings) return;
  recentWritten = new Map();
  session.remove(RECENT_KEY).catch(() => {});
});

/** Remembers `listing` (as found in the index) among the recent ones, if it is not already. */
function rememberRecent(marketplace, asin, listing, from) {
  if (!listing || marketplace === null || marketplace === undefined) return;
  const key = `${String(marketplace).toUpperCase()}/${String(asin).toUpperCase()}`;
  if (recentWritten.get(key) === listing) return;
  const written = recentWritten;
  session.get(RECENT_KEY).then((got) => {
    // A listings write came meanwhile (or the index was rebuilt): not this copy.
    if (written !== recentWritten || listingIndex() !== from) return;
    const recent = { ...(got[RECENT_KEY] ?? {}) };
    delete recent[key];
    recent[key] = listing;
    const keys = Object.keys(recent);
    for (const k of keys.slice(0, Math.max(0, keys.length - RECENT_MAX))) delete recent[k];
    written.set(key, listing);
    return session.set({ [RECENT_KEY]: recent });
  }).catch(() => {});
}

/**
 * The check of a woken worker before its listing index is read: against the recent listings
 * in storage.session. Returns `{report, used}` when it could decide (the page's listing is
 * there, or the page needed none), else null (wait for the index).
 */
async function checkFromRecent(url, html) {
  const got = await session.get(RECENT_KEY).catch(() => ({}));
  const recent = got[RECENT_KEY];
  if (!recent || typeof recent !== 'object') return null;
  const mini = indexListings(recent);
  let asked = false;
  let used = null;
  const index = {
    byKey: { get: (k) => { asked = true; used = mini.byKey.get(k) ?? null; return used ?? undefined; } },
    byAsin: { get: () => { asked = true; used = null; return undefined; } },
  };
  const report = await checkHtml(url, html, index);
  if (asked && !used) return null;
  return { report, used };
}

/** Extract + check a page the content script sent, then badge and remember it. */
export async function onPage(tabId, url, html, started, timing) {
  const received = Date.now();
  const busy = hooksRunning;
  const seq = (tabSeq.get(tabId) ?? 0) + 1;
  tabSeq.set(tabId, seq);
  const cold = checksSinceStart++ === 0;
  const t0 = performance.now();
  let report; let settings; let t1; let fromRecent = false;
  // Only the listing for this page's marketplace/ASIN crosses into wasm (looked up in the
  // in-memory index); storage is read only after a change.
  const indexReady = listingIndex();
  indexReady.then(() => settledIndexes.add(indexReady), () => {});
  let early = null;
  if (!settledIndexes.has(indexReady)) {
    // A woken worker: the recent listings in storage.session, if the page's is there.
    [early, settings] = await Promise.all([checkFromRecent(url, html).catch(() => null), cachedSettings()]);
  }
  if (early) {
    t1 = performance.now();
    report = early.report;
    fromRecent = true;
    // Once the index is read: check again if the stored listing is not the one used.
    indexReady.then((index) => {
      const marketplace = report.page?.marketplace ?? null;
      const real = report.page?.asin ? findListing(index, marketplace, report.page.asin) : null;
      if (JSON.stringify(real) === JSON.stringify(early.used) || tabSeq.get(tabId) !== seq) return;
      checkHtml(url, html, index).then((again) => {
        if (tabSeq.get(tabId) === seq) return publish(tabId, again, url, settings);
        return null;
      }).catch(() => {});
    }, () => {});
  } else {
    let index;
    [index, settings] = await Promise.all([indexReady, cachedSettings(), wasm()]);
    t1 = performance.now();
    report = await checkHtml(url, html, {
      ...index,
      byKey: { get: (k) => { const l = index.byKey.get(k); if (l) rememberRecent(...k.split('/'), l, indexReady); return l; } },
    });
  }
  const t2 = performance.now();
  if (tabSeq.get(tabId) !== seq) return { report, stale: true };
  await publish(tabId, report, url, settings);
  refineImages(tabId, report); // after the badge; not awaited (never throws)
  timings.push({
    url, bytes: html.length, cold, status: report.status,
    total: typeof started === 'number' ? Date.now() - started : null,
    sent: typeof started === 'number' ? received - started : null,
    html: typeof timing?.html_ms === 'number' ? timing.html_ms : null,
    nav: typeof timing?.nav_ms === 'number' ? timing.nav_ms : null,
    send: timing?.send === 'parts' || timing?.send === 'whole' ? timing.send : null,
    busy,
    recent: fromRecent,
    prepare: t1 - t0, wasm: t2 - t1, publish: performance.now() - t2,
    at: performance.now(),
  });
  if (timings.length > 200) timings.shift();
  hooksRunning += 1;
  try {
    for (const hook of pageCheckedHooks) {
      try {
        await hook(report, { tabId, url });
      } catch { /* best effort: the badge is already right */ }
    }
  } finally {
    hooksRunning -= 1;
  }
  return { report };
}

/** Badges the tab and remembers its report (after `reportHooks`); returns the report kept. */
export async function publish(tabId, checked, url, settings) {
  const report = await afterCheck(checked, { tabId, url });
  await Promise.all([
    setBadge(tabId, report, settings),
    session.set({ [tabKey(tabId)]: { report, page: report.page, url } }),
  ]);
  return report;
}

/**
 * Re-checks a tab's stored page (after the listings changed) and republishes. `listings`: the
 * stored listings map, or an array holding at least those with the page's and the URL's ASINs.
 */
export async function recheckTab(tabId, state, listings, settings) {
  const list = Array.isArray(listings) ? listings : Object.values(listings);
  const checked = await core('check', { listings: list, page: state.page, url: state.url, now_ms: Date.now() });
  const report = await publish(tabId, checked, state.url, settings);
  refineImages(tabId, report);
  return report;
}

// What the last `recheckAllTabs` did, for the e2e tests: {tabs: re-checked, listings: passed
// into the core for them (null: none read, no tab showed a checked page)}.
globalThis.cgRecheck = null;

/**
 * Re-checks every tab with a stored page (listings or settings changed). The tabs are looked
 * at first: with none showing a checked page nothing else is read (every stored listing was
 * 1-3 s at 10,000). Each tab's check gets only the stored listings with its ASINs, from the
 * in-memory index the page check uses, in stored order (the core picks the first that fits).
 */
export async function recheckAllTabs() {
  const tabs = Object.entries(await session.get(null)).filter(([k, v]) => k.startsWith('tab:') && v?.page);
  if (!tabs.length) {
    globalThis.cgRecheck = { tabs: 0, listings: null };
    return;
  }
  const [index, settings] = await Promise.all([listingIndex(), loadSettings()]);
  const lists = tabs.map(([, v]) => listingsWithAsins(index, asinsOf(v.page, v.url)));
  globalThis.cgRecheck = { tabs: tabs.length, listings: lists.reduce((n, l) => n + l.length, 0) };
  await Promise.all(tabs.map(([k, v], i) => recheckTab(Number(k.slice(4)), v, lists[i], settings).catch(() => null)));
}

// ------------------------------------------------------------------ a page that is gone
//
// A saved listing's URL that gives the 404 page, another ASIN's page or a "no longer
// available" page is `gone` (check::gone). The page check above knows only the page, so a
// report that may be about a gone page (a not_found page, or a product page whose ASIN is not
// the URL's) is checked again by the core with the URL, against the listings of both ASINs.
// Rare pages only: every ordinary product page skips this.

const ASIN_IN_URL = /\/(?:dp|gp\/product|gp\/aw\/d|d|ASIN)\/([A-Za-z0-9]{10})(?:[/?#]|$)/;

/** The ASIN `url` asks for (upper case), or null. */
const urlAsin = (url) => ASIN_IN_URL.exec(String(url ?? ''))?.[1].toUpperCase() ?? null;

/** The ASINs a check of `page` shown at `url` looks up: the page's and the URL's, upper case. */
function asinsOf(page, url) {
  return new Set([urlAsin(url), String(page?.asin ?? '').toUpperCase()].filter(Boolean));
}

/** The listings of the in-memory index (in stored order) whose ASIN is in `asins`. */
function listingsWithAsins(index, asins) {
  return Object.values(index.map).filter((l) => asins.has(String(l?.asin ?? '').toUpperCase()));
}

/**
 * Called with `(report, {tabId, url})` before a tab's report is badged and kept; a hook may
 * return a replacement report (history.js fills a gone report's first/last seen times).
 */
export const reportHooks = [];

async function goneCheck(report, url) {
  const page = report?.page;
  if (!page || !url || report.status === 'gone') return report;
  const wanted = urlAsin(url);
  const own = String(page.asin ?? '').toUpperCase();
  const maybe = page.kind === 'not_found' || (page.kind === 'product' && wanted && own !== wanted);
  if (!maybe || (!wanted && !own)) return report;
  // From the in-memory index's listings (as the page check itself), not a storage.local read.
  const listings = listingsWithAsins(await listingIndex(), asinsOf(page, url));
  if (!listings.length) return report;
  return core('check', { listings, page, url, now_ms: Date.now() });
}

async function afterCheck(report, ctx) {
  let out = report;
  try {
    out = await goneCheck(report, ctx.url);
  } catch { /* the page check stands */ }
  for (const hook of reportHooks) {
    try {
      out = (await hook(out, ctx)) ?? out;
    } catch { /* best effort */ }
  }
  return out;
}

export async function requireTab(tabId) {
  if (typeof tabId !== 'number') throw failure('tabId (a number) is required', { kind: 'request' });
  const state = await tabState(tabId);
  if (!state || !state.page) throw failure('no product page has been read in this tab yet', { kind: 'no_page', tabId });
  return state;
}

/**
 * Applies `change(listing)` to the tab's listing, stores it, re-checks the tab. `change` runs
 * again on the fresh listing if another listings write was issued meanwhile: no side effects.
 */
export async function changeListing(tabId, change) {
  const state = await requireTab(tabId);
  // Read, changed and written again if another listings write was issued meanwhile (core.js).
  const { map, listing } = await withFreshListings(async (gen) => {
    const stored = await loadListings();
    const old = listingFor(stored, state.report);
    if (!old) throw failure('this page is not saved as a listing yet', { kind: 'untracked', tabId });
    const changed = await change(old, state);
    delete stored[keyOf(old)];
    stored[keyOf(changed)] = changed;
    await saveListings(stored, { ifGeneration: gen });
    return { map: stored, listing: changed };
  });
  const settings = await loadSettings();
  const report = await recheckTab(tabId, state, map, settings);
  return { report, listing };
}



