// Options page, "Sync" section: what storage.sync holds (bytes, items, listings in full / by
// fingerprint / not synced and which), why a write was refused or waits, the listings another
// browser has or changed, case logs, "Sync now"; and the table rows' "changed in another
// browser" note.
import { t, currentLanguage } from '../ui/i18n.js';
import { h, replaceChildren } from '../ui/dom.js';
import { formatTime } from '../ui/render.js';
import { $, send, state, errorText, notify, hooks } from './common.js';

/** chrome.storage.sync quotas (QUOTA_BYTES, MAX_ITEMS). */
const SYNC_QUOTA_BYTES = 102_400;
const SYNC_MAX_ITEMS = 512;

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
export function elsewhereNote(key) {
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

export async function loadSync() {
  try {
    const { sync, remote } = await send({ type: 'ui-bg-sync-status' });
    renderSync(sync, remote);
    const changed = remote && Array.isArray(remote.changed_elsewhere) ? remote.changed_elsewhere : [];
    const next = new Map(changed.map((c) => [String(c.key), c]));
    const same = next.size === state.elsewhere.size
      && [...next].every(([k, c]) => JSON.stringify(c) === JSON.stringify(state.elsewhere.get(k)));
    if (!same) {
      state.elsewhere = next;
      hooks.renderTable();
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
    await hooks.loadListings();
  } catch (err) {
    notify(t('errorPrefix', [errorText(err)]), 'error');
    if (button) button.disabled = false;
  }
}
