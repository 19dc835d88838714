//! Text helpers for the page reader: entity decoding, whitespace collapsing, and the
//! language rules that turn a byline or a "sold by" line into a brand or seller name.

/// Decodes HTML entities once (as a browser does for text and attribute values).
/// Double-encoded text stays encoded once, as on the amazon.de pages
/// (`Wei&amp;#xc3;&amp;#x9f;` → `Wei&#xc3;&#x9f;`).
pub fn decode_entities(raw: &str) -> String {
    if raw.contains('&') {
        html_escape::decode_html_entities(raw).into_owned()
    } else {
        raw.to_string()
    }
}

/// True for the characters collapsed as whitespace: ASCII whitespace (what CSS
/// collapses) and the no-break space (`&nbsp;`). The ideographic space U+3000 is text
/// in Japanese titles and is kept.
pub fn is_collapsible(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C' | '\u{a0}')
}

/// Collapses runs of whitespace to one space and trims both ends.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if is_collapsible(c) {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Raw (entity-encoded) text → decoded, collapsed text; `None` when empty.
pub fn clean(raw: &str) -> Option<String> {
    let s = collapse_ws(&decode_entities(raw));
    (!s.is_empty()).then_some(s)
}

/// Byline wordings that wrap a brand, per language: (prefix, suffix).
/// "Visit the X Store" (en), "Brand: X" (en), "Marke: X" (de), "Marque : X" (fr),
/// "Marca: X" (es/it/pt), "Visiter la boutique X" (fr), "Visita la tienda de X" (es),
/// "Besuche den X-Store" (de), "Visita lo Store di X" (it), "Xのストアを表示" (ja),
/// "ブランド: X" (ja).
const BRAND_WRAPPERS: &[(&str, &str)] = &[
    ("Visit the ", " Store"),
    ("Visit the ", " store"),
    ("Brand: ", ""),
    ("Brand : ", ""),
    ("Marke: ", ""),
    ("Marque : ", ""),
    ("Marque: ", ""),
    ("Marca: ", ""),
    ("Merk: ", ""),
    ("Märke: ", ""),
    ("Marka: ", ""),
    ("Visiter la boutique ", ""),
    ("Visita la tienda de ", ""),
    ("Visita lo Store di ", ""),
    ("Visita la Store di ", ""),
    ("Besuche den ", "-Store"),
    ("Besuchen Sie den ", "-Store"),
    ("Visite a loja ", ""),
    ("Bezoek de ", "-winkel"),
    ("ブランド: ", ""),
    ("ブランド：", ""),
    ("ブランド:", ""),
    ("", "のストアを表示"),
    ("", "のストアにアクセス"),
];

/// The brand inside a byline text (already collapsed), if it uses a known wording.
pub fn brand_from_wrapped(text: &str) -> Option<String> {
    for (prefix, suffix) in BRAND_WRAPPERS {
        if prefix.is_empty() && suffix.is_empty() {
            continue;
        }
        if let Some(rest) = text.strip_prefix(prefix) {
            if let Some(inner) = rest.strip_suffix(suffix) {
                let inner = inner.trim();
                if !inner.is_empty() {
                    return Some(inner.to_string());
                }
            }
        }
    }
    None
}

/// The brand of a byline: `None` for contributor/format bylines.
/// `is_link`: the byline element itself is a link (a plain brand link is used as it stands).
pub fn brand_from_byline(text: &str, is_link: bool, has_contributors: bool) -> Option<String> {
    if has_contributors {
        return None;
    }
    if let Some(b) = brand_from_wrapped(text) {
        return Some(b);
    }
    if is_link && !text.is_empty() {
        return Some(text.to_string());
    }
    None
}

/// "Sold by" sentence starts, per language: the seller name follows.
/// Each ends where one of [`SELLER_NAME_ENDS`] begins.
const SOLD_BY_PREFIXES: &[&str] = &[
    "Ships from and sold by ",
    "Dispatched from and sold by ",
    "Sold by ",
    "Verkauf und Versand durch ",
    "Verkauf durch ",
    "Expédié et vendu par ",
    "Vendu par ",
    "Vendido y enviado por ",
    "Vendido por ",
    "Venduto e spedito da ",
    "Venduto da ",
];

