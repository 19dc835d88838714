// The one place that knows which browser we run in. Firefox has `browser` (promise-based);
// Chrome and Edge have `chrome` (promise-based in MV3). Everything else imports `api`.

/** The WebExtension API namespace of this browser. */
export const api = globalThis.browser ?? globalThis.chrome;

/** True in Firefox (background scripts instead of a service worker). */
export const isFirefox = typeof globalThis.browser !== 'undefined' && globalThis.browser.runtime?.getBrowserInfo !== undefined;

/** The extension's own origin with a trailing slash, e.g. `chrome-extension://<id>/`. */
export function ownOrigin() {
  return api.runtime.getURL('');
}

/**
 * Every key in storage.local (`storage.local.getKeys`: Chrome 130+, Firefox 143+), or null where
 * the browser lacks it (callers then read by the keys they know).
 */
export async function localKeys() {
  return typeof api.storage?.local?.getKeys === 'function' ? api.storage.local.getKeys() : null;
}

/** True when a message comes from one of this extension's own pages (popup, options, www in the extension). */
export function fromExtensionPage(sender) {
  return Boolean(sender && sender.id === api.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(ownOrigin()));
}

/** True when a message comes from this extension's content script in a tab. */
export function fromContentScript(sender) {
  return Boolean(sender && sender.id === api.runtime.id && sender.tab && typeof sender.tab.id === 'number');
}

// ---- screenshots (background/shots.js): the pieces that differ between browsers ----

/**
 * The visible part of the active tab of window `windowId` as a JPEG data URL
 * (`tabs.captureVisibleTab`: Chrome, Edge and Firefox; needs `activeTab`, granted by the
 * toolbar click that opened the popup). `quality` is 0..100.
 */
export function captureVisibleTab(windowId, quality) {
  return api.tabs.captureVisibleTab(windowId, { format: 'jpeg', quality });
}

/**
 * A 2D canvas of `width` x `height` where this context has one: OffscreenCanvas (Chrome's
 * service worker, Firefox), else a DOM canvas (an extension page, an older Firefox's
 * background page).
 */
export function makeCanvas(width, height) {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const c = globalThis.document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c;
}

/** The canvas as JPEG bytes (a Blob) at `quality` (0..1). */
export function canvasToJpeg(canvas, quality) {
  if (typeof canvas.convertToBlob === 'function') return canvas.convertToBlob({ type: 'image/jpeg', quality });
  return new Promise((resolve, reject) => {
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the picture could not be encoded'))), 'image/jpeg', quality);
  });
}
