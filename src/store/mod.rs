//! Settings, listings storage model, sync encoding, history and case log.
//!
//! * [`settings`] — [`settings::Settings`], its stored form and migrations
//! * [`sync`] — listings and settings → `chrome.storage.sync` items and back
//! * [`merge`] — merging listings that come from another browser

pub mod merge;
pub mod settings;
pub mod sync;
