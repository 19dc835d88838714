//! The variation family: the parent ASIN and every member with its dimension values.
//!
//! Where it comes from, in order:
//! 1. The twister's inline data script (`twister-js-init-dpx-data`, every fixture page
//!    with a twister from 2017 to 2026). It holds `"parentAsin"`, `"dimensions"` (the
//!    dimension keys, e.g. `["size_name", "color_name"]`) and one of:
//!    * `"dimensionValuesDisplayData"`: `{ASIN: [value per dimension]}`, the values as the
//!      page displays them (every fixture page has it);
//!    * `"asinToDimensionIndexMap"`: `{ASIN: [index per dimension]}` into
//!      `"dimensionValuesData"` (`[[values of dimension 0], …]`) or `"variationValues"`
//!      (`{dimension: [values]}`);
//!    * `"dimensionToAsinMap"`: `{"i_j": ASIN}` (or `{"i": ASIN}` for one dimension), the same
//!      indexes the other way round.
//!
//!    The script is not JSON as a whole (trailing commas, functions), so each key is found
//!    with `memmem` and only its value is parsed, with serde_json, borrowing the page's
//!    strings. Other scripts repeat some keys with empty values (`"dimensionValuesDisplayData":{}`
//!    in the mason init data): an empty value is skipped, the search goes on.
//! 2. When the page has no such script at all (a page saved with its scripts emptied),
//!    the swatches of a one-dimension twister: the 2018–2022 `li[data-defaultasin]` /
//!    `li[data-dp-url]` swatches (`id="color_name_3"`, the parent in `ref=twister_PARENT`),
//!    and the 2024+ inline twister's `li[data-asin]` inside `#inline-twister-row-<dim>`.
//!    A twister of several dimensions only shows the combinations next to the selected
//!    one, so its swatches are not the whole family and give no family.
//!
//! A twister script whose data does not parse (truncated or malformed) gives no family:
//! half a family would report siblings "removed" that are still there.
//!
//! The values are kept as the page's scripts hold them, whitespace collapsed, like
//! [`super::ProductPage::variations`] (the amazon.de pages' double-encoded
//! `Wei&#xc3;&#x9f; + Schwarz` stays so in both).

use super::text::collapse_ws;
use super::{Family, FamilyMember};
use memchr::memmem;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// At most this many members are kept (sorted by ASIN, the page's own ASIN always kept);
/// a longer family is marked [`Family::truncated`]. Amazon families with more children
/// exist but are rare; 2,000 members keep a listing, its history and the report readable,
/// and bound the work per page.
pub const MAX_FAMILY_MEMBERS: usize = 2_000;
/// A twister value is parsed only within this many bytes after its key (a 5,000-member
/// family's display data is about 250 KB).
const MAX_TWISTER_JSON: usize = 4 << 20;
/// At most this many dimensions per member.
const MAX_DIMENSIONS: usize = 8;
/// How far back from a key the enclosing `<script` is looked for.
const MAX_SCRIPT_LOOKBACK: usize = 4 << 20;
/// At most this many twister keys are looked at (a real page has three in its data script
/// and a few empty ones elsewhere); each costs a look back for its `<script`.
const MAX_KEY_HITS: usize = 64;
/// At most this many swatches are read in the fallback.
const MAX_SWATCHES: usize = 500;

/// Keys of the twister data, found by one `memmem` pass for their common part.
const KEY_DISPLAY: &str = "\"dimensionValuesDisplayData\"";
const KEY_ASIN_TO_INDEX: &str = "\"asinToDimensionIndexMap\"";
const KEY_DIM_TO_ASIN: &str = "\"dimensionToAsinMap\"";
const KEY_DIMENSIONS: &str = "\"dimensions\"";
const KEY_VALUES_DATA: &str = "\"dimensionValuesData\"";
const KEY_VARIATION_VALUES: &str = "\"variationValues\"";
const KEY_PARENT: &str = "\"parentAsin\"";
const KEY_PARENT_SNAKE: &str = "\"parent_asin\"";
const KEY_CURRENT: &str = "\"currentAsin\"";

