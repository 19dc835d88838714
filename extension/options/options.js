// Options page: saved listings (virtualised list, search, edit, delete, last check, status filter), export
// and import, settings. The editor dialog is editor.js; the other sections are their own modules: sync-panel.js (Sync),
// report.js (Seller Central report), backup.js (Export and import), recheck.js (re-checks), deleted.js (Recently deleted),
// baseline.js (Complete from their pages), details.js (History & cases); common.js holds what
// they share. Talks to the background only through the messages in docs/interfaces.md.
import { initI18n, applyI18n, t, currentLanguage } from '../ui/i18n.js';
import { h, replaceChildren } from '../ui/dom.js';
import { api } from '../lib/platform.js';
import { thumbnail } from '../ui/images.js';
import { formatTime } from '../ui/render.js';
import { openDetails, openDetailsFromHash } from './details.js';
import { $, send, state, errorText, notify, hooks, WATCH_FLAGS, watchOf } from './common.js';
import { loadSync, elsewhereNote } from './sync-panel.js';
import { onReportFile, previewReport } from './report.js';
import { doExport, onImportFile } from './backup.js';
import { openEditor } from './editor.js';

/** Every Amazon marketplace (as `page::kind::MARKETPLACES`), for the report import. */
const MARKETPLACES = [
  'amazon.co.jp', 'amazon.com', 'amazon.ca', 'amazon.com.mx', 'amazon.com.br', 'amazon.co.uk', 'amazon.de', 'amazon.fr',
  'amazon.it', 'amazon.es', 'amazon.nl', 'amazon.se', 'amazon.pl', 'amazon.com.be', 'amazon.com.tr', 'amazon.ae',
  'amazon.sa', 'amazon.eg', 'amazon.in', 'amazon.sg', 'amazon.com.au', 'amazon.cn', 'amazon.ie', 'amazon.co.za',
];




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

/** NFKC + lower case, so full-width "Ｂ０１" finds "B01". */
function fold(s) {
  return String(s ?? '').normalize('NFKC').toLowerCase();
}

function keyOf(l) {
  return `${l.marketplace}/${l.asin}`;
}

/** What search looks in (folded after the first render, in idle time, or at the first search). */
function haystackOf(e) {
  if (e.haystack === null) e.haystack = fold([e.listing.asin, e.listing.sku || '', e.listing.title || ''].join('\n'));
  return e.haystack;
}

/**
 * Folds every row's haystack in idle time once the rows are in, 500 at a time, so neither the
 * first render nor the first keystroke pays for 10,000 NFKC normalisations.
 */
function foldWhenIdle(list) {
  const idle = globalThis.requestIdleCallback ?? ((fn) => setTimeout(fn, 1));
  let i = 0;
  const step = () => {
    if (state.listings !== list) return; // reloaded meanwhile: that load folds its own
    for (const end = Math.min(list.length, i + 500); i < end; i++) haystackOf(list[i]);
    if (i < list.length) idle(step);
  };
  idle(step);
}

// ---------------------------------------------------------------- listings

/**
 * The table's rows (`ui-bg-listings-summary`): per listing only what a row shows (key, ASIN,
 * SKU, title, first image, watch flags, updated_at) in the table's order (problems first, then
 * the most recently changed; the background sorts), with the last checks and the summary line.
 * `entry.listing` is that summary; `fullEntry` fetches the full listing when a row is opened.
 * An answer with `complete: false` holds only the first rows (the first screen); the rest
 * follows with the next answer.
 */
async function loadListings(sent = null) {
  const res = await (sent ?? send({ type: 'ui-bg-listings-summary' }));
  const rows = res.rows || [];
  state.summary = res.summary ?? null;
  state.checks = res.checks || {};
  state.complete = res.complete !== false;
  state.total = Number.isInteger(res.total) ? res.total : rows.length;
  state.listings = rows
    .filter((l) => l && typeof l === 'object' && l.asin)
    .map((l) => ({ key: keyOf(l), listing: l, haystack: null }));
  renderSummary();
  if (state.complete) {
    const keys = new Set(state.listings.map((e) => e.key));
    for (const k of state.selected) if (!keys.has(k)) state.selected.delete(k);
  }
  applyFilter(false);
  if (state.complete) foldWhenIdle(state.listings);
}

