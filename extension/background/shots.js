// Dated screenshots of a product page as case evidence (watch::shots in the core): the popup's
// "Save a screenshot as evidence" captures the visible tab, stamps it with the time, URL, ASIN
// and differing fields, and keeps it with the listing's case log.
//
// Storage: storage.local `shots:<marketplace/ASIN>` = [Shot] (oldest first; each
// {id, at, url, asin, marketplace, status, fields, case_id, width, height, bytes, jpeg (data URL)}).
// A separate item from `cases:<key>` so the case log stays small: case logs may go to
// storage.sync, screenshots never do (sync.js follows only `listings`, `settings` and `cases:`).
// Budget per listing (core: MAX_SHOTS, BUDGET_BYTES): 30 screenshots, 8 MB of JPEG; over it the
// core prunes (repeats of an earlier state first, then the oldest; never one of an open case).
// The export file carries them only when asked (`ui-bg-export {shots: true}`).
//
// Messages (extension pages only):
//   ui-bg-capture {tabId}              → {key, shot (no image), count, dropped}
//   ui-bg-shots-get {key|tabId, images?} → {key, shots (with images unless images: false), names (file names), budget}
//   ui-bg-shot-delete {key, id}        → {key, count}
import { api, captureVisibleTab, makeCanvas, canvasToJpeg } from '../lib/platform.js';
import { core, serialiser, failure } from './core.js';
import { resolveListing, loadCases, activeCase } from './cases.js';

/** The storage key of a listing's screenshots. */
export const shotsKey = (key) => `shots:${key}`;

/** Report statuses a screenshot is offered for: the page differs, or the listing is gone. */
export const CAPTURE_STATUSES = ['mismatch', 'gone'];

// Writes to one listing's screenshots are chained (two quick captures must not lose one).
const serial = serialiser();

/** A listing's screenshots (`[]` when none). */
export async function loadShots(key) {
  const k = shotsKey(key);
  const got = await api.storage.local.get(k);
  return Array.isArray(got[k]) ? got[k] : [];
}

/** A shot without its image (what the case texts and answers need). */
export function shotInfo(s) {
  const { jpeg, ...rest } = s; // eslint-disable-line no-unused-vars
  return rest;
}

/** The listing's screenshots without images (for the case texts). */
export async function shotInfos(key) {
  return (await loadShots(key)).map(shotInfo);
}

/** True when `e` (from storage.local.set) says the storage is full. */
function isQuotaError(e) {
  return /quota|QUOTA_BYTES|storage.*full|disk.*full|NS_ERROR_DOM_QUOTA/i.test(String(e?.message ?? e));
}

/** Writes `set` to storage.local; a full storage becomes a clear `storage_full` failure. */
export async function writeLocal(set) {
  try {
    await api.storage.local.set(set);
  } catch (e) {
    if (isQuotaError(e)) {
      throw failure('the browser storage for this extension is full: nothing was saved, and nothing stored before was lost', { kind: 'storage_full', cause: String(e?.message ?? e) });
    }
    throw e;
  }
}

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromDataUrl(dataUrl) {
  const b64 = String(dataUrl).split(',')[1] ?? '';
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The captured picture scaled to at most `maxWidth` pixels wide, with a dark band below it
 * carrying `lines` (time, ASIN, case, differing fields; URL): the stamp stays with the picture
 * when it is saved as a file and attached to a case. JPEG at `quality` (0..1).
 */
async function stamp(dataUrl, lines, { quality, maxWidth }) {
  const bitmap = await createImageBitmap(new Blob([fromDataUrl(dataUrl)], { type: 'image/jpeg' }));
  const scale = Math.min(1, maxWidth / bitmap.width);
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const shown = Math.max(1, Math.round(bitmap.height * scale));
  const font = Math.max(12, Math.round(width / 80));
  const lineHeight = Math.round(font * 1.4);
  const band = lineHeight * lines.length + font;
  const canvas = makeCanvas(width, shown + band);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0, width, shown);
  bitmap.close?.();
  ctx.fillStyle = '#111';
  ctx.fillRect(0, shown, width, band);
  ctx.fillStyle = '#fff';
  ctx.font = `${font}px sans-serif`;
  ctx.textBaseline = 'top';
  lines.forEach((line, i) => ctx.fillText(line, Math.round(font / 2), shown + Math.round(font / 2) + i * lineHeight, width - font));
  const blob = await canvasToJpeg(canvas, quality);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  return { jpeg: `data:image/jpeg;base64,${base64(bytes)}`, width, height: shown + band, bytes: bytes.length };
}

