//! What a product image shows: a small signature computed from RGBA pixels, and a verdict for a
//! saved image against the page's image (`same`, `recoloured`, `different`).
//!
//! The signature ([`Signature`], about 130 bytes of JSON) holds
//!
//! * `hash`: a 64-bit DCT perceptual hash (pHash) of the luma of the *product area*: the image
//!   with a white or near-white studio background trimmed off, so padding onto a white square
//!   does not move it;
//! * `grid`: the product area's colours on a 4×4 grid, in quantised CIELAB, so a recolouring of
//!   the same shape shows up cell by cell;
//! * `colours`: the 1–4 dominant colours of the product area (CIELAB, share), background pixels
//!   left out, each with a fixed ja/en colour name;
//! * `aspect`: the product area's width/height.
//!
//! Everything is computed with `+ - * / sqrt` and constant tables, so the wasm build gives the
//! very same signature as the native one, bit for bit. Pure Rust, no decoder: the browser (or
//! [`decode`], native only) turns image files into RGBA.
//!
//! [`compare`] gives the verdict. A wrong `same` hides a hijack, so `same` needs both the
//! structure and every colour cell to agree; anything in between is `different` or
//! `recoloured`. The thresholds and why are in ARCHITECTURE.md.

mod colour;
mod refine;
mod tables;
mod text;

pub use refine::{refine, ContentVerdict, ImageContent, MismatchColours};
pub use text::verdict_sentence;

#[cfg(not(target_arch = "wasm32"))]
pub mod decode;

use colour::{delta_e, dominant, name_of, srgb_to_lab, Lab, Weighted};
use serde::{Deserialize, Serialize};
use tables::DCT_COS;

/// The signature algorithm's version (a signature of another version is not compared).
pub const VERSION: u32 = 1;
/// The largest image a signature is computed for: 50 megapixels.
pub const MAX_PIXELS: u64 = 50_000_000;
/// The smallest side a signature is computed for.
pub const MIN_SIDE: u32 = 16;

/// Side of the colour grid.
const GRID: usize = 4;
/// Side of the luma thumbnail the DCT runs on.
const THUMB: usize = 32;

/// Hamming distance (of 64 bits) up to which the structure is the same picture.
pub const SAME_BITS: u32 = 14;
/// Hamming distance up to which a colour change is a recolouring of the same picture.
pub const RECOLOURED_BITS: u32 = 20;
/// Colour-grid distance (ΔE, lightness counted half) above which the colours changed.
pub const COLOUR_CHANGED: f64 = 12.0;

/// A compact, serialisable description of what an image shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// Algorithm version ([`VERSION`]).
    pub v: u32,
    /// 64-bit perceptual hash of the product area, 16 hex digits.
    pub hash: String,
    /// The same hash of the product area's inner 90 % (5 % off each side): a page image cropped
    /// a little is compared with this one.
    pub inner: String,
    /// The product area's colours on a 4×4 grid, row by row: per cell L·2.55, a+128, b+128 as
    /// bytes, 96 hex digits.
    pub grid: String,
    /// Width/height of the product area (3 decimals).
    pub aspect: f64,
    /// Share of the image that is white studio background (2 decimals).
    pub background: f64,
    /// The dominant colours of the product area, largest first.
    pub colours: Vec<Colour>,
}

/// One dominant colour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Colour {
    /// CIELAB (D65), one decimal.
    pub lab: [f64; 3],
    /// Share of the product area (2 decimals).
    pub share: f64,
    /// English colour name from the fixed table.
    pub name_en: String,
    /// Japanese colour name from the fixed table.
    pub name_ja: String,
}

/// What the page's image is, against the saved one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The same picture (resized, re-encoded, cropped a little, padded, brighter or darker).
    Same,
    /// The same picture or shape with the product's colour changed.
    Recoloured,
    /// Another picture.
    Different,
}

/// The result of [`compare`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The verdict.
    pub verdict: Verdict,
    /// Structure distance: differing hash bits / 64 (0 identical, about 0.5 unrelated).
    pub distance: f64,
    /// Colour distance over the grid (ΔE, lightness counted half), one decimal.
    pub colour_distance: f64,
    /// The saved image's dominant colours.
    pub saved: Side,
    /// The page image's dominant colours.
    pub page: Side,
}

