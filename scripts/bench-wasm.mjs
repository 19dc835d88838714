#!/usr/bin/env node
// `make bench-wasm`: the extension in headless Chromium over the real saved product pages
// (served under their real URLs). Prints, per page kind and overall:
//   * warm: content-script start (before outerHTML) -> badge set, measured by the background
//     (globalThis.cgTimings in the service worker), and the wasm extract+check part of it;
//   * cold: worker stopped, page loaded: navigation -> badge seen by polling (20 ms steps),
//     which includes starting the worker and instantiating wasm;
//   * the size of the optimised wasm, raw and gzipped.
// Numbers vary with the machine and its load; nothing here asserts timings.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch, fixturesDir, ROOT, sleep } from '../tests/e2e/harness.mjs';

const dir = fixturesDir();
const rows = fs.readFileSync(path.join(dir, 'SOURCES.tsv'), 'utf8').trim().split('\n');
const head = rows.shift().split('\t');
const col = (n) => head.indexOf(n);
const pages = rows.map((r) => r.split('\t'))
  .filter((c) => ['product', 'variation', 'multi-seller'].includes(c[col('page_kind')]))
  .map((c) => {
    const file = c[col('file')];
    let asin = null;
    try {
      asin = JSON.parse(fs.readFileSync(path.join(dir, file.replace(/\.html$/, '.truth.json')), 'utf8')).asin;
    } catch { /* no truth */ }
    const mp = c[col('marketplace')];
    return { file, kind: c[col('page_kind')], url: `https://www.${mp}/dp/${asin || 'B000000000'}`, body: fs.readFileSync(path.join(dir, file)) };
  });

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p90: q(0.9), max: s[s.length - 1] };
};
const fmt = (x) => (x === undefined ? '-' : x.toFixed(1));

const h = await launch();
const warm = [];
const cold = [];
try {
  const tab = await h.context.newPage();
  for (const p of pages) h.serve({ [p.url]: p.body });
  // Warm: each page twice (the first load of each page also warms V8's code for it).
  for (const p of pages) {
    for (let i = 0; i < 2; i++) {
      const w = await h.worker();
      const before = await w.evaluate(() => globalThis.cgTimings.length);
      await tab.goto(p.url, { waitUntil: 'domcontentloaded' });
      const end = Date.now() + 20000;
      let t = null;
      while (!t && Date.now() < end) {
        t = await w.evaluate((n) => globalThis.cgTimings.slice(n).find((x) => x.total !== null) ?? null, before);
        if (!t) await sleep(50);
      }
      if (!t) throw new Error(`no check recorded for ${p.file}`);
      if (i === 1) warm.push({ ...t, file: p.file, kind: p.kind });
    }
  }
  // Cold: stop the worker, load a page, time navigation -> badge.
  const tabId = await h.tabIdOf(pages[0].url).catch(() => null);
  for (const p of pages.slice(0, 8)) {
    await tab.goto('about:blank');
    await h.stopWorker();
    const t0 = Date.now();
    await tab.goto(p.url, { waitUntil: 'commit' });
    const id = tabId ?? (await h.tabIdOf(p.url));
    await h.waitForBadge(id, (b) => b.text !== '', 30000);
    cold.push({ file: p.file, ms: Date.now() - t0 });
  }
} finally {
  await h.close();
}

const wasmFile = path.join(ROOT, 'extension/pkg/catalog_guard_bg.wasm');
const raw = fs.readFileSync(wasmFile);
const gz = zlib.gzipSync(raw, { level: 9 }).length;

console.log(`pages: ${warm.length} real product pages (${(warm.reduce((a, t) => a + t.bytes, 0) / 1e6).toFixed(1)} M chars of HTML)`);
const tw = stats(warm.map((t) => t.total));
const ww = stats(warm.map((t) => t.wasm));
console.log(`warm  content-script start -> badge set: median ${fmt(tw.median)} ms, p90 ${fmt(tw.p90)} ms, max ${fmt(tw.max)} ms`);
console.log(`warm  wasm extract+check:               median ${fmt(ww.median)} ms, p90 ${fmt(ww.p90)} ms, max ${fmt(ww.max)} ms`);
const ts = stats(warm.map((t) => t.storage_and_init));
const tp = stats(warm.map((t) => t.publish));
const tr = stats(warm.map((t) => t.total - t.wasm - t.storage_and_init - t.publish));
console.log(`warm  storage read (listings, settings):   median ${fmt(ts.median)} ms, p90 ${fmt(ts.p90)} ms`);
console.log(`warm  badge + storage.session write:       median ${fmt(tp.median)} ms, p90 ${fmt(tp.p90)} ms`);
console.log(`warm  outerHTML + message to background:   median ${fmt(tr.median)} ms, p90 ${fmt(tr.p90)} ms`);
const big = warm.reduce((a, t) => (t.bytes > a.bytes ? t : a));
console.log(`largest page ${big.file} (${(big.bytes / 1e6).toFixed(2)} M chars): total ${fmt(big.total)} ms, wasm ${fmt(big.wasm)} ms`);
const tc = stats(cold.map((c) => c.ms));
console.log(`cold  navigation -> badge (worker stopped first, ${tc.n} pages): median ${fmt(tc.median)} ms, max ${fmt(tc.max)} ms`);
console.log(`wasm  ${raw.length} bytes, ${gz} bytes gzipped (-9)`);
if (process.argv.includes('--json')) console.log(JSON.stringify({ warm, cold, wasm: { raw: raw.length, gz } }, null, 1));
