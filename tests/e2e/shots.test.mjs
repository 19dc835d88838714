// Screenshots as case evidence, end to end with a real saved amazon.co.jp page under its real URL
// whose main image was swapped: the popup's "Save a screenshot as evidence" captures the visible
// tab through the real tabs.captureVisibleTab, stamps and stores a JPEG with the listing's case
// (time, URL, ASIN, differing fields, case ID); it never reaches storage.sync; the options
// "History & cases" dialog shows it and saves it under the Seller Central file name; "Copy
// report" and "Reopen case" count it; a full storage.local gives a clear message and keeps what
// was stored; the export file carries it only when asked, and a malformed record in an imported
// file is refused with nothing changed.
//
// Why a copy of dist/chrome with `<all_urls>`: the shipped manifest asks only for `activeTab`,
// which Chromium grants when the seller clicks the toolbar button — a click no test can make
// (the popup is opened here as a page). captureVisibleTab accepts either grant and runs the same
// code, so the copy adds `<all_urls>` to host_permissions and changes nothing else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, extensionWithAllUrls, ROOT } from './harness.mjs';
import { URL_, ASIN, KEY, original, swapped } from './switch.mjs';

const CASE_ID = '12345678901';

let ext;
let tab;
let extDir;
let shot; // the stored record

before(async () => {
  extDir = extensionWithAllUrls(path.join(ROOT, 'dist/chrome')); // see the header
  ext = await launch({ extensionDir: extDir });
});

after(async () => {
  await ext?.close();
  if (extDir) fs.rmSync(extDir, { recursive: true, force: true });
});

/** The stored screenshots of the listing (storage.local `shots:<key>`). */
async function storedShots() {
  const p = await ext.extensionPage();
  return p.evaluate(async (k) => (await chrome.storage.local.get(k))[k] ?? [], `shots:${KEY}`);
}

/**
 * The popup for the product tab, in a window of its own: the product tab stays the visible tab
 * of its window, as it is when the real popup opens over it.
 */
async function openPopupWindow(tabId) {
  const p = await ext.extensionPage();
  const opened = ext.context.waitForEvent('page', (pg) => pg.url().includes('popup/popup.html'));
  await p.evaluate((url) => chrome.windows.create({ url, type: 'popup', focused: false }), `chrome-extension://${ext.extensionId}/popup/popup.html?tabId=${tabId}`);
  const popup = await opened;
  await popup.locator('#status').waitFor();
  // The harness's own extension page is a tab in the product tab's window: show the product.
  await ext.context.pages().find((pg) => pg.url() === URL_)?.bringToFront();
  return popup;
}

/** The expected file name of a shot taken at `at` (UTC, to the minute). */
function fileName(at) {
  return `${ASIN}-${at.slice(0, 13)}-${at.slice(14, 16)}Z-main-image.jpg`;
}

