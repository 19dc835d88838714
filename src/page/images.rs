//! Amazon image URLs → image IDs, and the image data Amazon embeds in pages
//! (`data-a-dynamic-image` JSON, the ImageBlockATF `colorImages` script).

use memchr::memmem;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Longest image ID accepted (real ones are 11 characters; a few legacy ones longer).
const MAX_ID_LEN: usize = 64;
/// At most this many gallery images are kept from one page.
pub(crate) const MAX_IMAGES: usize = 200;
/// At most this many `'colorImages'` occurrences are looked at.
const MAX_COLOR_IMAGES_HITS: usize = 64;
/// The `colorImages` array is parsed only if it fits in this many bytes.
const MAX_COLOR_IMAGES_JSON: usize = 4 << 20;

/// `https://m.media-amazon.com/images/I/81lde%2B541vL._AC_SL1500_.jpg` → `81lde+541vL`.
///
/// The ID is the last path segment of an `/images/I/` (or legacy `/images/P/`) URL,
/// URL-decoded, with every size/format modifier (`._AC_SL1500_`, `._SX38_SY50_CR,0,0,38,50_`)
/// and the file extension removed. Returns `None` for anything that is not an Amazon
/// product image URL (sprites under `/images/G/`, data URLs, empty strings).
///
/// ```
/// use catalog_guard::page::images::image_id;
/// assert_eq!(
///     image_id("https://m.media-amazon.com/images/I/81lde%2B541vL._AC_SL1500_.jpg").as_deref(),
///     Some("81lde+541vL")
/// );
/// ```
pub fn image_id(url: &str) -> Option<String> {
    let url = url.trim();
    let path = url.split(['?', '#']).next()?;
    let pos = path
        .rfind("/images/I/")
        .map(|p| p + "/images/I/".len())
        .or_else(|| path.rfind("/images/P/").map(|p| p + "/images/P/".len()))?;
    let last = &path[pos..];
    // IDs never contain '/', so the ID is the whole remaining segment.
    if last.contains('/') {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(last)
        .decode_utf8()
        .ok()?;
    // The ID ends at the first '.': modifiers and the extension follow it.
    let id = decoded.split('.').next()?.trim();
    if id.is_empty() || id.len() > MAX_ID_LEN || id.chars().any(|c| c.is_whitespace()) {
        return None;
    }
    Some(id.to_string())
}

/// A thumbnail URL for an image ID, on Amazon's image host.
pub fn image_url(id: &str) -> String {
    format!("https://m.media-amazon.com/images/I/{id}._SL160_.jpg")
}

/// The URL with the largest area in a `data-a-dynamic-image` value
/// (`{"url": [width, height], ...}`, entities already decoded). Ties keep the first.
pub(crate) fn largest_dynamic_image(json: &str) -> Option<String> {
    let map: BTreeMap<String, serde_json::Value> = serde_json::from_str(json).ok()?;
    // BTreeMap loses source order; re-find the order-independent maximum with a
    // deterministic tie-break (smaller URL wins) so results never depend on hashing.
    let mut best: Option<(u64, &str)> = None;
    for (url, dims) in &map {
        let area = dims
            .as_array()
            .and_then(|a| Some(a.first()?.as_u64()? * a.get(1)?.as_u64()?))
            .unwrap_or(0);
        if best.map_or(true, |(b, _)| area > b) {
            best = Some((area, url));
        }
    }
    best.map(|(_, u)| u.to_string())
}

/// One `colorImages` entry. Strings are borrowed from the page where they have no
/// escapes (always, in practice), so parsing allocates almost nothing.
#[derive(Deserialize)]
struct ColorImage<'a> {
    #[serde(rename = "hiRes", borrow)]
    hi_res: Option<Cow<'a, str>>,
    /// The largest URL of `main` (`{url: [w, h], ...}`), read without building a map.
    #[serde(default, borrow, deserialize_with = "largest_of_map")]
    main: Option<Cow<'a, str>>,
    #[serde(borrow)]
    large: Option<Cow<'a, str>>,
}

/// A string borrowed from the input when it has no escapes.
#[derive(Deserialize)]
struct Str<'a>(#[serde(borrow)] Cow<'a, str>);

