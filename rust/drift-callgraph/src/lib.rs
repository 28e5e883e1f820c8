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

use std::collections::BTreeSet;

use rayon::prelude::*;

pub use finalizer::{CallGraphFinalizer, attach};
pub use graph::{
    CallGraph, Edge, EntryPoint, EntryReason, Node, NodeId, NodeKind, Strategy, UnresolvedCall,
};
pub use query::{DeadFunction, Impact, ImpactedCaller, LangStats, Lookup, Neighborhood, Stats};
pub use resolve::FileRef;

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
        self.update_files(changed, removed, all).resolved.len()
    }

    /// [`CallGraph::update`], returning which files' records it replaced
    /// or dropped (what storage has to rewrite).
    pub fn update_files(
        &mut self,
        changed: &[FileRef<'_>],
        removed: &[&str],
        all: &[FileRef<'_>],
    ) -> Touched {
        let mut affected: BTreeSet<String> = BTreeSet::new();
        let mut to_resolve: BTreeSet<String> = BTreeSet::new();
        let mut key_for = |path: &str, new_facts: Option<&drift_core::FileFacts>, g: &CallGraph| {
            let mut names: BTreeSet<String> = g
                .files
                .get(path)
                .map(|f| f.defines.clone())
                .unwrap_or_default();
            if let Some(facts) = new_facts {
                names.extend(facts.symbols.iter().map(|s| s.name.clone()));
            }
            affected.extend(dep_keys_for(path, &names));
        };
        for &(p, _, facts) in changed {
            key_for(p, Some(facts), self);
            to_resolve.insert(p.to_string());
        }
        let present: BTreeSet<&str> = all.iter().map(|f| f.0).collect();
        for &p in removed {
            key_for(p, None, self);
        }
        // Files the caller forgot to mention are handled too.
        for &(p, _, facts) in all {
            if !self.files.contains_key(p) && !to_resolve.contains(p) {
                key_for(p, Some(facts), self);
                to_resolve.insert(p.to_string());
            }
        }
        let gone: Vec<String> = self
            .files
            .keys()
            .filter(|p| !present.contains(p.as_str()))
            .cloned()
            .collect();
        for p in &gone {
            key_for(p, None, self);
        }
        for p in &gone {
            self.files.remove(p);
        }
        for (p, fr) in &self.files {
            if !to_resolve.contains(p) && fr.deps.iter().any(|d| affected.contains(d)) {
                to_resolve.insert(p.clone());
            }
        }
        let t0 = std::time::Instant::now();
        let ix = Index::new(all);
        let t_index = t0.elapsed();
        let resolved: Vec<(&String, Option<_>)> = to_resolve
            .par_iter()
            .map(|p| (p, ix.resolve_file(p)))
            .collect();
        let mut touched = Touched {
            resolved: Vec::new(),
            dropped: gone,
        };
        for (p, r) in resolved {
            match r {
                Some(r) => {
                    self.files.insert(p.clone(), r);
                    touched.resolved.push(p.clone());
                }
                None => {
                    self.files.remove(p);
                    touched.dropped.push(p.clone());
                }
            }
        }
        let t_resolve = t0.elapsed();
        self.finalize();
        tracing::debug!(
            resolved = to_resolve.len(),
            keys = affected.len(),
            index = ?t_index,
            resolve = ?(t_resolve - t_index),
            finalize = ?(t0.elapsed() - t_resolve),
            "call graph update"
        );
        touched
    }
}

/// Files an incremental update re-resolved or dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    pub resolved: Vec<String>,
    pub dropped: Vec<String>,
}

#[cfg(test)]
mod tests;
