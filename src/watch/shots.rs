//! Dated screenshots of a product page, kept as evidence for a Seller
//! Support case.
//!
//! A [`Shot`] is one capture of the visible part of a product page while it
//! showed a mismatch (or was gone): a JPEG (as a `data:` URL) stamped with the
//! time, the page URL, the ASIN and the fields that differed, and the ID of
//! the case that was active when it was taken. The extension keeps a
//! listing's shots in `storage.local` under `shots:<marketplace/ASIN>`
//! (never in `storage.sync`); this module decides what a valid shot is
//! ([`Shot::check`], also for imported files), which shots go when a
//! listing's shots exceed their budget ([`prune`], [`add`]), what a saved
//! file is called ([`file_name`]) and what the case texts say about them
//! ([`write_paragraph`]).
//!
//! **Budget per listing:** at most [`MAX_SHOTS`] shots and [`BUDGET_BYTES`]
//! bytes of JPEG; one shot at most [`MAX_SHOT_BYTES`].
//!
//! **Pruning** follows the change history's rule (see
//! [`super::history`]): the oldest shot that only repeats what an earlier
//! kept shot already shows (the same status and differing fields) goes
//! first, so the first capture of every distinct wrong state is kept; then
//! the oldest. A shot attached to an active case (open, answered or
//! reopened) is never pruned: when such shots alone fill the budget, a new
//! capture is refused ([`ShotError::BudgetFull`]) and nothing stored changes.

use super::cases::Case;
use super::templates::{fill, time_label, Words};
use crate::check::Mismatch;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// JPEG quality (percent) the extension encodes captures with.
pub const JPEG_QUALITY: u8 = 70;
/// Widest capture kept, in pixels (a high-density screen's capture is scaled
/// down to this width).
pub const MAX_WIDTH: u32 = 1600;
/// Largest single capture (bytes of JPEG).
pub const MAX_SHOT_BYTES: usize = 3 * 1024 * 1024;
/// Most bytes of JPEG kept per listing.
pub const BUDGET_BYTES: usize = 8 * 1024 * 1024;
/// Most shots kept per listing.
pub const MAX_SHOTS: usize = 30;

/// The prefix of [`Shot::jpeg`].
pub const DATA_URL_PREFIX: &str = "data:image/jpeg;base64,";

/// One dated screenshot of a product page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shot {
    /// Unique within the listing, e.g. `s1764843600000`.
    pub id: String,
    /// When it was taken (RFC 3339, UTC).
    pub at: String,
    /// The page's address when it was taken.
    pub url: String,
    /// The listing's ASIN.
    pub asin: String,
    /// The listing's marketplace, e.g. `amazon.co.jp`.
    pub marketplace: String,
    /// The report status when it was taken (`mismatch`, `gone`).
    pub status: String,
    /// The fields that differed (`Mismatch.field` names), most severe first.
    #[serde(default)]
    pub fields: Vec<String>,
    /// The case that was active when it was taken.
    #[serde(default)]
    pub case_id: Option<String>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes of JPEG (decoded `jpeg`).
    pub bytes: usize,
    /// The image: `data:image/jpeg;base64,…`.
    pub jpeg: String,
}

/// What the case texts need of a shot (any shot record, image left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShotInfo {
    /// [`Shot::id`].
    #[serde(default)]
    pub id: String,
    /// [`Shot::at`].
    pub at: String,
    /// [`Shot::asin`].
    #[serde(default)]
    pub asin: String,
    /// [`Shot::status`].
    #[serde(default)]
    pub status: String,
    /// [`Shot::fields`].
    #[serde(default)]
    pub fields: Vec<String>,
    /// [`Shot::case_id`].
    #[serde(default)]
    pub case_id: Option<String>,
}

impl From<&Shot> for ShotInfo {
    fn from(s: &Shot) -> Self {
        ShotInfo {
            id: s.id.clone(),
            at: s.at.clone(),
            asin: s.asin.clone(),
            status: s.status.clone(),
            fields: s.fields.clone(),
            case_id: s.case_id.clone(),
        }
    }
}

/// Why a shot (or a listing's shots) was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShotError {
    /// A record is malformed: `field` of shot `index` (1-based) of `key`.
    Malformed {
        /// The listing key (`marketplace/ASIN`), when known.
        key: Option<String>,
        /// 1-based position of the shot in its list, when known.
        index: Option<usize>,
        /// The bad member.
        field: String,
        /// What is wrong.
        why: String,
    },
    /// Shots attached to active cases already fill the listing's budget.
    BudgetFull {
        /// Bytes the protected shots take.
        used: usize,
        /// The budget.
        budget: usize,
    },
}

