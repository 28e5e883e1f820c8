use anyhow::Result;

use crate::cli::{ExportArgs, ExportFormat};
use crate::error::exit;
use crate::model::{Catalog, State};
use crate::{Ctx, engine, export};

pub fn run(ctx: &mut Ctx<'_>, args: &ExportArgs) -> Result<u8> {
    let config = engine::load_config(ctx)?;
    let project = engine::open_index(ctx, &config)?;
    let decisions = drift_config::Decisions::load_from_root(&ctx.root)?;
    let catalog = Catalog::load(project.index(), decisions)?;
    let approved: Vec<_> = catalog
        .conventions()
        .into_iter()
        .filter(|c| c.state == State::Approved)
        .collect();
    let max_tokens = args.max_tokens.unwrap_or(config.export.max_tokens);
    let examples = config.export.examples_per_convention;
    let out = match args.format {
        ExportFormat::Markdown => export::markdown(&approved, examples, max_tokens),
        ExportFormat::Json => export::json(&approved, examples, max_tokens),
    };
    write!(ctx.out, "{}", out.text)?;
    ctx.note(&format!(
        "exported {} convention(s), {} omitted, ≈{} tokens (budget {max_tokens}, chars/4)",
        out.included, out.omitted, out.tokens
    ));
    if approved.is_empty() {
        ctx.note("No approved conventions yet: `drift approve <id>` first.");
    }
    Ok(exit::OK)
}
