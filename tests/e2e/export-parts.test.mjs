// End-to-end: an export file larger than one extension message (64 MiB; an export of 10,000
// listings with histories is, see BENCHMARKS.md) travels between the background and the options
// page in parts. The part size is made tiny here (globalThis.cgPartChars in the worker and the
// page) so that five listings take many parts: the downloaded file is whole, and importing it
// into a fresh profile (sent in parts too) previews and merges every listing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch } from './harness.mjs';

const PART = 1000;
const opened = [];

function listing(i) {
  return {
    asin: `B0PT${String(i).padStart(6, '0')}`, marketplace: 'amazon.co.jp', title: `分割テスト ${i} ${'タオル'.repeat(40)}`,
    images: ['81lde+541vL'], variations: {}, breadcrumb: ['ホーム'], bullets: ['箇条書き'.repeat(50)], description: '説明'.repeat(400),
    saved_at: '2026-01-01T00:00:00Z', updated_at: '2026-06-01T00:00:00Z', note: '',
  };
}

async function profile(map = {}) {
  const e = await launch();
  opened.push(e);
  const w = await e.worker();
  await w.evaluate(async ([m, part]) => {
    globalThis.cgPartChars = part;
    await chrome.storage.local.set({ listings: m, settings: { language: 'en' } });
  }, [map, PART]);
  return e;
}

async function options(e) {
  const page = await e.context.newPage();
  await page.goto(`chrome-extension://${e.extensionId}/options/options.html`);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.evaluate((part) => { window.cgPartChars = part; }, PART);
  return page;
}

after(async () => {
  for (const e of opened) await e.close();
});

let a;
before(async () => {
  const map = {};
  for (let i = 0; i < 5; i++) map[`amazon.co.jp/${listing(i).asin}`] = listing(i);
  a = await profile(map);
});

test('a large export comes in parts and downloads whole; importing it goes in parts and merges every listing', async () => {
  // The message itself names the parts instead of carrying the text.
  const res = await a.send({ type: 'ui-bg-export' });
  assert.equal(res.ok, true, JSON.stringify(res.error));
  assert.equal(res.text, undefined);
  assert.ok(res.parts.count > 5, JSON.stringify(res.parts));

  const page = await options(a);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
  const text = readFileSync(await download.path(), 'utf8');
  const file = JSON.parse(text);
  assert.equal(file.listings.length, 5);
  assert.ok(text.length > 5 * PART, String(text.length));
  await page.close();

  const b = await profile();
  const opts = await options(b);
  await opts.locator('#import-file').setInputFiles({ name: 'export.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await opts.locator('#import-merge').waitFor();
  assert.match(await opts.locator('#import-counts').innerText(), /5/);
  await opts.locator('#import-merge').click();
  await opts.locator('#import-panel[hidden]').waitFor({ state: 'attached' });
  const got = await b.send({ type: 'ui-bg-listings-get' });
  const list = Array.isArray(got.listings) ? got.listings : Object.values(got.listings);
  assert.deepEqual(list.map((l) => l.asin).sort(), Object.values(file.listings).map((l) => l.asin).sort());
  // A part that never arrived: refused, nothing imported.
  const bad = await b.send({ type: 'ui-bg-import-apply', upload: 'no-such-upload', mode: 'merge' });
  assert.equal(bad.ok, false);
  assert.match(bad.error.message, /did not arrive in full/);
});
