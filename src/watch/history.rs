//! Change history of one listing: what its product page showed over time.
//!
//! Every time a page is read (the toolbar badge check, a scheduled
//! re-check, an import) an [`Observation`] — a compact snapshot of the
//! watched fields — is [`History::record`]ed. A [`Change`] is stored only
//! when the observation differs from the *previous* observation of that
//! listing, field by field, with the field names of
//! [`crate::check::Mismatch::field`] (`title`, `brand`, `images.main`,
//! `images.gallery`, `variations.<dimension>`, `breadcrumb`, `bullets`,
//! `description`, `seller`, `offers`). Image values are image IDs.
//!
//! # Comparing
//!
//! Values are compared as the check compares them
//! ([`crate::check::normalize::normalize`]: NFKC, invisible characters
//! removed, whitespace collapsed, case kept); list items that normalise to
//! nothing are dropped, and an empty text or list counts as "no value"
//! (`null`). Sellers compare by merchant ID when both sides have one, else by
//! name. The value *stored* in a change is the one observed, as shown.
//!
//! What a page does not show is not evidence of a change (the same rule the
//! check uses against false alarms): the gallery is observed only when the
//! page shows more than the main image, the breadcrumb only when the page
//! shows one, the offer count only when shown. An observation from an
//! import holds only the fields the imported data has. A field seen for the
//! first time is remembered with its time ([`History::first`]) but is not a
//! change — except a variation dimension appearing on a product page after
//! a product page was already observed (a change from `null`); likewise a
//! variation dimension that disappears from a product page is a change to
//! `null`.
//!
//! The variation family is observed as `family.parent` (the parent ASIN, `null`
//! without a family) and `family.members` (the members' ASINs, sorted), the
//! availability as `availability` only when the page says (`in_stock`,
//! `unavailable`).
//!
//! # A page that is gone
//!
//! A `gone` report ([`crate::check::gone`]) is recorded with
//! [`History::record_gone`]: the first sighting starts an episode
//! ([`History::gone`]) and stores one change of the field `gone` (`null` → the
//! reason, `redirected:<ASIN>` for a redirect); further sightings store no change
//! (one history entry, one notification), and a sighting by a scheduled re-check
//! after the first one marks the episode confirmed (a single 404 between good
//! pages can be a glitch; case texts call the page deleted only when confirmed).
//! The next product page of the listing ends the episode with a change of `gone`
//! back to `null`. [`History::last_recorded_at`] is not moved by a gone sighting,
//! so it stays "when the page was last seen".
//!
//! # Pruning (bounded storage)
//!
//! At most [`MAX_CHANGES`] changes are kept per listing. When a new change
//! makes the history longer, the **oldest change that only repeats values
//! seen before** is dropped — repeated until the history fits or no such
//! change is left. A change is never dropped while one of its field values
//! (`new`) is the first occurrence of that value for that field (the first
//! observed value of every field is kept apart in [`History::first`] and is
//! never dropped either). So [`History::first_seen`] answers the same for
//! every value before and after pruning. Only if more than
//! [`HARD_MAX_CHANGES`] changes each bring a value never seen before (a page
//! rotating values on purpose) are the oldest changes dropped regardless, so
//! storage stays bounded; [`History::dropped`] counts every dropped change.

use super::templates::{self, field_label, fill, Words};
use crate::check::normalize::normalize;
use crate::check::{Gone, GoneReason, Report, Status};
use crate::listing::Listing;
use crate::page::{PageKind, ProductPage};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Changes kept per listing before repeats are pruned.
pub const MAX_CHANGES: usize = 200;
/// Absolute bound on kept changes (see the module docs).
pub const HARD_MAX_CHANGES: usize = 1000;

/// Where an observation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The live page in the seller's tab (the toolbar badge check).
    Badge,
    /// A scheduled re-check.
    Recheck,
    /// Imported listing data.
    Import,
}

/// A compact snapshot of the watched fields of one page, at one time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// When observed (RFC 3339).
    pub at: String,
    /// Where from.
    pub source: Source,
    /// Observed values by field name (`title`, `images.main`,
    /// `variations.color_name`…). A field absent from the map was not
    /// observed; `null` means observed as absent.
    pub fields: BTreeMap<String, Value>,
}

