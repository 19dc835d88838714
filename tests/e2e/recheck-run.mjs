// What the scheduled re-check tests (recheck, gone) share: listings saved from their pages in
// tabs, their first history observations, and a spy in the service worker on its notifications
// and page fetches. Every helper takes the harness (`launch()`'s answer).
import assert from 'node:assert/strict';
import { until } from './harness.mjs';

/**
 * Saves a listing from each URL's page (served by the test) as a seller does: open it, wait for
 * the untracked badge, save (the report must match), reload (the badge check of a saved
 * listing's page is its first history observation) and wait for the match badge; then waits
 * until each of `keys` has that first observation in its history.
 */
export async function saveFromTabs(h, urls, keys) {
  for (const url of urls) {
    const tab = await h.open(url);
    // The first page of a fresh profile also starts the wasm: a longer wait than usual.
    await h.waitForBadge(tab.tabId, (b) => b.text === '?', 30000);
    const res = await h.sendOk({ type: 'ui-bg-save-page', tabId: tab.tabId });
    assert.equal(res.report.status, 'match');
    await tab.page.reload({ waitUntil: 'domcontentloaded' });
    await h.waitForBadge(tab.tabId, (b) => b.text === '✓');
    await tab.page.close();
  }
  for (const key of keys) {
    await until(`a history baseline for ${key}`, async () => (await h.stored(`history:${key}`))?.page_observed, { timeout: 10000 });
  }
}

/** Records the service worker's notifications and page fetches in `globalThis.cgSpy`
 *  (once per worker life: a woken worker needs it again). */
export async function spy(h) {
  const w = await h.worker();
  await w.evaluate(() => {
    if (globalThis.cgSpy) return;
    const spyState = { notifications: [], fetches: [] };
    globalThis.cgSpy = spyState;
    const create = chrome.notifications.create.bind(chrome.notifications);
    chrome.notifications.create = (id, options, ...rest) => {
      spyState.notifications.push({ id, title: options.title, message: options.message });
      return create(id, options, ...rest);
    };
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      spyState.fetches.push(String(input?.url ?? input));
      return realFetch(input, init);
    };
  });
}

/** What the spy recorded in the current worker: `{ notifications, fetches }`. */
export async function spied(h) {
  const w = await h.worker();
  return w.evaluate(() => globalThis.cgSpy);
}
