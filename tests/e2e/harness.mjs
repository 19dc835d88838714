// Shared end-to-end harness: Debian Chromium (headless) with the built extension (dist/chrome)
// loaded, real saved Amazon pages served under their real URLs through context.route, and
// helpers to read the badge and the stored report from the service worker, talk to the
// background as an extension page, open the popup for a tab and stop/wake the worker.
// Nothing leaves the machine: Amazon image hosts get a tiny local PNG, every other
// http(s) request not served from `pages` is answered 404 (Amazon hosts) or aborted.
//
//   const h = await launch();                      // fresh profile each time
//   await h.serve({ 'https://www.amazon.co.jp/-/en/dp/B07WXL5YPW': html });
//   const { page, tabId } = await h.open('https://www.amazon.co.jp/-/en/dp/B07WXL5YPW');
//   const badge = await h.waitForBadge(tabId, (b) => b.text === '?');
//   const res = await h.send({ type: 'ui-bg-save-page', tabId });   // from an extension page
//   const popup = await h.openPopup(tabId);
//   await h.close();
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The real saved pages: $CG_FIXTURES, else ../shared/fixtures/pages beside the repository. */
export function fixturesDir() {
  const dir = process.env.CG_FIXTURES
    ? path.resolve(process.env.CG_FIXTURES)
    : path.resolve(ROOT, '../shared/fixtures/pages');
  if (!fs.existsSync(path.join(dir, 'SOURCES.tsv'))) {
    throw new Error(`fixture pages not found at ${dir} (set CG_FIXTURES)`);
  }
  return dir;
}

/** One fixture page's bytes (as served: Buffer, charset untouched). */
export function fixture(name) {
  return fs.readFileSync(path.join(fixturesDir(), name));
}

/** One fixture's truth file. */
export function truth(name) {
  return JSON.parse(fs.readFileSync(path.join(fixturesDir(), name.replace(/\.html$/, '.truth.json')), 'utf8'));
}

/**
 * Every real saved page listed in SOURCES.tsv, in its order: `{ file, path, url, bytes }`.
 * `url` is its real URL (`https://www.<marketplace>/dp/<ASIN>`, the ASIN from its truth file),
 * or for a page without one a search URL of that marketplace unique to the page.
 */
export function fixturePages() {
  const dir = fixturesDir();
  const rows = fs.readFileSync(path.join(dir, 'SOURCES.tsv'), 'utf8').trim().split('\n');
  const head = rows.shift().split('\t');
  const col = (n) => head.indexOf(n);
  return rows.map((r) => r.split('\t')).map((c, i) => {
    const file = c[col('file')];
    let asin = null;
    try {
      asin = truth(file).asin;
    } catch { /* no truth file */ }
    const mp = c[col('marketplace')];
    const url = asin ? `https://www.${mp}/dp/${asin}` : `https://www.${mp}/s?k=page${i}`;
    return { file, path: path.join(dir, file), url, bytes: fs.readFileSync(path.join(dir, file)) };
  });
}

/** A synthetic page of our own from tests/pages/. */
export function ownPage(name) {
  return fs.readFileSync(path.join(ROOT, 'tests/pages', name));
}

/**
 * A page's bytes with every `from` replaced by `to` (latin1 round trip: the page's own charset
 * and every other byte are kept). Throws when the page does not hold `from`, so a test cannot
 * silently serve the unchanged page. E.g. a hijacked main image: `replaced(page, MAIN, 'X')`.
 */
export function replaced(bytes, from, to) {
  const text = bytes.toString('latin1');
  if (!text.includes(from)) throw new Error(`the page does not hold ${JSON.stringify(from)}`);
  return Buffer.from(text.split(from).join(to), 'latin1');
}

