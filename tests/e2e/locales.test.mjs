// The en and ja message files agree, and every message key the extension
// pages and www use exists. Plain node --test, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMessage } from '../../extension/ui/i18n.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = (lang) => JSON.parse(readFileSync(join(root, 'extension', '_locales', lang, 'messages.json'), 'utf8'));
const en = load('en');
const ja = load('ja');

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'pkg' && name !== 'node_modules') walk(p, out);
    } else if (/\.(m?js|html)$/.test(name)) out.push(p);
  }
  return out;
}

const sources = [...walk(join(root, 'extension')), ...walk(join(root, 'www'))];

/** Every message key a source file uses, with where. */
function usedKeys() {
  const used = new Map();
  const add = (key, file) => {
    if (!used.has(key)) used.set(key, new Set());
    used.get(key).add(relative(root, file));
  };
  const patterns = [
    /\bt\(\s*['"]([A-Za-z0-9_@]+)['"]/g, // t('key', ...)
    /data-i18n(?:-[a-z-]+)?=["']([A-Za-z0-9_@]+)["']/g, // data-i18n="key"
    /__MSG_([A-Za-z0-9_@]+)__/g, // manifest / CSS style
    /getMessage\(\s*['"]([A-Za-z0-9_@]+)['"]/g,
    // Message keys kept in tables (field / dimension / severity / watch-flag names).
    /['"]((?:field|dim|severity|watch|status|import|edit|action|label|col|bench|www|language|settings|options|page|copy|error)[A-Z][A-Za-z0-9]*)['"]/g,
  ];
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    for (const re of patterns) for (const m of text.matchAll(re)) add(m[1], file);
  }
  return used;
}

function placeholders(entry) {
  return [...String(entry.message).matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => m[1].toLowerCase()).sort();
}

test('en and ja have exactly the same keys', () => {
  const a = Object.keys(en).sort();
  const b = Object.keys(ja).sort();
  assert.deepEqual(
    a.filter((k) => !(k in ja)),
    [],
    'keys only in en',
  );
  assert.deepEqual(
    b.filter((k) => !(k in en)),
    [],
    'keys only in ja',
  );
  assert.ok(a.length > 50, `expected a full message set, got ${a.length}`);
});

test('every message is non-empty and its placeholders are defined, the same in both languages', () => {
  for (const [lang, table] of [['en', en], ['ja', ja]]) {
    for (const [key, entry] of Object.entries(table)) {
      assert.match(key, /^[A-Za-z0-9_@]+$/, `${lang}: key ${key}`);
      assert.equal(typeof entry.message, 'string', `${lang}.${key}.message`);
      assert.ok(entry.message.trim().length > 0, `${lang}.${key} is empty`);
      const defined = Object.keys(entry.placeholders || {}).map((k) => k.toLowerCase());
      for (const p of placeholders(entry)) assert.ok(defined.includes(p), `${lang}.${key} uses $${p}$ without defining it`);
    }
  }
  for (const key of Object.keys(en)) {
    if (!(key in ja)) continue;
    assert.deepEqual(placeholders(ja[key]), placeholders(en[key]), `${key}: ja and en use different placeholders`);
  }
});

test('Japanese messages are written in Japanese', () => {
  const kana = /[\u3040-\u30ff\u4e00-\u9fff]/;
  // Brand names, codes and language names that stay as they are.
  const sameOk = new Set(['extName', 'popupTitle', 'labelAsin', 'caseLabelAsin', 'colAsin', 'fieldSku', 'labelSellerId', 'languageJa', 'languageEn', 'benchColMbps']);
  const notJapanese = Object.entries(ja)
    .filter(([key, e]) => !sameOk.has(key) && !kana.test(e.message))
    .map(([key]) => key);
  assert.deepEqual(notJapanese, []);
  assert.equal(ja.fieldImagesMain.message, 'メイン画像');
  assert.equal(ja.fieldTitle.message, 'タイトル');
  assert.equal(ja.fieldBrand.message, 'ブランド');
  assert.equal(ja.dimColorName.message, 'カラー');
});

test('every key used by the extension pages and www exists', () => {
  const used = usedKeys();
  assert.ok(used.size > 50, `found only ${used.size} used keys: is the scan broken?`);
  const missing = [...used.entries()].filter(([key]) => !(key in en)).map(([key, files]) => `${key} (${[...files].join(', ')})`);
  assert.deepEqual(missing, []);
});

test('formatMessage substitutes placeholders like chrome.i18n.getMessage', () => {
  assert.equal(formatMessage(ja.statusMismatchMany, ['3']), '保存した出品情報と異なる点が3件あります');
  assert.equal(formatMessage(en.optionsCountFiltered, ['2', '7']), '2 of 7 listings');
  // Placeholders in another order than the substitutions.
  assert.equal(formatMessage(ja.optionsCountFiltered, ['2', '7']), '7件中 2件');
  assert.equal(formatMessage({ message: 'Cost: $$5 for $WHO$', placeholders: { who: { content: '$1' } } }, ['you']), 'Cost: $5 for you');
  // A substitution is inserted as is, never re-expanded.
  assert.equal(formatMessage(en.errorPrefix, ['$1 <b>']), 'Error: $1 <b>');
  assert.equal(formatMessage(undefined, []), '');
});

test('the store name and description fit Chrome Web Store limits in both languages', () => {
  for (const table of [en, ja]) {
    assert.ok(table.extName.message.length <= 75, 'extName longer than 75 characters');
    assert.ok(table.extDescription.message.length <= 132, `extDescription is ${table.extDescription.message.length} characters (max 132)`);
  }
  assert.match(ja.extDescription.message, /相乗り/);
});
