//! `drift_import`: the import line for a symbol in a given file, following
//! the project's dominant import style (learned from the indexed imports
//! and, for TS/JS path aliases, `tsconfig.json`/`jsconfig.json`).

use std::collections::HashSet;
use std::path::Path;

use drift_core::{Lang, SymbolKind};
use drift_index::{Index, SymbolHit};
use serde_json::{Value, json};

use crate::args::ImportArgs;
use crate::core::Core;
use crate::error::ToolError;
use crate::tools::lookup_symbol;

/// How many import rows are sampled to learn the style.
const STYLE_SAMPLE: i64 = 20_000;

fn family(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::TypeScript | Lang::Tsx | Lang::JavaScript => &["typescript", "tsx", "javascript"],
        Lang::C | Lang::Cpp => &["c", "cpp"],
        Lang::Python => &["python"],
        Lang::Rust => &["rust"],
        Lang::Go => &["go"],
        Lang::Java => &["java"],
        Lang::Ruby => &["ruby"],
        Lang::CSharp => &["csharp"],
        Lang::Php => &["php"],
    }
}

fn is_js(lang: Lang) -> bool {
    matches!(lang, Lang::TypeScript | Lang::Tsx | Lang::JavaScript)
}

/// Import sources (with the importing file) of one language family.
fn sample_imports(idx: &Index, lang: Lang) -> Result<Vec<(String, String)>, ToolError> {
    let langs = family(lang);
    let placeholders = vec!["?"; langs.len()].join(",");
    let sql = format!(
        "SELECT i.source, f.path FROM imports i JOIN files f ON f.id = i.file_id \
         WHERE f.lang IN ({placeholders}) AND i.reexport = 0 LIMIT {STYLE_SAMPLE}"
    );
    idx.with_conn(|c| {
        let mut stmt = c.prepare(&sql).map_err(drift_index::IndexError::from)?;
        let rows = stmt
            .query_map(rusqlite_params(langs), |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(drift_index::IndexError::from)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row.map_err(drift_index::IndexError::from)?);
        }
        Ok::<_, ToolError>(out)
    })
}

fn rusqlite_params<'a>(
    langs: &'a [&'a str],
) -> drift_index::rusqlite::ParamsFromIter<std::slice::Iter<'a, &'a str>> {
    drift_index::rusqlite::params_from_iter(langs.iter())
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

fn strip_ext(path: &str) -> &str {
    match path.rsplit_once('.') {
        Some((stem, _)) if !stem.ends_with('/') && !stem.is_empty() => stem,
        _ => path,
    }
}

/// Relative module specifier from directory `from_dir` to `target` (no
/// extension), always starting with `./` or `../`.
fn relative_spec(from_dir: &str, target: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = target.split('/').filter(|s| !s.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = from.len() - common;
    let mut parts: Vec<String> = Vec::new();
    if ups == 0 {
        parts.push(".".into());
    } else {
        parts.extend(std::iter::repeat_n("..".to_string(), ups));
    }
    parts.extend(to[common..].iter().map(|s| s.to_string()));
    parts.join("/")
}

/// Picks the symbol to import: the top-level declaration (a method's class),
/// exported, in another file, nearest to `from`.
fn pick<'a>(
    hits: &'a [SymbolHit],
    from_rel: &str,
    from_lang: Option<Lang>,
) -> Option<&'a SymbolHit> {
    let same_family = |l: Lang| from_lang.is_none_or(|f| family(f).contains(&l.id()));
    // (same language family, another file, exported, shared path prefix)
    type Rank = (bool, bool, bool, usize);
    let mut best: Option<(&SymbolHit, Rank)> = None;
    for h in hits {
        let from_dir = parent_dir(from_rel);
        let shared = h
            .path
            .split('/')
            .zip(from_dir.split('/'))
            .take_while(|(a, b)| a == b)
            .count();
        let key = (same_family(h.lang), h.path != from_rel, h.exported, shared);
        if best.as_ref().is_none_or(|(_, k)| key > *k) {
            best = Some((h, key));
        }
    }
    best.map(|(h, _)| h)
}