/// One image's colours in a [`Comparison`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    /// Dominant colours, largest first.
    pub colours: Vec<Colour>,
}

/// Why no signature could be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigError {
    /// The RGBA buffer does not hold width × height × 4 bytes.
    BadBuffer {
        /// Expected length.
        expected: u64,
        /// Actual length.
        actual: u64,
    },
    /// Too small to say anything (a side under [`MIN_SIDE`]).
    TooSmall {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
    },
    /// Over [`MAX_PIXELS`].
    TooLarge {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
    },
    /// A signature of another algorithm version, or malformed.
    Malformed(String),
}

impl std::fmt::Display for SigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SigError::BadBuffer { expected, actual } => write!(
                f,
                "RGBA buffer holds {actual} bytes, expected width × height × 4 = {expected}"
            ),
            SigError::TooSmall { width, height } => write!(
                f,
                "image is {width}×{height} pixels, too small to compare (at least {MIN_SIDE}×{MIN_SIDE})"
            ),
            SigError::TooLarge { width, height } => write!(
                f,
                "image is {width}×{height} pixels, over the {} megapixel limit",
                MAX_PIXELS / 1_000_000
            ),
            SigError::Malformed(m) => write!(f, "malformed image signature: {m}"),
        }
    }
}

impl std::error::Error for SigError {}

/// Checks an image's size before anything is allocated for it.
pub fn check_size(width: u32, height: u32) -> Result<(), SigError> {
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(SigError::TooLarge { width, height });
    }
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(SigError::TooSmall { width, height });
    }
    Ok(())
}

/// Alpha-composites one RGBA pixel onto white (integer arithmetic).
#[inline]
fn px(rgba: &[u8], i: usize) -> [u8; 3] {
    let a = u32::from(rgba[i + 3]);
    if a == 255 {
        return [rgba[i], rgba[i + 1], rgba[i + 2]];
    }
    let on_white = |c: u8| ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
    [
        on_white(rgba[i]),
        on_white(rgba[i + 1]),
        on_white(rgba[i + 2]),
    ]
}

/// How far a pixel may be from the background colour and still count as background.
const BG_TOLERANCE: i32 = 26;

#[inline]
fn near(p: [u8; 3], q: [u8; 3]) -> bool {
    (0..3).all(|c| (i32::from(p[c]) - i32::from(q[c])).abs() <= BG_TOLERANCE)
}