impl std::fmt::Display for ShotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShotError::Malformed {
                key,
                index,
                field,
                why,
            } => {
                f.write_str("screenshot record")?;
                if let Some(k) = key {
                    write!(f, " of {k}")?;
                }
                if let Some(i) = index {
                    write!(f, " #{i}")?;
                }
                write!(f, ", \"{field}\": {why}")
            }
            ShotError::BudgetFull { used, budget } => write!(
                f,
                "this listing's screenshots attached to open cases already take {} of its {} budget: \
                 close a case or delete a screenshot first",
                mb(*used),
                mb(*budget)
            ),
        }
    }
}

impl std::error::Error for ShotError {}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

fn bad(field: &str, why: impl Into<String>) -> ShotError {
    ShotError::Malformed {
        key: None,
        index: None,
        field: field.to_string(),
        why: why.into(),
    }
}

fn is_asin(s: &str) -> bool {
    s.len() == 10
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

impl Shot {
    /// The listing key, `marketplace/ASIN`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.marketplace, self.asin)
    }

    /// Checks every member: an ID of letters, digits, `-` and `_`; an RFC
    /// 3339 time; an https URL on the shot's Amazon marketplace; a valid
    /// ASIN; a known status word; field names; a valid case ID; a size in
    /// range; and an image that is a base64 JPEG (starts with the JPEG
    /// start-of-image marker) of exactly `bytes` bytes, at most
    /// [`MAX_SHOT_BYTES`].
    pub fn check(&self) -> Result<(), ShotError> {
        if self.id.is_empty()
            || self.id.len() > 64
            || !self
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(bad("id", "letters, digits, '-' and '_' only (1 to 64)"));
        }
        if crate::time::parse_rfc3339(&self.at).is_none() {
            return Err(bad("at", format!("{:?} is not an RFC 3339 time", self.at)));
        }
        if !is_asin(&self.asin) {
            return Err(bad("asin", format!("{:?} is not an ASIN", self.asin)));
        }
        if !crate::page::kind::MARKETPLACES.contains(&self.marketplace.as_str()) {
            return Err(bad(
                "marketplace",
                format!("{:?} is not an Amazon marketplace", self.marketplace),
            ));
        }
        let on_marketplace = self.url.starts_with("https://")
            && crate::page::kind::marketplace_of(&self.url).as_deref()
                == Some(self.marketplace.as_str());
        if !on_marketplace {
            return Err(bad(
                "url",
                format!(
                    "{:?} is not an https page on {}",
                    self.url, self.marketplace
                ),
            ));
        }
        let word = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        };
        if !word(&self.status) {
            return Err(bad("status", format!("{:?} is not a status", self.status)));
        }
        if let Some(f) = self.fields.iter().find(|f| !word(f)) {
            return Err(bad("fields", format!("{f:?} is not a field name")));
        }
        if let Some(c) = &self.case_id {
            if super::cases::validate_case_id(c).as_deref() != Ok(c.as_str()) {
                return Err(bad("case_id", format!("{c:?} is not a case ID")));
            }
        }
        if !(1..=16_384).contains(&self.width) || !(1..=65_536).contains(&self.height) {
            return Err(bad("width", "the size is out of range"));
        }
        let Some(b64) = self.jpeg.strip_prefix(DATA_URL_PREFIX) else {
            return Err(bad("jpeg", format!("not a {DATA_URL_PREFIX}… URL")));
        };
        if b64.len() > MAX_SHOT_BYTES.div_ceil(3) * 4 {
            return Err(bad(
                "jpeg",
                format!("larger than {} per screenshot", mb(MAX_SHOT_BYTES)),
            ));
        }
        let data = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| bad("jpeg", format!("not base64 ({e})")))?;
        if !data.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Err(bad("jpeg", "not a JPEG image"));
        }
        if data.len() != self.bytes {
            return Err(bad(
                "bytes",
                format!("says {} but the image has {}", self.bytes, data.len()),
            ));
        }
        Ok(())
    }

    /// Whether the shot belongs to a case in `cases` that is still active.
    pub fn is_protected(&self, cases: &[Case]) -> bool {
        self.case_id
            .as_deref()
            .is_some_and(|id| cases.iter().any(|c| c.id == id && c.is_active()))
    }
}

