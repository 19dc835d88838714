// The export file (`catalog-guard/listings`, import::export_file in the core) written and read in
// JS, straight from and into storage.local, by the options page and by the background.
//
// Why not through the core: at 10,000 listings with their histories the file is about 60 M
// characters (BENCHMARKS.md). Building it in wasm meant passing every listing and history through
// serde-wasm-bindgen and the finished text back, then sending it to the page in 8 Mi parts; the
// import passed every stored listing and the whole file through wasm and back. Here the file is
// written piece by piece with JSON.stringify into a list of strings (a Blob on the page), in the
// same layout as the core's `export` (pretty JSON, two-space indent, members in the same order);
// an import sends the core only what it must judge: the listings that differ from the stored ones,
// the deletions, case logs and screenshots. The histories, passed through unchecked by the core
// anyway, never cross into wasm.

/** The file's `format` (listing::FORMAT). */
export const FORMAT = 'catalog-guard/listings';
/** The version written (listing::VERSION). */
export const FILE_VERSION = 2;
/** The settings' version written with them (store::settings::VERSION). */
export const SETTINGS_VERSION = 1;

/** Entries per JSON.stringify call: big enough to be fast, small enough to stay modest in memory. */
const CHUNK = 500;

const keyOf = (l) => `${l.marketplace}/${l.asin}`;

/**
 * `value` (an array or object: one chunk of a member) as the core's pretty JSON writes it inside
 * the file's top-level object: its entries only, each indented by four spaces, comma-separated.
 */
function entries(name, value, open, close) {
  const text = JSON.stringify({ [name]: value }, null, 2);
  const head = `{\n  ${JSON.stringify(name)}: ${open}\n`;
  return text.slice(head.length, text.length - `\n  ${close}\n}`.length);
}

/** Pushes member `name` (a list of `[key, value]` or of values) onto `parts` in chunks. */
function member(parts, name, items, isArray) {
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (!items.length) {
    parts.push(`,\n  ${JSON.stringify(name)}: ${open}${close}`);
    return;
  }
  parts.push(`,\n  ${JSON.stringify(name)}: ${open}\n`);
  for (let i = 0; i < items.length; i += CHUNK) {
    const slice = items.slice(i, i + CHUNK);
    const chunk = isArray ? slice : Object.fromEntries(slice);
    if (i) parts.push(',\n');
    parts.push(entries(name, chunk, open, close));
  }
  parts.push(`\n  ${close}`);
}

/** A small member, written whole. */
function small(parts, name, value) {
  parts.push(`,\n  ${JSON.stringify(name)}: ${JSON.stringify(value, null, 2).replaceAll('\n', '\n  ')}`);
}

/**
 * The export file as a list of strings (join them, or hand them to a Blob), read from
 * storage.local through `get` (`storage.local.get`): the listings sorted by key, then `settings`
 * (`head.settings`: the normalised settings with their version, or null when none are stored),
 * the histories and case logs of those listings, their screenshots when `head.shots` is true,
 * and `head.deleted` (`[{key, deleted_at}]`). Members that would be empty are left out, as the
 * core's export leaves them out.
 *
 * Two storage reads: the listings and every extra item. With `getKeys` (`storage.local.getKeys`,
 * Chrome 130+, Firefox 143+) both run at once, for only the extra items stored (a few case logs,
 * not 10,000 absent keys): a third faster at 10,000 listings (BENCHMARKS.md); without it the
 * extra items are read after the listings, by the listings' keys.
 */
export async function exportFileParts(get, head = {}, getKeys = null) {
  const names = ['history', 'cases', ...(head.shots === true ? ['shots'] : [])];
  const stored = getKeys ? await getKeys() : null;
  let got;
  let extra;
  if (Array.isArray(stored)) {
    const wanted = stored.filter((k) => names.some((n) => k.startsWith(`${n}:`)));
    [got, extra] = await Promise.all([get('listings'), wanted.length ? get(wanted) : {}]);
  } else got = await get('listings');
  const map = got.listings && typeof got.listings === 'object' && !Array.isArray(got.listings) ? got.listings : {};
  const keys = Object.keys(map).sort();
  extra ??= keys.length ? await get(names.flatMap((n) => keys.map((k) => `${n}:${k}`))) : {};
  const parts = [`{\n  "format": ${JSON.stringify(FORMAT)},\n  "version": ${FILE_VERSION}`];
  member(parts, 'listings', keys.map((k) => map[k]), true);
  if (head.settings && typeof head.settings === 'object') small(parts, 'settings', head.settings);
  for (const n of names) {
    // Histories: any stored value; case logs and screenshots: non-empty lists (as the core's export).
    const items = [];
    for (const k of keys) {
      const v = extra[`${n}:${k}`];
      if (n === 'history' ? v : Array.isArray(v) && v.length) items.push([k, v]);
    }
    if (items.length) member(parts, n, items, false);
  }
  const deleted = Array.isArray(head.deleted) ? [...head.deleted].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) : [];
  if (deleted.length) small(parts, 'deleted', deleted);
  parts.push('\n}\n');
  return parts;
}

