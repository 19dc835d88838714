//! Case log and Seller Support texts, over the real amazon.co.jp Nintendo
//! Switch page read with `read_page`, hijacked the way a catalog hijack looks
//! (main image swapped, colour changed, later the title too).

mod common;

use catalog_guard::check::{check, Report, Status};
use catalog_guard::listing::Listing;
use catalog_guard::page::{read_page, PageKind, ProductPage};
use catalog_guard::watch::cases::{
    case_log_url, case_report_text, full_image_url, reopen_text, Case, CaseError, CaseStatus,
};
use catalog_guard::watch::history::{History, Observation, Source};

const T0: &str = "2026-11-01T00:00:00Z";
const T1: &str = "2026-11-03T14:20:00Z";
const T2: &str = "2026-11-04T09:00:00Z";
const T3: &str = "2026-11-06T01:00:00Z";
const T4: &str = "2026-11-06T03:00:00Z";

const ORIGINAL: &str = "61gtkPQtgrL";
const HIJACK: &str = "71HiJaCk+XL";

fn nintendo() -> ProductPage {
    let f = common::fixtures()
        .into_iter()
        .find(|f| f.name == "amazon.co.jp/nintendo-switch-neon-B07WXL5YPW-2022.html")
        .expect("the Nintendo Switch fixture");
    let bytes = std::fs::read(&f.path).expect("read fixture");
    let page = read_page(&bytes, Some(&f.url()));
    assert_eq!(page.kind, PageKind::Product);
    assert_eq!(page.main_image(), Some(ORIGINAL));
    page
}

struct Scenario {
    listing: Listing,
    history: History,
    hijacked: ProductPage,
    report: Report,
}

/// Saved at T0; hijacked at T1 (image + colour), seen again at T2 and reported.
fn scenario() -> Scenario {
    let page = nintendo();
    let listing = Listing::from_page(&page, T0).unwrap();
    let mut history = History::new();
    let mut hijacked = page.clone();
    hijacked.images[0] = HIJACK.to_string();
    hijacked
        .variations
        .insert("color_name".into(), "グレー".into());
    for (p, at) in [(&page, T0), (&hijacked, T1), (&hijacked, T2)] {
        history.record(Observation::from_page(p, Source::Recheck, at).unwrap(), at);
    }
    assert_eq!(history.entries.len(), 1);
    let report = check(std::slice::from_ref(&listing), &hijacked, T2);
    assert_eq!(report.status, Status::Mismatch);
    assert_eq!(report.mismatches.len(), 2);
    Scenario {
        listing,
        history,
        hijacked,
        report,
    }
}

fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
}

