//! Scheduled re-checks: run order, delay and jitter, back-off, resume after
//! an interruption, and one notification per change.

mod common;

use catalog_guard::check::{check, Status};
use catalog_guard::listing::Listing;
use catalog_guard::page::{PageKind, ProductPage, Seller};
use catalog_guard::watch::notify::NotifyState;
use catalog_guard::watch::schedule::{
    backoff_ms, next_action, on_result, product_url, Action, Interval, Outcome, ResultError,
    RunEnd, ScheduleConfig, ScheduleState, MAX_CONSECUTIVE_FAILURES,
};
use std::collections::BTreeMap;

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const T0: i64 = 1_793_500_000_000;

fn keys(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("amazon.co.jp/B0TEST{i:04}"))
        .collect()
}

fn state(interval: Interval, seed: u64) -> ScheduleState {
    ScheduleState::new(
        ScheduleConfig {
            interval,
            ..ScheduleConfig::default()
        },
        seed,
    )
}

fn fetch(a: &Action) -> (String, String, i64) {
    match a {
        Action::FetchNext {
            key,
            url,
            not_before,
        } => (key.clone(), url.clone(), *not_before),
        other => panic!("expected FetchNext, got {other:?}"),
    }
}

#[test]
fn a_run_fetches_every_key_in_turn_with_delay_and_jitter() {
    let ks = keys(4);
    let mut s = state(Interval::H6, 42);
    let mut now = T0;
    let (k, url, nb) = fetch(&next_action(&mut s, &ks, now));
    assert_eq!(k, ks[0]);
    assert_eq!(url, "https://www.amazon.co.jp/dp/B0TEST0000");
    assert_eq!(nb, now, "the first fetch of a fresh schedule is immediate");
    // Asking again without a result hands out the same key.
    assert_eq!(fetch(&next_action(&mut s, &ks, now + 1000)).0, ks[0]);

    let mut gaps = Vec::new();
    for (i, key) in ks.iter().enumerate() {
        let (k, _, nb) = fetch(&next_action(&mut s, &ks, now));
        assert_eq!(&k, key);
        now = nb.max(now) + 1500; // the fetch takes 1.5 s
        on_result(&mut s, key, Outcome::Checked { changed: i == 2 }, now).unwrap();
        let run = s.run.as_ref().unwrap();
        gaps.push(run.not_before - now);
    }
    for g in &gaps {
        assert!((5_000..=10_000).contains(g), "gap {g} ms");
    }
    assert!(
        gaps.windows(2).any(|w| w[0] != w[1]),
        "jitter varies: {gaps:?}"
    );

    // Past the last key the run completes and the next one is one interval later.
    let done_at = now + 7_000;
    assert_eq!(
        next_action(&mut s, &ks, done_at),
        Action::Wait {
            until: done_at + 6 * HOUR
        }
    );
    let last = s.last_run.clone().unwrap();
    assert_eq!(last.end, RunEnd::Completed);
    assert_eq!(
        (last.total, last.checked, last.changed, last.failed),
        (4, 4, 1, 0)
    );
    assert_eq!(last.started_at, T0);
    assert_eq!(s.next_run_at, Some(done_at + 6 * HOUR));
    assert!(s.run.is_none());

    // Before that time: wait; then a new run over the keys of that moment.
    assert!(matches!(
        next_action(&mut s, &ks, done_at + HOUR),
        Action::Wait { .. }
    ));
    let fewer = keys(2);
    let (k, _, _) = fetch(&next_action(&mut s, &fewer, done_at + 6 * HOUR));
    assert_eq!(k, fewer[0]);
    assert_eq!(s.run.as_ref().unwrap().keys, fewer);
}

#[test]
fn same_seed_same_schedule() {
    let ks = keys(5);
    let drive = |seed: u64| -> Vec<i64> {
        let mut s = state(Interval::H24, seed);
        let mut out = Vec::new();
        let mut now = T0;
        while let Action::FetchNext {
            key, not_before, ..
        } = next_action(&mut s, &ks, now)
        {
            out.push(not_before);
            now = now.max(not_before) + 800;
            on_result(&mut s, &key, Outcome::Checked { changed: false }, now).unwrap();
        }
        out
    };
    assert_eq!(drive(9), drive(9));
    assert_ne!(drive(9), drive(10));
}

