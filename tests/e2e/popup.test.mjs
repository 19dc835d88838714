// The popup on the built extension (dist/chrome) in headless Chromium, with a
// real saved amazon.co.jp page served under its real URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, fixturesDir, sleep } from './harness.mjs';
import { SEARCH_URL, ASIN, MAIN, originalText } from './switch.mjs';

const HIJACK = '71HiJaCk9xL';

const original = originalText();
// Amazon's "Robot Check" page, as served at a product URL to a suspected bot.
const captcha = readFileSync(join(fixturesDir(), 'amazon.com', 'captcha-robot-check-2019.html'), 'utf8');
const hijackedImage = original.split(MAIN).join(HIJACK);
assert.notEqual(hijackedImage, original);
// The title becomes markup-looking text (entity-encoded in the page, so the
// page itself shows it as text and the reader decodes it to "<img ...>").
// Built on the image-swapped page: the tests run in order on one profile,
// and by then the new main image has been accepted.
const titleRe = /(id="productTitle"[^>]*>)([^<]*)(<\/span>)/;
assert.match(original, titleRe);
const XSS = '<img src=x onerror="document.title=\'pwned\'">';
const hijackedTitle = hijackedImage.replace(titleRe, (m, a, b, c) => `${a} Nintendo Switch &lt;img src=x onerror=&quot;document.title='pwned'&quot;&gt; ${c}`);

let ext;

before(async () => {
  ext = await launch();
});

after(async () => {
  if (ext) await ext.close();
});

/** Serves `html` at the product URL from now on. */
function serve(html) {
  ext.serve({ [SEARCH_URL]: html });
}

/** Opens SEARCH_URL in a tab and waits until the background has checked it; returns {tab, tabId}. */
async function openProduct() {
  const { page: tab, tabId } = await ext.open(SEARCH_URL);
  await ext.waitForState(tabId, (s) => Boolean(s.report));
  return { tab, tabId };
}

/** Closes a tab and waits until the browser no longer lists it (so the next
 *  open() of the same URL cannot find the old tab). */
async function closeTab(tab, tabId) {
  await tab.close();
  for (let i = 0; i < 100; i++) {
    const w = await ext.worker();
    const listed = await w.evaluate(async (id) => (await chrome.tabs.query({})).some((t) => t.id === id), tabId);
    if (!listed) return;
    await sleep(50);
  }
  throw new Error(`tab ${tabId} still listed after close`);
}

async function openPopup(tabId) {
  const popup = await ext.openPopup(tabId);
  await popup.locator('#status').waitFor();
  return popup;
}

test('an untracked page offers "save"; saving turns the popup and the badge to match', async () => {
  serve(original);
  const { tab, tabId } = await openProduct();
  const popup = await openPopup(tabId);
  assert.equal(await popup.locator('#status').getAttribute('data-status'), 'untracked');
  assert.equal(await popup.locator('[data-meta="asin"]').textContent(), ASIN);
  assert.equal(await popup.locator('[data-meta="marketplace"]').textContent(), 'amazon.co.jp');
  await popup.locator('#save-page').click();
  await popup.locator('#status[data-status="match"]').waitFor();
  assert.equal(await popup.locator('#save-page').count(), 0);
  assert.equal((await ext.badge(tabId)).text, '✓');
  await popup.close();
  await closeTab(tab, tabId);
});

test('a swapped main image shows both thumbnails, and "Copy report" copies the ASIN and both IDs', async () => {
  serve(hijackedImage);
  const { tab, tabId } = await openProduct();
  const popup = await openPopup(tabId);
  assert.equal(await popup.locator('#status').getAttribute('data-status'), 'mismatch');
  const item = popup.locator('.mismatch[data-field="images.main"]');
  await item.waitFor();
  assert.equal(await item.getAttribute('data-severity'), 'critical');
  const alts = await item.locator('img').evaluateAll((imgs) => imgs.map((i) => [i.alt, i.src]));
  assert.deepEqual(
    alts.map(([alt]) => alt),
    [MAIN, HIJACK],
  );
  assert.equal(alts[0][1], `https://m.media-amazon.com/images/I/${MAIN}._SL160_.jpg`);
  assert.equal(alts[1][1], `https://m.media-amazon.com/images/I/${HIJACK}._SL160_.jpg`);

  // What the popup hands to the clipboard (reading the clipboard back needs a
  // permission Chromium does not grant to extension origins in tests).
  await popup.evaluate(() => {
    const write = navigator.clipboard.writeText.bind(navigator.clipboard);
    navigator.clipboard.writeText = (t) => {
      window.copiedText = t;
      return write(t);
    };
  });
  await popup.locator('#copy-report').click();
  await popup.locator('#notice[data-kind="success"]').waitFor();
  assert.equal(await popup.locator('#notice').textContent(), 'Copied');
  const text = await popup.evaluate(() => window.copiedText);
  assert.ok(text.includes(ASIN), `report text lacks the ASIN:\n${text}`);
  assert.ok(text.includes(MAIN), `report text lacks the saved image ID:\n${text}`);
  assert.ok(text.includes(HIJACK), `report text lacks the new image ID:\n${text}`);

  // Clipboard refused: the same text in a selected textarea to copy by hand.
  await popup.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  });
  await popup.locator('#copy-report').click();
  const fallback = popup.locator('#copy-fallback');
  await fallback.waitFor();
  assert.equal(await fallback.inputValue(), text);
  assert.ok(await fallback.evaluate((el) => document.activeElement === el && el.selectionEnd - el.selectionStart === el.value.length));
  await popup.close();
  await closeTab(tab, tabId);
});

