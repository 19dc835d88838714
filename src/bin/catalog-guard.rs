//! The `catalog-guard` command-line tool: the same core as the extension,
//! over saved pages and listings files.
//!
//! Exit codes: 0 success (and every `check` status but `mismatch`),
//! 1 `check` found a mismatch, 2 bad input or usage, with one line on stderr
//! naming the file (or argument) and the problem. No other codes.

use catalog_guard::check::{self, Status};
use catalog_guard::imagesig;
use catalog_guard::import::seller_central;
use catalog_guard::listing::{self, Listing, ListingsFile};
use catalog_guard::page::{self, PageKind, ProductPage};
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
catalog-guard — check Amazon product pages against your saved listing data

Usage:
  catalog-guard extract [--url URL] PAGE.html                 ProductPage JSON on stdout
  catalog-guard save    [--url URL] PAGE.html                 a listings file holding one listing
  catalog-guard check --listings FILE [--url URL] PAGE.html   Report JSON on stdout
  catalog-guard import [--marketplace M] REPORT.txt           listings file from a Seller Central report
  catalog-guard compare-images SAVED.jpg PAGE.jpg             same/recoloured/different JSON (JPEG, PNG, WebP)

Options:
  --url URL          the address the page was served under (gives the marketplace)
  --listings FILE    a catalog-guard/listings file (from `save`, `import` or the extension's export)
  --marketplace M    marketplace for a report that does not name one, e.g. amazon.co.jp
  -h, --help         this help
  -V, --version      the version

Exit status: 0 success (for `check`: match, untracked, not_product or unreadable),
1 `check` found a mismatch, 2 bad input (one line on stderr says which file and what is wrong).
";

/// A failure: exit 2 with this one line on stderr.
struct Fail(String);

fn fail<T>(msg: impl Into<String>) -> Result<T, Fail> {
    Err(Fail(msg.into()))
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(Fail(msg)) => {
            // A single line, whatever the message holds.
            let line = msg.replace(['\n', '\r'], " ");
            let _ = writeln!(std::io::stderr(), "catalog-guard: {line}");
            ExitCode::from(2)
        }
    }
}

/// Options and the one positional argument of a subcommand.
#[derive(Default)]
struct Args {
    url: Option<String>,
    listings: Option<PathBuf>,
    marketplace: Option<String>,
    file: Option<PathBuf>,
    help: bool,
}

/// Parses the arguments after the subcommand `cmd`; `allowed` lists the
/// value options it takes (`--url`, `--listings`, `--marketplace`).
fn parse_args(cmd: &str, args: &[OsString], allowed: &[&str]) -> Result<Args, Fail> {
    let mut out = Args::default();
    let mut it = args.iter();
    let mut only_positional = false;
    while let Some(arg) = it.next() {
        let text = arg.to_str();
        let bytes = arg.as_encoded_bytes();
        let is_option = !only_positional && bytes.len() > 1 && bytes[0] == b'-';
        if !is_option {
            if out.file.is_some() {
                return fail(format!(
                    "{cmd}: unexpected extra argument {:?} (one file at a time; see --help)",
                    arg.to_string_lossy()
                ));
            }
            out.file = Some(PathBuf::from(arg));
            continue;
        }
        let Some(text) = text else {
            return fail(format!(
                "{cmd}: unknown option {:?} (see --help)",
                arg.to_string_lossy()
            ));
        };
        if text == "--" {
            only_positional = true;
            continue;
        }
        if text == "-h" || text == "--help" {
            out.help = true;
            continue;
        }
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(OsString::from(v))),
            _ => (text, None),
        };
        if !allowed.contains(&name) {
            return fail(format!("{cmd}: unknown option {name:?} (see --help)"));
        }
        let value = match inline {
            Some(v) => v,
            None => match it.next() {
                Some(v) => v.clone(),
                None => return fail(format!("{cmd}: {name} needs a value")),
            },
        };
        if value.is_empty() {
            return fail(format!("{cmd}: {name} needs a value"));
        }
        let utf8 = |v: &OsStr| -> Result<String, Fail> {
            match v.to_str() {
                Some(s) => Ok(s.to_string()),
                None => fail(format!("{cmd}: {name} value is not valid UTF-8")),
            }
        };
        let twice = || fail(format!("{cmd}: {name} given twice"));
        match name {
            "--url" => {
                if out.url.is_some() {
                    return twice();
                }
                out.url = Some(utf8(&value)?);
            }
            "--marketplace" => {
                if out.marketplace.is_some() {
                    return twice();
                }
                out.marketplace = Some(utf8(&value)?);
            }
            _ => {
                if out.listings.is_some() {
                    return twice();
                }
                out.listings = Some(PathBuf::from(value));
            }
        }
    }
    Ok(out)
}