/// The studio background colour: the per-channel median of the border pixels, when it is white
/// or near-white (every channel ≥ 225, grey within 20); `None` otherwise.
fn background_colour(w: usize, h: usize, rgba: &[u8]) -> Option<[u8; 3]> {
    let mut ch: [Vec<u8>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let mut push = |x: usize, y: usize| {
        let p = px(rgba, (y * w + x) * 4);
        for c in 0..3 {
            ch[c].push(p[c]);
        }
    };
    for x in 0..w {
        push(x, 0);
        push(x, h - 1);
    }
    for y in 1..h - 1 {
        push(0, y);
        push(w - 1, y);
    }
    let mut m = [0u8; 3];
    for c in 0..3 {
        ch[c].sort_unstable();
        m[c] = ch[c][ch[c].len() / 2];
    }
    let lo = *m.iter().min().unwrap_or(&0);
    let hi = *m.iter().max().unwrap_or(&0);
    (lo >= 225 && hi - lo <= 20).then_some(m)
}

/// The product area: the image with the rows and columns of background around it trimmed
/// (a row or column counts as background when at most 1 pixel in 200 differs from it).
fn product_box(w: usize, h: usize, rgba: &[u8], bg: [u8; 3]) -> (usize, usize, usize, usize) {
    let row_has = |y: usize, x0: usize, x1: usize| {
        let allowed = ((x1 - x0) / 200).max(1);
        let mut n = 0;
        for x in x0..x1 {
            if !near(px(rgba, (y * w + x) * 4), bg) {
                n += 1;
                if n > allowed {
                    return true;
                }
            }
        }
        false
    };
    let col_has = |x: usize, y0: usize, y1: usize| {
        let allowed = ((y1 - y0) / 200).max(1);
        let mut n = 0;
        for y in y0..y1 {
            if !near(px(rgba, (y * w + x) * 4), bg) {
                n += 1;
                if n > allowed {
                    return true;
                }
            }
        }
        false
    };
    let mut y0 = 0;
    while y0 < h && !row_has(y0, 0, w) {
        y0 += 1;
    }
    let mut y1 = h;
    while y1 > y0 && !row_has(y1 - 1, 0, w) {
        y1 -= 1;
    }
    if y1 - y0 < 4 {
        return (0, 0, w, h);
    }
    let mut x0 = 0;
    while x0 < w && !col_has(x0, y0, y1) {
        x0 += 1;
    }
    let mut x1 = w;
    while x1 > x0 && !col_has(x1 - 1, y0, y1) {
        x1 -= 1;
    }
    if x1 - x0 < 4 {
        return (0, 0, w, h);
    }
    (x0, y0, x1, y1)
}

fn round_to(x: f64, scale: f64) -> f64 {
    (x * scale).round() / scale
}

fn colour_of(lab: Lab, share: f64) -> Colour {
    let (en, ja) = name_of(lab);
    Colour {
        lab: [
            round_to(lab.l, 10.0),
            round_to(lab.a, 10.0),
            round_to(lab.b, 10.0),
        ],
        share: round_to(share, 100.0),
        name_en: en.to_string(),
        name_ja: ja.to_string(),
    }
}

/// Bin means (sRGB 0..255). An empty bin (a product area narrower than [`THUMB`] pixels)
/// takes its left or upper neighbour.
fn bin_means(bins: &[[u32; 4]]) -> Vec<[f64; 3]> {
    let mut mean = vec![[0.0f64; 3]; THUMB * THUMB];
    for i in 0..THUMB * THUMB {
        let c = bins[i];
        if c[3] > 0 {
            let n = c[3] as f64;
            mean[i] = [c[0] as f64 / n, c[1] as f64 / n, c[2] as f64 / n];
        } else if i % THUMB > 0 {
            mean[i] = mean[i - 1];
        } else if i >= THUMB {
            mean[i] = mean[i - THUMB];
        }
    }
    mean
}

/// pHash: the 8×8 lowest DCT-II frequencies of the luma thumbnail, each bit = coefficient above
/// the median of the 63 AC coefficients.
fn phash(mean: &[[f64; 3]]) -> u64 {
    let luma: Vec<f64> = mean
        .iter()
        .map(|m| 0.299 * m[0] + 0.587 * m[1] + 0.114 * m[2])
        .collect();
    let mut rows = [[0.0f64; 8]; THUMB];
    for (y, out) in rows.iter_mut().enumerate() {
        for (v, o) in out.iter_mut().enumerate() {
            let mut s = 0.0;
            for x in 0..THUMB {
                s += luma[y * THUMB + x] * DCT_COS[v][x];
            }
            *o = s;
        }
    }
    let mut coef = [0.0f64; 64];
    for u in 0..8 {
        for v in 0..8 {
            let mut s = 0.0;
            for (y, r) in rows.iter().enumerate() {
                s += DCT_COS[u][y] * r[v];
            }
            coef[u * 8 + v] = s;
        }
    }
    let mut ac: Vec<f64> = coef[1..].to_vec();
    ac.sort_by(f64::total_cmp);
    let median = ac[ac.len() / 2];
    let mut hash: u64 = 0;
    for (i, c) in coef.iter().enumerate() {
        if *c > median {
            hash |= 1 << i;
        }
    }
    hash
}

/// The signature of an RGBA image (`rgba.len() == width * height * 4`, row by row).
pub fn signature(width: u32, height: u32, rgba: &[u8]) -> Result<Signature, SigError> {
    check_size(width, height)?;
    let expected = u64::from(width) * u64::from(height) * 4;
    if rgba.len() as u64 != expected {
        return Err(SigError::BadBuffer {
            expected,
            actual: rgba.len() as u64,
        });
    }
    let (w, h) = (width as usize, height as usize);
    let bg = background_colour(w, h, rgba);
    let (x0, y0, x1, y1) = match bg {
        Some(bg) => product_box(w, h, rgba, bg),
        None => (0, 0, w, h),
    };
    let (bw, bh) = (x1 - x0, y1 - y0);

    // u32 sums: a bin holds at most ~MAX_PIXELS / THUMB² · 2 pixels (≈ 100 k), × 255 ≪ 2³².
    // One pass over the product area into THUMB × THUMB bins: all pixels, and product pixels
    // (not background) separately; and the inner 90 % (5 % off each side) into its own bins.
    let bin_x: Vec<usize> = (0..bw).map(|x| x * THUMB / bw).collect();
    let (ix0, iy0) = (bw / 20, bh / 20);
    let (iw, ih) = (bw - 2 * ix0, bh - 2 * iy0);
    let inner_x: Vec<usize> = (0..bw)
        .map(|x| {
            if x < ix0 || x >= ix0 + iw {
                usize::MAX
            } else {
                (x - ix0) * THUMB / iw
            }
        })
        .collect();
    let mut all = vec![[0u32; 4]; THUMB * THUMB];
    let mut prod = vec![[0u32; 4]; THUMB * THUMB];
    let mut inner = vec![[0u32; 4]; THUMB * THUMB];
    let mut background_px: u64 = 0;
    // Background pixels are counted, product pixels summed (no background: every pixel).
    let bg_ref = bg.unwrap_or([0, 0, 0]);
    let has_bg = bg.is_some();
    for y in y0..y1 {
        let row = (y - y0) * THUMB / bh * THUMB;
        let inner_row = (y - y0)
            .checked_sub(iy0)
            .filter(|&r| r < ih)
            .map(|r| r * THUMB / ih * THUMB);
        let line = &rgba[(y * w + x0) * 4..(y * w + x1) * 4];
        let add = |c: &mut [u32; 4], p: [u8; 3]| {
            c[0] += u32::from(p[0]);
            c[1] += u32::from(p[1]);
            c[2] += u32::from(p[2]);
            c[3] += 1;
        };
        for ((q, &bx), &ibx) in line.chunks_exact(4).zip(&bin_x).zip(&inner_x) {
            let p = px(q, 0);
            add(&mut all[row + bx], p);
            if let (Some(ir), true) = (inner_row, ibx != usize::MAX) {
                add(&mut inner[ir + ibx], p);
            }
            if has_bg {
                if near(p, bg_ref) {
                    background_px += 1;
                } else {
                    add(&mut prod[row + bx], p);
                }
            }
        }
    }
    let total_px = (w * h) as u64;
    // Trimmed rows and columns are background too.
    background_px += total_px - (bw * bh) as u64;

    let mean = bin_means(&all);
    let hash = phash(&mean);
    let inner_hash = phash(&bin_means(&inner));

    // Colour grid: GRID × GRID cells of (THUMB/GRID)² bins each.
    let per = THUMB / GRID;
    let mut grid = String::with_capacity(GRID * GRID * 6);
    for gy in 0..GRID {
        for gx in 0..GRID {
            let mut s = [0u64; 4];
            for by in gy * per..(gy + 1) * per {
                for bx in gx * per..(gx + 1) * per {
                    let c = all[by * THUMB + bx];
                    for k in 0..4 {
                        s[k] += u64::from(c[k]);
                    }
                }
            }
            let lab = if s[3] > 0 {
                let avg = |k: usize| ((s[k] + s[3] / 2) / s[3]) as u8;
                srgb_to_lab(avg(0), avg(1), avg(2))
            } else {
                let m = mean[gy * per * THUMB + gx * per];
                srgb_to_lab(m[0].round() as u8, m[1].round() as u8, m[2].round() as u8)
            };
            let q = |x: f64| x.round().clamp(0.0, 255.0) as u8;
            for byte in [q(lab.l * 2.55), q(lab.a + 128.0), q(lab.b + 128.0)] {
                grid.push_str(&format!("{byte:02x}"));
            }
        }
    }

    // Dominant colours of the product pixels (all pixels when there is hardly any product:
    // a white product on white).
    // Without a white background every pixel is product: `prod` was left empty, `all` has them.
    let product_px: u64 = prod.iter().map(|c| u64::from(c[3])).sum();
    let source = if has_bg && product_px * 50 >= (bw * bh) as u64 {
        &prod
    } else {
        &all
    };
    let points: Vec<Weighted> = source
        .iter()
        .filter(|c| c[3] > 0)
        .map(|c| {
            let avg = |k: usize| ((c[k] + c[3] / 2) / c[3]) as u8;
            Weighted {
                lab: srgb_to_lab(avg(0), avg(1), avg(2)),
                weight: c[3] as f64,
            }
        })
        .collect();
    let colours = dominant(&points)
        .into_iter()
        .map(|c| colour_of(c.lab, c.weight))
        .collect();

    Ok(Signature {
        v: VERSION,
        hash: format!("{hash:016x}"),
        inner: format!("{inner_hash:016x}"),
        grid,
        aspect: round_to(bw as f64 / bh as f64, 1000.0),
        background: round_to(background_px as f64 / total_px as f64, 100.0),
        colours,
    })
}

/// A signature's parts, parsed back from their text form.
struct Parsed {
    hash: u64,
    inner: u64,
    grid: Vec<Lab>,
    aspect: f64,
}

/// Checks that `s` is a signature this build can compare: the right version, 16-hex-digit
/// hashes, a 96-hex-digit grid, a positive aspect and 1–4 colours with finite values. A
/// signature read from a file or another browser goes through this before it is kept.
pub fn check(s: &Signature) -> Result<(), SigError> {
    parse(s)?;
    if s.colours.len() > 4 {
        return Err(SigError::Malformed(format!(
            "{} colours (at most 4)",
            s.colours.len()
        )));
    }
    let finite = |x: f64| x.is_finite();
    if !finite(s.background)
        || s.colours
            .iter()
            .any(|c| !finite(c.share) || !c.lab.iter().copied().all(finite))
    {
        return Err(SigError::Malformed(
            "a colour or share is not a number".into(),
        ));
    }
    Ok(())
}

impl Signature {
    /// The compact text form kept in a listing (about 230 bytes instead of 560 as JSON):
    /// `v|hash|inner|grid|aspect|background|L,a,b,share;…`, the colours largest first. The
    /// colour names are not written: [`Signature::from_compact`] names each colour again from
    /// its (one-decimal) CIELAB value with the same fixed table.
    pub fn to_compact(&self) -> String {
        let colours: Vec<String> = self
            .colours
            .iter()
            .map(|c| format!("{},{},{},{}", c.lab[0], c.lab[1], c.lab[2], c.share))
            .collect();
        format!(
            "{}|{}|{}|{}|{}|{}|{}",
            self.v,
            self.hash,
            self.inner,
            self.grid,
            self.aspect,
            self.background,
            colours.join(";")
        )
    }

    /// Reads [`Signature::to_compact`]'s form back, checked with [`check`].
    pub fn from_compact(text: &str) -> Result<Signature, SigError> {
        let bad = |what: &str| SigError::Malformed(format!("{what} in {text:?}"));
        let parts: Vec<&str> = text.split('|').collect();
        if parts.len() != 7 {
            return Err(bad("not 7 parts separated by |"));
        }
        let num = |x: &str, what: &str| {
            x.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| bad(what))
        };
        let mut colours = Vec::new();
        for c in parts[6].split(';').filter(|c| !c.is_empty()) {
            let n: Vec<&str> = c.split(',').collect();
            if n.len() != 4 {
                return Err(bad("a colour that is not L,a,b,share"));
            }
            let lab = [
                num(n[0], "colour")?,
                num(n[1], "colour")?,
                num(n[2], "colour")?,
            ];
            let (en, ja) = name_of(Lab {
                l: lab[0],
                a: lab[1],
                b: lab[2],
            });
            colours.push(Colour {
                lab,
                share: num(n[3], "share")?,
                name_en: en.to_string(),
                name_ja: ja.to_string(),
            });
        }
        let sig = Signature {
            v: parts[0].parse().map_err(|_| bad("version"))?,
            hash: parts[1].to_string(),
            inner: parts[2].to_string(),
            grid: parts[3].to_string(),
            aspect: num(parts[4], "aspect")?,
            background: num(parts[5], "background")?,
            colours,
        };
        check(&sig)?;
        Ok(sig)
    }
}

