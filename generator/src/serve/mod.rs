//! `runbook serve`: build in memory, serve under the base path, watch the
//! sources, rebuild what changed, and tell open pages to reload.
//!
//! ```text
//! notify ─▶ watch (debounce, classify) ─▶ patch + rebuild (one thread, rayon)
//!        ─▶ snapshot (Arc swapped whole) ─▶ http + livereload (tokio)
//!                        ▲
//!   search index, print ──┘ (their own thread, swapped in after the build)
//! ```
//!
//! The threads meet only at the published snapshot: no lock is held while
//! building, and a request never waits for a build.

pub mod hosts;
pub mod http;
pub mod livereload;
pub mod overlay;
pub mod patch;
pub mod rebuild;
pub mod snapshot;
pub mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::api::{self, ApiState};
use crate::config::{LiveConfig, SiteConfig};
use crate::error::BuildError;
use crate::plural::count;
use crate::publish;
use crate::render::Rendered;
use crate::theme::Theme;

use livereload::LiveState;
use overlay::ErrorReport;
use rebuild::{Builder, Built};
use snapshot::Publisher;

/// What `runbook serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub content: PathBuf,
    pub bind: SocketAddr,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Warnings fail a rebuild (and show in the overlay).
    pub strict: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{addr}: port {port} is already in use (another `runbook serve`?)\n  fix: stop the other server, or pick a free port: `--bind {suggestion}`", port = addr.port())]
    PortInUse {
        addr: SocketAddr,
        suggestion: SocketAddr,
    },
    #[error("{addr}: cannot listen: {source}\n  fix: bind to an address of this machine, e.g. `--bind 127.0.0.1:3000`")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{}: cannot watch for changes: {source}\n  fix: on Linux, raise fs.inotify.max_user_watches (sysctl), or close other watchers", path.display())]
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
    #[error("cannot start the server: {0}")]
    Runtime(std::io::Error),
    #[error(transparent)]
    Build(#[from] BuildError),
}

/// Serves until Ctrl-C (or SIGTERM); returns once every connection closed.
pub fn run(options: ServeOptions) -> Result<(), ServeError> {
    if !options.content.is_dir() {
        return Err(BuildError::MissingContent {
            path: options.content.clone(),
        }
        .into());
    }
    // Bind before building: a port in use is told at once, not after a build.
    let listener = bind(options.bind)?;
    let addr = listener.local_addr().unwrap_or(options.bind);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;

    let mut builder = Builder::new(&options.content, options.strict);
    let first = builder.build_all();
    // The base path comes from the config even when the first build fails.
    let config = match &first {
        Ok(built) => Some(built.config.clone()),
        Err(_) => SiteConfig::load(&options.content).ok(),
    };
    let base_path = publish::base_path(config.as_ref().and_then(|c| c.base_url.as_deref()));
    let (publisher, site) = Publisher::new(base_path.clone());
    let publisher = Arc::new(publisher);
    let (search_jobs, search_queue) = channel();
    {
        let publisher = publisher.clone();
        std::thread::Builder::new()
            .name("runbook-search".into())
            .spawn(move || search_loop(search_queue, &publisher))
            .map_err(ServeError::Runtime)?;
    }
    let mut mounted: Option<Mounted> = None;
    {
        let _runtime = runtime.enter();
        swap_in(&publisher, first, &mut mounted, "", &options, &search_jobs);
    }

    let roots = watch::Roots::new(
        &options.content,
        config.as_ref().and_then(|c| c.theme_dir.as_deref()),
    );
    let watcher = watch::Watcher::start(roots).map_err(|source| ServeError::Watch {
        path: options.content.clone(),
        source,
    })?;
    let url = format!("http://{addr}{base_path}");
    println!("Serving {} at {url}", options.content.display());
    println!("Watching for changes; Ctrl-C to stop.");

    let handle = runtime.handle().clone();
    let loop_options = options.clone();
    std::thread::Builder::new()
        .name("runbook-rebuild".into())
        .spawn(move || {
            let mut state = LoopState {
                watcher,
                builder,
                mounted,
                search_jobs,
            };
            rebuild_loop(&mut state, &publisher, &loop_options, handle)
        })
        .map_err(ServeError::Runtime)?;

    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let hosts = hosts::Hosts::new(addr);
    let app = http::router(LiveState {
        site,
        shutdown,
        hosts,
    });
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(ServeError::Runtime)?;
        if options.open {
            open_browser(&url);
        }
        let stopped = async move {
            crate::net::stop_signal().await;
            // Live-reload sockets never end by themselves: close them.
            let _ = stop.send(true);
        };
        crate::net::serve(listener, app, crate::net::Limits::default(), stopped).await;
        Ok::<(), ServeError>(())
    })?;
    // Requests are done; the rebuild thread may be mid-build and is simply
    // dropped with the process.
    runtime.shutdown_timeout(Duration::from_millis(200));
    println!("Stopped.");
    Ok(())
}

