// Large texts between the options page and the background, in parts: one extension message
// carries at most 64 MiB, and an export of 10,000 listings with their histories is larger
// (BENCHMARKS.md). A text up to one part goes in the message itself, as before; a longer one is
// offered by id and fetched part by part (export), or put part by part and named by id (import).
// Parts live in this worker's memory only, and are dropped when used or after 10 minutes.
//
// The export file itself is written by lib/listings-file.js from storage.local (the options page
// does it without the background, after `ui-bg-export-head`), and an import from the options page
// sends only what the core must judge (`unchanged` names the listings left out): see below.
import { api, localKeys } from '../lib/platform.js';
import {
  core, failure, keyOf, listingIndex, loadListings, loadSettings, saveListings, today,
  withFreshListings,
} from './core.js';
import { exportFileParts, sameListing, SETTINGS_VERSION } from '../lib/listings-file.js';
import { exportDeletions, applyImportedDeletions } from './sync.js';
import { applyImport } from './cases.js';
import { applyImportShots } from './shots.js';
import { recheckAllTabs } from './checks.js';

/** Characters per part (overridable for tests through `globalThis.cgPartChars`). */
const partChars = () => Number(globalThis.cgPartChars) || 8 * 1024 * 1024;
const TTL_MS = 10 * 60_000;

const outgoing = new Map(); // id -> {text, at}
const incoming = new Map(); // id -> {parts: [], count, at}

function sweep() {
  const now = Date.now();
  for (const m of [outgoing, incoming]) for (const [id, v] of m) if (now - v.at > TTL_MS) m.delete(id);
}

/** `{text}` when it fits one message, else `{parts: {id, count}}` to fetch with ui-bg-part-get. */
export function offer(text) {
  sweep();
  const size = partChars();
  if (text.length <= size) return { text };
  const id = crypto.randomUUID();
  outgoing.set(id, { text, at: Date.now() });
  return { parts: { id, count: Math.ceil(text.length / size) } };
}

/** The text the page put in parts under `id` (kept until `drop`). */
export function uploaded(id) {
  const u = incoming.get(String(id));
  if (!u || u.parts.length !== u.count || u.parts.some((p) => typeof p !== 'string')) {
    throw failure('the file did not arrive in full; choose it again', { kind: 'request' });
  }
  return u.parts.join('');
}

export function dropUpload(id) {
  incoming.delete(String(id));
}

// ------------------------------------------------------------------ export

/** What only the background knows of an export file: settings as the core reads them, deletions. */
async function exportHead() {
  const { settings } = await api.storage.local.get('settings');
  return {
    // As the core's export writes them: normalised, with their version; none when none are stored.
    settings: settings ? { ...(await loadSettings()), version: SETTINGS_VERSION } : null,
    deleted: await exportDeletions(), // deletions travel in the file too
    filename: `catalog-guard-listings-${today()}.json`,
  };
}

/** The whole export file as one text (`ui-bg-export`). */
export async function exportText({ shots = false } = {}) {
  const { settings, deleted, filename } = await exportHead();
  const parts = await exportFileParts((keys) => api.storage.local.get(keys), { settings, deleted, shots }, localKeys);
  return { text: parts.join(''), filename };
}

// ------------------------------------------------------------------ import, the quick way
//
// The page sends the file without its histories and without the listings that are the same data
// as the stored ones (`unchanged`: key -> the stored updated_at it saw). The core judges the rest
// against the stored listings of the same keys only, so the wasm sees a few listings instead of
// every one, and a merge that changes no listing writes none.

function reducedFile(text) {
  try {
    const file = JSON.parse(text);
    if (file && Array.isArray(file.listings)) return file;
  } catch { /* below */ }
  throw failure('the file could not be read; choose it again', { kind: 'request' });
}

/** The stored listings the core must see: those of the file's listings and deletions. */
function storedFor(map, file) {
  const keys = new Set(file.listings.map(keyOf));
  for (const t of Array.isArray(file.deleted) ? file.deleted : []) if (t && typeof t.key === 'string') keys.add(t.key);
  return [...keys].filter((k) => Object.hasOwn(map, k)).map((k) => map[k]);
}

/** The page judged these unchanged: each must still be stored (as it saw it, for "replace"). */
function checkUnchanged(map, unchanged, mode) {
  for (const [k, at] of Object.entries(unchanged)) {
    const l = Object.hasOwn(map, k) ? map[k] : null;
    if (!l || (mode === 'replace' && String(l.updated_at ?? '') !== String(at))) {
      throw failure('the listings changed while the file was being read; choose it again', { kind: 'request' });
    }
  }
}