/// What the twister script said.
enum Twister {
    /// No twister data in the page.
    Absent,
    /// Twister data that does not parse.
    Malformed,
    /// The family.
    Found(Family),
}

/// The family of a product page whose own ASIN is `own_asin`; `None` without a twister,
/// or when the twister's data is malformed. `has_selection`: the page showed a selected
/// twister value (only then are swatches looked at, when the script is missing).
pub(crate) fn read_family(html: &str, own_asin: &str, has_selection: bool) -> Option<Family> {
    match from_script(html, own_asin) {
        Twister::Found(f) => Some(f),
        Twister::Malformed => None,
        Twister::Absent if has_selection => from_swatches(html, own_asin),
        Twister::Absent => None,
    }
}

/// The value after `"key"` + optional spaces + `:` + optional spaces, as a str slice
/// (capped at [`MAX_TWISTER_JSON`]).
fn value_after(html: &str, key_end: usize) -> Option<&str> {
    let rest = html.get(key_end..)?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let mut end = rest.len().min(MAX_TWISTER_JSON);
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    Some(&rest[..end])
}

/// Parses one JSON value at the start of `s` (trailing text ignored).
fn parse_prefix<'a, T: Deserialize<'a>>(s: &'a str) -> Option<T> {
    let mut de = serde_json::Deserializer::from_str(s);
    T::deserialize(&mut de).ok()
}

/// The `<script>` element around byte `at`: `(start, end)` of its text, or `None` when
/// `at` is not inside one.
fn script_bounds(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let from = at.saturating_sub(MAX_SCRIPT_LOOKBACK);
    let window = &bytes[from..at];
    let open = memmem::rfind(window, b"<script")?;
    if memmem::rfind(window, b"</script").is_some_and(|c| c > open) {
        return None;
    }
    let start = from + open;
    let end = memmem::find(&bytes[at..], b"</script").map_or(bytes.len(), |e| at + e);
    Some((start, end))
}

/// First occurrence of `key` in `html[range]`, as the offset just after the key.
fn find_key(html: &str, range: (usize, usize), key: &str) -> Option<usize> {
    let hay = html.as_bytes().get(range.0..range.1)?;
    memmem::find(hay, key.as_bytes()).map(|p| range.0 + p + key.len())
}

/// A JSON map read in page order as `(key, value)` pairs, strings borrowed.
struct Pairs<'a, V>(Vec<(Cow<'a, str>, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Pairs<'de, V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PV<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for PV<V> {
            type Value = Pairs<'de, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = m.next_key::<Str<'de>>()? {
                    out.push((k.0, m.next_value::<V>()?));
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(PV(std::marker::PhantomData))
    }
}

/// A string borrowed from the page when it has no escapes.
#[derive(Deserialize)]
struct Str<'a>(#[serde(borrow)] Cow<'a, str>);

/// A list of strings, borrowed where possible.
struct Strs<'a>(Vec<Cow<'a, str>>);

impl<'de> Deserialize<'de> for Strs<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SV;
        impl<'de> Visitor<'de> for SV {
            type Value = Strs<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = s.next_element::<Str<'de>>()? {
                    out.push(v.0);
                }
                Ok(Strs(out))
            }
        }
        d.deserialize_seq(SV)
    }
}

fn valid_asin(v: &str) -> Option<String> {
    let v = v.trim();
    (v.len() == 10 && v.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| v.to_ascii_uppercase())
}

/// Reads a string value after `key` in `range` (`"parentAsin" : "B0…"`).
fn string_in(html: &str, range: (usize, usize), key: &str) -> Option<String> {
    let at = find_key(html, range, key)?;
    let v: Str = parse_prefix(value_after(html, at)?)?;
    valid_asin(&v.0)
}

