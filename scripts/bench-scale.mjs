#!/usr/bin/env node
// Scale figures for a catalogue of 10,000 listings with histories, in the built extension
// (dist/chrome, headless Chromium): storage.local size, the options page's first render, a
// status-filter change, a search keystroke and scrolling on it, export and import through the background,
// and the sync encode. One run; prints JSON. Usage: node scripts/bench-scale.mjs [N]
// [--render-only] [--fresh-profile] (also import the export into a fresh profile)
import { loadavg } from 'node:os';
import { launch } from '../tests/e2e/harness.mjs';

const N = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 10_000);
const RENDER_ONLY = process.argv.includes('--render-only');
const KANA = 'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん';
let seed = 7;
const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const ja = (n) => Array.from({ length: n }, () => KANA[rnd(KANA.length)]).join('');

function listing(i) {
  return {
    asin: `B0SC${String(i).padStart(6, '0')}`,
    marketplace: 'amazon.co.jp',
    sku: `SKU-${i}`,
    title: `${ja(60)} タオル ${i}`,
    brand: ja(6),
    images: ['81lde+541vL', '71abcDEF12L', '61xyzABC34L'],
    variations: { color_name: ja(3) },
    breadcrumb: ['ホーム＆キッチン', ja(5)],
    bullets: Array.from({ length: 5 }, () => ja(120)),
    description: ja(400),
    seller: { id: `A${String(i).padStart(12, '0')}`, name: ja(8) },
    offer_count: null,
    saved_at: '2026-01-01T00:00:00Z',
    updated_at: new Date(Date.UTC(2026, 5, 1) + i * 60_000).toISOString(),
    note: '',
  };
}

