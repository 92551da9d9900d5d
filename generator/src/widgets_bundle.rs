//! The widgets' wasm module and its JS glue, built by `build.rs` (see
//! `generator/build/wasm.rs`) and embedded here so every `runbook build`
//! writes them next to the theme's assets.

/// File names under `assets/`. `panels.js` and `search.js` import the glue
/// by this name; the glue's default export loads the wasm by the other.
pub const GLUE: &str = "runbook_widgets.js";
pub const WASM: &str = "runbook_widgets_bg.wasm";

/// `(name under assets/, bytes)`, in a fixed order.
pub fn files() -> [(&'static str, &'static [u8]); 2] {
    [
        (
            GLUE,
            include_bytes!(concat!(env!("OUT_DIR"), "/runbook_widgets.js")),
        ),
        (
            WASM,
            include_bytes!(concat!(env!("OUT_DIR"), "/runbook_widgets_bg.wasm")),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_module_is_real_wasm_and_the_glue_loads_it() {
        let [(_, glue), (_, wasm)] = files();
        assert_eq!(&wasm[..4], b"\0asm", "not a wasm module");
        let glue = std::str::from_utf8(glue).expect("glue is UTF-8");
        assert!(glue.contains(WASM), "the glue does not name {WASM}");
        assert!(
            glue.contains("as default }") || glue.contains("export default"),
            "no init function in the glue"
        );
    }
}
