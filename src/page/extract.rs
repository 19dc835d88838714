//! Streaming extraction of a [`ProductPage`] with lol_html, and charset decoding.
//!
//! One lol_html pass collects everything the DOM holds (selectors in
//! [`super::selectors`]); the ImageBlockATF gallery array and the page-kind markers are
//! found with `memmem` on the raw text instead, which is far cheaper than a text handler
//! over every script of a multi-megabyte page. Text arrives from lol_html in chunks,
//! still entity-encoded: it is buffered (each buffer capped, see [`MAX_TEXT`]) and
//! decoded once at the end.

use super::images::{self, MAX_IMAGES};
use super::kind::{self, PageKind};
use super::selectors as sel;
use super::text::{self, clean};
use super::{buybox, family, ProductPage, Seller};
use lol_html::html_content::{Element, TextChunk, TextType};
use lol_html::{end_tag, ElementContentHandlers, HtmlRewriter, MemorySettings, Selector, Settings};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::OnceLock;

/// Every selector of [`sel`], parsed once per process (parsing them per page cost ~2%).
fn cached_selector(s: &'static str) -> Cow<'static, Selector> {
    static CACHE: OnceLock<Vec<(&'static str, Selector)>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| {
        sel::ALL
            .iter()
            .filter_map(|s| Some((*s, s.parse::<Selector>().ok()?)))
            .collect()
    });
    match cache.iter().find(|(k, _)| *k == s) {
        Some((_, parsed)) => Cow::Borrowed(parsed),
        // Not in the table: parse it here (a selector of ours that fails to parse
        // matches nothing rather than panicking).
        None => Cow::Owned(
            s.parse::<Selector>()
                .unwrap_or_else(|_| "cg-never-matches".parse().expect("valid fallback")),
        ),
    }
}

/// `(selector, element handler)`, with the selector from the cache.
macro_rules! el {
    ($s:expr, $h:expr) => {
        (
            cached_selector($s),
            ElementContentHandlers::default().element($h),
        )
    };
}

/// `(selector, text handler)`, with the selector from the cache.
macro_rules! tx {
    ($s:expr, $h:expr) => {
        (
            cached_selector($s),
            ElementContentHandlers::default().text($h),
        )
    };
}

/// Cap on the raw text buffered for one field (title, byline, one bullet, seller…).
pub const MAX_TEXT: usize = 16 * 1024;
/// Cap on the raw text buffered for the description.
pub const MAX_DESCRIPTION: usize = 256 * 1024;
/// Cap on list lengths (bullets, breadcrumb entries, variations).
pub const MAX_ITEMS: usize = 100;
/// lol_html's own buffers are limited to this; beyond it the pass stops and whatever
/// was read so far is used.
const MAX_PARSER_MEMORY: usize = 64 << 20;
/// How far into the page `decode` looks for a charset declaration first.
const CHARSET_PRESCAN: usize = 4096;
/// How far it looks when the bytes are not UTF-8 and the first 4 KB declared nothing
/// (the 2008 JP page declares Shift_JIS at byte 13,074).
const CHARSET_FALLBACK_SCAN: usize = 64 * 1024;

/// Decodes page bytes to text: a BOM wins, then a `<meta charset>` or
/// `http-equiv="Content-Type"` declaration in the first 4 KB; valid UTF-8 is taken as
/// UTF-8; otherwise a declaration further in (up to 64 KB) is used, else UTF-8 with
/// replacement characters. Never fails.
pub fn decode(bytes: &[u8]) -> String {
    use crate::charset::{self, Encoding};
    if let Some((enc, bom_len)) = charset::for_bom(bytes) {
        return charset::decode(enc, &bytes[bom_len..]);
    }
    let head = &bytes[..bytes.len().min(CHARSET_PRESCAN)];
    let declared = declared_charset(head).or_else(|| {
        if std::str::from_utf8(bytes).is_ok() {
            None
        } else {
            declared_charset(&bytes[..bytes.len().min(CHARSET_FALLBACK_SCAN)])
        }
    });
    let enc = declared.unwrap_or(Encoding::Utf8);
    // A page cannot really be UTF-16 if it declared so in ASCII; HTML says use UTF-8.
    let enc = if enc == Encoding::Utf16Le || enc == Encoding::Utf16Be {
        Encoding::Utf8
    } else {
        enc
    };
    if enc == Encoding::Utf8 {
        return match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => String::from_utf8_lossy(bytes).into_owned(),
        };
    }
    charset::decode(enc, bytes)
}

/// Finds `charset=NAME` inside a `<meta …>` tag of `head` (ASCII, case-insensitive).
fn declared_charset(head: &[u8]) -> Option<crate::charset::Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(rel) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + rel;
        let end = memchr::memchr(b'>', &lower[start..]).map_or(lower.len(), |e| start + e);
        from = start + 5;
        let tag = &lower[start..end];
        let Some(pos) = memchr::memmem::find(tag, b"charset") else {
            continue;
        };
        let rest = &tag[pos + "charset".len()..];
        let rest = trim_ascii_start(rest);
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let rest = trim_ascii_start(rest);
        let rest = rest
            .strip_prefix(b"\"")
            .or_else(|| rest.strip_prefix(b"'"))
            .unwrap_or(rest);
        let len = rest
            .iter()
            .position(|b| {
                matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>') || b.is_ascii_whitespace()
            })
            .unwrap_or(rest.len());
        if let Some(enc) = crate::charset::for_label(&rest[..len]) {
            return Some(enc);
        }
    }
    None
}

fn trim_ascii_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// Pushes `s` onto `buf` without letting `buf` grow past `cap` bytes.
fn push_capped(buf: &mut String, s: &str, cap: usize) {
    if buf.len() >= cap {
        return;
    }
    let room = cap - buf.len();
    if s.len() <= room {
        buf.push_str(s);
    } else {
        let mut end = room;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        buf.push_str(&s[..end]);
    }
}

/// A text field read from the first matching element.
#[derive(Default)]
struct Capture {
    raw: String,
    /// For own-text captures: the text inside child elements, used only when the
    /// element has no own text at all (`<span id="productTitle"><span>T</span></span>`),
    /// so that a wrapped title is never reported missing.
    nested: String,
    /// Inside the element being captured.
    active: bool,
    /// A complete element was captured; later matches are ignored.
    done: bool,
    /// Depth of child elements below the captured one (for own-text captures).
    depth: u32,
}

