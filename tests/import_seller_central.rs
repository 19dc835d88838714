//! Seller Central report import: UTF-8 and Shift_JIS files with English and
//! Japanese headers, BOM, CRLF, and every kind of malformed file.
//!
//! The files under `tests/data/seller_central_*` are synthetic, modelled on
//! the real header sets (see `src/import/seller_central.rs`). They are made by
//! [`files`] below; `CG_WRITE_TEST_DATA=1 cargo test --test
//! import_seller_central` rewrites them, and `committed_files_are_generated`
//! checks the committed bytes are exactly what [`files`] makes.

use catalog_guard::import::seller_central::parse_report;
use std::path::PathBuf;

const NOW: &str = "2026-11-22T07:00:00Z";

const EN_HEADER: &str = "item-name\titem-description\tlisting-id\tseller-sku\tprice\tquantity\topen-date\timage-url\titem-is-marketplace\tproduct-id-type\tzshop-shipping-fee\titem-note\titem-condition\tzshop-category1\tzshop-browse-path\tzshop-storefront-feature\tasin1\tasin2\tasin3\twill-ship-internationally\texpedited-shipping\tzshop-boldface\tproduct-id\tbid-for-featured-placement\tadd-delete\tpending-quantity\tfulfillment-channel\tmerchant-shipping-group\tstatus";

/// Older Japanese layout: the English order with some names localised.
const JA_OLD_HEADER: &str = "商品名\titem-description\t出品ID\t出品者SKU\t価格\t数量\t出品日\timage-url\titem-is-marketplace\t商品IDタイプ\tzshop-shipping-fee\tコンディション説明\tコンディション\tzshop-category1\tzshop-browse-path\tzshop-storefront-feature\tasin1\tasin2\tasin3\t国外へ配送可\t迅速な配送\tzshop-boldface\t商品ID\tbid-for-featured-placement\tadd-delete\t在庫数\tフルフィルメント・チャンネル\tmerchant-shipping-group\tポイント";

/// Newer Japanese layout (SKU first, `ASIN 1`, `商品の説明`, `ステータス`).
const JA_NEW_HEADER: &str = "出品者SKU\tASIN 1\t商品名\t商品の説明\t出品ID\t価格\t数量\t出品日\t商品IDタイプ\tコンディション説明\tコンディション\t国外へ配送可\t迅速な配送\t商品ID\t在庫数\tフルフィルメント・チャンネル\t法人価格\tmerchant-shipping-group\tポイント\t商品税コード\tステータス";

fn row(cells: &[&str]) -> String {
    cells.join("\t")
}

fn en_rows() -> Vec<String> {
    let mut r1 = vec![""; 29];
    r1[0] = "Stainless Steel Tumbler 20oz, \"Vacuum\" Insulated – Black";
    r1[1] = "Keeps drinks cold for 24 hours and hot for 12. Dishwasher safe lid.";
    r1[2] = "0101ABCDE01";
    r1[3] = "TUMBLER-BLK-20";
    r1[4] = "24.99";
    r1[5] = "10";
    r1[6] = "2024-05-01 10:00:00 PDT";
    r1[7] = "https://m.media-amazon.com/images/I/81lde%2B541vL._SL75_.jpg";
    r1[8] = "y";
    r1[9] = "1";
    r1[12] = "11";
    r1[16] = "B0C1TUMB01";
    r1[22] = "B0C1TUMB01";
    r1[26] = "DEFAULT";
    r1[27] = "Migrated Template";
    r1[28] = "Active";
    // No asin1: the ASIN comes from product-id (type 1); no description, no image.
    let mut r2 = vec![""; 29];
    r2[0] = "Replacement Lid with Straw";
    r2[3] = "LID-002";
    r2[9] = "1";
    r2[22] = "b0c2lid002";
    r2[28] = "Inactive";
    // A second SKU (FBA) of the first ASIN: skipped.
    let mut r3 = r1.clone();
    r3[0] = "Stainless Steel Tumbler (FBA)";
    r3[3] = "TUMBLER-BLK-20-FBA";
    r3[26] = "AMAZON_NA";
    // asin1 present, product-id is a UPC; an unknown extra column at the end.
    let mut r4 = vec![""; 30];
    r4[0] = "Silicone Straw Set of 4";
    r4[3] = "STRAW-4";
    r4[9] = "4";
    r4[16] = "B0C3STRAW4";
    r4[22] = "012345678905";
    r4[29] = "extra";
    vec![row(&r1), row(&r2), row(&r3), row(&r4)]
}

