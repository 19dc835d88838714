//! The page reader on small synthetic Japanese pages (tests/pages/jp-*.html), written
//! after the structure of the real pages, for cases the real fixtures lack; and on
//! hostile input (arbitrary bytes, truncation, a 20 MB page).

use catalog_guard::page::{extract, read_page, PageKind};
use std::path::PathBuf;

fn page_bytes(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pages")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn brand_byline_dropdown_and_buybox_rows() {
    let page = read_page(&page_bytes("jp-brand-byline.html"), None);
    assert_eq!(page.kind, PageKind::Product);
    assert_eq!(page.marketplace.as_deref(), Some("amazon.co.jp"));
    assert_eq!(page.asin.as_deref(), Some("B0TESTJP01"));
    // Full-width characters and the ideographic space are kept; entities decoded.
    assert_eq!(
        page.title.as_deref(),
        Some("アイリスオーヤマ 電気ケトル ０.８Ｌ\u{3000}ブラック IKE-C800-B & 空焚き防止")
    );
    // 「ブランド: X」
    assert_eq!(page.brand.as_deref(), Some("アイリスオーヤマ(IRIS OHYAMA)"));
    assert_eq!(page.images, vec!["61AbCdEfGhL", "71Zz+YyXxWL"]);
    assert_eq!(
        page.variations.get("size_name").map(String::as_str),
        Some("０.８Ｌ"),
        "dropdown twister: selected option, whose end tag is omitted"
    );
    assert_eq!(
        page.variations.get("color_name").map(String::as_str),
        Some("ブラック")
    );
    assert_eq!(page.variations.len(), 2);
    assert_eq!(
        page.breadcrumb,
        vec!["ホーム＆キッチン", "キッチン家電", "電気ケトル・電気ポット"]
    );
    // The hidden fitment bullet and the blank one are not visible bullets.
    assert_eq!(
        page.bullets,
        vec![
            "【容量０.８Ｌ】カップ約５杯分のお湯がすぐに沸きます。",
            "【安心設計】空焚き防止機能付き。"
        ]
    );
    assert_eq!(
        page.description.as_deref(),
        Some("お湯がすぐに沸く、シンプルな電気ケトルです。 本体はお手入れ簡単。")
    );
    // 販売元 row with a seller link: name and merchant ID.
    let seller = page.seller.expect("seller");
    assert_eq!(seller.name, "ＸＹＺ家電ストア");
    assert_eq!(seller.id.as_deref(), Some("A1TESTSELLER9"));
    assert_eq!(page.offer_count, Some(3));
}

#[test]
fn store_byline_inline_twister_and_merchant_sentence() {
    let page = read_page(
        &page_bytes("jp-store-byline.html"),
        Some("https://www.amazon.co.jp/dp/B0TESTJP02?th=1"),
    );
    assert_eq!(page.kind, PageKind::Product);
    assert_eq!(page.marketplace.as_deref(), Some("amazon.co.jp"));
    assert_eq!(page.asin.as_deref(), Some("B0TESTJP02"));
    // 「Xのストアを表示」
    assert_eq!(page.brand.as_deref(), Some("無印良品"));
    assert_eq!(
        page.title.as_deref(),
        Some("\u{3000}無印良品\u{3000}ポリプロピレン収納ケース・引出式・深型\u{3000}約幅４４×奥行５５×高さ３０ｃｍ\u{3000}")
    );
    assert_eq!(
        page.variations.get("color_name").map(String::as_str),
        Some("ホワイトグレー")
    );
    assert_eq!(
        page.variations.get("size_name").map(String::as_str),
        Some("深型・２段")
    );
    // Empty data-old-hires, no colorImages: the largest dynamic image, %2B decoded.
    assert_eq!(page.images, vec!["71Big+OneL"]);
    // "この商品は、Amazon.co.jp が販売、発送します。"
    let seller = page.seller.expect("seller");
    assert_eq!(seller.name, "Amazon.co.jp");
    assert_eq!(seller.id, None);
    assert!(page.breadcrumb.is_empty());
    assert_eq!(page.offer_count, None);

    // Without a URL the marketplace comes from og:url.
    let bare = read_page(&page_bytes("jp-store-byline.html"), None);
    assert_eq!(bare.marketplace.as_deref(), Some("amazon.co.jp"));
}

#[test]
fn bm_verify_interstitial_is_a_captcha() {
    let page = read_page(
        &page_bytes("jp-bm-verify.html"),
        Some("https://www.amazon.co.jp/dp/B07WXL5YPW"),
    );
    assert_eq!(page.kind, PageKind::Captcha);
    assert_eq!(page.marketplace.as_deref(), Some("amazon.co.jp"));
    assert_eq!(page.asin, None);
}

#[test]
fn opfcaptcha_page_is_a_captcha() {
    let page = read_page(&page_bytes("jp-opfcaptcha.html"), None);
    assert_eq!(page.kind, PageKind::Captcha);
    assert_eq!(page.title, None);
}

#[test]
fn shift_jis_page_is_decoded() {
    let bytes = page_bytes("jp-shift-jis.html");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the file must really be Shift_JIS"
    );
    let page = read_page(
        &bytes,
        Some("http://www.amazon.co.jp/gp/product/4797300000"),
    );
    assert_eq!(page.kind, PageKind::Product);
    assert_eq!(page.asin.as_deref(), Some("4797300000"));
    assert_eq!(
        page.title.as_deref(),
        Some("はじめてのＲｕｂｙ\u{3000}入門編 (単行本)")
    );
    assert_eq!(page.images, vec!["51ABCdefGHL"]);
    assert_eq!(page.brand, None);
}