test('on a hijacked page the popup offers the capture; it stores a stamped JPEG with the time, URL, ASIN, fields and case', async () => {
  ext.serve({ [URL_]: original() });
  tab = await ext.open(URL_);
  await ext.waitForState(tab.tabId, (s) => s.report?.status === 'untracked');
  const saved = await ext.send({ type: 'ui-bg-save-page', tabId: tab.tabId });
  assert.equal(saved.ok, true, JSON.stringify(saved.error));

  // A matching page has no capture button.
  await tab.page.reload({ waitUntil: 'domcontentloaded' });
  await ext.waitForState(tab.tabId, (s) => s.report?.status === 'match');
  let popup = await openPopupWindow(tab.tabId);
  assert.equal(await popup.locator('#capture-shot').count(), 0);
  await popup.close();

  ext.serve({ [URL_]: swapped() });
  await tab.page.reload({ waitUntil: 'domcontentloaded' });
  await ext.waitForState(tab.tabId, (s) => s.report?.status === 'mismatch');
  const added = await ext.send({ type: 'ui-bg-case-add', key: KEY, id: CASE_ID, opened: '2026-12-01', lang: 'en' });
  assert.equal(added.ok, true, JSON.stringify(added.error));

  popup = await openPopupWindow(tab.tabId);
  const button = popup.locator('#capture-shot');
  assert.equal(await button.textContent(), 'Save a screenshot as evidence');
  const t0 = Date.now();
  await button.click();
  await popup.locator('#notice[data-kind]:not([hidden])').waitFor({ timeout: 20000 });
  assert.equal(await popup.locator('#notice').getAttribute('data-kind'), 'success', await popup.locator('#notice').textContent());
  assert.match(await popup.locator('#notice').textContent(), /^Screenshot saved \(.+\)\. Screenshots kept for this listing: 1\.$/);
  // The case part of the popup counts it.
  assert.equal(await popup.locator('#shot-count').textContent(), 'Screenshots: 1');
  await popup.close();

  const shots = await storedShots();
  assert.equal(shots.length, 1);
  [shot] = shots;
  assert.equal(shot.asin, ASIN);
  assert.equal(shot.marketplace, 'amazon.co.jp');
  assert.equal(shot.url, URL_);
  assert.equal(shot.status, 'mismatch');
  assert.deepEqual(shot.fields, ['images.main']);
  assert.equal(shot.case_id, CASE_ID);
  const at = Date.parse(shot.at);
  assert.ok(at >= Math.floor(t0 / 1000) * 1000 && at <= Date.now(), `${shot.at} is when it was taken`);
  assert.match(shot.jpeg, /^data:image\/jpeg;base64,/);
  const bytes = Buffer.from(shot.jpeg.split(',')[1], 'base64');
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
  assert.equal(shot.bytes, bytes.length);
  // The real page capture (1280 px viewport) plus the stamp band below it.
  const p = await ext.extensionPage();
  const size = await p.evaluate(async (u) => {
    const b = await createImageBitmap(await (await fetch(u)).blob());
    return { width: b.width, height: b.height };
  }, shot.jpeg);
  assert.deepEqual(size, { width: shot.width, height: shot.height });
  assert.equal(shot.width, 1280);
  assert.ok(shot.height > 900, `stamp band below the 900 px page: ${shot.height}`);
  // A real capture of a product page is tens of kilobytes at moderate quality, not a blank frame.
  assert.ok(shot.bytes > 20000 && shot.bytes < 3 * 1024 * 1024, `${shot.bytes} bytes`);
});

test('screenshots never go to storage.sync', async () => {
  const p = await ext.extensionPage();
  const sync = await p.evaluate(async () => JSON.stringify(await chrome.storage.sync.get(null)));
  assert.ok(!sync.includes('data:image/jpeg'), 'no image in storage.sync');
  assert.ok(!sync.includes(shot.id), 'no screenshot record in storage.sync');
});

test('"Copy report" and "Reopen case" say how many dated screenshots exist and when each was taken', async () => {
  const at = `${shot.at.slice(0, 10)} ${shot.at.slice(11, 16)} UTC`;
  const report = await ext.send({ type: 'ui-bg-case-report-text', key: KEY, lang: 'en' });
  assert.equal(report.ok, true, JSON.stringify(report.error));
  assert.ok(report.text.includes(`\n■ Dated screenshots of the page (1; I will attach them to this case)\n1. ${at}: main image (file ${fileName(shot.at)})\n`), report.text);
  const ja = await ext.send({ type: 'ui-bg-case-report-text', key: KEY, lang: 'ja' });
  assert.ok(ja.text.includes('■ 表示中のページの日時入りスクリーンショット（1件。本ケースに添付いたします）'), ja.text);
  // The popup's Copy report is the same case report.
  const popupText = await ext.send({ type: 'ui-bg-report-text', tabId: tab.tabId, lang: 'en' });
  assert.ok(popupText.text.includes('(1; I will attach them to this case)'), popupText.text);
  const reopen = await ext.send({ type: 'ui-bg-case-reopen', key: KEY, lang: 'en' });
  assert.equal(reopen.ok, true, JSON.stringify(reopen.error));
  assert.ok(reopen.text.includes(`1. ${at}: main image (file ${fileName(shot.at)})`), reopen.text);
});

