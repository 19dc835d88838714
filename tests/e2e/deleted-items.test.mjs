// A deleted listing's own storage.local items (history, case log, screenshots, last check,
// versions) on the built extension (dist/chrome): they stay while the listing is in "Recently
// deleted", so Restore brings the listing back with them in view (the options page's "History &
// cases"); when its entry expires (30 days: the stored entry is set back 31 days here) they go
// with it, in the prune of the options page's list and in the one of a listings write, while
// another listing's items and a listing saved again before the entry expired keep theirs.
// The history, the last check and the case come from a real saved amazon.co.jp page seen with
// its main image swapped; the screenshot is a stored record with a real JPEG (a capture needs
// the toolbar click no test can make: shots.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, until } from './harness.mjs';
import { URL_, ASIN, KEY, HIJACK, original, swapped } from './switch.mjs';

const CASE_ID = '24681357900';
const DAY = 86_400_000;
const PREFIXES = ['history:', 'cases:', 'shots:', 'check:', 'versions:'];

function listing(asin, note = '') {
  return {
    asin,
    marketplace: 'amazon.co.jp',
    title: `削除後の記録 ${asin} タオル 綿100%`,
    brand: 'テスト',
    images: ['81lde+541vL'],
    variations: {},
    breadcrumb: ['ホーム＆キッチン'],
    bullets: ['箇条書き'],
    description: '説明',
    seller: null,
    offer_count: null,
    watch: { title: true, brand: true, main_image: true, gallery: true, variations: true, breadcrumb: true, bullets: true, description: true, seller: true, offers: false },
    saved_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-06-01T00:00:00.000Z',
    note,
  };
}
const OTHER = listing('B0DELITEM2');
const OTHER_KEY = `amazon.co.jp/${OTHER.asin}`;
const THIRD = listing('B0DELITEM3');
const THIRD_KEY = `amazon.co.jp/${THIRD.asin}`;

let ext;
let shotId;
let own; // KEY's items as they were before its deletion

/** storage.local items by key (absent ones left out). */
async function stored(keys) {
  const p = await ext.extensionPage();
  return p.evaluate((ks) => chrome.storage.local.get(ks), keys);
}
async function store(items) {
  const p = await ext.extensionPage();
  await p.evaluate((it) => chrome.storage.local.set(it), items);
}
/** A listing's own items (`history:<key>`, `cases:<key>`, …) as stored. */
const itemsOf = (key) => stored(PREFIXES.map((p) => p + key));

const ok = (message) => ext.sendOk(message);

/** A dated screenshot record of the listing with a real (small) JPEG made in the browser. */
async function shotRecord() {
  const p = await ext.extensionPage();
  const img = await p.evaluate(async () => {
    const c = new OffscreenCanvas(64, 48);
    const g = c.getContext('2d');
    g.fillStyle = '#c33';
    g.fillRect(0, 0, 64, 48);
    const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg', quality: 0.8 })).arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return { jpeg: `data:image/jpeg;base64,${btoa(s)}`, bytes: bytes.length };
  });
  const at = new Date();
  return {
    id: `s${at.getTime()}`, at: at.toISOString(), url: URL_, asin: ASIN, marketplace: 'amazon.co.jp',
    status: 'mismatch', fields: ['images.main'], case_id: CASE_ID, width: 64, height: 48, ...img,
  };
}

/** Sets the stored "Recently deleted" entries of `keys` back `days` days. */
async function backdate(keys, days) {
  const { recently_deleted: bin } = await stored(['recently_deleted']);
  for (const k of keys) {
    assert.ok(bin?.[k], `${k} is in the stored bin`);
    bin[k].deleted_at = Date.now() - days * DAY;
  }
  await store({ recently_deleted: bin });
}

