//! Unit tests of the check on pages built by hand.

use super::*;
use crate::listing::Listing;
use crate::page::{PageKind, ProductPage, Seller};
use std::collections::BTreeMap;

const NOW: &str = "2026-11-22T07:00:00Z";

fn page() -> ProductPage {
    let mut p = ProductPage::empty(PageKind::Product);
    p.asin = Some("B07WXL5YPW".into());
    p.marketplace = Some("amazon.co.jp".into());
    p.title = Some("Nintendo Switch 本体 (ニンテンドースイッチ) Joy-Con(L) ネオンブルー".into());
    p.brand = Some("任天堂".into());
    p.images = vec!["61-BA2Qc+UL".into(), "51abc".into(), "41def".into()];
    p.variations = BTreeMap::from([
        ("color_name".into(), "ネオンブルー".into()),
        ("size_name".into(), "本体".into()),
    ]);
    p.breadcrumb = vec!["ゲーム".into(), "Nintendo Switch".into(), "本体".into()];
    p.bullets = vec!["一つ目".into(), "二つ目".into(), "三つ目".into()];
    p.description = Some("いつでも、どこでも、誰とでも。".into());
    p.seller = Some(Seller {
        id: Some("AN1VRQENFRJN5".into()),
        name: "Amazon.co.jp".into(),
    });
    p.offer_count = Some(3);
    p
}

fn listing() -> Listing {
    let mut l = Listing::from_page(&page(), "2026-11-01T00:00:00Z").expect("product");
    l.watch.offers = true;
    l
}

fn fields(r: &Report) -> Vec<&str> {
    r.mismatches.iter().map(|m| m.field.as_str()).collect()
}

#[test]
fn same_page_matches() {
    let r = check(&[listing()], &page(), NOW);
    assert_eq!(r.status, Status::Match, "{:?}", r.mismatches);
    assert_eq!(r.asin.as_deref(), Some("B07WXL5YPW"));
    assert_eq!(r.marketplace.as_deref(), Some("amazon.co.jp"));
    assert_eq!(r.checked_at, NOW);
    assert_eq!(r.page, page());
}

#[test]
fn page_kinds_decide_the_status() {
    for (kind, status) in [
        (PageKind::Captcha, Status::Unreadable),
        (PageKind::Error, Status::Unreadable),
        (PageKind::NotFound, Status::Unreadable),
        (PageKind::Other, Status::NotProduct),
    ] {
        let mut p = page();
        p.kind = kind;
        p.title = Some("changed".into());
        let r = check(&[listing()], &p, NOW);
        assert_eq!(r.status, status, "{kind:?}");
        assert!(r.mismatches.is_empty());
    }
    let mut p = page();
    p.asin = None;
    assert_eq!(check(&[listing()], &p, NOW).status, Status::Unreadable);
    p.asin = Some(" ".into());
    assert_eq!(check(&[listing()], &p, NOW).status, Status::Unreadable);
    p.asin = Some("B000000001".into());
    assert_eq!(check(&[listing()], &p, NOW).status, Status::Untracked);
    assert_eq!(check(&[], &page(), NOW).status, Status::Untracked);
}

#[test]
fn listing_is_found_by_marketplace_and_asin() {
    let mut us = listing();
    us.marketplace = "amazon.com".into();
    us.title = Some("US title".into());
    // Only the amazon.com listing: the amazon.co.jp page is untracked.
    assert_eq!(check(&[us.clone()], &page(), NOW).status, Status::Untracked);
    // Both: the right one is used.
    let r = check(&[us.clone(), listing()], &page(), NOW);
    assert_eq!(r.status, Status::Match);
    // No marketplace on the page: by ASIN alone (first one), and the
    // report names the listing's marketplace.
    let mut p = page();
    p.marketplace = None;
    let r = check(&[listing(), us], &p, NOW);
    assert_eq!(r.status, Status::Match);
    assert_eq!(r.marketplace.as_deref(), Some("amazon.co.jp"));
    // ASIN case does not matter.
    let mut p = page();
    p.asin = Some("b07wxl5ypw".into());
    assert_eq!(check(&[listing()], &p, NOW).status, Status::Match);
}

