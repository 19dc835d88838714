// End-to-end: background baselines. A Seller Central report with 31 rows is imported; their
// product pages are routed (our synthetic demo page under each ASIN; one row's page is Amazon's
// 404 page). The background completes the 30 listings from their own pages at the re-check
// pacing, without a page being opened: a captcha met in the middle pauses the run (the options
// page says so) and "Complete all from their pages" resumes it where it stopped; the 404 row is
// listed as "could not complete: page not found" and is left as it was. The review queue lists
// the 30 completed listings, and "Looks right" (one row, then the selected rows) clears it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, ownPage } from './harness.mjs';
import { DEMO_TITLE, url, key, pageOf, reportBytes, baselineClient } from './baseline-run.mjs';

const ASINS = Array.from({ length: 30 }, (_, i) => `B0BL${String(i + 1).padStart(6, '0')}`);
const MISSING = 'B0BL000404';
const CAPTCHA_AT = ASINS[9];

let h;
const { send, status, waitFor } = baselineClient(() => h, { timeout: 400_000, step: 500 });

before(async () => {
  h = await launch();
  const w = await h.worker();
  await w.evaluate(() => chrome.storage.local.set({ settings: { language: 'en', request_delay_seconds: 5 } }));
  const pages = {};
  for (const a of ASINS) pages[url(a)] = pageOf(a);
  pages[url(CAPTCHA_AT)] = ownPage('jp-opfcaptcha.html');
  pages[url(MISSING)] = ownPage('jp-404-dogs.html');
  h.serve(pages);
});

after(async () => {
  await h?.close();
});

test('31 imported report rows: 30 completed from their routed pages, a captcha backs off and resumes, the 404 row is listed; review queue and Looks right', async () => {
  const bytes = reportBytes([...ASINS, MISSING], 'SKU-');
  const imported = await send({ type: 'ui-bg-import-report-apply', bytes, marketplace: 'amazon.co.jp' });
  assert.equal(imported.count, 31);
  let s = await status();
  assert.equal(s.active, true);
  assert.equal(s.job.total, 31);

  // The captcha on the 10th page stops the run and backs off; the options page says so.
  s = await waitFor((x) => x.job?.paused_until, 'paused by the captcha');
  assert.equal(s.job.position, 9, JSON.stringify(s.job));
  assert.equal(s.job.completed, 9);
  const page = await h.context.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await page.locator('#baseline-section[data-ready="true"]').waitFor();
  await page.locator('#baseline-paused').waitFor();
  assert.match(await page.locator('#baseline-progress label').innerText(), /^9 of 31 pages$/);

  // The page is back; "Complete all from their pages" resumes at the same listing.
  h.serve({ [url(CAPTCHA_AT)]: pageOf(CAPTCHA_AT) });
  await page.locator('#baseline-start').click();
  s = await waitFor((x) => x.job?.finished_at, 'finished');
  assert.equal(s.job.completed, 30);
  assert.deepEqual(s.job.failed, [{ key: key(MISSING), reason: 'not_found' }]);
  await page.locator(`#baseline-failed li[data-key="${key(MISSING)}"]`).waitFor();
  assert.equal(await page.locator(`#baseline-failed li[data-key="${key(MISSING)}"]`).innerText(), `${key(MISSING)}: could not complete: page not found`);

  // Completed from their pages; the report's fields kept; the 404 row as it was.
  const { listings } = await send({ type: 'ui-bg-listings-get' });
  const byKey = Object.fromEntries((Array.isArray(listings) ? listings : Object.values(listings)).map((l) => [`${l.marketplace}/${l.asin}`, l]));
  for (const a of ASINS) {
    const l = byKey[key(a)];
    assert.ok(l.bullets.length > 0, `${a} has its bullets`);
    assert.equal(l.title, DEMO_TITLE);
    assert.equal(l.sku, `SKU-${ASINS.indexOf(a)}`);
  }
  assert.deepEqual(byKey[key(MISSING)].bullets, []);
  const glance = await send({ type: 'ui-bg-catalog-status' });
  assert.equal(glance.checks[key(ASINS[0])].source, 'baseline');

  // The review queue: 30 rows, each "baseline from the page on <date>: review".
  const rowsLoc = page.locator('#baseline-review .baseline-row');
  await page.waitForFunction(() => document.querySelectorAll('#baseline-review .baseline-row').length === 30);
  assert.match(await rowsLoc.first().locator('.baseline-note').innerText(), /^baseline from the page on .+: review$/);
  await page.locator(`#baseline-review .baseline-row[data-key="${key(ASINS[0])}"] .baseline-ok`).click();
  await page.waitForFunction(() => document.querySelectorAll('#baseline-review .baseline-row').length === 29);
  // Filter, then select the rest and clear them at once.
  await page.locator('#baseline-filter').fill('B0BL00002');
  assert.equal(await rowsLoc.count(), 10);
  await page.locator('#baseline-filter').fill('');
  const boxes = page.locator('#baseline-review .baseline-select');
  for (let i = 0; i < 29; i++) await boxes.nth(i).check();
  await page.locator('#baseline-ok-selected').click();
  await page.waitForFunction(() => document.querySelectorAll('#baseline-review .baseline-row').length === 0);
  assert.equal((await status()).review.length, 0);
  await page.close();
});
