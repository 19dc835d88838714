//! The Seller Support case log of a listing, and the texts a seller pastes
//! into a case.
//!
//! A [`Case`] remembers the Seller Support case ID the seller got, its
//! status, notes and the evidence (reports) attached over time.
//! [`case_report_text`] writes the first message (or an addition to an open
//! case), [`reopen_text`] the message that reopens a case with what is new
//! since it was last updated; both in Japanese (丁寧語, the way a careful
//! seller writes to Seller Support) or English. Every word comes from
//! [`super::templates`]. [`case_log_url`] links to the marketplace's
//! Seller Central case log.

use super::history::{self, History};
use super::templates::{self, field_label, fill, time_label, Words};
use crate::check::{Gone, Mismatch, Report, Severity, Status};
use crate::listing::Listing;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Shortest accepted case ID (digits).
pub const CASE_ID_MIN_LEN: usize = 8;
/// Longest accepted case ID (digits). Seller Support case IDs seen are 10
/// or 11 digits.
pub const CASE_ID_MAX_LEN: usize = 15;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Opened, waiting for Amazon.
    Open,
    /// Amazon answered.
    Answered,
    /// Closed (resolved or not).
    Closed,
    /// Reopened by the seller.
    Reopened,
}

/// One piece of evidence attached to a case: what a check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// When the page was checked (RFC 3339).
    pub at: String,
    /// The report status.
    pub status: Status,
    /// Short summary, e.g. `images.main, variations.color_name`.
    pub summary: String,
    /// The mismatches (without character diffs, to stay compact).
    pub mismatches: Vec<Mismatch>,
}

impl Evidence {
    /// The evidence of `report`.
    pub fn from_report(report: &Report) -> Evidence {
        let mismatches: Vec<Mismatch> = report
            .mismatches
            .iter()
            .map(|m| Mismatch {
                diff: None,
                ..m.clone()
            })
            .collect();
        let summary = if mismatches.is_empty() {
            report.status.as_str().to_string()
        } else {
            mismatches
                .iter()
                .map(|m| m.field.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        Evidence {
            at: report.checked_at.clone(),
            status: report.status,
            summary,
            mismatches,
        }
    }
}

/// A Seller Support case about one listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// The Seller Support case ID, digits only (e.g. `1234567890`).
    pub id: String,
    /// Marketplace host, e.g. `amazon.co.jp`.
    pub marketplace: String,
    /// When the case was opened (`YYYY-MM-DD`).
    pub opened: String,
    /// Status.
    pub status: CaseStatus,
    /// The seller's notes.
    #[serde(default)]
    pub notes: String,
    /// Evidence attached, oldest first.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Last change to this record (RFC 3339).
    pub updated_at: String,
    /// Opened through Brand Registry rather than Seller Central (its case page
    /// is on brandregistry.amazon.com, see [`case_url`]).
    #[serde(default)]
    pub brand_registry: bool,
}

/// Why a case could not be created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseError {
    /// No case ID given.
    EmptyId,
    /// The case ID has something other than digits.
    NotDigits {
        /// The first offending character.
        found: char,
    },
    /// The case ID is too short or too long.
    BadLength {
        /// Digits given.
        len: usize,
    },
    /// The opening date is not `YYYY-MM-DD`.
    BadDate {
        /// The text given.
        found: String,
    },
}

impl CaseError {
    /// The message in `lang` (`ja` or `en`) for the options page / popup.
    pub fn message(&self, lang: &str) -> String {
        let ja = templates::words(lang).lang == "ja";
        match (ja, self) {
            (true, CaseError::EmptyId) => "ケースIDを入力してください。".into(),
            (true, CaseError::NotDigits { found }) => format!(
                "ケースIDは数字のみで入力してください（「{found}」は使えません）。"
            ),
            (true, CaseError::BadLength { len }) => format!(
                "ケースIDの桁数が正しくありません（{len}桁）。{CASE_ID_MIN_LEN}〜{CASE_ID_MAX_LEN}桁の数字を入力してください。"
            ),
            (true, CaseError::BadDate { found }) => format!(
                "日付「{found}」を読み取れません。YYYY-MM-DD の形式で入力してください。"
            ),
            (false, e) => e.to_string(),
        }
    }
}

