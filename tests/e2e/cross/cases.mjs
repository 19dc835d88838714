// The end-to-end cases run in every browser, from this one list: tests/e2e/cross-chromium.test.mjs
// runs them in Chromium (drivers/chromium.mjs, Playwright), cross-firefox.test.mjs in Firefox ESR
// (drivers/firefox.mjs, selenium-webdriver + geckodriver). The built extension (dist/chrome,
// dist/firefox) on real saved Amazon pages served under their real URLs.
//
// A case sees only the browser handle `b` every driver returns:
//   b.name                          'chromium' | 'firefox'
//   b.serve({url: body})            serve pages under their real URLs
//   b.serveImages(fn)               fn(url) → PNG bytes for Amazon image URLs (else a 1x1 PNG)
//   b.open(url) → page              a new tab; page.tabId, page.eval(fn, arg), page.reload(),
//                                   page.screenshot(file), page.close()
//   b.openExtension('popup/…')      an extension page in a tab (same page methods)
//   b.ext(fn, arg)                  runs fn(arg) in a kept extension page (options.html)
//   b.backgroundState()             'running' | 'stopped' | …
//   b.stopBackground()              unloads the background (service worker / event page)
//   b.launchFresh()                 another browser of the same kind, fresh profile
// Functions handed to eval/ext run in the browser: they must be self-contained and reach the
// extension API as `globalThis.browser ?? globalThis.chrome`.
//
// The cases run in order on one profile (each builds on the listings the earlier ones saved).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, truth, ownPage, replaced, sleep, BADGE_COLOURS } from '../harness.mjs';
import { tumbler } from './pictures.mjs';

const SWITCH = 'amazon.co.jp/nintendo-switch-neon-B07WXL5YPW-2022.html';
const SWITCH_KEY = 'amazon.co.jp/B07WXL5YPW';
// The re-check fetches https://www.<marketplace>/dp/<ASIN>: the tabs use the same URLs.
const SWITCH_URL = 'https://www.amazon.co.jp/dp/B07WXL5YPW';
const DEMO_KEY = 'amazon.co.jp/B0DEMOJP01';
const DEMO_URL = 'https://www.amazon.co.jp/dp/B0DEMOJP01';
const CAPTCHA_URL = 'https://www.amazon.com/dp/B00TEST000';
const SIGNIN_URL = 'https://www.amazon.co.jp/gp/product/B0SIGNIN01';
const SEARCH_URL = 'https://www.amazon.co.jp/s?k=pokemon+card+box';

const original = fixture(SWITCH);
const MAIN = truth(SWITCH).extra.main_image_id;
const SWAPPED = '71HiJaCkEdL';
const swapped = replaced(original, MAIN, SWAPPED);
/** `replaced` for UTF-8 pages and non-ASCII text. */
const swapText = (bytes, from, to) => replaced(bytes, Buffer.from(from).toString('latin1'), Buffer.from(to).toString('latin1'));
// The swapped page with a changed title too (accepted image, then an unwatched title).
const retitled = Buffer.from(swapped.toString('latin1').replace(/(id="productTitle"[^>]*>[^<]*?)(\s*<\/span>)/, '$1 (HIJACKED)$2'), 'latin1');
if (retitled.equals(swapped)) throw new Error(`${SWITCH} has no productTitle span to change`);
const demo = ownPage('demo-jp.html');
// The demo page as a hijacker leaves it: another colour.
const demoRecoloured = swapText(demo, 'ミッドナイトブラック', 'ローズレッド');
// The demo page's pictures: its main image (a black tumbler), and the same tumbler painted red
// under a new image ID (what a hijacker uploads).
const DEMO_MAIN = '61SakuraBkL';
const RED = '71SakuraRdL';
const PICTURES = { [DEMO_MAIN]: tumbler(300, [30, 34, 48]), [RED]: tumbler(300, [200, 30, 60]) };
/** The picture for an Amazon image URL of any size (…/images/I/<ID>.<size>.jpg), else null. */
function pictureFor(url) {
  const m = /\/images\/I\/([^./]+)\./.exec(url);
  return (m && PICTURES[decodeURIComponent(m[1])]) || null;
}

