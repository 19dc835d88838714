// End-to-end: a background baseline survives a browser restart. Five partial listings from a
// Seller Central report are completed from their routed pages; the browser is closed in the
// pause after the second page, and launched again on the same profile. The run goes on at the
// third listing by itself (no click), completes the rest, and no page is fetched twice: each of
// the five pages is answered exactly once over both launches.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';
import { url, key, pageOf, reportBytes, baselineClient } from './baseline-run.mjs';

const ASINS = Array.from({ length: 5 }, (_, i) => `B0RS${String(i + 1).padStart(6, '0')}`);
// A pause long enough that the browser is closed and launched again (and its pages routed)
// before the next fetch is due: a fetch before the routes exist would go to the network.
const PAUSE_S = 15;

let h = null;
const { send, waitFor } = baselineClient(() => h, { timeout: 300_000, step: 250 });

function pages() {
  return Object.fromEntries(ASINS.map((a) => [url(a), pageOf(a)]));
}

after(async () => {
  await h?.close();
});

test('a baseline run stopped by closing the browser resumes after the restart where it stopped, and completes without fetching a page twice', async () => {
  h = await launch();
  const profile = h.userDataDir;
  await (await h.worker()).evaluate((s) => chrome.storage.local.set({ settings: { language: 'en', request_delay_seconds: s } }), PAUSE_S);
  h.serve(pages());
  const bytes = reportBytes(ASINS, 'SKU-R');
  assert.equal((await send({ type: 'ui-bg-import-report-apply', bytes, marketplace: 'amazon.co.jp' })).count, 5);

  // Two pages done: close the browser in the pause before the third.
  const before = await waitFor((s) => s.job?.position >= 2, 'two pages done');
  assert.equal(before.job.position, 2, JSON.stringify(before.job));
  const first = new Map(h.served);
  await h.close({ keepProfile: true });
  h = null;
  assert.deepEqual([...first.values()], [1, 1], `pages answered before the restart: ${JSON.stringify([...first])}`);

  // The same profile again: the run goes on by itself.
  h = await launch({ userDataDir: profile });
  h.serve(pages());
  const done = await waitFor((s) => s.job?.finished_at, 'finished after the restart');
  assert.equal(done.job.total, 5);
  assert.equal(done.job.position, 5);
  assert.equal(done.job.completed, 5, JSON.stringify(done.job));
  assert.deepEqual(done.job.failed, []);
  assert.equal(done.partial, 0);
  assert.deepEqual(done.review.map((r) => r.key).sort(), ASINS.map(key));

  // Each page was fetched once: the first two before the restart, the other three after it.
  const second = new Map(h.served);
  for (const a of ASINS) {
    const n = (first.get(url(a)) ?? 0) + (second.get(url(a)) ?? 0);
    assert.equal(n, 1, `${a} fetched ${n} times (before ${first.get(url(a)) ?? 0}, after ${second.get(url(a)) ?? 0})`);
  }
  assert.deepEqual([...second.keys()].sort(), ASINS.slice(2).map(url));
  const stored = await (await h.worker()).evaluate(async () => (await chrome.storage.local.get('listings')).listings);
  for (const a of ASINS) assert.ok(stored[key(a)].bullets.length > 0, `${a} completed from its page`);
});
