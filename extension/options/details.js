// Options: the per-listing "History & cases" dialog, opened from a listings table row (or from
// the popup's "more" link, options.html#details=<marketplace/ASIN>): the full change-history
// timeline, and the Seller Support case log (add a case, status, notes, evidence, copy the case
// report or the reopening message). Page text is shown as text only.
import { t, currentLanguage } from '../ui/i18n.js';
import { h, replaceChildren } from '../ui/dom.js';
import { send as sendTyped } from '../lib/messages.js';
import { api } from '../lib/platform.js';
import { formatTime, fieldLabel } from '../ui/render.js';
import { caseStatusPicker, caseStatusLabel, caseAddForm } from '../ui/cases.js';

const send = ({ type, ...payload }) => sendTyped(type, payload);

function errorText(err) {
  return t('errorPrefix', [err && err.message ? err.message : String(err)]);
}

/** The dialog element (created once, beside the page's other dialogs). */
function dialogEl() {
  let d = document.getElementById('details');
  if (!d) {
    d = h('dialog', { id: 'details', class: 'details', attrs: { 'aria-labelledby': 'details-heading' } });
    document.body.appendChild(d);
  }
  return d;
}

/** Opens the dialog for `entry` ({key, listing}) of the listings table. */
export async function openDetails(entry) {
  const dialog = dialogEl();
  dialog.dataset.key = entry.key;
  const status = h('p', { id: 'details-notice', class: 'notice', attrs: { role: 'status', 'aria-live': 'polite' } });
  const body = h('div', { id: 'details-body', attrs: { 'aria-busy': 'true' } }, h('p', { class: 'hint', text: t('working') }));
  replaceChildren(
    dialog,
    h('h2', { id: 'details-heading', text: t('detailsTitle', [entry.key]) }),
    entry.listing && entry.listing.title ? h('p', { class: 'details-title', text: entry.listing.title }) : null,
    status,
    body,
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'btn', id: 'details-close', text: t('actionClose'), on: { click: () => dialog.close() } }),
    ),
  );
  if (!dialog.open) dialog.showModal();
  await load(entry, body, status);
  const heading = dialog.querySelector('#details-heading');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

/** Opens the dialog named by the page's `#details=<key>` hash, if that listing is in `entries`. */
export function openDetailsFromHash(entries) {
  const m = /^#details=(.+)$/.exec(location.hash);
  if (!m) return false;
  let key;
  try {
    key = decodeURIComponent(m[1]);
  } catch {
    return false;
  }
  const entry = entries.find((e) => e.key === key);
  if (!entry) return false;
  openDetails(entry);
  return true;
}

function say(statusEl, text, kind = 'success') {
  statusEl.textContent = text;
  statusEl.dataset.kind = kind;
}

async function load(entry, body, statusEl) {
  let hist;
  let cases;
  let shots;
  try {
    [hist, cases, shots] = await Promise.all([
      send({ type: 'ui-bg-history', key: entry.key, lang: currentLanguage() }),
      send({ type: 'ui-bg-cases-get', key: entry.key }),
      send({ type: 'ui-bg-shots-get', key: entry.key }),
    ]);
  } catch (err) {
    replaceChildren(body, h('p', { class: 'import-error', attrs: { role: 'alert' }, text: errorText(err) }));
    body.setAttribute('aria-busy', 'false');
    return;
  }
  const reload = () => load(entry, body, statusEl);
  replaceChildren(body, renderHistory(hist), renderShots(entry, shots, statusEl, reload), renderCases(entry, cases, statusEl, body, reload));
  body.setAttribute('aria-busy', 'false');
}

function renderHistory({ lines, history }) {
  const dropped = history && Number(history.dropped) > 0 ? Number(history.dropped) : 0;
  return h(
    'section',
    { class: 'details-section', attrs: { 'aria-labelledby': 'details-history-heading' } },
    h('h3', { id: 'details-history-heading', text: t('historyHeading') }),
    lines.length
      ? h('ol', { id: 'details-timeline', class: 'timeline' }, lines.map((line) => h('li', { text: line })))
      : h('p', { id: 'details-timeline-empty', class: 'hint', text: t('historyNone') }),
    dropped ? h('p', { class: 'hint', text: t('historyDropped', [String(dropped)]) }) : null,
    h('p', { class: 'hint', text: t('historyPruneHint') }),
  );
}

