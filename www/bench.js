// www/bench.html: times the wasm core in this browser. For each page:
// `extract` N times, then extract + check (against a listing saved from the
// same page, so every watched field is compared) N times, after one warm-up.
// Results: the table, a summary line, and JSON in #bench-json / window.benchResults.
import { initI18n, applyI18n, t } from './ui/i18n.js';
import { h, replaceChildren } from './ui/dom.js';
import { loadCore, call, savedLanguage } from './core.js';

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();

function notify(text, kind = 'info') {
  $('notice').textContent = text;
  $('notice').dataset.kind = kind;
}

/** Reads every chosen file and URL as {name, html, bytes}. */
async function collectPages() {
  const pages = [];
  for (const f of $('bench-files').files) pages.push({ name: f.name, html: await f.text(), url: null });
  const urls = $('bench-urls')
    .value.split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const u of urls) {
    const res = await fetch(u);
    if (!res.ok) throw new Error(`${u}: HTTP ${res.status}`);
    pages.push({ name: u, html: await res.text(), url: null });
  }
  for (const p of pages) p.bytes = encoder.encode(p.html).length;
  return pages;
}

let extractCheck = null; // the combined command, when the core has it

function runCheck(page, listings) {
  if (extractCheck !== false) {
    try {
      const r = call('extract_check', { url: page.url, html: page.html, listings, now_ms: Date.now() });
      extractCheck = true;
      return r;
    } catch (err) {
      if (extractCheck === true) throw err;
      extractCheck = false;
    }
  }
  const p = call('extract', { url: page.url, html: page.html });
  return call('check', { listings, page: p, now_ms: Date.now() });
}

function time(n, fn) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return (performance.now() - t0) / n;
}

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');

async function run(e) {
  e.preventDefault();
  notify(t('working'));
  $('bench-run').disabled = true;
  try {
    await loadCore();
    const runs = Math.max(1, Math.min(1000, Number($('bench-runs').value) || 10));
    const pages = await collectPages();
    if (pages.length === 0) throw new Error(t('wwwNeedPage'));
    const rows = [];
    replaceChildren($('bench-rows'));
    $('results-card').hidden = false;
    for (const page of pages) {
      const extracted = call('extract', { url: page.url, html: page.html }); // warm-up
      let listings = [];
      try {
        listings = [call('save', { page: extracted, now_ms: Date.now() })];
      } catch {
        listings = []; // not a product page: check says untracked / not_product
      }
      runCheck(page, listings); // warm-up
      const extractMs = time(runs, () => call('extract', { url: page.url, html: page.html }));
      const checkMs = time(runs, () => runCheck(page, listings));
      const row = { page: page.name, bytes: page.bytes, runs, extract_ms: extractMs, extract_check_ms: checkMs, extract_mb_s: page.bytes / 1e6 / (extractMs / 1000) };
      rows.push(row);
      $('bench-rows').appendChild(
        h('tr', {}, h('td', { text: row.page }), h('td', { text: fmt(row.bytes / 1024, 0) }), h('td', { text: fmt(extractMs) }), h('td', { text: fmt(checkMs) }), h('td', { text: fmt(row.extract_mb_s, 1) })),
      );
      await new Promise((r) => setTimeout(r, 0)); // let the table paint
    }
    const bytes = rows.reduce((a, r) => a + r.bytes, 0);
    const ex = rows.reduce((a, r) => a + r.extract_ms, 0);
    const ck = rows.reduce((a, r) => a + r.extract_check_ms, 0);
    const total = {
      pages: rows.length,
      mb: bytes / 1e6,
      extract_ms_per_page: ex / rows.length,
      extract_mb_s: bytes / 1e6 / (ex / 1000),
      extract_check_ms_per_page: ck / rows.length,
      extract_check_mb_s: bytes / 1e6 / (ck / 1000),
      combined_command: extractCheck === true,
      user_agent: navigator.userAgent,
    };
    $('summary').textContent = t('benchSummary', [
      String(total.pages),
      fmt(total.mb),
      fmt(total.extract_mb_s, 1),
      fmt(total.extract_ms_per_page),
      fmt(total.extract_check_mb_s, 1),
      fmt(total.extract_check_ms_per_page),
    ]);
    const result = { total, rows };
    window.benchResults = result;
    $('bench-json').textContent = JSON.stringify(result, null, 2);
    $('bench-json').hidden = false;
    notify('');
  } catch (err) {
    notify(t('errorPrefix', [err.message || String(err)]), 'error');
  } finally {
    $('bench-run').disabled = false;
  }
}

async function main() {
  await initI18n({ language: savedLanguage(), base: document.baseURI });
  applyI18n(document);
  $('bench-form').addEventListener('submit', run);
  document.body.dataset.ready = 'true';
}

main();
