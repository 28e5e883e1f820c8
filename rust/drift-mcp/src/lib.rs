//! # drift-mcp
//!
//! Drift's knowledge for AI agents over the Model Context Protocol, with the
//! official Rust SDK (`rmcp`): tools for conventions, examples, validation
//! of proposed code, symbols, the call graph and import lines; the
//! `drift://conventions` resource and the `drift_prime` prompt.
//!
//! Two transports:
//! - [`serve_stdio`]: one session over stdin/stdout (`drift mcp`).
//! - [`serve_http`]: streamable HTTP at `/mcp` plus `GET /healthz`
//!   (`drift mcp --http`), loopback by default; any other bind address
//!   requires a bearer token.
//!
//! At start the project's index is opened (created if missing) and, when
//! stale, an incremental scan runs in the background while tools answer
//! from what is already committed (SQLite WAL; separate read connections).

mod args;
mod budget;
mod core;
mod cursor;
mod error;
mod graph;
pub mod http;
mod imports;
mod paths;
mod resources;
mod scan;
mod server;
mod snapshot;
mod tools;
mod validate;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rmcp::ServiceExt;
use tokio_util::sync::CancellationToken;

pub use crate::core::{Core, ScanPhase, ScanStatus, ServeOptions};
pub use crate::http::{HttpOptions, TOKEN_ENV};
pub use crate::server::{CONVENTIONS_URI, DriftServer};

/// Default per-tool-call time limit.
pub const DEFAULT_TOOL_TIMEOUT: Duration = Duration::from_secs(30);

/// Errors that prevent the server from starting (or end it).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("project root {0}: {1}")]
    Root(PathBuf, std::io::Error),
    #[error("configuration: {0}")]
    Config(String),
    #[error("could not open the project: {0}")]
    Project(String),
    #[error(transparent)]
    Index(#[from] drift_index::IndexError),
    #[error(
        "refusing to listen on {0} without a bearer token: set {TOKEN_ENV} (or bind a loopback address such as 127.0.0.1)"
    )]
    TokenRequired(SocketAddr),
    #[error("the bearer token must be at least 16 characters")]
    WeakToken,
    #[error("invalid allowed origin {0:?} (expected scheme://host[:port], port may be *)")]
    BadOrigin(String),
    #[error("could not bind {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("MCP session failed: {0}")]
    Session(String),
    #[error("server I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens the project and starts the background scan if the options ask
/// for it (shared by both transports and by tests).
pub fn open_core(project_root: &Path, opts: ServeOptions) -> Result<Arc<Core>, ServeError> {
    let scan = opts.scan_on_start;
    let core = Core::open(project_root, opts)?;
    warm_detectors(&core);
    if scan {
        scan::spawn_background_scan(core.clone());
    }
    Ok(core)
}

/// Loads the index snapshot (which every tool reads first) and compiles
/// the detector queries of the indexed languages in the background, so the
/// first calls do not pay for either.
fn warm_detectors(core: &Arc<Core>) {
    let core = core.clone();
    let spawned = std::thread::Builder::new()
        .name("drift-warm".into())
        .spawn(move || {
            let langs = match core.summary() {
                Ok(s) => s.files_by_lang.into_keys().collect::<Vec<_>>(),
                Err(e) => {
                    tracing::debug!(error = %e, "no index summary to warm detectors from");
                    return;
                }
            };
            for lang in langs {
                core.project().detectors().prepare(lang);
            }
        });
    if let Err(e) = spawned {
        tracing::debug!(error = %e, "could not start the detector warm-up thread");
    }
}

/// Serves one MCP session over stdin/stdout until the client disconnects.
/// Must run inside a multi-threaded tokio runtime.
pub async fn serve_stdio(project_root: &Path, opts: ServeOptions) -> Result<(), ServeError> {
    let core = open_core(project_root, opts)?;
    let server = DriftServer::new(core.clone());
    let running = server
        .serve(stdio_transport()?)
        .await
        .map_err(|e| ServeError::Session(e.to_string()))?;
    let outcome = running.waiting().await;
    core.shutdown();
    outcome.map_err(|e| ServeError::Session(e.to_string()))?;
    Ok(())
}

