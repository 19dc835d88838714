// End-to-end: scheduled re-checks (extension/background/watch.js) in headless Chromium with
// the built extension. Pages are served under their real Amazon URLs through context.route,
// which also sees the service worker's own fetches (checked here: the run reads the routed
// pages). Two saved listings: the real amazon.co.jp Switch page and our synthetic demo page.
//
// Flow: save both listings from their tabs → swap the Switch page's main image → turn
// re-checks on (the first run starts at once) → one change recorded, ONE notification →
// trigger the alarm for a second run over the same pages → no new notification → a captcha
// stops the next run and backs off (the options page says so) → "Check all now" on the
// options page resumes and completes the run → Amazon's 503 page stops it too, twice in a
// row doubles the back-off → a worker stopped mid-run resumes at the listing it was on →
// turning re-checks off clears the alarm → "Check all now" still runs once; a further change
// notifies again, in Japanese. The tests run in order and share one browser profile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, fixture, ownPage, sleep, replaced } from './harness.mjs';
import { ASIN, KEY as SWITCH_KEY, MAIN, HIJACK, original, swapped } from './switch.mjs';
import { saveFromTabs, spy, spied } from './recheck-run.mjs';

const DEMO_KEY = 'amazon.co.jp/B0DEMOJP01';
// The re-check fetches https://www.<marketplace>/dp/<ASIN>; the tabs use the same URLs.
const SWITCH_URL = `https://www.amazon.co.jp/dp/${ASIN}`;
const DEMO_URL = 'https://www.amazon.co.jp/dp/B0DEMOJP01';

const demo = ownPage('demo-jp.html');
const captcha = ownPage('jp-opfcaptcha.html');
// Amazon's real 503 "dogs" error page.
const errorPage = fixture('amazon.com/error-503-dog-page-2024.html');

let h;

/** Every ui-bg-* answer must be ok. */
const send = (msg) => h.sendOk(msg);

const status = async () => (await send({ type: 'ui-bg-recheck-status' })).status;

/** Polls the re-check status until `pred(status)` holds. */
async function waitForStatus(pred, what, timeout = 60000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await status();
    if (pred(last)) return last;
    if (Date.now() > end) throw new Error(`re-check status never showed ${what}; last: ${JSON.stringify(last)}`);
    await sleep(250);
  }
}

/** Makes the stored schedule due now (next run, end of a back-off) and fires the alarm soon,
 *  as Chrome would at that time. */
async function fireAlarmNow() {
  const w = await h.worker();
  await w.evaluate(async () => {
    const { 'watch:schedule': state } = await chrome.storage.local.get('watch:schedule');
    state.next_run_at = Date.now() - 1000;
    if (state.paused_until) {
      // The back-off has run out (the run resumes where it stopped).
      state.paused_until = Date.now() - 1000;
      state.run.not_before = Date.now() - 1000;
    }
    await chrome.storage.local.set({ 'watch:schedule': state });
    await chrome.alarms.create('cg-recheck', { when: Date.now() + 200 });
  });
}

before(async () => {
  h = await launch();
});

after(async () => {
  await h?.close();
});

test('two listings saved from their pages; re-checks are off by default', async () => {
  h.serve({ [SWITCH_URL]: original(), [DEMO_URL]: demo });
  await saveFromTabs(h, [SWITCH_URL, DEMO_URL], [SWITCH_KEY, DEMO_KEY]);
  const s = await status();
  assert.equal(s.interval, 0);
  assert.equal(s.watched, 2);
  assert.equal(s.last_run, null);
  assert.equal(s.next_run_at, null);
  assert.equal(s.run, null);
  const w = await h.worker();
  assert.equal(await w.evaluate(() => chrome.alarms.get('cg-recheck').then((a) => a ?? null)), null);
});