impl std::fmt::Display for CaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CaseError::EmptyId => write!(f, "enter the Seller Support case ID"),
            CaseError::NotDigits { found } => {
                write!(f, "a case ID has digits only ({found:?} is not a digit)")
            }
            CaseError::BadLength { len } => write!(
                f,
                "a case ID has {CASE_ID_MIN_LEN} to {CASE_ID_MAX_LEN} digits, this one has {len}"
            ),
            CaseError::BadDate { found } => {
                write!(f, "the date {found:?} is not in the form YYYY-MM-DD")
            }
        }
    }
}

impl std::error::Error for CaseError {}

/// Checks a case ID as typed and returns it cleaned: full-width digits
/// (１２３) become ASCII, spaces and a leading `#` are removed; then it must
/// be [`CASE_ID_MIN_LEN`]..=[`CASE_ID_MAX_LEN`] ASCII digits.
pub fn validate_case_id(text: &str) -> Result<String, CaseError> {
    let cleaned: String = crate::check::normalize::nfkc(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>();
    let cleaned = cleaned.trim_start_matches('#').to_string();
    if cleaned.is_empty() {
        return Err(CaseError::EmptyId);
    }
    if let Some(c) = cleaned.chars().find(|c| !c.is_ascii_digit()) {
        return Err(CaseError::NotDigits { found: c });
    }
    let len = cleaned.len();
    if !(CASE_ID_MIN_LEN..=CASE_ID_MAX_LEN).contains(&len) {
        return Err(CaseError::BadLength { len });
    }
    Ok(cleaned)
}

/// `YYYY-MM-DD` (or the date part of an RFC 3339 time) checked as a real date.
fn validate_date(text: &str) -> Result<String, CaseError> {
    let t: String = crate::check::normalize::nfkc(text.trim()).into_owned();
    let date = t.get(..10).unwrap_or(&t);
    let ok = crate::time::parse_rfc3339(&format!("{date}T00:00:00Z")).is_some()
        && (t.len() == 10 || crate::time::parse_rfc3339(&t).is_some());
    if ok {
        Ok(date.to_string())
    } else {
        Err(CaseError::BadDate {
            found: text.to_string(),
        })
    }
}

impl Case {
    /// A new open case. `id` is checked with [`validate_case_id`], `opened`
    /// is `YYYY-MM-DD` (an RFC 3339 time is cut to its date); `now` is RFC 3339.
    pub fn new(id: &str, marketplace: &str, opened: &str, now: &str) -> Result<Case, CaseError> {
        Ok(Case {
            id: validate_case_id(id)?,
            marketplace: marketplace.trim().to_string(),
            opened: validate_date(opened)?,
            status: CaseStatus::Open,
            notes: String::new(),
            evidence: Vec::new(),
            updated_at: now.to_string(),
            brand_registry: false,
        })
    }

    /// Attaches `report` as evidence and bumps `updated_at`.
    pub fn add_evidence(&mut self, report: &Report, now: &str) {
        self.evidence.push(Evidence::from_report(report));
        self.updated_at = now.to_string();
    }

    /// Sets the status and bumps `updated_at`.
    pub fn set_status(&mut self, status: CaseStatus, now: &str) {
        self.status = status;
        self.updated_at = now.to_string();
    }

    /// Whether the case is still being worked on (open, answered or reopened).
    pub fn is_active(&self) -> bool {
        self.status != CaseStatus::Closed
    }
}

/// The Seller Central case log ("case lobby") of `marketplace`.
///
/// The `/cu/case-lobby` path is the one Seller Central links to as the case
/// log; it is used on `sellercentral.amazon.com`, `sellercentral.amazon.in`,
/// `sellercentral.amazon.com.br` and `sellercentral.amazon.co.jp` in public
/// automation scripts and in Amazon's own SP-API docs ("open a case":
/// `https://sellercentral.amazon.com/cu/case-lobby`). EU marketplaces
/// (UK, DE, FR, IT, ES, NL, SE, PL, BE, IE) share the unified
/// `sellercentral-europe.amazon.com` (its `/cu/contact-us` is linked the same
/// way); Japan uses `sellercentral.amazon.co.jp`; every other marketplace its
/// own `sellercentral.<marketplace>`. An unknown marketplace gets the
/// amazon.com one.
pub fn case_log_url(marketplace: &str) -> String {
    const EU: &[&str] = &[
        "amazon.co.uk",
        "amazon.de",
        "amazon.fr",
        "amazon.it",
        "amazon.es",
        "amazon.nl",
        "amazon.se",
        "amazon.pl",
        "amazon.com.be",
        "amazon.ie",
    ];
    let m = marketplace
        .trim()
        .trim_start_matches("www.")
        .to_ascii_lowercase();
    let host = if EU.contains(&m.as_str()) {
        "sellercentral-europe.amazon.com".to_string()
    } else if crate::page::kind::MARKETPLACES.contains(&m.as_str()) {
        format!("sellercentral.{m}")
    } else {
        "sellercentral.amazon.com".to_string()
    };
    format!("https://{host}/cu/case-lobby")
}

/// The full-size image URL of an image ID (for evidence; the thumbnail is
/// [`crate::page::images::image_url`]).
pub fn full_image_url(id: &str) -> String {
    format!("https://m.media-amazon.com/images/I/{}.jpg", id.trim())
}

/// The text for a Seller Support case about `report`: ASIN, marketplace,
/// product title, detail page URL, check time, then every mismatch with the
/// expected and observed values (images as IDs and full-size URLs) and when
/// the observed value was first seen according to `history`; the case ID
/// when `case` is given. `lang`: `ja` or `en`. Meant for a `mismatch`
/// report; for any other status the text says the page was checked and
/// lists no difference.
pub fn case_report_text(
    report: &Report,
    listing: Option<&Listing>,
    history: Option<&History>,
    case: Option<&Case>,
    lang: &str,
) -> String {
    case_report_text_with_shots(report, listing, history, case, &[], lang)
}

/// [`case_report_text`] that also says how many dated screenshots of the
/// page exist and when each was taken (`shots`: the listing's; those of
/// other cases are left out, see [`super::shots::for_case`]).
pub fn case_report_text_with_shots(
    report: &Report,
    listing: Option<&Listing>,
    history: Option<&History>,
    case: Option<&Case>,
    shots: &[super::shots::ShotInfo],
    lang: &str,
) -> String {
    let w = templates::words(lang);
    let mut s = String::new();
    let _ = writeln!(s, "{}\n", w.greeting);
    s.push_str(if report.status == Status::Gone {
        w.case_gone_intro
    } else if report.mismatches.is_empty() {
        w.report_intro_checked
    } else {
        w.report_intro
    });
    s.push('\n');
    if let Some(c) = case {
        s.push_str(&fill(w.report_case_ref, &[("case_id", &c.id)]));
        s.push('\n');
    }
    let title = listing
        .and_then(|l| l.title.as_deref())
        .or(report.page.title.as_deref());
    write_product(&mut s, report, listing, title, w.l_title, case, w);
    write_mismatches(&mut s, report, history, &BTreeSet::new(), w);
    super::shots::write_paragraph(&mut s, &super::shots::for_case(shots, case), None, w);
    let _ = writeln!(s, "\n{}", w.h_request);
    let _ = writeln!(s, "{}", w.report_request);
    let _ = writeln!(s, "\n{}", w.closing);
    s
}

/// The text that reopens `case`: cites the case ID, when it was opened and
/// last updated, lists the changes `history` recorded since then, and the
/// current differences in `report`, marking those not in the case's last
/// evidence (or, without evidence, first seen after the case's last update).
pub fn reopen_text(case: &Case, report: &Report, history: Option<&History>, lang: &str) -> String {
    reopen_text_with_shots(case, report, history, &[], lang)
}

/// [`reopen_text`] that also lists the case's dated screenshots (and those
/// taken without a case), marking the ones taken since the case was last
/// updated.
pub fn reopen_text_with_shots(
    case: &Case,
    report: &Report,
    history: Option<&History>,
    shots: &[super::shots::ShotInfo],
    lang: &str,
) -> String {
    let w = templates::words(lang);
    let mut s = String::new();
    let _ = writeln!(s, "{}\n", w.greeting);
    let updated = time_label(&case.updated_at, w);
    s.push_str(&fill(
        w.reopen_intro,
        &[
            ("case_id", &case.id),
            ("opened", &case.opened),
            ("updated", &updated),
        ],
    ));
    s.push('\n');
    s.push_str(if report.status == Status::Gone {
        w.case_gone_intro
    } else if report.status == Status::Mismatch {
        w.reopen_still
    } else {
        w.reopen_matches
    });
    s.push('\n');

    // What the history recorded since the case was last updated.
    let _ = writeln!(s, "\n{}", w.h_since);
    let since = history
        .map(|h| h.changes_since(&case.updated_at))
        .unwrap_or_default();
    if since.is_empty() {
        let _ = writeln!(s, "{}", w.reopen_nothing_new);
    }
    for c in since {
        for fc in &c.fields {
            let _ = writeln!(
                s,
                "{}",
                fill(
                    w.reopen_change,
                    &[
                        ("at", &time_label(&c.at, w)),
                        ("field", &field_label(&fc.field, w)),
                        ("old", &value_inline(&fc.field, &fc.old, w)),
                        ("new", &value_inline(&fc.field, &fc.new, w)),
                    ],
                )
            );
        }
    }

    // Which current differences are new since the case was last updated.
    let pair = |m: &Mismatch| (m.field.clone(), history::key(&m.field, &m.actual));
    let new: BTreeSet<(String, String)> = match case.evidence.last() {
        Some(ev) => {
            let before: BTreeSet<_> = ev.mismatches.iter().map(pair).collect();
            report
                .mismatches
                .iter()
                .map(pair)
                .filter(|p| !before.contains(p))
                .collect()
        }
        None => {
            let updated_ms = crate::time::parse_rfc3339(&case.updated_at);
            report
                .mismatches
                .iter()
                .filter(|m| {
                    let first = history
                        .and_then(|h| h.first_seen(&m.field, &m.actual))
                        .and_then(crate::time::parse_rfc3339);
                    matches!((first, updated_ms), (Some(f), Some(u)) if f > u)
                })
                .map(pair)
                .collect()
        }
    };
    let title = report
        .mismatches
        .iter()
        .find(|m| m.field == "title")
        .and_then(|m| m.expected.as_str())
        .or(report.page.title.as_deref());
    write_product(&mut s, report, None, title, w.l_title_page, Some(case), w);
    write_mismatches(&mut s, report, history, &new, w);
    super::shots::write_paragraph(
        &mut s,
        &super::shots::for_case(shots, Some(case)),
        Some(&case.updated_at),
        w,
    );
    let _ = writeln!(s, "\n{}", w.h_request);
    let _ = writeln!(s, "{}", w.reopen_request);
    let _ = writeln!(s, "\n{}", w.closing);
    s
}

fn write_product(
    s: &mut String,
    report: &Report,
    listing: Option<&Listing>,
    title: Option<&str>,
    title_label: &str,
    case: Option<&Case>,
    w: &Words,
) {
    let asin = report.asin.as_deref().or(listing.map(|l| l.asin.as_str()));
    let marketplace = report
        .marketplace
        .as_deref()
        .or(listing.map(|l| l.marketplace.as_str()))
        .or(case.map(|c| c.marketplace.as_str()));
    let _ = writeln!(s, "\n{}", w.h_product);
    let _ = writeln!(s, "{}: {}", w.l_asin, asin.unwrap_or(w.unknown));
    let _ = writeln!(
        s,
        "{}: {}",
        w.l_marketplace,
        marketplace.unwrap_or(w.unknown)
    );
    let _ = writeln!(s, "{}: {}", title_label, title.unwrap_or(w.unknown));
    if let (Some(a), Some(m)) = (asin, marketplace) {
        let _ = writeln!(s, "{}: {}", w.l_page, super::schedule::product_url(m, a));
    }
    let _ = writeln!(s, "{}: {}", w.l_checked, time_label(&report.checked_at, w));
    if let Some(c) = case {
        let _ = writeln!(s, "{}: {}", w.l_case_id, c.id);
    }
}

fn write_mismatches(
    s: &mut String,
    report: &Report,
    history: Option<&History>,
    new: &BTreeSet<(String, String)>,
    w: &Words,
) {
    if let Some(g) = report
        .gone
        .as_ref()
        .filter(|_| report.status == Status::Gone)
    {
        write_gone(s, g, &report.checked_at, history, w);
        return;
    }
    if report.mismatches.is_empty() {
        let _ = writeln!(s, "\n{}", w.no_differences);
        return;
    }
    let n = report.mismatches.len().to_string();
    let _ = writeln!(s, "\n{}", fill(w.h_differences, &[("n", &n)]));
    // Most severe first, as the report orders them.
    for (i, m) in report.mismatches.iter().enumerate() {
        let mark = if new.contains(&(m.field.clone(), history::key(&m.field, &m.actual))) {
            w.new_mark
        } else {
            ""
        };
        let sev = match (w.lang, m.severity) {
            ("ja", Severity::Critical) => "［重大］",
            ("ja", Severity::Warning) => "［警告］",
            ("ja", Severity::Info) => "［参考］",
            (_, Severity::Critical) => " [critical]",
            (_, Severity::Warning) => " [warning]",
            (_, Severity::Info) => " [info]",
        };
        let _ = writeln!(s, "{}. {}{sev}{mark}", i + 1, field_label(&m.field, w));
        if let Some(text) = super::kinds::mismatch_sentence(m, history, &report.checked_at, w) {
            let _ = writeln!(s, "   {text}");
        }
        write_value(s, w.l_expected, &m.field, &m.expected, w);
        write_value(s, w.l_observed, &m.field, &m.actual, w);
        if let Some(at) = history.and_then(|h| h.first_seen(&m.field, &m.actual)) {
            let _ = writeln!(s, "   {}: {}", w.l_first_seen, time_label(at, w));
        }
    }
}

/// A gone page: what is gone since when, whether a re-check confirmed it (only
/// then is it called deleted), the request to restore it, and the last values the
/// history saw on the page (title, brand, main image, parent ASIN…).
fn write_gone(s: &mut String, g: &Gone, checked_at: &str, history: Option<&History>, w: &Words) {
    s.push('\n');
    for line in super::kinds::gone_sentences(g, checked_at, w) {
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s, "{}", w.case_gone_request);
    let Some(h) = history.filter(|h| h.page_observed) else {
        return;
    };
    let _ = writeln!(s, "\n{}", w.case_head_last_known);
    for field in [
        "title",
        "brand",
        "images.main",
        "family.parent",
        "seller",
        "description",
    ] {
        if let Some(v) = h.last.get(field).filter(|v| !v.is_null()) {
            let value = if field == "images.main" {
                let id = v.as_str().unwrap_or_default();
                format!("{id} {}", full_image_url(id))
            } else {
                history::show_max(field, v, w, 200)
            };
            let _ = writeln!(s, "- {}: {value}", field_label(field, w));
        }
    }
    let dims: Vec<(&String, &Value)> = h
        .last
        .iter()
        .filter(|(k, v)| k.starts_with("variations.") && !v.is_null())
        .collect();
    for (field, v) in dims {
        let _ = writeln!(
            s,
            "- {}: {}",
            field_label(field, w),
            history::show_max(field, v, w, 200)
        );
    }
}

/// The case's own page, where Seller Support's "reopen this case" button is:
/// `https://<Seller Central host>/cu/case-dashboard/view-case?caseID=<id>`, or
/// `https://brandregistry.amazon.com/cu/case-dashboard/view-case?caseID=<id>` for
/// a case opened through Brand Registry. The Seller Central host is the one of
/// [`case_log_url`], except that amazon.co.uk and amazon.de cases open on their
/// own hosts (`sellercentral.amazon.co.uk`, `sellercentral.amazon.de`). Without a
/// usable case ID (digits only), the case log ([`case_log_url`]).
pub fn case_url(case: &Case) -> String {
    let id = case.id.trim();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return case_log_url(&case.marketplace);
    }
    if case.brand_registry {
        return format!("https://brandregistry.amazon.com/cu/case-dashboard/view-case?caseID={id}");
    }
    let m = case
        .marketplace
        .trim()
        .trim_start_matches("www.")
        .to_ascii_lowercase();
    let host = match m.as_str() {
        "amazon.co.uk" | "amazon.de" => format!("https://sellercentral.{m}"),
        _ => {
            let lobby = case_log_url(&m);
            lobby
                .strip_suffix("/cu/case-lobby")
                .unwrap_or("https://sellercentral.amazon.com")
                .to_string()
        }
    };
    format!("{host}/cu/case-dashboard/view-case?caseID={id}")
}

