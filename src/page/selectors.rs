//! Every selector and page marker the reader uses, in one place, each next to the
//! fixture page(s) that prove it (`../shared/fixtures/pages/<marketplace>/<page>.html`).
//!
//! Speed rules, from profiling (see BENCHMARKS.md):
//! * every selector names its tag (`div#feature-bullets`, not `#feature-bullets`):
//!   lol_html matches tag names from its fast tag scanner and lexes attributes only for
//!   elements whose tag name could match;
//! * few entry points: the matching VM re-runs every top-level selector on every element,
//!   and a selector with an attribute condition makes it stop, lex the element's attributes
//!   and start again ("bail out") on every element of that tag. So the `span`, `a` and `img`
//!   targets share one `[id]` selector each ([`SPAN_WITH_ID`], [`A_WITH_ID`],
//!   [`IMG_WITH_ID`]), and the `div` targets one tag-only selector ([`DIV`]: a handler call
//!   per `div` costs less than ten attribute conditions); the handler dispatches on the id
//!   (the `*_ID` constants) or attribute, read from the start tag's source;
//! * no text handlers on those: lol_html fixes text handlers per selector, and one on
//!   `span[id]` would decode the text of every span with an id (on `div`, of the whole
//!   page). The content of a captured element is read from
//!   the page's own source once its end tag is seen, with the selectors relative to it (the
//!   `IN_*` constants) in a small second pass over that slice (see `extract.rs`).

/// Every `span` with an id: title spans and inline-twister values are dispatched by id.
pub const SPAN_WITH_ID: &str = "span[id]";
/// Every `a` with an id: brand bylines and the seller link are dispatched by id.
pub const A_WITH_ID: &str = "a[id]";
/// Every `img` with an id: the main-image candidates are dispatched by id.
pub const IMG_WITH_ID: &str = "img[id]";
/// Every `div`: bylines, swatch rows, breadcrumb, bullets, description, merchant info and the
/// offers link are dispatched by id, Buy Box rows by [`TABULAR_ATTR`] and
/// [`OFFER_DISPLAY_ATTR`].
pub const DIV: &str = "div";

// ---- ASIN -----------------------------------------------------------------------------

/// Every `input`; the ASIN inputs are dispatched by id/name (inputs are few, and one
/// selector is cheaper than three).
pub const INPUT: &str = "input";
/// `input#ASIN` — every detail page from 2017 on (e.g. amazon.com/gorilla-duct-tape-B00N150YS4-2021,
/// amazon.co.jp/book-ruby-esoteric-4839927847-2008 has it too, as `id="ASIN" name="ASIN"`).
pub const ASIN_INPUT_ID: &str = "ASIN";
/// `input[name="ASIN.0"]` — the 2017 Kindle page (amazon.com/kindle-whole-truth-B0011UCPM4-2017).
pub const ASIN_DOT0_INPUT_NAME: &str = "ASIN.0";
/// `input[name="ASIN"]` — the 2008 JP layout (amazon.co.jp/book-ruby-esoteric-4839927847-2008).
pub const ASIN_NAME_INPUT_NAME: &str = "ASIN";

// ---- Title ----------------------------------------------------------------------------

/// `#productTitle` is a span on every modern page; some pages also have an
/// `input#productTitle` in a hidden form, which the tag name skips.
/// Own text only: amazon.ca/cd-greta-van-fleet-anthem-B07H57DNVV-2019 nests an
/// "Original recording" span that is not part of the title.
pub const TITLE_ID: &str = "productTitle";
/// Child elements of the title, to keep its own text only (same CA CD page).
pub const IN_TITLE_CHILD: &str = "*";
/// amazon.com/kindle-whole-truth-B0011UCPM4-2017.
pub const EBOOKS_TITLE_ID: &str = "ebooksProductTitle";
/// amazon.co.jp/book-ruby-esoteric-4839927847-2008 (the binding is part of the text).
pub const BT_ASIN_TITLE_ID: &str = "btAsinTitle";
/// The offer-listing page's product name: own text of its h1
/// (amazon.com/offer-listing-0001982389-2019).
pub const OLP_TITLE: &str = "div#olpProductDetails h1";
/// Child elements of that h1 (a sub-heading div precedes the name).
pub const OLP_TITLE_CHILD: &str = "div#olpProductDetails h1 *";

