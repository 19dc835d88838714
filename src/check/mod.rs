//! The check: [`Listing`] × [`ProductPage`] → [`Report`].
//!
//! # Rules
//!
//! * Only `product` pages can mismatch. `captcha`, `error` and `not_found`
//!   pages are `unreadable`, every other kind is `not_product`; a product page
//!   without an ASIN is `unreadable`; a product page whose ASIN has no listing
//!   is `untracked`.
//! * The listing is looked up by (marketplace, ASIN); by ASIN alone only when
//!   the page has no marketplace (a page read without its URL).
//! * Only watched fields ([`crate::listing::Watch`]) are compared, and only
//!   where the listing holds an expected value: `None`, an empty string or an
//!   empty list means "no expected value" (a partial listing imported from a
//!   Seller Central report has no bullets, say) and is not compared.
//! * Text is compared after [`normalize::normalize`] (NFKC, invisible
//!   characters removed, whitespace collapsed; case kept). Lists are compared
//!   item by item after the same normalisation.
//! * A watched field the listing has but the page lacks is a mismatch with
//!   `actual: null` — title, brand, main image, a variation dimension,
//!   bullets, description and seller — **except** where an absent value is
//!   not evidence of a change, to avoid false alarms:
//!   * `images.gallery` is compared only when the page shows a gallery (more
//!     than the main image). A page whose scripts were stripped, or a layout
//!     the reader finds only the main image in, says nothing about the gallery.
//!   * `breadcrumb` is compared only when the page shows one: arriving from
//!     search results, Amazon replaces the category path by "‹ Back to
//!     results".
//!   * `offers` is compared only when the page shows an offer count.
//! * Images are compared by image ID: `images.main` is the first ID,
//!   `images.gallery` the rest, as an ordered list.
//! * `seller` compares merchant IDs when both sides have one, else names.
//! * Text mismatches carry a character-level diff of the *normalised* texts
//!   (lists joined with `"\n"`), so the diff shows only differences a
//!   shopper can see.
//! * `seller` compares merchant IDs when both sides have one, else names. It
//!   is a **warning** when the page shows a Buy Box held by someone else (the
//!   page names a seller and does not say it has no Buy Box), else `info`.
//! * The variation family (read from the twister) is compared only once the
//!   listing knows it ([`Listing::family_known`]; listings saved before
//!   families were read learn it from the next product page, with no
//!   mismatch). `family.parent` (**critical**): the page's parent ASIN
//!   differs from the listing's (both known), or the listing had a family and
//!   the page shows none, or the listing had none and the page shows one (the
//!   ASIN was attached under a parent). `family.members` (**warning**):
//!   sibling ASINs added or removed; `expected` lists the listing's members
//!   the page no longer shows, `actual` the page's members the listing does
//!   not have (each `{asin, dimensions}`), so the report says which.
//!   Members are compared only when both sides list some.
//! * `availability` (**warning**) only when the listing says `in_stock` and
//!   the page says `unavailable`; every other pair (unknown on either side,
//!   back in stock) is not a change.
//! * Mismatches are sorted most severe first, then by field name.
//! * [`check_request`] also knows which URL was asked for: a saved listing's
//!   URL giving the 404 page, another ASIN's page or a "no longer available"
//!   page is `gone` (see [`gone`]).
//!
//! # Severity
//!
//! | field | severity |
//! |---|---|
//! | `title`, `brand`, `images.main`, `variations.<dimension>`, `family.parent` | critical |
//! | `images.gallery`, `breadcrumb`, `bullets`, `description`, `family.members`, `availability` | warning |
//! | `seller` | warning when another seller holds the Buy Box, else info |
//! | `offers` | info |
//!
//! A `gone` report has no mismatches; it is as serious as a critical one
//! (red badge, notified once per episode).

use crate::listing::Listing;
use crate::page::{Availability, Family, FamilyMember, PageKind, ProductPage, Seller};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use similar::{ChangeTag, TextDiff};

pub mod gone;
pub mod normalize;
pub mod text;

pub use gone::{Gone, GoneReason};

use normalize::normalize;

/// Overall result of checking one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every watched field matches.
    Match,
    /// At least one watched field differs.
    Mismatch,
    /// A product page whose ASIN has no listing.
    Untracked,
    /// Not a product page (search, home, sign-in…).
    NotProduct,
    /// Could not be read: captcha, error page, product page without an ASIN.
    Unreadable,
    /// A saved listing's page no longer exists (404, another ASIN, "no
    /// longer available"): see [`gone`].
    Gone,
}