/// Every occurrence of the three member maps, inside scripts, in page order.
fn twister_keys(html: &str) -> impl Iterator<Item = (usize, &'static str)> + '_ {
    // One pass for the part the three keys share ("imension" / "Dimension" differ in
    // case, so the common part is "imension"), then a look at the bytes around each hit.
    let bytes = html.as_bytes();
    memmem::find_iter(bytes, b"imension").filter_map(move |hit| {
        [KEY_DISPLAY, KEY_ASIN_TO_INDEX, KEY_DIM_TO_ASIN]
            .into_iter()
            .find_map(|key| {
                let off = key.find("imension")?;
                let start = hit.checked_sub(off)?;
                (bytes.get(start..start + key.len()) == Some(key.as_bytes()))
                    .then_some((start + key.len(), key))
            })
    })
}

fn from_script(html: &str, own_asin: &str) -> Twister {
    let bytes = html.as_bytes();
    let mut skip_until = 0;
    for (key_end, _key) in twister_keys(html).take(MAX_KEY_HITS) {
        if key_end < skip_until {
            continue;
        }
        let Some(script) = script_bounds(bytes, key_end) else {
            continue;
        };
        match family_in_script(html, script, own_asin) {
            ScriptFamily::Found(f) => return Twister::Found(f),
            ScriptFamily::Malformed => return Twister::Malformed,
            // Empty maps (the mason init data): look further on.
            ScriptFamily::Empty => skip_until = script.1,
        }
    }
    Twister::Absent
}

enum ScriptFamily {
    Found(Family),
    Empty,
    Malformed,
}

/// The members of the twister data in one script: `(ASIN, values by dimension)`.
type Rows = Vec<(String, Vec<String>)>;

fn family_in_script(html: &str, script: (usize, usize), own_asin: &str) -> ScriptFamily {
    // The dimension keys.
    let dims: Option<Vec<String>> = match find_key(html, script, KEY_DIMENSIONS) {
        Some(at) => match value_after(html, at).and_then(parse_prefix::<Strs>) {
            Some(d) => Some(d.0.iter().map(|s| collapse_ws(s)).collect()),
            None => return ScriptFamily::Malformed,
        },
        None => None,
    };
    let rows = match rows_from_display(html, script) {
        Err(()) => return ScriptFamily::Malformed,
        Ok(Some(r)) => Some(r),
        Ok(None) => match rows_from_indexes(html, script, dims.as_deref()) {
            Err(()) => return ScriptFamily::Malformed,
            Ok(r) => r,
        },
    };
    let Some(rows) = rows else {
        return ScriptFamily::Empty;
    };
    let Some(dims) = dims.filter(|d| !d.is_empty() && d.len() <= MAX_DIMENSIONS) else {
        return ScriptFamily::Malformed;
    };
    let parent =
        string_in(html, script, KEY_PARENT).or_else(|| string_in(html, script, KEY_PARENT_SNAKE));
    let mut members: Vec<FamilyMember> = Vec::with_capacity(rows.len());
    for (asin, values) in rows {
        let Some(asin) = valid_asin(&asin) else {
            return ScriptFamily::Malformed;
        };
        if values.len() != dims.len() {
            return ScriptFamily::Malformed;
        }
        let dimensions: BTreeMap<String, String> = dims
            .iter()
            .cloned()
            .zip(values)
            .filter(|(_, v)| !v.is_empty())
            .collect();
        members.push(FamilyMember { asin, dimensions });
    }
    // Twister data about another ASIN (`currentAsin`) is not this page's family.
    if string_in(html, script, KEY_CURRENT).is_some_and(|c| c != own_asin) {
        return ScriptFamily::Empty;
    }
    // The page's own ASIN belongs to its family even where the data left it out.
    if !members.iter().any(|m| m.asin == own_asin) {
        members.push(FamilyMember {
            asin: own_asin.to_string(),
            dimensions: BTreeMap::new(),
        });
    }
    ScriptFamily::Found(finish(parent, members, own_asin))
}

/// Sorts by ASIN, drops repeats, caps at [`MAX_FAMILY_MEMBERS`] (keeping `own_asin`).
fn finish(parent: Option<String>, mut members: Vec<FamilyMember>, own_asin: &str) -> Family {
    members.sort_by(|a, b| a.asin.cmp(&b.asin));
    members.dedup_by(|b, a| a.asin == b.asin);
    let truncated = members.len() > MAX_FAMILY_MEMBERS;
    if truncated {
        let own = members.iter().position(|m| m.asin == own_asin);
        let own = own
            .filter(|&i| i >= MAX_FAMILY_MEMBERS)
            .map(|i| members.swap_remove(i));
        members.truncate(MAX_FAMILY_MEMBERS - usize::from(own.is_some()));
        if let Some(own) = own {
            members.push(own);
        }
    }
    Family {
        parent,
        members,
        truncated,
    }
}

/// `"dimensionValuesDisplayData": {ASIN: [values]}`. `Ok(None)`: absent or empty here.
fn rows_from_display(html: &str, script: (usize, usize)) -> Result<Option<Rows>, ()> {
    let Some(at) = find_key(html, script, KEY_DISPLAY) else {
        return Ok(None);
    };
    let map: Pairs<Strs> = value_after(html, at).and_then(parse_prefix).ok_or(())?;
    if map.0.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        map.0
            .into_iter()
            .map(|(asin, vals)| {
                (
                    asin.into_owned(),
                    vals.0.iter().map(|v| collapse_ws(v)).collect(),
                )
            })
            .collect(),
    ))
}

