// The options page on the built extension (dist/chrome) in headless Chromium:
// listings table (virtualised, keyboard), search, edit, delete, export -> import into a fresh
// profile, a broken import file, the language override.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch } from './harness.mjs';

const N = 2000; // only the rows in view are ever in the DOM

function listing(i) {
  const asin = `B0TEST${String(i).padStart(4, '0')}`;
  return {
    asin,
    marketplace: 'amazon.co.jp',
    sku: `TOWEL-${i}`,
    title: i === 7 ? '今治タオル バスタオル ネイビー 2枚組' : `Test product ${i}`,
    brand: 'テストブランド',
    images: ['81lde+541vL', `61Img${i}xL`],
    variations: { color_name: 'ネイビー' },
    breadcrumb: ['ホーム＆キッチン', 'タオル'],
    bullets: ['綿100%', '日本製'],
    description: '柔らかいタオルです。',
    seller: null,
    offer_count: null,
    watch: { title: true, brand: true, main_image: true, gallery: true, variations: true, breadcrumb: true, bullets: true, description: true, seller: true, offers: false },
    saved_at: '2026-01-01T00:00:00Z',
    // Newest first in the table: listing N-1 is on top.
    updated_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    note: '',
  };
}

let ext;

async function storedListings(e = ext) {
  return (await e.worker()).evaluate(async () => (await chrome.storage.local.get('listings')).listings || {});
}

/** Waits until the listing count reads exactly `text` ("1 of 120 listings"). */
function waitCount(page, text) {
  const exact = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page.locator('#count', { hasText: exact }).waitFor();
}

async function openOptions(e = ext) {
  const page = await e.context.newPage();
  await page.goto(`chrome-extension://${e.extensionId}/options/options.html`);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

before(async () => {
  ext = await launch();
  const map = {};
  for (let i = 0; i < N; i++) {
    const l = listing(i);
    map[`${l.marketplace}/${l.asin}`] = l;
  }
  await (await ext.worker()).evaluate((m) => chrome.storage.local.set({ listings: m, settings: { language: 'en' } }), map);
});

after(async () => {
  if (ext) await ext.close();
});

test('the table is one virtualised list: newest first, only the rows in view drawn, the others as it scrolls', async () => {
  const page = await openOptions();
  const rows = page.locator('#rows tr');
  const drawn = await rows.count();
  assert.ok(drawn > 5 && drawn < 100, `${drawn} rows drawn of ${N}`);
  assert.equal(await page.locator('#count').textContent(), `${N} listings`);
  assert.equal(await page.locator('#listings').getAttribute('aria-rowcount'), String(N + 1));
  const first = rows.first();
  assert.equal(await first.getAttribute('data-key'), `amazon.co.jp/B0TEST${String(N - 1).padStart(4, '0')}`);
  assert.equal(await first.getAttribute('aria-rowindex'), '2');
  assert.equal(await first.locator('.cell-marketplace').textContent(), 'amazon.co.jp');
  assert.equal(await first.locator('.cell-title').textContent(), `Test product ${N - 1}`);
  assert.equal(await first.locator('.cell-image img').getAttribute('alt'), '81lde+541vL');
  const list = page.locator('#table-scroll');
  // The list's height stands for every row: scrolled to its end, the oldest listing is drawn.
  await list.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.locator('#rows tr[data-key="amazon.co.jp/B0TEST0000"]').waitFor();
  assert.equal(await page.locator('#rows tr').last().getAttribute('aria-rowindex'), String(N + 1));
  assert.ok(await rows.count() < 100);
  // A jump to the middle draws the rows there, in order.
  await list.evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
  await page.locator('#rows tr[data-key="amazon.co.jp/B0TEST1000"]').waitFor();
  const keys = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.key));
  const nums = keys.map((k) => Number(k.slice(-4)));
  assert.deepEqual(nums, nums.map((_, i) => nums[0] - i), 'consecutive, newest first');
  await page.close();
});

