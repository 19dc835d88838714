// End-to-end: the hijacks that leave no changed field to see, in headless Chromium with the
// built extension. Two saved listings: the real amazon.co.jp Switch page (a variation family,
// parent B08NDDJJ35) and our synthetic demo page. Then the Switch page's parent ASIN is
// swapped (the ASIN moved under another parent) and the demo page's URL serves Amazon's 404
// page (the listing deleted). One scheduled re-check run: both are counted as changed (none
// failed), each gets one history entry and one notification; the next run adds neither. The
// tab showing the 404 page is badged red and its popup says the page no longer exists, with
// when it was first seen and the last known values.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, ownPage, until, replaced, BADGE_COLOURS } from './harness.mjs';
import { ASIN, KEY as SWITCH_KEY, original } from './switch.mjs';
import { saveFromTabs, spy, spied } from './recheck-run.mjs';

const DEMO_KEY = 'amazon.co.jp/B0DEMOJP01';
const SWITCH_URL = `https://www.amazon.co.jp/dp/${ASIN}`;
const DEMO_URL = 'https://www.amazon.co.jp/dp/B0DEMOJP01';
const PARENT = 'B08NDDJJ35';
const HIJACK_PARENT = 'B0HIJACK99';

const demo = ownPage('demo-jp.html');
const notFound = ownPage('jp-404-dogs.html');

let h;

/** Every ui-bg-* answer must be ok. */
const send = (msg) => h.sendOk(msg);

const status = async () => (await send({ type: 'ui-bg-recheck-status' })).status;

/** Polls `pred` until it returns something truthy (every 250 ms, 60 s at most unless given). */
const waitFor = (pred, what, timeout = 60000) => until(what, pred, { timeout, step: 250 });

/** The worker's notifications since spy() (recheck-run.mjs). */
const notifications = async () => (await spied(h)).notifications;

before(async () => {
  h = await launch();
});

after(async () => {
  await h?.close();
});

test('two listings saved from their pages know their family', async () => {
  h.serve({ [SWITCH_URL]: original(), [DEMO_URL]: demo });
  await saveFromTabs(h, [SWITCH_URL, DEMO_URL], [SWITCH_KEY, DEMO_KEY]);
  const { listings } = await send({ type: 'ui-bg-listings-get' });
  const sw = listings.find((l) => l.asin === ASIN);
  assert.equal(sw.family_known, true);
  assert.equal(sw.family.parent, PARENT);
  const d = listings.find((l) => l.asin === 'B0DEMOJP01');
  assert.equal(d.family_known, true);
});

