// Options page, shared by its section modules: the element lookup, the background messages,
// the page state (listings, settings, sync notes, catalogue), notices, and the hooks through
// which a section asks the listings table to reload or re-render (set by options.js).
import { send as sendTyped } from '../lib/messages.js';

export const $ = (id) => document.getElementById(id);

export /** Sends `{type, ...}` (docs/interfaces.md) and returns the `{ok: true}` answer; throws the error. */
const send = ({ type, ...payload }) => sendTyped(type, payload);

export const state = {
  listings: [], // [{key, listing, haystack}]
  filtered: [],
  query: '',
  complete: true, // false while only the first screen of rows has come (options.js)
  total: 0, // every listing, also while only the first screen has come
  settings: {},
  selected: new Set(), // keys ticked for a bulk action (kept across pages and searches)
  elsewhere: new Map(), // key -> {fields}: changed in another browser, full record not synced
  // Catalogue at a glance (background catalog.js): each listing's last check and the summary.
  checks: {}, // key -> {status: match|mismatch|gone|unreadable|not_checked, stale, at, source, differences}
  summary: null,
  status: 'all', // the status filter: all | problems | mismatch | gone | unreadable | stale
};

export function errorText(err) {
  const base = err && err.message ? err.message : String(err);
  const details = err && err.details;
  if (details && typeof details === 'string' && details !== base) return `${base} (${details})`;
  return base;
}

export function notify(text, kind = 'success') {
  const n = $('notice');
  n.textContent = text;
  n.dataset.kind = kind;
}

/** A preview's count under any of `names` (a number, or a list's length); null when none. */
export function countOf(preview, names) {
  for (const name of names) {
    const v = preview && preview[name];
    if (typeof v === 'number') return v;
    if (Array.isArray(v)) return v.length;
  }
  return null;
}

/** What the listings table offers the other sections (options.js fills these in). */
export const hooks = {
  /** Re-renders the table from `state` (e.g. after the sync notes changed). */
  renderTable: () => {},
  /** Reloads the listings from the background, then re-renders. */
  loadListings: async () => {},
};

/** Watch flags in display order: [flag, checkbox label key, short name key for the table]. */
export const WATCH_FLAGS = [
  ['title', 'watchTitle', 'fieldTitle'],
  ['brand', 'watchBrand', 'fieldBrand'],
  ['main_image', 'watchMainImage', 'fieldImagesMain'],
  ['gallery', 'watchGallery', 'fieldImagesGallery'],
  ['variations', 'watchVariations', 'fieldVariations'],
  ['breadcrumb', 'watchBreadcrumb', 'fieldBreadcrumb'],
  ['bullets', 'watchBullets', 'fieldBullets'],
  ['description', 'watchDescription', 'fieldDescription'],
  ['seller', 'watchSeller', 'fieldSeller'],
  ['offers', 'watchOffers', 'fieldOffers'],
  ['family_parent', 'watchFamilyParent', 'fieldFamilyParent'],
  ['family_members', 'watchFamilyMembers', 'fieldFamilyMembers'],
  ['availability', 'watchAvailability', 'fieldAvailability'],
];

/** Flags a listing stored before they existed lacks: on, as the core's `Watch` default. */
const WATCH_DEFAULT_ON = ['family_parent', 'family_members', 'availability'];

/** A listing's watch flags, the missing newer ones at their default. */
export function watchOf(l) {
  const w = { ...(l?.watch || {}) };
  for (const f of WATCH_DEFAULT_ON) if (w[f] === undefined) w[f] = true;
  return w;
}