impl Status {
    /// The JSON name of the status, e.g. `not_product`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Match => "match",
            Status::Mismatch => "mismatch",
            Status::Untracked => "untracked",
            Status::NotProduct => "not_product",
            Status::Unreadable => "unreadable",
            Status::Gone => "gone",
        }
    }
}

/// How much a mismatch matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Main image, selected variation, title, brand, parent ASIN.
    Critical,
    /// Gallery, bullets, description, breadcrumb, family members,
    /// availability, the Buy Box taken by another seller.
    Warning,
    /// Seller (no Buy Box shown), offer count.
    Info,
}

impl Severity {
    /// The JSON name of the severity, e.g. `critical`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// The severity of a mismatch on `field` (a [`Mismatch::field`] name);
    /// `seller` is raised to a warning by the check when the Buy Box is taken.
    pub fn of_field(field: &str) -> Severity {
        match field {
            "title" | "brand" | "images.main" | "family.parent" => Severity::Critical,
            f if f.starts_with("variations.") => Severity::Critical,
            "seller" | "offers" => Severity::Info,
            _ => Severity::Warning,
        }
    }
}

/// One piece of a character-level diff between expected and actual text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffPart {
    /// `equal`, `delete` (only in expected) or `insert` (only in actual).
    pub op: DiffOp,
    /// The text of this part.
    pub text: String,
}

/// Kind of a [`DiffPart`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffOp {
    /// In both.
    Equal,
    /// Only in expected.
    Delete,
    /// Only in actual.
    Insert,
}

/// One watched field that differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mismatch {
    /// `title`, `brand`, `images.main`, `images.gallery`, `variations.<dimension>`,
    /// `breadcrumb`, `bullets`, `description`, `seller`, `offers`, `family.parent`,
    /// `family.members`, `availability`.
    pub field: String,
    /// What the listing says (JSON: string, array, object or null).
    pub expected: serde_json::Value,
    /// What the page shows.
    pub actual: serde_json::Value,
    /// How much it matters.
    pub severity: Severity,
    /// Character-level diff for text fields (expected → actual).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<Vec<DiffPart>>,
    /// Image mismatches only, once the pictures were compared by content: `verdict` and both
    /// images' dominant `colours` (see [`crate::imagesig::refine`]).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub image: Option<crate::imagesig::ImageContent>,
}

/// The result of checking one page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Overall status.
    pub status: Status,
    /// ASIN of the page.
    pub asin: Option<String>,
    /// Marketplace of the page.
    pub marketplace: Option<String>,
    /// When checked (RFC 3339).
    pub checked_at: String,
    /// Differences, most severe first.
    pub mismatches: Vec<Mismatch>,
    /// What was read from the page.
    pub page: ProductPage,
    /// For a `gone` report: why, and (from the history) since when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gone: Option<Gone>,
}

/// The listing for `page` among `listings`: same marketplace and ASIN, or
/// the same ASIN when the page has no marketplace. ASINs compare without
/// regard to ASCII case.
pub fn find_listing<'a>(listings: &'a [Listing], page: &ProductPage) -> Option<&'a Listing> {
    let asin = page.asin.as_deref()?;
    listings.iter().find(|l| {
        l.asin.eq_ignore_ascii_case(asin)
            && page
                .marketplace
                .as_deref()
                .map_or(true, |m| l.marketplace.eq_ignore_ascii_case(m))
    })
}

/// Checks `page` against the listing for its ASIN among `listings`.
pub fn check(listings: &[Listing], page: &ProductPage, checked_at: &str) -> Report {
    let mut report = Report {
        status: Status::Unreadable,
        asin: page.asin.clone(),
        marketplace: page.marketplace.clone(),
        checked_at: checked_at.to_string(),
        mismatches: vec![],
        page: page.clone(),
        gone: None,
    };
    match page.kind {
        PageKind::Product => {}
        PageKind::Captcha | PageKind::Error | PageKind::NotFound => return report,
        PageKind::Other => {
            report.status = Status::NotProduct;
            return report;
        }
    }
    if page.asin.as_deref().map_or(true, |a| a.trim().is_empty()) {
        return report;
    }
    let Some(listing) = find_listing(listings, page) else {
        report.status = Status::Untracked;
        return report;
    };
    if report.marketplace.is_none() {
        report.marketplace = Some(listing.marketplace.clone());
    }
    report.mismatches = compare(listing, page);
    report.status = if report.mismatches.is_empty() {
        Status::Match
    } else {
        Status::Mismatch
    };
    report
}

