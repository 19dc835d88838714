//! Watching over time: change history, scheduled re-checks, and the Seller Support case helper.
//!
//! Everything here is pure and clock-free: `now` is passed in (RFC 3339
//! strings for records, unix milliseconds for the schedule), and every type
//! is serde, so the extension stores the values as JSON in
//! `chrome.storage.local` and the wasm bindings pass them through unchanged.
//!
//! * [`history`] — per-listing change history ([`history::History`]) built
//!   from [`history::Observation`]s, bounded with a pruning rule that keeps
//!   the first occurrence of every value; timeline text (ja/en).
//! * [`schedule`] — the re-check run state machine
//!   ([`schedule::next_action`] / [`schedule::on_result`]) with delay,
//!   jitter and back-off; [`schedule::product_url`].
//! * [`notify`] — one notification per new critical change
//!   ([`notify::NotifyState::should_notify`]).
//! * [`cases`] — the case log ([`cases::Case`]), case-ID validation, and the
//!   texts for Seller Support ([`cases::case_report_text`],
//!   [`cases::reopen_text`]); [`cases::case_log_url`].
//! * [`shots`] — dated screenshots as case evidence: validity, the
//!   per-listing budget and pruning rule, file names, the case-text paragraph.
//! * [`kinds`] — family, Buy Box, availability and gone changes named in
//!   one plain sentence each (case texts, notification, timeline).
//! * [`templates`] — every word (the sentences are in `_locales`).

pub mod cases;
pub mod history;
pub mod kinds;
pub mod notify;
pub mod schedule;
pub mod shots;
pub mod templates;
