//! Seller Central "All Listings" / "Active Listings" report files
//! (`_GET_MERCHANT_LISTINGS_ALL_DATA_` / `_GET_MERCHANT_LISTINGS_DATA_`), as a
//! seller downloads them: tab-separated text, one listing per line, with a
//! header line whose names depend on the marketplace's language.
//!
//! Encodings: UTF-8 (with or without BOM) is tried first; a file that is not
//! valid UTF-8 is read as Shift_JIS (CP932, as amazon.co.jp serves it:
//! the WHATWG Shift_JIS of encoding_rs and of the browser's TextDecoder (src/charset.rs) is CP932, e.g.
//! 0x8160 → U+FF5E "～", NEC row 13 "①㈱", IBM extensions "髙"); a
//! UTF-16 file with a BOM (a report re-saved by Excel as "Unicode text") is
//! read too. Undecodable bytes are an error naming the line.
//!
//! Header sets (where they were checked):
//! * English, all 29 columns in report order: `item-name item-description
//!   listing-id seller-sku price quantity open-date image-url
//!   item-is-marketplace product-id-type zshop-shipping-fee item-note
//!   item-condition zshop-category1 zshop-browse-path zshop-storefront-feature
//!   asin1 asin2 asin3 will-ship-internationally expedited-shipping
//!   zshop-boldface product-id bid-for-featured-placement add-delete
//!   pending-quantity fulfillment-channel merchant-shipping-group status` —
//!   github.com/armohamm/e-commerce-apis `amazon/amazon/Model/Amazon/AmazonInventory.cs`
//!   (a parser of the report's columns), and the report types in the MWS
//!   Japanese docs (docs.developer.amazonservices.com/ja_JP/reports/Reports_ReportType.html).
//! * Japanese, older layout (the English order, with some names localised):
//!   `商品名 item-description 出品ID 出品者SKU 価格 数量 出品日 image-url
//!   item-is-marketplace 商品IDタイプ zshop-shipping-fee コンディション説明
//!   コンディション zshop-category1 zshop-browse-path zshop-storefront-feature
//!   asin1 asin2 asin3 国外へ配送可 迅速な配送 zshop-boldface 商品ID
//!   bid-for-featured-placement add-delete 在庫数 フルフィルメント・チャンネル
//!   merchant-shipping-group ポイント`.
//! * Japanese, newer layout: `出品者SKU ASIN 1 商品名 商品の説明 出品ID 価格 数量
//!   出品日 商品IDタイプ コンディション説明 コンディション 国外へ配送可 迅速な配送 商品ID
//!   在庫数 フルフィルメント・チャンネル 法人価格 … merchant-shipping-group ポイント
//!   商品税コード ステータス …`.
//!
//!   Both Japanese sets were found in public report parsers through a code
//!   search (PHP, Go, Java and Node header maps for the JP "all listings"
//!   report, e.g. Go `GetMerchantListingsAllDataJp` and a Node
//!   `getMerchantListingsAllData` map from `出品者SKU`/`ASIN 1`/`商品の説明` to
//!   `seller-sku`/`asin1`/`item-description`); the search index did not name
//!   their repositories.
//!
//! Header names are matched after removing spaces, `-` and `_` and ignoring
//! case, so `asin1`, `ASIN 1` and `ASIN1` are one column. Unknown columns are
//! ignored.

use crate::charset::{self, Encoding};
use crate::listing::{Listing, Watch};

/// Why a report could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportError {
    /// 1-based line number, when the problem is on one line.
    pub line: Option<usize>,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ImportError {}

fn err(line: Option<usize>, message: impl Into<String>) -> ImportError {
    ImportError {
        line,
        message: message.into(),
    }
}

