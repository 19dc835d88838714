//! The hijacks that leave the seller's own fields looking fine, on constructed
//! pages: the variation family rewritten, the Buy Box taken, the item made
//! unavailable, the page gone (404, another ASIN, "no longer available"); and
//! the history, notification, schedule and case texts that follow them.

use catalog_guard::check::{check, check_request, GoneReason, Severity, Status};
use catalog_guard::listing::Listing;
use catalog_guard::page::{Availability, Family, PageKind, ProductPage, Seller};
use catalog_guard::watch::cases::{case_report_text, reopen_text, Case};
use catalog_guard::watch::history::{History, Source};
use catalog_guard::watch::notify::NotifyState;
use catalog_guard::watch::schedule::{outcome_of_report, Outcome};
use serde_json::json;

const T0: &str = "2026-11-01T00:00:00Z";
const T1: &str = "2026-11-02T03:00:00Z";
const T2: &str = "2026-11-02T09:00:00Z";
const T3: &str = "2026-11-02T15:00:00Z";
const URL: &str = "https://www.amazon.co.jp/dp/B0MINE0001";

fn family(parent: &str, members: &[(&str, &str)]) -> Family {
    let members: Vec<_> = members
        .iter()
        .map(|(a, c)| json!({"asin": a, "dimensions": {"color_name": c}}))
        .collect();
    serde_json::from_value(json!({"parent": parent, "members": members})).unwrap()
}

fn page() -> ProductPage {
    let mut p = ProductPage::empty(PageKind::Product);
    p.asin = Some("B0MINE0001".into());
    p.marketplace = Some("amazon.co.jp".into());
    p.title = Some("ステンレス タンブラー 500ml".into());
    p.brand = Some("サンプル".into());
    p.images = vec!["81lde+541vL".into(), "71abcDEF12L".into()];
    p.seller = Some(Seller {
        id: Some("A1MINE".into()),
        name: "マイショップ".into(),
    });
    p.family = Some(family(
        "B0PARENT01",
        &[("B0MINE0001", "ブラック"), ("B0MINE0002", "ホワイト")],
    ));
    p.availability = Availability::InStock;
    p.buy_box = Some(true);
    p
}

fn listing() -> Listing {
    Listing::from_page(&page(), T0).unwrap()
}

fn fields(listing: &Listing, p: &ProductPage) -> Vec<(String, Severity)> {
    check(std::slice::from_ref(listing), p, T1)
        .mismatches
        .into_iter()
        .map(|m| (m.field, m.severity))
        .collect()
}

#[test]
fn unchanged_page_matches() {
    assert_eq!(check(&[listing()], &page(), T1).status, Status::Match);
    // Unknown availability, no Buy Box info: nothing either.
    let mut p = page();
    p.availability = Availability::Unknown;
    p.buy_box = None;
    assert_eq!(check(&[listing()], &p, T1).status, Status::Match);
}

#[test]
fn parent_changed_is_critical() {
    let mut p = page();
    p.family.as_mut().unwrap().parent = Some("B0HIJACK99".into());
    assert_eq!(
        fields(&listing(), &p),
        vec![("family.parent".to_string(), Severity::Critical)]
    );
    let r = check(&[listing()], &p, T1);
    assert_eq!(r.mismatches[0].expected, json!("B0PARENT01"));
    assert_eq!(r.mismatches[0].actual, json!("B0HIJACK99"));
}

#[test]
fn family_appearing_or_vanishing_is_critical() {
    // A standalone ASIN attached under a hijacker's parent.
    let mut alone = page();
    alone.family = None;
    let l = Listing::from_page(&alone, T0).unwrap();
    assert!(l.family_known && l.family.is_none());
    assert_eq!(fields(&l, &alone), vec![]);
    let hijacked = page();
    assert_eq!(
        fields(&l, &hijacked),
        vec![("family.parent".to_string(), Severity::Critical)]
    );
    // The family vanished.
    assert_eq!(
        fields(&listing(), &alone),
        vec![("family.parent".to_string(), Severity::Critical)]
    );
}