/// Reads one listing's shots (a JSON array) and checks each; `key` names the
/// listing in errors and must be every shot's [`Shot::key`].
pub fn parse_log(key: &str, v: &serde_json::Value) -> Result<Vec<Shot>, ShotError> {
    let at = |index: usize, e: ShotError| match e {
        ShotError::Malformed { field, why, .. } => ShotError::Malformed {
            key: Some(key.to_string()),
            index: Some(index),
            field,
            why,
        },
        other => other,
    };
    let Some(items) = v.as_array() else {
        return Err(ShotError::Malformed {
            key: Some(key.to_string()),
            index: None,
            field: "shots".into(),
            why: "not a list".into(),
        });
    };
    let mut ids = BTreeSet::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let shot: Shot = serde_json::from_value(item.clone()).map_err(|e| {
            let why = e.to_string();
            let field = why
                .strip_prefix("missing field `")
                .and_then(|r| r.split('`').next())
                .unwrap_or("record")
                .to_string();
            at(i + 1, bad(&field, why))
        })?;
        shot.check().map_err(|e| at(i + 1, e))?;
        if shot.key() != key {
            return Err(at(
                i + 1,
                bad("asin", format!("belongs to {}, not to {key}", shot.key())),
            ));
        }
        if !ids.insert(shot.id.clone()) {
            return Err(at(i + 1, bad("id", format!("{:?} appears twice", shot.id))));
        }
        out.push(shot);
    }
    Ok(out)
}

/// Reads every listing's shots (an object keyed by `marketplace/ASIN`, as in
/// the export file's `shots` member) and checks each.
pub fn parse_all(v: &serde_json::Value) -> Result<BTreeMap<String, Vec<Shot>>, ShotError> {
    let Some(map) = v.as_object() else {
        return Err(ShotError::Malformed {
            key: None,
            index: None,
            field: "shots".into(),
            why: "not an object keyed by marketplace/ASIN".into(),
        });
    };
    map.iter()
        .map(|(k, list)| Ok((k.clone(), parse_log(k, list)?)))
        .collect()
}

/// The signature a shot is compared by when pruning: status and fields.
fn signature(s: &Shot) -> (String, Vec<String>) {
    let mut f = s.fields.clone();
    f.sort();
    (s.status.clone(), f)
}

fn total(shots: &[Shot]) -> usize {
    shots.iter().map(|s| s.bytes).sum()
}

/// Shots kept and the IDs of those dropped by [`prune`] / [`add`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pruned {
    /// The shots kept, oldest first.
    pub shots: Vec<Shot>,
    /// IDs of the shots dropped.
    pub dropped: Vec<String>,
}

/// Applies the pruning rule (module docs) to one listing's shots (sorted
/// oldest first): while over [`MAX_SHOTS`] or [`BUDGET_BYTES`], drops the
/// oldest unprotected shot that repeats an earlier shot's signature, else
/// the oldest unprotected one. Shots protected by an active case in `cases`
/// are never dropped, so the result may stay over budget.
pub fn prune(shots: Vec<Shot>, cases: &[Case]) -> Pruned {
    prune_with(shots, |s| s.is_protected(cases))
}

/// [`prune`] with the protection rule given.
fn prune_with(mut shots: Vec<Shot>, protected: impl Fn(&Shot) -> bool) -> Pruned {
    shots.sort_by(|a, b| {
        let ta = crate::time::parse_rfc3339(&a.at).unwrap_or(0);
        let tb = crate::time::parse_rfc3339(&b.at).unwrap_or(0);
        ta.cmp(&tb).then_with(|| a.id.cmp(&b.id))
    });
    let mut dropped = Vec::new();
    while shots.len() > MAX_SHOTS || total(&shots) > BUDGET_BYTES {
        let mut seen = BTreeSet::new();
        let mut repeat = None;
        let mut oldest = None;
        for (i, s) in shots.iter().enumerate() {
            let first = seen.insert(signature(s));
            if protected(s) {
                continue;
            }
            oldest.get_or_insert(i);
            if !first {
                repeat = Some(i);
                break;
            }
        }
        match repeat.or(oldest) {
            Some(i) => dropped.push(shots.remove(i).id),
            None => break,
        }
    }
    Pruned { shots, dropped }
}

