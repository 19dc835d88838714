#!/usr/bin/env node
// Scale figures for a catalogue of 10,000 listings with histories, in the built extension
// (dist/chrome, headless Chromium): storage.local size, the options page's first render and a
// status-filter change and a search keystroke on it, export and import through the background,
// and the sync encode. One run; prints JSON. Usage: node scripts/bench-scale.mjs [N]
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

  // Options page: first render (navigation -> table rendered and ready).
  const renders = [];
  for (let r = 0; r < 3; r++) {
    const p = await h.context.newPage();
    const t0 = Date.now();
    await p.goto(`chrome-extension://${h.extensionId}/options/options.html`);
    await p.locator('body[data-ready="true"]').waitFor({ timeout: 300_000 });
    renders.push(Date.now() - t0);
    if (r < 2) await p.close();
    else {
      // A status-filter change (no debounce) and a search keystroke (80 ms debounce + filter).
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
      await p.close();
    }
  }
  out.options_first_render_ms = renders;

  // Export and import (merge into the same listings) through the background, timed in an
  // extension page (the file is too large to hand to the test process).
  if (!RENDER_ONLY) Object.assign(out, await page.evaluate(async () => {
    const call = async (msg) => {
      const r = await chrome.runtime.sendMessage(msg);
      if (!r?.ok) throw new Error(JSON.stringify(r?.error));
      return r;
    };
    let t0 = performance.now();
    // Larger than one message: the export comes in parts (transfer.js), as the page fetches it.
    const exp = await call({ type: 'ui-bg-export' });
    const parts = typeof exp.text === 'string' ? [exp.text] : [];
    for (let index = 0; exp.parts && index < exp.parts.count; index++) parts.push((await call({ type: 'ui-bg-part-get', id: exp.parts.id, index })).text);
    const exportMs = performance.now() - t0;
    const text = parts.join('');
    const bytes = new TextEncoder().encode(text).length;
    t0 = performance.now();
    const size = 8 * 1024 * 1024;
    const id = crypto.randomUUID();
    const count = Math.ceil(text.length / size);
    for (let index = 0; index < count; index++) await call({ type: 'ui-bg-part-put', id, index, count, text: text.slice(index * size, (index + 1) * size) });
    await call({ type: 'ui-bg-import-apply', upload: id, mode: 'merge' });
    const importMs = performance.now() - t0;
    return { export_ms: exportMs, export_bytes: bytes, export_parts: parts.length, import_ms: importMs };
  }));

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
  console.log(JSON.stringify(out, null, 2));
} finally {
  await h.close();
}