impl Observation {
    /// The snapshot of a product page; `None` for any other page kind (a
    /// captcha or error page shows nothing about the listing).
    pub fn from_page(page: &ProductPage, source: Source, at: &str) -> Option<Observation> {
        if page.kind != PageKind::Product {
            return None;
        }
        let mut f = BTreeMap::new();
        let opt = |s: &Option<String>| s.as_deref().map_or(Value::Null, Value::from);
        f.insert("title".to_string(), opt(&page.title));
        f.insert("brand".to_string(), opt(&page.brand));
        f.insert(
            "images.main".to_string(),
            page.main_image().map_or(Value::Null, Value::from),
        );
        if page.images.len() > 1 {
            f.insert(
                "images.gallery".to_string(),
                Value::from(page.images[1..].to_vec()),
            );
        }
        for (dim, v) in &page.variations {
            f.insert(format!("variations.{dim}"), Value::from(v.as_str()));
        }
        if !page.breadcrumb.is_empty() {
            f.insert(
                "breadcrumb".to_string(),
                Value::from(page.breadcrumb.clone()),
            );
        }
        f.insert("bullets".to_string(), Value::from(page.bullets.clone()));
        f.insert("description".to_string(), opt(&page.description));
        f.insert(
            "seller".to_string(),
            page.seller
                .as_ref()
                .and_then(|s| serde_json::to_value(s).ok())
                .unwrap_or(Value::Null),
        );
        if let Some(n) = page.offer_count {
            f.insert("offers".to_string(), Value::from(n));
        }
        let family = page.family.as_ref();
        f.insert(
            "family.parent".to_string(),
            family
                .and_then(|f| f.parent.as_deref())
                .map_or(Value::Null, Value::from),
        );
        if let Some(fam) = family.filter(|f| !f.members.is_empty()) {
            let mut asins: Vec<String> = fam.members.iter().map(|m| m.asin.clone()).collect();
            asins.sort();
            f.insert("family.members".to_string(), Value::from(asins));
        }
        match page.availability {
            crate::page::Availability::InStock => {
                f.insert("availability".to_string(), Value::from("in_stock"));
            }
            crate::page::Availability::Unavailable => {
                f.insert("availability".to_string(), Value::from("unavailable"));
            }
            crate::page::Availability::Unknown => {}
        }
        Some(Observation {
            at: at.to_string(),
            source,
            fields: f,
        })
    }

    /// The snapshot of imported listing data: only the fields it has a value for.
    pub fn from_listing(listing: &Listing, at: &str) -> Observation {
        let mut f = BTreeMap::new();
        let mut put = |k: &str, v: Value| {
            if !is_null(&norm(&v)) {
                f.insert(k.to_string(), v);
            }
        };
        let opt = |s: &Option<String>| s.as_deref().map_or(Value::Null, Value::from);
        put("title", opt(&listing.title));
        put("brand", opt(&listing.brand));
        put(
            "images.main",
            listing
                .images
                .first()
                .map_or(Value::Null, |s| Value::from(s.as_str())),
        );
        if listing.images.len() > 1 {
            put("images.gallery", Value::from(listing.images[1..].to_vec()));
        }
        for (dim, v) in &listing.variations {
            put(&format!("variations.{dim}"), Value::from(v.as_str()));
        }
        put("breadcrumb", Value::from(listing.breadcrumb.clone()));
        put("bullets", Value::from(listing.bullets.clone()));
        put("description", opt(&listing.description));
        put(
            "seller",
            listing
                .seller
                .as_ref()
                .and_then(|s| serde_json::to_value(s).ok())
                .unwrap_or(Value::Null),
        );
        put(
            "offers",
            listing.offer_count.map_or(Value::Null, Value::from),
        );
        Observation {
            at: at.to_string(),
            source: Source::Import,
            fields: f,
        }
    }
}

/// One field that changed between two observations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Field name (as in `Mismatch.field`).
    pub field: String,
    /// Value before (`null`: none).
    pub old: Value,
    /// Value after (`null`: none).
    pub new: Value,
}

/// An observation that differed from the previous one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// When observed (RFC 3339).
    pub at: String,
    /// Where the observation came from.
    pub source: Source,
    /// The fields that changed, by field name.
    pub fields: Vec<FieldChange>,
}

/// When a field was first observed, and with which value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seen {
    /// When (RFC 3339).
    pub at: String,
    /// The value observed.
    pub value: Value,
}

