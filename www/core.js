// Loads the wasm core (wasm-bindgen --target web output, copied to ./pkg/ by
// the build) and wraps `invoke` so errors become Error objects.
import init, { invoke } from './pkg/catalog_guard.js';

let ready = null;

/** Initialises the wasm module once. */
export function loadCore() {
  if (!ready) ready = init();
  return ready;
}

/** Runs one core command ({type, args}); throws Error(message) on failure. */
export function call(type, args) {
  try {
    return invoke({ type, args });
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
