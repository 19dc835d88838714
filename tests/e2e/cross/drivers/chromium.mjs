// Debian Chromium (headless) through Playwright: the same launch as tests/e2e/harness.mjs
// (dist/chrome loaded, pages served through context.route), shaped as the cross-browser
// handle the shared cases use (see ../cases.mjs).
import path from 'node:path';
import { launch as launchChromium, ROOT } from '../../harness.mjs';

export const name = 'chromium';

function pageOf(page) {
  return {
    page,
    eval: (fn, arg) => page.evaluate(fn, arg ?? null),
    reload: () => page.reload({ waitUntil: 'domcontentloaded' }),
    screenshot: (file) => page.screenshot({ path: file }),
    close: () => page.close(),
  };
}

export async function launch({ extensionDir = path.join(ROOT, 'dist/chrome'), size = { width: 1280, height: 900 } } = {}) {
  const h = await launchChromium({ extensionDir, viewport: size });
  const b = {
    name,
    harness: h,
    serve: (map, contentType) => h.serve(map, contentType),
    serveImages: (fn) => h.serveImages(fn),
    async open(url) {
      const { page, tabId } = await h.open(url);
      const p = pageOf(page);
      p.tabId = tabId;
      return p;
    },
    async extensionPage() {
      return pageOf(await h.extensionPage());
    },
    async ext(fn, arg) {
      return (await h.extensionPage()).evaluate(fn, arg ?? null);
    },
    async openExtension(rel) {
      const page = await h.context.newPage();
      await page.goto(`chrome-extension://${h.extensionId}/${rel}`);
      return pageOf(page);
    },
    tabIdOf: (url, timeout) => h.tabIdOf(url, timeout),
    /** "running" or "stopped" (the service worker's status through CDP). */
    async backgroundState() {
      await h.swStatus();
      return h.workerStatus;
    },
    /** Stops the service worker (CDP), as Chromium does after 30 s idle. */
    stopBackground: () => h.stopWorker(),
    close: () => h.close(),
  };
  return b;
}