/// [`check`], knowing the URL that was asked for (`requested_url`: the tab's URL,
/// or the listing's URL a re-check fetched). When that URL names a saved
/// listing's ASIN and the page is the 404 page, another ASIN's page (not a
/// member of its family) or a "no longer available" page (read as `not_found`
/// with its ASIN), the report is `gone` for that listing (see [`gone`]);
/// otherwise it is [`check`]'s. Without a URL, only a "no longer available"
/// page (it names its ASIN) can be `gone`.
pub fn check_request(
    listings: &[Listing],
    page: &ProductPage,
    requested_url: Option<&str>,
    checked_at: &str,
) -> Report {
    let report = check(listings, page, checked_at);
    let from_url = requested_url.and_then(gone::asin_of_url);
    let own_asin = page
        .asin
        .clone()
        .filter(|a| page.kind == PageKind::NotFound && !a.trim().is_empty());
    let Some(asin) = from_url.or(own_asin) else {
        return report;
    };
    let marketplace = requested_url
        .and_then(crate::page::kind::marketplace_of)
        .or_else(|| page.marketplace.clone());
    let wanted = ProductPage {
        asin: Some(asin.clone()),
        marketplace,
        ..ProductPage::empty(PageKind::Product)
    };
    let Some(listing) = find_listing(listings, &wanted) else {
        return report;
    };
    let same_asin = page
        .asin
        .as_deref()
        .is_some_and(|a| a.eq_ignore_ascii_case(&asin));
    let gone = match page.kind {
        // "No longer available" pages keep their ASIN; the dogs 404 has none.
        PageKind::NotFound if same_asin => Some(Gone::new(GoneReason::NoLongerAvailable, None)),
        PageKind::NotFound => Some(Gone::new(GoneReason::NotFound, None)),
        PageKind::Product if !same_asin => {
            let sibling = page
                .family
                .as_ref()
                .is_some_and(|f| f.members.iter().any(|m| m.asin.eq_ignore_ascii_case(&asin)));
            match page.asin.as_deref() {
                Some(other) if !sibling && !other.trim().is_empty() => {
                    Some(Gone::new(GoneReason::Redirected, Some(other.to_string())))
                }
                _ => None,
            }
        }
        _ => None,
    };
    match gone {
        Some(g) => Report {
            status: Status::Gone,
            asin: Some(listing.asin.clone()),
            marketplace: Some(listing.marketplace.clone()),
            checked_at: checked_at.to_string(),
            mismatches: vec![],
            page: page.clone(),
            gone: Some(g),
        },
        None => report,
    }
}

