// Listings that travel, between real Chromium profiles with the built extension (dist/chrome):
// storage.sync contents copied from one profile to a fresh one (as Chrome sync would), the export
// file imported into a fresh profile, a conflicting edit whose losing version is kept and
// restorable, and a push held back by the write-rate limit that survives a stopped worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture, sleep } from './harness.mjs';
import { freshProfile, localListings, syncItems, deliver, until } from './profiles.mjs';

const SWITCH = 'amazon.co.jp/nintendo-switch-neon-B07WXL5YPW-2022.html';
const SWITCH_URL = 'https://www.amazon.co.jp/-/en/dp/B07WXL5YPW';
const SWITCH_KEY = 'amazon.co.jp/B07WXL5YPW';
const N = 320;

// Deterministic, varied Japanese/English text (does not compress away: realistic record sizes).
const KANA = 'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん';
const KANJI = '日本製綿素材柔吸水速乾抗菌防臭洗濯機対応厚手薄手大判小判軽量耐久保温保冷真空断熱容量色黒白紺灰赤青緑茶桃紫黄';
const WORDS = ['towel', 'bath', 'cotton', 'navy', 'premium', 'soft', 'large', 'set', 'gift', 'hotel', 'quick-dry', 'organic'];
let seed = 12345;
function rnd(n) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}
function jaText(chars) {
  let s = '';
  while (s.length < chars) s += rnd(3) ? KANA[rnd(KANA.length)] : KANJI[rnd(KANJI.length)];
  return s;
}
function enText(words) {
  return Array.from({ length: words }, () => WORDS[rnd(WORDS.length)]).join(' ');
}
function imageId() {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `${rnd(2) ? '61' : '81'}${Array.from({ length: 7 }, () => A[rnd(A.length)]).join('')}L`;
}

/** A realistic long listing: ~150-character title, five ~250-character bullets, a long description. */
function listing(i) {
  const asin = `B0SY${String(i).padStart(6, '0')}`;
  return {
    asin,
    marketplace: 'amazon.co.jp',
    sku: `SYNC-${i}`,
    title: `${jaText(60)} ${enText(8)} ${jaText(40)}`,
    brand: jaText(6),
    images: Array.from({ length: 6 }, imageId),
    variations: { color_name: jaText(4), size_name: ['S', 'M', 'L'][i % 3] },
    breadcrumb: ['ホーム＆キッチン', jaText(5), jaText(4)],
    bullets: Array.from({ length: 5 }, () => jaText(250)),
    description: jaText(1200),
    seller: { id: `A${String(i).padStart(12, '0')}`, name: jaText(8) },
    offer_count: null,
    // The current listing shape (format version 2): a stored listing round-trips field for field.
    family: null,
    family_known: false,
    availability: 'unknown',
    watch: {
      title: true, brand: true, main_image: true, gallery: true, variations: true, breadcrumb: true, bullets: true,
      description: true, seller: true, offers: false, family_parent: true, family_members: true, availability: true,
    },
    saved_at: '2026-01-01T00:00:00Z',
    updated_at: new Date(Date.UTC(2026, 5, 1) + i * 60_000).toISOString(),
    note: '',
  };
}

let a; // profile A: where the listings are made
let c; // profile C: every listing imported from A's export file
const opened = [];