/// Japanese titles with CP932-only characters (①, ㈱, 髙), the full-width
/// tilde (0x8160, U+FF5E in CP932) and half-width katakana.
const JA_TITLE_1: &str =
    "【日本製】ステンレス タンブラー 600ml ～真空断熱～ ①ブラック ㈱サンプル 髙品質";
const JA_DESC_1: &str = "保温・保冷に優れた二重構造。食洗機対応のフタ付き。";
const JA_TITLE_2: &str = "替えフタ ストロー付き ﾎﾜｲﾄ";

fn ja_old_rows() -> Vec<String> {
    let mut r1 = vec![""; 29];
    r1[0] = JA_TITLE_1;
    r1[1] = JA_DESC_1;
    r1[2] = "1122X33Y44Z";
    r1[3] = "JP-TUMBLER-600";
    r1[4] = "2980";
    r1[5] = "5";
    r1[6] = "2024/05/01 10:00:00 JST";
    r1[7] = "https://m.media-amazon.com/images/I/71AbCdEfGhL._SL75_.jpg";
    r1[9] = "1";
    r1[12] = "11";
    r1[16] = "B0D1JPTUM1";
    r1[22] = "B0D1JPTUM1";
    r1[26] = "DEFAULT";
    let mut r2 = vec![""; 29];
    r2[0] = JA_TITLE_2;
    r2[3] = "JP-LID";
    r2[9] = "1";
    r2[16] = "B0D2JPLID2";
    r2[22] = "B0D2JPLID2";
    vec![row(&r1), row(&r2)]
}

fn ja_new_rows() -> Vec<String> {
    let mut r1 = vec![""; 21];
    r1[0] = "JP-MUG-01";
    r1[1] = "B0D3JPMUG3";
    r1[2] = "マグカップ 350ml ネイビー";
    r1[3] = "電子レンジ対応。";
    r1[8] = "1";
    r1[13] = "B0D3JPMUG3";
    r1[20] = "出品中";
    vec![row(&r1)]
}

/// Shift_JIS as amazon.co.jp writes it (CP932; WHATWG Shift_JIS is the same table).
fn shift_jis(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable, "test text must be encodable in Shift_JIS");
    bytes.into_owned()
}

fn lines(header: &str, rows: &[String], eol: &str) -> String {
    let mut s = String::from(header);
    for r in rows {
        s.push_str(eol);
        s.push_str(r);
    }
    s.push_str(eol);
    s
}

/// Every synthetic file: name → bytes.
fn files() -> Vec<(&'static str, Vec<u8>)> {
    let en = lines(EN_HEADER, &en_rows(), "\n");
    let ja_old = lines(JA_OLD_HEADER, &ja_old_rows(), "\r\n");
    let ja_new = lines(JA_NEW_HEADER, &ja_new_rows(), "\r\n");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(ja_new.as_bytes());
    let mut bad = shift_jis(&ja_old);
    // Line 3 (the second listing): a lead byte followed by an invalid trail byte.
    let line3 = bad
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)
        .map(|(i, _)| i + 1)
        .unwrap();
    bad.splice(line3..line3, [0x81, 0x7F]);
    let missing = lines(
        "item-name\tseller-sku\tprice\tquantity",
        &["Tumbler\tSKU-1\t10\t1".to_string()],
        "\n",
    );
    vec![
        ("seller_central_en_utf8.txt", en.into_bytes()),
        ("seller_central_ja_sjis_crlf.txt", shift_jis(&ja_old)),
        ("seller_central_ja_new_utf8_bom_crlf.txt", bom),
        ("seller_central_ja_bad_bytes.txt", bad),
        ("seller_central_missing_asin.txt", missing.into_bytes()),
    ]
}

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn committed_files_are_generated() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for (name, bytes) in files() {
        if std::env::var_os("CG_WRITE_TEST_DATA").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(name), &bytes).unwrap();
        }
        assert_eq!(data(name), bytes, "{name} differs from its generator");
    }
}

