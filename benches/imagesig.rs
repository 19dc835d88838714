//! Image signature benchmarks: the signature of a 500×500 RGBA image (the size the extension
//! asks Amazon for, `._SL500_`) and one comparison. `cargo bench --bench imagesig`.

// criterion_group! defines an undocumented function.
#![allow(missing_docs)]

use catalog_guard::imagesig::{compare, signature, test_pattern};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let rgba = test_pattern(500, 500);
    c.bench_function("imagesig/signature_500x500", |b| {
        b.iter(|| signature(500, 500, black_box(&rgba)).unwrap())
    });
    // A full-frame photo-like image (no white background to trim): the whole area is binned.
    let full: Vec<u8> = (0..500u32 * 500)
        .flat_map(|i| {
            let (x, y) = (i % 500, i / 500);
            [(x / 2) as u8, (y / 2) as u8, ((x + y) / 4) as u8, 255]
        })
        .collect();
    c.bench_function("imagesig/signature_500x500_full_frame", |b| {
        b.iter(|| signature(500, 500, black_box(&full)).unwrap())
    });
    let s = signature(500, 500, &rgba).unwrap();
    let t = signature(500, 500, &full).unwrap();
    c.bench_function("imagesig/compare", |b| {
        b.iter(|| compare(black_box(&s), black_box(&t)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
