// The toolbar popup: the current tab's report, and the actions on it.
// Talks to the background only through the messages in docs/interfaces.md.
import { initI18n, applyI18n, t, currentLanguage } from '../ui/i18n.js';
import { h, replaceChildren } from '../ui/dom.js';
import { send as sendTyped } from '../lib/messages.js';
import { api } from '../lib/platform.js';
import { runLabel } from '../ui/runs.js';
import { renderReport, formatTime } from '../ui/render.js';
import { caseStatusPicker, caseAddForm } from '../ui/cases.js';

const app = document.getElementById('app');
const notice = document.getElementById('notice');

/** Sends `{type, ...}` (docs/interfaces.md) and returns the `{ok: true}` answer; throws the error. */
const send = ({ type, ...payload }) => sendTyped(type, payload);

let tabId = null;
/** `partial`: the saved listing lacks fields the page shows (ui-bg-tab-state). */
let state = { report: null, listing: null, partial: false };
/** The tracked listing's history lines and case log (ui-bg-history / ui-bg-cases-get), or null. */
let extras = null;
/** How many timeline lines the popup shows (the rest are in the options page). */
const TIMELINE_LINES = 3;

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
    refreshExtras();
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
  if (await copyText(text)) {
    showNotice(t('copied'), 'success');
    button.dataset.copied = 'true';
  }
}

/** Copies `text`; when the clipboard is refused, shows it to copy by hand and returns false. */
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    showFallback(text);
    return false;
  }
}

// ------------------------------------------------------------ screenshot as evidence

