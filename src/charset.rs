//! Character encodings of raw bytes (fetched pages, Seller Central report files): label
//! lookup, byte order marks and decoding, from one of two sources with the same WHATWG
//! Encoding Standard behind them:
//!
//! * `encoding_rs` (the CLI, the native tests, every build without `browser-charsets`);
//! * on wasm32 with the feature `browser-charsets` (the full wasm module), the browser's
//!   `TextDecoder`. That build replaces `encoding_rs` by the UTF-8-only stand-in
//!   (crates/encoding-utf8): lol_html picks its decoder at run time, so the real crate's
//!   legacy tables (about 140 KB gzipped) could not be dropped by the linker otherwise.
//!   tests/e2e/hot-wasm.test.mjs compares the module's `read_check` of every real page's
//!   raw bytes with the CLI's report on the same file.
//!
//! An [`Encoding`] is named by its canonical WHATWG name (`UTF-8`, `Shift_JIS`, …).

/// A character encoding found by [`for_label`] or [`for_bom`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8.
    Utf8,
    /// UTF-16 little-endian.
    Utf16Le,
    /// UTF-16 big-endian.
    Utf16Be,
    /// Shift_JIS as the WHATWG standard has it (Windows CP932).
    ShiftJis,
    /// Any other encoding the standard knows, by its canonical name.
    Other(&'static str),
}

impl Encoding {
    /// The canonical WHATWG name.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::ShiftJis => "Shift_JIS",
            Encoding::Other(name) => name,
        }
    }

    fn from_name(name: &'static str) -> Encoding {
        match name {
            "UTF-8" => Encoding::Utf8,
            "UTF-16LE" => Encoding::Utf16Le,
            "UTF-16BE" => Encoding::Utf16Be,
            "Shift_JIS" => Encoding::ShiftJis,
            other => Encoding::Other(other),
        }
    }
}

/// The encoding a byte order mark at the start of `bytes` names, and the mark's length.
pub fn for_bom(bytes: &[u8]) -> Option<(Encoding, usize)> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        Some((Encoding::Utf8, 3))
    } else if bytes.starts_with(b"\xFF\xFE") {
        Some((Encoding::Utf16Le, 2))
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some((Encoding::Utf16Be, 2))
    } else {
        None
    }
}

/// UTF-16 without tables (both sources agree on it): `None` for an odd length or an
/// unpaired surrogate when `strict`, else replacement characters.
fn utf16(bytes: &[u8], big_endian: bool, strict: bool) -> Option<String> {
    if strict && bytes.len() % 2 != 0 {
        return None;
    }
    let units = bytes.chunks_exact(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    let mut out = String::with_capacity(bytes.len());
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => out.push(c),
            Err(_) if strict => return None,
            Err(_) => out.push(char::REPLACEMENT_CHARACTER),
        }
    }
    if bytes.len() % 2 != 0 {
        out.push(char::REPLACEMENT_CHARACTER);
    }
    Some(out)
}

/// `bytes` decoded as `enc` (a BOM is not looked at), malformed sequences replaced.
pub fn decode(enc: Encoding, bytes: &[u8]) -> String {
    match enc {
        Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Encoding::Utf16Le => utf16(bytes, false, false).unwrap_or_default(),
        Encoding::Utf16Be => utf16(bytes, true, false).unwrap_or_default(),
        other => source::decode(other.name(), bytes, false).unwrap_or_default(),
    }
}

/// `bytes` decoded as `enc` (a BOM is not looked at); `None` at the first malformed sequence.
pub fn decode_strict(enc: Encoding, bytes: &[u8]) -> Option<String> {
    match enc {
        Encoding::Utf8 => std::str::from_utf8(bytes).ok().map(str::to_string),
        Encoding::Utf16Le => utf16(bytes, false, true),
        Encoding::Utf16Be => utf16(bytes, true, true),
        other => source::decode(other.name(), bytes, true),
    }
}

/// The encoding a label names (`shift_jis`, `sjis`, `x-sjis`, `utf8`, …: the WHATWG label
/// table, ASCII case-insensitive, surrounding whitespace ignored), `None` when unknown.
pub fn for_label(label: &[u8]) -> Option<Encoding> {
    source::for_label(label).map(Encoding::from_name)
}

#[cfg(not(all(target_arch = "wasm32", feature = "browser-charsets")))]
mod source {
    pub fn for_label(label: &[u8]) -> Option<&'static str> {
        encoding_rs::Encoding::for_label(label).map(encoding_rs::Encoding::name)
    }

    pub fn decode(name: &str, bytes: &[u8], strict: bool) -> Option<String> {
        let enc = encoding_rs::Encoding::for_label(name.as_bytes())?;
        if strict {
            enc.decode_without_bom_handling_and_without_replacement(bytes)
                .map(std::borrow::Cow::into_owned)
        } else {
            Some(enc.decode_without_bom_handling(bytes).0.into_owned())
        }
    }
}

