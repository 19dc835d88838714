#!/usr/bin/env node
// `make bench-wasm`: the built extension (dist/chrome) in headless Chromium over the real saved
// product pages, each served under its real URL. Nothing here asserts timings; every figure is
// median and p90 over the pages (numbers vary with the machine and its load, which is printed).
//
//   * wasm sizes (raw, gzip -9) of the hot and the full module;
//   * warm and cold for two paths, alternating page by page: `parts` (the content script sends
//     only the parts of the page a check reads, content/page-parts.js) and `whole` (the whole
//     outerHTML: the path before the parts), both through the hot module with the in-memory
//     listing index (one listing into wasm). The path before the hot module (storage.local read
//     per page, every listing through the full module) cannot be measured any more: the full
//     module has no page reader (ARCHITECTURE.md, "Two wasm modules"); BENCHMARKS.md keeps its
//     last figures;
//   * warm, by step, for 1, 1,000 and 10,000 stored listings: content-script start -> badge set,
//     split into outerHTML, the message, preparing (index, settings), wasm (extract + check) and
//     publishing (badge + storage.session);
//   * document_end against document_idle (a copy of dist/chrome with run_at changed);
//   * cold: worker stopped -> badge: worker start, module evaluated, hot wasm fetch, compile,
//     instantiate, then the check;
//   * first run: a fresh profile (empty code cache) -> first badge;
//   * memory: 500 page checks in a row in one worker (the pages cycled): the hot module's
//     linear memory and the worker's JS heap after every 50.
// Options: --quick (fewer pages and repetitions, for trying the script), --json (raw data),
// --paths=parts,whole (which paths; both by default), --tiers=1,1000,10000.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch, fixturesDir, ROOT, sleep } from '../tests/e2e/harness.mjs';
import { initSync, invoke } from '../extension/pkg/catalog_guard.js';
import { initSync as initHot, extract } from '../extension/pkg/catalog_guard_hot.js';

const quick = process.argv.includes('--quick');
// --only=warm,memory,cold,resend,run_at,first runs only those parts (sizes always; resend: the
// cold check from the content script alone, without the navigation one).
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice(7).split(',')) : null;
const want = (part) => !only || only.has(part);
const pathsArg = process.argv.find((a) => a.startsWith('--paths='));
const PATHS = pathsArg ? pathsArg.slice(8).split(',') : ['parts', 'whole'];
for (const p of PATHS) if (p !== 'parts' && p !== 'whole') throw new Error(`--paths: unknown path ${p} (parts, whole)`);
const tiersArg = process.argv.find((a) => a.startsWith('--tiers='));
/** The URL a path loads: `?cg-bench-send=whole` makes the content script send the whole page. */
const urlFor = (p, sendPath) => (sendPath === 'parts' ? p.url : `${p.url}?cg-bench-send=whole`);
const dir = fixturesDir();
const rows = fs.readFileSync(path.join(dir, 'SOURCES.tsv'), 'utf8').trim().split('\n');
const head = rows.shift().split('\t');
const col = (n) => head.indexOf(n);
let pages = rows.map((r) => r.split('\t'))
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
if (quick) pages = pages.slice(0, 6);