impl Capture {
    fn start(&mut self) -> bool {
        if self.done || self.active {
            return false;
        }
        self.active = true;
        self.depth = 0;
        true
    }

    fn finish(&mut self) {
        self.active = false;
        if clean(&self.raw).is_some() || clean(&self.nested).is_some() {
            self.done = true;
        } else {
            self.raw.clear();
            self.nested.clear();
        }
    }

    fn push(&mut self, s: &str, own_only: bool, cap: usize) {
        if !self.active {
            return;
        }
        if !own_only || self.depth == 0 {
            push_capped(&mut self.raw, s, cap);
        } else {
            push_capped(&mut self.nested, s, cap);
        }
    }

    fn value(&self) -> Option<String> {
        if self.done {
            clean(&self.raw).or_else(|| clean(&self.nested))
        } else {
            None
        }
    }
}

/// A list of texts, one per matching element (breadcrumb links, bullets).
#[derive(Default)]
struct ListCapture {
    items: Vec<String>,
    active: bool,
}

impl ListCapture {
    fn start(&mut self) -> bool {
        if self.items.len() >= MAX_ITEMS {
            return false;
        }
        self.items.push(String::new());
        self.active = true;
        true
    }

    fn push(&mut self, s: &str) {
        if self.active {
            if let Some(last) = self.items.last_mut() {
                push_capped(last, s, MAX_TEXT);
            }
        }
    }

    fn values(&self) -> Vec<String> {
        self.items.iter().filter_map(|r| clean(r)).collect()
    }
}

#[derive(Default)]
struct State {
    asin_input: Option<String>,
    asin_dot0: Option<String>,
    asin_name: Option<String>,

    title: Capture,
    ebooks_title: Capture,
    bt_title: Capture,
    olp_title: Capture,
    olp_page: bool,

    byline: Capture,
    byline_is_link: bool,
    byline_has_contributors: bool,

    landing_old_hires: Option<String>,
    landing_dynamic: Option<String>,
    front_dynamic: Option<String>,
    legacy_src: Option<String>,
    olp_image_src: Option<String>,
    alt_images: Vec<String>,

    variation_dims: Vec<String>,
    selection: Capture,
    inline_value: Capture,
    inline_dim: Option<String>,
    dropdown_dim: Option<String>,
    dropdown_option: Capture,
    /// The first selected value read per dimension, with the byte position where it was
    /// read: containers are read after their end tag, so the page order is restored from
    /// the positions in [`State::variations`].
    variation_reads: BTreeMap<String, (usize, String)>,

    breadcrumb: ListCapture,
    bullets: ListCapture,
    description: Capture,

    seller_link: Capture,
    seller_link_id: Option<String>,
    offer_display_seller: Capture,
    tabular_seller: Capture,
    merchant_info: Capture,
    merchant_link_id: Option<String>,

    olp_offers: u32,
    olp_link: Capture,

    canonical: Option<String>,
    og_url: Option<String>,

    /// An add-to-cart / buy-now / 1-Click button was seen.
    buy_box_button: bool,

    /// `div[id]` containers whose end tag has not come yet.
    open_regions: Vec<OpenRegion>,
    /// Containers whose end tag came, to be read before any handler looks at the state:
    /// `(kind, content start, content end)`.
    ended_regions: Vec<(RegionKind, usize, usize)>,
    next_region_key: u32,
}

/// A `div[id]` container read from the page's source once its end tag has been seen
/// (see [`read_region`]).
#[derive(Clone, PartialEq, Eq)]
enum RegionKind {
    /// `span#productTitle`: its own text (child elements' text apart).
    Title,
    EbooksTitle,
    BtTitle,
    /// An inline-twister value span (its dimension is `State::inline_dim`).
    Inline,
    /// A brand link that started the byline capture.
    BylineLink,
    SellerLink,
    /// A Buy Box row whose label names the seller.
    TabularRow,
    /// The outermost offer-display merchant block.
    OfferDisplay,
    /// `div#bylineInfo` / `div#byline` that started the byline capture: text and contributors.
    Byline,
    /// Such a div inside a byline started by a link: only its contributors count.
    BylineContributors,
    /// The outermost `div[id^="variation_"]`, with its dimension.
    Variation(String),
    Breadcrumb,
    Bullets,
    Description,
    MerchantInfo,
    OlpLink,
}

struct OpenRegion {
    key: u32,
    kind: RegionKind,
    /// Byte offset just after the container's start tag.
    start: usize,
}

impl State {
    fn region_open(&self, f: fn(&RegionKind) -> bool) -> bool {
        self.open_regions.iter().any(|r| f(&r.kind))
    }

    /// Every selected value, first per dimension in page order (at most [`MAX_ITEMS`]).
    fn variations(&mut self) -> BTreeMap<String, String> {
        let mut reads: Vec<(usize, String, String)> = std::mem::take(&mut self.variation_reads)
            .into_iter()
            .map(|(dim, (pos, value))| (pos, dim, value))
            .collect();
        reads.sort_by_key(|(pos, _, _)| *pos);
        reads
            .into_iter()
            .take(MAX_ITEMS)
            .map(|(_, dim, value)| (dim, value))
            .collect()
    }

    /// Finishes captures whose end tag never came (truncated or malformed pages), so a
    /// page cut off inside its title still yields the title read so far.
    fn finish_open(&mut self) {
        for c in [
            &mut self.title,
            &mut self.ebooks_title,
            &mut self.bt_title,
            &mut self.olp_title,
            &mut self.byline,
            &mut self.description,
            &mut self.seller_link,
            &mut self.offer_display_seller,
            &mut self.tabular_seller,
            &mut self.merchant_info,
            &mut self.olp_link,
        ] {
            if c.active {
                c.finish();
            }
        }
    }
}

type Shared = Rc<RefCell<State>>;

/// Attribute value with entities decoded.
fn attr(el: &Element<'_, '_>, name: &str) -> Option<String> {
    el.get_attribute(name).map(|v| text::decode_entities(&v))
}

fn is_visible_text(t: &TextChunk<'_>) -> bool {
    matches!(t.text_type(), TextType::Data | TextType::RCData)
}

/// The raw value of attribute `name` (lower-case ASCII) in one start tag's source,
/// `<tag …>`, lexed as the HTML tokenizer does (first of duplicates wins; a name without a
/// value has an empty one). lol_html's `get_attribute` returns the same value but first
/// builds the list of every attribute, which costs more than the whole match on the
/// thousands of `div`s and `span`s of a page.
fn raw_attribute<'a>(tag: &'a str, name: &[u8]) -> Option<&'a str> {
    let mut found = None;
    for_each_attribute(tag, |n, v| {
        if n.eq_ignore_ascii_case(name) {
            found = Some(v);
            false
        } else {
            true
        }
    });
    found
}