#[cfg(all(target_arch = "wasm32", feature = "browser-charsets"))]
mod source {
    /// The canonical names of the standard; `TextDecoder.encoding` gives them in lower case.
    const NAMES: &[&str] = &[
        "UTF-8",
        "IBM866",
        "ISO-8859-2",
        "ISO-8859-3",
        "ISO-8859-4",
        "ISO-8859-5",
        "ISO-8859-6",
        "ISO-8859-7",
        "ISO-8859-8",
        "ISO-8859-8-I",
        "ISO-8859-10",
        "ISO-8859-13",
        "ISO-8859-14",
        "ISO-8859-15",
        "ISO-8859-16",
        "KOI8-R",
        "KOI8-U",
        "macintosh",
        "windows-874",
        "windows-1250",
        "windows-1251",
        "windows-1252",
        "windows-1253",
        "windows-1254",
        "windows-1255",
        "windows-1256",
        "windows-1257",
        "windows-1258",
        "x-mac-cyrillic",
        "GBK",
        "gb18030",
        "Big5",
        "EUC-JP",
        "ISO-2022-JP",
        "Shift_JIS",
        "EUC-KR",
        "UTF-16BE",
        "UTF-16LE",
        "x-user-defined",
    ];

    /// A `TextDecoder` for `label` (throws, so `None`, for labels the standard does not know
    /// and for the "replacement" labels, which `encoding_rs` maps to its replacement decoder).
    /// Only legacy encodings come here, which have no BOM handling.
    fn decoder(label: &str, strict: bool) -> Option<web_sys::TextDecoder> {
        let options = web_sys::TextDecoderOptions::new();
        options.set_fatal(strict);
        web_sys::TextDecoder::new_with_label_and_options(label, &options).ok()
    }

    pub fn for_label(label: &[u8]) -> Option<&'static str> {
        let label = std::str::from_utf8(label).ok()?;
        let found = decoder(label, false)?.encoding();
        NAMES
            .iter()
            .copied()
            .find(|n| n.eq_ignore_ascii_case(&found))
    }

    pub fn decode(name: &str, bytes: &[u8], strict: bool) -> Option<String> {
        decoder(name, strict)?.decode_with_u8_array(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_boms_and_decoding() {
        assert_eq!(for_label(b" SJIS "), Some(Encoding::ShiftJis));
        assert_eq!(for_label(b"x-sjis"), Some(Encoding::ShiftJis));
        assert_eq!(for_label(b"utf8"), Some(Encoding::Utf8));
        assert_eq!(for_label(b"euc-jp"), Some(Encoding::Other("EUC-JP")));
        assert_eq!(for_label(b"no-such-charset"), None);
        assert_eq!(for_bom(b"\xEF\xBB\xBFa"), Some((Encoding::Utf8, 3)));
        assert_eq!(for_bom(b"\xFF\xFEa\x00"), Some((Encoding::Utf16Le, 2)));
        assert_eq!(for_bom(b"<html>"), None);
        // 0x8160 is U+FF5E in the WHATWG (CP932) table.
        assert_eq!(
            decode(Encoding::ShiftJis, b"\x83e\x83X\x83g\x81\x60"),
            "テスト～"
        );
        assert_eq!(decode_strict(Encoding::ShiftJis, b"\x83"), None);
        assert_eq!(
            decode(Encoding::Utf16Le, b"a\x00\x00\xD8b\x00"),
            "a\u{FFFD}b"
        );
        assert_eq!(decode_strict(Encoding::Utf16Be, b"\x00a\x00"), None);
        assert_eq!(decode(Encoding::Utf16Be, b"\x00a\x00"), "a\u{FFFD}");
    }

    /// The table-free UTF-16 decoding gives what encoding_rs gives.
    #[test]
    fn utf16_as_encoding_rs() {
        let cases: [&[u8]; 5] = [
            b"a\x00b\x00",
            b"\x00\xD8a\x00",
            b"a\x00\x00",
            b"\x3D\xD8\x00\xDE",
            b"\x00\xDC\x00\xD8",
        ];
        for bytes in cases {
            let want = encoding_rs::UTF_16LE.decode_without_bom_handling(bytes).0;
            assert_eq!(decode(Encoding::Utf16Le, bytes), want, "{bytes:?}");
            let strict =
                encoding_rs::UTF_16LE.decode_without_bom_handling_and_without_replacement(bytes);
            assert_eq!(
                decode_strict(Encoding::Utf16Le, bytes).as_deref(),
                strict.as_deref(),
                "{bytes:?}"
            );
        }
    }
}