#[test]
fn backoff_doubles_from_the_base_and_is_capped() {
    let (base, cap) = (30 * MIN, 24 * HOUR);
    let expected = [
        0,
        30 * MIN,
        HOUR,
        2 * HOUR,
        4 * HOUR,
        8 * HOUR,
        16 * HOUR,
        24 * HOUR,
        24 * HOUR,
    ];
    for (level, want) in expected.iter().enumerate() {
        assert_eq!(backoff_ms(base, cap, level as u32), *want, "level {level}");
    }
    // No overflow however many stops in a row.
    for level in [40, 62, 63, 64, 65, 1000, u32::MAX] {
        assert_eq!(backoff_ms(base, cap, level), cap, "level {level}");
    }
    assert_eq!(backoff_ms(i64::MAX, cap, 2), cap);
}

#[test]
fn captcha_stops_the_run_backs_off_and_resumes_at_the_same_key() {
    let ks = keys(3);
    let mut s = state(Interval::H12, 1);
    let mut now = T0;
    let (k0, _, _) = fetch(&next_action(&mut s, &ks, now));
    on_result(&mut s, &k0, Outcome::Checked { changed: false }, now + 1000).unwrap();
    now += 20_000;
    let (k1, _, _) = fetch(&next_action(&mut s, &ks, now));
    assert_eq!(k1, ks[1]);

    // Bot wall: stop, back off 30 min.
    on_result(&mut s, &k1, Outcome::Captcha, now).unwrap();
    assert_eq!(s.backoff_level, 1);
    assert_eq!(s.paused_until, Some(now + 30 * MIN));
    assert_eq!(s.last_run.as_ref().unwrap().end, RunEnd::Captcha);
    assert_eq!(
        next_action(&mut s, &ks, now + 10 * MIN),
        Action::Wait {
            until: now + 30 * MIN
        }
    );
    // After the back-off: the same key again, not before the end of the back-off.
    let (k, _, nb) = fetch(&next_action(&mut s, &ks, now + 31 * MIN));
    assert_eq!((k.as_str(), nb), (ks[1].as_str(), now + 30 * MIN));

    // A second stop in a row doubles (the error page counts like a captcha).
    now += 31 * MIN;
    on_result(&mut s, &ks[1], Outcome::Error, now).unwrap();
    assert_eq!(s.backoff_level, 2);
    assert_eq!(s.paused_until, Some(now + HOUR));
    assert_eq!(s.last_run.as_ref().unwrap().end, RunEnd::Error);

    // Then the run goes through: the back-off is reset by the clean end.
    now += HOUR;
    for k in &ks[1..] {
        let (got, _, nb) = fetch(&next_action(&mut s, &ks, now));
        assert_eq!(&got, k);
        now = now.max(nb) + 1000;
        on_result(&mut s, k, Outcome::Checked { changed: true }, now).unwrap();
    }
    now += 10_000;
    assert!(matches!(next_action(&mut s, &ks, now), Action::Wait { .. }));
    assert_eq!(s.backoff_level, 0);
    let last = s.last_run.clone().unwrap();
    assert_eq!(last.end, RunEnd::Completed);
    assert_eq!((last.checked, last.changed, last.failed), (3, 2, 0));
    assert_eq!(s.next_run_at, Some(now + 12 * HOUR));

    // The next stop starts from the base again.
    now += 12 * HOUR;
    let (k, _, _) = fetch(&next_action(&mut s, &ks, now));
    on_result(&mut s, &k, Outcome::Captcha, now).unwrap();
    assert_eq!(s.paused_until, Some(now + 30 * MIN));
}

