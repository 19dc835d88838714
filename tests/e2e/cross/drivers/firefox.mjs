// Firefox ESR (Debian's firefox-esr, headless) driven through geckodriver with
// selenium-webdriver, with the built extension (dist/firefox) installed as a temporary add-on.
//
// - Pages are served under their real Amazon URLs by a local proxy that answers HTTPS itself
//   (../serve.mjs); prefs point Firefox at it, acceptInsecureCerts takes its certificate.
// - The extension's UUID is fixed through `extensions.webextensions.uuids`, so its pages are
//   moz-extension://<UUID>/…. Firefox refuses a WebDriver navigation to them; geckodriver runs
//   with --allow-system-access and they are opened from the chrome context
//   (gBrowser.addTab with the system principal). Scripts run there can call `browser.*`.
// - Stopping the background: its idle timeout is lowered to 1 s for a moment and Firefox's own
//   idle timer unloads it (chrome context: the pref, backgroundState, terminateBackground).
// Every WebDriver command goes through one queue, since the driver has one current window.
import { Builder } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT } from '../../harness.mjs';
import { proxy } from '../serve.mjs';

export const name = 'firefox';

/** Firefox: $FIREFOX, else Debian's /usr/bin/firefox-esr. */
export function firefoxPath() {
  return process.env.FIREFOX || '/usr/bin/firefox-esr';
}

