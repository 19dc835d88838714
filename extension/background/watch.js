// Scheduled re-checks (watch::schedule in the core) and their notifications (watch::notify).
//
// The core's schedule is a pure state machine; this module drives it: `schedule_next` says
// what to do (fetch the next listing's page no earlier than `not_before`, wait until a time,
// or nothing), the page is fetched with the seller's own session, read and checked exactly
// like the badge does (`read_check`), recorded in the history (source `recheck`), maybe
// notified, and the outcome goes back through `schedule_result`. The state is stored after
// EVERY step, so a worker stopped at any moment resumes the run at the listing it was on
// (the alarm wakes it). A re-check changes a listing only to fill the family and availability
// an older listing does not know yet (history.js learnFromPage).
//
// Storage (storage.local): `watch:schedule` = ScheduleState, `watch:notify` = NotifyState,
// `watch:lease` = {owner, until} (which worker instance is driving the loop and until when it
// has promised to be busy: the end of the gap it waits out, or of the fetch it makes; a
// lease past its `until` belongs to a stopped worker).
import { api, isFirefox } from '../lib/platform.js';
import { core, loadListings, loadSettings, reportLanguage, listingIndex } from './core.js';
import { refineReport } from './images.js';
import { recordPage, recordGone, learnFromPage } from './history.js';
import { recordCheck } from './catalog.js';
import { baselineBusy } from './baseline.js';

/** The one alarm: the next scheduled run, the end of a back-off, or a safety net mid-run. */
export const ALARM = 'cg-recheck';
export const STATE_KEY = 'watch:schedule';
export const NOTIFY_KEY = 'watch:notify';
export const LEASE_KEY = 'watch:lease';
/** Notification IDs are this prefix + the listing key (one notification per listing). */
export const NOTIFICATION_PREFIX = 'cg-recheck:';

/** Gaps up to this long are waited in the worker (setTimeout); longer ones by the alarm. */
const MAX_INLINE_WAIT_MS = 20_000;
/** Slack on top of what a lease covers (storage, wasm) before it counts as stale. */
const LEASE_SLACK_MS = 15_000;
/** A lease claiming more than this ahead is nonsense (a clock change): ignored. */
const LEASE_MAX_MS = 5 * 60_000;
/** A page fetch that takes longer than this counts as failed. */
const FETCH_TIMEOUT_MS = 30_000;

const OWNER = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
const local = api.storage.local;
const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });

// ------------------------------------------------------------------ storage

async function loadState() {
  const got = await local.get(STATE_KEY);
  return got[STATE_KEY] ?? null;
}

/** How long a change found by a re-check makes its listing go first in the next runs. */
const RECENT_MS = 24 * 3_600_000;
const RECENT_KEY = 'watch:recent';

/**
 * Listings a new run takes first (at most a quarter of it, the core decides): a change found
 * in the last 24 h (`watch:recent`) or an open case (`cases:<key>` open, answered or reopened).
 * Read once per run, not per fetch.
 */
async function urgentKeys(keys) {
  const now = Date.now();
  const caseKeys = keys.map((k) => `cases:${k}`);
  const got = await local.get([RECENT_KEY, ...caseKeys]);
  const out = new Set();
  for (const [k, at] of Object.entries(got[RECENT_KEY] ?? {})) if (now - at < RECENT_MS) out.add(k);
  for (const k of keys) {
    const log = got[`cases:${k}`];
    if (Array.isArray(log) && log.some((c) => c && c.status !== 'closed')) out.add(k);
  }
  return [...out];
}

/** A re-check found a change: the listing goes first for the next 24 h. */
async function noteRecent(key) {
  const now = Date.now();
  const got = await local.get(RECENT_KEY);
  const next = {};
  for (const [k, at] of Object.entries(got[RECENT_KEY] ?? {})) if (now - at < RECENT_MS) next[k] = at;
  next[key] = now;
  await local.set({ [RECENT_KEY]: next });
}

/** The keys of the listings that watch at least one field (a new run checks these, in order). */
export function watchedKeys(map) {
  return Object.keys(map).sort().filter((k) => {
    const w = map[k]?.watch;
    return !w || typeof w !== 'object' || Object.values(w).some((v) => v === true);
  });
}

