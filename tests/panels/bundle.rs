//! The wasm module `runbook build` writes, read as bytes: every table it
//! exports has the element type the JS glue expects. Debian's wasm-opt
//! (binaryen 108) wrote every table export as table 0, which handed the
//! glue the function table for `__wbindgen_externrefs`, and every page's
//! panels and search failed at start; generator/build/wasm.rs puts the
//! index back.

use crate::support::{build_site, copy_content};

fn leb(bytes: &[u8], at: &mut usize) -> u64 {
    let (mut value, mut shift) = (0, 0);
    loop {
        let byte = bytes[*at];
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return value;
        }
        shift += 7;
    }
}

fn name(bytes: &[u8], at: &mut usize) -> String {
    let len = leb(bytes, at) as usize;
    let text = String::from_utf8_lossy(&bytes[*at..*at + len]).into_owned();
    *at += len;
    text
}

fn limits(bytes: &[u8], at: &mut usize) {
    let flags = bytes[*at];
    *at += 1;
    leb(bytes, at);
    if flags & 1 != 0 {
        leb(bytes, at);
    }
}

/// Element type of each table (imports first) and the table exports.
fn tables(module: &[u8]) -> (Vec<u8>, Vec<(String, usize)>) {
    assert_eq!(&module[..4], b"\0asm");
    let (mut types, mut exports) = (Vec::new(), Vec::new());
    let mut at = 8;
    while at < module.len() {
        let id = module[at];
        at += 1;
        let size = leb(module, &mut at) as usize;
        let end = at + size;
        let mut p = at;
        match id {
            2 => {
                for _ in 0..leb(module, &mut p) {
                    name(module, &mut p);
                    name(module, &mut p);
                    let kind = module[p];
                    p += 1;
                    match kind {
                        0 => {
                            leb(module, &mut p);
                        }
                        1 => {
                            types.push(module[p]);
                            p += 1;
                            limits(module, &mut p);
                        }
                        2 => limits(module, &mut p),
                        3 => p += 2,
                        other => panic!("import kind {other}"),
                    }
                }
            }
            4 => {
                for _ in 0..leb(module, &mut p) {
                    types.push(module[p]);
                    p += 1;
                    limits(module, &mut p);
                }
            }
            7 => {
                for _ in 0..leb(module, &mut p) {
                    let export = name(module, &mut p);
                    let kind = module[p];
                    p += 1;
                    let index = leb(module, &mut p) as usize;
                    if kind == 1 {
                        exports.push((export, index));
                    }
                }
            }
            _ => {}
        }
        at = end;
    }
    (types, exports)
}

const FUNCREF: u8 = 0x70;
const EXTERNREF: u8 = 0x6f;

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
                    element, EXTERNREF,
                    "{export} is table {index} of {types:x?}"
                );
            }
            // Any other exported table is the function table.
            else {
                assert_eq!(element, FUNCREF, "{export} is table {index} of {types:x?}");
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
