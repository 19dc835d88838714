//! Every user-visible word of the watch module, as data. The sentences (case
//! texts, timeline lines, the re-check notification) are messages in the
//! extension's `extension/_locales/{ja,en}/messages.json`, read at build time
//! with `include_str!`, so the CLI, the extension and the tests use the same
//! texts and there is no second copy here. Only punctuation, the time zone
//! and other format pieces stay in Rust ([`Base`]).
//!
//! Placeholders are `{name}` and are filled by [`fill`]; a placeholder
//! without a value is left as it is (chrome.i18n treats only `$name$`
//! specially, so `{name}` survives in the locale files). The Japanese texts
//! are written the way a careful seller writes to Seller Support (丁寧語,
//! 「いつもお世話になっております。」); the English ones are short, factual
//! and polite.
//!
//! A missing or empty message is caught by this module's tests and by
//! `tests/e2e/locales.test.mjs`; at run time it falls back to the English
//! message, then to the message key, and never panics.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The words of one language (see [`words`]).
#[derive(Debug)]
pub struct Words {
    /// Language code: `ja` or `en`.
    pub lang: &'static str,
    /// Minutes east of UTC used to show times in this language's texts
    /// (Japanese: JST, +540; English: UTC, 0).
    pub utc_offset_minutes: i32,
    /// Suffix after a time: `（日本時間）` / `UTC`.
    pub time_zone: &'static str,
    /// Shown for a missing value.
    pub none: &'static str,
    /// Shown for an unknown ASIN/title/marketplace.
    pub unknown: &'static str,
    /// Opens a quoted value in timelines and change lists (`「`; none in English).
    pub quote_open: &'static str,
    /// Closes a quoted value (`」`).
    pub quote_close: &'static str,

    // ---- timeline (history) ----
    /// First change of an episode: `{field}`, `{at}`, `{old}`, `{new}`.
    pub tl_changed: &'static str,
    /// A later change to a value not seen in this episode: `{at}`, `{new}`.
    pub tl_then: &'static str,
    /// A later change back to an earlier value: `{at}`, `{new}`.
    pub tl_back: &'static str,
    /// Joins the parts of one timeline line.
    pub tl_join: &'static str,
    /// Ends a timeline line.
    pub tl_end: &'static str,
    /// `{n}` images (gallery values in a timeline).
    pub tl_images: &'static str,

    // ---- notifications ----
    /// Notification title.
    pub notify_title: &'static str,
    /// Notification body: `{asin}`, `{marketplace}`, `{fields}`, `{title}`.
    pub notify_body: &'static str,
    /// Separator between field names in a list.
    pub list_sep: &'static str,

    // ---- each kind of change named plainly (family, Buy Box, availability, gone) ----
    /// The parent ASIN changed: `{old}`, `{new}`.
    pub kind_parent_changed: &'static str,
    /// Attached under a parent: `{new}`.
    pub kind_parent_attached: &'static str,
    /// Taken out of its family: `{old}`.
    pub kind_parent_detached: &'static str,
    /// Siblings joined: `{n}`, `{list}`.
    pub kind_members_joined: &'static str,
    /// Siblings left: `{n}`, `{list}`.
    pub kind_members_left: &'static str,
    /// Another seller holds the Buy Box: `{seller}`, `{since}`.
    pub kind_buy_box: &'static str,
    /// Currently unavailable: `{since}`.
    pub kind_unavailable: &'static str,
    /// In stock again: `{since}`.
    pub kind_in_stock: &'static str,
    /// Gone reason: the 404 page.
    pub gone_not_found: &'static str,
    /// Gone reason: another ASIN's page: `{asin}`.
    pub gone_redirected: &'static str,
    /// Gone reason: "no longer available".
    pub gone_no_longer_available: &'static str,
    /// The page is gone: `{reason}`, `{since}`.
    pub kind_gone: &'static str,
    /// Confirmed by a later re-check: `{last_seen}`.
    pub kind_gone_confirmed: &'static str,
    /// Seen once: `{last_seen}`.
    pub kind_gone_unconfirmed: &'static str,
    /// Case text intro for a gone page.
    pub case_gone_intro: &'static str,
    /// Heading: last known values.
    pub case_head_last_known: &'static str,
    /// Case text request for a gone page.
    pub case_gone_request: &'static str,
    /// Timeline: one plainly named change: `{at}`, `{text}`.
    pub tl_kind: &'static str,
    /// Timeline: the page disappeared: `{at}`, `{reason}`.
    pub tl_gone: &'static str,
    /// Timeline: the page is back: `{at}`.
    pub tl_gone_back: &'static str,
    /// Notification title for a gone page.
    pub notify_gone_title: &'static str,
    /// Notification body for a gone page: `{asin}`, `{marketplace}`, `{reason}`,
    /// `{since}`, `{title}`.
    pub notify_gone_body: &'static str,

