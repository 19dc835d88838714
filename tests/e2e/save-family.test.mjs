// End-to-end: "Save all N variations". On the real Switch page (a family of 39), the popup saves
// the page at once; the other members not saved yet are fetched in the background at the
// re-check pace, each saved from its own routed page (the real page under that ASIN); members
// already saved are left as they were; the popup and the options page show the progress as the
// family's save ("Saving the family of B07WXL5YPW: n of 5"), in English and Japanese. A generated page whose
// family lists 5,000 members offers only the members read (2,000) and says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, fixture, replaced, sleep } from './harness.mjs';

const SWITCH = 'amazon.co.jp/nintendo-switch-neon-B07WXL5YPW-2022.html';
const SWITCH_ASIN = 'B07WXL5YPW';
const SWITCH_URL = `https://www.amazon.co.jp/dp/${SWITCH_ASIN}`;
// The family as the page lists it (39 members); five are not saved yet, the rest are.
const TO_FETCH = ['B07WS7BZYF', 'B07X24S7DY', 'B07X47QTN3', 'B07X779ZK5', 'B07X82YNT8'];
const SAVED_BEFORE = ['B07X8323VF', 'B07X95B631', 'B085GGZ5GS', 'B085LGH4BM', 'B08ZFDFKBB', 'B08ZFDFR22', 'B08ZFGF7BB',
  'B08ZFGFCCS', 'B08ZFGFCD2', 'B08ZFGFP8T', 'B08ZFGG76C', 'B08ZFGGG5H', 'B08ZFL4S3M', 'B08ZFL892Z', 'B08ZFLFQBZ',
  'B08ZFNPYYH', 'B092J9FZL2', 'B09376K4XV', 'B09376MHPN', 'B09377V6Q3', 'B09377XHG7', 'B093781GVZ', 'B0937964ZB',
  'B0937984XW', 'B09379M2BN', 'B0937BGQ35', 'B096ZK62X1', 'B096ZKPSQH', 'B096ZQ9LRW', 'B096ZQQT7K', 'B096ZQQT7M',
  'B09MMDS8C5', 'B09MMFMM2Y'];
const key = (a) => `amazon.co.jp/${a}`;
let h;

function stub(asin) {
  return {
    asin, marketplace: 'amazon.co.jp', title: `saved before ${asin}`, images: [], variations: {}, breadcrumb: [], bullets: ['kept'],
    saved_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', note: '',
  };
}

/** A page whose twister lists `n` members (as the native test's generated page). */
function generatedFamilyPage(n) {
  const display = [];
  const toAsin = [];
  for (let i = 0; i < n; i++) {
    const asin = `B${String(i).padStart(9, '0')}`;
    display.push(`"${asin}":["Size ${Math.floor(i / 50)}","Colour ${i % 50}"]`);
    toAsin.push(`"${Math.floor(i / 50)}_${i % 50}":"${asin}"`);
  }
  return `<html><body><input type="hidden" id="ASIN" value="B000000007"><span id="productTitle">Generated</span>`
    + `<script>P.register('twister-js-init-dpx-data', function() { var dataToReturn = {"currentAsin" : "B000000007", "parentAsin" : "B0PARENT00",`
    + `"dimensionToAsinMap" : {${toAsin.join(',')}}, "dimensions" : ["size_name","color_name"], "dimensionValuesDisplayData" : {${display.join(',')}},`
    + '}; return dataToReturn; });</script></body></html>';
}

async function listings() {
  const res = await h.send({ type: 'ui-bg-listings-get' });
  const list = Array.isArray(res.listings) ? res.listings : Object.values(res.listings);
  return Object.fromEntries(list.map((l) => [`${l.marketplace}/${l.asin}`, l]));
}

before(async () => {
  h = await launch();
  const map = {};
  for (const a of SAVED_BEFORE) map[key(a)] = stub(a);
  const w = await h.worker();
  await w.evaluate((m) => chrome.storage.local.set({ listings: m, settings: { language: 'en', request_delay_seconds: 5 } }), map);
  const page = fixture(SWITCH);
  const pages = { [SWITCH_URL]: page };
  for (const a of TO_FETCH) pages[`https://www.amazon.co.jp/dp/${a}`] = replaced(page, SWITCH_ASIN, a);
  h.serve(pages);
});

