// Background: owns the one wasm instance (Chrome/Edge: module service worker; Firefox: module
// background script). Listeners are registered synchronously at top level; wasm is
// initialised once and awaited inside the handlers. Nothing here parses HTML: the Rust core
// (src/wasm `invoke`) does every extraction, check and listing change.
//
// Storage (docs/interfaces.md): storage.local `listings` = {"marketplace/ASIN": Listing}, `settings`
// (stored form); storage.session `tab:<tabId>` = {report, page, url} (survives the worker
// being stopped; removed when the tab closes or navigates).
import { api, fromContentScript, fromExtensionPage } from '../lib/platform.js';
import {
  core, wasm, session, tabKey, keyOf, loadListings, saveListings, loadSettings, tabState, listingFor,
  failure, reportLanguage, withFreshListings,
} from './core.js';
import { onPage, recheckTab, recheckAllTabs, requireTab, changeListing, clearTab, tabSeq } from './checks.js';
import { scheduleSyncPush, syncHandlers, applyImportedDeletions } from './sync.js';
import { recordPage } from './history.js';
import { watchHandlers } from './watch.js';
import { catalogHandlers } from './catalog.js';
import { baselineHandlers, startBaseline, saveFamily } from './baseline.js';
import {
  transferHandlers, offer, uploaded, dropUpload, exportText, quickPreview, quickApply,
} from './transfer.js';
import {
  casesHandlers, caseReportText, activeCase, loadCases, applyImport, changedListings,
} from './cases.js';
import { shotsHandlers, applyImportShots } from './shots.js';

/** A Seller Central report (its bytes) merged into the stored listings (or `map`), not yet saved. */
async function importReport(bytes, marketplace, map = null) {
  if (!Array.isArray(bytes)) throw failure('bytes (the report file as an array of bytes) is required', { kind: 'request' });
  map ??= await loadListings();
  return core('import_report', {
    existing: Object.values(map),
    bytes,
    marketplace: typeof marketplace === 'string' && marketplace ? marketplace : null,
    now_ms: Date.now(),
  });
}

// ------------------------------------------------------------------ messages

