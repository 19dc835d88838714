//! The content verdict of an image mismatch in words, for the notification and the Seller
//! Support texts (templates in `_locales`, read through [`crate::watch::templates`]).

use super::{Colour, ContentVerdict};
use crate::check::Mismatch;
use crate::watch::templates::{fill, Words};

/// "Colour changed: black → red" / 「色が変わりました: 黒 → 赤」 and the like, for an image
/// mismatch that carries a content verdict; `None` for any other mismatch.
pub fn verdict_sentence(m: &Mismatch, w: &Words) -> Option<String> {
    if !m.field.starts_with("images.") {
        return None;
    }
    let content = m.image.as_ref()?;
    Some(match content.verdict {
        ContentVerdict::Same => w.img_same.to_string(),
        ContentVerdict::Recoloured => {
            let name = |cs: Option<&Vec<Colour>>| {
                cs.and_then(|cs| cs.first())
                    .map(|c| {
                        if w.lang == "ja" {
                            &c.name_ja
                        } else {
                            &c.name_en
                        }
                    })
                    .filter(|n| !n.is_empty())
                    .map_or(w.unknown.to_string(), Clone::clone)
            };
            let colours = content.colours.as_ref();
            fill(
                w.img_recoloured,
                &[
                    ("from", &name(colours.map(|c| &c.saved))),
                    ("to", &name(colours.map(|c| &c.page))),
                ],
            )
        }
        ContentVerdict::Different => w.img_different.to_string(),
        ContentVerdict::Unknown => w.img_unknown.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Report, Severity};
    use crate::imagesig::{compare, refine, signature};
    use crate::watch::templates::words;

    fn square(rgb: [u8; 3]) -> crate::imagesig::Signature {
        let mut v = Vec::new();
        for y in 0..64 {
            for x in 0..64 {
                let c = if (16..48).contains(&x) && (8..56).contains(&y) {
                    rgb
                } else {
                    [255, 255, 255]
                };
                v.extend_from_slice(&[c[0], c[1], c[2], 255]);
            }
        }
        signature(64, 64, &v).unwrap()
    }

    fn report() -> Report {
        serde_json::from_value(serde_json::json!({
            "status": "mismatch", "asin": "B0TEST0001", "marketplace": "amazon.co.jp",
            "checked_at": "2026-12-01T00:00:00Z",
            "mismatches": [
                {"field": "title", "expected": "a", "actual": "b", "severity": "critical"},
                {"field": "images.main", "expected": "61OldMainL", "actual": "71NewMainL", "severity": "critical"}
            ],
            "page": {"kind": "product", "marketplace": "amazon.co.jp", "asin": "B0TEST0001",
                     "title": "b", "brand": null, "images": ["71NewMainL"], "variations": {},
                     "breadcrumb": [], "bullets": [], "description": null, "seller": null,
                     "offer_count": null}
        }))
        .expect("report")
    }

    #[test]
    fn recoloured_says_from_and_to_in_both_languages() {
        let c = compare(&square([15, 15, 15]), &square([200, 20, 30])).unwrap();
        let mut r = report();
        assert!(refine(&mut r, "images.main", Some(&c)));
        let m = r
            .mismatches
            .iter()
            .find(|m| m.field == "images.main")
            .unwrap();
        assert_eq!(m.severity, Severity::Critical);
        assert_eq!(
            verdict_sentence(m, words("en")).as_deref(),
            Some("Colour changed: black → red")
        );
        assert_eq!(
            verdict_sentence(m, words("ja")).as_deref(),
            Some("色が変わりました: 黒 → 赤")
        );
        // The JSON form carries `verdict` and `colours` on the mismatch itself.
        let v = serde_json::to_value(m).unwrap();
        assert_eq!(v["verdict"], "recoloured");
        assert_eq!(v["colours"]["saved"][0]["name_en"], "black");
        assert_eq!(v["colours"]["page"][0]["name_ja"], "赤");
        let back: Mismatch = serde_json::from_value(v).unwrap();
        assert_eq!(&back, m);
    }

    #[test]
    fn same_becomes_info_and_unknown_keeps_everything() {
        let s = square([15, 15, 15]);
        let c = compare(&s, &s).unwrap();
        let mut r = report();
        refine(&mut r, "images.main", Some(&c));
        let m = r.mismatches.last().unwrap();
        assert_eq!(
            (m.field.as_str(), m.severity),
            ("images.main", Severity::Info)
        );
        assert!(verdict_sentence(m, words("en"))
            .unwrap()
            .contains("same picture"));

        let mut r = report();
        let before = r.clone();
        refine(&mut r, "images.main", None);
        let m = &r.mismatches[1];
        assert_eq!(m.severity, Severity::Critical);
        assert_eq!(m.image.as_ref().unwrap().verdict, ContentVerdict::Unknown);
        assert_eq!(
            (&m.expected, &m.actual),
            (&before.mismatches[1].expected, &before.mismatches[1].actual)
        );
        assert!(!refine(&mut r, "images.gallery", None));
        // A mismatch without a verdict has no sentence from here.
        assert_eq!(verdict_sentence(&before.mismatches[1], words("en")), None);
    }

    #[test]
    fn the_notification_says_colour_changed_and_a_reupload_does_not_notify() {
        use crate::watch::notify::NotifyState;
        let mut r = report();
        r.mismatches.retain(|m| m.field == "images.main");
        let mut recoloured = r.clone();
        let c = compare(&square([15, 15, 15]), &square([200, 20, 30])).unwrap();
        refine(&mut recoloured, "images.main", Some(&c));
        for (lang, words) in [
            ("en", "Colour changed: black → red"),
            ("ja", "色が変わりました: 黒 → 赤"),
        ] {
            let n = NotifyState::default()
                .should_notify(&recoloured, Some("Tumbler"), lang)
                .expect("a recolouring notifies");
            assert!(n.body.contains(words), "{lang}: {}", n.body);
        }
        let s = square([15, 15, 15]);
        let mut same = r.clone();
        refine(&mut same, "images.main", Some(&compare(&s, &s).unwrap()));
        assert_eq!(
            NotifyState::default().should_notify(&same, None, "en"),
            None
        );
    }
}