/** "Save a screenshot as evidence": the background captures this tab (ui-bg-capture). */
function captureButton() {
  const button = h('button', {
    type: 'button',
    id: 'capture-shot',
    class: 'btn',
    text: t('shotCapture'),
    title: t('shotCaptureHint'),
  });
  button.addEventListener('click', async () => {
    showNotice('');
    button.disabled = true;
    try {
      const res = await send({ type: 'ui-bg-capture', tabId });
      showNotice(t('shotSaved', [formatTime(res.shot.at), String(res.count)]), 'success');
      button.dataset.saved = res.shot.id;
      if (extras) {
        extras.shots = res.count;
        renderExtras();
      }
    } catch (err) {
      showNotice(shotErrorText(err), 'error');
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** A refused capture in the UI language (storage full, budget full, page not shown). */
function shotErrorText(err) {
  const kind = err?.details?.kind;
  if (kind === 'storage_full') return t('shotStorageFull');
  if (kind === 'not_shown') return t('shotNotShown');
  if (kind === 'shots' && err.details.error?.kind === 'budget_full') {
    return t('shotBudgetFull', [`${Math.round(err.details.error.budget / (1024 * 1024))} MB`]);
  }
  return t('errorPrefix', [err && err.message ? err.message : String(err)]);
}

// ------------------------------------------------------------ history and case

/** Loads the tracked listing's history and case log, then redraws that part. */
async function refreshExtras() {
  if (!state.listing || !state.report || !['match', 'mismatch', 'gone'].includes(state.report.status)) {
    extras = null;
    renderExtras();
    return;
  }
  try {
    const [hist, cases, shots] = await Promise.all([
      send({ type: 'ui-bg-history', tabId, lang: currentLanguage() }),
      send({ type: 'ui-bg-cases-get', tabId }),
      send({ type: 'ui-bg-shots-get', tabId, images: false }),
    ]);
    extras = { key: hist.key, lines: hist.lines || [], cases: cases.cases || [], active: cases.active, shots: shots.shots.length };
  } catch (err) {
    extras = null;
    showError(err);
  }
  renderExtras();
}

/** Runs a case action; re-renders the case part from the answer's `cases`. */
async function caseAction(message, done) {
  showNotice('');
  const box = document.getElementById('extras');
  for (const el of box ? box.querySelectorAll('button, select, input') : []) el.disabled = true;
  try {
    const res = await send({ ...message, tabId, lang: currentLanguage() });
    if (res.cases && extras) {
      extras.cases = res.cases;
      const active = res.cases.filter((c) => c.status !== 'closed').sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)))[0];
      extras.active = active ? active.id : null;
    }
    renderExtras();
    if (done) await done(res);
  } catch (err) {
    renderExtras();
    showError(err);
  }
}

function renderTimeline() {
  const lines = extras.lines;
  const more = lines.length > TIMELINE_LINES;
  return h(
    'section',
    { id: 'history', class: 'extra', attrs: { 'aria-labelledby': 'history-heading' } },
    h('h2', { id: 'history-heading', text: t('historyHeading') }),
    lines.length
      ? h('ol', { id: 'timeline', class: 'timeline', start: more ? lines.length - TIMELINE_LINES + 1 : 1 }, lines.slice(-TIMELINE_LINES).map((line) => h('li', { text: line })))
      : h('p', { class: 'hint', id: 'timeline-empty', text: t('historyNone') }),
    more
      ? h('a', {
        id: 'history-more',
        href: api.runtime.getURL(`options/options.html#details=${encodeURIComponent(extras.key)}`),
        target: '_blank',
        text: t('historyMore', [String(lines.length)]),
      })
      : null,
  );
}

function renderCase() {
  const active = extras.cases.find((c) => c.id === extras.active) ?? null;
  const closed = extras.cases.filter((c) => c.status === 'closed').length;
  const section = h(
    'section',
    { id: 'case', class: 'extra', attrs: { 'aria-labelledby': 'case-heading' } },
    h('h2', { id: 'case-heading', text: t('caseHeading') }),
  );
  if (active) {
    section.append(
      h(
        'p',
        { class: 'case-summary', id: 'case-summary', attrs: { 'data-case-id': active.id, 'data-case-status': active.status } },
        t('caseSummary', [active.id, active.opened]),
        ' · ',
        t('caseEvidenceCount', [String((active.evidence || []).length)]),
      ),
      h(
        'div',
        { class: 'case-row' },
        caseStatusPicker({
          id: 'case-status',
          value: active.status,
          onChange: (status) => caseAction({ type: 'ui-bg-case-update', id: active.id, status }, () => showNotice(t('caseUpdated', [active.id]), 'success')),
        }),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', {
          type: 'button',
          id: 'reopen-case',
          class: 'btn',
          text: t('caseReopen'),
          title: t('caseReopenHint'),
          on: { click: () => reopenCase(active.id) },
        }),
        state.report && state.report.status === 'mismatch'
          ? h('button', {
            type: 'button',
            id: 'attach-evidence',
            class: 'btn',
            text: t('caseAttach'),
            title: t('caseAttachHint'),
            on: { click: () => caseAction({ type: 'ui-bg-case-update', id: active.id, attach: tabId }, () => showNotice(t('caseAttached', [active.id]), 'success')) },
          })
          : null,
      ),
    );
  } else {
    const ids = { form: 'case-form', id: 'case-id-input', opened: 'case-opened', button: 'case-add', hint: 'case-add-hint' };
    const form = caseAddForm(ids, ({ id, opened, brand_registry }) => {
      caseAction({ type: 'ui-bg-case-add', id, opened, brand_registry }, (res) => {
        showNotice(t(res.existed ? 'caseExists' : 'caseAdded', [res.case.id]), 'success');
        const summary = document.getElementById('case-summary');
        if (summary) summary.focus();
      }).then(() => {
        // On a refused ID the form is drawn again: keep what was typed, for correcting.
        const again = document.getElementById('case-id-input');
        if (again && !again.value) {
          again.value = id;
          again.focus();
        }
      });
    });
    section.append(form);
  }
  if (closed) section.append(h('p', { class: 'hint', id: 'case-closed-count', text: t('caseClosedCount', [String(closed)]) }));
  if (extras.shots) section.append(h('p', { class: 'hint', id: 'shot-count', text: t('shotCount', [String(extras.shots)]) }));
  return section;
}

/** Copies the reopening message and opens the marketplace's Seller Central case log. */
async function reopenCase(id) {
  removeFallback();
  await caseAction({ type: 'ui-bg-case-reopen', id }, async (res) => {
    const copied = await copyText(res.text);
    if (copied) showNotice(t('caseReopenDone', [id]), 'success');
    if (res.url) await api.tabs.create({ url: res.url, active: copied });
  });
}

