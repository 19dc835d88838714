//! Dated screenshots as case evidence (watch::shots): the per-listing budget
//! and its pruning rule (the captures of open cases are never pruned), the
//! case texts that count them, and the export file that carries them (a
//! malformed capture record refuses the whole file).

use base64::Engine as _;
use catalog_guard::check::{check, Report, Status};
use catalog_guard::import::export_file::{self, ExportExtras};
use catalog_guard::listing::Listing;
use catalog_guard::page::ProductPage;
use catalog_guard::watch::cases::{self, Case, CaseStatus};
use catalog_guard::watch::shots::{self, Shot, ShotError, ShotInfo, BUDGET_BYTES, MAX_SHOTS};
use serde_json::{json, Value};

const ASIN: &str = "B07WXL5YPW";
const MARKETPLACE: &str = "amazon.co.jp";
const KEY: &str = "amazon.co.jp/B07WXL5YPW";

/// A JPEG-shaped image (SOI + APP0 marker, then filler) of `n` bytes as a data URL.
fn jpeg(n: usize) -> String {
    let mut data = vec![0xFF, 0xD8, 0xFF, 0xE0];
    data.resize(n.max(4), 0x11);
    format!(
        "{}{}",
        shots::DATA_URL_PREFIX,
        base64::engine::general_purpose::STANDARD.encode(&data)
    )
}

/// A shot taken `minute` minutes after 2026-12-04 10:00 UTC showing `fields`.
fn shot(minute: u32, fields: &[&str], case_id: Option<&str>, bytes: usize) -> Shot {
    Shot {
        id: format!("s{minute}"),
        at: format!("2026-12-04T{:02}:{:02}:00Z", 10 + minute / 60, minute % 60),
        url: format!("https://www.amazon.co.jp/dp/{ASIN}"),
        asin: ASIN.into(),
        marketplace: MARKETPLACE.into(),
        status: "mismatch".into(),
        fields: fields.iter().map(|f| f.to_string()).collect(),
        case_id: case_id.map(str::to_string),
        width: 1280,
        height: 900,
        bytes,
        jpeg: jpeg(bytes),
    }
}

fn case(id: &str, status: CaseStatus) -> Case {
    let mut c = Case::new(id, MARKETPLACE, "2026-12-01", "2026-12-01T00:00:00Z").unwrap();
    c.status = status;
    c
}

fn ids(shots: &[Shot]) -> Vec<String> {
    shots.iter().map(|s| s.id.clone()).collect()
}

#[test]
fn over_the_budget_repeats_go_first_and_open_cases_keep_theirs() {
    let open = case("11111111111", CaseStatus::Open);
    let closed = case("22222222222", CaseStatus::Closed);
    let mb = 1024 * 1024;
    // 8 MB budget: s0..s3 are 2 MB each (8 MB), then a new 1 MB capture must make room.
    let stored = vec![
        shot(0, &["images.main"], Some(&open.id), 2 * mb), // open case: never pruned
        shot(1, &["title"], Some(&closed.id), 2 * mb),     // first "title" capture
        shot(2, &["images.main"], None, 2 * mb),           // repeats s0's state
        shot(3, &["title"], None, 2 * mb),                 // repeats s1's state
    ];
    assert_eq!(stored.iter().map(|s| s.bytes).sum::<usize>(), BUDGET_BYTES);
    let cases = vec![open.clone(), closed.clone()];
    let added = shots::add(stored.clone(), shot(4, &["brand"], None, mb), &cases).unwrap();
    // The oldest repeat (s2) goes; the open case's s0 and the first title capture stay.
    assert_eq!(added.dropped, vec!["s2".to_string()]);
    assert_eq!(ids(&added.shots), ["s0", "s1", "s3", "s4"]);

    // With nothing repeating, the oldest unprotected capture goes (s1, closed case), never s0.
    let stored = vec![
        shot(0, &["images.main"], Some(&open.id), 3 * mb),
        shot(1, &["title"], Some(&closed.id), 3 * mb),
        shot(2, &["brand"], None, 2 * mb),
    ];
    let added = shots::add(stored, shot(3, &["bullets"], None, mb), &cases).unwrap();
    assert_eq!(added.dropped, vec!["s1".to_string()]);
    assert_eq!(ids(&added.shots), ["s0", "s2", "s3"]);

    // Reopening the closed case protects its capture again: then s2 goes instead.
    let reopened = vec![open.clone(), case(&closed.id, CaseStatus::Reopened)];
    let stored = vec![
        shot(0, &["images.main"], Some(&open.id), 3 * mb),
        shot(1, &["title"], Some(&closed.id), 3 * mb),
        shot(2, &["brand"], None, 2 * mb),
    ];
    let added = shots::add(stored, shot(3, &["bullets"], None, mb), &reopened).unwrap();
    assert_eq!(added.dropped, vec!["s2".to_string()]);
}