#[test]
fn failures_count_and_too_many_in_a_row_stop_the_run() {
    let ks = keys(6);
    let mut s = state(Interval::H6, 3);
    let mut now = T0;
    let step = |s: &mut ScheduleState, outcome: Outcome, now: &mut i64| {
        let (k, _, nb) = fetch(&next_action(s, &ks, *now));
        *now = (*now).max(nb) + 500;
        on_result(s, &k, outcome, *now).unwrap();
    };
    step(&mut s, Outcome::Failed, &mut now);
    step(&mut s, Outcome::Checked { changed: false }, &mut now);
    assert!(s.paused_until.is_none());
    for _ in 0..MAX_CONSECUTIVE_FAILURES {
        step(&mut s, Outcome::Failed, &mut now);
    }
    assert_eq!(s.backoff_level, 1);
    assert_eq!(s.paused_until, Some(now + 30 * MIN));
    let last = s.last_run.clone().unwrap();
    assert_eq!(last.end, RunEnd::Failures);
    assert_eq!(
        (last.checked, last.failed),
        (1, 1 + MAX_CONSECUTIVE_FAILURES)
    );
    // Failed keys are not retried: the run resumes after them.
    let (k, _, _) = fetch(&next_action(&mut s, &ks, now + 30 * MIN));
    assert_eq!(k, ks[5]);
}

/// One step of a worker: ask, wait as told, fetch, report `outcome`.
fn step(s: &mut ScheduleState, ks: &[String], outcome: Outcome, now: &mut i64) {
    loop {
        match next_action(s, ks, *now) {
            Action::Wait { until } => *now = until,
            Action::FetchNext {
                key, not_before, ..
            } => {
                *now = (*now).max(not_before) + 1200;
                on_result(s, &key, outcome, *now).unwrap();
                return;
            }
            Action::Done => panic!("schedule is off"),
        }
    }
}

#[test]
fn resumes_where_it_left_off_after_the_worker_is_stopped() {
    let ks = keys(5);
    let outcomes = [
        Outcome::Checked { changed: false },
        Outcome::Checked { changed: true },
        Outcome::Captcha,
        Outcome::Checked { changed: false },
        Outcome::Failed,
        Outcome::Checked { changed: true },
    ];
    // Reference: never interrupted.
    let mut reference = state(Interval::H6, 77);
    let mut now_ref = T0;
    for o in outcomes {
        step(&mut reference, &ks, o, &mut now_ref);
    }
    let end_ref = next_action(&mut reference, &ks, now_ref);

    // Interrupted: after four results (one a captcha), with the fifth key
    // handed out but its result never reported (the service worker was killed).
    let mut s = state(Interval::H6, 77);
    let mut now = T0;
    for o in &outcomes[..4] {
        step(&mut s, &ks, *o, &mut now);
    }
    let handed_out = fetch(&next_action(&mut s, &ks, now));
    assert_eq!(handed_out.0, ks[3]);
    let saved = serde_json::to_string(&s).unwrap();
    drop(s);

    let mut resumed: ScheduleState = serde_json::from_str(&saved).unwrap();
    assert_eq!(fetch(&next_action(&mut resumed, &ks, now)), handed_out);
    for o in &outcomes[4..] {
        step(&mut resumed, &ks, *o, &mut now);
    }
    assert_eq!(next_action(&mut resumed, &ks, now), end_ref);
    assert_eq!(resumed, reference);
    assert_eq!(now, now_ref);
    let last = resumed.last_run.clone().unwrap();
    assert_eq!(last.end, RunEnd::Completed);
    assert_eq!((last.checked, last.changed, last.failed), (4, 2, 1));
    assert_eq!(resumed.backoff_level, 0);
}

#[test]
fn stale_results_are_refused_and_change_nothing() {
    let ks = keys(2);
    let mut s = state(Interval::H6, 5);
    assert_eq!(
        on_result(&mut s, &ks[0], Outcome::Captcha, T0),
        Err(ResultError::NoRun)
    );
    fetch(&next_action(&mut s, &ks, T0));
    let before = s.clone();
    let e = on_result(&mut s, &ks[1], Outcome::Checked { changed: true }, T0).unwrap_err();
    assert_eq!(
        e,
        ResultError::UnexpectedKey {
            expected: Some(ks[0].clone())
        }
    );
    assert!(e.to_string().contains("amazon.co.jp/B0TEST0000"), "{e}");
    assert_eq!(s, before);
}

