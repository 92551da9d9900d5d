//! Builds `runbook-widgets` for `wasm32-unknown-unknown`, generates its JS
//! glue with wasm-bindgen (as a library: wasm-pack downloads binaries, which
//! these machines cannot), shrinks it with `wasm-opt` when binaryen is
//! installed, and leaves `runbook_panels.js`, `runbook_search.js` and their
//! `_bg.wasm` modules in OUT_DIR for `include_bytes!` (generator/src/widgets_bundle.rs).
//!
//! The nested cargo gets its own target folder (`<target>/wasm`): sharing
//! the outer build's folder would wait forever on the lock the outer build
//! holds. It is kept between runs, so a rerun after an unrelated change is a
//! no-op check of a second or two; this script itself only reruns when the
//! widgets' sources or the workspace manifest change.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-unknown-unknown";
/// `[profile.wasm-release]` in the workspace Cargo.toml: opt-level "z", LTO.
const PROFILE: &str = "wasm-release";
/// The modules built from the widgets crate: (cargo feature, file stem).
/// Two modules, not one: every page with a panel loads the panels, while
/// search is fetched only when a reader types a query. (The search module
/// links neither serde_json nor the NFKC tables: 66 KB gzipped, budgeted
/// in tests/search/budget.rs.) Outputs: `<stem>.js` and
/// `<stem>_bg.wasm`.
const MODULES: [(&str, &str); 2] = [
    ("wasm-panels", "runbook_panels"),
    ("wasm-search", "runbook_search"),
];

pub fn build() {
    for path in [
        "../widgets/src",
        "../widgets/Cargo.toml",
        "../Cargo.toml",
        "../Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed=RUNBOOK_WASM_OPT");

    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir
        .parent()
        .expect("generator/ sits in the workspace")
        .to_path_buf();
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));

    require_target();
    for (feature, stem) in MODULES {
        let wasm = compile(&workspace, &out_dir, feature);
        let (js, wasm) = bindgen(&wasm, stem);
        let wasm = optimise(wasm, &out_dir);
        write_if_changed(&out_dir.join(format!("{stem}.js")), js.as_bytes());
        write_if_changed(&out_dir.join(format!("{stem}_bg.wasm")), &wasm);
    }
}

/// Fails early, with the one command that fixes it, when the target's
/// standard library is not installed (otherwise rustc reports a puzzling
/// "can't find crate for `core`" deep in a nested build).
fn require_target() {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(&rustc)
        .args(["--print", "target-libdir", "--target", TARGET])
        .output();
    let installed = match output {
        Ok(out) if out.status.success() => {
            let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            fs::read_dir(&dir)
                .map(|entries| {
                    entries.flatten().any(|e| {
                        let name = e.file_name();
                        let name = name.to_string_lossy();
                        name.starts_with("libcore-") && name.ends_with(".rlib")
                    })
                })
                .unwrap_or(false)
        }
        _ => false,
    };
    if !installed {
        panic!(
            "\n\nThe live panels are WebAssembly, and the Rust target for it is not installed.\n\
             Fix: rustup target add {TARGET}\n\
             (then run the same cargo command again)\n"
        );
    }
}

/// The nested `cargo build` of the widgets crate with the entry points of
/// one module; returns the .wasm path (cargo's name for it is the same for
/// every feature set, so it is read before the next module is built).
fn compile(workspace: &Path, out_dir: &Path, feature: &str) -> PathBuf {
    let target_dir = nested_target_dir(out_dir);
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace)
        .arg("build")
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"))
        .args(["-p", "runbook-widgets", "--lib", "--no-default-features"])
        .args(["--features", feature])
        .args(["--target", TARGET, "--profile", PROFILE])
        .arg("--target-dir")
        .arg(&target_dir);
    scrub_env(&mut cmd);
    // Paths of this checkout and of the cargo home would otherwise end up in
    // panic locations inside the module: remap them so the same sources
    // give the same bytes on any machine.
    let mut flags = vec![format!(
        "--remap-path-prefix={}=/runbook",
        workspace.display()
    )];
    if let Some(home) = cargo_home() {
        flags.push(format!("--remap-path-prefix={}=/cargo", home.display()));
    }
    cmd.env("CARGO_ENCODED_RUSTFLAGS", flags.join("\x1f"));

    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("could not run cargo for the wasm module: {e}"));
    if !status.success() {
        panic!(
            "building the widgets for {TARGET} failed (see the errors above).\n\
             To reproduce: cargo build -p runbook-widgets --lib --no-default-features --features {feature} --target {TARGET} --profile {PROFILE}"
        );
    }
    target_dir
        .join(TARGET)
        .join(PROFILE)
        .join("runbook_widgets.wasm")
}

