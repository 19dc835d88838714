// Background building blocks shared by every background module: the one wasm instance, the
// core call, and the listings/settings/tab-state storage (layout in docs/interfaces.md).
import init, { invoke } from '../pkg/catalog_guard.js';
import initHot, {
  check_html as hotCheckHtml,
  settings_read as hotSettingsRead,
  extract as hotExtract,
  check_listings as hotCheckListings,
} from '../pkg/catalog_guard_hot.js';
import { api } from '../lib/platform.js';

// ------------------------------------------------------------------ wasm
//
// Two modules (ARCHITECTURE.md, "Two wasm modules"): the hot one (crates/hot: page extraction,
// the check, settings) is instantiated at worker start and serves every page check; the full
// one (`invoke`: imports, exports, sync, history, cases, re-checks) only on the first `core()`
// call. Both glue files are imported statically (an MV3 service worker cannot `import()`);
// only the full module's wasm is fetched and compiled lazily.

// How the hot module started in this worker (ms, performance.now()), for `make bench-wasm`:
// {module (this file evaluated), fetch, compile, instantiate, ready}.
const boot = { origin: performance.timeOrigin, module: performance.now() };
globalThis.cgBoot = boot;

async function instantiate(file, initFn, times) {
  const t0 = performance.now();
  const url = api.runtime.getURL(file);
  const response = await fetch(url);
  const t1 = performance.now();
  let module;
  try {
    module = await WebAssembly.compileStreaming(response);
  } catch {
    // A browser that does not serve extension files as application/wasm: compile from bytes.
    module = await WebAssembly.compile(await (await fetch(url)).arrayBuffer());
  }
  const t2 = performance.now();
  const exports = await initFn({ module_or_path: module });
  const t3 = performance.now();
  memories[file] = exports.memory;
  if (times) Object.assign(times, { fetch: t1 - t0, compile: t2 - t1, instantiate: t3 - t2, ready: t3 });
}

// Each instantiated module's linear memory, for `make bench-wasm`: globalThis.cgMemory() =
// {'pkg/…_bg.wasm': bytes}.
const memories = {};
globalThis.cgMemory = () => Object.fromEntries(Object.entries(memories).map(([k, m]) => [k, m.buffer.byteLength]));

let hotReady = null;
let fullReady = null;

/** Initialises the hot (page-check) module once per worker life; later calls share it. */
export function wasm() {
  if (!hotReady) {
    hotReady = instantiate('pkg/catalog_guard_hot_bg.wasm', initHot, boot).catch((e) => {
      hotReady = null; // let the next message try again
      throw e;
    });
  }
  return hotReady;
}

/** Initialises the full module on first use. */
export function full() {
  if (!fullReady) {
    fullReady = instantiate('pkg/catalog_guard_bg.wasm', init, null).catch((e) => {
      fullReady = null;
      throw e;
    });
  }
  return fullReady;
}

/**
 * Calls the core: `invoke({type, args})` of the full module, or for the commands that read a
 * page (`extract`, `extract_check`, `read_check`) the hot module, which holds the page reader
 * (the full module is built without it: ARCHITECTURE.md, "Two wasm modules"). Same arguments
 * and answers either way; throws `{message, details}` on failure.
 */
export async function core(type, args) {
  const hot = hotCommands[type];
  if (hot) {
    await wasm();
    return hot(args ?? {});
  }
  await full();
  return invoke({ type, args });
}

/** Bytes as a Uint8Array (`fetch` gives an ArrayBuffer or a Uint8Array; options send arrays). */
const asBytes = (b) => (b instanceof Uint8Array ? b : new Uint8Array(b ?? []));

/** The full module's page-reading commands, answered by the hot module. */
const hotCommands = {
  extract: ({ url, html }) => JSON.parse(hotCall(() => hotExtract(url ?? null, utf8.encode(html ?? '')))),
  extract_check: ({ url, requested_url: asked, html, listings, now_ms: now }) => JSON.parse(hotCall(() =>
    hotCheckListings(url ?? null, asked ?? null, utf8.encode(html ?? ''), false, JSON.stringify(listings ?? []), now))),
  read_check: ({ url, requested_url: asked, bytes, listings, now_ms: now }) => JSON.parse(hotCall(() =>
    hotCheckListings(url ?? null, asked ?? null, asBytes(bytes), true, JSON.stringify(listings ?? []), now))),
};