fn parse(s: &Signature) -> Result<Parsed, SigError> {
    if s.v != VERSION {
        return Err(SigError::Malformed(format!(
            "version {} (this build computes version {VERSION})",
            s.v
        )));
    }
    let hex64 = |x: &str| {
        u64::from_str_radix(x, 16)
            .ok()
            .filter(|_| x.len() == 16)
            .ok_or_else(|| SigError::Malformed(format!("hash {x:?}")))
    };
    let (hash, inner) = (hex64(&s.hash)?, hex64(&s.inner)?);
    let bytes: Option<Vec<u8>> = (0..s.grid.len())
        .step_by(2)
        .map(|i| {
            s.grid
                .get(i..i + 2)
                .and_then(|x| u8::from_str_radix(x, 16).ok())
        })
        .collect();
    let bytes = bytes
        .filter(|b| b.len() == GRID * GRID * 3 && s.grid.len() == GRID * GRID * 6)
        .ok_or_else(|| SigError::Malformed("grid".into()))?;
    let grid = bytes
        .chunks(3)
        .map(|c| Lab {
            l: f64::from(c[0]) / 2.55,
            a: f64::from(c[1]) - 128.0,
            b: f64::from(c[2]) - 128.0,
        })
        .collect();
    if !(s.aspect.is_finite() && s.aspect > 0.0) {
        return Err(SigError::Malformed(format!("aspect {}", s.aspect)));
    }
    Ok(Parsed {
        hash,
        inner,
        grid,
        aspect: s.aspect,
    })
}