/// Adds `shot` (checked with [`Shot::check`]; must belong to the listing of
/// the others) to a listing's `shots`, then prunes. The new shot is never
/// the one dropped: when the shots of active cases leave no room for it, the
/// answer is [`ShotError::BudgetFull`] and the caller stores nothing.
pub fn add(shots: Vec<Shot>, shot: Shot, cases: &[Case]) -> Result<Pruned, ShotError> {
    shot.check()?;
    if let Some(other) = shots.iter().find(|s| s.key() != shot.key()) {
        return Err(bad(
            "asin",
            format!("{} is not {}", other.key(), shot.key()),
        ));
    }
    if shots.iter().any(|s| s.id == shot.id) {
        return Err(bad("id", format!("{:?} is already stored", shot.id)));
    }
    let (id, bytes) = (shot.id.clone(), shot.bytes);
    let mut all = shots;
    all.push(shot);
    // The new shot counts as protected while pruning, so an old one goes instead.
    let pruned = prune_with(all, |s| s.id == id || s.is_protected(cases));
    if pruned.shots.len() > MAX_SHOTS || total(&pruned.shots) > BUDGET_BYTES {
        return Err(ShotError::BudgetFull {
            used: total(&pruned.shots) - bytes,
            budget: BUDGET_BYTES,
        });
    }
    Ok(pruned)
}

/// What a report says about the page, as far as a shot needs it (any report
/// JSON: the status is kept as its word).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportFacts {
    /// The report status word.
    pub status: String,
    /// The differences.
    #[serde(default)]
    pub mismatches: Vec<Mismatch>,
}

/// A new shot's metadata for a listing: ID from the time, the differing
/// fields of `report`, the active case. The caller adds the image, its size
/// and byte count.
pub fn new_shot(
    marketplace: &str,
    asin: &str,
    url: &str,
    report: &ReportFacts,
    case_id: Option<&str>,
    now_ms: i64,
) -> Shot {
    let mut fields: Vec<String> = Vec::new();
    for m in &report.mismatches {
        if !fields.contains(&m.field) {
            fields.push(m.field.clone());
        }
    }
    Shot {
        id: format!("s{now_ms}"),
        at: crate::time::rfc3339(now_ms),
        url: url.to_string(),
        asin: asin.to_string(),
        marketplace: marketplace.to_string(),
        status: report.status.clone(),
        fields,
        case_id: case_id.map(str::to_string),
        width: 0,
        height: 0,
        bytes: 0,
        jpeg: String::new(),
    }
}

/// The lines stamped onto the picture (ASCII, English, UTC): what, when,
/// where and which fields differed.
pub fn stamp_lines(shot: &ShotInfo, url: &str) -> Vec<String> {
    let at = crate::time::parse_rfc3339(&shot.at)
        .map(crate::time::rfc3339)
        .unwrap_or_else(|| shot.at.clone())
        .replace('T', " ")
        .replace('Z', " UTC");
    let what = if shot.fields.is_empty() {
        format!("page {}", shot.status)
    } else {
        let names: Vec<String> = shot
            .fields
            .iter()
            .map(|f| crate::check::text::field_label(f, "en"))
            .collect();
        format!("differs: {}", names.join(", "))
    };
    let mut first = format!("Catalog Guard capture {at} | ASIN {}", shot.asin);
    if let Some(c) = &shot.case_id {
        let _ = write!(first, " | case {c}");
    }
    vec![format!("{first} | {what}"), url.to_string()]
}

/// What the saved file's name says the picture shows: the first differing
/// field (`main-image`, `title`, `color-name`…), `page-gone`, or `page`.
fn part(shot: &ShotInfo) -> String {
    let Some(field) = shot.fields.first() else {
        return if shot.status == "gone" {
            "page-gone".into()
        } else {
            "page".into()
        };
    };
    let name = match field.as_str() {
        "images.main" => "main-image".to_string(),
        "images.gallery" => "gallery-images".to_string(),
        "breadcrumb" => "category".to_string(),
        "offers" => "offer-count".to_string(),
        other => other
            .strip_prefix("variations.")
            .unwrap_or(other)
            .replace(['.', '_'], "-"),
    };
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// The file name to save a shot under, for Seller Central's attachment
/// upload: ASIN, UTC time to the minute (`:` is not allowed in file names on
/// Windows, so `-`), what it shows, e.g.
/// `B07WXL5YPW-2026-12-04T10-20Z-main-image.jpg`.
pub fn file_name(shot: &ShotInfo) -> String {
    let t = crate::time::parse_rfc3339(&shot.at)
        .map(crate::time::rfc3339)
        .unwrap_or_default();
    let minute = t.get(..16).unwrap_or("0000-00-00T00:00").replace(':', "-");
    let asin: String = shot
        .asin
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("{asin}-{minute}Z-{}.jpg", part(shot))
}

/// The shots a case text cites: those attached to `case` and those taken
/// without a case; without a case, all. Oldest first.
pub fn for_case<'a>(shots: &'a [ShotInfo], case: Option<&Case>) -> Vec<&'a ShotInfo> {
    let mut out: Vec<&ShotInfo> = shots
        .iter()
        .filter(|s| match (case, &s.case_id) {
            (None, _) | (_, None) => true,
            (Some(c), Some(id)) => *id == c.id,
        })
        .collect();
    out.sort_by_key(|s| crate::time::parse_rfc3339(&s.at).unwrap_or(0));
    out
}