/** `https://www.<marketplace>/dp/<ASIN>` of a `marketplace/ASIN` key, cleaned like the core's
 *  (null when the marketplace is not an Amazon host): where a notification click leads. */
export function productUrl(key) {
  const i = String(key).lastIndexOf('/');
  const m = String(key).slice(0, i).trim().toLowerCase().replace(/^www\./, '').replace(/[^a-z0-9.-]/g, '');
  const a = String(key).slice(i + 1).replace(/[^A-Za-z0-9]/g, '').toUpperCase();
  // Only ever an Amazon marketplace host (amazon.co.jp, amazon.com.mx, ...).
  return /^amazon(\.[a-z]{2,3}){1,2}$/.test(m) && a ? `https://www.${m}/dp/${a}` : null;
}

async function setAlarm(when) {
  await api.alarms.create(ALARM, { when: Math.max(Math.round(when), Date.now() + 1000) });
}

/** When another live worker instance holds the lease: the time it ends; else null. */
async function leaseHeldUntil() {
  const got = await local.get(LEASE_KEY);
  const l = got[LEASE_KEY];
  const now = Date.now();
  const until = Number(l?.until);
  if (!l || l.owner === OWNER || !(until > now) || until > now + LEASE_MAX_MS) return null;
  return until;
}

/** Claims the loop until `until` (+ slack): busy waiting out a gap or fetching a page. */
async function holdLease(until) {
  await local.set({ [LEASE_KEY]: { owner: OWNER, until: Math.round(until + LEASE_SLACK_MS) } });
}

async function releaseLease() {
  const got = await local.get(LEASE_KEY);
  if (got[LEASE_KEY]?.owner === OWNER) await local.remove(LEASE_KEY);
}

// ------------------------------------------------------------------ one listing

/**
 * Fetches one listing's page with the seller's session, checks it like the badge does,
 * records it in the history and notifies. Returns what `schedule_result` needs:
 * `{page_kind, changed, gone}` (`page_kind` null when the fetch itself failed). A listing whose
 * page is gone (its URL gave the 404 page, another ASIN or "no longer available") is recorded
 * and notified once (its first sighting), and counts as checked, not failed.
 */