test('the History & cases dialog shows the thumbnail, opens the full image and saves it under the Seller Central file name', async () => {
  const page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.extensionId}/options/options.html#details=${encodeURIComponent(KEY)}`);
  const item = page.locator(`#details-shots li.shot[data-shot-id="${shot.id}"]`);
  await item.waitFor();
  assert.equal(await page.locator('#details-shots-heading').textContent(), 'Screenshots (1)');
  // The thumbnail is the stored picture, decoded.
  const thumb = item.locator('img.shot-thumb');
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumb.elementHandle());
  assert.equal(await thumb.evaluate((el) => el.naturalWidth), shot.width);
  assert.match(await item.locator('.shot-case').textContent(), new RegExp(CASE_ID));
  // "Open full size" opens the image in a tab.
  const [full] = await Promise.all([ext.context.waitForEvent('page'), item.locator('a.shot-full').click()]);
  await full.waitForLoadState();
  assert.match(full.url(), /^blob:chrome-extension:/);
  await full.close();
  // "Save as file": a download named for Seller Central's attachment upload, the same JPEG.
  const link = item.locator('a.shot-download');
  assert.equal(await link.getAttribute('download'), fileName(shot.at));
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), fileName(shot.at));
  const saved = fs.readFileSync(await download.path());
  assert.deepEqual(saved, Buffer.from(shot.jpeg.split(',')[1], 'base64'));
  await page.close();
});

test('a full storage.local: a clear message, and the screenshot already stored is kept', async () => {
  const sw = await ext.worker();
  await sw.evaluate(() => {
    const area = chrome.storage.local;
    globalThis.cgRealSet = area.set;
    area.set = (items, ...rest) => (Object.keys(items).some((k) => k.startsWith('shots:'))
      ? Promise.reject(new Error('QUOTA_BYTES quota exceeded'))
      : globalThis.cgRealSet.call(area, items, ...rest));
  });
  try {
    const popup = await openPopupWindow(tab.tabId);
    await popup.locator('#capture-shot').click();
    await popup.locator('#notice[data-kind="error"]').waitFor({ timeout: 20000 });
    assert.match(await popup.locator('#notice').textContent(), /storage for this extension is full, so the screenshot was not saved\. Nothing already stored was lost\./);
    await popup.close();
  } finally {
    await sw.evaluate(() => { chrome.storage.local.set = globalThis.cgRealSet; });
  }
  assert.deepEqual(await storedShots(), [shot]);
});

test('the export carries screenshots only when asked; a malformed record in an imported file is refused and nothing changes', async () => {
  const plain = await ext.send({ type: 'ui-bg-export' });
  assert.ok(!JSON.parse(plain.text).shots, 'no screenshots by default');
  const full = await ext.send({ type: 'ui-bg-export', shots: true });
  const file = JSON.parse(full.text);
  assert.deepEqual(file.shots, { [KEY]: [shot] });

  const bad = structuredClone(file);
  bad.shots[KEY][0].jpeg = `data:image/jpeg;base64,${Buffer.from('GIF89a not a jpeg').toString('base64')}`;
  bad.shots[KEY][0].id = 'other';
  bad.listings[0].title = 'Changed by the import';
  const before = await ext.send({ type: 'ui-bg-listings-get' });
  const res = await ext.send({ type: 'ui-bg-import-apply', text: JSON.stringify(bad), mode: 'replace' });
  assert.equal(res.ok, false);
  assert.match(res.error.message, /^the file's screenshots cannot be read: screenshot record of amazon\.co\.jp\/B07WXL5YPW #1, "jpeg": not a JPEG image$/);
  assert.equal(res.error.details.field, 'shots.jpeg');
  assert.deepEqual((await ext.send({ type: 'ui-bg-listings-get' })).listings, before.listings);
  assert.deepEqual(await storedShots(), [shot]);

  // The good file imports into a fresh profile with its screenshot.
  const other = await launch({ extensionDir: extDir });
  try {
    const ok = await other.send({ type: 'ui-bg-import-apply', text: full.text, mode: 'merge' });
    assert.equal(ok.ok, true, JSON.stringify(ok.error));
    const got = await other.send({ type: 'ui-bg-shots-get', key: KEY });
    assert.deepEqual(got.shots, [shot]);
    assert.deepEqual(got.names, [fileName(shot.at)]);
  } finally {
    await other.close();
  }
});

test('"Delete" in the History & cases dialog removes the screenshot', async () => {
  const page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.extensionId}/options/options.html#details=${encodeURIComponent(KEY)}`);
  const item = page.locator(`#details-shots li.shot[data-shot-id="${shot.id}"]`);
  await item.locator('button.shot-delete').click();
  await page.locator('#shots-none').waitFor();
  assert.equal(await page.locator('#details-notice').textContent(), 'Screenshot deleted.');
  assert.deepEqual(await storedShots(), []);
  // The case texts no longer mention screenshots.
  const report = await ext.send({ type: 'ui-bg-case-report-text', key: KEY, lang: 'en' });
  assert.ok(!report.text.includes('screenshots'), report.text);
  await page.close();
});