/// Writes the screenshots paragraph of a case text: how many dated
/// screenshots exist and, per shot, when it was taken, what it shows and
/// its file name; a shot taken after `new_since` (RFC 3339) is marked new.
/// Writes nothing for no shots.
pub fn write_paragraph(s: &mut String, shots: &[&ShotInfo], new_since: Option<&str>, w: &Words) {
    if shots.is_empty() {
        return;
    }
    let n = shots.len().to_string();
    let _ = writeln!(s, "\n{}", fill(w.h_shots, &[("n", &n)]));
    let since = new_since.and_then(crate::time::parse_rfc3339);
    for (i, shot) in shots.iter().enumerate() {
        let what = if shot.fields.is_empty() {
            w.shot_page.to_string()
        } else {
            shot.fields
                .iter()
                .map(|f| super::templates::field_label(f, w))
                .collect::<Vec<_>>()
                .join(w.list_sep)
        };
        let taken = crate::time::parse_rfc3339(&shot.at);
        let mark = match (since, taken) {
            (Some(a), Some(t)) if t > a => w.new_mark,
            _ => "",
        };
        let line = fill(
            w.shot_line,
            &[
                ("at", &time_label(&shot.at, w)),
                ("fields", &what),
                ("file", &file_name(shot)),
            ],
        );
        let _ = writeln!(s, "{}. {line}{mark}", i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny but real JPEG header (SOI + APP0) as a data URL, `n` bytes.
    fn jpeg(n: usize) -> (String, usize) {
        let mut data = vec![0xFF, 0xD8, 0xFF, 0xE0];
        data.resize(n.max(4), 0);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&data);
        (format!("{DATA_URL_PREFIX}{b64}"), data.len())
    }

    fn shot(id: &str, at: &str, fields: &[&str], case: Option<&str>, bytes: usize) -> Shot {
        let (jpeg, bytes) = jpeg(bytes);
        Shot {
            id: id.into(),
            at: at.into(),
            url: "https://www.amazon.co.jp/dp/B07WXL5YPW".into(),
            asin: "B07WXL5YPW".into(),
            marketplace: "amazon.co.jp".into(),
            status: "mismatch".into(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            case_id: case.map(str::to_string),
            width: 1280,
            height: 900,
            bytes,
            jpeg,
        }
    }

    #[test]
    fn a_valid_shot_checks() {
        shot("s1", "2026-12-04T10:20:00Z", &["images.main"], None, 100)
            .check()
            .unwrap();
    }

    #[test]
    fn file_names_for_seller_central() {
        let s = shot(
            "s1",
            "2026-12-04T10:20:33Z",
            &["images.main", "title"],
            None,
            10,
        );
        assert_eq!(
            file_name(&ShotInfo::from(&s)),
            "B07WXL5YPW-2026-12-04T10-20Z-main-image.jpg"
        );
        let s = shot(
            "s2",
            "2026-12-04T19:05:00+09:00",
            &["variations.color_name"],
            None,
            10,
        );
        assert_eq!(
            file_name(&ShotInfo::from(&s)),
            "B07WXL5YPW-2026-12-04T10-05Z-color-name.jpg"
        );
        let mut s = shot("s3", "2026-12-04T10:20:00Z", &[], None, 10);
        s.status = "gone".into();
        assert_eq!(
            file_name(&ShotInfo::from(&s)),
            "B07WXL5YPW-2026-12-04T10-20Z-page-gone.jpg"
        );
    }

    #[test]
    fn stamp_says_time_asin_case_fields_and_url() {
        let s = shot(
            "s1",
            "2026-12-04T10:20:33Z",
            &["images.main", "variations.color_name"],
            Some("12345678901"),
            10,
        );
        let lines = stamp_lines(&ShotInfo::from(&s), &s.url);
        assert_eq!(
            lines,
            vec![
                "Catalog Guard capture 2026-12-04 10:20:33 UTC | ASIN B07WXL5YPW | case 12345678901 | differs: main image, variation (colour)".to_string(),
                "https://www.amazon.co.jp/dp/B07WXL5YPW".to_string(),
            ]
        );
    }
}
