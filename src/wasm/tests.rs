//! wasm-bindgen tests of `invoke` in headless Chromium, in a page and in a service worker
//! (lib unit tests, so that building them does not build the native CLI binary for wasm32;
//! run by `make test-wasm`).

use super::invoke;
use js_sys::{Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

// Where the tests run is chosen by the runner's environment (see `make test-wasm`):
// WASM_BINDGEN_USE_BROWSER=1 (a page) and WASM_BINDGEN_USE_SERVICE_WORKER=1 (where the
// extension's background runs: no `window`, no DOM).
/// The URL the synthetic page is read under.
const URL: &str = "https://www.amazon.co.jp/dp/B0WASMTEST";

/// A small synthetic amazon.co.jp product page.
const PAGE: &str = r#"<!doctype html>
<html lang="ja-jp"><head><meta charset="utf-8"><title>Amazon.co.jp: テスト タンブラー</title></head>
<body><div id="dp-container">
<img id="landingImage" src="https://m.media-amazon.com/images/I/61WasmMainL._AC_SX679_.jpg" data-old-hires="https://m.media-amazon.com/images/I/61WasmMainL._AC_SL1500_.jpg">
<a id="bylineInfo" href="/stores/x">ブランド: テスト工房</a>
<span id="productTitle"> テスト工房 真空断熱タンブラー 420ml ブラック </span>
<div id="variation_color_name"><span class="selection">ブラック</span></div>
<div id="feature-bullets"><ul><li><span class="a-list-item">保温・保冷</span></li></ul></div>
<input type="hidden" id="ASIN" value="B0WASMTEST">
</div></body></html>"#;

/// `s` as a JSON string literal.
fn json_str(s: &str) -> String {
    JSON::stringify(&JsValue::from_str(s))
        .unwrap()
        .as_string()
        .unwrap()
}

/// `invoke({type, args})` with `args` given as JSON text; panics on an error.
fn call(ty: &str, args_json: &str) -> JsValue {
    try_call(ty, args_json).unwrap_or_else(|e| panic!("{ty} failed: {}", text(&e)))
}

/// `invoke({type, args})` with `args` given as JSON text.
fn try_call(ty: &str, args_json: &str) -> Result<JsValue, JsValue> {
    let req = js_sys::Object::new();
    Reflect::set(&req, &"type".into(), &ty.into()).unwrap();
    let args = JSON::parse(args_json).expect("args JSON");
    Reflect::set(&req, &"args".into(), &args).unwrap();
    invoke(req.into())
}

/// A JS value as JSON text.
fn text(v: &JsValue) -> String {
    JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// `v[key]` as a string.
fn get_str(v: &JsValue, key: &str) -> Option<String> {
    Reflect::get(v, &key.into()).ok()?.as_string()
}

/// `extract` of `html` read under [`URL`].
fn extract(html: &str) -> JsValue {
    call(
        "extract",
        &format!(
            r#"{{"url": {}, "html": {}}}"#,
            json_str(URL),
            json_str(html)
        ),
    )
}

/// extract -> save -> check against the saved listing is a match.
fn round_trip() {
    let page = extract(PAGE);
    assert_eq!(get_str(&page, "kind").as_deref(), Some("product"));
    assert_eq!(get_str(&page, "asin").as_deref(), Some("B0WASMTEST"));
    assert_eq!(
        get_str(&page, "marketplace").as_deref(),
        Some("amazon.co.jp")
    );
    assert_eq!(
        get_str(&page, "title").as_deref(),
        Some("テスト工房 真空断熱タンブラー 420ml ブラック")
    );
    let page_json = text(&page);
    let listing = call(
        "save",
        &format!(r#"{{"page": {page_json}, "now_ms": 1795000000000}}"#),
    );
    assert_eq!(get_str(&listing, "asin").as_deref(), Some("B0WASMTEST"));
    assert_eq!(
        get_str(&listing, "saved_at").as_deref(),
        Some("2026-11-18T11:06:40Z")
    );
    let listing_json = text(&listing);
    let report = call(
        "check",
        &format!(
            r#"{{"listings": [{listing_json}], "page": {page_json}, "now_ms": 1795000000000}}"#
        ),
    );
    assert_eq!(
        get_str(&report, "status").as_deref(),
        Some("match"),
        "{}",
        text(&report)
    );
}

/// The same page with another main image is a mismatch on `images.main`.
fn swapped_image() {
    let page = extract(PAGE);
    let listing = call(
        "save",
        &format!(r#"{{"page": {}, "now_ms": 1795000000000}}"#, text(&page)),
    );
    let hijacked = PAGE.replace("61WasmMainL", "71HiJaCkEdL");
    let report = call(
        "extract_check",
        &format!(
            r#"{{"url": {}, "html": {}, "listings": [{}], "now_ms": 1795000001000}}"#,
            json_str(URL),
            json_str(&hijacked),
            text(&listing)
        ),
    );
    assert_eq!(get_str(&report, "status").as_deref(), Some("mismatch"));
    let t = text(&report);
    assert!(t.contains(r#""field":"images.main""#), "{t}");
    assert!(t.contains("71HiJaCkEdL"), "{t}");
}

/// Unknown types, missing args and refused operations throw `{message, details}`.
fn bad_requests() {
    let e = try_call("no_such_command", "{}").unwrap_err();
    let msg = get_str(&e, "message").expect("message");
    assert!(msg.contains("bad request"), "{msg}");
    assert!(Reflect::has(&e, &"details".into()).unwrap());

    let e = try_call("extract", r#"{"url": "x"}"#).unwrap_err();
    assert!(get_str(&e, "message").unwrap().contains("html"));

    let e = try_call("parse_listings", r#"{"text": "{\"format\": 1"}"#).unwrap_err();
    assert!(!get_str(&e, "message").unwrap().is_empty());
    let details = Reflect::get(&e, &"details".into()).unwrap();
    assert!(Reflect::get(&details, &"line".into())
        .unwrap()
        .as_f64()
        .is_some());

    let not_product = call(
        "extract",
        r#"{"url": "https://www.amazon.co.jp/s?k=x", "html": "<html><body>検索</body></html>"}"#,
    );
    let e = try_call(
        "save",
        &format!(r#"{{"page": {}, "now_ms": 0}}"#, text(&not_product)),
    )
    .unwrap_err();
    assert!(get_str(&e, "message").unwrap().contains("cannot be saved"));

    // A request that is not even an object.
    let e = invoke(JsValue::from_f64(3.0)).unwrap_err();
    assert!(get_str(&e, "message").is_some());
}
#[wasm_bindgen_test]
fn extract_save_check_is_a_match() {
    round_trip();
}

#[wasm_bindgen_test]
fn a_swapped_main_image_is_a_mismatch() {
    swapped_image();
}

#[wasm_bindgen_test]
fn bad_requests_throw_message_and_details() {
    bad_requests();
}

#[wasm_bindgen_test]
fn maps_become_plain_objects() {
    let page = extract(PAGE);
    let variations = Reflect::get(&page, &"variations".into()).unwrap();
    // json_compatible: a plain object, not a JS Map.
    assert!(variations.is_object());
    assert!(!variations.is_instance_of::<js_sys::Map>());
    assert_eq!(
        Reflect::get(&variations, &"color_name".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("ブラック")
    );
}

#[wasm_bindgen_test]
fn runs_in_a_page_or_a_service_worker() {
    // `make test-wasm` runs this file twice: in a page and in a service worker.
    let g = js_sys::global();
    let name = Reflect::get(&g, &"constructor".into())
        .and_then(|c| Reflect::get(&c, &"name".into()))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    assert!(
        name == "Window" || name == "ServiceWorkerGlobalScope",
        "unexpected global {name}"
    );
    round_trip();
}

/// The watch commands chained as the background chains them: a re-check run over one
/// listing records the hijacked page as a change, notifies once, and the case report cites
/// the case ID.
#[wasm_bindgen_test]
fn watch_commands_record_notify_schedule_and_write_the_case_text() {
    let page = extract(PAGE);
    let listing = text(&call(
        "save",
        &format!(r#"{{"page": {}, "now_ms": 1795000000000}}"#, text(&page)),
    ));
    let first = call(
        "history_record",
        &format!(
            r#"{{"history": null, "page": {}, "source": "badge", "now_ms": 1795000000000}}"#,
            text(&page)
        ),
    );
    assert_eq!(
        text(&Reflect::get(&first, &"change".into()).unwrap()),
        "null"
    );
    let hijacked = extract(&PAGE.replace("61WasmMainL", "71HiJaCkEdL"));
    let history = text(&Reflect::get(&first, &"history".into()).unwrap());
    let second = call(
        "history_record",
        &format!(
            r#"{{"history": {history}, "page": {}, "source": "recheck", "now_ms": 1795000600000}}"#,
            text(&hijacked)
        ),
    );
    let change = text(&Reflect::get(&second, &"change".into()).unwrap());
    assert!(
        change.contains("images.main") && change.contains("71HiJaCkEdL"),
        "{change}"
    );
    let history = text(&Reflect::get(&second, &"history".into()).unwrap());
    let lines = call(
        "history_timeline",
        &format!(r#"{{"history": {history}, "lang": "en"}}"#),
    );
    assert!(text(&lines).contains("71HiJaCkEdL"), "{}", text(&lines));

    let report = text(&call(
        "check",
        &format!(
            r#"{{"listings": [{listing}], "page": {}, "now_ms": 1795000600000}}"#,
            text(&hijacked)
        ),
    ));
    let n1 = call(
        "notify",
        &format!(r#"{{"state": null, "report": {report}, "lang": "ja"}}"#),
    );
    let note = Reflect::get(&n1, &"notification".into()).unwrap();
    assert!(get_str(&note, "body").unwrap().contains("B0WASMTEST"));
    let st = text(&Reflect::get(&n1, &"state".into()).unwrap());
    let n2 = call(
        "notify",
        &format!(r#"{{"state": {st}, "report": {report}, "lang": "ja"}}"#),
    );
    assert!(
        Reflect::get(&n2, &"notification".into()).unwrap().is_null(),
        "one notification per change"
    );

    let keys = r#"["amazon.co.jp/B0WASMTEST"]"#;
    let next = call(
        "schedule_next",
        &format!(
            r#"{{"state": null, "settings": {{"version": 1, "recheck_interval_hours": 6}}, "keys": {keys}, "now_ms": 1795000000000, "seed": 1}}"#
        ),
    );
    let action = Reflect::get(&next, &"action".into()).unwrap();
    assert_eq!(get_str(&action, "type").as_deref(), Some("fetch_next"));
    assert_eq!(get_str(&action, "url").as_deref(), Some(URL));
    let st = text(&Reflect::get(&next, &"state".into()).unwrap());
    let after = call(
        "schedule_result",
        &format!(
            r#"{{"state": {st}, "key": "amazon.co.jp/B0WASMTEST", "page_kind": "captcha", "now_ms": 1795000001000}}"#
        ),
    );
    let st = Reflect::get(&after, &"state".into()).unwrap();
    assert!(
        Reflect::get(&st, &"paused_until".into())
            .unwrap()
            .as_f64()
            .unwrap()
            > 1795000001000.0
    );

    let case = call(
        "case_new",
        r#"{"id": "1234567890", "marketplace": "amazon.co.jp", "opened": "2026-11-18", "now_ms": 1795000000000}"#,
    );
    let t = call(
        "case_report_text",
        &format!(r#"{{"report": {report}, "listing": {listing}, "history": {history}, "case": {}, "lang": "en"}}"#, text(&case)),
    )
    .as_string()
    .unwrap();
    assert!(t.contains("1234567890") && t.contains("71HiJaCkEdL"), "{t}");
    let e = try_call("case_new", r#"{"id": "12", "marketplace": "amazon.co.jp", "opened": "2026-11-18", "now_ms": 0, "lang": "en"}"#).unwrap_err();
    assert!(!get_str(&e, "message").unwrap().is_empty());
}

/// `read_check` reads raw bytes as `fetch` gives them (a Uint8Array), charset included: the
/// same page in Shift_JIS reads the same as in UTF-8.
#[wasm_bindgen_test]
fn read_check_takes_the_fetched_bytes() {
    let sjis_page = PAGE.replace("charset=\"utf-8\"", "charset=\"shift_jis\"");
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&sjis_page);
    let req = js_sys::Object::new();
    Reflect::set(&req, &"type".into(), &"read_check".into()).unwrap();
    let args = js_sys::Object::new();
    Reflect::set(&args, &"url".into(), &URL.into()).unwrap();
    Reflect::set(
        &args,
        &"bytes".into(),
        &js_sys::Uint8Array::from(&bytes[..]).into(),
    )
    .unwrap();
    Reflect::set(&args, &"listings".into(), &js_sys::Array::new().into()).unwrap();
    Reflect::set(&args, &"now_ms".into(), &JsValue::from_f64(1795000000000.0)).unwrap();
    Reflect::set(&req, &"args".into(), &args.into()).unwrap();
    let report = invoke(req.into()).unwrap_or_else(|e| panic!("{}", text(&e)));
    assert_eq!(get_str(&report, "status").as_deref(), Some("untracked"));
    let page = Reflect::get(&report, &"page".into()).unwrap();
    assert_eq!(
        get_str(&page, "title").as_deref(),
        Some("テスト工房 真空断熱タンブラー 420ml ブラック")
    );
}

/// The sync helpers the background's push uses: encode (with carried remote-only
/// fingerprints), the minimal diff against what sync holds, and the write allowance.
#[wasm_bindgen_test]
fn sync_encode_diff_and_allowance() {
    let page = extract(PAGE);
    let listing = call(
        "save",
        &format!(r#"{{"page": {}, "now_ms": 1795000000000}}"#, text(&page)),
    );
    let carry = r#"{"key": "amazon.com/B0ELSEWHRE", "marketplace": "amazon.com", "asin": "B0ELSEWHRE", "updated_at": "2026-11-01T00:00:00Z", "fields": {"title": "abc", "brand": "", "images.main": "61Xy", "images.gallery": "def", "variations": "", "breadcrumb": "", "bullets": "", "description": "", "seller": ""}}"#;
    let plan = call(
        "sync_encode",
        &format!(
            r#"{{"listings": [{}], "settings": null, "last_used": {{"amazon.co.jp/B0WASMTEST": 1795000000000}}, "carry": [{carry}]}}"#,
            text(&listing)
        ),
    );
    let stats = Reflect::get(&plan, &"stats".into()).unwrap();
    assert!(text(&stats).contains(r#""full":1"#), "{}", text(&stats));
    assert!(text(&stats).contains(r#""carried":1"#), "{}", text(&stats));
    let items = Reflect::get(&plan, &"items".into()).unwrap();
    let decoded = call("sync_decode", &format!(r#"{{"items": {}}}"#, text(&items)));
    assert!(text(&decoded).contains("B0ELSEWHRE"), "{}", text(&decoded));

    // Nothing stored yet: every item is set, nothing removed; then nothing to do.
    let diff = call(
        "sync_diff",
        &format!(
            r#"{{"old": {{"m": 1, "f9": [], "other": 2}}, "new": {}}}"#,
            text(&items)
        ),
    );
    let t = text(&diff);
    assert!(t.contains(r#""remove":["f9"]"#), "{t}");
    assert!(!t.contains("other"), "{t}");
    let same = call(
        "sync_diff",
        &format!(r#"{{"old": {0}, "new": {0}}}"#, text(&items)),
    );
    assert_eq!(text(&same), r#"{"set":{},"remove":[]}"#);

    let now = 1_795_000_000_000_f64;
    let free = call(
        "sync_allowance",
        &format!(r#"{{"recent_writes_ms": [], "now_ms": {now}}}"#),
    );
    assert_eq!(
        text(&free),
        format!(r#"{{"available_now":110,"next_at_ms":{now}}}"#)
    );
    let busy: Vec<String> = (0..110)
        .map(|i| format!("{}", now - 1000.0 * f64::from(i) / 10.0))
        .collect();
    let full = call(
        "sync_allowance",
        &format!(
            r#"{{"recent_writes_ms": [{}], "now_ms": {now}}}"#,
            busy.join(",")
        ),
    );
    let t = text(&full);
    assert!(t.starts_with(r#"{"available_now":0,"next_at_ms":"#), "{t}");
}

/// Case logs through sync: `sync_encode` packs them (when they fit), `sync_decode` reads
/// them back, and `sync_merge` answers the merged logs that differ from the local ones.
#[wasm_bindgen_test]
fn sync_case_logs_encode_decode_and_merge() {
    let page = extract(PAGE);
    let listing = call(
        "save",
        &format!(r#"{{"page": {}, "now_ms": 1795000000000}}"#, text(&page)),
    );
    let case = call(
        "case_new",
        r#"{"id": "1234567890", "marketplace": "amazon.co.jp", "opened": "2026-11-20", "now_ms": 1795000000000, "lang": "ja"}"#,
    );
    let key = "amazon.co.jp/B0WASMTEST";
    let plan = call(
        "sync_encode",
        &format!(
            r#"{{"listings": [{}], "settings": null, "cases": {{"{key}": [{}], "amazon.co.jp/B0NOTALIST": 7}}}}"#,
            text(&listing),
            text(&case)
        ),
    );
    let stats = text(&Reflect::get(&plan, &"stats".into()).unwrap());
    assert!(stats.contains(r#""cases_synced":1"#), "{stats}");
    assert!(stats.contains(r#""cases_local_only":[]"#), "{stats}");
    let items = Reflect::get(&plan, &"items".into()).unwrap();
    assert!(
        Reflect::has(&items, &"k0".into()).unwrap(),
        "{}",
        text(&items)
    );
    let decoded = call("sync_decode", &format!(r#"{{"items": {}}}"#, text(&items)));
    let cases = text(&Reflect::get(&decoded, &"cases".into()).unwrap());
    assert!(cases.contains(r#""id":"1234567890""#), "{cases}");

    // Another browser without the case: the merge answers the log to write.
    let merged = call(
        "sync_merge",
        &format!(
            r#"{{"local": [{}], "local_cases": {{}}, "items": {}}}"#,
            text(&listing),
            text(&items)
        ),
    );
    let to_write = Reflect::get(&merged, &"cases".into()).unwrap();
    let log = Reflect::get(&to_write, &key.into()).unwrap();
    assert!(
        text(&log).contains(r#""id":"1234567890""#),
        "{}",
        text(&merged)
    );
    // The same browser: nothing to write.
    let same = call(
        "sync_merge",
        &format!(
            r#"{{"local": [{}], "local_cases": {{"{key}": [{}]}}, "items": {}}}"#,
            text(&listing),
            text(&case),
            text(&items)
        ),
    );
    assert_eq!(text(&Reflect::get(&same, &"cases".into()).unwrap()), "{}");
}

// ---- image content (imagesig)

/// The signature of the same RGBA bytes (a Uint8Array, as the background passes them) equals the
/// one computed natively, bit for bit: every float and hash compared through its exact JSON form.
#[wasm_bindgen_test]
fn image_signature_equals_native() {
    use crate::imagesig;
    let (w, h) = (211u32, 157u32);
    let rgba = imagesig::test_pattern(w, h);
    let args = js_sys::Object::new();
    Reflect::set(&args, &"width".into(), &w.into()).unwrap();
    Reflect::set(&args, &"height".into(), &h.into()).unwrap();
    let bytes = js_sys::Uint8Array::from(rgba.as_slice());
    Reflect::set(&args, &"rgba".into(), &bytes).unwrap();
    let req = js_sys::Object::new();
    Reflect::set(&req, &"type".into(), &"image_signature".into()).unwrap();
    Reflect::set(&req, &"args".into(), &args).unwrap();
    let out = invoke(req.into()).unwrap_or_else(|e| panic!("image_signature: {}", text(&e)));
    let sig: imagesig::Signature = serde_wasm_bindgen::from_value(out).expect("a Signature");
    assert_eq!(serde_json::to_string(&sig).unwrap(), imagesig::PINNED);
    let direct = imagesig::signature(w, h, &rgba).unwrap();
    assert_eq!(serde_json::to_string(&direct).unwrap(), imagesig::PINNED);

    // Compare and refine through invoke: the same signature is `same`.
    let sig_json = imagesig::PINNED;
    let cmp = call(
        "image_compare",
        &format!(r#"{{"saved": {sig_json}, "page": {sig_json}}}"#),
    );
    assert_eq!(get_str(&cmp, "verdict").as_deref(), Some("same"));
    let bad = try_call(
        "image_signature",
        r#"{"width": 1, "height": 1, "rgba": [0,0,0,255]}"#,
    )
    .expect_err("1x1 is refused");
    assert!(text(&bad).contains("too small"), "{}", text(&bad));
}

/// `unwatch` clears the flag; with `now_ms` it moves `updated_at` on (so the change wins a
/// sync merge against the copy synced before it), without `now_ms` it keeps it.
#[wasm_bindgen_test]
fn unwatch_moves_updated_at_on_with_now_ms() {
    let page = extract(PAGE);
    let listing = call(
        "save",
        &format!(r#"{{"page": {}, "now_ms": 1795000000000}}"#, text(&page)),
    );
    let saved = get_str(&listing, "updated_at").expect("updated_at");
    let kept = call(
        "unwatch",
        &format!(r#"{{"listing": {}, "field": "title"}}"#, text(&listing)),
    );
    assert_eq!(
        get_str(&kept, "updated_at").as_deref(),
        Some(saved.as_str())
    );
    let moved = call(
        "unwatch",
        &format!(
            r#"{{"listing": {}, "field": "title", "now_ms": 1795000060000}}"#,
            text(&listing)
        ),
    );
    assert_eq!(
        get_str(&moved, "updated_at"),
        Some(crate::time::rfc3339(1_795_000_060_000))
    );
    assert_ne!(get_str(&moved, "updated_at"), Some(saved));
    let watch = Reflect::get(&moved, &"watch".into()).unwrap();
    assert_eq!(
        Reflect::get(&watch, &"title".into()).unwrap().as_bool(),
        Some(false)
    );
}

/// A saved listing's URL that gives the 404 page: `read_check` with the URL it fetched is
/// `gone`; `history_record_gone` records the first sighting once and fills its times; the
/// schedule counts it as checked; `learn` fills what an older listing does not know; a
/// Brand Registry case reopens on its own page.
#[wasm_bindgen_test]
fn gone_learn_and_case_page() {
    let page = extract(PAGE);
    let listing = call(
        "save",
        &format!(r#"{{"page": {}, "now_ms": 1795000000000}}"#, text(&page)),
    );
    let dogs = r#"<html><head><title>ページが見つかりません</title></head><body>
<a href="/ref=cs_404_logo">Amazon</a><p>お探しのページは見つかりません</p></body></html>"#;
    let req = js_sys::Object::new();
    Reflect::set(&req, &"type".into(), &"read_check".into()).unwrap();
    let args = js_sys::Object::new();
    Reflect::set(&args, &"url".into(), &URL.into()).unwrap();
    Reflect::set(&args, &"requested_url".into(), &URL.into()).unwrap();
    Reflect::set(
        &args,
        &"bytes".into(),
        &js_sys::Uint8Array::from(dogs.as_bytes()).into(),
    )
    .unwrap();
    let listings = js_sys::Array::of1(&listing);
    Reflect::set(&args, &"listings".into(), &listings.into()).unwrap();
    Reflect::set(&args, &"now_ms".into(), &JsValue::from_f64(1795000060000.0)).unwrap();
    Reflect::set(&req, &"args".into(), &args.into()).unwrap();
    let report = invoke(req.into()).unwrap_or_else(|e| panic!("{}", text(&e)));
    assert_eq!(get_str(&report, "status").as_deref(), Some("gone"));
    assert_eq!(get_str(&report, "asin").as_deref(), Some("B0WASMTEST"));

    let first = call(
        "history_record_gone",
        &format!(
            r#"{{"history": null, "report": {}, "source": "recheck", "now_ms": 1795000060000}}"#,
            text(&report)
        ),
    );
    let change = Reflect::get(&first, &"change".into()).unwrap();
    assert!(!change.is_null(), "the first sighting is a change");
    let annotated = Reflect::get(&first, &"report".into()).unwrap();
    let gone = Reflect::get(&annotated, &"gone".into()).unwrap();
    assert_eq!(get_str(&gone, "reason").as_deref(), Some("not_found"));
    assert_eq!(
        get_str(&gone, "first_seen"),
        Some(crate::time::rfc3339(1_795_000_060_000))
    );
    let history = Reflect::get(&first, &"history".into()).unwrap();
    let again = call(
        "history_record_gone",
        &format!(
            r#"{{"history": {}, "report": {}, "source": "recheck", "now_ms": 1795000120000}}"#,
            text(&history),
            text(&report)
        ),
    );
    assert!(Reflect::get(&again, &"change".into()).unwrap().is_null());
    let gone = Reflect::get(
        &Reflect::get(&again, &"report".into()).unwrap(),
        &"gone".into(),
    )
    .unwrap();
    assert_eq!(
        Reflect::get(&gone, &"confirmed".into()).unwrap().as_bool(),
        Some(true)
    );

    // The schedule counts it as checked (and changed at the first sighting), not failed.
    let next = call(
        "schedule_next",
        r#"{"state": null, "settings": {"version": 1, "recheck_interval_hours": 6}, "keys": ["amazon.co.jp/B0WASMTEST"], "now_ms": 1795000000000, "seed": 1, "start_now": true}"#,
    );
    let state = Reflect::get(&next, &"state".into()).unwrap();
    let res = call(
        "schedule_result",
        &format!(
            r#"{{"state": {}, "key": "amazon.co.jp/B0WASMTEST", "page_kind": "not_found", "changed": true, "gone": true, "now_ms": 1795000000000}}"#,
            text(&state)
        ),
    );
    let outcome = Reflect::get(&res, &"outcome".into()).unwrap();
    assert_eq!(get_str(&outcome, "type").as_deref(), Some("checked"));

    // An older listing (no family known) learns it from its page.
    let old = text(&listing).replace("\"family_known\":true", "\"family_known\":false");
    assert_ne!(old, text(&listing));
    let learned = call(
        "learn",
        &format!(
            r#"{{"listing": {old}, "page": {}, "now_ms": 1795000180000}}"#,
            text(&page)
        ),
    );
    let fields = text(&Reflect::get(&learned, &"fields".into()).unwrap());
    assert!(fields.contains("family"), "{fields}");

    // A Brand Registry case reopens on its own page.
    let case = call(
        "case_new",
        r#"{"id": "1234567890", "marketplace": "amazon.co.jp", "opened": "2026-11-03", "now_ms": 1795000000000, "lang": "ja", "brand_registry": true}"#,
    );
    let reopened = call(
        "case_reopen_text",
        &format!(
            r#"{{"case": {}, "report": {}, "history": {}, "lang": "ja"}}"#,
            text(&case),
            text(&annotated),
            text(&history)
        ),
    );
    assert_eq!(
        get_str(&reopened, "url").as_deref(),
        Some("https://brandregistry.amazon.com/cu/case-dashboard/view-case?caseID=1234567890")
    );
}

// ---- screenshots as evidence (watch::shots) ----

#[wasm_bindgen_test]
fn shot_commands_make_check_budget_and_name_a_capture() {
    let report = r#"{"status": "mismatch", "mismatches": [{"field": "images.main", "expected": "61A", "actual": "71B", "severity": "critical"}]}"#;
    let made = call(
        "shot_new",
        &format!(
            r#"{{"marketplace": "amazon.co.jp", "asin": "B0WASMTEST", "url": {}, "report": {report}, "case_id": null, "now_ms": 1796379600000}}"#,
            json_str(URL)
        ),
    );
    let shot = Reflect::get(&made, &"shot".into()).unwrap();
    assert_eq!(
        get_str(&shot, "at").as_deref(),
        Some("2026-12-04T10:20:00Z")
    );
    let stamp = text(&Reflect::get(&made, &"stamp".into()).unwrap());
    assert!(
        stamp.contains("ASIN B0WASMTEST | differs: main image"),
        "{stamp}"
    );
    // The background adds the picture: here the first bytes of a JPEG (FF D8 FF E0 00 10).
    Reflect::set(
        &shot,
        &"jpeg".into(),
        &"data:image/jpeg;base64,/9j/4AAQ".into(),
    )
    .unwrap();
    Reflect::set(&shot, &"bytes".into(), &6.into()).unwrap();
    Reflect::set(&shot, &"width".into(), &1280.into()).unwrap();
    Reflect::set(&shot, &"height".into(), &960.into()).unwrap();
    let shot_json = text(&shot);
    let added = call(
        "shots_add",
        &format!(r#"{{"shots": [], "shot": {shot_json}, "cases": []}}"#),
    );
    assert!(text(&added).contains(r#""dropped":[]"#), "{}", text(&added));
    let names = call("shot_file_names", &format!(r#"{{"shots": [{shot_json}]}}"#));
    assert_eq!(
        text(&names),
        r#"["B0WASMTEST-2026-12-04T10-20Z-main-image.jpg"]"#
    );
    let budget = call("shots_budget", "{}");
    assert_eq!(
        text(&budget),
        r#"{"max_bytes":8388608,"max_shot_bytes":3145728,"max_shots":30}"#
    );
    // Not a JPEG: refused, with the core's reason in the details.
    let png = shot_json.replace("/9j/4AAQ", "iVBORw0K");
    let err = try_call(
        "shots_add",
        &format!(r#"{{"shots": [], "shot": {png}, "cases": []}}"#),
    )
    .unwrap_err();
    let details = text(&Reflect::get(&err, &"details".into()).unwrap());
    assert!(
        details.contains(r#""kind":"malformed""#) && details.contains(r#""field":"jpeg""#),
        "{details}"
    );
}
