//! # drift-callgraph
//!
//! Drift's call graph, built from the facts the scan engine already
//! extracted ([`drift_core::FileFacts`]) — no second parse.
//!
//! - [`CallGraph::build`] resolves every call site of every file against a
//!   project-wide index (imports, re-exports, classes and their bases,
//!   bindings and typed parameters) into edges with a [`Strategy`] and a
//!   confidence; unresolved and external calls are kept.
//! - [`CallGraph::update`] re-resolves only the files whose recorded lookups
//!   were touched by the changed/removed files.
//! - [`query`] holds the queries (callers, callees, impact, reachability,
//!   paths, dead code, stats, lookup, JSON export).
//! - [`store`] persists the graph to SQLite.

pub mod finalizer;
mod graph;
pub mod query;
mod resolve;
pub mod store;

use std::collections::{BTreeMap, BTreeSet};

use drift_core::Lang;

pub use finalizer::{CallGraphFinalizer, attach};
pub use graph::{
    CallGraph, Edge, EntryPoint, EntryReason, Node, NodeId, NodeKind, Strategy, UnresolvedCall,
};
pub use query::{DeadFunction, Impact, ImpactedCaller, LangStats, Lookup, Neighborhood, Stats};
pub use resolve::FileRef;

use graph::FileResult;
use resolve::{Index, dep_keys_for};

