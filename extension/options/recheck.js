// Options page, "Scheduled re-checks" section: the interval (off / 6 / 12 / 24 h), the
// notifications switch, the pause between pages, the last run (when, how it ended, checked / changed / failed), the
// back-off after a captcha or an error page, the next run, the progress of a running run and
// "Check all now". Its own module: it talks to the background (watch.js) through
// ui-bg-recheck-status / ui-bg-recheck-now and the settings messages, and follows storage
// changes (`watch:schedule`, `settings`) so what it shows stays current.
import { initI18n, applyI18n, t, currentLanguage } from '../ui/i18n.js';
import { h, replaceChildren } from '../ui/dom.js';
import { send as sendTyped } from '../lib/messages.js';
import { api } from '../lib/platform.js';
import { formatTime } from '../ui/render.js';

const $ = (id) => document.getElementById(id);
const send = ({ type, ...payload }) => sendTyped(type, payload);

/** How a run ended → message key. */
const END_TEXT = {
  completed: 'recheckEndCompleted',
  captcha: 'recheckEndCaptcha',
  error: 'recheckEndError',
  failures: 'recheckEndFailures',
  cancelled: 'recheckEndCancelled',
};

/** Why a run was stopped → message key (for the back-off notice). */
const STOP_REASON = {
  captcha: 'recheckReasonCaptcha',
  error: 'recheckReasonError',
  failures: 'recheckReasonFailures',
};

let language = null;
let shownDelay = '5'; // the saved pause between pages, as shown

function say(text, kind = 'success') {
  const n = $('notice');
  if (!n) return;
  n.textContent = text;
  n.dataset.kind = kind;
}

function errorText(err) {
  return err && err.message ? err.message : String(err);
}

function num(n) {
  return Number(n || 0).toLocaleString(currentLanguage() === 'ja' ? 'ja-JP' : 'en-US');
}

/** "Checked 2 · Changed 0 · Failed 1" with each number in its own element (data-count). */
function counts(run) {
  const item = (name, key) => h('li', {}, t(key), ' ', h('strong', { attrs: { 'data-count': name }, text: String(Number(run[name] || 0)) }));
  return h(
    'ul',
    { class: 'recheck-counts' },
    item('checked', 'recheckCountChecked'),
    item('changed', 'recheckCountChanged'),
    item('failed', 'recheckCountFailed'),
    run.skipped ? item('skipped', 'recheckCountSkipped') : null,
  );
}

/** "Each listing is checked about every X hours" (at this many listings and this pause). */
function pace(s) {
  const p = s.pace;
  if (!p || !p.every_ms || !s.watched) return null;
  const hours = Math.max(1, Math.round(p.every_ms / 3_600_000));
  return h('p', { id: 'recheck-pace', class: 'hint', attrs: { 'data-hours': String(hours), 'data-batch': String(p.batch) } },
    t('recheckPace', [num(hours)]),
    p.batch < s.watched ? ` ${t('recheckPaceSlices', [num(p.batch)])}` : '');
}

/** The listings not re-checked within twice the interval (the first 200 named). */
function stale(s) {
  if (!s.stale_count || !s.interval) return null;
  const keys = s.stale ?? [];
  return h('details', { id: 'recheck-stale', attrs: { 'data-count': String(s.stale_count) } },
    h('summary', { text: t('recheckStale', [num(s.stale_count), num(2 * s.interval)]) }),
    h('ul', { class: 'recheck-stale-list' }, keys.map((k) => h('li', { text: k }))),
    s.stale_count > keys.length ? h('p', { class: 'hint', text: t('recheckStaleMore', [num(s.stale_count - keys.length)]) }) : null);
}