/// Where the seller name ends inside a "sold by" sentence.
const SELLER_NAME_ENDS: &[&str] = &[
    " and Fulfilled by",
    " and fulfilled by",
    " and ships from",
    " and dispatched",
    " und Versand",
    " et expédié",
    " y enviado",
    " e spedito",
    ". ",
];

/// The seller named in a `#merchant-info` sentence ("Ships from and sold by Amazon.com.",
/// "Sold by X and Fulfilled by Amazon.", "この商品は、X が販売、発送します。").
pub fn seller_from_sentence(text: &str) -> Option<String> {
    let text = text.trim();
    // Japanese: "X が販売、発送します。" / "X が販売し、Amazon.co.jp が発送します。"
    if let Some(pos) = text.find(" が販売").or_else(|| text.find("が販売")) {
        let head = &text[..pos];
        let head = head.rsplit(['、', '。']).next().unwrap_or(head).trim();
        let head = head.strip_prefix("この商品は").unwrap_or(head).trim();
        return (!head.is_empty()).then(|| head.to_string());
    }
    for prefix in SOLD_BY_PREFIXES {
        if let Some(at) = text.find(prefix) {
            let rest = &text[at + prefix.len()..];
            let end = SELLER_NAME_ENDS
                .iter()
                .filter_map(|e| rest.find(e))
                .min()
                .unwrap_or(rest.len());
            let name = rest[..end].trim();
            let name = name.strip_suffix('.').unwrap_or(name).trim();
            return (!name.is_empty()).then(|| name.to_string());
        }
    }
    None
}

/// The `seller=` (or `me=` / `merchantID=`) parameter of a seller link.
pub fn seller_id_from_href(href: &str) -> Option<String> {
    let query = href.split_once('?').map_or(href, |(_, q)| q);
    for pair in query.split(['&', ';']) {
        if let Some((k, v)) = pair.split_once('=') {
            if matches!(k, "seller" | "me" | "merchantID") {
                let v = v.trim();
                if !v.is_empty() && v.len() <= 32 && v.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Some(v.to_string());
                }
            }
        }
    }
    None
}

