//! Settings: defaults, the stored form, and migration from every earlier version.

use catalog_guard::store::settings::{migrate, to_stored, Settings};
use serde_json::json;

#[test]
fn stored_form_keeps_only_changed_values() {
    let s = Settings {
        language: "ja".into(),
        recheck_interval_hours: 6,
        notifications: false,
        ..Settings::default()
    };
    let stored = to_stored(&s);
    assert_eq!(
        stored,
        json!({"version": 1, "language": "ja", "recheck_interval_hours": 6, "notifications": false})
    );
    assert_eq!(migrate(stored), s);
}

#[test]
fn every_field_round_trips() {
    let s = Settings {
        language: "en".into(),
        recheck_interval_hours: 24,
        request_delay_seconds: 30,
        notifications: false,
        sync_enabled: false,
        badge_on_match: false,
    };
    assert_eq!(migrate(to_stored(&s)), s);
    // The full serde form (what the options page sends) reads too.
    assert_eq!(migrate(serde_json::to_value(&s).unwrap()), s);
}

#[test]
fn serde_default_fills_missing_fields() {
    let s: Settings = serde_json::from_value(json!({"language": "ja"})).unwrap();
    assert_eq!(s.language, "ja");
    assert_eq!(s.request_delay_seconds, 5);
    assert_eq!(s.recheck_interval_hours, 0);
    assert!(s.notifications && s.sync_enabled);
}

#[test]
fn migrates_v0() {
    let v0 = json!({
        "lang": "ja",
        "recheckMinutes": 720,
        "delayMs": 2500,
        "notify": false,
        "syncOn": false,
        "theme": "dark"
    });
    let s = migrate(v0);
    assert_eq!(
        s,
        Settings {
            language: "ja".into(),
            recheck_interval_hours: 12,
            request_delay_seconds: 3,
            notifications: false,
            sync_enabled: false,
            badge_on_match: true,
        }
    );
    // v0 minutes round to the nearest allowed interval.
    assert_eq!(
        migrate(json!({"recheckMinutes": 300})).recheck_interval_hours,
        6
    );
    assert_eq!(
        migrate(json!({"recheckMinutes": 0})).recheck_interval_hours,
        0
    );
    assert_eq!(
        migrate(json!({"recheckMinutes": 10000})).recheck_interval_hours,
        24
    );
    // An explicit version 0 is the same shape.
    assert_eq!(migrate(json!({"version": 0, "lang": "en"})).language, "en");
}

#[test]
fn v0_names_are_not_read_from_v1() {
    let s = migrate(json!({"version": 1, "lang": "ja", "delayMs": 90000}));
    assert_eq!(s, Settings::default());
}

#[test]
fn unknown_keys_and_newer_versions() {
    let s = migrate(json!({"version": 7, "language": "ja", "future_thing": [1, 2]}));
    assert_eq!(s.language, "ja");
}

#[test]
fn garbage_gives_defaults_field_by_field() {
    for g in [
        json!(null),
        json!(42),
        json!("settings"),
        json!([1, 2, 3]),
        json!(true),
        json!({"version": "x"}),
    ] {
        assert_eq!(migrate(g), Settings::default());
    }
    let s = migrate(json!({
        "version": 1,
        "language": "fr",
        "recheck_interval_hours": 5,
        "request_delay_seconds": 0,
        "notifications": "yes",
        "sync_enabled": false
    }));
    assert_eq!(
        s,
        Settings {
            sync_enabled: false,
            ..Settings::default()
        }
    );
    let s = migrate(json!({"request_delay_seconds": 1e300, "recheck_interval_hours": -6}));
    assert_eq!(s, Settings::default());
    let s = migrate(json!({"lang": 5, "recheckMinutes": "soon", "delayMs": -1, "notify": null}));
    assert_eq!(s, Settings::default());
}