fn largest_of_map<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Cow<'de, str>>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Option<Cow<'de, str>>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a map of image URLs to [width, height]")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut m: A,
        ) -> Result<Self::Value, A::Error> {
            let mut best: Option<(u64, Cow<'de, str>)> = None;
            while let Some(Str(url)) = m.next_key::<Str<'de>>()? {
                let dims: serde_json::Value = m.next_value()?;
                let area = dims
                    .as_array()
                    .and_then(|a| Some(a.first()?.as_u64()? * a.get(1)?.as_u64()?))
                    .unwrap_or(0);
                // Largest area wins; ties keep the first in page order.
                if best.as_ref().map_or(true, |(b, _)| area > *b) {
                    best = Some((area, url));
                }
            }
            Ok(best.map(|(_, u)| u))
        }
    }
    d.deserialize_any(V)
}

/// The image IDs of the ImageBlockATF script's `'colorImages': { 'initial': [...] }`
/// array, in order: each entry's `hiRes`, else its largest `main` URL, else `large`.
/// `None` when the page has no such script (books, old layouts, emptied scripts).
///
/// Found with one `memmem` pass instead of running a text handler over every script
/// of the page; the match must sit inside a `<script>` element.
pub(crate) fn color_images_initial(html: &str) -> Option<Vec<String>> {
    let bytes = html.as_bytes();
    let mut from = 0;
    let finder = memmem::Finder::new(b"'colorImages'");
    // Each hit looks back for its `<script` (up to 1 MB): a page of thousands of
    // `'colorImages'` outside scripts must not cost thousands of such looks.
    let mut hits = 0;
    while let Some(rel) = finder.find(&bytes[from..]) {
        hits += 1;
        if hits > MAX_COLOR_IMAGES_HITS {
            return None;
        }
        let at = from + rel;
        from = at + 1;
        if !inside_script(bytes, at) {
            continue;
        }
        let rest = &html[at + "'colorImages'".len()..];
        let rest = rest.trim_start().strip_prefix(':')?.trim_start();
        let rest = rest.strip_prefix('{')?.trim_start();
        let rest = rest
            .strip_prefix("'initial'")
            .or_else(|| rest.strip_prefix("\"initial\""))?;
        let rest = rest.trim_start().strip_prefix(':')?.trim_start();
        if !rest.starts_with('[') {
            return None;
        }
        let end = rest.len().min(MAX_COLOR_IMAGES_JSON);
        let mut end = end;
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let mut de = serde_json::Deserializer::from_str(&rest[..end]);
        let entries: Vec<ColorImage> = Deserialize::deserialize(&mut de).ok()?;
        let ids = entries
            .iter()
            .filter_map(|e| {
                let url = e
                    .hi_res
                    .as_deref()
                    .filter(|u| !u.is_empty())
                    .or(e.main.as_deref())
                    .or(e.large.as_deref())?;
                image_id(url)
            })
            .take(MAX_IMAGES)
            .collect();
        return Some(ids);
    }
    None
}