// ------------------------------------------------------------------ import

/**
 * The file parsed, when JS can take the quick way with it: a `catalog-guard/listings` object of
 * version 1 or later whose listings each name an ASIN and a marketplace, none twice. Anything
 * else (not JSON, version 0, a listing without its key, a duplicate) gives null: the background
 * then reads the whole text with the core, which says exactly what is wrong and where.
 */
export function readListingsFile(text) {
  let file;
  try {
    file = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return null;
  }
  if (!file || typeof file !== 'object' || Array.isArray(file) || file.format !== FORMAT) return null;
  if (!Number.isInteger(file.version) || file.version < 1 || !Array.isArray(file.listings)) return null;
  const seen = new Set();
  for (const l of file.listings) {
    if (!l || typeof l !== 'object' || typeof l.asin !== 'string' || typeof l.marketplace !== 'string') return null;
    const k = keyOf(l).toLowerCase();
    if (seen.has(k)) return null;
    seen.add(k);
  }
  return file;
}

/** JSON with object keys sorted and null members left out (the core reads absent and null alike). */
export function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => v[k] !== null && v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** True when two listings are the same data (so the core would find them equal). */
export function sameListing(a, b) {
  return JSON.stringify(a) === JSON.stringify(b) || canonical(a) === canonical(b);
}

/**
 * The file's listings split against the stored ones (`stored`: key → Listing): `unchanged` (key →
 * the stored `updated_at`) are the same data as stored, so the core need not see them; every
 * other listing (new, different, or named by one of the file's deletions) is in `differing`.
 */
export function splitListings(file, stored) {
  const tombs = new Set((Array.isArray(file.deleted) ? file.deleted : []).map((t) => t && t.key));
  const unchanged = {};
  const differing = [];
  for (const l of file.listings) {
    const k = keyOf(l);
    const s = Object.hasOwn(stored, k) ? stored[k] : null;
    if (s && !tombs.has(k) && sameListing(s, l)) unchanged[k] = s.updated_at ?? '';
    else differing.push(l);
  }
  return { unchanged, differing };
}

/**
 * What the core must judge of the file, as text: format, version, the `differing` listings and
 * the members it checks or merges (case logs, screenshots, deletions). The histories stay out.
 */
export function reducedText(file, differing) {
  const out = { format: file.format, version: file.version, listings: differing };
  for (const m of ['cases', 'shots', 'deleted']) if (Object.hasOwn(file, m)) out[m] = file[m];
  return JSON.stringify(out);
}

/** When a history was last recorded (`last_recorded_at`, else its last entry's time). */
export function lastAt(history) {
  if (!history || typeof history !== 'object') return '';
  const last = Array.isArray(history.entries) && history.entries.length ? history.entries[history.entries.length - 1].at : '';
  return String(history.last_recorded_at || last || '');
}

/**
 * The file's histories to store (`history:<key>` → History) for the listings in `keep`, given the
 * stored ones (`stored`: `history:<key>` → History): "replace" takes the file's wherever it has
 * one; "merge" takes it where there is none here or the file's was recorded later.
 */
export function historiesToTake(fileHistory, stored, keep, mode) {
  const set = {};
  if (!fileHistory || typeof fileHistory !== 'object') return set;
  for (const [k, h] of Object.entries(fileHistory)) {
    if (!keep.has(k) || !h || typeof h !== 'object') continue;
    const local = stored[`history:${k}`];
    if (mode === 'replace' || !local || lastAt(h) > lastAt(local)) set[`history:${k}`] = h;
  }
  return set;
}