    // ---- case texts ----
    /// Opening line of every case text.
    pub greeting: &'static str,
    /// First report: what was found.
    pub report_intro: &'static str,
    /// First report when the report shows no difference (match, unreadable…).
    pub report_intro_checked: &'static str,
    /// First report, when a case already exists: `{case_id}`.
    pub report_case_ref: &'static str,
    /// Heading: the product.
    pub h_product: &'static str,
    /// Heading: the differences (`{n}`).
    pub h_differences: &'static str,
    /// Heading: the request.
    pub h_request: &'static str,
    /// Heading (reopen): what changed since the case was last updated.
    pub h_since: &'static str,
    /// Label: ASIN.
    pub l_asin: &'static str,
    /// Label: marketplace.
    pub l_marketplace: &'static str,
    /// Label: product title.
    pub l_title: &'static str,
    /// Label: product title (as shown).
    pub l_title_page: &'static str,
    /// Label: detail page URL.
    pub l_page: &'static str,
    /// Label: checked at.
    pub l_checked: &'static str,
    /// Label: case ID.
    pub l_case_id: &'static str,
    /// Label: expected value.
    pub l_expected: &'static str,
    /// Label: observed value.
    pub l_observed: &'static str,
    /// Label: first seen.
    pub l_first_seen: &'static str,
    /// Label: merchant ID.
    pub l_seller_id: &'static str,
    /// Marks a difference not in the case's last evidence.
    pub new_mark: &'static str,
    /// The request paragraph of a first report.
    pub report_request: &'static str,
    /// Closing line.
    pub closing: &'static str,
    /// Reopen: opening reference: `{case_id}`, `{opened}`, `{updated}`.
    pub reopen_intro: &'static str,
    /// Reopen: the page still/again differs.
    pub reopen_still: &'static str,
    /// Reopen: the page matches now (nothing to fix, but the case is cited).
    pub reopen_matches: &'static str,
    /// Reopen: no recorded change since the case was updated.
    pub reopen_nothing_new: &'static str,
    /// Reopen: one history line: `{at}`, `{field}`, `{old}`, `{new}`.
    pub reopen_change: &'static str,
    /// The request paragraph of a reopen text.
    pub reopen_request: &'static str,
    /// Page could not be compared (not a mismatch report).
    pub no_differences: &'static str,

    // ---- screenshots (watch::shots) ----
    /// Heading of the screenshots paragraph: `{n}` dated screenshots exist.
    pub h_shots: &'static str,
    /// One screenshot: `{at}`, `{fields}`, `{file}`.
    pub shot_line: &'static str,
    /// What a screenshot without differing fields shows (the page as a whole).
    pub shot_page: &'static str,

    // ---- image content (imagesig) ----
    /// An image mismatch whose pictures are the same (a new upload).
    pub img_same: &'static str,
    /// An image mismatch whose product changed colour: `{from}`, `{to}` (colour names).
    pub img_recoloured: &'static str,
    /// An image mismatch whose picture is another one.
    pub img_different: &'static str,
    /// An image mismatch whose pictures could not be compared.
    pub img_unknown: &'static str,
}

/// The pieces of one language that stay in Rust: punctuation, separators
/// and the time zone (which must agree with its offset).
struct Base {
    lang: &'static str,
    utc_offset_minutes: i32,
    time_zone: &'static str,
    quote_open: &'static str,
    quote_close: &'static str,
    tl_join: &'static str,
    tl_end: &'static str,
    list_sep: &'static str,
}

/// Japanese (format pieces only; the words are in `_locales/ja`).
const JA: Base = Base {
    lang: "ja",
    utc_offset_minutes: 9 * 60,
    time_zone: "（日本時間）",
    quote_open: "「",
    quote_close: "」",
    tl_join: "、",
    tl_end: "",
    list_sep: "・",
};

/// English (format pieces only; the words are in `_locales/en`).
const EN: Base = Base {
    lang: "en",
    utc_offset_minutes: 0,
    time_zone: "UTC",
    quote_open: "",
    quote_close: "",
    tl_join: "; ",
    tl_end: "",
    list_sep: ", ",
};