pub fn import_line(core: &Core, args: &ImportArgs) -> Result<Value, ToolError> {
    let from = core.root.resolve(&args.from_path)?;
    let from_lang = Lang::from_path(&from.rel);
    let hits = lookup_symbol(core, &args.symbol)?;
    core.read(|idx| {
        let Some(target) = pick(&hits, &from.rel, from_lang) else {
            return Err(ToolError::not_found(format!("symbol `{}` not found", args.symbol)));
        };
        let lang = from_lang.unwrap_or(target.lang);
        if !family(lang).contains(&target.lang.id()) {
            return Err(ToolError::invalid(format!(
                "`{}` is {} code ({}); it cannot be imported from a {} file",
                target.qualified_name,
                target.lang.display_name(),
                target.path,
                lang.display_name()
            )));
        }
        // Import the top-level declaration (a method comes with its class).
        let top = target.local_name.split('.').next().unwrap_or(&target.name).to_string();
        if target.path == from.rel {
            return Ok(json!({
                "symbol": target.qualified_name,
                "defined_in": target.path,
                "import": null,
                "note": "the symbol is defined in this file; no import needed",
            }));
        }
        let mut out = match lang {
            l if is_js(l) => js_import(core, idx, target, &top, &from.rel)?,
            Lang::Python => python_import(idx, target, &top, &from.rel)?,
            Lang::Rust => rust_import(core, target, &from.rel)?,
            Lang::Go => go_import(core, target, &top, &from.rel)?,
            Lang::Java => java_import(target, &top, &from.rel)?,
            Lang::C | Lang::Cpp => c_include(target, &from.rel)?,
            Lang::Ruby => json!({
                "import": format!("require_relative '{}'", relative_spec(parent_dir(&from.rel), strip_ext(&target.path)).trim_start_matches("./")),
                "style": "require_relative",
            }),
            other => {
                return Err(ToolError::new(
                    "unsupported",
                    format!("import generation is not supported for {} yet", other.display_name()),
                )
                .hint(format!("the symbol is defined in {}; import it by its namespace", target.path)));
            }
        };
        out["symbol"] = json!(target.qualified_name);
        out["defined_in"] = json!(format!("{}:{}", target.path, target.span.start_line));
        if top != target.name {
            out["note"] = json!(format!("`{}` is a member of `{top}`: import `{top}`", target.name));
        }
        if hits.len() > 1 {
            out["other_definitions"] = json!(hits
                .iter()
                .filter(|h| h.path != target.path)
                .take(5)
                .map(|h| format!("{} ({})", h.qualified_name, h.path))
                .collect::<Vec<_>>());
        }
        Ok(out)
    })
}

// ----- TypeScript / JavaScript ------------------------------------------------

/// Path aliases from tsconfig/jsconfig: (`@/`, `src/`) pairs.
fn ts_aliases(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in ["tsconfig.json", "jsconfig.json"] {
        let Ok(text) = std::fs::read_to_string(root.join(name)) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<Value>(&strip_jsonc(&text)) else {
            continue;
        };
        let opts = &v["compilerOptions"];
        let base = opts["baseUrl"]
            .as_str()
            .unwrap_or(".")
            .trim_start_matches("./")
            .trim_end_matches('/');
        if let Some(paths) = opts["paths"].as_object() {
            for (k, targets) in paths {
                let Some(t) = targets
                    .as_array()
                    .and_then(|a| a.first())
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                if let (Some(kp), Some(tp)) = (k.strip_suffix('*'), t.strip_suffix('*')) {
                    let tp = tp.trim_start_matches("./");
                    let dir = if base.is_empty() || base == "." {
                        tp.to_string()
                    } else {
                        format!("{base}/{tp}")
                    };
                    out.push((kp.to_string(), dir));
                }
            }
        }
    }
    out
}

