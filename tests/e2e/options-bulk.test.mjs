// The options page's bulk actions on the built extension (dist/chrome): select rows (one by
// one, all shown, in parts of the virtualised list not drawn at first), stop/start watching a
// field, delete the selection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';

const N = 60; // more rows than the list draws at once
const key = (i) => `amazon.co.jp/B0BULK${String(i).padStart(4, '0')}`;

function listing(i) {
  return {
    asin: `B0BULK${String(i).padStart(4, '0')}`,
    marketplace: 'amazon.co.jp',
    title: `Bulk product ${i}`,
    brand: 'テストブランド',
    images: ['81lde+541vL'],
    variations: {},
    breadcrumb: [],
    bullets: [],
    description: null,
    seller: null,
    offer_count: null,
    watch: { title: true, brand: true, main_image: true, gallery: true, variations: true, breadcrumb: true, bullets: true, description: true, seller: true, offers: false },
    saved_at: '2026-01-01T00:00:00Z',
    updated_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), // newest (N-1) on top
    note: '',
  };
}

let ext;

/** Scrolls the virtualised list from its top until the row of `k` is drawn. */
async function showRow(page, k) {
  await page.locator('#table-scroll').evaluate(async (el, want) => {
    el.scrollTop = 0;
    for (;;) {
      await new Promise((r) => { requestAnimationFrame(r); });
      const tr = el.querySelector(`#rows tr[data-key="${want}"]`);
      if (tr) return tr.scrollIntoView({ block: 'nearest' });
      if (el.scrollTop + el.clientHeight >= el.scrollHeight) throw new Error(`${want} never drawn`);
      el.scrollTop += el.clientHeight / 2;
    }
  }, k);
}

async function stored() {
  return (await ext.worker()).evaluate(async () => (await chrome.storage.local.get('listings')).listings || {});
}

before(async () => {
  ext = await launch();
  const map = {};
  for (let i = 0; i < N; i++) map[key(i)] = listing(i);
  await (await ext.worker()).evaluate((m) => chrome.storage.local.set({ listings: m, settings: { language: 'en', sync_enabled: false } }), map);
});

after(async () => {
  if (ext) await ext.close();
});

test('select rows, stop and start watching a field for them, then delete them', async () => {
  const page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.extensionId}/options/options.html`);
  await page.locator('body[data-ready="true"]').waitFor();
  const count = page.locator('#selected-count');
  assert.equal(await count.textContent(), '0 selected');
  assert.ok(await page.locator('#bulk-delete').isDisabled());
  assert.ok(await page.locator('#bulk-watch').isDisabled());

  // "Select all shown" ticks what the search shows, drawn or not.
  await page.locator('#search').fill('B0BULK005');
  await page.locator('#count', { hasText: /^10 of 60 listings$/ }).waitFor(); // 50..59
  await page.locator('#select-shown').check();
  assert.equal(await count.textContent(), '10 selected');
  await page.locator('#select-shown').uncheck();
  assert.equal(await count.textContent(), '0 selected');
  await page.locator('#search').fill('');
  await page.locator('#count', { hasText: /^60 listings$/ }).waitFor();

  // All 60 (only the rows in view are drawn), then untick 0..9 but 5 at the bottom of the
  // list and 30 in its middle: the ticks of rows drawn again after scrolling are kept.
  await page.locator('#select-shown').check();
  assert.equal(await count.textContent(), '60 selected');
  const drawn = await page.locator('#rows input.row-select').count();
  assert.ok(drawn > 0 && drawn < N, `${drawn} rows drawn of ${N}`);
  assert.equal(await page.locator('#rows input.row-select:checked').count(), drawn);
  for (const i of [0, 1, 2, 3, 4, 6, 7, 8, 9, 30]) {
    await showRow(page, key(i));
    await page.locator(`#rows tr[data-key="${key(i)}"] input.row-select`).uncheck();
  }
  assert.equal(await count.textContent(), '50 selected');
  assert.equal(await page.locator('#select-shown').evaluate((el) => el.indeterminate), true);
  await showRow(page, key(59));
  assert.equal(await page.locator(`#rows tr[data-key="${key(59)}"] input.row-select`).isChecked(), true);
  await showRow(page, key(30));
  assert.equal(await page.locator(`#rows tr[data-key="${key(30)}"] input.row-select`).isChecked(), false);
  const selected = new Set([...Array.from({ length: 50 }, (_, j) => key(10 + j)).filter((k) => k !== key(30)), key(5)]);

  // Stop watching the brand for the selection.
  const options = await page.locator('#bulk-field option').allTextContents();
  assert.ok(options.includes('Brand'), options.join());
  await page.locator('#bulk-field').selectOption('brand');
  await page.locator('#bulk-unwatch').click();
  await page.locator('#notice', { hasText: 'Stopped watching Brand on 50 listings.' }).waitFor();
  let map = await stored();
  for (let i = 0; i < N; i++) assert.equal(map[key(i)].watch.brand, !selected.has(key(i)), key(i));
  assert.equal(map[key(5)].watch.title, true); // other flags untouched
  assert.equal(await count.textContent(), '50 selected'); // the selection stays for the next action

  // And watch it again.
  await page.locator('#bulk-watch').click();
  await page.locator('#notice', { hasText: 'Now watching Brand on 50 listings.' }).waitFor();
  map = await stored();
  for (let i = 0; i < N; i++) assert.equal(map[key(i)].watch.brand, true, key(i));

  // Delete: cancel first (nothing happens), then confirm.
  await page.locator('#bulk-delete').click();
  assert.equal(await page.locator('#confirm-text').textContent(), 'Delete 50 listings? Catalog Guard will stop checking these products.');
  await page.locator('#confirm-cancel').click();
  assert.equal(Object.keys(await stored()).length, N);
  await page.locator('#bulk-delete').click();
  await page.locator('#confirm-ok').click();
  await page.locator('#notice', { hasText: 'Deleted 50 listings.' }).waitFor();
  const left = Object.keys(await stored()).sort();
  assert.deepEqual(left, Array.from({ length: N }, (_, i) => key(i)).filter((k) => !selected.has(k)).sort());
  assert.equal(await page.locator('#count').textContent(), '10 listings');
  assert.equal(await page.locator('#rows tr').count(), 10);
  assert.equal(await count.textContent(), '0 selected');
  assert.ok(await page.locator('#bulk-delete').isDisabled());
  await page.close();
});