#[test]
fn english_utf8_report() {
    let bytes = data("seller_central_en_utf8.txt");
    let ls = parse_report(&bytes, None, NOW).unwrap();
    let asins: Vec<&str> = ls.iter().map(|l| l.asin.as_str()).collect();
    assert_eq!(asins, ["B0C1TUMB01", "B0C2LID002", "B0C3STRAW4"]);
    let l = &ls[0];
    assert_eq!(l.marketplace, "amazon.com");
    assert_eq!(l.sku.as_deref(), Some("TUMBLER-BLK-20"));
    assert_eq!(
        l.title.as_deref(),
        Some("Stainless Steel Tumbler 20oz, \"Vacuum\" Insulated – Black")
    );
    assert_eq!(
        l.description.as_deref(),
        Some("Keeps drinks cold for 24 hours and hot for 12. Dishwasher safe lid.")
    );
    assert_eq!(l.images, ["81lde+541vL"]);
    assert_eq!((l.saved_at.as_str(), l.updated_at.as_str()), (NOW, NOW));
    assert!(l.watch.title && l.watch.description && l.watch.main_image);
    assert!(!l.watch.brand && !l.watch.gallery && !l.watch.bullets && !l.watch.seller);
    assert!(!l.watch.variations && !l.watch.breadcrumb && !l.watch.offers);
    let lid = &ls[1];
    assert_eq!(lid.description, None);
    assert!(lid.images.is_empty());
    assert!(lid.watch.title && !lid.watch.description && !lid.watch.main_image);
    // The marketplace given wins.
    let uk = parse_report(&bytes, Some("www.amazon.co.uk"), NOW).unwrap();
    assert!(uk.iter().all(|l| l.marketplace == "amazon.co.uk"));
}

#[test]
fn japanese_shift_jis_report() {
    let bytes = data("seller_central_ja_sjis_crlf.txt");
    assert!(std::str::from_utf8(&bytes).is_err(), "really Shift_JIS");
    let ls = parse_report(&bytes, None, NOW).unwrap();
    assert_eq!(ls.len(), 2);
    let l = &ls[0];
    assert_eq!(l.marketplace, "amazon.co.jp");
    assert_eq!(l.asin, "B0D1JPTUM1");
    assert_eq!(l.sku.as_deref(), Some("JP-TUMBLER-600"));
    // CP932: 0x8160 is U+FF5E "～", as on the product page.
    assert!(bytes.windows(2).any(|w| w == [0x81, 0x60]));
    assert_eq!(l.title.as_deref(), Some(JA_TITLE_1));
    assert_eq!(l.description.as_deref(), Some(JA_DESC_1));
    assert_eq!(l.images, ["71AbCdEfGhL"]);
    assert_eq!(ls[1].title.as_deref(), Some(JA_TITLE_2));
    assert!(!ls[1].title.as_deref().unwrap().contains('\r'));
}

#[test]
fn japanese_newer_layout_utf8_with_bom_and_crlf() {
    let bytes = data("seller_central_ja_new_utf8_bom_crlf.txt");
    let ls = parse_report(&bytes, None, NOW).unwrap();
    assert_eq!(ls.len(), 1);
    assert_eq!(ls[0].asin, "B0D3JPMUG3");
    assert_eq!(ls[0].sku.as_deref(), Some("JP-MUG-01"));
    assert_eq!(ls[0].title.as_deref(), Some("マグカップ 350ml ネイビー"));
    assert_eq!(ls[0].description.as_deref(), Some("電子レンジ対応。"));
    assert_eq!(ls[0].marketplace, "amazon.co.jp");
    // The same file without BOM, and as Shift_JIS, reads the same.
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert_eq!(parse_report(text.as_bytes(), None, NOW).unwrap(), ls);
    assert_eq!(parse_report(&shift_jis(text), None, NOW).unwrap(), ls);
    // And as UTF-16LE with BOM (Excel's "Unicode text").
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    assert_eq!(parse_report(&utf16, None, NOW).unwrap(), ls);
}

#[test]
fn english_report_in_shift_jis_is_japanese() {
    let text = lines(EN_HEADER, &ja_old_rows(), "\n");
    let ls = parse_report(&shift_jis(&text), None, NOW).unwrap();
    assert_eq!(ls[0].marketplace, "amazon.co.jp");
    assert_eq!(ls[0].title.as_deref(), Some(JA_TITLE_1));
}