#[test]
fn captures_of_open_cases_alone_over_the_budget_refuse_a_new_one_and_are_kept() {
    let open = case("11111111111", CaseStatus::Answered);
    let mb = 1024 * 1024;
    let stored = vec![
        shot(0, &["images.main"], Some(&open.id), 3 * mb),
        shot(1, &["images.main"], Some(&open.id), 3 * mb),
        shot(2, &["title"], Some(&open.id), 2 * mb),
    ];
    let err = shots::add(
        stored.clone(),
        shot(3, &["title"], None, mb),
        std::slice::from_ref(&open),
    )
    .unwrap_err();
    assert_eq!(
        err,
        ShotError::BudgetFull {
            used: 8 * mb,
            budget: BUDGET_BYTES
        }
    );
    assert!(err.to_string().contains("8.0 MB of its 8.0 MB"), "{err}");
    // Pruning alone never drops them either (the result stays over budget).
    let pruned = shots::prune(
        [
            stored.clone(),
            vec![shot(3, &["title"], Some(&open.id), mb)],
        ]
        .concat(),
        std::slice::from_ref(&open),
    );
    assert!(pruned.dropped.is_empty());
    assert_eq!(pruned.shots.len(), 4);
    // Once the case is closed, the repeat of the first main-image capture goes first.
    let closed = case(&open.id, CaseStatus::Closed);
    let added = shots::add(stored, shot(3, &["title"], None, mb), &[closed]).unwrap();
    assert_eq!(added.dropped, vec!["s1".to_string()]);
}

#[test]
fn the_count_limit_applies_like_the_byte_budget() {
    let open = case("11111111111", CaseStatus::Open);
    let mut stored: Vec<Shot> = (0..MAX_SHOTS as u32)
        .map(|m| {
            shot(
                m,
                &["images.main"],
                (m == 1).then_some(open.id.as_str()),
                1000,
            )
        })
        .collect();
    stored.reverse(); // any stored order
    let added = shots::add(
        stored,
        shot(100, &["images.main"], None, 1000),
        std::slice::from_ref(&open),
    )
    .unwrap();
    // s0 is the first capture of the state; s1 belongs to the open case: s2 goes.
    assert_eq!(added.dropped, vec!["s2".to_string()]);
    assert_eq!(added.shots.len(), MAX_SHOTS);
    assert_eq!(added.shots.first().unwrap().id, "s0");
    assert_eq!(added.shots.last().unwrap().id, "s100");
}

#[test]
fn a_shot_for_another_listing_or_not_a_jpeg_is_refused() {
    let mut other = shot(1, &["title"], None, 100);
    other.asin = "B000000001".into();
    assert!(shots::add(vec![shot(0, &["title"], None, 100)], other, &[]).is_err());
    let mut png = shot(1, &["title"], None, 100);
    png.jpeg = format!(
        "{}{}",
        shots::DATA_URL_PREFIX,
        base64::engine::general_purpose::STANDARD.encode(b"\x89PNG\r\n\x1a\n0000")
    );
    png.bytes = 12;
    let err = shots::add(vec![], png, &[]).unwrap_err();
    assert!(err.to_string().contains("not a JPEG"), "{err}");
}

// ------------------------------------------------------------ case texts

fn listing() -> Listing {
    serde_json::from_value(json!({
        "asin": ASIN, "marketplace": MARKETPLACE, "title": "Nintendo Switch",
        "images": ["61AAAAAAAAL"],
        "saved_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z"
    }))
    .unwrap()
}

fn mismatch_report() -> Report {
    let page: ProductPage = serde_json::from_value(json!({
        "kind": "product", "asin": ASIN, "marketplace": MARKETPLACE, "title": "Nintendo Switch",
        "images": ["71HiJaCkEdL"]
    }))
    .unwrap();
    let r = check(&[listing()], &page, "2026-12-04T10:30:00Z");
    assert_eq!(r.status, Status::Mismatch);
    r
}

