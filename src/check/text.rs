//! Plain-text reports, ready to paste into a Seller Support case.
//!
//! The text is what a careful seller writes: which ASIN on which
//! marketplace, the product title, when the page was checked, then each
//! difference with the value in the seller's listing data and the value
//! observed on the page. Image differences give the image IDs and a URL for
//! each on Amazon's image host, so Support can open them. Page text is
//! copied as it is (it is plain text; nothing here is HTML).

use super::{Mismatch, Report, Severity, Status};
use crate::listing::Listing;
use crate::page::images::image_url;
use serde_json::Value;
use std::fmt::Write as _;

/// The plain-text report for `report` in `lang` (`"ja"`, anything else is
/// English). `listing` is the seller's listing for the page, when known; its
/// title is used when the page shows none.
pub fn report_text(report: &Report, listing: Option<&Listing>, lang: &str) -> String {
    let l = if lang.eq_ignore_ascii_case("ja") || lang.to_ascii_lowercase().starts_with("ja-") {
        &JA
    } else {
        &EN
    };
    let mut s = String::new();
    let unknown = l.unknown;
    let asin = report
        .asin
        .as_deref()
        .or(listing.map(|x| x.asin.as_str()))
        .unwrap_or(unknown);
    let marketplace = report
        .marketplace
        .as_deref()
        .or(listing.map(|x| x.marketplace.as_str()))
        .unwrap_or(unknown);
    let title = listing
        .and_then(|x| x.title.as_deref())
        .or(report.page.title.as_deref())
        .unwrap_or(unknown);

    s.push_str(l.opening(report.status));
    s.push_str("\n\n");
    let _ = writeln!(s, "{}: {asin}", l.asin);
    let _ = writeln!(s, "{}: {marketplace}", l.marketplace);
    if let Some(domain_asin) = report.asin.as_deref().zip(report.marketplace.as_deref()) {
        let _ = writeln!(
            s,
            "{}: https://www.{}/dp/{}",
            l.page_url, domain_asin.1, domain_asin.0
        );
    }
    let _ = writeln!(s, "{}: {title}", l.title_label);
    let _ = writeln!(s, "{}: {}", l.checked_at, report.checked_at);
    let _ = writeln!(s, "{}: {}", l.result, l.status(report.status));

    if !report.mismatches.is_empty() {
        s.push('\n');
        let (c, w, i) = count(&report.mismatches);
        let _ = writeln!(s, "{}", l.summary(report.mismatches.len(), c, w, i));
        for (n, m) in report.mismatches.iter().enumerate() {
            s.push('\n');
            let _ = writeln!(
                s,
                "{}. {} [{}]",
                n + 1,
                l.field(&m.field),
                l.severity(m.severity)
            );
            let images = m.field.starts_with("images.");
            write_value(&mut s, l.expected, &m.expected, images, l);
            write_value(&mut s, l.observed, &m.actual, images, l);
        }
        s.push('\n');
        s.push_str(l.closing);
        s.push('\n');
    }
    s
}

fn count(ms: &[Mismatch]) -> (usize, usize, usize) {
    ms.iter().fold((0, 0, 0), |(c, w, i), m| match m.severity {
        Severity::Critical => (c + 1, w, i),
        Severity::Warning => (c, w + 1, i),
        Severity::Info => (c, w, i + 1),
    })
}