/// Names (normalised, see [`normalize_header`]) of each column we read.
const TITLE: &[&str] = &["itemname", "商品名"];
const DESCRIPTION: &[&str] = &["itemdescription", "商品の説明", "商品説明"];
const SKU: &[&str] = &["sellersku", "出品者sku"];
const IMAGE: &[&str] = &["imageurl", "画像url", "画像のurl"];
const ASIN1: &[&str] = &["asin1", "asin"];
const PRODUCT_ID: &[&str] = &["productid", "商品id"];
const PRODUCT_ID_TYPE: &[&str] = &["productidtype", "商品idタイプ"];

/// `product-id-type` value meaning the product ID is an ASIN.
const PRODUCT_ID_TYPE_ASIN: &str = "1";

/// A header name without spaces (ASCII and full-width), `-`, `_`, BOM or case.
fn normalize_header(h: &str) -> String {
    h.chars()
        .filter(|c| !matches!(c, ' ' | '\u{3000}' | '-' | '_' | '\u{FEFF}' | '\t' | '\r'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Parses a report file as downloaded (UTF-8 or Shift_JIS/CP932, tab-separated)
/// into partial listings. `marketplace` is used when the file does not say;
/// `now` (RFC 3339) becomes `saved_at`/`updated_at`.
///
/// The report never names its marketplace: without `marketplace`, a report
/// with Japanese headers or in Shift_JIS is taken to be from `amazon.co.jp`,
/// any other from `amazon.com`. Each listing watches only the fields the
/// report gives for it (title, description, main image). A second row for an
/// ASIN already read (another SKU of the same product) is skipped.
pub fn parse_report(
    bytes: &[u8],
    marketplace: Option<&str>,
    now: &str,
) -> Result<Vec<Listing>, ImportError> {
    let marketplace = match marketplace.map(str::trim).filter(|m| !m.is_empty()) {
        None => None,
        Some(m) => Some(crate::page::kind::marketplace_of(m).ok_or_else(|| {
            err(
                None,
                format!("{m:?} is not an Amazon marketplace (e.g. amazon.co.jp, amazon.com)"),
            )
        })?),
    };
    let (text, shift_jis) = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(true)
        .quoting(false)
        .comment(None)
        .from_reader(text.as_bytes());

    // 1-based line of a byte offset (csv's own line count skips blank lines).
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    // A record's position is where the reader started, before the blank lines
    // it skipped: move past them first.
    let line_of = |byte: u64| {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX);
        while matches!(text.as_bytes().get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        newlines.partition_point(|&nl| nl < byte) + 1
    };
    let mut columns: Option<Columns> = None;
    let mut japanese = shift_jis;
    let mut out: Vec<Listing> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| line_of(p.byte()));
            err(line, format!("cannot read the report: {e}"))
        })?;
        let line = record.position().map_or(0, |p| line_of(p.byte()));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let Some(cols) = &columns else {
            japanese |= record.iter().any(|h| !h.is_ascii());
            columns = Some(Columns::find(&record, line)?);
            continue;
        };
        let get = |c: Option<usize>| {
            c.and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let asin = match get(cols.asin1) {
            Some(a) => a,
            None => match (get(cols.product_id_type), get(cols.product_id)) {
                (Some(PRODUCT_ID_TYPE_ASIN), Some(id)) => id,
                _ => {
                    return Err(err(
                        Some(line),
                        "no ASIN: asin1 is empty and product-id-type is not 1 (ASIN)",
                    ))
                }
            },
        };
        let asin = asin.to_ascii_uppercase();
        if asin.len() != 10 || !asin.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(err(Some(line), format!("{asin:?} is not an ASIN")));
        }
        if !seen.insert(asin.clone()) {
            continue;
        }
        let title = get(cols.title)
            .map(crate::page::text::collapse_ws)
            .filter(|t| !t.is_empty());
        let description = get(cols.description)
            .map(plain_text)
            .filter(|d| !d.is_empty());
        let images: Vec<String> = get(cols.image)
            .and_then(crate::page::images::image_id)
            .into_iter()
            .collect();
        let watch = Watch {
            title: title.is_some(),
            brand: false,
            main_image: !images.is_empty(),
            gallery: false,
            variations: false,
            breadcrumb: false,
            bullets: false,
            description: description.is_some(),
            seller: false,
            offers: false,
            family_parent: true,
            family_members: true,
            availability: true,
        };
        out.push(Listing {
            asin,
            marketplace: String::new(),
            sku: get(cols.sku).map(str::to_string),
            title,
            brand: None,
            images,
            variations: Default::default(),
            breadcrumb: Vec::new(),
            bullets: Vec::new(),
            description,
            seller: None,
            offer_count: None,
            family: None,
            family_known: false,
            availability: Default::default(),
            watch,
            saved_at: now.to_string(),
            updated_at: now.to_string(),
            note: String::new(),
            image_signatures: Default::default(),
        });
    }
    if columns.is_none() {
        return Err(err(None, "the report is empty (no header line)"));
    }
    let marketplace = marketplace.unwrap_or_else(|| {
        if japanese {
            "amazon.co.jp".to_string()
        } else {
            "amazon.com".to_string()
        }
    });
    for l in &mut out {
        l.marketplace = marketplace.clone();
    }
    Ok(out)
}

