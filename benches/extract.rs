//! Native extraction speed over every real fixture page (criterion).
//!
//! `cargo bench --bench extract` (pages from `$CG_FIXTURES`, else
//! `../shared/fixtures/pages`). Each benchmark processes all pages once per iteration
//! and reports MB/s; divide the time by the page count (printed) for ms per page.
//! Reference points: a bare lol_html pass with nine selectors, and one `memmem` pass.

// criterion_group! expands to an undocumented pub fn.
#![allow(missing_docs)]

use catalog_guard::page::{extract, read_page};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use std::path::PathBuf;
use std::time::Duration;

#[path = "../tests/common/family.rs"]
mod family;

struct Page {
    url: String,
    bytes: Vec<u8>,
    html: String,
}

fn pages() -> Vec<Page> {
    let dir = std::env::var_os("CG_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/pages")
        });
    let tsv = std::fs::read_to_string(dir.join("SOURCES.tsv")).unwrap_or_else(|e| {
        panic!(
            "fixture pages not found at {} ({e}); set CG_FIXTURES",
            dir.display()
        )
    });
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).expect(n);
    let (f, m, k) = (col("file"), col("marketplace"), col("page_kind"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            let path = dir.join(cells[f]);
            let bytes = std::fs::read(&path).expect("read page");
            let html = catalog_guard::page::extract::decode(&bytes);
            // The URL the page was served under, as the extension passes it.
            let asin = std::fs::read_to_string(path.with_extension("truth.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|t| t["asin"].as_str().map(str::to_string));
            let url = match (asin, cells[k]) {
                (Some(a), "multi-seller") => {
                    format!("https://www.{}/gp/offer-listing/{a}", cells[m])
                }
                (Some(a), _) => format!("https://www.{}/dp/{a}", cells[m]),
                (None, _) => format!("https://www.{}/", cells[m]),
            };
            Page { url, bytes, html }
        })
        .collect()
}

/// The calibration pass from DESIGN.md: lol_html with nine id selectors, no handlers' work.
fn bare_lol_html(html: &str) -> usize {
    use lol_html::{element, HtmlRewriter, Settings};
    let n = std::cell::Cell::new(0usize);
    {
        let mut settings = Settings::new();
        for s in [
            "#productTitle",
            "#bylineInfo",
            "#landingImage",
            "#ASIN",
            "#feature-bullets li",
            "#wayfinding-breadcrumbs_feature_div li a",
            "#productDescription",
            "#merchant-info",
            "#variation_color_name .selection",
        ] {
            settings = settings.append_element_content_handler(element!(s, |_el| {
                n.set(n.get() + 1);
                Ok(())
            }));
        }
        let mut rw = HtmlRewriter::new(settings.with_strict(false), |_: &[u8]| {});
        let _ = rw.write(html.as_bytes());
        let _ = rw.end();
    }
    n.get()
}

fn bench(c: &mut Criterion) {
    let pages = pages();
    let total: usize = pages.iter().map(|p| p.html.len()).sum();
    eprintln!(
        "{} pages, {:.1} MB decoded ({:.1} MB raw)",
        pages.len(),
        total as f64 / 1e6,
        pages.iter().map(|p| p.bytes.len()).sum::<usize>() as f64 / 1e6
    );

    // `CG_BENCH_MIN=N`: also print the fastest of N passes of each function. On a
    // shared, loaded machine the minimum is far more stable than criterion's mean.
    if let Some(n) = std::env::var("CG_BENCH_MIN")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let min_of = |name: &str, f: &dyn Fn()| -> f64 {
            let best = (0..n.max(1))
                .map(|_| {
                    let t = std::time::Instant::now();
                    f();
                    t.elapsed()
                })
                .min()
                .unwrap_or_default();
            eprintln!(
                "min of {n}: {name}: {:.1} ms for {} pages ({:.2} ms/page), {:.0} MB/s",
                best.as_secs_f64() * 1e3,
                pages.len(),
                best.as_secs_f64() * 1e3 / pages.len() as f64,
                total as f64 / 1e6 / best.as_secs_f64()
            );
            best.as_secs_f64()
        };
        let extract_min = min_of("extract", &|| {
            for p in &pages {
                black_box(extract(black_box(&p.html), Some(&p.url)));
            }
        });
        let _ = min_of("read_page", &|| {
            for p in &pages {
                black_box(read_page(black_box(&p.bytes), Some(&p.url)));
            }
        });
        let bare_min = min_of("bare lol_html, nine id selectors", &|| {
            for p in &pages {
                black_box(bare_lol_html(black_box(&p.html)));
            }
        });
        // The target ratio (issue 11): extract at >= 0.95x the bare pass's speed.
        eprintln!(
            "min of {n}: extract speed / bare pass speed: {:.3}x (time ratio {:.3})",
            bare_min / extract_min,
            extract_min / bare_min
        );
        let _ = min_of("one memmem pass", &|| {
            let finder = memchr::memmem::Finder::new(b"</catalog-guard>");
            for p in &pages {
                black_box(finder.find(black_box(p.html.as_bytes())));
            }
        });
    }

    // A generated page whose twister lists 5,000 members (more than
    // page::family::MAX_FAMILY_MEMBERS): reading it must stay bounded.
    let big_family = family::generated_family_page(5_000);
    if let Some(n) = std::env::var("CG_BENCH_MIN")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let best = (0..n.max(1))
            .map(|_| {
                let t = std::time::Instant::now();
                black_box(extract(black_box(&big_family), None));
                t.elapsed()
            })
            .min()
            .unwrap_or_default();
        eprintln!(
            "min of {n}: family of 5,000 members ({:.0} KB page): {:.2} ms",
            big_family.len() as f64 / 1e3,
            best.as_secs_f64() * 1e3
        );
    }
    let mut fam = c.benchmark_group("family");
    fam.throughput(Throughput::Bytes(big_family.len() as u64))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    fam.bench_function("extract, generated page with a 5,000-member family", |b| {
        b.iter(|| black_box(extract(black_box(&big_family), None)))
    });
    fam.finish();

    let mut g = c.benchmark_group("fixtures");
    g.throughput(Throughput::Bytes(total as u64))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));

    g.bench_function("extract (decoded text, as from the content script)", |b| {
        b.iter(|| {
            for p in &pages {
                black_box(extract(black_box(&p.html), Some(&p.url)));
            }
        })
    });
    g.bench_function("read_page (bytes: charset decoding + extract)", |b| {
        b.iter(|| {
            for p in &pages {
                black_box(read_page(black_box(&p.bytes), Some(&p.url)));
            }
        })
    });
    g.bench_function("reference: bare lol_html, nine id selectors", |b| {
        b.iter(|| {
            for p in &pages {
                black_box(bare_lol_html(black_box(&p.html)));
            }
        })
    });
    g.bench_function("reference: one memmem pass", |b| {
        let finder = memchr::memmem::Finder::new(b"</catalog-guard>");
        b.iter(|| {
            for p in &pages {
                black_box(finder.find(black_box(p.html.as_bytes())));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
