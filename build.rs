//! Build script: the template messages the core reads from the extension's
//! `extension/_locales/{en,ja}/messages.json` (the `messages!` list in
//! src/watch/templates.rs), and only those, written to `$OUT_DIR` for `include_str!`.
//!
//! The two files hold every string of the extension's UI (about 137 KB); the core needs
//! about 70 of their messages (about 13 KB), and everything `include_str!` takes ends up in
//! the wasm module's data. A file that does not parse is passed through unchanged, so the
//! core's tests report it as before.

use std::{env, fs, path::Path};

/// The message keys of the `messages! { field => "key", … }` list.
fn template_keys(templates_rs: &str) -> Vec<String> {
    let start = templates_rs
        .find("\nmessages! {")
        .expect("src/watch/templates.rs has no `messages! {` list");
    let body = &templates_rs[start..];
    let end = body.find("\n}").unwrap_or(body.len());
    body[..end]
        .lines()
        .filter_map(|line| {
            let (_, rest) = line.split_once("=> \"")?;
            Some(rest.split('"').next()?.to_string())
        })
        .collect()
}

fn main() {
    let templates = "src/watch/templates.rs";
    println!("cargo:rerun-if-changed={templates}");
    let keys = template_keys(&fs::read_to_string(templates).expect("read templates.rs"));
    let out = env::var("OUT_DIR").expect("OUT_DIR");
    for lang in ["en", "ja"] {
        let file = format!("extension/_locales/{lang}/messages.json");
        println!("cargo:rerun-if-changed={file}");
        let text = fs::read_to_string(&file).unwrap_or_default();
        let kept = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text) {
            Ok(table) => {
                let only: serde_json::Map<String, serde_json::Value> = table
                    .into_iter()
                    .filter(|(key, _)| keys.contains(key))
                    .map(|(key, entry)| {
                        let message = entry.get("message").cloned().unwrap_or_default();
                        (key, serde_json::json!({ "message": message }))
                    })
                    .collect();
                serde_json::Value::Object(only).to_string()
            }
            Err(_) => text,
        };
        fs::write(Path::new(&out).join(format!("{lang}_messages.json")), kept)
            .expect("write the template messages");
    }
}
