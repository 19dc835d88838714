//! wasm-bindgen bindings (wasm32 only): the one request/response entry point
//! the extension's background, the `www/` page and the wasm tests call.
//!
//! This is the only module that touches `JsValue`. Every request is
//! `{type, args}` (a [`Command`]); `args` crosses as JSON text and every answer
//! as JSON text parsed in JS (plain objects and arrays), bytes as one copy of a
//! `Uint8Array`; every error is thrown as `{message, details}`.
//!
//! Nothing here reads `window`: the code runs in an MV3 service worker, where
//! only `js_sys::global()` exists.

use crate::check::{self, Report};
use crate::imagesig;
use crate::import::{export_file, seller_central};
use crate::listing::{self, Listing, ListingsFile};
use crate::page::{self, ProductPage};
use crate::store::{merge, settings, sync};
use crate::watch::{cases, history, notify, schedule, shots};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// One request to the core. The JS form is `{type: "<snake_case name>", args: {...}}`;
/// [`invoke`] reads it as the JSON `{"<type>": <args>}` (externally tagged: one pass, one
/// deserialiser), with the byte fields taken out first (`#[serde(skip)]` here).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// `{url, html}` → ProductPage.
    #[cfg(feature = "invoke-extract")]
    Extract {
        /// The page's URL (gives the marketplace and ASIN when the HTML does not).
        #[serde(default)]
        url: Option<String>,
        /// The page's HTML as a string.
        html: String,
    },
    /// `{listings, page, now_ms, url?}` → Report (`gone` for a saved listing's URL that
    /// gave a 404, another ASIN or a "no longer available" page).
    Check {
        /// Every stored listing (the right one is found by ASIN + marketplace).
        listings: Vec<Listing>,
        /// The page read by `extract`.
        page: ProductPage,
        /// The URL that was asked for (the tab's), when known.
        #[serde(default)]
        url: Option<String>,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{url, html, listings, now_ms}` → Report (whose `page` is the extracted
    /// page): extract and check in one crossing, so the page is not copied
    /// back and forth.
    #[cfg(feature = "invoke-extract")]
    ExtractCheck {
        /// The page's URL.
        #[serde(default)]
        url: Option<String>,
        /// The URL that was asked for, when it differs from `url` (default: `url`).
        #[serde(default)]
        requested_url: Option<String>,
        /// The page's HTML.
        html: String,
        /// Every stored listing.
        listings: Vec<Listing>,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{url, bytes, listings, now_ms}` → Report: like `extract_check`, from the page's raw
    /// bytes (a `Uint8Array` or `ArrayBuffer` from `fetch`; the charset is read from the
    /// page, Shift_JIS included), for the scheduled re-checks.
    #[cfg(feature = "invoke-extract")]
    ReadCheck {
        /// The page's URL (after redirects).
        #[serde(default)]
        url: Option<String>,
        /// The URL that was fetched (the listing's), when it differs from `url`.
        #[serde(default)]
        requested_url: Option<String>,
        /// The page's bytes.
        #[serde(skip)]
        bytes: Vec<u8>,
        /// Every stored listing.
        listings: Vec<Listing>,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{page, now_ms}` → Listing holding what the page shows.
    Save {
        /// The page read by `extract`.
        page: ProductPage,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{listing, page, field, now_ms}` → Listing with the page's value for `field`.
    Accept {
        /// The stored listing.
        listing: Listing,
        /// The page read by `extract`.
        page: ProductPage,
        /// A `Mismatch.field` name (or plain `variations`).
        field: String,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{listing, field, now_ms?}` → Listing that no longer compares `field`; with `now_ms`
    /// its `updated_at` moves on, so the change wins a sync merge against older copies.
    Unwatch {
        /// The stored listing.
        listing: Listing,
        /// A `Mismatch.field` name (or plain `variations`).
        field: String,
        /// `Date.now()` (optional: without it `updated_at` is kept).
        #[serde(default)]
        now_ms: Option<f64>,
    },
    /// `{report, listing, lang}` → plain-text report (string).
    ReportText {
        /// The report to describe.
        report: Report,
        /// The listing it was checked against, if any.
        #[serde(default)]
        listing: Option<Listing>,
        /// `"ja"` or `"en"`.
        lang: String,
    },
    /// `{text}` → ListingsFile (validated and migrated).
    ParseListings {
        /// The file's text.
        text: String,
    },
    /// `{listings, settings, history, cases}` → `{text}`: the export file
    /// (`import::export_file::export`).
    ExportListings {
        /// The listings to export.
        listings: Vec<Listing>,
        /// The deletions this browser knows (`[{key, deleted_at}]`): the file's `deleted`.
        #[serde(default)]
        deleted: Vec<merge::Tombstone>,
        /// The stored settings (any version), included in the file when given.
        #[serde(default)]
        settings: Option<Value>,
        /// Change histories by listing key (`{"marketplace/ASIN": History}`), when any.
        #[serde(default)]
        history: Option<Value>,
        /// Case logs by listing key (`{"marketplace/ASIN": [Case]}`), when any.
        #[serde(default)]
        cases: Option<Value>,
        /// Screenshots by listing key (`{"marketplace/ASIN": [Shot]}`): only for an
        /// export with screenshots.
        #[serde(default)]
        shots: Option<Value>,
    },
    /// `{existing, text}` → ImportPreview: what importing `text` would change.
    ImportPreview {
        /// The stored listings.
        existing: Vec<Listing>,
        /// The file's text.
        text: String,
    },
    /// `{existing, text, mode, now_ms}` → `{listings, deleted, tombstones, history, cases, shots}`:
    /// `deleted` = listings the file's deletions removed, `tombstones` = the file's deletions;
    /// every listing
    /// after importing (`mode` `"merge"` or `"replace"`, see `import::export_file::apply`),
    /// and the file's history and case log members (`null` when it has none).
    ImportApply {
        /// The stored listings.
        existing: Vec<Listing>,
        /// The file's text.
        text: String,
        /// `"merge"` or `"replace"`.
        mode: String,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{existing, bytes, marketplace, now_ms}` → ReportMerge `{listings, new, changed,
    /// unchanged, total}`: a Seller Central report (UTF-8 or Shift_JIS bytes) merged into
    /// the stored listings without overwriting any saved value.
    ImportReport {
        /// The stored listings.
        existing: Vec<Listing>,
        /// The report file's bytes (`Uint8Array`, `ArrayBuffer` or an array of numbers).
        #[serde(skip)]
        bytes: Vec<u8>,
        /// The marketplace, when the seller chose one (else guessed from the file).
        #[serde(default)]
        marketplace: Option<String>,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{listing, page}` → the fields the listing lacks that the page shows.
    MissingFields {
        /// The stored listing.
        listing: Listing,
        /// The page read by `extract`.
        page: ProductPage,
    },
    /// `{listing, page, now_ms}` → Listing with its missing fields filled from the page.
    Complete {
        /// The stored listing.
        listing: Listing,
        /// The page read by `extract`.
        page: ProductPage,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{stored}` → Settings: reads stored settings of any version (never fails).
    SettingsRead {
        /// What `storage.local` holds under `settings` (`null` when nothing).
        #[serde(default)]
        stored: Value,
    },
    /// `{settings}` → the compact stored form of the settings.
    SettingsStore {
        /// Settings as the options page sends them (missing fields take defaults).
        settings: Value,
    },
    /// `{listings, settings, last_used?, carry?, cases?, tombstones?, now_ms?}` → SyncPlan for
    /// `chrome.storage.sync`.
    SyncEncode {
        /// Every stored listing.
        listings: Vec<Listing>,
        /// Settings as stored or sent.
        #[serde(default)]
        settings: Value,
        /// Listing key → when the seller last used it (ms): most recently used go in full.
        #[serde(default)]
        last_used: std::collections::BTreeMap<String, f64>,
        /// Fingerprints only another browser has (`sync_merge`'s `remote_only`), kept.
        #[serde(default)]
        carry: Vec<sync::Fingerprint>,
        /// Case logs by listing key (`{"marketplace/ASIN": [Case]}`): synced after the
        /// listings while room remains; a log that is not a list of cases stays local.
        #[serde(default)]
        cases: Option<std::collections::BTreeMap<String, Value>>,
        /// Deleted listings (`[{key, deleted_at}]`, `sync_merge`'s `tombstones`): synced first.
        #[serde(default)]
        tombstones: Vec<merge::Tombstone>,
        /// `Date.now()`: tombstones older than 90 days are left out.
        #[serde(default)]
        now_ms: Option<f64>,
    },
    /// `{old, new}` → `{set, remove}`: the minimal writes from the items sync holds (`old`,
    /// `chrome.storage.sync.get(null)`) to a plan's `items` (`new`).
    SyncDiff {
        /// What sync holds now.
        old: serde_json::Map<String, Value>,
        /// The new plan's items.
        new: std::collections::BTreeMap<String, Value>,
    },
    /// `{recent_writes_ms, now_ms}` → `{available_now, next_at_ms}`: how many sync write
    /// operations (`set`/`remove` calls) the 120/minute and 1,800/hour limits allow now.
    SyncAllowance {
        /// When the recent writes were made (ms since the epoch).
        #[serde(default)]
        recent_writes_ms: Vec<f64>,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{items}` → SyncContents: what another browser's sync items hold.
    SyncDecode {
        /// Everything `chrome.storage.sync.get(null)` returned.
        items: serde_json::Map<String, Value>,
    },
    /// `{local, items, local_cases?, local_tombstones?, now_ms?}` → MergeResult plus `cases`:
    /// the local listings merged with what the sync items hold
    /// (`store::merge::merge_sync_with`: per key the newer `updated_at` or deletion wins,
    /// nothing is dropped silently: `deleted` = local listings a newer deletion removed,
    /// `undeleted`, `tombstones` = the deletions to keep); `cases` = `{key: [Case]}`, the merged
    /// case logs that differ from `local_cases` (`store::merge::merge_cases`: per case ID the
    /// newer `updated_at` wins) — exactly what to write to `cases:<key>`.
    SyncMerge {
        /// The listings in `storage.local`.
        local: Vec<Listing>,
        /// The local case logs by listing key (a log that is not a list of cases is
        /// treated as empty).
        #[serde(default)]
        local_cases: Option<std::collections::BTreeMap<String, Value>>,
        /// Everything `chrome.storage.sync.get(null)` returned.
        items: serde_json::Map<String, Value>,
        /// Listings deleted here (`[{key, deleted_at}]`).
        #[serde(default)]
        local_tombstones: Vec<merge::Tombstone>,
        /// `Date.now()`: tombstones older than 90 days are forgotten.
        #[serde(default)]
        now_ms: Option<f64>,
    },
    /// `{history, page, source, now_ms}` → `{history, change}`: records what a page
    /// showed in a listing's change history (`watch::history`); `change` is the
    /// [`history::Change`] stored, or `null` when nothing changed. `history` `null` = none yet.
    HistoryRecord {
        /// The listing's stored history, or `null`.
        #[serde(default)]
        history: Option<history::History>,
        /// The page read by `extract`.
        page: ProductPage,
        /// `"badge"`, `"recheck"` or `"import"`.
        source: history::Source,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{history, report, source, now_ms}` → `{history, change, report}`: records a `gone`
    /// report's sighting (`History::record_gone`: one change at the first sighting, a
    /// re-check later confirms it) and returns the report with `gone.first_seen`,
    /// `last_seen` and `confirmed` filled from the history.
    HistoryRecordGone {
        /// The listing's stored history, or `null`.
        #[serde(default)]
        history: Option<history::History>,
        /// The `gone` report.
        report: Report,
        /// `"badge"` or `"recheck"`.
        source: history::Source,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{listing, page, now_ms}` → `{listing, fields}`: fills the family and availability
    /// a listing does not know yet from a product page of it (`Listing::learn_from`);
    /// `fields` = what was filled (empty: nothing to store).
    Learn {
        /// The stored listing.
        listing: Listing,
        /// The page read by `extract`.
        page: ProductPage,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{history, listing, now_ms}` → `{history, change}`: records imported listing
    /// data as an observation (source `import`).
    HistoryRecordListing {
        /// The listing's stored history, or `null`.
        #[serde(default)]
        history: Option<history::History>,
        /// The imported listing.
        listing: Listing,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{history, lang}` → `[line]`: the history as readable timeline lines.
    HistoryTimeline {
        /// The listing's stored history.
        history: history::History,
        /// `"ja"` or `"en"`.
        lang: String,
    },
    /// `{state, settings, keys, now_ms, seed, start_now}` → `{state, action}`: the next
    /// step of the scheduled re-checks (`watch::schedule::next_action`). The config follows
    /// `settings` (interval, delay); `start_now` is "check all now".
    ScheduleNext {
        /// The stored schedule state, or `null`.
        #[serde(default)]
        state: Option<schedule::ScheduleState>,
        /// The settings (any stored version).
        #[serde(default)]
        settings: Value,
        /// The keys (`marketplace/ASIN`) of the watched listings.
        keys: Vec<String>,
        /// `Date.now()`.
        now_ms: f64,
        /// Seeds the jitter generator of a new state.
        #[serde(default)]
        seed: f64,
        /// Start a run now, whatever the schedule says.
        #[serde(default)]
        start_now: bool,
        /// Keys with a recent change or an open case: a new run takes them first
        /// (`watch::schedule::order_keys`, at most a quarter of the run).
        #[serde(default)]
        urgent: Vec<String>,
    },
    /// `{state|null, settings, keys, now_ms}` → `{pace: {batch, every_ms, run_ms}, stale:
    /// [key] (at most 200), stale_count}`: how often each watched listing is re-checked at
    /// this size and pause (`watch::schedule::pace`) and which were not re-checked within
    /// twice the interval (`stale_keys`; none while re-checks are off).
    SchedulePace {
        /// The stored schedule state, or `null`.
        #[serde(default)]
        state: Option<schedule::ScheduleState>,
        /// The settings (any stored version).
        #[serde(default)]
        settings: Value,
        /// The keys (`marketplace/ASIN`) of the watched listings.
        keys: Vec<String>,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{state, key, page_kind, changed, now_ms}` → `{state}`: the result of fetching
    /// `key` (`page_kind` `null` when the fetch itself failed).
    ScheduleResult {
        /// The stored schedule state.
        state: schedule::ScheduleState,
        /// The key that was fetched.
        key: String,
        /// The fetched page's kind, or `null`.
        #[serde(default)]
        page_kind: Option<page::PageKind>,
        /// Whether the history recorded a change.
        #[serde(default)]
        changed: bool,
        /// Whether the report was `gone` (counted as checked, not failed).
        #[serde(default)]
        gone: bool,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{state, report, listing_title, lang}` → `{state, notification}`: whether a
    /// re-check's report deserves a notification (`watch::notify`).
    Notify {
        /// The stored notify state, or `null`.
        #[serde(default)]
        state: Option<notify::NotifyState>,
        /// The re-check's report.
        report: Report,
        /// The seller's title for the listing.
        #[serde(default)]
        listing_title: Option<String>,
        /// `"ja"` or `"en"`.
        lang: String,
    },
    /// `{id, marketplace, opened, now_ms, lang}` → Case: a new open case; errors in `lang`.
    CaseNew {
        /// The Seller Support case ID.
        id: String,
        /// The marketplace.
        marketplace: String,
        /// The date it was opened (`YYYY-MM-DD`).
        opened: String,
        /// `Date.now()`.
        now_ms: f64,
        /// `"ja"` or `"en"` (the error message language).
        #[serde(default)]
        lang: String,
        /// Opened through Brand Registry (its case page is there).
        #[serde(default)]
        brand_registry: bool,
    },
    /// `{case, status, notes, evidence, now_ms}` → Case: a changed case (each of
    /// `status`, `notes`, `evidence` (a Report to attach) optional).
    CaseUpdate {
        /// The stored case.
        case: cases::Case,
        /// A new status.
        #[serde(default)]
        status: Option<cases::CaseStatus>,
        /// New notes.
        #[serde(default)]
        notes: Option<String>,
        /// A report to attach as evidence.
        #[serde(default)]
        evidence: Option<Box<Report>>,
        /// Whether it was opened through Brand Registry.
        #[serde(default)]
        brand_registry: Option<bool>,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{report, listing, history, case, lang}` → the Seller Support report text.
    CaseReportText {
        /// The report to describe.
        report: Report,
        /// The listing, if any.
        #[serde(default)]
        listing: Option<Listing>,
        /// The listing's history (for first-seen times), if any.
        #[serde(default)]
        history: Option<history::History>,
        /// The case, if any (its ID is cited).
        #[serde(default)]
        case: Option<cases::Case>,
        /// The listing's screenshots (records without their image suffice), if any.
        #[serde(default)]
        shots: Vec<shots::ShotInfo>,
        /// `"ja"` or `"en"`.
        lang: String,
    },
    /// `{case, report, history, lang}` → `{text, url}`: the reopening message and the
    /// case's own page (`cases::case_url`: Seller Central or Brand Registry
    /// `view-case?caseID=`; the case log without a usable ID).
    CaseReopenText {
        /// The case to reopen.
        case: cases::Case,
        /// The current report.
        report: Report,
        /// The listing's history, if any.
        #[serde(default)]
        history: Option<history::History>,
        /// The listing's screenshots (records without their image suffice), if any.
        #[serde(default)]
        shots: Vec<shots::ShotInfo>,
        /// `"ja"` or `"en"`.
        lang: String,
    },
    /// `{marketplace}` → the Seller Central case log URL.
    CaseLogUrl {
        /// The marketplace.
        marketplace: String,
    },

    // ---- screenshots as evidence (watch::shots) ----
    /// `{marketplace, asin, url, report, case_id, now_ms}` → `{shot, stamp, quality,
    /// max_width}`: a new shot's metadata (no image yet), the lines to stamp onto the
    /// picture, the JPEG quality (0–1) and the widest picture kept.
    ShotNew {
        /// The listing's marketplace.
        marketplace: String,
        /// The listing's ASIN.
        asin: String,
        /// The tab's URL.
        url: String,
        /// The tab's report (any status word).
        report: shots::ReportFacts,
        /// The active case, if any.
        #[serde(default)]
        case_id: Option<String>,
        /// `Date.now()`.
        now_ms: f64,
    },
    /// `{shots, shot, cases}` → `{shots, dropped}`: the listing's shots with `shot`
    /// added and the budget applied; errors `{kind: "shots", details: ShotError}`.
    ShotsAdd {
        /// The listing's stored shots.
        shots: Vec<shots::Shot>,
        /// The new shot (with its image).
        shot: shots::Shot,
        /// The listing's case log.
        #[serde(default)]
        cases: Vec<cases::Case>,
    },
    /// `{shots, cases}` → `{shots, dropped}`: the budget applied (after an import).
    ShotsPrune {
        /// The listing's shots.
        shots: Vec<shots::Shot>,
        /// The listing's case log.
        #[serde(default)]
        cases: Vec<cases::Case>,
    },
    /// `{key, shots}` → [Shot]: checks one listing's shot records (`key` = marketplace/ASIN).
    ShotsCheck {
        /// The listing key.
        key: String,
        /// The records.
        shots: Value,
    },
    /// `{shots}` → [string]: the file name of each shot (records without images suffice).
    ShotFileNames {
        /// The shots.
        shots: Vec<shots::ShotInfo>,
    },
    /// `{}` → `{max_shots, max_bytes, max_shot_bytes}`: the per-listing budget.
    ShotsBudget {},

    // ---- image content (imagesig): the browser decodes, the core signs and compares
    /// `{width, height, rgba (Uint8Array, width × height × 4)}` → Signature.
    ImageSignature {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// RGBA pixels, row by row.
        #[serde(skip)]
        rgba: Vec<u8>,
    },
    /// `{saved, page}` (two Signatures) → Comparison `{verdict, distance, colour_distance,
    /// saved: {colours}, page: {colours}}`.
    ImageCompare {
        /// The saved image's signature.
        saved: imagesig::Signature,
        /// The page image's signature.
        page: imagesig::Signature,
    },
    /// `{listing, signatures: {imageId: Signature}}` → Listing with the signatures of its own
    /// images added in compact form (those it has are kept; `updated_at` unchanged).
    ImageSignaturesAdd {
        /// The listing.
        listing: Listing,
        /// Signatures by image ID.
        signatures: std::collections::BTreeMap<String, imagesig::Signature>,
    },
    /// `{text}` (a listing's compact signature) → Signature.
    ImageSignatureRead {
        /// The compact form.
        text: String,
    },
    /// `{report, field, comparison|null}` → Report: the mismatch of `field` gets the content
    /// verdict (`same` → info; null → `unknown`, nothing else changed).
    ImageRefine {
        /// The report to refine.
        report: Report,
        /// `images.main` or `images.gallery`.
        field: String,
        /// From `image_compare`; null when the page's image could not be fetched or decoded.
        comparison: Option<imagesig::Comparison>,
    },
}

/// The error object thrown to JS.
#[derive(Debug, Serialize)]
struct Failure {
    message: String,
    details: Value,
}

impl Failure {
    fn new(message: impl Into<String>, details: Value) -> Self {
        Failure {
            message: message.into(),
            details,
        }
    }
}

/// Case logs by listing key as the extension stores them; a log that is not a
/// list of cases is left out (it stays local only).
fn case_logs(
    logs: Option<std::collections::BTreeMap<String, Value>>,
) -> std::collections::BTreeMap<String, Vec<cases::Case>> {
    logs.unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| Some((k, serde_json::from_value(v).ok()?)))
        .collect()
}

/// The answer as a JS value: serialised to JSON text here, parsed by `JSON.parse`. Every
/// record type then has one serialiser in the module (serde_json's, which the files and the
/// sync items need anyway) instead of a second one for serde-wasm-bindgen.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| {
        fail(Failure::new(
            format!("cannot serialise the answer: {e}"),
            Value::Null,
        ))
    })?;
    js_sys::JSON::parse(&text)
}

fn fail(f: Failure) -> JsValue {
    serde_json::to_string(&f)
        .ok()
        .and_then(|t| js_sys::JSON::parse(&t).ok())
        .unwrap_or_else(|| JsValue::from_str(&f.message))
}

fn bad_request(message: impl std::fmt::Display) -> JsValue {
    fail(Failure::new(
        format!("bad request: {message}"),
        serde_json::json!({"kind": "request"}),
    ))
}

/// The member of `args` that holds bytes for commands that take them.
fn byte_field(ty: &str) -> Option<&'static str> {
    match ty {
        "read_check" | "import_report" => Some("bytes"),
        "image_signature" => Some("rgba"),
        _ => None,
    }
}

/// Takes the bytes out of `args[field]` (a `Uint8Array`, an `ArrayBuffer` or an array of
/// numbers 0–255, copied in one go) and returns `args` without that member.
fn take_bytes(args: &JsValue, field: &str) -> Result<(JsValue, Vec<u8>), JsValue> {
    let v = js_sys::Reflect::get(args, &JsValue::from_str(field)).unwrap_or(JsValue::UNDEFINED);
    let bytes =
        if v.is_instance_of::<js_sys::Uint8Array>() || v.is_instance_of::<js_sys::ArrayBuffer>() {
            js_sys::Uint8Array::new(&v).to_vec()
        } else if js_sys::Array::is_array(&v) {
            let text = js_sys::JSON::stringify(&v)
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default();
            serde_json::from_str(&text).map_err(|e| bad_request(format_args!("`{field}`: {e}")))?
        } else {
            return Err(bad_request(format_args!(
            "missing field `{field}` (a Uint8Array, an ArrayBuffer or an array of numbers 0-255)"
        )));
        };
    let rest = js_sys::Object::assign(&js_sys::Object::new(), args.unchecked_ref());
    js_sys::Reflect::delete_property(&rest, &JsValue::from_str(field))?;
    Ok((rest.into(), bytes))
}

/// `{type, args}` → the [`Command`] and the bytes it carries (if any): `args` crosses as
/// JSON text (`JSON.stringify`), read by serde_json in one pass.
fn decode(request: &JsValue) -> Result<Command, JsValue> {
    let ty = js_sys::Reflect::get(request, &JsValue::from_str("type"))
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| bad_request("missing field `type`"))?;
    let args =
        js_sys::Reflect::get(request, &JsValue::from_str("args")).unwrap_or(JsValue::UNDEFINED);
    let args = if args.is_object() {
        args
    } else {
        js_sys::Object::new().into()
    };
    let (args, bytes) = match byte_field(&ty) {
        Some(field) => {
            let (rest, b) = take_bytes(&args, field)?;
            (rest, Some(b))
        }
        None => (args, None),
    };
    // `{"<type>": args}` written by JSON.stringify in one string (no second copy of a large
    // request in wasm memory).
    let tagged = js_sys::Object::new();
    js_sys::Reflect::set(&tagged, &JsValue::from_str(&ty), &args)?;
    let json = js_sys::JSON::stringify(&tagged)
        .map_err(|_| bad_request("args cannot be written as JSON"))?
        .as_string()
        .unwrap_or_default();
    let mut command: Command = serde_json::from_str(&json).map_err(bad_request)?;
    if let Some(b) = bytes {
        match &mut command {
            #[cfg(feature = "invoke-extract")]
            Command::ReadCheck { bytes, .. } => *bytes = b,
            Command::ImportReport { bytes, .. } => *bytes = b,
            Command::ImageSignature { rgba, .. } => *rgba = b,
            _ => {}
        }
    }
    Ok(command)
}

fn listing_error(e: &listing::ListingError) -> JsValue {
    let details = match e {
        listing::ListingError::Syntax { line, column, .. }
        | listing::ListingError::Shape { line, column, .. } => {
            serde_json::json!({"kind": "listings_file", "line": line, "column": column})
        }
        listing::ListingError::UnknownField(f) | listing::ListingError::NothingOnPage(f) => {
            serde_json::json!({"kind": "field", "field": f})
        }
        _ => serde_json::json!({"kind": "listing"}),
    };
    fail(Failure::new(e.to_string(), details))
}

fn import_error(e: &export_file::ImportFileError) -> JsValue {
    let details = serde_json::json!({
        "kind": "import_file",
        "line": e.line,
        "column": e.column,
        "listing": e.listing,
        "field": e.field,
    });
    fail(Failure::new(e.message.clone(), details))
}

/// A refused shot: `{message, details: {kind: "shots", error: ShotError}}`.
fn shots_error(e: &shots::ShotError) -> JsValue {
    let details = serde_json::json!({ "kind": "shots", "error": e });
    fail(Failure::new(e.to_string(), details))
}

fn rfc3339(now_ms: f64) -> String {
    crate::time::rfc3339(now_ms as i64)
}

fn parse_file(text: &str) -> Result<ListingsFile, JsValue> {
    listing::parse_listings_file(text).map_err(|e| listing_error(&e))
}

/// Runs one request (see [`Command`]). Throws `{message, details}` on a bad
/// request or a refused operation; never panics on any input.
#[wasm_bindgen]
pub fn invoke(request: JsValue) -> Result<JsValue, JsValue> {
    console_error_panic_hook::set_once();
    run(decode(&request)?)
}

fn run(command: Command) -> Result<JsValue, JsValue> {
    match command {
        #[cfg(feature = "invoke-extract")]
        Command::Extract { url, html } => to_js(&page::extract(&html, url.as_deref())),
        Command::Check {
            listings,
            page,
            url,
            now_ms,
        } => to_js(&check::check_request(
            &listings,
            &page,
            url.as_deref(),
            &rfc3339(now_ms),
        )),
        #[cfg(feature = "invoke-extract")]
        Command::ExtractCheck {
            url,
            requested_url,
            html,
            listings,
            now_ms,
        } => {
            let page = page::extract(&html, url.as_deref());
            drop(html);
            to_js(&check::check_request(
                &listings,
                &page,
                requested_url.as_deref().or(url.as_deref()),
                &rfc3339(now_ms),
            ))
        }
        #[cfg(feature = "invoke-extract")]
        Command::ReadCheck {
            url,
            requested_url,
            bytes,
            listings,
            now_ms,
        } => {
            let page = page::read_page(&bytes, url.as_deref());
            drop(bytes);
            to_js(&check::check_request(
                &listings,
                &page,
                requested_url.as_deref().or(url.as_deref()),
                &rfc3339(now_ms),
            ))
        }
        Command::Save { page, now_ms } => match Listing::from_page(&page, &rfc3339(now_ms)) {
            Some(l) => to_js(&l),
            None => Err(fail(Failure::new(
                "this page cannot be saved: it is not a product page with an ASIN and a marketplace",
                serde_json::json!({"kind": "not_product", "page_kind": page.kind}),
            ))),
        },
        Command::Accept {
            mut listing,
            page,
            field,
            now_ms,
        } => {
            listing
                .accept(&field, &page, &rfc3339(now_ms))
                .map_err(|e| listing_error(&e))?;
            to_js(&listing)
        }
        Command::Unwatch {
            mut listing,
            field,
            now_ms,
        } => {
            listing.unwatch(&field).map_err(|e| listing_error(&e))?;
            if let Some(ms) = now_ms {
                listing.updated_at = rfc3339(ms);
            }
            to_js(&listing)
        }
        Command::ReportText {
            report,
            listing,
            lang,
        } => to_js(&check::text::report_text(&report, listing.as_ref(), &lang)),
        Command::ParseListings { text } => to_js(&parse_file(&text)?),
        Command::ExportListings {
            listings,
            deleted,
            settings: s,
            history,
            cases,
            shots: shot_logs,
        } => {
            let s = s.map(settings::migrate);
            let nonempty = |v: Option<Value>| v.filter(|v| v.as_object().is_some_and(|m| !m.is_empty()));
            let extras = export_file::ExportExtras {
                history: nonempty(history),
                cases: nonempty(cases),
                shots: nonempty(shot_logs),
            };
            let text = export_file::export_with_deletions(&listings, s.as_ref(), &extras, &deleted);
            to_js(&serde_json::json!({ "text": text }))
        }
        Command::ImportPreview { existing, text } => {
            to_js(&export_file::preview(&existing, &text).map_err(|e| import_error(&e))?)
        }
        Command::ImportApply {
            existing,
            text,
            mode,
            now_ms,
        } => {
            let listings = export_file::apply(&existing, &text, &mode, &rfc3339(now_ms))
                .map_err(|e| import_error(&e))?;
            // The file's deletions: a listing changed no later than one is deleted (kept to restore).
            let tombs = export_file::deletions(&text).map_err(|e| import_error(&e))?;
            let (listings, deleted) = merge::apply_tombstones(listings, &tombs);
            let extras = export_file::parse(&text)
                .map_err(|e| import_error(&e))?
                .extras;
            to_js(&serde_json::json!({
                "listings": listings,
                "deleted": deleted,
                "tombstones": tombs,
                "history": extras.history,
                "cases": extras.cases,
                "shots": extras.shots,
            }))
        }
        Command::ImportReport {
            existing,
            bytes,
            marketplace,
            now_ms,
        } => {
            let imported = seller_central::parse_report(&bytes, marketplace.as_deref(), &rfc3339(now_ms))
                .map_err(|e| {
                    fail(Failure::new(
                        e.to_string(),
                        serde_json::json!({"kind": "report", "line": e.line}),
                    ))
                })?;
            to_js(&seller_central::merge_report(&existing, imported))
        }
        Command::MissingFields { listing, page } => to_js(&listing.missing_fields(&page)),
        Command::Complete {
            mut listing,
            page,
            now_ms,
        } => {
            listing
                .complete_from(&page, &rfc3339(now_ms))
                .map_err(|e| listing_error(&e))?;
            to_js(&listing)
        }
        Command::SettingsRead { stored } => to_js(&settings::migrate(stored)),
        Command::SettingsStore { settings: s } => {
            to_js(&settings::to_stored(&settings::migrate(with_version(s))))
        }
        Command::SyncEncode {
            listings,
            settings: s,
            last_used,
            carry,
            cases,
            tombstones,
            now_ms,
        } => {
            let options = sync::SyncOptions {
                last_used: last_used
                    .into_iter()
                    .map(|(k, ms)| (k, ms as i64))
                    .collect(),
                carry,
                cases: case_logs(cases),
                tombstones,
                now_ms: now_ms.map(|ms| ms as i64),
            };
            to_js(&sync::encode_with(
                &listings,
                &settings::migrate(s),
                &options,
            ))
        }
        Command::SyncDiff { old, new } => to_js(&sync::diff_items(&old, &new)),
        Command::SyncAllowance {
            recent_writes_ms,
            now_ms,
        } => {
            let writes: Vec<i64> = recent_writes_ms.iter().map(|&ms| ms as i64).collect();
            to_js(&sync::write_allowance(&writes, now_ms as i64))
        }
        Command::SyncDecode { items } => to_js(&sync::decode(&items)),
        Command::SyncMerge {
            local,
            local_cases,
            items,
            local_tombstones,
            now_ms,
        } => {
            let remote = sync::decode(&items);
            let now = now_ms.map_or(0, |ms| ms as i64);
            let result = merge::merge_sync_with(&local, &local_tombstones, &remote, now);
            let cases = merge::merge_cases(&case_logs(local_cases), &remote.cases);
            let changed: std::collections::BTreeMap<&String, &Vec<cases::Case>> = cases
                .updated
                .iter()
                .filter_map(|k| cases.cases.get_key_value(k))
                .collect();
            let mut answer = serde_json::to_value(&result).map_err(|e| {
                fail(Failure::new(
                    format!("cannot serialise the answer: {e}"),
                    Value::Null,
                ))
            })?;
            if let Value::Object(m) = &mut answer {
                m.insert(
                    "cases".to_string(),
                    serde_json::to_value(changed).unwrap_or_default(),
                );
            }
            to_js(&answer)
        }
        Command::HistoryRecord {
            history,
            page,
            source,
            now_ms,
        } => {
            let mut h = history.unwrap_or_default();
            let change = h.record_page(&page, source, &rfc3339(now_ms));
            to_js(&serde_json::json!({ "history": h, "change": change }))
        }
        Command::HistoryRecordGone {
            history,
            mut report,
            source,
            now_ms,
        } => {
            let mut h = history.unwrap_or_default();
            let change = h.record_gone(&report, source, &rfc3339(now_ms));
            h.annotate(&mut report);
            to_js(&serde_json::json!({ "history": h, "change": change, "report": report }))
        }
        Command::Learn {
            mut listing,
            page,
            now_ms,
        } => {
            let fields = listing.learn_from(&page, &rfc3339(now_ms));
            to_js(&serde_json::json!({ "listing": listing, "fields": fields }))
        }
        Command::HistoryRecordListing {
            history,
            listing,
            now_ms,
        } => {
            let now = rfc3339(now_ms);
            let mut h = history.unwrap_or_default();
            let change = h.record(history::Observation::from_listing(&listing, &now), &now);
            to_js(&serde_json::json!({ "history": h, "change": change }))
        }
        Command::HistoryTimeline { history, lang } => to_js(&history.timeline(&lang)),
        Command::ScheduleNext {
            state,
            settings: s,
            keys,
            now_ms,
            seed,
            start_now,
            urgent,
        } => {
            let now = now_ms as i64;
            let config = schedule::ScheduleConfig::from_settings(&settings::migrate(s));
            let mut st = state
                .unwrap_or_else(|| schedule::ScheduleState::new(config.clone(), seed as u64));
            if st.config.interval != config.interval {
                st.set_interval(config.interval, now);
            }
            st.config = config;
            // A new run takes recent changes and open cases first, then the oldest last check.
            let keys = if st.run.is_none() {
                schedule::order_keys(&st, &keys, &urgent)
            } else {
                keys
            };
            if start_now {
                schedule::start_now(&mut st, &keys, now);
            }
            let action = schedule::next_action(&mut st, &keys, now);
            to_js(&serde_json::json!({ "state": st, "action": action }))
        }
        Command::SchedulePace {
            state,
            settings: s,
            keys,
            now_ms,
        } => {
            let config = schedule::ScheduleConfig::from_settings(&settings::migrate(s));
            let mut st = state.unwrap_or_else(|| schedule::ScheduleState::new(config.clone(), 0));
            st.config = config;
            let stale = schedule::stale_keys(&st, &keys, now_ms as i64);
            to_js(&serde_json::json!({
                "pace": schedule::pace(keys.len(), &st.config),
                "stale_count": stale.len(),
                "stale": stale.iter().take(200).collect::<Vec<_>>(),
            }))
        }
        Command::ScheduleResult {
            mut state,
            key,
            page_kind,
            changed,
            gone,
            now_ms,
        } => {
            let outcome = page_kind.map_or(schedule::Outcome::Failed, |k| {
                schedule::outcome_of_report(k, gone, changed)
            });
            schedule::on_result(&mut state, &key, outcome, now_ms as i64).map_err(|e| {
                fail(Failure::new(
                    e.to_string(),
                    serde_json::json!({"kind": "schedule"}),
                ))
            })?;
            to_js(&serde_json::json!({ "state": state, "outcome": outcome }))
        }
        Command::Notify {
            state,
            report,
            listing_title,
            lang,
        } => {
            let mut st = state.unwrap_or_default();
            let n = st.should_notify(&report, listing_title.as_deref(), &lang);
            to_js(&serde_json::json!({ "state": st, "notification": n }))
        }
        Command::CaseNew {
            id,
            marketplace,
            opened,
            now_ms,
            lang,
            brand_registry,
        } => match cases::Case::new(&id, &marketplace, &opened, &rfc3339(now_ms)) {
            Ok(c) => to_js(&cases::Case {
                brand_registry,
                ..c
            }),
            Err(e) => Err(fail(Failure::new(
                e.message(&lang),
                serde_json::json!({"kind": "case"}),
            ))),
        },
        Command::CaseUpdate {
            mut case,
            status,
            notes,
            evidence,
            brand_registry,
            now_ms,
        } => {
            let now = rfc3339(now_ms);
            if let Some(b) = brand_registry.filter(|b| *b != case.brand_registry) {
                case.brand_registry = b;
                case.updated_at.clone_from(&now);
            }
            if let Some(st) = status {
                case.set_status(st, &now);
            }
            if let Some(n) = notes {
                case.notes = n;
                case.updated_at.clone_from(&now);
            }
            if let Some(r) = evidence {
                case.add_evidence(&r, &now);
            }
            to_js(&case)
        }
        Command::CaseReportText {
            report,
            listing,
            history,
            case,
            shots,
            lang,
        } => to_js(&cases::case_report_text_with_shots(
            &report,
            listing.as_ref(),
            history.as_ref(),
            case.as_ref(),
            &shots,
            &lang,
        )),
        Command::CaseReopenText {
            case,
            report,
            history,
            shots,
            lang,
        } => to_js(&serde_json::json!({
            "text": cases::reopen_text_with_shots(&case, &report, history.as_ref(), &shots, &lang),
            "url": cases::case_url(&case),
        })),
        Command::CaseLogUrl { marketplace } => to_js(&cases::case_log_url(&marketplace)),
        Command::ShotNew {
            marketplace,
            asin,
            url,
            report,
            case_id,
            now_ms,
        } => {
            let shot = shots::new_shot(&marketplace, &asin, &url, &report, case_id.as_deref(), now_ms as i64);
            let stamp = shots::stamp_lines(&shots::ShotInfo::from(&shot), &url);
            to_js(&serde_json::json!({
                "shot": shot,
                "stamp": stamp,
                "quality": f64::from(shots::JPEG_QUALITY) / 100.0,
                "max_width": shots::MAX_WIDTH,
            }))
        }
        Command::ShotsAdd { shots: list, shot, cases } => {
            to_js(&shots::add(list, shot, &cases).map_err(|e| shots_error(&e))?)
        }
        Command::ShotsPrune { shots: list, cases } => to_js(&shots::prune(list, &cases)),
        Command::ShotsCheck { key, shots: list } => {
            to_js(&shots::parse_log(&key, &list).map_err(|e| shots_error(&e))?)
        }
        Command::ShotFileNames { shots: list } => {
            to_js(&list.iter().map(shots::file_name).collect::<Vec<_>>())
        }
        Command::ShotsBudget {} => to_js(&serde_json::json!({
            "max_shots": shots::MAX_SHOTS,
            "max_bytes": shots::BUDGET_BYTES,
            "max_shot_bytes": shots::MAX_SHOT_BYTES,
        })),

        // ---- image content (imagesig)
        Command::ImageSignature {
            width,
            height,
            rgba,
        } => match imagesig::signature(width, height, &rgba) {
            Ok(sig) => to_js(&sig),
            Err(e) => Err(fail(Failure::new(
                e.to_string(),
                serde_json::json!({"kind": "image"}),
            ))),
        },
        Command::ImageCompare { saved, page } => match imagesig::compare(&saved, &page) {
            Ok(c) => to_js(&c),
            Err(e) => Err(fail(Failure::new(
                e.to_string(),
                serde_json::json!({"kind": "image"}),
            ))),
        },
        Command::ImageSignaturesAdd {
            mut listing,
            signatures,
        } => {
            listing.add_image_signatures(&signatures);
            to_js(&listing)
        }
        Command::ImageSignatureRead { text } => match imagesig::Signature::from_compact(&text) {
            Ok(sig) => to_js(&sig),
            Err(e) => Err(fail(Failure::new(
                e.to_string(),
                serde_json::json!({"kind": "image"}),
            ))),
        },
        Command::ImageRefine {
            mut report,
            field,
            comparison,
        } => {
            imagesig::refine(&mut report, &field, comparison.as_ref());
            to_js(&report)
        }
    }
}

/// Settings sent by the options page are in the current shape: mark them so
/// [`settings::migrate`] does not read them as the unversioned v0 shape.
fn with_version(mut s: Value) -> Value {
    if let Value::Object(m) = &mut s {
        m.entry("version").or_insert(Value::from(settings::VERSION));
    }
    s
}

#[cfg(test)]
mod tests;
