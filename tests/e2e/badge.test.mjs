// End-to-end: the built extension (dist/chrome) in headless Chromium on real saved Amazon pages
// served under their real URLs. Checks the toolbar badge and the report the background stores.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, fixture, ownPage, until, BADGE_COLOURS } from './harness.mjs';
import { URL_, MAIN, HIJACK, original, swapped } from './switch.mjs';

const CAPTCHA = 'amazon.com/captcha-robot-check-2019.html';
const CAPTCHA_URL = 'https://www.amazon.com/dp/B00TEST000';
const XSS_URL = 'https://www.amazon.co.jp/dp/B0XSSTEST1';
const SIGNIN = 'amazon.co.jp/signin-kindle-notebook-2026.html';
const SIGNIN_URL = 'https://www.amazon.co.jp/gp/product/B0SIGNIN01';

let h;
let tab;

/** The session's tab states that hold a checked page (what recheckAllTabs re-checks). */
async function checkedTabs() {
  const w = await h.extensionPage();
  return w.evaluate(async () => Object.entries(await chrome.storage.session.get(null))
    .filter(([k, v]) => k.startsWith('tab:') && v?.page).map(([k]) => k));
}

/** What the worker's last recheckAllTabs did: {tabs, listings (passed into the core, or null)}. */
async function lastRecheck() {
  return (await h.worker()).evaluate(() => globalThis.cgRecheck);
}

before(async () => {
  h = await launch();
});

after(async () => {
  await h?.close();
});

test('an untracked product page gets the grey "?" badge and a stored untracked report', async () => {
  h.serve({ [URL_]: original() });
  tab = await h.open(URL_);
  const badge = await h.waitForBadge(tab.tabId, (b) => b.text !== '');
  assert.equal(badge.text, '?');
  assert.deepEqual(badge.color, BADGE_COLOURS.untracked);
  const state = await h.tabState(tab.tabId);
  assert.equal(state.report.status, 'untracked');
  assert.equal(state.url, URL_);
  assert.equal(state.page.asin, 'B07WXL5YPW');
  assert.equal(state.page.marketplace, 'amazon.co.jp');
  assert.equal(state.page.images[0], MAIN);
});

test('ui-bg-save-page from an extension page saves the listing and turns the badge green ✓', async () => {
  const res = await h.send({ type: 'ui-bg-save-page', tabId: tab.tabId });
  assert.equal(res.ok, true, JSON.stringify(res.error));
  assert.equal(res.report.status, 'match');
  assert.equal(res.listing.asin, 'B07WXL5YPW');
  const badge = await h.waitForBadge(tab.tabId, (b) => b.text === '✓');
  assert.deepEqual(badge.color, BADGE_COLOURS.match);
  const got = await h.send({ type: 'ui-bg-listings-get' });
  assert.deepEqual(got.listings.map((l) => `${l.marketplace}/${l.asin}`), ['amazon.co.jp/B07WXL5YPW']);
  const st = await h.send({ type: 'ui-bg-tab-state', tabId: tab.tabId });
  assert.equal(st.report.status, 'match');
  assert.equal(st.listing.images[0], MAIN);
});

test('an unknown message type is refused with a clear error', async () => {
  const res = await h.send({ type: 'ui-bg-no-such-message' });
  assert.equal(res.ok, false);
  assert.match(res.error.message, /unknown message type/);
});

test('the same URL with the main image swapped gives a red badge with the count and an images.main mismatch', async () => {
  h.serve({ [URL_]: swapped() });
  await tab.page.reload({ waitUntil: 'domcontentloaded' });
  const badge = await h.waitForBadge(tab.tabId, (b) => b.text !== '' && b.text !== '✓' && b.text !== '?');
  assert.deepEqual(badge.color, BADGE_COLOURS.mismatch);
  const state = await h.waitForState(tab.tabId, (s) => s.report.status === 'mismatch');
  assert.ok(Number(badge.text) >= 1, `badge ${badge.text}`);
  assert.equal(Number(badge.text), state.report.mismatches.length);
  const m = state.report.mismatches.find((x) => x.field === 'images.main');
  assert.ok(m, `fields: ${state.report.mismatches.map((x) => x.field)}`);
  assert.equal(m.expected, MAIN);
  assert.equal(m.actual, HIJACK);
  assert.equal(m.severity, 'critical');
  const text = await h.send({ type: 'ui-bg-report-text', tabId: tab.tabId, lang: 'en' });
  assert.equal(text.ok, true);
  assert.match(text.text, new RegExp(HIJACK));
});

