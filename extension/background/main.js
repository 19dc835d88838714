// Background: owns the one wasm instance (Chrome/Edge: module service worker; Firefox: module
// background script). Listeners are registered synchronously at top level; wasm is
// initialised once and awaited inside the handlers. Nothing here parses HTML: the Rust core
// (src/wasm `invoke`) does every extraction, check and listing change.
//
// Storage (TEAM.md): storage.local `listings` = {"marketplace/ASIN": Listing}, `settings`
// (stored form); storage.session `tab:<tabId>` = {report, page, url} (survives the worker
// being stopped; removed when the tab closes or navigates).
import init, { invoke } from '../pkg/catalog_guard.js';
import { api, fromContentScript, fromExtensionPage } from '../lib/platform.js';

// ------------------------------------------------------------------ wasm

let wasmReady = null;

/** Initialises wasm once per worker life; later calls share the same promise. */
function wasm() {
  if (!wasmReady) {
    wasmReady = init({ module_or_path: api.runtime.getURL('pkg/catalog_guard_bg.wasm') }).catch((e) => {
      wasmReady = null; // let the next message try again
      throw e;
    });
  }
  return wasmReady;
}

/** Calls the core: `invoke({type, args})`; throws `{message, details}` on failure. */
async function core(type, args) {
  await wasm();
  return invoke({ type, args });
}

// ------------------------------------------------------------------ storage

const session = api.storage.session;
const tabKey = (tabId) => `tab:${tabId}`;
const keyOf = (l) => `${l.marketplace}/${l.asin}`;

async function loadListings() {
  const { listings } = await api.storage.local.get('listings');
  return listings && typeof listings === 'object' && !Array.isArray(listings) ? listings : {};
}

async function saveListings(map, { fromSync = false } = {}) {
  await api.storage.local.set({ listings: map });
  if (!fromSync) scheduleSyncPush();
}

async function loadSettings() {
  const { settings } = await api.storage.local.get('settings');
  return core('settings_read', { stored: settings ?? null });
}

async function tabState(tabId) {
  const k = tabKey(tabId);
  const got = await session.get(k);
  return got[k] ?? null;
}

