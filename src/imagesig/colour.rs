//! sRGB → CIELAB (D65) with deterministic arithmetic, k-means of the product colours, and the
//! fixed table of colour names.

use super::tables::SRGB_TO_LINEAR;

/// A CIELAB colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Lab {
    pub l: f64,
    pub a: f64,
    pub b: f64,
}

/// Cube root by Newton's method with `+ - * /` only (wasm and native agree bit for bit).
fn cbrt(t: f64) -> f64 {
    if t <= 0.0 {
        return 0.0;
    }
    // Start above the root (t ≤ ~1.1 here): x ≥ cbrt(t) keeps Newton monotone.
    let mut x = if t > 1.0 { t } else { 1.0 };
    for _ in 0..40 {
        let next = (2.0 * x + t / (x * x)) / 3.0;
        if next >= x {
            break;
        }
        x = next;
    }
    x
}

fn lab_f(t: f64) -> f64 {
    const EPS: f64 = 216.0 / 24389.0;
    const KAPPA: f64 = 24389.0 / 27.0;
    if t > EPS {
        cbrt(t)
    } else {
        (KAPPA * t + 16.0) / 116.0
    }
}

/// Linear-light RGB (0..1) → Lab.
pub(crate) fn linear_to_lab(r: f64, g: f64, b: f64) -> Lab {
    // sRGB primaries, D65 white (Xn = 0.95047, Zn = 1.08883) folded into the rows.
    let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
    let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    let z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883;
    let (fx, fy, fz) = (lab_f(x), lab_f(y), lab_f(z));
    Lab {
        l: 116.0 * fy - 16.0,
        a: 500.0 * (fx - fy),
        b: 200.0 * (fy - fz),
    }
}

/// 8-bit sRGB → Lab.
pub(crate) fn srgb_to_lab(r: u8, g: u8, b: u8) -> Lab {
    linear_to_lab(
        SRGB_TO_LINEAR[r as usize],
        SRGB_TO_LINEAR[g as usize],
        SRGB_TO_LINEAR[b as usize],
    )
}

/// CIE76 colour difference.
pub(crate) fn delta_e(p: Lab, q: Lab) -> f64 {
    let (dl, da, db) = (p.l - q.l, p.a - q.a, p.b - q.b);
    (dl * dl + da * da + db * db).sqrt()
}

/// A point for k-means: a colour with a weight (pixels).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Weighted {
    pub lab: Lab,
    pub weight: f64,
}

/// Dominant colours: deterministic k-means (k = 4, seeds at lightness quantiles, fixed
/// iterations), clusters closer than ΔE 12 merged, clusters under 6 % dropped; largest first.
pub(crate) fn dominant(points: &[Weighted]) -> Vec<Weighted> {
    const K: usize = 4;
    const ITERATIONS: usize = 12;
    let total: f64 = points.iter().map(|p| p.weight).sum();
    if points.is_empty() || total <= 0.0 {
        return Vec::new();
    }
    // Seeds: the points at the 1/8, 3/8, 5/8, 7/8 lightness quantiles (by weight).
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&i, &j| points[i].lab.l.total_cmp(&points[j].lab.l).then(i.cmp(&j)));
    let mut centres: Vec<Lab> = Vec::with_capacity(K);
    let mut acc = 0.0;
    let mut next = 0;
    for &i in &order {
        acc += points[i].weight;
        while next < K && acc >= total * (2 * next + 1) as f64 / (2 * K) as f64 {
            centres.push(points[i].lab);
            next += 1;
        }
    }
    while centres.len() < K {
        centres.push(points[order[order.len() - 1]].lab);
    }
    let mut assign = vec![0usize; points.len()];
    for _ in 0..ITERATIONS {
        for (p, slot) in points.iter().zip(assign.iter_mut()) {
            let mut best = 0;
            let mut best_d = f64::INFINITY;
            for (c, centre) in centres.iter().enumerate() {
                let d = sq(p.lab, *centre);
                if d < best_d {
                    best_d = d;
                    best = c;
                }
            }
            *slot = best;
        }
        let mut sums = [(0.0f64, 0.0f64, 0.0f64, 0.0f64); K];
        for (p, &c) in points.iter().zip(&assign) {
            let s = &mut sums[c];
            s.0 += p.lab.l * p.weight;
            s.1 += p.lab.a * p.weight;
            s.2 += p.lab.b * p.weight;
            s.3 += p.weight;
        }
        for (centre, s) in centres.iter_mut().zip(&sums) {
            if s.3 > 0.0 {
                *centre = Lab {
                    l: s.0 / s.3,
                    a: s.1 / s.3,
                    b: s.2 / s.3,
                };
            }
        }
    }
    let mut weights = [0.0f64; K];
    for (p, &c) in points.iter().zip(&assign) {
        weights[c] += p.weight;
    }
    let mut clusters: Vec<Weighted> = centres
        .iter()
        .zip(weights)
        .filter(|(_, w)| *w > 0.0)
        .map(|(c, w)| Weighted { lab: *c, weight: w })
        .collect();
    // Merge near-identical clusters (the seeds may split one colour in two).
    loop {
        let mut pair = None;
        let mut best = 12.0;
        for i in 0..clusters.len() {
            for j in i + 1..clusters.len() {
                let d = delta_e(clusters[i].lab, clusters[j].lab);
                if d < best {
                    best = d;
                    pair = Some((i, j));
                }
            }
        }
        let Some((i, j)) = pair else { break };
        let (p, q) = (clusters[i], clusters[j]);
        let w = p.weight + q.weight;
        clusters[i] = Weighted {
            lab: Lab {
                l: (p.lab.l * p.weight + q.lab.l * q.weight) / w,
                a: (p.lab.a * p.weight + q.lab.a * q.weight) / w,
                b: (p.lab.b * p.weight + q.lab.b * q.weight) / w,
            },
            weight: w,
        };
        clusters.remove(j);
    }
    clusters.sort_by(|p, q| q.weight.total_cmp(&p.weight));
    let keep: Vec<Weighted> = clusters
        .iter()
        .filter(|c| c.weight >= total * 0.06)
        .copied()
        .collect();
    let kept: f64 = keep.iter().map(|c| c.weight).sum();
    keep.into_iter()
        .map(|c| Weighted {
            lab: c.lab,
            weight: c.weight / kept,
        })
        .collect()
}