fn write_value(s: &mut String, label: &str, v: &Value, images: bool, l: &Lang) {
    let one = |x: &str| -> String {
        if images {
            format!("{x} ({})", image_url(x))
        } else {
            x.to_string()
        }
    };
    match v {
        Value::Null => {
            let _ = writeln!(s, "   {label}: {}", l.not_shown);
        }
        Value::String(x) => {
            let _ = writeln!(s, "   {label}: {}", one(x));
        }
        Value::Array(items) if items.is_empty() => {
            let _ = writeln!(s, "   {label}: {}", l.not_shown);
        }
        Value::Array(items) => {
            let _ = writeln!(s, "   {label}:");
            for item in items {
                let text = match item {
                    Value::String(x) => one(x),
                    other => other.to_string(),
                };
                let _ = writeln!(s, "     - {text}");
            }
        }
        Value::Object(o) => {
            // A seller: {"id", "name"}.
            let name = o.get("name").and_then(Value::as_str).unwrap_or("");
            match o.get("id").and_then(Value::as_str) {
                Some(id) => {
                    let _ = writeln!(s, "   {label}: {name} ({}: {id})", l.seller_id);
                }
                None => {
                    let _ = writeln!(s, "   {label}: {name}");
                }
            }
        }
        other => {
            let _ = writeln!(s, "   {label}: {other}");
        }
    }
}

/// The words of one language.
struct Lang {
    unknown: &'static str,
    asin: &'static str,
    marketplace: &'static str,
    page_url: &'static str,
    title_label: &'static str,
    checked_at: &'static str,
    result: &'static str,
    expected: &'static str,
    observed: &'static str,
    not_shown: &'static str,
    seller_id: &'static str,
    closing: &'static str,
    ja: bool,
}

const EN: Lang = Lang {
    unknown: "(unknown)",
    asin: "ASIN",
    marketplace: "Marketplace",
    page_url: "Detail page",
    title_label: "Product title (our listing)",
    checked_at: "Checked at",
    result: "Result",
    expected: "Our listing data",
    observed: "Shown on the detail page",
    not_shown: "(not shown on the page)",
    seller_id: "merchant ID",
    closing: "We did not make these changes. Please restore the detail page to our listing data \
              above and let us know what caused the change. Thank you.",
    ja: false,
};

const JA: Lang = Lang {
    unknown: "（不明）",
    asin: "ASIN",
    marketplace: "マーケットプレイス",
    page_url: "商品詳細ページ",
    title_label: "商品名（当社登録内容）",
    checked_at: "確認日時",
    result: "確認結果",
    expected: "当社の登録内容",
    observed: "商品詳細ページの表示",
    not_shown: "（ページに表示なし）",
    seller_id: "出品者ID",
    closing:
        "上記の変更は当社が行ったものではありません。お手数ですが、商品詳細ページを当社の登録内容\
              どおりに修正いただき、変更の原因をご教示いただけますようお願いいたします。",
    ja: true,
};

impl Lang {
    fn opening(&self, status: Status) -> &'static str {
        match (self.ja, status) {
            (true, Status::Mismatch) => {
                "お世話になっております。\n下記ASINの商品詳細ページが、当社の登録内容と異なる表示になっていることを確認いたしました。\n相違点は以下のとおりです。"
            }
            (true, Status::Match) => {
                "下記ASINの商品詳細ページは、当社の登録内容と一致していることを確認いたしました。"
            }
            (true, Status::Gone) => {
                "お世話になっております。\n下記ASINの商品詳細ページが表示されなくなっていることを確認いたしました。"
            }
            (false, Status::Gone) => {
                "Hello,\nThe detail page for the ASIN below no longer exists."
            }
            (true, _) => "下記ページを確認いたしましたが、当社の登録内容と照合できませんでした。",
            (false, Status::Mismatch) => {
                "Hello,\nThe detail page for the ASIN below no longer matches our listing data. \
                 The differences we observed are listed below."
            }
            (false, Status::Match) => {
                "The detail page for the ASIN below matches our listing data."
            }
            (false, _) => "The page below could not be compared with our listing data.",
        }
    }

    fn status(&self, s: Status) -> &'static str {
        match (self.ja, s) {
            (true, Status::Match) => "一致",
            (true, Status::Mismatch) => "相違あり",
            (true, Status::Untracked) => "登録内容なし（未登録のASIN）",
            (true, Status::NotProduct) => "商品詳細ページではありません",
            (true, Status::Unreadable) => {
                "ページを読み取れませんでした（画像認証・エラーページ等）"
            }
            (false, Status::Match) => "matches",
            (false, Status::Mismatch) => "differs from our listing data",
            (false, Status::Untracked) => "no listing data saved for this ASIN",
            (false, Status::NotProduct) => "not a product detail page",
            (false, Status::Unreadable) => "the page could not be read (captcha or error page)",
            (true, Status::Gone) => "商品詳細ページが存在しません",
            (false, Status::Gone) => "the detail page no longer exists",
        }
    }

    fn summary(&self, n: usize, c: usize, w: usize, i: usize) -> String {
        if self.ja {
            format!("相違点: {n}件（重大 {c}件、警告 {w}件、参考 {i}件）")
        } else {
            let s = if n == 1 { "" } else { "s" };
            format!("{n} difference{s} ({c} critical, {w} warning, {i} info)")
        }
    }

    fn severity(&self, s: Severity) -> &'static str {
        match (self.ja, s) {
            (true, Severity::Critical) => "重大",
            (true, Severity::Warning) => "警告",
            (true, Severity::Info) => "参考",
            (false, s) => s.as_str(),
        }
    }

    fn field(&self, field: &str) -> String {
        let mut label = field_label(field, if self.ja { "ja" } else { "en" });
        // English labels start with an ASCII letter; ASCII-only capitalising keeps the
        // Unicode case tables out of the wasm (Japanese labels have no case).
        if let Some(first) = label.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        label
    }
}

