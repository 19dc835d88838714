// Options page: saved listings (search, paging, edit, delete), export and
// import, language. Talks to the background only through the messages in docs/interfaces.md.
import { initI18n, applyI18n, t, currentLanguage } from '../ui/i18n.js';
import { h, replaceChildren } from '../ui/dom.js';
import { send as sendTyped } from '../lib/messages.js';
import { api } from '../lib/platform.js';
import { thumbnail, isImageId } from '../ui/images.js';
import { formatTime } from '../ui/render.js';
import { openDetails, openDetailsFromHash } from './details.js';

const PAGE_SIZE = 50;

/** chrome.storage.sync quotas (QUOTA_BYTES, MAX_ITEMS). */
const SYNC_QUOTA_BYTES = 102_400;
const SYNC_MAX_ITEMS = 512;

/** Watch flags in display order: [flag, checkbox label key, short name key for the table]. */
const WATCH_FLAGS = [
  ['title', 'watchTitle', 'fieldTitle'],
  ['brand', 'watchBrand', 'fieldBrand'],
  ['main_image', 'watchMainImage', 'fieldImagesMain'],
  ['gallery', 'watchGallery', 'fieldImagesGallery'],
  ['variations', 'watchVariations', 'fieldVariations'],
  ['breadcrumb', 'watchBreadcrumb', 'fieldBreadcrumb'],
  ['bullets', 'watchBullets', 'fieldBullets'],
  ['description', 'watchDescription', 'fieldDescription'],
  ['seller', 'watchSeller', 'fieldSeller'],
  ['offers', 'watchOffers', 'fieldOffers'],
  ['family_parent', 'watchFamilyParent', 'fieldFamilyParent'],
  ['family_members', 'watchFamilyMembers', 'fieldFamilyMembers'],
  ['availability', 'watchAvailability', 'fieldAvailability'],
];

/** Flags a listing stored before they existed lacks: on, as the core's `Watch` default. */
const WATCH_DEFAULT_ON = ['family_parent', 'family_members', 'availability'];

/** A listing's watch flags, the missing newer ones at their default. */
function watchOf(l) {
  const w = { ...(l?.watch || {}) };
  for (const f of WATCH_DEFAULT_ON) if (w[f] === undefined) w[f] = true;
  return w;
}

/** Every Amazon marketplace (as `page::kind::MARKETPLACES`), for the report import. */
const MARKETPLACES = [
  'amazon.co.jp', 'amazon.com', 'amazon.ca', 'amazon.com.mx', 'amazon.com.br', 'amazon.co.uk', 'amazon.de', 'amazon.fr',
  'amazon.it', 'amazon.es', 'amazon.nl', 'amazon.se', 'amazon.pl', 'amazon.com.be', 'amazon.com.tr', 'amazon.ae',
  'amazon.sa', 'amazon.eg', 'amazon.in', 'amazon.sg', 'amazon.com.au', 'amazon.cn', 'amazon.ie', 'amazon.co.za',
];

const $ = (id) => document.getElementById(id);

/** Sends `{type, ...}` (docs/interfaces.md) and returns the `{ok: true}` answer; throws the error. */
const send = ({ type, ...payload }) => sendTyped(type, payload);

const state = {
  listings: [], // [{key, listing, haystack}]
  filtered: [],
  query: '',
  page: 0,
  settings: {},
  selected: new Set(), // keys ticked for a bulk action (kept across pages and searches)
  elsewhere: new Map(), // key -> {fields}: changed in another browser, full record not synced
  // Catalogue at a glance (background catalog.js): each listing's last check and the summary.
  checks: {}, // key -> {status: match|mismatch|gone|unreadable|not_checked, stale, at, source, differences}
  summary: null,
  status: 'all', // the status filter: all | problems | mismatch | gone | unreadable | stale
};

// ---------------------------------------------------------------- catalogue at a glance

/** Problems first: differs, gone, unreadable, not checked recently, then the rest. */
function problemRank(c) {
  if (!c) return 3;
  if (c.status === 'mismatch') return 0;
  if (c.status === 'gone') return 1;
  if (c.status === 'unreadable') return 2;
  if (c.stale || c.status === 'not_checked') return 3;
  return 4;
}

function statusMatches(c, filter) {
  if (filter === 'all') return true;
  if (filter === 'problems') return problemRank(c) < 4;
  if (filter === 'stale') return Boolean(c?.stale);
  return c?.status === filter;
}

/** "800 listings: 3 differ, 1 gone, 12 not checked in 24 h". */
function renderSummary() {
  const box = $('catalog-summary');
  const s = state.summary;
  if (!box) return;
  box.hidden = !s || !s.total;
  if (!s) return;
  box.textContent = t('catalogSummary', [String(s.total), String(s.differ), String(s.gone), String(s.stale), String(s.stale_hours)]);
  box.dataset.total = String(s.total);
  box.dataset.differ = String(s.differ);
  box.dataset.gone = String(s.gone);
  box.dataset.stale = String(s.stale);
}

/** A row's last check: status, when, from where. */
function lastCheckCell(key) {
  const c = state.checks[key];
  if (!c || c.status === 'not_checked') return h('td', { class: 'cell-check', attrs: { 'data-status': 'not_checked' } }, t('checkNotChecked'));
  const what = {
    match: () => t('checkMatch'),
    mismatch: () => t('checkDiffers', [String(c.differences || 0)]),
    gone: () => t('checkGone'),
    unreadable: () => t('checkUnreadable'),
  }[c.status]?.() ?? c.status;
  const from = { viewed: 'sourceViewed', recheck: 'sourceRecheck', baseline: 'sourceBaseline' }[c.source];
  return h('td', { class: 'cell-check', attrs: { 'data-status': c.status, 'data-stale': c.stale ? 'true' : 'false' } },
    h('span', { class: 'check-status', text: what }),
    h('br'),
    h('span', { class: 'check-when', text: `${formatTime(new Date(c.at).toISOString())}${from ? ` · ${t(from)}` : ''}` }),
    c.stale ? h('span', { class: 'check-stale', text: ` ${t('checkStale', [String(state.summary?.stale_hours ?? 24)])}` }) : null);
}

