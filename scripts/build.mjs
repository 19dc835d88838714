#!/usr/bin/env node
// Builds the extension for every browser from one source:
//   cargo (wasm32, release) -> wasm-bindgen --target web -> wasm-opt -Oz (npm binaryen)
//   -> extension/pkg + www/pkg -> dist/chrome, dist/firefox (manifest generated from
//   extension/manifest.base.json) -> dist/catalog-guard-{chrome,firefox}.zip.
// Two wasm modules: the full one (crates/full: the root crate's `invoke`) and the hot
// page-check one (crates/hot); it prints both sizes, gzipped.
// Incremental: every step is skipped when its inputs are older than its outputs, so a
// second `make build` with nothing changed only pays for cargo's own no-op check.
//
// Usage: node scripts/build.mjs [--skip-cargo] [--quiet]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { productMatches, hostPermissions, chromeManifest, firefoxManifest } from './manifest.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const log = (...m) => { if (!quiet) console.log('[build]', ...m); };

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed with exit code ${r.status}`);
}

const mtime = (p) => { try { return fs.statSync(p).mtimeMs; } catch { return -1; } };

function findBin(name, candidates) {
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  throw new Error(`${name} not found (run scripts/setup.sh)`);
}

// 1. Rust -> wasm
const cargoOut = path.join(root, 'target/wasm32-unknown-unknown/release');
// Each module's raw wasm is copied aside right after its cargo step, so no later cargo run
// (another crate's) can replace the file a module is made from between build and bindgen.
const rawDir = path.join(root, 'target/cg-raw');
const rawWasm = path.join(rawDir, 'catalog_guard.wasm');
const rawHotWasm = path.join(rawDir, 'catalog_guard_hot.wasm');
function keep(file, dest) {
  const src = path.join(cargoOut, file);
  if (mtime(src) > mtime(dest)) {
    fs.mkdirSync(rawDir, { recursive: true });
    fs.copyFileSync(src, dest);
  }
}
if (!args.has('--skip-cargo')) {
  // The full module: crates/full, its own workspace like crates/hot, because only there is
  // encoding_rs replaced by the UTF-8-only stand-in (legacy charsets decoded by the browser's
  // TextDecoder, NFKC by String.prototype.normalize: features browser-charsets, browser-nfkc;
  // tests/e2e/hot-wasm.test.mjs compares its reports with the native CLI's on every real page).
  // Same target directory (crates/full/.cargo/config.toml).
  log('cargo build --release --target wasm32-unknown-unknown (crates/full)');
  run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', ...(quiet ? ['--quiet'] : [])], { cwd: path.join(root, 'crates/full') });
  keep('catalog_guard_full.wasm', rawWasm);
  // The hot module: its own workspace (it patches encoding_rs), same target directory
  // (crates/hot/.cargo/config.toml), so the core is not compiled twice for nothing.
  log('cargo build --release --target wasm32-unknown-unknown (crates/hot)');
  run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', ...(quiet ? ['--quiet'] : [])], { cwd: path.join(root, 'crates/hot') });
  keep('catalog_guard_hot.wasm', rawHotWasm);
}

// 2. wasm-bindgen + wasm-opt, per module, only when its raw wasm changed.
const pkg = path.join(root, 'extension/pkg');
const wwwPkg = path.join(root, 'www/pkg');
function bindgen(name, raw, entry) {
  const pkgWasm = path.join(pkg, `${name}_bg.wasm`);
  const pkgJs = path.join(pkg, `${name}.js`);
  const stale = mtime(raw) > mtime(pkgWasm) || mtime(pkgJs) < 0
    || !fs.readFileSync(pkgJs, 'utf8').includes(`export function ${entry}(`);
  if (!stale) return pkgWasm;
  const home = process.env.HOME || '';
  const wasmBindgen = findBin('wasm-bindgen', [path.join(home, '.cargo/bin/wasm-bindgen')]);
  // Never Debian's binaryen (108 emits wasm that fails in Chromium): the pinned npm package.
  const wasmOpt = path.join(root, 'node_modules/.bin/wasm-opt');
  if (!fs.existsSync(wasmOpt)) throw new Error('node_modules/.bin/wasm-opt missing: run `npm ci`');
  const tmp = path.join(root, 'target/cg-bindgen', name);
  fs.rmSync(tmp, { recursive: true, force: true });
  log(`wasm-bindgen --target web (${name})`);
  run(wasmBindgen, ['--target', 'web', '--no-typescript', '--out-dir', tmp, raw]);
  log(`wasm-opt -Oz (${name})`);
  run(wasmOpt, [
    '-Oz',
    '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
    '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
    path.join(tmp, `${name}_bg.wasm`), '-o', path.join(tmp, 'opt.wasm'),
  ]);
  // A module without its entry point must never reach dist/ (see `keep` above).
  const glue = fs.readFileSync(path.join(tmp, `${name}.js`), 'utf8');
  if (!glue.includes(`export function ${entry}(`)) throw new Error(`${name}: no ${entry} export; not using this build`);
  fs.mkdirSync(pkg, { recursive: true });
  fs.copyFileSync(path.join(tmp, `${name}.js`), pkgJs);
  fs.copyFileSync(path.join(tmp, 'opt.wasm'), pkgWasm);
  fs.mkdirSync(wwwPkg, { recursive: true });
  fs.copyFileSync(pkgJs, path.join(wwwPkg, `${name}.js`));
  fs.copyFileSync(pkgWasm, path.join(wwwPkg, `${name}_bg.wasm`));
  return pkgWasm;
}
const sizes = [['full', bindgen('catalog_guard', rawWasm, 'invoke')], ['hot', bindgen('catalog_guard_hot', rawHotWasm, 'check_html')]]
  .map(([label, f]) => {
    const bytes = fs.readFileSync(f);
    return { label, file: path.basename(f), raw: bytes.length, gz: zlib.gzipSync(bytes, { level: 9 }).length };
  });
for (const s of sizes) log(`wasm ${s.label.padEnd(4)} ${s.file}: ${s.raw} bytes, ${s.gz} gzipped`);
log(`wasm all: ${sizes.reduce((a, s) => a + s.gz, 0)} bytes gzipped`);

// 3. dist/<browser>: a mirror of extension/ (minus the manifest source) plus its manifest.
const extDir = path.join(root, 'extension');
const skip = new Set(['manifest.base.json']);

function listFiles(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.name.startsWith('.') || skip.has(r)) continue;
    if (e.isDirectory()) out.push(...listFiles(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

function mirror(dest, manifest) {
  let changed = false;
  const files = listFiles(extDir);
  const want = new Set(files);
  want.add('manifest.json');
  for (const f of files) {
    const s = path.join(extDir, f);
    const d = path.join(dest, f);
    const ss = fs.statSync(s);
    let ds = null;
    try { ds = fs.statSync(d); } catch { /* missing */ }
    if (!ds || ds.size !== ss.size || ds.mtimeMs < ss.mtimeMs) {
      fs.mkdirSync(path.dirname(d), { recursive: true });
      fs.copyFileSync(s, d);
      changed = true;
    }
  }
  const mtext = JSON.stringify(manifest, null, 2) + '\n';
  const mpath = path.join(dest, 'manifest.json');
  let old = null;
  try { old = fs.readFileSync(mpath, 'utf8'); } catch { /* missing */ }
  if (old !== mtext) { fs.writeFileSync(mpath, mtext); changed = true; }
  // Remove what no longer exists in the source.
  if (fs.existsSync(dest)) {
    for (const f of listFiles(dest)) {
      if (!want.has(f)) { fs.rmSync(path.join(dest, f)); changed = true; }
    }
  }
  return changed;
}

const base = JSON.parse(fs.readFileSync(path.join(extDir, 'manifest.base.json'), 'utf8'));
const kindRs = fs.readFileSync(path.join(root, 'src/page/kind.rs'), 'utf8');
const targets = [
  ['chrome', chromeManifest(base, kindRs)],
  ['firefox', firefoxManifest(base, kindRs)],
];
const haveZip = spawnSync('sh', ['-c', 'command -v zip'], { encoding: 'utf8' }).status === 0;
for (const [name, manifest] of targets) {
  const dest = path.join(root, 'dist', name);
  fs.mkdirSync(dest, { recursive: true });
  const changed = mirror(dest, manifest);
  const zip = path.join(root, 'dist', `catalog-guard-${name}.zip`);
  if (changed || mtime(zip) < 0) {
    if (!haveZip) throw new Error('`zip` not found (run scripts/setup.sh)');
    fs.rmSync(zip, { force: true });
    run('zip', ['-q', '-r', '-X', zip, '.'], { cwd: dest });
    log(`dist/${name} updated, ${path.relative(root, zip)} written`);
  } else {
    log(`dist/${name} up to date`);
  }
}
log(`content script matches ${productMatches(kindRs).length} URL patterns on ${hostPermissions(kindRs).length} hosts`);
