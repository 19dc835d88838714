// Content script (thin): sends the live product page's {url, html} to the background, at
// document_end (the product containers are server-rendered; measured 29% sooner to the badge
// than document_idle, BENCHMARKS.md) and again after in-page changes (variation switch, image
// swap, ASIN change, history navigation; the MutationObserver catches what the page's own
// scripts fill in later). It parses nothing itself: the Rust core in the background does.
// It sends only the parts of the page a check reads (content/page-parts.js, loaded before this
// file: tens to hundreds of KB instead of 1-3 MB; the same report, tests/e2e/page-parts), and
// the whole page when the page has no ASIN input (captcha, 404, other pages).
(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  const parts = globalThis.cgPageParts;
  const DEBOUNCE_MS = 400;
  // Amazon updates parts of #ppd on its own (delivery countdowns, carousels): never send more
  // often than this, whatever the page does.
  const MIN_INTERVAL_MS = 2000;
  let lastSentAt = 0;
  // The containers whose changes matter; the first one found is observed (whole body otherwise).
  const CONTAINERS = ['#ppd', '#dp-container', '#dp', '#a-page'];

  let alive = true;
  let timer = 0;
  let lastUrl = location.href;
  let lastHtml = '';
  let staleResends = 0;
  let observer = null;

  function stop() {
    alive = false;
    clearTimeout(timer);
    if (observer) observer.disconnect();
    observer = null;
  }

  function contextGone(e) {
    return /context invalidated/i.test(String(e && e.message));
  }

  function send() {
    if (!alive) return;
    if (!api?.runtime?.id) { stop(); return; } // the extension was reloaded or removed
    const started = Date.now();
    const nav = performance.now(); // ms since this document's navigation started
    // `make bench-wasm` compares with sending the whole page: `?cg-bench-send=whole` in the URL.
    const wanted = parts && !location.href.includes('cg-bench-send=whole') ? parts.reduce(document) : null;
    const html = wanted ?? document.documentElement.outerHTML;
    const url = location.href;
    if (html === lastHtml && url === lastUrl) return; // nothing new to check
    lastHtml = html;
    lastUrl = url;
    lastSentAt = Date.now();
    // For `make bench-wasm`: when this send started in the page's timeline, what taking the
    // page's text took, and whether it was the parts or the whole page.
    const timing = { nav_ms: nav, html_ms: performance.now() - nav, send: wanted === null ? 'whole' : 'parts' };
    try {
      const p = api.runtime.sendMessage({ type: 'cs-bg-page', url, html, started, timing });
      if (p && typeof p.then === 'function') {
        p.then((res) => {
          // The background dropped this check as stale: a tab 'loading' event reached it after
          // this message, as when the message itself woke a stopped worker. This document is
          // still here (a navigated-away one has no content script left), so send it again.
          if (res?.ok && res.stale && staleResends++ < 3) { lastHtml = ''; schedule(); }
        }, (e) => { if (contextGone(e)) stop(); });
      }
    } catch (e) {
      if (contextGone(e)) stop(); // "Extension context invalidated.": quietly stop
    }
  }

  function schedule() {
    if (!alive) return;
    clearTimeout(timer);
    const wait = Math.max(DEBOUNCE_MS, lastSentAt + MIN_INTERVAL_MS - Date.now());
    timer = setTimeout(send, wait);
  }

  function observe() {
    const target = CONTAINERS.map((s) => document.querySelector(s)).find(Boolean) || document.body;
    if (!target) return;
    observer = new MutationObserver(schedule);
    observer.observe(target, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['src', 'value', 'selected', 'checked', 'data-old-hires', 'data-a-dynamic-image'],
    });
  }

  // The background cleared this tab's badge for a new document (a tab 'loading' event) and asks
  // whatever document is in the tab to send itself again: under load that event can reach the
  // worker after this document's own message was checked and its badge set, which it then
  // cleared for good.
  api?.runtime?.onMessage?.addListener((msg) => {
    if (msg && msg.type === 'bg-cs-resend') { lastHtml = ''; schedule(); }
  });
  addEventListener('popstate', schedule);
  addEventListener('hashchange', schedule);
  // Back/forward cache: the page comes back without running this script again.
  addEventListener('pageshow', (e) => { if (e.persisted) { lastHtml = ''; schedule(); } });
  if (globalThis.navigation && typeof navigation.addEventListener === 'function') {
    navigation.addEventListener('navigatesuccess', schedule);
  }

  send();
  observe();
})();
