// End-to-end: no listings write overwrites one issued while it was being prepared. Each test
// holds one background task between its read of the listings and its write (the worker's
// storage.local.get answers that one read only when the test lets it go), lands another listings
// write from the options page meanwhile, then lets the first task go on: both changes must be in
// the stored listings, and nothing the first task never meant to delete is recorded as deleted
// (a deletion that would travel to the other browsers through sync).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, sleep, ROOT } from './harness.mjs';
import { URL_, KEY, MAIN, HIJACK, original, swapped } from './switch.mjs';


let h;
let tab;

before(async () => {
  h = await launch();
});

after(async () => {
  await h?.close();
});

/** A listing of its own (another ASIN) to write from the options page while a task is held. */
function other(asin) {
  return {
    asin,
    marketplace: 'amazon.co.jp',
    title: `競合書き込み ${asin} バスタオル 綿100%`,
    brand: 'テスト',
    images: ['81lde+541vL'],
    variations: {},
    breadcrumb: ['ホーム＆キッチン'],
    bullets: [`箇条書き ${asin}`],
    description: `説明 ${asin}`,
    seller: null,
    offer_count: null,
    watch: { title: true, brand: true, main_image: true, gallery: true, variations: true, breadcrumb: true, bullets: true, description: true, seller: true, offers: false },
    saved_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-06-01T00:00:00.000Z',
    note: '',
  };
}

/**
 * Arms a one-shot hold in the worker: the next storage.local read of `listings` made by the
 * function named `fn` (in its stack, async frames included) gets its answer (read at once) only
 * after `release()`. Returns `{reached, release}`: `reached()` waits until that read was made.
 */
async function holdNextListingsRead(fn) {
  const w = await h.worker();
  await w.evaluate((from) => {
    const area = chrome.storage.local;
    const real = globalThis.cgRaceRealGet ?? area.get;
    globalThis.cgRaceRealGet = real;
    let open;
    const gate = new Promise((r) => { open = r; });
    globalThis.cgRaceHold = { reached: false, open };
    area.get = function get(keys, ...rest) {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 100;
      const stack = new Error().stack ?? '';
      Error.stackTraceLimit = limit;
      const answer = real.call(area, keys, ...rest);
      const wants = keys === 'listings' || (Array.isArray(keys) && keys.includes('listings'));
      const hold = globalThis.cgRaceHold;
      if (!wants || !hold || hold.reached || !stack.includes(` ${from} (`) && !stack.includes(`.${from} (`)) return answer;
      hold.reached = true;
      return answer.then(async (got) => {
        await gate;
        return got;
      });
    };
  }, fn);
  return {
    async reached() {
      const end = Date.now() + 15000;
      while (!(await w.evaluate(() => globalThis.cgRaceHold?.reached === true))) {
        if (Date.now() > end) throw new Error(`no listings read by ${fn} was held`);
        await sleep(25);
      }
    },
    async release() {
      await w.evaluate(() => {
        chrome.storage.local.get = globalThis.cgRaceRealGet;
        globalThis.cgRaceHold.open();
        globalThis.cgRaceHold = null;
      });
    },
  };
}

/** Runs `message` held between its read and its write while `meanwhile()` writes; returns its answer. */
async function raced(fn, message, meanwhile) {
  const hold = await holdNextListingsRead(fn);
  let answer;
  try {
    answer = h.send(message);
    await hold.reached();
    const res = await meanwhile();
    assert.equal(res.ok, true, JSON.stringify(res.error));
  } finally {
    await hold.release();
  }
  const res = await answer;
  assert.equal(res.ok, true, JSON.stringify(res.error));
  return res;
}

async function stored() {
  const w = await h.worker();
  return w.evaluate(async () => {
    const got = await chrome.storage.local.get(['listings', 'sync_deleted']);
    return { listings: got.listings ?? {}, deleted: got.sync_deleted ?? {} };
  });
}

const put = (asin) => () => h.send({ type: 'ui-bg-listing-put', listing: other(asin) });

const R = (n) => `amazon.co.jp/B0RACE000${n}`;

test('save this page as canonical while a listing is saved from the options page: both are kept', async () => {
  h.serve({ [URL_]: original() });
  tab = await h.open(URL_);
  await h.waitForBadge(tab.tabId, (b) => b.text === '?');
  const res = await raced('ui-bg-save-page', { type: 'ui-bg-save-page', tabId: tab.tabId }, put('B0RACE0001'));
  assert.equal(res.listing.asin, 'B07WXL5YPW');
  assert.equal(res.report.status, 'match');
  const { listings, deleted } = await stored();
  assert.deepEqual(Object.keys(listings).sort(), [KEY, R(1)]);
  assert.equal(listings[KEY].images[0], MAIN);
  assert.deepEqual(Object.keys(deleted), []);
});

test('accept a changed field while another listing is saved: the accept and the other listing are both kept', async () => {
  h.serve({ [URL_]: swapped() });
  await tab.page.reload({ waitUntil: 'domcontentloaded' });
  await h.waitForState(tab.tabId, (s) => s.report.status === 'mismatch');
  const res = await raced('changeListing', { type: 'ui-bg-accept-field', tabId: tab.tabId, field: 'images.main' }, put('B0RACE0002'));
  assert.equal(res.listing.images[0], HIJACK);
  assert.ok(!res.report.mismatches.some((m) => m.field === 'images.main'));
  const { listings, deleted } = await stored();
  assert.ok(R(2) in listings, Object.keys(listings).join(','));
  assert.equal(listings[KEY].images[0], HIJACK);
  assert.ok(!(R(2) in deleted), Object.keys(deleted).join(','));
});

test('delete a listing while another is saved: the deletion and the new listing are both kept', async () => {
  assert.equal((await put('B0RACE0003')()).ok, true);
  const res = await raced('ui-bg-listings-delete', { type: 'ui-bg-listings-delete', keys: [R(3)] }, put('B0RACE0004'));
  assert.equal(res.deleted, 1);
  const { listings, deleted } = await stored();
  assert.ok(!(R(3) in listings) && R(4) in listings, Object.keys(listings).join(','));
  // Only the listing deleted on purpose travels as a deletion.
  assert.ok(R(3) in deleted && !(R(4) in deleted), Object.keys(deleted).join(','));
});

test('restore a recently deleted listing while another is saved: both are kept', async () => {
  const res = await raced('ui-bg-listing-undelete', { type: 'ui-bg-listing-undelete', key: R(3) }, put('B0RACE0005'));
  assert.equal(res.listing.asin, 'B0RACE0003');
  const { listings, deleted } = await stored();
  assert.ok(R(3) in listings && R(5) in listings, Object.keys(listings).join(','));
  assert.ok(!(R(3) in deleted) && !(R(5) in deleted), Object.keys(deleted).join(','));
});

test('every listings write in the background passes the generation it read at (source check)', () => {
  const dir = path.join(ROOT, 'extension/background');
  const calls = [];
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    for (const m of text.matchAll(/\bsaveListings\(([^;]*?)\);/g)) calls.push({ name, args: m[1] });
  }
  assert.ok(calls.length >= 10, `found only ${calls.length} saveListings calls`);
  const unguarded = calls.filter((c) => !/ifGeneration:/.test(c.args)).map((c) => `${c.name}: saveListings(${c.args})`);
  assert.deepEqual(unguarded, []);
});