#[test]
fn siblings_added_or_removed_is_a_warning_listing_which() {
    let mut p = page();
    let f = p.family.as_mut().unwrap();
    f.members.remove(1);
    f.members.push(
        serde_json::from_value(
            json!({"asin": "B0STRANGE1", "dimensions": {"color_name": "レッド"}}),
        )
        .unwrap(),
    );
    let r = check(&[listing()], &p, T1);
    assert_eq!(r.mismatches.len(), 1, "{:#?}", r.mismatches);
    let m = &r.mismatches[0];
    assert_eq!(
        (m.field.as_str(), m.severity),
        ("family.members", Severity::Warning)
    );
    assert_eq!(
        m.expected,
        json!([{"asin": "B0MINE0002", "dimensions": {"color_name": "ホワイト"}}])
    );
    assert_eq!(
        m.actual,
        json!([{"asin": "B0STRANGE1", "dimensions": {"color_name": "レッド"}}])
    );
    // The same members in another order: no change.
    let mut q = page();
    q.family.as_mut().unwrap().members.reverse();
    assert_eq!(fields(&listing(), &q), vec![]);
    // Unwatched: not compared.
    let mut l = listing();
    l.unwatch("family.members").unwrap();
    assert_eq!(fields(&l, &p), vec![]);
}

#[test]
fn buy_box_taken_is_a_warning_else_info() {
    let mut p = page();
    p.seller = Some(Seller {
        id: Some("A9OTHER".into()),
        name: "Other Shop".into(),
    });
    assert_eq!(
        fields(&listing(), &p),
        vec![("seller".to_string(), Severity::Warning)]
    );
    // The page says it has no Buy Box: the seller shown is not its holder.
    p.buy_box = Some(false);
    assert_eq!(
        fields(&listing(), &p),
        vec![("seller".to_string(), Severity::Info)]
    );
    // No seller shown at all: info (nothing says who holds it).
    let mut q = page();
    q.seller = None;
    assert_eq!(
        fields(&listing(), &q),
        vec![("seller".to_string(), Severity::Info)]
    );
}

#[test]
fn in_stock_to_unavailable_is_a_warning_only_that_way() {
    let mut p = page();
    p.availability = Availability::Unavailable;
    assert_eq!(
        fields(&listing(), &p),
        vec![("availability".to_string(), Severity::Warning)]
    );
    let mut l = listing();
    l.availability = Availability::Unavailable;
    assert_eq!(fields(&l, &page()), vec![], "back in stock is not a hijack");
    l.availability = Availability::Unknown;
    assert_eq!(fields(&l, &p), vec![]);
}

#[test]
fn an_old_listing_is_not_flagged_for_what_it_never_knew() {
    let mut old = listing();
    old.family = None;
    old.family_known = false;
    old.availability = Availability::Unknown;
    let mut p = page();
    p.availability = Availability::Unavailable;
    assert_eq!(
        check(std::slice::from_ref(&old), &p, T1).status,
        Status::Match
    );
    // Learned from the page, then compared.
    let mut learned = old.clone();
    assert_eq!(
        learned.learn_from(&page(), T1),
        vec!["family", "availability"]
    );
    assert_eq!(
        fields(&learned, &p),
        vec![("availability".to_string(), Severity::Warning)]
    );
}

fn not_found() -> ProductPage {
    let mut p = ProductPage::empty(PageKind::NotFound);
    p.marketplace = Some("amazon.co.jp".into());
    p
}

