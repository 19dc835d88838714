//! The export file: everything a seller moves between browsers (Chrome sync
//! and Firefox sync are separate worlds) or keeps as a backup.
//!
//! It is a `catalog-guard/listings` file (see [`crate::listing`]) with
//! optional extra members: `settings` (the [`Settings`], full form plus
//! `version`), `history` and `cases` (passed through as JSON for now), and
//! `shots` (dated screenshots, only in an export made with them; checked
//! record by record, a bad one refuses the file). So the
//! CLI reads an export file as a listings file, and an export file with only
//! listings is a plain listings file.
//!
//! [`preview`] and [`apply`] are pure: a malformed file gives an
//! [`ImportFileError`] naming the problem (line and column, or listing number
//! and field) and the caller's listings are never touched.

use crate::listing::{self, Listing, ListingError, ListingsFile};
use crate::store::merge::{compare_updated, Tombstone};
use crate::store::settings::{self, Settings};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Extra members written by [`export`] besides listings and settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportExtras {
    /// Change history (written by the `watch` module), passed through.
    pub history: Option<Value>,
    /// Seller Support case log, passed through.
    pub cases: Option<Value>,
    /// Dated screenshots by listing key (`marketplace/ASIN` → [Shot]), only in
    /// an export made with screenshots; every record is checked on reading
    /// ([`crate::watch::shots::parse_all`]).
    pub shots: Option<Value>,
}

/// A parsed export file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportFile {
    /// The listings, in file order (already migrated to the current version).
    pub listings: Vec<Listing>,
    /// The settings, when the file has them (migrated from any version).
    pub settings: Option<Settings>,
    /// The extra members, when present.
    pub extras: ExportExtras,
}

/// What [`apply`] would do, by listing key (`marketplace/ASIN`), each sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// In the file, not here.
    pub new: Vec<String>,
    /// Different, and the file's version is newer: "merge" takes it.
    pub changed: Vec<String>,
    /// The same in both.
    pub unchanged: Vec<String>,
    /// Different, and the version here was changed after the file's (its
    /// `updated_at` is newer, or the same): "merge" keeps this one, "replace"
    /// loses it.
    pub conflicting: Vec<String>,
    /// Here but not in the file: "replace" removes them, "merge" keeps them.
    pub only_here: Vec<String>,
    /// Listings in the file.
    pub total: usize,
}

/// Why an import file was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportFileError {
    /// What is wrong, in one sentence (includes the position when known).
    pub message: String,
    /// 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// 1-based column of the problem, when known.
    pub column: Option<usize>,
    /// 1-based number of the bad listing in the file, when one is bad.
    pub listing: Option<usize>,
    /// The bad field of that listing, when known.
    pub field: Option<String>,
}

impl std::fmt::Display for ImportFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ImportFileError {}

fn error(message: String) -> ImportFileError {
    ImportFileError {
        message,
        line: None,
        column: None,
        listing: None,
        field: None,
    }
}

/// The export file for `listings` (sorted by key), `settings` and `extras`:
/// pretty JSON, stable member order, ending in a newline.
pub fn export(listings: &[Listing], settings: Option<&Settings>, extras: &ExportExtras) -> String {
    let mut sorted: Vec<&Listing> = listings.iter().collect();
    sorted.sort_by_key(|l| l.key());
    // Members in a fixed order: format, version, listings, settings, history, cases.
    let mut out = String::from("{\n");
    out.push_str(&format!("  \"format\": {:?},\n", listing::FORMAT));
    out.push_str(&format!("  \"version\": {}", listing::VERSION));
    let mut member = |name: &str, v: &Value| {
        let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into());
        out.push_str(&format!(",\n  \"{name}\": {}", text.replace('\n', "\n  ")));
    };
    member(
        "listings",
        &serde_json::to_value(&sorted).unwrap_or(Value::Null),
    );
    if let Some(s) = settings {
        let mut v = serde_json::to_value(s.clone().normalized()).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.insert("version".into(), Value::from(settings::VERSION));
        }
        member("settings", &v);
    }
    if let Some(h) = &extras.history {
        member("history", h);
    }
    if let Some(c) = &extras.cases {
        member("cases", c);
    }
    if let Some(v) = &extras.shots {
        member("shots", v);
    }
    out.push_str("\n}\n");
    out
}