/// Calls `f(name, raw value)` for each attribute of one start tag's source, in order, until
/// it returns false (see [`raw_attribute`]).
fn for_each_attribute<'a>(tag: &'a str, mut f: impl FnMut(&[u8], &'a str) -> bool) {
    let b = tag.as_bytes();
    let ws = |c: u8| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
    // Skip `<` and the tag name.
    let mut i = 1;
    while i < b.len() && !ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    loop {
        // Before an attribute name.
        while i < b.len() && (ws(b[i]) || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' {
            return;
        }
        let name_start = i;
        i += 1; // a name may start with `=`
        while i < b.len() && !ws(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let this = &b[name_start..i];
        // After the name.
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        let value: &'a str = if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && ws(b[i]) {
                i += 1;
            }
            match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let from = i + 1;
                    let to = memchr::memchr(q, &b[from..]).map_or(b.len(), |e| from + e);
                    i = to + 1;
                    tag.get(from..to.min(b.len())).unwrap_or_default()
                }
                Some(b'>') | None => "",
                Some(_) => {
                    let from = i;
                    while i < b.len() && !ws(b[i]) && b[i] != b'>' {
                        i += 1;
                    }
                    tag.get(from..i).unwrap_or_default()
                }
            }
        } else {
            ""
        };
        if !f(this, value) {
            return;
        }
    }
}

/// The raw value of attribute `name` of this element (see [`raw_attribute`]).
fn element_attr<'a>(html: &'a str, el: &Element<'_, '_>, name: &str) -> Option<&'a str> {
    let tag = html.get(el.source_location().bytes()).unwrap_or_default();
    let value = raw_attribute(tag, name.as_bytes());
    debug_assert_eq!(value.map(str::to_string), el.get_attribute(name), "{tag}");
    value
}

/// The element's `id`.
fn element_id<'a>(html: &'a str, el: &Element<'_, '_>) -> Option<&'a str> {
    element_attr(html, el, "id")
}

/// Registers `f` to run at the element's end tag (if it can have one).
fn at_end(el: &mut Element<'_, '_>, st: &Shared, f: fn(&mut State)) {
    if el.can_have_content() {
        let st = st.clone();
        let _ = el.on_end_tag(end_tag!(move |_| {
            f(&mut st.borrow_mut());
            Ok(())
        }));
    } else {
        f(&mut st.borrow_mut());
    }
}

/// Registers a child-depth tracker for own-text captures.
fn track_depth(el: &mut Element<'_, '_>, st: &Shared, get: fn(&mut State) -> &mut Capture) {
    if !el.can_have_content() {
        return;
    }
    {
        let mut s = st.borrow_mut();
        let c = get(&mut s);
        if !c.active {
            return;
        }
        c.depth += 1;
    }
    let st = st.clone();
    let _ = el.on_end_tag(end_tag!(move |_| {
        let mut s = st.borrow_mut();
        let c = get(&mut s);
        c.depth = c.depth.saturating_sub(1);
        Ok(())
    }));
}

/// Starts capture `get` at this element and finishes it at the end tag.
fn capture_element(
    el: &mut Element<'_, '_>,
    st: &Shared,
    get: fn(&mut State) -> &mut Capture,
) -> bool {
    let started = get(&mut st.borrow_mut()).start();
    if started {
        if el.can_have_content() {
            let st2 = st.clone();
            let _ = el.on_end_tag(end_tag!(move |_| {
                get(&mut st2.borrow_mut()).finish();
                Ok(())
            }));
        } else {
            get(&mut st.borrow_mut()).finish();
        }
    }
    started
}

/// A selected value read at byte `pos` of the page (ordered by position at the end).
fn record_variation(s: &mut State, pos: usize, dim: String, raw: &str) {
    if let Some(v) = clean(raw) {
        match s.variation_reads.get_mut(&dim) {
            Some(first) if first.0 <= pos => {}
            Some(first) => *first = (pos, v),
            None => {
                s.variation_reads.insert(dim, (pos, v));
            }
        }
    }
}

/// Extracts a [`ProductPage`] from decoded HTML. Never panics; reads what it can from
/// truncated or malformed input.
pub fn extract(html: &str, url: Option<&str>) -> ProductPage {
    let st: Shared = Rc::new(RefCell::new(State::default()));
    let gallery = images::color_images_initial(html);
    let offer_listing = url.map_or(true, |u| !is_detail_url(u));
    let opts = PassOptions {
        offer_listing,
        alt_images: gallery.is_none(),
        page_urls: offer_listing || url.and_then(kind::marketplace_of).is_none(),
    };
    run_rewriter(html, &st, &opts);
    finish_regions(html, &st);
    let mut state = std::mem::take(&mut *st.borrow_mut());
    state.finish_open();
    build(html, url, state, gallery)
}

macro_rules! with_state {
    ($st:expr, |$s:ident, $el:ident| $body:block) => {{
        let st = $st.clone();
        move |$el: &mut Element<'_, '_>| {
            #[allow(unused_mut)]
            let mut $s = st.borrow_mut();
            $body
            Ok(())
        }
    }};
}

fn text_capture<'a>(
    st: &Shared,
    get: fn(&mut State) -> &mut Capture,
    own_only: bool,
    cap: usize,
) -> impl FnMut(&mut TextChunk<'_>) -> lol_html::HandlerResult + 'a {
    let st = st.clone();
    move |t: &mut TextChunk<'_>| {
        if is_visible_text(t) {
            get(&mut st.borrow_mut()).push(t.as_str(), own_only, cap);
        }
        Ok(())
    }
}

/// Which optional handler groups a pass needs (fewer selectors, faster matching).
struct PassOptions {
    /// The offer-listing page's selectors (not needed under a `/dp/` URL).
    offer_listing: bool,
    /// The media block's gallery slots (only when the ImageBlockATF script is missing).
    alt_images: bool,
    /// The page's own URLs (canonical link, og:url): only needed when the given URL
    /// does not name the marketplace, or for an offer listing's ASIN.
    page_urls: bool,
}

/// The rewriters' output sink (the reader only reads). One named function for both passes:
/// two closures would be two types, and lol_html's whole parser is generic over the sink, so
/// each pass would link its own copy of it (about 30 KB gzipped in the hot wasm module).
fn discard(_: &[u8]) {}

