// Background baselines: the partial listings (from a Seller Central report: no bullets, no
// description, no breadcrumb) completed from their own product pages, fetched one at a time by
// the same core schedule as the re-checks (a run the seller asked for: the configured pause plus
// jitter, captcha and error-page back-off, resume at the same listing after a restart).
// Fields the report gave stay the seller's (`complete` fills only what is missing; a differing
// title or image is a mismatch as usual). Each completed listing joins the review queue
// ("baseline from the page on <date>: review"): a page already hijacked when the baseline was
// taken must not silently become canonical. While a baseline run is under way the re-check
// runner waits (watch.js asks `baselineBusy`), so there is one fetch stream to Amazon.
//
// storage.local keys of this module:
//   baseline:schedule  the core's ScheduleState of the run (watch::schedule)
//   baseline:job       {keys, total, started_at, completed, saved, save: [key], family_of: [ASIN],
//                      failed: [{key, reason}], finished_at, stopped, next: [key], next_of: [ASIN]}:
//                      `save` = variation siblings to save from their own pages ("Save all N
//                      variations"), `family_of` = the ASINs whose pages asked for them (the
//                      progress says whose family it saves); `next`/`next_of` = siblings asked for
//                      while a run was under way (they start a run of their own when it ends)
//   baseline:review    {key: ms}: completed from their pages, waiting for "Looks right"
import { api } from '../lib/platform.js';
import {
  core, loadListings, saveListings, loadSettings, failure, listingIndex, withFreshListings,
} from './core.js';
import { recordCheck } from './catalog.js';

const local = api.storage.local;
const STATE_KEY = 'baseline:schedule';
const JOB_KEY = 'baseline:job';
export const REVIEW_KEY = 'baseline:review';
const ALARM = 'cg-baseline';
const MAX_INLINE_WAIT_MS = 20_000;
const FETCH_TIMEOUT_MS = 30_000;
/** What a page takes on top of the pause, for "time left" (as the core's FETCH_ALLOWANCE_MS). */
const FETCH_ALLOWANCE_MS = 3_000;

const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });

/** A listing that has none of the page-only fields: a report row never completed. */
export function isPartial(l) {
  const empty = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  return Boolean(l) && empty(l.bullets) && empty(l.description) && empty(l.breadcrumb);
}

export function partialKeys(map) {
  return Object.keys(map).sort().filter((k) => isPartial(map[k]));
}

async function loadJob() {
  const got = await local.get([JOB_KEY, STATE_KEY]);
  return { job: got[JOB_KEY] ?? null, state: got[STATE_KEY] ?? null };
}

/** A baseline run is under way (also while backing off): the re-check runner waits. */
export async function baselineBusy() {
  const { job } = await loadJob();
  return Boolean(job && !job.finished_at && !job.stopped);
}

async function setAlarm(when) {
  await api.alarms.create(ALARM, { when: Math.max(Date.now() + 1000, when) });
}

/**
 * Fetches and reads one listing's page. Returns what the schedule needs (`page_kind`, `failed`,
 * `gone`) and, when the listing is to be completed from the page or a variation sibling (in
 * `save`) saved from its own page, `write(fresh)`: applied by the loop to the listings as they
 * are just before its one write (listing, review queue and run progress together, so a browser
 * closed in between cannot keep the listing done and the run not knowing it: that listing would
 * be fetched again and not counted), or null when the listing changed meanwhile.
 */
