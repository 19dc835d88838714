// The options page's "History & cases" dialog on the built extension: the full timeline of a
// listing whose real saved page had its main image swapped, the case log (add, refuse a bad ID,
// status and notes, evidence, copy the case's report), the popup's deep link, and a Seller
// Central report import recording its listings in their histories in one go.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, sleep } from './harness.mjs';
import { URL_, ASIN, KEY, MAIN, HIJACK, original, swapped } from './switch.mjs';

const CASE_ID = '9876543210';

let ext;
let tab;

before(async () => {
  ext = await launch();
  // Saved, then seen hijacked, then back to the saved image: one episode "changed … back".
  ext.serve({ [URL_]: original() });
  tab = await ext.open(URL_);
  await ext.waitForState(tab.tabId, (s) => s.report?.status === 'untracked');
  const saved = await ext.send({ type: 'ui-bg-save-page', tabId: tab.tabId });
  assert.equal(saved.ok, true, JSON.stringify(saved.error));
  const steps = [[swapped(), 'mismatch'], [original(), 'match'], [swapped(), 'mismatch']];
  for (const [i, [body, status]] of steps.entries()) {
    ext.serve({ [URL_]: body });
    await tab.page.reload({ waitUntil: 'domcontentloaded' });
    await ext.waitForState(tab.tabId, (s) => s.report?.status === status);
    // Each badge check is recorded just after the report is published: wait for it.
    await waitForEntries((n) => n === i + 1);
  }
});

after(async () => {
  await ext?.close();
});

async function waitForEntries(pred) {
  for (let i = 0; i < 200; i++) {
    const res = await ext.send({ type: 'ui-bg-history', key: KEY, lang: 'en' });
    if (res.ok && res.history && pred(res.history.entries.length)) return res.history;
    await sleep(50);
  }
  throw new Error('history never reached the expected length');
}

async function openOptions(hash = '') {
  const page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.extensionId}/options/options.html${hash}`);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

test('the row\'s "History & cases" opens the full timeline of the listing', async () => {
  const page = await openOptions();
  await page.locator(`tr[data-key="${KEY}"] .action-details`).click();
  const dialog = page.locator('dialog#details[open]');
  await dialog.waitFor();
  assert.equal(await page.locator('#details-heading').textContent(), `History & cases: ${KEY}`);
  const lines = await page.locator('#details-timeline li').allTextContents();
  assert.equal(lines.length, 2, JSON.stringify(lines));
  const t = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC';
  assert.match(lines[0], new RegExp(`^Main image changed ${t} from ${MAIN} to ${HIJACK}; back to ${MAIN} on ${t}$`));
  assert.match(lines[1], new RegExp(`^Main image changed ${t} from ${MAIN} to ${HIJACK}$`));
  assert.match(await dialog.textContent(), /Up to 200 changes are kept per listing/);
  assert.equal(await page.locator('#cases-none').count(), 1);
  await page.locator('#details-close').click();
  await page.locator('dialog#details[open]').waitFor({ state: 'detached' }).catch(() => {});
  assert.equal(await page.locator('dialog#details[open]').count(), 0);
  await page.close();
});

test('the case log in the dialog: a bad ID is refused, a case is added, its status and notes saved, its report copied', async () => {
  const page = await openOptions(`#details=${encodeURIComponent(KEY)}`);
  // The popup's "all changes" link opens the dialog straight away.
  await page.locator('dialog#details[open] #details-timeline li').first().waitFor();

  await page.locator('#details-case-id').fill('123');
  await page.locator('#details-case-add').click();
  await page.locator('#details-notice[data-kind="error"]').waitFor();
  assert.match(await page.locator('#details-notice').textContent(), /8 to 15 digits, this one has 3/);

  await page.locator('#details-case-id').fill(CASE_ID);
  await page.locator('#details-case-opened').fill('2026-11-20');
  await page.locator('#details-case-add').click();
  const item = page.locator(`.case-item[data-case-id="${CASE_ID}"]`);
  await item.waitFor();
  assert.equal(await page.locator('#details-notice').textContent(), `Case ${CASE_ID} added.`);
  assert.match(await item.locator('h4').textContent(), /Case 9876543210, opened 2026-11-20 — Open/);
  // Added from the options page there is no page to attach: no evidence yet.
  assert.equal(await item.locator('.case-evidence summary').textContent(), 'Evidence (0)');

  await item.locator(`#case-${CASE_ID}-status`).selectOption('answered');
  await item.locator(`#case-${CASE_ID}-notes`).fill('Amazon asked for the brand registry certificate.');
  await item.locator('.case-save').click();
  await page.locator(`.case-item[data-case-id="${CASE_ID}"][data-case-status="answered"]`).waitFor();
  const stored = await ext.send({ type: 'ui-bg-cases-get', key: KEY });
  assert.equal(stored.cases[0].status, 'answered');
  assert.equal(stored.cases[0].notes, 'Amazon asked for the brand registry certificate.');

  // The listing's page is open in a tab (mismatched): its report is the one copied.
  await page.evaluate(() => {
    window.copied = [];
    navigator.clipboard.writeText = (t) => {
      window.copied.push(t);
      return Promise.resolve();
    };
  });
  await page.locator(`.case-item[data-case-id="${CASE_ID}"] .case-copy`).click();
  await page.locator('#details-notice[data-kind="success"]').waitFor();
  const [text] = await page.evaluate(() => window.copied);
  assert.ok(text.includes(`This message concerns case ID ${CASE_ID}.`), text);
  assert.ok(text.includes(`Shown now: ${HIJACK}\n       https://m.media-amazon.com/images/I/${HIJACK}.jpg`), text);
  assert.ok(text.includes(`ASIN: ${ASIN}`), text);

  // Closed: the popup offers the form for a new case again.
  await page.locator(`#case-${CASE_ID}-status`).selectOption('closed');
  await page.locator(`.case-item[data-case-id="${CASE_ID}"] .case-save`).click();
  await page.locator(`.case-item[data-case-id="${CASE_ID}"][data-case-status="closed"]`).waitFor();
  await page.close();
  const popup = await ext.openPopup(tab.tabId);
  await popup.locator('#case-form').waitFor();
  assert.equal(await popup.locator('#case-closed-count').textContent(), 'Closed cases: 1');
  await popup.close();
});

