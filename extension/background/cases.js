// The Seller Support case log per listing (watch::cases in the core), the texts a seller pastes
// into a case, and the history/case-log side of the export file and of imports.
//
// Storage: storage.local `cases:<marketplace/ASIN>` = [Case] (oldest first; one item per listing,
// next to `history:<key>`). Histories are local only; case logs also go to storage.sync when
// room remains after the listings (sync.js follows `cases:` writes and pushes); the export file
// carries both between browsers.
//
// Messages (extension pages only; a listing is named by `key` "marketplace/ASIN", or by `tabId`
// = the listing the tab's last report is about):
//   ui-bg-history {key|tabId, lang}                 → {key, lines, history}
//   ui-bg-cases-get {key|tabId}                     → {key, cases, active (case ID | null), report}
//   ui-bg-case-add {key|tabId, id, opened, brand_registry?, lang} → {key, case, cases} (the tab's report attached)
//   ui-bg-case-update {key|tabId, id, status?, notes?, brand_registry?, attach?: tabId} → {key, case, cases}
//   ui-bg-case-report-text {key|tabId, id?, lang}   → {text} (the case's report, ID cited)
//   ui-bg-case-reopen {key|tabId, id?, lang}        → {text, url} (status becomes reopened; url = the
//                                                     case's own page, Seller Central or Brand Registry)
import { api } from '../lib/platform.js';
import {
  core, session, keyOf, loadListings, loadSettings, tabState, listingFor, failure, reportLanguage, serialiser,
} from './core.js';
import { loadHistory, historyKey } from './history.js';
import { historiesToTake } from '../lib/listings-file.js';

/**
 * Evidence kept per case: the first piece (what the case was opened about) and the latest
 * ones; older middle pieces are dropped so a case reopened many times stays small.
 */
export const MAX_EVIDENCE = 20;

function trimEvidence(c) {
  const ev = Array.isArray(c.evidence) ? c.evidence : [];
  if (ev.length <= MAX_EVIDENCE) return c;
  return { ...c, evidence: [ev[0], ...ev.slice(ev.length - (MAX_EVIDENCE - 1))] };
}

/** The storage key of a listing's case log. */
export const casesKey = (key) => `cases:${key}`;

// Writes to one listing's case log are chained (two quick clicks must not lose one).
const serial = serialiser();

/** A listing's case log (`[]` when none). */
export async function loadCases(key) {
  const k = casesKey(key);
  const got = await api.storage.local.get(k);
  return Array.isArray(got[k]) ? got[k] : [];
}

/**
 * The case a new report is about: the most recently updated case that is not closed
 * (open, answered or reopened), else null.
 */
export function activeCase(cases) {
  let best = null;
  for (const c of cases) {
    if (!c || c.status === 'closed') continue;
    if (!best || String(c.updated_at) >= String(best.updated_at)) best = c;
  }
  return best;
}

/** `{key, listing, state}` of a request naming a listing by `key` or by `tabId`. */
export async function resolveListing({ key, tabId }) {
  return resolve({ key, tabId });
}

async function resolve({ key, tabId }) {
  const map = await loadListings();
  if (typeof key === 'string' && key) {
    if (!Object.hasOwn(map, key)) throw failure(`no saved listing ${key}`, { kind: 'no_listing', key });
    return { key, listing: map[key], state: null, map };
  }
  if (typeof tabId !== 'number') throw failure('key ("marketplace/ASIN") or tabId is required', { kind: 'request' });
  const state = await tabState(tabId);
  if (!state || !state.report) throw failure('no product page has been read in this tab yet', { kind: 'no_page', tabId });
  const listing = listingFor(map, state.report);
  if (!listing) throw failure('this page is not saved as a listing yet', { kind: 'untracked', tabId });
  return { key: keyOf(listing), listing, state, map };
}

/** The last report of any open tab showing the listing `key` (newest first), else null. */
async function tabReportFor(key, map) {
  const all = await session.get(null);
  let best = null;
  for (const [k, v] of Object.entries(all)) {
    if (!k.startsWith('tab:') || !v || !v.report) continue;
    const l = listingFor(map, v.report);
    if (!l || keyOf(l) !== key) continue;
    if (!best || String(v.report.checked_at) > String(best.checked_at)) best = v.report;
  }
  return best;
}

/** A report rebuilt from a case's last evidence (what was seen when it was attached). */
function reportFromEvidence(c, listing) {
  const ev = c && Array.isArray(c.evidence) && c.evidence.length ? c.evidence[c.evidence.length - 1] : null;
  if (!ev) return null;
  return {
    status: ev.status,
    asin: listing.asin,
    marketplace: listing.marketplace,
    checked_at: ev.at,
    mismatches: ev.mismatches,
    page: { kind: 'product', asin: listing.asin, marketplace: listing.marketplace, title: listing.title ?? null },
  };
}