/// The Japanese message file of the extension, only the [`MESSAGE_KEYS`] messages (build.rs
/// keeps those of `extension/_locales/ja/messages.json`: the whole UI's strings would be about
/// 137 KB of the wasm module's data).
const JA_MESSAGES: &str = include_str!(concat!(env!("OUT_DIR"), "/ja_messages.json"));
/// The English message file of the extension, likewise.
const EN_MESSAGES: &str = include_str!(concat!(env!("OUT_DIR"), "/en_messages.json"));

/// Defines [`MESSAGE_KEYS`] and [`build`] from one list of
/// `Words` field => locale message key, so the two cannot disagree.
macro_rules! messages {
    ($($field:ident => $key:literal,)*) => {
        /// The locale message key of every template in [`Words`].
        const MESSAGE_KEYS: &[&str] = &[$($key),*];

        /// `base` plus the messages of its language, `own` (for a message
        /// that is missing or empty there: the English one, then the key).
        fn build(
            base: &Base,
            own: &'static HashMap<String, String>,
            en: &'static HashMap<String, String>,
        ) -> Words {
            let msg = |key: &'static str| -> &'static str {
                own.get(key)
                    .or_else(|| en.get(key))
                    .map_or(key, String::as_str)
            };
            Words {
                lang: base.lang,
                utc_offset_minutes: base.utc_offset_minutes,
                time_zone: base.time_zone,
                quote_open: base.quote_open,
                quote_close: base.quote_close,
                tl_join: base.tl_join,
                tl_end: base.tl_end,
                list_sep: base.list_sep,
                $($field: msg($key),)*
            }
        }
    };
}

messages! {
    none => "valueNone",
    unknown => "valueUnknown",
    tl_changed => "timelineChanged",
    tl_then => "timelineThen",
    tl_back => "timelineBack",
    tl_images => "timelineImages",
    notify_title => "notifyTitle",
    notify_body => "notifyBody",
    kind_parent_changed => "kindParentChanged",
    kind_parent_attached => "kindParentAttached",
    kind_parent_detached => "kindParentDetached",
    kind_members_joined => "kindMembersJoined",
    kind_members_left => "kindMembersLeft",
    kind_buy_box => "kindBuyBox",
    kind_unavailable => "kindUnavailable",
    kind_in_stock => "kindInStock",
    gone_not_found => "goneNotFound",
    gone_redirected => "goneRedirected",
    gone_no_longer_available => "goneNoLongerAvailable",
    kind_gone => "kindGone",
    kind_gone_confirmed => "kindGoneConfirmed",
    kind_gone_unconfirmed => "kindGoneUnconfirmed",
    case_gone_intro => "caseGoneIntro",
    case_head_last_known => "caseHeadLastKnown",
    case_gone_request => "caseGoneRequest",
    tl_kind => "timelineKind",
    tl_gone => "timelineGone",
    tl_gone_back => "timelineGoneBack",
    notify_gone_title => "notifyGoneTitle",
    notify_gone_body => "notifyGoneBody",
    greeting => "caseGreeting",
    report_intro => "caseReportIntro",
    report_intro_checked => "caseReportIntroChecked",
    report_case_ref => "caseReportCaseRef",
    h_product => "caseHeadProduct",
    h_differences => "caseHeadDifferences",
    h_request => "caseHeadRequest",
    h_since => "caseHeadSince",
    l_asin => "caseLabelAsin",
    l_marketplace => "caseLabelMarketplace",
    l_title => "caseLabelTitle",
    l_title_page => "caseLabelTitlePage",
    l_page => "caseLabelPage",
    l_checked => "caseLabelChecked",
    l_case_id => "caseLabelCaseId",
    l_expected => "caseLabelExpected",
    l_observed => "caseLabelObserved",
    l_first_seen => "caseLabelFirstSeen",
    l_seller_id => "caseLabelSellerId",
    new_mark => "caseNewMark",
    report_request => "caseReportRequest",
    closing => "caseClosing",
    reopen_intro => "caseReopenIntro",
    reopen_still => "caseReopenStill",
    reopen_matches => "caseReopenMatches",
    reopen_nothing_new => "caseReopenNothingNew",
    reopen_change => "caseReopenChange",
    reopen_request => "caseReopenRequest",
    no_differences => "caseNoDifferences",
    h_shots => "caseHeadShots",
    shot_line => "caseShotLine",
    shot_page => "caseShotPage",
    img_same => "imageSentenceSame",
    img_recoloured => "imageSentenceRecoloured",
    img_different => "imageSentenceDifferent",
    img_unknown => "imageSentenceUnknown",
}

