//! `drift mcp`: the MCP server (see the drift-mcp crate).

use std::time::Duration;

use anyhow::Result;

use crate::Ctx;
use crate::cli::McpArgs;
use crate::error::exit;

pub fn run(ctx: &mut Ctx<'_>, args: &McpArgs) -> Result<u8> {
    let serve = drift_mcp::ServeOptions {
        tool_timeout: Duration::from_secs(args.tool_timeout.max(1)),
        scan_on_start: !args.no_scan,
        index_dir: ctx.index_dir(),
    };
    if args.http {
        let opts = drift_mcp::HttpOptions {
            bind: args.bind,
            token: args.token.clone().filter(|t| !t.is_empty()),
            allowed_origins: args.allow_origin.clone(),
            serve,
            ..drift_mcp::HttpOptions::default()
        };
        let err = &mut *ctx.err;
        drift_mcp::serve_http_blocking_notify(&ctx.root, opts, |addr| {
            let _ = writeln!(err, "drift mcp: listening on http://{addr}/mcp");
        })?;
    } else {
        drift_mcp::serve_stdio_blocking(&ctx.root, serve)?;
    }
    Ok(exit::OK)
}