/** The report a case text is about: the request tab's, else an open tab's, else the case's evidence. */
async function reportFor(target, c) {
  if (target.state?.report) return { report: target.state.report, live: true };
  const live = await tabReportFor(target.key, target.map);
  if (live) return { report: live, live: true };
  const rebuilt = reportFromEvidence(c, target.listing);
  if (rebuilt) return { report: rebuilt, live: false };
  throw failure('there is no check of this listing to report: open its product page first', { kind: 'no_report', key: target.key });
}

function findCase(cases, id) {
  if (id === undefined || id === null || id === '') return activeCase(cases) ?? cases[cases.length - 1] ?? null;
  return cases.find((c) => c.id === String(id)) ?? null;
}

async function language(lang) {
  return reportLanguage(lang, await loadSettings());
}

/**
 * The listing's dated screenshots (`shots:<key>`, background/shots.js) without their images:
 * the case texts say how many exist and when each was taken.
 */
async function shotsForText(key) {
  if (!key) return [];
  const k = `shots:${key}`;
  const got = await api.storage.local.get(k);
  return (Array.isArray(got[k]) ? got[k] : []).map(({ jpeg, ...info }) => info); // eslint-disable-line no-unused-vars
}

/** The Seller Support text for `report` (case ID cited when `c`), with the listing's history and screenshots. */
export async function caseReportText({ report, listing, key, c, lang }) {
  const [history, shots] = await Promise.all([loadHistory(key), shotsForText(key)]);
  return core('case_report_text', { report, listing: listing ?? null, history, case: c ?? null, shots, lang });
}

export const casesHandlers = {
  async 'ui-bg-history'({ key, tabId, lang }) {
    const target = await resolve({ key, tabId });
    const history = await loadHistory(target.key);
    const lines = history ? await core('history_timeline', { history, lang: await language(lang) }) : [];
    return { key: target.key, lines, history };
  },

  async 'ui-bg-cases-get'({ key, tabId }) {
    const target = await resolve({ key, tabId });
    const cases = await loadCases(target.key);
    const live = target.state?.report ?? (await tabReportFor(target.key, target.map));
    return { key: target.key, cases, active: activeCase(cases)?.id ?? null, report: live ?? null };
  },

  async 'ui-bg-case-add'({ key, tabId, id, opened, brand_registry: brandRegistry, lang }) {
    const target = await resolve({ key, tabId });
    const marketplace = target.listing.marketplace;
    const l = await language(lang);
    return serial(target.key, async () => {
      const cases = await loadCases(target.key);
      const now = Date.now();
      // Validated (and cleaned: full-width digits, spaces, '#') by the core; errors in `lang`.
      let c = await core('case_new', {
        id: String(id ?? ''),
        marketplace,
        opened: String(opened || new Date(now).toISOString().slice(0, 10)),
        now_ms: now,
        lang: l,
        brand_registry: brandRegistry === true,
      });
      const existing = cases.findIndex((x) => x.id === c.id);
      if (existing >= 0) {
        return { key: target.key, case: cases[existing], cases, existed: true };
      }
      // Opened from a page: what the page shows now is the case's first evidence.
      const report = target.state?.report;
      if (report && ['mismatch', 'match', 'gone'].includes(report.status)) {
        c = await core('case_update', { case: c, evidence: report, now_ms: now });
      }
      cases.push(c);
      await api.storage.local.set({ [casesKey(target.key)]: cases });
      return { key: target.key, case: c, cases, existed: false };
    });
  },

  async 'ui-bg-case-update'({ key, tabId, id, status, notes, brand_registry: brandRegistry, attach }) {
    const target = await resolve({ key, tabId });
    let evidence = null;
    if (attach !== undefined && attach !== null) {
      const st = await tabState(Number(attach));
      if (!st || !st.report) throw failure('no product page has been read in that tab yet', { kind: 'no_page', tabId: attach });
      const l = listingFor(target.map, st.report);
      if (!l || keyOf(l) !== target.key) throw failure(`that tab does not show ${target.key}`, { kind: 'wrong_tab', tabId: attach });
      evidence = st.report;
    }
    if (status !== undefined && status !== null && !['open', 'answered', 'closed', 'reopened'].includes(status)) {
      throw failure(`unknown case status ${JSON.stringify(status)}`, { kind: 'request' });
    }
    return serial(target.key, async () => {
      const cases = await loadCases(target.key);
      const i = cases.findIndex((c) => c.id === String(id));
      if (i < 0) throw failure(`no case ${id} for ${target.key}`, { kind: 'no_case', id });
      const args = { case: cases[i], now_ms: Date.now() };
      if (status) args.status = status;
      if (typeof notes === 'string') args.notes = notes;
      if (typeof brandRegistry === 'boolean') args.brand_registry = brandRegistry;
      if (evidence) args.evidence = evidence;
      cases[i] = trimEvidence(await core('case_update', args));
      await api.storage.local.set({ [casesKey(target.key)]: cases });
      return { key: target.key, case: cases[i], cases };
    });
  },

  async 'ui-bg-case-report-text'({ key, tabId, id, lang }) {
    const target = await resolve({ key, tabId });
    const cases = await loadCases(target.key);
    const c = findCase(cases, id);
    if (id && !c) throw failure(`no case ${id} for ${target.key}`, { kind: 'no_case', id });
    const { report } = await reportFor(target, c);
    const text = await caseReportText({ report, listing: target.listing, key: target.key, c, lang: await language(lang) });
    return { text };
  },

  async 'ui-bg-case-reopen'({ key, tabId, id, lang }) {
    const target = await resolve({ key, tabId });
    const l = await language(lang);
    return serial(target.key, async () => {
      const cases = await loadCases(target.key);
      const c = findCase(cases, id);
      if (!c) throw failure(id ? `no case ${id} for ${target.key}` : `no case for ${target.key}`, { kind: 'no_case', id: id ?? null });
      const { report, live } = await reportFor(target, c);
      const [history, shots] = await Promise.all([loadHistory(target.key), shotsForText(target.key)]);
      const { text, url } = await core('case_reopen_text', { case: c, report, history, shots, lang: l });
      // Reopened now, with what was reported attached (the next reopen cites what is new since).
      const args = { case: c, status: 'reopened', now_ms: Date.now() };
      if (live) args.evidence = report;
      const i = cases.indexOf(c);
      cases[i] = trimEvidence(await core('case_update', args));
      await api.storage.local.set({ [casesKey(target.key)]: cases });
      return { text, url, case: cases[i], cases };
    });
  },
};