fn bind(addr: SocketAddr) -> Result<std::net::TcpListener, ServeError> {
    let listener = std::net::TcpListener::bind(addr).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            let mut suggestion = addr;
            suggestion.set_port(addr.port().wrapping_add(1).max(1024));
            ServeError::PortInUse { addr, suggestion }
        } else {
            ServeError::Bind { addr, source }
        }
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| ServeError::Bind { addr, source })?;
    Ok(listener)
}

/// What the rebuild thread owns.
struct LoopState {
    watcher: watch::Watcher,
    builder: Builder,
    /// The `live:` config and alert pages the mounted API was made from.
    mounted: Option<Mounted>,
    search_jobs: Sender<Job>,
}

/// Waits for batches of changes and rebuilds, until the watcher stops.
fn rebuild_loop(
    state: &mut LoopState,
    publisher: &Publisher,
    options: &ServeOptions,
    runtime: tokio::runtime::Handle,
) {
    let _runtime = runtime.enter();
    let LoopState {
        watcher,
        builder,
        mounted,
        search_jobs,
    } = state;
    // After a build that was not served, the next one loads everything.
    let mut reload = false;
    while let Some(batch) = watcher.next_batch() {
        if !watcher.is_current() {
            resume(watcher, builder, publisher, options);
            reload = true;
            if !watcher.is_current() {
                continue;
            }
        }
        let ready = Instant::now();
        let what = batch.describe(&watcher.roots().content);
        let result = if batch.rescan || reload {
            builder.build_all()
        } else {
            builder.rebuild(&batch)
        };
        let rebuilt = Instant::now();
        // Files went while the build read them (`rm -rf`, a branch switch):
        // what it saw may be half a tree. Never serve that; the events
        // start another build.
        if watcher.removals_pending() || !watcher.is_current() {
            tracing::debug!("{what}: files were removed during the build; not served");
            reload = true;
            continue;
        }
        reload = false;
        let theme_dir = match &result {
            Ok(built) => Some(built.config.theme_dir.clone()),
            Err(_) => None,
        };
        swap_in(publisher, result, mounted, &what, options, search_jobs);
        if let Some(since) = batch.since {
            tracing::debug!(
                "{what}: first event → batch {:?}, → rebuilt {:?}, → swapped {:?}",
                ready.duration_since(since),
                rebuilt.duration_since(since),
                since.elapsed()
            );
        }
        // Served: now the values of the build before it may go.
        builder.retire();
        // And their memory goes back now, while nothing waits: mimalloc
        // otherwise returns freed memory a few milliseconds later, inside
        // whichever allocation comes next, which at 10,000 pages put 6 to
        // 10 ms into every other edit's rebuild. SAFETY: no arguments to
        // uphold; harmless when mimalloc is not the allocator (its own
        // heaps are then empty).
        unsafe { libmimalloc_sys::mi_collect(true) };
        if let Some(theme_dir) = theme_dir {
            let root = watcher.roots().content.clone();
            watcher.set_theme(theme_dir.map(|d| {
                let dir = root.join(d);
                dir.canonicalize().unwrap_or(dir)
            }));
        }
    }
}

/// The content folder is gone, or was made again: says so, keeps serving
/// the last good build, and once a folder is there again watches it anew.
/// Returns with the watcher current, or not when watching failed (the next
/// batch tries again).
fn resume(
    watcher: &mut watch::Watcher,
    builder: &Builder,
    publisher: &Publisher,
    options: &ServeOptions,
) {
    let content = &options.content;
    if !content.is_dir() {
        eprintln!(
            "{}: the content folder is gone; still serving the last good build until it is back",
            content.display()
        );
        publisher.fail(ErrorReport::from_error(&BuildError::MissingContent {
            path: content.clone(),
        }));
        while !content.is_dir() {
            std::thread::sleep(CONTENT_POLL);
        }
        println!("{}: the content folder is back", content.display());
    }
    let theme = builder.config().and_then(|c| c.theme_dir.clone());
    match watch::Watcher::start(watch::Roots::new(content, theme.as_deref())) {
        Ok(fresh) => *watcher = fresh,
        Err(error) => eprintln!(
            "error: {}: cannot watch for changes: {error}",
            content.display()
        ),
    }
}

/// A build's number and what its background files are made of.
type Job = (u64, Arc<Rendered>, Arc<Theme>);