test('turning re-checks on runs them: the changed page is recorded in the history and raises exactly one notification', async () => {
  h.serve({ [SWITCH_URL]: swapped() });
  await spy(h);
  const { settings } = await send({ type: 'ui-bg-settings-get' });
  await send({ type: 'ui-bg-settings-set', settings: { ...settings, recheck_interval_hours: 6 } });
  const s = await waitForStatus((x) => x.last_run && !x.run, 'a finished run');
  assert.equal(s.interval, 6);
  assert.deepEqual(
    { end: s.last_run.end, total: s.last_run.total, checked: s.last_run.checked, changed: s.last_run.changed, failed: s.last_run.failed },
    { end: 'completed', total: 2, checked: 2, changed: 1, failed: 0 },
  );
  // The next run is one interval (6 h) after this one ended, and the alarm is set for it.
  assert.equal(s.next_run_at, s.last_run.ended_at + 6 * 3600_000);
  const w = await h.worker();
  const alarm = await w.evaluate(() => chrome.alarms.get('cg-recheck'));
  assert.equal(alarm.scheduledTime, s.next_run_at);

  const spyState = await spied(h);
  assert.deepEqual(spyState.fetches.filter((u) => u.includes('/dp/')).sort(), [SWITCH_URL, DEMO_URL].sort());
  assert.equal(spyState.notifications.length, 1, JSON.stringify(spyState.notifications));
  const n = spyState.notifications[0];
  assert.equal(n.id, `cg-recheck:${SWITCH_KEY}`);
  assert.match(n.message, /B07WXL5YPW/);
  assert.match(n.message, /main image/i);
  const shown = await w.evaluate(() => chrome.notifications.getAll());
  assert.deepEqual(Object.keys(shown), [`cg-recheck:${SWITCH_KEY}`]);

  // The history: the Switch page's main image change, seen by the re-check; the demo page: none.
  const history = await h.stored(`history:${SWITCH_KEY}`);
  const rechecked = history.entries.filter((e) => e.source === 'recheck');
  assert.equal(rechecked.length, 1, JSON.stringify(history.entries));
  assert.ok(rechecked[0].fields.some((f) => f.field === 'images.main'), JSON.stringify(rechecked[0].fields));
  assert.ok(JSON.stringify(rechecked[0].fields).includes(HIJACK));
  const demoHistory = await h.stored(`history:${DEMO_KEY}`);
  assert.deepEqual(demoHistory.entries.filter((e) => e.source === 'recheck'), []);

  // A re-check never changes the saved listings.
  const { listings } = await send({ type: 'ui-bg-listings-get' });
  assert.equal(listings.find((l) => l.asin === ASIN).images[0], MAIN);
});

test('the alarm starts the next run; the same pages again raise no notification', async () => {
  const before = await status();
  await fireAlarmNow();
  const s = await waitForStatus((x) => x.last_run && x.last_run.started_at > before.last_run.ended_at && !x.run, 'a second finished run');
  assert.deepEqual(
    { end: s.last_run.end, checked: s.last_run.checked, changed: s.last_run.changed, failed: s.last_run.failed },
    { end: 'completed', checked: 2, changed: 0, failed: 0 },
  );
  const spyState = await spied(h);
  assert.equal(spyState.fetches.filter((u) => u === SWITCH_URL).length, 2, 'the second run fetched the page again');
  assert.equal(spyState.notifications.length, 1, JSON.stringify(spyState.notifications));
  const history = await h.stored(`history:${SWITCH_KEY}`);
  assert.equal(history.entries.filter((e) => e.source === 'recheck').length, 1);
});

test('clicking the notification opens the product page and closes the notification', async () => {
  const w = await h.worker();
  const id = `cg-recheck:${SWITCH_KEY}`;
  assert.deepEqual(Object.keys(await w.evaluate(() => chrome.notifications.getAll())), [id]);
  // The same function the notifications.onClicked listener calls.
  const tabId = await w.evaluate((nid) => globalThis.cgWatch.onNotificationClicked(nid), id);
  assert.equal(typeof tabId, 'number');
  assert.equal(await h.tabIdOf(SWITCH_URL), tabId);
  assert.deepEqual(await w.evaluate(() => chrome.notifications.getAll()), {});
  await w.evaluate((t) => chrome.tabs.remove(t), tabId);
});

test('a captcha stops the run and backs off; the options page says so', async () => {
  h.serve({ [SWITCH_URL]: captcha });
  const before = await status();
  await fireAlarmNow();
  const s = await waitForStatus((x) => x.last_run && x.last_run.started_at > before.last_run.ended_at, 'a stopped run');
  assert.equal(s.last_run.end, 'captcha');
  assert.equal(s.last_run.checked, 0);
  assert.ok(s.paused_until > Date.now(), `paused until ${s.paused_until}`);
  assert.equal(s.backoff_level, 1);
  // The run is kept, waiting at the listing it stopped on (sorted keys: the Switch first).
  assert.equal(s.run.position, 0);
  assert.equal(s.run.total, 2);
  const spyState = await spied(h);
  assert.equal(spyState.fetches.filter((u) => u === DEMO_URL).length, 2, 'the demo page was not fetched after the captcha');
  const w = await h.worker();
  const alarm = await w.evaluate(() => chrome.alarms.get('cg-recheck'));
  assert.equal(alarm.scheduledTime, s.paused_until);

  const p = await h.context.newPage();
  await p.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  const backoff = p.locator('#recheck-backoff');
  await backoff.waitFor({ state: 'visible' });
  assert.match(await backoff.textContent(), /captcha/i);
  assert.match(await backoff.textContent(), /backing off until/i);
  assert.equal(await p.locator('#recheck-paused-at').textContent(), '0 of 2 pages were done before the stop.');
  assert.equal(await p.locator('#recheck-interval').inputValue(), '6');
  await p.close();
});