async function loadCatalog() {
  try {
    const { summary, checks } = await send({ type: 'ui-bg-catalog-status' });
    state.summary = summary;
    state.checks = checks || {};
  } catch {
    state.summary = null;
    state.checks = {};
  }
}

function errorText(err) {
  const base = err && err.message ? err.message : String(err);
  const details = err && err.details;
  if (details && typeof details === 'string' && details !== base) return `${base} (${details})`;
  return base;
}

function notify(text, kind = 'success') {
  const n = $('notice');
  n.textContent = text;
  n.dataset.kind = kind;
}

/** NFKC + lower case, so full-width "Ｂ０１" finds "B01". */
function fold(s) {
  return String(s ?? '').normalize('NFKC').toLowerCase();
}

function keyOf(l) {
  return `${l.marketplace}/${l.asin}`;
}

// ---------------------------------------------------------------- listings

async function loadListings() {
  const res = await send({ type: 'ui-bg-listings-get' });
  const raw = res.listings || [];
  const list = Array.isArray(raw) ? raw : Object.values(raw);
  state.listings = list
    .filter((l) => l && typeof l === 'object' && l.asin)
    .map((l) => ({ key: keyOf(l), listing: l, haystack: fold([l.asin, l.sku || '', l.title || ''].join('\n')) }));
  // Problems first (what is wrong right now), then the most recently changed.
  await loadCatalog();
  const rank = new Map(state.listings.map((e) => [e.key, problemRank(state.checks[e.key])]));
  state.listings.sort((a, b) => rank.get(a.key) - rank.get(b.key)
    || String(b.listing.updated_at || '').localeCompare(String(a.listing.updated_at || '')) || a.key.localeCompare(b.key));
  renderSummary();
  const keys = new Set(state.listings.map((e) => e.key));
  for (const k of state.selected) if (!keys.has(k)) state.selected.delete(k);
  applyFilter(false);
}

function applyFilter(resetPage = true) {
  const q = fold(state.query).trim();
  const terms = q.split(/\s+/).filter(Boolean);
  const filter = state.status;
  state.filtered = terms.length || filter !== 'all'
    ? state.listings.filter((e) => terms.every((term) => e.haystack.includes(term)) && statusMatches(state.checks[e.key], filter))
    : state.listings;
  if (resetPage) state.page = 0;
  const pages = Math.max(1, Math.ceil(state.filtered.length / PAGE_SIZE));
  if (state.page >= pages) state.page = pages - 1;
  renderTable();
}

function watchedNames(l) {
  const w = watchOf(l);
  return WATCH_FLAGS.filter(([flag]) => w[flag]).map(([, , key]) => t(key));
}

function renderRow(entry) {
  const l = entry.listing;
  const watched = watchedNames(l);
  return h(
    'tr',
    { attrs: { 'data-key': entry.key } },
    h(
      'td',
      { class: 'cell-select' },
      h('input', {
        type: 'checkbox',
        class: 'row-select',
        checked: state.selected.has(entry.key),
        attrs: { 'aria-label': t('bulkSelectRow', [entry.key]) },
        on: {
          change: (e) => {
            if (e.target.checked) state.selected.add(entry.key);
            else state.selected.delete(entry.key);
            renderBulk();
          },
        },
      }),
    ),
    h('td', { class: 'cell-image' }, l.images && l.images[0] ? thumbnail(l.images[0], { size: 75, caption: false }) : null),
    h('th', { class: 'cell-asin', attrs: { scope: 'row' } }, l.asin, l.sku ? h('span', { class: 'sku', text: `${t('fieldSku')}: ${l.sku}` }) : null),
    h('td', { class: 'cell-marketplace', text: l.marketplace }),
    h('td', { class: 'cell-title', text: l.title || '' }),
    h('td', { class: 'cell-watched', title: watched.join(', ') }, t('watchedCount', [String(watched.length), String(WATCH_FLAGS.length)]), h('br'), watched.join(currentLanguage() === 'ja' ? '・' : ', ')),
    h('td', { class: 'cell-updated' }, formatTime(l.updated_at), elsewhereNote(entry.key)),
    lastCheckCell(entry.key),
    h(
      'td',
      { class: 'cell-actions' },
      h('button', {
        type: 'button',
        class: 'btn btn-small action-edit',
        text: t('actionEdit'),
        attrs: { 'aria-label': `${t('actionEdit')} ${entry.key}` },
        on: { click: () => openEditor(entry) },
      }),
      h('button', {
        type: 'button',
        class: 'btn btn-small action-details',
        text: t('actionDetails'),
        attrs: { 'aria-label': `${t('actionDetails')} ${entry.key}` },
        on: { click: () => openDetails(entry) },
      }),
      h('button', {
        type: 'button',
        class: 'btn btn-small btn-quiet action-delete',
        text: t('actionDelete'),
        attrs: { 'aria-label': `${t('actionDelete')} ${entry.key}` },
        on: { click: () => confirmDelete([entry.key]) },
      }),
    ),
  );
}

