//! The call graph's data model: nodes (functions, methods, constructors and
//! module nodes), resolved edges, unresolved/external call sites and entry
//! points, plus the per-file resolution results the graph is assembled from.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap as HashMap;

use drift_core::Lang;
use serde::{Deserialize, Serialize};

use crate::NameFingerprint;

/// Dense node id (index into [`CallGraph::nodes`]). Ids are assigned in
/// qualified-name order, so they are stable for identical inputs.
pub type NodeId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Function,
    Method,
    Constructor,
    /// A file's top-level code (`pkg.mod`).
    Module,
}

impl NodeKind {
    pub fn id(self) -> &'static str {
        match self {
            NodeKind::Function => "function",
            NodeKind::Method => "method",
            NodeKind::Constructor => "constructor",
            NodeKind::Module => "module",
        }
    }
}

/// How an edge was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// A nested function or a function defined in an enclosing scope.
    Local,
    /// A top-level definition of the same module (Go: same package directory).
    SameModule,
    /// A named, default or aliased import (`import { f }`, `from x import f`, `use a::f`).
    Import,
    /// A member of a namespace import (`import * as m; m.f()`, `import a.b as c`, Go packages).
    NamespaceImport,
    /// An import followed through re-exports (`export … from`, `pub use`, `__init__.py`).
    Reexport,
    /// `this.m()` / `self.m()` / implicit `this` in Java and C#.
    MethodSelf,
    /// A method found on a base class (`super.m()`, or `self.m()` defined in a base).
    Inherited,
    /// `new C()` / Python `C()` → the constructor / `__init__`.
    Constructor,
    /// A method on a receiver whose type was inferred from a binding or a typed parameter.
    TypeInference,
    /// A call through a name bound to a function (`f = g; f()`).
    Alias,
    /// A function passed by name as an argument.
    Callback,
    /// A decorated definition calls its decorator.
    Decorator,
    /// Last resort: the only definition with that name in the project (same language).
    NameMatchUnique,
}

impl Strategy {
    pub const ALL: [Strategy; 13] = [
        Strategy::Local,
        Strategy::SameModule,
        Strategy::Import,
        Strategy::NamespaceImport,
        Strategy::Reexport,
        Strategy::MethodSelf,
        Strategy::Inherited,
        Strategy::Constructor,
        Strategy::TypeInference,
        Strategy::Alias,
        Strategy::Callback,
        Strategy::Decorator,
        Strategy::NameMatchUnique,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Strategy::Local => "local",
            Strategy::SameModule => "same_module",
            Strategy::Import => "import",
            Strategy::NamespaceImport => "namespace_import",
            Strategy::Reexport => "reexport",
            Strategy::MethodSelf => "method_self",
            Strategy::Inherited => "inherited",
            Strategy::Constructor => "constructor",
            Strategy::TypeInference => "type_inference",
            Strategy::Alias => "alias",
            Strategy::Callback => "callback",
            Strategy::Decorator => "decorator",
            Strategy::NameMatchUnique => "name_match_unique",
        }
    }

    pub fn from_id(id: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.id() == id)
    }

    /// Default confidence of an edge produced by this strategy.
    pub fn confidence(self) -> f32 {
        match self {
            Strategy::Local | Strategy::SameModule | Strategy::MethodSelf => 0.95,
            Strategy::Import | Strategy::NamespaceImport => 0.95,
            Strategy::Reexport | Strategy::Constructor => 0.9,
            Strategy::Inherited | Strategy::Alias => 0.85,
            Strategy::TypeInference | Strategy::Decorator => 0.8,
            Strategy::Callback => 0.75,
            Strategy::NameMatchUnique => 0.4,
        }
    }
}

/// Why a node is an entry point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryReason {
    /// `main` in Go/Rust/C/C++, `public static void main` in Java, `Main` in C#.
    Main,
    /// Python module with `if __name__ == "__main__":`.
    MainGuard,
    /// Exported symbol of a module nothing in the project imports.
    ExportedApi,
    /// Route handler (decorator/annotation/attribute or passed to `app.get(...)`).
    RouteHandler,
    /// Test function (`test_*`, `@Test`, `#[test]`, `TestXxx`, `describe`/`it` callbacks).
    Test,
    /// Framework hook (`__init__`, `setUp`, `componentDidMount`, Go `init`, `Drop::drop`, ...).
    FrameworkHook,
}

impl EntryReason {
    pub fn id(self) -> &'static str {
        match self {
            EntryReason::Main => "main",
            EntryReason::MainGuard => "main_guard",
            EntryReason::ExportedApi => "exported_api",
            EntryReason::RouteHandler => "route_handler",
            EntryReason::Test => "test",
            EntryReason::FrameworkHook => "framework_hook",
        }
    }
}

