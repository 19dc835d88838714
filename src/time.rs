//! Timestamps. The core never reads the clock: callers pass "now" in (the CLI
//! from the system clock, the extension from `Date.now()`), so every result is
//! reproducible in tests.

use ::time::format_description::well_known::Rfc3339;
use ::time::OffsetDateTime;

/// Milliseconds since the Unix epoch → RFC 3339 in UTC, e.g. `2026-11-22T06:29:00Z`.
pub fn rfc3339(unix_ms: i64) -> String {
    let nanos = i128::from(unix_ms) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| t.replace_nanosecond(0).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

/// RFC 3339 → milliseconds since the Unix epoch.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let t = OffsetDateTime::parse(s, &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// The system clock (native CLI only).
#[cfg(not(target_arch = "wasm32"))]
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        let ms = 1_795_000_000_000;
        let s = rfc3339(ms);
        assert_eq!(s, "2026-11-18T11:06:40Z");
        assert_eq!(parse_rfc3339(&s), Some(ms));
        assert_eq!(parse_rfc3339("not a date"), None);
    }
}