/// The template messages (only [`MESSAGE_KEYS`], only non-empty ones) of a
/// message file. A file that does not parse gives none (every template then
/// falls back); the tests make sure that never ships.
fn parse_messages(json: &str) -> HashMap<String, String> {
    let Ok(serde_json::Value::Object(table)) = serde_json::from_str(json) else {
        return HashMap::new();
    };
    table
        .into_iter()
        .filter(|(key, _)| MESSAGE_KEYS.contains(&key.as_str()))
        .filter_map(|(key, entry)| {
            let message = entry.get("message")?.as_str()?;
            (!message.is_empty()).then(|| (key, message.to_string()))
        })
        .collect()
}

/// The parsed template messages of `lang` (`ja`, else `en`), once per language.
fn messages(lang: &str) -> &'static HashMap<String, String> {
    static JA_TABLE: OnceLock<HashMap<String, String>> = OnceLock::new();
    static EN_TABLE: OnceLock<HashMap<String, String>> = OnceLock::new();
    if lang == "ja" {
        JA_TABLE.get_or_init(|| parse_messages(JA_MESSAGES))
    } else {
        EN_TABLE.get_or_init(|| parse_messages(EN_MESSAGES))
    }
}

/// The words for `lang`: `ja` (or `ja-JP`…) is Japanese, anything else
/// English. Built once per language.
pub fn words(lang: &str) -> &'static Words {
    static JA_WORDS: OnceLock<Words> = OnceLock::new();
    static EN_WORDS: OnceLock<Words> = OnceLock::new();
    let l = lang.trim().to_ascii_lowercase();
    if l == "ja" || l.starts_with("ja-") || l.starts_with("ja_") {
        JA_WORDS.get_or_init(|| build(&JA, messages("ja"), messages("en")))
    } else {
        EN_WORDS.get_or_init(|| build(&EN, messages("en"), messages("en")))
    }
}

/// The name of a field (a `Mismatch.field` name) in `lang`'s words.
pub fn field_label(field: &str, w: &Words) -> String {
    crate::check::text::field_label(field, w.lang)
}

/// `template` with every `{name}` in `vars` replaced by its value.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match vars.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// An RFC 3339 time shown as `YYYY-MM-DD HH:MM` at `offset_minutes` east of
/// UTC. Text that does not parse is returned unchanged.
pub fn local_time(rfc3339: &str, offset_minutes: i32) -> String {
    use ::time::{OffsetDateTime, UtcOffset};
    let Some(ms) = crate::time::parse_rfc3339(rfc3339) else {
        return rfc3339.to_string();
    };
    let Ok(offset) = UtcOffset::from_whole_seconds(offset_minutes.saturating_mul(60)) else {
        return rfc3339.to_string();
    };
    let Ok(t) = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) else {
        return rfc3339.to_string();
    };
    let t = t.to_offset(offset);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// [`local_time`] in `w`'s time zone with its suffix:
