// Background building blocks shared by every background module: the one wasm instance, the
// core call, and the listings/settings/tab-state storage (layout in docs/interfaces.md).
import init, { invoke } from '../pkg/catalog_guard.js';
import { api } from '../lib/platform.js';

// ------------------------------------------------------------------ wasm

let wasmReady = null;

/** Initialises wasm once per worker life; later calls share the same promise. */
export function wasm() {
  if (!wasmReady) {
    wasmReady = init({ module_or_path: api.runtime.getURL('pkg/catalog_guard_bg.wasm') }).catch((e) => {
      wasmReady = null; // let the next message try again
      throw e;
    });
  }
  return wasmReady;
}

/** Calls the core: `invoke({type, args})`; throws `{message, details}` on failure. */
export async function core(type, args) {
  await wasm();
  return invoke({ type, args });
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

/** Stores the listings; `extra` (other storage.local items) goes in the same write. */
export async function saveListings(map, { fromSync = false, extra = null } = {}) {
  const more = {};
  if (listingsBeforeSaveHooks.length) {
    const old = await loadListings();
    for (const hook of listingsBeforeSaveHooks) Object.assign(more, await hook(old, map, { fromSync }));
  }
  await api.storage.local.set({ ...more, ...(extra ?? {}), listings: map });
  for (const hook of listingsSavedHooks) hook({ fromSync });
}

export async function loadSettings() {
  const { settings } = await api.storage.local.get('settings');
  return core('settings_read', { stored: settings ?? null });
}

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