#[test]
fn each_field_is_flagged_with_its_severity() {
    let mut p = page();
    p.title = Some("Nintendo Switch Lite".into());
    p.brand = Some("Generic".into());
    p.images = vec!["71zzz".into(), "41def".into(), "51abc".into()];
    p.variations.insert("color_name".into(), "グレー".into());
    p.breadcrumb = vec!["家電".into()];
    p.bullets.pop();
    p.description = Some("別の説明".into());
    p.seller = Some(Seller {
        id: Some("A2XXXX".into()),
        name: "XYZ Shop".into(),
    });
    p.offer_count = Some(7);
    let r = check(&[listing()], &p, NOW);
    assert_eq!(r.status, Status::Mismatch);
    assert_eq!(
        fields(&r),
        vec![
            "brand",
            "images.main",
            "title",
            "variations.color_name",
            "breadcrumb",
            "bullets",
            "description",
            "images.gallery",
            "seller",
            "offers",
        ]
    );
    let sev: Vec<Severity> = r.mismatches.iter().map(|m| m.severity).collect();
    assert_eq!(&sev[..4], &[Severity::Critical; 4]);
    // Another seller shown, and nothing says the page has no Buy Box: it holds the
    // Buy Box, a warning.
    assert_eq!(&sev[4..9], &[Severity::Warning; 5]);
    assert_eq!(&sev[9..], &[Severity::Info; 1]);
    let main = &r.mismatches[1];
    assert_eq!(main.expected, serde_json::json!("61-BA2Qc+UL"));
    assert_eq!(main.actual, serde_json::json!("71zzz"));
    assert!(main.diff.is_none());
    let gallery = &r.mismatches[7];
    assert_eq!(gallery.expected, serde_json::json!(["51abc", "41def"]));
    assert_eq!(gallery.actual, serde_json::json!(["41def", "51abc"]));
    let colour = &r.mismatches[3];
    assert_eq!(colour.expected, serde_json::json!("ネオンブルー"));
    assert_eq!(colour.actual, serde_json::json!("グレー"));
    assert!(colour.diff.is_some());
}

#[test]
fn unwatched_fields_are_not_compared() {
    let mut l = listing();
    for f in crate::listing::FIELDS {
        l.unwatch(f).unwrap();
    }
    let mut p = page();
    p.title = Some("x".into());
    p.images = vec!["x".into(), "y".into()];
    p.variations.clear();
    p.bullets.clear();
    p.seller = None;
    p.offer_count = Some(99);
    assert_eq!(check(&[l], &p, NOW).status, Status::Match);

    let mut l = listing();
    l.unwatch("variations.color_name").unwrap();
    let mut p = page();
    p.variations.insert("color_name".into(), "レッド".into());
    assert_eq!(check(&[l], &p, NOW).status, Status::Match);
}

#[test]
fn empty_expected_values_are_not_compared() {
    // A partial listing, as imported from a Seller Central report.
    let mut l = listing();
    l.title = Some("  ".into());
    l.brand = None;
    l.images.clear();
    l.variations = BTreeMap::from([("color_name".into(), "".into())]);
    l.breadcrumb.clear();
    l.bullets.clear();
    l.description = None;
    l.seller = None;
    l.offer_count = None;
    let mut p = page();
    p.title = Some("other".into());
    p.bullets = vec!["x".into()];
    assert_eq!(check(&[l], &p, NOW).status, Status::Match);
}

#[test]
fn missing_on_page_is_a_mismatch_with_null() {
    let mut p = page();
    p.title = None;
    p.brand = None;
    p.variations.remove("size_name");
    p.bullets.clear();
    p.description = None;
    p.seller = None;
    let r = check(&[listing()], &p, NOW);
    assert_eq!(
        fields(&r),
        vec![
            "brand",
            "title",
            "variations.size_name",
            "bullets",
            "description",
            "seller"
        ]
    );
    assert!(r.mismatches.iter().all(|m| m.actual.is_null()));
}

#[test]
fn absent_gallery_breadcrumb_and_offers_are_not_alarms() {
    // Scripts stripped: the reader found only the main image.
    let mut p = page();
    p.images.truncate(1);
    p.breadcrumb.clear(); // "‹ Back to results" instead of the category path
    p.offer_count = None;
    assert_eq!(check(&[listing()], &p, NOW).status, Status::Match);
    // Nothing at all for images: the main image is still reported.
    p.images.clear();
    let r = check(&[listing()], &p, NOW);
    assert_eq!(fields(&r), vec!["images.main"]);
    assert!(r.mismatches[0].actual.is_null());
}