// Listings: each page's own (saved from the page by the full module, so every check compares
// real fields), and fillers (copies of them under other ASINs) up to 1,000 and 10,000.
initSync({ module: fs.readFileSync(path.join(ROOT, 'extension/pkg/catalog_guard_bg.wasm')) });
initHot({ module: fs.readFileSync(path.join(ROOT, 'extension/pkg/catalog_guard_hot_bg.wasm')) });
const NOW = Date.now();
const charsetOf = (buf) => {
  const m = buf.subarray(0, 65536).toString('latin1').match(/<meta[^>]*charset\s*=\s*["']?([\w-]+)/i);
  return m ? m[1].toLowerCase() : 'utf-8';
};
const decode = (buf) => new TextDecoder(charsetOf(buf)).decode(buf);
/** Serves every page under its URL with its own charset (as Amazon's header would say). */
const serveAll = (hh) => {
  for (const p of pages) hh.serve({ [p.url]: p.body, [urlFor(p, 'whole')]: p.body }, `text/html; charset=${charsetOf(p.body)}`);
};
const own = new Map();
for (const p of pages) {
  // The page reader is the hot module's (the full module is built without it).
  const page = JSON.parse(extract(p.url, new TextEncoder().encode(decode(p.body))));
  if (page.kind === 'product' && page.asin && page.marketplace) {
    const l = invoke({ type: 'save', args: { page, now_ms: NOW } });
    own.set(p.url, l);
  }
}
pages = pages.filter((p) => own.has(p.url));
const keyOf = (l) => `${l.marketplace}/${l.asin}`;
function listingMap(n, page) {
  const map = {};
  if (n === 1) {
    const l = own.get(page.url);
    map[keyOf(l)] = l;
    return map;
  }
  for (const l of own.values()) map[keyOf(l)] = l;
  const real = [...own.values()];
  for (let i = 0; Object.keys(map).length < n; i++) {
    const l = structuredClone(real[i % real.length]);
    l.asin = `B0F${String(i).padStart(7, '0')}`;
    map[keyOf(l)] = l;
  }
  return map;
}

const stats = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return s.length ? { n: s.length, median: q(0.5), p90: q(0.9), max: s[s.length - 1] } : { n: 0 };
};
const f1 = (x) => (x === undefined ? '-' : x.toFixed(1));
const line = (label, xs) => {
  const s = stats(xs);
  return `${label.padEnd(44)} median ${f1(s.median).padStart(7)}  p90 ${f1(s.p90).padStart(7)}  max ${f1(s.max).padStart(7)} ms (n=${s.n})`;
};

/** The worker's JS heap after a garbage collection (CDP Runtime.getHeapUsage on its target). */
async function workerHeap(h) {
  const cdp = await h.swStatus();
  const { targetInfos } = await cdp.send('Target.getTargets');
  const sw = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${h.extensionId}/`));
  if (!sw) return null;
  if (h._heapTarget !== sw.targetId) {
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: sw.targetId, flatten: false });
    h._heapSession = sessionId;
    h._heapTarget = sw.targetId;
    h._heapWait = new Map();
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      const m = JSON.parse(e.message);
      if (e.sessionId === h._heapSession && h._heapWait.has(m.id)) h._heapWait.get(m.id)(m.result);
    });
  }
  let id = h._heapId = (h._heapId ?? 0) + 1;
  const call = (method) => {
    id = h._heapId = h._heapId + 1;
    const done = new Promise((res) => h._heapWait.set(id, res));
    return cdp.send('Target.sendMessageToTarget', { sessionId: h._heapSession, message: JSON.stringify({ id, method }) }).then(() => done);
  };
  await call('HeapProfiler.collectGarbage');
  const r = await call('Runtime.getHeapUsage');
  // Detach: an attached session keeps the worker from being stopped (the cold runs stop it).
  await cdp.send('Target.detachFromTarget', { sessionId: h._heapSession }).catch(() => {});
  h._heapTarget = null;
  return r?.usedSize ?? null;
}

async function setListings(h, map) {
  const p = await h.extensionPage();
  await p.evaluate((m) => chrome.storage.local.set({ listings: m }), map);
}

/**
 * Loads `p` in `tab`; returns the background's timing record of this load's check (one retry
 * when none arrives in time: a loaded machine, or a worker restarted mid-way).
 */
async function loadAndTime(h, tab, p, retry = true, sendPath = 'parts') {
  const w = await h.worker();
  // By time, not index: the worker keeps only the last 200 records.
  const since = await w.evaluate(() => performance.now());
  await tab.goto(urlFor(p, sendPath), { waitUntil: 'domcontentloaded' });
  const end = Date.now() + 30000;
  for (;;) {
    const now = await h.worker();
    const after = now === w ? since : 0; // a new worker has a new timeline
    const t = await now.evaluate((at) => globalThis.cgTimings.find((x) => x.total !== null && x.at > at) ?? null, after).catch(() => null);
    if (t) return t;
    if (Date.now() > end) {
      if (!retry) throw new Error(`no check recorded for ${p.file}`);
      console.log(`  (no check recorded for ${p.file} within 30 s; loading it again)`);
      return loadAndTime(h, tab, p, false, sendPath);
    }
    await sleep(20);
  }
}

/**
 * Stores `map` as the listings, then waits until the worker has finished what that sets off
 * (sync push, re-checks of open tabs): ten answers in a row within 30 ms, 200 ms apart.
 */
async function setListingsAndSettle(h, map) {
  await setListings(h, map);
  const end = Date.now() + 120000;
  for (let quiet = 0; quiet < 10 && Date.now() < end;) {
    await sleep(200);
    const t = Date.now();
    await (await h.worker()).evaluate(() => 1).catch(() => null);
    quiet = Date.now() - t < 30 ? quiet + 1 : 0;
  }
}

/**
 * Warm, one tier: each page loaded twice per path, the second load measured; the two paths
 * alternate page by page, so a change in the machine's load falls on both alike.
 */
async function warmTier(h, tab, tier) {
  const out = Object.fromEntries(PATHS.map((x) => [x, []]));
  if (tier !== 1) await setListingsAndSettle(h, listingMap(tier));
  const builds0 = await (await h.worker()).evaluate(() => globalThis.cgIndexBuilds ?? 0);
  for (const p of pages) {
    if (tier === 1) await setListingsAndSettle(h, listingMap(1, p));
    for (const benchPath of PATHS) {
      await loadAndTime(h, tab, p, true, benchPath);
      const t = await loadAndTime(h, tab, p, true, benchPath);
      out[benchPath].push({ ...t, file: p.file });
    }
  }
  out.builds = (await (await h.worker()).evaluate(() => globalThis.cgIndexBuilds ?? 0)) - builds0;
  return out;
}

const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const report = { date: new Date().toISOString(), cpus: os.cpus().length, cpu: os.cpus()[0]?.model, load_start: load() };
console.log(`${report.date}  ${report.cpus} CPUs (${report.cpu})  load average at start: ${report.load_start}`);

// ---------------------------------------------------------------- sizes
report.sizes = {};
for (const [label, file] of [['hot', 'catalog_guard_hot_bg.wasm'], ['full', 'catalog_guard_bg.wasm']]) {
  const raw = fs.readFileSync(path.join(ROOT, 'extension/pkg', file));
  report.sizes[label] = { raw: raw.length, gz: zlib.gzipSync(raw, { level: 9 }).length };
  console.log(`wasm  ${label.padEnd(4)} ${raw.length} bytes, ${report.sizes[label].gz} gzipped`);
}
console.log(`wasm  all  ${report.sizes.hot.gz + report.sizes.full.gz} gzipped`);
console.log(`pages: ${pages.length} real product pages (${(pages.reduce((a, p) => a + p.body.length, 0) / 1e6).toFixed(1)} MB)`);

// ---------------------------------------------------------------- warm, per tier and path
const h = await launch();
const tab = await h.context.newPage();
serveAll(h);
report.warm = {};
try {
  const tiers = !want('warm') ? [] : tiersArg ? tiersArg.slice(8).split(',').map(Number) : quick ? [1, 1000] : [1, 1000, 10000];
  const label = {
    parts: 'parts of the page (content/page-parts.js), hot module, listing index',
    whole: 'before: the whole outerHTML, hot module, listing index',
  };
  for (const tier of tiers) {
    const both = await warmTier(h, tab, tier);
    for (const benchPath of PATHS) {
      const rs = both[benchPath];
      report.warm[`${benchPath}:${tier}`] = rs;
      const mismatch = rs.filter((r) => r.status !== 'match').map((r) => `${r.file}=${r.status}`);
      const sentAs = rs.filter((r) => r.send !== (benchPath === 'parts' ? 'parts' : 'whole')).map((r) => `${r.file}=${r.send}`);
      console.log(`\nwarm, ${label[benchPath]}, ${tier} stored listing(s)${mismatch.length ? `; not match: ${mismatch.join(', ')}` : ''}${sentAs.length ? `; sent otherwise: ${sentAs.join(', ')}` : ''}`);
      console.log(line('  content-script start -> badge set', rs.map((r) => r.total)));
      console.log(line('  page text (parts or outerHTML)', rs.map((r) => r.html)));
      console.log(line('  message (after the text -> background)', rs.map((r) => r.sent - r.html)));
      console.log(`  characters sent: median ${stats(rs.map((r) => r.bytes)).median}`);
      const busy = rs.filter((r) => r.busy > 0);
      console.log(`  arrived while an earlier page's hooks ran: ${busy.length} of ${rs.length}${busy.length ? `; their message median ${f1(stats(busy.map((r) => r.sent - r.html)).median)} ms` : ''}`);
      console.log(line('  prepare (listings, settings, wasm ready)', rs.map((r) => r.prepare)));
      console.log(line('  wasm extract + check', rs.map((r) => r.wasm)));
      console.log(line('  badge + storage.session', rs.map((r) => r.publish)));
      console.log(`  listing index built ${both.builds} times in this tier`);
      const big = rs.reduce((a, r) => (r.bytes > a.bytes ? r : a));
      console.log(`  largest page ${big.file} (${(big.bytes / 1e6).toFixed(2)} M chars): total ${f1(big.total)} ms, wasm ${f1(big.wasm)} ms`);
    }
  }
  if (want('warm')) console.log('\nwarm totals, same run (median / p90 ms):');
  for (const [k, rs] of Object.entries(report.warm)) {
    const s = stats(rs.map((r) => r.total));
    console.log(`  ${k.padEnd(12)} ${f1(s.median)} / ${f1(s.p90)}`);
  }
  await setListingsAndSettle(h, listingMap(1000));

  // ---------------------------------------------------------------- memory plateau
  const N = !want('memory') ? 0 : quick ? 60 : 500;
  const w = await h.worker();
  const mem = [];
  for (let i = 0; i < N; i++) {
    await loadAndTime(h, tab, pages[i % pages.length]);
    if ((i + 1) % (quick ? 10 : 50) === 0) {
      const wasm = await w.evaluate(() => globalThis.cgMemory());
      mem.push({ checks: i + 1, wasm, heap: await workerHeap(h).catch(() => null) });
    }
  }
  report.memory = mem;
  if (N) console.log(`\nmemory, ${N} page checks in one worker (1,000 stored listings), after every ${quick ? 10 : 50}:`);
  for (const m of mem) {
    const wasmMem = Object.entries(m.wasm).map(([k, v]) => `${path.basename(k)} ${(v / 1048576).toFixed(1)} MiB`).join(', ');
    console.log(`  ${String(m.checks).padStart(4)}: ${wasmMem}; JS heap after GC ${m.heap === null ? 'n/a' : `${(m.heap / 1048576).toFixed(1)} MiB`}`);
  }

  // ---------------------------------------------------------------- cold
  const cold = [];
  if (want('cold') || want('resend')) {
    await h.swStatus(); // follow the worker's running status from here on
    await loadAndTime(h, tab, pages[0]);
  }
  for (const p of !want('cold') ? [] : quick ? pages.slice(0, 3) : pages) {
    await tab.goto('about:blank');
    let stopped = false;
    for (let i = 0; i < 3 && !stopped; i++) {
      // A worker busy with a long task (a sync push after a large listings write) may not stop
      // within the harness's 10 s under load: wait and ask again.
      stopped = await h.stopWorker().then(() => true, () => sleep(5000).then(() => false));
    }
    if (!stopped) {
      console.log(`  (cold: the worker did not stop; ${p.file} left out)`);
      continue;
    }
    const t0 = Date.now();
    await tab.goto(p.url, { waitUntil: 'commit' });
    const end = Date.now() + 30000;
    let t = null;
    let boot = null;
    while (!t && Date.now() < end) {
      await sleep(20);
      const wk = await h.worker().catch(() => null);
      if (!wk) continue;
      const got = await wk.evaluate(() => ({ t: globalThis.cgTimings?.find((x) => x.total !== null) ?? null, boot: globalThis.cgBoot ?? null })).catch(() => null);
      if (got) ({ t, boot } = got);
    }
    if (!t) throw new Error(`cold: no check for ${p.file}`);
    const badgeAt = boot.origin + t.at; // epoch ms when the badge was set
    cold.push({
      file: p.file,
      total: badgeAt - t0,
      worker_start: boot.origin - t0,
      module: boot.module,
      fetch: boot.fetch,
      compile: boot.compile,
      instantiate: boot.instantiate,
      content_script: t.sent !== null ? (badgeAt - t.total) - (boot.origin + boot.ready) : null,
      check: t.prepare + t.wasm + t.publish,
      from_content_script: t.total,
    });
  }
  report.cold = cold;
  if (cold.length) {
    console.log(`\ncold: worker stopped, then navigation -> badge set (${cold.length} pages)`);
    console.log(line('  total', cold.map((c) => c.total)));
    console.log(line('  worker start (navigation -> worker origin)', cold.map((c) => c.worker_start)));
    console.log(line('  modules evaluated', cold.map((c) => c.module)));
    console.log(line('  hot wasm fetch', cold.map((c) => c.fetch)));
    console.log(line('  hot wasm compile', cold.map((c) => c.compile)));
    console.log(line('  hot wasm instantiate', cold.map((c) => c.instantiate)));
    console.log(line('  wasm ready -> content-script start', cold.map((c) => c.content_script)));
    console.log(line('  check (prepare + wasm + publish)', cold.map((c) => c.check)));
    console.log(line('  content-script start -> badge set', cold.map((c) => c.from_content_script)));
  }

  // ---------------------------------------------------------------- cold, from the content script
  // The worker is stopped while the page is open; then the page changes (a comment added to its
  // title: the content script's observer sends again, the report stays the same), so the
  // content script needs the worker at a moment when none runs. Content-script start -> badge,
  // broken down: worker start (content-script start -> the worker's time origin), background
  // modules evaluated, hot wasm fetch / compile / instantiate, then the check's own steps.
  // `parts, no recent`: the recent listings (storage.session) removed before the stop, so the
  // woken worker waits for every listing to be read, as before they were kept.
  const resend = [];
  const resendPaths = PATHS.flatMap((x) => (x === 'parts' ? ['parts', 'parts, no recent'] : [x]));
  for (const p of !want('cold') && !want('resend') ? [] : quick ? pages.slice(0, 3) : pages) {
    for (const benchPath of resendPaths) {
      await loadAndTime(h, tab, p, true, benchPath === 'whole' ? 'whole' : 'parts');
      if (benchPath === 'parts, no recent') {
        await (await h.worker()).evaluate(() => chrome.storage.session.remove('recent_listings'));
      }
      // Past the content script's 2 s between sends, so the change below sends after its 400 ms
      // debounce; nothing touches the worker from here until the check is recorded.
      await sleep(2100);
      let stopped = false;
      for (let i = 0; i < 3 && !stopped; i++) stopped = await h.stopWorker().then(() => true, () => sleep(5000).then(() => false));
      if (!stopped) {
        console.log(`  (cold resend: the worker did not stop; ${p.file} left out)`);
        continue;
      }
      await tab.evaluate(() => {
        const title = document.querySelector('#productTitle, #ebooksProductTitle, #btAsinTitle') ?? document.body;
        title.appendChild(document.createComment('cg-bench'));
      });
      // Not polled before the send: asking a stopped worker would start it before the page does.
      await sleep(1500);
      const end = Date.now() + 30000;
      let got = null;
      while (!got && Date.now() < end) {
        await sleep(20);
        const wk = await h.worker().catch(() => null);
        if (!wk) continue;
        got = await wk.evaluate(() => {
          const t = globalThis.cgTimings?.find((x) => x.total !== null) ?? null;
          return t ? { t, boot: globalThis.cgBoot } : null;
        }).catch(() => null);
      }
      if (!got) {
        console.log(`  (cold resend: no check for ${p.file} within 30 s)`);
        continue;
      }
      const { t, boot } = got;
      const startedAt = boot.origin + t.at - t.total; // epoch ms of the content script's send
      resend.push({
        file: p.file, path: benchPath, send: t.send, total: t.total, recent: t.recent,
        worker_start: boot.origin - startedAt, module: boot.module, fetch: boot.fetch, compile: boot.compile,
        instantiate: boot.instantiate, ready: boot.ready, message: t.sent - t.html, html: t.html,
        index: boot.index ?? null, settings: boot.settings ?? null,
        prepare: t.prepare, wasm: t.wasm, publish: t.publish,
      });
    }
  }
  report.cold_resend = resend;
  for (const benchPath of resendPaths) {
    const rs = resend.filter((r) => r.path === benchPath);
    if (!rs.length) continue;
    console.log(`\ncold from the content script (${benchPath}): worker stopped while the page is open, then the content script sends (${rs.length} pages; ${rs.filter((r) => r.recent).length} checked from the recent listings)`);
    console.log(line('  content-script start -> badge set', rs.map((r) => r.total)));
    console.log(line('  page text (parts or outerHTML)', rs.map((r) => r.html)));
    console.log(line('  worker start (send -> worker time origin)', rs.map((r) => r.worker_start)));
    console.log(line('  background modules evaluated', rs.map((r) => r.module)));
    console.log(line('  hot wasm fetch', rs.map((r) => r.fetch)));
    console.log(line('  hot wasm compile', rs.map((r) => r.compile)));
    console.log(line('  hot wasm instantiate', rs.map((r) => r.instantiate)));
    console.log(line('  listings read and indexed (worker origin ->)', rs.map((r) => r.index)));
    console.log(line('  hot wasm ready (worker origin ->)', rs.map((r) => r.ready)));
    console.log(line('  settings read (worker origin ->)', rs.map((r) => r.settings)));
    console.log(line('  message (after the text -> background)', rs.map((r) => r.message)));
    console.log(line('  prepare (listings, settings, wasm ready)', rs.map((r) => r.prepare)));
    console.log(line('  wasm extract + check', rs.map((r) => r.wasm)));
    console.log(line('  badge + storage.session', rs.map((r) => r.publish)));
  }
} finally {
  await h.close();
}