test('the keyboard moves through the virtualised list: arrows, Page Up, End and Home draw and focus the rows', async () => {
  const page = await openOptions();
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    return `${el?.closest('tr')?.dataset.key ?? '-'} ${el?.className ?? ''}`;
  });
  const k = (i) => `amazon.co.jp/B0TEST${String(i).padStart(4, '0')}`;
  await page.locator(`#rows tr[data-key="${k(N - 1)}"] .action-edit`).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), `${k(N - 3)} btn btn-small action-edit`);
  await page.keyboard.press('ArrowUp');
  assert.equal(await focused(), `${k(N - 2)} btn btn-small action-edit`);
  await page.keyboard.press('End');
  assert.equal(await focused(), `${k(0)} btn btn-small action-edit`);
  await page.keyboard.press('PageUp');
  const afterPage = await focused();
  const i = Number(afterPage.slice(afterPage.indexOf('/') + 7, afterPage.indexOf(' ')));
  assert.ok(i > 1 && i < 60, `Page Up moved a screen of rows: ${afterPage}`);
  await page.keyboard.press('Home');
  assert.equal(await focused(), `${k(N - 1)} btn btn-small action-edit`);
  assert.equal(await page.locator('#table-scroll').evaluate((el) => el.scrollTop), 0);
  // A ticked row stays ticked when it is drawn again.
  await page.locator(`#rows tr[data-key="${k(N - 1)}"] input.row-select`).check();
  await page.keyboard.press('End');
  await page.keyboard.press('Home');
  assert.equal(await page.locator(`#rows tr[data-key="${k(N - 1)}"] input.row-select`).isChecked(), true);
  await page.close();
});

test('search filters by ASIN (also typed full-width), SKU and title', async () => {
  const page = await openOptions();
  const rows = page.locator('#rows tr');
  await page.locator('#search').fill('b0test0042');
  await waitCount(page, `1 of ${N} listings`);
  assert.equal(await rows.first().getAttribute('data-key'), 'amazon.co.jp/B0TEST0042');
  await page.locator('#search').fill('Ｂ０ＴＥＳＴ００４２'); // as typed with a Japanese IME
  await waitCount(page, `1 of ${N} listings`);
  await page.locator('#search').fill('TOWEL-11');
  const towel11 = Array.from({ length: N }, (_, i) => `towel-${i}`).filter((sku) => sku.includes('towel-11')).length;
  await waitCount(page, `${towel11} of ${N} listings`); // TOWEL-11, TOWEL-110..119, TOWEL-1100..1199
  await page.locator('#search').fill('バスタオル');
  await waitCount(page, `1 of ${N} listings`);
  assert.equal(await rows.first().getAttribute('data-key'), 'amazon.co.jp/B0TEST0007');
  await page.locator('#search').fill('no such thing');
  await page.locator('#empty').waitFor();
  assert.equal(await rows.count(), 0);
  await page.close();
});

test('editing a listing and saving persists it', async () => {
  const page = await openOptions();
  await page.locator('#search').fill('B0TEST0042');
  await waitCount(page, `1 of ${N} listings`);
  await page.locator('#rows tr .action-edit').click();
  const dialog = page.locator('#editor');
  await dialog.locator('#edit-title').fill('Edited title 42');
  await dialog.locator('#edit-images').fill('71New+Main1L\n61Img42xL');
  await dialog.locator('#edit-variations').fill('color_name=ホワイト\nsize_name=L');
  await dialog.locator('#edit-note').fill('checked by hand');
  await dialog.locator('input[data-flag="bullets"]').uncheck();
  await dialog.locator('#edit-save').click();
  await page.locator('#editor').waitFor({ state: 'hidden' });
  await page.locator('#rows tr .cell-title', { hasText: 'Edited title 42' }).waitFor();

  const stored = (await storedListings())['amazon.co.jp/B0TEST0042'];
  assert.equal(stored.title, 'Edited title 42');
  assert.deepEqual(stored.images, ['71New+Main1L', '61Img42xL']);
  assert.deepEqual(stored.variations, { color_name: 'ホワイト', size_name: 'L' });
  assert.equal(stored.note, 'checked by hand');
  assert.equal(stored.watch.bullets, false);
  assert.equal(stored.watch.title, true);
  assert.ok(stored.updated_at > listing(42).updated_at, 'updated_at moves forward');

  // Survives a reload.
  await page.reload();
  await page.locator('body[data-ready="true"]').waitFor();
  await page.locator('#search').fill('B0TEST0042');
  await page.locator('#rows tr .cell-title', { hasText: 'Edited title 42' }).waitFor();
  await page.close();
});

test('an invalid image ID in the editor is refused and nothing is saved', async () => {
  const page = await openOptions();
  await page.locator('#search').fill('B0TEST0043');
  await waitCount(page, `1 of ${N} listings`);
  await page.locator('#rows tr .action-edit').click();
  await page.locator('#edit-images').fill('bad id"><script>');
  await page.locator('#edit-save').click();
  await page.locator('#edit-error', { hasText: 'is not an image ID' }).waitFor();
  assert.deepEqual((await storedListings())['amazon.co.jp/B0TEST0043'].images, listing(43).images);
  await page.locator('#edit-cancel').click();
  await page.close();
});