// ------------------------------------------------------------ screenshots

/** Object URLs made for the shown screenshots (revoked when the dialog is drawn again). */
let shotUrls = [];

/** A blob: URL of a stored screenshot (`data:image/jpeg;base64,…`). */
function shotUrl(dataUrl) {
  const bin = atob(String(dataUrl).split(',')[1] ?? '');
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) bytes[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: 'image/jpeg' }));
  shotUrls.push(url);
  return url;
}

/** The listing's dated screenshots: thumbnail, when, case, what differed; open, save as file, delete. */
function renderShots(entry, { shots, names, budget }, statusEl, reload) {
  for (const u of shotUrls) URL.revokeObjectURL(u);
  shotUrls = [];
  const list = [...shots].reverse(); // newest first
  const section = h(
    'section',
    { class: 'details-section', id: 'details-shots', attrs: { 'aria-labelledby': 'details-shots-heading' } },
    h('h3', { id: 'details-shots-heading', text: `${t('shotsHeading')} (${shots.length})` }),
  );
  if (!list.length) section.append(h('p', { class: 'hint', id: 'shots-none', text: t('shotsNone') }));
  const items = list.map((s) => {
    const i = shots.indexOf(s);
    const url = shotUrl(s.jpeg);
    const when = formatTime(s.at);
    const what = (s.fields || []).map(fieldLabel).join(', ') || s.status;
    return h(
      'li',
      { class: 'shot', attrs: { 'data-shot-id': s.id } },
      h('a', { class: 'shot-open', href: url, target: '_blank', rel: 'noopener', title: t('shotOpen') },
        h('img', { class: 'shot-thumb', src: url, alt: `${t('shotTaken', [when])} — ${what}`, width: 240 })),
      h(
        'div',
        { class: 'shot-meta' },
        h('p', { class: 'shot-when', text: t('shotTaken', [when]) }),
        s.case_id ? h('p', { class: 'hint shot-case', text: t('shotCase', [s.case_id]) }) : null,
        h('p', { class: 'hint shot-fields', text: what }),
        h(
          'div',
          { class: 'row' },
          h('a', { class: 'btn btn-small shot-full', href: url, target: '_blank', rel: 'noopener', text: t('shotOpen') }),
          // A download from the extension page itself: no `downloads` permission needed.
          h('a', { class: 'btn btn-small btn-primary shot-download', href: url, download: names[i], text: t('shotDownload'), title: names[i] }),
          h('button', {
            type: 'button',
            class: 'btn btn-small shot-delete',
            text: t('shotDelete'),
            on: {
              click: async (e) => {
                e.target.disabled = true;
                try {
                  await send({ type: 'ui-bg-shot-delete', key: entry.key, id: s.id });
                  await reload();
                  say(statusEl, t('shotDeleted'));
                } catch (err) {
                  e.target.disabled = false;
                  say(statusEl, errorText(err), 'error');
                }
              },
            },
          }),
        ),
      ),
    );
  });
  if (items.length) section.append(h('ul', { class: 'shots', id: 'shots-list' }, items));
  section.append(h('p', { class: 'hint', text: t('shotsBudgetHint', [String(budget.max_shots), String(Math.round(budget.max_bytes / (1024 * 1024)))]) }));
  return section;
}

function renderCases(entry, { cases, active, report }, statusEl, body, reload) {
  const list = [...cases].reverse(); // newest first
  const canReport = (c) => Boolean(report) || (c.evidence || []).length > 0;
  const section = h(
    'section',
    { class: 'details-section', attrs: { 'aria-labelledby': 'details-cases-heading' } },
    h('h3', { id: 'details-cases-heading', text: t('caseLog') }),
  );
  if (!list.length) section.append(h('p', { class: 'hint', id: 'cases-none', text: t('casesNone') }));
  for (const c of list) section.append(renderCase(entry, c, c.id === active, canReport(c), statusEl, body, reload));
  section.append(renderAddForm(entry, statusEl, reload));
  return section;
}