/// A value on one line (reopen change lists): images as IDs, long texts
/// (descriptions) cut after 200 characters.
fn value_inline(field: &str, v: &Value, w: &Words) -> String {
    history::show_max(field, v, w, 200)
}

fn write_value(s: &mut String, label: &str, field: &str, v: &Value, w: &Words) {
    let images = field.starts_with("images.");
    let item = |x: &str| -> String {
        if images {
            format!("{x}\n       {}", full_image_url(x))
        } else {
            x.to_string()
        }
    };
    match v {
        Value::Null => {
            let _ = writeln!(s, "   {label}: {}", w.none);
        }
        Value::String(x) => {
            let _ = writeln!(s, "   {label}: {}", item(x));
        }
        Value::Array(items) if items.is_empty() => {
            let _ = writeln!(s, "   {label}: {}", w.none);
        }
        Value::Array(items) => {
            let _ = writeln!(s, "   {label}:");
            for x in items {
                let text = x.as_str().map_or_else(|| x.to_string(), item);
                let _ = writeln!(s, "     - {text}");
            }
        }
        Value::Object(o) => {
            let name = o.get("name").and_then(Value::as_str).unwrap_or("");
            match o.get("id").and_then(Value::as_str) {
                Some(id) => {
                    let _ = writeln!(s, "   {label}: {name} ({}: {id})", w.l_seller_id);
                }
                None => {
                    let _ = writeln!(s, "   {label}: {name}");
                }
            }
        }
        other => {
            let _ = writeln!(s, "   {label}: {other}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_ids() {
        assert_eq!(validate_case_id(" 1234567890 ").unwrap(), "1234567890");
        assert_eq!(
            validate_case_id("１２３４５６７８９０").unwrap(),
            "1234567890"
        );
        assert_eq!(validate_case_id("#22153077391").unwrap(), "22153077391");
        assert_eq!(validate_case_id(""), Err(CaseError::EmptyId));
        assert_eq!(validate_case_id("  "), Err(CaseError::EmptyId));
        assert_eq!(
            validate_case_id("12345-67890"),
            Err(CaseError::NotDigits { found: '-' })
        );
        assert_eq!(
            validate_case_id("1234"),
            Err(CaseError::BadLength { len: 4 })
        );
        assert_eq!(
            validate_case_id("1234567890123456"),
            Err(CaseError::BadLength { len: 16 })
        );
        let e = validate_case_id("12a4567890").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a case ID has digits only ('a' is not a digit)"
        );
        assert!(e.message("ja").contains("数字のみ"), "{}", e.message("ja"));
        assert!(CaseError::BadLength { len: 4 }
            .to_string()
            .contains("8 to 15 digits, this one has 4"));
    }

    #[test]
    fn dates() {
        assert_eq!(validate_date("2026-11-03").unwrap(), "2026-11-03");
        assert_eq!(validate_date("2026-11-03T10:00:00Z").unwrap(), "2026-11-03");
        assert!(validate_date("2026-13-03").is_err());
        assert!(validate_date("03/11/2026").is_err());
        assert!(validate_date("2026-11-03xyz").is_err());
    }

    #[test]
    fn case_page_urls() {
        let case = |m: &str, id: &str, br: bool| Case {
            brand_registry: br,
            ..Case::new("1234567890", m, "2026-11-03", "2026-11-03T00:00:00Z")
                .map(|mut c| {
                    c.id = id.to_string();
                    c
                })
                .expect("case")
        };
        assert_eq!(
            case_url(&case("amazon.co.jp", "1234567890", false)),
            "https://sellercentral.amazon.co.jp/cu/case-dashboard/view-case?caseID=1234567890"
        );
        assert_eq!(
            case_url(&case("amazon.com", "22153077391", false)),
            "https://sellercentral.amazon.com/cu/case-dashboard/view-case?caseID=22153077391"
        );
        assert_eq!(
            case_url(&case("amazon.co.uk", "1234567890", false)),
            "https://sellercentral.amazon.co.uk/cu/case-dashboard/view-case?caseID=1234567890"
        );
        assert_eq!(
            case_url(&case("www.amazon.de", "1234567890", false)),
            "https://sellercentral.amazon.de/cu/case-dashboard/view-case?caseID=1234567890"
        );
        assert_eq!(
            case_url(&case("amazon.fr", "1234567890", false)),
            "https://sellercentral-europe.amazon.com/cu/case-dashboard/view-case?caseID=1234567890"
        );
        assert_eq!(
            case_url(&case("amazon.co.jp", "1234567890", true)),
            "https://brandregistry.amazon.com/cu/case-dashboard/view-case?caseID=1234567890"
        );
        // No usable case ID: the lobby.
        assert_eq!(
            case_url(&case("amazon.co.jp", "", false)),
            "https://sellercentral.amazon.co.jp/cu/case-lobby"
        );
        assert_eq!(
            case_url(&case("amazon.com", "12&x=1", true)),
            "https://sellercentral.amazon.com/cu/case-lobby"
        );
    }

    #[test]
    fn case_log_urls() {
        assert_eq!(
            case_log_url("amazon.co.jp"),
            "https://sellercentral.amazon.co.jp/cu/case-lobby"
        );
        assert_eq!(
            case_log_url("amazon.com"),
            "https://sellercentral.amazon.com/cu/case-lobby"
        );
        assert_eq!(
            case_log_url("www.amazon.de"),
            "https://sellercentral-europe.amazon.com/cu/case-lobby"
        );
        assert_eq!(
            case_log_url("amazon.co.uk"),
            "https://sellercentral-europe.amazon.com/cu/case-lobby"
        );
        assert_eq!(
            case_log_url("amazon.ca"),
            "https://sellercentral.amazon.ca/cu/case-lobby"
        );
        assert_eq!(
            case_log_url("evil.example/x"),
            "https://sellercentral.amazon.com/cu/case-lobby"
        );
    }
}