test('after the service worker is stopped and woken, the badge and report are still right and checks go on', async () => {
  await h.stopWorker();
  assert.equal(h.workerStatus, 'stopped');
  await h.wakeWorker();
  const st = await h.send({ type: 'ui-bg-tab-state', tabId: tab.tabId });
  assert.equal(st.ok, true);
  assert.equal(st.report.status, 'mismatch');
  assert.ok(st.report.mismatches.some((m) => m.field === 'images.main'));
  const badge = await h.badge(tab.tabId);
  assert.equal(Number(badge.text), st.report.mismatches.length);
  assert.deepEqual(badge.color, BADGE_COLOURS.mismatch);
  // The woken worker initialises wasm again and checks the original page as a match.
  await h.stopWorker();
  h.serve({ [URL_]: original() });
  await tab.page.reload({ waitUntil: 'domcontentloaded' });
  await h.waitForBadge(tab.tabId, (b) => b.text === '✓');
  assert.equal((await h.tabState(tab.tabId)).report.status, 'match');
});

test('accept and unwatch through the background change the listing and re-check', async () => {
  h.serve({ [URL_]: swapped() });
  await tab.page.reload({ waitUntil: 'domcontentloaded' });
  await h.waitForState(tab.tabId, (s) => s.report.status === 'mismatch');
  const acc = await h.send({ type: 'ui-bg-accept-field', tabId: tab.tabId, field: 'images.main' });
  assert.equal(acc.ok, true, JSON.stringify(acc.error));
  assert.equal(acc.listing.images[0], HIJACK);
  assert.ok(!acc.report.mismatches.some((m) => m.field === 'images.main'));
  const un = await h.send({ type: 'ui-bg-unwatch-field', tabId: tab.tabId, field: 'title' });
  assert.equal(un.ok, true);
  assert.equal(un.listing.watch.title, false);
  const bad = await h.send({ type: 'ui-bg-accept-field', tabId: tab.tabId, field: 'no-such-field' });
  assert.equal(bad.ok, false);
  assert.ok(bad.error.message.length > 0);
});

test('a captcha page gets the amber "!" badge, never a mismatch', async () => {
  h.serve({ [CAPTCHA_URL]: fixture(CAPTCHA) });
  const t = await h.open(CAPTCHA_URL);
  const badge = await h.waitForBadge(t.tabId, (b) => b.text !== '');
  assert.equal(badge.text, '!');
  assert.deepEqual(badge.color, BADGE_COLOURS.unreadable);
  const state = await h.tabState(t.tabId);
  assert.equal(state.report.status, 'unreadable');
  assert.equal(state.report.page.kind, 'captcha');
  assert.deepEqual(state.report.mismatches, []);
  await t.page.close();
});

test('a page that is not a product page (sign-in wall under a product URL) gets no badge', async () => {
  h.serve({ [SIGNIN_URL]: fixture(SIGNIN) });
  const t = await h.open(SIGNIN_URL);
  const state = await h.waitForState(t.tabId, (s) => Boolean(s.report));
  assert.equal(state.report.status, 'not_product');
  assert.equal((await h.badge(t.tabId)).text, '');
  await t.page.close();
});

