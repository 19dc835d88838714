//! Scheduled re-checks: a pure state machine the background worker drives.
//!
//! The worker keeps one [`ScheduleState`] (serialisable; store it after
//! every step) and loops:
//!
//! 1. `next_action(&mut state, &keys, now_ms)` →
//!    * [`Action::FetchNext`] `{key, url, not_before}`: fetch `url` no earlier
//!      than `not_before` (unix ms), read and check it, then call
//!      [`on_result`]. Asking again before reporting a result returns the
//!      same key: after the worker was stopped (service worker killed,
//!      browser closed) the run resumes at the key it was on.
//!    * [`Action::Wait`] `{until}`: nothing to do before `until` (the next
//!      scheduled run, or the end of a back-off); set an alarm.
//!    * [`Action::Done`]: re-checks are off; nothing is scheduled.
//! 2. `on_result(&mut state, key, outcome, now_ms)`.
//!
//! # Rules
//!
//! * Interval: off, 6, 12 or 24 hours ([`Interval`]). The first run starts
//!   as soon as re-checks are turned on; each later run starts one interval
//!   after the previous run finished.
//! * A run snapshots the watched listings' keys (`marketplace/ASIN`) when it
//!   starts and processes them one at a time. Between two fetches it waits
//!   `delay_ms` plus a jitter in `0..=jitter_ms` (defaults 5 s + up to 5 s)
//!   drawn from a deterministic generator seeded by the caller, so tests
//!   are reproducible and fetches are not evenly spaced.
//! * Outcomes: `checked {changed}` and `failed` (this one listing could not
//!   be checked: fetch failed, an unreadable page…) count and move on (a saved
//!   listing whose page is gone is `checked`, see [`outcome_of_report`]); after
//!   [`MAX_CONSECUTIVE_FAILURES`] failures in a row the run is treated as
//!   stopped (the network is probably down). `captcha` (a bot wall) and
//!   `error` (Amazon's error page) **stop** the run at once: the run is kept
//!   and paused, and resumes at the same key after a back-off of
//!   `backoff_base_ms × 2^(n−1)` for the n-th stop in a row, capped at
//!   `backoff_cap_ms` (defaults 30 min and 24 h: 30 min, 1 h, 2 h, … 16 h,
//!   24 h, 24 h…). The count of stops in a row is reset when a run reaches
//!   its end (a clean run).
//! * Counts per run: checked, changed, failed; [`ScheduleState::last_run`]
//!   and [`ScheduleState::next_run_at`] are there for the options page.
//! * At scale ([`pace`]): a run takes at most the listings it can check in
//!   90 % of the interval at the configured pause ([`mean_gap_ms`]); when
//!   that is fewer than all of them, runs start one interval apart (start to
//!   start, never before the previous one ended) and each takes the next
//!   slice in [`order_keys`] order: listings with a recent change or an open
//!   case first (at most a quarter of the run), then the oldest last check
//!   ([`ScheduleState::last_checked`]), so none is starved.

use serde::{Deserialize, Serialize};

/// The largest integer a JS number holds exactly (2^53 − 1): the generator
/// state is kept within it, since the worker stores the state as JSON.
const JS_SAFE: u64 = (1 << 53) - 1;

/// After this many `failed` outcomes in a row the run stops and backs off.
pub const MAX_CONSECUTIVE_FAILURES: u32 = 3;

/// How often re-checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Interval {
    /// No scheduled re-checks.
    #[default]
    #[serde(rename = "off")]
    Off,
    /// Every 6 hours.
    #[serde(rename = "6h")]
    H6,
    /// Every 12 hours.
    #[serde(rename = "12h")]
    H12,
    /// Every 24 hours.
    #[serde(rename = "24h")]
    H24,
}

impl Interval {
    /// The interval in milliseconds (`None` when off).
    pub fn millis(self) -> Option<i64> {
        let h = match self {
            Interval::Off => return None,
            Interval::H6 => 6,
            Interval::H12 => 12,
            Interval::H24 => 24,
        };
        Some(h * 3_600_000)
    }

