//! Refining an image-ID mismatch in a report with what the pictures show.

use super::{Colour, Comparison, Verdict};
use crate::check::{Report, Severity};
use serde::{Deserialize, Serialize};

/// The content verdict on an image mismatch: a [`Verdict`], or `unknown` when the page's image
/// could not be fetched or decoded (the ID-based mismatch stands as it was).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentVerdict {
    /// Same picture, new upload.
    Same,
    /// The product's colour changed.
    Recoloured,
    /// Another picture.
    Different,
    /// Not compared (fetch or decode failed, no saved signature).
    Unknown,
}

impl From<Verdict> for ContentVerdict {
    fn from(v: Verdict) -> Self {
        match v {
            Verdict::Same => ContentVerdict::Same,
            Verdict::Recoloured => ContentVerdict::Recoloured,
            Verdict::Different => ContentVerdict::Different,
        }
    }
}

/// Both images' dominant colours on a refined mismatch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MismatchColours {
    /// The saved image's colours, largest first.
    pub saved: Vec<Colour>,
    /// The page image's colours, largest first.
    pub page: Vec<Colour>,
    /// Structure distance ([`Comparison::distance`]).
    pub distance: f64,
}

/// What an image mismatch carries once compared by content (flattened into the mismatch:
/// `verdict`, `colours`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageContent {
    /// The verdict.
    pub verdict: ContentVerdict,
    /// Both images' dominant colours (absent for `unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colours: Option<MismatchColours>,
}

/// Sets the content verdict on the report's mismatch of `field` (`images.main` or
/// `images.gallery`): `same` makes it `info` (same picture, new upload); `recoloured` and
/// `different` keep its severity; `None` (fetch or decode failed) records `unknown` and keeps
/// everything else. Returns whether the report has such a mismatch. Mismatches stay ordered
/// most severe first.
pub fn refine(report: &mut Report, field: &str, comparison: Option<&Comparison>) -> bool {
    let Some(m) = report.mismatches.iter_mut().find(|m| m.field == field) else {
        return false;
    };
    m.image = Some(match comparison {
        Some(c) => {
            if c.verdict == Verdict::Same {
                m.severity = Severity::Info;
            }
            ImageContent {
                verdict: c.verdict.into(),
                colours: Some(MismatchColours {
                    saved: c.saved.colours.clone(),
                    page: c.page.colours.clone(),
                    distance: c.distance,
                }),
            }
        }
        None => ImageContent {
            verdict: ContentVerdict::Unknown,
            colours: None,
        },
    });
    // Critical sorts first (stable: the order within a severity stays).
    report.mismatches.sort_by_key(|m| m.severity);
    true
}