function renderTable() {
  const total = state.listings.length;
  const shown = state.filtered.length;
  const pages = Math.max(1, Math.ceil(shown / PAGE_SIZE));
  const start = state.page * PAGE_SIZE;
  const slice = state.filtered.slice(start, start + PAGE_SIZE);

  replaceChildren($('rows'), slice.map(renderRow));
  if (shown !== total) $('count').textContent = t('optionsCountFiltered', [String(shown), String(total)]);
  else $('count').textContent = total === 1 ? t('optionsCountOne') : t('optionsCount', [String(total)]);
  const empty = $('empty');
  empty.hidden = shown > 0;
  empty.textContent = total === 0 ? t('optionsEmpty') : t('optionsNoResults');
  $('listings').hidden = shown === 0;
  $('pager').hidden = pages <= 1;
  $('page-info').textContent = t('pageOf', [String(state.page + 1), String(pages)]);
  $('page-prev').disabled = state.page === 0;
  $('page-next').disabled = state.page >= pages - 1;
  renderBulk();
}

/** The listings shown on the current page. */
function pageEntries() {
  const start = state.page * PAGE_SIZE;
  return state.filtered.slice(start, start + PAGE_SIZE);
}

/** Selection count, the bulk buttons and the page's select-all box. */
function renderBulk() {
  const n = state.selected.size;
  $('selected-count').textContent = t('bulkSelected', [String(n)]);
  for (const id of ['bulk-delete', 'bulk-watch', 'bulk-unwatch']) $(id).disabled = n === 0;
  const onPage = pageEntries();
  const ticked = onPage.filter((e) => state.selected.has(e.key)).length;
  const all = $('select-page');
  all.checked = onPage.length > 0 && ticked === onPage.length;
  all.indeterminate = ticked > 0 && ticked < onPage.length;
}

function onSelectPage() {
  const on = $('select-page').checked;
  for (const e of pageEntries()) {
    if (on) state.selected.add(e.key);
    else state.selected.delete(e.key);
  }
  for (const box of $('rows').querySelectorAll('input.row-select')) box.checked = on;
  renderBulk();
}

/** Sets watch flag `flag` to `on` for every selected listing, one `ui-bg-listing-put` each. */
async function bulkWatch(on) {
  const flag = $('bulk-field').value;
  const name = t((WATCH_FLAGS.find(([f]) => f === flag) || [])[2] || 'bulkField');
  const byKey = new Map(state.listings.map((e) => [e.key, e.listing]));
  const buttons = ['bulk-delete', 'bulk-watch', 'bulk-unwatch'].map($);
  for (const b of buttons) b.disabled = true;
  let changed = 0;
  let failure = null;
  try {
    for (const key of state.selected) {
      const l = byKey.get(key);
      if (!l || Boolean((l.watch || {})[flag]) === on) continue;
      const listing = { ...l, watch: { ...(l.watch || {}), [flag]: on }, updated_at: new Date().toISOString() };
      try {
        await send({ type: 'ui-bg-listing-put', listing });
        changed += 1;
      } catch (err) {
        failure = failure || `${key}: ${errorText(err)}`;
      }
    }
  } finally {
    try {
      await loadListings();
    } catch (err) {
      failure = failure || errorText(err);
    }
    renderBulk();
  }
  if (failure) notify(t('errorPrefix', [failure]), 'error');
  else notify(t(on ? 'bulkWatchDone' : 'bulkUnwatchDone', [String(changed), name]));
}

// ------------------------------------------------------------------ editor

function lines(text) {
  return String(text)
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function textField(id, labelText, value, { multiline = false, hint = '' } = {}) {
  const input = multiline
    ? h('textarea', { id, name: id, value: value ?? '', rows: 3 })
    : h('input', { id, name: id, type: 'text', value: value ?? '' });
  if (hint) input.setAttribute('aria-describedby', `${id}-hint`);
  const label = h('label', { attrs: { for: id } }, labelText, hint ? h('span', { class: 'hint', id: `${id}-hint`, text: hint }) : null);
  return [label, input];
}

function openEditor(entry) {
  const l = entry.listing;
  const dialog = $('editor');
  const error = h('p', { class: 'edit-error', id: 'edit-error', attrs: { role: 'alert' } });
  const variations = Object.entries(l.variations || {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  const preview = h('div', { class: 'editor-images thumb-strip' }, (l.images || []).map((id) => thumbnail(id, { size: 75, caption: false })));
  const imagesField = textField('edit-images', t('fieldImages'), (l.images || []).join('\n'), { multiline: true, hint: t('editImagesHint') });
  imagesField[1].addEventListener('input', () => {
    replaceChildren(preview, lines(imagesField[1].value).filter(isImageId).slice(0, 12).map((id) => thumbnail(id, { size: 75, caption: false })));
  });

  const watch = watchOf(l);
  const versions = h('fieldset', { class: 'versions', id: 'edit-versions' }, h('legend', { text: t('versionsHeading') }));
  const form = h(
    'form',
    { id: 'edit-form', method: 'dialog', attrs: { 'data-key': entry.key } },
    h('h2', { id: 'editor-heading', text: t('editTitle', [entry.key]) }),
    h(
      'div',
      { class: 'edit-grid' },
      textField('edit-sku', t('fieldSku'), l.sku || ''),
      textField('edit-title', t('fieldTitle'), l.title || '', { multiline: true }),
      textField('edit-brand', t('fieldBrand'), l.brand || ''),
      imagesField,
      h('span'),
      preview,
      textField('edit-variations', t('fieldVariations'), variations, { multiline: true, hint: t('editVariationsHint') }),
      textField('edit-breadcrumb', t('fieldBreadcrumb'), (l.breadcrumb || []).join('\n'), { multiline: true, hint: t('editListHint') }),
      textField('edit-bullets', t('fieldBullets'), (l.bullets || []).join('\n'), { multiline: true, hint: t('editListHint') }),
      textField('edit-description', t('fieldDescription'), l.description || '', { multiline: true }),
      textField('edit-note', t('fieldNote'), l.note || '', { multiline: true }),
    ),
    h(
      'fieldset',
      { class: 'watch' },
      h('legend', { text: t('editWatch') }),
      h(
        'div',
        { class: 'watch-grid' },
        WATCH_FLAGS.map(([flag, key]) =>
          h('label', {}, h('input', { type: 'checkbox', name: `watch-${flag}`, checked: Boolean(watch[flag]), attrs: { 'data-flag': flag } }), t(key)),
        ),
      ),
    ),
    versions,
    error,
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'btn', id: 'edit-cancel', text: t('actionCancel'), on: { click: () => dialog.close() } }),
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'edit-save', text: t('actionSaveListing') }),
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    let listing;
    try {
      listing = readEditor(form, l);
    } catch (err) {
      error.textContent = err.message;
      return;
    }
    const save = form.querySelector('#edit-save');
    save.disabled = true;
    try {
      await send({ type: 'ui-bg-listing-put', listing });
      dialog.close();
      await loadListings();
      notify(t('editSaved', [entry.key]));
    } catch (err) {
      error.textContent = t('errorPrefix', [errorText(err)]);
    } finally {
      save.disabled = false;
    }
  });
  replaceChildren(dialog, form);
  dialog.showModal();
  form.querySelector('#edit-title').focus();
  loadVersions(entry, versions, dialog);
}