// ---- Brand ----------------------------------------------------------------------------

/// A brand link: amazon.com/gorilla-duct-tape-B00N150YS4-2021 ("Visit the Gorilla Store"),
/// amazon.co.jp/nintendo-switch-neon-B07WXL5YPW-2022 ("Brand: 任天堂"),
/// amazon.co.uk/watch-vintage-quartz-B01GAWQSFW-2019 (plain "Lintimes").
pub const BYLINE_LINK_ID: &str = "bylineInfo";
/// A contributor/format byline, `div#bylineInfo`: the book, CD and DVD pages
/// (amazon.ca/dvd-the-cars-musikladen-B00004YS4O-2019: "Rated: NR | Format: DVD").
pub const BYLINE_DIV_ID: &str = "bylineInfo";
/// The older `div#byline` (amazon.co.uk/book-vegetable-perfection-1849757097-2017).
pub const BYLINE_OLD_ID: &str = "byline";
/// The 2017 Spanish layout's brand link (amazon.es/cecotec-conga-990-B01MUGXRT9-2017).
pub const BRAND_LINK_ID: &str = "brand";
/// Contributors inside a byline div mean "no brand" (every book page; amazon.de/cd-greta-...).
pub const IN_BYLINE_CONTRIBUTORS: &str = "span.author, span.contribution";

// ---- Images ---------------------------------------------------------------------------

/// `data-old-hires` and `data-a-dynamic-image` of the main image
/// (amazon.com/gorilla-duct-tape-B00N150YS4-2021; amazon.com/sainsmart-relay-module-B0057OC5O8-2017
/// has only the dynamic-image JSON filled).
pub const LANDING_IMAGE_ID: &str = "landingImage";
/// Book covers: amazon.com/book-c-programming-language-0131103628-2018.
pub const BOOK_FRONT_IMAGE_ID: &str = "imgBlkFront";
/// Kindle covers: amazon.com/kindle-whole-truth-B0011UCPM4-2017.
pub const EBOOK_FRONT_IMAGE_ID: &str = "ebooksImgBlkFront";
/// The 2008 JP layout: amazon.co.jp/book-ruby-esoteric-4839927847-2008.
pub const LEGACY_PROD_IMAGE_ID: &str = "prodImage";
/// The offer-listing thumbnail (amazon.com/offer-listing-0001982389-2019).
pub const OLP_IMAGE: &str = "div#olpProductImage img";
/// Gallery slots of the 2024+ media block, used only when the ImageBlockATF script is
/// missing (amazon.com/charmast-power-bank-B0DR8G428S-2026, whose scripts were emptied).
pub const MEDIA_BLOCK_ALT_IMAGE: &str = r#"div[data-a-image-name="mbAltImage"]"#;
/// Start of the ImageBlockATF gallery array, found by `memmem` in the raw page
/// (every product page with a gallery, e.g. amazon.in/shieldtech-case-B0GSWFSHQ4-2026-a).
pub const COLOR_IMAGES_MARKER: &str = "'colorImages'";

// ---- Variations (twister) -------------------------------------------------------------