/// Every mismatch between `listing` and `page`, sorted (no page-kind or
/// ASIN checks: [`check`] does those).
pub fn compare(listing: &Listing, page: &ProductPage) -> Vec<Mismatch> {
    let w = &listing.watch;
    let mut out = Vec::new();

    if w.title {
        text_field(&mut out, "title", &listing.title, &page.title);
    }
    if w.brand {
        text_field(&mut out, "brand", &listing.brand, &page.brand);
    }
    if w.main_image {
        if let Some(expected) = listing.images.first().filter(|s| !s.trim().is_empty()) {
            let actual = page.main_image();
            if actual.map(str::trim) != Some(expected.trim()) {
                out.push(mismatch(
                    "images.main",
                    Value::from(expected.as_str()),
                    actual.map_or(Value::Null, Value::from),
                    None,
                ));
            }
        }
    }
    if w.gallery && listing.images.len() > 1 && page.images.len() > 1 {
        let expected = &listing.images[1..];
        let actual = &page.images[1..];
        let same = expected.len() == actual.len()
            && expected
                .iter()
                .zip(actual)
                .all(|(e, a)| e.trim() == a.trim());
        if !same {
            out.push(mismatch(
                "images.gallery",
                Value::from(expected.to_vec()),
                Value::from(actual.to_vec()),
                None,
            ));
        }
    }
    if w.variations {
        for (dim, expected) in &listing.variations {
            if normalize(expected).is_empty() {
                continue;
            }
            let actual = page.variations.get(dim);
            if actual.map(|a| normalize(a)) != Some(normalize(expected)) {
                out.push(mismatch(
                    &format!("variations.{dim}"),
                    Value::from(expected.as_str()),
                    actual.map_or(Value::Null, |a| Value::from(a.as_str())),
                    Some(diff(expected, actual.map_or("", String::as_str))),
                ));
            }
        }
    }
    if w.breadcrumb && !page.breadcrumb.is_empty() {
        list_field(
            &mut out,
            "breadcrumb",
            &listing.breadcrumb,
            &page.breadcrumb,
        );
    }
    if w.bullets {
        list_field(&mut out, "bullets", &listing.bullets, &page.bullets);
    }
    if w.description {
        text_field(
            &mut out,
            "description",
            &listing.description,
            &page.description,
        );
    }
    if w.seller {
        if let Some(expected) = listing.seller.as_ref().filter(|s| !seller_blank(s)) {
            let same = page
                .seller
                .as_ref()
                .is_some_and(|a| same_seller(expected, a));
            if !same {
                let to_value = |s: &Seller| serde_json::to_value(s).unwrap_or(Value::Null);
                let mut m = mismatch(
                    "seller",
                    to_value(expected),
                    page.seller.as_ref().map_or(Value::Null, to_value),
                    Some(diff(
                        &expected.name,
                        page.seller.as_ref().map_or("", |s| s.name.as_str()),
                    )),
                );
                // Someone else holds the Buy Box: the page names another seller and does
                // not say it has no Buy Box.
                if page.seller.is_some() && page.buy_box != Some(false) {
                    m.severity = Severity::Warning;
                }
                out.push(m);
            }
        }
    }
    if w.offers {
        if let (Some(expected), Some(actual)) = (listing.offer_count, page.offer_count) {
            if expected != actual {
                out.push(mismatch(
                    "offers",
                    Value::from(expected),
                    Value::from(actual),
                    None,
                ));
            }
        }
    }

    if listing.family_known {
        family_fields(&mut out, w, listing.family.as_ref(), page.family.as_ref());
    }
    if w.availability
        && listing.availability == Availability::InStock
        && page.availability == Availability::Unavailable
    {
        out.push(mismatch(
            "availability",
            Value::from("in_stock"),
            Value::from("unavailable"),
            None,
        ));
    }

    out.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then_with(|| a.field.cmp(&b.field))
    });
    out
}

/// `family.parent` and `family.members` (see the module docs).
fn family_fields(
    out: &mut Vec<Mismatch>,
    w: &crate::listing::Watch,
    expected: Option<&Family>,
    actual: Option<&Family>,
) {
    let parent = |f: Option<&Family>| {
        f.and_then(|f| f.parent.as_deref())
            .map_or(Value::Null, Value::from)
    };
    match (expected, actual) {
        (None, None) => {}
        (Some(_), None) | (None, Some(_)) => {
            if w.family_parent {
                out.push(mismatch(
                    "family.parent",
                    parent(expected),
                    parent(actual),
                    None,
                ));
            }
        }
        (Some(e), Some(a)) => {
            if let (true, Some(ep), Some(ap)) = (w.family_parent, &e.parent, &a.parent) {
                if !ep.trim().eq_ignore_ascii_case(ap.trim()) {
                    out.push(mismatch(
                        "family.parent",
                        Value::from(ep.as_str()),
                        Value::from(ap.as_str()),
                        None,
                    ));
                }
            }
            if w.family_members && !e.members.is_empty() && !a.members.is_empty() {
                let has = |list: &[FamilyMember], asin: &str| {
                    list.iter()
                        .any(|m| m.asin.trim().eq_ignore_ascii_case(asin.trim()))
                };
                // A family cut short by the reader (thousands of members) lists only part
                // of itself: what it does not list is not evidence of a change.
                let removed: Vec<&FamilyMember> = e
                    .members
                    .iter()
                    .filter(|m| !a.truncated && !has(&a.members, &m.asin))
                    .collect();
                let added: Vec<&FamilyMember> = a
                    .members
                    .iter()
                    .filter(|m| !e.truncated && !has(&e.members, &m.asin))
                    .collect();
                if !removed.is_empty() || !added.is_empty() {
                    let to_value =
                        |l: Vec<&FamilyMember>| serde_json::to_value(l).unwrap_or(Value::Null);
                    out.push(mismatch(
                        "family.members",
                        to_value(removed),
                        to_value(added),
                        None,
                    ));
                }
            }
        }
    }
}

fn mismatch(field: &str, expected: Value, actual: Value, diff: Option<Vec<DiffPart>>) -> Mismatch {
    Mismatch {
        field: field.to_string(),
        expected,
        actual,
        severity: Severity::of_field(field),
        diff,
        image: None,
    }
}

