//! Re-checks that scale: 10,000 listings driven through the scheduler with a
//! simulated clock (fetches take 1–4 s, a few listings change, some have an
//! open case, a captcha now and then). No listing is starved, no run overlaps
//! the next, the pause between fetches never goes below the configured one,
//! and the pace the options page shows is the one observed.

use catalog_guard::watch::schedule::{
    next_action, on_result, order_keys, pace, stale_keys, Action, Interval, Outcome,
    ScheduleConfig, ScheduleState,
};
use std::collections::{BTreeMap, BTreeSet};

const N: usize = 10_000;
const HOUR: i64 = 3_600_000;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Observed {
    /// Key -> every re-check time.
    checks: BTreeMap<String, Vec<i64>>,
    /// (start, end, stopped) of each run.
    runs: Vec<(i64, i64, bool)>,
    /// Smallest time from a result to the next fetch.
    min_pause: i64,
    fetches: usize,
}

fn simulate(
    config: ScheduleConfig,
    days: i64,
    captcha_every: u64,
) -> (Observed, ScheduleState, Vec<String>) {
    let keys: Vec<String> = (0..N).map(|i| format!("amazon.co.jp/B0{i:08}")).collect();
    // 40 listings with an open case; changes happen at random and count as recent for 24 h.
    let open_cases: BTreeSet<String> = (0..40).map(|i| keys[i * 250].clone()).collect();
    let mut changed_at: BTreeMap<String, i64> = BTreeMap::new();
    let mut rng = Rng(42);
    let start = 1_790_000_000_000;
    let end = start + days * 24 * HOUR;
    let mut now = start;
    let mut state = ScheduleState::new(config.clone(), 7);
    let mut order: Vec<String> = keys.clone();
    let mut obs = Observed {
        checks: BTreeMap::new(),
        runs: Vec::new(),
        min_pause: i64::MAX,
        fetches: 0,
    };
    let mut last_result: Option<i64> = None;
    let mut run_start: Option<i64> = None;
    let mut run_stopped = false;
    while now < end {
        if state.run.is_none() {
            // A new run may start: order by recent change / open case / oldest last check.
            let urgent: Vec<String> = open_cases
                .iter()
                .cloned()
                .chain(
                    changed_at
                        .iter()
                        .filter(|(_, &at)| now - at < 24 * HOUR)
                        .map(|(k, _)| k.clone()),
                )
                .collect();
            order = order_keys(&state, &keys, &urgent);
        }
        let had_run = state.run.is_some();
        let action = next_action(&mut state, &order, now);
        if !had_run && state.run.is_some() {
            run_start = Some(now);
            run_stopped = false;
        }
        if had_run && state.run.is_none() {
            obs.runs.push((run_start.take().unwrap(), now, run_stopped));
        }
        match action {
            Action::FetchNext {
                key, not_before, ..
            } => {
                now = now.max(not_before);
                if let Some(r) = last_result {
                    obs.min_pause = obs.min_pause.min(now - r);
                }
                now += 1_000 + rng.below(3_000) as i64;
                obs.fetches += 1;
                let outcome = if captcha_every > 0 && rng.below(captcha_every) == 0 {
                    run_stopped = true;
                    Outcome::Captcha
                } else {
                    let changed = rng.below(500) == 0;
                    if changed {
                        changed_at.insert(key.clone(), now);
                    }
                    obs.checks.entry(key.clone()).or_default().push(now);
                    Outcome::Checked { changed }
                };
                on_result(&mut state, &key, outcome, now).unwrap();
                last_result = Some(now);
            }
            Action::Wait { until } => {
                assert!(until >= now, "a wait never goes back in time");
                now = until;
            }
            Action::Done => panic!("re-checks are on"),
        }
    }
    (obs, state, keys)
}

fn config() -> ScheduleConfig {
    ScheduleConfig {
        interval: Interval::H12,
        ..ScheduleConfig::default()
    }
}

