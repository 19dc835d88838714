// The popup's report view in the standalone www page: www/build.mjs assembles
// the site (www + extension/ui + _locales + the wasm glue from `make build`),
// a local HTTP server serves it, and headless Chromium checks a real saved
// page against a listings file made from it, then the benchmark page runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, fixturesDir, chromiumPath, CHROMIUM_FLAGS } from './harness.mjs';

const PAGE = 'amazon.co.jp/nintendo-switch-neon-B07WXL5YPW-2022.html';
const MAIN = '61gtkPQtgrL';
const HIJACK = '71HiJaCk9xL';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };

let site;
let server;
let base;
let browser;

before(async () => {
  site = mkdtempSync(path.join(os.tmpdir(), 'cg-www-'));
  execFileSync(process.execPath, [path.join(ROOT, 'www/build.mjs'), '--out', site], { cwd: ROOT, stdio: 'pipe' });
  server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    // The site, plus the fixture pages under /fixtures/ for the benchmark.
    const file = pathname.startsWith('/fixtures/')
      ? path.join(fixturesDir(), pathname.slice('/fixtures/'.length))
      : path.join(site, pathname);
    if (!file.startsWith(site) && !file.startsWith(fixturesDir())) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.close();
  if (site) rmSync(site, { recursive: true, force: true });
});

async function newPage() {
  const context = await browser.newContext();
  // Nothing leaves the machine: thumbnails get an empty answer.
  await context.route('https://m.media-amazon.com/**', (r) => r.fulfill({ status: 404, body: '' }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

test('www checks a saved page against a listings file with the popup report view', async () => {
  const { page, errors } = await newPage();
  await page.goto(`${base}/index.html?lang=en`);
  await page.locator('body[data-ready="true"]').waitFor();
  const html = readFileSync(path.join(fixturesDir(), PAGE), 'utf8');

  // 1. No listings file: untracked; "save" downloads a listings file for this page.
  await page.locator('#page-file').setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from(html) });
  await page.locator('#page-url').fill('https://www.amazon.co.jp/dp/B07WXL5YPW');
  await page.locator('#check').click();
  await page.locator('#status[data-status="untracked"]').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#save-page').click()]);
  const listingsText = readFileSync(await download.path(), 'utf8');
  assert.equal(JSON.parse(listingsText).listings[0].asin, 'B07WXL5YPW');

  // 2. The same page with that file: match.
  await page.locator('#listings-file').setInputFiles({ name: 'listings.json', mimeType: 'application/json', buffer: Buffer.from(listingsText) });
  await page.locator('#check').click();
  await page.locator('#status[data-status="match"]').waitFor();

  // 3. The main image swapped: the mismatch with both thumbnails, and the case text.
  const hijacked = html.split(MAIN).join(HIJACK);
  await page.locator('#page-file').setInputFiles({ name: 'hijacked.html', mimeType: 'text/html', buffer: Buffer.from(hijacked) });
  await page.locator('#check').click();
  await page.locator('#status[data-status="mismatch"]').waitFor();
  const alts = await page.locator('.mismatch[data-field="images.main"] img').evaluateAll((imgs) => imgs.map((i) => i.alt));
  assert.deepEqual(alts, [MAIN, HIJACK]);
  await page.locator('#copy-report').click();
  const text = await page.locator('#report-text').textContent();
  for (const s of ['B07WXL5YPW', MAIN, HIJACK]) assert.ok(text.includes(s), `report text lacks ${s}`);

  // 4. A broken listings file: a clear error, no report.
  await page.locator('#listings-file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "catalog-guard/listings", "version": 1, "listings": [') });
  await page.locator('#check').click();
  await page.locator('#notice[data-kind="error"]').waitFor();
  assert.ok(await page.locator('#result').isHidden());
  assert.deepEqual(errors, []);
});

test('www speaks Japanese when asked', async () => {
  const { page } = await newPage();
  await page.goto(`${base}/index.html?lang=ja`);
  await page.locator('body[data-ready="true"]').waitFor();
  assert.equal(await page.locator('h1').textContent(), 'Catalog Guard — 保存したページの照合');
  assert.equal(await page.locator('#check').textContent(), '照合する');
});

test('the benchmark page times extract and extract+check on real pages', async () => {
  const { page, errors } = await newPage();
  await page.goto(`${base}/bench.html?lang=en`);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.locator('#bench-urls').fill(`/fixtures/${PAGE}\n/fixtures/amazon.com/captcha-robot-check-2019.html`);
  await page.locator('#bench-runs').fill('2');
  await page.locator('#bench-run').click();
  await page.locator('#bench-json:not([hidden])').waitFor({ timeout: 120_000 });
  const result = JSON.parse(await page.locator('#bench-json').textContent());
  assert.equal(result.rows.length, 2);
  assert.equal(result.rows[0].bytes, Buffer.byteLength(readFileSync(path.join(fixturesDir(), PAGE), 'utf8')));
  for (const r of result.rows) {
    assert.ok(r.extract_ms > 0 && r.extract_check_ms > 0 && r.extract_mb_s > 0, JSON.stringify(r));
  }
  assert.match(await page.locator('#summary').textContent(), /^2 pages, /);
  assert.equal(await page.locator('#bench-rows tr').count(), 2);
  assert.deepEqual(errors, []);
});