test('the options page shows the last run and "Check all now" resumes the stopped run', async () => {
  h.serve({ [SWITCH_URL]: swapped() });
  const p = await h.context.newPage();
  await p.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await p.locator('#recheck-backoff').waitFor({ state: 'visible' });
  await p.locator('#recheck-now').click();
  // The resumed run checks both pages (nothing changed since the last observations).
  await p.locator('#recheck-last[data-end="completed"]').waitFor({ timeout: 60000 });
  assert.equal(await p.locator('#recheck-backoff').isVisible(), false);
  assert.equal(await p.locator('#recheck-last [data-count="checked"]').textContent(), '2');
  assert.equal(await p.locator('#recheck-last [data-count="changed"]').textContent(), '0');
  assert.equal(await p.locator('#recheck-last [data-count="failed"]').textContent(), '0');
  assert.match(await p.locator('#recheck-next').textContent(), /\d/);
  const s = await status();
  assert.equal(s.paused_until, null);
  assert.equal(s.backoff_level, 0);
  assert.equal(s.run, null);
  const spyState = await spied(h);
  assert.equal(spyState.notifications.length, 1, 'the same hijacked image seen again is not notified again');
  await p.close();
});

test('an Amazon error page stops the run too, and a second stop in a row doubles the back-off', async () => {
  h.serve({ [SWITCH_URL]: errorPage });
  const before = await status();
  assert.equal(before.backoff_level, 0, 'the clean run reset the back-off');
  await fireAlarmNow();
  const first = await waitForStatus((x) => x.last_run?.started_at > before.last_run.ended_at && x.paused_until, 'a stop');
  assert.equal(first.last_run.end, 'error');
  assert.equal(first.backoff_level, 1);
  assert.equal(first.paused_until - first.last_run.ended_at, 30 * 60_000);
  // The back-off ends; the run resumes at the same listing and meets the error page again.
  await fireAlarmNow();
  const second = await waitForStatus((x) => x.backoff_level === 2, 'a second stop');
  assert.equal(second.last_run.end, 'error');
  assert.equal(second.last_run.started_at, first.last_run.started_at, 'the same run');
  assert.equal(second.paused_until - second.last_run.ended_at, 60 * 60_000);
  assert.equal(second.run.position, 0);
  const p = await h.context.newPage();
  await p.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  assert.match(await p.locator('#recheck-backoff').textContent(), /error page/i);
  // "Check all now" ends the back-off; the run completes.
  h.serve({ [SWITCH_URL]: swapped() });
  await p.locator('#recheck-now').click();
  await p.locator('#recheck-last[data-end="completed"]').waitFor({ timeout: 60000 });
  const s = await status();
  assert.equal(s.backoff_level, 0);
  assert.equal(s.paused_until, null);
  await p.close();
});

test('a worker stopped in the middle of a run resumes it at the listing it was on', async () => {
  const lastSeen = async (key) => (await h.stored(`history:${key}`)).last_recorded_at;
  await send({ type: 'ui-bg-recheck-now' });
  // The first listing is checked at once; the second waits out the 5-10 s gap.
  const mid = await waitForStatus((x) => x.run && x.run.position === 1, 'the first listing checked');
  const firstChecked = await lastSeen(SWITCH_KEY);
  const secondBefore = await lastSeen(DEMO_KEY);
  // The options page shows the run in progress.
  const p = await h.context.newPage();
  await p.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await p.locator('#recheck-progress', { hasText: /Running: 1 of 2 pages done/ }).waitFor();
  assert.equal(await p.locator('#recheck-progress-bar').getAttribute('value'), '1');
  assert.equal(await p.locator('#recheck-now').isDisabled(), true, 'no second run while one is running');
  await p.close();
  await h.stopWorker();
  await h.wakeWorker();
  // The alarm (or the new worker once the old one's lease has lapsed) resumes the same run.
  const s = await waitForStatus((x) => !x.run && x.last_run?.started_at === mid.run.started_at, 'the resumed run finished', 150000);
  assert.equal(s.last_run.end, 'completed');
  assert.equal(s.last_run.total, 2);
  assert.equal(s.last_run.checked, 2);
  assert.equal(await lastSeen(SWITCH_KEY), firstChecked, 'the listing checked before the stop was not fetched again');
  assert.notEqual(await lastSeen(DEMO_KEY), secondBefore, 'the listing after it was checked');
});