/// The change history of one listing.
///
/// Stored (serialised) compactly: `last` holds only the fields whose last
/// value differs from their first one ([`History::first`]); a field absent
/// from it still has its first value. Every field is first observed with the
/// value it then also has last, so without this a history holding only its
/// first observation would store every value twice (half of a catalogue's
/// storage). A history stored with a full `last` reads the same.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(from = "StoredHistory")]
pub struct History {
    /// The first observed value of every field (never pruned).
    pub first: BTreeMap<String, Seen>,
    /// The last observed value of every field (what the next observation is
    /// compared with).
    pub last: BTreeMap<String, Value>,
    /// When the last observation was recorded (RFC 3339, the `now` of
    /// [`History::record`]).
    pub last_recorded_at: Option<String>,
    /// The changes, oldest first.
    pub entries: Vec<Change>,
    /// How many changes pruning has dropped so far.
    pub dropped: u64,
    /// Whether a product page (not only imported data) has been observed.
    pub page_observed: bool,
    /// The current "page gone" episode, while the listing's page is gone.
    pub gone: Option<GoneEpisode>,
}

/// [`History`] as read: `last` may leave out fields that still have their first value.
#[derive(Deserialize)]
struct StoredHistory {
    #[serde(default)]
    first: BTreeMap<String, Seen>,
    #[serde(default)]
    last: BTreeMap<String, Value>,
    #[serde(default)]
    last_recorded_at: Option<String>,
    #[serde(default)]
    entries: Vec<Change>,
    #[serde(default)]
    dropped: u64,
    #[serde(default)]
    page_observed: bool,
    #[serde(default)]
    gone: Option<GoneEpisode>,
}

impl From<StoredHistory> for History {
    fn from(s: StoredHistory) -> Self {
        let mut last = s.last;
        for (field, seen) in &s.first {
            if !last.contains_key(field) {
                last.insert(field.clone(), seen.value.clone());
            }
        }
        History {
            first: s.first,
            last,
            last_recorded_at: s.last_recorded_at,
            entries: s.entries,
            dropped: s.dropped,
            page_observed: s.page_observed,
            gone: s.gone,
        }
    }
}

/// [`History`] as written: `last` only where it differs from `first`.
#[derive(Serialize)]
struct StoredHistoryRef<'a> {
    first: &'a BTreeMap<String, Seen>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    last: BTreeMap<&'a str, &'a Value>,
    last_recorded_at: &'a Option<String>,
    entries: &'a [Change],
    dropped: u64,
    page_observed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    gone: Option<&'a GoneEpisode>,
}

impl Serialize for History {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let last = self
            .last
            .iter()
            .filter(|(f, v)| self.first.get(*f).map(|s| &s.value) != Some(*v))
            .map(|(f, v)| (f.as_str(), v))
            .collect();
        StoredHistoryRef {
            first: &self.first,
            last,
            last_recorded_at: &self.last_recorded_at,
            entries: &self.entries,
            dropped: self.dropped,
            page_observed: self.page_observed,
            gone: self.gone.as_ref(),
        }
        .serialize(serializer)
    }
}

/// A listing's page seen gone (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoneEpisode {
    /// Why (as at the first sighting).
    pub reason: GoneReason,
    /// The ASIN shown instead, for a redirect.
    #[serde(default)]
    pub redirected_to: Option<String>,
    /// First sighting (RFC 3339).
    pub since: String,
    /// Sightings so far.
    pub sightings: u32,
    /// When a scheduled re-check after the first sighting found it gone again.
    #[serde(default)]
    pub confirmed_at: Option<String>,
}