#[test]
fn gone_needs_a_saved_listing_under_the_requested_url() {
    let l = listing();
    // 404 under the listing's URL.
    let r = check_request(std::slice::from_ref(&l), &not_found(), Some(URL), T1);
    assert_eq!(r.status, Status::Gone);
    assert_eq!(r.asin.as_deref(), Some("B0MINE0001"));
    assert_eq!(r.marketplace.as_deref(), Some("amazon.co.jp"));
    assert_eq!(r.gone.as_ref().unwrap().reason, GoneReason::NotFound);
    assert!(r.mismatches.is_empty());
    // Without the URL, or under another ASIN's URL: unreadable as before.
    assert_eq!(
        check(std::slice::from_ref(&l), &not_found(), T1).status,
        Status::Unreadable
    );
    let other = "https://www.amazon.co.jp/dp/B0NOTSAVED";
    assert_eq!(
        check_request(std::slice::from_ref(&l), &not_found(), Some(other), T1).status,
        Status::Unreadable
    );
    // Captcha and 503 under the listing's URL: never gone.
    for kind in [PageKind::Captcha, PageKind::Error] {
        let p = ProductPage::empty(kind);
        assert_eq!(
            check_request(std::slice::from_ref(&l), &p, Some(URL), T1).status,
            Status::Unreadable
        );
    }
    // Another ASIN's page under the listing's URL.
    let mut moved = page();
    moved.asin = Some("B0ELSEWHER".into());
    moved.family = None;
    let r = check_request(std::slice::from_ref(&l), &moved, Some(URL), T1);
    assert_eq!(r.status, Status::Gone);
    let g = r.gone.unwrap();
    assert_eq!(g.reason, GoneReason::Redirected);
    assert_eq!(g.redirected_to.as_deref(), Some("B0ELSEWHER"));
    // ...unless that page's family lists the asked ASIN (a sibling shown instead).
    let mut sibling = page();
    sibling.asin = Some("B0MINE0002".into());
    assert_eq!(
        check_request(std::slice::from_ref(&l), &sibling, Some(URL), T1).status,
        Status::Untracked
    );
    // "No longer available": read as not_found with its own ASIN, also without a URL.
    let mut nla = not_found();
    nla.asin = Some("B0MINE0001".into());
    for url in [Some(URL), None] {
        let r = check_request(std::slice::from_ref(&l), &nla, url, T1);
        assert_eq!(r.status, Status::Gone);
        assert_eq!(r.gone.unwrap().reason, GoneReason::NoLongerAvailable);
    }
    // Its own page, readable: the ordinary check.
    assert_eq!(
        check_request(&[l], &page(), Some(URL), T1).status,
        Status::Match
    );
}

#[test]
fn gone_in_history_notification_schedule_and_case_text() {
    let l = listing();
    let mut h = History::new();
    assert!(h.record_page(&page(), Source::Recheck, T0).is_none());
    let mut notify = NotifyState::new();

    // First sighting (a re-check): one change, one notification, counted as changed.
    let mut r = check_request(std::slice::from_ref(&l), &not_found(), Some(URL), T1);
    let change = h
        .record_gone(&r, Source::Recheck, T1)
        .expect("first sighting is a change");
    assert_eq!(change.fields[0].field, "gone");
    assert_eq!(change.fields[0].new, json!("not_found"));
    h.annotate(&mut r);
    let g = r.gone.clone().unwrap();
    assert_eq!(g.first_seen.as_deref(), Some(T1));
    assert_eq!(g.last_seen.as_deref(), Some(T0));
    assert!(!g.confirmed);
    assert_eq!(
        outcome_of_report(PageKind::NotFound, true, true),
        Outcome::Checked { changed: true }
    );
    assert_eq!(
        outcome_of_report(PageKind::NotFound, false, false),
        Outcome::Failed
    );
    assert_eq!(
        outcome_of_report(PageKind::Captcha, true, false),
        Outcome::Captcha
    );
    let n = notify
        .should_notify(&r, l.title.as_deref(), "ja")
        .expect("gone notifies");
    assert!(n.title.contains("見つかりません"), "{}", n.title);
    assert!(n.body.contains("B0MINE0001"), "{}", n.body);
    assert!(
        n.body.contains("2026-11-02 12:00（日本時間）に初めて確認"),
        "{}",
        n.body
    );
    // The case text does not call it deleted yet.
    let text = case_report_text(&r, Some(&l), Some(&h), None, "ja");
    assert!(text.contains("一時的な不具合の可能性"), "{text}");
    assert!(!text.contains("削除されたものと考えられます"), "{text}");
    assert!(
        text.contains("ステンレス タンブラー 500ml"),
        "last known title: {text}"
    );
    assert!(text.contains("81lde+541vL"), "last known image: {text}");

    // The next run: no new change, no second notification, confirmed.
    let mut r2 = check_request(std::slice::from_ref(&l), &not_found(), Some(URL), T2);
    assert!(h.record_gone(&r2, Source::Recheck, T2).is_none());
    h.annotate(&mut r2);
    assert!(r2.gone.as_ref().unwrap().confirmed);
    assert_eq!(r2.gone.as_ref().unwrap().first_seen.as_deref(), Some(T1));
    assert!(notify.should_notify(&r2, None, "en").is_none());
    let text = case_report_text(&r2, Some(&l), Some(&h), None, "en");
    assert!(text.contains("appears to have been deleted"), "{text}");
    assert!(
        text.contains("It was last seen on 2026-11-01 00:00 UTC"),
        "{text}"
    );
    let case = Case::new("1234567890", "amazon.co.jp", "2026-11-02", T1).unwrap();
    let reopen = reopen_text(&case, &r2, Some(&h), "en");
    assert!(reopen.contains("appears to have been deleted"), "{reopen}");

    // The page comes back: the episode ends with a change back to null.
    let back = h
        .record_page(&page(), Source::Recheck, T3)
        .expect("back is a change");
    assert_eq!(back.fields[0].field, "gone");
    assert!(back.fields[0].new.is_null());
    assert!(h.gone.is_none());
    let lines = h.timeline("en");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("the detail page disappeared")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("the detail page is back")),
        "{lines:?}"
    );
    // A later vanishing notifies again.
    assert!(notify
        .should_notify(&check(std::slice::from_ref(&l), &page(), T3), None, "en")
        .is_none());
    let mut r4 = check_request(&[l], &not_found(), Some(URL), T3);
    h.record_gone(&r4, Source::Badge, T3)
        .expect("a new episode");
    h.annotate(&mut r4);
    assert!(notify.should_notify(&r4, None, "en").is_some());
}