#[test]
fn first_report_in_japanese() {
    let s = scenario();
    let text = case_report_text(&s.report, Some(&s.listing), Some(&s.history), None, "ja");
    println!("{text}");
    assert!(
        text.starts_with("いつもお世話になっております。\n"),
        "{text}"
    );
    for needle in [
        "ASIN: B07WXL5YPW",
        "マーケットプレイス: amazon.co.jp",
        "商品名（当社登録内容）: Nintendo Switch 本体 (ニンテンドースイッチ) Joy-Con(L) ネオンブルー/(R) ネオンレッド",
        "商品詳細ページ: https://www.amazon.co.jp/dp/B07WXL5YPW",
        "確認日時: 2026-11-04 18:00（日本時間）",
        "■ 相違点（2件）",
        "メイン画像［重大］",
        "当社の登録内容: 61gtkPQtgrL",
        "現在の表示: 71HiJaCk+XL",
        "https://m.media-amazon.com/images/I/61gtkPQtgrL.jpg",
        "https://m.media-amazon.com/images/I/71HiJaCk+XL.jpg",
        "バリエーション（カラー）［重大］",
        "当社の登録内容: ネオンブルー/ネオンレッド",
        "現在の表示: グレー",
        "この表示を最初に確認した日時: 2026-11-03 23:20（日本時間）",
        "当社ではこれらの変更を行っておりません。",
        "何卒よろしくお願い申し上げます。",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // First seen is the hijack time (T1), not the time of the report (T2).
    assert_eq!(
        text.matches("この表示を最初に確認した日時: 2026-11-03 23:20")
            .count(),
        2
    );
    assert!(!text.contains("ケースID"), "no case yet:\n{text}");
    // Plain text only.
    assert!(!text.contains('<'), "{text}");
}

#[test]
fn first_report_in_english_with_a_case() {
    let s = scenario();
    let case = Case::new("1234567890", "amazon.co.jp", "2026-11-04", T2).unwrap();
    let text = case_report_text(
        &s.report,
        Some(&s.listing),
        Some(&s.history),
        Some(&case),
        "en",
    );
    println!("{text}");
    for needle in [
        "Hello,",
        "This message concerns case ID 1234567890.",
        "Case ID: 1234567890",
        "ASIN: B07WXL5YPW",
        "Marketplace: amazon.co.jp",
        "Detail page: https://www.amazon.co.jp/dp/B07WXL5YPW",
        "Checked at: 2026-11-04 09:00 UTC",
        "Differences (2)",
        "main image [critical]",
        "Our listing data: 61gtkPQtgrL",
        "Shown now: 71HiJaCk+XL",
        &full_image_url(ORIGINAL),
        &full_image_url(HIJACK),
        "variation (colour) [critical]",
        "First seen: 2026-11-03 14:20 UTC",
        "We did not make these changes.",
        "Thank you.",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn reopen_cites_the_case_and_what_is_new() {
    let mut s = scenario();
    let mut case = Case::new("１２３４５６７８９０", "amazon.co.jp", "2026-11-04", T2).unwrap();
    assert_eq!(case.id, "1234567890");
    case.add_evidence(&s.report, T2);
    case.set_status(CaseStatus::Answered, T2);
    assert_eq!(
        case.evidence[0].summary,
        "images.main, variations.color_name"
    );

    // After the case: the title is changed too.
    let mut worse = s.hijacked.clone();
    worse.title = Some("Switch 互換機 本体 グレー".into());
    let c = s
        .history
        .record(
            Observation::from_page(&worse, Source::Badge, T3).unwrap(),
            T3,
        )
        .expect("title change");
    assert_eq!(c.fields[0].field, "title");
    let report = check(std::slice::from_ref(&s.listing), &worse, T4);
    assert_eq!(report.mismatches.len(), 3);

    let ja = reopen_text(&case, &report, Some(&s.history), "ja");
    println!("{ja}");
    for needle in [
        "いつもお世話になっております。",
        "ケースID 1234567890（2026-11-04にお問い合わせ、最終更新 2026-11-04 18:00（日本時間））の件で、再度ご連絡いたします。",
        "■ 前回のご連絡以降に確認した変更",
        "・2026-11-06 10:00（日本時間）　商品名: 「Nintendo Switch 本体 (ニンテンドースイッチ) Joy-Con(L) ネオンブルー/(R) ネオンレッド」→「Switch 互換機 本体 グレー」",
        "ケースID: 1234567890",
        "ASIN: B07WXL5YPW",
        "現在の表示: 71HiJaCk+XL",
        "https://m.media-amazon.com/images/I/71HiJaCk+XL.jpg",
        "本ケースを再開のうえ",
    ] {
        assert!(ja.contains(needle), "missing {needle:?} in:\n{ja}");
    }
    // Only the title is new since the case was updated.
    assert!(line_with(&ja, ". 商品名［重大］").contains("前回のご連絡以降に新たに確認"));
    assert!(!line_with(&ja, ". メイン画像［重大］").contains("新たに"));
    assert!(!line_with(&ja, ". バリエーション（カラー）［重大］").contains("新たに"));
    assert!(ja.contains("この表示を最初に確認した日時: 2026-11-06 10:00（日本時間）"));

    let en = reopen_text(&case, &report, Some(&s.history), "en");
    println!("{en}");
    for needle in [
        "I am following up on case ID 1234567890 (opened 2026-11-04, last updated 2026-11-04 09:00 UTC).",
        "still differs from our listing data",
        "Changes observed since our last update",
        "- 2026-11-06 01:00 UTC: title: ",
        "-> Switch 互換機 本体 グレー",
        "Case ID: 1234567890",
        &full_image_url(HIJACK),
        "First seen: 2026-11-03 14:20 UTC",
        "Please reopen this case",
    ] {
        assert!(en.contains(needle), "missing {needle:?} in:\n{en}");
    }
    assert!(line_with(&en, ". title [critical]").contains("(new since our last update)"));
    assert!(!line_with(&en, ". main image [critical]").contains("new since"));
}

#[test]
fn reopen_without_evidence_uses_first_seen_and_handles_a_fixed_page() {
    let s = scenario();
    // A case opened before the hijack, without evidence attached.
    let case = Case::new(
        "22153077391",
        "amazon.co.jp",
        "2026-11-02",
        "2026-11-02T00:00:00Z",
    )
    .unwrap();
    let text = reopen_text(&case, &s.report, Some(&s.history), "en");
    assert!(line_with(&text, ". main image [critical]").contains("(new since"));
    assert!(
        text.contains("- 2026-11-03 14:20 UTC: main image: 61gtkPQtgrL -> 71HiJaCk+XL"),
        "{text}"
    );

    // The page matches again: the text says so and still lists the changes.
    let good = nintendo();
    let fine = check(std::slice::from_ref(&s.listing), &good, T4);
    assert_eq!(fine.status, Status::Match);
    let text = reopen_text(&case, &fine, Some(&s.history), "ja");
    assert!(
        text.contains("現時点では下記ASINの商品詳細ページは当社の登録内容と一致しております"),
        "{text}"
    );
    assert!(text.contains("現時点で相違点はありません。"), "{text}");
    // A first report on a matching page does not claim a change.
    let text = case_report_text(&fine, Some(&s.listing), Some(&s.history), None, "ja");
    assert!(
        text.contains("下記ASINの商品詳細ページを確認いたしました。"),
        "{text}"
    );
    assert!(!text.contains("変更を行っておりません"), "{text}");
    // Without any history: "nothing new" is said plainly.
    let text = reopen_text(&case, &s.report, None, "ja");
    assert!(
        text.contains("前回のご連絡以降、新たな変更は記録されておりません。"),
        "{text}"
    );
}

#[test]
fn cases_validate_and_serialise() {
    assert_eq!(
        Case::new("12345", "amazon.co.jp", "2026-11-04", T2).unwrap_err(),
        CaseError::BadLength { len: 5 }
    );
    assert_eq!(
        Case::new("ケース1234567890", "amazon.co.jp", "2026-11-04", T2).unwrap_err(),
        CaseError::NotDigits { found: 'ケ' }
    );
    let e = Case::new("1234567890", "amazon.co.jp", "11/04", T2).unwrap_err();
    assert_eq!(
        e,
        CaseError::BadDate {
            found: "11/04".into()
        }
    );
    assert!(e.message("ja").contains("YYYY-MM-DD"));

    let s = scenario();
    let mut case = Case::new("1234567890", "amazon.co.jp", "2026-11-04", T2).unwrap();
    case.notes = "相乗り出品者が画像を変更".into();
    case.add_evidence(&s.report, T3);
    assert_eq!(case.updated_at, T3);
    assert!(case.evidence[0].mismatches.iter().all(|m| m.diff.is_none()));
    case.set_status(CaseStatus::Closed, T4);
    assert!(!case.is_active());
    let json = serde_json::to_value(&case).unwrap();
    assert_eq!(json["status"], "closed");
    assert_eq!(json["id"], "1234567890");
    let back: Case = serde_json::from_value(json).unwrap();
    assert_eq!(back, case);
    assert_eq!(
        case_log_url(&case.marketplace),
        "https://sellercentral.amazon.co.jp/cu/case-lobby"
    );
}

#[test]
fn every_real_product_page_round_trips_through_history_and_case_texts() {
    let mut pages = 0;
    for f in common::fixtures() {
        let Some(truth) = &f.truth else { continue };
        let bytes = std::fs::read(&f.path).expect("read fixture");
        let page = read_page(&bytes, Some(&f.url()));
        if page.kind != PageKind::Product || page.main_image().is_none() {
            continue;
        }
        let Some(listing) = Listing::from_page(&page, T0) else {
            continue;
        };
        pages += 1;
        let asin = page.asin.clone().unwrap();
        assert_eq!(truth["asin"].as_str(), Some(asin.as_str()), "{}", f.name);

        // The same page observed again is no change, by every source.
        let mut h = History::new();
        assert_eq!(h.record_page(&page, Source::Badge, T0), None, "{}", f.name);
        assert_eq!(
            h.record_page(&page, Source::Recheck, T1),
            None,
            "{}",
            f.name
        );
        let back: History = serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
        assert_eq!(back, h, "{}", f.name);

        // A hijacked main image is one change, and the case texts carry it.
        let mut hijacked = page.clone();
        hijacked.images[0] = HIJACK.to_string();
        let c = h
            .record_page(&hijacked, Source::Recheck, T2)
            .unwrap_or_else(|| panic!("{}: no change recorded", f.name));
        assert_eq!(c.fields.len(), 1, "{}", f.name);
        let report = check(std::slice::from_ref(&listing), &hijacked, T3);
        let case = Case::new("1234567890", &listing.marketplace, "2026-11-05", T3).unwrap();
        for lang in ["ja", "en"] {
            let text = case_report_text(&report, Some(&listing), Some(&h), Some(&case), lang);
            for needle in [
                asin.as_str(),
                page.main_image().unwrap(),
                HIJACK,
                &full_image_url(HIJACK),
                "1234567890",
            ] {
                assert!(
                    text.contains(needle),
                    "{} {lang}: missing {needle:?}",
                    f.name
                );
            }
            let first = if lang == "ja" {
                "2026-11-04 18:00（日本時間）"
            } else {
                "2026-11-04 09:00 UTC"
            };
            assert!(text.contains(first), "{} {lang}: first seen", f.name);
            let reopen = reopen_text(&case, &report, Some(&h), lang);
            assert!(
                reopen.contains(&asin) && reopen.contains("1234567890"),
                "{}",
                f.name
            );
        }
    }
    assert!(pages >= 20, "only {pages} product pages with a main image");
}