/// The values of each dimension: `"dimensionValuesData": [[…], …]`, else
/// `"variationValues": {dimension: […]}` in the order of `dims`.
fn dimension_values(
    html: &str,
    script: (usize, usize),
    dims: &[String],
) -> Result<Option<Vec<Vec<String>>>, ()> {
    if let Some(at) = find_key(html, script, KEY_VALUES_DATA) {
        let v: Vec<Strs> = value_after(html, at).and_then(parse_prefix).ok_or(())?;
        if !v.is_empty() {
            return Ok(Some(
                v.into_iter()
                    .map(|s| s.0.iter().map(|x| collapse_ws(x)).collect())
                    .collect(),
            ));
        }
    }
    if let Some(at) = find_key(html, script, KEY_VARIATION_VALUES) {
        let map: Pairs<Strs> = value_after(html, at).and_then(parse_prefix).ok_or(())?;
        let by_dim: Option<Vec<Vec<String>>> = dims
            .iter()
            .map(|d| {
                map.0
                    .iter()
                    .find(|(k, _)| k == d)
                    .map(|(_, v)| v.0.iter().map(|x| collapse_ws(x)).collect())
            })
            .collect();
        return Ok(by_dim);
    }
    Ok(None)
}

/// Rows from `asinToDimensionIndexMap` or `dimensionToAsinMap` with the dimension values.
fn rows_from_indexes(
    html: &str,
    script: (usize, usize),
    dims: Option<&[String]>,
) -> Result<Option<Rows>, ()> {
    let mut indexed: Vec<(String, Vec<usize>)> = Vec::new();
    if let Some(at) = find_key(html, script, KEY_ASIN_TO_INDEX) {
        let map: Pairs<Vec<usize>> = value_after(html, at).and_then(parse_prefix).ok_or(())?;
        indexed = map
            .0
            .into_iter()
            .map(|(a, i)| (a.into_owned(), i))
            .collect();
    }
    if indexed.is_empty() {
        if let Some(at) = find_key(html, script, KEY_DIM_TO_ASIN) {
            let map: Pairs<Str> = value_after(html, at).and_then(parse_prefix).ok_or(())?;
            for (k, asin) in map.0 {
                let idx: Option<Vec<usize>> = k.split('_').map(|p| p.trim().parse().ok()).collect();
                indexed.push((asin.0.into_owned(), idx.ok_or(())?));
            }
        }
    }
    if indexed.is_empty() {
        return Ok(None);
    }
    let dims = dims.ok_or(())?;
    let values = dimension_values(html, script, dims)?.ok_or(())?;
    if values.len() != dims.len() {
        return Err(());
    }
    indexed
        .into_iter()
        .map(|(asin, idx)| {
            if idx.len() != dims.len() {
                return Err(());
            }
            let vals = idx
                .iter()
                .zip(&values)
                .map(|(&i, vs)| vs.get(i).cloned().ok_or(()))
                .collect::<Result<Vec<String>, ()>>()?;
            Ok((asin, vals))
        })
        .collect::<Result<Rows, ()>>()
        .map(Some)
}

// ---- Swatches (no twister script) ---------------------------------------------------