/** JSON with object keys sorted (two equal values always give the same text). */
function canonicalJson(v) {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}

const VERSION_REASONS = {
  other_newer: 'versionReasonOtherNewer',
  this_newer: 'versionReasonThisNewer',
  same_time: 'versionReasonSameTime',
  restored_over: 'versionReasonRestoredOver',
  deleted_elsewhere: 'versionReasonDeletedElsewhere',
  deleted_here: 'versionReasonDeletedHere',
};

/** The editor's "Earlier versions": losing versions kept by sync merges, each restorable. */
async function loadVersions(entry, box, dialog) {
  let versions;
  try {
    ({ versions } = await send({ type: 'ui-bg-listing-versions', key: entry.key }));
  } catch (err) {
    box.append(h('p', { class: 'edit-error', text: t('errorPrefix', [errorText(err)]) }));
    return;
  }
  if (!Array.isArray(versions) || !versions.length) {
    box.append(h('p', { class: 'hint', id: 'versions-none', text: t('versionsNone') }));
    return;
  }
  const restore = (index) => async (e) => {
    e.target.disabled = true;
    try {
      await send({ type: 'ui-bg-listing-restore', key: entry.key, index });
      dialog.close();
      await loadListings();
      notify(t('versionRestored', [entry.key]));
    } catch (err) {
      e.target.disabled = false;
      box.append(h('p', { class: 'edit-error', attrs: { role: 'alert' }, text: t('errorPrefix', [errorText(err)]) }));
    }
  };
  // The parts of a listing a version can differ in, with their labels.
  const parts = [
    ['title', 'fieldTitle'], ['brand', 'fieldBrand'], ['images', 'fieldImages'], ['variations', 'fieldVariations'],
    ['breadcrumb', 'fieldBreadcrumb'], ['bullets', 'fieldBullets'], ['description', 'fieldDescription'],
    ['seller', 'fieldSeller'], ['note', 'fieldNote'], ['watch', 'editWatch'],
  ];
  const current = entry.listing;
  box.append(h('ol', { id: 'versions-list' }, versions.map((v, i) => {
    const l = v.listing || {};
    const differs = parts.filter(([f]) => canonicalJson(l[f]) !== canonicalJson(current[f])).map(([, key]) => t(key));
    const from = v.from === 'other' ? 'versionFromOther' : 'versionFromThis';
    return h(
      'li',
      { attrs: { 'data-from': v.from === 'other' ? 'other' : 'this' } },
      h('span', { class: 'version-when', text: t(from, [formatTime(l.updated_at), formatTime(v.at)]) }),
      ' ',
      VERSION_REASONS[v.reason] ? h('span', { class: 'version-reason', text: t(VERSION_REASONS[v.reason]) }) : null,
      h('span', { class: 'version-title', text: l.title || '' }),
      differs.length ? h('span', { class: 'version-differs', text: t('versionDiffers', [differs.join(currentLanguage() === 'ja' ? '・' : ', ')]) }) : null,
      h('button', {
        type: 'button',
        class: 'btn btn-small version-restore',
        text: t('versionRestore'),
        attrs: { 'aria-label': t('versionRestoreLabel', [entry.key]) },
        on: { click: restore(i) },
      }),
    );
  })));
}

/** The edited listing, or throws an Error whose message is for the user. */
function readEditor(form, original) {
  const val = (id) => form.querySelector(`#${id}`).value;
  const orNull = (s) => (s.trim() === '' ? null : s.trim());
  const images = lines(val('edit-images'));
  for (const id of images) if (!isImageId(id)) throw new Error(t('editBadImage', [id]));
  const variations = {};
  String(val('edit-variations'))
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (!line.trim()) return;
      const at = line.indexOf('=');
      if (at <= 0) throw new Error(t('editBadVariation', [String(i + 1)]));
      variations[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    });
  const watch = watchOf(original);
  for (const box of form.querySelectorAll('input[type="checkbox"][data-flag]')) watch[box.dataset.flag] = box.checked;
  const listing = {
    ...original,
    title: orNull(val('edit-title').replace(/\s*\n\s*/g, ' ')),
    brand: orNull(val('edit-brand')),
    images,
    variations,
    breadcrumb: lines(val('edit-breadcrumb')),
    bullets: lines(val('edit-bullets')),
    description: orNull(val('edit-description')),
    note: val('edit-note').trim(),
    watch,
    updated_at: new Date().toISOString(),
  };
  const sku = val('edit-sku').trim();
  if (sku) listing.sku = sku;
  else delete listing.sku;
  return listing;
}

