//! The `runbook` command line: parses arguments, runs a stage, prints the
//! outcome. Library errors are typed; `anyhow` is used only here.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use runbook::pipeline::{self, BuildOptions, Report};
use runbook::plural::count;

#[derive(Parser)]
#[command(
    name = "runbook",
    version,
    about = "Build fast, searchable sites from operations runbooks written in Markdown"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a content folder into a static site.
    Build {
        /// Folder holding the Markdown files and runbook.yaml.
        #[arg(default_value = "content")]
        content: PathBuf,
        /// Where to write the site; replaced whole only when the build succeeds.
        #[arg(long, short, default_value = "site")]
        out: PathBuf,
        /// Absolute URL of the published site (overrides runbook.yaml); used
        /// for sitemap.xml and the 404 page. Pages themselves link relatively.
        #[arg(long)]
        base_url: Option<String>,
        /// Treat warnings (broken links, unknown front matter keys) as errors.
        #[arg(long)]
        strict: bool,
        /// Alert rule files (Prometheus rule files, PrometheusRule
        /// manifests) or folders: each page shows its alerts' rules, and
        /// alerts.json carries them; repeatable.
        #[arg(long, num_args = 1.., value_name = "PATH")]
        rules: Vec<PathBuf>,
    },
    /// Preview a content folder: build in memory, serve it under the
    /// configured base path with the API, and reload the browser on save.
    Serve {
        /// Folder holding the Markdown files and runbook.yaml.
        #[arg(default_value = "content")]
        content: PathBuf,
        /// Address to listen on; loopback keeps the preview private.
        #[arg(long, default_value = "127.0.0.1:3000")]
        bind: std::net::SocketAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Treat warnings (broken links, unknown front matter keys) as
        /// errors, shown in the browser over the last good page.
        #[arg(long)]
        strict: bool,
    },
    /// Validate a content folder without writing anything: broken links and
    /// fragments, bad front matter, unknown widgets. Fails on any warning.
    ///
    /// With --rules (or `rules:` in runbook.yaml), also checks the alert
    /// rules against the pages: every alert has a page, every runbook link
    /// into the site lands, every alert a page lists is defined, and rule
    /// and page agree on severity.
    Check {
        /// Folder holding the Markdown files and runbook.yaml.
        #[arg(default_value = "content")]
        content: PathBuf,
        /// Prometheus rule files or PrometheusRule manifests (YAML), or
        /// folders of them; repeatable.
        #[arg(long, num_args = 1.., value_name = "PATH")]
        rules: Vec<PathBuf>,
        /// Address of the published site (overrides runbook.yaml): the
        /// rules' runbook links under it must land on a page.
        #[arg(long)]
        base_url: Option<String>,
        /// Print, for each alert, the runbook_url it should carry on this
        /// site (nothing is written), instead of the reports.
        #[arg(long)]
        fix_urls: bool,
    },
    /// Start from an existing folder of Markdown runbooks: write a
    /// runbook.yaml that fits it (title, language, proposed placeholders)
    /// and a GitHub Pages workflow. Never overwrites a file.
    Init {
        /// Folder holding the Markdown files.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Serve the read-only API the live panels call (SLOs from Prometheus,
    /// workloads from Kubernetes, or the demo), cached and coalesced.
    Api {
        /// The API configuration (YAML); see deploy/api.example.yaml.
        #[arg(long)]
        config: PathBuf,
        /// Address to listen on [default: the file's `bind:`, else 127.0.0.1:8787].
        #[arg(long)]
        bind: Option<std::net::SocketAddr>,
    },
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_arena_eager_commit` (its `mi_option_t` number;
/// libmimalloc-sys does not name it).
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// By default mimalloc commits its arenas whole on Linux: a 10,000-page
/// build peaked at 567 MiB resident, and at 455 MiB committing on demand,
/// no slower. The option must be set before the first arena is reserved,
/// which the runtime's first allocations do before `main`: hence a
/// constructor.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static COMMIT_ON_DEMAND: extern "C" fn() = commit_on_demand;

#[cfg(target_os = "linux")]
extern "C" fn commit_on_demand() {
    // SAFETY: sets an integer option; mimalloc allows it at any time.
    unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) };
}

fn main() -> ExitCode {
    runbook::api::init_tracing();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            content,
            out,
            base_url,
            strict,
            rules,
        } => {
            let options = BuildOptions {
                content,
                out: out.clone(),
                base_url,
                strict,
                rules,
            };
            pipeline::build(&options).map(|report| summary("Built", &report, Some(&out)))
        }
        Command::Serve {
            content,
            bind,
            open,
            strict,
        } => {
            let options = runbook::serve::ServeOptions {
                content,
                bind,
                open,
                strict,
            };
            // Runs until Ctrl-C; its errors (port in use) end here.
            if let Err(error) = runbook::serve::run(options) {
                eprintln!("error: {}", anyhow::Error::from(error));
                return ExitCode::FAILURE;
            }
            return ExitCode::SUCCESS;
        }
        Command::Api { config, bind } => {
            // Runs until Ctrl-C or SIGTERM; its errors (bad config, port in use) end here.
            if let Err(error) = runbook::api::run(&config, bind) {
                eprintln!("error: {}", anyhow::Error::from(error));
                return ExitCode::FAILURE;
            }
            return ExitCode::SUCCESS;
        }
        Command::Init { dir } => runbook::init::init(&dir).map(|report| {
            for (path, what) in &report.written {
                println!("wrote {} ({what})", path.display());
            }
            for path in &report.kept {
                println!("kept {} (it exists; nothing written)", path.display());
            }
            println!("next: {}", report.next);
        }),
        Command::Check {
            content,
            rules,
            base_url,
            fix_urls,
        } => {
            let configured = runbook::config::SiteConfig::load(&content)
                .map(|c| !c.rules.is_empty())
                .unwrap_or(false);
            if rules.is_empty() && !configured && !fix_urls {
                pipeline::check(&content).map(|report| summary("Checked", &report, None))
            } else {
                let options = pipeline::CheckOptions {
                    content,
                    rules,
                    base_url,
                };
                match pipeline::check_rules(&options) {
                    Ok(report) => return rules_summary(&report, fix_urls),
                    Err(error) => Err(error),
                }
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Warnings first, then one summary line.
fn summary(verb: &str, report: &Report, out: Option<&PathBuf>) {
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
    let target = out
        .map(|o| format!(" → {}", o.display()))
        .unwrap_or_default();
    println!(
        "{verb} {}, {} in {:.2} s{target}",
        count(report.pages, "page"),
        count(report.warnings.len(), "warning"),
        report.elapsed.as_secs_f64(),
    );
}

/// `check --rules`: every report (the site's, then the rules'), then the
/// summary lines; failure when anything is wrong. With `--fix-urls`, the
/// runbook link of each alert instead, and failure only when a rule file
/// could not be read.
fn rules_summary(report: &pipeline::RulesReport, fix_urls: bool) -> ExitCode {
    if fix_urls {
        print!("{}", report.fix_urls);
        for problem in &report.unreadable {
            eprintln!("{problem}");
        }
        return if report.unreadable.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    for warning in report.site_warnings.iter().chain(&report.rules.warnings) {
        eprintln!("{warning}");
    }
    println!(
        "Checked {}, {} in {:.2} s",
        count(report.pages, "page"),
        count(report.site_warnings.len(), "warning"),
        report.elapsed.as_secs_f64(),
    );
    println!("Rules: {}", report.rules.summary);
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