test('a re-check run: parent ASIN changed and page gone -> two history entries, two notifications, none failed', async () => {
  h.serve({ [SWITCH_URL]: replaced(original(), PARENT, HIJACK_PARENT), [DEMO_URL]: notFound });
  await spy(h);
  const { settings } = await send({ type: 'ui-bg-settings-get' });
  await send({ type: 'ui-bg-settings-set', settings: { ...settings, language: 'en', recheck_interval_hours: 6 } });
  const s = await waitFor(async () => {
    const x = await status();
    return x.last_run && !x.run ? x : null;
  }, 'a finished run');
  assert.deepEqual(
    { end: s.last_run.end, total: s.last_run.total, checked: s.last_run.checked, changed: s.last_run.changed, failed: s.last_run.failed },
    { end: 'completed', total: 2, checked: 2, changed: 2, failed: 0 },
  );

  const switchHistory = await h.stored(`history:${SWITCH_KEY}`);
  const sEntries = switchHistory.entries.filter((e) => e.source === 'recheck');
  assert.equal(sEntries.length, 1, JSON.stringify(switchHistory.entries));
  const parent = sEntries[0].fields.find((f) => f.field === 'family.parent');
  assert.deepEqual({ old: parent.old, new: parent.new }, { old: PARENT, new: HIJACK_PARENT });

  const demoHistory = await h.stored(`history:${DEMO_KEY}`);
  const dEntries = demoHistory.entries.filter((e) => e.source === 'recheck');
  assert.equal(dEntries.length, 1, JSON.stringify(demoHistory.entries));
  assert.deepEqual(dEntries[0].fields.map((f) => [f.field, f.new]), [['gone', 'not_found']]);
  assert.equal(demoHistory.gone.sightings, 1);

  const shown = await notifications();
  assert.equal(shown.length, 2, JSON.stringify(shown));
  const byId = Object.fromEntries(shown.map((n) => [n.id, n]));
  const sw = byId[`cg-recheck:${SWITCH_KEY}`];
  assert.ok(sw, JSON.stringify(shown));
  assert.match(sw.message, new RegExp(`The parent ASIN changed from ${PARENT} to ${HIJACK_PARENT}`));
  const gone = byId[`cg-recheck:${DEMO_KEY}`];
  assert.ok(gone, JSON.stringify(shown));
  assert.match(gone.title, /gone/i);
  assert.match(gone.message, /B0DEMOJP01/);
  assert.match(gone.message, /page not found/);
  assert.match(gone.message, /First seen \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  const w = await h.worker();
  const onScreen = await w.evaluate(() => chrome.notifications.getAll());
  assert.deepEqual(Object.keys(onScreen).sort(), [`cg-recheck:${DEMO_KEY}`, `cg-recheck:${SWITCH_KEY}`].sort());
});

test('the next run confirms the page is gone: no new entry, no second notification', async () => {
  const before = await status();
  const w = await h.worker();
  await w.evaluate(async () => {
    const { 'watch:schedule': state } = await chrome.storage.local.get('watch:schedule');
    state.next_run_at = Date.now() - 1000;
    await chrome.storage.local.set({ 'watch:schedule': state });
    await chrome.alarms.create('cg-recheck', { when: Date.now() + 200 });
  });
  const s = await waitFor(async () => {
    const x = await status();
    return x.last_run && x.last_run.started_at > before.last_run.ended_at && !x.run ? x : null;
  }, 'a second finished run');
  assert.deepEqual(
    { checked: s.last_run.checked, changed: s.last_run.changed, failed: s.last_run.failed },
    { checked: 2, changed: 0, failed: 0 },
  );
  assert.equal((await notifications()).length, 2);
  const demoHistory = await h.stored(`history:${DEMO_KEY}`);
  assert.equal(demoHistory.entries.filter((e) => e.source === 'recheck').length, 1);
  assert.ok(demoHistory.gone.confirmed_at, JSON.stringify(demoHistory.gone));
});

test('the tab showing the 404 page under the listing URL: red badge, the popup says the page is gone', async () => {
  const tab = await h.open(DEMO_URL);
  const badge = await h.waitForBadge(tab.tabId, (b) => b.text === '×');
  assert.deepEqual(badge.color, BADGE_COLOURS.mismatch);
  const popup = await h.openPopup(tab.tabId);
  const st = popup.locator('#status');
  await st.waitFor();
  assert.equal(await st.getAttribute('data-status'), 'gone');
  assert.match(await st.innerText(), /This listing's page no longer exists/);
  const box = popup.locator('.gone');
  assert.match(await box.locator('.gone-reason').innerText(), /page not found/);
  assert.match(await box.locator('.gone-first-seen').innerText(), /First seen gone: /);
  assert.match(await box.locator('.gone-last-seen').innerText(), /Last seen working: /);
  // Confirmed by the second run.
  assert.match(await box.locator('.gone-confirmed').innerText(), /confirmed/);
  const title = await box.locator('dd[data-field="title"]').innerText();
  const { listings } = await send({ type: 'ui-bg-listings-get' });
  assert.equal(title, listings.find((l) => l.asin === 'B0DEMOJP01').title);
  // The case text ("Copy report") names it plainly and calls it deleted (confirmed).
  const { text } = await send({ type: 'ui-bg-report-text', tabId: tab.tabId, lang: 'en' });
  assert.match(text, /no longer exists/);
  assert.match(text, /appears to have been deleted/);
  await popup.close();
  await tab.page.close();
});

test('in Japanese: the popup and the case text say the page is gone', async () => {
  const { settings } = await send({ type: 'ui-bg-settings-get' });
  await send({ type: 'ui-bg-settings-set', settings: { ...settings, language: 'ja' } });
  const tab = await h.open(DEMO_URL);
  await h.waitForBadge(tab.tabId, (b) => b.text === '×');
  const popup = await h.openPopup(tab.tabId);
  const st = popup.locator('#status[data-status="gone"]');
  await st.waitFor();
  assert.match(await st.innerText(), /この出品の商品ページはもう存在しません/);
  assert.match(await popup.locator('.gone-reason').innerText(), /ページが見つかりません/);
  assert.match(await popup.locator('.gone-first-seen').innerText(), /初めて確認した日時/);
  const { text } = await send({ type: 'ui-bg-report-text', tabId: tab.tabId, lang: 'ja' });
  assert.match(text, /このASINの商品詳細ページが存在しません/);
  assert.match(text, /削除されたものと考えられます/);
  await popup.close();
  await tab.page.close();
});