// ------------------------------------------------------------------ delete

/** Asks before deleting `keys` (one listing from its row, or the selection). */
function confirmDelete(keys) {
  if (!keys.length) return;
  const dialog = $('confirm-delete');
  $('confirm-text').textContent = keys.length === 1 ? t('deleteConfirm', [keys[0]]) : t('bulkDeleteConfirm', [String(keys.length)]);
  dialog.dataset.keys = JSON.stringify(keys);
  dialog.showModal();
  $('confirm-cancel').focus();
}

async function doDelete() {
  const dialog = $('confirm-delete');
  const keys = JSON.parse(dialog.dataset.keys || '[]');
  dialog.close();
  try {
    await send({ type: 'ui-bg-listings-delete', keys });
    for (const k of keys) state.selected.delete(k);
    await loadListings();
    notify(keys.length === 1 ? t('deleteDone', [keys[0]]) : t('bulkDeleteDone', [String(keys.length)]));
  } catch (err) {
    notify(t('errorPrefix', [errorText(err)]), 'error');
  }
}

// ---------------------------------------------------------- export/import

async function doExport() {
  try {
    // Screenshots only when asked for: they can make the file many megabytes.
    const shots = document.getElementById('export-shots')?.checked === true;
    const { text, filename } = await send({ type: 'ui-bg-export', shots });
    const name = filename || `catalog-guard-listings-${new Date().toISOString().slice(0, 10)}.json`;
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = h('a', { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    notify(t('exportDone', [name]));
  } catch (err) {
    notify(t('errorPrefix', [errorText(err)]), 'error');
  }
}

/** A count out of a preview value: a number, or the length of a list. */
function countOf(preview, names) {
  for (const name of names) {
    const v = preview && preview[name];
    if (typeof v === 'number') return v;
    if (Array.isArray(v)) return v.length;
  }
  return null;
}

function importError(err) {
  const panel = $('import-panel');
  panel.hidden = false;
  replaceChildren(panel, h('p', { class: 'import-error', id: 'import-error', attrs: { role: 'alert' }, text: t('importError', [errorText(err)]) }));
}

async function onImportFile() {
  const input = $('import-file');
  const file = input.files && input.files[0];
  input.value = '';
  if (!file) return;
  const panel = $('import-panel');
  let text;
  let preview;
  try {
    text = await file.text();
    ({ preview } = await send({ type: 'ui-bg-import-preview', text }));
  } catch (err) {
    importError(err);
    return;
  }
  const counts = [
    ['importNew', countOf(preview, ['new', 'added', 'new_count', 'added_count'])],
    ['importChanged', countOf(preview, ['changed', 'updated', 'changed_count', 'updated_count'])],
    ['importConflicts', countOf(preview, ['conflicts', 'conflicting', 'conflict', 'conflict_count', 'conflicts_count'])],
    ['importUnchanged', countOf(preview, ['unchanged', 'same', 'unchanged_count'])],
    ['importOnlyHere', countOf(preview, ['only_here'])],
  ].filter(([, n]) => n !== null);
  const apply = (mode) => async () => {
    for (const b of panel.querySelectorAll('button')) b.disabled = true;
    try {
      await send({ type: 'ui-bg-import-apply', text, mode });
      await loadListings();
      panel.hidden = true;
      replaceChildren(panel);
      notify(t('importDone', [String(state.listings.length)]));
    } catch (err) {
      importError(err);
    }
  };
  panel.hidden = false;
  replaceChildren(
    panel,
    h('p', { text: t('importPreviewTitle', [file.name]) }),
    h('ul', { id: 'import-counts' }, counts.map(([key, n]) => h('li', { attrs: { 'data-count': key }, text: t(key, [String(n)]) }))),
    h(
      'div',
      { class: 'import-choice' },
      h('div', {}, h('button', { type: 'button', class: 'btn btn-primary', id: 'import-merge', text: t('importMerge'), on: { click: apply('merge') } }), h('p', { class: 'hint', text: t('importMergeHint') })),
      h('div', {}, h('button', { type: 'button', class: 'btn', id: 'import-replace', text: t('importReplace'), on: { click: apply('replace') } }), h('p', { class: 'hint', text: t('importReplaceHint') })),
      h('div', {}, h('button', { type: 'button', class: 'btn btn-quiet', id: 'import-cancel', text: t('actionCancel'), on: { click: () => { panel.hidden = true; replaceChildren(panel); } } })),
    ),
  );
  panel.querySelector('#import-merge').focus();
}

// -------------------------------------------------------------------- sync

/** A bar and its caption: `value` of `max`. */
function usageBar(id, caption, value, max) {
  return h(
    'div',
    { class: 'sync-usage' },
    h('label', { attrs: { for: id }, text: caption }),
    h('progress', { id, attrs: { max: String(max), value: String(Math.min(value, max)) } }),
  );
}

/** Fingerprint field names (as `Mismatch.field`) -> their locale keys. */
const FIELD_KEYS = {
  title: 'fieldTitle',
  brand: 'fieldBrand',
  'images.main': 'fieldImagesMain',
  'images.gallery': 'fieldImagesGallery',
  variations: 'fieldVariations',
  breadcrumb: 'fieldBreadcrumb',
  bullets: 'fieldBullets',
  description: 'fieldDescription',
  seller: 'fieldSeller',
};

/** Most entries listed of a remote-only / changed-elsewhere list (the count says the rest). */
const SYNC_LIST_MAX = 100;

/** A refused write's kind: the background's code, else read from the browser's message. */
function syncErrorCode(sync) {
  if (sync.code === 'full' || sync.code === 'rate' || sync.code === 'other') return sync.code;
  if (/MAX_WRITE_OPERATIONS/i.test(String(sync.error))) return 'rate';
  return /quota|MAX_ITEMS/i.test(String(sync.error)) ? 'full' : 'other';
}

/** The lists a pull found: listings only another browser has, and ones it changed. */
function renderRemote(remote, num) {
  if (!remote) return [];
  const out = [];
  const only = Array.isArray(remote.remote_only) ? remote.remote_only : [];
  const more = (n) => (n > SYNC_LIST_MAX ? h('li', { class: 'sync-more', text: t('syncListMore', [num(n - SYNC_LIST_MAX)]) }) : null);
  if (only.length) {
    out.push(h(
      'div',
      { id: 'sync-remote-only', class: 'sync-remote' },
      h('h3', { text: t('syncRemoteOnlyHeading', [num(only.length)]) }),
      h('p', { class: 'hint', text: t('syncRemoteOnlyHint') }),
      h('ul', {}, only.slice(0, SYNC_LIST_MAX).map((fp) => h('li', {
        attrs: { 'data-key': String(fp.key) },
        text: t('syncRemoteOnlyItem', [String(fp.asin), String(fp.marketplace), formatTime(fp.updated_at)]),
      })), more(only.length)),
    ));
  }
  const changed = Array.isArray(remote.changed_elsewhere) ? remote.changed_elsewhere : [];
  if (changed.length) {
    const sep = currentLanguage() === 'ja' ? '・' : ', ';
    out.push(h(
      'div',
      { id: 'sync-changed', class: 'sync-remote' },
      h('h3', { text: t('syncChangedHeading', [num(changed.length)]) }),
      h('p', { class: 'hint', text: t('syncChangedHint') }),
      h('ul', {}, changed.slice(0, SYNC_LIST_MAX).map((c) => {
        const fields = (Array.isArray(c.fields) ? c.fields : []).map((f) => (FIELD_KEYS[f] ? t(FIELD_KEYS[f]) : String(f)));
        return h('li', {
          attrs: { 'data-key': String(c.key) },
          text: fields.length ? t('syncChangedItem', [String(c.key), fields.join(sep)]) : t('syncChangedOther', [String(c.key)]),
        });
      }), more(changed.length)),
    ));
  }
  const problems = Array.isArray(remote.problems) ? remote.problems.length : 0;
  if (problems) out.push(h('p', { class: 'hint', id: 'sync-problems', text: t('syncProblems', [num(problems)]) }));
  return out;
}

/** Which listings are not synced in full (fingerprint only / not at all), from the push's status. */
function renderNotFull(status, num) {
  if (!status || typeof status !== 'object') return null;
  const lists = [
    ['fingerprint_only', 'syncWhichFingerprint'],
    ['not_synced', 'syncWhichNotSynced'],
  ].map(([state, key]) => [state, key, Object.keys(status).filter((k) => status[k] === state).sort()])
    .filter(([, , keys]) => keys.length);
  if (!lists.length) return null;
  const titles = new Map(state.listings.map((e) => [e.key, e.listing.title || '']));
  return h(
    'details',
    { id: 'sync-which', class: 'sync-remote' },
    h('summary', { text: t('syncWhich') }),
    lists.map(([state, key, keys]) => h(
      'div',
      { attrs: { 'data-sync': state } },
      h('h3', { text: t(key, [num(keys.length)]) }),
      h('ul', {}, keys.slice(0, SYNC_LIST_MAX).map((k) => {
        const title = titles.get(k);
        return h('li', { attrs: { 'data-key': k }, text: title ? `${k} — ${title}` : k });
      }),
        keys.length > SYNC_LIST_MAX ? h('li', { class: 'sync-more', text: t('syncListMore', [num(keys.length - SYNC_LIST_MAX)]) }) : null),
    )),
  );
}

/** A row's note when another browser changed the listing and only its fingerprint synced. */
function elsewhereNote(key) {
  const c = state.elsewhere.get(key);
  if (!c) return null;
  const fields = (Array.isArray(c.fields) ? c.fields : []).map((f) => (FIELD_KEYS[f] ? t(FIELD_KEYS[f]) : String(f)));
  const text = fields.length ? t('syncChangedRow', [fields.join(currentLanguage() === 'ja' ? '・' : ', ')]) : t('syncChangedRowOther');
  return h('span', { class: 'sync-elsewhere', attrs: { title: t('syncChangedHint') }, text });
}

function renderSync(sync, remote = null) {
  const panel = $('sync-panel');
  const num = (n) => Number(n || 0).toLocaleString(currentLanguage() === 'ja' ? 'ja-JP' : 'en-US');
  const syncNow = h('div', { class: 'row' }, h('button', { type: 'button', class: 'btn btn-small', id: 'sync-now', text: t('syncNow'), disabled: state.settings.sync_enabled === false, on: { click: onSyncNow } }));
  const off = state.settings.sync_enabled === false ? h('p', { class: 'hint', id: 'sync-off', text: t('syncOff') }) : null;
  let error = null;
  if (sync && sync.error) {
    const code = syncErrorCode(sync);
    const key = { full: 'syncErrorFull', rate: 'syncErrorRate', other: 'syncErrorOther' }[code];
    error = h(
      'div',
      { class: 'import-error', id: 'sync-error', attrs: { role: 'alert', 'data-code': code } },
      t(key),
      h('span', { class: 'sync-error-detail', text: String(sync.error) }),
      sync.next_at ? h('span', { class: 'sync-error-detail', id: 'sync-retry', text: t('syncRetryAt', [formatTime(sync.next_at)]) }) : null,
    );
  }
  const waiting = sync && !sync.error && sync.code === 'waiting' && sync.next_at
    ? h('p', { class: 'hint', id: 'sync-waiting', text: t('syncWaiting', [formatTime(sync.next_at)]) })
    : null;
  if (!sync || !sync.stats) {
    replaceChildren(panel, off, error, waiting, h('p', { class: 'hint', id: 'sync-never', text: t('syncNever') }), ...renderRemote(remote, num), syncNow);
    return;
  }
  const s = sync.stats;
  const used = sync.used && typeof sync.used === 'object' ? sync.used : { bytes: s.bytes_used, items: s.items_used };
  const reasons = [];
  if (Number(s.fingerprint_only) > 0) reasons.push(t('syncReasonFingerprint', [num(s.fingerprint_only)]));
  if (Number(s.not_synced) > 0) reasons.push(t('syncReasonNotSynced', [num(s.not_synced)]));
  replaceChildren(
    panel,
    off,
    error,
    waiting,
    usageBar('sync-bytes', t('syncBytes', [num(used.bytes), num(SYNC_QUOTA_BYTES)]), Number(used.bytes || 0), SYNC_QUOTA_BYTES),
    usageBar('sync-items', t('syncItems', [num(used.items), num(SYNC_MAX_ITEMS)]), Number(used.items || 0), SYNC_MAX_ITEMS),
    h(
      'ul',
      { id: 'sync-counts', class: 'sync-counts' },
      h('li', { attrs: { 'data-sync': 'full' }, text: t('syncFull', [num(s.full)]) }),
      h('li', { attrs: { 'data-sync': 'fingerprint_only' }, text: t('syncFingerprint', [num(s.fingerprint_only)]) }),
      h('li', { attrs: { 'data-sync': 'not_synced' }, text: t('syncNotSynced', [num(s.not_synced)]) }),
    ),
    reasons.length
      ? h('div', { class: 'sync-reasons' }, h('p', { text: t('syncReasons') }), h('ul', { id: 'sync-reasons' }, reasons.map((r) => h('li', { text: r }))))
      : null,
    renderNotFull(sync.status, num),
    Number(s.carried) > 0 ? h('p', { class: 'hint', id: 'sync-carried', text: t('syncCarried', [num(s.carried)]) }) : null,
    casesLine(s, num),
    sync.ok_at || (sync.at && !sync.code) ? h('p', { class: 'hint', id: 'sync-at', text: t('syncLastPush', [formatTime(sync.ok_at || sync.at)]) }) : null,
    sync.code && sync.code !== 'ok' && sync.at ? h('p', { class: 'hint', id: 'sync-attempt', text: t('syncLastAttempt', [formatTime(sync.at)]) }) : null,
    ...renderRemote(remote, num),
    syncNow,
  );
}

/** "Case logs: N synced, M local only (no room)" (when this browser has any case log). */
function casesLine(s, num) {
  const synced = Number(s.cases_synced || 0);
  const local = Array.isArray(s.cases_local_only) ? s.cases_local_only.length : 0;
  if (!synced && !local) return null;
  return h('p', { class: 'hint', id: 'sync-cases', attrs: { 'data-synced': String(synced), 'data-local': String(local) }, text: t('syncCases', [num(synced), num(local)]) });
}

async function loadSync() {
  try {
    const { sync, remote } = await send({ type: 'ui-bg-sync-status' });
    renderSync(sync, remote);
    const changed = remote && Array.isArray(remote.changed_elsewhere) ? remote.changed_elsewhere : [];
    const next = new Map(changed.map((c) => [String(c.key), c]));
    const same = next.size === state.elsewhere.size
      && [...next].every(([k, c]) => JSON.stringify(c) === JSON.stringify(state.elsewhere.get(k)));
    if (!same) {
      state.elsewhere = next;
      renderTable();
    }
  } catch (err) {
    replaceChildren($('sync-panel'), h('p', { class: 'import-error', attrs: { role: 'alert' }, text: t('errorPrefix', [errorText(err)]) }));
  }
}

async function onSyncNow() {
  const button = $('sync-now');
  if (button) button.disabled = true;
  try {
    const { sync, remote } = await send({ type: 'ui-bg-sync-now' });
    renderSync(sync, remote);
    await loadListings();
  } catch (err) {
    notify(t('errorPrefix', [errorText(err)]), 'error');
    if (button) button.disabled = false;
  }
}

// ------------------------------------------------- Seller Central report

/** The chosen report, kept so a marketplace change re-runs the preview: {name, bytes}. */
let pendingReport = null;

function reportMarketplace() {
  const v = $('report-marketplace').value;
  return v === 'auto' ? null : v;
}

function closeReport() {
  pendingReport = null;
  const panel = $('report-panel');
  panel.hidden = true;
  replaceChildren(panel);
}

function reportError(err) {
  const panel = $('report-panel');
  panel.hidden = false;
  replaceChildren(panel, h('p', { class: 'import-error', id: 'report-error', attrs: { role: 'alert' }, text: t('reportError', [errorText(err)]) }));
}

async function onReportFile() {
  const input = $('report-file');
  const file = input.files && input.files[0];
  input.value = '';
  if (!file) return;
  try {
    pendingReport = { name: file.name, bytes: Array.from(new Uint8Array(await file.arrayBuffer())) };
  } catch (err) {
    pendingReport = null;
    reportError(err);
    return;
  }
  await previewReport();
}

async function previewReport() {
  const report = pendingReport;
  if (!report) return;
  const marketplace = reportMarketplace();
  let preview;
  try {
    ({ preview } = await send({ type: 'ui-bg-import-report-preview', bytes: report.bytes, marketplace }));
  } catch (err) {
    if (report === pendingReport) reportError(err);
    return;
  }
  if (report !== pendingReport) return; // another file was chosen meanwhile
  const counts = [
    ['importNew', countOf(preview, ['new'])],
    ['importChanged', countOf(preview, ['changed'])],
    ['importUnchanged', countOf(preview, ['unchanged'])],
    ['reportTotal', countOf(preview, ['total'])],
  ].filter(([, n]) => n !== null);
  const panel = $('report-panel');
  const apply = async () => {
    for (const b of panel.querySelectorAll('button')) b.disabled = true;
    try {
      const { count } = await send({ type: 'ui-bg-import-report-apply', bytes: report.bytes, marketplace });
      closeReport();
      await loadListings();
      notify(t('reportDone', [String(count ?? 0)]));
    } catch (err) {
      reportError(err);
    }
  };
  panel.hidden = false;
  replaceChildren(
    panel,
    h('p', { text: t('importPreviewTitle', [report.name]) }),
    h('ul', { id: 'report-counts' }, counts.map(([key, n]) => h('li', { attrs: { 'data-count': key }, text: t(key, [String(n)]) }))),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'btn btn-primary', id: 'report-apply', text: t('reportApply'), on: { click: apply } }),
      h('button', { type: 'button', class: 'btn btn-quiet', id: 'report-cancel', text: t('actionCancel'), on: { click: closeReport } }),
    ),
  );
  panel.querySelector('#report-apply').focus();
}