const h = await launch();
const out = { listings: N };
try {
  const w = await h.worker();
  await w.evaluate(() => chrome.storage.local.set({ settings: { language: 'en', recheck_interval_hours: 0 } }));
  // The listings, each with a history (its first observation, through the core) and a last check.
  const page = await h.extensionPage();
  await page.evaluate(async ([n, listings]) => {
    const m = await import(chrome.runtime.getURL('pkg/catalog_guard.js'));
    await m.default({ module_or_path: chrome.runtime.getURL('pkg/catalog_guard_bg.wasm') });
    const map = {};
    const extra = {};
    const now = Date.now();
    for (let i = 0; i < n; i++) {
      const l = listings[i % listings.length];
      const asin = `B0SC${String(i).padStart(6, '0')}`;
      const one = { ...l, asin, sku: `SKU-${i}` };
      const key = `amazon.co.jp/${asin}`;
      map[key] = one;
      extra[`history:${key}`] = m.invoke({ type: 'history_record_listing', args: { history: null, listing: one, now_ms: now } }).history;
      extra[`check:${key}`] = { at: now - (i % 50) * 3_600_000, source: i % 3 ? 'recheck' : 'viewed', status: i % 97 ? 'match' : 'mismatch', differences: i % 97 ? 0 : 1 };
    }
    await chrome.storage.local.set({ listings: map, ...extra });
  }, [N, Array.from({ length: 200 }, (_, i) => listing(i))]);
  out.storage_local_bytes = await page.evaluate(() => chrome.storage.local.getBytesInUse(null));

  // What each message the options page sends at load costs (round trip from an extension page).
  out.options_messages_ms = await page.evaluate(async () => {
    const times = {};
    for (const type of ['ui-bg-settings-get', 'ui-bg-listings-summary', 'ui-bg-listings-summary', 'ui-bg-catalog-status', 'ui-bg-sync-status', 'ui-bg-recheck-status', 'ui-bg-baseline-status', 'ui-bg-recently-deleted']) {
      const t0 = performance.now();
      await chrome.runtime.sendMessage({ type });
      const ms = Math.round(performance.now() - t0);
      times[type] = times[type] === undefined ? ms : [].concat(times[type], ms);
    }
    return times;
  });

  // The table's summary after a change to the listings (one title edited): 1 s after it, at
  // once again, and 5 s after a second change. The worker indexes the change event's new
  // listings instead of reading them all; taking in the event itself (old and new listings)
  // keeps it busy for a while.
  out.summary_after_change_ms = await page.evaluate(async () => {
    const { listings } = await chrome.storage.local.get('listings');
    const k = Object.keys(listings)[0];
    listings[k] = { ...listings[k], title: `${listings[k].title} (edited)`, updated_at: new Date().toISOString() };
    await chrome.storage.local.set({ listings });
    const times = [];
    for (const wait of [1000, 0, 5000]) {
      if (wait === 5000) {
        listings[k] = { ...listings[k], title: `${listings[k].title} (again)`, updated_at: new Date().toISOString() };
        await chrome.storage.local.set({ listings });
      }
      await new Promise((r) => { setTimeout(r, wait); });
      const t0 = performance.now();
      await chrome.runtime.sendMessage({ type: 'ui-bg-listings-summary' });
      times.push(Math.round(performance.now() - t0));
    }
    return times;
  });

  // Options page: first render (navigation -> the first screen of rows drawn), every row in
  // (search, filters and selection work), and the whole page ready (every section loaded).
  const renders = { first_rows: [], table: [], ready: [] };
  for (let r = 0; r < 3; r++) {
    const p = await h.context.newPage();
    const t0 = Date.now();
    await p.goto(`chrome-extension://${h.extensionId}/options/options.html`);
    // Polled in the page (every frame): the test process's own polling would add its latency.
    const marks = await p.evaluate(async () => {
      const seen = {};
      for (;;) {
        const d = document.body.dataset;
        const now = performance.now(); // from this page's navigation start
        if (d.firstRows && seen.first_rows === undefined) seen.first_rows = now;
        if (d.table && seen.table === undefined) seen.table = now;
        if (d.ready) { seen.ready = now; return seen; }
        await new Promise((res) => { requestAnimationFrame(res); });
      }
    });
    renders.wall_ms = [...(renders.wall_ms ?? []), Date.now() - t0];
    // The page's own steps (performance.mark in options.js) and when its scripts had run.
    renders.steps = [...(renders.steps ?? []), await p.evaluate(() => Object.fromEntries([
      ['dom_content_loaded', performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd],
      ...performance.getEntriesByType('mark').filter((m) => m.name.startsWith('cg:')).map((m) => [m.name.slice(3), m.startTime]),
    ].map(([k, v]) => [k, Math.round(v ?? -1)])))];
    for (const k of ['first_rows', 'table', 'ready']) renders[k].push(Math.round(marks[k] ?? marks.ready));
    if (r < 2) await p.close();
    else {
      // A status-filter change (no debounce) and a search keystroke (filtered on the next frame).
      out.filter_change_ms = await p.evaluate(async () => {
        const sel = document.getElementById('status-filter');
        const t = performance.now();
        sel.value = 'problems';
        sel.dispatchEvent(new Event('change'));
        const ms = performance.now() - t; // the handler filters and renders synchronously
        sel.value = 'all';
        sel.dispatchEvent(new Event('change'));
        return ms;
      });
      out.keystroke_ms = await p.evaluate(async () => {
        const input = document.getElementById('search');
        const count = document.getElementById('count');
        const before = count.textContent;
        const t = performance.now();
        input.value = 'SKU-99';
        input.dispatchEvent(new Event('input'));
        for (;;) {
          await new Promise((r) => { requestAnimationFrame(r); });
          if (count.textContent !== before) return performance.now() - t;
        }
      });
      // Scrolling the virtualised list (every listing shown again first).
      out.scroll = await p.evaluate(async () => {
        const frame = () => new Promise((r) => { requestAnimationFrame(r); });
        const input = document.getElementById('search');
        input.value = '';
        input.dispatchEvent(new Event('input'));
        await frame();
        await frame();
        const el = document.getElementById('table-scroll');
        const rows = document.getElementById('rows');
        const n = Number(document.getElementById('listings').getAttribute('aria-rowcount')) - 1;
        const pitch = (el.scrollHeight - el.clientHeight) / Math.max(1, n); // about one row
        const q = (a) => { const s = a.slice().sort((x, y) => x - y); return (p) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] * 10) / 10; };
        // Jumps: scrollTop set anywhere -> the frame in which the rows of that place are drawn.
        const jumps = [];
        for (let i = 0; i < 20; i++) {
          const target = Math.floor(((i * 7919) % 97) / 97 * (n - 20));
          const t = performance.now();
          el.scrollTop = target * pitch;
          for (;;) {
            await frame();
            const idx = Number(rows.firstElementChild?.getAttribute('aria-rowindex') ?? 0) - 2;
            const last = Number(rows.lastElementChild?.getAttribute('aria-rowindex') ?? 0) - 2;
            if (idx <= target && target <= last) break;
          }
          jumps.push(performance.now() - t);
        }
        // Steady scrolling: 240 px a frame for 300 frames; the time between frames.
        el.scrollTop = 0;
        await frame();
        const frames = [];
        let prev = performance.now();
        for (let i = 0; i < 300; i++) {
          el.scrollTop += 240;
          await frame();
          const now = performance.now();
          frames.push(now - prev);
          prev = now;
        }
        const jq = q(jumps);
        const fq = q(frames);
        return {
          rows_in_dom: rows.children.length,
          jump_ms: { p50: jq(0.5), p95: jq(0.95), max: jq(1) },
          frame_ms: { p50: fq(0.5), p95: fq(0.95), max: fq(1), over_33ms: frames.filter((f) => f > 33.4).length, frames: frames.length },
        };
      });
      await p.close();
    }
  }
  out.options_first_render_ms = renders;

  // Export and import (merge into the same listings) as the options page does them
  // (options/file-transfer.js: the file made in the page from storage.local; an import sends the
  // background only what differs), timed in an extension page. `import_ms` = preview + apply.
  if (!RENDER_ONLY) out.load_average_at_export = loadavg().map((x) => Math.round(x * 100) / 100);
  if (!RENDER_ONLY) Object.assign(out, await page.evaluate(async () => {
    const { exportFile, prepareImport } = await import(chrome.runtime.getURL('options/file-transfer.js'));
    let t0 = performance.now();
    const { parts } = await exportFile();
    const blob = new Blob(parts, { type: 'application/json' });
    const exportMs = performance.now() - t0;
    const text = await blob.text();
    t0 = performance.now();
    const plan = await prepareImport(text);
    const previewMs = performance.now() - t0;
    await plan.apply('merge');
    const importMs = performance.now() - t0;
    const { preview: p } = plan;
    // As a seller does it: the merge pressed after reading the preview for a second and a half
    // (the stored histories are read meanwhile); the same file again, so nothing is written.
    const again = await prepareImport(text);
    await new Promise((r) => { setTimeout(r, 1500); });
    t0 = performance.now();
    await again.apply('merge');
    const mergeAfterReadingMs = performance.now() - t0;
    return {
      merge_after_reading_preview_ms: Math.round(mergeAfterReadingMs),
      export_ms: Math.round(exportMs),
      export_bytes: blob.size,
      import_preview_ms: Math.round(previewMs),
      import_ms: Math.round(importMs),
      import_preview: { new: p.new.length, changed: p.changed.length, unchanged: p.unchanged.length, total: p.total },
      steps_ms: globalThis.cgTransferTimings, // the page's, by step (ms since each one's start)
    };
  }));
  if (!RENDER_ONLY) out.import_apply_background_steps_ms = await w.evaluate(() => globalThis.cgImportTimings ?? null).catch(() => null);

  // The sync encode of all listings (what a push computes), in the extension's wasm.
  if (!RENDER_ONLY) out.sync_encode_ms = await page.evaluate(async () => {
    const m = await import(chrome.runtime.getURL('pkg/catalog_guard.js'));
    const { listings } = await chrome.storage.local.get('listings');
    const all = Object.values(listings);
    const t0 = performance.now();
    const plan = m.invoke({ type: 'sync_encode', args: { listings: all, settings: null } });
    const ms = performance.now() - t0;
    return { ms, full: plan.stats.full, fingerprint_only: plan.stats.fingerprint_only, not_synced: plan.stats.not_synced, bytes: plan.stats.bytes_used };
  });
  // The same file into a fresh profile (every listing new: moving a catalogue to another
  // browser), handed to the page in parts (not timed), then preview and merge as above.
  if (process.argv.includes('--fresh-profile')) {
    const parts = await page.evaluate(async () => {
      const { exportFile } = await import(chrome.runtime.getURL('options/file-transfer.js'));
      const text = await new Blob((await exportFile()).parts).text();
      globalThis.cgParts = [];
      for (let i = 0; i < text.length; i += 8 << 20) globalThis.cgParts.push(text.slice(i, i + (8 << 20)));
      return globalThis.cgParts.length;
    });
    const fresh = await launch();
    try {
      await (await fresh.worker()).evaluate(() => chrome.storage.local.set({ settings: { language: 'en', recheck_interval_hours: 0 } }));
      const p2 = await fresh.extensionPage();
      await p2.evaluate(() => { globalThis.cgParts = []; });
      for (let i = 0; i < parts; i++) {
        const part = await page.evaluate((n) => globalThis.cgParts[n], i);
        await p2.evaluate((t) => { globalThis.cgParts.push(t); }, part);
      }
      out.load_average_at_fresh_import = loadavg().map((x) => Math.round(x * 100) / 100);
      out.fresh_profile_import = await p2.evaluate(async () => {
        const { prepareImport } = await import(chrome.runtime.getURL('options/file-transfer.js'));
        const text = globalThis.cgParts.join('');
        const t0 = performance.now();
        const plan = await prepareImport(text);
        const previewMs = performance.now() - t0;
        await plan.apply('merge');
        return {
          preview_ms: Math.round(previewMs),
          import_ms: Math.round(performance.now() - t0),
          stored_bytes: await chrome.storage.local.getBytesInUse(null),
          steps_ms: globalThis.cgTransferTimings,
        };
      });
      out.fresh_profile_import.background_steps_ms = await (await fresh.worker()).evaluate(() => globalThis.cgImportTimings ?? null).catch(() => null);
    } finally {
      await fresh.close();
    }
  }
  console.log(JSON.stringify(out, null, 2));
} finally {
  await h.close();
}