/** `ui-bg-import-preview {text|upload, unchanged}`: the preview of the whole file. */
export async function quickPreview(text, unchanged) {
  const file = reducedFile(text);
  const { map } = await listingIndex();
  checkUnchanged(map, unchanged, 'merge');
  const preview = await core('import_preview', { existing: storedFor(map, file), text });
  const same = Object.keys(unchanged);
  const inFile = new Set([...file.listings.map(keyOf), ...same]);
  return {
    ...preview,
    unchanged: [...preview.unchanged, ...same].sort(),
    only_here: Object.keys(map).filter((k) => !inFile.has(k)).sort(),
    total: preview.total + same.length,
  };
}

/** The listings after the import: `map` with the core's answer for the keys it saw. */
function nextListings(map, file, unchanged, mode, merged) {
  const next = {};
  if (mode === 'replace') {
    for (const k of Object.keys(unchanged)) next[k] = map[k];
  } else {
    Object.assign(next, map);
    for (const l of storedFor(map, file)) delete next[keyOf(l)];
  }
  for (const l of merged) next[keyOf(l)] = l;
  return next;
}

/**
 * `ui-bg-import-apply {text|upload, mode, unchanged, taken}`: as the whole-file import, except
 * that the histories are stored by the page afterwards (`taken`: the keys whose history it takes,
 * which get no import observation here). Answers `{count, removed}` (`removed`: listings of the
 * file that its deletions removed). Nothing is written when the core refuses the file.
 */
export async function quickApply(text, mode, unchanged, taken) {
  const t = { start: performance.now() };
  const mark = (name) => { t[name] = Math.round(performance.now() - t.start); };
  globalThis.cgImportTimings = t; // by step, for scripts/bench-scale.mjs
  const file = reducedFile(text);
  const index = await listingIndex();
  mark('index');
  checkUnchanged(index.map, unchanged, mode);
  // Throws (and nothing is written) when the file is malformed or the mode unknown.
  const res = await core('import_apply', { existing: storedFor(index.map, file), text, mode, now_ms: Date.now() });
  mark('core');
  let map = index.map;
  let next = nextListings(map, file, unchanged, mode, res.listings);
  const differs = (a, b) => Object.keys(a).length !== Object.keys(b).length
    || Object.keys(b).some((k) => !Object.hasOwn(a, k) || (a[k] !== b[k] && !sameListing(a[k], b[k])));
  const write = differs(map, next);
  if (write) {
    // Written from this handler's own copy of the stored listings, not the shared index; read
    // again if a sync merge wrote meanwhile (its listings would be dropped, and by the
    // before-save hook recorded as deleted here).
    ({ map, next } = await withFreshListings(async (gen) => {
      const stored = await loadListings();
      checkUnchanged(stored, unchanged, mode);
      const merged = nextListings(stored, file, unchanged, mode, res.listings);
      await saveListings(merged, { ifGeneration: gen });
      return { map: stored, next: merged };
    }));
  }
  mark('listings');
  const changed = res.listings.filter((l) => { const old = map[keyOf(l)]; return !old || !sameListing(old, l); });
  await applyImportedDeletions(next, res.deleted, res.tombstones);
  await applyImport({ keys: Object.keys(next), changed, cases: res.cases, mode, taken });
  // Screenshots after the case logs: the imported cases decide which ones are protected.
  await applyImportShots({ keys: Object.keys(next), shots: res.shots, mode });
  mark('extras');
  // Open tabs are checked again only when the listings changed (and recheckAllTabs reads
  // nothing more when no tab shows a checked page).
  if (write) await recheckAllTabs();
  mark('tabs');
  const removed = [...file.listings.map(keyOf), ...Object.keys(unchanged)].filter((k) => !Object.hasOwn(next, k));
  return { count: Object.keys(next).length, removed };
}

// ------------------------------------------------------------------ messages

export const transferHandlers = {
  'ui-bg-export-head': exportHead,
  'ui-bg-part-get'({ id, index }) {
    const o = outgoing.get(String(id));
    const size = partChars();
    if (!o || !Number.isInteger(index) || index < 0 || index * size >= o.text.length) throw failure('no such part', { kind: 'request' });
    const text = o.text.slice(index * size, (index + 1) * size);
    if ((index + 1) * size >= o.text.length) outgoing.delete(String(id));
    return { text };
  },
  'ui-bg-part-put'({ id, index, count, text }) {
    sweep();
    if (typeof id !== 'string' || !Number.isInteger(index) || !Number.isInteger(count) || index < 0 || index >= count || typeof text !== 'string') {
      throw failure('id, index, count and text are required', { kind: 'request' });
    }
    const u = incoming.get(id) ?? { parts: new Array(count).fill(null), count, at: Date.now() };
    u.parts[index] = text;
    u.at = Date.now();
    incoming.set(id, u);
    return {};
  },
};