#[test]
fn ten_thousand_listings_at_12_hours_no_starvation_no_overlap_pacing_kept() {
    let cfg = config();
    let p = pace(N, &cfg);
    // 5 s + up to 5 s jitter + the fetch: a run cannot take all 10,000 in 12 h.
    assert!(p.batch < N, "{p:?}");
    assert!(p.run_ms <= 12 * HOUR, "{p:?}");
    let every = p.every_ms.unwrap();
    assert_eq!(every, (N.div_ceil(p.batch) as i64) * 12 * HOUR);

    let days = 6;
    let (obs, state, keys) = simulate(cfg.clone(), days, 0);

    // Pacing: never below the configured pause.
    assert!(
        obs.min_pause >= cfg.delay_ms,
        "min pause {} ms",
        obs.min_pause
    );

    // No overlap: each run starts after the previous ended, and one slot never spills into
    // the next (a run ends before the next one is due).
    for w in obs.runs.windows(2) {
        assert!(
            w[1].0 >= w[0].1,
            "run at {} starts before {} ended",
            w[1].0,
            w[0].1
        );
    }
    for &(s, e, _) in &obs.runs {
        assert!(
            e - s <= 12 * HOUR,
            "a run took {} h",
            (e - s) as f64 / HOUR as f64
        );
    }
    assert!(obs.runs.len() >= 10, "{} runs", obs.runs.len());

    // No starvation: every listing is checked, and (after its first check) never waits much
    // longer than the pace says: the urgent quarter can delay the rest by one more slot.
    let bound = every + 2 * 12 * HOUR;
    assert_eq!(obs.checks.len(), N, "every listing was checked");
    let mut worst_gap = 0;
    let mut first_worst = 0;
    for k in &keys {
        let times = &obs.checks[k];
        first_worst = first_worst.max(times[0] - 1_790_000_000_000);
        for w in times.windows(2) {
            worst_gap = worst_gap.max(w[1] - w[0]);
        }
    }
    assert!(
        first_worst <= bound,
        "first check after {} h",
        first_worst / HOUR
    );
    assert!(
        worst_gap <= bound,
        "a listing waited {} h (bound {} h)",
        worst_gap / HOUR,
        bound / HOUR
    );
    // The pace the options page shows is about what happened (within one slot).
    let gaps: Vec<i64> = keys
        .iter()
        .flat_map(|k| {
            obs.checks[k]
                .windows(2)
                .map(|w| w[1] - w[0])
                .collect::<Vec<_>>()
        })
        .collect();
    let mean = gaps.iter().sum::<i64>() / gaps.len() as i64;
    assert!(
        (mean - every).abs() <= 12 * HOUR,
        "mean {} h vs shown {} h",
        mean / HOUR,
        every / HOUR
    );

    // Urgent listings (open cases) are checked every run.
    let case_key = &keys[0];
    let case_gaps: Vec<i64> = obs.checks[case_key]
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    assert!(
        case_gaps.iter().all(|&g| g <= 13 * HOUR),
        "{:?}",
        case_gaps.iter().map(|g| g / HOUR).collect::<Vec<_>>()
    );

    // Staleness: right after the simulation, what is over 2×T is listed, and only that.
    let now = obs
        .checks
        .values()
        .flat_map(|v| v.iter().copied())
        .max()
        .unwrap();
    let stale = stale_keys(&state, &keys, now);
    for k in &stale {
        assert!(now - obs.checks[k].last().unwrap() > 24 * HOUR, "{k}");
    }
    let expect = keys
        .iter()
        .filter(|k| now - obs.checks[*k].last().unwrap() > 24 * HOUR)
        .count();
    assert_eq!(stale.len(), expect);
}

#[test]
fn with_captchas_the_runs_back_off_resume_and_still_starve_nobody() {
    let cfg = config();
    // About one captcha every 2,000 fetches: a 30-min, then longer, back-off.
    let (obs, _, keys) = simulate(cfg.clone(), 8, 2_000);
    assert!(obs.min_pause >= cfg.delay_ms);
    assert!(
        obs.runs.iter().any(|r| r.2),
        "some run was stopped by a captcha"
    );
    for w in obs.runs.windows(2) {
        assert!(w[1].0 >= w[0].1);
    }
    assert_eq!(obs.checks.len(), N);
    let every = pace(N, &cfg).every_ms.unwrap();
    for k in &keys {
        for w in obs.checks[k].windows(2) {
            assert!(
                w[1] - w[0] <= every + 3 * 12 * HOUR,
                "{k} waited {} h",
                (w[1] - w[0]) / HOUR
            );
        }
    }
}

#[test]
fn a_catalogue_that_fits_runs_whole_every_interval_as_before() {
    let cfg = config();
    let p = pace(1_000, &cfg);
    assert_eq!(p.batch, 1_000);
    assert_eq!(p.every_ms, Some(12 * HOUR + p.run_ms));
    // Off: one run only when asked, no pace.
    let off = pace(1_000, &ScheduleConfig::default());
    assert_eq!(off.every_ms, None);
    // A longer pause means smaller slices, never a faster pace.
    let slow = ScheduleConfig {
        delay_ms: 60_000,
        ..cfg
    };
    let ps = pace(N, &slow);
    assert!(ps.batch < p.batch && ps.every_ms.unwrap() > 12 * HOUR);
}
