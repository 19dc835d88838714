// Loads the wasm core (wasm-bindgen --target web output, copied to ./pkg/ by
// the build) and wraps `invoke` so errors become Error objects. The commands that read a page
// (`extract`, `extract_check`) are the hot module's, as in the extension's background/core.js:
// the full module is built without the page reader.
import init, { invoke } from './pkg/catalog_guard.js';
import initHot, { extract, check_listings as checkListings } from './pkg/catalog_guard_hot.js';

let ready = null;

/** Initialises both wasm modules once. */
export function loadCore() {
  if (!ready) ready = Promise.all([init(), initHot()]);
  return ready;
}

const utf8 = new TextEncoder();
const hotCommands = {
  extract: ({ url, html }) => JSON.parse(extract(url ?? null, utf8.encode(html ?? ''))),
  extract_check: ({ url, requested_url: asked, html, listings, now_ms: now }) =>
    JSON.parse(checkListings(url ?? null, asked ?? null, utf8.encode(html ?? ''), false, JSON.stringify(listings ?? []), now)),
};

/** Runs one core command ({type, args}); throws Error(message) on failure. */
export function call(type, args) {
  try {
    const hot = hotCommands[type];
    return hot ? hot(args ?? {}) : invoke({ type, args });
  } catch (e) {
    const message = e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e);
    const err = new Error(message);
    err.details = e && typeof e === 'object' ? e.details : undefined;
    throw err;
  }
}

/** Site-relative language choice shared by the www pages (auto | ja | en). */
export function savedLanguage() {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl === 'ja' || fromUrl === 'en') return fromUrl;
  try {
    const v = localStorage.getItem('catalog-guard-language');
    return v === 'ja' || v === 'en' ? v : 'auto';
  } catch {
    return 'auto';
  }
}

/** Remembers the language choice. */
export function saveLanguage(value) {
  try {
    localStorage.setItem('catalog-guard-language', value);
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
}