/// The name of a field (a `Mismatch.field` name) in `lang`'s words ("ja" or "en"), as it
/// reads inside a sentence ("main image"). The one table of field names for every text the
/// core writes (reports, case texts, history timelines, notifications).
pub fn field_label(field: &str, lang: &str) -> String {
    let ja = lang == "ja";
    if let Some(dim) = field.strip_prefix("variations.") {
        let name = dimension(dim, ja);
        return if ja {
            format!("バリエーション（{name}）")
        } else {
            format!("variation ({name})")
        };
    }
    let label = match (ja, field) {
        (true, "title") => "商品名",
        (true, "brand") => "ブランド",
        (true, "images.main") => "メイン画像",
        (true, "images.gallery") => "サブ画像",
        (true, "breadcrumb") => "カテゴリー",
        (true, "bullets") => "商品の仕様（箇条書き）",
        (true, "description") => "商品説明",
        (true, "seller") => "出品者（カート獲得者）",
        (true, "offers") => "出品者数",
        (true, "family.parent") => "親ASIN（バリエーション）",
        (true, "family.members") => "バリエーションの子ASIN",
        (true, "availability") => "在庫状況",
        (true, "gone") => "商品詳細ページ",
        (false, "title") => "title",
        (false, "brand") => "brand",
        (false, "images.main") => "main image",
        (false, "images.gallery") => "other images",
        (false, "breadcrumb") => "category (browse path)",
        (false, "bullets") => "bullet points",
        (false, "description") => "product description",
        (false, "seller") => "seller (buy box)",
        (false, "offers") => "number of offers",
        (false, "family.parent") => "parent ASIN (variation family)",
        (false, "family.members") => "variation family members",
        (false, "availability") => "availability",
        (false, "gone") => "detail page",
        (_, other) => other,
    };
    label.to_string()
}

fn dimension(dim: &str, ja: bool) -> String {
    let known = match (ja, dim) {
        (true, "color_name") => "カラー",
        (true, "size_name") => "サイズ",
        (true, "style_name") => "スタイル",
        (true, "pattern_name") => "パターン",
        (true, "configuration") => "構成",
        (false, "color_name") => "colour",
        (false, "size_name") => "size",
        (false, "style_name") => "style",
        (false, "pattern_name") => "pattern",
        _ => "",
    };
    if known.is_empty() {
        dim.to_string()
    } else {
        known.to_string()
    }
}