/// How often a vanished content folder is looked for.
const CONTENT_POLL: Duration = Duration::from_millis(200);

/// Computes the search index of the newest build and swaps it in; an
/// older build's job is skipped when a newer one is already queued.
fn search_loop(jobs: Receiver<Job>, publisher: &Publisher) {
    // Its own single-thread pool: an index of a thousand pages takes a few
    // hundred milliseconds, and on the shared pool the next edit's rebuild
    // would queue behind it.
    // And at the lowest priority: the index is computed again after every
    // edit, and with two cores it would otherwise take a core from the
    // next edit's rebuild (and from the requests) for as long as it runs.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "runbook-search-worker".into())
        .start_handler(|_| background_priority())
        .build();
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        let (build, rendered, theme) = job;
        if publisher.current().build != build {
            continue;
        }
        let start = Instant::now();
        let files = match &pool {
            Ok(pool) => pool.install(|| rebuild::background_files(&rendered, &theme)),
            Err(_) => rebuild::background_files(&rendered, &theme),
        };
        match files {
            Ok(files) => {
                if publisher.add_search(build, Arc::new(files)).is_some() {
                    tracing::debug!("search index in {:?}", start.elapsed());
                }
            }
            Err(error) => eprintln!("error: search index: {error}"),
        }
    }
}

/// Lowers the calling thread's scheduling priority to the lowest (nice 19).
/// On Linux the nice value belongs to the thread, not the process
/// (`setpriority(2)`, "BUGS"), so the rebuild and HTTP threads keep theirs.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn background_priority() {
    // SAFETY: a plain system call on the calling thread (`who` 0); no
    // memory is passed. Failing only leaves the priority as it was.
    let failed = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 19) } != 0;
    if failed {
        tracing::debug!("could not lower the search thread's priority");
    }
}

/// Elsewhere the nice value is the whole process's: leave it.
#[cfg(not(target_os = "linux"))]
fn background_priority() {}

/// What the mounted demo API was made from.
type Mounted = (LiveConfig, api::alerts::AlertPages);

/// Alert name → page, as the build's alert index has it.
fn alert_pages(rendered: &Rendered) -> api::alerts::AlertPages {
    rendered
        .alerts
        .iter()
        .map(|(name, target)| {
            let page = runbook_widgets::contract::AlertPage {
                url: target.url.clone(),
                title: target.title.clone(),
            };
            (name.clone(), page)
        })
        .collect()
}

/// Swaps in a build (or shows its error) and tells the terminal.
fn swap_in(
    publisher: &Publisher,
    result: Result<Built, BuildError>,
    mounted: &mut Option<Mounted>,
    what: &str,
    options: &ServeOptions,
    search_jobs: &Sender<Job>,
) {
    match result {
        Ok(built) => {
            // The API follows the `live:` ids and the pages' alerts;
            // rebuilt only when they change, so its caches survive edits.
            let now = (built.config.live.clone(), alert_pages(&built.rendered));
            let api = match (mounted.as_ref(), publisher.current().api.clone()) {
                (Some(before), Some(api)) if *before == now => Some(api),
                _ => {
                    let router = api::router(ApiState::demo(&now.0, now.1.clone()));
                    *mounted = Some(now);
                    Some(router)
                }
            };
            let stats = built.stats;
            let trigger = if what.is_empty() {
                "built".to_string()
            } else {
                format!("{what} →")
            };
            let warnings = &built.warnings;
            let strict = options.strict;
            // The terminal says it before the open pages hear of it.
            let (build, _) = publisher.succeed_announced(
                built.files.clone(),
                built.base_path.clone(),
                api,
                |changed| {
                    if !strict {
                        for warning in warnings {
                            eprintln!("{warning}");
                        }
                    }
                    println!(
                        "{trigger} {} of {} rendered, {} laid out, {} changed, {} in {} ms",
                        stats.rendered,
                        count(stats.pages, "page"),
                        stats.laid_out,
                        count(changed.len(), "file"),
                        count(warnings.len(), "warning"),
                        stats.elapsed.as_millis()
                    );
                },
            );
            // Pages first; the index that spans them follows.
            let _ = search_jobs.send((build, built.rendered.clone(), built.theme.clone()));
        }
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("  (the last good build is still served; the browser shows this error)");
            publisher.fail(ErrorReport::from_error(&error));
        }
    }
}

/// `--open`: the system's way to open a URL; failing is only a message.
fn open_browser(url: &str) {
    if let Err(error) = opener::open_browser(url) {
        eprintln!("could not start a browser ({error}); open {url} yourself");
    }
}
