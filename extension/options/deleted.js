// Options page, "Recently deleted" section: listings deleted here or in another browser (through
// sync) in the last 30 days, newest first, each with Restore. A restore is a new edit of the
// listing (newer than the deletion), so it reaches the other browsers like any edit. Its own
// module: it talks to the background (sync.js) through ui-bg-recently-deleted /
// ui-bg-listing-undelete and follows `recently_deleted` in storage.local.
import { initI18n, applyI18n, t } from '../ui/i18n.js';
import { h, replaceChildren } from '../ui/dom.js';
import { send as sendTyped } from '../lib/messages.js';
import { api } from '../lib/platform.js';
import { formatTime } from '../ui/render.js';

const $ = (id) => document.getElementById(id);
const send = ({ type, ...payload }) => sendTyped(type, payload);

let language = 'auto';

function say(text, kind = 'success') {
  const n = $('notice');
  if (!n) return;
  n.textContent = text;
  n.dataset.kind = kind;
}

function row(item) {
  const l = item.listing ?? {};
  const restore = async (e) => {
    e.currentTarget.disabled = true;
    try {
      await send({ type: 'ui-bg-listing-undelete', key: item.key });
      say(t('deletedRestored', [item.key]));
    } catch (err) {
      say(err?.message ?? String(err), 'error');
    }
    await refresh();
  };
  return h('li', { class: 'deleted-row', attrs: { 'data-key': item.key } },
    h('span', { class: 'deleted-key', text: item.key }),
    h('span', { class: 'deleted-title', text: l.title || '' }),
    h('span', { class: 'deleted-when', text: `${t('deletedWhen', [formatTime(new Date(item.deleted_at).toISOString())])} ${t(item.from === 'other' ? 'deletedFromOther' : 'deletedFromThis')}` }),
    h('button', {
      type: 'button',
      class: 'btn btn-small deleted-restore',
      text: t('deletedRestore'),
      attrs: { 'aria-label': t('deletedRestoreLabel', [item.key]) },
      on: { click: restore },
    }));
}

async function refresh() {
  const box = $('deleted-list');
  let items;
  try {
    ({ items } = await send({ type: 'ui-bg-recently-deleted' }));
  } catch (err) {
    replaceChildren(box, h('p', { class: 'error', text: err?.message ?? String(err) }));
    return;
  }
  replaceChildren(box, items.length
    ? h('ul', { class: 'deleted-rows' }, items.map(row))
    : h('p', { class: 'hint', text: t('deletedEmpty') }));
}

async function main() {
  let settings = {};
  try {
    ({ settings } = await send({ type: 'ui-bg-settings-get' }));
  } catch { /* defaults */ }
  language = settings.language || 'auto';
  try {
    await initI18n({ language });
  } catch {
    await initI18n({ language: 'auto' });
  }
  applyI18n($('deleted-section'));
  api.storage?.onChanged?.addListener(async (changes, area) => {
    if (area !== 'local') return;
    if (changes.settings) {
      const { settings: now } = await send({ type: 'ui-bg-settings-get' }).catch(() => ({ settings: {} }));
      if (now.language && now.language !== language) {
        language = now.language;
        await initI18n({ language }).catch(() => {});
        applyI18n($('deleted-section'));
      }
    }
    if (changes.recently_deleted || changes.settings) refresh();
  });
  await refresh();
  $('deleted-section').dataset.ready = 'true';
}

main();