/// Column positions of the fields we read.
struct Columns {
    title: Option<usize>,
    description: Option<usize>,
    sku: Option<usize>,
    image: Option<usize>,
    asin1: Option<usize>,
    product_id: Option<usize>,
    product_id_type: Option<usize>,
}

impl Columns {
    fn find(header: &csv::StringRecord, line: usize) -> Result<Columns, ImportError> {
        let names: Vec<String> = header.iter().map(normalize_header).collect();
        let pos = |aliases: &[&str]| names.iter().position(|n| aliases.contains(&n.as_str()));
        let c = Columns {
            title: pos(TITLE),
            description: pos(DESCRIPTION),
            sku: pos(SKU),
            image: pos(IMAGE),
            asin1: pos(ASIN1),
            product_id: pos(PRODUCT_ID),
            product_id_type: pos(PRODUCT_ID_TYPE),
        };
        let has_asin = c.asin1.is_some() || (c.product_id.is_some() && c.product_id_type.is_some());
        let mut missing = Vec::new();
        if !has_asin {
            missing.push("the ASIN (asin1 / ASIN 1, or product-id with product-id-type / 商品ID with 商品IDタイプ)");
        }
        if c.title.is_none() {
            missing.push("the item name (item-name / 商品名)");
        }
        if !missing.is_empty() {
            return Err(err(
                Some(line),
                format!(
                    "not an All Listings / Active Listings report: the header has no column for {}",
                    missing.join(" and no column for ")
                ),
            ));
        }
        Ok(c)
    }
}

/// Report descriptions may carry the HTML the seller uploaded (`<br>`,
/// `<b>`, `&amp;`); the page shows the text. Tags become spaces, entities are
/// decoded and whitespace collapses as on the page
/// ([`crate::page::text::collapse_ws`]: U+3000 is kept).
fn plain_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        match rest[lt..].find('>') {
            Some(gt)
                if rest[lt + 1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/') =>
            {
                out.push_str(&rest[..lt]);
                out.push(' ');
                rest = &rest[lt + gt + 1..];
            }
            _ => {
                out.push_str(&rest[..=lt]);
                rest = &rest[lt + 1..];
            }
        }
    }
    out.push_str(rest);
    crate::page::text::collapse_ws(&html_escape::decode_html_entities(&out))
}