#[test]
fn gallery_order_and_length_matter() {
    let mut p = page();
    p.images.push("31new".into());
    let r = check(&[listing()], &p, NOW);
    assert_eq!(fields(&r), vec!["images.gallery"]);
    let mut p = page();
    p.images.swap(1, 2);
    assert_eq!(
        fields(&check(&[listing()], &p, NOW)),
        vec!["images.gallery"]
    );
}

#[test]
fn normalised_text_matches() {
    let mut p = page();
    p.title = Some(format!(
        "  {}\u{200B} ",
        "Ｎｉｎｔｅｎｄｏ　Switch 本体 （ニンテンドースイッチ） Joy-Con(L)\n ネオンブルー"
    ));
    p.brand = Some("任\u{00AD}天堂\u{FEFF}".into());
    p.bullets = vec!["一つ目 ".into(), " 二つ目".into(), "三つ目\u{2060}".into()];
    p.seller = Some(Seller {
        id: Some("AN1VRQENFRJN5".into()),
        name: "Amazon".into(), // same merchant ID: the name shown may vary
    });
    assert_eq!(check(&[listing()], &p, NOW).status, Status::Match);
    // Case is kept.
    let mut p = page();
    p.brand = Some("NINTENDO".into());
    let mut l = listing();
    l.brand = Some("Nintendo".into());
    assert_eq!(fields(&check(&[l], &p, NOW)), vec!["brand"]);
}

#[test]
fn seller_without_ids_compares_names() {
    let mut l = listing();
    l.seller = Some(Seller {
        id: None,
        name: "XYZ Shop".into(),
    });
    let mut p = page();
    p.seller = Some(Seller {
        id: Some("A1".into()),
        name: "ＸＹＺ Shop".into(),
    });
    assert_eq!(check(&[l.clone()], &p, NOW).status, Status::Match);
    p.seller = Some(Seller {
        id: None,
        name: "ABC Shop".into(),
    });
    let r = check(&[l.clone()], &p, NOW);
    assert_eq!(fields(&r), vec!["seller"]);
    assert_eq!(r.mismatches[0].severity, Severity::Warning);
    // The page says it has no Buy Box: the seller shown does not hold one.
    p.buy_box = Some(false);
    let r = check(&[l], &p, NOW);
    assert_eq!(r.mismatches[0].severity, Severity::Info);
}

#[test]
fn text_diff_shows_the_change() {
    let d = diff("ネオンブルー", "ネオンレッド");
    assert_eq!(
        d,
        vec![
            DiffPart {
                op: DiffOp::Equal,
                text: "ネオン".into()
            },
            DiffPart {
                op: DiffOp::Delete,
                text: "ブルー".into()
            },
            DiffPart {
                op: DiffOp::Insert,
                text: "レッド".into()
            },
        ]
    );
    // Normalised before diffing: full width is not a change.
    assert_eq!(
        diff("ＡＢＣ１２３", "ABC124"),
        vec![
            DiffPart {
                op: DiffOp::Equal,
                text: "ABC12".into()
            },
            DiffPart {
                op: DiffOp::Delete,
                text: "3".into()
            },
            DiffPart {
                op: DiffOp::Insert,
                text: "4".into()
            },
        ]
    );
    // Unrelated values share only scattered characters ("ッド"): a whole replacement reads
    // better than highlighting those as unchanged.
    assert_eq!(
        diff("ミッドナイトブラック", "ローズレッド"),
        vec![
            DiffPart {
                op: DiffOp::Delete,
                text: "ミッドナイトブラック".into()
            },
            DiffPart {
                op: DiffOp::Insert,
                text: "ローズレッド".into()
            },
        ]
    );
    // Lengths too far apart to share half: a whole replacement, without running the diff (a
    // page's 18,000-character bullet against the listing's 6 characters).
    let long = "長い箇条書き".repeat(3_000);
    let d = diff("短い箇条書き", &long);
    assert_eq!(d.len(), 2);
    assert_eq!(
        (d[0].op, d[0].text.as_str()),
        (DiffOp::Delete, "短い箇条書き")
    );
    assert_eq!(
        (d[1].op, d[1].text.chars().count()),
        (DiffOp::Insert, 18_000)
    );
    // Just within the bound, the characters are still diffed.
    let d = diff("abcdef", "abcdefghijklmnopqr");
    assert_eq!(
        d[0],
        DiffPart {
            op: DiffOp::Equal,
            text: "abcdef".into()
        }
    );
    // Huge texts: whole delete + insert.
    let a = "a".repeat(MAX_DIFF_CHARS);
    let d = diff(&a, "b");
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].op, DiffOp::Delete);
}