/// The `gone` field's value in a change: the reason, `redirected:<ASIN>` for a redirect.
pub fn gone_value(reason: GoneReason, redirected_to: Option<&str>) -> Value {
    match (reason, redirected_to) {
        (GoneReason::Redirected, Some(a)) => Value::from(format!("redirected:{a}")),
        (r, _) => Value::from(r.as_str()),
    }
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        History::default()
    }

    /// Records a `gone` report's sighting (see the module docs) by `source` at
    /// `now`. Returns the change stored at the first sighting of an episode,
    /// `None` afterwards (and for a report that is not `gone`).
    pub fn record_gone(&mut self, report: &Report, source: Source, now: &str) -> Option<Change> {
        let g = report
            .gone
            .as_ref()
            .filter(|_| report.status == Status::Gone)?;
        if let Some(ep) = self.gone.as_mut() {
            ep.sightings = ep.sightings.saturating_add(1);
            let later = match (
                crate::time::parse_rfc3339(&ep.since),
                crate::time::parse_rfc3339(now),
            ) {
                (Some(a), Some(b)) => b > a,
                _ => true,
            };
            if source == Source::Recheck && later && ep.confirmed_at.is_none() {
                ep.confirmed_at = Some(now.to_string());
            }
            return None;
        }
        self.gone = Some(GoneEpisode {
            reason: g.reason,
            redirected_to: g.redirected_to.clone(),
            since: now.to_string(),
            sightings: 1,
            confirmed_at: None,
        });
        let change = Change {
            at: now.to_string(),
            source,
            fields: vec![FieldChange {
                field: "gone".to_string(),
                old: Value::Null,
                new: gone_value(g.reason, g.redirected_to.as_deref()),
            }],
        };
        self.entries.push(change.clone());
        self.prune(MAX_CHANGES);
        Some(change)
    }

    /// Fills a `gone` report's [`Gone::first_seen`], [`Gone::last_seen`] and
    /// [`Gone::confirmed`] from this history (after [`History::record_gone`]).
    pub fn annotate(&self, report: &mut Report) {
        let Some(g) = report.gone.as_mut() else {
            return;
        };
        fill_gone(g, self, &report.checked_at);
    }

    /// Records the page's [`Observation`] (product pages only; `None` for
    /// any other kind).
    pub fn record_page(&mut self, page: &ProductPage, source: Source, now: &str) -> Option<Change> {
        let o = Observation::from_page(page, source, now)?;
        self.record(o, now)
    }

    /// Records `observation`, recorded at `now` (RFC 3339). Returns the
    /// [`Change`] stored when it differs from the previous observation,
    /// `None` otherwise (and for the very first observation, which only sets
    /// [`History::first`]). The change's `at` is the observation's time, or
    /// `now` when that does not parse as RFC 3339.
    pub fn record(&mut self, observation: Observation, now: &str) -> Option<Change> {
        self.record_with_limit(observation, now, MAX_CHANGES)
    }

    /// [`History::record`] with another soft limit than [`MAX_CHANGES`]
    /// (tests, or a smaller budget).
    pub fn record_with_limit(
        &mut self,
        observation: Observation,
        now: &str,
        limit: usize,
    ) -> Option<Change> {
        let at = if crate::time::parse_rfc3339(&observation.at).is_some() {
            observation.at.clone()
        } else {
            now.to_string()
        };
        self.last_recorded_at = Some(now.to_string());
        let page_source = observation.source != Source::Import;
        let mut changes = Vec::new();

        // Variation dimensions that disappeared from a product page.
        if page_source {
            for (field, old) in &self.last {
                if field.starts_with("variations.")
                    && !observation.fields.contains_key(field)
                    && !is_null(&norm(old))
                {
                    changes.push(FieldChange {
                        field: field.clone(),
                        old: old.clone(),
                        new: Value::Null,
                    });
                }
            }
        }
        for (field, new) in &observation.fields {
            match self.last.get(field) {
                // A variation dimension added to a page seen before (a
                // twister grafted onto the listing) is a change from null.
                None if page_source
                    && self.page_observed
                    && field.starts_with("variations.")
                    && !is_null(&norm(new)) =>
                {
                    changes.push(FieldChange {
                        field: field.clone(),
                        old: Value::Null,
                        new: new.clone(),
                    });
                }
                None => {
                    self.first.entry(field.clone()).or_insert_with(|| Seen {
                        at: at.clone(),
                        value: new.clone(),
                    });
                }
                Some(old) if !same(field, old, new) => changes.push(FieldChange {
                    field: field.clone(),
                    old: old.clone(),
                    new: new.clone(),
                }),
                Some(_) => {}
            }
        }
        // The listing's product page again: a gone episode ends.
        if page_source {
            if let Some(ep) = self.gone.take() {
                changes.push(FieldChange {
                    field: "gone".to_string(),
                    old: gone_value(ep.reason, ep.redirected_to.as_deref()),
                    new: Value::Null,
                });
            }
        }
        for c in &changes {
            if c.field != "gone" {
                self.last.insert(c.field.clone(), c.new.clone());
            }
        }
        for (field, new) in observation.fields {
            self.last.entry(field).or_insert(new);
        }
        self.page_observed |= page_source;
        if changes.is_empty() {
            return None;
        }
        changes.sort_by(|a, b| a.field.cmp(&b.field));
        let change = Change {
            at,
            source: observation.source,
            fields: changes,
        };
        self.entries.push(change.clone());
        self.prune(limit);
        Some(change)
    }

    /// Applies the pruning rule (module docs) with soft limit `limit`.
    fn prune(&mut self, limit: usize) {
        while self.entries.len() > limit {
            let mut seen: BTreeSet<(&str, String)> = self
                .first
                .iter()
                .map(|(f, s)| (f.as_str(), key(f, &s.value)))
                .collect();
            let mut victim = None;
            for (i, e) in self.entries.iter().enumerate() {
                let mut brings_new = false;
                for fc in &e.fields {
                    if seen.insert((fc.field.as_str(), key(&fc.field, &fc.new))) {
                        brings_new = true;
                    }
                }
                if !brings_new && victim.is_none() {
                    victim = Some(i);
                    break;
                }
            }
            match victim {
                Some(i) => {
                    self.entries.remove(i);
                    self.dropped += 1;
                }
                None => break,
            }
        }
        while self.entries.len() > HARD_MAX_CHANGES.max(limit) {
            self.entries.remove(0);
            self.dropped += 1;
        }
    }

    /// When `value` was first observed for `field` (RFC 3339), compared as
    /// the check compares; `None` if never.
    pub fn first_seen(&self, field: &str, value: &Value) -> Option<&str> {
        let k = key(field, value);
        if let Some(s) = self.first.get(field) {
            if key(field, &s.value) == k {
                return Some(&s.at);
            }
        }
        self.entries
            .iter()
            .find(|e| {
                e.fields
                    .iter()
                    .any(|fc| fc.field == field && key(field, &fc.new) == k)
            })
            .map(|e| e.at.as_str())
    }

    /// The changes after `since` (RFC 3339), oldest first.
    pub fn changes_since(&self, since: &str) -> Vec<&Change> {
        let since_ms = crate::time::parse_rfc3339(since);
        self.entries
            .iter()
            .filter(|e| match (since_ms, crate::time::parse_rfc3339(&e.at)) {
                (Some(s), Some(t)) => t > s,
                _ => true,
            })
            .collect()
    }

    /// The history as readable lines in `lang` (`ja`/`en`), times in the
    /// language's zone (ja: JST, en: UTC). One line per episode of one
    /// field: from the change away from a value until the field is back to
    /// that value (or the last change), e.g. `main image changed 2026-11-03
    /// 14:20 UTC from A to B; back to A on 2026-11-04 09:00 UTC`.
    pub fn timeline(&self, lang: &str) -> Vec<String> {
        let w = templates::words(lang);
        self.timeline_with_offset(lang, w.utc_offset_minutes)
    }

    /// [`History::timeline`] with times shown at `utc_offset_minutes`
    /// (the zone suffix is then `UTC±HH:MM`).
    pub fn timeline_with_offset(&self, lang: &str, utc_offset_minutes: i32) -> Vec<String> {
        let w = templates::words(lang);
        let time = |at: &str| {
            if utc_offset_minutes == w.utc_offset_minutes {
                templates::time_label(at, w)
            } else {
                let t = templates::local_time(at, utc_offset_minutes);
                let (sign, m) = if utc_offset_minutes < 0 {
                    ('-', -utc_offset_minutes)
                } else {
                    ('+', utc_offset_minutes)
                };
                format!("{t} UTC{sign}{:02}:{:02}", m / 60, m % 60)
            }
        };
        // (start index, field, start value key, visited value keys, text)
        struct Episode {
            order: usize,
            start: String,
            visited: BTreeSet<String>,
            text: String,
        }
        let mut open: BTreeMap<String, Episode> = BTreeMap::new();
        let mut done: Vec<(usize, String)> = Vec::new();
        let mut order = 0;
        for e in &self.entries {
            for fc in &e.fields {
                order += 1;
                let at = time(&e.at);
                // The page gone / back, and family, Buy Box and availability changes: one
                // plain sentence per change (kinds.rs), not an episode of values.
                if fc.field == "gone" {
                    let text = match fc.new.as_str() {
                        Some(v) => {
                            let (reason, to) = parse_gone_value(v);
                            let reason = super::kinds::gone_reason(reason, to, w);
                            fill(w.tl_gone, &[("at", &at), ("reason", &reason)])
                        }
                        None => fill(w.tl_gone_back, &[("at", &at)]),
                    };
                    done.push((order, text));
                    continue;
                }
                if let Some(text) = super::kinds::change_sentence(fc, &e.at, w) {
                    done.push((order, fill(w.tl_kind, &[("at", &at), ("text", &text)])));
                    continue;
                }
                let new_key = key(&fc.field, &fc.new);
                let new_text = show(&fc.field, &fc.new, w);
                match open.get_mut(&fc.field) {
                    Some(ep) => {
                        let tpl = if ep.visited.contains(&new_key) {
                            w.tl_back
                        } else {
                            w.tl_then
                        };
                        ep.text.push_str(w.tl_join);
                        ep.text
                            .push_str(&fill(tpl, &[("at", &at), ("new", &new_text)]));
                        ep.visited.insert(new_key.clone());
                        if new_key == ep.start {
                            if let Some(ep) = open.remove(&fc.field) {
                                done.push((ep.order, ep.text));
                            }
                        }
                    }
                    None => {
                        let start = key(&fc.field, &fc.old);
                        let text = fill(
                            w.tl_changed,
                            &[
                                ("field", &field_label(&fc.field, w)),
                                ("at", &at),
                                ("old", &show(&fc.field, &fc.old, w)),
                                ("new", &new_text),
                            ],
                        );
                        let visited = BTreeSet::from([start.clone(), new_key]);
                        open.insert(
                            fc.field.clone(),
                            Episode {
                                order,
                                start,
                                visited,
                                text,
                            },
                        );
                    }
                }
            }
        }
        done.extend(open.into_values().map(|ep| (ep.order, ep.text)));
        done.sort_by_key(|(o, _)| *o);
        done.into_iter()
            .map(|(_, mut t)| {
                t.push_str(w.tl_end);
                let mut c = t.chars();
                // English lines start with a capital letter.
                match c.next() {
                    Some(f) if w.lang == "en" => f.to_uppercase().chain(c).collect(),
                    _ => t,
                }
            })
            .collect()
    }
}