async function checkOne(key, url, settings) {
  let bytes;
  let finalUrl = url;
  try {
    const res = await fetch(url, {
      credentials: 'include',
      cache: 'no-store',
      redirect: 'follow',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    bytes = new Uint8Array(await res.arrayBuffer());
    if (res.url) finalUrl = res.url;
  } catch {
    return { page_kind: null, changed: false, report: null };
  }
  // Listings are read now, not when the run started: a listing edited mid-run is checked
  // as it is now. Nothing here writes them.
  const map = await loadListings();
  let report;
  try {
    report = await core('read_check', {
      url: finalUrl, requested_url: url, bytes, listings: Object.values(map), now_ms: Date.now(),
    });
  } catch {
    return { page_kind: null, changed: false, report: null }; // unreadable bytes: this listing failed, the run goes on
  }
  const kind = report.page?.kind ?? null;
  let changed = false;
  if (report.status === 'gone') {
    try {
      const res = await recordGone(key, report, 'recheck');
      changed = Boolean(res.change);
      report = res.report ?? report;
    } catch { /* the check itself stands */ }
    try {
      await maybeNotify(report, map[key] ?? null, settings);
    } catch { /* best effort */ }
    return { page_kind: kind, changed, gone: true, report };
  }
  // A sibling shown instead (its family lists this ASIN; any other ASIN is `gone` above) is not
  // this listing's page: counted as checked, but nothing of it goes into this listing's history.
  const asin = key.slice(key.lastIndexOf('/') + 1).toUpperCase();
  if (kind === 'product' && String(report.page.asin ?? '').toUpperCase() === asin) {
    try {
      changed = Boolean(await recordPage(key, report.page, 'recheck'));
    } catch { /* the check itself stands */ }
    try {
      await learnFromPage(report); // family/availability an older listing does not know yet
    } catch { /* best effort */ }
    try {
      await maybeNotify(report, map[key] ?? null, settings);
    } catch { /* best effort */ }
    return { page_kind: kind, changed, report };
  }
  // Not this listing's page (a sibling, a captcha, an error page): its last check stays.
  return { page_kind: kind, changed, report: undefined };
}

async function maybeNotify(report, listing, settings) {
  report = (await refineReport(report)) ?? report; // an image-ID change: what the pictures show
  const got = await local.get(NOTIFY_KEY);
  const lang = reportLanguage(null, settings);
  const res = await core('notify', {
    state: got[NOTIFY_KEY] ?? null,
    report,
    listing_title: listing?.title ?? null,
    lang,
  });
  // The signature is kept even while notifications are off, so turning them on does not
  // announce old changes.
  await local.set({ [NOTIFY_KEY]: res.state });
  const n = res.notification;
  if (!n || !settings.notifications || !api.notifications) return;
  try {
    const options = {
      type: 'basic',
      iconUrl: api.runtime.getURL('icons/icon-128.png'),
      title: n.title,
      message: n.body,
    };
    // A hijacked listing is worth staying on screen until the seller has seen it (Chrome/Edge;
    // Firefox has no such option).
    if (!isFirefox) options.requireInteraction = true;
    await api.notifications.create(NOTIFICATION_PREFIX + n.key, options);
  } catch { /* the platform refused (no notification centre): the history has it */ }
}

// ------------------------------------------------------------------ the loop

let running = null; // the loop's promise while it runs in this worker
let startNowPending = false;
let onStepHooks = []; // resolved after the loop's first schedule step (ui-bg-recheck-now)

/**
 * Drives the schedule until it has to wait or is done. One loop per worker (the module
 * flag) and per browser (the stored lease). `startNow`: "check all now".
 */
export function kick({ startNow = false } = {}) {
  if (startNow) startNowPending = true;
  if (!running) {
    let ended = null;
    running = loop().catch((e) => {
      console.warn('re-check loop failed', e);
      // Try again later rather than never (and not at once: no tight loop on a lasting fault).
      return setAlarm(Date.now() + 60_000).catch(() => {}).then(() => 'failed');
    }).then((how) => {
      ended = how;
      return releaseLease().catch(() => {});
    }).finally(() => {
      running = null;
      if (startNowPending && ended !== 'blocked' && ended !== 'failed') {
        kick(); // asked while this loop was ending
        return;
      }
      const hooks = onStepHooks;
      onStepHooks = [];
      for (const f of hooks) f();
    });
  }
  return running;
}

/** Resolves once the loop has taken its next schedule step (or ended). */
function nextStep() {
  return new Promise((resolve) => { onStepHooks.push(resolve); });
}

async function loop() {
  for (;;) {
    const heldUntil = await leaseHeldUntil();
    if (heldUntil) {
      // Another worker instance is busy (or was stopped mid-step): the alarm comes back after
      // its lease; a "check all now" asked meanwhile stays pending until then.
      await setAlarm(heldUntil + 1000);
      return 'blocked';
    }
    if (await baselineBusy()) {
      // Partial listings are being completed from their pages: one fetch stream to Amazon.
      await setAlarm(Date.now() + 60_000);
      return 'blocked';
    }
    const [stored, settings, map] = await Promise.all([loadState(), loadSettings(), loadListings()]);
    const startNow = startNowPending;
    startNowPending = false;
    const keys = watchedKeys(map);
    const { state, action } = await core('schedule_next', {
      state: stored,
      settings,
      keys,
      now_ms: Date.now(),
      seed: Math.floor(Math.random() * 2 ** 52),
      start_now: startNow,
      // Only a new run orders the keys (recent change, open case, oldest last check).
      urgent: stored?.run ? [] : await urgentKeys(keys),
    });
    // Stored after every step (unchanged states are not rewritten: every worker start asks).
    if (JSON.stringify(state) !== JSON.stringify(stored)) await local.set({ [STATE_KEY]: state });
    const hooks = onStepHooks;
    onStepHooks = [];
    for (const f of hooks) f();

    if (action.type === 'done') {
      await api.alarms.clear(ALARM);
      if (!startNowPending) return;
      continue;
    }
    if (action.type === 'wait') {
      await setAlarm(action.until);
      if (!startNowPending) return;
      continue;
    }
    // fetch_next
    const wait = action.not_before - Date.now();
    if (wait > 0) {
      if (wait > MAX_INLINE_WAIT_MS) {
        await setAlarm(action.not_before);
        return;
      }
      // If this worker is stopped while waiting, the alarm resumes the run at the same key
      // once the lease has lapsed.
      await holdLease(action.not_before);
      await setAlarm(action.not_before + LEASE_SLACK_MS + 1000);
      await sleep(wait);
      continue; // ask again: the settings may have changed meanwhile (same key comes back)
    }
    await holdLease(Date.now() + FETCH_TIMEOUT_MS);
    await setAlarm(Date.now() + FETCH_TIMEOUT_MS + LEASE_SLACK_MS + 1000);
    const { page_kind: pageKind, changed, gone = false, report } = await checkOne(action.key, action.url, settings);
    // The listing's last check (catalogue at a glance): null = could not be fetched or read.
    if (report !== undefined) await recordCheck(action.key, report, 'recheck').catch(() => {});
    const res = await core('schedule_result', {
      state: (await loadState()) ?? state,
      key: action.key,
      page_kind: pageKind,
      changed,
      gone,
      now_ms: Date.now(),
    });
    await local.set({ [STATE_KEY]: res.state });
    if (changed) await noteRecent(action.key);
  }
}

// ------------------------------------------------------------------ status and messages

/** What the options page shows. */
export async function status() {
  // The worker's in-memory listings (read only; no storage read of every listing per status).
  const [state, settings, map] = await Promise.all([loadState(), loadSettings(), listingIndex().then((i) => i.map)]);
  const run = state?.run ?? null;
  // At scale: how often each listing is checked, and which were not within 2 x the interval.
  const { pace, stale, stale_count: staleCount } = await core('schedule_pace', {
    state, settings, keys: watchedKeys(map), now_ms: Date.now(),
  });
  return {
    pace,
    stale,
    stale_count: staleCount,
    interval: settings.recheck_interval_hours,
    notifications: settings.notifications,
    delay_seconds: settings.request_delay_seconds,
    watched: watchedKeys(map).length,
    last_run: state?.last_run ?? null,
    next_run_at: state?.next_run_at ?? null,
    paused_until: state?.paused_until ?? null,
    backoff_level: state?.backoff_level ?? 0,
    run: run && {
      started_at: run.started_at,
      total: run.keys.length,
      position: run.position,
      checked: run.checked,
      changed: run.changed,
      failed: run.failed,
      skipped: run.skipped ?? 0,
      not_before: run.not_before,
      manual: Boolean(run.manual),
    },
    running: Boolean(running),
  };
}

/** The options page's re-check messages. */
export const watchHandlers = {
  async 'ui-bg-recheck-status'() {
    return { status: await status() };
  },

  async 'ui-bg-recheck-now'() {
    // Answer once the run has started; a loop already waiting out the gap between two
    // fetches keeps that gap (the run becomes the seller's, see schedule::start_now).
    const stepped = nextStep();
    kick({ startNow: true });
    await Promise.race([stepped, sleep(3000)]);
    return { status: await status() };
  },
};

/** Settings changed (the interval or the delay): let the schedule follow them now. */
export function onSettingsChanged() {
  kick();
}

// ------------------------------------------------------------------ listeners (top level)

if (api.alarms) {
  api.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARM) kick();
  });
}

api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.settings) onSettingsChanged();
});

/** A click on one of our notifications: open the listing's product page, close the notification. */
export async function onNotificationClicked(id) {
  if (typeof id !== 'string' || !id.startsWith(NOTIFICATION_PREFIX)) return null;
  const url = productUrl(id.slice(NOTIFICATION_PREFIX.length));
  await api.notifications.clear(id).catch(() => {});
  if (!url) return null;
  const tab = await api.tabs.create({ url });
  return tab?.id ?? null;
}

if (api.notifications) {
  api.notifications.onClicked.addListener((id) => { onNotificationClicked(id).catch(() => {}); });
}

// For the end-to-end tests and debugging (as checks.js exposes cgTimings).
globalThis.cgWatch = { kick, status, onNotificationClicked };

api.runtime.onStartup?.addListener(() => { kick(); });

// Whenever the worker starts: resume a run a stopped worker left, or catch up with a run
// that came due while the browser was closed (alarms do not always survive a restart).
kick();