/** geckodriver: $GECKODRIVER, else the one `cargo install` put in ~/.cargo/bin, else PATH. */
export function geckodriverPath() {
  if (process.env.GECKODRIVER) return process.env.GECKODRIVER;
  const cargo = path.join(os.homedir(), '.cargo/bin/geckodriver');
  if (fs.existsSync(cargo)) return cargo;
  try {
    return execFileSync('sh', ['-c', 'command -v geckodriver'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('geckodriver not found: run `make setup` (cargo install geckodriver)');
  }
}

/** The fixed moz-extension UUID the tests give the extension. */
export const EXTENSION_UUID = '6f1c3a52-93d4-4c2e-9b7a-c47a1095e2e1';

/** The script a function runs as: `fn(arg)` awaited, the result or the error handed back. */
function wrap(fn) {
  return `const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (${fn})(arguments[0])).then(
  (v) => done({ ok: true, v: v === undefined ? null : v }),
  (e) => done({ ok: false, e: String((e && (e.message || e.stack)) || e) }));`;
}

/**
 * Launches Firefox with the extension in a fresh profile: the cross-browser handle the shared
 * cases use (see ../cases.mjs). Options: `extensionDir` (default dist/firefox), `size`.
 */
export async function launch({ extensionDir = path.join(ROOT, 'dist/firefox'), size = { width: 1280, height: 900 } } = {}) {
  const manifestPath = path.join(extensionDir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) throw new Error(`${manifestPath} missing: run \`make build\` first`);
  const geckoId = JSON.parse(fs.readFileSync(manifestPath, 'utf8')).browser_specific_settings.gecko.id;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-e2e-ff-'));
  const pages = new Map();
  const web = await proxy(pages, tmp);

  const options = new firefox.Options()
    .setBinary(firefoxPath())
    .addArguments('-headless', `--width=${size.width}`, `--height=${size.height}`)
    .setAcceptInsecureCerts(true);
  const prefs = {
    'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: EXTENSION_UUID }),
    // Every request through the local proxy (which refuses everything but Amazon hosts).
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': web.port,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': web.port,
    'network.proxy.no_proxies_on': '',
    'network.proxy.allow_hijacking_localhost': true,
    'network.http.http3.enable': false,
    // Quiet: no background services, no first-run pages.
    'app.update.disabledForTesting': true,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'browser.safebrowsing.downloads.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'browser.region.network.url': '',
    'extensions.getAddons.cache.enabled': false,
    'browser.newtabpage.enabled': false,
    // Page language: the popup's browser default is English.
    'intl.accept_languages': 'en-US, en',
    'intl.locale.requested': 'en-US',
    'alerts.useSystemBackend': false,
  };
  for (const [k, v] of Object.entries(prefs)) options.setPreference(k, v);

  const service = new firefox.ServiceBuilder(geckodriverPath()).addArguments('--allow-system-access');
  let driver;
  try {
    driver = await new Builder().forBrowser('firefox').setFirefoxOptions(options).setFirefoxService(service).build();
  } catch (e) {
    await web.close();
    throw e;
  }
  await driver.manage().setTimeouts({ script: 60000, pageLoad: 30000 });
  await driver.installAddon(extensionDir, true);

  // One WebDriver command sequence at a time.
  let queue = Promise.resolve();
  const locked = (task) => {
    const next = queue.then(task, task);
    queue = next.catch(() => {});
    return next;
  };
  const origin = `moz-extension://${EXTENSION_UUID}/`;

  /** Runs `fn(arg)` in the window `handle` (content context); returns its result. */
  async function evalIn(handle, fn, arg) {
    const res = await locked(async () => {
      await driver.switchTo().window(handle);
      return driver.executeAsyncScript(wrap(fn), arg ?? null);
    });
    if (!res || !res.ok) throw new Error(res ? res.e : 'no answer from the page');
    return res.v;
  }

  /** Runs `src` (with `arguments[0]`) in the chrome (browser) context. */
  function chrome(src, arg) {
    return locked(async () => {
      await driver.setContext(firefox.Context.CHROME);
      try {
        return await driver.executeScript(src, arg ?? null);
      } finally {
        await driver.setContext(firefox.Context.CONTENT);
      }
    });
  }

  async function waitLoaded(handle) {
    const end = Date.now() + 15000;
    for (;;) {
      const state = await evalIn(handle, () => document.readyState).catch(() => null);
      if (state === 'complete') return;
      if (Date.now() > end) throw new Error(`page in ${handle} never finished loading`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Opens an extension page (path under the extension's origin) in a new tab. */
  async function openExtension(rel) {
    const url = origin + rel;
    const before = new Set(await locked(() => driver.getAllWindowHandles()));
    await chrome(`const win = Services.wm.getMostRecentWindow('navigator:browser');
const tab = win.gBrowser.addTab(arguments[0], { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() });
win.gBrowser.selectedTab = tab;`, url);
    const end = Date.now() + 10000;
    let handle = null;
    while (!handle) {
      const now = await locked(() => driver.getAllWindowHandles());
      handle = now.find((x) => !before.has(x)) ?? null;
      if (!handle && Date.now() > end) throw new Error(`no new tab for ${url}`);
      if (!handle) await new Promise((r) => setTimeout(r, 50));
    }
    await waitLoaded(handle);
    return pageOf(handle);
  }

  function pageOf(handle) {
    return {
      handle,
      eval: (fn, arg) => evalIn(handle, fn, arg),
      async reload() {
        await locked(async () => {
          await driver.switchTo().window(handle);
          await driver.navigate().refresh();
        });
      },
      async screenshot(file, { fullPage = false } = {}) {
        const png = await locked(async () => {
          await driver.switchTo().window(handle);
          return fullPage ? driver.takeFullPageScreenshot() : driver.takeScreenshot();
        });
        fs.writeFileSync(file, Buffer.from(png, 'base64'));
      },
      async close() {
        await locked(async () => {
          await driver.switchTo().window(handle);
          await driver.close();
          const rest = await driver.getAllWindowHandles();
          if (rest.length) await driver.switchTo().window(rest[0]);
        });
      },
    };
  }

  const backgroundState = () => chrome(`const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
return ExtensionParent.GlobalManager.getExtension(arguments[0]).backgroundState;`, geckoId);

  async function waitState(state, timeout) {
    const end = Date.now() + timeout;
    let last;
    while ((last = await backgroundState()) !== state) {
      if (Date.now() > end) throw new Error(`background stayed ${last}, wanted ${state}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the background now (what the idle timer calls; Firefox defers it while a listener
   *  is still busy, so it is asked again each second). */
  async function terminate() {
    const end = Date.now() + 15000;
    while ((await backgroundState()) !== 'stopped') {
      if (Date.now() > end) throw new Error(`background stayed ${await backgroundState()}`);
      await chrome(`const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
ExtensionParent.GlobalManager.getExtension(arguments[0]).terminateBackground({ ignoreDevToolsAttached: true });`, geckoId);
      await waitState('stopped', 1000).catch(() => {});
    }
  }

  let extPage = null;
  const b = {
    name,
    driver,
    requests: web.requests,
    serve(map, contentType = 'text/html; charset=utf-8') {
      for (const [url, body] of Object.entries(map)) pages.set(url.split('#')[0], { body, contentType });
    },
    /** Answers Amazon image requests with `fn(url)` (PNG bytes; null = a tiny PNG). */
    serveImages: (fn) => web.serveImages(fn),
    /** Opens `url` in a new tab; returns the page with its `tabId`. */
    async open(url) {
      const handle = await locked(async () => {
        await driver.switchTo().newWindow('tab');
        await driver.get(url);
        return driver.getWindowHandle();
      });
      const page = pageOf(handle);
      page.tabId = await b.tabIdOf(url);
      return page;
    },
    /** An extension page kept open to run extension code from (options.html). */
    async extensionPage() {
      if (!extPage) extPage = await openExtension('options/options.html');
      return extPage;
    },
    /** Runs `fn(arg)` in the kept extension page. */
    async ext(fn, arg) {
      return (await b.extensionPage()).eval(fn, arg);
    },
    openExtension,
    async tabIdOf(url, timeout = 10000) {
      const end = Date.now() + timeout;
      for (;;) {
        const id = await b.ext(async (u) => {
          const tabs = await globalThis.browser.tabs.query({});
          const t = tabs.find((x) => x.url === u);
          return t ? t.id : null;
        }, url).catch(() => null);
        if (id !== null) return id;
        if (Date.now() > end) throw new Error(`no tab shows ${url}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** "running", "stopped", "starting" or "suspending". */
    backgroundState,
    /**
     * Lets the background page go idle until Firefox unloads it: the idle timeout is lowered
     * to 1 s, the running page is stopped (its timer was armed for the old timeout) and woken
     * by a message, so that the idle timer unloads it one second after its last event or API
     * call. The timeout goes back to Firefox's default afterwards.
     */
    async stopBackground() {
      await chrome("Services.prefs.setIntPref('extensions.background.idle.timeout', 1000);");
      try {
        await terminate();
        const woke = await b.ext((m) => globalThis.browser.runtime.sendMessage(m), { type: 'ui-bg-settings-get' });
        if (!woke?.ok) throw new Error(`the background did not wake: ${JSON.stringify(woke)}`);
        await waitState('stopped', 20000);
      } finally {
        await chrome("Services.prefs.clearUserPref('extensions.background.idle.timeout');");
      }
    },
    async close() {
      await driver.quit().catch(() => {});
      await web.close().catch(() => {});
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
  return b;
}