    /// From a number of hours: 0 → off, 6/12/24; anything else `None`.
    pub fn from_hours(hours: u32) -> Option<Interval> {
        match hours {
            0 => Some(Interval::Off),
            6 => Some(Interval::H6),
            12 => Some(Interval::H12),
            24 => Some(Interval::H24),
            _ => None,
        }
    }
}

/// Tunables of the schedule (all times in milliseconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScheduleConfig {
    /// How often runs start.
    pub interval: Interval,
    /// Fixed wait between two fetches of one run (at least 5 s is used).
    pub delay_ms: i64,
    /// Up to this much random extra wait between fetches.
    pub jitter_ms: i64,
    /// First back-off after a stop.
    pub backoff_base_ms: i64,
    /// Longest back-off.
    pub backoff_cap_ms: i64,
}

/// The smallest wait between two fetches, whatever the config says.
pub const MIN_DELAY_MS: i64 = 5_000;

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            interval: Interval::Off,
            delay_ms: 5_000,
            jitter_ms: 5_000,
            backoff_base_ms: 30 * 60_000,
            backoff_cap_ms: 24 * 3_600_000,
        }
    }
}

impl ScheduleConfig {
    /// The config for the options page's [`Settings`]: interval from
    /// `recheck_interval_hours` (an unknown value is off), delay from
    /// `request_delay_seconds` (never below [`MIN_DELAY_MS`]), the default
    /// jitter and back-off.
    ///
    /// [`Settings`]: crate::store::settings::Settings
    pub fn from_settings(settings: &crate::store::settings::Settings) -> Self {
        ScheduleConfig {
            interval: Interval::from_hours(settings.recheck_interval_hours)
                .unwrap_or(Interval::Off),
            delay_ms: (i64::from(settings.request_delay_seconds) * 1000).max(MIN_DELAY_MS),
            ..ScheduleConfig::default()
        }
    }
}

/// What one fetch found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outcome {
    /// The page was read and checked; `changed` when it differed from the
    /// previous observation (a new history entry).
    Checked {
        /// The history recorded a change.
        changed: bool,
    },
    /// A bot wall (captcha): stop the run and back off.
    Captcha,
    /// Amazon's error page (503): stop the run and back off.
    Error,
    /// This listing could not be checked (network failure, not found…).
    Failed,
}

/// The outcome of a fetched page: a bot wall is [`Outcome::Captcha`], the
/// error page [`Outcome::Error`], a product page [`Outcome::Checked`]
/// (`changed`: the history recorded a change), anything else (not found,
/// another page) [`Outcome::Failed`].
pub fn outcome_of(kind: crate::page::PageKind, changed: bool) -> Outcome {
    use crate::page::PageKind;
    match kind {
        PageKind::Product => Outcome::Checked { changed },
        PageKind::Captcha => Outcome::Captcha,
        PageKind::Error => Outcome::Error,
        PageKind::NotFound | PageKind::Other => Outcome::Failed,
    }
}

/// [`outcome_of`] for a checked report: a tracked listing whose page is gone
/// (`gone`, report status `gone`: its URL gave the 404 page, another ASIN or "no
/// longer available") is [`Outcome::Checked`] — counted as checked, and as changed
/// when its history recorded the change (the first sighting) — never
/// [`Outcome::Failed`]. Captcha and error pages stay stops, whatever `gone` says.
pub fn outcome_of_report(kind: crate::page::PageKind, gone: bool, changed: bool) -> Outcome {
    use crate::page::PageKind;
    match kind {
        PageKind::Captcha | PageKind::Error => outcome_of(kind, changed),
        _ if gone => Outcome::Checked { changed },
        _ => outcome_of(kind, changed),
    }
}

