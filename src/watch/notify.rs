//! When to show a desktop notification for a checked page.
//!
//! Rule: notify only when a listing becomes **newly** mismatched on a
//! **critical** field (title, brand, main image, a variation), once per
//! change — not once per run. [`NotifyState`] keeps, per listing key, the
//! signature of the critical mismatches last notified (each critical field
//! with the normalised value shown). A report notifies when it has a
//! critical (field, shown value) pair that the stored signature lacks;
//! afterwards the signature is the report's. So:
//!
//! * the same wrong main image seen again on the next run: no notification;
//! * the main image changes again to a third image: a new notification;
//! * a critical field fixed while another stays wrong: no notification (the
//!   signature shrinks);
//! * the page matches again: the signature is cleared, so a later hijack
//!   notifies again;
//! * warning/info-only mismatches never notify; unreadable, untracked and
//!   not-product reports change nothing (a captcha is not a fix).

use super::history;
use super::templates::{self, field_label, fill};
use crate::check::{Report, Severity, Status};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A notification to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// The listing key `marketplace/ASIN` (use it as the notification ID).
    pub key: String,
    /// Title line.
    pub title: String,
    /// Body text.
    pub body: String,
}

/// Per-listing signatures of the critical mismatches last notified.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyState {
    /// key → signature entries (`field=normalised value`), sorted.
    #[serde(default)]
    pub last_notified: BTreeMap<String, Vec<String>>,
}

/// The signature of a report's critical mismatches: `field=value` pairs,
/// values normalised as the check normalises them, sorted.
pub fn signature(report: &Report) -> Vec<String> {
    let set: BTreeSet<String> = report
        .mismatches
        .iter()
        .filter(|m| m.severity == Severity::Critical)
        .map(|m| format!("{}={}", m.field, history::key(&m.field, &m.actual)))
        .collect();
    set.into_iter().collect()
}

impl NotifyState {
    /// An empty state.
    pub fn new() -> Self {
        NotifyState::default()
    }

    /// Decides on `report` (see the module docs) and updates the stored
    /// signature. `listing_title` (the seller's title for the listing)
    /// goes into the body when given; `lang` is `ja` or `en`.
    pub fn should_notify(
        &mut self,
        report: &Report,
        listing_title: Option<&str>,
        lang: &str,
    ) -> Option<Notification> {
        let asin = report.asin.as_deref()?;
        let marketplace = report.marketplace.as_deref()?;
        let key = format!("{marketplace}/{asin}");
        match report.status {
            Status::Match => {
                self.last_notified.remove(&key);
                return None;
            }
            Status::Mismatch => {}
            _ => return None,
        }
        let sig = signature(report);
        let old: BTreeSet<&String> = self
            .last_notified
            .get(&key)
            .map(|v| v.iter().collect())
            .unwrap_or_default();
        let new_pairs: Vec<&String> = sig.iter().filter(|s| !old.contains(s)).collect();
        let notify = !new_pairs.is_empty();
        let fields: Vec<String> = {
            let mut seen = BTreeSet::new();
            new_pairs
                .iter()
                .filter_map(|p| p.split_once('=').map(|(f, _)| f.to_string()))
                .filter(|f| seen.insert(f.clone()))
                .collect()
        };
        if sig.is_empty() {
            self.last_notified.remove(&key);
        } else {
            self.last_notified.insert(key.clone(), sig);
        }
        if !notify {
            return None;
        }
        let w = templates::words(lang);
        let labels: Vec<String> = fields.iter().map(|f| field_label(f, w)).collect();
        let title_text = listing_title
            .or(report.page.title.as_deref())
            .map(|t| {
                let t: String = t.chars().take(80).collect();
                if w.lang == "ja" {
                    format!("（{t}）")
                } else {
                    format!("({t})")
                }
            })
            .unwrap_or_default();
        let body = fill(
            w.notify_body,
            &[
                ("asin", asin),
                ("marketplace", marketplace),
                ("fields", &labels.join(w.list_sep)),
                ("title", &title_text),
            ],
        );
        Some(Notification {
            key,
            title: w.notify_title.to_string(),
            body: body.trim_end().to_string(),
        })
    }
}

/// [`NotifyState::should_notify`] as a free function (for bindings).
pub fn should_notify(
    state: &mut NotifyState,
    report: &Report,
    listing_title: Option<&str>,
    lang: &str,
) -> Option<Notification> {
    state.should_notify(report, listing_title, lang)
}
