use anyhow::Result;
use serde_json::json;

use super::print_json;
use crate::Ctx;
use crate::cli::InitArgs;
use crate::error::exit;

pub fn run(ctx: &mut Ctx<'_>, args: &InitArgs) -> Result<u8> {
    // `init` works on --root or the current directory, never an ancestor.
    let root = if ctx.global.root.is_some() {
        ctx.root.clone()
    } else {
        ctx.cwd.clone()
    };
    let report = drift_config::init(&root)?;
    if args.json {
        let entries: Vec<_> = report
            .entries
            .iter()
            .map(|e| json!({ "path": e.path, "action": e.action.as_str() }))
            .collect();
        return print_json(ctx, &json!({ "root": root, "entries": entries }));
    }
    let s = ctx.out_style;
    for e in &report.entries {
        let action = match e.action {
            drift_config::InitAction::Created => s.green("created"),
            drift_config::InitAction::Kept => s.dim("kept   "),
        };
        writeln!(ctx.out, "{action} {}", e.path)?;
    }
    let created = report.created().count();
    if created == 0 {
        ctx.note("Already initialised; nothing was changed.");
    } else {
        ctx.note(
            "Next: `drift scan`, then `drift status`. Commit .drift/ (the index is gitignored).",
        );
    }
    Ok(exit::OK)
}
