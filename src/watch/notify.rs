//! When to show a desktop notification for a checked page.
//!
//! Rule: notify only when a listing becomes **newly** mismatched on a
//! **critical** field (title, brand, main image, a variation, the parent
//! ASIN), on the family members, on the Buy Box (a `seller` warning: another
//! seller holds it) or on availability (now unavailable), or when its page is
//! **gone** — once per change, not once per run. [`NotifyState`] keeps, per
//! listing key, the signature of the mismatches last notified (each such field
//! with the normalised value shown; `gone=<reason>` for a gone page). A report notifies when it has a
//! critical (field, shown value) pair that the stored signature lacks;
//! afterwards the signature is the report's. So:
//!
//! * the same wrong main image seen again on the next run: no notification;
//! * the main image changes again to a third image: a new notification;
//! * a critical field fixed while another stays wrong: no notification (the
//!   signature shrinks);
//! * the page matches again: the signature is cleared, so a later hijack
//!   notifies again;
//! * other warning and info mismatches never notify; unreadable, untracked
//!   and not-product reports change nothing (a captcha is not a fix);
//! * a page gone is notified at its first sighting only (the signature
//!   keeps `gone=…` while it stays gone); the body says when it was first seen
//!   and names the page plainly (the report's [`crate::check::Gone`], filled
//!   from the history first).

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

/// Whether a mismatch is one the rule notifies (see the module docs).
pub fn notifies(m: &crate::check::Mismatch) -> bool {
    m.severity == Severity::Critical
        || matches!(m.field.as_str(), "family.members" | "availability")
        || (m.field == "seller" && m.severity == Severity::Warning)
}

/// The signature of a report's notifying mismatches: `field=value` pairs,
/// values normalised as the check normalises them, sorted; `gone=<reason>`
/// for a gone page.
pub fn signature(report: &Report) -> Vec<String> {
    let mut set: BTreeSet<String> = report
        .mismatches
        .iter()
        .filter(|m| notifies(m))
        .map(|m| format!("{}={}", m.field, history::key(&m.field, &m.actual)))
        .collect();
    if let Some(g) = report
        .gone
        .as_ref()
        .filter(|_| report.status == Status::Gone)
    {
        set.insert(format!("gone={}", g.reason.as_str()));
    }
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
            Status::Mismatch | Status::Gone => {}
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
        if let Some(g) = report
            .gone
            .as_ref()
            .filter(|_| report.status == Status::Gone)
        {
            let reason = super::kinds::gone_reason(g.reason, g.redirected_to.as_deref(), w);
            let since =
                templates::time_label(g.first_seen.as_deref().unwrap_or(&report.checked_at), w);
            let body = fill(
                w.notify_gone_body,
                &[
                    ("asin", asin),
                    ("marketplace", marketplace),
                    ("reason", &reason),
                    ("since", &since),
                    ("title", &title_text),
                ],
            );
            return Some(Notification {
                key,
                title: w.notify_gone_title.to_string(),
                body: body.trim_end().to_string(),
            });
        }
        let mut body = fill(
            w.notify_body,
            &[
                ("asin", asin),
                ("marketplace", marketplace),
                ("fields", &labels.join(w.list_sep)),
                ("title", &title_text),
            ],
        )
        .trim_end()
        .to_string();
        // Family, Buy Box and availability changes in plain words.
        for m in report
            .mismatches
            .iter()
            .filter(|m| fields.contains(&m.field))
        {
            if let Some(text) = super::kinds::mismatch_sentence(m, None, &report.checked_at, w) {
                body.push('\n');
                body.push_str(&text);
            }
        }
        Some(Notification {
            key,
            title: w.notify_title.to_string(),
            body,
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