/// The colour-grid distance: the mean of the worst quarter of the cells' ΔE (lightness counted
/// half, so brighter or darker lighting weighs less than a change of hue).
fn grid_distance(p: &[Lab], q: &[Lab]) -> f64 {
    let mut d: Vec<f64> = p
        .iter()
        .zip(q)
        .map(|(p, q)| {
            let (dl, da, db) = ((p.l - q.l) * 0.5, p.a - q.a, p.b - q.b);
            (dl * dl + da * da + db * db).sqrt()
        })
        .collect();
    d.sort_by(|a, b| b.total_cmp(a));
    let worst = (d.len() / 4).max(1);
    d[..worst].iter().sum::<f64>() / worst as f64
}

/// The dominant-colour distance: share-weighted ΔE from each colour of one side to the nearest
/// of the other, the larger of the two directions.
fn dominant_distance(p: &[Colour], q: &[Colour]) -> f64 {
    let lab = |c: &Colour| Lab {
        l: c.lab[0],
        a: c.lab[1],
        b: c.lab[2],
    };
    let one_way = |p: &[Colour], q: &[Colour]| {
        let total: f64 = p.iter().map(|c| c.share).sum();
        if total <= 0.0 || q.is_empty() {
            return 0.0;
        }
        p.iter()
            .map(|c| {
                let near = q
                    .iter()
                    .map(|d| delta_e(lab(c), lab(d)))
                    .fold(f64::INFINITY, f64::min);
                near * c.share
            })
            .sum::<f64>()
            / total
    };
    one_way(p, q).max(one_way(q, p))
}

