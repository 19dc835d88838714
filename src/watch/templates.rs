//! Every user-visible word of the watch module, as data: one const table per
//! language, so the extension's `_locales/{ja,en}` files can mirror them.
//!
//! Placeholders are `{name}` and are filled by [`fill`]; a placeholder
//! without a value is left as it is. The Japanese texts are written the way
//! a careful seller writes to Seller Support (丁寧語, 「いつもお世話になっております。」);
//! the English ones are short, factual and polite.

/// The words of one language.
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
}

/// Japanese.
pub const JA: Words = Words {
    lang: "ja",
    utc_offset_minutes: 9 * 60,
    time_zone: "（日本時間）",
    none: "（なし）",
    unknown: "（不明）",
    quote_open: "「",
    quote_close: "」",
    tl_changed: "{field}: {at}に{old}から{new}に変更",
    tl_then: "{at}に{new}に変更",
    tl_back: "{at}に{new}に戻りました",
    tl_join: "、",
    tl_end: "",
    tl_images: "画像{n}点",
    notify_title: "Catalog Guard: 商品ページの変更を検出しました",
    notify_body: "{asin}（{marketplace}）の{fields}が、保存した登録内容と異なります。{title}",
    list_sep: "・",
    greeting: "いつもお世話になっております。",
    report_intro: "下記ASINの商品詳細ページにおいて、当社が登録している商品情報と異なる内容が表示されていることを確認いたしました。当社ではこれらの変更を行っておりません。",
    report_intro_checked: "下記ASINの商品詳細ページを確認いたしました。",
    report_case_ref: "本件はケースID {case_id} に関する追加のご連絡です。",
    h_product: "■ 対象商品",
    h_differences: "■ 相違点（{n}件）",
    h_request: "■ お願い",
    h_since: "■ 前回のご連絡以降に確認した変更",
    l_asin: "ASIN",
    l_marketplace: "マーケットプレイス",
    l_title: "商品名（当社登録内容）",
    l_title_page: "商品名",
    l_page: "商品詳細ページ",
    l_checked: "確認日時",
    l_case_id: "ケースID",
    l_expected: "当社の登録内容",
    l_observed: "現在の表示",
    l_first_seen: "この表示を最初に確認した日時",
    l_seller_id: "出品者ID",
    new_mark: "（前回のご連絡以降に新たに確認）",
    report_request: "お手数をおかけいたしますが、商品詳細ページを上記の当社登録内容どおりに修正していただけますでしょうか。あわせて、どの出品者またはどの手段によって変更されたのか、原因をご教示いただけますと幸いです。",
    closing: "何卒よろしくお願い申し上げます。",
    reopen_intro: "ケースID {case_id}（{opened}にお問い合わせ、最終更新 {updated}）の件で、再度ご連絡いたします。",
    reopen_still: "前回のご連絡以降も、下記ASINの商品詳細ページが当社の登録内容と異なる状態となっております。",
    reopen_matches: "現時点では下記ASINの商品詳細ページは当社の登録内容と一致しておりますが、前回のご連絡以降に以下の変更を確認いたしました。",
    reopen_nothing_new: "前回のご連絡以降、新たな変更は記録されておりません。",
    reopen_change: "・{at}　{field}: {old}→{new}",
    reopen_request: "お手数ですが、本ケースを再開のうえ、商品詳細ページを当社の登録内容どおりに修正し、再発防止のため変更の原因をご確認いただけますでしょうか。",
    no_differences: "現時点で相違点はありません。",
};

/// English.
pub const EN: Words = Words {
    lang: "en",
    utc_offset_minutes: 0,
    time_zone: "UTC",
    none: "(none)",
    unknown: "(unknown)",
    quote_open: "",
    quote_close: "",
    tl_changed: "{field} changed {at} from {old} to {new}",
    tl_then: "then to {new} on {at}",
    tl_back: "back to {new} on {at}",
    tl_join: "; ",
    tl_end: "",
    tl_images: "{n} image(s)",
    notify_title: "Catalog Guard: listing changed",
    notify_body: "{asin} on {marketplace} no longer matches your saved listing: {fields}. {title}",
    list_sep: ", ",
    greeting: "Hello,",
    report_intro: "The detail page for the ASIN below shows information that differs from our listing data. We did not make these changes.",
    report_intro_checked: "We checked the detail page for the ASIN below.",
    report_case_ref: "This message concerns case ID {case_id}.",
    h_product: "Product",
    h_differences: "Differences ({n})",
    h_request: "Request",
    h_since: "Changes observed since our last update",
    l_asin: "ASIN",
    l_marketplace: "Marketplace",
    l_title: "Product title (our listing)",
    l_title_page: "Product title",
    l_page: "Detail page",
    l_checked: "Checked at",
    l_case_id: "Case ID",
    l_expected: "Our listing data",
    l_observed: "Shown now",
    l_first_seen: "First seen",
    l_seller_id: "merchant ID",
    new_mark: " (new since our last update)",
    report_request: "Please restore the detail page to our listing data shown above, and let us know which seller or which process made the change.",
    closing: "Thank you.",
    reopen_intro: "I am following up on case ID {case_id} (opened {opened}, last updated {updated}).",
    reopen_still: "Since our last update, the detail page for the ASIN below still differs from our listing data.",
    reopen_matches: "The detail page for the ASIN below matches our listing data at the moment, but we observed the following changes since our last update.",
    reopen_nothing_new: "No new change has been recorded since our last update.",
    reopen_change: "- {at}: {field}: {old} -> {new}",
    reopen_request: "Please reopen this case, restore the detail page to our listing data, and find the cause so that it does not happen again.",
    no_differences: "There are no differences at the moment.",
};

/// The table for `lang`: `ja` (or `ja-JP`…) is Japanese, anything else English.
pub fn words(lang: &str) -> &'static Words {
    let l = lang.trim().to_ascii_lowercase();
    if l == "ja" || l.starts_with("ja-") || l.starts_with("ja_") {
        &JA
    } else {
        &EN
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
            time_label("2026-11-03T14:20:00Z", &JA),
            "2026-11-03 23:20（日本時間）"
        );
        assert_eq!(
            time_label("2026-11-03T14:20:00Z", &EN),
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
            field_label("variations.color_name", &JA),
            "バリエーション（カラー）"
        );
        assert_eq!(field_label("images.main", &EN), "main image");
    }
}