test('a title holding <img onerror> is stored as text and no script runs, in the page or the popup', async () => {
  h.serve({ [XSS_URL]: ownPage('e2e-xss-title.html') });
  const t = await h.open(XSS_URL);
  const state = await h.waitForState(t.tabId, (s) => s.report.status === 'untracked');
  assert.equal(state.page.title, '<img src=x onerror="document.title=\'PWNED\';window.__cgPwned=1"> 商品名');
  assert.equal(state.page.bullets[0], '<script>window.__cgPwned=2</script> 箇条書き');
  const saved = await h.send({ type: 'ui-bg-save-page', tabId: t.tabId });
  assert.equal(saved.ok, true);
  assert.equal(saved.listing.title, state.page.title);
  const popup = await h.openPopup(t.tabId);
  const errors = [];
  popup.on('pageerror', (e) => errors.push(e));
  await popup.waitForFunction(() => document.body.textContent.includes('商品名'), null, { timeout: 10000 }).catch(() => {});
  const seen = await popup.evaluate(() => ({
    pwned: window.__cgPwned ?? null,
    title: document.title,
    injectedImgs: document.querySelectorAll('img[src="x"], img[onerror], script:not([src])').length,
  }));
  assert.deepEqual(seen.pwned, null);
  assert.notEqual(seen.title, 'PWNED');
  assert.equal(seen.injectedImgs, 0);
  assert.equal(await t.page.evaluate(() => window.__cgPwned ?? null), null);
  assert.notEqual(await t.page.title(), 'PWNED');
  assert.deepEqual(errors, []);
  await popup.close();
  await t.page.close();
});

test('options messages: export, import (malformed changes nothing), delete, settings', async () => {
  const before = await h.send({ type: 'ui-bg-listings-get' });
  assert.equal(before.listings.length, 2);
  const exp = await h.send({ type: 'ui-bg-export' });
  assert.equal(exp.ok, true);
  assert.match(exp.filename, /^catalog-guard-listings-\d{4}-\d{2}-\d{2}\.json$/);
  assert.equal(JSON.parse(exp.text).listings.length, 2);

  const broken = await h.send({ type: 'ui-bg-import-apply', text: '{"format": "catalog-guard/listings", "version": 1, "listings": [', mode: 'replace' });
  assert.equal(broken.ok, false);
  assert.ok(broken.error.message.length > 0);
  assert.equal((await h.send({ type: 'ui-bg-listings-get' })).listings.length, 2);

  // The tabs closed above are forgotten: only this test's tab shows a checked page.
  await until('one tab with a checked page', async () => (await checkedTabs()).length === 1, { timeout: 10000 });
  const del = await h.send({ type: 'ui-bg-listings-delete', keys: ['amazon.co.jp/B07WXL5YPW'] });
  assert.equal(del.ok, true);
  assert.equal((await h.send({ type: 'ui-bg-listings-get' })).listings.length, 1);
  // The open tab for that ASIN is re-checked: now untracked.
  await h.waitForBadge(tab.tabId, (b) => b.text === '?');
  // Its check got only the listings with its ASIN (none now), not the other stored one.
  assert.deepEqual(await lastRecheck(), { tabs: 1, listings: 0 });

  const prev = await h.send({ type: 'ui-bg-import-preview', text: exp.text });
  assert.equal(prev.ok, true);
  assert.equal(prev.preview.total, 2);
  const imp = await h.send({ type: 'ui-bg-import-apply', text: exp.text, mode: 'merge' });
  assert.equal(imp.ok, true, JSON.stringify(imp.error));
  assert.equal((await h.send({ type: 'ui-bg-listings-get' })).listings.length, 2);
  await h.waitForBadge(tab.tabId, (b) => b.text !== '?' && b.text !== '');
  assert.deepEqual(await lastRecheck(), { tabs: 1, listings: 1 });

  const set = await h.send({ type: 'ui-bg-settings-set', settings: { language: 'ja', badge_on_match: false } });
  assert.equal(set.ok, true, JSON.stringify(set.error));
  assert.equal(set.settings.language, 'ja');
  const got = await h.send({ type: 'ui-bg-settings-get' });
  assert.equal(got.settings.language, 'ja');
  assert.equal(got.settings.badge_on_match, false);
  // With badge_on_match off, a matching tab shows no badge text (re-checked at once).
  const st = await h.tabState(tab.tabId);
  if (st.report.status === 'match') await h.waitForBadge(tab.tabId, (b) => b.text === '');
});