// ------------------------------------------------------------------ helpers on any browser

/** Sends a ui-bg-* message from an extension page; asserts the answer is ok. */
async function send(b, msg) {
  const res = await b.ext((m) => (globalThis.browser ?? globalThis.chrome).runtime.sendMessage(m), msg);
  assert.equal(res?.ok, true, `${msg.type}: ${JSON.stringify(res?.error)}`);
  return res;
}

/** The tab's badge {text, color: [r, g, b, a]}. */
function badge(b, tabId) {
  return b.ext(async (id) => {
    const api = globalThis.browser ?? globalThis.chrome;
    return {
      text: await api.action.getBadgeText({ tabId: id }),
      color: await api.action.getBadgeBackgroundColor({ tabId: id }),
    };
  }, tabId);
}

/** Polls `get()` until `pred(value)` holds; returns the value (throws with the last one). */
async function until(get, pred, what, timeout = 30000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    let failed = false;
    last = await get().catch((e) => {
      failed = true;
      return `threw: ${e?.message ?? e}`;
    });
    if (!failed && last && pred(last)) return last;
    if (Date.now() > end) throw new Error(`${what} never held; last: ${JSON.stringify(last)?.slice(0, 600)}`);
    await sleep(150);
  }
}

const waitForBadge = (b, tabId, pred, what = 'badge') => until(() => badge(b, tabId), pred, what);

/** What the background stored for the tab (storage.session `tab:<id>`), or null. */
function tabState(b, tabId) {
  return b.ext(async (id) => {
    const k = `tab:${id}`;
    return (await (globalThis.browser ?? globalThis.chrome).storage.session.get(k))[k] ?? null;
  }, tabId);
}

const waitForState = (b, tabId, pred, what = 'tab state') => until(async () => (await tabState(b, tabId)) ?? {}, pred, what);

/** A storage.local item. */
function stored(b, key) {
  return b.ext(async (k) => (await (globalThis.browser ?? globalThis.chrome).storage.local.get(k))[k] ?? null, key);
}

/** Waits in a page until `fn(arg)` is truthy; returns its value. */
function waitIn(page, fn, arg, what, timeout = 15000) {
  return until(async () => ({ v: await page.eval(fn, arg) }), (x) => Boolean(x.v), what, timeout).then((x) => x.v);
}

/** The popup for a tab (popup.html?tabId=N in its own tab), once it shows a status. */
async function openPopup(b, tabId) {
  const popup = await b.openExtension(`popup/popup.html?tabId=${tabId}`);
  await waitIn(popup, () => document.querySelector('#status')?.getAttribute('data-status'), null, 'popup status');
  return popup;
}

/** The popup's status and mismatch rows. */
function popupView(popup) {
  return popup.eval(() => ({
    status: document.querySelector('#status')?.getAttribute('data-status') ?? null,
    rows: [...document.querySelectorAll('.mismatch')].map((li) => ({
      field: li.getAttribute('data-field'),
      severity: li.getAttribute('data-severity'),
      images: [...li.querySelectorAll('img')].map((i) => i.alt),
      actions: [...li.querySelectorAll('[data-action]')].map((x) => x.getAttribute('data-action')),
    })),
  }));
}

/** Clicks the first element matching `selector` in the page. */
function click(page, selector) {
  return page.eval((sel) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`nothing matches ${sel}`);
    el.click();
    return true;
  }, selector);
}

const recheckStatus = async (b) => (await send(b, { type: 'ui-bg-recheck-status' })).status;

// ------------------------------------------------------------------ the cases

/** Shared between cases (one profile, in order). */
const ctx = {};