/// What the worker should do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Fetch this listing's page, not before `not_before` (unix ms).
    FetchNext {
        /// `marketplace/ASIN`.
        key: String,
        /// The product page URL.
        url: String,
        /// Unix ms.
        not_before: i64,
    },
    /// Nothing to do before `until` (unix ms).
    Wait {
        /// Unix ms.
        until: i64,
    },
    /// Re-checks are off.
    Done,
}

/// A run in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// When it started (unix ms).
    pub started_at: i64,
    /// The keys to check, in order.
    pub keys: Vec<String>,
    /// Index of the next key to check.
    pub position: usize,
    /// Earliest time of the next fetch (unix ms).
    pub not_before: i64,
    /// Pages checked.
    pub checked: u32,
    /// Pages that had changed.
    pub changed: u32,
    /// Pages that could not be checked.
    pub failed: u32,
    /// `failed` outcomes in a row.
    pub consecutive_failures: u32,
    /// Times this run was stopped (captcha, error page, failures in a row).
    pub stops: u32,
    /// Keys skipped because they were no longer watched when their turn came.
    #[serde(default)]
    pub skipped: u32,
    /// Started by the seller ("check all now", [`start_now`]): it runs even
    /// while scheduled re-checks are off.
    #[serde(default)]
    pub manual: bool,
    /// Takes only a slice of the watched listings ([`pace`]): the next run
    /// starts one interval after this one started.
    #[serde(default)]
    pub partial: bool,
}

impl Run {
    /// A run over `keys` starting at `now_ms` (`manual`: asked for by the seller).
    fn new(keys: &[String], now_ms: i64, manual: bool) -> Run {
        Run {
            started_at: now_ms,
            keys: keys.to_vec(),
            position: 0,
            not_before: now_ms,
            checked: 0,
            changed: 0,
            failed: 0,
            consecutive_failures: 0,
            stops: 0,
            skipped: 0,
            manual,
            partial: false,
        }
    }
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunEnd {
    /// Every key was processed.
    Completed,
    /// Stopped on a captcha; paused.
    Captcha,
    /// Stopped on an error page; paused.
    Error,
    /// Stopped after failures in a row; paused.
    Failures,
    /// Re-checks were turned off during the run.
    Cancelled,
}

/// Summary of the last run (or the last stop of a run), for the options page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    /// When the run started (unix ms).
    pub started_at: i64,
    /// When it completed or stopped (unix ms).
    pub ended_at: i64,
    /// How it ended.
    pub end: RunEnd,
    /// Keys in the run.
    pub total: u32,
    /// Pages checked.
    pub checked: u32,
    /// Pages that had changed.
    pub changed: u32,
    /// Pages that could not be checked.
    pub failed: u32,
    /// Keys no longer watched when their turn came.
    #[serde(default)]
    pub skipped: u32,
}

/// Everything the schedule remembers. Serialise it after every step; it
/// resumes exactly where it left off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleState {
    /// Tunables.
    pub config: ScheduleConfig,
    /// The run in progress (also while paused by a back-off).
    pub run: Option<Run>,
    /// While backing off: no fetch before this time (unix ms).
    pub paused_until: Option<i64>,
    /// Stops in a row since the last clean run (drives the back-off).
    pub backoff_level: u32,
    /// When the next run starts (unix ms); `None`: as soon as asked.
    pub next_run_at: Option<i64>,
    /// The last finished or stopped run.
    pub last_run: Option<RunSummary>,
    /// State of the jitter generator.
    pub rng: u64,
    /// When each listing was last re-checked (unix ms; a failed fetch counts,
    /// so a failing listing takes its turn like the others). Only keys still
    /// watched are kept.
    #[serde(default)]
    pub last_checked: std::collections::BTreeMap<String, i64>,
    /// When the last fetch's result came (unix ms): a new run's first fetch
    /// also waits the pause after it.
    #[serde(default)]
    pub last_result_at: Option<i64>,
}

