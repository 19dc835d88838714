//! The subset of the `encoding_rs` 0.8 API that lol_html and the Catalog Guard core use,
//! with UTF-8 as the only real encoding.
//!
//! Used only by the two wasm modules (crates/hot, crates/full): the hot one receives every
//! page as an already decoded string, and the full one decodes legacy charsets with the
//! browser's `TextDecoder` (the core's `browser-charsets` feature, src/charset.rs), so lol_html
//! there only ever sees UTF-8. The other encodings exist as named constants so that code naming
//! them still compiles, but no label lookup ever returns them ([`Encoding::for_label`] knows
//! only the UTF-8 labels), and decoding with one of them decodes UTF-8 with replacement
//! characters and reports errors. The CLI and the native tests use the real crate.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::borrow::Cow;

/// A character encoding (only [`UTF_8`] encodes and decodes for real).
#[derive(PartialEq, Eq, Hash)]
pub struct Encoding {
    name: &'static str,
}

impl std::fmt::Debug for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Encoding {{ {} }}", self.name)
    }
}

macro_rules! encodings {
    ($($id:ident $init:ident = $name:literal),* $(,)?) => {$(
        #[doc = concat!("The `", $name, "` encoding (a name only, except UTF-8).")]
        pub static $init: Encoding = Encoding { name: $name };
        #[doc = concat!("The `", $name, "` encoding.")]
        pub static $id: &Encoding = &$init;
    )*};
}

encodings! {
    UTF_8 UTF_8_INIT = "UTF-8",
    UTF_16LE UTF_16LE_INIT = "UTF-16LE",
    UTF_16BE UTF_16BE_INIT = "UTF-16BE",
    WINDOWS_1252 WINDOWS_1252_INIT = "windows-1252",
    ISO_8859_2 ISO_8859_2_INIT = "ISO-8859-2",
    SHIFT_JIS SHIFT_JIS_INIT = "Shift_JIS",
    EUC_JP EUC_JP_INIT = "EUC-JP",
    BIG5 BIG5_INIT = "Big5",
}

/// The result of a streaming encode or decode step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoderResult {
    /// All input was consumed.
    InputEmpty,
    /// The output buffer is full.
    OutputFull,
}

fn is_utf8_label(label: &[u8]) -> bool {
    let l = label.trim_ascii();
    [
        "unicode-1-1-utf-8",
        "unicode11utf8",
        "unicode20utf8",
        "utf-8",
        "utf8",
        "x-unicode20utf8",
    ]
    .iter()
    .any(|u| l.eq_ignore_ascii_case(u.as_bytes()))
}