/// [`export`] plus the deletions this browser knows (`deleted`: `[{key,
/// deleted_at}]`, sorted by key, last member), so that a file carries
/// deletions between browsers as sync does (see [`crate::store::merge`]).
/// Without deletions the file is exactly [`export`]'s.
pub fn export_with_deletions(
    listings: &[Listing],
    settings: Option<&Settings>,
    extras: &ExportExtras,
    deleted: &[Tombstone],
) -> String {
    let text = export(listings, settings, extras);
    let Some(body) = text.strip_suffix("\n}\n") else {
        return text;
    };
    if deleted.is_empty() {
        return text;
    }
    let mut sorted = deleted.to_vec();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    let v = serde_json::to_string_pretty(&sorted).unwrap_or_else(|_| "[]".into());
    format!("{body},\n  \"deleted\": {}\n}}\n", v.replace('\n', "\n  "))
}

/// The deletions an export file carries (its `deleted` member; none when it
/// has none). An entry that is not `{key: "marketplace/ASIN", deleted_at:
/// RFC 3339}` is an error naming it, and nothing is imported.
pub fn deletions(text: &str) -> Result<Vec<Tombstone>, ImportFileError> {
    let value: Value =
        serde_json::from_str(text.strip_prefix('\u{FEFF}').unwrap_or(text)).unwrap_or(Value::Null);
    let Some(list) = value.get("deleted").filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let Some(arr) = list.as_array() else {
        return Err(error("the file's \"deleted\" member is not a list".into()));
    };
    arr.iter()
        .enumerate()
        .map(|(n, e)| {
            serde_json::from_value::<Tombstone>(e.clone())
                .ok()
                .filter(|t| {
                    t.key.split_once('/').is_some_and(|(m, a)| !m.is_empty() && !a.is_empty())
                        && crate::time::parse_rfc3339(&t.deleted_at).is_some()
                })
                .ok_or_else(|| {
                    let mut err = error(format!(
                        "deletion {} of the file is not {{key: \"marketplace/ASIN\", deleted_at: time}}",
                        n + 1
                    ));
                    err.field = Some(format!("deleted[{n}]"));
                    err
                })
        })
        .collect()
}

/// Reads an export file (or a plain listings file) of any known version.
pub fn parse(text: &str) -> Result<ExportFile, ImportFileError> {
    let file = listing::parse_listings_file(text).map_err(|e| explain(text, e))?;
    let ListingsFile { listings, .. } = file;
    // The text parsed as JSON above, so this cannot fail; be safe anyway.
    let value: Value =
        serde_json::from_str(text.strip_prefix('\u{FEFF}').unwrap_or(text)).unwrap_or(Value::Null);
    let member = |name: &str| value.get(name).filter(|v| !v.is_null()).cloned();
    let shots = member("shots");
    if let Some(v) = &shots {
        crate::watch::shots::parse_all(v).map_err(|e| shots_error(&e))?;
    }
    Ok(ExportFile {
        listings,
        settings: member("settings").map(settings::migrate),
        extras: ExportExtras {
            history: member("history"),
            cases: member("cases"),
            shots,
        },
    })
}

/// A malformed screenshot record: the whole file is refused.
fn shots_error(e: &crate::watch::shots::ShotError) -> ImportFileError {
    let mut err = error(format!("the file's screenshots cannot be read: {e}"));
    if let crate::watch::shots::ShotError::Malformed { field, .. } = e {
        err.field = Some(format!("shots.{field}"));
    }
    err
}

/// Turns a [`ListingError`] into an [`ImportFileError`], finding the listing
/// and field for a shape error.
fn explain(text: &str, e: ListingError) -> ImportFileError {
    let mut err = error(e.to_string());
    match e {
        ListingError::Syntax { line, column, .. } => {
            err.line = Some(line);
            err.column = Some(column);
        }
        ListingError::Shape { line, column, .. } => {
            err.line = Some(line);
            err.column = Some(column);
            if let Some((index, field, why)) = bad_listing(text) {
                err.listing = Some(index);
                err.message = match &field {
                    Some(f) => format!("listing {index}, field \"{f}\": {why} ({})", err.message),
                    None => format!("listing {index}: {why} ({})", err.message),
                };
                err.field = field;
            }
        }
        ListingError::Listing { index, ref message } => {
            err.listing = Some(index);
            for f in ["asin", "marketplace"] {
                if message.contains(&format!("\"{f}\"")) {
                    err.field = Some(f.to_string());
                }
            }
        }
        _ => {}
    }
    err
}