impl ScheduleState {
    /// A fresh state with `config`; `seed` drives the jitter.
    pub fn new(config: ScheduleConfig, seed: u64) -> Self {
        ScheduleState {
            config,
            run: None,
            paused_until: None,
            backoff_level: 0,
            next_run_at: None,
            last_run: None,
            rng: seed & JS_SAFE,
            last_checked: std::collections::BTreeMap::new(),
            last_result_at: None,
        }
    }

    /// Changes the interval. Turning re-checks off cancels the run in
    /// progress; changing the interval moves the next run to one new
    /// interval after the last run ended (or now, if there was none).
    pub fn set_interval(&mut self, interval: Interval, now_ms: i64) {
        self.config.interval = interval;
        match interval.millis() {
            None => {
                if self.run.as_ref().is_some_and(|r| !r.manual) {
                    if let Some(run) = self.run.take() {
                        self.last_run = Some(summary(&run, now_ms, RunEnd::Cancelled));
                    }
                    self.paused_until = None;
                }
                self.next_run_at = None;
            }
            Some(ms) => {
                self.next_run_at = self.last_run.as_ref().map(|r| r.ended_at + ms);
            }
        }
    }

    /// The back-off after the `level`-th stop in a row (level ≥ 1).
    pub fn backoff_ms(&self, level: u32) -> i64 {
        backoff_ms(
            self.config.backoff_base_ms,
            self.config.backoff_cap_ms,
            level,
        )
    }

    fn gap(&mut self) -> i64 {
        let jitter = self.config.jitter_ms.max(0);
        let r = if jitter == 0 {
            0
        } else {
            let r = splitmix64(&mut self.rng);
            // The state is stored as JSON and read by JS: keep it an exact JS number.
            self.rng &= JS_SAFE;
            (r % (jitter as u64 + 1)) as i64
        };
        self.config.delay_ms.max(MIN_DELAY_MS) + r
    }
}