#[test]
fn family_buy_box_and_availability_notify_and_read_plainly() {
    let l = listing();
    let mut notify = NotifyState::new();
    let mut h = History::new();
    h.record_page(&page(), Source::Recheck, T0);
    let mut p = page();
    p.family.as_mut().unwrap().parent = Some("B0HIJACK99".into());
    p.seller = Some(Seller {
        id: Some("A9OTHER".into()),
        name: "Other Shop".into(),
    });
    p.availability = Availability::Unavailable;
    h.record_page(&p, Source::Recheck, T1).expect("a change");
    let r = check(std::slice::from_ref(&l), &p, T1);
    assert_eq!(r.status, Status::Mismatch);
    let n = notify.should_notify(&r, None, "ja").expect("notified");
    assert!(
        n.body
            .contains("親ASINが B0PARENT01 から B0HIJACK99 に変わりました"),
        "{}",
        n.body
    );
    assert!(n.body.contains("Other Shop"), "{}", n.body);
    assert!(
        notify.should_notify(&r, None, "ja").is_none(),
        "once per change"
    );

    let text = case_report_text(&r, Some(&l), Some(&h), None, "en");
    assert!(
        text.contains("The parent ASIN changed from B0PARENT01 to B0HIJACK99"),
        "{text}"
    );
    assert!(
        text.contains(
            "The Buy Box is held by Other Shop (merchant ID: A9OTHER) since 2026-11-02 03:00 UTC"
        ),
        "{text}"
    );
    assert!(text.contains("currently unavailable"), "{text}");

    let lines = h.timeline("ja");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("親ASINが B0PARENT01 から B0HIJACK99 に変わりました")),
        "{lines:?}"
    );

    // Strangers' ASINs joining the family: a warning that notifies, naming them.
    let mut notify = NotifyState::new();
    let mut q = page();
    for (a, c) in [
        ("B0STRANGE1", "Red"),
        ("B0STRANGE2", "Blue"),
        ("B0STRANGE3", "Green"),
    ] {
        q.family.as_mut().unwrap().members.push(
            serde_json::from_value(json!({"asin": a, "dimensions": {"color_name": c}})).unwrap(),
        );
    }
    let r = check(&[l], &q, T1);
    let n = notify.should_notify(&r, None, "en").expect("notified");
    assert!(
        n.body.contains(
            "3 ASINs you did not create joined this variation family: B0STRANGE1 (colour: Red), \
             B0STRANGE2 (colour: Blue), B0STRANGE3 (colour: Green)"
        ),
        "{}",
        n.body
    );
}