fn run_rewriter(html: &str, st: &Shared, opts: &PassOptions) {
    let depth = |get: fn(&mut State) -> &mut Capture| {
        let st = st.clone();
        move |el: &mut Element<'_, '_>| {
            track_depth(el, &st, get);
            Ok(())
        }
    };

    let handlers = vec![
        // ASIN
        el!(
            sel::INPUT,
            with_state!(st, |s, el| {
                // Dispatch on id/name: one `input` selector instead of six.
                let id = el.get_attribute("id");
                let is_id = id.as_deref() == Some(sel::ASIN_INPUT_ID);
                let name = el.get_attribute("name");
                if id
                    .as_deref()
                    .is_some_and(|i| sel::BUY_BOX_INPUT_IDS.contains(&i))
                    || name.as_deref() == Some(sel::BUY_BOX_INPUT_NAME)
                {
                    s.buy_box_button = true;
                    return Ok(());
                }
                let slot = if is_id {
                    &mut s.asin_input
                } else if name.as_deref() == Some(sel::ASIN_DOT0_INPUT_NAME) {
                    &mut s.asin_dot0
                } else if name.as_deref() == Some(sel::ASIN_NAME_INPUT_NAME) {
                    &mut s.asin_name
                } else {
                    return Ok(());
                };
                if slot.is_none() {
                    *slot = attr(el, "value").and_then(|v| valid_asin(&v));
                }
            })
        ),
        // Titles, inline-twister values
        el!(sel::SPAN_WITH_ID, span_with_id(html, st)),
        // Brand links, seller link
        el!(sel::A_WITH_ID, a_with_id(html, st)),
        // Images
        el!(sel::IMG_WITH_ID, img_with_id(html, st)),
        // Bylines, swatch rows, breadcrumb, bullets, description, merchant info, offers link,
        // Buy Box rows
        el!(sel::DIV, div_with_id(html, st)),
        // Variations: dropdown
        el!(sel::DROPDOWN_SELECT, {
            let st = st.clone();
            move |el: &mut Element<'_, '_>| {
                flush_regions(html, &st);
                st.borrow_mut().dropdown_dim = el
                    .get_attribute("name")
                    .and_then(|n| n.strip_prefix(sel::DROPDOWN_PREFIX).map(str::to_string))
                    .filter(|d| !d.is_empty());
                Ok(())
            }
        }),
        el!(sel::DROPDOWN_SELECTED_OPTION, {
            let st = st.clone();
            move |el: &mut Element<'_, '_>| {
                flush_regions(html, &st);
                let mut s = st.borrow_mut();
                let placeholder = el.get_attribute("value").is_some_and(|v| v.trim() == "-1");
                if !placeholder && s.dropdown_dim.is_some() {
                    s.dropdown_option = Capture::default();
                    s.dropdown_option.start();
                }
                Ok(())
            }
        }),
        tx!(sel::DROPDOWN_SELECTED_OPTION, {
            let st = st.clone();
            move |t: &mut TextChunk<'_>| {
                flush_regions(html, &st);
                let mut s = st.borrow_mut();
                if s.dropdown_option.active {
                    s.dropdown_option.push(t.as_str(), false, MAX_TEXT);
                    // Option end tags are optional: the option's one text node ends it.
                    if t.last_in_text_node() {
                        let raw = std::mem::take(&mut s.dropdown_option.raw);
                        s.dropdown_option = Capture::default();
                        if let Some(dim) = s.dropdown_dim.clone() {
                            let pos = t.source_location().bytes().start;
                            record_variation(&mut s, pos, dim, &raw);
                        }
                    }
                }
                Ok(())
            }
        }),
    ];
    let mut handlers = handlers;
    if opts.page_urls {
        handlers.extend([
            // Marketplace
            el!(
                sel::CANONICAL,
                with_state!(st, |s, el| {
                    if s.canonical.is_none() {
                        s.canonical = attr(el, "href");
                    }
                })
            ),
            el!(
                sel::OG_URL,
                with_state!(st, |s, el| {
                    if s.og_url.is_none() {
                        s.og_url = attr(el, "content");
                    }
                })
            ),
        ]);
    }
    if opts.offer_listing {
        handlers.extend([
            el!(sel::OLP_TITLE, {
                let st = st.clone();
                move |el: &mut Element<'_, '_>| {
                    st.borrow_mut().olp_page = true;
                    capture_element(el, &st, |s| &mut s.olp_title);
                    Ok(())
                }
            }),
            tx!(
                sel::OLP_TITLE,
                text_capture(st, |s| &mut s.olp_title, true, MAX_TEXT)
            ),
            el!(sel::OLP_TITLE_CHILD, depth(|s| &mut s.olp_title)),
            el!(
                sel::OLP_IMAGE,
                with_state!(st, |s, el| {
                    if s.olp_image_src.is_none() {
                        s.olp_image_src = attr(el, "src");
                    }
                })
            ),
            el!(
                sel::OLP_OFFER,
                with_state!(st, |s, _el| {
                    s.olp_offers = s.olp_offers.saturating_add(1);
                })
            ),
        ]);
    }
    if opts.alt_images {
        handlers.extend([el!(
            sel::MEDIA_BLOCK_ALT_IMAGE,
            with_state!(st, |s, el| {
                if s.alt_images.len() < MAX_IMAGES {
                    if let Some(id) = attr(el, "data-old-hires").and_then(|u| images::image_id(&u))
                    {
                        s.alt_images.push(id);
                    }
                }
            })
        )]);
    }
    let mut settings = Settings::new().with_strict(false).with_memory_settings(
        MemorySettings::new()
            .with_max_allowed_memory_usage(MAX_PARSER_MEMORY)
            .with_graceful_bail_out_on_memory_limit_exceeded(true),
    );
    for h in handlers {
        settings = settings.append_element_content_handler(h);
    }
    let mut rewriter = HtmlRewriter::new(settings, discard);
    // Errors (memory limit, handler errors) only stop the pass early: keep what was read.
    if rewriter.write(html.as_bytes()).is_ok() {
        let _ = rewriter.end();
    }
}

