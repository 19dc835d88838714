// Screenshots as case evidence in Firefox ESR (selenium-webdriver + geckodriver, dist/firefox):
// on a hijacked real amazon.co.jp page served under its real URL, ui-bg-capture goes through
// Firefox's own tabs.captureVisibleTab and the background's canvas (lib/platform.js) and stores a
// stamped JPEG with the right metadata; the case report counts it. (The Chromium side, with the
// popup button and the options dialog, is tests/e2e/shots.test.mjs.)
//
// As there: a test cannot click the toolbar button that grants activeTab, so the extension is a
// copy of dist/firefox with `<all_urls>` added to host_permissions (the other grant
// captureVisibleTab accepts); nothing else differs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as firefox from './cross/drivers/firefox.mjs';
import { sleep, extensionWithAllUrls, ROOT } from './harness.mjs';
import { ASIN, KEY, original, swapped } from './switch.mjs';

const URL_ = `https://www.amazon.co.jp/dp/${ASIN}`;

let b;
let dir;

before(async () => {
  dir = extensionWithAllUrls(path.join(ROOT, 'dist/firefox'));
  b = await firefox.launch({ extensionDir: dir });
});

after(async () => {
  await b?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Sends a ui-bg-* message from the kept extension page; returns the raw answer. */
const send = (msg) => b.ext((m) => globalThis.browser.runtime.sendMessage(m), msg);

async function until(get, pred, what, timeout = 20000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await get().catch(() => null);
    if (last && pred(last)) return last;
    if (Date.now() > end) throw new Error(`${what} never held; last: ${JSON.stringify(last)?.slice(0, 300)}`);
    await sleep(150);
  }
}

const state = (tabId) => b.ext(async (id) => (await globalThis.browser.storage.session.get(`tab:${id}`))[`tab:${id}`] ?? null, tabId);

test('firefox: the capture of a hijacked page is a stamped JPEG with the time, URL, ASIN and fields, and the case report counts it', async () => {
  b.serve({ [URL_]: original() });
  const page = await b.open(URL_);
  await until(() => state(page.tabId), (s) => s.report?.status === 'untracked', 'untracked');
  const saved = await send({ type: 'ui-bg-save-page', tabId: page.tabId });
  assert.equal(saved.ok, true, JSON.stringify(saved.error));
  b.serve({ [URL_]: swapped() });
  await page.reload();
  await until(() => state(page.tabId), (s) => s.report?.status === 'mismatch', 'mismatch');

  // The product tab is the visible one of its window when the capture is asked for.
  const t0 = Date.now();
  const res = await b.ext(async (id) => {
    const api = globalThis.browser;
    await api.tabs.update(id, { active: true });
    return api.runtime.sendMessage({ type: 'ui-bg-capture', tabId: id });
  }, page.tabId);
  assert.equal(res.ok, true, JSON.stringify(res.error));
  assert.equal(res.count, 1);

  const shots = await b.ext(async (k) => (await globalThis.browser.storage.local.get(k))[k], `shots:${KEY}`);
  assert.equal(shots.length, 1);
  const [shot] = shots;
  assert.equal(shot.asin, ASIN);
  assert.equal(shot.marketplace, 'amazon.co.jp');
  assert.equal(shot.url, URL_);
  assert.deepEqual(shot.fields, ['images.main']);
  assert.equal(shot.case_id, null);
  assert.ok(Date.parse(shot.at) >= Math.floor(t0 / 1000) * 1000, shot.at);
  const bytes = Buffer.from(shot.jpeg.split(',')[1], 'base64');
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
  assert.equal(shot.bytes, bytes.length);
  assert.ok(shot.bytes > 20000, `a real capture, not a blank frame: ${shot.bytes} bytes`);
  const size = await b.ext(async (u) => {
    const bmp = await createImageBitmap(await (await fetch(u)).blob());
    return { width: bmp.width, height: bmp.height };
  }, shot.jpeg);
  assert.deepEqual(size, { width: shot.width, height: shot.height });
  assert.ok(shot.width >= 1000 && shot.width <= 1600, `width ${shot.width}`);

  const text = await send({ type: 'ui-bg-case-report-text', key: KEY, lang: 'en' });
  assert.equal(text.ok, true, JSON.stringify(text.error));
  const at = `${shot.at.slice(0, 10)} ${shot.at.slice(11, 16)} UTC`;
  const file = `${ASIN}-${shot.at.slice(0, 13)}-${shot.at.slice(14, 16)}Z-main-image.jpg`;
  assert.ok(text.text.includes(`■ Dated screenshots of the page (1; I will attach them to this case)\n1. ${at}: main image (file ${file})\n`), text.text);
});
