#!/usr/bin/env node
// Assembles the static www site:
//   node www/build.mjs [--pkg DIR] [--out DIR]
// out/            <- www/* (this script excepted)
// out/ui/         <- extension/ui/*        (the popup's report view, i18n)
// out/_locales/   <- extension/_locales/*  (the same messages)
// out/pkg/        <- the wasm-bindgen --target web output (catalog_guard.js + catalog_guard_bg.wasm)
// --pkg defaults to the first of extension/pkg, www/pkg, dist/chrome/pkg holding catalog_guard.js;
// --out defaults to dist/www. Serve out/ over HTTP (module scripts and wasm need it).
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const out = resolve(root, opt('--out') || 'dist/www');
const pkgCandidates = opt('--pkg') ? [opt('--pkg')] : ['extension/pkg', 'www/pkg', 'dist/chrome/pkg'];
const pkg = pkgCandidates.map((p) => resolve(root, p)).find((p) => existsSync(join(p, 'catalog_guard.js')));
if (!pkg) {
  console.error(`www/build.mjs: no wasm-bindgen output (catalog_guard.js) in ${pkgCandidates.join(' or ')}; run make build first or pass --pkg DIR`);
  process.exit(2);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const name of readdirSync(join(root, 'www'))) {
  if (name === 'build.mjs') continue;
  cpSync(join(root, 'www', name), join(out, name), { recursive: true });
}
cpSync(join(root, 'extension', 'ui'), join(out, 'ui'), { recursive: true });
cpSync(join(root, 'extension', '_locales'), join(out, '_locales'), { recursive: true });
cpSync(pkg, join(out, 'pkg'), { recursive: true, filter: (src) => !/\.(d\.ts|gitignore)$|package\.json$/.test(src) });
console.log(`www/build.mjs: wrote ${out} (wasm from ${pkg})`);
