// Image content: what the pictures show, not only their Amazon image IDs.
//
// The background fetches an image from Amazon's image host in a small rendition (`._SL500_`),
// decodes it with createImageBitmap + OffscreenCanvas (Chrome's service worker and Firefox's
// background page alike) and hands the RGBA bytes to the core (`image_signature`), which
// computes a small signature; `image_compare` gives same / recoloured / different and
// `image_refine` writes the verdict into a report's image mismatch.
//
// - Signatures are kept by image ID in storage.local `imagesigs` ({id: Signature}, at most
//   MAX_SIGS, oldest dropped first); a fetch is made at most once per image ID per worker life
//   (failures are retried on a later check), never more than MAX_IN_FLIGHT at once.
// - On save, the saved listing's main and gallery images are signed and the signatures written
//   into the listing (`image_signatures`, compact form, so they travel in the export file and
//   the synced record); listings saved earlier get theirs lazily, when a mismatch first needs
//   their saved image. Writing them does not move `updated_at` (the core's merge unites
//   signatures, ARCHITECTURE.md), and a listing changed meanwhile is left for a later pass.
// - A comparison takes the saved image's signature from the listing first, else from
//   `imagesigs`, else fetches it.
// - refineImages() runs after the badge is set, and only for a report with an `images.main`
//   mismatch (the image ID changed): nothing is fetched for pages whose image IDs did not
//   change. A failed fetch or decode gives the verdict `unknown` and keeps the ID-based result.
import { api } from '../lib/platform.js';
import {
  core, session, tabKey, tabState, loadListings, saveListings, listingsSavedHooks, storedListingFor, keyOf,
  withFreshListings,
} from './core.js';

const IMAGE_ID = /^[A-Za-z0-9+\-_%.]+$/;
const MAX_IN_FLIGHT = 2;
const SIGS_KEY = 'imagesigs';
const MAX_SIGS = 5000;
/** Listings saved this recently (ms) get their images signed after a listings write. */
const JUST_SAVED_MS = 120_000;

/** Counters for the e2e tests and debugging. */
export const imageStats = {
  fetches: 0, failures: 0, inFlight: 0, maxInFlight: 0, refined: 0, signMs: [], fromListing: 0, listingsFilled: 0,
};
globalThis.cgImages = imageStats;

/**
 * For BENCHMARKS.md: the time (ms) of `runs` signatures of a width × height RGBA buffer (a
 * gradient product on white) through the same `image_signature` call the fetches use.
 */
imageStats.benchSignature = async (width = 500, height = 500, runs = 20) => {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const inside = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (width / 3) ** 2;
      rgba.set(inside ? [(x * 255) / width, 40, (y * 255) / height, 255] : [255, 255, 255, 255], i);
    }
  }
  await core('image_signature', { width, height, rgba }); // warm-up
  const out = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await core('image_signature', { width, height, rgba });
    out.push(performance.now() - t0);
  }
  return out;
};

/** The small rendition of an Amazon image ID, or null for an ID that is not safe in a URL. */
export function imageUrl(id) {
  if (typeof id !== 'string' || !id || id.length > 200 || !IMAGE_ID.test(id)) return null;
  return `https://m.media-amazon.com/images/I/${id}._SL500_.jpg`;
}

// ------------------------------------------------------------------ at most 2 fetches at once

let active = 0;
const waiting = [];

async function limited(task) {
  if (active >= MAX_IN_FLIGHT) {
    await new Promise((resolve) => waiting.push(resolve)); // the finishing task hands its slot over
  } else {
    active += 1;
  }
  imageStats.inFlight = active;
  imageStats.maxInFlight = Math.max(imageStats.maxInFlight, active);
  try {
    return await task();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
    imageStats.inFlight = active;
  }
}

// ------------------------------------------------------------------ signatures by image ID

