// Options page: saved listings (search, paging, edit, delete, last check, status filter), export
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

const PAGE_SIZE = 50;

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

// ---------------------------------------------------------------- listings

/**
 * The table's rows in one message (`ui-bg-listings-summary`): per listing only what a row shows
 * (key, ASIN, SKU, title, first image, watch flags, updated_at), with the last checks and the
 * summary line. `entry.listing` is that summary; `fullEntry` fetches the full listing when a row
 * is opened.
 */
async function loadListings(sent = null) {
  const { rows, summary, checks } = await (sent ?? send({ type: 'ui-bg-listings-summary' }));
  state.summary = summary ?? null;
  state.checks = checks || {};
  state.listings = (rows || [])
    .filter((l) => l && typeof l === 'object' && l.asin)
    .map((l) => ({ key: keyOf(l), listing: l, haystack: fold([l.asin, l.sku || '', l.title || ''].join('\n')) }));
  // Problems first (what is wrong right now), then the most recently changed.
  const rank = new Map(state.listings.map((e) => [e.key, problemRank(state.checks[e.key])]));
  state.listings.sort((a, b) => rank.get(a.key) - rank.get(b.key)
    || String(b.listing.updated_at || '').localeCompare(String(a.listing.updated_at || '')) || a.key.localeCompare(b.key));
  renderSummary();
  const keys = new Set(state.listings.map((e) => e.key));
  for (const k of state.selected) if (!keys.has(k)) state.selected.delete(k);
  applyFilter(false);
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
  // The table's rows are asked for at once, while the settings and the locale load.
  const rows = send({ type: 'ui-bg-listings-summary' });
  rows.catch(() => {}); // an error is reported where the rows are awaited
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
    await loadListings(rows);
    openDetailsFromHash(state.listings); // the popup's "all changes" link
  } catch (err) {
    notify(t('errorPrefix', [errorText(err)]), 'error');
    renderTable();
  }
  await loadSync();
  document.body.dataset.ready = 'true';
}

main();
