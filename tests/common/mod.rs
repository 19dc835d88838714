//! Shared helpers for the integration tests: where the real pages are.
#![allow(dead_code)]

pub mod family;

use std::path::PathBuf;
use std::process::Command;

/// The real saved Amazon pages: `$CG_FIXTURES`, else `../shared/fixtures/pages`
/// beside the repository. Panics (never skips) when they are missing.
pub fn fixtures_dir() -> PathBuf {
    let dir = std::env::var_os("CG_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/pages")
        });
    assert!(
        dir.join("SOURCES.tsv").is_file(),
        "fixture pages not found at {} (set CG_FIXTURES)",
        dir.display()
    );
    dir
}

/// One fixture page with its kind from SOURCES.tsv.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Path relative to the fixtures dir, e.g. `amazon.com/x.html`.
    pub name: String,
    /// Absolute path of the HTML file.
    pub path: PathBuf,
    /// `product`, `variation`, `multi-seller`, `search`, `captcha` or `other`.
    pub page_kind: String,
    /// Marketplace column.
    pub marketplace: String,
    /// The parsed `*.truth.json`, when there is one.
    pub truth: Option<serde_json::Value>,
}

impl Fixture {
    /// The URL the page would have been served under (for `--url`).
    pub fn url(&self) -> String {
        let asin = self
            .truth
            .as_ref()
            .and_then(|t| t["asin"].as_str().map(str::to_string));
        match asin {
            Some(a) => format!("https://www.{}/dp/{}", self.marketplace, a),
            None => format!("https://www.{}/", self.marketplace),
        }
    }
}

/// Every page listed in SOURCES.tsv (panics if the list is empty).
pub fn fixtures() -> Vec<Fixture> {
    let dir = fixtures_dir();
    let tsv = std::fs::read_to_string(dir.join("SOURCES.tsv")).expect("read SOURCES.tsv");
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (f, m, k) = (col("file"), col("marketplace"), col("page_kind"));
    let out: Vec<Fixture> = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            let name = cells[f].to_string();
            let path = dir.join(&name);
            let truth_path = path.with_extension("truth.json");
            let truth = std::fs::read_to_string(&truth_path)
                .ok()
                .map(|s| serde_json::from_str(&s).expect("truth json"));
            Fixture {
                name,
                path,
                page_kind: cells[k].to_string(),
                marketplace: cells[m].to_string(),
                truth,
            }
        })
        .collect();
    assert!(
        out.len() > 50,
        "expected the full fixture set, found {}",
        out.len()
    );
    out
}

/// The real photographs for the image-comparison tests: `$CG_IMAGES`, else
/// `../shared/fixtures/images` beside the repository. Panics (never skips) when missing.
pub fn images_dir() -> PathBuf {
    let dir = std::env::var_os("CG_IMAGES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/images")
        });
    assert!(
        dir.join("coffee.png").is_file(),
        "fixture photos not found at {} (set CG_IMAGES)",
        dir.display()
    );
    dir
}

/// What one run of the `catalog-guard` binary printed, and its exit code.
pub struct Out {
    /// The exit code (a signal is a test failure).
    pub code: i32,
    /// Standard output, UTF-8.
    pub stdout: String,
    /// Standard error, UTF-8.
    pub stderr: String,
}

/// Runs the built `catalog-guard` binary with `args`.
pub fn run(args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_catalog-guard"))
        .args(args)
        .output()
        .expect("run catalog-guard");
    Out {
        code: out.status.code().expect("exit code, not a signal"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}
