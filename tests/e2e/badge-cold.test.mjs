// A worker woken by the content script's message checks the page against the recent listings
// kept in storage.session (checks.js, "a woken worker's first checks") instead of waiting for
// every stored listing to be read, and never badges from a copy older than the stored listing:
// the copy is dropped before every listings write, and a check made from a copy that differs
// from the stored listing is done again once the listings are read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, sleep } from './harness.mjs';
import { URL_, original } from './switch.mjs';

let h;
let tab;

before(async () => {
  h = await launch();
  h.serve({ [URL_]: original() });
  tab = await h.open(URL_);
  await h.waitForBadge(tab.tabId, (b) => b.text === '?');
  const saved = await h.send({ type: 'ui-bg-save-page', tabId: tab.tabId });
  assert.equal(saved.ok, true, JSON.stringify(saved.error));
  await h.waitForBadge(tab.tabId, (b) => b.text === '✓');
});

after(async () => {
  await h?.close();
});

/** What the worker keeps in storage.session as the recent listings ({} when none). */
async function recent() {
  return (await h.worker()).evaluate(async () => (await chrome.storage.session.get('recent_listings')).recent_listings ?? {});
}

/** The woken worker's record of its first page check (polled). */
async function firstCheck() {
  const end = Date.now() + 20000;
  for (;;) {
    const w = await h.worker();
    const t = await w.evaluate(() => globalThis.cgTimings?.find((x) => x.total !== null) ?? null).catch(() => null);
    if (t) return t;
    if (Date.now() > end) throw new Error('no page check in the woken worker');
    await sleep(100);
  }
}

/**
 * Stops the worker, makes the page's content script send again (a comment in the title) and
 * asserts the woken worker's first page check: whether it used the recent copy (`recent`) and
 * its `status`; `why` is said when either differs.
 */
async function coldCheck({ recent: usedRecent, status }, why) {
  await h.stopWorker();
  await tab.page.evaluate(() => document.querySelector('#productTitle').appendChild(document.createComment('again')));
  const t = await firstCheck();
  assert.equal(t.recent, usedRecent, `recent: ${why}`);
  assert.equal(t.status, status, `status: ${why}`);
}

test('a page check remembers its listing, and a woken worker checks from it without reading every listing', async () => {
  await tab.page.reload({ waitUntil: 'domcontentloaded' });
  await h.waitForState(tab.tabId, (s) => s.report.status === 'match');
  const end = Date.now() + 10000;
  while (!Object.keys(await recent()).length && Date.now() < end) await sleep(100);
  const kept = Object.values(await recent());
  assert.equal(kept.length, 1);
  assert.equal(kept[0].asin, 'B07WXL5YPW');
  await coldCheck({ recent: true, status: 'match' }, 'the first check of the woken worker used the recent listing');
  assert.equal((await h.badge(tab.tabId)).text, '✓');
});

test('a listings write drops the recent copy, so a woken worker never checks against the old listing', async () => {
  const got = await h.send({ type: 'ui-bg-tab-state', tabId: tab.tabId });
  // A newer updated_at, as an edit has: a woken worker's sync pull must not take the copy in
  // storage.sync (same time, other title) for the newer one.
  const changed = { ...got.listing, title: `${got.listing.title} (edited)`, updated_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
  const put = await h.send({ type: 'ui-bg-listing-put', listing: changed });
  assert.equal(put.ok, true, JSON.stringify(put.error));
  await h.waitForBadge(tab.tabId, (b) => b.text === '1');
  assert.deepEqual(await recent(), {});
  await coldCheck({ recent: false, status: 'mismatch' }, 'nothing recent to use: the check waited for the listings');
  assert.equal((await h.badge(tab.tabId)).text, '1');
});

test('a recent copy that differs from the stored listing is corrected once the listings are read', async () => {
  // The stored listing has the edited title (previous test); plant the page's own title as if
  // an old copy had been left behind.
  const got = await h.send({ type: 'ui-bg-tab-state', tabId: tab.tabId });
  assert.equal(got.report.status, 'mismatch');
  const old = { ...got.listing, title: got.report.page.title };
  await (await h.worker()).evaluate((l) => chrome.storage.session.set({ recent_listings: { 'AMAZON.CO.JP/B07WXL5YPW': l } }), old);
  await coldCheck({ recent: true, status: 'match' }, 'the first check used the planted copy');
  // The badge ends as the stored listing says.
  await h.waitForBadge(tab.tabId, (b) => b.text === '1');
  await h.waitForState(tab.tabId, (s) => s.report.status === 'mismatch' && s.report.mismatches.some((m) => m.field === 'title'));
});