/// `span[id]`: the title spans and inline-twister values.
fn span_with_id<'h>(
    html: &'h str,
    st: &Shared,
) -> impl FnMut(&mut Element<'_, '_>) -> lol_html::HandlerResult + 'h {
    let st = st.clone();
    move |el: &mut Element<'_, '_>| {
        let Some(id) = element_id(html, el) else {
            return Ok(());
        };
        flush_regions(html, &st);
        let kind = {
            let mut s = st.borrow_mut();
            match id {
                sel::TITLE_ID => s.title.start().then_some(RegionKind::Title),
                sel::EBOOKS_TITLE_ID => s.ebooks_title.start().then_some(RegionKind::EbooksTitle),
                sel::BT_ASIN_TITLE_ID => s.bt_title.start().then_some(RegionKind::BtTitle),
                _ => match id
                    .strip_prefix(sel::INLINE_TWISTER_PREFIX)
                    .filter(|d| !d.is_empty())
                {
                    Some(dim) => {
                        s.inline_dim = Some(dim.to_string());
                        s.inline_value.start().then_some(RegionKind::Inline)
                    }
                    None => None,
                },
            }
        };
        if let Some(kind) = kind {
            open_region(el, &st, kind);
        }
        Ok(())
    }
}

/// `a[id]`: brand links and the seller link.
fn a_with_id<'h>(
    html: &'h str,
    st: &Shared,
) -> impl FnMut(&mut Element<'_, '_>) -> lol_html::HandlerResult + 'h {
    let st = st.clone();
    move |el: &mut Element<'_, '_>| {
        let Some(id) = element_id(html, el) else {
            return Ok(());
        };
        flush_regions(html, &st);
        let kind = {
            let mut s = st.borrow_mut();
            match id {
                sel::BYLINE_LINK_ID | sel::BRAND_LINK_ID if s.byline.start() => {
                    s.byline_is_link = true;
                    s.byline_has_contributors = false;
                    Some(RegionKind::BylineLink)
                }
                sel::SELLER_LINK_ID if s.seller_link.start() => {
                    s.seller_link_id = attr(el, "href").and_then(|h| text::seller_id_from_href(&h));
                    Some(RegionKind::SellerLink)
                }
                _ => None,
            }
        };
        if let Some(kind) = kind {
            open_region(el, &st, kind);
        }
        Ok(())
    }
}

/// `img[id]`: the main-image candidates.
fn img_with_id<'h>(
    html: &'h str,
    st: &Shared,
) -> impl FnMut(&mut Element<'_, '_>) -> lol_html::HandlerResult + 'h {
    let st = st.clone();
    move |el: &mut Element<'_, '_>| {
        let Some(id) = element_id(html, el) else {
            return Ok(());
        };
        let mut s = st.borrow_mut();
        match id {
            sel::LANDING_IMAGE_ID => {
                if s.landing_old_hires.is_none() {
                    s.landing_old_hires =
                        attr(el, "data-old-hires").filter(|v| !v.trim().is_empty());
                }
                if s.landing_dynamic.is_none() {
                    s.landing_dynamic = attr(el, "data-a-dynamic-image");
                }
            }
            sel::BOOK_FRONT_IMAGE_ID | sel::EBOOK_FRONT_IMAGE_ID if s.front_dynamic.is_none() => {
                s.front_dynamic = attr(el, "data-a-dynamic-image");
            }
            sel::LEGACY_PROD_IMAGE_ID if s.legacy_src.is_none() => {
                s.legacy_src = attr(el, "src");
            }
            _ => {}
        }
        Ok(())
    }
}

/// `div`: the containers, dispatched on the id, and the Buy Box rows. Their content is read from the page's
/// source once their end tag has come ([`read_region`]): lol_html fixes text handlers per
/// selector, and one selector per container cost every `div` of the page an attribute match
/// per container (see BENCHMARKS.md).
fn div_with_id<'h>(
    html: &'h str,
    st: &Shared,
) -> impl FnMut(&mut Element<'_, '_>) -> lol_html::HandlerResult + 'h {
    let st = st.clone();
    move |el: &mut Element<'_, '_>| {
        // One look at the tag for the three attributes (first of duplicates wins).
        let (mut id, mut row, mut offer) = (None, None, None);
        let tag = html.get(el.source_location().bytes()).unwrap_or_default();
        for_each_attribute(tag, |name, value| {
            let slot = if name.eq_ignore_ascii_case(b"id") {
                &mut id
            } else if name.eq_ignore_ascii_case(sel::TABULAR_ATTR.as_bytes()) {
                &mut row
            } else if name.eq_ignore_ascii_case(sel::OFFER_DISPLAY_ATTR.0.as_bytes()) {
                &mut offer
            } else {
                return true;
            };
            slot.get_or_insert(value);
            true
        });
        debug_assert_eq!(id.map(str::to_string), el.get_attribute("id"), "{tag}");
        debug_assert_eq!(row.map(str::to_string), el.get_attribute(sel::TABULAR_ATTR));
        let offer = offer == Some(sel::OFFER_DISPLAY_ATTR.1);
        if row.is_none() && !offer && id.is_none() {
            return Ok(());
        }
        flush_regions(html, &st);
        if let Some(label) = row {
            let started = sel::TABULAR_SELLER_LABELS.contains(&label.trim())
                && st.borrow_mut().tabular_seller.start();
            if started {
                open_region(el, &st, RegionKind::TabularRow);
            }
        }
        if offer && !st.borrow().region_open(|k| *k == RegionKind::OfferDisplay) {
            open_region(el, &st, RegionKind::OfferDisplay);
        }
        let Some(id) = id else {
            return Ok(());
        };
        let kind = {
            let mut s = st.borrow_mut();
            match id {
                sel::BYLINE_DIV_ID | sel::BYLINE_OLD_ID => {
                    if s.byline.start() {
                        s.byline_is_link = false;
                        s.byline_has_contributors = false;
                        Some(RegionKind::Byline)
                    } else if s.byline.active
                        && !s.region_open(|k| {
                            matches!(k, RegionKind::Byline | RegionKind::BylineContributors)
                        })
                    {
                        Some(RegionKind::BylineContributors)
                    } else {
                        None
                    }
                }
                sel::BREADCRUMB_ID => (!s.region_open(|k| *k == RegionKind::Breadcrumb))
                    .then_some(RegionKind::Breadcrumb),
                sel::BULLETS_ID => {
                    (!s.region_open(|k| *k == RegionKind::Bullets)).then_some(RegionKind::Bullets)
                }
                sel::DESCRIPTION_ID => s.description.start().then_some(RegionKind::Description),
                sel::MERCHANT_INFO_ID => {
                    s.merchant_info.start().then_some(RegionKind::MerchantInfo)
                }
                sel::OLP_LINK_WIDGET_ID => s.olp_link.start().then_some(RegionKind::OlpLink),
                other => match other.strip_prefix(sel::VARIATION_ID_PREFIX) {
                    Some(dim) if !s.region_open(|k| matches!(k, RegionKind::Variation(_))) => {
                        Some(RegionKind::Variation(dim.to_string()))
                    }
                    _ => None,
                },
            }
        };
        if let Some(kind) = kind {
            open_region(el, &st, kind);
        }
        Ok(())
    }
}

