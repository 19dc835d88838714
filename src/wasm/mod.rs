//! wasm-bindgen bindings (wasm32 only).