function render(s) {
  const box = $('recheck-status');
  const now = Date.now();
  $('recheck-interval').value = String(s.interval ?? 0);
  $('recheck-notifications').checked = s.notifications !== false;
  shownDelay = String(Math.max(5, Number(s.delay_seconds) || 5));
  if (document.activeElement !== $('recheck-delay')) $('recheck-delay').value = shownDelay;

  const paused = s.paused_until && s.paused_until > now;
  let backoff = null;
  if (paused) {
    const reason = t(STOP_REASON[s.last_run?.end] ?? 'recheckReasonError');
    const done = s.run ? Math.min(Number(s.run.position || 0), Number(s.run.total || 0)) : null;
    backoff = h(
      'div',
      { id: 'recheck-backoff', class: 'import-error', attrs: { role: 'alert' } },
      h('p', { text: t('recheckBackoff', [reason, formatTime(s.paused_until)]) }),
      s.run ? h('p', { id: 'recheck-paused-at', text: t('recheckPausedAt', [num(done), num(s.run.total)]) }) : null,
    );
  }

  let progress = null;
  if (s.run && !paused) {
    const done = Math.min(Number(s.run.position || 0), Number(s.run.total || 0));
    progress = h(
      'div',
      { id: 'recheck-progress', class: 'recheck-progress' },
      h('label', { attrs: { for: 'recheck-progress-bar' }, text: t('recheckProgress', [num(done), num(s.run.total)]) }),
      h('progress', { id: 'recheck-progress-bar', attrs: { max: String(Math.max(1, s.run.total)), value: String(done) } }),
      counts(s.run),
    );
  }

  let last;
  if (s.last_run) {
    const r = s.last_run;
    last = h(
      'div',
      { id: 'recheck-last', class: 'recheck-last', attrs: { 'data-end': r.end } },
      h('p', {}, t('recheckLastRun', [formatTime(r.ended_at)]), ' ', h('span', { class: 'recheck-end', text: t(END_TEXT[r.end] ?? 'recheckEndCompleted') })),
      counts(r),
    );
  } else {
    last = h('p', { id: 'recheck-last', class: 'hint', text: t('recheckNever') });
  }

  let next;
  if (paused) next = null;
  else if (s.run) next = null;
  else if (s.next_run_at) next = t('recheckNext', [formatTime(s.next_run_at)]);
  else if (!s.interval) next = t('recheckOffNote');
  else next = t('recheckNextSoon');

  replaceChildren(
    box,
    backoff,
    progress,
    last,
    next ? h('p', { id: 'recheck-next', class: 'hint', text: next }) : null,
    h('p', { id: 'recheck-watched', class: 'hint', text: t('recheckWatched', [num(s.watched)]) }),
    pace(s),
    stale(s),
  );
  $('recheck-now').disabled = Boolean(s.run && s.running && !paused);
}

async function refresh() {
  try {
    const { status } = await send({ type: 'ui-bg-recheck-status' });
    render(status);
  } catch (err) {
    replaceChildren($('recheck-status'), h('p', { class: 'import-error', attrs: { role: 'alert' }, text: t('errorPrefix', [errorText(err)]) }));
  }
}

/** Saves `change` over the settings as they are stored now (the other sections save theirs too). */
async function saveSettings(change) {
  try {
    const { settings } = await send({ type: 'ui-bg-settings-get' });
    await send({ type: 'ui-bg-settings-set', settings: { ...settings, ...change } });
    say(t('settingsSaved'));
    return true;
  } catch (err) {
    say(t('errorPrefix', [errorText(err)]), 'error');
    return false;
  }
}

async function onInterval() {
  const hours = Number($('recheck-interval').value);
  await saveSettings({ recheck_interval_hours: hours });
  await refresh();
}

async function onDelay() {
  const input = $('recheck-delay');
  const seconds = Math.round(Number(input.value));
  // The core never waits less than 5 s between pages; the settings allow up to 600.
  if (!Number.isFinite(seconds) || seconds < 5 || seconds > 600) {
    input.value = shownDelay; // out of range: back to the saved value
    return;
  }
  await saveSettings({ request_delay_seconds: seconds });
  await refresh();
}

async function onNotifications() {
  const box = $('recheck-notifications');
  if (!(await saveSettings({ notifications: box.checked }))) box.checked = !box.checked;
}

async function onCheckNow() {
  const btn = $('recheck-now');
  btn.disabled = true;
  try {
    const { status } = await send({ type: 'ui-bg-recheck-now' });
    render(status);
    say(t('recheckStarted'));
  } catch (err) {
    say(t('errorPrefix', [errorText(err)]), 'error');
    btn.disabled = false;
  }
}

let timer = 0;
function refreshSoon() {
  clearTimeout(timer);
  timer = setTimeout(refresh, 100);
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
  applyI18n($('recheck-section'));
  $('recheck-interval').addEventListener('change', onInterval);
  $('recheck-notifications').addEventListener('change', onNotifications);
  $('recheck-delay').addEventListener('change', onDelay);
  $('recheck-now').addEventListener('click', onCheckNow);
  api.storage?.onChanged?.addListener(async (changes, area) => {
    if (area !== 'local') return;
    if (changes.settings) {
      // The language may have changed (the settings section): follow it.
      const { settings: now } = await send({ type: 'ui-bg-settings-get' }).catch(() => ({ settings: {} }));
      if (now.language && now.language !== language) {
        language = now.language;
        await initI18n({ language }).catch(() => {});
        applyI18n($('recheck-section'));
      }
    }
    if (changes.settings || changes['watch:schedule'] || changes.listings) refreshSoon();
  });
  await refresh();
  // Times such as "backing off until" are absolute; refresh now and then so an ended
  // back-off or a due run shows without a reload.
  setInterval(refresh, 30_000);
  $('recheck-section').dataset.ready = 'true';
}

main();