/// The reason and target of a `gone` change value (see [`gone_value`]).
fn parse_gone_value(v: &str) -> (GoneReason, Option<&str>) {
    match v {
        "not_found" => (GoneReason::NotFound, None),
        "no_longer_available" => (GoneReason::NoLongerAvailable, None),
        other => (GoneReason::Redirected, other.strip_prefix("redirected:")),
    }
}

fn fill_gone(g: &mut Gone, h: &History, checked_at: &str) {
    match &h.gone {
        Some(ep) => {
            g.first_seen = Some(ep.since.clone());
            g.confirmed = ep.confirmed_at.is_some();
        }
        None => {
            g.first_seen.get_or_insert_with(|| checked_at.to_string());
        }
    }
    if h.page_observed {
        g.last_seen.clone_from(&h.last_recorded_at);
    }
}

/// True for JSON null.
fn is_null(v: &Value) -> bool {
    v.is_null()
}

/// The comparable form of a value: strings normalised (blank → null),
/// lists of normalised non-blank items (empty → null), sellers as
/// `{id, name}` normalised.
pub(crate) fn norm(v: &Value) -> Value {
    match v {
        Value::String(s) => {
            let n = if s.is_ascii() {
                // NFKC leaves ASCII unchanged and no invisible character is
                // ASCII: only whitespace collapsing is left (same result as
                // `normalize`, much faster while pruning).
                s.split(char::is_whitespace)
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                normalize(s)
            };
            if n.is_empty() {
                Value::Null
            } else {
                Value::String(n)
            }
        }
        Value::Array(items) => {
            let out: Vec<Value> = items.iter().map(norm).filter(|i| !i.is_null()).collect();
            if out.is_empty() {
                Value::Null
            } else {
                Value::Array(out)
            }
        }
        Value::Object(o) => {
            let mut m = serde_json::Map::new();
            for (k, x) in o {
                let n = norm(x);
                if !n.is_null() {
                    let n = if k == "id" {
                        Value::from(n.as_str().unwrap_or_default().to_ascii_uppercase())
                    } else {
                        n
                    };
                    m.insert(k.clone(), n);
                }
            }
            if m.is_empty() {
                Value::Null
            } else {
                Value::Object(m)
            }
        }
        other => other.clone(),
    }
}

