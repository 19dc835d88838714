// The popup's "Complete this listing from this page" on the built extension (dist/chrome), with a
// real saved amazon.co.jp page. The real background answers ui-bg-tab-state; the page's view of
// `partial: true` and of ui-bg-complete-listing's answer (docs/interfaces.md contract) is stubbed in the
// popup, so this tests the popup's side of the contract: when the button shows, what it sends,
// the re-render after success and the error after a refusal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';
import { SEARCH_URL, originalText } from './switch.mjs';


let ext;
let tabId;

before(async () => {
  ext = await launch();
  await (await ext.worker()).evaluate(() => chrome.storage.local.set({ settings: { language: 'en', sync_enabled: false } }));
  ext.serve({ [SEARCH_URL]: originalText() });
  ({ tabId } = await ext.open(SEARCH_URL));
  await ext.waitForState(tabId, (s) => Boolean(s.report));
  const saved = await ext.send({ type: 'ui-bg-save-page', tabId });
  assert.equal(saved.ok, true, JSON.stringify(saved));
});

after(async () => {
  if (ext) await ext.close();
});

/** Opens the popup with tab-state answering `partial: true` and ui-bg-complete-listing answered by
 *  `complete` ("ok": the real tab-state answer without partial; else an error with that message). */
async function openPopup(complete) {
  const popup = await ext.context.newPage();
  await popup.addInitScript((mode) => {
    const original = chrome.runtime.sendMessage.bind(chrome.runtime);
    window.__sent = [];
    chrome.runtime.sendMessage = async (m) => {
      window.__sent.push(JSON.parse(JSON.stringify(m)));
      if (m.type === 'ui-bg-tab-state') return { ...(await original(m)), partial: true };
      if (m.type === 'ui-bg-complete-listing') {
        if (mode !== 'ok') return { ok: false, error: { message: mode, details: null } };
        const { report, listing } = await original({ type: 'ui-bg-tab-state', tabId: m.tabId });
        return { ok: true, report, listing };
      }
      return original(m);
    };
  }, complete);
  await popup.goto(`chrome-extension://${ext.extensionId}/popup/popup.html?tabId=${tabId}`);
  await popup.locator('#status').waitFor();
  return popup;
}

test('a partial listing offers completing it; success re-renders without the button', async () => {
  const popup = await openPopup('ok');
  const button = popup.locator('#complete-listing');
  assert.equal(await button.textContent(), 'Complete this listing from this page');
  await button.click();
  await popup.locator('#notice', { hasText: 'Listing completed from this page.' }).waitFor();
  assert.equal(await popup.locator('#complete-listing').count(), 0);
  assert.equal(await popup.locator('#status').getAttribute('data-status'), 'match');
  const sent = await popup.evaluate(() => window.__sent.filter((m) => m.type === 'ui-bg-complete-listing'));
  assert.deepEqual(sent, [{ type: 'ui-bg-complete-listing', tabId }]);
  await popup.close();
});

test('a refused completion shows the background error and keeps the button', async () => {
  const popup = await openPopup('the page shows nothing new');
  await popup.locator('#complete-listing').click();
  await popup.locator('#notice', { hasText: 'the page shows nothing new' }).waitFor();
  assert.equal(await popup.locator('#notice').getAttribute('data-kind'), 'error');
  assert.ok(await popup.locator('#complete-listing').isEnabled());
  await popup.close();
});

test('without partial there is no button', async () => {
  const popup = await ext.openPopup(tabId);
  await popup.locator('#status[data-status="match"]').waitFor();
  assert.equal(await popup.locator('#complete-listing').count(), 0);
  await popup.close();
});
