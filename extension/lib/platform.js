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

/** True when a message comes from one of this extension's own pages (popup, options, www in the extension). */
export function fromExtensionPage(sender) {
  return Boolean(sender && sender.id === api.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(ownOrigin()));
}

/** True when a message comes from this extension's content script in a tab. */
export function fromContentScript(sender) {
  return Boolean(sender && sender.id === api.runtime.id && sender.tab && typeof sender.tab.id === 'number');
}
