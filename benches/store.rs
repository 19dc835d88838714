//! Storage benchmarks: the sync encoder/decoder on 1,000 realistic listings
//! and a Seller Central report import. `cargo bench --bench store`.

// criterion_group! defines an undocumented function.
#![allow(missing_docs)]

use catalog_guard::import::seller_central::parse_report;
use catalog_guard::listing::{Listing, Watch};
use catalog_guard::store::settings::Settings;
use catalog_guard::store::sync::{decode, encode};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

const WORDS: &[&str] = &[
    "ステンレス",
    "保温",
    "保冷",
    "タンブラー",
    "大容量",
    "真空断熱",
    "stainless",
    "steel",
    "insulated",
    "tumbler",
    "lid",
    "straw",
    "black",
    "ブラック",
    "。",
    ",",
];

fn text(seed: &mut u64, chars: usize) -> String {
    let mut s = String::new();
    while s.chars().count() < chars {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        s.push_str(WORDS[(*seed % WORDS.len() as u64) as usize]);
    }
    s.chars().take(chars).collect()
}

fn listings(n: usize) -> Vec<Listing> {
    let mut seed = 0x2545_F491_4F6C_DD1D;
    (0..n)
        .map(|i| Listing {
            asin: format!("B0{i:08}"),
            marketplace: "amazon.co.jp".into(),
            sku: None,
            title: Some(text(&mut seed, 200)),
            brand: Some(text(&mut seed, 10)),
            images: vec![format!("81lde+{i:04}L"), "71abcDEF12L".into()],
            variations: Default::default(),
            breadcrumb: vec![text(&mut seed, 10)],
            bullets: (0..5).map(|_| text(&mut seed, 500)).collect(),
            description: Some(text(&mut seed, 2000)),
            seller: None,
            offer_count: None,
            family: None,
            family_known: false,
            availability: Default::default(),
            watch: Watch::default(),
            saved_at: "2026-01-01T00:00:00Z".into(),
            updated_at: catalog_guard::time::rfc3339(1_790_000_000_000 + i as i64 * 1000),
            note: String::new(),
            image_signatures: Default::default(),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let all = listings(1000);
    let settings = Settings::default();
    c.bench_function("sync encode 1000 listings", |b| {
        b.iter(|| encode(black_box(&all), &settings))
    });
    let items = encode(&all, &settings).items.into_iter().collect();
    c.bench_function("sync decode", |b| b.iter(|| decode(black_box(&items))));

    let mut report = String::from("item-name\titem-description\tseller-sku\tasin1\n");
    let mut seed = 7;
    for i in 0..5000 {
        report.push_str(&format!(
            "{}\t{}\tSKU-{i}\tB1{i:08}\n",
            text(&mut seed, 100),
            text(&mut seed, 300)
        ));
    }
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&report);
    let sjis = sjis.into_owned();
    c.bench_function("seller central 5000 rows shift_jis", |b| {
        b.iter(|| parse_report(black_box(&sjis), None, "2026-11-22T00:00:00Z"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
