// Change history and the Seller Support case helper, end to end on the built extension
// (dist/chrome) with a real saved amazon.co.jp page under its real URL: the popup's timeline
// after a hijacked main image, the case log, "Copy report" citing the case ID, "Reopen case"
// opening the marketplace's Seller Central case log, and history + cases in the export file
// restored into a fresh profile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, sleep } from './harness.mjs';
import { URL_, ASIN, KEY, MAIN, HIJACK, original, swapped } from './switch.mjs';

const CASE_ID = '12345678901';

let ext;
let tab;
let exported;

before(async () => {
  ext = await launch();
});

after(async () => {
  await ext?.close();
});

async function openPopup(tabId) {
  const popup = await ext.openPopup(tabId);
  await popup.locator('#status').waitFor();
  return popup;
}

/** Records what the popup hands to the clipboard in window.copied (a list). */
async function interceptClipboard(popup) {
  await popup.evaluate(() => {
    window.copied = [];
    const write = navigator.clipboard.writeText.bind(navigator.clipboard);
    navigator.clipboard.writeText = (t) => {
      window.copied.push(t);
      return write(t);
    };
  });
}

test('saving a page and then seeing its main image swapped shows the change in the popup timeline', async () => {
  ext.serve({ [URL_]: original() });
  tab = await ext.open(URL_);
  await ext.waitForState(tab.tabId, (s) => s.report?.status === 'untracked');
  const saved = await ext.send({ type: 'ui-bg-save-page', tabId: tab.tabId });
  assert.equal(saved.ok, true, JSON.stringify(saved.error));

  // Before any change: the timeline says nothing has changed; the case form is offered.
  let popup = await openPopup(tab.tabId);
  await popup.locator('#timeline-empty').waitFor();
  assert.equal(await popup.locator('#case-form').count(), 1);
  // The opened date defaults to today (local).
  assert.match(await popup.locator('#case-opened').inputValue(), /^\d{4}-\d{2}-\d{2}$/);
  await popup.close();

  ext.serve({ [URL_]: swapped() });
  await tab.page.reload({ waitUntil: 'domcontentloaded' });
  await ext.waitForState(tab.tabId, (s) => s.report?.status === 'mismatch');
  // The badge check records the observation right after publishing the report.
  let lines = [];
  for (let i = 0; i < 100 && !lines.length; i++) {
    const res = await ext.send({ type: 'ui-bg-history', key: KEY, lang: 'en' });
    assert.equal(res.ok, true, JSON.stringify(res.error));
    lines = res.lines;
    if (!lines.length) await sleep(50);
  }
  assert.equal(lines.length, 1, JSON.stringify(lines));
  assert.match(lines[0], new RegExp(`^Main image changed \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC from ${MAIN} to ${HIJACK}$`));

  popup = await openPopup(tab.tabId);
  const items = popup.locator('#timeline li');
  await items.first().waitFor();
  assert.deepEqual(await items.allTextContents(), lines);
  await popup.close();
});

test('the case log: a malformed case ID is refused with a message, a good one becomes the active case', async () => {
  const popup = await openPopup(tab.tabId);
  await popup.locator('#case-form').waitFor();
  await popup.locator('#case-id-input').fill('12-345');
  await popup.locator('#case-add').click();
  await popup.locator('#notice[data-kind="error"]').waitFor();
  assert.match(await popup.locator('#notice').textContent(), /digits only/);
  assert.equal(await popup.locator('#case-summary').count(), 0);
  // What was typed stays, focused, for correcting.
  await popup.locator('#case-id-input:focus').waitFor();
  assert.equal(await popup.locator('#case-id-input').inputValue(), '12-345');

  // Full-width digits and a leading '#' as pasted from a Japanese e-mail are accepted.
  await popup.locator('#case-id-input').fill('#１２３４５６７８９０１');
  await popup.locator('#case-opened').fill('2026-11-03');
  await popup.locator('#case-add').click();
  const summary = popup.locator('#case-summary');
  await summary.waitFor();
  assert.equal(await summary.getAttribute('data-case-id'), CASE_ID);
  assert.equal(await summary.getAttribute('data-case-status'), 'open');
  assert.match(await summary.textContent(), /Case 12345678901, opened 2026-11-03/);
  // Added from a mismatched page: that check is the case's first evidence.
  assert.match(await summary.textContent(), /Evidence: 1/);
  assert.equal(await popup.locator('#notice').textContent(), `Case ${CASE_ID} added.`);

  const stored = await ext.send({ type: 'ui-bg-cases-get', key: KEY });
  assert.equal(stored.cases.length, 1);
  assert.equal(stored.active, CASE_ID);
  assert.equal(stored.cases[0].marketplace, 'amazon.co.jp');
  assert.deepEqual(stored.cases[0].evidence[0].mismatches.map((m) => m.field), ['images.main']);

  // The status picker changes the stored status.
  await popup.locator('#case-status').selectOption('answered');
  await popup.locator('#case-summary[data-case-status="answered"]').waitFor();
  const after = await ext.send({ type: 'ui-bg-cases-get', key: KEY });
  assert.equal(after.cases[0].status, 'answered');
  await popup.close();
});

