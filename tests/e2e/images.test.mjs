// Comparing product images by content, end to end (dist/chrome in headless Chromium): a real
// saved amazon.co.jp page and its pictures served under their real Amazon URLs. The pictures
// are made in the test from a real photograph (tests read ../shared/fixtures/images): the saved
// one, a JPEG re-encode of it, and a recoloured copy (the black silhouette painted red).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, fixturesDir, TINY_PNG } from './harness.mjs';
import { SEARCH_URL, MAIN, originalText } from './switch.mjs';

const REUPLOAD = '71ReUpLoad1L';
const RED = '71RedHorse1L';
const MISSING = '71NotThere1L';
const HUE = '71HueShift1L';
const SLOW = '71SlowCopy1L';
const NOT_IMAGE = '71NotAnImg1L';
const ONE_PIXEL = '71OnePixel1L';
const imageUrl = (id) => `https://m.media-amazon.com/images/I/${id}._SL500_.jpg`;

const PHOTOS = process.env.CG_IMAGES ?? join(fixturesDir(), '..', 'images');
const original = originalText();
const withMain = (id) => original.split(MAIN).join(id);

let ext;
let pictures;

/** The saved picture and its variants, made by Chromium's own encoder in a scratch page. */
async function makePictures() {
  const horse = readFileSync(join(PHOTOS, 'horse.png')).toString('base64');
  const page = await ext.context.newPage();
  const out = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    // The photo on white; with `paint` ([r, g, b]), its black silhouette in that colour (shading
    // kept: black becomes the colour, white stays white).
    const draw = (paint) => {
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = c.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.drawImage(bitmap, 0, 0);
      if (paint) {
        const img = ctx.getImageData(0, 0, c.width, c.height);
        const d = img.data;
        for (let i = 0; i < d.length; i += 4) {
          const luma = (0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]) / 255;
          for (let k = 0; k < 3; k++) d[i + k] = Math.round(paint[k] + (255 - paint[k]) * luma);
        }
        ctx.putImageData(img, 0, 0);
      }
      return c;
    };
    const b64of = async (blob) => {
      const buf = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (const x of buf) s += String.fromCharCode(x);
      return btoa(s);
    };
    const saved = await draw(null).convertToBlob({ type: 'image/png' });
    const reencoded = await draw(null).convertToBlob({ type: 'image/jpeg', quality: 0.7 });
    const redCanvas = draw([200, 20, 30]);
    const red = await redCanvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
    // The red picture with its hue rotated (the white background stays white).
    const hue = new OffscreenCanvas(redCanvas.width, redCanvas.height);
    const hctx = hue.getContext('2d');
    hctx.filter = 'hue-rotate(220deg)';
    hctx.drawImage(redCanvas, 0, 0);
    const shifted = await hue.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    return {
      saved: await b64of(saved), reencoded: await b64of(reencoded), red: await b64of(red), hue: await b64of(shifted),
    };
  }, horse);
  await page.close();
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

before(async () => {
  ext = await launch();
  pictures = await makePictures();
  ext.serve({ [imageUrl(MAIN)]: pictures.saved, [imageUrl(REUPLOAD)]: pictures.reencoded, [imageUrl(RED)]: pictures.red, [imageUrl(HUE)]: pictures.hue }, 'image/jpeg');
  // The re-encoded copy again, answered after 3 s: the popup is open before the verdict lands.
  await ext.context.route(`${imageUrl(SLOW)}*`, async (route) => {
    await new Promise((r) => setTimeout(r, 3000));
    await route.fulfill({ status: 200, contentType: 'image/jpeg', body: pictures.reencoded });
  });
  // Bad input from the image host: HTML served as image/jpeg, and a 1×1 picture.
  ext.serve({ [imageUrl(NOT_IMAGE)]: Buffer.from('<!doctype html><p>not a picture</p>') }, 'image/jpeg');
  ext.serve({ [imageUrl(ONE_PIXEL)]: TINY_PNG }, 'image/png');
  await ext.context.route(`${imageUrl(MISSING)}*`, (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: '' }));
});

after(async () => {
  if (ext) await ext.close();
});

async function openProduct(html) {
  ext.serve({ [SEARCH_URL]: html });
  const { page: tab, tabId } = await ext.open(SEARCH_URL);
  await ext.waitForState(tabId, (s) => Boolean(s.report));
  return { tab, tabId };
}