test('"Accept this change" takes the new main image and the popup re-renders as a match', async () => {
  serve(hijackedImage);
  const { tab, tabId } = await openProduct();
  const popup = await openPopup(tabId);
  await popup.locator('.mismatch[data-field="images.main"] [data-action="accept"]').click();
  await popup.locator('#status[data-status="match"]').waitFor();
  assert.equal((await ext.badge(tabId)).text, '✓');
  await popup.close();
  await closeTab(tab, tabId);
});

test('a title carrying <img onerror> is shown as literal text, no element is created', async () => {
  serve(hijackedTitle);
  const { tab, tabId } = await openProduct();
  const popup = await openPopup(tabId);
  const item = popup.locator('.mismatch[data-field="title"]');
  await item.waitFor();
  const actual = await item.locator('.side-actual').textContent();
  assert.ok(actual.includes(XSS), `literal markup missing from: ${actual}`);
  assert.equal(await item.locator('img').count(), 0);
  assert.equal(await popup.locator('img[src="x"]').count(), 0);
  assert.notEqual(await popup.title(), 'pwned');
  // The diff marks the inserted text.
  assert.ok((await item.locator('ins').allTextContents()).join('').includes('<img'));
  await popup.close();
  await closeTab(tab, tabId);
});

test('"Stop watching this field" removes the mismatch', async () => {
  serve(hijackedTitle);
  const { tab, tabId } = await openProduct();
  const popup = await openPopup(tabId);
  await popup.locator('.mismatch[data-field="title"] [data-action="unwatch"]').click();
  await popup.locator('#status[data-status="match"]').waitFor();
  assert.equal(await popup.locator('.mismatch[data-field="title"]').count(), 0);
  await popup.close();
  await closeTab(tab, tabId);
});

test('with the language set to 日本語 the popup speaks Japanese', async () => {
  await ext.setLanguage('ja');

  // The listing now holds the accepted (swapped) image: the original page differs again.
  serve(original);
  const { tab, tabId } = await openProduct();
  const popup = await openPopup(tabId);
  assert.equal(await popup.locator('html').getAttribute('lang'), 'ja');
  assert.equal(await popup.locator('.status-headline').textContent(), '保存した出品情報と異なる点が1件あります');
  const item = popup.locator('.mismatch[data-field="images.main"]');
  assert.equal(await item.locator('.field-name').textContent(), 'メイン画像');
  assert.equal(await item.locator('.severity').textContent(), '重大');
  assert.equal(await item.locator('[data-action="accept"]').textContent(), 'この変更を受け入れる');
  assert.equal(await popup.locator('#copy-report').textContent(), 'レポートをコピー');
  // The checked time is formatted for Japan (e.g. 2026/11/22 7:30).
  assert.match(await popup.locator('[data-meta="checked"]').textContent(), /^\d{4}\/\d{1,2}\/\d{1,2} \d{1,2}:\d{2}$/);
  await popup.close();
  await closeTab(tab, tabId);
});

test('a robot-check page is "could not be read", never a mismatch', async () => {
  serve(captcha);
  const { tab, tabId } = await openProduct();
  const popup = await openPopup(tabId);
  assert.equal(await popup.locator('#status').getAttribute('data-status'), 'unreadable');
  assert.equal(await popup.locator('.status-headline').textContent(), 'このページを読み取れませんでした');
  assert.match(await popup.locator('.status-hint').textContent(), /不一致ではありません/);
  assert.equal(await popup.locator('.mismatch').count(), 0);
  assert.equal(await popup.locator('#copy-report').count(), 0);
  assert.equal(await popup.locator('#save-page').count(), 0);
  await popup.close();
  await closeTab(tab, tabId);
});