fn text_field(
    out: &mut Vec<Mismatch>,
    field: &str,
    expected: &Option<String>,
    actual: &Option<String>,
) {
    let Some(expected) = expected.as_deref().filter(|e| !normalize(e).is_empty()) else {
        return;
    };
    let actual = actual.as_deref();
    if actual.map(normalize) != Some(normalize(expected)) {
        out.push(mismatch(
            field,
            Value::from(expected),
            actual.map_or(Value::Null, Value::from),
            Some(diff(expected, actual.unwrap_or(""))),
        ));
    }
}

fn list_field(out: &mut Vec<Mismatch>, field: &str, expected: &[String], actual: &[String]) {
    let norm = |l: &[String]| -> Vec<String> {
        l.iter()
            .map(|s| normalize(s))
            .filter(|s| !s.is_empty())
            .collect()
    };
    let (e, a) = (norm(expected), norm(actual));
    if e.is_empty() || e == a {
        return;
    }
    out.push(mismatch(
        field,
        Value::from(expected.to_vec()),
        if actual.is_empty() {
            Value::Null
        } else {
            Value::from(actual.to_vec())
        },
        Some(diff_normalized(&e.join("\n"), &a.join("\n"))),
    ));
}

fn seller_blank(s: &Seller) -> bool {
    normalize(&s.name).is_empty() && s.id.as_deref().map_or(true, |i| i.trim().is_empty())
}

fn same_seller(expected: &Seller, actual: &Seller) -> bool {
    match (expected.id.as_deref(), actual.id.as_deref()) {
        (Some(e), Some(a)) if !e.trim().is_empty() && !a.trim().is_empty() => {
            e.trim().eq_ignore_ascii_case(a.trim())
        }
        _ => normalize(&expected.name) == normalize(&actual.name),
    }
}

/// Above this many characters (both sides together) the diff is not
/// computed character by character: it becomes "all deleted, all inserted",
/// so a hostile page cannot make the check slow.
pub const MAX_DIFF_CHARS: usize = 10_000;

/// Below this similarity (0..1, `similar`'s ratio) a text diff is shown as a whole replacement.
pub const MIN_DIFF_RATIO: f32 = 0.5;

/// The character-level diff between the normalised forms of `expected` and
/// `actual`, adjacent characters with the same op merged into one part.
pub fn diff(expected: &str, actual: &str) -> Vec<DiffPart> {
    diff_normalized(&normalize(expected), &normalize(actual))
}

fn diff_normalized(expected: &str, actual: &str) -> Vec<DiffPart> {
    let mut parts: Vec<DiffPart> = Vec::new();
    let mut push = |op: DiffOp, text: &str| {
        if text.is_empty() {
            return;
        }
        match parts.last_mut() {
            Some(last) if last.op == op => last.text.push_str(text),
            _ => parts.push(DiffPart {
                op,
                text: text.to_string(),
            }),
        }
    };
    if expected.chars().count() + actual.chars().count() > MAX_DIFF_CHARS {
        if expected == actual {
            push(DiffOp::Equal, expected);
        } else {
            push(DiffOp::Delete, expected);
            push(DiffOp::Insert, actual);
        }
        return parts;
    }
    // At most 2 × the shorter length over the total can be shared: below the threshold the
    // answer is a whole replacement whatever the diff finds, and Myers' cost grows with the
    // edit distance (an 18,000-character bullet against a 6-character one took 0.2 s).
    let (n, m) = (expected.chars().count(), actual.chars().count());
    if ((2 * n.min(m)) as f32) < MIN_DIFF_RATIO * (n + m) as f32 {
        push(DiffOp::Delete, expected);
        push(DiffOp::Insert, actual);
        return parts;
    }
    let d = TextDiff::from_chars(expected, actual);
    // Two unrelated values (a colour name replaced by another) share only scattered
    // characters; highlighting those as "unchanged" reads as noise, so show a whole
    // replacement when less than half the text is shared.
    if d.ratio() < MIN_DIFF_RATIO {
        push(DiffOp::Delete, expected);
        push(DiffOp::Insert, actual);
        return parts;
    }
    for change in d.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => DiffOp::Equal,
            ChangeTag::Delete => DiffOp::Delete,
            ChangeTag::Insert => DiffOp::Insert,
        };
        push(op, change.value());
    }
    parts
}

#[cfg(test)]
mod tests;
