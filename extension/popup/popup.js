// The toolbar popup: the current tab's report, and the actions on it.
// Talks to the background only through the messages in TEAM.md.
import { initI18n, applyI18n, t, currentLanguage } from '../ui/i18n.js';
import { h, replaceChildren } from '../ui/dom.js';
import { send as sendTyped } from '../lib/messages.js';
import { api } from '../lib/platform.js';
import { renderReport } from '../ui/render.js';

const app = document.getElementById('app');
const notice = document.getElementById('notice');

/** Sends `{type, ...}` (TEAM.md) and returns the `{ok: true}` answer; throws the error. */
const send = ({ type, ...payload }) => sendTyped(type, payload);

let tabId = null;
/** `partial`: the saved listing lacks fields the page shows (ui-bg-tab-state). */
let state = { report: null, listing: null, partial: false };

function showNotice(text, kind = 'info') {
  notice.textContent = text;
  notice.dataset.kind = kind;
  notice.hidden = !text;
}

function showError(err) {
  const msg = err && err.message ? err.message : String(err);
  showNotice(t('errorPrefix', [msg]), 'error');
}

function setBusy(busy) {
  app.setAttribute('aria-busy', busy ? 'true' : 'false');
  for (const b of app.querySelectorAll('button')) b.disabled = busy;
}

/** Runs one background action, then re-renders from its {report, listing}. */
async function act(message, doneKey) {
  setBusy(true);
  showNotice('');
  try {
    const res = await send({ ...message, tabId });
    // Completing fills the missing fields; other actions keep what tab-state said unless told.
    const partial = Object.hasOwn(res, 'partial') ? Boolean(res.partial) : message.type === 'ui-bg-complete-listing' ? false : state.partial;
    state = { report: res.report ?? state.report, listing: res.listing ?? null, partial };
    render();
    if (doneKey) showNotice(t(doneKey), 'success');
    const status = document.getElementById('status');
    if (status) status.focus();
  } catch (err) {
    setBusy(false);
    showError(err);
  }
}

const fieldActions = {
  accept: (field) => act({ type: 'ui-bg-accept-field', field }, 'acceptedDone'),
  unwatch: (field) => act({ type: 'ui-bg-unwatch-field', field }, 'unwatchedDone'),
};

async function copyReport(button) {
  showNotice('');
  removeFallback();
  let text;
  try {
    ({ text } = await send({ type: 'ui-bg-report-text', tabId, lang: currentLanguage() }));
  } catch (err) {
    showError(err);
    return;
  }
  try {
    await navigator.clipboard.writeText(text);
    showNotice(t('copied'), 'success');
    button.dataset.copied = 'true';
  } catch {
    showFallback(text);
  }
}

function removeFallback() {
  const old = document.getElementById('copy-fallback-box');
  if (old) old.remove();
}

/** Clipboard refused: show the text in a selected textarea to copy by hand. */
function showFallback(text) {
  removeFallback();
  const area = h('textarea', { id: 'copy-fallback', readOnly: true, rows: 8, value: text, attrs: { 'aria-describedby': 'copy-fallback-hint' } });
  const box = h(
    'div',
    { id: 'copy-fallback-box', class: 'copy-fallback' },
    h('p', { id: 'copy-fallback-hint', text: t('copyFallback') }),
    area,
  );
  app.appendChild(box);
  area.focus();
  area.select();
}

function render() {
  const { report, listing } = state;
  const view = renderReport(report, listing, { actions: fieldActions });
  const status = view.querySelector('#status');
  if (status) status.tabIndex = -1;

  const actions = h('div', { class: 'actions' });
  if (report && report.status === 'untracked') {
    actions.appendChild(
      h('button', {
        type: 'button',
        id: 'save-page',
        class: 'btn btn-primary',
        text: t('actionSave'),
        on: { click: () => act({ type: 'ui-bg-save-page' }, 'savedDone') },
      }),
    );
  }
  if (state.partial && report && listing) {
    actions.appendChild(
      h('button', {
        type: 'button',
        id: 'complete-listing',
        class: 'btn',
        text: t('actionComplete'),
        title: t('actionCompleteHint'),
        on: { click: () => act({ type: 'ui-bg-complete-listing' }, 'completedDone') },
      }),
    );
  }
  if (report && report.asin && (report.status === 'match' || report.status === 'mismatch')) {
    const copy = h('button', {
      type: 'button',
      id: 'copy-report',
      class: `btn ${report.status === 'mismatch' ? 'btn-primary' : ''}`,
      text: t('actionCopy'),
      title: t('actionCopyHint'),
    });
    copy.addEventListener('click', () => copyReport(copy));
    actions.appendChild(copy);
  }
  if (actions.childElementCount) view.insertBefore(actions, view.querySelector('.mismatches'));
  replaceChildren(app, view);
  setBusy(false);
}

async function currentTabId() {
  const fromUrl = new URLSearchParams(location.search).get('tabId');
  if (fromUrl !== null && /^\d+$/.test(fromUrl)) return Number(fromUrl);
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab ? tab.id : null;
}

async function main() {
  let language = 'auto';
  try {
    const { settings } = await send({ type: 'ui-bg-settings-get' });
    if (settings && settings.language) language = settings.language;
  } catch {
    // No settings yet: follow the browser.
  }
  try {
    await initI18n({ language });
  } catch {
    await initI18n({ language: 'auto' });
  }
  applyI18n(document);
  document.getElementById('options-link').addEventListener('click', (e) => {
    e.preventDefault();
    api.runtime.openOptionsPage();
    window.close();
  });

  tabId = await currentTabId();
  if (tabId === null) {
    replaceChildren(app, h('p', { class: 'loading', text: t('errorNoTab') }));
    app.setAttribute('aria-busy', 'false');
    return;
  }
  try {
    const res = await send({ type: 'ui-bg-tab-state', tabId });
    state = { report: res.report || null, listing: res.listing || null, partial: res.partial === true };
    render();
  } catch (err) {
    state = { report: null, listing: null, partial: false };
    render();
    showError(err);
  }
}

main();