function renderExtras() {
  const box = document.getElementById('extras');
  if (!box) return;
  if (!extras) {
    replaceChildren(box);
    return;
  }
  replaceChildren(box, renderTimeline(), renderCase());
  const summary = box.querySelector('#case-summary');
  if (summary) summary.tabIndex = -1;
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

/** "Save all N variations": this page now, its siblings in the background (progress below). */
async function saveFamily() {
  setBusy(true);
  showNotice('');
  try {
    const res = await send({ type: 'ui-bg-save-family', tabId });
    if (res.listing) state = { ...state, report: res.report ?? state.report, listing: res.listing, partial: false };
    render();
    const f = res.family;
    showNotice(`${t('familyQueued', [String(f.queued), String(f.already)])}${f.truncated ? ` ${t('familyTruncated', [String(f.members)])}` : ''}`, 'success');
    familyProgress();
  } catch (err) {
    setBusy(false);
    showError(err);
  }
}

let familyTimer = 0;
/** The background run saving the siblings ("Saving the family of B0…: n of m"), while the popup is open. */
async function familyProgress() {
  clearTimeout(familyTimer);
  const box = document.getElementById('family-progress');
  if (!box) return;
  try {
    const { status } = await send({ type: 'ui-bg-baseline-status' });
    const j = status.job;
    if (!j || !j.family) return;
    box.textContent = runLabel(j); // "Saving the family of B0…: n of m"
    box.dataset.saved = String(j.saved);
    box.dataset.total = String(j.total);
    box.dataset.done = j.finished_at ? 'true' : 'false';
    if (!j.finished_at && !j.stopped) familyTimer = setTimeout(familyProgress, 2000);
  } catch { /* the popup stands without it */ }
}

/**
 * Not on a product page: the catalogue at a glance ("800 listings: 3 differ, …") with a link to
 * the options table filtered to the problems.
 */
async function renderGlance() {
  const box = document.getElementById('catalog-glance');
  if (!box) return;
  try {
    const { summary: s } = await send({ type: 'ui-bg-catalog-status' });
    if (!s || !s.total) return;
    replaceChildren(box,
      h('p', { id: 'catalog-summary', text: t('catalogSummary', [String(s.total), String(s.differ), String(s.gone), String(s.stale), String(s.stale_hours)]) }),
      h('a', { id: 'catalog-link', href: '../options/options.html#status=problems', target: '_blank', text: t('popupCatalogLink') }));
  } catch { /* the popup stands without it */ }
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
  if (listing && report && ['mismatch', 'gone'].includes(report.status)) actions.appendChild(captureButton());
  const members = report?.page?.family?.members?.length ?? 0;
  if (members > 1) {
    actions.appendChild(h('button', {
      type: 'button',
      id: 'save-family',
      class: 'btn',
      text: t('actionSaveFamily', [String(members)]),
      title: report.page.family.truncated ? t('familyTruncated', [String(members)]) : t('actionSaveFamilyHint'),
      on: { click: () => saveFamily() },
    }));
    actions.appendChild(h('p', { id: 'family-progress', class: 'hint', attrs: { 'aria-live': 'polite' } }));
  }
  if (actions.childElementCount) view.insertBefore(actions, view.querySelector('.mismatches'));
  view.appendChild(h('div', { id: 'extras' }));
  const glance = !report || report.status === 'not_product';
  if (glance) view.appendChild(h('div', { id: 'catalog-glance', class: 'catalog-glance' }));
  replaceChildren(app, view);
  renderExtras();
  if (glance) renderGlance();
  if (document.getElementById('family-progress')) familyProgress();
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
    followImageVerdicts();
    await refreshExtras();
  } catch (err) {
    state = { report: null, listing: null, partial: false };
    render();
    showError(err);
  }
}

// Image content: the background refines an image-ID mismatch after the badge is set
// (background/images.js); show the verdict when it lands while the popup is open.
function followImageVerdicts() {
  api.storage.onChanged.addListener((changes, area) => {
    const next = area === 'session' ? changes[`tab:${tabId}`]?.newValue?.report : null;
    if (!next || !state?.report || next.checked_at !== state.report.checked_at) return;
    const had = (state.report.mismatches ?? []).some((m) => m.verdict);
    if (had || !(next.mismatches ?? []).some((m) => m.verdict)) return;
    state = { ...state, report: next };
    render();
  });
}

main();