/**
 * A copy of a built extension (`built`: dist/chrome or dist/firefox) with `<all_urls>` added to
 * its host_permissions and nothing else changed, in a new temporary folder the caller removes.
 * For tabs.captureVisibleTab: the shipped manifest asks only for `activeTab`, which the browser
 * grants when the seller clicks the toolbar button (a click no test can make); the capture
 * accepts either grant and runs the same code. Asserts the shipped manifest asks for activeTab.
 */
export function extensionWithAllUrls(built) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cg-e2e-${path.basename(built)}-all-urls-`));
  fs.cpSync(built, dir, { recursive: true });
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.ok(m.permissions.includes('activeTab'), 'the shipped manifest asks for activeTab');
  m.host_permissions = [...m.host_permissions, '<all_urls>'];
  fs.writeFileSync(file, JSON.stringify(m, null, 2));
  return dir;
}

/** A 1x1 PNG served for every Amazon image request. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const IMAGE_HOST = /(^|\.)((media|ssl-images|images)-amazon\.com|images-amazon\.com)$/;
const AMAZON_HOST = /(^|\.)amazon\.(com|ca|com\.mx|com\.br|co\.uk|de|fr|it|es|nl|se|pl|com\.be|com\.tr|ae|sa|eg|in|co\.jp|sg|com\.au|cn|ie|co\.za)$/;

/** Chromium: $CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath() {
  return process.env.CHROMIUM || '/usr/bin/chromium';
}

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Chromium with the extension in a fresh profile. Options: `extensionDir`
 * (default dist/chrome), `headless` (default true), `viewport`, `userDataDir` (an existing
 * profile to launch again, e.g. one closed with `close({ keepProfile: true })`: a browser restart).
 */
export async function launch({ extensionDir = path.join(ROOT, 'dist/chrome'), headless = true, viewport = { width: 1280, height: 900 }, userDataDir: profile = null } = {}) {
  if (!fs.existsSync(path.join(extensionDir, 'manifest.json'))) {
    throw new Error(`${extensionDir}/manifest.json missing: run \`make build\` first`);
  }
  const userDataDir = profile ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cg-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless,
    viewport,
    args: [
      ...CHROMIUM_FLAGS,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
  });
  const pages = new Map();
  const gone = new WeakSet(); // stopped workers Playwright may still list
  let imageFor = null; // url -> PNG bytes for Amazon image hosts (else TINY_PNG)
  const served = new Map(); // url -> how many times a page given to serve() was answered
  await context.route((url) => url.protocol === 'http:' || url.protocol === 'https:', async (route) => {
    const url = route.request().url();
    const u = new URL(url);
    const key = url.split('#')[0];
    if (pages.has(key)) {
      const p = pages.get(key);
      served.set(key, (served.get(key) ?? 0) + 1);
      return route.fulfill({ status: 200, contentType: p.contentType, body: p.body });
    }
    if (IMAGE_HOST.test(u.hostname)) {
      const body = (imageFor && imageFor(url)) || TINY_PNG;
      return route.fulfill({ status: 200, contentType: 'image/png', body });
    }
    if (AMAZON_HOST.test(u.hostname)) return route.fulfill({ status: 404, contentType: 'text/plain', body: '' });
    return route.abort();
  });

  let sw = context.serviceWorkers()[0] || (await context.waitForEvent('serviceworker', { timeout: 15000 }));
  const extensionId = new URL(sw.url()).host;

  const h = {
    context,
    extensionId,
    userDataDir,
    /** How many times the worker was seen to stop (CDP), and its last running status. */
    workerStops: 0,
    workerStatus: null,
    /** The extension's current service worker (a new one after stop/wake). */
    async worker() {
      const live = context.serviceWorkers().filter((w) => !gone.has(w) && w.url().startsWith(`chrome-extension://${extensionId}/`));
      if (live.length) sw = live[live.length - 1];
      return sw;
    },
    /** Serves `body` (string or Buffer) at each URL; `contentType` defaults to HTML. */
    /** url -> how many times its page (given to `serve`) was answered, in this launch. */
    served,
    serve(map, contentType = 'text/html; charset=utf-8') {
      for (const [url, body] of Object.entries(map)) pages.set(url.split('#')[0], { body, contentType });
    },
    /** Answers Amazon image requests with `fn(url)` (PNG bytes; null/undefined = the tiny PNG). */
    serveImages(fn) {
      imageFor = fn;
    },
    /** Opens `url` in a new tab; returns {page, tabId}. */
    async open(url, page = null) {
      page = page || (await context.newPage());
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      const tabId = await h.tabIdOf(url);
      return { page, tabId };
    },
    /** The tab id showing `url` (via chrome.tabs.query in the worker). */
    async tabIdOf(url, timeout = 10000) {
      const end = Date.now() + timeout;
      for (;;) {
        const w = await h.extensionPage();
        const id = await w.evaluate(async (u) => {
          const tabs = await chrome.tabs.query({});
          const t = tabs.find((x) => x.url === u || x.pendingUrl === u);
          return t ? t.id : null;
        }, url).catch(() => null);
        if (id !== null) return id;
        if (Date.now() > end) throw new Error(`no tab shows ${url}`);
        await sleep(100);
      }
    },
    /** The tab's badge: {text, color: [r,g,b,a]} (read through chrome.action from an extension
     *  page, so reading it neither needs nor wakes the service worker). */
    async badge(tabId) {
      const w = await h.extensionPage();
      return w.evaluate(async (id) => ({
        text: await chrome.action.getBadgeText({ tabId: id }),
        color: await chrome.action.getBadgeBackgroundColor({ tabId: id }),
      }), tabId);
    },
    /** Polls the badge until `pred(badge)` holds; returns it (throws with the last badge on timeout). */
    async waitForBadge(tabId, pred, timeout = 15000) {
      const end = Date.now() + timeout;
      let last = null;
      for (;;) {
        last = await h.badge(tabId).catch(() => last);
        if (last && pred(last)) return last;
        if (Date.now() > end) throw new Error(`badge never matched; last: ${JSON.stringify(last)}`);
        await sleep(100);
      }
    },
    /** What the background stored for the tab: {report, page, url} or null. */
    async tabState(tabId) {
      const w = await h.extensionPage();
      return w.evaluate(async (id) => {
        const k = `tab:${id}`;
        return (await chrome.storage.session.get(k))[k] ?? null;
      }, tabId);
    },
    /** Polls the stored tab state until `pred(state)` holds. */
    async waitForState(tabId, pred, timeout = 15000) {
      const end = Date.now() + timeout;
      let last = null;
      for (;;) {
        last = await h.tabState(tabId).catch(() => last);
        if (last && pred(last)) return last;
        if (Date.now() > end) throw new Error(`tab state never matched; last status: ${last?.report?.status}`);
        await sleep(100);
      }
    },
    /** An extension page (options.html, kept open) to send ui-* messages from. */
    async extensionPage() {
      if (!h._extPage || h._extPage.isClosed()) {
        h._extPage = await context.newPage();
        await h._extPage.goto(`chrome-extension://${extensionId}/options/options.html`);
      }
      return h._extPage;
    },
    /** Sends a message to the background from an extension page; returns the raw answer. */
    async send(message) {
      const p = await h.extensionPage();
      return p.evaluate((m) => chrome.runtime.sendMessage(m), message);
    },
    /** Sets the extension's language on the options page (as a seller does: the language select)
     *  and waits until the page speaks it; the options page is closed again. */
    async setLanguage(lang) {
      const heading = { en: 'Saved listings', ja: '登録商品' }[lang];
      if (!heading) throw new Error(`no heading known for language ${lang}`);
      const options = await context.newPage();
      await options.goto(`chrome-extension://${extensionId}/options/options.html`);
      await options.locator('body[data-ready="true"]').waitFor();
      await options.locator('#language').selectOption(lang);
      await options.locator('#listings-heading', { hasText: heading }).waitFor();
      await options.close();
    },
    /** A storage.local value (null when not stored), read from an extension page. */
    async stored(key) {
      const p = await h.extensionPage();
      return p.evaluate(async (k) => (await chrome.storage.local.get(k))[k] ?? null, key);
    },
    /** Sends like `send` and asserts the answer is ok (the message type and error said when not). */
    async sendOk(message) {
      const res = await h.send(message);
      assert.equal(res?.ok, true, `${message.type}: ${JSON.stringify(res?.error)}`);
      return res;
    },
    /** Opens the popup for a tab (popup.html?tabId=N in its own tab). */
    async openPopup(tabId) {
      const p = await context.newPage();
      await p.goto(`chrome-extension://${extensionId}/popup/popup.html?tabId=${tabId}`);
      return p;
    },
    /** Stops the extension's service worker (CDP ServiceWorker.stopAllWorkers) and waits until it is stopped and closed. */
    async stopWorker() {
      const old = await h.worker();
      const cdp = await h.swStatus();
      // Counted, not polled: a page's pending message can start the worker again right after
      // it stopped, between two polls, and the status would never be seen as "stopped". A stop
      // request the browser drops (the worker was busy starting) is sent again.
      const before = h.workerStops;
      const end = Date.now() + 15000;
      let sentAt = 0;
      while (h.workerStops === before) {
        if (Date.now() > end) throw new Error(`service worker never stopped; status ${h.workerStatus}`);
        if (Date.now() - sentAt > 3000) {
          sentAt = Date.now();
          await cdp.send('ServiceWorker.stopAllWorkers');
        }
        await sleep(25);
      }
      gone.add(old);
    },
    /** A CDP session tracking our worker's running status in `h.workerStatus`. */
    async swStatus() {
      if (!h._cdp) {
        const p = await h.extensionPage();
        h._cdp = await context.newCDPSession(p);
        h._cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
          for (const v of e.versions) {
            if (!v.scriptURL.startsWith(`chrome-extension://${extensionId}/`)) continue;
            if (v.runningStatus === 'stopped' && h.workerStatus !== 'stopped') h.workerStops += 1;
            h.workerStatus = v.runningStatus;
          }
        });
        await h._cdp.send('ServiceWorker.enable');
        await sleep(200);
      }
      return h._cdp;
    },
    /** Waits until the worker's running status (CDP) is `status` ("running", "stopped"). */
    async waitForWorkerStatus(status, timeout = 10000) {
      await h.swStatus();
      const end = Date.now() + timeout;
      while (h.workerStatus !== status) {
        if (Date.now() > end) throw new Error(`service worker status stayed ${h.workerStatus}, wanted ${status}`);
        await sleep(50);
      }
    },
    /** Wakes the stopped worker with a harmless message and waits until it runs again. */
    async wakeWorker() {
      const res = await h.send({ type: 'ui-bg-settings-get' });
      if (!res || !res.ok) throw new Error(`worker did not answer: ${JSON.stringify(res)}`);
      await h.waitForWorkerStatus('running');
    },
    /** Closes the browser; the profile is removed unless `keepProfile` (to `launch` it again). */
    async close({ keepProfile = false } = {}) {
      await context.close().catch(() => {});
      if (!keepProfile) fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
  return h;
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls `fn` every `step` ms until it returns something truthy, and returns that; throws
 * "timed out waiting for <what>" after `timeout` ms.
 */
export async function until(what, fn, { timeout = 15000, step = 100 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(step);
  }
}

/** Badge background colours the background sets, as Chromium reports them ([r, g, b, 255]). */
export const BADGE_COLOURS = {
  match: [0x18, 0x80, 0x38, 255],
  mismatch: [0xd9, 0x30, 0x25, 255],
  untracked: [0x80, 0x86, 0x8b, 255],
  unreadable: [0xf2, 0x99, 0x00, 255],
};