/// The first integer in parentheses or after a colon: "New (10) from $5.99" → 10,
/// "新品の出品：5" → 5.
pub fn offer_count_from_text(text: &str) -> Option<u32> {
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some(start) = text.find(open) {
            let rest = &text[start + open.len_utf8()..];
            if let Some(end) = rest.find(close) {
                if let Ok(n) = rest[..end].trim().parse::<u32>() {
                    return Some(n);
                }
            }
        }
    }
    for sep in ['：', ':'] {
        if let Some(start) = text.find(sep) {
            let digits: String = text[start + sep.len_utf8()..]
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse() {
                return Some(n);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse() {
        assert_eq!(collapse_ws("  a \n\t b&nbsp;"), "a b&nbsp;");
        assert_eq!(collapse_ws("a\u{a0}\u{a0}b "), "a b");
        assert_eq!(collapse_ws("本体\u{3000}のみ"), "本体\u{3000}のみ");
        assert_eq!(clean(" The  C &amp; D ").as_deref(), Some("The C & D"));
        assert_eq!(clean("  \n "), None);
        assert_eq!(
            clean("Wei&amp;#xc3;&amp;#x9f; + Schwarz").as_deref(),
            Some("Wei&#xc3;&#x9f; + Schwarz")
        );
    }

    #[test]
    fn brands() {
        assert_eq!(
            brand_from_byline("Visit the Gorilla Store", true, false).as_deref(),
            Some("Gorilla")
        );
        assert_eq!(
            brand_from_byline("Brand: 任天堂", true, false).as_deref(),
            Some("任天堂")
        );
        assert_eq!(
            brand_from_byline("ブランド: 任天堂", true, false).as_deref(),
            Some("任天堂")
        );
        assert_eq!(
            brand_from_byline("アイリスオーヤマのストアを表示", true, false).as_deref(),
            Some("アイリスオーヤマ")
        );
        assert_eq!(
            brand_from_byline("Visita la tienda de Cecotec", true, false).as_deref(),
            Some("Cecotec")
        );
        assert_eq!(
            brand_from_byline("Visiter la boutique Lintimes", true, false).as_deref(),
            Some("Lintimes")
        );
        assert_eq!(
            brand_from_byline("Marke: sourcing map", false, false).as_deref(),
            Some("sourcing map")
        );
        assert_eq!(
            brand_from_byline("Marca: Cecotec", false, false).as_deref(),
            Some("Cecotec")
        );
        assert_eq!(
            brand_from_byline("Lintimes", true, false).as_deref(),
            Some("Lintimes")
        );
        assert_eq!(
            brand_from_byline("Rated: NR | Format: DVD", false, false),
            None
        );
        assert_eq!(
            brand_from_byline("by Brian W. Kernighan (Author)", false, true),
            None
        );
        assert_eq!(brand_from_byline("Brand: X", true, true), None);
    }

    #[test]
    fn sellers() {
        assert_eq!(
            seller_from_sentence("Ships from and sold by Amazon.com.").as_deref(),
            Some("Amazon.com")
        );
        assert_eq!(
            seller_from_sentence("Ships from and sold by Amazon.com. Gift-wrap available.")
                .as_deref(),
            Some("Amazon.com")
        );
        assert_eq!(
            seller_from_sentence(
                "Sold by Cousin Floyd and Fulfilled by Amazon. Gift-wrap available."
            )
            .as_deref(),
            Some("Cousin Floyd")
        );
        assert_eq!(
            seller_from_sentence("Dispatched from and sold by Amazon.").as_deref(),
            Some("Amazon")
        );
        assert_eq!(
            seller_from_sentence(
                "Verkauf und Versand durch Weisser Berg. Für weitere Informationen"
            )
            .as_deref(),
            Some("Weisser Berg")
        );
        assert_eq!(
            seller_from_sentence("Verkauf durch NITZ OVERSEAS und Versand durch Amazon.")
                .as_deref(),
            Some("NITZ OVERSEAS")
        );
        assert_eq!(
            seller_from_sentence("Expédié et vendu par livres_allemands.").as_deref(),
            Some("livres_allemands")
        );
        assert_eq!(
            seller_from_sentence("Vendido y enviado por Amazon. Se puede envolver para regalo.")
                .as_deref(),
            Some("Amazon")
        );
        assert_eq!(
            seller_from_sentence("この商品は、Amazon.co.jp が販売、発送します。").as_deref(),
            Some("Amazon.co.jp")
        );
        assert_eq!(
            seller_from_sentence("この商品は、XYZショップ が販売し、Amazon.co.jp が発送します。")
                .as_deref(),
            Some("XYZショップ")
        );
        assert_eq!(seller_from_sentence("In stock."), None);
    }

    #[test]
    fn seller_ids() {
        assert_eq!(
            seller_id_from_href("/gp/help/seller/at-a-glance.html/ref=dp_merchant_link?ie=UTF8&seller=A3EL5JZNMT8SZ7&isAmazonFulfilled=1")
                .as_deref(),
            Some("A3EL5JZNMT8SZ7")
        );
        assert_eq!(
            seller_id_from_href("/shops/x?me=A2DP2EEPU3VU45").as_deref(),
            Some("A2DP2EEPU3VU45")
        );
        assert_eq!(
            seller_id_from_href("/gp/help/customer/display.html?nodeId=1"),
            None
        );
        assert_eq!(seller_id_from_href("?seller=<script>"), None);
    }

    #[test]
    fn offer_counts() {
        assert_eq!(offer_count_from_text("New (10) from $5.99"), Some(10));
        assert_eq!(offer_count_from_text("新品の出品：5￥1,000より"), Some(5));
        assert_eq!(offer_count_from_text("Other sellers"), None);
    }
}