async function openOptions(hash = '') {
  const page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.extensionId}/options/options.html${hash}`);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.locator('#deleted-section[data-ready="true"]').waitFor();
  return page;
}

before(async () => {
  ext = await launch();
  // Saved from its page, then seen with the main image swapped: a history with the change, a
  // last check `mismatch`, a case about it, a screenshot and an earlier version.
  ext.serve({ [URL_]: original() });
  const tab = await ext.open(URL_);
  await ext.waitForState(tab.tabId, (s) => s.report?.status === 'untracked');
  await ok({ type: 'ui-bg-save-page', tabId: tab.tabId });
  ext.serve({ [URL_]: swapped() });
  await tab.page.reload({ waitUntil: 'domcontentloaded' });
  await ext.waitForState(tab.tabId, (s) => s.report?.status === 'mismatch');
  await until('the change in the history', async () => {
    const res = await ext.send({ type: 'ui-bg-history', key: KEY, lang: 'en' });
    return res.ok && res.history?.entries.length >= 1;
  }, { step: 50 });
  await until('the last check', async () => (await stored([`check:${KEY}`]))[`check:${KEY}`]?.status === 'mismatch', { step: 50 });
  await ok({ type: 'ui-bg-case-add', key: KEY, id: CASE_ID, opened: '2026-12-01', lang: 'en' });
  await tab.page.close(); // no open tab re-checks the listing while the test looks at its items
  const shot = await shotRecord();
  shotId = shot.id;
  const { listings } = await stored(['listings']);
  await store({
    [`shots:${KEY}`]: [shot],
    [`versions:${KEY}`]: [{ at: Date.now(), from: 'other', reason: 'other_newer', listing: { ...listings[KEY], title: 'an earlier title' } }],
  });
  // Two more listings with items of their own (a copy of the first one's history and screenshot).
  const { [`history:${KEY}`]: history } = await stored([`history:${KEY}`]);
  for (const [key, l] of [[OTHER_KEY, OTHER], [THIRD_KEY, THIRD]]) {
    await ok({ type: 'ui-bg-listing-put', listing: l });
    await ok({ type: 'ui-bg-case-add', key, id: '13579246800', opened: '2026-11-02', lang: 'en' });
    await store({
      [`history:${key}`]: history,
      [`shots:${key}`]: [{ ...shot, asin: l.asin, case_id: '13579246800' }],
      [`check:${key}`]: { at: Date.now(), source: 'recheck', status: 'match', differences: 0 },
      [`versions:${key}`]: [{ at: Date.now(), from: 'other', reason: 'this_newer', listing: l }],
    });
  }
  own = await itemsOf(KEY);
  assert.deepEqual(Object.keys(own).sort(), PREFIXES.map((p) => p + KEY).sort(), 'every item of the listing is stored');
});

after(async () => {
  await ext?.close();
});

test('a deleted listing keeps its history, case, last check and screenshot while in Recently deleted; Restore shows them again', async () => {
  assert.equal((await ok({ type: 'ui-bg-listings-delete', keys: [KEY] })).deleted, 1);
  assert.deepEqual((await ok({ type: 'ui-bg-recently-deleted' })).items.map((i) => i.key), [KEY]);
  // A listings write prunes the bin in its own write: nothing of a restorable listing goes.
  await ok({ type: 'ui-bg-listing-put', listing: { ...OTHER, note: 'edited while the other was in the bin' } });
  assert.deepEqual(await itemsOf(KEY), own);

  // Restore from the options page; its "History & cases" shows the timeline, the screenshot and the case.
  let page = await openOptions();
  const row = page.locator(`#deleted-list .deleted-row[data-key="${KEY}"]`);
  await row.locator('.deleted-restore').click();
  await page.locator('#deleted-list .hint').waitFor();
  await page.close();
  assert.ok((await stored(['listings'])).listings[KEY], 'restored');
  assert.deepEqual(await itemsOf(KEY), own, 'the restore keeps every item');

  page = await openOptions(`#details=${encodeURIComponent(KEY)}`);
  const dialog = page.locator('dialog#details[open]');
  await dialog.locator('#details-timeline li').first().waitFor();
  const lines = await dialog.locator('#details-timeline li').allTextContents();
  const { lines: expected } = await ok({ type: 'ui-bg-history', key: KEY, lang: 'en' });
  assert.ok(expected.length >= 1, JSON.stringify(expected));
  assert.deepEqual(lines, expected);
  assert.equal(await dialog.locator(`#details-shots .shot[data-shot-id="${shotId}"]`).count(), 1);
  assert.match(await dialog.textContent(), new RegExp(CASE_ID));
  await page.close();
});