// ---------------------------------------------------------------- document_end vs document_idle
if (want('run_at')) {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-end-'));
  fs.cpSync(path.join(ROOT, 'dist/chrome'), copy, { recursive: true });
  const mf = JSON.parse(fs.readFileSync(path.join(copy, 'manifest.json'), 'utf8'));
  for (const cs of mf.content_scripts) cs.run_at = 'document_end';
  fs.writeFileSync(path.join(copy, 'manifest.json'), JSON.stringify(mf, null, 2));
  report.run_at = {};
  const list = quick ? pages.slice(0, 4) : pages;
  for (const [label, extensionDir] of [['document_idle', path.join(ROOT, 'dist/chrome')], ['document_end', copy]]) {
    const hh = await launch({ extensionDir });
    try {
      const t = await hh.context.newPage();
      serveAll(hh);
      await setListingsAndSettle(hh, listingMap(1000));
      const rs = [];
      for (const p of list) {
        await loadAndTime(hh, t, p);
        rs.push(await loadAndTime(hh, t, p));
      }
      report.run_at[label] = rs;
    } finally {
      await hh.close();
    }
  }
  fs.rmSync(copy, { recursive: true, force: true });
  console.log(`\ncontent script run_at (hot path, 1,000 listings, ${list.length} pages, two browsers in this run):`);
  for (const [label, rs] of Object.entries(report.run_at)) {
    console.log(line(`  ${label}: navigation -> content-script start`, rs.map((r) => r.nav)));
    console.log(line(`  ${label}: content-script start -> badge`, rs.map((r) => r.total)));
    console.log(line(`  ${label}: navigation -> badge`, rs.map((r) => r.nav + r.total)));
  }
}

// ---------------------------------------------------------------- first run, empty code cache
if (want('first')) {
  const first = [];
  for (let i = 0; i < (quick ? 2 : 5); i++) {
    const p = pages[i % pages.length];
    const hh = await launch();
    try {
      serveAll(hh);
      const t = await hh.context.newPage();
      const r = await loadAndTime(hh, t, p);
      const boot = await (await hh.worker()).evaluate(() => globalThis.cgBoot);
      first.push({ file: p.file, total: r.total, compile: boot.compile, instantiate: boot.instantiate, fetch: boot.fetch, wasm: r.wasm });
    } finally {
      await hh.close();
    }
  }
  report.first = first;
  console.log(`\nfirst run: a fresh profile each time (empty code cache), first page check (${first.length} launches)`);
  console.log(line('  content-script start -> badge', first.map((r) => r.total)));
  console.log(line('  hot wasm compile (at worker start)', first.map((r) => r.compile)));
  console.log(line('  hot wasm instantiate', first.map((r) => r.instantiate)));
  console.log(line('  wasm extract + check (first call)', first.map((r) => r.wasm)));
}
report.load_end = load();
console.log(`\nload average at end: ${report.load_end}`);
if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 1));