/// The first listing (1-based) that does not deserialise, its bad field when
/// one can be pinned down, and serde's reason.
fn bad_listing(text: &str) -> Option<(usize, Option<String>, String)> {
    let value: Value = serde_json::from_str(text.strip_prefix('\u{FEFF}').unwrap_or(text)).ok()?;
    let listings = value.get("listings")?.as_array()?;
    for (i, l) in listings.iter().enumerate() {
        let Err(e) = serde_json::from_value::<Listing>(l.clone()) else {
            continue;
        };
        let why = e.to_string();
        if let Some(rest) = why.strip_prefix("missing field `") {
            let field = rest.split('`').next().map(str::to_string);
            return Some((i + 1, field, why));
        }
        // Put each member alone into a valid listing: the one that breaks it is bad.
        let field = l.as_object().and_then(|obj| {
            obj.iter().find_map(|(k, v)| {
                let mut probe = serde_json::json!({
                    "asin": "B000000000", "marketplace": "amazon.com",
                    "saved_at": "", "updated_at": ""
                });
                probe[k.as_str()] = v.clone();
                serde_json::from_value::<Listing>(probe)
                    .is_err()
                    .then(|| k.clone())
            })
        });
        return Some((i + 1, field, why));
    }
    None
}

/// What importing `text` would do to `existing` (see [`ImportPreview`]).
pub fn preview(existing: &[Listing], text: &str) -> Result<ImportPreview, ImportFileError> {
    let file = parse(text)?;
    let here: BTreeMap<String, &Listing> = existing.iter().map(|l| (l.key(), l)).collect();
    let mut p = ImportPreview {
        total: file.listings.len(),
        ..ImportPreview::default()
    };
    let mut in_file = std::collections::BTreeSet::new();
    for l in &file.listings {
        let key = l.key();
        in_file.insert(key.clone());
        match here.get(&key) {
            None => p.new.push(key),
            Some(h) if *h == l => p.unchanged.push(key),
            Some(h) => {
                if compare_updated(&h.updated_at, &l.updated_at) != Ordering::Less {
                    p.conflicting.push(key);
                } else {
                    p.changed.push(key);
                }
            }
        }
    }
    p.only_here = here
        .keys()
        .filter(|k| !in_file.contains(*k))
        .cloned()
        .collect();
    p.new.sort();
    p.changed.sort();
    p.unchanged.sort();
    p.conflicting.sort();
    Ok(p)
}

/// The listings after importing `text` into `existing`, sorted by key.
///
/// * `"merge"`: new listings are added; a listing in both keeps the version
///   with the newer `updated_at` (this browser's on a tie); listings only here
///   stay.
/// * `"replace"`: exactly the file's listings.
///
/// Listings in the file with an empty `saved_at`/`updated_at` get `now`.
/// Any problem (bad file, unknown mode) is an error and nothing changes.
pub fn apply(
    existing: &[Listing],
    text: &str,
    mode: &str,
    now: &str,
) -> Result<Vec<Listing>, ImportFileError> {
    if mode != "merge" && mode != "replace" {
        return Err(error(format!(
            "unknown import mode {mode:?}: use \"merge\" or \"replace\""
        )));
    }
    let file = parse(text)?;
    let mut incoming = file.listings;
    for l in &mut incoming {
        if l.saved_at.trim().is_empty() {
            l.saved_at = now.to_string();
        }
        if l.updated_at.trim().is_empty() {
            l.updated_at = now.to_string();
        }
    }
    let mut out: BTreeMap<String, Listing> = BTreeMap::new();
    if mode == "merge" {
        for l in existing {
            out.insert(l.key(), l.clone());
        }
    }
    for l in incoming {
        match out.get(&l.key()) {
            Some(h) if compare_updated(&h.updated_at, &l.updated_at) != Ordering::Less => {}
            _ => {
                out.insert(l.key(), l);
            }
        }
    }
    Ok(out.into_values().collect())
}