function renderCase(entry, c, isActive, canReport, statusEl, body, reload) {
  const base = `case-${c.id}`;
  let picked = c.status;
  const notes = h('textarea', { id: `${base}-notes`, class: 'case-notes', rows: 3, value: c.notes || '' });
  const evidence = c.evidence || [];
  const busy = (on) => {
    for (const el of body.querySelectorAll('button, select, textarea, input')) el.disabled = on;
  };
  const run = async (message, done) => {
    say(statusEl, '');
    busy(true);
    try {
      const res = await send({ ...message, key: entry.key, id: c.id, lang: currentLanguage() });
      await done(res);
    } catch (err) {
      busy(false);
      say(statusEl, errorText(err), 'error');
    }
  };
  return h(
    'article',
    { class: `case-item${isActive ? ' case-active' : ''}`, attrs: { 'data-case-id': c.id, 'data-case-status': c.status, 'aria-labelledby': `${base}-title` } },
    h(
      'h4',
      { id: `${base}-title` },
      t('caseSummary', [c.id, c.opened]),
      ' — ',
      h('span', { class: 'case-status-label', text: caseStatusLabel(c.status) }),
    ),
    h('p', { class: 'hint', text: t('caseUpdatedAt', [formatTime(c.updated_at)]) }),
    h(
      'div',
      { class: 'case-edit' },
      caseStatusPicker({ id: `${base}-status`, value: c.status, onChange: (s) => { picked = s; } }),
      h('label', { for: `${base}-notes`, text: t('caseNotes') }),
      notes,
    ),
    h(
      'details',
      { class: 'case-evidence' },
      h('summary', { text: `${t('caseEvidence')} (${evidence.length})` }),
      evidence.length
        ? h('ul', {}, evidence.map((ev) => h('li', { text: `${formatTime(ev.at)} — ${ev.summary}` })))
        : h('p', { class: 'hint', text: t('caseEvidenceNone') }),
    ),
    h(
      'div',
      { class: 'row case-actions' },
      h('button', {
        type: 'button',
        class: 'btn btn-small btn-primary case-save',
        text: t('caseSave'),
        on: {
          click: () => run({ type: 'ui-bg-case-update', status: picked, notes: notes.value }, async () => {
            await reload();
            say(statusEl, t('caseUpdated', [c.id]));
          }),
        },
      }),
      h('button', {
        type: 'button',
        class: 'btn btn-small case-copy',
        text: t('caseCopyReport'),
        disabled: !canReport,
        on: {
          click: () => run({ type: 'ui-bg-case-report-text' }, async (res) => {
            busy(false);
            if (await copy(res.text, body)) say(statusEl, t('copied'));
          }),
        },
      }),
      h('button', {
        type: 'button',
        class: 'btn btn-small case-reopen',
        text: t('caseReopen'),
        title: t('caseReopenHint'),
        disabled: !canReport,
        on: {
          click: () => run({ type: 'ui-bg-case-reopen' }, async (res) => {
            const copied = await copy(res.text, body);
            if (res.url) await api.tabs.create({ url: res.url, active: copied });
            await reload();
            if (copied) say(statusEl, t('caseReopenDone', [c.id]));
          }),
        },
      }),
    ),
    canReport ? null : h('p', { class: 'hint', text: t('caseNoReport') }),
  );
}

function renderAddForm(entry, statusEl, reload) {
  const ids = { form: 'details-case-form', id: 'details-case-id', opened: 'details-case-opened', button: 'details-case-add', hint: 'details-case-hint' };
  const form = caseAddForm(ids, async ({ id, opened, brand_registry, input }) => {
    say(statusEl, '');
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const res = await send({ type: 'ui-bg-case-add', key: entry.key, id, opened, brand_registry, lang: currentLanguage() });
      await reload();
      say(statusEl, t(res.existed ? 'caseExists' : 'caseAdded', [res.case.id]));
    } catch (err) {
      button.disabled = false;
      say(statusEl, errorText(err), 'error');
      input.focus();
    }
  });
  return h('div', { class: 'case-add' }, h('h4', { text: t('caseAdd') }), form);
}

/** Copies `text`; when the clipboard is refused, shows it selected in the dialog and returns false. */
async function copy(text, body) {
  const old = body.querySelector('#details-copy-fallback');
  if (old) old.remove();
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { id: 'details-copy-fallback', readOnly: true, rows: 10, value: text, attrs: { 'aria-label': t('copyFallback') } });
    body.prepend(area);
    area.focus();
    area.select();
    return false;
  }
}