/** `entry` with its full listing (the table holds only a summary of each). */
async function fullEntry(entry) {
  const { listing } = await send({ type: 'ui-bg-listing-get', key: entry.key });
  if (!listing) throw new Error(entry.key);
  return { ...entry, listing };
}

/** Opens `open(entry)` with the full listing; says why when it cannot be read. */
async function openFull(entry, open) {
  try {
    open(await fullEntry(entry));
  } catch (err) {
    notify(t('errorPrefix', [errorText(err)]), 'error');
  }
}

/** Filters the rows by the search and the status filter; `toTop` scrolls the list back up. */
function applyFilter(toTop = true) {
  // Until every row is here (only the first screen came), a search or a filter waits: the
  // complete answer applies it.
  if (!state.complete && (state.query.trim() || state.status !== 'all')) return;
  const q = fold(state.query).trim();
  const terms = q.split(/\s+/).filter(Boolean);
  const filter = state.status;
  state.filtered = terms.length || filter !== 'all'
    ? state.listings.filter((e) => statusMatches(state.checks[e.key], filter) && terms.every((term) => haystackOf(e).includes(term)))
    : state.listings;
  if (toTop) $('table-scroll').scrollTop = 0;
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
    h('td', { class: 'cell-title', title: l.title || '' }, h('span', { class: 'clamp', text: l.title || '' })),
    h('td', { class: 'cell-watched', title: watched.join(', ') }, h('span', { class: 'clamp' }, t('watchedCount', [String(watched.length), String(WATCH_FLAGS.length)]), h('br'), watched.join(currentLanguage() === 'ja' ? '・' : ', '))),
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
        on: { click: () => openFull(entry, openEditor) },
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

// ---------------------------------------------------------------- the virtualised list
//
// One scrolling list (#table-scroll) over every row that passes the filters: only the rows in
// view (plus a few on either side) are in the DOM, between two spacer bodies whose heights
// stand for the rows above and below, so 10,000 listings cost what 20 do. Rows have one fixed
// height (options.css --row-h; long titles are clamped), measured once from the rendered rows.

const OVERSCAN = 6; // rows drawn beyond each edge of the view
const ROW_H_GUESS = 76; // until the first rows are measured (options.css --row-h)
const FIRST_SCREEN = 40; // rows in the first answer: more than a tall window shows
const view = { rowH: 0, from: 0, to: 0, list: null, rows: new Map() }; // rows: entry -> <tr>

/** The rows' pitch in px (measured from two rendered rows; the CSS value until then). */
function rowHeight() {
  return view.rowH || ROW_H_GUESS;
}

/** [from, to) of `state.filtered` that the list's view shows, with the overscan. */
function windowRange() {
  const el = $('table-scroll');
  const n = state.filtered.length;
  const rh = rowHeight();
  const head = $('listings').tHead?.offsetHeight ?? 0;
  const top = Math.max(0, el.scrollTop - head);
  const first = Math.floor(top / rh);
  const visible = Math.ceil((el.clientHeight || window.innerHeight) / rh) + 1;
  return [Math.max(0, first - OVERSCAN), Math.min(n, first + visible + OVERSCAN)];
}

/** Measures the row pitch once rows are drawn; true when it changed (draw again). */
function measureRows() {
  const trs = $('rows').rows;
  if (trs.length < 2) return false;
  const pitch = (trs[trs.length - 1].offsetTop - trs[0].offsetTop) / (trs.length - 1);
  if (!(pitch > 0) || Math.abs(pitch - view.rowH) < 0.5) return false;
  view.rowH = pitch;
  return true;
}

/**
 * Draws the rows in view. Rows that stay in view are kept as they are (focus and ticks stay);
 * `rebuild` draws every row again (the data or the language changed).
 */
function renderWindow(rebuild = false) {
  const list = state.filtered;
  const body = $('rows');
  const active = document.activeElement;
  let refocus = null;
  if (rebuild || view.list !== list) {
    const tr = active?.closest?.('#rows tr');
    if (tr) refocus = { key: tr.dataset.key, control: controlOf(active) };
    view.rows = new Map();
    view.list = list;
    replaceChildren(body);
  }
  // Drawn even when only the first screen of rows has come: the rest are spacer until then.
  const pending = state.complete || list !== state.listings ? 0 : Math.max(0, state.total - list.length);
  const [from, to] = windowRange();
  const next = new Map();
  for (let i = from; i < to; i++) {
    const e = list[i];
    const tr = view.rows.get(e) ?? renderRow(e);
    tr.setAttribute('aria-rowindex', String(i + 2)); // 1 is the header row
    next.set(e, tr);
  }
  for (const [e, tr] of view.rows) {
    if (next.get(e) === tr) continue;
    // A row scrolled out with the focus in it hands the focus to the list, not to the page.
    if (tr.contains(document.activeElement)) $('table-scroll').focus({ preventScroll: true });
    tr.remove();
  }
  let cursor = body.firstChild;
  for (const tr of next.values()) {
    if (cursor === tr) cursor = cursor.nextSibling;
    else body.insertBefore(tr, cursor);
  }
  view.rows = next;
  view.from = from;
  view.to = to;
  const rh = rowHeight();
  setSpacer('rows-before', from * rh);
  setSpacer('rows-after', (list.length - to + pending) * rh);
  $('listings').setAttribute('aria-rowcount', String(list.length + pending + 1));
  if (refocus) focusRow(list.findIndex((e) => e.key === refocus.key), refocus.control);
  if (measureRows()) renderWindow(false);
}

function setSpacer(id, px) {
  const body = $(id);
  body.hidden = px <= 0;
  body.rows[0].cells[0].style.height = `${Math.max(0, px)}px`;
}

const CONTROLS = ['row-select', 'action-edit', 'action-details', 'action-delete'];

/** Which of a row's controls `el` is (its class), so the same one is focused in another row. */
function controlOf(el) {
  return CONTROLS.find((c) => el?.classList?.contains(c)) ?? CONTROLS[0];
}

/** Scrolls row `i` of the filtered rows into view, draws it, and focuses its `control`. */
function focusRow(i, control) {
  if (i < 0 || i >= state.filtered.length) return;
  const el = $('table-scroll');
  const rh = rowHeight();
  const head = $('listings').tHead?.offsetHeight ?? 0;
  const top = head + i * rh;
  if (top - head < el.scrollTop) el.scrollTop = top - head;
  else if (top + rh > el.scrollTop + el.clientHeight) el.scrollTop = top + rh - el.clientHeight;
  renderWindow(false);
  view.rows.get(state.filtered[i])?.querySelector(`.${control}`)?.focus({ preventScroll: true });
}

/**
 * Keyboard in the list: ↑/↓ the same control in the row above/below, Page Up/Down a screen of
 * rows, Home/End the first/last row; the rows are drawn as the focus moves.
 */
function onRowsKey(e) {
  const steps = { ArrowDown: 1, ArrowUp: -1, PageDown: 'page', PageUp: '-page', Home: 'first', End: 'last' };
  const step = steps[e.key];
  const tr = e.target.closest?.('#rows tr');
  if (step === undefined || !tr || e.altKey || e.ctrlKey || e.metaKey) return;
  const i = state.filtered.findIndex((x) => x.key === tr.dataset.key);
  if (i < 0) return;
  const screen = Math.max(1, Math.floor($('table-scroll').clientHeight / rowHeight()) - 1);
  const j = step === 'first' ? 0 : step === 'last' ? state.filtered.length - 1
    : step === 'page' ? Math.min(state.filtered.length - 1, i + screen)
      : step === '-page' ? Math.max(0, i - screen) : i + step;
  if (j < 0 || j >= state.filtered.length) return;
  e.preventDefault();
  focusRow(j, controlOf(e.target));
}

function renderTable() {
  const total = state.complete ? state.listings.length : state.total;
  const shown = state.complete ? state.filtered.length : total;
  if (shown !== total) $('count').textContent = t('optionsCountFiltered', [String(shown), String(total)]);
  else $('count').textContent = total === 1 ? t('optionsCountOne') : t('optionsCount', [String(total)]);
  const empty = $('empty');
  empty.hidden = shown > 0;
  empty.textContent = total === 0 ? t('optionsEmpty') : t('optionsNoResults');
  $('listings').hidden = shown === 0;
  renderWindow(true);
  renderBulk();
}

/** Selection count, the bulk buttons and the select-all box (over the rows shown). */
function renderBulk() {
  const n = state.selected.size;
  $('selected-count').textContent = t('bulkSelected', [String(n)]);
  for (const id of ['bulk-delete', 'bulk-watch', 'bulk-unwatch']) $(id).disabled = n === 0;
  const shown = state.filtered;
  let ticked = 0;
  for (const e of shown) if (state.selected.has(e.key)) ticked += 1;
  const all = $('select-shown');
  all.checked = shown.length > 0 && ticked === shown.length;
  all.indeterminate = ticked > 0 && ticked < shown.length;
  all.disabled = !state.complete;
}

/** Ticks (or unticks) every row the search and the filter show, drawn or not. */
function onSelectShown() {
  const on = $('select-shown').checked;
  for (const e of state.filtered) {
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
      try {
        // The table holds a summary of each listing: write over the full one.
        const { listing: stored } = await send({ type: 'ui-bg-listing-get', key });
        if (!stored) continue;
        const listing = { ...stored, watch: { ...(stored.watch || {}), [flag]: on }, updated_at: new Date().toISOString() };
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

// The other sections reload or re-render the table through these.
hooks.renderTable = () => renderTable();
hooks.loadListings = () => loadListings();

async function main() {
  // The table's rows are asked for at once, while the settings and the locale load: first
  // one screen of them (drawn as soon as it is here), then all (they take longer to send).
  // A status filter from the link waits for all: the first screen may hold none of its rows.
  // The settings go first and all rows only once the first screen has come: the worker answers
  // in turn, and sending every row (about 1.5 MB at 10,000 listings) would hold the others up.
  const settingsAsked = send({ type: 'ui-bg-settings-get' });
  const first = /(?:^|[#&])status=(?!all)/.test(location.hash) ? null : send({ type: 'ui-bg-listings-summary', first: FIRST_SCREEN });
  const rows = (first ?? Promise.resolve()).catch(() => null)
    .then((got) => (got?.complete ? got : send({ type: 'ui-bg-listings-summary' }))); // a small catalogue came whole
  rows.catch(() => {}); // an error is reported where the rows are awaited
  first?.catch(() => {});
  try {
    const { settings } = await settingsAsked;
    state.settings = settings || {};
  } catch {
    state.settings = {};
  }
  performance.mark('cg:settings'); // the load's steps, for scripts/bench-scale.mjs
  const language = state.settings.language || 'auto';
  try {
    await initI18n({ language });
  } catch {
    await initI18n({ language: 'auto' });
  }
  applyI18n(document);
  performance.mark('cg:i18n');
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

  // Filter on the next frame (typing faster than frames coalesces into one filter).
  let frame = 0;
  $('search').addEventListener('input', () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      state.query = $('search').value;
      applyFilter();
    });
  });
  // The virtualised list: draw the rows in view as it scrolls or its size changes.
  $('table-scroll').addEventListener('scroll', () => renderWindow(false), { passive: true });
  new ResizeObserver(() => renderWindow(false)).observe($('table-scroll'));
  $('rows').addEventListener('keydown', onRowsKey);
  $('confirm-cancel').addEventListener('click', () => $('confirm-delete').close());
  $('confirm-ok').addEventListener('click', doDelete);
  replaceChildren($('bulk-field'), WATCH_FLAGS.map(([flag, , key]) => h('option', { value: flag, text: t(key) })));
  $('select-shown').addEventListener('change', onSelectShown);
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
    if (first) {
      try {
        await loadListings(first);
        performance.mark('cg:first-rows');
        document.body.dataset.firstRows = 'true'; // the first screen is drawn (scripts/bench-scale.mjs)
      } catch { /* the complete answer below says what is wrong */ }
    }
    await loadListings(rows);
    openDetailsFromHash(state.listings); // the popup's "all changes" link
  } catch (err) {
    state.complete = true;
    notify(t('errorPrefix', [errorText(err)]), 'error');
    renderTable();
  }
  document.body.dataset.firstRows = 'true';
  document.body.dataset.table = 'ready'; // every row is here: search, filters and selection work
  performance.mark('cg:table');
  await loadSync();
  document.body.dataset.ready = 'true';
}

main();