/// Structure distance in hash bits: whole against whole, or a little cropped either way (the
/// inner 90 % of one against the whole of the other), whichever is nearest.
fn structure_bits(s: &Parsed, p: &Parsed) -> u32 {
    let whole = (s.hash ^ p.hash).count_ones();
    let page_cropped = (s.inner ^ p.hash).count_ones();
    let saved_cropped = (s.hash ^ p.inner).count_ones();
    whole.min(page_cropped).min(saved_cropped)
}

/// Compares the saved image's signature with the page image's.
pub fn compare(saved: &Signature, page: &Signature) -> Result<Comparison, SigError> {
    let (s, p) = (parse(saved)?, parse(page)?);
    let bits = structure_bits(&s, &p);
    let colour = grid_distance(&s.grid, &p.grid);
    let dominant = dominant_distance(&saved.colours, &page.colours);
    let aspect = (s.aspect / p.aspect).max(p.aspect / s.aspect);
    let colours_changed = colour > COLOUR_CHANGED || dominant > COLOUR_CHANGED * 1.5;
    let verdict = if aspect > 1.25 || bits > RECOLOURED_BITS {
        Verdict::Different
    } else if colours_changed {
        Verdict::Recoloured
    } else if bits <= SAME_BITS {
        Verdict::Same
    } else {
        Verdict::Different
    };
    Ok(Comparison {
        verdict,
        distance: round_to(f64::from(bits) / 64.0, 1000.0),
        colour_distance: round_to(colour, 10.0),
        saved: Side {
            colours: saved.colours.clone(),
        },
        page: Side {
            colours: page.colours.clone(),
        },
    })
}

