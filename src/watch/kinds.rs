//! Each kind of change a seller cannot read from two values side by side,
//! named in one plain sentence: the parent ASIN («親ASINが B0XXXX から B0YYYY
//! に変わりました»), strangers' ASINs joining the family, the Buy Box taken,
//! the item unavailable, the page gone. Used by the case texts ("Copy report"
//! included), the re-check notification and the history timeline; every word
//! is a `_locales` template ([`super::templates`]).

use super::history::{self, FieldChange, History};
use super::templates::{fill, time_label, Words};
use crate::check::{Gone, GoneReason, Mismatch};
use serde_json::Value;
use std::collections::BTreeSet;

/// At most this many ASINs are listed in one sentence (then "…").
const MAX_LISTED: usize = 20;

/// The reason a page counts as gone, in words.
pub fn gone_reason(reason: GoneReason, redirected_to: Option<&str>, w: &Words) -> String {
    match reason {
        GoneReason::NotFound => w.gone_not_found.to_string(),
        GoneReason::Redirected => fill(
            w.gone_redirected,
            &[("asin", redirected_to.unwrap_or(w.unknown))],
        ),
        GoneReason::NoLongerAvailable => w.gone_no_longer_available.to_string(),
    }
}

/// A `gone` report in sentences: what is gone and since when, then whether a
/// re-check confirmed it (and when the page was last seen).
pub fn gone_sentences(g: &Gone, checked_at: &str, w: &Words) -> Vec<String> {
    let since = time_label(g.first_seen.as_deref().unwrap_or(checked_at), w);
    let last_seen = g
        .last_seen
        .as_deref()
        .map_or_else(|| w.unknown.to_string(), |t| time_label(t, w));
    let reason = gone_reason(g.reason, g.redirected_to.as_deref(), w);
    vec![
        fill(w.kind_gone, &[("reason", &reason), ("since", &since)]),
        fill(
            if g.confirmed {
                w.kind_gone_confirmed
            } else {
                w.kind_gone_unconfirmed
            },
            &[("last_seen", &last_seen)],
        ),
    ]
}

/// The plain sentence for a mismatch of a family, seller (Buy Box) or
/// availability field; `None` for other fields (their values speak for
/// themselves) and for an `info` seller mismatch (no Buy Box taken).
/// `history` gives the "since" times (first seen), else the check time.
pub fn mismatch_sentence(
    m: &Mismatch,
    history: Option<&History>,
    checked_at: &str,
    w: &Words,
) -> Option<String> {
    let since = || {
        let at = history
            .and_then(|h| h.first_seen(&m.field, &m.actual))
            .unwrap_or(checked_at);
        time_label(at, w)
    };
    if let Some(text) = crate::imagesig::verdict_sentence(m, w) {
        return Some(text);
    }
    match m.field.as_str() {
        "family.parent" => Some(parent_sentence(&m.expected, &m.actual, w)),
        "family.members" => {
            let mut out = Vec::new();
            if let Some(s) = members_sentence(w.kind_members_joined, &m.actual, w) {
                out.push(s);
            }
            if let Some(s) = members_sentence(w.kind_members_left, &m.expected, w) {
                out.push(s);
            }
            (!out.is_empty()).then(|| out.join(w.tl_join))
        }
        "seller" if m.severity != crate::check::Severity::Info => {
            let seller = seller_name(&m.actual, w);
            Some(fill(
                w.kind_buy_box,
                &[("seller", &seller), ("since", &since())],
            ))
        }
        "availability" => Some(fill(w.kind_unavailable, &[("since", &since())])),
        _ => None,
    }
}

