//! The full wasm module: the core's one `invoke` entry point (`catalog_guard::wasm`), built
//! with the browser's charsets and NFKC (see Cargo.toml here and ARCHITECTURE.md).
#![forbid(unsafe_code)]

pub use catalog_guard::wasm::invoke;
