//! `drift-mcp`: a small stand-alone launcher for the MCP server (tests and
//! manual use; end users run `drift mcp`).
//!
//! ```text
//! drift-mcp [--root DIR] [--index-dir DIR] [--http] [--bind ADDR] [--no-scan] [--tool-timeout-ms N]
//! ```

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use drift_mcp::{HttpOptions, ServeOptions, TOKEN_ENV};

/// mimalloc: a scan allocates millions of small facts from several threads,
/// where it is several percent faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    // Logs go to stderr: stdout is the MCP channel in stdio mode.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DRIFT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let mut root = PathBuf::from(".");
    let mut http = false;
    let mut bind: Option<String> = None;
    let mut scan = true;
    let mut timeout = drift_mcp::DEFAULT_TOOL_TIMEOUT;
    let mut origins = Vec::new();
    let mut index_dir = drift_config::paths::index_dir_from_env();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--root" => root = PathBuf::from(args.next().context("--root needs a directory")?),
            "--index-dir" => {
                index_dir = Some(PathBuf::from(
                    args.next().context("--index-dir needs a directory")?,
                ))
            }
            "--http" => http = true,
            "--bind" => bind = Some(args.next().context("--bind needs an address")?),
            "--no-scan" => scan = false,
            "--allow-origin" => {
                origins.push(args.next().context("--allow-origin needs an origin")?)
            }
            "--tool-timeout-ms" => {
                let ms: u64 = args
                    .next()
                    .context("--tool-timeout-ms needs a number")?
                    .parse()?;
                timeout = Duration::from_millis(ms);
            }
            "-h" | "--help" => {
                eprintln!(
                    "usage: drift-mcp [--root DIR] [--index-dir DIR] [--http] [--bind ADDR] [--allow-origin ORIGIN] [--no-scan] [--tool-timeout-ms N]"
                );
                return Ok(());
            }
            other => bail!("unknown argument {other:?} (see --help)"),
        }
    }
    let serve = ServeOptions {
        tool_timeout: timeout,
        scan_on_start: scan,
        index_dir,
    };
    if http {
        let mut opts = HttpOptions {
            token: std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()),
            allowed_origins: origins,
            serve,
            ..HttpOptions::default()
        };
        if let Some(b) = bind {
            opts.bind = b
                .parse()
                .with_context(|| format!("invalid --bind address {b:?}"))?;
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        rt.block_on(async move {
            let server = drift_mcp::start_http(&root, opts).await?;
            // Tests and scripts read the bound address from this line.
            eprintln!("drift-mcp listening on http://{}/mcp", server.addr);
            let token = server.cancel_token();
            tokio::spawn(async move {
                drift_mcp::shutdown_signal().await;
                token.cancel();
            });
            server.wait().await
        })?;
    } else {
        drift_mcp::serve_stdio_blocking(&root, serve)?;
    }
    Ok(())
}
