// i18n for the extension pages and www.
//
// By default messages come from chrome.i18n.getMessage (the browser's UI
// language, falling back to the manifest's default_locale). When the user
// chose a language in the options (settings.language "ja" | "en"), or where
// there is no chrome.i18n (www), the chosen locale's messages.json is fetched
// and used instead. Messages use Chrome's format: "$NAME$" placeholders whose
// content is "$1".."$9", plus "$$" for a literal dollar sign.
//
// Usage:
//   await initI18n({language: settings.language});
//   t('statusMismatchMany', [String(n)]);
//   applyI18n(document);   // fills [data-i18n], [data-i18n-placeholder], ...

const SUPPORTED = ['en', 'ja'];

let table = null; // messages.json object when loaded, else null (use chrome.i18n)
let lang = 'en';

/** The WebExtension namespace (Firefox: browser, Chrome: chrome), or null in www. */
function ext() {
  return globalThis.browser ?? globalThis.chrome ?? null;
}

function chromeI18n() {
  const c = ext();
  return c && c.i18n && typeof c.i18n.getMessage === 'function' ? c.i18n : null;
}

/** The browser's UI language reduced to one we ship ("ja" or "en"). */
export function browserLanguage() {
  const i18n = chromeI18n();
  let tag = '';
  if (i18n && typeof i18n.getUILanguage === 'function') tag = i18n.getUILanguage();
  else if (globalThis.navigator) tag = navigator.language || '';
  return String(tag).toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

/** URL of a locale's messages.json: in the extension via runtime.getURL,
 *  elsewhere relative to `base` (default: the page). */
function localeUrl(code, base) {
  const path = `_locales/${code}/messages.json`;
  const c = ext();
  if (!base && c && c.runtime && typeof c.runtime.getURL === 'function') return c.runtime.getURL(path);
  return new URL(path, base || document.baseURI).href;
}

/**
 * Chooses the language. `language` is the settings value ("auto" | "ja" |
 * "en"); `base` is where `_locales/` lives when not in the extension.
 * Returns the language in use ("ja" | "en").
 */
export async function initI18n({ language = 'auto', base = null } = {}) {
  const wanted = SUPPORTED.includes(language) ? language : null;
  const useChrome = chromeI18n() && !wanted && !base;
  if (useChrome) {
    table = null;
    lang = browserLanguage();
    // getMessage follows the browser, which may be neither ja nor en: then
    // Chrome falls back to default_locale (en).
    if (lang === 'ja' && !chromeI18n().getMessage('extName')) lang = 'en';
  } else {
    lang = wanted || browserLanguage();
    table = await loadMessages(lang, base);
  }
  if (globalThis.document && document.documentElement) document.documentElement.lang = lang;
  return lang;
}

/** Fetches and parses one locale's messages.json. */
export async function loadMessages(code, base = null) {
  const res = await fetch(localeUrl(code, base));
  if (!res.ok) throw new Error(`cannot load messages for ${code}: HTTP ${res.status}`);
  return res.json();
}

/** The language in use: "ja" or "en". */
export function currentLanguage() {
  return lang;
}

/** A BCP 47 tag for Intl formatting in the language in use. */
export function locale() {
  return lang === 'ja' ? 'ja-JP' : 'en-GB';
}

/**
 * Formats one messages.json entry the way chrome.i18n.getMessage does:
 * named placeholders ($NAME$, case-insensitive) are replaced by their
 * content, then $1..$9 by the substitutions, and $$ by $.
 */
export function formatMessage(entry, substitutions = []) {
  if (!entry || typeof entry.message !== 'string') return '';
  const subs = Array.isArray(substitutions) ? substitutions : [substitutions];
  const placeholders = {};
  for (const [name, p] of Object.entries(entry.placeholders || {})) {
    placeholders[name.toLowerCase()] = p && typeof p.content === 'string' ? p.content : '';
  }
  const positional = (s) =>
    s.replace(/\$(\$|[1-9])/g, (m, d) => (d === '$' ? '$' : String(subs[Number(d) - 1] ?? '')));
  return entry.message.replace(/\$([A-Za-z0-9_@]+)\$|\$(\$|[1-9])/g, (m, name, d) => {
    if (name !== undefined) {
      const content = placeholders[name.toLowerCase()];
      return content === undefined ? m : positional(content);
    }
    return d === '$' ? '$' : String(subs[Number(d) - 1] ?? '');
  });
}

/**
 * The message named `key` in the language in use, with substitutions. A missing
 * key yields the key itself (visible in the UI, caught by the locale test).
 */
export function t(key, substitutions = []) {
  const subs = (Array.isArray(substitutions) ? substitutions : [substitutions]).map(String);
  let out = '';
  if (table) {
    out = formatMessage(table[key], subs);
  } else {
    const i18n = chromeI18n();
    if (i18n) out = i18n.getMessage(key, subs) || '';
  }
  return out || key;
}

/**
 * Fills every element under `root` carrying:
 *   data-i18n="extName"          -> textContent
 *   data-i18n-placeholder="..."  -> placeholder attribute
 *   data-i18n-title="..."        -> title attribute
 *   data-i18n-aria-label="..."   -> aria-label attribute
 */
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder));
  }
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.setAttribute('title', t(el.dataset.i18nTitle));
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
}
