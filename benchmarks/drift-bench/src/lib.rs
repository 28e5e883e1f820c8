//! Benchmark helpers shared by the `scan_bench` binary and the criterion
//! benches.

use drift_core::Lang;

/// Peak resident set size of this process in KiB (`VmHWM` from
/// `/proc/self/status`), if available.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// CPU time (user + system, all threads) this process has used so far,
/// from `/proc/self/stat`, if available. Steadier than wall time on a
/// shared machine; compare deltas.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name: utime is the 12th, stime the 13th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // USER_HZ is 100 on every Linux configuration Rust supports.
    Some((utime + stime) / 100.0)
}

/// A synthetic TypeScript module of roughly `functions` functions, used by
/// the criterion benches.
pub fn synthetic_ts(functions: usize) -> String {
    let mut s =
        String::from("import { AppError } from './errors';\nimport * as log from './log';\n\n");
    for i in 0..functions {
        s.push_str(&format!(
            "/** Does thing {i}. */\nexport async function handler{i}(req: Request, id: string): Promise<number> {{\n  \
               if (!id) {{ throw new AppError(`missing ${{id}}`); }}\n  \
               try {{\n    const v = await fetchThing(id, {i});\n    log.info('fetched', {{ id }});\n    return v.count + {i};\n  }} \
               catch (e) {{\n    log.error('failed', e);\n    throw e;\n  }}\n}}\n\n"
        ));
    }
    s.push_str("export class Service {\n  constructor(private readonly repo: Repo) {}\n  run(x: number): number { return this.repo.save(x); }\n}\n");
    s
}

/// A synthetic Rust crate shaped like rmcp's `model` module: `src/model.rs`
/// declares `children` modules and glob-re-exports each (`pub use c0::*;`),
/// and every child glob-imports it back (`use super::*;`). Each child has
/// `functions` functions that call one name defined in the last child and
/// two names defined nowhere (library calls, which resolution must give up
/// on). Returns `(path, source)` pairs, `src/lib.rs` first.
pub fn synthetic_rust_globs(children: usize, functions: usize) -> Vec<(String, String)> {
    let mut model = String::new();
    for i in 0..children {
        model.push_str(&format!("mod c{i};\npub use c{i}::*;\n"));
    }
    let mut files = vec![
        (
            "src/lib.rs".to_string(),
            "pub mod model;\npub fn run() { model::shared(); model::missing(); }\n".to_string(),
        ),
        ("src/model.rs".to_string(), model),
    ];
    for i in 0..children {
        let mut src = String::from("use super::*;\n");
        for j in 0..functions {
            src.push_str(&format!(
                "pub fn f{i}_{j}() {{ shared(); external_{j}(); Vec::<u8>::with_capacity({j}); }}\n"
            ));
        }
        if i + 1 == children {
            src.push_str("pub fn shared() {}\n");
        }
        files.push((format!("src/model/c{i}.rs"), src));
    }
    files
}

/// Languages the benches cover.
pub const BENCH_LANG: Lang = Lang::TypeScript;