impl Encoding {
    /// UTF-8 for a UTF-8 label, else `None` (no other encoding is available here).
    pub fn for_label(label: &[u8]) -> Option<&'static Encoding> {
        is_utf8_label(label).then_some(UTF_8)
    }

    /// As [`Encoding::for_label`].
    pub fn for_label_no_replacement(label: &[u8]) -> Option<&'static Encoding> {
        Self::for_label(label)
    }

    /// The encoding a byte order mark names, with the BOM's length.
    pub fn for_bom(buffer: &[u8]) -> Option<(&'static Encoding, usize)> {
        if buffer.starts_with(b"\xEF\xBB\xBF") {
            Some((UTF_8, 3))
        } else if buffer.starts_with(b"\xFF\xFE") {
            Some((UTF_16LE, 2))
        } else if buffer.starts_with(b"\xFE\xFF") {
            Some((UTF_16BE, 2))
        } else {
            None
        }
    }

    /// The encoding's name.
    pub fn name(&'static self) -> &'static str {
        self.name
    }

    /// Whether ASCII bytes mean ASCII (all but UTF-16).
    pub fn is_ascii_compatible(&'static self) -> bool {
        !(std::ptr::eq(self, UTF_16LE) || std::ptr::eq(self, UTF_16BE))
    }

    /// The encoding used for output (UTF-8).
    pub fn output_encoding(&'static self) -> &'static Encoding {
        UTF_8
    }

    /// How many leading bytes are ASCII.
    pub fn ascii_valid_up_to(bytes: &[u8]) -> usize {
        bytes
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(bytes.len())
    }

    /// How many leading bytes are valid UTF-8.
    pub fn utf8_valid_up_to(bytes: &[u8]) -> usize {
        match std::str::from_utf8(bytes) {
            Ok(_) => bytes.len(),
            Err(e) => e.valid_up_to(),
        }
    }

    /// Decodes as UTF-8 (replacement characters for malformed bytes), BOM removed.
    pub fn decode<'a>(&'static self, bytes: &'a [u8]) -> (Cow<'a, str>, &'static Encoding, bool) {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let (text, errors) = self.decode_without_bom_handling(bytes);
        (text, UTF_8, errors)
    }

    /// Decodes as UTF-8 with replacement characters; `true` when there were errors.
    pub fn decode_without_bom_handling<'a>(&'static self, bytes: &'a [u8]) -> (Cow<'a, str>, bool) {
        let text = String::from_utf8_lossy(bytes);
        let errors = matches!(text, Cow::Owned(_)) || !std::ptr::eq(self, UTF_8);
        (text, errors)
    }

    /// Decodes as UTF-8, `None` on malformed input or a non-UTF-8 encoding.
    pub fn decode_without_bom_handling_and_without_replacement<'a>(
        &'static self,
        bytes: &'a [u8],
    ) -> Option<Cow<'a, str>> {
        if !std::ptr::eq(self, UTF_8) {
            return None;
        }
        std::str::from_utf8(bytes).ok().map(Cow::Borrowed)
    }

    /// Encodes as UTF-8 (the text as it is); never has unmappable characters.
    pub fn encode<'a>(&'static self, string: &'a str) -> (Cow<'a, [u8]>, &'static Encoding, bool) {
        (Cow::Borrowed(string.as_bytes()), UTF_8, false)
    }

    /// A streaming UTF-8 decoder.
    pub fn new_decoder_without_bom_handling(&'static self) -> Decoder {
        Decoder
    }

    /// A streaming UTF-8 decoder.
    pub fn new_decoder(&'static self) -> Decoder {
        self.new_decoder_without_bom_handling()
    }

    /// A streaming UTF-8 encoder.
    pub fn new_encoder(&'static self) -> Encoder {
        Encoder
    }
}

/// A streaming decoder for input that is not valid UTF-8.
///
/// lol_html takes its UTF-8 fast path for every text span that is valid UTF-8 and asks a
/// decoder only for malformed bytes. The hot module only ever feeds lol_html Rust strings
/// (whole characters), so this is never reached there. Writing arbitrary characters into a
/// `&mut str` needs `unsafe`, which this crate forbids, so malformed input is dropped
/// (reported as replaced) instead of becoming U+FFFD.
#[derive(Debug)]
pub struct Decoder;

impl Decoder {
    /// The encoding (UTF-8).
    pub fn encoding(&self) -> &'static Encoding {
        UTF_8
    }

    /// Consumes `src` and writes nothing: `(InputEmpty, src.len(), 0, true)` (see the type).
    pub fn decode_to_str(
        &mut self,
        src: &[u8],
        _dst: &mut str,
        _last: bool,
    ) -> (CoderResult, usize, usize, bool) {
        (CoderResult::InputEmpty, src.len(), 0, true)
    }
}

/// A UTF-8 encoder (UTF-8 text is its own encoding).
#[derive(Debug)]
pub struct Encoder;

impl Encoder {
    /// Never pending: UTF-8 is stateless.
    pub fn has_pending_state(&self) -> bool {
        false
    }

    /// Copies as much of `src` as fits into `dst` (whole characters).
    pub fn encode_from_utf8(
        &mut self,
        src: &str,
        dst: &mut [u8],
        _last: bool,
    ) -> (CoderResult, usize, usize, bool) {
        let mut n = src.len().min(dst.len());
        while !src.is_char_boundary(n) {
            n -= 1;
        }
        dst[..n].copy_from_slice(&src.as_bytes()[..n]);
        let r = if n == src.len() {
            CoderResult::InputEmpty
        } else {
            CoderResult::OutputFull
        };
        (r, n, n, false)
    }
}
