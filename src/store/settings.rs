//! User settings: defaults, the compact stored form and migrations from every
//! earlier stored shape.
//!
//! Versions:
//! * **v0** (first prototype, no `version` key): `lang` ("auto"|"ja"|"en"),
//!   `recheckMinutes` (number of minutes), `delayMs` (milliseconds between
//!   background requests), `notify` (bool), `syncOn` (bool).
//! * **v1** (current, [`VERSION`]): the field names of [`Settings`], only the
//!   values that differ from the defaults, plus `"version": 1`.
//!
//! [`migrate`] reads any of them field by field: an unknown key is ignored, a
//! value of the wrong type or out of range falls back to that field's default,
//! and anything that is not an object gives [`Settings::default`]. It never
//! panics.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The current stored settings version.
pub const VERSION: u64 = 1;

/// The allowed re-check intervals, in hours (0 = never re-check in the background).
pub const RECHECK_INTERVALS: [u32; 4] = [0, 6, 12, 24];

/// Longest allowed delay between background requests, in seconds.
pub const MAX_REQUEST_DELAY: u32 = 600;

/// Everything the seller can set on the options page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// UI and report language: `"auto"` (follow the browser), `"ja"` or `"en"`.
    pub language: String,
    /// Background re-check interval in hours: one of [`RECHECK_INTERVALS`].
    pub recheck_interval_hours: u32,
    /// Seconds to wait between two background page fetches (1..=600).
    pub request_delay_seconds: u32,
    /// Show a browser notification when a re-check finds a mismatch.
    pub notifications: bool,
    /// Copy settings and listings to `chrome.storage.sync`.
    pub sync_enabled: bool,
    /// Show a badge on pages that match too (not only on mismatches).
    pub badge_on_match: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: "auto".to_string(),
            recheck_interval_hours: 0,
            request_delay_seconds: 5,
            notifications: true,
            sync_enabled: true,
            badge_on_match: true,
        }
    }
}

impl Settings {
    /// The same settings with every out-of-range value replaced by its default.
    pub fn normalized(mut self) -> Settings {
        let d = Settings::default();
        if !valid_language(&self.language) {
            self.language = d.language;
        }
        if !RECHECK_INTERVALS.contains(&self.recheck_interval_hours) {
            self.recheck_interval_hours = d.recheck_interval_hours;
        }
        if !(1..=MAX_REQUEST_DELAY).contains(&self.request_delay_seconds) {
            self.request_delay_seconds = d.request_delay_seconds;
        }
        self
    }
}

fn valid_language(s: &str) -> bool {
    matches!(s, "auto" | "ja" | "en")
}

/// The stored form: `{"version": 1}` plus only the values that differ from
/// the defaults (so a later change of a default reaches every user who never
/// touched that setting, and the sync item stays tiny).
pub fn to_stored(settings: &Settings) -> Value {
    let s = settings.clone().normalized();
    let d = Settings::default();
    let mut m = Map::new();
    m.insert("version".into(), Value::from(VERSION));
    if s.language != d.language {
        m.insert("language".into(), Value::from(s.language.clone()));
    }
    if s.recheck_interval_hours != d.recheck_interval_hours {
        m.insert(
            "recheck_interval_hours".into(),
            Value::from(s.recheck_interval_hours),
        );
    }
    if s.request_delay_seconds != d.request_delay_seconds {
        m.insert(
            "request_delay_seconds".into(),
            Value::from(s.request_delay_seconds),
        );
    }
    if s.notifications != d.notifications {
        m.insert("notifications".into(), Value::from(s.notifications));
    }
    if s.sync_enabled != d.sync_enabled {
        m.insert("sync_enabled".into(), Value::from(s.sync_enabled));
    }
    if s.badge_on_match != d.badge_on_match {
        m.insert("badge_on_match".into(), Value::from(s.badge_on_match));
    }
    Value::Object(m)
}

/// Reads settings stored by any version (see the module docs). Unknown keys are
/// ignored; bad values fall back to their defaults; garbage gives the defaults.
pub fn migrate(stored: Value) -> Settings {
    let Value::Object(m) = stored else {
        return Settings::default();
    };
    let version = m.get("version").and_then(Value::as_u64).unwrap_or(0);
    let mut s = Settings::default();
    if version == 0 {
        if let Some(v) = m.get("lang").and_then(Value::as_str) {
            s.language = v.to_string();
        }
        if let Some(min) = m.get("recheckMinutes").and_then(Value::as_f64) {
            s.recheck_interval_hours = nearest_interval(min / 60.0);
        }
        if let Some(ms) = m.get("delayMs").and_then(Value::as_f64) {
            if ms.is_finite() && ms > 0.0 {
                s.request_delay_seconds = (ms / 1000.0).ceil().min(f64::from(u32::MAX)) as u32;
            }
        }
        if let Some(v) = m.get("notify").and_then(Value::as_bool) {
            s.notifications = v;
        }
        if let Some(v) = m.get("syncOn").and_then(Value::as_bool) {
            s.sync_enabled = v;
        }
    }
    // v1 names (also read for v0 objects that were partly rewritten, and for
    // newer versions: the fields we know keep their meaning).
    if let Some(v) = m.get("language").and_then(Value::as_str) {
        s.language = v.to_string();
    }
    if let Some(v) = m.get("recheck_interval_hours").and_then(Value::as_u64) {
        s.recheck_interval_hours = u32::try_from(v).unwrap_or(u32::MAX);
    }
    if let Some(v) = m.get("request_delay_seconds").and_then(Value::as_u64) {
        s.request_delay_seconds = u32::try_from(v).unwrap_or(u32::MAX);
    }
    if let Some(v) = m.get("notifications").and_then(Value::as_bool) {
        s.notifications = v;
    }
    if let Some(v) = m.get("sync_enabled").and_then(Value::as_bool) {
        s.sync_enabled = v;
    }
    if let Some(v) = m.get("badge_on_match").and_then(Value::as_bool) {
        s.badge_on_match = v;
    }
    s.normalized()
}

/// v0 stored minutes; v1 allows only [`RECHECK_INTERVALS`]: take the nearest
/// (ties go to the longer interval, which fetches less often).
fn nearest_interval(hours: f64) -> u32 {
    if !hours.is_finite() || hours <= 0.0 {
        return 0;
    }
    let mut best = RECHECK_INTERVALS[0];
    for &i in &RECHECK_INTERVALS {
        if (f64::from(i) - hours).abs() <= (f64::from(best) - hours).abs() {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_store_as_version_only() {
        assert_eq!(to_stored(&Settings::default()), json!({"version": 1}));
        assert_eq!(migrate(json!({"version": 1})), Settings::default());
    }

    #[test]
    fn nearest_interval_picks_allowed_values() {
        assert_eq!(nearest_interval(0.5), 0);
        assert_eq!(nearest_interval(3.0), 6);
        assert_eq!(nearest_interval(9.0), 12);
        assert_eq!(nearest_interval(100.0), 24);
        assert_eq!(nearest_interval(f64::NAN), 0);
    }
}