/// True when byte offset `at` lies inside a `<script>` element: the nearest
/// `<script` before it comes after the nearest `</script` before it.
fn inside_script(bytes: &[u8], at: usize) -> bool {
    // Scripts holding colorImages are small compared with pages; look back at most 1 MB.
    let start = at.saturating_sub(1 << 20);
    let window = &bytes[start..at];
    let open = memmem::rfind(window, b"<script");
    let close = memmem::rfind(window, b"</script");
    match (open, close) {
        (Some(o), Some(c)) => o > c,
        (Some(_), None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoded_plus_is_decoded() {
        assert_eq!(
            image_id("https://images-na.ssl-images-amazon.com/images/I/81lde%2B541vL._SL1500_.jpg")
                .as_deref(),
            Some("81lde+541vL")
        );
    }

    #[test]
    fn literal_plus_is_kept() {
        assert_eq!(
            image_id("https://m.media-amazon.com/images/I/71f+v1DN40L._AC_SX342_.jpg").as_deref(),
            Some("71f+v1DN40L")
        );
    }

    #[test]
    fn ac_size_modifier_is_stripped() {
        assert_eq!(
            image_id("https://m.media-amazon.com/images/I/91WVWYPWe5L._AC_SL1500_.jpg").as_deref(),
            Some("91WVWYPWe5L")
        );
    }

    #[test]
    fn crop_modifier_with_commas_is_stripped() {
        assert_eq!(
            image_id(
                "https://m.media-amazon.com/images/I/41JiWJde9KL._SX38_SY50_CR,0,0,38,50_.jpg"
            )
            .as_deref(),
            Some("41JiWJde9KL")
        );
        assert_eq!(
            image_id(
                "https://m.media-amazon.com/images/I/91WVWYPWe5L._AC_SY355_PIbundle-2,TopRight,0,0_SH20_.jpg"
            )
            .as_deref(),
            Some("91WVWYPWe5L")
        );
    }

    #[test]
    fn old_ec2_host_and_double_modifiers() {
        assert_eq!(
            image_id("http://ec2.images-amazon.com/images/I/5158lPVJpFL._SL500_AA240_.jpg")
                .as_deref(),
            Some("5158lPVJpFL")
        );
        assert_eq!(
            image_id("https://images-na.ssl-images-amazon.com/images/I/91WVWYPWe5L.__AC_SX300_SY300_QL70_ML2_.jpg")
                .as_deref(),
            Some("91WVWYPWe5L")
        );
    }

    #[test]
    fn no_modifier_urls() {
        assert_eq!(
            image_id("https://images-na.ssl-images-amazon.com/images/I/519trKzgiKL.jpg").as_deref(),
            Some("519trKzgiKL")
        );
        assert_eq!(
            image_id("https://m.media-amazon.com/images/I/519trKzgiKL").as_deref(),
            Some("519trKzgiKL")
        );
        assert_eq!(
            image_id("./amazon_jp_files/61gtkPQtgrL._AC_SL1000_.jpg"),
            None,
            "a saved-page local path is not an Amazon image URL"
        );
    }

    #[test]
    fn not_product_images() {
        assert_eq!(image_id(""), None);
        assert_eq!(
            image_id("https://images-na.ssl-images-amazon.com/images/G/01/error/logo._TTD_.png"),
            None
        );
        assert_eq!(image_id("data:image/gif;base64,R0lGODlh"), None);
        assert_eq!(image_id("https://m.media-amazon.com/images/I/"), None);
    }

    #[test]
    fn query_strings_are_ignored() {
        assert_eq!(
            image_id("https://m.media-amazon.com/images/I/61jhnQx1rFL._SL1080_.jpg?x=1").as_deref(),
            Some("61jhnQx1rFL")
        );
    }

    #[test]
    fn image_url_round_trips() {
        assert_eq!(
            image_id(&image_url("81lde+541vL")).as_deref(),
            Some("81lde+541vL")
        );
    }

    #[test]
    fn largest_dynamic_image_by_area() {
        let json = r#"{"https://x/images/I/A._SY346_.jpg":[227,346],"https://x/images/I/B.jpg":[328,500]}"#;
        assert_eq!(
            largest_dynamic_image(json).as_deref(),
            Some("https://x/images/I/B.jpg")
        );
        assert_eq!(largest_dynamic_image("not json"), None);
        assert_eq!(largest_dynamic_image("{}"), None);
    }

    #[test]
    fn color_images_from_script() {
        let html = r#"<script>var data = {
            'colorImages': { 'initial': [{"hiRes":"https://m.media-amazon.com/images/I/AAA._SL1500_.jpg","main":{}},
            {"hiRes":null,"main":{"https://m.media-amazon.com/images/I/BBB._SX1_.jpg":[1,1],"https://m.media-amazon.com/images/I/CCC._SX9_.jpg":[9,9]}}]},
            'x': 1};</script>"#;
        assert_eq!(
            color_images_initial(html),
            Some(vec!["AAA".to_string(), "CCC".to_string()])
        );
        assert_eq!(
            color_images_initial("<p>'colorImages': { 'initial': []}</p>"),
            None
        );
        assert_eq!(
            color_images_initial("<script>'colorImages': { 'initial': [{"),
            None
        );
    }
}