test('a case keeps its first evidence and the latest ones, at most 20', async () => {
  const attach = () => ext.send({ type: 'ui-bg-case-update', key: KEY, id: CASE_ID, attach: tab.tabId });
  const first = await attach();
  assert.equal(first.ok, true, JSON.stringify(first.error));
  assert.deepEqual(first.case.evidence.map((e) => e.summary), ['images.main']);
  // Then the title is hijacked too: every later piece of evidence names both fields.
  const titleRe = /(id="productTitle"[^>]*>)([^<]*)(<\/span>)/;
  const text = swapped().toString('latin1');
  assert.match(text, titleRe);
  ext.serve({ [URL_]: Buffer.from(text.replace(titleRe, (m, a, b, c) => `${a}HIJACKED ${b}${c}`), 'latin1') });
  await tab.page.reload({ waitUntil: 'domcontentloaded' });
  await ext.waitForState(tab.tabId, (s) => s.report?.mismatches?.some((m) => m.field === 'title'));
  let last;
  for (let i = 0; i < 24; i++) {
    last = await attach();
    assert.equal(last.ok, true, JSON.stringify(last.error));
  }
  const ev = last.case.evidence;
  assert.equal(ev.length, 20);
  assert.equal(ev[0].summary, 'images.main');
  for (const e of ev.slice(1)) assert.match(e.summary, /title/);
  const stored = await ext.send({ type: 'ui-bg-cases-get', key: KEY });
  assert.deepEqual(stored.cases[0].evidence, ev);
  // A tab that shows no page cannot be attached.
  const wrong = await ext.send({ type: 'ui-bg-case-update', key: KEY, id: CASE_ID, attach: 999999 });
  assert.equal(wrong.ok, false);
  assert.equal(wrong.error.details.kind, 'no_page');
});

test('a Seller Central report import records every imported listing in its history with one write', async () => {
  // 1,000 rows in the English layout (item-name, seller-sku, asin1).
  const rows = ['item-name\tseller-sku\tasin1'];
  for (let i = 0; i < 1000; i++) rows.push(`Test product ${i}\tSKU-${i}\tB0TEST${String(i).padStart(4, '0')}`);
  const bytes = Array.from(Buffer.from(`${rows.join('\n')}\n`, 'utf8'));
  const page = await ext.extensionPage();
  // Count storage.local writes made while the import runs.
  await page.evaluate(() => {
    window.localWrites = [];
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area === 'local') window.localWrites.push(Object.keys(changes));
    });
  });
  const res = await ext.send({ type: 'ui-bg-import-report-apply', bytes, marketplace: 'amazon.com' });
  assert.equal(res.ok, true, JSON.stringify(res.error));
  const listings = (await ext.send({ type: 'ui-bg-listings-get' })).listings;
  assert.equal(listings.length, 1001); // the saved Switch listing and the 1,000 rows
  const switchHistory = (await ext.send({ type: 'ui-bg-history', key: KEY })).history;
  const histories = await page.evaluate(async () => {
    const all = await chrome.storage.local.get(null);
    return Object.entries(all).filter(([k]) => k.startsWith('history:amazon.com/'));
  });
  assert.equal(histories.length, 1000);
  const h7 = histories.find(([k]) => k === 'history:amazon.com/B0TEST0007')[1];
  assert.equal(h7.first.title.value, 'Test product 7');
  assert.equal(h7.page_observed, false);
  // One write carried all 1,000 histories (besides the listings write).
  await sleep(200);
  const writes = await page.evaluate(() => window.localWrites);
  const historyWrites = writes.filter((keys) => keys.some((k) => k.startsWith('history:amazon.com/')));
  assert.equal(historyWrites.length, 1, JSON.stringify(historyWrites.map((w) => w.length)));
  assert.deepEqual(historyWrites[0].filter((k) => !k.startsWith("history:amazon.com/")), []);
  assert.equal(historyWrites[0].length, 1000);
  // The unchanged Switch listing's history was left as it was.
  assert.deepEqual((await ext.send({ type: 'ui-bg-history', key: KEY })).history, switchHistory);
});