/// Whether two observed values of `field` are the same to the check.
fn same(field: &str, a: &Value, b: &Value) -> bool {
    let (a, b) = (norm(a), norm(b));
    if field == "seller" {
        if let (Value::Object(x), Value::Object(y)) = (&a, &b) {
            if let (Some(i), Some(j)) = (x.get("id"), y.get("id")) {
                return i == j;
            }
            return x.get("name") == y.get("name");
        }
    }
    a == b
}

/// The identity of a value for "distinct values" (pruning, first seen):
/// the normalised JSON; sellers by merchant ID when they have one.
pub(crate) fn key(field: &str, v: &Value) -> String {
    let n = norm(v);
    if field == "seller" {
        if let Some(id) = n.get("id").and_then(Value::as_str) {
            return format!("id:{id}");
        }
        if let Some(name) = n.get("name").and_then(Value::as_str) {
            return format!("name:{name}");
        }
    }
    match n {
        Value::String(s) => s,
        // Non-strings are marked so `null` does not equal the text "null".
        other => format!("json:{other}"),
    }
}

/// A value as short readable text (timeline, reopen lists), quoted in the
/// language's quotes; `null` as the language's "none", unquoted.
pub(crate) fn show(field: &str, v: &Value, w: &Words) -> String {
    show_max(field, v, w, 60)
}