/// Starts a region at this element; its end tag moves it to `ended_regions`.
fn open_region(el: &mut Element<'_, '_>, st: &Shared, kind: RegionKind) {
    let start = el.source_location().bytes().end;
    let mut s = st.borrow_mut();
    if !el.can_have_content() {
        s.ended_regions.push((kind, start, start));
        return;
    }
    let key = s.next_region_key;
    s.next_region_key = key.wrapping_add(1);
    s.open_regions.push(OpenRegion { key, kind, start });
    drop(s);
    let st = st.clone();
    let _ = el.on_end_tag(end_tag!(move |end| {
        let stop = end.source_location().bytes().start;
        let mut s = st.borrow_mut();
        if let Some(i) = s.open_regions.iter().rposition(|r| r.key == key) {
            let r = s.open_regions.remove(i);
            s.ended_regions.push((r.kind, r.start, stop.max(r.start)));
        }
        Ok(())
    }));
}

/// Reads the regions whose end tag has come. Every handler that looks at what regions
/// fill calls this first, so it sees the same state as if they had been read at their end tag.
fn flush_regions(html: &str, st: &Shared) {
    if st.borrow().ended_regions.is_empty() {
        return;
    }
    let ended = std::mem::take(&mut st.borrow_mut().ended_regions);
    for (kind, start, stop) in ended {
        read_region(html, st, kind, start, stop, true);
    }
}

/// After the pass: the ended regions, then those whose end tag never came (a truncated
/// page), read to the end of the page.
fn finish_regions(html: &str, st: &Shared) {
    flush_regions(html, st);
    let open = std::mem::take(&mut st.borrow_mut().open_regions);
    for r in open {
        read_region(html, st, r.kind, r.start, html.len(), false);
    }
}

/// Runs lol_html over one container's content: `handlers` for elements inside it, `text`
/// for its visible text. Content without a `<` is one text node, passed as it is.
///
/// `text` is a `dyn` so that this function is compiled once (the hot wasm module's size).
fn region_pass<'h>(
    content: &str,
    handlers: Vec<(Cow<'static, Selector>, ElementContentHandlers<'h>)>,
    text: &'h mut dyn FnMut(&str),
) {
    if memchr::memchr(b'<', content.as_bytes()).is_none() {
        text(content);
        return;
    }
    let mut settings = Settings::new().with_strict(false).with_memory_settings(
        MemorySettings::new()
            .with_max_allowed_memory_usage(MAX_PARSER_MEMORY)
            .with_graceful_bail_out_on_memory_limit_exceeded(true),
    );
    for h in handlers {
        settings = settings.append_element_content_handler(h);
    }
    settings = settings.append_document_content_handler(lol_html::doc_text!(move |t| {
        if is_visible_text(t) {
            text(t.as_str());
        }
        Ok(())
    }));
    let mut rewriter = HtmlRewriter::new(settings, discard);
    if rewriter.write(content.as_bytes()).is_ok() {
        let _ = rewriter.end();
    }
}