/// Internal figures of a comparison, for tuning and tests: `(hash bits, grid distance,
/// dominant-colour distance, aspect ratio)`.
#[doc(hidden)]
pub fn figures(saved: &Signature, page: &Signature) -> Result<(u32, f64, f64, f64), SigError> {
    let (s, p) = (parse(saved)?, parse(page)?);
    Ok((
        structure_bits(&s, &p),
        grid_distance(&s.grid, &p.grid),
        dominant_distance(&saved.colours, &page.colours),
        (s.aspect / p.aspect).max(p.aspect / s.aspect),
    ))
}

/// A deterministic test image (a shaded, textured product on a white background): the same
/// bytes natively and in wasm, for the bit-for-bit signature test.
#[doc(hidden)]
pub fn test_pattern(width: u32, height: u32) -> Vec<u8> {
    let mut seed: u32 = 0x2545_F491;
    let mut out = Vec::with_capacity(width as usize * height as usize * 4);
    for y in 0..height {
        for x in 0..width {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let noise = (seed >> 24) as u8 & 0x0f;
            let (dx, dy) = (
                i64::from(x) - i64::from(width / 2),
                i64::from(y) - i64::from(height / 2),
            );
            let r2 = dx * dx * 4 + dy * dy * 9;
            let limit = i64::from(width.min(height)).pow(2);
            let px = if r2 < limit {
                let shade = (x * 255 / width) as u8;
                [
                    120u8.saturating_add(noise),
                    20 + shade / 4,
                    shade / 2 + noise,
                    255,
                ]
            } else if (x / 7 + y / 5) % 9 == 0 && r2 < limit * 2 {
                [30, 40, 90 + noise, 200]
            } else {
                [255 - noise / 8, 255, 254, 255]
            };
            out.extend_from_slice(&px);
        }
    }
    out
}