/** Waits until the tab's report has the main-image mismatch with a content verdict. */
async function refined(tabId) {
  const state = await ext.waitForState(tabId, (s) => s.report?.mismatches?.some((m) => m.field === 'images.main' && m.verdict), 20000);
  return state.report.mismatches.find((m) => m.field === 'images.main');
}

async function popupVerdict(tabId) {
  const popup = await ext.openPopup(tabId);
  const item = popup.locator('li.mismatch[data-field="images.main"]');
  await item.locator('.image-verdict').waitFor();
  const out = {
    severity: await item.getAttribute('data-severity'),
    verdict: await item.locator('.image-verdict').getAttribute('data-verdict'),
    line: await item.locator('.verdict-line').textContent(),
    saved: await item.locator('.colours-saved').textContent().catch(() => ''),
    page: await item.locator('.colours-page').textContent().catch(() => ''),
  };
  await popup.close();
  return out;
}

test('save the page: its main picture is signed', async () => {
  const { tab, tabId } = await openProduct(original);
  const popup = await ext.openPopup(tabId);
  await popup.locator('#save-page').click();
  await popup.locator('#status[data-status="match"]').waitFor();
  await popup.close();
  const w = await ext.worker();
  let sig = null;
  for (let i = 0; i < 100 && !sig; i++) {
    sig = await w.evaluate(async (id) => (await chrome.storage.local.get('imagesigs')).imagesigs?.[id] ?? null, MAIN);
    if (!sig) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(sig, 'the saved main image has a signature');
  assert.equal(sig.colours[0].name_en, 'black');
  // The signature is in the stored listing too (compact form), without a new updated_at ...
  let listing = null;
  for (let i = 0; i < 100 && !listing?.image_signatures?.[MAIN]; i++) {
    listing = await w.evaluate(async () => Object.values((await chrome.storage.local.get('listings')).listings ?? {})[0] ?? null);
    if (!listing?.image_signatures?.[MAIN]) await new Promise((r) => setTimeout(r, 100));
  }
  const own = listing?.image_signatures?.[MAIN];
  assert.equal(typeof own, 'string', JSON.stringify(listing));
  assert.equal(own.split('|')[1], sig.hash, 'the same picture as the cached signature');
  assert.equal(listing.updated_at, listing.saved_at, 'filling in signatures is not an edit');
  // ... and in the export file.
  const exp = await ext.send({ type: 'ui-bg-export' });
  assert.equal(exp.ok, true);
  const exported = JSON.parse(exp.text).listings.find((l) => l.asin === listing.asin);
  assert.equal(exported.image_signatures[MAIN], own);
  await tab.close();
});

test('main image ID swapped to a re-encoded copy: "same picture", severity info', async () => {
  const { tab, tabId } = await openProduct(withMain(REUPLOAD));
  assert.equal((await ext.badge(tabId)).text, '1', 'the badge is set from the image IDs first');
  const m = await refined(tabId);
  assert.equal(m.verdict, 'same', JSON.stringify(m));
  assert.equal(m.severity, 'info');
  const stats = await (await ext.worker()).evaluate(() => globalThis.cgImages);
  assert.ok(stats.fromListing >= 1, `the saved picture's signature came from the listing: ${JSON.stringify(stats)}`);
  const p = await popupVerdict(tabId);
  assert.equal(p.verdict, 'same');
  assert.equal(p.severity, 'info');
  assert.match(p.line, /Same picture/);
  await tab.close();
});

test('a popup opened before the pictures are compared shows the verdict when it lands', async () => {
  const { tab, tabId } = await openProduct(withMain(SLOW));
  const popup = await ext.openPopup(tabId);
  const item = popup.locator('li.mismatch[data-field="images.main"]');
  await item.waitFor();
  assert.equal(await item.getAttribute('data-severity'), 'critical', 'first the ID-based result');
  await item.locator('.image-verdict[data-verdict="same"]').waitFor({ timeout: 15000 });
  assert.equal(await item.getAttribute('data-severity'), 'info');
  await popup.close();
  await tab.close();
});

test('main image swapped to the product in red: "Colour changed: black → red", critical', async () => {
  const { tab, tabId } = await openProduct(withMain(RED));
  const m = await refined(tabId);
  const sigs = await (await ext.worker()).evaluate(async () => (await chrome.storage.local.get('imagesigs')).imagesigs);
  assert.equal(m.verdict, 'recoloured', JSON.stringify(sigs));
  assert.equal(m.severity, 'critical');
  assert.equal(m.colours.saved[0].name_en, 'black');
  assert.equal(m.colours.page[0].name_en, 'red');
  const p = await popupVerdict(tabId);
  assert.equal(p.severity, 'critical');
  assert.equal(p.line, 'Colour changed: black → red');
  assert.match(p.saved, /black/);
  assert.match(p.page, /red/);
  await tab.close();
});

test('main image on a host answering 404: the ID-based mismatch stays, verdict unknown', async () => {
  const { tab, tabId } = await openProduct(withMain(MISSING));
  const m = await refined(tabId);
  assert.equal(m.verdict, 'unknown', JSON.stringify(m));
  assert.equal(m.severity, 'critical');
  assert.equal(m.expected, MAIN);
  assert.equal(m.actual, MISSING);
  const stats = await (await ext.worker()).evaluate(() => globalThis.cgImages);
  assert.ok(stats.maxInFlight <= 2, JSON.stringify(stats));
  await tab.close();
});

test('a non-image served as image/jpeg, or a 1×1 picture: verdict unknown, the ID mismatch stays critical', async () => {
  for (const id of [NOT_IMAGE, ONE_PIXEL]) {
    const { tab, tabId } = await openProduct(withMain(id));
    const m = await refined(tabId);
    assert.equal(m.verdict, 'unknown', `${id}: ${JSON.stringify(m)}`);
    assert.equal(m.severity, 'critical');
    const p = await popupVerdict(tabId);
    assert.match(p.line, /could not be compared/);
    await tab.close();
  }
});

test('accept the red picture, then a hue-shifted copy of it: "Colour changed: red → …"', async () => {
  const { tab, tabId } = await openProduct(withMain(RED));
  await refined(tabId);
  const popup = await ext.openPopup(tabId);
  await popup.locator('.mismatch[data-field="images.main"] [data-action="accept"]').click();
  await popup.locator('#status[data-status="match"]').waitFor();
  await popup.close();
  await tab.close();

  const fetchesBefore = (await (await ext.worker()).evaluate(() => globalThis.cgImages)).fetches;
  const again = await openProduct(withMain(RED));
  const state = await ext.tabState(again.tabId);
  assert.equal(state.report.status, 'match');
  const fetchesAfter = (await (await ext.worker()).evaluate(() => globalThis.cgImages)).fetches;
  assert.equal(fetchesAfter, fetchesBefore, 'nothing is fetched when the image IDs did not change');
  await again.tab.close();

  const shifted = await openProduct(withMain(HUE));
  const m = await refined(shifted.tabId);
  assert.equal(m.verdict, 'recoloured', JSON.stringify(m));
  assert.equal(m.colours.saved[0].name_en, 'red');
  assert.notEqual(m.colours.page[0].name_en, 'red');
  const p = await popupVerdict(shifted.tabId);
  assert.equal(p.line, `Colour changed: red → ${m.colours.page[0].name_en}`);
  await shifted.tab.close();
});

test('in Japanese: 「色が変わりました: 赤 → 黒」 in the popup and in the Seller Support report', async () => {
  await ext.setLanguage('ja');

  // The saved main picture is the red one now (accepted above); the page shows the black one.
  const { tab, tabId } = await openProduct(withMain(MAIN));
  const m = await refined(tabId);
  assert.equal(m.verdict, 'recoloured', JSON.stringify(m));
  const p = await popupVerdict(tabId);
  assert.equal(p.line, '色が変わりました: 赤 → 黒');
  assert.match(p.saved, /赤/);
  assert.match(p.page, /黒/);
  const res = await ext.send({ type: 'ui-bg-report-text', tabId, lang: 'ja' });
  assert.ok(res.ok, JSON.stringify(res));
  assert.match(res.text, /色が変わりました: 赤 → 黒/);
  await tab.close();
});

test('timing of a 500×500 signature in the service worker (reported, not asserted)', async (t) => {
  const ms = await (await ext.worker()).evaluate(() => globalThis.cgImages.benchSignature(500, 500, 30));
  assert.equal(ms.length, 30);
  const sorted = [...ms].sort((a, b) => a - b);
  t.diagnostic(`image_signature 500x500 in the service worker: median ${sorted[15].toFixed(2)} ms, min ${sorted[0].toFixed(2)} ms, max ${sorted[29].toFixed(2)} ms`);
});