#[test]
fn copy_report_and_reopen_say_how_many_screenshots_and_when() {
    let report = mismatch_report();
    let mut c = case("12345678901", CaseStatus::Open);
    c.updated_at = "2026-12-04T10:10:00Z".into();
    let infos: Vec<ShotInfo> = [
        shot(5, &["images.main"], Some(&c.id), 10),
        shot(20, &["images.main", "title"], None, 10),
        shot(30, &["images.main"], Some("99999999999"), 10), // another case's: not cited
    ]
    .iter()
    .map(ShotInfo::from)
    .collect();

    let en =
        cases::case_report_text_with_shots(&report, Some(&listing()), None, Some(&c), &infos, "en");
    assert!(
        en.contains("\n■ Dated screenshots of the page (2; I will attach them to this case)\n\
             1. 2026-12-04 10:05 UTC: main image (file B07WXL5YPW-2026-12-04T10-05Z-main-image.jpg)\n\
             2. 2026-12-04 10:20 UTC: main image, title (file B07WXL5YPW-2026-12-04T10-20Z-main-image.jpg)\n"),
        "{en}"
    );
    // Without a case: every screenshot of the listing.
    let all =
        cases::case_report_text_with_shots(&report, Some(&listing()), None, None, &infos, "en");
    assert!(all.contains("(3; I will attach"), "{all}");
    // Without screenshots the text is the plain case report.
    assert_eq!(
        cases::case_report_text_with_shots(&report, Some(&listing()), None, Some(&c), &[], "en"),
        cases::case_report_text(&report, Some(&listing()), None, Some(&c), "en")
    );

    let ja = cases::reopen_text_with_shots(&c, &report, None, &infos, "ja");
    assert!(
        ja.contains("■ 表示中のページの日時入りスクリーンショット（2件。本ケースに添付いたします）\n\
             1. 2026-12-04 19:05（日本時間）：メイン画像（ファイル名 B07WXL5YPW-2026-12-04T10-05Z-main-image.jpg）\n\
             2. 2026-12-04 19:20（日本時間）：メイン画像・商品名（ファイル名 B07WXL5YPW-2026-12-04T10-20Z-main-image.jpg）（前回のご連絡以降に新たに確認）\n"),
        "{ja}"
    );
}

// ------------------------------------------------------------ export file

fn export_with(shots: Value) -> String {
    let extras = ExportExtras {
        shots: Some(shots),
        ..ExportExtras::default()
    };
    export_file::export(&[listing()], None, &extras)
}

#[test]
fn the_export_file_carries_screenshots_and_reads_them_back() {
    let s = shot(5, &["images.main"], Some("12345678901"), 500);
    let text = export_with(json!({ KEY: [s.clone()] }));
    let file = export_file::parse(&text).unwrap();
    let back = shots::parse_all(file.extras.shots.as_ref().unwrap()).unwrap();
    assert_eq!(back[KEY], vec![s]);
    // An export without screenshots has no member at all.
    let plain = export_file::export(&[listing()], None, &ExportExtras::default());
    assert!(!plain.contains("\"shots\""));
}

#[test]
fn a_malformed_capture_record_refuses_the_whole_import() {
    let good = serde_json::to_value(shot(5, &["images.main"], None, 500)).unwrap();
    let existing = vec![];
    let cases: Vec<(Value, &str, &str)> = vec![
        // Not a JPEG (a PNG signature).
        (
            {
                let mut v = good.clone();
                v["jpeg"] = json!(format!(
                    "{}{}",
                    shots::DATA_URL_PREFIX,
                    base64::engine::general_purpose::STANDARD.encode(b"\x89PNG\r\n\x1a\n")
                ));
                v["bytes"] = json!(8);
                v
            },
            "shots.jpeg",
            "not a JPEG image",
        ),
        // Broken base64.
        (
            {
                let mut v = good.clone();
                v["jpeg"] = json!("data:image/jpeg;base64,@@@");
                v
            },
            "shots.jpeg",
            "not base64",
        ),
        // A byte count that does not match the image.
        (
            {
                let mut v = good.clone();
                v["bytes"] = json!(7);
                v
            },
            "shots.bytes",
            "says 7 but the image has 500",
        ),
        // No time.
        (
            {
                let mut v = good.clone();
                v.as_object_mut().unwrap().remove("at");
                v
            },
            "shots.at",
            "missing field `at`",
        ),
        // A page on another site.
        (
            {
                let mut v = good.clone();
                v["url"] = json!("https://evil.example/dp/B07WXL5YPW");
                v
            },
            "shots.url",
            "is not an https page on amazon.co.jp",
        ),
    ];
    for (bad, field, why) in cases {
        let text = export_with(json!({ KEY: [good.clone(), bad] }));
        let err = export_file::preview(&existing, &text).unwrap_err();
        assert_eq!(err.field.as_deref(), Some(field), "{}", err.message);
        assert!(
            err.message
                .starts_with("the file's screenshots cannot be read: screenshot record of amazon.co.jp/B07WXL5YPW #2,"),
            "{}",
            err.message
        );
        assert!(err.message.contains(why), "{}", err.message);
        // apply refuses too: nothing is imported.
        let applied = export_file::apply(&existing, &text, "merge", "2026-12-04T11:00:00Z");
        assert_eq!(applied.unwrap_err(), err);
    }
    // A record filed under another listing's key is refused as well.
    let text = export_with(json!({ "amazon.com/B07WXL5YPW": [good] }));
    let err = export_file::apply(&existing, &text, "replace", "2026-12-04T11:00:00Z").unwrap_err();
    assert!(
        err.message.contains("belongs to amazon.co.jp/B07WXL5YPW"),
        "{}",
        err.message
    );
}