/** The list: [name, async (b) => {...}]. */
export const CASES = [
  ['an untracked product page gets the grey "?" badge', async (b) => {
    b.serve({ [SWITCH_URL]: original });
    ctx.tab = await b.open(SWITCH_URL);
    const got = await waitForBadge(b, ctx.tab.tabId, (x) => x.text !== '');
    assert.equal(got.text, '?');
    assert.deepEqual(got.color, BADGE_COLOURS.untracked);
    const state = await tabState(b, ctx.tab.tabId);
    assert.equal(state.report.status, 'untracked');
    assert.equal(state.page.asin, 'B07WXL5YPW');
    assert.equal(state.page.images[0], MAIN);
  }],

  ['"Save" in the popup saves the listing and turns the badge green ✓', async (b) => {
    const popup = await openPopup(b, ctx.tab.tabId);
    assert.equal((await popupView(popup)).status, 'untracked');
    await click(popup, '#save-page');
    await waitIn(popup, () => document.querySelector('#status[data-status="match"]') !== null, null, 'popup match');
    await popup.close();
    const got = await waitForBadge(b, ctx.tab.tabId, (x) => x.text === '✓');
    assert.deepEqual(got.color, BADGE_COLOURS.match);
    const { listings } = await send(b, { type: 'ui-bg-listings-get' });
    assert.deepEqual(listings.map((l) => `${l.marketplace}/${l.asin}`), [SWITCH_KEY]);
    assert.equal(listings[0].images[0], MAIN);
  }],

  ['a hijacked copy (main image swapped) gives the red count and the popup\'s mismatch rows', async (b) => {
    b.serve({ [SWITCH_URL]: swapped });
    await ctx.tab.reload();
    const got = await waitForBadge(b, ctx.tab.tabId, (x) => /^\d+$/.test(x.text));
    assert.deepEqual(got.color, BADGE_COLOURS.mismatch);
    const state = await waitForState(b, ctx.tab.tabId, (s) => s.report?.status === 'mismatch');
    assert.equal(Number(got.text), state.report.mismatches.length);
    const popup = await openPopup(b, ctx.tab.tabId);
    const view = await popupView(popup);
    await popup.close();
    assert.equal(view.status, 'mismatch');
    assert.equal(view.rows.length, Number(got.text));
    const main = view.rows.find((r) => r.field === 'images.main');
    assert.deepEqual(main, { field: 'images.main', severity: 'critical', images: [MAIN, SWAPPED], actions: ['accept', 'unwatch'] });
  }],

  ['"Accept this change" and "Stop watching this field" in the popup change the listing', async (b) => {
    let popup = await openPopup(b, ctx.tab.tabId);
    await click(popup, '.mismatch[data-field="images.main"] [data-action="accept"]');
    await waitIn(popup, () => document.querySelector('.mismatch[data-field="images.main"]') === null
      && document.querySelector('#status')?.getAttribute('data-status') === 'match', null, 'accepted');
    await popup.close();
    await waitForBadge(b, ctx.tab.tabId, (x) => x.text === '✓');
    let { listings } = await send(b, { type: 'ui-bg-listings-get' });
    assert.equal(listings[0].images[0], SWAPPED);

    // The title changes too: stop watching it.
    b.serve({ [SWITCH_URL]: retitled });
    await ctx.tab.reload();
    await waitForState(b, ctx.tab.tabId, (s) => s.report?.status === 'mismatch');
    popup = await openPopup(b, ctx.tab.tabId);
    assert.deepEqual((await popupView(popup)).rows.map((r) => r.field), ['title']);
    await click(popup, '.mismatch[data-field="title"] [data-action="unwatch"]');
    await waitIn(popup, () => document.querySelector('#status')?.getAttribute('data-status') === 'match', null, 'unwatched');
    await popup.close();
    ({ listings } = await send(b, { type: 'ui-bg-listings-get' }));
    assert.equal(listings[0].watch.title, false);
    await waitForBadge(b, ctx.tab.tabId, (x) => x.text === '✓');
  }],

  ['a captcha page gets the amber "!" badge, never a mismatch', async (b) => {
    b.serve({ [CAPTCHA_URL]: fixture('amazon.com/captcha-robot-check-2019.html') });
    const t = await b.open(CAPTCHA_URL);
    const got = await waitForBadge(b, t.tabId, (x) => x.text !== '');
    assert.equal(got.text, '!');
    assert.deepEqual(got.color, BADGE_COLOURS.unreadable);
    const state = await tabState(b, t.tabId);
    assert.equal(state.report.status, 'unreadable');
    assert.equal(state.report.page.kind, 'captcha');
    assert.deepEqual(state.report.mismatches, []);
    await t.close();
  }],

  ['a search page and a sign-in wall get no badge', async (b) => {
    b.serve({
      [SEARCH_URL]: fixture('amazon.co.jp/search-pokemon-card-box-2026.html'),
      [SIGNIN_URL]: fixture('amazon.co.jp/signin-kindle-notebook-2026.html'),
    });
    const search = await b.open(SEARCH_URL);
    // The sign-in wall under a product URL is read (not_product) and left without a badge.
    const signin = await b.open(SIGNIN_URL);
    const state = await waitForState(b, signin.tabId, (s) => Boolean(s.report));
    assert.equal(state.report.status, 'not_product');
    assert.equal((await badge(b, signin.tabId)).text, '');
    // The search page is not a product URL: nothing reads it (checked after the sign-in tab,
    // opened later, was read).
    assert.equal((await badge(b, search.tabId)).text, '');
    assert.equal(await tabState(b, search.tabId), null);
    await signin.close();
    await search.close();
  }],

  ['the background, unloaded as when idle, is woken by a message and by a page, and its state is intact', async (b) => {
    await b.stopBackground();
    assert.equal(await b.backgroundState(), 'stopped');
    const st = await send(b, { type: 'ui-bg-tab-state', tabId: ctx.tab.tabId });
    assert.equal(st.report.status, 'match', JSON.stringify(st.report.mismatches));
    assert.equal(st.listing.images[0], SWAPPED);
    assert.equal(await b.backgroundState(), 'running');
    // Unloaded again; a page check wakes it, and the woken background runs wasm again.
    await b.stopBackground();
    b.serve({ [SWITCH_URL]: original });
    await ctx.tab.reload();
    const got = await waitForBadge(b, ctx.tab.tabId, (x) => /^\d+$/.test(x.text));
    assert.deepEqual(got.color, BADGE_COLOURS.mismatch);
    const state = await waitForState(b, ctx.tab.tabId, (s) => s.report?.status === 'mismatch');
    assert.ok(state.report.mismatches.some((m) => m.field === 'images.main' && m.actual === MAIN));
  }],

  ['the options page exports a file, and the options page of a fresh profile imports it (round trip)', async (b) => {
    b.serve({ [DEMO_URL]: demo });
    b.serveImages(pictureFor); // saving signs the demo's pictures (the next case compares them)
    const t = await b.open(DEMO_URL);
    await waitForBadge(b, t.tabId, (x) => x.text === '?');
    await send(b, { type: 'ui-bg-save-page', tabId: t.tabId });
    await t.close();
    // The background signs the saved pictures after the save and writes the signatures into the
    // listing; the export must carry them, so compare once they are there.
    const before = await until(
      async () => (await send(b, { type: 'ui-bg-listings-get' })).listings,
      (ls) => ls.length === 2 && ls.find((l) => l.asin === 'B0DEMOJP01')?.image_signatures?.[DEMO_MAIN],
      'the saved listing to carry its main picture\'s signature',
    );

    const options = await b.openExtension('options/options.html');
    await waitIn(options, () => document.body.dataset.ready === 'true', null, 'options ready');
    // Export: the file the page hands to the browser's download (its Blob, read back).
    const text = await options.eval(async () => {
      let blob = null;
      const create = URL.createObjectURL;
      URL.createObjectURL = (x) => { blob = x; return create.call(URL, x); };
      HTMLAnchorElement.prototype.click = function () { this.dataset.clicked = this.download; };
      document.querySelector('#export').click();
      for (let i = 0; i < 200 && !blob; i++) await new Promise((r) => setTimeout(r, 50));
      URL.createObjectURL = create;
      return blob ? blob.text() : null;
    });
    await options.close();
    const file = JSON.parse(text);
    assert.equal(file.format, 'catalog-guard/listings');
    assert.deepEqual(file.listings.map((l) => l.asin).sort(), ['B07WXL5YPW', 'B0DEMOJP01']);

    // Import in another profile (how listings move between browsers): the file chosen in the
    // options page's file input, then "merge".
    const other = await b.launchFresh();
    try {
      const opts = await other.openExtension('options/options.html');
      await waitIn(opts, () => document.body.dataset.ready === 'true', null, 'fresh options ready');
      assert.equal(await opts.eval(() => document.querySelectorAll('#rows tr').length), 0);
      await opts.eval((t2) => {
        const input = document.querySelector('#import-file');
        const dt = new DataTransfer();
        dt.items.add(new File([t2], 'export.json', { type: 'application/json' }));
        input.files = dt.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
        return true;
      }, text);
      await waitIn(opts, () => document.querySelector('#import-merge'), null, 'import preview');
      await click(opts, '#import-merge');
      await waitIn(opts, () => document.querySelectorAll('#rows tr').length === 2, null, 'two rows');
      const after = (await send(other, { type: 'ui-bg-listings-get' })).listings;
      assert.deepEqual(after, before);
    } finally {
      await other.close();
    }
  }],

  ['a main picture painted red under a new ID is compared by content in the background: "recoloured"', async (b) => {
    // Fetched, decoded (createImageBitmap + OffscreenCanvas) and signed in the background.
    b.serve({ [DEMO_URL]: replaced(demo, DEMO_MAIN, RED) });
    const t = await b.open(DEMO_URL);
    const state = await waitForState(b, t.tabId, (s) => s.report?.mismatches?.some((m) => m.field === 'images.main' && m.verdict));
    const m = state.report.mismatches.find((x) => x.field === 'images.main');
    const sigs = await stored(b, 'imagesigs');
    assert.equal(m.verdict, 'recoloured', JSON.stringify({ m, sigs: Object.keys(sigs ?? {}) }));
    assert.ok(sigs[DEMO_MAIN] && sigs[RED], Object.keys(sigs).join());
    await t.close();
    b.serve({ [DEMO_URL]: demo });
  }],

  ['a scheduled re-check runs when its alarm fires, also with the background unloaded, and notifies the change', async (b) => {
    const { settings } = await send(b, { type: 'ui-bg-settings-get' });
    // On: the first run starts at once.
    await send(b, { type: 'ui-bg-settings-set', settings: { ...settings, recheck_interval_hours: 6, request_delay_seconds: 5 } });
    const first = await until(() => recheckStatus(b), (s) => s.last_run && !s.run, 'a first finished run', 90000);
    assert.equal(first.last_run.end, 'completed');
    assert.equal(first.last_run.checked, 2);
    const alarm = await b.ext(async () => (await (globalThis.browser ?? globalThis.chrome).alarms.get('cg-recheck')) ?? null);
    assert.equal(alarm?.scheduledTime, first.next_run_at);

    // The demo listing's page changes colour; the background is unloaded; the alarm comes due.
    b.serve({ [DEMO_URL]: demoRecoloured });
    // The first run's notifications (the Switch page differs from its accepted image) go.
    await b.ext(async () => {
      const api = globalThis.browser ?? globalThis.chrome;
      for (const id of Object.keys(await api.notifications.getAll())) await api.notifications.clear(id);
      return true;
    });
    await b.stopBackground();
    await b.ext(async () => {
      const api = globalThis.browser ?? globalThis.chrome;
      const { 'watch:schedule': state } = await api.storage.local.get('watch:schedule');
      state.next_run_at = Date.now() - 1000;
      await api.storage.local.set({ 'watch:schedule': state });
      await api.alarms.create('cg-recheck', { when: Date.now() + 300 });
      return true;
    });
    // Notifications are watched from now on: Firefox has no requireInteraction and closes
    // them after a while, Chromium keeps them; either way it must have been on screen.
    const seen = new Set();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const shown = await b.ext(() => (globalThis.browser ?? globalThis.chrome).notifications.getAll()).catch(() => ({}));
        for (const id of Object.keys(shown)) seen.add(id);
        await sleep(100);
      }
    })();
    const second = await until(() => recheckStatus(b), (s) => s.last_run && s.last_run.started_at > first.last_run.ended_at && !s.run, 'a second finished run', 90000)
      .finally(() => { watching = false; });
    await watcher;
    assert.deepEqual(
      { end: second.last_run.end, checked: second.last_run.checked, changed: second.last_run.changed, failed: second.last_run.failed },
      { end: 'completed', checked: 2, changed: 1, failed: 0 },
    );
    const history = await stored(b, `history:${DEMO_KEY}`);
    const rechecked = history.entries.filter((e) => e.source === 'recheck');
    assert.ok(rechecked.some((e) => JSON.stringify(e.fields).includes('ローズレッド')), JSON.stringify(history.entries));
    assert.deepEqual([...seen], [`cg-recheck:${DEMO_KEY}`], JSON.stringify({ notify: await stored(b, 'watch:notify'), second }));
    // Off again: no alarm left.
    await send(b, { type: 'ui-bg-settings-set', settings: { ...settings, recheck_interval_hours: 0 } });
    await until(() => b.ext(async () => (await (globalThis.browser ?? globalThis.chrome).alarms.get('cg-recheck')) ?? 'none'), (a) => a === 'none', 'alarm cleared');
  }],

  ['storage.sync: listings are pushed within the quotas, merged back, and a full sync keeps local data', async (b) => {
    const items = await until(() => b.ext(() => (globalThis.browser ?? globalThis.chrome).storage.sync.get(null)), (x) => Object.keys(x).length > 0, 'items in storage.sync');
    const status = await until(async () => (await send(b, { type: 'ui-bg-sync-status' })).sync ?? {}, (s) => s.stats?.full >= 2, 'both listings synced in full');
    assert.equal(status.error, null);
    assert.ok(status.used.bytes > 0 && status.used.bytes <= 102400, JSON.stringify(status.used));

    // Another browser's copy arrives: a listing forgotten here comes back from sync.
    await b.ext(async (all) => {
      const api = globalThis.browser ?? globalThis.chrome;
      const { listings } = await api.storage.local.get('listings');
      delete listings['amazon.co.jp/B0DEMOJP01'];
      await api.storage.local.set({ listings });
      await api.storage.sync.clear();
      await api.storage.sync.set(all);
      return true;
    }, items);
    await until(async () => (await stored(b, 'listings')) ?? {}, (l) => Boolean(l[DEMO_KEY]), 'the listing merged back from sync');

    // The quotas: an item over 8,192 bytes is refused; then sync is filled up.
    const filled = await b.ext(async () => {
      const api = globalThis.browser ?? globalThis.chrome;
      let big = null;
      try {
        await api.storage.sync.set({ 'zz-too-big': 'x'.repeat(9000) });
      } catch (e) {
        big = String(e?.message ?? e);
      }
      let n = 0;
      for (const size of [8000, 1000, 100, 10, 1]) {
        for (;;) {
          try {
            await api.storage.sync.set({ [`zz-filler-${n}`]: 'x'.repeat(size) });
            n += 1;
          } catch {
            break;
          }
        }
      }
      const all = await api.storage.sync.get(null);
      const bytes = Object.entries(all).reduce((s, [k, v]) => s + k.length + JSON.stringify(v).length, 0);
      return { big, n, bytes };
    });
    assert.match(String(filled.big), /quota/i);
    assert.ok(filled.bytes > 100000 && filled.bytes <= 102400, JSON.stringify(filled));
    // A new listing cannot be pushed: the status says "full", every local listing stays.
    const l = structuredClone((await send(b, { type: 'ui-bg-listings-get' })).listings.find((x) => x.asin === 'B0DEMOJP01'));
    l.asin = 'B0DEMOJP02';
    l.updated_at = new Date().toISOString();
    await send(b, { type: 'ui-bg-listing-put', listing: l });
    const full = await until(async () => (await send(b, { type: 'ui-bg-sync-status' })).sync ?? {}, (s) => s.code === 'full', 'sync status "full"');
    assert.ok(full.pending, JSON.stringify(full));
    const local = await stored(b, 'listings');
    assert.deepEqual(Object.keys(local).sort(), [SWITCH_KEY, DEMO_KEY, 'amazon.co.jp/B0DEMOJP02']);
  }],
];

/** Registers every case as a node:test test against the driver's browser. */
export function runCases(driver, options = {}) {
  let b;
  before(async () => {
    b = await driver.launch(options);
    /** Another browser of the same kind with a fresh profile (the caller closes it). */
    b.launchFresh = () => driver.launch(options);
  });
  after(async () => {
    await b?.close();
  });
  for (const [title, fn] of CASES) {
    test(`${driver.name}: ${title}`, async () => fn(b));
  }
}