/// `min(base × 2^(level−1), cap)`; 0 for level 0; never overflows.
pub fn backoff_ms(base_ms: i64, cap_ms: i64, level: u32) -> i64 {
    if level == 0 {
        return 0;
    }
    let factor = 1i64.checked_shl(level - 1).filter(|f| *f > 0);
    factor
        .and_then(|f| base_ms.checked_mul(f))
        .map_or(cap_ms, |d| d.min(cap_ms))
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn summary(run: &Run, now_ms: i64, end: RunEnd) -> RunSummary {
    RunSummary {
        started_at: run.started_at,
        ended_at: now_ms,
        end,
        total: u32::try_from(run.keys.len()).unwrap_or(u32::MAX),
        checked: run.checked,
        changed: run.changed,
        failed: run.failed,
        skipped: run.skipped,
    }
}

/// `https://www.<marketplace>/dp/<ASIN>`. The marketplace is lower-cased
/// and keeps only `[a-z0-9.-]`, the ASIN is upper-cased and keeps only
/// ASCII letters and digits, so stored data cannot steer the fetch elsewhere.
pub fn product_url(marketplace: &str, asin: &str) -> String {
    let m: String = marketplace
        .trim()
        .trim_start_matches("www.")
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
        .collect();
    let a: String = asin
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    format!("https://www.{m}/dp/{a}")
}

/// The product URL of a `marketplace/ASIN` key.
pub fn key_url(key: &str) -> String {
    match key.rsplit_once('/') {
        Some((m, a)) => product_url(m, a),
        None => product_url("amazon.co.jp", key),
    }
}

/// "Check all now": starts a run over `keys` at once, whether re-checks
/// are scheduled or off, replacing any back-off pause or waiting time. A
/// run already in progress continues (and becomes a run the seller asked
/// for, so turning re-checks off does not cancel it). Drive it with
/// [`next_action`] and [`on_result`] as a scheduled run; when it ends the
/// next scheduled run is one interval later (none while re-checks are off).
pub fn start_now(state: &mut ScheduleState, keys: &[String], now_ms: i64) {
    state.paused_until = None;
    match state.run.as_mut() {
        Some(run) => {
            run.manual = true;
            run.not_before = run.not_before.min(now_ms);
        }
        None => {
            let mut run = Run::new(keys, now_ms, true);
            if let Some(at) = state.last_result_at {
                run.not_before = run
                    .not_before
                    .max(at + state.config.delay_ms.max(MIN_DELAY_MS));
            }
            state.run = Some(run);
        }
    }
}

/// What the worker should do now (see the module docs). `keys` are the
/// keys of the listings watched *now*: a new run takes them in this order,
/// and a run in progress skips its keys that are no longer among them.
pub fn next_action(state: &mut ScheduleState, keys: &[String], now_ms: i64) -> Action {
    let interval = state.config.interval.millis();
    let manual = state.run.as_ref().is_some_and(|r| r.manual);
    if interval.is_none() && !manual {
        if let Some(run) = state.run.take() {
            state.last_run = Some(summary(&run, now_ms, RunEnd::Cancelled));
        }
        return Action::Done;
    }
    if let Some(until) = state.paused_until {
        if now_ms < until {
            return Action::Wait { until };
        }
        state.paused_until = None;
    }
    if state.run.is_none() {
        if let Some(at) = state.next_run_at {
            if now_ms < at {
                return Action::Wait { until: at };
            }
        }
        // At scale a run takes a slice: as many as fit in the interval ([`pace`]).
        let batch = pace(keys.len(), &state.config).batch;
        let mut run = Run::new(&keys[..batch.min(keys.len())], now_ms, false);
        run.partial = batch < keys.len();
        // Never closer to the previous fetch than the pause, even when runs follow at once.
        if let Some(at) = state.last_result_at {
            run.not_before = run
                .not_before
                .max(at + state.config.delay_ms.max(MIN_DELAY_MS));
        }
        state.run = Some(run);
        let watched: std::collections::BTreeSet<&String> = keys.iter().collect();
        state.last_checked.retain(|k, _| watched.contains(k));
    }
    let Some(run) = state.run.as_mut() else {
        return Action::Done;
    };
    // Listings deleted or unwatched since the run started are skipped.
    while run
        .keys
        .get(run.position)
        .is_some_and(|k| !keys.contains(k))
    {
        run.position += 1;
        run.skipped += 1;
    }
    match run.keys.get(run.position) {
        Some(key) => Action::FetchNext {
            key: key.clone(),
            url: key_url(key),
            not_before: run.not_before,
        },
        None => {
            // Clean end of the run.
            let s = summary(run, now_ms, RunEnd::Completed);
            let slice_started = run.partial.then_some(run.started_at);
            state.run = None;
            state.backoff_level = 0;
            state.last_run = Some(s);
            match interval {
                Some(interval) => {
                    // A slice: one interval after it started (start to start), never before now.
                    let at =
                        slice_started.map_or(now_ms + interval, |s| (s + interval).max(now_ms));
                    state.next_run_at = Some(at);
                    Action::Wait { until: at }
                }
                None => {
                    state.next_run_at = None;
                    Action::Done
                }
            }
        }
    }
}

/// Why [`on_result`] ignored a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultError {
    /// No run is in progress.
    NoRun,
    /// The key is not the one the run is waiting for (a late or repeated result).
    UnexpectedKey {
        /// The key the run expects.
        expected: Option<String>,
    },
}

impl std::fmt::Display for ResultError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResultError::NoRun => write!(f, "no re-check run is in progress"),
            ResultError::UnexpectedKey { expected: Some(k) } => {
                write!(f, "result for another listing; the run is waiting for {k}")
            }
            ResultError::UnexpectedKey { expected: None } => {
                write!(f, "result for a listing the run is not waiting for")
            }
        }
    }
}

impl std::error::Error for ResultError {}