/// The plain sentence for a history change of a family, seller or
/// availability field at `at` (timeline); `None` for other fields.
pub fn change_sentence(fc: &FieldChange, at: &str, w: &Words) -> Option<String> {
    let since = time_label(at, w);
    match fc.field.as_str() {
        "family.parent" => Some(parent_sentence(&fc.old, &fc.new, w)),
        "family.members" => {
            let asins = |v: &Value| -> BTreeSet<String> {
                v.as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let (old, new) = (asins(&fc.old), asins(&fc.new));
            let joined: Vec<Value> = new
                .difference(&old)
                .map(|a| Value::from(a.as_str()))
                .collect();
            let left: Vec<Value> = old
                .difference(&new)
                .map(|a| Value::from(a.as_str()))
                .collect();
            let mut out = Vec::new();
            if let Some(s) = members_sentence(w.kind_members_joined, &Value::from(joined), w) {
                out.push(s);
            }
            if let Some(s) = members_sentence(w.kind_members_left, &Value::from(left), w) {
                out.push(s);
            }
            (!out.is_empty()).then(|| out.join(w.tl_join))
        }
        "seller" if !fc.new.is_null() => Some(fill(
            w.kind_buy_box,
            &[("seller", &seller_name(&fc.new, w)), ("since", &since)],
        )),
        "availability" => match fc.new.as_str() {
            Some("unavailable") => Some(fill(w.kind_unavailable, &[("since", &since)])),
            Some("in_stock") => Some(fill(w.kind_in_stock, &[("since", &since)])),
            _ => None,
        },
        _ => None,
    }
}

fn parent_sentence(old: &Value, new: &Value, w: &Words) -> String {
    match (old.as_str(), new.as_str()) {
        (Some(o), Some(n)) => fill(w.kind_parent_changed, &[("old", o), ("new", n)]),
        (None, Some(n)) => fill(w.kind_parent_attached, &[("new", n)]),
        (Some(o), None) => fill(w.kind_parent_detached, &[("old", o)]),
        (None, None) => fill(w.kind_parent_changed, &[("old", w.none), ("new", w.none)]),
    }
}

/// `template` filled with the members in `v` (`[{asin, dimensions}]` or
/// `[asin]`): `{n}` and `{list}` ("B0… (colour: Red, size: M), …").
fn members_sentence(template: &str, v: &Value, w: &Words) -> Option<String> {
    let items = v.as_array().filter(|a| !a.is_empty())?;
    let mut parts: Vec<String> = items
        .iter()
        .take(MAX_LISTED)
        .map(|m| match m {
            Value::String(a) => a.clone(),
            Value::Object(o) => {
                let asin = o.get("asin").and_then(Value::as_str).unwrap_or(w.unknown);
                let dims: Vec<String> = o
                    .get("dimensions")
                    .and_then(Value::as_object)
                    .map(|d| {
                        d.iter()
                            .filter_map(|(k, v)| {
                                let label = crate::check::text::field_label(
                                    &format!("variations.{k}"),
                                    w.lang,
                                );
                                let name = dimension_name(&label);
                                Some(format!("{name}: {}", v.as_str()?))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if dims.is_empty() {
                    asin.to_string()
                } else if w.lang == "ja" {
                    format!("{asin}（{}）", dims.join("、"))
                } else {
                    format!("{asin} ({})", dims.join(", "))
                }
            }
            other => other.to_string(),
        })
        .collect();
    if items.len() > MAX_LISTED {
        parts.push("…".to_string());
    }
    Some(fill(
        template,
        &[
            ("n", &items.len().to_string()),
            ("list", &parts.join(w.list_sep)),
        ],
    ))
}

/// `variation (colour)` / `バリエーション（カラー）` → `colour` / `カラー`.
fn dimension_name(label: &str) -> &str {
    let inner = label
        .split_once('(')
        .map(|(_, r)| r.trim_end_matches(')'))
        .or_else(|| {
            label
                .split_once('（')
                .map(|(_, r)| r.trim_end_matches('）'))
        });
    inner.unwrap_or(label)
}

fn seller_name(v: &Value, w: &Words) -> String {
    match v {
        Value::Object(_) => {
            // "Name (merchant ID: X)" without the language's quotes.
            let shown = history::show_max("seller", v, w, 80);
            shown
                .strip_prefix(w.quote_open)
                .and_then(|s| s.strip_suffix(w.quote_close))
                .map_or(shown.clone(), str::to_string)
        }
        Value::String(s) => s.clone(),
        _ => w.unknown.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::templates::words;
    use serde_json::json;

    fn mm(field: &str, expected: Value, actual: Value, sev: crate::check::Severity) -> Mismatch {
        Mismatch {
            field: field.into(),
            expected,
            actual,
            severity: sev,
            diff: None,
            image: None,
        }
    }

    #[test]
    fn each_kind_in_plain_words() {
        use crate::check::Severity::*;
        let at = "2026-11-03T14:20:00Z";
        let ja = words("ja");
        let en = words("en");
        let p = mm(
            "family.parent",
            json!("B0XXXX0001"),
            json!("B0YYYY0002"),
            Critical,
        );
        assert_eq!(
            mismatch_sentence(&p, None, at, ja).unwrap(),
            "親ASINが B0XXXX0001 から B0YYYY0002 に変わりました"
        );
        let a = mm("family.parent", Value::Null, json!("B0YYYY0002"), Critical);
        assert!(mismatch_sentence(&a, None, at, en)
            .unwrap()
            .contains("attached as a child of the parent ASIN B0YYYY0002"));
        let joined = mm(
            "family.members",
            json!([]),
            json!([
                {"asin": "B0AAAAAAA1", "dimensions": {"color_name": "Red"}},
                {"asin": "B0AAAAAAA2", "dimensions": {"color_name": "Blue", "size_name": "M"}},
                {"asin": "B0AAAAAAA3", "dimensions": {}}
            ]),
            Warning,
        );
        assert_eq!(
            mismatch_sentence(&joined, None, at, en).unwrap(),
            "3 ASINs you did not create joined this variation family: B0AAAAAAA1 (colour: Red), \
             B0AAAAAAA2 (colour: Blue, size: M), B0AAAAAAA3"
        );
        assert!(mismatch_sentence(&joined, None, at, ja)
            .unwrap()
            .starts_with("登録していない3件のASINがこのバリエーションに追加されました: B0AAAAAAA1（カラー: Red）"));
        let seller = mm(
            "seller",
            json!({"id": "A1", "name": "Mine"}),
            json!({"id": "A2", "name": "Other Shop"}),
            Warning,
        );
        assert_eq!(
            mismatch_sentence(&seller, None, at, en).unwrap(),
            "The Buy Box is held by Other Shop (merchant ID: A2) since 2026-11-03 14:20 UTC"
        );
        let info = mm("seller", json!({"name": "Mine"}), Value::Null, Info);
        assert_eq!(mismatch_sentence(&info, None, at, en), None);
        let av = mm(
            "availability",
            json!("in_stock"),
            json!("unavailable"),
            Warning,
        );
        assert!(mismatch_sentence(&av, None, at, ja)
            .unwrap()
            .contains("現在在庫切れです"));
        let title = mm("title", json!("a"), json!("b"), Critical);
        assert_eq!(mismatch_sentence(&title, None, at, en), None);
    }

    #[test]
    fn gone_in_words() {
        let mut g = Gone::new(GoneReason::Redirected, Some("B0OTHER001".into()));
        g.first_seen = Some("2026-11-03T14:20:00Z".into());
        g.last_seen = Some("2026-11-02T10:00:00Z".into());
        let en = gone_sentences(&g, "2026-11-03T14:20:00Z", words("en"));
        assert_eq!(
            en[0],
            "The detail page of this ASIN no longer exists: its URL gives the page of another \
             ASIN, B0OTHER001. First seen 2026-11-03 14:20 UTC."
        );
        assert!(en[1].contains("may be a temporary glitch"), "{}", en[1]);
        assert!(en[1].contains("2026-11-02 10:00 UTC"), "{}", en[1]);
        g.confirmed = true;
        let ja = gone_sentences(&g, "x", words("ja"));
        assert!(ja[1].contains("削除されたものと考えられます"), "{}", ja[1]);
    }
}
