#!/usr/bin/env node
// `make demo`: the built extension (dist/chrome) in Chromium on a synthetic Japanese product
// page (tests/pages/demo-jp.html) served under its real amazon.co.jp URL. Nothing leaves the
// machine (every request is answered locally or aborted). Then the same in Firefox ESR
// (dist/firefox): popup screenshots in Japanese and English (firefox-3-hijacked-popup-*.png).
//   1. open the page: untracked (grey ?)
//   2. press "Save" in the popup: the page becomes the canonical listing (green ✓)
//   3. the page is hijacked (main image swapped, colour changed): red badge with the count,
//      the popup lists each difference
// Headful when $DISPLAY is set, else headless. Screenshots go to out/demo/.
import fs from 'node:fs';
import path from 'node:path';
import { launch, ownPage, ROOT } from '../../tests/e2e/harness.mjs';
import * as firefox from '../../tests/e2e/cross/drivers/firefox.mjs';
import { tumbler } from '../../tests/e2e/cross/pictures.mjs';

const URL = 'https://www.amazon.co.jp/%E3%82%B5%E3%82%AF%E3%83%A9%E5%B7%A5%E6%88%BF-%E7%9C%9F%E7%A9%BA%E6%96%AD%E7%86%B1%E3%82%BF%E3%83%B3%E3%83%96%E3%83%A9%E3%83%BC/dp/B0DEMOJP01';
const OUT = path.join(ROOT, 'out/demo');
const MAIN = '61SakuraBkL';
const HIJACK = '71HijackRdL';

// ---------------------------------------------------------------- product pictures

const pictures = {
  [MAIN]: tumbler(360, [30, 34, 48]),
  '71SakuraS2L': tumbler(360, [60, 64, 80]),
  '71SakuraS3L': tumbler(360, [90, 94, 110]),
  [HIJACK]: tumbler(360, [200, 30, 60]),
};

/** The picture for an image URL of any size (https://m.media-amazon.com/images/I/<ID>.<size>.jpg). */
function imageFor(url) {
  const m = /\/images\/I\/([^./]+)\./.exec(url);
  return m ? pictures[decodeURIComponent(m[1])] : null;
}

// ---------------------------------------------------------------- the pages

const canonical = ownPage('demo-jp.html').toString('utf8');
const hijacked = canonical
  .split(MAIN).join(HIJACK)
  .replace('<span class="selection">ミッドナイトブラック</span>', '<span class="selection">ローズレッド</span>');

// ---------------------------------------------------------------- screenshots

/** The page screenshot under a drawn toolbar showing the extension icon and its real badge. */
async function withToolbar(h, shot, badge, caption, file) {
  const icon = fs.readFileSync(path.join(ROOT, 'extension/icons/icon-32.png')).toString('base64');
  const [r, g, b] = badge.color;
  const page = await h.context.newPage();
  await page.setViewportSize({ width: 1280, height: 860 });
  const html = `<!doctype html><meta charset="utf-8"><style>
    body{margin:0;font-family:"Noto Sans CJK JP",sans-serif;background:#dee1e6}
    .bar{display:flex;align-items:center;gap:12px;padding:8px 14px;background:#f1f3f4;border-bottom:1px solid #ccc}
    .url{flex:1;background:#fff;border-radius:16px;padding:6px 14px;font-size:13px;color:#333;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
    .ext{position:relative;width:32px;height:32px}
    .ext img{width:24px;height:24px;margin:4px}
    .badge{position:absolute;right:-6px;bottom:-4px;min-width:14px;padding:0 4px;height:16px;border-radius:4px;font:bold 12px/16px sans-serif;color:#fff;text-align:center}
    .cap{padding:6px 14px;font-size:14px;background:#fff8e1;border-bottom:1px solid #eee}
    .shot{display:block;width:1280px}
  </style>
  <div class="bar"><div class="url"></div><div class="ext"><img alt=""><div class="badge"></div></div></div>
  <div class="cap"></div><img class="shot" alt="">`;
  await page.setContent(html);
  await page.evaluate(({ url, icon, text, bg, caption, shot }) => {
    document.querySelector('.url').textContent = decodeURI(url);
    document.querySelector('.ext img').src = `data:image/png;base64,${icon}`;
    const badgeEl = document.querySelector('.badge');
    badgeEl.textContent = text;
    badgeEl.style.background = bg;
    badgeEl.style.display = text ? 'block' : 'none';
    document.querySelector('.cap').textContent = caption;
    document.querySelector('.shot').src = `data:image/png;base64,${shot}`;
  }, { url: URL, icon, text: badge.text, bg: `rgb(${r},${g},${b})`, caption, shot: shot.toString('base64') });
  await page.waitForFunction(() => [...document.images].every((i) => i.complete));
  await page.screenshot({ path: file });
  await page.close();
}

async function popupShot(h, tabId, file) {
  const p = await h.openPopup(tabId);
  await p.setViewportSize({ width: 420, height: 760 });
  await p.waitForFunction(() => document.getElementById('app')?.getAttribute('aria-busy') === 'false', null, { timeout: 10000 }).catch(() => {});
  await p.screenshot({ path: file, fullPage: true });
  return p;
}

// ---------------------------------------------------------------- run