test('an in-page change without a reload (main image swap, colour switch) is re-checked by the content script', async () => {
  const url = 'https://www.amazon.co.jp/dp/B0DEMOJP01';
  const reset = await h.send({ type: 'ui-bg-settings-set', settings: { language: 'auto', badge_on_match: true } });
  assert.equal(reset.ok, true);
  h.serve({ [url]: ownPage('demo-jp.html') });
  const t = await h.open(url);
  await h.waitForState(t.tabId, (s) => s.report.status === 'untracked');
  const saved = await h.send({ type: 'ui-bg-save-page', tabId: t.tabId });
  assert.equal(saved.ok, true);
  await h.waitForBadge(t.tabId, (b) => b.text === '✓');
  // What Amazon's own scripts do on a variation switch: swap the image and the selected value.
  await t.page.evaluate(() => {
    const img = document.getElementById('landingImage');
    img.setAttribute('data-old-hires', 'https://m.media-amazon.com/images/I/71SwApPedL._AC_SL1500_.jpg');
    img.setAttribute('src', 'https://m.media-amazon.com/images/I/71SwApPedL._AC_SX679_.jpg');
    document.querySelector('#variation_color_name .selection').textContent = 'ローズレッド';
  });
  const badge = await h.waitForBadge(t.tabId, (b) => /^\d+$/.test(b.text));
  assert.deepEqual(badge.color, BADGE_COLOURS.mismatch);
  const state = await h.tabState(t.tabId);
  const fields = state.report.mismatches.map((m) => m.field);
  assert.ok(fields.includes('variations.color_name'), `fields: ${fields}`);
  assert.ok(fields.includes('images.main'), `fields: ${fields}`);
  await t.page.close();
});

test('listings are copied to storage.sync, and listings another browser synced are merged in', async () => {
  const ext = await h.extensionPage();
  // Pushed after the saves above (debounced).
  const items = await (async () => {
    const end = Date.now() + 15000;
    for (;;) {
      const got = await ext.evaluate(() => chrome.storage.sync.get(null));
      if (Object.keys(got).length) return got;
      if (Date.now() > end) throw new Error('nothing was written to storage.sync');
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const status = await h.send({ type: 'ui-bg-sync-status' });
  assert.equal(status.ok, true);
  assert.ok(status.sync.stats.full >= 1, JSON.stringify(status.sync.stats));
  assert.equal(status.sync.error, null);

  // "Another browser": this browser forgets a listing locally (behind the background's back),
  // then the sync items arrive again: the listing comes back from sync.
  const local = await ext.evaluate(() => chrome.storage.local.get('listings'));
  const keys = Object.keys(local.listings);
  assert.ok(keys.includes('amazon.co.jp/B0DEMOJP01'), keys.join());
  await ext.evaluate(async (all) => {
    const { listings } = await chrome.storage.local.get('listings');
    delete listings['amazon.co.jp/B0DEMOJP01'];
    await chrome.storage.local.set({ listings });
    await chrome.storage.sync.clear();
    await chrome.storage.sync.set(all);
  }, items);
  const end = Date.now() + 15000;
  for (;;) {
    const { listings } = await ext.evaluate(() => chrome.storage.local.get('listings'));
    if (listings['amazon.co.jp/B0DEMOJP01']) break;
    if (Date.now() > end) throw new Error(`listing not merged back from sync; local keys: ${Object.keys(listings)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
});

test('with no tab showing a checked page, a listings change re-checks nothing and reads no listing', async () => {
  await tab.page.close();
  await until('no tab with a checked page', async () => (await checkedTabs()).length === 0, { timeout: 10000 });
  const [one] = (await h.send({ type: 'ui-bg-listings-get' })).listings;
  const put = await h.send({ type: 'ui-bg-listing-put', listing: { ...one, note: 'edited with no tab open' } });
  assert.equal(put.ok, true, JSON.stringify(put.error));
  assert.deepEqual(await lastRecheck(), { tabs: 0, listings: null });
});