#[test]
fn off_means_done_and_cancels_a_run() {
    let ks = keys(3);
    let mut s = state(Interval::Off, 1);
    assert_eq!(next_action(&mut s, &ks, T0), Action::Done);
    s.set_interval(Interval::H24, T0);
    fetch(&next_action(&mut s, &ks, T0));
    s.set_interval(Interval::Off, T0 + 1000);
    assert_eq!(next_action(&mut s, &ks, T0 + 2000), Action::Done);
    assert!(s.run.is_none());
    assert_eq!(s.last_run.as_ref().unwrap().end, RunEnd::Cancelled);
    // Turned on again: the next run is one interval after the cancelled one.
    s.set_interval(Interval::H6, T0 + 5000);
    assert_eq!(
        next_action(&mut s, &ks, T0 + 6000),
        Action::Wait {
            until: T0 + 1000 + 6 * HOUR
        }
    );
    // A listing deleted during a run is skipped when its turn comes.
    let ks = keys(3);
    let mut d = state(Interval::H6, 2);
    let (k, _, _) = fetch(&next_action(&mut d, &ks, T0));
    on_result(&mut d, &k, Outcome::Checked { changed: false }, T0 + 500).unwrap();
    let remaining = [ks[0].clone(), ks[2].clone()];
    let (k, _, _) = fetch(&next_action(&mut d, &remaining, T0 + 10_000));
    assert_eq!(k, ks[2]);
    on_result(&mut d, &k, Outcome::Checked { changed: false }, T0 + 11_000).unwrap();
    assert!(matches!(
        next_action(&mut d, &remaining, T0 + 20_000),
        Action::Wait { .. }
    ));
    let last = d.last_run.unwrap();
    assert_eq!((last.total, last.checked, last.skipped), (3, 2, 1));

    // No watched listings: the run completes at once.
    let mut e = state(Interval::H6, 1);
    assert_eq!(
        next_action(&mut e, &[], T0),
        Action::Wait {
            until: T0 + 6 * HOUR
        }
    );
    assert_eq!(e.last_run.unwrap().total, 0);
}

#[test]
fn outcomes_of_real_pages() {
    use catalog_guard::page::read_page;
    use catalog_guard::watch::schedule::outcome_of;
    let fx = common::fixtures();
    let find = |name: &str| {
        let f = fx.iter().find(|f| f.name == name).expect(name);
        read_page(&std::fs::read(&f.path).unwrap(), Some(&f.url()))
    };
    let cases = [
        ("amazon.com/captcha-robot-check-2019.html", Outcome::Captcha),
        (
            "amazon.fr/bot-wall-aws-waf-challenge-2026.html",
            Outcome::Captcha,
        ),
        ("amazon.com/error-503-dog-page-2024.html", Outcome::Error),
        (
            "amazon.co.jp/signin-kindle-notebook-2026.html",
            Outcome::Failed,
        ),
        (
            "amazon.co.jp/nintendo-switch-neon-B07WXL5YPW-2022.html",
            Outcome::Checked { changed: true },
        ),
    ];
    for (name, want) in cases {
        assert_eq!(outcome_of(find(name).kind, true), want, "{name}");
    }
}