// ---------------------------------------------------------------- settings

/** Saves the settings with `change` applied; returns false (and says why) on failure. */
async function saveSettings(change) {
  try {
    // Over the settings as stored now: other sections (re-checks) save theirs too.
    const fresh = await send({ type: 'ui-bg-settings-get' }).then((r) => r.settings, () => null);
    const settings = { ...state.settings, ...fresh, ...change };
    const res = await send({ type: 'ui-bg-settings-set', settings });
    state.settings = res.settings || settings;
    return true;
  } catch (err) {
    notify(t('errorPrefix', [errorText(err)]), 'error');
    return false;
  }
}

async function onLanguage() {
  const language = $('language').value;
  if (!(await saveSettings({ language }))) return;
  await initI18n({ language });
  applyI18n(document);
  for (const opt of $('bulk-field').options) opt.textContent = t((WATCH_FLAGS.find(([f]) => f === opt.value) || [])[2] || 'bulkField');
  renderTable();
  loadSync();
  notify(t('settingsSaved'));
}

async function onSyncEnabled() {
  const box = $('sync-enabled');
  if (await saveSettings({ sync_enabled: box.checked })) {
    notify(t('settingsSaved'));
    loadSync();
  } else box.checked = !box.checked;
}

async function onBadgeOnMatch() {
  const box = $('badge-on-match');
  if (await saveSettings({ badge_on_match: box.checked })) notify(t('settingsSaved'));
  else box.checked = !box.checked;
}

