//! The wasm module `runbook build` writes, read as bytes: every table it
//! exports has the element type the JS glue expects. Debian's wasm-opt
//! (binaryen 108) wrote every table export as table 0, which handed the
//! glue the function table for `__wbindgen_externrefs`, and every page's
//! panels and search failed at start; generator/build/wasm.rs puts the
//! index back.

use wasmparser::{ExternalKind, Parser, Payload, RefType, TypeRef};

use crate::support::{build_site, copy_content};

/// Element type of each table (imports first: the index space) and the
/// table exports, read by wasmparser: an independent reader of what
/// build/wasm.rs patches by hand.
fn tables(module: &[u8]) -> (Vec<RefType>, Vec<(String, usize)>) {
    let (mut types, mut exports) = (Vec::new(), Vec::new());
    for payload in Parser::new(0).parse_all(module) {
        match payload.expect("a valid wasm module") {
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    if let TypeRef::Table(table) = import.unwrap().ty {
                        types.push(table.element_type);
                    }
                }
            }
            Payload::TableSection(tables) => {
                for table in tables {
                    types.push(table.unwrap().ty.element_type);
                }
            }
            Payload::ExportSection(section) => {
                for export in section {
                    let export = export.unwrap();
                    if export.kind == ExternalKind::Table {
                        exports.push((export.name.to_string(), export.index as usize));
                    }
                }
            }
            _ => {}
        }
    }
    (types, exports)
}

#[test]
fn the_glue_gets_the_externref_table() {
    let tmp = tempfile::tempdir().unwrap();
    let content = copy_content(tmp.path());
    let site = tmp.path().join("site");
    build_site(&content, &site);
    for stem in ["runbook_panels", "runbook_search"] {
        let module = std::fs::read(site.join(format!("assets/{stem}_bg.wasm"))).unwrap();
        let glue = std::fs::read_to_string(site.join(format!("assets/{stem}.js"))).unwrap();
        let (types, exports) = tables(&module);
        for (export, index) in &exports {
            let element = types[*index];
            if export == "__wbindgen_externrefs" {
                assert_eq!(
                    element,
                    RefType::EXTERNREF,
                    "{export} is table {index} of {types:?}"
                );
            }
            // Any other exported table is the function table.
            else {
                assert_eq!(
                    element,
                    RefType::FUNCREF,
                    "{export} is table {index} of {types:?}"
                );
            }
        }
        if glue.contains("wasm.__wbindgen_externrefs") {
            assert!(
                exports.iter().any(|(e, _)| e == "__wbindgen_externrefs"),
                "the glue uses a table the module does not export: {exports:?}"
            );
        }
    }
}
