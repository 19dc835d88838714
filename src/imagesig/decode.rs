//! Native only: image file bytes (JPEG, PNG, WebP) → RGBA, for the CLI and the tests. The wasm
//! build never links a decoder (the browser decodes there).
//!
//! The size is read from the header and refused over [`super::MAX_PIXELS`] before any pixel is
//! decoded, and the decoder runs under an allocation limit, so a decompression bomb (a small
//! file that claims a huge image) fails fast instead of exhausting memory.

use super::{check_size, SigError, MAX_PIXELS};
use image::{ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// A decoded image: `rgba.len() == width * height * 4`.
#[derive(Debug, Clone)]
pub struct Rgba {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Pixels, row by row, 4 bytes each.
    pub rgba: Vec<u8>,
}

/// Why an image file could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not a JPEG, PNG or WebP file.
    NotImage,
    /// Too large or too small ([`SigError::TooLarge`], [`SigError::TooSmall`]).
    Size(SigError),
    /// Would need more memory than the limit: a decompression bomb.
    Limits(String),
    /// A JPEG/PNG/WebP that is truncated or corrupt.
    Corrupt(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::NotImage => write!(f, "not a JPEG, PNG or WebP image"),
            DecodeError::Size(e) => write!(f, "{e}"),
            DecodeError::Limits(m) => write!(
                f,
                "refused as a possible decompression bomb (needs more memory than a {} megapixel image): {m}",
                MAX_PIXELS / 1_000_000
            ),
            DecodeError::Corrupt(m) => write!(f, "corrupt or truncated image: {m}"),
        }
    }
}

impl std::error::Error for DecodeError {}

fn image_error(e: image::ImageError) -> DecodeError {
    match e {
        image::ImageError::Limits(l) => DecodeError::Limits(l.to_string()),
        image::ImageError::Unsupported(_) => DecodeError::NotImage,
        other => DecodeError::Corrupt(other.to_string()),
    }
}

/// Decodes a JPEG, PNG or WebP file (format from its first bytes, never from a name or a
/// content type) into RGBA.
pub fn decode(bytes: &[u8]) -> Result<Rgba, DecodeError> {
    let format = image::guess_format(bytes).map_err(|_| DecodeError::NotImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(DecodeError::NotImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    // 50 MP as RGBA plus the decoder's own buffers.
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    limits.max_image_width = Some(60_000);
    limits.max_image_height = Some(60_000);
    reader.limits(limits.clone());
    let mut decoder = reader.into_decoder().map_err(image_error)?;
    let (width, height) = decoder.dimensions();
    check_size(width, height).map_err(DecodeError::Size)?;
    decoder.set_limits(limits).map_err(image_error)?;
    let img = image::DynamicImage::from_decoder(decoder).map_err(image_error)?;
    let rgba = img.into_rgba8();
    Ok(Rgba {
        width,
        height,
        rgba: rgba.into_raw(),
    })
}