after(async () => {
  await h?.close();
});

test('Save all 39 variations: this page at once, the 5 unsaved siblings from their own pages, the saved ones untouched', async () => {
  const tab = await h.open(SWITCH_URL);
  await h.waitForBadge(tab.tabId, (b) => b.text === '?');
  const popup = await h.openPopup(tab.tabId);
  const button = popup.locator('#save-family');
  await button.waitFor();
  assert.equal(await button.innerText(), 'Save all 39 variations');
  await button.click();
  await popup.locator('#notice').filter({ hasText: '5 other variations' }).waitFor();
  assert.match(await popup.locator('#notice').innerText(), /33 already saved are left as they are/);
  // The page itself is saved at once.
  assert.ok((await listings())[key(SWITCH_ASIN)], 'this page saved at once');
  // The progress says it is this family's save, in the popup and in the options page (not
  // "n of m pages" as a baseline of partial listings).
  const running = /^Saving the family of B07WXL5YPW: [0-4] of 5$/;
  await popup.locator('#family-progress', { hasText: running }).waitFor({ timeout: 15_000 });
  const options = await h.context.newPage();
  await options.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  const label = options.locator('#baseline-progress[data-run="family"] label');
  await label.waitFor();
  assert.match(await label.innerText(), running);

  // The siblings arrive one by one, each from its own page; the popup counts them.
  const end = Date.now() + 180_000;
  let got;
  for (;;) {
    got = await listings();
    if (TO_FETCH.every((a) => got[key(a)])) break;
    if (Date.now() > end) throw new Error(`siblings not saved: ${TO_FETCH.filter((a) => !got[key(a)]).join(',')}`);
    await sleep(1000);
  }
  for (const a of TO_FETCH) {
    assert.equal(got[key(a)].asin, a);
    assert.ok(got[key(a)].bullets.length > 0, `${a} saved from its page`);
    assert.equal(got[key(a)].title, got[key(SWITCH_ASIN)].title);
  }
  for (const a of SAVED_BEFORE) assert.deepEqual(got[key(a)].bullets, ['kept'], `${a} left as it was`);
  await popup.locator('#family-progress[data-done="true"]').waitFor({ timeout: 15_000 });
  assert.equal(await popup.locator('#family-progress').innerText(), 'Family of B07WXL5YPW saved: 5 of 5 variations');
  await label.filter({ hasText: 'Family of B07WXL5YPW saved: 5 of 5 variations' }).waitFor({ timeout: 15_000 });
  assert.equal(await options.locator('#baseline-done').count(), 0, 'no "listings completed" line for a family save');
  // In Japanese too.
  await (await h.worker()).evaluate(() => chrome.storage.local.set({ settings: { language: 'ja', request_delay_seconds: 5 } }));
  await options.reload();
  await options.locator('#baseline-section[data-ready="true"]').waitFor();
  assert.equal(await label.innerText(), 'B07WXL5YPW のバリエーションを保存しました：5件中5件');
  await (await h.worker()).evaluate(() => chrome.storage.local.set({ settings: { language: 'en', request_delay_seconds: 5 } }));
  await options.close();
});

test('a family listing 5,000 members is capped at what the page reader keeps, and the popup says so', async () => {
  const url = 'https://www.amazon.co.jp/dp/B000000007';
  h.serve({ [url]: generatedFamilyPage(5000) });
  const tab = await h.open(url);
  await h.waitForBadge(tab.tabId, (b) => b.text === '?');
  const popup = await h.openPopup(tab.tabId);
  const button = popup.locator('#save-family');
  await button.waitFor();
  assert.equal(await button.innerText(), 'Save all 2000 variations');
  assert.equal(await button.getAttribute('title'), 'This family lists more variations than the 2000 read from the page; only those are saved.');
});