/// Swatch twister containers, `div[id^="variation_"]`; the dimension is the id after the prefix
/// (amazon.com/gorilla-duct-tape-B00N150YS4-2021: color_name + size_name;
/// amazon.com/sainsmart-relay-module-B0057OC5O8-2017: customer_package_type).
pub const VARIATION_ID_PREFIX: &str = "variation_";
/// Swatch containers nested inside one (read in its second pass).
pub const IN_VARIATION_DIV: &str = r#"div[id^="variation_"]"#;
/// The selected value inside a swatch container.
pub const IN_VARIATION_SELECTION: &str = "span.selection";
/// Inline twister (2021+): amazon.com/charmast-power-bank-B0DR8G428S-2026 (color_name),
/// amazon.in/shieldtech-case-B0GSWFSHQ4-2026-a (size_name),
/// amazon.com/sainsmart-relay-module-B0057OC5O8-2024 (pattern_name).
/// Inline twister (2021+) value spans are `span#inline-twister-expanded-dimension-text-<dim>`.
pub const INLINE_TWISTER_PREFIX: &str = "inline-twister-expanded-dimension-text-";
/// Dropdown twister: amazon.com/palarn-women-top-B07CL39Z8Q-2018 (size_name).
pub const DROPDOWN_SELECT: &str = r#"select[name^="dropdown_selected_"]"#;
/// The selected option of a dropdown twister.
pub const DROPDOWN_SELECTED_OPTION: &str = r#"select[name^="dropdown_selected_"] option[selected]"#;
/// Name prefix of [`DROPDOWN_SELECT`].
pub const DROPDOWN_PREFIX: &str = "dropdown_selected_";

// ---- Breadcrumb, bullets, description --------------------------------------------------

/// The breadcrumb container, `div#wayfinding-breadcrumbs_feature_div`.
pub const BREADCRUMB_ID: &str = "wayfinding-breadcrumbs_feature_div";
/// Category links inside it (amazon.de/chair-cover-B01LW7X0JJ-2019); `a#breadcrumb-back-link`
/// ("‹ Back to results", amazon.com/led-wall-sconce-B07G2L3JMM-2019) is skipped.
pub const IN_BREADCRUMB_LINK: &str = "li a";
/// Id of the back link that is not a category.
pub const BREADCRUMB_BACK_LINK_ID: &str = "breadcrumb-back-link";
/// The bullets container, `div#feature-bullets`.
pub const BULLETS_ID: &str = "feature-bullets";
/// Bullets inside it; `li.aok-hidden` (replacementPartsFitmentBullet on
/// amazon.com/gorilla-duct-tape-B00N150YS4-2021) are not visible and skipped.
pub const IN_BULLET: &str = "li";
/// Class of hidden bullets.
pub const HIDDEN_CLASS: &str = "aok-hidden";
/// Product description, `div#productDescription` (amazon.in/shieldtech-case-B0GSWFSHQ4-2026-a).
pub const DESCRIPTION_ID: &str = "productDescription";
/// Block elements inside the description, which separate words.
pub const IN_DESCRIPTION_BLOCKS: &str = "p, br, div, li";

// ---- Seller and offers ----------------------------------------------------------------

/// The seller link with `seller=ID` (amazon.com/led-wall-sconce-B07G2L3JMM-2019 in
/// #merchant-info; amazon.com/sainsmart-relay-module-B0057OC5O8-2024 in the offer display).
pub const SELLER_LINK_ID: &str = "sellerProfileTriggerId";
/// `div#merchant-info`: "Ships from and sold by Amazon.com." (amazon.com/gorilla-duct-tape-B00N150YS4-2021),
/// "Verkauf und Versand durch Amazon." (amazon.de/book-confidence-code-girls-0062796984-2019).
pub const MERCHANT_INFO_ID: &str = "merchant-info";
/// The seller's link inside #merchant-info, with `seller=ID`
/// ("Sold by <a>Cousin Floyd</a> and Fulfilled by Amazon": amazon.ca/cd-greta-van-fleet-anthem-B07H57DNVV-2019).
pub const IN_MERCHANT_INFO_LINK: &str = "a";
/// 2024+ offer display: `div[offer-display-feature-name="desktop-merchant-info"]`
/// (amazon.com/charmast-power-bank-B0DR8G428S-2026) …
pub const OFFER_DISPLAY_ATTR: (&str, &str) =
    ("offer-display-feature-name", "desktop-merchant-info");