// ------------------------------------------------------------ export / import

/**
 * Stores what an import brings for the listings kept (`keys`): the file's history and case log
 * (`mode` "replace": the file's wherever it has one; "merge": the local history unless the file's
 * was recorded later (its last observation is newer), and per case ID the more recently updated
 * case, cases only in one side kept), and an `import` observation in the history of every listing
 * the import added or changed (`changed`: listings) — except where the file's history was taken,
 * which already describes that listing, and except `taken` (keys whose file history the options
 * page stores itself). One storage read and one write for the whole import.
 */
export async function applyImport({ keys, changed = [], history = null, cases = null, mode = 'merge', taken: given = [] }) {
  const keep = new Set(keys);
  const fileHistory = history && typeof history === 'object' ? history : {};
  const fileCases = cases && typeof cases === 'object' ? cases : {};
  const wanted = new Set();
  for (const k of Object.keys(fileHistory)) if (keep.has(k)) wanted.add(historyKey(k));
  for (const k of Object.keys(fileCases)) if (keep.has(k)) wanted.add(casesKey(k));
  const taken = new Set(given);
  for (const l of changed) if (!taken.has(keyOf(l))) wanted.add(historyKey(keyOf(l)));
  if (!wanted.size) return { histories: 0, cases: 0, observed: 0 };
  const stored = await api.storage.local.get([...wanted]);
  const set = historiesToTake(fileHistory, stored, keep, mode);
  const histories = Object.keys(set).length;
  let caseLogs = 0;
  for (const k of Object.keys(set)) taken.add(k.slice('history:'.length));
  for (const [k, list] of Object.entries(fileCases)) {
    if (!keep.has(k) || !Array.isArray(list)) continue;
    const incoming = list.filter((c) => c && typeof c === 'object' && typeof c.id === 'string');
    let next = incoming;
    if (mode !== 'replace') {
      const local = Array.isArray(stored[casesKey(k)]) ? stored[casesKey(k)] : [];
      const byId = new Map(local.map((c) => [c.id, c]));
      for (const c of incoming) {
        const mine = byId.get(c.id);
        if (!mine || String(c.updated_at) > String(mine.updated_at)) byId.set(c.id, c);
      }
      next = [...byId.values()].sort((a, b) => String(a.opened).localeCompare(String(b.opened)));
    }
    set[casesKey(k)] = next;
    caseLogs += 1;
  }
  let observed = 0;
  const now = Date.now();
  for (const l of changed) {
    const k = keyOf(l);
    if (taken.has(k)) continue;
    const hk = historyKey(k);
    const res = await core('history_record_listing', { history: set[hk] ?? stored[hk] ?? null, listing: l, now_ms: now });
    set[hk] = res.history;
    if (res.change) observed += 1;
  }
  if (Object.keys(set).length) await api.storage.local.set(set);
  return { histories, cases: caseLogs, observed };
}

/** JSON with object keys sorted and null members left out (as the core may write either). */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => v[k] !== null && v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The listings of `next` that are new or differ from `before` (both keyed maps). */
export function changedListings(before, next) {
  const out = [];
  for (const [k, l] of Object.entries(next)) {
    const old = before[k];
    if (!old || canonical(old) !== canonical(l)) out.push(l);
  }
  return out;
}