/** The hot module's errors are `Error`s; answer them as `{message, details}` like the core's. */
function hotCall(fn) {
  try {
    return fn();
  } catch (e) {
    throw failure(String(e?.message ?? e), { kind: 'request' });
  }
}

const utf8 = new TextEncoder();

/**
 * Extract + check a page in the hot module against the one stored listing it is about
 * (`index` from `listingIndex()`). Returns the Report.
 */
export async function checkHtml(url, html, index) {
  await wasm();
  const lookup = (marketplace, asin) => {
    const l = findListing(index, marketplace, asin);
    return l ? JSON.stringify(l) : undefined;
  };
  return JSON.parse(hotCall(() => hotCheckHtml(url, utf8.encode(html), Date.now(), lookup)));
}

// ------------------------------------------------------------------ storage

export const session = api.storage.session;
export const tabKey = (tabId) => `tab:${tabId}`;
export const keyOf = (l) => `${l.marketplace}/${l.asin}`;

export async function loadListings() {
  const { listings } = await api.storage.local.get('listings');
  return listings && typeof listings === 'object' && !Array.isArray(listings) ? listings : {};
}

/** Called after every listings write with `{fromSync}` (sync.js pushes the change). */
export const listingsSavedHooks = [];

/**
 * Called before every listings write with `(oldMap, newMap, {fromSync})`; each may return
 * storage.local items to write in the same write (sync.js records deletions this way).
 */
export const listingsBeforeSaveHooks = [];

// Every listings write this worker issues (and every write of the deletion records beside
// them) counts one generation. A writer that read the listings, awaited something slow (the
// sync merge runs the core) and then writes passes the generation it read at: if another write
// was issued meanwhile, its write is refused (ListingsChanged) instead of overwriting the newer
// listings with its stale copy, and it starts again from a fresh read. storage.local applies
// writes in the order they are issued, so the check and the issue need no lock.
let listingsGen = 0;

/** The current listings generation (read it before `loadListings` for a guarded write). */
export function listingsGeneration() {
  return listingsGen;
}

/** Counts a write beside the listings (deletion records) that a guarded writer must not undo. */
export function listingsTouched() {
  listingsGen += 1;
}

/** A guarded write found that the listings were written since they were read. */
export class ListingsChanged extends Error {
  constructor() {
    super('the listings changed while this write was prepared');
    this.name = 'ListingsChanged';
  }
}

/**
 * Runs `task(generation)` (read the listings, compute, then write with `ifGeneration:
 * generation`) again from the start, at most 5 times, while its write finds that another
 * listings write was issued meanwhile.
 */
export async function withFreshListings(task) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await task(listingsGen);
    } catch (e) {
      if (!(e instanceof ListingsChanged) || attempt >= 5) throw e;
    }
  }
}

/**
 * Stores the listings; `extra` (other storage.local items) goes in the same write. With
 * `ifGeneration`, nothing is written (ListingsChanged is thrown) if any listings write was
 * issued since that generation was read.
 */
export async function saveListings(map, { fromSync = false, extra = null, ifGeneration = null } = {}) {
  const more = {};
  if (listingsBeforeSaveHooks.length) {
    const old = await loadListings();
    for (const hook of listingsBeforeSaveHooks) Object.assign(more, await hook(old, map, { fromSync }));
  }
  if (ifGeneration !== null && ifGeneration !== listingsGen) throw new ListingsChanged();
  listingsGen += 1;
  await api.storage.local.set({ ...more, ...(extra ?? {}), listings: map });
  indexReady = null; // before storage.onChanged arrives: this worker's next check sees it
  for (const hook of listingsSavedHooks) hook({ fromSync });
}

export async function loadSettings() {
  const { settings } = await api.storage.local.get('settings');
  await wasm();
  return JSON.parse(hotCall(() => hotSettingsRead(JSON.stringify(settings ?? null))));
}

// ------------------------------------------------------------------ listings in memory
//
// The page check needs one listing: the one for the page's marketplace and ASIN. The worker
// keeps an index of the stored listings in memory, replaced whenever `listings` changes in
// storage (any writer: this worker, the options page, sync) by one built from the change
// event's new value (dropped by this worker's own write until that event comes, and then read
// again only if asked for meanwhile), so a page check neither reads storage.local nor passes
// every listing into wasm.

let indexReady = null;
let settingsReady = null;

const asciiUpper = (s) => String(s).replace(/[a-z]+/g, (m) => m.toUpperCase());

