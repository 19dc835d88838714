// Deletions that travel, between two real Chromium profiles with the built extension
// (dist/chrome): storage.sync contents are copied from one profile to the other as Chrome sync
// would deliver them. Delete in A, sync, the listing is gone in B and listed in B's "Recently
// deleted"; restore it there (the options page's button), sync, it is back in A, where the
// deleted copy is kept as an earlier version. An older synced copy never brings a deletion back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from './harness.mjs';
import { freshProfile, localListings, syncItems, deliver, until } from './profiles.mjs';

const opened = [];
let a;
let b;

function listing(i, updatedAt) {
  return {
    asin: `B0DEL${String(i).padStart(5, '0')}`,
    marketplace: 'amazon.co.jp',
    title: `削除テスト ${i} タオル バスタオル 綿100%`,
    brand: 'テスト',
    images: ['81lde+541vL'],
    variations: {},
    breadcrumb: ['ホーム＆キッチン'],
    bullets: [`箇条書き ${i}`],
    description: `説明 ${i}`,
    seller: null,
    offer_count: null,
    watch: { title: true, brand: true, main_image: true, gallery: true, variations: true, breadcrumb: true, bullets: true, description: true, seller: true, offers: false },
    saved_at: '2026-01-01T00:00:00Z',
    updated_at: updatedAt,
    note: '',
  };
}
const keyOf = (l) => `${l.marketplace}/${l.asin}`;
const ONE = listing(1, '2026-06-01T00:00:00.000Z');
const TWO = listing(2, '2026-06-01T00:01:00.000Z');

const fresh = () => freshProfile(opened);

async function push(e) {
  const res = await e.send({ type: 'ui-bg-sync-now' });
  assert.equal(res.ok, true, JSON.stringify(res));
  assert.equal(res.sync.code, 'ok', JSON.stringify(res.sync));
  return res;
}

before(async () => {
  a = await fresh();
  b = await fresh();
  await (await a.worker()).evaluate((m) => chrome.storage.local.set({ listings: m }), { [keyOf(ONE)]: ONE, [keyOf(TWO)]: TWO });
  await push(a);
  await deliver(b, await syncItems(a));
  await until('B to receive both listings', async () => Object.keys(await localListings(b)).length === 2);
});

after(async () => {
  for (const e of opened) await e.close();
});

test('delete in A, sync: gone in B, listed in B\'s Recently deleted; restore in B, sync: back in A', async () => {
  const key = keyOf(ONE);
  const beforeDelete = await syncItems(a);

  // A deletes; its push carries the deletion (a d<n> item).
  const del = await a.send({ type: 'ui-bg-listings-delete', keys: [key] });
  assert.equal(del.deleted, 1);
  const pushed = await push(a);
  assert.equal(pushed.sync.stats.tombstones_synced, 1, JSON.stringify(pushed.sync.stats));
  const itemsA = await syncItems(a);
  assert.ok(Object.keys(itemsA).some((k) => /^d\d+$/.test(k)), Object.keys(itemsA).join(','));
  const inA = await a.send({ type: 'ui-bg-recently-deleted' });
  assert.deepEqual(inA.items.map((i) => [i.key, i.from]), [[key, 'this']]);

  // B receives it: the listing goes, the other stays; B keeps it restorable.
  await deliver(b, itemsA);
  await until('B to delete the listing', async () => !(key in (await localListings(b))));
  assert.ok(keyOf(TWO) in (await localListings(b)));
  const inB = await b.send({ type: 'ui-bg-recently-deleted' });
  assert.equal(inB.items.length, 1);
  assert.equal(inB.items[0].key, key);
  assert.equal(inB.items[0].from, 'other');
  assert.equal(inB.items[0].listing.title, ONE.title);
  assert.equal(inB.items[0].listing.updated_at, ONE.updated_at);

  // The older synced copy (from before the deletion) arrives again: it stays deleted in B.
  await deliver(b, beforeDelete);
  await sleep(1500);
  await push(b);
  assert.ok(!(key in (await localListings(b))), 'an older synced copy does not resurrect it');

  // B restores it from the options page.
  const page = await b.context.newPage();
  await page.goto(`chrome-extension://${b.extensionId}/options/options.html`);
  await page.locator('#deleted-section[data-ready="true"]').waitFor();
  const row = page.locator(`#deleted-list .deleted-row[data-key="${key}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /in another browser/);
  await row.locator('.deleted-restore').click();
  await page.locator('#deleted-list .hint').waitFor();
  assert.equal(await page.locator('#deleted-list .deleted-row').count(), 0);
  await page.close();
  const restored = (await localListings(b))[key];
  assert.ok(restored, 'restored in B');
  assert.equal(restored.title, ONE.title);
  assert.ok(Date.parse(restored.updated_at) > Date.parse(ONE.updated_at), 'a restore is a new edit');

  // B's push no longer carries the deletion; A takes the restored listing back.
  const fromB = await push(b);
  assert.equal(fromB.sync.stats.tombstones_synced, 0, JSON.stringify(fromB.sync.stats));
  assert.equal(fromB.sync.status[key], 'full');
  await deliver(a, await syncItems(b));
  const back = await until('A to have the listing back', async () => (await localListings(a))[key]);
  assert.equal(back.updated_at, restored.updated_at);
  assert.deepEqual((await a.send({ type: 'ui-bg-recently-deleted' })).items, []);
  // A's deleted copy is kept as an earlier version (its deletion lost to the later restore).
  const { versions } = await a.send({ type: 'ui-bg-listing-versions', key });
  assert.equal(versions[0].reason, 'deleted_here');
  assert.equal(versions[0].listing.title, ONE.title);
  assert.equal(versions[0].listing.updated_at, ONE.updated_at);
  // And A pushes nothing that would delete it again.
  const again = await push(a);
  assert.equal(again.sync.stats.tombstones_synced, 0);
});

test('the export file carries deletions: importing it deletes an older copy', async () => {
  const key = keyOf(TWO);
  assert.ok(key in (await localListings(b)));
  assert.equal((await a.send({ type: 'ui-bg-listings-delete', keys: [key] })).deleted, 1);
  const exp = await a.send({ type: 'ui-bg-export' });
  assert.equal(exp.ok, true, JSON.stringify(exp));
  const file = JSON.parse(exp.text);
  assert.deepEqual(file.deleted.map((d) => d.key), [key]);
  const res = await b.send({ type: 'ui-bg-import-apply', text: exp.text, mode: 'merge' });
  assert.equal(res.ok, true, JSON.stringify(res));
  assert.ok(!(key in (await localListings(b))), 'the older copy in B is deleted by the file');
  const inB = await b.send({ type: 'ui-bg-recently-deleted' });
  assert.ok(inB.items.some((i) => i.key === key), JSON.stringify(inB.items));
});
