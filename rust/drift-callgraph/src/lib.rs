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
        let prior: BTreeMap<&str, &FileResult> =
            self.files.iter().map(|(p, f)| (p.as_str(), f)).collect();
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

/// What planning an update reads of a file's previous resolution: a
/// [`FileResult`] in memory, or a stored record's keys
/// (`store::StoredKeys`).
pub(crate) trait Prior {
    /// Whether it consulted any of the lookup `keys`.
    fn consulted_any(&self, keys: &BTreeSet<String>) -> bool;
    /// The names it defined, with their fingerprints.
    fn defines(&self) -> BTreeMap<&str, NameFingerprint>;
}

impl Prior for &FileResult {
    fn consulted_any(&self, keys: &BTreeSet<String>) -> bool {
        self.deps.iter().any(|d| keys.contains(d))
    }

    fn defines(&self) -> BTreeMap<&str, NameFingerprint> {
        self.defines
            .iter()
            .map(|(n, fp)| (n.as_str(), *fp))
            .collect()
    }
}

/// See [`name_fingerprints`].
pub(crate) type NameFingerprint = u64;

/// For each name a file defines, a hash of everything of its symbols of
/// that name that resolving another file can read: kind, qualified name,
/// signature, parameters, bases, flags, and the kinds and names of the
/// symbols they are nested in. Not their positions.
///
/// Other files find a file's symbols by name (`n:` lookup keys) and read
/// only these; anything else of the file (imports, bindings, members) they
/// read under its path key (`p:`). So an edit invalidates the name lookups
/// of exactly the names whose fingerprints it changed: none for an edit of
/// a body, one for a new function.
pub(crate) fn name_fingerprints(
    lang: Lang,
    symbols: &[drift_core::Symbol],
) -> BTreeMap<String, NameFingerprint> {
    use std::hash::Hasher;
    fn text(h: &mut impl Hasher, s: &str) {
        h.write_usize(s.len());
        h.write(s.as_bytes());
    }
    // SipHash with fixed keys: the same input hashes the same in every run.
    // Should a new Rust release change it, stored names would only look
    // changed (a wider update), never unchanged when they are not.
    let mut by_name: BTreeMap<&str, std::hash::DefaultHasher> = BTreeMap::new();
    for s in symbols {
        let h = by_name.entry(s.name.as_str()).or_insert_with(|| {
            let mut h = std::hash::DefaultHasher::new();
            text(&mut h, lang.id());
            h
        });
        h.write_u8(s.kind as u8);
        text(h, &s.qualified_name);
        text(h, &s.signature);
        h.write_usize(s.params.len());
        for p in &s.params {
            text(h, &p.name);
            h.write_u8(u8::from(p.type_text.is_some()));
            text(h, p.type_text.as_deref().unwrap_or_default());
        }
        h.write_u8(u8::from(s.return_type.is_some()));
        text(h, s.return_type.as_deref().unwrap_or_default());
        for list in [&s.decorators, &s.bases] {
            h.write_usize(list.len());
            for t in list {
                text(h, t);
            }
        }
        h.write(&[
            u8::from(s.exported),
            u8::from(s.has_doc),
            u8::from(s.is_async),
            u8::from(s.is_static),
        ]);
        // Enclosing symbols, innermost first (bounded, as cycles are possible
        // in damaged facts).
        let mut parent = s.parent;
        let mut depth = 0;
        while let Some(ps) = parent.and_then(|i| symbols.get(i as usize)) {
            h.write_u8(1);
            h.write_u8(ps.kind as u8);
            text(h, &ps.name);
            text(h, &ps.qualified_name);
            depth += 1;
            parent = if depth < 64 { ps.parent } else { None };
        }
        h.write_u8(0);
    }
    by_name
        .into_iter()
        .map(|(name, h)| (name.to_string(), h.finish()))
        .collect()
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
    pub(crate) fn new<P: Prior>(
        prior: &BTreeMap<&str, P>,
        changed: &[FileRef<'_>],
        removed: &[&str],
        all: &[FileRef<'_>],
    ) -> Plan {
        let mut affected: BTreeSet<String> = BTreeSet::new();
        let mut to_resolve: BTreeSet<String> = BTreeSet::new();
        // A file's names are keys when their fingerprints changed (a name
        // that came or went included); its path keys always are.
        let mut key_for = |path: &str, new: Option<(Lang, &drift_core::FileFacts)>| {
            let before = prior.get(path).map(P::defines).unwrap_or_default();
            let after = new.map_or_else(BTreeMap::new, |(lang, facts)| {
                name_fingerprints(lang, &facts.symbols)
            });
            let names: BTreeSet<String> = before
                .iter()
                .filter(|&(n, fp)| after.get(*n) != Some(fp))
                .map(|(n, _)| n.to_string())
                .chain(
                    after
                        .iter()
                        .filter(|&(n, fp)| before.get(n.as_str()) != Some(fp))
                        .map(|(n, _)| n.clone()),
                )
                .collect();
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
            if f.consulted_any(&affected) {
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