/** The stored listing a report is about: same marketplace and ASIN (ASIN case-insensitive). */
function listingFor(map, report) {
  if (!report || !report.asin) return null;
  const exact = report.marketplace && map[`${report.marketplace}/${report.asin}`];
  if (exact) return exact;
  const asin = report.asin.toUpperCase();
  return Object.values(map).find((l) => String(l.asin).toUpperCase() === asin
    && (!report.marketplace || String(l.marketplace).toLowerCase() === report.marketplace.toLowerCase())) ?? null;
}

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
async function setBadge(tabId, report, settings) {
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

async function clearTab(tabId) {
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

// Per-tab sequence numbers: a slower, older check never overwrites a newer one.
const tabSeq = new Map();

/** Extract + check a page the content script sent, then badge and remember it. */
async function onPage(tabId, url, html, started) {
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
  timings.push({
    url, bytes: html.length, cold, status: report.status,
    total: typeof started === 'number' ? Date.now() - started : null,
    wasm: t2 - t1, storage_and_init: t1 - t0, publish: performance.now() - t2,
  });
  if (timings.length > 200) timings.shift();
  return { report };
}

async function publish(tabId, report, url, settings) {
  await Promise.all([
    setBadge(tabId, report, settings),
    session.set({ [tabKey(tabId)]: { report, page: report.page, url } }),
  ]);
}

/** Re-checks a tab's stored page (after the listings changed) and republishes. */
async function recheckTab(tabId, state, map, settings) {
  const report = await core('check', { listings: Object.values(map), page: state.page, now_ms: Date.now() });
  await publish(tabId, report, state.url, settings);
  return report;
}

/** Re-checks every tab with a stored page (listings or settings changed). */
async function recheckAllTabs() {
  const all = await session.get(null);
  const [map, settings] = await Promise.all([loadListings(), loadSettings()]);
  await Promise.all(Object.entries(all)
    .filter(([k, v]) => k.startsWith('tab:') && v && v.page)
    .map(([k, v]) => recheckTab(Number(k.slice(4)), v, map, settings).catch(() => null)));
}

async function requireTab(tabId) {
  if (typeof tabId !== 'number') throw failure('tabId (a number) is required', { kind: 'request' });
  const state = await tabState(tabId);
  if (!state || !state.page) throw failure('no product page has been read in this tab yet', { kind: 'no_page', tabId });
  return state;
}

function failure(message, details = null) {
  return { message, details };
}

/** Applies `change(listing)` to the tab's listing, stores it, re-checks the tab. */
async function changeListing(tabId, change) {
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

/** A Seller Central report (its bytes) merged into the stored listings, not yet saved. */
async function importReport(bytes, marketplace) {
  if (!Array.isArray(bytes)) throw failure('bytes (the report file as an array of bytes) is required', { kind: 'request' });
  const map = await loadListings();
  return core('import_report', {
    existing: Object.values(map),
    bytes,
    marketplace: typeof marketplace === 'string' && marketplace ? marketplace : null,
    now_ms: Date.now(),
  });
}

function reportLanguage(lang, settings) {
  if (lang === 'ja' || lang === 'en') return lang;
  if (settings.language === 'ja' || settings.language === 'en') return settings.language;
  return String(api.i18n?.getUILanguage?.() ?? '').toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

function today() {
  return new Date().toISOString().slice(0, 10);
}

// ------------------------------------------------------------------ storage.sync
// Listings and settings are copied to storage.sync within its quotas by the core's encoder
// (full records for as many listings as fit, fingerprints for the rest). Local data is never
// lost because sync is full or a write is refused. What the last push synced is kept in
// storage.local `sync_status` ({stats, status, error, at}) for the options page.

let syncTimer = 0;

function scheduleSyncPush(delay = 1500) {
  clearTimeout(syncTimer);
  syncTimer = setTimeout(() => { syncPush().catch(() => {}); }, delay);
}

async function syncPush() {
  if (!api.storage.sync) return;
  const { listings, settings: stored } = await api.storage.local.get(['listings', 'settings']);
  const settings = await core('settings_read', { stored: stored ?? null });
  if (!settings.sync_enabled) return;
  const plan = await core('sync_encode', { listings: Object.values(listings ?? {}), settings: stored ?? null });
  const current = await api.storage.sync.get(null);
  const set = {};
  for (const [k, v] of Object.entries(plan.items)) {
    if (JSON.stringify(current[k]) !== JSON.stringify(v)) set[k] = v;
  }
  const remove = Object.keys(current).filter((k) => !Object.hasOwn(plan.items, k));
  let error = null;
  try {
    if (Object.keys(set).length) await api.storage.sync.set(set);
    if (remove.length) await api.storage.sync.remove(remove);
  } catch (e) {
    error = String(e?.message ?? e); // quota or rate limit: local data is untouched
    scheduleSyncPush(60_000);
  }
  await api.storage.local.set({ sync_status: { stats: plan.stats, status: plan.status, error, at: Date.now() } });
}

/** Merges what another browser synced into the local listings (newer updated_at wins). */
async function syncPull() {
  if (!api.storage.sync) return;
  const settings = await loadSettings();
  if (!settings.sync_enabled) return;
  const items = await api.storage.sync.get(null);
  if (!Object.keys(items).length) return;
  const map = await loadListings();
  const result = await core('sync_merge', { local: Object.values(map), items });
  if (!result.updated.length) return;
  const next = {};
  for (const l of result.listings) next[keyOf(l)] = l;
  await saveListings(next, { fromSync: true });
  await recheckAllTabs();
}

// ------------------------------------------------------------------ messages

const uiHandlers = {
  async 'ui-bg-tab-state'({ tabId }) {
    const state = typeof tabId === 'number' ? await tabState(tabId) : null;
    if (!state) return { report: null, listing: null, url: null };
    const map = await loadListings();
    const listing = listingFor(map, state.report);
    // A listing imported from a Seller Central report lacks what only the page shows.
    // Best effort: the popup's view must not fail because this extra could not be had.
    const missing = listing && state.page?.kind === 'product'
      ? await core('missing_fields', { listing, page: state.page }).catch(() => [])
      : [];
    return { report: state.report, listing, url: state.url, partial: missing.length > 0 };
  },

  'ui-bg-complete-listing'({ tabId }) {
    return changeListing(tabId, (listing, state) => core('complete', { listing, page: state.page, now_ms: Date.now() }));
  },

  async 'ui-bg-save-page'({ tabId }) {
    const state = await requireTab(tabId);
    const listing = await core('save', { page: state.page, now_ms: Date.now() });
    const map = await loadListings();
    map[keyOf(listing)] = listing;
    await saveListings(map);
    const settings = await loadSettings();
    const report = await recheckTab(tabId, state, map, settings);
    return { report, listing };
  },

  'ui-bg-accept-field'({ tabId, field }) {
    return changeListing(tabId, (listing, state) => core('accept', { listing, page: state.page, field: String(field), now_ms: Date.now() }));
  },

  'ui-bg-unwatch-field'({ tabId, field }) {
    return changeListing(tabId, (listing) => core('unwatch', { listing, field: String(field) }));
  },

  async 'ui-bg-report-text'({ tabId, lang }) {
    const state = await requireTab(tabId);
    const [map, settings] = await Promise.all([loadListings(), loadSettings()]);
    const listing = listingFor(map, state.report);
    const text = await core('report_text', { report: state.report, listing, lang: reportLanguage(lang, settings) });
    return { text };
  },

  async 'ui-bg-listings-get'() {
    const map = await loadListings();
    const listings = Object.keys(map).sort().map((k) => map[k]);
    return { listings };
  },

  async 'ui-bg-listing-put'({ listing }) {
    if (!listing || typeof listing !== 'object') throw failure('listing (an object) is required', { kind: 'request' });
    // Validate through the same code as an import: a malformed listing changes nothing.
    const file = await core('parse_listings', {
      text: JSON.stringify({ format: 'catalog-guard/listings', version: 1, listings: [listing] }),
    });
    const clean = file.listings[0];
    const map = await loadListings();
    map[keyOf(clean)] = clean;
    await saveListings(map);
    await recheckAllTabs();
    return { listing: clean };
  },

  async 'ui-bg-listings-delete'({ keys }) {
    if (!Array.isArray(keys)) throw failure('keys (an array of "marketplace/ASIN") is required', { kind: 'request' });
    const map = await loadListings();
    let deleted = 0;
    for (const k of keys) {
      if (Object.hasOwn(map, k)) {
        delete map[k];
        deleted += 1;
      }
    }
    await saveListings(map);
    await recheckAllTabs();
    return { deleted };
  },

  async 'ui-bg-export'() {
    const map = await loadListings();
    const { settings } = await api.storage.local.get('settings');
    const { text } = await core('export_listings', { listings: Object.values(map), settings: settings ?? null });
    return { text, filename: `catalog-guard-listings-${today()}.json` };
  },

  async 'ui-bg-import-preview'({ text }) {
    if (typeof text !== 'string') throw failure('text (the file contents) is required', { kind: 'request' });
    const map = await loadListings();
    const preview = await core('import_preview', { existing: Object.values(map), text });
    return { preview };
  },

  async 'ui-bg-import-apply'({ text, mode }) {
    if (typeof text !== 'string') throw failure('text (the file contents) is required', { kind: 'request' });
    const map = await loadListings();
    // Throws (and nothing is written) when the file is malformed or the mode unknown.
    const { listings } = await core('import_apply', { existing: Object.values(map), text, mode: String(mode ?? 'merge'), now_ms: Date.now() });
    const next = {};
    for (const l of listings) next[keyOf(l)] = l;
    await saveListings(next);
    await recheckAllTabs();
    return { count: listings.length };
  },

  async 'ui-bg-import-report-preview'({ bytes, marketplace }) {
    const merged = await importReport(bytes, marketplace);
    const { new: added, changed, unchanged, total } = merged;
    return { preview: { new: added, changed, unchanged, total }, count: total };
  },

  async 'ui-bg-import-report-apply'({ bytes, marketplace }) {
    // Throws (and nothing is written) when the report cannot be read.
    const merged = await importReport(bytes, marketplace);
    const next = {};
    for (const l of merged.listings) next[keyOf(l)] = l;
    await saveListings(next);
    await recheckAllTabs();
    return { count: merged.total };
  },

  async 'ui-bg-sync-status'() {
    const { sync_status: status } = await api.storage.local.get('sync_status');
    return { sync: status ?? null };
  },

  async 'ui-bg-settings-get'() {
    return { settings: await loadSettings() };
  },

  async 'ui-bg-settings-set'({ settings }) {
    if (!settings || typeof settings !== 'object') throw failure('settings (an object) is required', { kind: 'request' });
    const stored = await core('settings_store', { settings });
    await api.storage.local.set({ settings: stored });
    scheduleSyncPush();
    await recheckAllTabs();
    return { settings: await core('settings_read', { stored }) };
  },
};

/** Turns anything thrown (wasm `{message, details}`, Error, string) into the answer's error. */
function toError(e) {
  if (e && typeof e === 'object' && typeof e.message === 'string') {
    return { message: e.message, details: e.details ?? null };
  }
  return { message: String(e), details: null };
}

async function dispatch(msg, sender) {
  if (!msg || typeof msg.type !== 'string') throw failure('a message needs a type', { kind: 'request' });
  if (msg.type === 'cs-bg-page') {
    if (!fromContentScript(sender)) throw failure('cs-bg-page is only accepted from the content script', { kind: 'sender' });
    if (typeof msg.html !== 'string' || typeof msg.url !== 'string') throw failure('cs-bg-page needs {url, html}', { kind: 'request' });
    const { report } = await onPage(sender.tab.id, msg.url, msg.html, msg.started);
    return { status: report.status };
  }
  const handler = Object.hasOwn(uiHandlers, msg.type) ? uiHandlers[msg.type] : null;
  if (!handler) throw failure(`unknown message type ${JSON.stringify(msg.type)}`, { kind: 'request' });
  if (!fromExtensionPage(sender)) throw failure(`${msg.type} is only accepted from the extension's own pages`, { kind: 'sender' });
  return handler(msg);
}

// Registered synchronously at top level, so a message that wakes the worker is delivered.
api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  dispatch(msg, sender).then(
    (res) => sendResponse({ ok: true, ...res }),
    (e) => sendResponse({ ok: false, error: toError(e) }),
  );
  return true; // answer asynchronously
});

api.tabs.onRemoved.addListener((tabId) => {
  tabSeq.delete(tabId);
  session.remove(tabKey(tabId)).catch(() => {});
});

// A new document in the tab: forget the old page (the content script reports the new one).
api.tabs.onUpdated.addListener((tabId, change) => {
  if (change.status === 'loading') {
    tabSeq.set(tabId, (tabSeq.get(tabId) ?? 0) + 1);
    clearTab(tabId).catch(() => {});
  }
});

// Another browser's changes arrive through storage.sync.
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'sync') syncPull().catch(() => {});
});
api.runtime.onStartup?.addListener(() => { syncPull().catch(() => {}); });

// Start loading wasm now, so the first page check does not wait for it (errors are
// reported by the first handler that awaits it).
wasm().catch(() => {});