test('turning re-checks off clears the alarm and the options page says they are off', async () => {
  const p = await h.context.newPage();
  await p.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await p.locator('#recheck-section[data-ready="true"]').waitFor();
  await p.locator('#recheck-interval').selectOption('0');
  const s = await waitForStatus((x) => x.interval === 0 && x.next_run_at === null, 're-checks off');
  assert.equal(s.run, null);
  await p.locator('#recheck-next', { hasText: /off/i }).waitFor();
  // The last run stays on show.
  assert.equal(await p.locator('#recheck-last [data-count="checked"]').textContent(), '2');
  const w = await h.worker();
  const end = Date.now() + 5000;
  while (await w.evaluate(() => chrome.alarms.get('cg-recheck').then((a) => a ?? null))) {
    if (Date.now() > end) throw new Error('the re-check alarm is still set');
    await sleep(100);
  }
  // The pause between pages: at least 5 s (the core never waits less), saved as settings.
  assert.equal(await p.locator('#recheck-delay').inputValue(), '5');
  await p.locator('#recheck-delay').fill('12');
  await p.locator('#recheck-delay').dispatchEvent('change');
  await waitForStatus((x) => x.delay_seconds === 12, 'the new delay');
  await p.locator('#recheck-delay').fill('2');
  await p.locator('#recheck-delay').dispatchEvent('change');
  await p.waitForFunction(() => document.getElementById('recheck-delay').value === '12');
  // The other settings were kept.
  const { settings } = await send({ type: 'ui-bg-settings-get' });
  assert.equal(settings.notifications, true);
  assert.equal(settings.request_delay_seconds, 12);
  await send({ type: 'ui-bg-settings-set', settings: { ...settings, request_delay_seconds: 5 } });
  await p.close();
});

test('"Check all now" runs once while re-checks are off; a further change notifies again, in the UI language (Japanese)', async () => {
  const THIRD_ID = '81ThIrDiMgL';
  h.serve({ [SWITCH_URL]: replaced(original(), MAIN, THIRD_ID) });
  const { settings } = await send({ type: 'ui-bg-settings-get' });
  await send({ type: 'ui-bg-settings-set', settings: { ...settings, language: 'ja' } });
  await spy(h);
  const before = await status();
  assert.equal(before.interval, 0);
  const p = await h.context.newPage();
  await p.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await p.locator('#recheck-section[data-ready="true"]').waitFor();
  assert.equal(await p.locator('#recheck-now').textContent(), '今すぐすべてチェック');
  await p.locator('#recheck-now').click();
  const s = await waitForStatus((x) => !x.run && x.last_run?.started_at > before.last_run.ended_at, 'the manual run finished');
  assert.deepEqual(
    { end: s.last_run.end, checked: s.last_run.checked, changed: s.last_run.changed },
    { end: 'completed', checked: 2, changed: 1 },
  );
  assert.equal(s.next_run_at, null, 'no scheduled run while re-checks are off');
  const w = await h.worker();
  assert.equal(await w.evaluate(() => chrome.alarms.get('cg-recheck').then((a) => a ?? null)), null);
  const { notifications } = await spied(h);
  assert.equal(notifications.length, 1, JSON.stringify(notifications));
  assert.equal(notifications[0].id, `cg-recheck:${SWITCH_KEY}`);
  assert.match(notifications[0].title, /商品ページの変更を検出しました/);
  assert.match(notifications[0].message, /B07WXL5YPW/);
  assert.match(notifications[0].message, /メイン画像/);
  // The page follows the stored state: this run's counts replace the last run's.
  await p.locator('#recheck-last [data-count="changed"]', { hasText: /^1$/ }).waitFor();
  assert.equal(await p.locator('#recheck-last[data-end="completed"] .recheck-end').textContent(), '完了');
  await p.close();
});