test('delete asks first; cancel keeps the listing, confirm removes it', async () => {
  const page = await openOptions();
  await page.locator('#search').fill('B0TEST0005');
  await waitCount(page, `1 of ${N} listings`);
  await page.locator('#rows tr .action-delete').click();
  await page.locator('#confirm-delete').waitFor();
  assert.ok((await page.locator('#confirm-text').textContent()).includes('amazon.co.jp/B0TEST0005'));
  await page.locator('#confirm-cancel').click();
  assert.ok('amazon.co.jp/B0TEST0005' in (await storedListings()));
  await page.locator('#rows tr .action-delete').click();
  await page.locator('#confirm-ok').click();
  await waitCount(page, `0 of ${N - 1} listings`);
  assert.ok(!('amazon.co.jp/B0TEST0005' in (await storedListings())));
  await page.close();
});

test('a broken import file is refused with an error and changes nothing', async () => {
  const page = await openOptions();
  const beforeMap = await storedListings();
  const broken = '{"format": "catalog-guard/listings", "version": 1, "listings": [ {"asin": "B0BROKEN01", ';
  await page.locator('#import-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(broken) });
  const err = page.locator('#import-error');
  await err.waitFor();
  assert.match(await err.textContent(), /cannot be imported, nothing was changed/);
  assert.match(await err.textContent(), /line 1/);
  assert.equal(await page.locator('#import-merge').count(), 0);
  assert.deepEqual(await storedListings(), beforeMap);
  // Not a listings file at all.
  await page.locator('#import-file').setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  await page.locator('#import-error', { hasText: 'format' }).waitFor();
  assert.deepEqual(await storedListings(), beforeMap);
  await page.close();
});

test('export, then import into a fresh profile restores the listings', async () => {
  const page = await openOptions();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
  assert.match(download.suggestedFilename(), /\.json$/);
  const text = readFileSync(await download.path(), 'utf8');
  const file = JSON.parse(text);
  assert.equal(file.format, 'catalog-guard/listings');
  await page.close();

  const fresh = await launch();
  try {
    const opts = await openOptions(fresh);
    await opts.locator('#empty').waitFor();
    await opts.locator('#import-file').setInputFiles({ name: 'export.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await opts.locator('[data-count="importNew"]', { hasText: String(N - 1) }).waitFor();
    await opts.locator('#import-merge').click();
    await waitCount(opts, `${N - 1} listings`);
    const restored = await storedListings(fresh);
    const original = await storedListings(ext);
    assert.deepEqual(Object.keys(restored).sort(), Object.keys(original).sort());
    assert.equal(restored['amazon.co.jp/B0TEST0042'].title, 'Edited title 42');
    assert.equal(restored['amazon.co.jp/B0TEST0042'].watch.bullets, false);
    await opts.close();
  } finally {
    await fresh.close();
  }
});

test('the language override switches the page to Japanese and is saved', async () => {
  const page = await openOptions();
  await page.locator('#language').selectOption('ja');
  await page.locator('#listings-heading', { hasText: '登録商品' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  assert.match(await page.locator('#count').textContent(), /件/);
  const settings = await (await ext.worker()).evaluate(async () => (await chrome.storage.local.get('settings')).settings);
  assert.match(JSON.stringify(settings), /"language":"ja"/);
  await page.reload();
  await page.locator('body[data-ready="true"]').waitFor();
  assert.equal(await page.locator('#listings-heading').textContent(), '登録商品');
  assert.equal(await page.locator('#language').inputValue(), 'ja');
  await page.locator('#language').selectOption('en');
  await page.locator('#listings-heading', { hasText: 'Saved listings' }).waitFor();
  await page.close();
});

test('"show ✓ when a page matches" is saved', async () => {
  const page = await openOptions();
  const box = page.locator('#badge-on-match');
  assert.ok(await box.isChecked());
  await box.uncheck();
  await page.locator('#notice', { hasText: 'Settings saved.' }).waitFor();
  const settings = await (await ext.worker()).evaluate(async () => (await chrome.storage.local.get('settings')).settings);
  assert.match(JSON.stringify(settings), /"badge_on_match":false/);
  await page.reload();
  await page.locator('body[data-ready="true"]').waitFor();
  assert.ok(!(await page.locator('#badge-on-match').isChecked()));
  await page.locator('#badge-on-match').check();
  await page.locator('#notice', { hasText: 'Settings saved.' }).waitFor();
  await page.close();
});