/// The report's text, and whether it was Shift_JIS.
fn decode(bytes: &[u8]) -> Result<(String, bool), ImportError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest).map(|s| (s, false));
    }
    for (bom, enc) in [
        (b"\xFF\xFE", Encoding::Utf16Le),
        (b"\xFE\xFF", Encoding::Utf16Be),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return match charset::decode_strict(enc, rest) {
                Some(s) => Ok((s, false)),
                None => Err(err(
                    None,
                    format!("the file says it is {} but is not", enc.name()),
                )),
            };
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), false)),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            if !good.is_ascii() {
                // UTF-8 text with a broken sequence: not Shift_JIS.
                return utf8(bytes).map(|s| (s, false));
            }
            if let Some(s) = charset::decode_strict(Encoding::ShiftJis, bytes) {
                return Ok((s, true));
            }
            // Find the line to blame (0x0A is never part of a Shift_JIS pair).
            let line = bytes
                .split(|b| *b == b'\n')
                .position(|line| charset::decode_strict(Encoding::ShiftJis, line).is_none())
                .map_or(1, |i| i + 1);
            Err(err(
                Some(line),
                "bytes that are neither UTF-8 nor Shift_JIS (CP932); \
                 download the report again or save it as UTF-8",
            ))
        }
    }
}

fn utf8(bytes: &[u8]) -> Result<String, ImportError> {
    std::str::from_utf8(bytes).map(str::to_string).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        err(
            Some(line),
            "bytes that are not valid UTF-8 in a UTF-8 report; download the report again",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_lose_their_html() {
        assert_eq!(
            plain_text("Keeps <b>cold</b> 24h.<br>Lid &amp; straw.<br/> a < b"),
            "Keeps cold 24h. Lid & straw. a < b"
        );
        assert_eq!(plain_text("説明文　です\t\n x"), "説明文　です x");
        assert_eq!(plain_text("<br>"), "");
    }

    #[test]
    fn header_names_normalise() {
        assert_eq!(normalize_header("ASIN 1"), "asin1");
        assert_eq!(normalize_header("\u{FEFF}item-name"), "itemname");
        assert_eq!(normalize_header("出品者SKU"), "出品者sku");
        assert_eq!(normalize_header("商品IDタイプ"), "商品idタイプ");
    }
}

/// What importing a report into the stored listings does: every listing afterwards, and
/// the counts a preview shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportMerge {
    /// Every listing after the import.
    pub listings: Vec<Listing>,
    /// Listings the report adds.
    pub new: usize,
    /// Stored listings that gain values they did not have.
    pub changed: usize,
    /// Stored listings the report has nothing new for.
    pub unchanged: usize,
    /// Listings in the report.
    pub total: usize,
}

/// Merges report listings into `existing`: new keys are added; for a stored listing only
/// its empty fields (SKU, title, description, main image) are filled, so nothing the seller
/// saved is ever overwritten by a report.
pub fn merge_report(existing: &[Listing], imported: Vec<Listing>) -> ReportMerge {
    let mut listings: Vec<Listing> = existing.to_vec();
    // Key -> position, so a report of thousands of rows is not matched row by row
    // against every stored listing.
    let mut index: std::collections::HashMap<String, usize> = listings
        .iter()
        .enumerate()
        .map(|(i, l)| (l.key(), i))
        .collect();
    let (mut new, mut changed, mut unchanged) = (0, 0, 0);
    let total = imported.len();
    for incoming in imported {
        let key = incoming.key();
        match index.get(&key).copied() {
            None => {
                index.insert(key, listings.len());
                listings.push(incoming);
                new += 1;
            }
            Some(i) => {
                let stored = &mut listings[i];
                let before = stored.clone();
                if stored.sku.is_none() {
                    stored.sku = incoming.sku;
                }
                if stored.title.is_none() && incoming.title.is_some() {
                    stored.title = incoming.title;
                    stored.watch.title = true;
                }
                if stored.description.is_none() && incoming.description.is_some() {
                    stored.description = incoming.description;
                    stored.watch.description = true;
                }
                if stored.images.is_empty() && !incoming.images.is_empty() {
                    stored.images = incoming.images;
                    stored.watch.main_image = true;
                }
                if *stored == before {
                    unchanged += 1;
                } else {
                    stored.updated_at = incoming.updated_at;
                    changed += 1;
                }
            }
        }
    }
    ReportMerge {
        listings,
        new,
        changed,
        unchanged,
        total,
    }
}