/// Removes `//` and `/* */` comments and trailing commas (tsconfig is JSONC).
fn strip_jsonc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_str = false;
    while let Some(c) = chars.next() {
        if in_str {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_str = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
            }
            _ => out.push(c),
        }
    }
    // Trailing commas before } or ].
    let mut cleaned = String::with_capacity(out.len());
    let bytes: Vec<char> = out.chars().collect();
    for (i, &c) in bytes.iter().enumerate() {
        if c == ',' {
            let next = bytes[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        cleaned.push(c);
    }
    cleaned
}

/// Quote character and semicolon use of import lines, sampled from files.
fn js_punctuation(core: &Core, sample_files: &[String]) -> (char, bool) {
    let (mut single, mut double, mut semi, mut nosemi) = (0, 0, 0, 0);
    for path in sample_files.iter().take(8) {
        let Ok(text) = std::fs::read_to_string(core.root().join(path)) else {
            continue;
        };
        for line in text.lines().take(200) {
            let t = line.trim();
            if !(t.starts_with("import ") && t.contains(" from ")) {
                continue;
            }
            if t.contains(" from '") {
                single += 1;
            } else if t.contains(" from \"") {
                double += 1;
            }
            if t.ends_with(';') {
                semi += 1;
            } else {
                nosemi += 1;
            }
        }
    }
    (if single > double { '\'' } else { '"' }, semi >= nosemi)
}

fn js_import(
    core: &Core,
    idx: &Index,
    target: &SymbolHit,
    top: &str,
    from_rel: &str,
) -> Result<Value, ToolError> {
    let imports = sample_imports(idx, target.lang)?;
    let aliases = ts_aliases(core.root());
    let mut relative = 0usize;
    let mut alias_counts: Vec<usize> = vec![0; aliases.len()];
    let mut with_js_ext = 0usize;
    let mut files: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for (source, path) in &imports {
        if source.starts_with("./") || source.starts_with("../") {
            relative += 1;
            if source.ends_with(".js") {
                with_js_ext += 1;
            }
        } else if let Some(i) = aliases
            .iter()
            .position(|(p, _)| source.starts_with(p.as_str()))
        {
            alias_counts[i] += 1;
        } else {
            continue;
        }
        if seen.insert(path.as_str()) && files.len() < 8 {
            files.push(path.clone());
        }
    }
    let target_noext = strip_ext(&target.path).to_string();
    let target_noext = target_noext
        .strip_suffix("/index")
        .unwrap_or(&target_noext)
        .to_string();
    // The best alias is a used one whose directory contains the target.
    let alias = aliases
        .iter()
        .zip(&alias_counts)
        .filter(|((_, dir), _)| {
            dir.is_empty()
                || target
                    .path
                    .starts_with(&format!("{}/", dir.trim_end_matches('/')))
        })
        .max_by_key(|(_, n)| **n)
        .filter(|(_, n)| **n > relative)
        .map(|((p, dir), n)| (p.clone(), dir.clone(), *n));
    let (spec, style) = match &alias {
        Some((prefix, dir, _)) => {
            let rest = target_noext
                .strip_prefix(dir.trim_end_matches('/'))
                .unwrap_or(&target_noext)
                .trim_start_matches('/');
            (
                format!("{prefix}{rest}"),
                format!(
                    "alias `{prefix}` ({} of sampled imports)",
                    alias.as_ref().map(|a| a.2).unwrap_or(0)
                ),
            )
        }
        None => {
            let mut s = relative_spec(parent_dir(from_rel), &target_noext);
            if relative > 0 && with_js_ext * 2 > relative {
                s.push_str(".js");
            }
            (s, format!("relative ({relative} relative imports sampled)"))
        }
    };
    let is_default = idx
        .file_facts(&target.path)?
        .map(|(_, facts)| {
            facts
                .exports
                .iter()
                .any(|e| e.exported == "default" && e.local == top)
        })
        .unwrap_or(false);
    let (quote, semi) = js_punctuation(core, &files);
    let semi = if semi { ";" } else { "" };
    let type_only = matches!(target.kind, SymbolKind::Interface) && target.lang != Lang::JavaScript;
    let binding = if is_default {
        top.to_string()
    } else {
        format!("{{ {top} }}")
    };
    let kw = if type_only { "import type" } else { "import" };
    Ok(json!({
        "import": format!("{kw} {binding} from {quote}{spec}{quote}{semi}"),
        "style": style,
    }))
}

// ----- Python ------------------------------------------------------------------

fn python_import(
    idx: &Index,
    target: &SymbolHit,
    top: &str,
    from_rel: &str,
) -> Result<Value, ToolError> {
    let imports = sample_imports(idx, Lang::Python)?;
    let relative = imports.iter().filter(|(s, _)| s.starts_with('.')).count();
    let absolute_firsts: HashSet<&str> = imports
        .iter()
        .filter(|(s, _)| !s.starts_with('.'))
        .filter_map(|(s, _)| s.split('.').next())
        .collect();
    let full = drift_core::naming::module_path(&target.path);
    let segments: Vec<&str> = full.split('.').collect();
    // Drop leading source-root directories (`src.`) until the first
    // segment is a package the project imports by name.
    let mut module = full.clone();
    for skip in 0..segments.len() {
        if absolute_firsts.contains(segments[skip]) {
            module = segments[skip..].join(".");
            break;
        }
    }
    let absolute = imports.len() - relative;
    let same_tree = parent_dir(from_rel).split('/').next() == target.path.split('/').next();
    if relative > absolute && same_tree {
        // from_dir → target module, in dots.
        let from_dir: Vec<&str> = parent_dir(from_rel)
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        let tgt_module = drift_core::naming::module_path(&target.path);
        let tgt: Vec<&str> = tgt_module.split('.').collect();
        let common = from_dir
            .iter()
            .zip(&tgt)
            .take_while(|(a, b)| a == b)
            .count();
        let dots = ".".repeat(from_dir.len() - common + 1);
        let rest = tgt[common..].join(".");
        return Ok(json!({
            "import": format!("from {dots}{rest} import {top}"),
            "style": format!("relative ({relative} of {} sampled imports)", imports.len()),
        }));
    }
    Ok(json!({
        "import": format!("from {module} import {top}"),
        "style": format!("absolute ({absolute} of {} sampled imports)", imports.len()),
    }))
}

// ----- Rust --------------------------------------------------------------------

fn rust_import(core: &Core, target: &SymbolHit, from_rel: &str) -> Result<Value, ToolError> {
    // Crate directory: the part before `src/`.
    let crate_of = |p: &str| -> Option<(String, String)> {
        let (krate, rest) = if let Some(r) = p.strip_prefix("src/") {
            (String::new(), r.to_string())
        } else {
            let i = p.find("/src/")?;
            (p[..i].to_string(), p[i + 5..].to_string())
        };
        Some((krate, rest))
    };
    let Some((krate, rest)) = crate_of(&target.path) else {
        return Err(ToolError::new(
            "unsupported",
            format!("{} is not under a crate's src/ directory", target.path),
        ));
    };
    let mut module: Vec<String> = strip_ext(&rest).split('/').map(str::to_string).collect();
    if matches!(
        module.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        module.pop();
    }
    let from_crate = crate_of(from_rel).map(|(k, _)| k);
    let head = if from_crate.as_deref() == Some(krate.as_str()) {
        "crate".to_string()
    } else {
        let manifest = core.root().join(&krate).join("Cargo.toml");
        std::fs::read_to_string(&manifest)
            .ok()
            .and_then(|t| {
                t.lines()
                    .skip_while(|l| l.trim() != "[package]")
                    .find_map(|l| {
                        l.trim().strip_prefix("name").map(|r| {
                            r.trim_start_matches([' ', '='])
                                .trim()
                                .trim_matches('"')
                                .to_string()
                        })
                    })
            })
            .unwrap_or_else(|| krate.rsplit('/').next().unwrap_or("crate").to_string())
            .replace('-', "_")
    };
    let mut path = vec![head];
    path.extend(module);
    path.push(
        target
            .local_name
            .split('.')
            .next()
            .unwrap_or(&target.name)
            .to_string(),
    );
    Ok(json!({ "import": format!("use {};", path.join("::")), "style": "use path" }))
}

// ----- Go ----------------------------------------------------------------------

fn go_import(
    core: &Core,
    target: &SymbolHit,
    top: &str,
    from_rel: &str,
) -> Result<Value, ToolError> {
    let dir = parent_dir(&target.path);
    if dir == parent_dir(from_rel) {
        return Ok(
            json!({ "import": null, "note": "same package: refer to it directly", "usage": top }),
        );
    }
    // Nearest go.mod above the target.
    let mut probe = dir.to_string();
    loop {
        let gomod = core.root().join(&probe).join("go.mod");
        if let Ok(text) = std::fs::read_to_string(&gomod) {
            let module = text
                .lines()
                .find_map(|l| {
                    l.trim()
                        .strip_prefix("module ")
                        .map(|m| m.trim().to_string())
                })
                .ok_or_else(|| {
                    ToolError::new(
                        "unsupported",
                        format!("{} has no module line", gomod.display()),
                    )
                })?;
            let sub = dir
                .strip_prefix(probe.as_str())
                .unwrap_or(dir)
                .trim_start_matches('/');
            let import = if sub.is_empty() {
                module
            } else {
                format!("{module}/{sub}")
            };
            let pkg = import.rsplit('/').next().unwrap_or(&import).to_string();
            return Ok(
                json!({ "import": format!("import \"{import}\""), "usage": format!("{pkg}.{top}"), "style": "module path" }),
            );
        }
        if probe.is_empty() {
            break;
        }
        probe = parent_dir(&probe).to_string();
    }
    Err(
        ToolError::new("unsupported", "no go.mod found above the symbol's package")
            .hint("add a go.mod or import by the package's full path"),
    )
}

// ----- Java --------------------------------------------------------------------

fn java_import(target: &SymbolHit, top: &str, from_rel: &str) -> Result<Value, ToolError> {
    let package_of = |p: &str| -> String {
        let dir = parent_dir(p);
        let dir = ["src/main/java/", "src/test/java/", "src/"]
            .iter()
            .find_map(|root| dir.find(root).map(|i| &dir[i + root.len()..]))
            .unwrap_or(dir);
        dir.replace('/', ".")
    };
    let pkg = package_of(&target.path);
    if pkg == package_of(from_rel) {
        return Ok(json!({ "import": null, "note": "same package: no import needed" }));
    }
    Ok(json!({ "import": format!("import {pkg}.{top};"), "style": "package path" }))
}

// ----- C / C++ -----------------------------------------------------------------

fn c_include(target: &SymbolHit, from_rel: &str) -> Result<Value, ToolError> {
    let is_header = matches!(
        target.path.rsplit('.').next(),
        Some("h" | "hh" | "hpp" | "hxx")
    );
    if !is_header {
        return Err(ToolError::new(
            "unsupported",
            format!(
                "`{}` is defined in {}, not a header",
                target.name, target.path
            ),
        )
        .hint("include the header that declares it (search it with drift_symbols)"));
    }
    let spec = relative_spec(parent_dir(from_rel), &target.path);
    Ok(
        json!({ "import": format!("#include \"{}\"", spec.trim_start_matches("./")), "style": "relative include" }),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn relative_specs() {
        assert_eq!(relative_spec("src/app", "src/lib/util"), "../lib/util");
        assert_eq!(relative_spec("src", "src/util"), "./util");
        assert_eq!(relative_spec("", "util"), "./util");
        assert_eq!(relative_spec("a/b/c", "a/x"), "../../x");
    }

    #[test]
    fn jsonc() {
        let t = "{\n // c\n \"a\": \"//x\", /* y */ \"b\": [1,2,],\n}";
        let v: Value = serde_json::from_str(&strip_jsonc(t)).unwrap();
        assert_eq!(v["a"], "//x");
        assert_eq!(v["b"], json!([1, 2]));
    }
}