/// One swatch: its ASIN (if it names one), dimension and displayed value.
struct Swatch {
    asin: Option<String>,
    dim: String,
    value: Option<String>,
    parent: Option<String>,
}

/// The value of attribute `name` (lower-case, `=` then a quoted or bare value) in a tag.
fn tag_attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(p) = lower[from..].find(name) {
        let start = from + p;
        from = start + name.len();
        let before_ok = start == 0 || lower.as_bytes()[start - 1].is_ascii_whitespace();
        let rest = &tag[from..];
        let rest_t = rest.trim_start();
        if !before_ok {
            continue;
        }
        let Some(v) = rest_t.strip_prefix('=') else {
            // A bare attribute (`data-dp-url` with no value).
            return Some("");
        };
        let v = v.trim_start();
        for q in ['"', '\''] {
            if let Some(inner) = v.strip_prefix(q) {
                return Some(inner.split(q).next().unwrap_or(""));
            }
        }
        return Some(
            v.split(|c: char| c.is_ascii_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        );
    }
    None
}

/// The ASIN of a `/dp/ASIN/...` URL.
fn asin_of_dp_url(url: &str) -> Option<String> {
    let rest = &url[url.find("/dp/")? + 4..];
    valid_asin(rest.get(..10)?)
}

/// The parent named in a swatch URL's `ref=twister_PARENT`.
fn parent_of_dp_url(url: &str) -> Option<String> {
    let rest = &url[url.find("ref=twister_")? + "ref=twister_".len()..];
    valid_asin(rest.get(..10)?)
}

/// The text of the first `alt="…"` within `html[from..to]`.
fn alt_in(html: &str, from: usize, to: usize) -> Option<String> {
    let seg = html.get(from..to)?;
    let p = seg.find(" alt=\"")? + " alt=\"".len();
    let v = seg[p..].split('"').next()?;
    super::text::clean(v)
}

/// The swatches of the 2018–2022 twister (`li` with `data-defaultasin` / `data-dp-url`)
/// and of the 2024+ inline twister (`li[data-asin]` in `#inline-twister-row-<dim>`).
fn swatches(html: &str) -> Vec<Swatch> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    // Old swatches: `<li id="color_name_0" title="…" data-defaultAsin="…" data-dp-url="…">`.
    for hit in memmem::find_iter(bytes, b"data-dp-url") {
        if out.len() >= MAX_SWATCHES {
            break;
        }
        let Some(open) = memmem::rfind(&bytes[hit.saturating_sub(2048)..hit], b"<li") else {
            continue;
        };
        let open = hit.saturating_sub(2048) + open;
        let Some(close) = memchr::memchr(b'>', &bytes[hit..]).map(|c| hit + c) else {
            continue;
        };
        let Some(tag) = html.get(open..close) else {
            continue;
        };
        let Some(id) = tag_attr(tag, "id") else {
            continue;
        };
        let Some((dim, n)) = id.rsplit_once('_') else {
            continue;
        };
        if dim.is_empty() || n.parse::<u32>().is_err() {
            continue;
        }
        let url = tag_attr(tag, "data-dp-url").unwrap_or("");
        let asin = tag_attr(tag, "data-defaultasin")
            .and_then(valid_asin)
            .or_else(|| asin_of_dp_url(url));
        let end = memmem::find(&bytes[close..], b"</li").map_or(bytes.len(), |e| close + e);
        let value = tag_attr(tag, "title")
            .and_then(|t| t.strip_prefix("Click to select "))
            .and_then(super::text::clean)
            .or_else(|| alt_in(html, close, end.min(close + 8192)));
        out.push(Swatch {
            asin,
            dim: dim.to_string(),
            value,
            parent: parent_of_dp_url(url),
        });
    }
    if !out.is_empty() {
        return out;
    }
    // Inline twister rows: `<div id="inline-twister-row-color_name">…<li data-asin="…">`.
    let row_marker = b" id=\"inline-twister-row-";
    let rows: Vec<usize> = memmem::find_iter(bytes, row_marker).collect();
    for (i, &row) in rows.iter().enumerate() {
        let name_start = row + row_marker.len();
        let Some(name_len) = memchr::memchr(b'"', &bytes[name_start..]) else {
            continue;
        };
        let dim = &html[name_start..name_start + name_len];
        let row_end = rows.get(i + 1).copied().unwrap_or(bytes.len());
        let mut at = name_start;
        while let Some(p) = memmem::find(&bytes[at..row_end], b"<li data-asin=\"") {
            if out.len() >= MAX_SWATCHES {
                break;
            }
            let start = at + p;
            let close = memchr::memchr(b'>', &bytes[start..row_end]).map_or(row_end, |c| start + c);
            let tag = &html[start..close];
            let end = memmem::find(&bytes[close..row_end], b"</li").map_or(row_end, |e| close + e);
            out.push(Swatch {
                asin: tag_attr(tag, "data-asin").and_then(valid_asin),
                dim: dim.to_string(),
                value: alt_in(html, close, end.min(close + 16384)),
                parent: None,
            });
            at = close;
        }
    }
    out
}