fn sq(p: Lab, q: Lab) -> f64 {
    let (dl, da, db) = (p.l - q.l, p.a - q.a, p.b - q.b);
    dl * dl + da * da + db * db
}

/// The fixed colour-name table: sRGB reference, English, Japanese.
pub(crate) const NAMES: &[([u8; 3], &str, &str)] = &[
    ([0, 0, 0], "black", "黒"),
    ([38, 38, 38], "black", "黒"),
    ([128, 128, 128], "grey", "グレー"),
    ([80, 80, 80], "charcoal", "チャコールグレー"),
    ([192, 192, 192], "light grey", "ライトグレー"),
    ([255, 255, 255], "white", "白"),
    ([240, 236, 226], "off-white", "オフホワイト"),
    ([213, 35, 35], "red", "赤"),
    ([120, 20, 35], "burgundy", "ワインレッド"),
    ([240, 140, 170], "pink", "ピンク"),
    ([240, 130, 30], "orange", "オレンジ"),
    ([245, 205, 30], "yellow", "黄色"),
    ([215, 195, 160], "beige", "ベージュ"),
    ([110, 70, 40], "brown", "茶色"),
    ([170, 110, 60], "camel", "キャメル"),
    ([120, 120, 60], "khaki", "カーキ"),
    ([30, 140, 60], "green", "緑"),
    ([40, 70, 40], "dark green", "ダークグリーン"),
    ([40, 160, 160], "teal", "ターコイズ"),
    ([130, 190, 230], "light blue", "水色"),
    ([30, 80, 200], "blue", "青"),
    ([25, 35, 80], "navy", "ネイビー"),
    ([0, 0, 128], "navy", "ネイビー"),
    ([120, 50, 160], "purple", "紫"),
    ([190, 160, 220], "lavender", "ラベンダー"),
    ([212, 175, 55], "gold", "ゴールド"),
];

/// The nearest name in [`NAMES`] (ΔE; first entry on ties): `(en, ja)`.
pub(crate) fn name_of(lab: Lab) -> (&'static str, &'static str) {
    let mut best = (f64::INFINITY, NAMES[0].1, NAMES[0].2);
    for (rgb, en, ja) in NAMES {
        let d = delta_e(lab, srgb_to_lab(rgb[0], rgb[1], rgb[2]));
        if d < best.0 {
            best = (d, en, ja);
        }
    }
    (best.1, best.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cube_root_is_close() {
        for i in 1..=1000 {
            let t = i as f64 / 900.0;
            let x = cbrt(t);
            assert!((x * x * x - t).abs() < 1e-12, "{t}: {x}");
        }
    }

    #[test]
    fn lab_of_primaries() {
        let w = srgb_to_lab(255, 255, 255);
        assert!(
            (w.l - 100.0).abs() < 0.01 && w.a.abs() < 0.01 && w.b.abs() < 0.01,
            "{w:?}"
        );
        let r = srgb_to_lab(255, 0, 0);
        // Reference: L 53.24, a 80.09, b 67.20.
        assert!((r.l - 53.24).abs() < 0.05, "{r:?}");
        assert!(
            (r.a - 80.09).abs() < 0.1 && (r.b - 67.20).abs() < 0.1,
            "{r:?}"
        );
    }
}