#[test]
fn bad_bytes_name_the_line() {
    let e = parse_report(&data("seller_central_ja_bad_bytes.txt"), None, NOW).unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.to_string().starts_with("line 3: "), "{e}");
    assert!(e.message.contains("Shift_JIS"), "{e}");

    // A UTF-8 file with a broken sequence on line 2 is not mistaken for Shift_JIS.
    let mut utf8 = lines(JA_NEW_HEADER, &ja_new_rows(), "\n").into_bytes();
    let at = utf8.iter().position(|b| *b == b'\n').unwrap() + 5;
    utf8.insert(at, 0xFF);
    let e = parse_report(&utf8, None, NOW).unwrap_err();
    assert_eq!(e.line, Some(2), "{e}");
    assert!(e.message.contains("UTF-8"), "{e}");

    // With a BOM, too.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&utf8);
    assert_eq!(parse_report(&bom, None, NOW).unwrap_err().line, Some(2));
}

#[test]
fn missing_columns_are_refused() {
    let e = parse_report(&data("seller_central_missing_asin.txt"), None, NOW).unwrap_err();
    assert_eq!(e.line, Some(1));
    assert!(e.message.contains("ASIN"), "{e}");
    assert!(!e.message.contains("item name"), "{e}");

    // The inventory report (sku, asin, price, quantity) has no item names.
    let e = parse_report(
        b"sku\tasin\tprice\tquantity\nA\tB0C1TUMB01\t1\t1\n",
        None,
        NOW,
    )
    .unwrap_err();
    assert!(e.message.contains("item name"), "{e}");
    assert_eq!(e.line, Some(1));

    // Not a report at all.
    let e = parse_report(b"<html><body>Sign in</body></html>", None, NOW).unwrap_err();
    assert!(
        e.message.contains("ASIN") && e.message.contains("item name"),
        "{e}"
    );
}

#[test]
fn malformed_rows_and_inputs() {
    let empty = parse_report(b"", None, NOW).unwrap_err();
    assert!(empty.message.contains("empty"), "{empty}");
    assert!(parse_report(b"\n\r\n\n", None, NOW)
        .unwrap_err()
        .message
        .contains("empty"));

    // Header only: no listings, not an error.
    assert!(parse_report(EN_HEADER.as_bytes(), None, NOW)
        .unwrap()
        .is_empty());

    let text = format!("{EN_HEADER}\nTitle only\n");
    let e = parse_report(text.as_bytes(), None, NOW).unwrap_err();
    assert_eq!(e.line, Some(2));
    assert!(e.message.contains("no ASIN"), "{e}");

    let mut r = vec![""; 29];
    r[0] = "Bad ASIN";
    r[16] = "B0-BAD";
    let text = format!("{EN_HEADER}\n\n{}\n", row(&r));
    let e = parse_report(text.as_bytes(), None, NOW).unwrap_err();
    assert_eq!(e.line, Some(3), "blank lines still count: {e}");
    assert!(e.message.contains("\"B0-BAD\" is not an ASIN"), "{e}");

    let e = parse_report(EN_HEADER.as_bytes(), Some("example.com"), NOW).unwrap_err();
    assert!(e.message.contains("example.com"), "{e}");

    // A broken UTF-16 file.
    let e = parse_report(&[0xFF, 0xFE, 0x41], None, NOW).unwrap_err();
    assert!(e.message.contains("UTF-16"), "{e}");

    // Short rows (fewer cells than the header) are fine.
    let text = "item-name\tasin1\tseller-sku\nShort\tB0C9SHORT9\n";
    let ls = parse_report(text.as_bytes(), None, NOW).unwrap();
    assert_eq!(
        (ls[0].asin.as_str(), ls[0].sku.as_deref()),
        ("B0C9SHORT9", None)
    );
}

#[test]
fn random_bytes_never_panic() {
    let mut x: u64 = 0x1234_5678_9ABC_DEF1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let base = data("seller_central_ja_sjis_crlf.txt");
    for round in 0..400 {
        let mut bytes = if round % 2 == 0 {
            base.clone()
        } else {
            (0..(next() % 600)).map(|_| next() as u8).collect()
        };
        // Flip, cut and insert bytes (tabs, newlines, high bytes).
        for _ in 0..(next() % 8) {
            if bytes.is_empty() {
                break;
            }
            let at = (next() as usize) % bytes.len();
            match next() % 3 {
                0 => bytes[at] = next() as u8,
                1 => bytes.truncate(at),
                _ => bytes.insert(at, [b'\t', b'\n', b'\r', 0x81, 0xFF][(next() % 5) as usize]),
            }
        }
        match parse_report(&bytes, None, NOW) {
            Ok(ls) => assert!(ls.iter().all(|l| l.asin.len() == 10)),
            Err(e) => assert!(!e.message.is_empty()),
        }
    }
}
