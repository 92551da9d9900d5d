//! The widgets' wasm modules and their JS glue, built by `build.rs` (see
//! `generator/build/wasm.rs`) and embedded here so every `runbook build`
//! writes them next to the theme's assets.
//!
//! Two modules: `panels.js` loads the panels' on pages that have a panel;
//! `search.js` loads the search module on the first query. Each glue's
//! default export fetches its `_bg.wasm` by name, relative to itself.

macro_rules! asset {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!(env!("OUT_DIR"), "/", $name)) as &'static [u8],
        )
    };
}

/// `(name under assets/, bytes)`, in a fixed order: glue, then its module.
pub fn files() -> [(&'static str, &'static [u8]); 4] {
    [
        asset!("runbook_panels.js"),
        asset!("runbook_panels_bg.wasm"),
        asset!("runbook_search.js"),
        asset!("runbook_search_bg.wasm"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_module_is_real_wasm_and_its_glue_loads_it() {
        for pair in files().chunks(2) {
            let [(glue_name, glue), (wasm_name, wasm)] = pair else {
                unreachable!("files() holds pairs")
            };
            assert_eq!(&wasm[..4], b"\0asm", "{wasm_name} is not a wasm module");
            let glue = std::str::from_utf8(glue).expect("glue is UTF-8");
            assert!(
                glue.contains(wasm_name),
                "{glue_name} does not name {wasm_name}"
            );
            assert!(
                glue.contains("as default }") || glue.contains("export default"),
                "no init function in {glue_name}"
            );
        }
    }

    fn gzipped(bytes: &[u8]) -> usize {
        crate::gzip::gzip(bytes, 9).len()
    }

    /// Every page with a panel downloads this before the panel shows live
    /// data: 150 KiB gzipped at most, glue included.
    #[test]
    fn the_panels_module_stays_within_its_budget() {
        let [glue, wasm, ..] = files();
        let size = gzipped(glue.1) + gzipped(wasm.1);
        eprintln!("panels: {size} bytes gzipped (glue + wasm)");
        assert!(
            size <= 150 * 1024,
            "the panels' module is {size} bytes gzipped"
        );
    }
}
