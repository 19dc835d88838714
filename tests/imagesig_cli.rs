//! `catalog-guard compare-images`: verdicts on the real photos and every kind of bad input
//! (exit 2, one line, no panic, quick).

mod common;

use common::{run, Out};

use catalog_guard::imagesig::decode::decode;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbaImage};
use std::path::PathBuf;

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "catalog-guard-imgcli-{}-{name}",
        std::process::id()
    ));
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

fn photo(name: &str) -> (PathBuf, RgbaImage) {
    let path = common::images_dir().join(name);
    let d = decode(&std::fs::read(&path).expect("read photo")).expect("decode");
    (
        path,
        RgbaImage::from_raw(d.width, d.height, d.rgba).expect("rgba"),
    )
}

fn jpeg(img: &RgbaImage, q: u8) -> Vec<u8> {
    let rgb = image::DynamicImage::ImageRgba8(img.clone()).to_rgb8();
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, q)
        .encode_image(&rgb)
        .expect("jpeg");
    out
}

fn png(img: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            ExtendedColorType::Rgba8,
        )
        .expect("png");
    out
}

fn json(out: &Out) -> serde_json::Value {
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON on stdout")
}

fn assert_bad(out: &Out, parts: &[&str]) {
    assert_eq!(out.code, 2, "stdout {} stderr {}", out.stdout, out.stderr);
    assert!(out.stdout.is_empty());
    assert_eq!(out.stderr.lines().count(), 1, "one line: {:?}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    for p in parts {
        assert!(out.stderr.contains(p), "{p:?} not in {:?}", out.stderr);
    }
}

#[test]
fn same_photo_re_encoded_is_same() {
    let (path, img) = photo("coffee.png");
    let page = temp("coffee-q70.jpg", &jpeg(&img, 70));
    let v = json(&run(&[
        "compare-images",
        path.to_str().unwrap(),
        page.to_str().unwrap(),
    ]));
    assert_eq!(v["verdict"], "same", "{v}");
    let d = v["distance"].as_f64().expect("distance");
    assert!((0.0..0.25).contains(&d), "{v}");
    for side in ["saved", "page"] {
        let colours = v[side]["colours"].as_array().expect("colours");
        assert!(!colours.is_empty() && colours.len() <= 4, "{v}");
        for c in colours {
            assert_eq!(c["lab"].as_array().map(Vec::len), Some(3), "{c}");
            assert!(c["name_en"].is_string() && c["name_ja"].is_string(), "{c}");
            assert!(
                c["share"].as_f64().is_some_and(|s| s > 0.0 && s <= 1.0),
                "{c}"
            );
        }
    }
}

#[test]
fn black_horse_painted_red_is_recoloured_black_to_red() {
    let (path, img) = photo("horse.png");
    let mut red = img.clone();
    for p in red.pixels_mut() {
        // The silhouette (opaque, dark) becomes red; transparency stays.
        if p[3] > 0 {
            let k = 1.0 - f64::from(p[0]) / 255.0;
            p[0] = (200.0 * k + 255.0 * (1.0 - k)) as u8;
            p[1] = (20.0 * k + 255.0 * (1.0 - k)) as u8;
            p[2] = (30.0 * k + 255.0 * (1.0 - k)) as u8;
        }
    }
    let page = temp("horse-red.png", &png(&red));
    let v = json(&run(&[
        "compare-images",
        path.to_str().unwrap(),
        page.to_str().unwrap(),
    ]));
    assert_eq!(v["verdict"], "recoloured", "{v}");
    assert_eq!(v["saved"]["colours"][0]["name_en"], "black", "{v}");
    assert_eq!(v["saved"]["colours"][0]["name_ja"], "黒", "{v}");
    assert_eq!(v["page"]["colours"][0]["name_en"], "red", "{v}");
    assert_eq!(v["page"]["colours"][0]["name_ja"], "赤", "{v}");
}

#[test]
fn another_photo_is_different() {
    let (saved, _) = photo("chelsea.png");
    let (page, _) = photo("astronaut.png");
    let v = json(&run(&[
        "compare-images",
        saved.to_str().unwrap(),
        page.to_str().unwrap(),
    ]));
    assert_eq!(v["verdict"], "different", "{v}");
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG whose header claims `w`×`h` pixels, followed by a tiny (wrong) image data chunk.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    let (good, img) = photo("coffee.png");
    let good = good.to_str().unwrap();

    let missing = run(&["compare-images", "/nonexistent/saved.jpg", good]);
    assert_bad(&missing, &["/nonexistent/saved.jpg", "cannot read"]);

    let html = temp(
        "page.jpg",
        b"<!doctype html><html><body>not a picture</body></html>",
    );
    assert_bad(
        &run(&["compare-images", good, html.to_str().unwrap()]),
        &["page.jpg", "not a JPEG, PNG or WebP image"],
    );

    let full = jpeg(&img, 85);
    let truncated = temp("truncated.jpg", &full[..full.len() / 3]);
    let out = run(&["compare-images", good, truncated.to_str().unwrap()]);
    // A truncated JPEG either fails to decode or decodes with its missing part grey: never a
    // panic, and never `same` as the whole picture.
    if out.code == 0 {
        assert_ne!(json(&out)["verdict"], "same", "{}", out.stdout);
    } else {
        assert_bad(&out, &["truncated.jpg", "corrupt or truncated"]);
    }

    let tiny = temp("tiny.png", &png(&RgbaImage::new(1, 1)));
    assert_bad(
        &run(&["compare-images", tiny.to_str().unwrap(), good]),
        &["tiny.png", "1×1", "too small"],
    );

    let huge = temp("huge.png", &png_header(20_000, 20_000));
    assert_bad(
        &run(&["compare-images", good, huge.to_str().unwrap()]),
        &["huge.png", "20000×20000", "50 megapixel"],
    );

    assert_bad(&run(&["compare-images", good]), &["two image files"]);
}
