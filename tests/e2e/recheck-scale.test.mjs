// End-to-end: re-checks at scale. 10,000 watched listings, re-checks every 12 h with a 5 s
// pause: one run cannot take them all, so a run takes a slice (the core's pace), the listing
// with an open case goes first, and the options page says how often each listing is checked
// and how many were not checked within twice the interval. No page is served: every fetch fails,
// which is enough here (the run's order and the pace are what is checked).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, sleep } from './harness.mjs';

const N = 10_000;
let h;

function listing(i) {
  return {
    asin: `B0SC${String(i).padStart(6, '0')}`,
    marketplace: 'amazon.co.jp',
    title: `スケールテスト ${i}`,
    images: [],
    variations: {},
    breadcrumb: [],
    bullets: [],
    saved_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    note: '',
  };
}
const CASE_KEY = `amazon.co.jp/B0SC${String(N - 1).padStart(6, '0')}`;

/** Every ui-bg-* answer must be ok. */
const send = (msg) => h.sendOk(msg);

before(async () => {
  h = await launch();
  const map = {};
  for (let i = 0; i < N; i++) {
    const l = listing(i);
    map[`${l.marketplace}/${l.asin}`] = l;
  }
  const w = await h.worker();
  await w.evaluate(async ([m, caseKey]) => {
    await chrome.storage.local.set({
      listings: m,
      settings: { language: 'en' },
      [`cases:${caseKey}`]: [{ id: '1234567890', marketplace: 'amazon.co.jp', status: 'open', opened: '2026-11-01', notes: '', evidence: [], updated_at: '2026-11-01T00:00:00Z' }],
    });
  }, [map, CASE_KEY]);
});

after(async () => {
  await h?.close();
});

test('10,000 listings at 12 h: a run takes a slice, the open case first; options show the pace and the stale ones', async () => {
  const { settings } = await send({ type: 'ui-bg-settings-get' });
  await send({ type: 'ui-bg-settings-set', settings: { ...settings, recheck_interval_hours: 12, request_delay_seconds: 5 } });
  const w = await h.worker();
  const state = await (async () => {
    for (let i = 0; i < 200; i++) {
      const got = await w.evaluate(() => chrome.storage.local.get('watch:schedule'));
      const s = got['watch:schedule'];
      if (s?.run || s?.last_run) return s;
      await sleep(250);
    }
    throw new Error('no run started');
  })();
  const { status } = await send({ type: 'ui-bg-recheck-status' });
  // 5 s + half the 5 s jitter + 3 s per page: 3,702 pages in 90 % of 12 h; three runs.
  assert.equal(status.pace.batch, 3702, JSON.stringify(status.pace));
  assert.equal(status.pace.every_ms, 36 * 3_600_000);
  const run = state.run;
  assert.ok(run, 'a run is in progress or paused');
  assert.equal(run.keys.length, 3702);
  assert.equal(run.partial, true);
  assert.equal(run.keys[0], CASE_KEY, 'the listing with an open case goes first');
  assert.ok(status.stale_count >= N - 10 && status.stale_count <= N, String(status.stale_count));
  assert.equal(status.stale.length, 200);

  const page = await h.context.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await page.locator('#recheck-section[data-ready="true"]').waitFor();
  const pace = page.locator('#recheck-pace');
  await pace.waitFor();
  assert.equal(await pace.getAttribute('data-hours'), '36');
  assert.match(await pace.innerText(), /Each listing is checked about every 36 hours\..*3,702/s);
  const stale = page.locator('#recheck-stale');
  assert.match(await stale.locator('summary').innerText(), /listings not checked in over 24 hours/);
  assert.equal(await stale.locator('li').count(), 200);
  await page.close();
});
