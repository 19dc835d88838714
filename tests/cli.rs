//! The `catalog-guard` binary: every exit code and error message.

mod common;

use common::{run, Out};

use catalog_guard::check::Report;
use catalog_guard::listing::{parse_listings_file, ListingsFile};
use catalog_guard::page::ProductPage;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const TOWEL_URL: &str = "https://www.amazon.co.jp/dp/B0SYNTH001";

/// Asserts exit 2 with one stderr line containing every `parts`.
fn assert_bad_input(out: &Out, parts: &[&str]) {
    assert_eq!(out.code, 2, "stderr: {}", out.stderr);
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    assert_eq!(out.stderr.lines().count(), 1, "one line: {:?}", out.stderr);
    assert!(out.stderr.starts_with("catalog-guard: "), "{}", out.stderr);
    for p in parts {
        assert!(out.stderr.contains(p), "{p:?} not in {:?}", out.stderr);
    }
}

/// A file under the temp dir with a name no other test (or test run) uses.
fn temp_file(name: &str, bytes: &[u8]) -> TempFile {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "catalog-guard-cli-{}-{n}-{name}",
        std::process::id()
    ));
    std::fs::write(&path, bytes).expect("write temp file");
    TempFile(path)
}

struct TempFile(PathBuf);

impl TempFile {
    fn s(&self) -> &str {
        self.0.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn page_path(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pages")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn saved_towel() -> TempFile {
    let out = run(&["save", "--url", TOWEL_URL, &page_path("cli-ja-towel.html")]);
    assert_eq!(out.code, 0, "save: {}", out.stderr);
    temp_file("towel.listings.json", out.stdout.as_bytes())
}

#[test]
fn help_and_version_exit_0() {
    for args in [&["--help"][..], &["-h"], &["help"], &["check", "--help"]] {
        let out = run(args);
        assert_eq!(out.code, 0, "{args:?}");
        assert!(out
            .stdout
            .contains("catalog-guard check --listings FILE [--url URL] PAGE.html"));
        assert!(out.stderr.is_empty());
    }
    let out = run(&["--version"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("catalog-guard "));
}

#[test]
fn usage_errors_exit_2() {
    assert_bad_input(&run(&[]), &["missing subcommand"]);
    assert_bad_input(
        &run(&["frobnicate"]),
        &["unknown subcommand \"frobnicate\""],
    );
    assert_bad_input(&run(&["--frob"]), &["unknown subcommand \"--frob\""]);
    assert_bad_input(
        &run(&["extract", "--colour", "x", "a.html"]),
        &["extract: unknown option \"--colour\""],
    );
    assert_bad_input(
        &run(&["extract", "--listings", "l.json", "a.html"]),
        &["extract: unknown option \"--listings\""],
    );
    assert_bad_input(&run(&["extract"]), &["extract: missing PAGE.html argument"]);
    assert_bad_input(&run(&["save", "--url"]), &["save: --url needs a value"]);
    assert_bad_input(&run(&["save", "--url="]), &["save: --url needs a value"]);
    assert_bad_input(
        &run(&["extract", "a.html", "b.html"]),
        &["extract: unexpected extra argument \"b.html\""],
    );
    assert_bad_input(
        &run(&["check", "--url", "u", "--url", "v", "a.html"]),
        &["check: --url given twice"],
    );
    assert_bad_input(
        &run(&["check", "a.html"]),
        &["check: missing --listings FILE"],
    );
    assert_bad_input(
        &run(&["check", "--listings", "l.json"]),
        &["check: missing PAGE.html argument"],
    );
    assert_bad_input(&run(&["import"]), &["import: missing REPORT.txt argument"]);
}

#[test]
fn unreadable_files_exit_2_naming_the_file() {
    let missing = std::env::temp_dir().join("catalog-guard-cli-does-not-exist.html");
    let missing = missing.to_str().unwrap();
    assert_bad_input(
        &run(&["extract", missing]),
        &[missing, "cannot read: no such file"],
    );
    let dir = std::env::temp_dir();
    let dir = dir.to_str().unwrap();
    assert_bad_input(&run(&["save", dir]), &[dir, "is a directory"]);
    let towel = page_path("cli-ja-towel.html");
    assert_bad_input(
        &run(&["check", "--listings", missing, &towel]),
        &[missing, "cannot read: no such file"],
    );
    assert_bad_input(&run(&["import", missing]), &[missing, "no such file"]);
}

#[test]
fn pages_that_are_not_html_exit_2() {
    let cases: [(&str, &[u8], &str); 6] = [
        ("empty.html", b"", "not an HTML page (the file is empty)"),
        (
            "blank.html",
            b" \n\t\n",
            "not an HTML page (the file is empty)",
        ),
        (
            "image.html",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01",
            "not an HTML page (binary data)",
        ),
        (
            "data.html",
            br#"{"format": "catalog-guard/listings"}"#,
            "not an HTML page (it is JSON)",
        ),
        ("list.html", b"[1, 2]", "not an HTML page (it is JSON)"),
        (
            "notes.txt",
            "ただのテキストです。 no tags at all > < here".as_bytes(),
            "not an HTML page (no HTML tags)",
        ),
    ];
    let listings = saved_towel();
    for (name, bytes, msg) in cases {
        let f = temp_file(name, bytes);
        assert_bad_input(&run(&["extract", f.s()]), &[f.s(), msg]);
        assert_bad_input(&run(&["save", f.s()]), &[f.s(), msg]);
        assert_bad_input(
            &run(&["check", "--listings", listings.s(), f.s()]),
            &[f.s(), msg],
        );
    }
}

#[test]
fn malformed_listings_files_exit_2() {
    let cases: [(&str, &str); 7] = [
        ("", "the listings file is empty"),
        ("{\n  \"format\": \"catalog-guard/listings\",\n  \"version\": 1,\n  listings: []\n}", "not valid JSON at line 4, column 3: key must be a string"),
        ("<html><body>oops</body></html>", "not valid JSON at line 1, column 1"),
        (r#"{"format": "other-tool/export", "version": 1, "listings": []}"#, "not a Catalog Guard listings file: \"format\" is \"other-tool/export\""),
        (r#"{"format": "catalog-guard/listings", "version": 9, "listings": []}"#, "listings file version 9 is newer than this Catalog Guard reads (up to 2)"),
        (r#"{"format": "catalog-guard/listings", "version": "1", "listings": []}"#, "\"version\" must be a whole number, found \"1\""),
        ("{\"format\": \"catalog-guard/listings\", \"version\": 1, \"listings\": [\n{\"asin\": \"B0SYNTH001\", \"marketplace\": \"amazon.co.jp\", \"updated_at\": \"x\"}]}", "invalid listings file at line 2, column 72: missing field `saved_at`"),
    ];
    let page = page_path("cli-ja-towel.html");
    for (text, msg) in cases {
        let f = temp_file("bad.listings.json", text.as_bytes());
        assert_bad_input(&run(&["check", "--listings", f.s(), &page]), &[f.s(), msg]);
    }
    let f = temp_file("latin1.json", b"{\"format\": \"caf\xe9\"}");
    assert_bad_input(
        &run(&["check", "--listings", f.s(), &page]),
        &[f.s(), "not UTF-8"],
    );
}

#[test]
fn extract_prints_the_product_page() {
    let out = run(&[
        "extract",
        "--url",
        TOWEL_URL,
        &page_path("cli-ja-towel.html"),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.is_empty());
    let page: ProductPage = serde_json::from_str(&out.stdout).expect("ProductPage JSON");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["kind"], "product");
    assert_eq!(page.asin.as_deref(), Some("B0SYNTH001"));
    assert_eq!(page.marketplace.as_deref(), Some("amazon.co.jp"));
    assert_eq!(page.main_image(), Some("71SyNthMa1L"));
    assert_eq!(
        page.variations.get("color_name").map(String::as_str),
        Some("ネイビー")
    );
    // Other pages are read too (exit 0): it is `check` that judges them.
    let out = run(&["extract", &page_path("cli-captcha.html")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("\"kind\": \"captcha\""),
        "{}",
        out.stdout
    );
}

#[test]
fn save_writes_a_listings_file_with_one_listing() {
    let f = saved_towel();
    let text = std::fs::read_to_string(&f.0).unwrap();
    let file: ListingsFile = parse_listings_file(&text).expect("valid listings file");
    assert_eq!(file.format, "catalog-guard/listings");
    assert_eq!(file.version, 2);
    assert_eq!(file.listings.len(), 1);
    let l = &file.listings[0];
    assert_eq!(
        (l.asin.as_str(), l.marketplace.as_str()),
        ("B0SYNTH001", "amazon.co.jp")
    );
    assert_eq!(l.images.first().map(String::as_str), Some("71SyNthMa1L"));
    assert!(catalog_guard::time::parse_rfc3339(&l.saved_at).is_some());
    // Re-export is identical.
    assert_eq!(file.to_json() + "\n", text);
}

#[test]
fn save_refuses_pages_it_cannot_save() {
    let captcha = page_path("cli-captcha.html");
    assert_bad_input(
        &run(&["save", &captcha]),
        &[
            &captcha,
            "not a product page (page kind: captcha), nothing to save",
        ],
    );
    // Without its canonical link and without --url, nothing says which
    // marketplace the page is from.
    let html = std::fs::read_to_string(page_path("cli-ja-towel.html"))
        .unwrap()
        .replace(
            "<link rel=\"canonical\" href=\"https://www.amazon.co.jp/dp/B0SYNTH001\">",
            "",
        );
    let bare = temp_file("no-canonical.html", html.as_bytes());
    assert_bad_input(
        &run(&["save", bare.s()]),
        &[bare.s(), "cannot tell which marketplace", "--url"],
    );
    let out = run(&["save", "--url", TOWEL_URL, bare.s()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

fn report(out: &Out) -> Report {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

#[test]
fn check_exits_0_on_match_and_1_on_mismatch() {
    let listings = saved_towel();
    let towel = page_path("cli-ja-towel.html");
    let out = run(&[
        "check",
        "--listings",
        listings.s(),
        "--url",
        TOWEL_URL,
        &towel,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(report(&out).status.as_str(), "match");
    // --opt=value works too.
    let out = run(&[
        "check",
        &format!("--listings={}", listings.s()),
        &format!("--url={TOWEL_URL}"),
        &towel,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);

    // The page after a hijack: other colour, other main image.
    let html = std::fs::read_to_string(&towel)
        .unwrap()
        .replace(
            "<span class=\"selection\">ネイビー</span>",
            "<span class=\"selection\">ピンク</span>",
        )
        .replace("71SyNthMa1L", "71HiJaCkX9L");
    let hijacked = temp_file("hijacked.html", html.as_bytes());
    let out = run(&[
        "check",
        "--listings",
        listings.s(),
        "--url",
        TOWEL_URL,
        hijacked.s(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.is_empty());
    let r = report(&out);
    assert_eq!(r.status.as_str(), "mismatch");
    let fields: Vec<&str> = r.mismatches.iter().map(|m| m.field.as_str()).collect();
    assert_eq!(fields, vec!["images.main", "variations.color_name"]);
}

#[test]
fn check_exits_0_for_every_other_status() {
    let listings = saved_towel();
    // unreadable: a captcha page.
    let out = run(&[
        "check",
        "--listings",
        listings.s(),
        &page_path("cli-captcha.html"),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(report(&out).status.as_str(), "unreadable");
    // not_product: an ordinary page.
    let other = temp_file(
        "other.html",
        b"<!doctype html><html><head><title>Amazon.co.jp</title></head><body><p>Hello</p></body></html>",
    );
    let out = run(&[
        "check",
        "--listings",
        listings.s(),
        "--url",
        "https://www.amazon.co.jp/",
        other.s(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(report(&out).status.as_str(), "not_product");
    // untracked: the listings file holds another product.
    let empty = temp_file(
        "empty.listings.json",
        br#"{"format": "catalog-guard/listings", "version": 1, "listings": []}"#,
    );
    let out = run(&[
        "check",
        "--listings",
        empty.s(),
        "--url",
        TOWEL_URL,
        &page_path("cli-ja-towel.html"),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(report(&out).status.as_str(), "untracked");
}

#[test]
fn import_reads_a_seller_central_report() {
    let missing_m = temp_file("empty-report.txt", b"");
    assert_bad_input(
        &run(&["import", missing_m.s()]),
        &[missing_m.s(), "the file is empty"],
    );
    let report = "item-name\tseller-sku\tprice\tquantity\tasin1\n\
                  サンプル織物 今治タオル バスタオル 60×120cm ネイビー\tTOWEL-NV\t1980\t5\tB0SYNTH001\n";
    let f = temp_file("All+Listings+Report.txt", report.as_bytes());
    let out = run(&["import", "--marketplace", "amazon.co.jp", f.s()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = parse_listings_file(&out.stdout).expect("listings file");
    assert_eq!(file.listings.len(), 1);
    assert_eq!(file.listings[0].asin, "B0SYNTH001");
    assert_eq!(file.listings[0].marketplace, "amazon.co.jp");
}

/// Real saved pages through the binary: the Shift_JIS 2008 page and the
/// 2022 amazon.co.jp page save and then check as `match`.
#[test]
fn real_pages_save_and_check_as_match() {
    let dir = common::fixtures_dir();
    for (name, url) in [
        (
            "amazon.co.jp/book-ruby-esoteric-4839927847-2008.html",
            "https://www.amazon.co.jp/dp/4839927847",
        ),
        (
            "amazon.co.jp/nintendo-switch-neon-B07WXL5YPW-2022.html",
            "https://www.amazon.co.jp/-/en/dp/B07WXL5YPW",
        ),
    ] {
        let page = dir.join(name);
        let page = page.to_str().unwrap();
        let out = run(&["extract", "--url", url, page]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let p: ProductPage = serde_json::from_str(&out.stdout).unwrap();
        assert!(
            p.title
                .as_deref()
                .is_some_and(|t| t.chars().any(|c| c > '\u{3000}')),
            "{name}: Japanese title decoded: {:?}",
            p.title
        );
        let out = run(&["save", "--url", url, page]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let listings = temp_file("real.listings.json", out.stdout.as_bytes());
        let out = run(&["check", "--listings", listings.s(), "--url", url, page]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert_eq!(report(&out).status.as_str(), "match", "{name}");
    }
}
