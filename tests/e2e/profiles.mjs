// Helpers for the tests that move listings between browser profiles through storage.sync
// (sync-profiles, sync-deletions): a fresh profile, its stored listings and sync items, a
// delivery of sync items as Chrome sync would make it, and polling until a condition holds.
import { launch, sleep } from './harness.mjs';

/** A fresh profile with the built extension, its UI in English; `opened` collects it for closing. */
export async function freshProfile(opened) {
  const e = await launch();
  opened.push(e);
  await (await e.worker()).evaluate(() => chrome.storage.local.set({ settings: { language: 'en' } }));
  return e;
}

/** The profile's stored listings, by key. */
export async function localListings(e) {
  const p = await e.extensionPage();
  return p.evaluate(async () => (await chrome.storage.local.get('listings')).listings || {});
}

/** Everything the profile's storage.sync holds. */
export async function syncItems(e) {
  const p = await e.extensionPage();
  return p.evaluate(() => chrome.storage.sync.get(null));
}

/** Puts `items` into e's storage.sync as Chrome sync would deliver them (replacing what was there). */
export async function deliver(e, items) {
  const p = await e.extensionPage();
  await p.evaluate(async (all) => {
    await chrome.storage.sync.clear();
    await chrome.storage.sync.set(all);
  }, items);
}

/** Polls `fn` every 200 ms until it returns something truthy (returned); fails after `timeout` ms. */
export async function until(what, fn, timeout = 20000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}