impl CallGraph {
    /// Builds the graph of a whole project. `files` are root-relative paths
    /// (with `/`), their language and their extracted facts.
    pub fn build(files: &[FileRef<'_>]) -> CallGraph {
        let mut g = CallGraph {
            files: Index::new(files)
                .resolve_all(|path, result| (path.to_string(), result))
                .into_iter()
                .collect(),
            ..CallGraph::default()
        };
        g.finalize();
        g
    }

    /// Incremental update. `changed` holds the new facts of changed and added
    /// files, `removed` the paths of deleted files, and `all` the current
    /// facts of every file in the project (changed ones included) — the
    /// resolution index is rebuilt from it, which is cheap; what is saved is
    /// re-resolving files whose lookups the change could not affect.
    ///
    /// Returns the number of files re-resolved.
    pub fn update(
        &mut self,
        changed: &[FileRef<'_>],
        removed: &[&str],
        all: &[FileRef<'_>],
    ) -> usize {
        let prior: BTreeMap<&str, Prior<'_>> = self
            .files
            .iter()
            .map(|(p, f)| (p.as_str(), Prior::of(f)))
            .collect();
        let plan = Plan::new(&prior, changed, removed, all);
        for p in &plan.gone {
            self.files.remove(p);
        }
        let resolving = plan.to_resolve.len();
        for (path, result) in Index::new(all).resolve_paths(plan.to_resolve, |p, r| (p, r)) {
            match result {
                Some(r) => self.files.insert(path, r),
                None => self.files.remove(&path),
            };
        }
        self.finalize();
        resolving
    }
}

/// What planning an update needs of a file's previous resolution.
pub(crate) struct Prior<'r> {
    /// Lookup keys it consulted.
    pub deps: &'r BTreeSet<String>,
    /// Names it defined.
    pub defines: &'r BTreeSet<String>,
    /// Its symbols' fingerprint.
    pub symbols: SymbolsFingerprint,
}

impl<'r> Prior<'r> {
    pub(crate) fn of(f: &'r FileResult) -> Prior<'r> {
        Prior {
            deps: &f.deps,
            defines: &f.defines,
            symbols: f.symbols,
        }
    }
}

/// See [`symbols_fingerprint`].
pub(crate) type SymbolsFingerprint = [u8; 16];

/// A hash of everything of a file's symbols that resolving another file can
/// read (names, kinds, nesting, signatures, bases, ...), but not where they
/// are: other files find a file's symbols by name (`n:` lookup keys) and
/// read only these fields, while anything else of it (imports, bindings)
/// is read under its path key (`p:`). So when an edit leaves the
/// fingerprint as it was (a body changed, lines moved), no name lookup
/// elsewhere can see it.
pub(crate) fn symbols_fingerprint(
    lang: drift_core::Lang,
    symbols: &[drift_core::Symbol],
) -> SymbolsFingerprint {
    fn text(h: &mut blake3::Hasher, s: &str) {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    }
    let mut h = blake3::Hasher::new();
    text(&mut h, lang.id());
    h.update(&(symbols.len() as u64).to_le_bytes());
    for s in symbols {
        text(&mut h, &s.name);
        text(&mut h, &s.qualified_name);
        h.update(&[s.kind as u8]);
        h.update(&s.parent.map_or(u64::MAX, u64::from).to_le_bytes());
        text(&mut h, &s.signature);
        h.update(&(s.params.len() as u64).to_le_bytes());
        for p in &s.params {
            text(&mut h, &p.name);
            h.update(&[u8::from(p.type_text.is_some())]);
            text(&mut h, p.type_text.as_deref().unwrap_or_default());
        }
        h.update(&[u8::from(s.return_type.is_some())]);
        text(&mut h, s.return_type.as_deref().unwrap_or_default());
        for list in [&s.decorators, &s.bases] {
            h.update(&(list.len() as u64).to_le_bytes());
            for t in list {
                text(&mut h, t);
            }
        }
        h.update(&[
            u8::from(s.exported),
            u8::from(s.has_doc),
            u8::from(s.is_async),
            u8::from(s.is_static),
        ]);
    }
    let mut out = [0; 16];
    out.copy_from_slice(&h.finalize().as_bytes()[..16]);
    out
}

/// The files an incremental update re-resolves, and those that are gone.
pub(crate) struct Plan {
    pub to_resolve: BTreeSet<String>,
    pub gone: Vec<String>,
}

impl Plan {
    /// Changed and added files, plus every file whose recorded lookups the
    /// change (new, renamed, removed names and files) could affect. See
    /// [`CallGraph::update`] for the arguments.
    pub(crate) fn new(
        prior: &BTreeMap<&str, Prior<'_>>,
        changed: &[FileRef<'_>],
        removed: &[&str],
        all: &[FileRef<'_>],
    ) -> Plan {
        let mut affected: BTreeSet<String> = BTreeSet::new();
        let mut to_resolve: BTreeSet<String> = BTreeSet::new();
        // A changed file's names are keys only when its symbols changed
        // (see `symbols_fingerprint`); its path keys always are.
        let mut key_for = |path: &str, new: Option<(Lang, &drift_core::FileFacts)>| {
            let before = prior.get(path);
            let same_symbols = match (before, new) {
                (Some(b), Some((lang, facts))) => {
                    b.symbols == symbols_fingerprint(lang, &facts.symbols)
                }
                _ => false,
            };
            let mut names: BTreeSet<String> = BTreeSet::new();
            if !same_symbols {
                names.extend(before.into_iter().flat_map(|f| f.defines.iter().cloned()));
                if let Some((_, facts)) = new {
                    names.extend(facts.symbols.iter().map(|s| s.name.clone()));
                }
            }
            affected.extend(dep_keys_for(path, &names));
        };
        for &(p, lang, facts) in changed {
            key_for(p, Some((lang, facts)));
            to_resolve.insert(p.to_string());
        }
        let present: BTreeSet<&str> = all.iter().map(|f| f.0).collect();
        for &p in removed {
            key_for(p, None);
        }
        // Files the caller forgot to mention are handled too.
        for &(p, lang, facts) in all {
            if !prior.contains_key(p) && !to_resolve.contains(p) {
                key_for(p, Some((lang, facts)));
                to_resolve.insert(p.to_string());
            }
        }
        let gone: Vec<String> = prior
            .keys()
            .filter(|p| !present.contains(*p))
            .map(|p| p.to_string())
            .collect();
        for p in &gone {
            key_for(p, None);
        }
        for (p, f) in prior {
            if !present.contains(p) || to_resolve.contains(*p) {
                continue;
            }
            if f.deps.iter().any(|d| affected.contains(d)) {
                to_resolve.insert(p.to_string());
            }
        }
        tracing::debug!(
            resolve = to_resolve.len(),
            keys = affected.len(),
            gone = gone.len(),
            "call graph update plan"
        );
        Plan { to_resolve, gone }
    }
}

#[cfg(test)]
mod tests;
