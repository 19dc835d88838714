// Options page, "Complete from their pages" section: the background baseline of the partial
// listings (background/baseline.js): "Complete all from their pages", a progress bar (n of m,
// time left, paused after a captcha), Stop, the listings that could not be completed (page not
// found…), and the review queue: each completed listing says "baseline from the page on <date>:
// review", with "Looks right" per row and for the selected rows, and a filter.
import { initI18n, applyI18n, t } from '../ui/i18n.js';
import { h, replaceChildren } from '../ui/dom.js';
import { send as sendTyped } from '../lib/messages.js';
import { api } from '../lib/platform.js';
import { formatTime } from '../ui/render.js';
import { runLabel } from '../ui/runs.js';

const $ = (id) => document.getElementById(id);
const send = ({ type, ...payload }) => sendTyped(type, payload);

let language = 'auto';
let last = null;
const selected = new Set();

function say(text, kind = 'success') {
  const n = $('notice');
  if (!n) return;
  n.textContent = text;
  n.dataset.kind = kind;
}

const REASONS = { not_found: 'baselineFailedNotFound', fetch: 'baselineFailedFetch', unreadable: 'baselineFailedUnreadable' };

function progress(s) {
  const j = s.job;
  if (!j) return null;
  const minutes = Math.ceil((j.time_left_ms || 0) / 60_000);
  return h('div', { id: 'baseline-progress', class: 'recheck-progress', attrs: { 'data-active': String(s.active), 'data-run': j.family ? 'family' : 'baseline' } },
    h('label', { attrs: { for: 'baseline-bar' }, text: runLabel(j) }),
    h('progress', { id: 'baseline-bar', attrs: { max: String(Math.max(1, j.total)), value: String(j.position) } }),
    s.active && !j.paused_until ? h('p', { id: 'baseline-left', class: 'hint', text: t('baselineTimeLeft', [String(minutes)]) }) : null,
    j.paused_until ? h('p', { id: 'baseline-paused', class: 'import-error', text: t('baselinePaused', [formatTime(new Date(j.paused_until).toISOString())]) }) : null,
    j.stopped ? h('p', { id: 'baseline-stopped', class: 'hint', text: t('baselineStopped') }) : null,
    j.finished_at && !j.family ? h('p', { id: 'baseline-done', class: 'hint', text: t('baselineDone', [String(j.completed), String(j.total)]) }) : null,
    j.failed.length ? h('ul', { id: 'baseline-failed' }, j.failed.map((f) => h('li', { attrs: { 'data-key': f.key, 'data-reason': f.reason } },
      `${f.key}: `, t(REASONS[f.reason] ?? 'baselineFailedUnreadable')))) : null);
}

async function reviewed(keys) {
  try {
    const { status } = await send({ type: 'ui-bg-baseline-reviewed', keys });
    for (const k of keys) selected.delete(k);
    render(status);
  } catch (err) {
    say(err?.message ?? String(err), 'error');
  }
}

function review(s) {
  const q = ($('baseline-filter')?.value ?? '').trim().toLowerCase();
  const rows = s.review.filter((r) => !q || r.key.toLowerCase().includes(q) || r.title.toLowerCase().includes(q));
  return h('div', { id: 'baseline-review' },
    h('h3', { text: t('baselineReviewHeading', [String(s.review.length)]) }),
    rows.length ? h('ul', { class: 'baseline-rows' }, rows.map((r) => h('li', { class: 'baseline-row', attrs: { 'data-key': r.key } },
      h('input', {
        type: 'checkbox',
        class: 'baseline-select',
        checked: selected.has(r.key),
        attrs: { 'aria-label': r.key },
        on: { change: (e) => { if (e.target.checked) selected.add(r.key); else selected.delete(r.key); } },
      }),
      h('span', { class: 'baseline-key', text: r.key }),
      h('span', { class: 'baseline-title', text: r.title }),
      h('span', { class: 'baseline-note', text: t('baselineReviewNote', [formatTime(new Date(r.at).toISOString())]) }),
      h('button', { type: 'button', class: 'btn btn-small baseline-ok', text: t('baselineLooksRight'), on: { click: () => reviewed([r.key]) } }),
    ))) : h('p', { class: 'hint', text: t('baselineReviewEmpty') }));
}

function render(s) {
  last = s;
  $('baseline-start').disabled = s.active ? false : s.partial === 0;
  $('baseline-stop').disabled = !s.active;
  $('baseline-partial').textContent = t('baselinePartial', [String(s.partial)]);
  replaceChildren($('baseline-status'), progress(s));
  replaceChildren($('baseline-review-box'), review(s));
}

async function refresh() {
  try {
    const { status } = await send({ type: 'ui-bg-baseline-status' });
    render(status);
  } catch (err) {
    say(err?.message ?? String(err), 'error');
  }
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
  applyI18n($('baseline-section'));
  $('baseline-start').addEventListener('click', async () => {
    const { status } = await send({ type: 'ui-bg-baseline-start' });
    render(status);
  });
  $('baseline-stop').addEventListener('click', async () => {
    const { status } = await send({ type: 'ui-bg-baseline-stop' });
    render(status);
  });
  $('baseline-ok-selected').addEventListener('click', () => reviewed([...selected]));
  $('baseline-filter').addEventListener('input', () => { if (last) replaceChildren($('baseline-review-box'), review(last)); });
  let timer = 0;
  api.storage?.onChanged?.addListener(async (changes, area) => {
    if (area !== 'local') return;
    if (changes.settings) {
      const { settings: now } = await send({ type: 'ui-bg-settings-get' }).catch(() => ({ settings: {} }));
      if (now.language && now.language !== language) {
        language = now.language;
        await initI18n({ language }).catch(() => {});
        applyI18n($('baseline-section'));
      }
    }
    if (changes['baseline:job'] || changes['baseline:schedule'] || changes['baseline:review'] || changes.listings) {
      clearTimeout(timer);
      timer = setTimeout(refresh, 100);
    }
  });
  await refresh();
  $('baseline-section').dataset.ready = 'true';
}

main();