test('"Copy report" on the mismatched page gives the Seller Support text with the case ID, both images and the first-seen time', async () => {
  const popup = await openPopup(tab.tabId);
  await popup.locator('#case-summary').waitFor();
  await interceptClipboard(popup);
  await popup.locator('#copy-report').click();
  await popup.locator('#notice[data-kind="success"]').waitFor();
  const [text] = await popup.evaluate(() => window.copied);
  const history = (await ext.send({ type: 'ui-bg-history', key: KEY })).history;
  const firstSeen = history.entries[0].at; // when the swapped image was first observed (UTC)
  const expectedTime = `${firstSeen.slice(0, 10)} ${firstSeen.slice(11, 16)} UTC`;

  assert.match(text, /^Hello,\n/);
  assert.ok(text.includes(`This message concerns case ID ${CASE_ID}.`), text);
  assert.ok(text.includes(`Case ID: ${CASE_ID}`), text);
  assert.ok(text.includes(`ASIN: ${ASIN}`), text);
  assert.ok(text.includes('Marketplace: amazon.co.jp'), text);
  assert.ok(text.includes(`Detail page: https://www.amazon.co.jp/dp/${ASIN}`), text);
  assert.ok(text.includes('1. main image [critical]'), text);
  assert.ok(text.includes(`Our listing data: ${MAIN}\n       https://m.media-amazon.com/images/I/${MAIN}.jpg`), text);
  assert.ok(text.includes(`Shown now: ${HIJACK}\n       https://m.media-amazon.com/images/I/${HIJACK}.jpg`), text);
  assert.ok(text.includes(`First seen: ${expectedTime}`), `wanted First seen: ${expectedTime}\n${text}`);

  // The same report in Japanese (the seller's choice of language), times in JST.
  const ja = await ext.send({ type: 'ui-bg-report-text', tabId: tab.tabId, lang: 'ja' });
  assert.equal(ja.ok, true, JSON.stringify(ja.error));
  assert.match(ja.text, /^いつもお世話になっております。\n/);
  assert.ok(ja.text.includes(`本件はケースID ${CASE_ID} に関する追加のご連絡です。`), ja.text);
  assert.ok(ja.text.includes(`現在の表示: ${HIJACK}\n       https://m.media-amazon.com/images/I/${HIJACK}.jpg`), ja.text);
  assert.match(ja.text, /この表示を最初に確認した日時: \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

  // "Attach this check" adds the page's current report to the case's evidence.
  await popup.locator('#attach-evidence').click();
  await popup.locator('#case-summary', { hasText: 'Evidence: 2' }).waitFor();
  assert.equal(await popup.locator('#notice').textContent(), `This check was attached to case ${CASE_ID}.`);
  await popup.close();
});

test('"Reopen case" copies a message citing the case ID and opens the case\'s own page in Seller Central (amazon.co.jp)', async () => {
  const popup = await openPopup(tab.tabId);
  await popup.locator('#reopen-case').waitFor();
  await interceptClipboard(popup);
  // A stand-in page at the case's own URL (the harness answers other Amazon URLs with a 404).
  const LOBBY = `https://sellercentral.amazon.co.jp/cu/case-dashboard/view-case?caseID=${CASE_ID}`;
  ext.serve({ [LOBBY]: '<!doctype html><title>Case log</title>' });
  const opened = ext.context.waitForEvent('page');
  await popup.locator('#reopen-case').click();
  await popup.locator('#notice[data-kind="success"]').waitFor();
  const lobby = await opened;
  await lobby.waitForURL(LOBBY);
  assert.equal(lobby.url(), LOBBY);
  const [text] = await popup.evaluate(() => window.copied);
  assert.match(text, new RegExp(`^Hello,\\n\\nI am following up on case ID ${CASE_ID} \\(opened 2026-11-03, last updated `));
  assert.ok(text.includes(`Case ID: ${CASE_ID}`), text);
  assert.ok(text.includes(`Shown now: ${HIJACK}`), text);
  assert.ok(text.includes('Please reopen this case'), text);
  await popup.locator('#case-summary[data-case-status="reopened"]').waitFor();
  const stored = await ext.send({ type: 'ui-bg-cases-get', key: KEY });
  assert.equal(stored.cases[0].status, 'reopened');
  // What was sent is attached, so the next reopening says what is new since.
  assert.equal(stored.cases[0].evidence.length, 3);
  await lobby.close();
  await popup.close();
});

test('the export file holds the history and the case log', async () => {
  const res = await ext.send({ type: 'ui-bg-export' });
  assert.equal(res.ok, true, JSON.stringify(res.error));
  exported = res.text;
  const file = JSON.parse(exported);
  assert.deepEqual(file.listings.map((l) => `${l.marketplace}/${l.asin}`), [KEY]);
  assert.equal(file.history[KEY].entries.length, 1);
  assert.deepEqual(file.history[KEY].entries[0].fields.map((f) => [f.field, f.old, f.new]), [['images.main', MAIN, HIJACK]]);
  assert.equal(file.cases[KEY].length, 1);
  assert.equal(file.cases[KEY][0].id, CASE_ID);
  assert.equal(file.cases[KEY][0].status, 'reopened');
});

test('importing the export file into a fresh profile restores the timeline and the case log', async () => {
  const before = {
    lines: (await ext.send({ type: 'ui-bg-history', key: KEY, lang: 'ja' })).lines,
    cases: (await ext.send({ type: 'ui-bg-cases-get', key: KEY })).cases,
  };
  const fresh = await launch();
  try {
    const res = await fresh.send({ type: 'ui-bg-import-apply', text: exported, mode: 'merge' });
    assert.equal(res.ok, true, JSON.stringify(res.error));
    const hist = await fresh.send({ type: 'ui-bg-history', key: KEY, lang: 'ja' });
    assert.equal(hist.ok, true, JSON.stringify(hist.error));
    assert.deepEqual(hist.lines, before.lines);
    assert.match(hist.lines[0], /^メイン画像: /);
    const cases = await fresh.send({ type: 'ui-bg-cases-get', key: KEY });
    assert.deepEqual(cases.cases, before.cases);
    assert.equal(cases.active, CASE_ID);
  } finally {
    await fresh.close();
  }
});

test('importing a file over local data: merge keeps the newer history and case of each ID, replace takes the file\'s', async () => {
  const local = {
    history: (await ext.send({ type: 'ui-bg-history', key: KEY })).history,
    cases: (await ext.send({ type: 'ui-bg-cases-get', key: KEY })).cases,
  };
  const file = JSON.parse(exported);
  // An older copy: the history recorded before the local one, the same case with an older
  // update, and one case only the file has.
  const old = structuredClone(file);
  old.history[KEY].last_recorded_at = '2020-01-01T00:00:00Z';
  old.history[KEY].entries = [];
  old.cases[KEY][0].status = 'closed';
  old.cases[KEY][0].updated_at = '2020-01-01T00:00:00Z';
  old.cases[KEY].push({ ...old.cases[KEY][0], id: '55555555', opened: '2019-12-30', status: 'closed', evidence: [] });

  const merged = await ext.send({ type: 'ui-bg-import-apply', text: JSON.stringify(old), mode: 'merge' });
  assert.equal(merged.ok, true, JSON.stringify(merged.error));
  assert.deepEqual((await ext.send({ type: 'ui-bg-history', key: KEY })).history, local.history);
  const afterMerge = (await ext.send({ type: 'ui-bg-cases-get', key: KEY })).cases;
  assert.deepEqual(afterMerge.map((c) => [c.id, c.status]), [['55555555', 'closed'], [CASE_ID, 'reopened']]);
  assert.deepEqual(afterMerge[1], local.cases[0]);

  const replaced = await ext.send({ type: 'ui-bg-import-apply', text: JSON.stringify(old), mode: 'replace' });
  assert.equal(replaced.ok, true, JSON.stringify(replaced.error));
  assert.deepEqual((await ext.send({ type: 'ui-bg-history', key: KEY })).history, old.history[KEY]);
  assert.deepEqual((await ext.send({ type: 'ui-bg-cases-get', key: KEY })).cases, old.cases[KEY]);
});