/// stdin plus a duplicate of the stdout file descriptor. Writing through
/// the duplicate bypasses `std::io::Stdout`'s lock, which a caller (the
/// `drift` CLI holds `stdout().lock()` while a command runs) may hold for the
/// whole session; tokio's own stdout would block on it forever.
#[cfg(unix)]
fn stdio_transport() -> Result<(tokio::io::Stdin, tokio::fs::File), ServeError> {
    use std::os::fd::AsFd;
    let fd = std::io::stdout().as_fd().try_clone_to_owned()?;
    Ok((
        tokio::io::stdin(),
        tokio::fs::File::from_std(std::fs::File::from(fd)),
    ))
}

#[cfg(not(unix))]
fn stdio_transport() -> Result<(tokio::io::Stdin, tokio::io::Stdout), ServeError> {
    Ok(rmcp::transport::stdio())
}

/// A running HTTP server (see [`start_http`]).
pub struct HttpServer {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    pub core: Arc<Core>,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<Result<(), std::io::Error>>,
}

impl HttpServer {
    /// Stops accepting connections, ends MCP sessions and waits.
    pub async fn stop(self) -> Result<(), ServeError> {
        self.shutdown.cancel();
        self.core.shutdown();
        match self.task.await {
            Ok(r) => Ok(r?),
            Err(e) => Err(ServeError::Session(e.to_string())),
        }
    }

    /// Waits until the server ends (after [`HttpServer::cancel_token`] is
    /// cancelled or on a fatal I/O error).
    pub async fn wait(self) -> Result<(), ServeError> {
        let r = self.task.await;
        self.core.shutdown();
        match r {
            Ok(r) => Ok(r?),
            Err(e) => Err(ServeError::Session(e.to_string())),
        }
    }

    pub fn cancel_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }
}

/// Validates the options, binds, and serves in a background task.
pub async fn start_http(project_root: &Path, opts: HttpOptions) -> Result<HttpServer, ServeError> {
    opts.validate()?;
    let core = open_core(project_root, opts.serve.clone())?;
    let listener = tokio::net::TcpListener::bind(opts.bind)
        .await
        .map_err(|e| ServeError::Bind(opts.bind, e))?;
    let addr = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    let app = http::router(core.clone(), &opts, shutdown.clone());
    let stop = shutdown.clone();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await
    });
    tracing::info!(%addr, "drift MCP server listening on http://{addr}/mcp");
    Ok(HttpServer {
        addr,
        core,
        shutdown,
        task,
    })
}

/// Serves streamable HTTP until Ctrl-C (or SIGTERM on Unix).
pub async fn serve_http(project_root: &Path, opts: HttpOptions) -> Result<(), ServeError> {
    let server = start_http(project_root, opts).await?;
    let token = server.cancel_token();
    tokio::spawn(async move {
        shutdown_signal().await;
        token.cancel();
    });
    server.wait().await
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Blocking wrapper around [`serve_stdio`] (builds a runtime).
pub fn serve_stdio_blocking(project_root: &Path, opts: ServeOptions) -> Result<(), ServeError> {
    runtime()?.block_on(serve_stdio(project_root, opts))
}

/// Blocking wrapper around [`serve_http`] (builds a runtime).
pub fn serve_http_blocking(project_root: &Path, opts: HttpOptions) -> Result<(), ServeError> {
    runtime()?.block_on(serve_http(project_root, opts))
}

/// Like [`serve_http_blocking`], calling `on_listening` with the bound
/// address once the server accepts connections (to print it).
pub fn serve_http_blocking_notify(
    project_root: &Path,
    opts: HttpOptions,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    runtime()?.block_on(async move {
        let server = start_http(project_root, opts).await?;
        on_listening(server.addr);
        let token = server.cancel_token();
        tokio::spawn(async move {
            shutdown_signal().await;
            token.cancel();
        });
        server.wait().await
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, ServeError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("drift-mcp")
        // Tool calls parse and analyse proposed code on the blocking pool.
        .thread_stack_size(16 * 1024 * 1024)
        .build()?)
}