/// The family from a one-dimension twister's swatches; `None` otherwise.
fn from_swatches(html: &str, own_asin: &str) -> Option<Family> {
    let sw = swatches(html);
    let first = sw.first()?;
    if sw.iter().any(|s| s.dim != first.dim) {
        return None;
    }
    let dim = first.dim.clone();
    let parent = sw.iter().find_map(|s| s.parent.clone());
    let mut members: Vec<FamilyMember> = Vec::new();
    for s in &sw {
        // The selected swatch may name no ASIN: it is the page's own.
        let asin = s.asin.clone().unwrap_or_else(|| own_asin.to_string());
        let mut dimensions = BTreeMap::new();
        if let Some(v) = &s.value {
            dimensions.insert(dim.clone(), v.clone());
        }
        members.push(FamilyMember { asin, dimensions });
    }
    if !members.iter().any(|m| m.asin == own_asin) {
        members.push(FamilyMember {
            asin: own_asin.to_string(),
            dimensions: BTreeMap::new(),
        });
    }
    Some(finish(parent, members, own_asin))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(body: &str) -> String {
        format!("<html><body><script>var dataToReturn = {{{body}}};</script></body></html>")
    }

    #[test]
    fn display_data_with_parent() {
        let html = script(
            r#""currentAsin" : "B000000001", "parentAsin" : "B00000000P",
            "dimensions" : ["size_name","color_name"],
            "dimensionValuesDisplayData" : {"B000000002":["M","Red"],"B000000001":["L", "Blue  Sky"]},"x":[1,],"#,
        );
        let f = read_family(&html, "B000000001", false).expect("family");
        assert_eq!(f.parent.as_deref(), Some("B00000000P"));
        assert_eq!(f.members.len(), 2);
        assert_eq!(f.members[0].asin, "B000000001");
        assert_eq!(f.members[0].dimensions["color_name"], "Blue Sky");
        assert_eq!(f.members[1].dimensions["size_name"], "M");
        assert!(!f.truncated);
    }

    #[test]
    fn index_maps_when_display_data_is_missing() {
        let html = script(
            r#""parentAsin":"B00000000P","dimensionToAsinMap":{"0_1":"B000000002","1_0":"B000000001"},
            "dimensionValuesData":[["S","M"],["Red","Blue"]],"dimensions":["size_name","color_name"]"#,
        );
        let f = read_family(&html, "B000000001", false).expect("family");
        assert_eq!(f.members[0].dimensions["size_name"], "M");
        assert_eq!(f.members[0].dimensions["color_name"], "Red");
        assert_eq!(f.members[1].dimensions["color_name"], "Blue");
        let html = script(
            r#""asinToDimensionIndexMap":{"B000000002":[1]},"variationValues":{"color_name":["Red","Blue"]},"dimensions":["color_name"]"#,
        );
        let f = read_family(&html, "B000000001", false).expect("family");
        assert_eq!(f.parent, None);
        assert_eq!(f.members[1].dimensions["color_name"], "Blue");
        assert!(f.members[0].dimensions.is_empty(), "own ASIN added");
    }

    #[test]
    fn malformed_or_truncated_twister_gives_none() {
        for body in [
            r#""dimensions":["color_name"],"dimensionValuesDisplayData":{"B000000002":["Red"],"B0000"#,
            r#""dimensions":["color_name"],"dimensionValuesDisplayData":{"B000000002":["Red","Blue"]}"#,
            r#""dimensions":["color_name"],"dimensionValuesDisplayData":{"NOTANASIN":["Red"]}"#,
            r#""dimensionValuesDisplayData":{"B000000002":["Red"]}"#,
            r#""dimensions":["color_name"],"dimensionToAsinMap":{"7":"B000000002"},"dimensionValuesData":[["Red"]]"#,
            r#""dimensions":["color_name"],"dimensionValuesDisplayData":{"B000000002":[1]}"#,
        ] {
            assert_eq!(
                read_family(&script(body), "B000000001", true),
                None,
                "{body}"
            );
        }
        // Cut off inside the script: no closing tag at all.
        let cut =
            "<script>\"dimensions\":[\"color_name\"],\"dimensionValuesDisplayData\":{\"B00000000";
        assert_eq!(read_family(cut, "B000000001", true), None);
    }

    #[test]
    fn another_asins_twister_is_not_this_pages_family() {
        let html = script(
            r#""currentAsin":"B000000009","dimensions":["color_name"],"dimensionValuesDisplayData":{"B000000009":["Red"]}"#,
        );
        assert_eq!(read_family(&html, "B000000001", false), None);
    }

    #[test]
    fn keys_outside_scripts_and_empty_maps_are_ignored() {
        let html = r#"<p>"dimensionValuesDisplayData":{"B000000002":["Red"]}</p>
            <script>{"dimensionValuesDisplayData":{},"dimensions":[]}</script>"#;
        assert_eq!(read_family(html, "B000000001", false), None);
    }

    #[test]
    fn many_keys_outside_scripts_are_not_each_looked_at() {
        let html = format!(
            "<script>x</script>{}<script>\"dimensions\":[\"color_name\"],\"dimensionValuesDisplayData\":{{\"B000000002\":[\"Red\"]}}</script>",
            "<p>\"dimensionToAsinMap\":{}</p>".repeat(20_000)
        );
        // Only the first keys are looked at, so the real data after them is not reached.
        assert_eq!(read_family(&html, "B000000001", false), None);
    }

    #[test]
    fn cap_keeps_own_asin() {
        let mut body = String::from(r#""dimensions":["size_name"],"dimensionValuesDisplayData":{"#);
        for i in 0..(MAX_FAMILY_MEMBERS + 10) {
            body.push_str(&format!("\"B{i:09}\":[\"{i}\"],"));
        }
        body.push_str(r#""ZZZZZZZZZZ":["own"]}"#);
        let f = read_family(&script(&body), "ZZZZZZZZZZ", false).expect("family");
        assert!(f.truncated);
        assert_eq!(f.members.len(), MAX_FAMILY_MEMBERS);
        assert_eq!(
            f.members.last().map(|m| m.asin.as_str()),
            Some("ZZZZZZZZZZ")
        );
    }

    #[test]
    fn swatches_of_one_dimension() {
        let html = r#"<ul><li id="color_name_0" title="Click to select Red" data-defaultasin="B000000002" data-dp-url="/dp/B000000002/ref=twister_B00000000P?psc=1" class="swatchAvailable"><img alt="Red"></li>
            <li id="color_name_1" title="Click to select Blue" data-defaultAsin="B000000001" data-dp-url class="swatchSelect"></li></ul>"#;
        let f = read_family(html, "B000000001", true).expect("family");
        assert_eq!(f.parent.as_deref(), Some("B00000000P"));
        assert_eq!(f.members[0].dimensions["color_name"], "Blue");
        assert_eq!(f.members[1].dimensions["color_name"], "Red");
        assert_eq!(
            read_family(html, "B000000001", false),
            None,
            "no selection shown"
        );
        let two = html.replace("color_name_1", "size_name_0");
        assert_eq!(
            read_family(&two, "B000000001", true),
            None,
            "two dimensions"
        );
    }
}