/// … and the "Sold by" value inside it.
pub const IN_OFFER_DISPLAY_SELLER: &str = "span.offer-display-feature-text-message";
/// 2021–2023 tabular buy box rows, `div[tabular-attribute-name]` ("Ships from" / 出荷元,
/// "Sold by" / 販売元); structure as in the synthetic tests/pages/jp-brand-byline.html.
pub const TABULAR_ATTR: &str = "tabular-attribute-name";
/// Row labels of [`TABULAR_ATTR`] that hold the seller.
pub const TABULAR_SELLER_LABELS: &[&str] = &[
    "Sold by",
    "販売元",
    "Verkauf durch",
    "Vendu par",
    "Vendido por",
    "Venduto da",
];
/// Offers on the offer-listing page: one `div.olpOffer` each
/// (amazon.com/offer-listing-0001982389-2019 has 10).
pub const OLP_OFFER: &str = "div.olpOffer";
/// "New (5) from $9.99" links on detail pages, `div#olp_feature_div`.
pub const OLP_LINK_WIDGET_ID: &str = "olp_feature_div";

// ---- Buy Box and availability ---------------------------------------------------------

/// Buy Box buttons, dispatched on the `input` id: "Add to Cart" (every buyable detail page
/// from 2017 on, e.g. amazon.co.uk/chair-cover-B01LW7X0JJ-2019), "Buy Now"
/// (amazon.com/gorilla-duct-tape-B00N150YS4-2021) and Kindle's "Buy now with 1-Click"
/// (amazon.com/kindle-whole-truth-B0011UCPM4-2017 and -2024).
pub const BUY_BOX_INPUT_IDS: &[&str] =
    &["add-to-cart-button", "buy-now-button", "one-click-button"];
/// The 2008 layout's cart button, by `input` name (amazon.co.jp/book-ruby-esoteric-4839927847-2008).
pub const BUY_BOX_INPUT_NAME: &str = "submit.add-to-cart";
/// The availability line, found by `memmem` on pages without a Buy Box button (its text is
/// read up to the div's end): "Currently unavailable." (amazon.co.uk/palarn-women-top-B07CL39Z8Q-2019),
/// "Derzeit nicht verfügbar." (amazon.de/watch-vintage-quartz-B01GAWQSFW-2019).
pub const AVAILABILITY_MARKER: &str = "id=\"availability\"";
/// The out-of-stock Buy Box: amazon.com/watch-vintage-quartz-B01GAWQSFW-2018,
/// amazon.de/watch-vintage-quartz-B01GAWQSFW-2019, amazon.fr/watch-vintage-quartz-B01GAWQSFW-2019
/// (`div#outOfStock`, found by `memmem` on pages without a Buy Box button).
pub const OUT_OF_STOCK_MARKER: &str = "id=\"outOfStock\"";
/// No Buy Box, only "See All Buying Options" (`span#buybox-see-all-buying-choices`:
/// amazon.com/dvd-the-cars-musikladen-B00004YS4O-2019, amazon.de/…: "Alle Angebote",
/// amazon.fr/…: "Voir toutes les offres").
pub const SEE_ALL_BUYING_CHOICES_MARKER: &str = "id=\"buybox-see-all-buying-choices\"";
/// Availability wordings that mean "no Buy Box", per language (checked in the text of
/// the availability line, lower-cased).
/// 現在在庫切れです as in the synthetic tests/pages/jp-unavailable.html.
pub const UNAVAILABLE_TEXTS: &[&str] = &[
    "currently unavailable",
    "現在在庫切れです",
    "現在お取り扱いできません",
    "derzeit nicht verfügbar",
    "actuellement indisponible",
    "no disponible",
    "attualmente non disponibile",
    "momenteel niet verkrijgbaar",
    "momenteel niet beschikbaar",
    "não disponível",
    "obecnie niedostępny",
    "för närvarande inte tillgänglig",
    "şu anda mevcut değil",
];
/// Wordings of a listing that no longer exists ("This item is no longer available",
/// この商品は現在お取り扱いできません): the page is read as `not_found`, its ASIN kept
/// (synthetic tests/pages/en-no-longer-available.html, tests/pages/jp-no-longer-available.html).
pub const NO_LONGER_AVAILABLE_TEXTS: &[&str] = &[
    "no longer available",
    "この商品は現在お取り扱いできません",
    "nicht mehr verfügbar",
    "n'est plus disponible",
    "ya no está disponible",
    "non è più disponibile",
];