/// Records the outcome of fetching `key` at `now_ms` (see the module docs).
/// A result for any other key than the one [`next_action`] handed out is
/// refused and changes nothing.
pub fn on_result(
    state: &mut ScheduleState,
    key: &str,
    outcome: Outcome,
    now_ms: i64,
) -> Result<(), ResultError> {
    let Some(run) = state.run.as_ref() else {
        return Err(ResultError::NoRun);
    };
    let expected = run.keys.get(run.position);
    if expected.map(String::as_str) != Some(key) {
        return Err(ResultError::UnexpectedKey {
            expected: expected.cloned(),
        });
    }
    let gap = state.gap();
    state.last_result_at = Some(now_ms);
    if matches!(outcome, Outcome::Checked { .. } | Outcome::Failed) {
        state.last_checked.insert(key.to_string(), now_ms);
    }
    let Some(run) = state.run.as_mut() else {
        return Err(ResultError::NoRun);
    };
    let stop = match outcome {
        Outcome::Checked { changed } => {
            run.checked += 1;
            run.changed += u32::from(changed);
            run.consecutive_failures = 0;
            run.position += 1;
            None
        }
        Outcome::Failed => {
            run.failed += 1;
            run.consecutive_failures += 1;
            run.position += 1;
            (run.consecutive_failures >= MAX_CONSECUTIVE_FAILURES).then_some(RunEnd::Failures)
        }
        Outcome::Captcha => Some(RunEnd::Captcha),
        Outcome::Error => Some(RunEnd::Error),
    };
    run.not_before = now_ms + gap;
    if let Some(end) = stop {
        run.stops += 1;
        run.consecutive_failures = 0;
        let s = summary(run, now_ms, end);
        state.backoff_level = state.backoff_level.saturating_add(1);
        let until = now_ms + state.backoff_ms(state.backoff_level);
        state.paused_until = Some(until);
        if let Some(run) = state.run.as_mut() {
            run.not_before = until;
        }
        state.last_run = Some(s);
    }
    Ok(())
}

// ---------------------------------------------------------------- pacing at scale

/// What a fetch is assumed to take on top of the pause, for planning only.
pub const FETCH_ALLOWANCE_MS: i64 = 3_000;
/// The share of the interval a run may take (the rest absorbs slow pages).
pub const RUN_SHARE_PERCENT: i64 = 90;
/// At most this share of a run goes to listings with a recent change or an
/// open case ahead of the oldest last checks.
pub const URGENT_SHARE_PERCENT: usize = 25;

/// How the re-checks are paced for a number of listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pace {
    /// Listings one run takes.
    pub batch: usize,
    /// About how often each listing is checked (ms), `None` while off.
    pub every_ms: Option<i64>,
    /// About how long one run takes (ms).
    pub run_ms: i64,
}

/// The average time from one fetch to the next: the pause, half the
/// jitter and [`FETCH_ALLOWANCE_MS`].
pub fn mean_gap_ms(config: &ScheduleConfig) -> i64 {
    config.delay_ms.max(MIN_DELAY_MS) + config.jitter_ms.max(0) / 2 + FETCH_ALLOWANCE_MS
}

/// The pace for `n` watched listings (see the module docs): all of them in
/// one run when they fit in [`RUN_SHARE_PERCENT`] of the interval (each is
/// then checked about every interval + run), else a slice per interval
/// (each checked about every ⌈n / slice⌉ intervals).
pub fn pace(n: usize, config: &ScheduleConfig) -> Pace {
    let gap = mean_gap_ms(config);
    let Some(interval) = config.interval.millis() else {
        return Pace {
            batch: n,
            every_ms: None,
            run_ms: n as i64 * gap,
        };
    };
    let fits = usize::try_from((interval * RUN_SHARE_PERCENT / 100) / gap)
        .unwrap_or(usize::MAX)
        .max(1);
    if n <= fits {
        let run_ms = n as i64 * gap;
        return Pace {
            batch: n,
            every_ms: Some(interval + run_ms),
            run_ms,
        };
    }
    let runs = n.div_ceil(fits) as i64;
    Pace {
        batch: fits,
        every_ms: Some(runs * interval),
        run_ms: fits as i64 * gap,
    }
}

