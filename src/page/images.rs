//! Amazon image URLs → image IDs.

/// `https://m.media-amazon.com/images/I/81lde%2B541vL._AC_SL1500_.jpg` → `81lde+541vL`.
pub fn image_id(url: &str) -> Option<String> {
    let _ = url;
    None
}

/// A thumbnail URL for an image ID, on Amazon's image host.
pub fn image_url(id: &str) -> String {
    format!("https://m.media-amazon.com/images/I/{id}._SL160_.jpg")
}