fs.mkdirSync(OUT, { recursive: true });
const headless = !process.env.DISPLAY;
console.log(`[demo] Chromium ${headless ? 'headless (no $DISPLAY)' : `on ${process.env.DISPLAY}`} with dist/chrome`);
const h = await launch({ headless });
const files = [];
try {
  h.serveImages(imageFor);
  h.serve({ [URL]: canonical });
  const { page, tabId } = await h.open(URL);
  await page.waitForLoadState('load');

  // 1. untracked
  let badge = await h.waitForBadge(tabId, (b) => b.text === '?');
  let f = path.join(OUT, '1-untracked-page.png');
  await withToolbar(h, await page.screenshot(), badge, '1. 未登録の商品ページ (untracked): badge "?"', f);
  files.push(f);
  f = path.join(OUT, '1-untracked-popup.png');
  const popup = await popupShot(h, tabId, f);
  files.push(f);

  // 2. save as canonical through the popup's own button
  await popup.click('#save-page');
  badge = await h.waitForBadge(tabId, (b) => b.text === '✓');
  await popup.close();
  await page.bringToFront();
  f = path.join(OUT, '2-saved-match-page.png');
  await withToolbar(h, await page.screenshot(), badge, '2. 保存済み・一致 (saved as canonical, page matches): badge "✓"', f);
  files.push(f);
  f = path.join(OUT, '2-saved-match-popup.png');
  await (await popupShot(h, tabId, f)).close();
  files.push(f);

  // 3. hijacked: main image swapped, colour changed
  h.serve({ [URL]: hijacked });
  await page.reload({ waitUntil: 'load' });
  badge = await h.waitForBadge(tabId, (b) => /^\d+$/.test(b.text));
  const state = await h.tabState(tabId);
  f = path.join(OUT, '3-hijacked-page.png');
  await withToolbar(h, await page.screenshot(), badge, `3. 相乗り・書き換え (hijacked): badge "${badge.text}" — ${state.report.mismatches.map((m) => m.field).join(', ')}`, f);
  files.push(f);
  f = path.join(OUT, '3-hijacked-popup.png');
  await (await popupShot(h, tabId, f)).close();
  files.push(f);

  const text = await h.send({ type: 'ui-bg-report-text', tabId, lang: 'ja' });
  if (text.ok) {
    f = path.join(OUT, '3-hijacked-report-ja.txt');
    fs.writeFileSync(f, text.text);
    files.push(f);
  }
  console.log(`[demo] hijacked page: status ${state.report.status}, ${state.report.mismatches.length} mismatches:`);
  for (const m of state.report.mismatches) {
    console.log(`[demo]   ${m.severity.padEnd(8)} ${m.field}: ${JSON.stringify(m.expected)} -> ${JSON.stringify(m.actual)}`);
  }
  if (!headless) {
    console.log('[demo] the browser stays open for 20 s');
    await new Promise((r) => setTimeout(r, 20000));
  }
} finally {
  await h.close();
}
// ---------------------------------------------------------------- Firefox

/**
 * The same extension (dist/firefox) in Firefox ESR, headless: the page saved, then hijacked;
 * the popup in Japanese and in English. Returns the files written.
 */
async function firefoxPopups() {
  const written = [];
  const b = await firefox.launch({ size: { width: 440, height: 800 } });
  const send = async (msg) => {
    const res = await b.ext((m) => globalThis.browser.runtime.sendMessage(m), msg);
    if (!res?.ok) throw new Error(`${msg.type}: ${JSON.stringify(res?.error)}`);
    return res;
  };
  const badgeOf = (tabId) => b.ext((id) => globalThis.browser.action.getBadgeText({ tabId: id }), tabId);
  const waitBadge = async (tabId, pred) => {
    for (let i = 0; i < 150; i++) {
      const text = await badgeOf(tabId);
      if (pred(text)) return text;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`Firefox: the badge never changed (last: ${await badgeOf(tabId)})`);
  };
  try {
    b.serveImages(imageFor);
    b.serve({ [URL]: canonical });
    const tab = await b.open(URL);
    await waitBadge(tab.tabId, (t) => t === '?');
    await send({ type: 'ui-bg-save-page', tabId: tab.tabId });
    b.serve({ [URL]: hijacked });
    await tab.reload();
    const text = await waitBadge(tab.tabId, (t) => /^\d+$/.test(t));
    console.log(`[demo] Firefox ESR: hijacked page badge "${text}"`);
    const { settings } = await send({ type: 'ui-bg-settings-get' });
    for (const lang of ['ja', 'en']) {
      await send({ type: 'ui-bg-settings-set', settings: { ...settings, language: lang } });
      const popup = await b.openExtension(`popup/popup.html?tabId=${tab.tabId}`);
      for (let i = 0; i < 100; i++) {
        if (await popup.eval(() => document.getElementById('app')?.getAttribute('aria-busy') === 'false')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // Thumbnails loaded (they come from the local stand-in for Amazon's image host).
      await popup.eval(async () => {
        await Promise.all([...document.images].map((i) => (i.complete ? null : new Promise((r) => { i.onload = () => r(); i.onerror = () => r(); }))));
        return true;
      });
      const file = path.join(OUT, `firefox-3-hijacked-popup-${lang}.png`);
      await popup.screenshot(file, { fullPage: true });
      written.push(file);
      await popup.close();
    }
  } finally {
    await b.close();
  }
  return written;
}

console.log('[demo] Firefox ESR headless with dist/firefox');
files.push(...(await firefoxPopups()));

console.log('[demo] screenshots and report:');
for (const f of files) console.log(`  ${path.relative(ROOT, f)}`);