/// The watched `keys` in the order a new run takes them: first the `urgent`
/// ones (a recent change or an open case), at most
/// [`URGENT_SHARE_PERCENT`] of a run, those checked longest ago first; then
/// every other key by oldest last check (never checked first), ties in the
/// given order. Pass the result to [`next_action`] as its `keys`.
pub fn order_keys(state: &ScheduleState, keys: &[String], urgent: &[String]) -> Vec<String> {
    let batch = pace(keys.len(), &state.config).batch;
    let urgent: std::collections::BTreeSet<&str> = urgent.iter().map(String::as_str).collect();
    let last = |k: &String| state.last_checked.get(k).copied().unwrap_or(i64::MIN);
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    idx.sort_by(|&a, &b| last(&keys[a]).cmp(&last(&keys[b])).then(a.cmp(&b)));
    let quota = (batch * URGENT_SHARE_PERCENT / 100).max(1);
    let mut first = Vec::new();
    let mut rest = Vec::new();
    for i in idx {
        if first.len() < quota && urgent.contains(keys[i].as_str()) {
            first.push(keys[i].clone());
        } else {
            rest.push(keys[i].clone());
        }
    }
    first.extend(rest);
    first
}

/// The watched `keys` not re-checked within twice the interval at `now_ms`
/// (never re-checked counts), in the given order; none while re-checks are off.
pub fn stale_keys(state: &ScheduleState, keys: &[String], now_ms: i64) -> Vec<String> {
    let Some(interval) = state.config.interval.millis() else {
        return Vec::new();
    };
    keys.iter()
        .filter(|k| {
            state
                .last_checked
                .get(*k)
                .map_or(true, |&at| now_ms - at > 2 * interval)
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            product_url("amazon.co.jp", "b07wxl5ypw"),
            "https://www.amazon.co.jp/dp/B07WXL5YPW"
        );
        assert_eq!(
            product_url("www.Amazon.com", "B0/../x?y"),
            "https://www.amazon.com/dp/B0XY"
        );
        assert_eq!(
            key_url("amazon.de/B01LW7X0JJ"),
            "https://www.amazon.de/dp/B01LW7X0JJ"
        );
    }

    #[test]
    fn config_from_the_options_page_settings() {
        let mut s = crate::store::settings::Settings::default();
        assert_eq!(ScheduleConfig::from_settings(&s).interval, Interval::Off);
        s.recheck_interval_hours = 12;
        s.request_delay_seconds = 30;
        let c = ScheduleConfig::from_settings(&s);
        assert_eq!((c.interval, c.delay_ms), (Interval::H12, 30_000));
        s.recheck_interval_hours = 7;
        s.request_delay_seconds = 1;
        let c = ScheduleConfig::from_settings(&s);
        assert_eq!((c.interval, c.delay_ms), (Interval::Off, MIN_DELAY_MS));
    }

    #[test]
    fn jitter_is_within_bounds_and_deterministic() {
        let mut a = ScheduleState::new(ScheduleConfig::default(), 7);
        let mut b = ScheduleState::new(ScheduleConfig::default(), 7);
        for _ in 0..1000 {
            let g = a.gap();
            assert!((5_000..=10_000).contains(&g), "{g}");
            assert_eq!(g, b.gap());
        }
        let mut c = ScheduleState::new(ScheduleConfig::default(), 8);
        let gaps: Vec<i64> = (0..10).map(|_| c.gap()).collect();
        assert!(gaps.windows(2).any(|w| w[0] != w[1]));
        // A config asking for less than the minimum still waits 5 s.
        let cfg = ScheduleConfig {
            delay_ms: 0,
            jitter_ms: 0,
            ..ScheduleConfig::default()
        };
        assert_eq!(ScheduleState::new(cfg, 1).gap(), MIN_DELAY_MS);
    }
}