/// A function, method, constructor or module node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub qualified_name: String,
    /// Simple name (`run`; for module nodes the last module segment).
    pub name: String,
    pub kind: NodeKind,
    pub path: String,
    pub lang: Lang,
    pub line: u32,
    pub end_line: u32,
    pub exported: bool,
}

/// A resolved call edge (one per caller/callee pair; `sites` counts call sites).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub caller: NodeId,
    pub callee: NodeId,
    pub strategy: Strategy,
    pub confidence: f32,
    /// Line of the first call site.
    pub line: u32,
    pub sites: u32,
}

/// A call site that did not resolve to a project definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnresolvedCall {
    pub caller: NodeId,
    /// Callee text as written.
    pub callee: String,
    pub line: u32,
    /// `Some(module)` when the call goes into a library outside the project.
    pub external: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryPoint {
    pub node: NodeId,
    pub reason: EntryReason,
}

// ---------------------------------------------------------------------------
// Per-file resolution results (keyed by qualified names, so a file can be
// re-resolved without touching the others).
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct NodeRec {
    pub qname: String,
    pub name: String,
    pub kind: NodeKind,
    pub line: u32,
    pub end_line: u32,
    pub exported: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct EdgeRec {
    pub caller: String,
    pub callee: String,
    pub strategy: Strategy,
    pub confidence: f32,
    pub line: u32,
    pub sites: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct UnresolvedRec {
    pub caller: String,
    pub callee: String,
    pub line: u32,
    pub external: Option<String>,
}

/// Everything resolution produced for one file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(crate) struct FileResult {
    pub lang: Option<Lang>,
    pub nodes: Vec<NodeRec>,
    pub edges: Vec<EdgeRec>,
    pub unresolved: Vec<UnresolvedRec>,
    /// Entry points decided from this file alone.
    pub entries: Vec<(String, EntryReason)>,
    /// Exported callables (entry points when no project file imports this one).
    pub exported: Vec<String>,
    /// Methods that override a base method / implement an interface (dead-code exclusion).
    pub overrides: Vec<String>,
    /// Functions referenced by name (callbacks, aliases, exports) — dead-code exclusion.
    pub referenced: Vec<String>,
    /// Project files this file imports (resolved import targets).
    pub imports_files: BTreeSet<String>,
    /// Lookup keys consulted while resolving this file (see `resolve::Deps`).
    pub deps: BTreeSet<String>,
    /// Names defined in this file (symbols of any kind) with their
    /// [`crate::name_fingerprints`], for invalidation.
    pub defines: BTreeMap<String, NameFingerprint>,
    /// Call sites resolved to at least one project definition.
    #[serde(default)]
    pub calls_resolved: u32,
    /// Constructor calls of project classes without an explicit constructor.
    #[serde(default)]
    pub calls_implicit: u32,
}

/// The call graph: per-file resolution results plus an integer-id index
/// (adjacency lists) rebuilt from them.
/// Two graphs are equal when their per-file results and every derived
/// table (nodes, edges, unresolved calls, entry points) are equal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallGraph {
    pub(crate) files: BTreeMap<String, FileResult>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) by_qname: HashMap<String, NodeId>,
    pub(crate) by_name: HashMap<String, Vec<NodeId>>,
    pub(crate) edges: Vec<Edge>,
    /// Outgoing edge indices per node.
    pub(crate) out_adj: Vec<Vec<u32>>,
    /// Incoming edge indices per node.
    pub(crate) in_adj: Vec<Vec<u32>>,
    pub(crate) unresolved: Vec<UnresolvedCall>,
    pub(crate) entry_points: Vec<EntryPoint>,
    pub(crate) overrides: BTreeSet<NodeId>,
    pub(crate) referenced: BTreeSet<NodeId>,
    pub(crate) imported_files: BTreeSet<String>,
}