const ownHandlers = {
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
    // Read and written again if another listings write was issued meanwhile (see core.js).
    const map = await withFreshListings(async (gen) => {
      const stored = await loadListings();
      stored[keyOf(listing)] = listing;
      await saveListings(stored, { ifGeneration: gen });
      return stored;
    });
    // The page saved from is the listing's first observation: a later change is timed from it.
    await recordPage(keyOf(listing), state.page, 'badge').catch(() => null);
    const settings = await loadSettings();
    const report = await recheckTab(tabId, state, map, settings);
    return { report, listing };
  },

  /**
   * "Save all N variations": this page is saved at once (unless it is already), its family's
   * other members are saved from their own pages in the background, at the re-check pace.
   */
  async 'ui-bg-save-family'({ tabId }) {
    const state = await requireTab(tabId);
    const page = state.page;
    if (!page?.family || !(page.family.members?.length > 1)) throw failure('this page has no variation family', { kind: 'request' });
    const map = await loadListings();
    const saved = map[`${page.marketplace}/${page.asin}`] ? null : await ownHandlers['ui-bg-save-page']({ tabId });
    const family = await saveFamily(page);
    return { ...(saved ?? {}), family };
  },

  'ui-bg-accept-field'({ tabId, field }) {
    return changeListing(tabId, (listing, state) => core('accept', { listing, page: state.page, field: String(field), now_ms: Date.now() }));
  },

  'ui-bg-unwatch-field'({ tabId, field }) {
    // A new updated_at: a synced copy from before the change must not win the merge.
    return changeListing(tabId, (listing) => core('unwatch', { listing, field: String(field), now_ms: Date.now() }));
  },

  async 'ui-bg-report-text'({ tabId, lang }) {
    const state = await requireTab(tabId);
    const [map, settings] = await Promise.all([loadListings(), loadSettings()]);
    const listing = listingFor(map, state.report);
    // With the listing's history (first-seen times) and its active case (the ID is cited).
    const key = listing ? keyOf(listing) : null;
    const c = key ? activeCase(await loadCases(key)) : null;
    const text = await caseReportText({ report: state.report, listing, key, c, lang: reportLanguage(lang, settings) });
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
    await withFreshListings(async (gen) => {
      const map = await loadListings();
      map[keyOf(clean)] = clean;
      await saveListings(map, { ifGeneration: gen });
    });
    await recheckAllTabs();
    return { listing: clean };
  },

  async 'ui-bg-listings-delete'({ keys }) {
    if (!Array.isArray(keys)) throw failure('keys (an array of "marketplace/ASIN") is required', { kind: 'request' });
    const deleted = await withFreshListings(async (gen) => {
      const map = await loadListings();
      let count = 0;
      for (const k of keys) {
        if (Object.hasOwn(map, k)) {
          delete map[k];
          count += 1;
        }
      }
      await saveListings(map, { ifGeneration: gen });
      return count;
    });
    await recheckAllTabs();
    return { deleted };
  },

  async 'ui-bg-export'({ shots: withShots } = {}) {
    // Written from storage.local in JS (lib/listings-file.js; the options page builds it itself).
    // A file larger than one message goes in parts (`parts: {id, count}`, ui-bg-part-get).
    const { text, filename } = await exportText({ shots: withShots === true });
    return { ...offer(text), filename };
  },

  async 'ui-bg-import-preview'({ text: sent, upload, unchanged }) {
    // A file larger than one message arrives in parts first (ui-bg-part-put) and is named here.
    const text = typeof upload === 'string' ? uploaded(upload) : sent;
    if (typeof text !== 'string') throw failure('text (the file contents) is required', { kind: 'request' });
    // The options page's quick way: the file without its histories and its unchanged listings.
    if (unchanged && typeof unchanged === 'object') return { preview: await quickPreview(text, unchanged) };
    const map = await loadListings();
    const preview = await core('import_preview', { existing: Object.values(map), text });
    return { preview };
  },

  async 'ui-bg-import-apply'({ text: sent, upload, mode, unchanged, taken }) {
    const text = typeof upload === 'string' ? uploaded(upload) : sent;
    if (typeof upload === 'string') dropUpload(upload);
    if (typeof text !== 'string') throw failure('text (the file contents) is required', { kind: 'request' });
    if (unchanged && typeof unchanged === 'object') {
      return quickApply(text, String(mode ?? 'merge'), unchanged, Array.isArray(taken) ? taken.map(String) : []);
    }
    // Merged again from the start if a sync merge wrote the listings meanwhile (see core.js).
    const { map, listings, history, cases, shots, deleted, tombstones, next } = await withFreshListings(async (gen) => {
      const stored = await loadListings();
      // Throws (and nothing is written) when the file is malformed or the mode unknown.
      const res = await core('import_apply', { existing: Object.values(stored), text, mode: String(mode ?? 'merge'), now_ms: Date.now() });
      const merged = {};
      for (const l of res.listings) merged[keyOf(l)] = l;
      await saveListings(merged, { ifGeneration: gen });
      return { ...res, map: stored, next: merged };
    });
    await applyImportedDeletions(next, deleted, tombstones);
    await applyImport({ keys: Object.keys(next), changed: changedListings(map, next), history, cases, mode: String(mode ?? 'merge') });
    // Screenshots after the case logs: the imported cases decide which ones are protected.
    await applyImportShots({ keys: Object.keys(next), shots, mode: String(mode ?? 'merge') });
    await recheckAllTabs();
    return { count: listings.length };
  },

  async 'ui-bg-import-report-preview'({ bytes, marketplace }) {
    const merged = await importReport(bytes, marketplace);
    const { new: added, changed, unchanged, total } = merged;
    return { preview: { new: added, changed, unchanged, total }, count: total };
  },

  async 'ui-bg-import-report-apply'({ bytes, marketplace }) {
    // Throws (and nothing is written) when the report cannot be read. Merged again from the
    // listings as they are if another listings write was issued meanwhile (see core.js).
    const { merged, before, next } = await withFreshListings(async (gen) => {
      const stored = await loadListings();
      const res = await importReport(bytes, marketplace, stored);
      const out = {};
      for (const l of res.listings) out[keyOf(l)] = l;
      await saveListings(out, { ifGeneration: gen });
      return { merged: res, before: stored, next: out };
    });
    await applyImport({ keys: Object.keys(next), changed: changedListings(before, next) });
    await recheckAllTabs();
    // The partial listings are completed from their pages in the background (paced, resumable).
    await startBaseline().catch(() => {});
    return { count: merged.total };
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

// Every ui-bg-* message: this file's, and those of the feature modules.
const uiHandlers = { ...ownHandlers, ...syncHandlers, ...casesHandlers, ...watchHandlers, ...shotsHandlers, ...catalogHandlers, ...baselineHandlers, ...transferHandlers };

async function dispatch(msg, sender) {
  if (!msg || typeof msg.type !== 'string') throw failure('a message needs a type', { kind: 'request' });
  if (msg.type === 'cs-bg-page') {
    if (!fromContentScript(sender)) throw failure('cs-bg-page is only accepted from the content script', { kind: 'sender' });
    if (typeof msg.html !== 'string' || typeof msg.url !== 'string') throw failure('cs-bg-page needs {url, html}', { kind: 'request' });
    const { report, stale } = await onPage(sender.tab.id, msg.url, msg.html, msg.started, msg.timing);
    // stale: a newer page (or a 'loading' event) came for the tab meanwhile; the content script
    // sends again if its document is still there (see content.js).
    return { status: report.status, stale: Boolean(stale) };
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
    // The new document's content script (if it already ran) sends its page again; none there
    // yet (the usual case) rejects, and the script sends when it runs.
    clearTab(tabId).then(() => api.tabs.sendMessage(tabId, { type: 'bg-cs-resend' })).catch(() => {});
  }
});


// Start loading wasm now, so the first page check does not wait for it (errors are
// reported by the first handler that awaits it).
wasm().catch(() => {});