#[test]
fn settings_and_actions_are_json_friendly() {
    assert_eq!(serde_json::to_string(&Interval::H12).unwrap(), "\"12h\"");
    assert_eq!(
        serde_json::from_str::<Interval>("\"off\"").unwrap(),
        Interval::Off
    );
    assert_eq!(Interval::from_hours(24), Some(Interval::H24));
    assert_eq!(Interval::from_hours(5), None);
    let a = Action::FetchNext {
        key: "amazon.co.jp/B07WXL5YPW".into(),
        url: product_url("amazon.co.jp", "B07WXL5YPW"),
        not_before: 5,
    };
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        serde_json::json!({"type": "fetch_next", "key": "amazon.co.jp/B07WXL5YPW",
            "url": "https://www.amazon.co.jp/dp/B07WXL5YPW", "not_before": 5})
    );
    let o: Outcome = serde_json::from_str(r#"{"type": "checked", "changed": true}"#).unwrap();
    assert_eq!(o, Outcome::Checked { changed: true });
    let o: Outcome = serde_json::from_str(r#"{"type": "captcha"}"#).unwrap();
    assert_eq!(o, Outcome::Captcha);
    // A config with missing fields takes the defaults.
    let c: ScheduleConfig = serde_json::from_str(r#"{"interval": "6h"}"#).unwrap();
    assert_eq!(c.delay_ms, 5_000);
    assert_eq!(c.backoff_cap_ms, 24 * HOUR);
}

// ---- notifications ----

fn page() -> ProductPage {
    let mut p = ProductPage::empty(PageKind::Product);
    p.asin = Some("B0CX7K2Q9M".into());
    p.marketplace = Some("amazon.co.jp".into());
    p.title = Some("今治タオル バスタオル 2枚組 ネイビー".into());
    p.brand = Some("しまなみ織物".into());
    p.images = vec!["71NavyMain1L".into(), "61Side0001L".into()];
    p.variations = BTreeMap::from([("color_name".into(), "ネイビー".into())]);
    p.bullets = vec!["綿100%".into()];
    p.seller = Some(Seller {
        id: Some("A1SHIMANAMI0".into()),
        name: "しまなみ織物 公式".into(),
    });
    p
}

#[test]
fn one_notification_per_change_not_per_run() {
    let good = page();
    let listing = Listing::from_page(&good, "2026-11-01T00:00:00Z").unwrap();
    let ls = [listing.clone()];
    let mut n = NotifyState::new();
    let at = |h: i64| catalog_guard::time::rfc3339(T0 + h * HOUR);

    // Matching page: nothing.
    assert_eq!(
        n.should_notify(&check(&ls, &good, &at(0)), None, "ja"),
        None
    );

    // Main image hijacked: one notification.
    let mut hijacked = good.clone();
    hijacked.images[0] = "81Hijack01L".into();
    let r = check(&ls, &hijacked, &at(6));
    assert_eq!(r.status, Status::Mismatch);
    let note = n
        .should_notify(&r, listing.title.as_deref(), "ja")
        .expect("first hijack notifies");
    assert_eq!(note.key, "amazon.co.jp/B0CX7K2Q9M");
    assert_eq!(note.title, "Catalog Guard: 商品ページの変更を検出しました");
    assert!(note.body.contains("B0CX7K2Q9M"), "{}", note.body);
    assert!(note.body.contains("メイン画像"), "{}", note.body);
    assert!(note.body.contains("今治タオル"), "{}", note.body);

    // The same hijack seen by the next runs: no more notifications.
    for h in [12, 18, 24] {
        assert_eq!(
            n.should_notify(&check(&ls, &hijacked, &at(h)), None, "ja"),
            None
        );
    }
    // A captcha in between changes nothing.
    let mut wall = ProductPage::empty(PageKind::Captcha);
    wall.marketplace = Some("amazon.co.jp".into());
    wall.asin = Some("B0CX7K2Q9M".into());
    assert_eq!(
        n.should_notify(&check(&ls, &wall, &at(25)), None, "ja"),
        None
    );
    assert_eq!(
        n.should_notify(&check(&ls, &hijacked, &at(26)), None, "ja"),
        None
    );

    // Colour changed too: a new critical field → notify, naming only the new one.
    let mut worse = hijacked.clone();
    worse
        .variations
        .insert("color_name".into(), "グレー".into());
    let note = n
        .should_notify(&check(&ls, &worse, &at(30)), None, "en")
        .expect("new critical field");
    assert!(note.body.contains("variation (colour)"), "{}", note.body);
    assert!(!note.body.contains("main image"), "{}", note.body);
    assert!(
        note.body.starts_with("B0CX7K2Q9M on amazon.co.jp"),
        "{}",
        note.body
    );

    // Colour fixed, image still wrong: no notification.
    assert_eq!(
        n.should_notify(&check(&ls, &hijacked, &at(36)), None, "en"),
        None
    );
    // The image changes again to a third one: notify.
    let mut third = good.clone();
    third.images[0] = "91Third001L".into();
    assert!(n
        .should_notify(&check(&ls, &third, &at(42)), None, "en")
        .is_some());

    // Warning-only differences (bullets) never notify.
    let mut bullets = good.clone();
    bullets.bullets = vec!["ポリエステル100%".into()];
    let r = check(&ls, &bullets, &at(48));
    assert_eq!(r.status, Status::Mismatch);
    assert_eq!(n.should_notify(&r, None, "en"), None);

    // Fixed, then hijacked again with the same image as before: notify again.
    assert_eq!(
        n.should_notify(&check(&ls, &good, &at(54)), None, "en"),
        None
    );
    assert!(n.last_notified.is_empty());
    assert!(n
        .should_notify(&check(&ls, &hijacked, &at(60)), None, "en")
        .is_some());

    // The state survives storage.
    let back: NotifyState = serde_json::from_str(&serde_json::to_string(&n).unwrap()).unwrap();
    assert_eq!(back, n);
}

#[test]
fn check_all_now_runs_while_rechecks_are_off_and_schedules_nothing_after() {
    use catalog_guard::watch::schedule::start_now;
    let ks = keys(2);
    let mut s = state(Interval::Off, 7);
    assert_eq!(next_action(&mut s, &ks, T0), Action::Done);
    start_now(&mut s, &ks, T0);
    let (k, _, nb) = fetch(&next_action(&mut s, &ks, T0));
    assert_eq!((k.as_str(), nb), (ks[0].as_str(), T0));
    // Turning re-checks off (again) does not cancel a run the seller asked for.
    s.set_interval(Interval::Off, T0 + 1);
    on_result(
        &mut s,
        &ks[0],
        Outcome::Checked { changed: true },
        T0 + 2_000,
    )
    .unwrap();
    let (k, _, nb) = fetch(&next_action(&mut s, &ks, T0 + 2_000));
    assert_eq!(k, ks[1]);
    assert!(
        nb >= T0 + 2_000 + 5_000,
        "the delay applies to manual runs too"
    );
    on_result(&mut s, &ks[1], Outcome::Checked { changed: false }, nb).unwrap();
    assert_eq!(next_action(&mut s, &ks, nb), Action::Done);
    let last = s.last_run.clone().expect("the manual run is summarised");
    assert_eq!(
        (last.end, last.checked, last.changed),
        (RunEnd::Completed, 2, 1)
    );
    assert_eq!(s.next_run_at, None);
}

#[test]
fn check_all_now_ends_a_back_off_and_then_follows_the_interval() {
    use catalog_guard::watch::schedule::start_now;
    let ks = keys(2);
    let mut s = state(Interval::H6, 9);
    fetch(&next_action(&mut s, &ks, T0));
    on_result(&mut s, &ks[0], Outcome::Captcha, T0 + 1_000).unwrap();
    assert!(matches!(
        next_action(&mut s, &ks, T0 + 2_000),
        Action::Wait { .. }
    ));
    start_now(&mut s, &ks, T0 + 3_000);
    let (k, _, nb) = fetch(&next_action(&mut s, &ks, T0 + 3_000));
    assert_eq!(
        (k.as_str(), nb),
        (ks[0].as_str(), T0 + 3_000),
        "resumes at the key the captcha stopped"
    );
    on_result(
        &mut s,
        &ks[0],
        Outcome::Checked { changed: false },
        T0 + 4_000,
    )
    .unwrap();
    let (_, _, nb) = fetch(&next_action(&mut s, &ks, T0 + 4_000));
    on_result(&mut s, &ks[1], Outcome::Checked { changed: false }, nb).unwrap();
    assert_eq!(
        next_action(&mut s, &ks, nb),
        Action::Wait {
            until: nb + 6 * HOUR
        }
    );
    assert_eq!(s.backoff_level, 0);
}

#[test]
fn the_stored_state_holds_only_numbers_js_reads_exactly() {
    let ks = keys(30);
    let mut s = state(Interval::H6, u64::MAX);
    let mut now = T0;
    for k in &ks {
        let (_, _, nb) = fetch(&next_action(&mut s, &ks, now));
        now = nb;
        on_result(&mut s, k, Outcome::Checked { changed: false }, now).unwrap();
        assert!(s.rng < (1 << 53), "rng {} is not a safe JS integer", s.rng);
    }
}
