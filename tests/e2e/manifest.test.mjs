// The generated per-browser manifests (dist/chrome, dist/firefox from
// extension/manifest.base.json): background kind, permissions, CSP, locales, and that the
// content script matches product URLs of every marketplace (and nothing else of Amazon's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './harness.mjs';
import { marketplaces } from '../../scripts/manifest.mjs';

const read = (b) => JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', b, 'manifest.json'), 'utf8'));
const chrome = read('chrome');
const firefox = read('firefox');
const kindRs = fs.readFileSync(path.join(ROOT, 'src/page/kind.rs'), 'utf8');

/** Chrome match-pattern semantics for https patterns: `*.` host wildcard, `*` in the path. */
function matches(pattern, url) {
  const m = /^https:\/\/(\*\.)?([^/]+)(\/.*)$/.exec(pattern);
  const u = new URL(url);
  if (u.protocol !== 'https:') return false;
  const hostOk = m[1] ? u.hostname === m[2] || u.hostname.endsWith(`.${m[2]}`) : u.hostname === m[2];
  const re = new RegExp(`^${m[3].split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return hostOk && re.test(u.pathname + u.search);
}
const isProductUrl = (manifest, url) => manifest.content_scripts[0].matches.some((p) => matches(p, url));

test('Chrome/Edge: module service worker; Firefox: module background scripts with a gecko id', () => {
  assert.deepEqual(chrome.background, { service_worker: 'background/main.js', type: 'module' });
  assert.equal(chrome.browser_specific_settings, undefined);
  assert.deepEqual(firefox.background, { scripts: ['background/main.js'], type: 'module' });
  const gecko = firefox.browser_specific_settings.gecko;
  assert.match(gecko.id, /@/);
  assert.ok(Number.parseFloat(gecko.strict_min_version) >= 115, 'storage.session needs Firefox 115+');
  assert.deepEqual(gecko.data_collection_permissions, { required: ['none'] });
});

test('both: MV3, only the storage (+ unlimitedStorage for thousands of listings with their histories), alarms (re-checks), notifications and activeTab (screenshots as evidence) permissions, wasm CSP, localised name, icons that exist', () => {
  for (const [name, m] of [['chrome', chrome], ['firefox', firefox]]) {
    assert.equal(m.manifest_version, 3);
    assert.deepEqual([...m.permissions].sort(), ['activeTab', 'alarms', 'notifications', 'storage', 'unlimitedStorage']);
    assert.equal(m.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
    assert.equal(m.default_locale, 'en');
    assert.equal(m.name, '__MSG_extName__');
    for (const lang of ['en', 'ja']) {
      const msgs = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', name, '_locales', lang, 'messages.json'), 'utf8'));
      assert.ok(msgs.extName?.message && msgs.extDescription?.message, `${name} ${lang}`);
    }
    for (const icon of Object.values(m.icons)) assert.ok(fs.existsSync(path.join(ROOT, 'dist', name, icon)), icon);
    for (const f of ['background/main.js', 'content/content.js', 'pkg/catalog_guard.js', 'pkg/catalog_guard_bg.wasm', m.action.default_popup, m.options_ui.page]) {
      assert.ok(fs.existsSync(path.join(ROOT, 'dist', name, f)), `${name}: ${f}`);
    }
  }
});

test('host permissions: every marketplace and the Amazon image hosts, nothing else', () => {
  const hosts = marketplaces(kindRs);
  assert.ok(hosts.includes('amazon.co.jp') && hosts.includes('amazon.com') && hosts.length >= 20);
  for (const m of [chrome, firefox]) {
    for (const h of hosts) assert.ok(m.host_permissions.includes(`https://*.${h}/*`), h);
    const other = m.host_permissions.filter((p) => !hosts.some((h) => p === `https://*.${h}/*`));
    assert.deepEqual(other.sort(), [
      'https://*.images-amazon.com/*',
      'https://images-eu.ssl-images-amazon.com/*',
      'https://images-fe.ssl-images-amazon.com/*',
      'https://images-na.ssl-images-amazon.com/*',
      'https://m.media-amazon.com/*',
    ]);
  }
});

test('the content script runs on product URLs of every marketplace, with or without a slug', () => {
  for (const h of marketplaces(kindRs)) {
    for (const p of ['/dp/B07WXL5YPW', '/dp/B07WXL5YPW/', '/Nintendo-Switch/dp/B07WXL5YPW/ref=sr_1_1?qid=1',
      '/-/en/dp/B07WXL5YPW', '/-/en/Some-Slug/dp/B07WXL5YPW?th=1', '/gp/product/B07WXL5YPW', '/gp/product/B07WXL5YPW/ref=x', '/gp/aw/d/B07WXL5YPW']) {
      assert.ok(isProductUrl(chrome, `https://www.${h}${p}`), `www.${h}${p}`);
      assert.ok(isProductUrl(firefox, `https://www.${h}${p}`), `firefox www.${h}${p}`);
    }
  }
  assert.ok(isProductUrl(chrome, 'https://smile.amazon.com/dp/B07WXL5YPW'));
});

test('the content script does not run on search, home, other sites or look-alike hosts', () => {
  for (const url of ['https://www.amazon.co.jp/', 'https://www.amazon.co.jp/s?k=switch', 'https://www.amazon.com/gp/cart/view.html',
    'https://www.example.com/dp/B07WXL5YPW', 'https://www.amazon.co.jp.evil.example/dp/B07WXL5YPW', 'http://www.amazon.co.jp/dp/B07WXL5YPW',
    'https://sellercentral.amazon.co.jp.example/dp/X']) {
    assert.equal(isProductUrl(chrome, url), false, url);
  }
});