async function openOptions(e) {
  const page = await e.context.newPage();
  await page.goto(`chrome-extension://${e.extensionId}/options/options.html`);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

const fresh = () => freshProfile(opened);

/** Saves the Switch page in `e` from the page itself (as the popup's Save does); returns the tab. */
async function saveSwitch(e) {
  e.serve({ [SWITCH_URL]: fixture(SWITCH) });
  const tab = await e.open(SWITCH_URL);
  await e.waitForBadge(tab.tabId, (b) => b.text === '?');
  const res = await e.send({ type: 'ui-bg-save-page', tabId: tab.tabId });
  assert.equal(res.ok, true, JSON.stringify(res));
  await e.waitForBadge(tab.tabId, (b) => b.text === '✓');
  return tab;
}

before(async () => {
  a = await fresh();
  const map = {};
  for (let i = 0; i < N; i++) {
    const l = listing(i);
    map[`${l.marketplace}/${l.asin}`] = l;
  }
  await (await a.worker()).evaluate((m) => chrome.storage.local.set({ listings: m }), map);
  await saveSwitch(a);
});

after(async () => {
  for (const e of opened) await e.close();
});

let aStatus;
let aItems;

test('A pushes within the quotas: the most recent in full, the rest by fingerprint', async () => {
  const res = await a.send({ type: 'ui-bg-sync-now' });
  assert.equal(res.ok, true, JSON.stringify(res));
  aStatus = res.sync;
  const s = aStatus.stats;
  assert.equal(aStatus.code, 'ok', JSON.stringify(aStatus));
  assert.equal(aStatus.error, null);
  assert.equal(s.full + s.fingerprint_only + s.not_synced, N + 1);
  assert.ok(s.full >= 2 && s.fingerprint_only >= 100, JSON.stringify(s));
  assert.equal(aStatus.status[SWITCH_KEY], 'full', 'the page saved last is synced in full');
  aItems = await syncItems(a);
  const bytes = Object.entries(aItems).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(JSON.stringify(v)), 0);
  assert.ok(bytes <= 102400 && Object.keys(aItems).length <= 512, `${bytes} bytes`);
  for (const [k, v] of Object.entries(aItems)) assert.ok(Buffer.byteLength(k) + Buffer.byteLength(JSON.stringify(v)) <= 8192, k);

  const page = await openOptions(a);
  assert.equal(await page.locator('#sync-counts li[data-sync="full"]').textContent(), `Synced in full: ${s.full}`);
  assert.equal(await page.locator('#sync-counts li[data-sync="fingerprint_only"]').textContent(), `Synced by fingerprint only: ${s.fingerprint_only}`);
  assert.match(await page.locator('#sync-reasons').textContent(), new RegExp(`^${s.fingerprint_only} listing\\(s\\) are synced by fingerprint only`));
  assert.ok(await page.locator('#sync-at').isVisible());
  // Exactly which listings did not go in full.
  await page.locator('#sync-which summary').click();
  assert.equal(await page.locator('#sync-which [data-sync="fingerprint_only"] h3').textContent(), `By fingerprint only: ${s.fingerprint_only}`);
  const listed = await page.locator('#sync-which [data-sync="fingerprint_only"] li[data-key]').evaluateAll((els) => els.map((e) => e.dataset.key));
  assert.equal(listed.length, Math.min(100, s.fingerprint_only));
  for (const k of listed) assert.equal(aStatus.status[k], 'fingerprint_only', k);
  assert.ok(!listed.includes(SWITCH_KEY));
  await page.close();
});

test('sync contents copied to a fresh profile B: full listings merged, fingerprint-only ones listed, badge ✓', async () => {
  const b = await fresh();
  b.serve({ [SWITCH_URL]: fixture(SWITCH) });
  await deliver(b, aItems);
  const fullKeys = Object.entries(aStatus.status).filter(([, st]) => st === 'full').map(([k]) => k).sort();
  const fpKeys = Object.entries(aStatus.status).filter(([, st]) => st === 'fingerprint_only').map(([k]) => k).sort();
  const got = await until('the full listings in B', async () => {
    const m = await localListings(b);
    return Object.keys(m).length === fullKeys.length ? m : null;
  });
  assert.deepEqual(Object.keys(got).sort(), fullKeys);
  const aLocal = await localListings(a);
  for (const k of fullKeys) assert.deepEqual(got[k], aLocal[k], `${k} arrives exactly as saved`);

  // The options page: the full listings in the table, the fingerprint-only ones in the sync panel.
  const page = await openOptions(b);
  assert.equal(await page.locator('#count').textContent(), `${fullKeys.length} listings`);
  const heading = page.locator('#sync-remote-only h3');
  await heading.waitFor();
  assert.equal(await heading.textContent(), `In another browser only, synced by fingerprint only: ${fpKeys.length}`);
  assert.match(await page.locator('#sync-remote-only .hint').textContent(), /open the product page in the other browser, or Export there and Import here/);
  const shown = await page.locator('#sync-remote-only li[data-key]').evaluateAll((els) => els.map((e) => e.dataset.key));
  assert.equal(shown.length, Math.min(100, fpKeys.length));
  for (const k of shown) assert.ok(fpKeys.includes(k), k);
  const first = page.locator(`#sync-remote-only li[data-key="${shown[0]}"]`);
  assert.match(await first.textContent(), new RegExp(`^${shown[0].split('/')[1]} · amazon\\.co\\.jp · updated `));
  if (fpKeys.length > 100) assert.equal(await page.locator('#sync-remote-only .sync-more').textContent(), `… and ${fpKeys.length - 100} more`);
  await page.close();

  // The page saved in A is ✓ in B.
  const tab = await b.open(SWITCH_URL);
  await b.waitForBadge(tab.tabId, (x) => x.text === '✓');

  // B pushes its own change without hiding A's fingerprint-only listings from other browsers.
  const res = await b.send({ type: 'ui-bg-sync-now' });
  assert.equal(res.ok, true, JSON.stringify(res));
  const firstPush = res.sync.ok_at;
  const again = await b.send({ type: 'ui-bg-listing-put', listing: { ...got[fullKeys[0]], note: 'checked in B', updated_at: new Date().toISOString() } });
  assert.equal(again.ok, true, JSON.stringify(again));
  const pushed = await until('B to push', async () => {
    const st = (await b.send({ type: 'ui-bg-sync-status' })).sync;
    return st && st.code === 'ok' && st.ok_at > firstPush ? st : null;
  });
  assert.equal(pushed.stats.carried, fpKeys.length);
  const bItems = await syncItems(b);
  // Read B's items with the same core, in an extension page.
  const decoded = await (await b.extensionPage()).evaluate(async (items) => {
    const m = await import(chrome.runtime.getURL('pkg/catalog_guard.js'));
    await m.default({ module_or_path: chrome.runtime.getURL('pkg/catalog_guard_bg.wasm') });
    return m.invoke({ type: 'sync_decode', args: { items } });
  }, bItems);
  const keys = new Set([...decoded.listings.map((l) => `${l.marketplace}/${l.asin}`), ...decoded.fingerprints.map((f) => f.key)]);
  for (const k of fpKeys) assert.ok(keys.has(k), `${k} still in sync after B's push`);
  assert.equal(decoded.listings.find((l) => `${l.marketplace}/${l.asin}` === fullKeys[0])?.note, 'checked in B');
});