/** `{byKey: "MARKETPLACE/ASIN" (ASCII upper case) -> first listing, byAsin: ASIN -> first}`. */
export function indexListings(map) {
  const byKey = new Map();
  const byAsin = new Map();
  for (const l of Object.values(map)) {
    if (!l || typeof l !== 'object') continue;
    const asin = asciiUpper(l.asin ?? '');
    const key = `${asciiUpper(l.marketplace ?? '')}/${asin}`;
    if (!byKey.has(key)) byKey.set(key, l);
    if (!byAsin.has(asin)) byAsin.set(asin, l);
  }
  return { map, byKey, byAsin, size: byKey.size };
}

/**
 * The listing the core's `check::find_listing` would pick: same ASIN and marketplace (ASCII
 * case-insensitive), or the first with that ASIN when the page names no marketplace.
 */
export function findListing(index, marketplace, asin) {
  const a = asciiUpper(asin ?? '');
  if (marketplace === null || marketplace === undefined) return index.byAsin.get(a) ?? null;
  return index.byKey.get(`${asciiUpper(marketplace)}/${a}`) ?? null;
}

/** The in-memory listing index (read from storage.local once per change). */
export function listingIndex() {
  if (!indexReady) {
    globalThis.cgIndexBuilds = (globalThis.cgIndexBuilds ?? 0) + 1; // for `make bench-wasm`
    const p = loadListings().then(indexListings);
    indexReady = p;
    p.catch(() => { if (indexReady === p) indexReady = null; });
  }
  return indexReady;
}

/**
 * The stored listing a report is about, as `listingFor` picks it, from the in-memory index (no
 * storage read, whatever the catalogue's size). Shared with the index: read it, never change it.
 */
export async function storedListingFor(report) {
  if (!report || !report.asin) return null;
  const index = await listingIndex();
  const exact = report.marketplace && index.map[`${report.marketplace}/${report.asin}`];
  if (exact) return exact;
  return findListing(index, report.marketplace || null, report.asin);
}

/** The settings, read once per change (the page check's badge needs them). */
export function cachedSettings() {
  if (!settingsReady) {
    const p = loadSettings();
    settingsReady = p;
    p.catch(() => { if (settingsReady === p) settingsReady = null; });
  }
  return settingsReady;
}

function forgetCaches(changes, area) {
  if (area !== 'local') return;
  if (changes.listings) {
    // The event carries the new listings (already copied into this worker): index them at
    // once instead of reading every listing from storage again on the next request (the
    // options table asks for its summary right after a change; that read was ~0.5 s at 10,000).
    const next = changes.listings.newValue;
    indexReady = next && typeof next === 'object' && !Array.isArray(next) ? Promise.resolve(indexListings(next)) : null;
  }
  if (changes.settings) settingsReady = null;
}
// Registered at module top level, like every listener.
api.storage.onChanged.addListener(forgetCaches);

export async function tabState(tabId) {
  const k = tabKey(tabId);
  const got = await session.get(k);
  return got[k] ?? null;
}

/** The stored listing a report is about: same marketplace and ASIN (ASIN case-insensitive). */
export function listingFor(map, report) {
  if (!report || !report.asin) return null;
  const exact = report.marketplace && map[`${report.marketplace}/${report.asin}`];
  if (exact) return exact;
  const asin = report.asin.toUpperCase();
  return Object.values(map).find((l) => String(l.asin).toUpperCase() === asin
    && (!report.marketplace || String(l.marketplace).toLowerCase() === report.marketplace.toLowerCase())) ?? null;
}

/** An error answer: `{message, details}` (details.kind names the problem). */
export function failure(message, details = null) {
  return { message, details };
}

/** The report language: the one asked for, else the settings', else the browser's. */
export function reportLanguage(lang, settings) {
  if (lang === 'ja' || lang === 'en') return lang;
  if (settings.language === 'ja' || settings.language === 'en') return settings.language;
  return String(api.i18n?.getUILanguage?.() ?? '').toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

/** Today's date (UTC) as YYYY-MM-DD, for file names. */
export function today() {
  return new Date().toISOString().slice(0, 10);
}

/**
 * A per-key queue: `serial(key, task)` runs `task` after every earlier task of the same key
 * has settled, so read-modify-write sequences on one storage item cannot interleave.
 */
export function serialiser() {
  const chains = new Map();
  return function serial(key, task) {
    const prev = chains.get(key) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(task);
    chains.set(key, next);
    next.finally(() => { if (chains.get(key) === next) chains.delete(key); }).catch(() => {});
    return next;
  };
}