// ---- Marketplace ----------------------------------------------------------------------

/// `<link rel="canonical" href="https://www.amazon.de/...">` (most detail pages).
pub const CANONICAL: &str = r#"link[rel="canonical"]"#;
/// `<meta property="og:url">` (2024+ pages).
pub const OG_URL: &str = r#"meta[property="og:url"]"#;
/// Markers before a quoted marketplace ID (`ue_mid = 'ATVPDKIKX0DER'`: 2018+ pages;
/// `"obfuscatedMarketplaceId":"…"`: amazon.com/kindle-whole-truth-B0011UCPM4-2017).
pub const MARKETPLACE_ID_MARKERS: &[&str] = &["ue_mid", "obfuscatedMarketplaceId", "marketplaceId"];

// ---- Page kinds (raw-text markers; checked only when the page is not a product) --------

/// Bot walls. amazon.com/captcha-robot-check-2019 ("Robot Check", `/errors/validateCaptcha`),
/// amazon.fr/bot-wall-aws-waf-challenge-2026 (`gokuProps`, `awswaf`); opfcaptcha and the
/// `bm-verify` interstitial as in tests/pages/jp-opfcaptcha.html and tests/pages/jp-bm-verify.html.
pub const CAPTCHA_MARKERS: &[&str] = &[
    "/errors/validateCaptcha",
    "opfcaptcha",
    "gokuProps",
    "awsWafCookieDomainList",
    ".awswaf.com",
    "AwsWafIntegration",
    "bm-verify",
    "<title dir=\"ltr\">Robot Check</title>",
    "<title>Robot Check</title>",
    "captchacharacters",
];
/// The dogs 404 page ("Sorry! We couldn't find that page", `ref=cs_404_link`;
/// 「お探しのページは見つかりません」 on amazon.co.jp), as in the synthetic
/// tests/pages/en-404-dogs.html and tests/pages/jp-404-dogs.html.
pub const NOT_FOUND_MARKERS: &[&str] = &[
    "cs_404_link",
    "cs_404_logo",
    "404 - Document Not Found",
    "Page Not Found",
    "error/en_US/title._TTD_",
    "error/ja_JP/title._TTD_",
    "couldn't find that page",
    "couldn&#39;t find that page",
    "お探しのページは見つかりません",
    "ページが見つかりません",
];
/// The dogs 503 page (amazon.com/error-503-dog-page-2024).
pub const ERROR_MARKERS: &[&str] = &[
    "cs_503_link",
    "500_503._TTD_",
    "503 - Service Unavailable Error",
    "cs_500_link",
];
/// The offer-listing page (amazon.com/offer-listing-0001982389-2019).
pub const OFFER_LISTING_MARKER: &str = "id=\"olpProductDetails\"";

/// Every lol_html selector above, parsed once per process.
pub const ALL: &[&str] = &[
    SPAN_WITH_ID,
    A_WITH_ID,
    IMG_WITH_ID,
    DIV,
    INPUT,
    IN_TITLE_CHILD,
    OLP_TITLE,
    OLP_TITLE_CHILD,
    IN_BYLINE_CONTRIBUTORS,
    OLP_IMAGE,
    MEDIA_BLOCK_ALT_IMAGE,
    IN_VARIATION_DIV,
    IN_VARIATION_SELECTION,
    DROPDOWN_SELECT,
    DROPDOWN_SELECTED_OPTION,
    IN_BREADCRUMB_LINK,
    IN_BULLET,
    IN_DESCRIPTION_BLOCKS,
    IN_MERCHANT_INFO_LINK,
    IN_OFFER_DISPLAY_SELLER,
    OLP_OFFER,
    CANONICAL,
    OG_URL,
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_selector_parses() {
        for s in super::ALL {
            assert!(s.parse::<lol_html::Selector>().is_ok(), "{s}");
        }
    }
}