async function completeOne(key, url, save) {
  let bytes;
  let finalUrl = url;
  try {
    const res = await fetch(url, { credentials: 'include', cache: 'no-store', redirect: 'follow', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    bytes = new Uint8Array(await res.arrayBuffer());
    if (res.url) finalUrl = res.url;
  } catch {
    return { page_kind: null, failed: 'fetch' };
  }
  const map = await loadListings();
  const listing = map[key];
  const sibling = !listing && save.includes(key);
  if (!listing && !sibling) return { page_kind: 'product', failed: null }; // deleted meanwhile: nothing to do
  let report;
  try {
    report = await core('read_check', { url: finalUrl, requested_url: url, bytes, listings: listing ? [listing] : [], now_ms: Date.now() });
  } catch {
    return { page_kind: null, failed: 'unreadable' };
  }
  const kind = report.page?.kind ?? null;
  if (kind === 'not_found' || report.status === 'gone') return { page_kind: kind ?? 'not_found', failed: 'not_found', gone: true };
  if (kind === 'captcha' || kind === 'error') return { page_kind: kind, failed: null };
  const asin = key.slice(key.lastIndexOf('/') + 1).toUpperCase();
  if (kind !== 'product' || String(report.page.asin ?? '').toUpperCase() !== asin) return { page_kind: kind, failed: 'unreadable' };
  if (sibling) {
    // A variation sibling: saved from its own page, like the popup's Save (unless saved meanwhile).
    const saved = await core('save', { page: report.page, now_ms: Date.now() });
    return { page_kind: kind, failed: null, saved: true, write: (fresh) => (fresh[key] ? null : { listing: saved }) };
  }
  if (!isPartial(listing)) return { page_kind: kind, failed: null }; // completed meanwhile
  const done = await core('complete', { listing, page: report.page, now_ms: Date.now() });
  return {
    page_kind: kind,
    failed: null,
    completed: true,
    report,
    // Written only if nobody changed the listing meanwhile (the seller's edit wins).
    write: (fresh) => (fresh[key] && fresh[key].updated_at === listing.updated_at ? { listing: done, review: true } : null),
  };
}

let running = null;
let startNowPending = false;

async function loop() {
  for (;;) {
    const { job, state: stored } = await loadJob();
    if (!job || job.finished_at || job.stopped) return;
    const settings = await loadSettings();
    const startNow = startNowPending;
    startNowPending = false;
    // The seller's run: it goes on while scheduled re-checks are off, and ends when done.
    const { state, action } = await core('schedule_next', {
      state: stored,
      settings: { ...settings, recheck_interval_hours: 0 },
      keys: job.keys,
      now_ms: Date.now(),
      seed: Math.floor(Math.random() * 2 ** 52),
      start_now: startNow,
    });
    await local.set({ [STATE_KEY]: state });
    if (action.type === 'done') {
      await local.set({ [JOB_KEY]: { ...job, finished_at: Date.now() } });
      await api.alarms.clear(ALARM);
      // Siblings asked for during this run: their own run now.
      if (!job.next?.length) return;
      await newJob(job.next, job.next, job.next_of ?? []);
      startNowPending = true;
      continue;
    }
    if (action.type === 'wait') {
      await setAlarm(action.until);
      if (!startNowPending) return;
      continue;
    }
    const wait = action.not_before - Date.now();
    if (wait > 0) {
      if (wait > MAX_INLINE_WAIT_MS) {
        await setAlarm(action.not_before);
        return;
      }
      await setAlarm(action.not_before + FETCH_TIMEOUT_MS);
      await sleep(wait);
      continue;
    }
    await setAlarm(Date.now() + FETCH_TIMEOUT_MS + 5000);
    const res = await completeOne(action.key, action.url, job.save ?? []);
    const after = await core('schedule_result', {
      state: (await loadJob()).state ?? state,
      key: action.key,
      page_kind: res.page_kind,
      changed: false,
      gone: Boolean(res.gone),
      now_ms: Date.now(),
    });
    const { job: now } = await loadJob();
    const stopped = !now || now.stopped; // stopped meanwhile: the listing is still written
    // The listings read and written again if another listings write was issued meanwhile (see
    // core.js); the progress is counted from the attempt that wrote.
    const { next, progress, change } = await withFreshListings(async (gen) => {
      const run = stopped ? null : { ...now };
      const counted = run ? { [STATE_KEY]: after.state, [JOB_KEY]: run } : {};
      const fresh = res.write ? await loadListings() : null;
      const written = fresh ? res.write(fresh) : null;
      if (run) {
        if (res.completed && written) run.completed = (run.completed ?? 0) + 1;
        if (res.saved && written) run.saved = (run.saved ?? 0) + 1;
        if (res.failed) run.failed = [...(run.failed ?? []).filter((f) => f.key !== action.key), { key: action.key, reason: res.failed }];
      }
      if (written) {
        fresh[action.key] = written.listing;
        const extra = { ...counted };
        if (written.review) {
          const got = await local.get(REVIEW_KEY);
          extra[REVIEW_KEY] = { ...(got[REVIEW_KEY] ?? {}), [action.key]: Date.now() };
        }
        // One write: the listing, its review entry and the run's progress (see completeOne).
        await saveListings(fresh, { extra, ifGeneration: gen });
      }
      return { next: run, progress: counted, change: written };
    });
    if (!change && next) await local.set(progress);
    if (res.report) await recordCheck(action.key, res.report, 'baseline').catch(() => {});
    if (!next) return;
  }
}

export function kickBaseline({ startNow = false } = {}) {
  if (startNow) startNowPending = true;
  if (!running) {
    running = loop().catch((e) => {
      console.warn('baseline run failed', e);
      setAlarm(Date.now() + 60_000).catch(() => {});
    }).finally(() => { running = null; });
  }
  return running;
}

async function newJob(keys, save = [], familyOf = []) {
  await local.set({ [JOB_KEY]: { keys, total: keys.length, started_at: Date.now(), completed: 0, saved: 0, save, family_of: familyOf, failed: [], finished_at: null, stopped: false, next: [], next_of: [] } });
  await local.remove(STATE_KEY);
}

/**
 * "Save all N variations": the siblings of `page`'s family that are not saved yet are saved from
 * their own pages in the background (saved ones are left as they are). Returns
 * `{members, already, queued, truncated}`.
 */
export async function saveFamily(page) {
  const members = (page.family?.members ?? []).map((m) => String(m.asin ?? '').toUpperCase()).filter((a) => /^[A-Z0-9]{10}$/.test(a));
  const own = String(page.asin ?? '').toUpperCase();
  const map = await loadListings();
  const keys = [...new Set(members)].filter((a) => a !== own).map((a) => `${page.marketplace}/${a}`);
  const todo = keys.filter((k) => !map[k]).sort();
  const out = { members: members.length, already: keys.length - todo.length, queued: todo.length, truncated: Boolean(page.family?.truncated) };
  if (!todo.length) return out;
  const { job } = await loadJob();
  if (job && !job.finished_at && !job.stopped) {
    await local.set({ [JOB_KEY]: { ...job, next: [...new Set([...(job.next ?? []), ...todo])], next_of: [...new Set([...(job.next_of ?? []), own])] } });
  } else {
    await newJob(todo, todo, [own]);
  }
  kickBaseline({ startNow: true });
  return out;
}

/** Starts completing every partial listing (or resumes a paused run at once). */
export async function startBaseline() {
  const { job } = await loadJob();
  if (job && !job.finished_at && !job.stopped) {
    kickBaseline({ startNow: true });
    return;
  }
  const keys = partialKeys(await loadListings());
  if (!keys.length) return;
  await newJob(keys);
  kickBaseline({ startNow: true });
}

/** What the options page shows. */
export async function baselineStatus() {
  // The worker's in-memory listings (read only; no storage read of every listing per status).
  const [{ job, state }, settings, map, got] = await Promise.all([loadJob(), loadSettings(), listingIndex().then((i) => i.map), local.get(REVIEW_KEY)]);
  const run = state?.run ?? null;
  const position = run ? Math.min(run.position, run.keys.length) : (job?.finished_at ? job.total : 0);
  const gap = Math.max(5, Number(settings.request_delay_seconds) || 5) * 1000 + 2500 + FETCH_ALLOWANCE_MS;
  const active = Boolean(job && !job.finished_at && !job.stopped);
  const review = Object.entries(got[REVIEW_KEY] ?? {})
    .filter(([k]) => map[k])
    .map(([key, at]) => ({ key, at, title: map[key].title ?? '' }))
    .sort((a, b) => a.key.localeCompare(b.key));
  return {
    active,
    job: job && {
      total: job.total,
      position,
      completed: job.completed ?? 0,
      saved: job.saved ?? 0,
      family: (job.save ?? []).length > 0,
      family_of: job.family_of ?? [],
      failed: job.failed ?? [],
      started_at: job.started_at,
      finished_at: job.finished_at ?? null,
      stopped: Boolean(job.stopped),
      paused_until: active && state?.paused_until > Date.now() ? state.paused_until : null,
      time_left_ms: active ? Math.max(0, job.total - position) * gap : 0,
    },
    partial: partialKeys(map).length,
    review,
  };
}

export const baselineHandlers = {
  async 'ui-bg-baseline-status'() {
    return { status: await baselineStatus() };
  },
  /** "Complete all from their pages" (also resumes a paused run at once). */
  async 'ui-bg-baseline-start'() {
    await startBaseline();
    return { status: await baselineStatus() };
  },
  async 'ui-bg-baseline-stop'() {
    const { job } = await loadJob();
    if (job && !job.finished_at) await local.set({ [JOB_KEY]: { ...job, stopped: true } });
    await api.alarms.clear(ALARM);
    return { status: await baselineStatus() };
  },
  /** "Looks right": the baseline of these listings is reviewed. */
  async 'ui-bg-baseline-reviewed'({ keys }) {
    if (!Array.isArray(keys)) throw failure('keys (an array of "marketplace/ASIN") is required', { kind: 'request' });
    const got = await local.get(REVIEW_KEY);
    const review = { ...(got[REVIEW_KEY] ?? {}) };
    for (const k of keys) delete review[k];
    await local.set({ [REVIEW_KEY]: review });
    return { status: await baselineStatus() };
  },
};

if (api.alarms?.onAlarm) {
  api.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARM) kickBaseline();
  });
}
api.runtime.onStartup?.addListener(() => { kickBaseline(); });
// Every worker start: a run a stopped worker left goes on where it was.
kickBaseline();