export const shotsHandlers = {
  async 'ui-bg-capture'({ tabId }) {
    if (typeof tabId !== 'number') throw failure('tabId is required', { kind: 'request' });
    const target = await resolveListing({ tabId });
    const report = target.state.report;
    if (!CAPTURE_STATUSES.includes(report.status)) {
      throw failure('a screenshot is kept as evidence only while the page differs from the listing', { kind: 'not_mismatch', status: report.status });
    }
    const tab = await api.tabs.get(tabId);
    if (!tab.active) throw failure('only the page shown in its window can be captured: show it first', { kind: 'not_shown', tabId });
    const url = tab.url || target.state.url || '';
    const cases = await loadCases(target.key);
    const now = Date.now();
    const made = await core('shot_new', {
      marketplace: target.listing.marketplace,
      asin: target.listing.asin,
      url,
      report: { status: report.status, mismatches: report.mismatches ?? [] },
      case_id: activeCase(cases)?.id ?? null,
      now_ms: now,
    });
    const raw = await captureVisibleTab(tab.windowId, Math.round(made.quality * 100));
    const img = await stamp(raw, made.stamp, { quality: made.quality, maxWidth: made.max_width });
    const shot = { ...made.shot, ...img };
    return serial(target.key, async () => {
      // Checked and budgeted by the core; on any refusal nothing is written.
      const res = await core('shots_add', { shots: await loadShots(target.key), shot, cases: await loadCases(target.key) });
      await writeLocal({ [shotsKey(target.key)]: res.shots });
      return { key: target.key, shot: shotInfo(shot), count: res.shots.length, dropped: res.dropped };
    });
  },

  async 'ui-bg-shots-get'({ key, tabId, images = true }) {
    const target = await resolveListing({ key, tabId });
    const stored = await loadShots(target.key);
    const shots = images === false ? stored.map(shotInfo) : stored;
    const names = await core('shot_file_names', { shots: stored.map(shotInfo) });
    const budget = await core('shots_budget', {});
    return { key: target.key, shots, names, budget };
  },

  async 'ui-bg-shot-delete'({ key, id }) {
    const target = await resolveListing({ key });
    return serial(target.key, async () => {
      const shots = await loadShots(target.key);
      const next = shots.filter((s) => s.id !== String(id));
      if (next.length === shots.length) throw failure(`no screenshot ${id} for ${target.key}`, { kind: 'no_shot', id });
      await writeLocal({ [shotsKey(target.key)]: next });
      return { key: target.key, count: next.length };
    });
  },
};

/**
 * Stores the screenshots an import brings (already checked by the core when it read the file)
 * for the listings kept: "replace" takes the file's list wherever it has one; "merge" adds the
 * file's screenshots whose IDs are not here. Then the budget is applied (the merged case log
 * decides what is protected). One read and one write.
 */
export async function applyImportShots({ keys, shots = null, mode = 'merge' }) {
  if (!shots || typeof shots !== 'object') return { shots: 0 };
  const keep = new Set(keys);
  const wanted = Object.keys(shots).filter((k) => keep.has(k));
  if (!wanted.length) return { shots: 0 };
  const stored = await api.storage.local.get(wanted.flatMap((k) => [shotsKey(k), `cases:${k}`]));
  const set = {};
  let count = 0;
  for (const k of wanted) {
    const incoming = Array.isArray(shots[k]) ? shots[k] : [];
    let next = incoming;
    if (mode !== 'replace') {
      const local = Array.isArray(stored[shotsKey(k)]) ? stored[shotsKey(k)] : [];
      const ids = new Set(local.map((s) => s.id));
      next = [...local, ...incoming.filter((s) => !ids.has(s.id))];
    }
    const cases = Array.isArray(stored[`cases:${k}`]) ? stored[`cases:${k}`] : [];
    const pruned = await core('shots_prune', { shots: next, cases });
    set[shotsKey(k)] = pruned.shots;
    count += incoming.length;
  }
  await writeLocal(set);
  return { shots: count };
}
