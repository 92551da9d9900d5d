//! Build script of the generator: embeds the default theme (include_dir)
//! and builds the widgets' wasm module with its JS glue, so that a plain
//! `cargo build` on a fresh clone produces a binary whose `runbook build`
//! writes working panels into every site. The wasm part lives in
//! `build/wasm.rs`.

#[path = "build/wasm.rs"]
mod wasm;

fn main() {
    // The default theme is embedded with include_dir; tell cargo to rebuild
    // when any of its files change.
    println!("cargo:rerun-if-changed=../themes/default");
    wasm::build();
}
