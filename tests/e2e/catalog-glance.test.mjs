// End-to-end: the catalogue at a glance. A saved listing's page viewed in a tab records its last
// check (match, then "n differences" when the routed page has a swapped main image); three
// listings never checked count as not checked. The options table opens with the problems first,
// shows each row's last check, filters by status and has the summary line; the popup on a tab
// that is not a product page shows the same summary with a link to the filtered table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';
import { URL_, KEY, original, swapped } from './switch.mjs';

const OTHER_URL = 'https://www.amazon.co.jp/gp/help/customer/display.html';
let h;

function listing(i) {
  return {
    asin: `B0GL${String(i).padStart(6, '0')}`,
    marketplace: 'amazon.co.jp',
    title: `一覧テスト ${i}`,
    images: [],
    variations: {},
    breadcrumb: [],
    bullets: [],
    saved_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    note: '',
  };
}

/** Every ui-bg-* answer must be ok. */
const send = (msg) => h.sendOk(msg);

before(async () => {
  h = await launch();
  const w = await h.worker();
  const map = {};
  for (let i = 0; i < 3; i++) map[`amazon.co.jp/${listing(i).asin}`] = listing(i);
  await w.evaluate((m) => chrome.storage.local.set({ listings: m, settings: { language: 'en' } }), map);
});

after(async () => {
  await h?.close();
});

test('a viewed page records the last check; options: summary, problems first, filter; popup elsewhere: the summary and a link', async () => {
  // Save the Switch from its page: its last check is a match, seen while viewing.
  h.serve({ [URL_]: original() });
  const tab = await h.open(URL_);
  await h.waitForBadge(tab.tabId, (b) => b.text === '?');
  await send({ type: 'ui-bg-save-page', tabId: tab.tabId });
  await tab.page.reload();
  await h.waitForBadge(tab.tabId, (b) => b.text === '✓');
  let glance = await send({ type: 'ui-bg-catalog-status' });
  assert.equal(glance.checks[KEY].status, 'match');
  assert.equal(glance.checks[KEY].source, 'viewed');

  // The main image swapped on the page: the last check says how many fields differ.
  h.serve({ [URL_]: swapped() });
  await tab.page.reload();
  await h.waitForBadge(tab.tabId, (b) => /^\d+$/.test(b.text)); // the number of differing fields
  glance = await send({ type: 'ui-bg-catalog-status' });
  const c = glance.checks[KEY];
  assert.equal(c.status, 'mismatch');
  assert.ok(c.differences >= 1, JSON.stringify(c));
  assert.deepEqual(
    { total: glance.summary.total, differ: glance.summary.differ, gone: glance.summary.gone, stale: glance.summary.stale, hours: glance.summary.stale_hours },
    { total: 4, differ: 1, gone: 0, stale: 3, hours: 24 },
  );

  const page = await h.context.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await page.locator('body[data-ready="true"]').waitFor();
  assert.equal(await page.locator('#catalog-summary').innerText(), '4 listings: 1 differ, 0 gone, 3 not checked in 24 h');
  const first = page.locator('#rows tr').first();
  assert.equal(await first.getAttribute('data-key'), KEY, 'problems first');
  assert.equal(await first.locator('.cell-check').getAttribute('data-status'), 'mismatch');
  assert.match(await first.locator('.cell-check').innerText(), new RegExp(`${c.differences} differences[\\s\\S]*viewed`));
  assert.equal(await page.locator('#rows tr').nth(1).locator('.cell-check').getAttribute('data-status'), 'not_checked');
  await page.locator('#status-filter').selectOption('mismatch');
  assert.equal(await page.locator('#rows tr').count(), 1);
  await page.locator('#status-filter').selectOption('stale');
  assert.equal(await page.locator('#rows tr').count(), 3);
  await page.locator('#status-filter').selectOption('all');
  assert.equal(await page.locator('#rows tr').count(), 4);
  await page.close();

  // The popup on a page that is not a product page.
  h.serve({ [OTHER_URL]: '<!doctype html><html><head><title>Help</title></head><body><h1>Help</h1></body></html>' });
  const other = await h.open(OTHER_URL);
  const popup = await h.openPopup(other.tabId);
  const summary = popup.locator('#catalog-glance #catalog-summary');
  await summary.waitFor();
  assert.equal(await summary.innerText(), '4 listings: 1 differ, 0 gone, 3 not checked in 24 h');
  const link = popup.locator('#catalog-link');
  assert.match(await link.getAttribute('href'), /options\/options\.html#status=problems$/);
  // The link opens the table filtered to the problems.
  const filtered = await h.context.newPage();
  await filtered.goto(`chrome-extension://${h.extensionId}/options/options.html#status=problems`);
  await filtered.locator('body[data-ready="true"]').waitFor();
  assert.equal(await filtered.locator('#status-filter').inputValue(), 'problems');
  assert.equal(await filtered.locator('#rows tr').count(), 4);
  await filtered.close();
});