/// Reads one container's content, `html[start..stop]`. `closed`: its end tag came, which
/// also ends whatever it left open inside.
fn read_region(html: &str, st: &Shared, kind: RegionKind, start: usize, stop: usize, closed: bool) {
    let content = html.get(start..stop).unwrap_or_default();
    let contributors = || {
        el!(
            sel::IN_BYLINE_CONTRIBUTORS,
            with_state!(st, |s, _el| {
                if s.byline.active {
                    s.byline_has_contributors = true;
                }
            })
        )
    };
    let plain = |get: fn(&mut State) -> &mut Capture| {
        region_pass(content, Vec::new(), &mut |t| {
            get(&mut st.borrow_mut()).push(t, false, MAX_TEXT)
        });
        finish_capture(st, get);
    };
    match kind {
        RegionKind::Title => {
            let child = el!(sel::IN_TITLE_CHILD, {
                let st = st.clone();
                move |el: &mut Element<'_, '_>| {
                    track_depth(el, &st, |s| &mut s.title);
                    Ok(())
                }
            });
            region_pass(content, vec![child], &mut |t| {
                st.borrow_mut().title.push(t, true, MAX_TEXT)
            });
            finish_capture(st, |s| &mut s.title);
        }
        RegionKind::EbooksTitle => plain(|s| &mut s.ebooks_title),
        RegionKind::BtTitle => plain(|s| &mut s.bt_title),
        RegionKind::BylineLink => plain(|s| &mut s.byline),
        RegionKind::SellerLink => plain(|s| &mut s.seller_link),
        RegionKind::TabularRow => plain(|s| &mut s.tabular_seller),
        RegionKind::Inline => {
            region_pass(content, Vec::new(), &mut |t| {
                st.borrow_mut().inline_value.push(t, false, MAX_TEXT)
            });
            if closed {
                let mut s = st.borrow_mut();
                let raw = std::mem::take(&mut s.inline_value.raw);
                s.inline_value = Capture::default();
                if let Some(dim) = s.inline_dim.take() {
                    record_variation(&mut s, stop, dim, &raw);
                }
            }
        }
        RegionKind::OfferDisplay => {
            let value = el!(sel::IN_OFFER_DISPLAY_SELLER, {
                let st = st.clone();
                move |el: &mut Element<'_, '_>| {
                    capture_element(el, &st, |s| &mut s.offer_display_seller);
                    Ok(())
                }
            });
            region_pass(content, vec![value], &mut |t| {
                st.borrow_mut()
                    .offer_display_seller
                    .push(t, false, MAX_TEXT)
            });
            if closed {
                finish_capture(st, |s| &mut s.offer_display_seller);
            }
        }
        RegionKind::Byline => {
            region_pass(content, vec![contributors()], &mut |t| {
                st.borrow_mut().byline.push(t, false, MAX_TEXT)
            });
            finish_capture(st, |s| &mut s.byline);
        }
        RegionKind::BylineContributors => region_pass(content, vec![contributors()], &mut |_| {}),
        RegionKind::Variation(dim) => {
            let depth = {
                let mut s = st.borrow_mut();
                s.variation_dims.push(dim);
                s.variation_dims.len() - 1
            };
            let nested = el!(sel::IN_VARIATION_DIV, {
                let st = st.clone();
                move |el: &mut Element<'_, '_>| {
                    let dim = el
                        .get_attribute("id")
                        .and_then(|id| {
                            id.strip_prefix(sel::VARIATION_ID_PREFIX)
                                .map(str::to_string)
                        })
                        .unwrap_or_default();
                    st.borrow_mut().variation_dims.push(dim);
                    at_end(el, &st, |s| {
                        s.variation_dims.pop();
                    });
                    Ok(())
                }
            });
            let selection = el!(sel::IN_VARIATION_SELECTION, {
                let st = st.clone();
                move |el: &mut Element<'_, '_>| {
                    if st.borrow_mut().selection.start() {
                        if el.can_have_content() {
                            let st = st.clone();
                            let _ = el.on_end_tag(end_tag!(move |end| {
                                let pos = start + end.source_location().bytes().start;
                                record_selection(&mut st.borrow_mut(), pos);
                                Ok(())
                            }));
                        } else {
                            let pos = start + el.source_location().bytes().start;
                            record_selection(&mut st.borrow_mut(), pos);
                        }
                    }
                    Ok(())
                }
            });
            region_pass(content, vec![nested, selection], &mut |t| {
                st.borrow_mut().selection.push(t, false, MAX_TEXT)
            });
            let mut s = st.borrow_mut();
            if closed {
                // The end tag ends an open selection too, read with the innermost row.
                if s.selection.active {
                    record_selection(&mut s, stop);
                }
                s.variation_dims.truncate(depth);
            }
        }
        RegionKind::Breadcrumb => {
            let link = el!(sel::IN_BREADCRUMB_LINK, {
                let st = st.clone();
                move |el: &mut Element<'_, '_>| {
                    let back = el
                        .get_attribute("id")
                        .is_some_and(|id| id == sel::BREADCRUMB_BACK_LINK_ID);
                    if !back && st.borrow_mut().breadcrumb.start() {
                        at_end(el, &st, |s| s.breadcrumb.active = false);
                    }
                    Ok(())
                }
            });
            region_pass(content, vec![link], &mut |t| {
                st.borrow_mut().breadcrumb.push(t)
            });
            if closed {
                st.borrow_mut().breadcrumb.active = false;
            }
        }
        RegionKind::Bullets => {
            let bullet = el!(sel::IN_BULLET, {
                let st = st.clone();
                move |el: &mut Element<'_, '_>| {
                    let hidden = el.get_attribute("class").is_some_and(|c| {
                        c.split_ascii_whitespace().any(|c| c == sel::HIDDEN_CLASS)
                    });
                    {
                        let mut s = st.borrow_mut();
                        s.bullets.active = false;
                        if hidden || !s.bullets.start() {
                            return Ok(());
                        }
                    }
                    at_end(el, &st, |s| s.bullets.active = false);
                    Ok(())
                }
            });
            region_pass(content, vec![bullet], &mut |t| {
                st.borrow_mut().bullets.push(t)
            });
            if closed {
                st.borrow_mut().bullets.active = false;
            }
        }
        RegionKind::Description => {
            let blocks = el!(
                sel::IN_DESCRIPTION_BLOCKS,
                with_state!(st, |s, _el| {
                    s.description.push(" ", false, MAX_DESCRIPTION);
                })
            );
            region_pass(content, vec![blocks], &mut |t| {
                st.borrow_mut().description.push(t, false, MAX_DESCRIPTION)
            });
            finish_capture(st, |s| &mut s.description);
        }
        RegionKind::MerchantInfo => {
            let link = el!(
                sel::IN_MERCHANT_INFO_LINK,
                with_state!(st, |s, el| {
                    if s.merchant_info.active && s.merchant_link_id.is_none() {
                        s.merchant_link_id =
                            attr(el, "href").and_then(|h| text::seller_id_from_href(&h));
                    }
                })
            );
            region_pass(content, vec![link], &mut |t| {
                st.borrow_mut().merchant_info.push(t, false, MAX_TEXT)
            });
            finish_capture(st, |s| &mut s.merchant_info);
        }
        RegionKind::OlpLink => {
            region_pass(content, Vec::new(), &mut |t| {
                st.borrow_mut().olp_link.push(t, false, MAX_TEXT)
            });
            finish_capture(st, |s| &mut s.olp_link);
        }
    }
}

fn finish_capture(st: &Shared, get: fn(&mut State) -> &mut Capture) {
    let mut s = st.borrow_mut();
    let c = get(&mut s);
    if c.active {
        c.finish();
    }
}

/// Records the open swatch selection with the innermost swatch row, at byte `pos`.
fn record_selection(s: &mut State, pos: usize) {
    let raw = std::mem::take(&mut s.selection.raw);
    s.selection = Capture::default();
    if let Some(dim) = s.variation_dims.last().filter(|d| !d.is_empty()).cloned() {
        record_variation(s, pos, dim, &raw);
    }
}

/// An ASIN as found in an input's value: 10 ASCII letters/digits.
fn valid_asin(v: &str) -> Option<String> {
    let v = v.trim();
    (v.len() == 10 && v.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| v.to_ascii_uppercase())
}

/// The ASIN in a product URL path (`/dp/X`, `/gp/product/X`, `/gp/offer-listing/X`).
fn asin_from_url(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let segs: Vec<&str> = path.split('/').collect();
    for w in segs.windows(2) {
        if matches!(w[0], "dp" | "product" | "offer-listing" | "ASIN") {
            if let Some(a) = valid_asin(w[1]) {
                return Some(a);
            }
        }
    }
    None
}

/// A `/dp/ASIN` or `/gp/product/ASIN` URL: a detail page, never an offer listing.
fn is_detail_url(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    (path.contains("/dp/") || path.contains("/gp/product/")) && !path.contains("offer-listing")
}