test('save from the page in A, export, import into a fresh profile C: the badge there is ✓', async () => {
  const page = await openOptions(a);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
  const text = readFileSync(await download.path(), 'utf8');
  await page.close();
  assert.ok(JSON.parse(text).listings.some((l) => `${l.marketplace}/${l.asin}` === SWITCH_KEY));

  c = await fresh();
  c.serve({ [SWITCH_URL]: fixture(SWITCH) });
  const tab = await c.open(SWITCH_URL);
  await c.waitForBadge(tab.tabId, (x) => x.text === '?');
  const opts = await openOptions(c);
  await opts.locator('#import-file').setInputFiles({ name: 'export.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await opts.locator('[data-count="importNew"]', { hasText: String(N + 1) }).waitFor();
  await opts.locator('#import-merge').click();
  await opts.locator('#count', { hasText: `${N + 1} listings` }).waitFor();
  // The open tab is re-checked against the imported listings.
  await c.waitForBadge(tab.tabId, (x) => x.text === '✓');
  const restored = await localListings(c);
  assert.deepEqual(restored[SWITCH_KEY], (await localListings(a))[SWITCH_KEY]);
  await opts.close();
});

test('a listing changed in another browser whose full record did not fit: the panel names the changed fields', async () => {
  // A's sync items, as if A had since changed the title of one fingerprint-only listing (its
  // full record still not fitting): the fingerprint's time and title hash change.
  const victim = Object.entries(aStatus.status).find(([, st]) => st === 'fingerprint_only')[0];
  const asin = victim.split('/')[1];
  const items = structuredClone(aItems);
  let hit = 0;
  for (const [k, v] of Object.entries(items)) {
    if (!/^f\d+$/.test(k)) continue;
    items[k] = v.map((e) => {
      if (!e.includes(`/${asin}|`)) return e;
      hit += 1;
      const parts = e.split('|');
      parts[1] = Math.floor((Date.now() + 120_000) / 1000).toString(36);
      parts[2] = parts[2] === 'zzz' ? 'yyy' : 'zzz';
      return parts.join('|');
    });
  }
  assert.equal(hit, 1, `fingerprint of ${victim} found once`);
  const before = await localListings(c);
  await deliver(c, items);
  const page = await openOptions(c);
  const li = page.locator(`#sync-changed li[data-key="${victim}"]`);
  await li.waitFor();
  assert.equal(await li.textContent(), `${victim} — changed: Title`);
  assert.equal(await page.locator('#sync-changed h3').textContent(), 'Changed in another browser: 1');
  assert.match(await page.locator('#sync-changed .hint').textContent(), /Export there and Import here/);
  // Its row in the listings table says so too.
  await page.locator('#search').fill(asin);
  const note = page.locator(`#rows tr[data-key="${victim}"] .sync-elsewhere`);
  await note.waitFor();
  assert.equal(await note.textContent(), 'Changed in another browser: Title');
  // Nothing local was overwritten by a fingerprint.
  assert.deepEqual((await localListings(c))[victim], before[victim]);
  await page.close();
  // C's own push keeps the other browser's newer fingerprint (not C's older copy) in sync.
  const pushed = await c.send({ type: 'ui-bg-sync-now' });
  assert.equal(pushed.ok, true, JSON.stringify(pushed).slice(0, 300));
  assert.equal(pushed.sync.code, 'ok');
  const held = await coreIn(c, 'sync_decode', { items: await syncItems(c) });
  const fp = held.fingerprints.find((f) => f.key === victim);
  assert.ok(fp && Date.parse(fp.updated_at) > Date.parse(before[victim].updated_at), JSON.stringify(fp));
  assert.ok(!held.listings.some((l) => `${l.marketplace}/${l.asin}` === victim));
  assert.ok(pushed.remote.changed_elsewhere.some((x) => x.key === victim));
});

test('settings travel through sync and are applied once, without coming back', async () => {
  assert.equal((await a.send({ type: 'ui-bg-settings-set', settings: { language: 'ja', badge_on_match: false } })).ok, true);
  const items = await until('A to push its settings', async () => {
    const got = await syncItems(a);
    return got.s && got.s.language === 'ja' ? got : null;
  });
  const b = await fresh();
  await deliver(b, items);
  const settings = await until('the settings in B', async () => {
    const res = await b.send({ type: 'ui-bg-settings-get' });
    return res.settings.language === 'ja' ? res.settings : null;
  });
  assert.equal(settings.badge_on_match, false);
  // B's own push writes the same settings item: nothing to send back.
  const res = await b.send({ type: 'ui-bg-sync-now' });
  assert.equal(res.ok, true, JSON.stringify(res));
  assert.deepEqual((await syncItems(b)).s, items.s);
  const page = await openOptions(b);
  assert.equal(await page.locator('#sync-heading').textContent(), '同期');
  assert.equal(await page.locator('#sync-now').textContent(), '今すぐ同期');
  await page.close();
});

test('a conflicting edit: the losing version is kept, shown in the editor, and can be restored', async () => {
  const b = await fresh();
  await deliver(b, aItems);
  await until('the Switch listing in B', async () => (await localListings(b))[SWITCH_KEY]);
  const fromA = (await localListings(a))[SWITCH_KEY];

  // B edits the listing (newer): B's push merges sync first; A's version loses and is kept.
  const edited = { ...fromA, title: 'Edited in B', updated_at: new Date().toISOString() };
  assert.equal((await b.send({ type: 'ui-bg-listing-put', listing: edited })).ok, true);
  await until('B to push its edit', async () => {
    const st = (await b.send({ type: 'ui-bg-sync-status' })).sync;
    return st && st.code === 'ok' && st.ok_at ? st : null;
  });
  // Now "A's" synced version arrives again (older): B keeps its edit and keeps A's version too.
  await deliver(b, aItems);
  const versions = await until('the losing version', async () => {
    const res = await b.send({ type: 'ui-bg-listing-versions', key: SWITCH_KEY });
    return res.versions.length ? res.versions : null;
  });
  assert.equal(versions[0].from, 'other');
  assert.equal(versions[0].reason, 'this_newer');
  assert.deepEqual(versions[0].listing, fromA);
  assert.equal((await localListings(b))[SWITCH_KEY].title, 'Edited in B');

  // The editor lists it; Restore makes it current with a new updated_at, keeping B's edit.
  const page = await openOptions(b);
  await page.locator(`#rows tr[data-key="${SWITCH_KEY}"] .action-edit`).click();
  const item = page.locator('#versions-list li[data-from="other"]').first();
  await item.waitFor();
  assert.match(await item.locator('.version-when').textContent(), /^Another browser's version \(last changed .+\), set aside /);
  assert.equal(await item.locator('.version-reason').textContent(), "This browser's version was newer.");
  assert.equal(await item.locator('.version-title').textContent(), fromA.title);
  assert.equal(await item.locator('.version-differs').textContent(), 'Differs from the current version in: Title');
  await item.locator('.version-restore').click();
  await page.locator('#notice', { hasText: `Restored an earlier version of ${SWITCH_KEY}.` }).waitFor();
  const now = (await localListings(b))[SWITCH_KEY];
  assert.equal(now.title, fromA.title);
  assert.ok(Date.parse(now.updated_at) > Date.parse(edited.updated_at), now.updated_at);
  const after = (await b.send({ type: 'ui-bg-listing-versions', key: SWITCH_KEY })).versions;
  assert.equal(after[0].from, 'this');
  assert.equal(after[0].reason, 'restored_over');
  assert.equal(after[0].listing.title, 'Edited in B');
  assert.ok(!after.some((v) => v.listing.title === fromA.title && v.listing.updated_at === fromA.updated_at), 'the restored version left the list');
  await page.locator(`#rows tr[data-key="${SWITCH_KEY}"] .cell-title`, { hasText: fromA.title }).waitFor();

  // The other direction: A's newer edit arrives; B's own version goes into the versions.
  const newer = { ...fromA, title: 'Edited in A later', updated_at: new Date(Date.now() + 60_000).toISOString() };
  const pushedBefore = (await a.send({ type: 'ui-bg-sync-status' })).sync.ok_at;
  assert.equal((await a.send({ type: 'ui-bg-listing-put', listing: newer })).ok, true);
  const items = await until('A to push its edit', async () => {
    const st = (await a.send({ type: 'ui-bg-sync-status' })).sync;
    return st && st.code === 'ok' && st.ok_at > pushedBefore ? syncItems(a) : null;
  });
  await deliver(b, items);
  await until('A\'s edit in B', async () => (await localListings(b))[SWITCH_KEY].title === 'Edited in A later');
  const last = (await b.send({ type: 'ui-bg-listing-versions', key: SWITCH_KEY })).versions;
  assert.equal(last[0].from, 'this');
  assert.equal(last[0].reason, 'other_newer');
  assert.equal(last[0].listing.title, fromA.title);
  await page.close();
});

test('a push held back by the write-rate limit waits, survives a stopped worker, then goes out', async () => {
  const b = await fresh();
  const w = await b.worker();
  // 110 writes 45 seconds ago: the budget (110 a minute) is spent for another 15 s.
  await w.evaluate(() => {
    const t = Date.now() - 45_000;
    return chrome.storage.local.set({ sync_writes: Array.from({ length: 110 }, () => t) });
  });
  const one = listing(9999);
  assert.equal((await b.send({ type: 'ui-bg-listing-put', listing: one })).ok, true);
  const waiting = await until('the push to wait', async () => {
    const st = (await b.send({ type: 'ui-bg-sync-status' })).sync;
    return st && st.code === 'waiting' ? st : null;
  });
  assert.ok(waiting.pending && waiting.next_at > waiting.at, JSON.stringify(waiting));
  assert.deepEqual(await syncItems(b), {}, 'nothing was written past the limit');
  const pending = await w.evaluate(async () => (await chrome.storage.local.get('sync_pending')).sync_pending);
  assert.ok(pending && pending.next_at, JSON.stringify(pending));

  const page = await openOptions(b);
  assert.match(await page.locator('#sync-waiting').textContent(), /^Waiting for the sync write limit \(120 writes a minute, 1,800 an hour\)/);
  await page.close();

  // The worker is stopped before the timer fires; its next start resumes the push.
  await b.stopWorker();
  await sleep(Math.max(0, pending.next_at - Date.now()) + 500);
  await b.wakeWorker();
  const done = await until('the push to go out', async () => {
    const st = (await b.send({ type: 'ui-bg-sync-status' })).sync;
    return st && st.code === 'ok' ? st : null;
  });
  assert.equal(done.stats.full, 1);
  assert.ok(Object.keys(await syncItems(b)).length >= 3);
  const left = await (await b.worker()).evaluate(async () => (await chrome.storage.local.get('sync_pending')).sync_pending ?? null);
  assert.equal(left, null);
  // Every write is recorded for the next allowance.
  const writes = await (await b.worker()).evaluate(async () => (await chrome.storage.local.get('sync_writes')).sync_writes);
  assert.ok(writes.length > 110, String(writes.length));
});

test('a listing deleted here is not brought back by the synced copy', async () => {
  const key = Object.entries(aStatus.status).find(([k, st]) => st === 'full' && k !== SWITCH_KEY)[0];
  await deliver(c, aItems);
  assert.ok((await localListings(c))[key]);
  const res = await c.send({ type: 'ui-bg-listings-delete', keys: [key] });
  assert.equal(res.ok, true, JSON.stringify(res));
  assert.equal(res.deleted, 1);
  // The push merges sync first (where the listing still is), then writes sync without it.
  const pushed = await c.send({ type: 'ui-bg-sync-now' });
  assert.equal(pushed.ok, true, JSON.stringify(pushed));
  assert.equal(pushed.sync.code, 'ok');
  assert.equal(pushed.sync.status[key], undefined);
  assert.equal((await localListings(c))[key], undefined);
  // The old synced items arrive again (another browser still has the listing): it stays deleted.
  await deliver(c, aItems);
  await c.send({ type: 'ui-bg-sync-now' });
  assert.equal((await localListings(c))[key], undefined);
  const { remote } = await c.send({ type: 'ui-bg-sync-status' });
  assert.ok(!remote.remote_only.some((f) => f.key === key));
  // Saving it again (an import of A's file) brings it back, and it syncs again.
  const page = await openOptions(a);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
  const text = readFileSync(await download.path(), 'utf8');
  await page.close();
  assert.equal((await c.send({ type: 'ui-bg-import-apply', text, mode: 'merge' })).ok, true);
  assert.ok((await localListings(c))[key]);
  const again = await c.send({ type: 'ui-bg-sync-now' });
  assert.ok(again.sync.status[key] === 'full' || again.sync.status[key] === 'fingerprint_only', JSON.stringify(again.sync.status[key]));
});

test('with sync turned off nothing is written to or merged from sync; turning it on pushes', async () => {
  const d = await fresh();
  const page = await openOptions(d);
  assert.equal(await page.locator('#sync-enabled').isChecked(), true);
  await page.locator('#sync-enabled').uncheck();
  await page.locator('#sync-off').waitFor();
  assert.equal(await page.locator('#sync-off').textContent(), 'Sync is off: nothing is written to or read from sync. Your listings stay on this computer; Export moves them.');
  assert.equal(await page.locator('#sync-now').isDisabled(), true);
  assert.equal((await d.send({ type: 'ui-bg-settings-get' })).settings.sync_enabled, false);
  assert.equal((await d.send({ type: 'ui-bg-listing-put', listing: listing(7777) })).ok, true);
  // Another browser's items arrive: not merged while sync is off.
  await deliver(d, aItems);
  const off = await d.send({ type: 'ui-bg-sync-now' });
  assert.equal(off.ok, true);
  assert.deepEqual(Object.keys(await localListings(d)), ['amazon.co.jp/B0SY007777']);
  assert.deepEqual(await syncItems(d), aItems);

  await page.locator('#sync-enabled').check();
  await page.locator('#sync-off').waitFor({ state: 'detached' });
  const on = await until('the push after turning sync on', async () => {
    const st = (await d.send({ type: 'ui-bg-sync-status' })).sync;
    return st && st.code === 'ok' && st.status['amazon.co.jp/B0SY007777'] ? st : null;
  });
  assert.ok(on.status['amazon.co.jp/B0SY007777'] === 'full', JSON.stringify(on.stats));
  // Turning it on merged what sync held first: A's full listings are here now too.
  assert.ok(Object.keys(await localListings(d)).includes(SWITCH_KEY));
  // "Sync now" pushes at once and shows the result.
  await page.locator('#sync-now:not([disabled])').click();
  await page.locator('#sync-at').waitFor();
  assert.match(await page.locator('#sync-at').textContent(), /^Last sync: /);
  assert.equal(await page.locator('#sync-error').count(), 0);
  await page.close();
});

test('nearly full sync: a change that fits only once its stale items go is written remove-first, nothing else touched', async () => {
  const e = await fresh();
  const l1 = listing(5001);
  assert.equal((await e.send({ type: 'ui-bg-listing-put', listing: l1 })).ok, true);
  const first = await e.send({ type: 'ui-bg-sync-now' });
  assert.equal(first.sync.code, 'ok');
  assert.equal(first.sync.status['amazon.co.jp/B0SY005001'], 'full');
  // Another extension's items fill sync to the last byte, then free 200 bytes.
  const page = await openOptions(e);
  const filler = await page.evaluate(async () => {
    let n = 0;
    for (const size of [8000, 1000, 100, 10, 1]) {
      for (;;) {
        try {
          await chrome.storage.sync.set({ [`zz-other-${n}`]: 'x'.repeat(size) });
          n += 1;
        } catch {
          break;
        }
      }
    }
    await chrome.storage.sync.set({ 'zz-other-0': 'x'.repeat(7800) });
    const all = await chrome.storage.sync.get(null);
    return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('zz-')));
  });
  // The same product under another ASIN replaces the first (an import in "replace" mode): its
  // record needs about the space the first one's frees.
  const l2 = { ...l1, asin: 'B0SY005002', sku: 'SYNC-5002', updated_at: new Date().toISOString() };
  const text = JSON.stringify({ format: 'catalog-guard/listings', version: 1, listings: [l2] });
  assert.equal((await e.send({ type: 'ui-bg-import-apply', text, mode: 'replace' })).ok, true);
  // The filler's writes make the background pull while the import is applied; the pull's merge
  // must not write its stale copy of the listings back over the imported one.
  const done = await until('the replacing push', async () => {
    const keys = Object.keys(await localListings(e));
    assert.deepEqual(keys, ['amazon.co.jp/B0SY005002'], 'the imported listing must stay, alone');
    const st = (await e.send({ type: 'ui-bg-sync-status' })).sync;
    return st && st.status['amazon.co.jp/B0SY005002'] ? st : null;
  });
  assert.equal(done.code, 'ok', JSON.stringify(done));
  assert.equal(done.status['amazon.co.jp/B0SY005002'], 'full');
  const held = await page.evaluate(async () => {
    const m = await import(chrome.runtime.getURL('pkg/catalog_guard.js'));
    await m.default({ module_or_path: chrome.runtime.getURL('pkg/catalog_guard_bg.wasm') });
    const items = await chrome.storage.sync.get(null);
    return { decoded: m.invoke({ type: 'sync_decode', args: { items } }), items };
  });
  assert.deepEqual(held.decoded.listings.map((l) => l.asin), ['B0SY005002']);
  assert.deepEqual(held.decoded.problems, []);
  // One set for the first push; then a refused set, the remove, the set again.
  const writes = await (await e.worker()).evaluate(async () => (await chrome.storage.local.get('sync_writes')).sync_writes);
  assert.equal(writes.length, 4);
  // The other extension's items are exactly as they were.
  const others = Object.fromEntries(Object.entries(held.items).filter(([k]) => k.startsWith('zz-')));
  assert.deepEqual(others, filler);
  await page.close();
});

/** `invoke({type, args})` of the built core, run in one of e's extension pages. */
async function coreIn(e, type, args) {
  return (await e.extensionPage()).evaluate(async ([t, a]) => {
    const m = await import(chrome.runtime.getURL('pkg/catalog_guard.js'));
    await m.default({ module_or_path: chrome.runtime.getURL('pkg/catalog_guard_bg.wasm') });
    return m.invoke({ type: t, args: a });
  }, [type, args]);
}

test('two versions changed at the same moment: both browsers keep the same one and the other as a version', async () => {
  const base = listing(6001);
  const key = `${base.marketplace}/${base.asin}`;
  const one = { ...base, note: 'one', updated_at: '2026-11-20T10:00:00Z' };
  const two = { ...base, note: 'two', updated_at: '2026-11-20T10:00:00Z' };
  const p = await fresh();
  const q = await fresh();
  const itemsOf = async (l) => (await coreIn(p, 'sync_encode', { listings: [l], settings: null })).items;
  const [withOne, withTwo] = [await itemsOf(one), await itemsOf(two)];
  // P has "one" and receives "two"; Q has "two" and receives "one".
  for (const [e, mine, theirs] of [[p, one, withTwo], [q, two, withOne]]) {
    await (await e.worker()).evaluate((l) => chrome.storage.local.set({ listings: { [`${l.marketplace}/${l.asin}`]: l } }), mine);
    await deliver(e, theirs);
  }
  const vp = await until('P to keep a version', async () => (await p.send({ type: 'ui-bg-listing-versions', key })).versions[0]);
  const vq = await until('Q to keep a version', async () => (await q.send({ type: 'ui-bg-listing-versions', key })).versions[0]);
  const [lp, lq] = [(await localListings(p))[key], (await localListings(q))[key]];
  assert.deepEqual(lp, lq, 'both browsers keep the same version');
  assert.ok(['one', 'two'].includes(lp.note), lp.note);
  assert.deepEqual(lp, lp.note === 'one' ? one : two);
  assert.equal(vp.reason, 'same_time');
  assert.equal(vq.reason, 'same_time');
  assert.notEqual(vp.listing.note, lp.note);
  assert.notEqual(vq.listing.note, lq.note);
});

test('1,000 listings from a Seller Central report sync to another browser within the quotas', async () => {
  const e = await fresh();
  const rows = ['item-name\titem-description\tseller-sku\tprice\tquantity\tasin1'];
  for (let i = 0; i < 1000; i++) {
    rows.push([`${enText(12)} ${jaText(30)}`, jaText(400), `REP-${i}`, '1980', '5', `B0RP${String(i).padStart(6, '0')}`].join('\t'));
  }
  const bytes = Array.from(Buffer.from(`${rows.join('\r\n')}\r\n`, 'utf8'));
  const imported = await e.send({ type: 'ui-bg-import-report-apply', bytes, marketplace: 'amazon.co.jp' });
  assert.equal(imported.ok, true, JSON.stringify(imported).slice(0, 300));
  assert.equal(imported.count, 1000);
  const pushed = await until('the push of 1,000 listings', async () => {
    const st = (await e.send({ type: 'ui-bg-sync-status' })).sync;
    return st && st.code === 'ok' && st.stats && st.stats.full + st.stats.fingerprint_only + st.stats.not_synced === 1000 ? st : null;
  }, 60000);
  const s = pushed.stats;
  assert.equal(s.not_synced, 0, JSON.stringify(s));
  assert.ok(s.full > 0 && s.fingerprint_only > 0, JSON.stringify(s));
  const items = await syncItems(e);
  const sizes = Object.entries(items).map(([k, v]) => Buffer.byteLength(k) + Buffer.byteLength(JSON.stringify(v)));
  assert.ok(sizes.reduce((x, y) => x + y, 0) <= 102400 && sizes.every((n) => n <= 8192) && sizes.length <= 512);
  assert.equal(pushed.used.bytes, sizes.reduce((x, y) => x + y, 0));

  const f = await fresh();
  await deliver(f, items);
  await until('the full records in F', async () => Object.keys(await localListings(f)).length === s.full);
  const page = await openOptions(f);
  await page.locator('#sync-remote-only h3', { hasText: `In another browser only, synced by fingerprint only: ${s.fingerprint_only}` }).waitFor();
  assert.equal(await page.locator('#count').textContent(), `${s.full} listings`);
  await page.close();
});

test('a save records the owed push in the same write as the listing; the push clears it', async () => {
  const e = await fresh();
  const one = listing(8888);
  assert.equal((await e.send({ type: 'ui-bg-listing-put', listing: one })).ok, true);
  const stored = await (await e.extensionPage()).evaluate(() => chrome.storage.local.get(['listings', 'sync_pending']));
  assert.ok(stored.listings['amazon.co.jp/B0SY008888']);
  assert.ok(stored.sync_pending && stored.sync_pending.dirty_at > 0, JSON.stringify(stored.sync_pending));
  // (A worker stopped now would find it on its next start, as in the rate-limit test above.)
  const done = await until('the owed push', async () => {
    const st = (await e.send({ type: 'ui-bg-sync-status' })).sync;
    return st && st.code === 'ok' && st.status['amazon.co.jp/B0SY008888'] === 'full' ? st : null;
  });
  assert.equal(done.stats.full, 1);
  await until('the owed push to be cleared', async () => (await (await e.extensionPage()).evaluate(() => chrome.storage.local.get('sync_pending'))).sync_pending === undefined);
});

test('a case entered in one browser reaches the other through sync; an edit there comes back', async () => {
  const e = await fresh();
  const tab = await saveSwitch(e);
  const first = await e.send({ type: 'ui-bg-sync-now' });
  assert.equal(first.sync.code, 'ok', JSON.stringify(first.sync));
  // The case edit alone schedules the push (cases.js writes `cases:<key>`; sync.js follows it).
  const added = await e.send({ type: 'ui-bg-case-add', tabId: tab.tabId, id: '1234567890', opened: '2026-12-01', lang: 'en' });
  assert.equal(added.ok, true, JSON.stringify(added));
  const pushed = await until('the push of the case log', async () => {
    const st = (await e.send({ type: 'ui-bg-sync-status' })).sync;
    return st && st.code === 'ok' && st.stats?.cases_synced === 1 ? st : null;
  });
  assert.deepEqual(pushed.stats.cases_local_only, []);
  assert.equal(pushed.status[SWITCH_KEY], 'full');
  const page = await openOptions(e);
  assert.equal(await page.locator('#sync-cases').textContent(), 'Case logs: 1 synced, 0 local only (no room)');
  await page.close();
  const items = await syncItems(e);
  assert.ok(Object.keys(items).some((k) => /^k\d+$/.test(k)), Object.keys(items).join(','));

  // A fresh profile gets the listing and its case log.
  const f = await fresh();
  await deliver(f, items);
  const stored = await until('the case log in the other profile', async () => {
    const got = await (await f.extensionPage()).evaluate((k) => chrome.storage.local.get(k), `cases:${SWITCH_KEY}`);
    return got[`cases:${SWITCH_KEY}`];
  });
  assert.deepEqual(stored.map((c) => c.id), ['1234567890']);
  assert.deepEqual(stored, (await e.send({ type: 'ui-bg-cases-get', key: SWITCH_KEY })).cases);
  const there = await f.send({ type: 'ui-bg-cases-get', key: SWITCH_KEY });
  assert.equal(there.ok, true, JSON.stringify(there));
  assert.equal(there.active, '1234567890');

  // Amazon answered; the seller notes it on the laptop: the newer case wins back on the shop PC.
  const updated = await f.send({ type: 'ui-bg-case-update', key: SWITCH_KEY, id: '1234567890', status: 'answered', notes: 'Answered: fixed within 48 h' });
  assert.equal(updated.ok, true, JSON.stringify(updated));
  const back = await until('the edited case log in sync', async () => {
    const got = await syncItems(f);
    const decoded = await coreIn(f, 'sync_decode', { items: got });
    return decoded.cases?.[SWITCH_KEY]?.[0]?.status === 'answered' ? got : null;
  });
  await deliver(e, back);
  const mine = await until('the answered case in the first profile', async () => {
    const { cases } = await e.send({ type: 'ui-bg-cases-get', key: SWITCH_KEY });
    return cases[0]?.status === 'answered' ? cases : null;
  });
  assert.equal(mine.length, 1);
  assert.equal(mine[0].notes, 'Answered: fixed within 48 h');
  assert.equal(mine[0].evidence.length, stored[0].evidence.length, 'the evidence came along');
});
