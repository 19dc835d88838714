//! Settings, listings storage model, sync encoding, history and case log.
//!
//! * [`settings`] — [`settings::Settings`], its stored form and migrations
//! * [`sync`] — listings and settings → `chrome.storage.sync` items and back;
//!   built from [`fingerprint`] (the fingerprint codec), [`items`] (the item
//!   layout) and [`quota`] (what fits within the quotas)
//! * [`merge`] — merging listings that come from another browser, and the
//!   deletion (tombstone) rules
//!
//! The parts depend on each other in one direction only: `fingerprint` ←
//! `items` ← `merge` ← `quota` ← `sync` (each uses only the ones before it).

pub mod fingerprint;
pub mod items;
pub mod merge;
pub mod quota;
pub mod settings;
pub mod sync;