/// `<target>/wasm`, found by walking up from OUT_DIR to the folder cargo
/// marks with CACHEDIR.TAG; OUT_DIR itself if there is none.
fn nested_target_dir(out_dir: &Path) -> PathBuf {
    out_dir
        .ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .map(|target| target.join("wasm"))
        .unwrap_or_else(|| out_dir.join("wasm-target"))
}

/// Removes what cargo set for this build script (the host's cfg, features,
/// flags, and clippy's wrapper under `cargo clippy`): the nested build is
/// for another target and must not inherit them.
fn scrub_env(cmd: &mut Command) {
    const KEEP: [&str; 5] = [
        "CARGO_HOME",
        "CARGO_MAKEFLAGS",
        "CARGO_NET_OFFLINE",
        "CARGO_NET_RETRY",
        "CARGO_TERM_COLOR",
    ];
    const DROP: [&str; 14] = [
        "TARGET",
        "HOST",
        "OUT_DIR",
        "OPT_LEVEL",
        "DEBUG",
        "PROFILE",
        "NUM_JOBS",
        "RUSTC_LINKER",
        "RUSTFLAGS",
        "RUSTDOCFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CLIPPY_ARGS",
        "CLIPPY_CONF_DIR",
        "__CARGO_FIX_PLZ",
    ];
    for (key, _) in env::vars_os() {
        let key: OsString = key;
        let Some(name) = key.to_str() else { continue };
        let cargo_var = name.starts_with("CARGO_") && !KEEP.contains(&name);
        if cargo_var || name.starts_with("DEP_") || DROP.contains(&name) {
            cmd.env_remove(name);
        }
    }
}