async function fetchAndSign(id) {
  const url = imageUrl(id);
  if (!url) throw new Error(`not an image ID: ${id}`);
  imageStats.fetches += 1;
  const res = await fetch(url, { credentials: 'omit', cache: 'force-cache' });
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  const bitmap = await createImageBitmap(await res.blob());
  try {
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, width, height);
    const t0 = performance.now();
    const sig = await core('image_signature', {
      width, height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    imageStats.signMs.push({ width, height, ms: performance.now() - t0 });
    if (imageStats.signMs.length > 50) imageStats.signMs.shift();
    return sig;
  } finally {
    bitmap.close();
  }
}

async function storedSigs() {
  const got = await api.storage.local.get(SIGS_KEY);
  const v = got[SIGS_KEY];
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

let writeChain = Promise.resolve();

function storeSig(id, sig) {
  writeChain = writeChain.catch(() => {}).then(async () => {
    const all = await storedSigs();
    delete all[id];
    all[id] = sig; // insertion order = age
    const ids = Object.keys(all);
    for (const old of ids.slice(0, Math.max(0, ids.length - MAX_SIGS))) delete all[old];
    await api.storage.local.set({ [SIGS_KEY]: all });
  });
  return writeChain;
}

const memo = new Map(); // image ID -> Promise<Signature|null>

/** The signature of one image ID (stored, else fetched and computed), or null on failure. */
export function signatureOf(id) {
  if (!memo.has(id)) {
    const p = (async () => {
      const stored = (await storedSigs())[id];
      if (stored) return stored;
      const sig = await limited(() => fetchAndSign(id));
      await storeSig(id, sig);
      return sig;
    })().catch(() => {
      imageStats.failures += 1;
      memo.delete(id); // retried by a later check
      return null;
    });
    memo.set(id, p);
  }
  return memo.get(id);
}

/** The saved image's signature: the listing's own (`own`, compact), else by image ID. */
async function savedSignature(id, own) {
  if (!id) return null;
  if (typeof own === 'string') {
    const sig = await core('image_signature_read', { text: own }).catch(() => null);
    if (sig) {
      imageStats.fromListing += 1;
      return sig;
    }
  }
  return signatureOf(id);
}

// ------------------------------------------------------------------ signatures in the listings

let fillChain = Promise.resolve();

/**
 * Writes the signatures of the listings' own images (main and gallery) into the listings under
 * `keys`, signing what is not signed yet. One pass at a time; `updated_at` stays; a listing
 * changed between the read and the write (saved again, accepted, merged) is left as it is.
 */
export function fillListings(keys) {
  fillChain = fillChain.catch(() => {}).then(async () => {
    const map = await loadListings();
    const updates = {};
    for (const key of keys) {
      const l = map[key];
      if (!l || !Array.isArray(l.images)) continue;
      const ids = l.images.filter((id) => imageUrl(id) && !l.image_signatures?.[id]);
      if (!ids.length) continue;
      const sigs = await Promise.all(ids.map(signatureOf));
      const signatures = Object.fromEntries(ids.map((id, i) => [id, sigs[i]]).filter(([, sig]) => sig));
      if (!Object.keys(signatures).length) continue;
      const signed = await core('image_signatures_add', { listing: l, signatures });
      updates[key] = { before: l, added: signed.image_signatures ?? {} };
    }
    if (!Object.keys(updates).length) return;
    // Over the listings as they are: read again if another listings write was issued meanwhile.
    const changed = await withFreshListings(async (gen) => {
      const fresh = await loadListings();
      let any = false;
      for (const [key, { before, added }] of Object.entries(updates)) {
        const now = fresh[key];
        if (!now || now.updated_at !== before.updated_at
          || JSON.stringify(now.images) !== JSON.stringify(before.images)) continue;
        fresh[key] = { ...now, image_signatures: { ...added, ...(now.image_signatures ?? {}) } };
        any = true;
      }
      if (any) await saveListings(fresh, { ifGeneration: gen });
      return any;
    });
    if (changed) imageStats.listingsFilled += 1;
  });
  return fillChain;
}

// ------------------------------------------------------------------ refining a tab's report

const FIELD = 'images.main';

/**
 * The report with its `images.main` mismatch refined by content (`image_refine`), or null when
 * it has none to refine (no image-ID change, or already refined). Never throws.
 */
export async function refineReport(report) {
  try {
    if (report?.status !== 'mismatch') return null;
    const m = (report.mismatches ?? []).find((x) => x.field === FIELD && !x.verdict);
    if (!m) return null;
    const savedId = typeof m.expected === 'string' ? m.expected : null;
    const pageId = typeof m.actual === 'string' ? m.actual : null;
    const listing = await storedListingFor(report).catch(() => null);
    const own = savedId ? listing?.image_signatures?.[savedId] : null;
    const [saved, page] = await Promise.all([
      savedSignature(savedId, own),
      pageId ? signatureOf(pageId) : null,
    ]);
    if (listing && saved && !own) fillListings([keyOf(listing)]).catch(() => {}); // lazily
    const comparison = saved && page ? await core('image_compare', { saved, page }).catch(() => null) : null;
    return await core('image_refine', { report, field: FIELD, comparison });
  } catch {
    return null; // best effort: the ID-based report stays
  }
}

/**
 * After the badge is set: compares the saved and the page's main image by content and writes
 * the verdict into the tab's stored report (if the tab still shows that report). Never throws.
 */
export async function refineImages(tabId, report) {
  const refined = await refineReport(report);
  if (!refined) return null;
  try {
    const state = await tabState(tabId);
    if (!state || state.report?.checked_at !== report.checked_at) return refined; // a newer check
    await session.set({ [tabKey(tabId)]: { ...state, report: refined } });
    imageStats.refined += 1;
  } catch { /* the tab is gone */ }
  return refined;
}

// ------------------------------------------------------------------ signing on save

listingsSavedHooks.push(({ fromSync } = {}) => {
  if (fromSync) return;
  (async () => {
    const now = Date.now();
    const listings = Object.values(await loadListings())
      .filter((l) => now - Date.parse(l?.saved_at ?? '') < JUST_SAVED_MS)
      .slice(0, 20);
    const missing = listings.filter((l) => Array.isArray(l.images)
      && l.images.some((id) => imageUrl(id) && !l.image_signatures?.[id]));
    if (missing.length) await fillListings(missing.map(keyOf));
  })().catch(() => {});
});
