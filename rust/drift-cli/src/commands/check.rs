use anyhow::Result;
use drift_config::FailOn;
use drift_scan::ScanOptions;

use crate::cli::{CheckArgs, CheckFormat, FailOnArg};
use crate::error::exit;
use crate::model::Catalog;
use crate::report::{self, CheckReport};
use crate::{Ctx, engine, git};

pub fn run(ctx: &mut Ctx<'_>, args: &CheckArgs) -> Result<u8> {
    let config = engine::load_config(ctx)?;
    // Validate the git side before any work, so a bad revision fails fast.
    let changed = if args.changed_since.is_some() || args.staged {
        Some(git::changed_lines(
            &ctx.root,
            args.changed_since.as_deref(),
            args.staged,
        )?)
    } else {
        None
    };
    let project = engine::open(ctx, &config)?;
    if args.no_scan {
        engine::ensure_scanned(&project)?;
    } else {
        engine::scan(ctx, &project, &ScanOptions::default())?;
    }
    let decisions = drift_config::Decisions::load_from_root(&ctx.root)?;
    let catalog = Catalog::load(project.index(), decisions)?;
    let outcome = crate::model::check(project.index(), &catalog, &config, changed.as_ref())?;
    let fail_on = match args.fail_on {
        Some(FailOnArg::Error) => FailOn::Error,
        Some(FailOnArg::Warning) => FailOn::Warning,
        Some(FailOnArg::None) => FailOn::None,
        None => config.check.fail_on,
    };
    let failed = outcome.violations.iter().any(|v| fail_on.fails(v.severity));
    let scope = match (&args.changed_since, args.staged) {
        (Some(rev), true) => Some(format!("staged lines changed since {rev}")),
        (Some(rev), false) => Some(format!("lines changed since {rev}")),
        (None, true) => Some("staged lines".to_string()),
        (None, false) => None,
    };
    let report = CheckReport {
        violations: outcome.violations,
        rules: outcome.rules,
        conventions_checked: outcome.checked,
        scope,
        fail_on: match fail_on {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::None => "none",
        }
        .to_string(),
        failed,
    };
    let format = if args.json {
        CheckFormat::Json
    } else {
        args.format
    };
    match format {
        CheckFormat::Text => write!(ctx.out, "{}", report::text(&report, &ctx.out_style))?,
        CheckFormat::Json => writeln!(
            ctx.out,
            "{}",
            serde_json::to_string_pretty(&report::json(&report))?
        )?,
        CheckFormat::Sarif => writeln!(
            ctx.out,
            "{}",
            serde_json::to_string_pretty(&report::sarif(&report, env!("CARGO_PKG_VERSION")))?
        )?,
        CheckFormat::Github => {
            write!(ctx.out, "{}", report::github(&report))?;
            let n = report.violations.len();
            ctx.note(&format!("drift check: {n} violation(s)"));
        }
    }
    if report.conventions_checked == 0 {
        ctx.note("No convention is enforced yet: approve some with `drift approve <id>` (see `drift status`).");
    }
    Ok(if failed { exit::VIOLATIONS } else { exit::OK })
}