fn cargo_home() -> Option<PathBuf> {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// wasm-bindgen's JS glue for `<script type="module">` (`--target web`).
fn bindgen(wasm: &Path, stem: &str) -> (String, Vec<u8>) {
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(wasm)
        .out_name(stem)
        .typescript(false)
        .remove_name_section(true)
        .remove_producers_section(true)
        // The library's default (unlike the CLI's) leaves `init()` without a
        // URL to fetch; the theme's scripts call `init()` with none.
        .omit_default_module_path(false);
    bindgen.web(true).expect("wasm-bindgen: --target web");
    let mut output = bindgen
        .generate_output()
        .unwrap_or_else(|e| panic!("wasm-bindgen failed on {}: {e:?}", wasm.display()));
    // Snippets (`#[wasm_bindgen(inline_js)]`) would be extra files the site
    // writer does not know about: keep all JS in the loaders instead.
    assert!(
        output.snippets().values().all(Vec::is_empty) && output.local_modules().is_empty(),
        "the widgets use inline_js or module snippets; put that JS in themes/default/static instead"
    );
    let js = output.js().to_string();
    let bytes = output.wasm_mut().emit_wasm();
    (js, bytes)
}

/// `wasm-opt -Oz` from Debian's binaryen when it is installed and works on
/// this module; the unoptimised module otherwise (still correct, larger).
fn optimise(wasm: Vec<u8>, out_dir: &Path) -> Vec<u8> {
    let tool = env::var_os("RUNBOOK_WASM_OPT").unwrap_or_else(|| "wasm-opt".into());
    if tool.is_empty() {
        return wasm;
    }
    let input = out_dir.join("wasm-opt-in.wasm");
    let output = out_dir.join("wasm-opt-out.wasm");
    fs::write(&input, &wasm).expect("write wasm for wasm-opt");
    let result = Command::new(&tool)
        .arg("-Oz")
        // The features rustc enables by default for this target.
        .args([
            "--enable-bulk-memory",
            "--enable-mutable-globals",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-reference-types",
            "--enable-multivalue",
        ])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output();
    let optimised = match result {
        Ok(out) if out.status.success() => fs::read(&output).ok(),
        Ok(out) => {
            println!(
                "cargo:warning=wasm-opt failed, shipping the unoptimised module: {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .next()
                    .unwrap_or("")
            );
            None
        }
        // Not installed: optional (apt-get install binaryen).
        Err(_) => None,
    };
    let _ = fs::remove_file(&input);
    let _ = fs::remove_file(&output);
    match optimised {
        Some(mut optimised) => {
            if repair_table_exports(&wasm, &mut optimised) {
                optimised
            } else {
                println!(
                    "cargo:warning=wasm-opt changed which table an export names and it could not be \
                     put back; shipping the unoptimised module"
                );
                wasm
            }
        }
        None => wasm,
    }
}

/// binaryen 108 (Debian bookworm's `wasm-opt`) writes every table export
/// with index 0. wasm-bindgen exports its externref table
/// (`__wbindgen_externrefs`), which comes after the function table, so the
/// optimised module handed the glue the function table and every page
/// failed at start with "WebAssembly.Table.set(): Argument 1 is invalid
/// for table". Points each exported table back at the one with the element
/// type it had before optimising; `false` when that is not possible (the
/// caller then ships the unoptimised module).
fn repair_table_exports(before: &[u8], after: &mut [u8]) -> bool {
    let (Some(old), Some(new)) = (module_tables(before), module_tables(after)) else {
        return false;
    };
    for export in &new.exports {
        let Some(old_index) = old
            .exports
            .iter()
            .find(|e| e.name == export.name)
            .map(|e| e.index)
        else {
            continue;
        };
        let Some(&wanted) = old.types.get(old_index as usize) else {
            return false;
        };
        if new.types.get(export.index as usize) == Some(&wanted) {
            continue;
        }
        let candidates: Vec<usize> = (0..new.types.len())
            .filter(|&i| new.types[i] == wanted)
            .collect();
        let [index] = candidates[..] else {
            return false;
        };
        // Same encoded length only: the section sizes stay valid.
        if index >= 0x80 || export.leb_len != 1 {
            return false;
        }
        after[export.at] = index as u8;
    }
    module_tables(after).is_some_and(|fixed| {
        fixed.exports.iter().all(|e| {
            let old_index = old
                .exports
                .iter()
                .find(|o| o.name == e.name)
                .map(|o| o.index);
            old_index.is_none_or(|i| old.types.get(i as usize) == fixed.types.get(e.index as usize))
        })
    })
}

struct TableExport {
    name: Vec<u8>,
    index: u32,
    /// Offset and length of the index's LEB128 in the module.
    at: usize,
    leb_len: usize,
}

struct ModuleTables {
    /// Element type of each table, imported ones first (the index space).
    types: Vec<u8>,
    exports: Vec<TableExport>,
}

/// The tables and table exports of a wasm module; `None` for anything this
/// small reader does not understand.
fn module_tables(module: &[u8]) -> Option<ModuleTables> {
    fn leb(bytes: &[u8], at: &mut usize) -> Option<u64> {
        let (mut value, mut shift) = (0u64, 0);
        loop {
            let byte = *bytes.get(*at)?;
            *at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(value);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    }
    fn limits(bytes: &[u8], at: &mut usize) -> Option<()> {
        let flags = *bytes.get(*at)?;
        *at += 1;
        leb(bytes, at)?;
        if flags & 1 != 0 {
            leb(bytes, at)?;
        }
        Some(())
    }
    fn name(bytes: &[u8], at: &mut usize) -> Option<Vec<u8>> {
        let len = leb(bytes, at)? as usize;
        let name = bytes.get(*at..*at + len)?.to_vec();
        *at += len;
        Some(name)
    }
    if module.get(..4)? != b"\0asm" {
        return None;
    }
    let mut tables = ModuleTables {
        types: Vec::new(),
        exports: Vec::new(),
    };
    let mut at = 8;
    while at < module.len() {
        let id = module[at];
        at += 1;
        let size = leb(module, &mut at)? as usize;
        let end = at.checked_add(size)?;
        let mut p = at;
        match id {
            // Imports: tables among them come first in the index space.
            2 => {
                for _ in 0..leb(module, &mut p)? {
                    name(module, &mut p)?;
                    name(module, &mut p)?;
                    let kind = *module.get(p)?;
                    p += 1;
                    match kind {
                        0 => {
                            leb(module, &mut p)?;
                        }
                        1 => {
                            tables.types.push(*module.get(p)?);
                            p += 1;
                            limits(module, &mut p)?;
                        }
                        2 => limits(module, &mut p)?,
                        3 => p += 2,
                        _ => return None,
                    }
                }
            }
            4 => {
                for _ in 0..leb(module, &mut p)? {
                    let element = *module.get(p)?;
                    if element != 0x70 && element != 0x6f {
                        return None;
                    }
                    tables.types.push(element);
                    p += 1;
                    limits(module, &mut p)?;
                }
            }
            7 => {
                for _ in 0..leb(module, &mut p)? {
                    let export = name(module, &mut p)?;
                    let kind = *module.get(p)?;
                    p += 1;
                    let index_at = p;
                    let index = leb(module, &mut p)?;
                    if kind == 1 {
                        tables.exports.push(TableExport {
                            name: export,
                            index: u32::try_from(index).ok()?,
                            at: index_at,
                            leb_len: p - index_at,
                        });
                    }
                }
            }
            _ => {}
        }
        at = end;
    }
    Some(tables)
}

/// Leaves the file (and its mtime) alone when the bytes are the same.
fn write_if_changed(path: &Path, bytes: &[u8]) {
    if fs::read(path).map(|old| old == bytes).unwrap_or(false) {
        return;
    }
    fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}