// -------------------------------------------------------------------- main

async function main() {
  try {
    const { settings } = await send({ type: 'ui-bg-settings-get' });
    state.settings = settings || {};
  } catch {
    state.settings = {};
  }
  const language = state.settings.language || 'auto';
  try {
    await initI18n({ language });
  } catch {
    await initI18n({ language: 'auto' });
  }
  applyI18n(document);
  $('language').value = ['auto', 'ja', 'en'].includes(language) ? language : 'auto';
  $('badge-on-match').checked = state.settings.badge_on_match !== false;
  $('sync-enabled').checked = state.settings.sync_enabled !== false;

  // The status filter; the popup links here as options.html#status=problems.
  const fromHash = /(?:^|[#&])status=(all|problems|mismatch|gone|unreadable|stale)(?:&|$)/.exec(location.hash);
  if (fromHash) state.status = fromHash[1];
  $('status-filter').value = state.status;
  $('status-filter').addEventListener('change', () => {
    state.status = $('status-filter').value;
    applyFilter();
  });

  let timer = null;
  $('search').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.query = $('search').value;
      applyFilter();
    }, 80);
  });
  $('page-prev').addEventListener('click', () => {
    state.page = Math.max(0, state.page - 1);
    renderTable();
  });
  $('page-next').addEventListener('click', () => {
    state.page += 1;
    renderTable();
  });
  $('confirm-cancel').addEventListener('click', () => $('confirm-delete').close());
  $('confirm-ok').addEventListener('click', doDelete);
  replaceChildren($('bulk-field'), WATCH_FLAGS.map(([flag, , key]) => h('option', { value: flag, text: t(key) })));
  $('select-page').addEventListener('change', onSelectPage);
  $('bulk-delete').addEventListener('click', () => confirmDelete([...state.selected]));
  $('bulk-watch').addEventListener('click', () => bulkWatch(true));
  $('bulk-unwatch').addEventListener('click', () => bulkWatch(false));
  $('export').addEventListener('click', doExport);
  $('import-file').addEventListener('change', onImportFile);
  $('report-marketplace').append(...MARKETPLACES.map((m) => h('option', { value: m, text: m })));
  $('report-file').addEventListener('change', onReportFile);
  $('report-marketplace').addEventListener('change', previewReport);
  $('language').addEventListener('change', onLanguage);
  $('badge-on-match').addEventListener('change', onBadgeOnMatch);
  $('sync-enabled').addEventListener('change', onSyncEnabled);

  let listingsTimer = null;
  // The background writes `sync_status` after each push; show it as it changes.
  api.storage?.onChanged?.addListener((changes, area) => {
    if (area === 'local' && (changes.sync_status || changes.sync_remote)) loadSync();
    // Listings merged in from another browser appear without a reload.
    if (area === 'local' && changes.listings) {
      clearTimeout(listingsTimer);
      listingsTimer = setTimeout(() => { if (!$('editor').open) loadListings().catch(() => {}); }, 300);
    }
  });

  try {
    await loadListings();
    openDetailsFromHash(state.listings); // the popup's "all changes" link
  } catch (err) {
    notify(t('errorPrefix', [errorText(err)]), 'error');
    renderTable();
  }
  await loadSync();
  document.body.dataset.ready = 'true';
}

main();