impl CallGraph {
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }
    pub fn unresolved(&self) -> &[UnresolvedCall] {
        &self.unresolved
    }
    pub fn entry_points(&self) -> &[EntryPoint] {
        &self.entry_points
    }
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id as usize)
    }
    pub fn id_of(&self, qualified_name: &str) -> Option<NodeId> {
        self.by_qname.get(qualified_name).copied()
    }
    /// Paths of the files in the graph.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
    /// Outgoing edges of a node.
    pub fn out_edges(&self, id: NodeId) -> impl Iterator<Item = &Edge> {
        self.out_adj
            .get(id as usize)
            .into_iter()
            .flatten()
            .filter_map(|&e| self.edges.get(e as usize))
    }
    /// Incoming edges of a node.
    pub fn in_edges(&self, id: NodeId) -> impl Iterator<Item = &Edge> {
        self.in_adj
            .get(id as usize)
            .into_iter()
            .flatten()
            .filter_map(|&e| self.edges.get(e as usize))
    }

    /// Rebuilds the integer-id index from the per-file results. Linear in
    /// the size of the graph; deterministic (ids in qualified-name order).
    pub(crate) fn finalize(&mut self) {
        let mut node_map: BTreeMap<&str, (Node, bool)> = BTreeMap::new();
        for (path, fr) in &self.files {
            let lang = fr.lang.unwrap_or(Lang::C);
            for n in &fr.nodes {
                node_map.entry(n.qname.as_str()).or_insert_with(|| {
                    (
                        Node {
                            qualified_name: n.qname.clone(),
                            name: n.name.clone(),
                            kind: n.kind,
                            path: path.clone(),
                            lang,
                            line: n.line,
                            end_line: n.end_line,
                            exported: n.exported,
                        },
                        true,
                    )
                });
            }
        }
        self.nodes = node_map.into_values().map(|(n, _)| n).collect();
        self.by_qname = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.qualified_name.clone(), i as NodeId))
            .collect();
        self.by_name.clear();
        for (i, n) in self.nodes.iter().enumerate() {
            self.by_name
                .entry(n.name.clone())
                .or_default()
                .push(i as NodeId);
        }

        // Edges: merge duplicates (same pair from different files is impossible
        // since the caller's file owns the edge, but overloads can collide).
        let mut edge_map: BTreeMap<(NodeId, NodeId), Edge> = BTreeMap::new();
        let mut unresolved = Vec::new();
        let mut imported_files = BTreeSet::new();
        for fr in self.files.values() {
            imported_files.extend(fr.imports_files.iter().cloned());
            for e in &fr.edges {
                let (Some(&a), Some(&b)) =
                    (self.by_qname.get(&e.caller), self.by_qname.get(&e.callee))
                else {
                    tracing::debug!(caller = %e.caller, callee = %e.callee, "dropping edge to a missing node");
                    continue;
                };
                edge_map
                    .entry((a, b))
                    .and_modify(|x| {
                        x.sites += e.sites;
                        if e.confidence > x.confidence {
                            x.confidence = e.confidence;
                            x.strategy = e.strategy;
                        }
                        x.line = x.line.min(e.line);
                    })
                    .or_insert(Edge {
                        caller: a,
                        callee: b,
                        strategy: e.strategy,
                        confidence: e.confidence,
                        line: e.line,
                        sites: e.sites,
                    });
            }
            for u in &fr.unresolved {
                if let Some(&a) = self.by_qname.get(&u.caller) {
                    unresolved.push(UnresolvedCall {
                        caller: a,
                        callee: u.callee.clone(),
                        line: u.line,
                        external: u.external.clone(),
                    });
                }
            }
        }
        unresolved.sort_by(|a, b| {
            (a.caller, a.line, &a.callee, &a.external).cmp(&(
                b.caller,
                b.line,
                &b.callee,
                &b.external,
            ))
        });
        self.unresolved = unresolved;
        self.edges = edge_map.into_values().collect();
        self.out_adj = vec![Vec::new(); self.nodes.len()];
        self.in_adj = vec![Vec::new(); self.nodes.len()];
        for (i, e) in self.edges.iter().enumerate() {
            self.out_adj[e.caller as usize].push(i as u32);
            self.in_adj[e.callee as usize].push(i as u32);
        }

        // Entry points.
        let mut entries: BTreeSet<(NodeId, EntryReason)> = BTreeSet::new();
        for (path, fr) in &self.files {
            for (q, r) in &fr.entries {
                if let Some(&id) = self.by_qname.get(q) {
                    entries.insert((id, *r));
                }
            }
            if !imported_files.contains(path) {
                for q in &fr.exported {
                    if let Some(&id) = self.by_qname.get(q) {
                        entries.insert((id, EntryReason::ExportedApi));
                    }
                }
            }
        }
        self.entry_points = entries
            .into_iter()
            .map(|(node, reason)| EntryPoint { node, reason })
            .collect();
        self.overrides = self
            .files
            .values()
            .flat_map(|f| f.overrides.iter())
            .filter_map(|q| self.by_qname.get(q).copied())
            .collect();
        self.referenced = self
            .files
            .values()
            .flat_map(|f| f.referenced.iter())
            .filter_map(|q| self.by_qname.get(q).copied())
            .collect();
        self.imported_files = imported_files;
    }
}