/// [`show`] cut after `max` characters.
pub(crate) fn show_max(field: &str, v: &Value, w: &Words, max: usize) -> String {
    let text = match v {
        Value::Null => return w.none.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => return w.none.to_string(),
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect();
            if field == "images.gallery" {
                format!(
                    "{} ({})",
                    fill(w.tl_images, &[("n", &parts.len().to_string())]),
                    parts.join(", ")
                )
            } else {
                parts.join(" / ")
            }
        }
        Value::Object(o) => {
            let name = o.get("name").and_then(Value::as_str).unwrap_or("");
            match o.get("id").and_then(Value::as_str) {
                Some(id) if !id.is_empty() => format!("{name} ({}: {id})", w.l_seller_id),
                _ => name.to_string(),
            }
        }
        other => other.to_string(),
    };
    let text = if text.chars().count() > max {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    } else {
        text
    };
    format!("{}{text}{}", w.quote_open, w.quote_close)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(at: &str, pairs: &[(&str, Value)]) -> Observation {
        Observation {
            at: at.to_string(),
            source: Source::Recheck,
            fields: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        }
    }

    #[test]
    fn normalised_equal_values_are_no_change() {
        let mut h = History::new();
        let t = "2026-11-01T00:00:00Z";
        assert!(h
            .record(obs(t, &[("title", Value::from("ＡＢＣ　Switch"))]), t)
            .is_none());
        assert!(h
            .record(obs(t, &[("title", Value::from(" ABC Switch\u{200B}"))]), t)
            .is_none());
        assert!(h.entries.is_empty());
        // Case is kept: a real change.
        assert!(h
            .record(obs(t, &[("title", Value::from("abc switch"))]), t)
            .is_some());
    }

    #[test]
    fn ascii_fast_path_matches_normalize() {
        for s in ["", "  a  b\t\nc ", "\u{b}x\u{c}y\r", "USB-C", "a\u{1f}b"] {
            assert_eq!(norm(&Value::from(s)), {
                let n = normalize(s);
                if n.is_empty() {
                    Value::Null
                } else {
                    Value::from(n)
                }
            });
        }
    }

    #[test]
    fn seller_by_id_when_both_have_one() {
        let a = serde_json::json!({"id": "A1", "name": "Shop"});
        let b = serde_json::json!({"id": "a1", "name": "Shop renamed"});
        let c = serde_json::json!({"id": null, "name": "Shop"});
        assert!(same("seller", &a, &b));
        assert!(same("seller", &a, &c));
        assert!(!same("seller", &b, &c));
    }
}