fn run(args: &[OsString]) -> Result<ExitCode, Fail> {
    let Some(first) = args.first() else {
        return fail("missing subcommand: extract, save, check or import (see --help)");
    };
    let cmd = first.to_string_lossy();
    let rest = &args[1..];
    match cmd.as_ref() {
        "-h" | "--help" | "help" => {
            print(USAGE)?;
            Ok(ExitCode::SUCCESS)
        }
        "-V" | "--version" => {
            print(&format!("catalog-guard {}\n", env!("CARGO_PKG_VERSION")))?;
            Ok(ExitCode::SUCCESS)
        }
        "extract" | "save" => {
            let a = parse_args(&cmd, rest, &["--url"])?;
            if a.help {
                print(USAGE)?;
                return Ok(ExitCode::SUCCESS);
            }
            let path = need_file(&cmd, a.file, "PAGE.html")?;
            let page = read_page_file(&path, a.url.as_deref())?;
            if cmd == "extract" {
                print_json(&page)?;
            } else {
                let listing = listing_from(&path, &page)?;
                print(&(ListingsFile::new(vec![listing]).to_json() + "\n"))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        "check" => {
            let a = parse_args(&cmd, rest, &["--url", "--listings"])?;
            if a.help {
                print(USAGE)?;
                return Ok(ExitCode::SUCCESS);
            }
            let Some(listings_path) = a.listings else {
                return fail("check: missing --listings FILE (see --help)");
            };
            let path = need_file(&cmd, a.file, "PAGE.html")?;
            let listings = read_listings_file(&listings_path)?;
            let page = read_page_file(&path, a.url.as_deref())?;
            // With the URL: a saved listing's URL that gives a 404 page, another ASIN or a
            // "no longer available" page is `gone` (exit 0, like every status but mismatch).
            let report =
                check::check_request(&listings.listings, &page, a.url.as_deref(), &now());
            print_json(&report)?;
            Ok(if report.status == Status::Mismatch {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        "import" => {
            let a = parse_args(&cmd, rest, &["--marketplace"])?;
            if a.help {
                print(USAGE)?;
                return Ok(ExitCode::SUCCESS);
            }
            let path = need_file(&cmd, a.file, "REPORT.txt")?;
            let bytes = read_file(&path)?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return fail(format!("{}: the file is empty", path.display()));
            }
            let listings = seller_central::parse_report(&bytes, a.marketplace.as_deref(), &now())
                .map_err(|e| Fail(format!("{}: {e}", path.display())))?;
            print(&(ListingsFile::new(listings).to_json() + "\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        "compare-images" => compare_images(rest),
        other => fail(format!(
            "unknown subcommand {other:?}: expected extract, save, check, import or compare-images (see --help)"
        )),
    }
}

/// `compare-images SAVED PAGE`: the verdict, distance and both images' dominant colours.
fn compare_images(args: &[OsString]) -> Result<ExitCode, Fail> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print(USAGE)?;
        return Ok(ExitCode::SUCCESS);
    }
    let [saved, page] = args else {
        return fail(format!(
            "compare-images: expected two image files, SAVED and PAGE, got {} argument(s) (see --help)",
            args.len()
        ));
    };
    let signature = |path: &OsString| -> Result<imagesig::Signature, Fail> {
        let path = Path::new(path);
        let bytes = read_file(path)?;
        let img = imagesig::decode::decode(&bytes)
            .map_err(|e| Fail(format!("{}: {e}", path.display())))?;
        imagesig::signature(img.width, img.height, &img.rgba)
            .map_err(|e| Fail(format!("{}: {e}", path.display())))
    };
    let (saved, page) = (signature(saved)?, signature(page)?);
    let cmp = imagesig::compare(&saved, &page).map_err(|e| Fail(e.to_string()))?;
    print_json(&cmp)?;
    Ok(ExitCode::SUCCESS)
}

fn now() -> String {
    catalog_guard::time::rfc3339(catalog_guard::time::now_ms())
}

fn need_file(cmd: &str, file: Option<PathBuf>, what: &str) -> Result<PathBuf, Fail> {
    match file {
        Some(f) => Ok(f),
        None => fail(format!("{cmd}: missing {what} argument (see --help)")),
    }
}

fn print(text: &str) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .or_else(|e| match e.kind() {
            // The reader went away (`| head`): nothing more to say.
            std::io::ErrorKind::BrokenPipe => Ok(()),
            _ => Err(Fail(format!("cannot write to stdout: {}", io_message(&e)))),
        })
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Fail> {
    match serde_json::to_string_pretty(value) {
        Ok(s) => print(&(s + "\n")),
        Err(e) => fail(format!("cannot write JSON: {e}")),
    }
}

/// An io::Error as a short lower-case phrase, without "(os error N)".
fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file".into(),
        PermissionDenied => "permission denied".into(),
        IsADirectory => "is a directory, not a file".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s.to_lowercase(),
            }
        }
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, Fail> {
    if path.is_dir() {
        return fail(format!("{}: is a directory, not a file", path.display()));
    }
    std::fs::read(path).map_err(|e| {
        Fail(format!(
            "{}: cannot read: {}",
            path.display(),
            io_message(&e)
        ))
    })
}

fn read_page_file(path: &Path, url: Option<&str>) -> Result<ProductPage, Fail> {
    let bytes = read_file(path)?;
    if let Err(why) = sniff_html(&bytes) {
        return fail(format!("{}: not an HTML page ({why})", path.display()));
    }
    Ok(page::read_page(&bytes, url))
}

/// Whether `bytes` look like an HTML page: `Err` says why not.
fn sniff_html(bytes: &[u8]) -> Result<(), &'static str> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return Err("the file is empty");
    };
    let head = &body[start..body.len().min(start + 65_536)];
    if head[..head.len().min(4096)].contains(&0) {
        return Err("binary data");
    }
    match head[0] {
        b'<' if head
            .get(1)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'!' || *c == b'?') =>
        {
            return Ok(());
        }
        b'{' | b'[' => return Err("it is JSON"),
        _ => {}
    }
    let lower = head.to_ascii_lowercase();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if has(b"<html") || has(b"<!doctype html") || has(b"<body") || has(b"<head") {
        Ok(())
    } else {
        Err("no HTML tags")
    }
}

fn read_listings_file(path: &Path) -> Result<ListingsFile, Fail> {
    let bytes = read_file(path)?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            return fail(format!(
                "{}: not a listings file (not UTF-8 text)",
                path.display()
            ))
        }
    };
    if text.trim().is_empty() {
        return fail(format!("{}: the listings file is empty", path.display()));
    }
    listing::parse_listings_file(&text).map_err(|e| Fail(format!("{}: {e}", path.display())))
}

fn listing_from(path: &Path, page: &ProductPage) -> Result<Listing, Fail> {
    let p = path.display();
    if page.kind != PageKind::Product {
        let kind = serde_json::to_value(page.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        return fail(format!(
            "{p}: not a product page (page kind: {kind}), nothing to save"
        ));
    }
    if page.asin.is_none() {
        return fail(format!(
            "{p}: product page without an ASIN, nothing to save"
        ));
    }
    if page.marketplace.is_none() {
        return fail(format!(
            "{p}: cannot tell which marketplace the page is from; pass --url with the page's address"
        ));
    }
    match Listing::from_page(page, &now()) {
        Some(l) => Ok(l),
        None => fail(format!("{p}: nothing to save")),
    }
}