#[test]
fn charset_detection() {
    use catalog_guard::page::extract::decode;
    // BOMs win over declarations.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "<p>日本</p>".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    assert_eq!(decode(&utf16), "<p>日本</p>");
    let mut bom8 = vec![0xEF, 0xBB, 0xBF];
    bom8.extend_from_slice("<meta charset=\"shift_jis\">日本".as_bytes());
    assert_eq!(decode(&bom8), "<meta charset=\"shift_jis\">日本");
    // <meta charset> and http-equiv.
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("<meta charset=Shift_JIS>日本語");
    assert_eq!(decode(&sjis), "<meta charset=Shift_JIS>日本語");
    let (euc, _, _) = encoding_rs::EUC_JP
        .encode("<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=EUC-JP\">日本語");
    assert!(decode(&euc).ends_with("日本語"));
    let (latin, _, _) = encoding_rs::WINDOWS_1252.encode("<meta charset='iso-8859-1'>Bücher");
    assert!(decode(&latin).ends_with("Bücher"));
    // Undeclared: UTF-8, invalid bytes replaced.
    assert_eq!(decode("Bücher".as_bytes()), "Bücher");
    assert_eq!(decode(b"a\xFFb"), "a\u{FFFD}b");
    // A wrong declaration on valid UTF-8 is still obeyed (as a browser does).
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode("<meta charset=windows-1252>é".as_bytes());
    assert_eq!(decode("<meta charset=windows-1252>é".as_bytes()), text);
}

#[test]
fn title_own_text_and_wrapped_title() {
    // Own text only when the title has it (a nested "Original recording" is not title)…
    let own = extract(
        r#"<input id="ASIN" value="B0OWNTEXT1"><span id="productTitle"> Anthem <span>Original recording</span> </span>"#,
        None,
    );
    assert_eq!(own.title.as_deref(), Some("Anthem"));
    // …but a title wrapped entirely in a child element is still read, never "missing".
    let wrapped = extract(
        r#"<input id="ASIN" value="B0WRAPPED1"><span id="productTitle"> <span class="a">ケトル　黒</span> </span>"#,
        None,
    );
    assert_eq!(wrapped.title.as_deref(), Some("ケトル\u{3000}黒"));
}

#[test]
fn never_panics_on_hostile_input() {
    // Arbitrary bytes (a simple deterministic generator; no extra crates).
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for len in [0usize, 1, 7, 64, 1000, 10_000] {
        for _ in 0..20 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Bias towards markup characters.
                    const ALPHABET: &[u8] = b"<>/=\"' #.-_&;!abcdiv spanli\xE3\x81\x82\xFF\x00";
                    ALPHABET[(x % ALPHABET.len() as u64) as usize]
                })
                .collect();
            let _ = read_page(&bytes, Some("https://www.amazon.co.jp/dp/X"));
        }
    }
    // Every prefix of a real-structured page.
    let html = String::from_utf8(page_bytes("jp-brand-byline.html")).unwrap();
    for (i, _) in html.char_indices().step_by(7) {
        let page = extract(&html[..i], None);
        assert!(page.images.len() <= 2);
    }
    // A page cut off inside the title still yields what was read.
    let cut = extract(
        "<input id=ASIN value=B0TRUNCATE><span id=productTitle>Kettle 0.8 L bl",
        None,
    );
    assert_eq!(cut.title.as_deref(), Some("Kettle 0.8 L bl"));
    // Unclosed elements everywhere, deep nesting, bogus attributes.
    let nasty = format!(
        "<span id=productTitle>{}<div id=feature-bullets><li>{}<select name=dropdown_selected_x><option selected>{}",
        "<b>".repeat(10_000),
        "<li>".repeat(5_000),
        "&#xFFFFFFFF;&amp;&#0;".repeat(100)
    );
    let _ = extract(&nasty, None);
    let _ = extract("<script>'colorImages': { 'initial': [[[[[[[[[[", None);
    let _ = extract(
        "<img id=landingImage data-a-dynamic-image='{\"a\":[1e999,-1]}'>",
        None,
    );
}

#[test]
fn huge_page_is_bounded() {
    // ~20 MB: a real-structured page with a huge title, bullets and a huge script.
    let mut html = String::with_capacity(21 << 20);
    html.push_str("<html><body><input id=ASIN value=B0HUGE0001><span id=productTitle>");
    while html.len() < 4 << 20 {
        html.push_str("Very long title word &amp; more ");
    }
    html.push_str("</span><div id=feature-bullets><ul>");
    for i in 0..20_000 {
        html.push_str(&format!("<li><span>bullet {i}</span></li>"));
    }
    html.push_str("</ul></div><script>var x = '");
    while html.len() < 20 << 20 {
        html.push_str("0123456789abcdef");
    }
    html.push_str("';</script></body></html>");
    let page = extract(&html, Some("https://www.amazon.com/dp/B0HUGE0001"));
    assert_eq!(page.kind, PageKind::Product);
    let title = page.title.expect("title");
    assert!(
        title.len() <= catalog_guard::page::extract::MAX_TEXT,
        "{}",
        title.len()
    );
    assert!(title.starts_with("Very long title word & more"));
    assert_eq!(
        page.bullets.len(),
        catalog_guard::page::extract::MAX_ITEMS,
        "bullets are capped"
    );
}
