//! Markdown reference for a detector set (`docs/detectors.md` is generated
//! from the builtin pack with this; a test keeps it current).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{DetectorSet, SourceKind};
use crate::lang::Lang;

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl DetectorSet {
    /// Renders every detector as a Markdown reference: a summary by
    /// category and language, then one section per detector.
    pub fn render_markdown(&self) -> String {
        let mut out = String::new();
        out.push_str("# Detectors\n\n");
        out.push_str(
            "<!-- Generated from rust/drift-core/rules/builtin by `DRIFT_UPDATE_DOCS=1 cargo test -p drift-core --test docs`. Do not edit. -->\n\n",
        );
        let _ = writeln!(
            out,
            "{} detectors. Each is one TOML file under `rust/drift-core/rules/builtin/<category>/<name>.toml`; see `rust/drift-core/README.md` for the format.\n",
            self.len()
        );

        let mut by_category: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for m in self.metadata() {
            by_category.entry(&m.category).or_default().push(&m.id);
        }
        out.push_str("## By category\n\n| category | detectors |\n|---|---|\n");
        for (category, ids) in &by_category {
            let links: Vec<String> = ids
                .iter()
                .map(|id| format!("[`{id}`](#{})", id.replace('/', "")))
                .collect();
            let _ = writeln!(out, "| {category} ({}) | {} |", ids.len(), links.join(", "));
        }

        out.push_str("\n## By language\n\n| language | detectors |\n|---|---|\n");
        for lang in Lang::ALL {
            let count = self
                .metadata()
                .filter(|m| m.languages.contains(&lang))
                .count();
            let _ = writeln!(out, "| {} | {count} |", lang.display_name());
        }

        for m in self.metadata() {
            let _ = writeln!(out, "\n## {}\n", m.id);
            let _ = writeln!(out, "**{}** — {}\n", m.name, one_line(&m.description));
            let langs: Vec<&str> = m.languages.iter().map(|l| l.id()).collect();
            let source = match m.source {
                SourceKind::Query => "tree-sitter queries",
                SourceKind::Symbols => "extracted symbols",
                SourceKind::FileName => "file names",
            };
            let _ = writeln!(
                out,
                "- severity: {}\n- looks at: {source}\n- languages: {}",
                m.severity.id(),
                if m.languages.len() == Lang::ALL.len() {
                    "all".to_string()
                } else {
                    langs.join(", ")
                }
            );
            let variants: Vec<String> = m
                .variants
                .iter()
                .map(|v| match m.variant_descriptions.get(v) {
                    Some(d) => format!("`{v}` ({})", one_line(d)),
                    None => format!("`{v}`"),
                })
                .collect();
            let _ = writeln!(out, "- variants: {}", variants.join(", "));
            if let Some(what) = &m.what {
                let _ = writeln!(out, "\n{}", one_line(what));
            }
            if let Some(why) = &m.why {
                let _ = writeln!(out, "\n*Why:* {}", one_line(why));
            }
            if let Some(example) = &m.example {
                let _ = writeln!(out, "\n```\n{}\n```", example.trim());
            }
        }
        out
    }
}
