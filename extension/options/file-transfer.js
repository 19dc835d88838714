// Options page: the export file made here and an import read here, from and into storage.local
// directly (extension pages may read it), so that the file's tens of MB never travel through
// extension messages or the background's wasm (lib/listings-file.js says why). The background
// still decides what only it may: the settings and deletions written into the file
// (`ui-bg-export-head`), and whether the listings that differ are valid and how they merge
// (`ui-bg-import-preview` / `ui-bg-import-apply` with `unchanged`). No UI here: backup.js shows it,
// and scripts/bench-scale.mjs times the same functions.
import { api, localKeys } from '../lib/platform.js';
import { send } from '../lib/messages.js';
import {
  exportFileParts, readListingsFile, splitListings, reducedText, historiesToTake,
} from '../lib/listings-file.js';

/** Characters per message part (as background/transfer.js; `window.cgPartChars` in tests). */
const partChars = () => Number(globalThis.cgPartChars) || 8 * 1024 * 1024;

const get = (keys) => api.storage.local.get(keys);

/** Milliseconds since `t.start` by step, kept in `globalThis.cgTransferTimings` (scripts/bench-scale.mjs). */
function timings(name) {
  const t = { start: performance.now() };
  (globalThis.cgTransferTimings ??= {})[name] = t;
  return (step) => { t[step] = Math.round(performance.now() - t.start); };
}

/** `{parts: [string], filename}`: the export file, read from storage here (hand the parts to a Blob). */
export async function exportFile({ shots = false } = {}) {
  const mark = timings('export');
  const head = await send('ui-bg-export-head');
  mark('head');
  const timedGet = async (keys) => { const r = await get(keys); mark(keys === 'listings' ? 'listings' : 'extras'); return r; };
  const parts = await exportFileParts(timedGet, { settings: head.settings, deleted: head.deleted, shots }, localKeys);
  mark('written');
  return { parts, filename: head.filename };
}

/** `{text}` for a text that fits one message, else `{upload: id}` after sending it in parts. */
export async function sendText(text) {
  const size = partChars();
  if (text.length <= size) return { text };
  const id = crypto.randomUUID();
  const count = Math.ceil(text.length / size);
  for (let index = 0; index < count; index++) {
    await send('ui-bg-part-put', { id, index, count, text: text.slice(index * size, (index + 1) * size) });
  }
  return { upload: id };
}

/**
 * Reads an import file's text and asks the background for its preview. Returns `{preview,
 * apply(mode), cancel()}` (call one of the two); throws the core's error (with line, listing and
 * field) for a file it refuses.
 *
 * The quick way (a well-formed file): only the listings that differ from the stored ones, and the
 * case logs, screenshots and deletions, go to the background; the histories are merged here, in
 * one storage.local write after the background has stored the listings. Any other file, or one
 * the core refuses that way, goes to the background whole, as before, so an error names the
 * listing by its number in the file as the seller has it.
 */
export async function prepareImport(text) {
  const mark = timings('preview');
  const file = readListingsFile(text);
  mark('parsed');
  if (file) {
    const { listings: stored } = await get('listings');
    mark('listings');
    const here = stored && typeof stored === 'object' ? stored : {};
    const { unchanged, differing } = splitListings(file, here);
    const ref = await sendText(reducedText(file, differing));
    mark('split');
    try {
      const { preview } = await send('ui-bg-import-preview', { ...ref, unchanged });
      mark('background');
      // The stored histories the file also has are read now, while the seller reads the
      // preview, and kept current until the merge (storedHistories), which then reads nothing.
      // Not sooner: read beside the listings, they delayed the preview more than they saved.
      const histories = storedHistories(Object.keys(file.history && typeof file.history === 'object' ? file.history : {}));
      return { preview, apply: (mode) => applyQuick(file, here, ref, unchanged, mode, histories), cancel: histories.stop };
    } catch {
      // The whole file below gives the error as the seller's file has it.
    }
  }
  const ref = await sendText(text);
  const { preview } = await send('ui-bg-import-preview', ref);
  return { preview, apply: (mode) => send('ui-bg-import-apply', { ...ref, mode }), cancel: () => {} };
}

/**
 * The stored histories (`history:<key>` → History) of the listing keys `keys`, read now (only
 * those stored, where the browser lists its keys) and kept current from storage.onChanged until
 * `stop()`: a badge check recording an observation while the seller reads the preview is seen by
 * the merge. An event always wins over the read: it is at least as new.
 */
function storedHistories(keys) {
  const wanted = new Set(keys.map((k) => `history:${k}`));
  const got = {};
  const changed = new Set();
  const listen = (changes, area) => {
    if (area !== 'local') return;
    for (const [k, c] of Object.entries(changes)) {
      if (!wanted.has(k)) continue;
      changed.add(k);
      if (c.newValue === undefined) delete got[k];
      else got[k] = c.newValue;
    }
  };
  api.storage.onChanged.addListener(listen);
  const ready = (async () => {
    const present = wanted.size ? await localKeys() : null;
    const stored = present && new Set(present);
    const read = [...wanted].filter((k) => !stored || stored.has(k));
    const values = read.length ? await get(read) : {};
    for (const [k, v] of Object.entries(values)) if (!changed.has(k)) got[k] = v;
    return got;
  })();
  ready.catch(() => {}); // awaited (and its error thrown) by the merge
  return { ready, stop: () => api.storage.onChanged.removeListener(listen) };
}

async function applyQuick(file, stored, ref, unchanged, mode, histories) {
  const mark = timings('apply');
  // The listings there will be (before the file's deletions), and the file's histories for them
  // that win against the stored ones; the background adds no import observation to those.
  const keep = new Set(file.listings.map((l) => `${l.marketplace}/${l.asin}`));
  if (mode !== 'replace') for (const k of Object.keys(stored)) keep.add(k);
  const fileHistory = file.history && typeof file.history === 'object' ? file.history : {};
  let local;
  try {
    local = await histories.ready;
  } finally {
    histories.stop();
  }
  const set = historiesToTake(fileHistory, local, keep, mode);
  const taken = Object.keys(set).map((k) => k.slice('history:'.length));
  mark('histories_read');
  const res = await send('ui-bg-import-apply', { ...ref, mode, unchanged, taken });
  mark('background');
  // Nothing is written here unless the background accepted the file; not for listings it removed.
  for (const k of res.removed ?? []) delete set[`history:${k}`];
  if (Object.keys(set).length) await api.storage.local.set(set);
  mark('histories_written');
  return res;
}