/// `2026-11-03 23:20（日本時間）` / `2026-11-03 14:20 UTC`.
pub fn time_label(rfc3339: &str, w: &Words) -> String {
    let t = local_time(rfc3339, w.utc_offset_minutes);
    if w.lang == "ja" {
        format!("{t}{}", w.time_zone)
    } else {
        format!("{t} {}", w.time_zone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_placeholders_only() {
        assert_eq!(
            fill("{a} and {b} {c", &[("a", "1"), ("b", "{a}")]),
            "1 and {a} {c"
        );
        assert_eq!(fill("{x}", &[]), "{x}");
    }

    #[test]
    fn times_in_japan_and_utc() {
        assert_eq!(local_time("2026-11-03T14:20:00Z", 540), "2026-11-03 23:20");
        assert_eq!(local_time("2026-11-03T20:20:00Z", 540), "2026-11-04 05:20");
        assert_eq!(local_time("2026-11-03T14:20:59Z", 0), "2026-11-03 14:20");
        assert_eq!(local_time("garbage", 0), "garbage");
        assert_eq!(
            time_label("2026-11-03T14:20:00Z", words("ja")),
            "2026-11-03 23:20（日本時間）"
        );
        assert_eq!(
            time_label("2026-11-03T14:20:00Z", words("en")),
            "2026-11-03 14:20 UTC"
        );
    }

    #[test]
    fn language_choice() {
        assert_eq!(words("ja").lang, "ja");
        assert_eq!(words("ja-JP").lang, "ja");
        assert_eq!(words("en").lang, "en");
        assert_eq!(words("fr").lang, "en");
        assert_eq!(
            field_label("variations.color_name", words("ja")),
            "バリエーション（カラー）"
        );
        assert_eq!(field_label("images.main", words("en")), "main image");
    }

    /// The raw `message` of `key` in a locale file, as chrome.i18n sees it.
    fn raw_message(json: &str, key: &str) -> Option<String> {
        let table: serde_json::Value = serde_json::from_str(json).expect("locale file is JSON");
        Some(table.get(key)?.get("message")?.as_str()?.to_string())
    }

    /// The `{name}` placeholders of a template, sorted, without repeats.
    fn placeholders(template: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            out.push(after[..close].to_string());
            rest = &after[close + 1..];
        }
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn every_template_is_in_both_locale_files_with_the_same_placeholders() {
        assert!(MESSAGE_KEYS.len() >= 37, "{} keys", MESSAGE_KEYS.len());
        let mut problems = Vec::new();
        for key in MESSAGE_KEYS {
            let ja = raw_message(JA_MESSAGES, key);
            let en = raw_message(EN_MESSAGES, key);
            for (lang, m) in [("ja", &ja), ("en", &en)] {
                match m {
                    None => problems.push(format!("{lang}: {key} is missing")),
                    Some(m) if m.trim().is_empty() => {
                        problems.push(format!("{lang}: {key} is empty"));
                    }
                    // chrome.i18n would read `$…$` and `$$` differently from the core.
                    Some(m) if m.contains('$') => {
                        problems.push(format!("{lang}: {key} contains `$`"));
                    }
                    Some(_) => {}
                }
            }
            if let (Some(ja), Some(en)) = (&ja, &en) {
                if placeholders(ja) != placeholders(en) {
                    problems.push(format!(
                        "{key}: ja has {:?}, en has {:?}",
                        placeholders(ja),
                        placeholders(en)
                    ));
                }
            }
        }
        assert_eq!(problems, Vec::<String>::new());
    }

    #[test]
    fn words_are_the_locale_messages() {
        for (lang, json) in [("ja", JA_MESSAGES), ("en", EN_MESSAGES)] {
            let w = words(lang);
            assert_eq!(w.lang, lang);
            let by_key = [
                ("caseGreeting", w.greeting),
                ("caseNewMark", w.new_mark),
                ("caseReopenChange", w.reopen_change),
                ("timelineChanged", w.tl_changed),
                ("notifyBody", w.notify_body),
                ("valueNone", w.none),
                ("caseNoDifferences", w.no_differences),
            ];
            for (key, got) in by_key {
                assert_eq!(
                    Some(got.to_string()),
                    raw_message(json, key),
                    "{lang}.{key}"
                );
            }
        }
        assert_eq!(words("ja").greeting, "いつもお世話になっております。");
        assert_eq!(words("en").greeting, "Hello,");
        // Leading space kept: it follows the label directly.
        assert_eq!(words("en").new_mark, " (new since our last update)");
        assert_eq!(words("ja").time_zone, "（日本時間）");
        assert_eq!(words("en").list_sep, ", ");
        // Built once: the same table every time.
        assert!(std::ptr::eq(words("ja"), words("ja-JP")));
    }

    #[test]
    fn a_missing_message_falls_back_to_english_then_to_the_key() {
        assert!(parse_messages("not json").is_empty());
        let own: &'static HashMap<String, String> = Box::leak(Box::new(parse_messages(
            r#"{"caseGreeting": {"message": "はじめまして"}, "caseClosing": {"message": ""},
                "notifyTitle": {"description": "no message"}, "unrelated": {"message": "x"}}"#,
        )));
        assert_eq!(own.len(), 1, "only non-empty template messages are kept");
        let en: &'static HashMap<String, String> = Box::leak(Box::new(parse_messages(
            r#"{"caseClosing": {"message": "Thanks."}}"#,
        )));
        let w = build(&JA, own, en);
        assert_eq!(w.greeting, "はじめまして");
        assert_eq!(w.closing, "Thanks.");
        assert_eq!(w.notify_title, "notifyTitle");
        assert_eq!(w.time_zone, "（日本時間）");
    }
}