fn build(html: &str, url: Option<&str>, mut s: State, gallery: Option<Vec<String>>) -> ProductPage {
    let variations: BTreeMap<String, String> = s.variations();
    let title = s
        .title
        .value()
        .or_else(|| s.ebooks_title.value())
        .or_else(|| s.bt_title.value());
    let asin_input = s
        .asin_input
        .clone()
        .or_else(|| s.asin_dot0.clone())
        .or_else(|| s.asin_name.clone());

    let marketplace = url
        .and_then(kind::marketplace_of)
        .or_else(|| s.canonical.as_deref().and_then(kind::marketplace_of))
        .or_else(|| s.og_url.as_deref().and_then(kind::marketplace_of))
        .or_else(|| kind::marketplace_from_page(html));

    // The old offer-listing page (/gp/offer-listing/ASIN) lists other sellers' offers for
    // one ASIN; it has no gallery, bullets, breadcrumb or brand, so checking it against a
    // listing would report every watched field missing. It is therefore `Other` (not
    // checkable, like the fixture's truth: "not a detail page"), but its ASIN, product name,
    // thumbnail and offer count are still read, for the popup and for re-checks.
    if s.olp_page && asin_input.is_none() {
        let mut page = ProductPage::empty(PageKind::Other);
        page.marketplace = marketplace;
        page.asin = url
            .and_then(asin_from_url)
            .or_else(|| s.canonical.as_deref().and_then(asin_from_url))
            .or_else(|| asin_from_olp_links(html));
        page.title = s.olp_title.value();
        page.images = s
            .olp_image_src
            .as_deref()
            .and_then(images::image_id)
            .into_iter()
            .collect();
        page.offer_count = Some(s.olp_offers);
        return page;
    }

    let Some(asin) = asin_input else {
        let mut page = ProductPage::empty(kind::kind_from_markers(html));
        page.marketplace = marketplace;
        return page;
    };

    let brand = s
        .byline
        .value()
        .and_then(|b| text::brand_from_byline(&b, s.byline_is_link, s.byline_has_contributors));

    // Main image, in the README's order.
    let main = s
        .landing_old_hires
        .as_deref()
        .and_then(images::image_id)
        .or_else(|| gallery.as_ref().and_then(|g| g.first().cloned()))
        .or_else(|| {
            [s.landing_dynamic.as_deref(), s.front_dynamic.as_deref()]
                .into_iter()
                .flatten()
                .find_map(|json| {
                    images::largest_dynamic_image(json).and_then(|u| images::image_id(&u))
                })
        })
        .or_else(|| s.legacy_src.as_deref().and_then(images::image_id));
    // The gallery in the page's order, repeats included (amazon.com/chair-cover-B01LW7X0JJ-2018
    // shows one image twice); the main image first, not repeated when the gallery starts with it.
    let rest = gallery.unwrap_or(s.alt_images);
    let mut imgs: Vec<String> = Vec::with_capacity(rest.len() + 1);
    let mut rest = rest.into_iter().peekable();
    if let Some(m) = main {
        if rest.peek() == Some(&m) {
            rest.next();
        }
        imgs.push(m);
    }
    imgs.extend(rest.take(MAX_IMAGES.saturating_sub(imgs.len())));

    let seller = if let Some(name) = s.seller_link.value() {
        Some(Seller {
            id: s.seller_link_id,
            name,
        })
    } else {
        match s
            .offer_display_seller
            .value()
            .or_else(|| s.tabular_seller.value())
        {
            Some(name) => Some(Seller { id: None, name }),
            None => s
                .merchant_info
                .value()
                .and_then(|t| text::seller_from_sentence(&t))
                .map(|name| Seller {
                    id: s.merchant_link_id,
                    name,
                }),
        }
    };

    let offer_count = s
        .olp_link
        .value()
        .and_then(|t| text::offer_count_from_text(&t));

    // Buy Box and availability: the buttons came from the pass; the rest is looked up
    // only on pages without them (see buybox.rs).
    let bb = buybox::read(html, s.buy_box_button);
    let kind = if bb.gone {
        PageKind::NotFound
    } else {
        PageKind::Product
    };
    let family = family::read_family(html, &asin, !variations.is_empty());

    ProductPage {
        kind,
        marketplace,
        asin: Some(asin),
        title,
        brand,
        images: imgs,
        variations,
        breadcrumb: s.breadcrumb.values(),
        bullets: s.bullets.values(),
        description: s.description.value(),
        seller,
        offer_count,
        family,
        availability: bb.availability,
        buy_box: bb.buy_box,
    }
}

/// The ASIN in the page's own `/gp/offer-listing/ASIN` links.
fn asin_from_olp_links(html: &str) -> Option<String> {
    let needle = "/offer-listing/";
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(rel) = memchr::memmem::find(&bytes[from..], needle.as_bytes()) {
        let start = from + rel + needle.len();
        from = start;
        let end = (start + 10).min(html.len());
        if let Some(candidate) = html.get(start..end) {
            if let Some(a) = valid_asin(candidate) {
                return Some(a);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::raw_attribute;

    #[test]
    fn attributes_are_lexed_as_the_tokenizer_does() {
        let cases: &[(&str, Option<&str>)] = &[
            (r#"<div id="a">"#, Some("a")),
            (r#"<div ID='a b'>"#, Some("a b")),
            ("<div id=a>", Some("a")),
            ("<div id>", Some("")),
            ("<div id >", Some("")),
            ("<div id/>", Some("")),
            (r#"<div/id="a">"#, Some("a")),
            (r#"<div id = "a" id="b">"#, Some("a")),
            (
                r#"<div data-id="x" class="id" title='id="no"' id="yes">"#,
                Some("yes"),
            ),
            (r#"<div title="a>b" id="c">"#, Some("c")),
            (r#"<div x="1"id="2">"#, Some("2")),
            (r#"<div =id="2">"#, None),
            ("<div hidden>", None),
            ("<div>", None),
            ("<div\tid\n=\r'q'\x0c>", Some("q")),
        ];
        for (tag, want) in cases {
            assert_eq!(raw_attribute(tag, b"id"), *want, "{tag}");
        }
    }

    #[test]
    fn tricky_tags_read_as_lol_html_reads_them() {
        // Debug builds compare every looked-up attribute with lol_html's own
        // (`element_attr`), so this page only has to pass through the reader.
        let page = super::extract(
            r#"<input id=ASIN value=B000000001><div/id="feature-bullets"><li title="a>b"id=x>One</li></div>
            <span id = 'productTitle' class="id">T</span><a x='"' id="bylineInfo">B</a>
            <div =id="productDescription">no</div><div ID="productDescription">Desc</div>"#,
            None,
        );
        assert_eq!(page.bullets, vec!["One".to_string()]);
        assert_eq!(page.title.as_deref(), Some("T"));
        assert_eq!(page.description.as_deref(), Some("Desc"));
    }
}