#[test]
fn list_diff_is_over_the_joined_text() {
    let mut p = page();
    p.bullets.remove(1);
    let r = check(&[listing()], &p, NOW);
    let m = &r.mismatches[0];
    assert_eq!(m.field, "bullets");
    let d = m.diff.as_ref().unwrap();
    assert_eq!(
        d,
        &vec![
            DiffPart {
                op: DiffOp::Equal,
                text: "一つ目\n".into()
            },
            DiffPart {
                op: DiffOp::Delete,
                text: "二つ目\n".into()
            },
            DiffPart {
                op: DiffOp::Equal,
                text: "三つ目".into()
            },
        ]
    );
}

#[test]
fn report_json_shape() {
    let mut p = page();
    p.title = Some("X".into());
    let r = check(&[listing()], &p, NOW);
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["status"], "mismatch");
    assert_eq!(v["mismatches"][0]["field"], "title");
    assert_eq!(v["mismatches"][0]["severity"], "critical");
    assert!(v["mismatches"][0]["diff"].is_array());
    let back: Report = serde_json::from_value(v).unwrap();
    assert_eq!(back, r);
}

#[test]
fn report_text_in_both_languages() {
    let mut p = page();
    p.images[0] = "71zzz".into();
    p.variations.insert("color_name".into(), "グレー".into());
    let l = listing();
    let r = check(std::slice::from_ref(&l), &p, NOW);
    let ja = text::report_text(&r, Some(&l), "ja");
    for want in [
        "ASIN: B07WXL5YPW",
        "マーケットプレイス: amazon.co.jp",
        "https://www.amazon.co.jp/dp/B07WXL5YPW",
        "確認日時: 2026-11-22T07:00:00Z",
        "相違点: 2件（重大 2件、警告 0件、参考 0件）",
        "1. メイン画像 [重大]",
        "当社の登録内容: 61-BA2Qc+UL (https://m.media-amazon.com/images/I/61-BA2Qc+UL",
        "商品詳細ページの表示: 71zzz (https://m.media-amazon.com/images/I/71zzz",
        "2. バリエーション（カラー） [重大]",
        "当社の登録内容: ネオンブルー",
        "商品詳細ページの表示: グレー",
        "商品名（当社登録内容）: Nintendo Switch 本体",
    ] {
        assert!(ja.contains(want), "missing {want:?} in:\n{ja}");
    }
    let en = text::report_text(&r, Some(&l), "en");
    for want in [
        "ASIN: B07WXL5YPW",
        "Marketplace: amazon.co.jp",
        "2 differences (2 critical, 0 warning, 0 info)",
        "1. Main image [critical]",
        "Our listing data: 61-BA2Qc+UL (https://m.media-amazon.com/images/I/61-BA2Qc+UL",
        "Shown on the detail page: 71zzz",
        "2. Variation (colour) [critical]",
    ] {
        assert!(en.contains(want), "missing {want:?} in:\n{en}");
    }
    // Lists and nulls.
    let mut p = page();
    p.bullets.clear();
    let r = check(std::slice::from_ref(&l), &p, NOW);
    let en = text::report_text(&r, Some(&l), "en");
    assert!(en.contains("   Our listing data:\n     - 一つ目\n"), "{en}");
    assert!(
        en.contains("Shown on the detail page: (not shown on the page)"),
        "{en}"
    );
    // Other statuses say so and list nothing.
    let r = check(&[], &page(), NOW);
    let ja = text::report_text(&r, None, "ja");
    assert!(ja.contains("確認結果: 登録内容なし"), "{ja}");
    assert!(!ja.contains("相違点"));
}
