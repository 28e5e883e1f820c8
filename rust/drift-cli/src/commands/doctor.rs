//! `drift doctor`: environment, configuration and index health, each
//! problem with a fix. Exit 2 when a check fails, 0 otherwise (warnings
//! included).

use anyhow::Result;
use serde::Serialize;

use super::print_json;
use crate::error::exit;
use crate::model::Catalog;
use crate::{Ctx, engine};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
struct Item {
    check: &'static str,
    level: Level,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
}

fn item(check: &'static str, level: Level, message: impl Into<String>, fix: Option<&str>) -> Item {
    Item {
        check,
        level,
        message: message.into(),
        fix: fix.map(str::to_string),
    }
}

pub fn run(ctx: &mut Ctx<'_>, json_out: bool) -> Result<u8> {
    let mut items = Vec::new();
    let root = ctx.root.clone();
    items.push(item(
        "drift",
        Level::Ok,
        format!("drift {}", env!("CARGO_PKG_VERSION")),
        None,
    ));
    match std::process::Command::new("git").arg("--version").output() {
        Ok(out) if out.status.success() => items.push(item(
            "git",
            Level::Ok,
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
            None,
        )),
        _ => items.push(item(
            "git",
            Level::Warn,
            "git is not available",
            Some("install git to use `drift check --changed-since/--staged`"),
        )),
    }
    let langs: Vec<&str> = drift_core::Lang::available().map(|l| l.id()).collect();
    items.push(item(
        "languages",
        Level::Ok,
        format!("grammars: {}", langs.join(", ")),
        None,
    ));
    let initialised = drift_config::paths::is_initialised(&root);
    if !initialised {
        items.push(item(
            "project",
            Level::Fail,
            format!("{} has no .drift/ directory", root.display()),
            Some("run `drift init`"),
        ));
        return finish(ctx, items, json_out);
    }
    items.push(item(
        "project",
        Level::Ok,
        format!("root {}", root.display()),
        None,
    ));
    let config = match drift_config::Config::load_or_default(&root) {
        Ok(c) => {
            items.push(item(
                "config",
                Level::Ok,
                ".drift/drift.toml is valid",
                None,
            ));
            Some(c)
        }
        Err(e) => {
            items.push(item(
                "config",
                Level::Fail,
                e.to_string(),
                Some("fix the key named above (every key is documented in the template: `drift init` in an empty directory shows it)"),
            ));
            None
        }
    };
    let decisions = match drift_config::Decisions::load_from_root(&root) {
        Ok(d) => {
            items.push(item(
                "decisions",
                Level::Ok,
                format!(
                    ".drift/conventions.toml: {} decision(s)",
                    d.conventions.len()
                ),
                None,
            ));
            Some(d)
        }
        Err(e) => {
            items.push(item(
                "decisions",
                Level::Fail,
                e.to_string(),
                Some("fix the file by hand, or restore it from git (`git checkout -- .drift/conventions.toml`)"),
            ));
            None
        }
    };
    let gitignore = std::fs::read_to_string(root.join(".drift/.gitignore")).unwrap_or_default();
    if gitignore.lines().any(|l| l.trim() == "drift.db") {
        items.push(item(
            "gitignore",
            Level::Ok,
            "the index is kept out of git",
            None,
        ));
    } else {
        items.push(item(
            "gitignore",
            Level::Warn,
            ".drift/.gitignore does not ignore drift.db",
            Some("add `drift.db` and `drift.db-*` to .drift/.gitignore (or delete it and run `drift init`)"),
        ));
    }
    if let Some(config) = &config {
        for dir in &config.rules.dirs {
            if !root.join(dir).is_dir() {
                items.push(item(
                    "rules",
                    Level::Warn,
                    format!("rule directory `{dir}` does not exist"),
                    Some("create it or remove it from [rules] dirs"),
                ));
            }
        }
        // Where the index really is (`--index-dir` / DRIFT_INDEX_DIR move it).
        let index = ctx.index_file();
        let shown = index.strip_prefix(&root).unwrap_or(&index);
        let rebuild = format!(
            "delete {} and run `drift scan` (decisions are kept in .drift/conventions.toml)",
            shown.display()
        );
        match engine::open(ctx, config) {
            Ok(project) => {
                for e in project.rule_errors() {
                    // Builtin rules are Drift's own: not the user's to fix.
                    let builtin = e.path.starts_with("builtin:");
                    items.push(item(
                        "rules",
                        if builtin { Level::Warn } else { Level::Fail },
                        format!("{}:{}:{}: {}", e.path, e.line, e.column, e.message),
                        Some(if builtin {
                            "a builtin detector failed to load (a Drift bug; other detectors still run)"
                        } else {
                            "fix the rule file at that line and column"
                        }),
                    ));
                }
                index_items(&project, decisions, &rebuild, &mut items);
            }
            Err(e) => items.push(item("index", Level::Fail, format!("{e:#}"), Some(&rebuild))),
        }
    }
    finish(ctx, items, json_out)
}

fn index_items(
    project: &drift_scan::Project,
    decisions: Option<drift_config::Decisions>,
    rebuild: &str,
    items: &mut Vec<Item>,
) {
    let status = match project.status() {
        Ok(s) => s,
        Err(e) => {
            items.push(item("index", Level::Fail, e.to_string(), Some(rebuild)));
            return;
        }
    };
    if status.summary.last_scan.is_none() {
        items.push(item(
            "index",
            Level::Warn,
            "never scanned",
            Some("run `drift scan`"),
        ));
        return;
    }
    items.push(item(
        "index",
        Level::Ok,
        format!(
            "{} files, {} patterns",
            status.summary.files, status.summary.patterns
        ),
        None,
    ));
    if status.summary.scan_interrupted {
        items.push(item(
            "index",
            Level::Warn,
            "the last scan was interrupted",
            Some("run `drift scan` to repair the index"),
        ));
    }
    if status.stale.is_stale() || status.config_changed {
        items.push(item(
            "freshness",
            Level::Warn,
            format!(
                "index out of date ({} modified, {} added, {} deleted{})",
                status.stale.modified.len(),
                status.stale.added.len(),
                status.stale.deleted.len(),
                if status.config_changed {
                    ", configuration changed"
                } else {
                    ""
                }
            ),
            Some("run `drift scan`"),
        ));
    }
    if let Some(decisions) = decisions
        && let Ok(catalog) = Catalog::load(project.index(), decisions)
    {
        let orphans = catalog.orphan_decisions();
        if !orphans.is_empty() {
            items.push(item(
                "decisions",
                Level::Warn,
                format!(
                    "decisions for conventions not in the index: {}",
                    orphans.join(", ")
                ),
                Some("rescan, or remove them from .drift/conventions.toml if the detector is gone"),
            ));
        }
    }
}

fn finish(ctx: &mut Ctx<'_>, items: Vec<Item>, json_out: bool) -> Result<u8> {
    let failed = items.iter().any(|i| i.level == Level::Fail);
    if json_out {
        print_json(
            ctx,
            &serde_json::json!({ "healthy": !failed, "checks": items }),
        )?;
    } else {
        let s = ctx.out_style;
        for i in &items {
            let mark = match i.level {
                Level::Ok => s.green("ok  "),
                Level::Warn => s.yellow("warn"),
                Level::Fail => s.red("FAIL"),
            };
            writeln!(ctx.out, "{mark} {:<10} {}", i.check, i.message)?;
            if let Some(fix) = &i.fix {
                writeln!(ctx.out, "     {:<10} fix: {fix}", "")?;
            }
        }
    }
    Ok(if failed { exit::USAGE } else { exit::OK })
}