/// The signature of `test_pattern(211, 157)`, computed natively; the wasm test
/// (src/wasm/tests.rs) checks the wasm build gives the same JSON.
#[doc(hidden)]
pub const PINNED: &str = r#"{"v":1,"hash":"2a3ef771c023c07d","inner":"ab7bd561c003c0fd","grid":"f1807ec48a81c1897dfa8080b98c854fa68d58a17dc08a7ab38c834fa68d58a17dbb8a79fa8080c48980c0897cfe8080","aspect":1.426,"background":0.57,"colours":[{"lab":[35.9,31.4,-6.2],"share":0.36,"name_en":"burgundy","name_ja":"ワインレッド"},{"lab":[32.0,35.7,7.6],"share":0.33,"name_en":"burgundy","name_ja":"ワインレッド"},{"lab":[29.3,39.5,20.6],"share":0.22,"name_en":"burgundy","name_ja":"ワインレッド"},{"lab":[37.7,9.7,-26.1],"share":0.09,"name_en":"navy","name_ja":"ネイビー"}]}"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn swatch(rgb: [u8; 3]) -> Signature {
        let rgba: Vec<u8> = (0..48 * 48)
            .flat_map(|_| [rgb[0], rgb[1], rgb[2], 255])
            .collect();
        signature(48, 48, &rgba).expect("signature")
    }

    #[test]
    fn test_pattern_signature_is_pinned() {
        let s = signature(211, 157, &test_pattern(211, 157)).unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), PINNED);
    }

    #[test]
    fn the_compact_form_reads_back_the_same_signature() {
        let sig = signature(120, 90, &test_pattern(120, 90)).unwrap();
        let text = sig.to_compact();
        assert!(text.len() < 260, "{}", text.len());
        assert_eq!(Signature::from_compact(&text).unwrap(), sig);
        for rgb in [[0, 0, 0], [250, 250, 250], [200, 20, 30], [20, 30, 110]] {
            let s = swatch(rgb);
            assert_eq!(Signature::from_compact(&s.to_compact()).unwrap(), s);
        }
        for bad in ["", "1|2", "x|||||| ", &text.replace('|', ";")] {
            assert!(matches!(
                Signature::from_compact(bad),
                Err(SigError::Malformed(_))
            ));
        }
    }

    #[test]
    fn plain_swatches_are_named() {
        for (rgb, en, ja) in [
            ([0, 0, 0], "black", "黒"),
            ([20, 20, 22], "black", "黒"),
            ([255, 255, 255], "white", "白"),
            ([128, 128, 128], "grey", "グレー"),
            ([210, 30, 40], "red", "赤"),
            ([230, 0, 18], "red", "赤"),
            ([25, 35, 80], "navy", "ネイビー"),
            ([0, 0, 128], "navy", "ネイビー"),
            ([215, 195, 160], "beige", "ベージュ"),
            ([30, 140, 60], "green", "緑"),
            ([30, 80, 200], "blue", "青"),
            ([240, 140, 170], "pink", "ピンク"),
            ([110, 70, 40], "brown", "茶色"),
            ([245, 205, 30], "yellow", "黄色"),
            ([120, 50, 160], "purple", "紫"),
            ([240, 130, 30], "orange", "オレンジ"),
        ] {
            let s = swatch(rgb);
            assert_eq!(s.colours.len(), 1, "{rgb:?}: {:?}", s.colours);
            assert_eq!(
                (s.colours[0].name_en.as_str(), s.colours[0].name_ja.as_str()),
                (en, ja),
                "{rgb:?}: {:?}",
                s.colours[0]
            );
            assert_eq!(s.colours[0].share, 1.0);
        }
    }

    #[test]
    fn bad_buffers_are_errors_not_panics() {
        assert!(matches!(
            signature(1, 1, &[0, 0, 0, 255]),
            Err(SigError::TooSmall { .. })
        ));
        assert!(matches!(
            signature(20_000, 20_000, &[]),
            Err(SigError::TooLarge { .. })
        ));
        assert!(matches!(
            signature(16, 16, &[0; 10]),
            Err(SigError::BadBuffer { .. })
        ));
        let s = swatch([0, 0, 0]);
        let mut bad = s.clone();
        bad.hash = "xyz".into();
        assert!(compare(&s, &bad).is_err());
        bad = s.clone();
        bad.v = 99;
        assert!(compare(&s, &bad).is_err());
    }

    #[test]
    fn black_on_white_versus_red_on_white() {
        // A black square on a white studio background, then the same square red.
        let img = |rgb: [u8; 3]| -> Vec<u8> {
            let mut v = Vec::with_capacity(100 * 100 * 4);
            for y in 0..100 {
                for x in 0..100 {
                    let inside = (25..75).contains(&x) && (20..80).contains(&y);
                    let c = if inside { rgb } else { [255, 255, 255] };
                    v.extend_from_slice(&[c[0], c[1], c[2], 255]);
                }
            }
            v
        };
        let black = signature(100, 100, &img([10, 10, 10])).unwrap();
        let red = signature(100, 100, &img([200, 20, 30])).unwrap();
        assert_eq!(black.colours[0].name_en, "black");
        assert!(black.background > 0.65, "{black:?}");
        let c = compare(&black, &red).unwrap();
        assert_eq!(c.verdict, Verdict::Recoloured, "{c:?}");
        assert_eq!(c.page.colours[0].name_ja, "赤");
        assert_eq!(compare(&black, &black).unwrap().verdict, Verdict::Same);
    }
}
