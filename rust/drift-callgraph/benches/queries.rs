//! Query latency on a synthetic 10k-file project (TypeScript-shaped facts:
//! each file defines 6 functions, imports 3 neighbours and calls into them).

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use drift_callgraph::{CallGraph, Lookup};
use drift_core::{Call, FileFacts, Import, ImportKind, Lang, Span, Symbol, SymbolKind};

const FILES: usize = 10_000;
const FNS: usize = 6;

fn sym(name: String, line: u32) -> Symbol {
    Symbol {
        qualified_name: name.clone(),
        name,
        kind: SymbolKind::Function,
        span: Span {
            start_line: line,
            start_col: 1,
            end_line: line + 3,
            end_col: 1,
        },
        name_span: Span::default(),
        parent: None,
        signature: String::new(),
        params: Vec::new(),
        return_type: None,
        decorators: Vec::new(),
        bases: Vec::new(),
        exported: true,
        has_doc: false,
        is_async: false,
        is_static: false,
    }
}

fn call(callee: String, enclosing: u32, line: u32) -> Call {
    Call {
        name: callee.clone(),
        callee,
        receiver: None,
        arg_count: 0,
        arg_names: Vec::new(),
        is_constructor: false,
        enclosing: Some(enclosing),
        span: Span {
            start_line: line,
            start_col: 1,
            end_line: line,
            end_col: 10,
        },
    }
}

fn project() -> Vec<(String, FileFacts)> {
    (0..FILES)
        .map(|i| {
            let mut f = FileFacts::default();
            for k in 0..FNS {
                f.symbols.push(sym(format!("f{i}_{k}"), (k * 5 + 1) as u32));
            }
            for d in 1..=3usize {
                let j = (i * 7 + d * 131) % FILES;
                if j == i {
                    continue;
                }
                let name = format!("f{j}_{}", d % FNS);
                f.imports.push(Import {
                    source: format!("../d{}/m{j}", j / 100),
                    kind: ImportKind::Named,
                    imported: name.clone(),
                    local: name.clone(),
                    reexport: false,
                    type_only: false,
                    span: Span::default(),
                });
                f.calls.push(call(name, (d % FNS) as u32, 2));
            }
            for k in 0..FNS - 1 {
                f.calls.push(call(format!("f{i}_{}", k + 1), k as u32, 3));
            }
            f.calls.push(call("console.log".to_string(), 0, 4));
            (format!("src/d{}/m{i}.ts", i / 100), f)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let files = project();
    let refs: Vec<_> = files
        .iter()
        .map(|(p, f)| (p.as_str(), Lang::TypeScript, f))
        .collect();
    let t = Instant::now();
    let g = CallGraph::build(&refs);
    eprintln!(
        "built synthetic graph: {} nodes, {} edges in {:?}",
        g.nodes().len(),
        g.edges().len(),
        t.elapsed()
    );
    // One-shot: incremental update after a body change in one file.
    let mut edited = files.clone();
    edited[4321]
        .1
        .calls
        .push(call("f4321_0".to_string(), 5, 30));
    let all: Vec<_> = edited
        .iter()
        .map(|(p, f)| (p.as_str(), Lang::TypeScript, f))
        .collect();
    let changed = vec![all[4321]];
    let mut g2 = g.clone();
    let t = Instant::now();
    let n = g2.update(&changed, &[], &all);
    eprintln!(
        "incremental update (1 changed file): re-resolved {n} files in {:?}",
        t.elapsed()
    );
    let Lookup::Found(a) = g.lookup("src.d12.m1234.f1234_0") else {
        panic!("synthetic node missing");
    };
    let Lookup::Found(b) = g.lookup("f777_3") else {
        panic!("synthetic node missing");
    };
    c.bench_function("lookup_suffix", |bch| {
        bch.iter(|| black_box(g.lookup("m1234.f1234_0")))
    });
    c.bench_function("callers_depth3", |bch| {
        bch.iter(|| black_box(g.callers(a, 3)))
    });
    c.bench_function("callees_depth5", |bch| {
        bch.iter(|| black_box(g.callees(a, 5)))
    });
    c.bench_function("impact_function", |bch| {
        bch.iter(|| black_box(g.impact(&[b])))
    });
    c.bench_function("impact_file", |bch| {
        bch.iter(|| black_box(g.impact_of_file("src/d7/m777.ts")))
    });
    c.bench_function("reachable_from", |bch| {
        bch.iter(|| black_box(g.reachable_from(a)))
    });
    c.bench_function("shortest_path", |bch| {
        bch.iter(|| black_box(g.shortest_path(a, b)))
    });
    c.bench_function("dead_code", |bch| bch.iter(|| black_box(g.dead_code())));
    c.bench_function("stats", |bch| bch.iter(|| black_box(g.stats())));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