test('when its Recently deleted entry expires, the listing\'s items go with it; another listing\'s stay', async () => {
  assert.equal((await ok({ type: 'ui-bg-listings-delete', keys: [KEY] })).deleted, 1);
  // Shared items with an entry per listing: the review queue, notified signatures, last use.
  const now = Date.now();
  const { 'watch:notify': notify, sync_last_used: used } = await stored(['watch:notify', 'sync_last_used']);
  await store({
    'baseline:review': { [KEY]: now, [OTHER_KEY]: now },
    'watch:notify': { ...(notify ?? {}), last_notified: { [KEY]: [`images.main=${HIJACK}`], [OTHER_KEY]: ['title=x'] } },
    sync_last_used: { ...(used ?? {}), [KEY]: now, [OTHER_KEY]: now },
  });
  const others = await itemsOf(OTHER_KEY);
  assert.equal(Object.keys(others).length, PREFIXES.length);

  // 29 days: still restorable, nothing goes.
  await backdate([KEY], 29);
  assert.deepEqual((await ok({ type: 'ui-bg-recently-deleted' })).items.map((i) => i.key), [KEY]);
  assert.deepEqual(await itemsOf(KEY), own);

  // 31 days: the options page's list prunes it, and the listing's items with it.
  await backdate([KEY], 31);
  const page = await openOptions();
  await page.locator('#deleted-list .hint').waitFor();
  assert.equal(await page.locator('#deleted-list .deleted-row').count(), 0);
  await page.close();
  assert.deepEqual(await itemsOf(KEY), {}, 'history, cases, screenshots, last check and versions are gone');
  const after = await stored(['recently_deleted', 'baseline:review', 'watch:notify', 'sync_last_used', 'listings']);
  assert.ok(!(KEY in (after.recently_deleted ?? {})), 'the bin entry is gone from storage');
  assert.deepEqual(after['baseline:review'], { [OTHER_KEY]: now });
  assert.deepEqual(after['watch:notify'].last_notified, { [OTHER_KEY]: ['title=x'] });
  assert.ok(!(KEY in after.sync_last_used) && after.sync_last_used[OTHER_KEY] === now, JSON.stringify(after.sync_last_used));
  // The other listing and its items are untouched.
  assert.ok(after.listings[OTHER_KEY]);
  assert.deepEqual(await itemsOf(OTHER_KEY), others);
  const undelete = await ext.send({ type: 'ui-bg-listing-undelete', key: KEY });
  assert.equal(undelete.ok, false, 'no longer restorable');
});

test('a listing deleted and saved again before its entry expires keeps its items when that entry expires', async () => {
  const others = await itemsOf(OTHER_KEY);
  const thirds = await itemsOf(THIRD_KEY);
  assert.equal(Object.keys(thirds).length, PREFIXES.length);
  const { recently_deleted: binBefore } = await stored(['recently_deleted']);

  // OTHER: deleted, then saved again (the bin entry goes with the save).
  assert.equal((await ok({ type: 'ui-bg-listings-delete', keys: [OTHER_KEY, THIRD_KEY] })).deleted, 2);
  const { recently_deleted: bin } = await stored(['recently_deleted']);
  await ok({ type: 'ui-bg-listing-put', listing: (await ok({ type: 'ui-bg-recently-deleted' })).items.find((i) => i.key === OTHER_KEY).listing });
  assert.deepEqual((await ok({ type: 'ui-bg-recently-deleted' })).items.map((i) => i.key), [THIRD_KEY]);
  // Its old entry stays stored beside the listing (as a listing that came back through sync can
  // leave it) and expires with THIRD's; a listings write prunes the bin.
  await store({ recently_deleted: { ...(binBefore ?? {}), ...bin } });
  await backdate([OTHER_KEY, THIRD_KEY], 31);
  await ok({ type: 'ui-bg-listing-put', listing: { ...listing('B0DELITEM4') } });

  const { recently_deleted: pruned, listings } = await stored(['recently_deleted', 'listings']);
  assert.deepEqual(Object.keys(pruned ?? {}), [], 'both expired entries are gone');
  assert.ok(listings[OTHER_KEY], 'saved again');
  assert.deepEqual(await itemsOf(OTHER_KEY), others, 'the listing saved again keeps its items');
  assert.deepEqual(await itemsOf(THIRD_KEY), {}, 'the expired listing\'s items are gone');

  // The same stale entry pruned by the options page's list (no listings write): kept too.
  await store({ recently_deleted: { [OTHER_KEY]: { ...bin[OTHER_KEY], deleted_at: Date.now() - 31 * DAY } } });
  assert.deepEqual((await ok({ type: 'ui-bg-recently-deleted' })).items, []);
  assert.deepEqual((await stored(['recently_deleted'])).recently_deleted, {});
  assert.deepEqual(await itemsOf(OTHER_KEY), others);
});
