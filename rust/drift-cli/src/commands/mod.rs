//! One module per command family; [`run`] dispatches.

mod callgraph;
mod check;
mod conventions;
mod decide;
mod doctor;
mod export;
mod init;
mod mcp;
mod scan;
mod status;

use anyhow::Result;

use crate::Ctx;
use crate::cli::{CallgraphCommand, Command, ConventionsCommand};
use crate::error::exit;

pub fn run(ctx: &mut Ctx<'_>, command: Command) -> Result<u8> {
    match command {
        Command::Init(a) => init::run(ctx, &a),
        Command::Scan(a) => scan::run(ctx, &a),
        Command::Status(a) => status::run(ctx, a.json),
        Command::Conventions(ConventionsCommand::List(a)) => conventions::list(ctx, &a),
        Command::Conventions(ConventionsCommand::Show(a)) => conventions::show(ctx, &a),
        Command::Approve(a) => decide::approve(ctx, &a),
        Command::Ignore(a) => decide::ignore(ctx, &a),
        Command::Check(a) => check::run(ctx, &a),
        Command::Export(a) => export::run(ctx, &a),
        Command::Doctor(a) => doctor::run(ctx, a.json),
        Command::Mcp(a) => mcp::run(ctx, &a),
        Command::Callgraph(c) => match c {
            CallgraphCommand::Callers(a) => callgraph::neighborhood(ctx, &a, false),
            CallgraphCommand::Callees(a) => callgraph::neighborhood(ctx, &a, true),
            CallgraphCommand::Impact(a) => callgraph::impact(ctx, &a),
            CallgraphCommand::Path(a) => callgraph::path(ctx, &a),
            CallgraphCommand::DeadCode(a) => callgraph::dead_code(ctx, a.json),
            CallgraphCommand::Stats(a) => callgraph::stats(ctx, a.json),
            CallgraphCommand::Export => callgraph::export(ctx),
        },
    }
}

/// Pretty JSON plus a newline on stdout.
pub fn print_json(ctx: &mut Ctx<'_>, value: &impl serde::Serialize) -> Result<u8> {
    let text = serde_json::to_string_pretty(value)?;
    writeln!(ctx.out, "{text}")?;
    Ok(exit::OK)
}

pub fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}
