//! Graph queries over the integer-id adjacency lists. All traversals are
//! breadth-first with explicit queues (no recursion) and visit each node once.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;

use crate::graph::{CallGraph, Edge, EntryPoint, EntryReason, NodeId, NodeKind, Strategy};

/// Result of a symbol lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "ids", rename_all = "snake_case")]
pub enum Lookup {
    /// Exactly one node matched.
    Found(NodeId),
    /// Several nodes matched (suffix or simple name); ask the user.
    Ambiguous(Vec<NodeId>),
    NotFound,
}

/// Nodes within a depth of a start node, with the edges that reach them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Neighborhood {
    /// (node, depth) in BFS order; the start node is not included.
    pub nodes: Vec<(NodeId, u32)>,
    /// Edges traversed (between nodes within the depth).
    pub edges: Vec<Edge>,
}

/// A transitive caller with one shortest path to the changed function.
#[derive(Debug, Clone, Serialize)]
pub struct ImpactedCaller {
    pub node: NodeId,
    pub depth: u32,
    /// From this caller down to the changed function (inclusive).
    pub path: Vec<NodeId>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Impact {
    /// The changed functions the impact was computed for.
    pub targets: Vec<NodeId>,
    pub callers: Vec<ImpactedCaller>,
    /// Entry points among the changed functions and their transitive callers.
    pub entry_points: Vec<EntryPoint>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeadFunction {
    pub node: NodeId,
    pub qualified_name: String,
    pub path: String,
    pub line: u32,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct LangStats {
    pub functions: usize,
    pub calls: usize,
    pub resolved: usize,
    pub unresolved: usize,
    pub external: usize,
    /// `new C()` of project classes without an explicit constructor.
    pub implicit: usize,
    /// resolved / (resolved + unresolved); external calls are not counted as failures.
    pub resolution_rate: f64,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Stats {
    pub files: usize,
    pub functions: usize,
    pub modules: usize,
    pub edges: usize,
    pub resolved_call_sites: usize,
    pub unresolved_calls: usize,
    pub external_calls: usize,
    pub implicit_constructor_calls: usize,
    pub entry_points: usize,
    pub by_strategy: BTreeMap<String, usize>,
    pub by_language: BTreeMap<String, LangStats>,
}

impl CallGraph {
    /// Finds a node by exact qualified name, by dotted suffix
    /// (`Class.method`) or by simple name.
    pub fn lookup(&self, query: &str) -> Lookup {
        let q = query.trim();
        if let Some(&id) = self.by_qname.get(q) {
            return Lookup::Found(id);
        }
        let simple = q.rsplit(['.', ':']).next().unwrap_or(q);
        let Some(cands) = self.by_name.get(simple) else {
            return Lookup::NotFound;
        };
        let suffix = format!(".{q}");
        let hits: Vec<NodeId> = if simple == q {
            cands.clone()
        } else {
            let q_dots = q.replace("::", ".");
            let suffix2 = format!(".{q_dots}");
            cands
                .iter()
                .copied()
                .filter(|&id| {
                    let n = &self.nodes[id as usize].qualified_name;
                    n.ends_with(&suffix) || n.ends_with(&suffix2)
                })
                .collect()
        };
        match hits.len() {
            0 => Lookup::NotFound,
            1 => Lookup::Found(hits[0]),
            _ => Lookup::Ambiguous(hits),
        }
    }

    fn bfs(&self, start: &[NodeId], depth: u32, forward: bool) -> Neighborhood {
        let n = self.nodes.len();
        let mut seen = vec![false; n];
        let mut q = VecDeque::new();
        for &s in start {
            if (s as usize) < n && !seen[s as usize] {
                seen[s as usize] = true;
                q.push_back((s, 0u32));
            }
        }
        let mut out = Neighborhood::default();
        while let Some((u, d)) = q.pop_front() {
            if d >= depth {
                continue;
            }
            let adj = if forward { &self.out_adj } else { &self.in_adj };
            for &ei in &adj[u as usize] {
                let e = &self.edges[ei as usize];
                let v = if forward { e.callee } else { e.caller };
                out.edges.push(e.clone());
                if !seen[v as usize] {
                    seen[v as usize] = true;
                    out.nodes.push((v, d + 1));
                    q.push_back((v, d + 1));
                }
            }
        }
        out
    }

    /// Functions calling `id`, transitively up to `depth` (1 = direct callers).
    pub fn callers(&self, id: NodeId, depth: u32) -> Neighborhood {
        self.bfs(&[id], depth, false)
    }

    /// Functions called by `id`, transitively up to `depth`.
    pub fn callees(&self, id: NodeId, depth: u32) -> Neighborhood {
        self.bfs(&[id], depth, true)
    }

    /// Transitive callers of the given functions, each with one shortest path,
    /// and the entry points affected.
    pub fn impact(&self, targets: &[NodeId]) -> Impact {
        let n = self.nodes.len();
        let mut next: Vec<Option<NodeId>> = vec![None; n];
        let mut depth = vec![u32::MAX; n];
        let mut q = VecDeque::new();
        let mut tgts: Vec<NodeId> = targets
            .iter()
            .copied()
            .filter(|&t| (t as usize) < n)
            .collect();
        tgts.sort_unstable();
        tgts.dedup();
        for &t in &tgts {
            depth[t as usize] = 0;
            q.push_back(t);
        }
        let mut order = Vec::new();
        while let Some(u) = q.pop_front() {
            for &ei in &self.in_adj[u as usize] {
                let c = self.edges[ei as usize].caller;
                if depth[c as usize] == u32::MAX {
                    depth[c as usize] = depth[u as usize] + 1;
                    next[c as usize] = Some(u);
                    order.push(c);
                    q.push_back(c);
                }
            }
        }
        let callers = order
            .iter()
            .map(|&c| {
                let mut path = vec![c];
                let mut cur = c;
                while let Some(nx) = next[cur as usize] {
                    path.push(nx);
                    cur = nx;
                }
                ImpactedCaller {
                    node: c,
                    depth: depth[c as usize],
                    path,
                }
            })
            .collect();
        let entry_points = self
            .entry_points
            .iter()
            .filter(|e| depth[e.node as usize] != u32::MAX)
            .cloned()
            .collect();
        Impact {
            targets: tgts,
            callers,
            entry_points,
        }
    }

    /// Impact of changing every function (and the module node) of a file.
    pub fn impact_of_file(&self, path: &str) -> Impact {
        let targets: Vec<NodeId> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.path == path)
            .map(|(i, _)| i as NodeId)
            .collect();
        self.impact(&targets)
    }

    /// Every node reachable from `id` (excluding `id` unless it is on a cycle).
    pub fn reachable_from(&self, id: NodeId) -> Vec<NodeId> {
        let mut v: Vec<NodeId> = self
            .bfs(&[id], u32::MAX, true)
            .nodes
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        v.sort_unstable();
        v
    }

    /// Shortest call path from `from` to `to` (inclusive), if any.
    pub fn shortest_path(&self, from: NodeId, to: NodeId) -> Option<Vec<NodeId>> {
        let n = self.nodes.len();
        if from as usize >= n || to as usize >= n {
            return None;
        }
        if from == to {
            return Some(vec![from]);
        }
        let mut prev: Vec<Option<NodeId>> = vec![None; n];
        let mut seen = vec![false; n];
        seen[from as usize] = true;
        let mut q = VecDeque::from([from]);
        while let Some(u) = q.pop_front() {
            for &ei in &self.out_adj[u as usize] {
                let v = self.edges[ei as usize].callee;
                if seen[v as usize] {
                    continue;
                }
                seen[v as usize] = true;
                prev[v as usize] = Some(u);
                if v == to {
                    let mut path = vec![to];
                    let mut cur = to;
                    while let Some(p) = prev[cur as usize] {
                        path.push(p);
                        cur = p;
                    }
                    path.reverse();
                    return Some(path);
                }
                q.push_back(v);
            }
        }
        None
    }

    /// Roots of the dead-code analysis: entry points and every module node
    /// (top-level code runs when a module is loaded).
    fn roots(&self) -> Vec<NodeId> {
        let mut r: Vec<NodeId> = self.entry_points.iter().map(|e| e.node).collect();
        r.extend(
            self.nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.kind == NodeKind::Module)
                .map(|(i, _)| i as NodeId),
        );
        r
    }

    /// Functions unreachable from any entry point, minus the documented
    /// false-positive exclusions: entry points themselves (tests, hooks,
    /// exported API, routes), methods that override a base method or
    /// implement an interface (dynamic dispatch), and functions referenced by
    /// name anywhere (callbacks, aliases, exports) — plus everything those
    /// excluded functions reach.
    pub fn dead_code(&self) -> Vec<DeadFunction> {
        let mut roots = self.roots();
        roots.extend(self.overrides.iter().copied());
        roots.extend(self.referenced.iter().copied());
        let n = self.nodes.len();
        let mut seen = vec![false; n];
        let mut q = VecDeque::new();
        for r in roots {
            if (r as usize) < n && !seen[r as usize] {
                seen[r as usize] = true;
                q.push_back(r);
            }
        }
        while let Some(u) = q.pop_front() {
            for &ei in &self.out_adj[u as usize] {
                let v = self.edges[ei as usize].callee as usize;
                if !seen[v] {
                    seen[v] = true;
                    q.push_back(v as NodeId);
                }
            }
        }
        self.nodes
            .iter()
            .enumerate()
            .filter(|(i, node)| !seen[*i] && node.kind != NodeKind::Module)
            .map(|(i, node)| DeadFunction {
                node: i as NodeId,
                qualified_name: node.qualified_name.clone(),
                path: node.path.clone(),
                line: node.line,
            })
            .collect()
    }

    /// Entry points with their reasons, grouped per node.
    pub fn entry_reasons(&self, id: NodeId) -> Vec<EntryReason> {
        self.entry_points
            .iter()
            .filter(|e| e.node == id)
            .map(|e| e.reason)
            .collect()
    }

    pub fn stats(&self) -> Stats {
        use std::collections::HashMap;
        let mut s = Stats {
            files: self.files.len(),
            edges: self.edges.len(),
            entry_points: self
                .entry_points
                .iter()
                .map(|e| e.node)
                .collect::<BTreeSet<_>>()
                .len(),
            ..Stats::default()
        };
        let mut by_lang: HashMap<drift_core::Lang, LangStats> = HashMap::new();
        let mut by_strategy: HashMap<Strategy, usize> = HashMap::new();
        for n in &self.nodes {
            let ls = by_lang.entry(n.lang).or_default();
            if n.kind == NodeKind::Module {
                s.modules += 1;
            } else {
                s.functions += 1;
                ls.functions += 1;
            }
        }
        for e in &self.edges {
            *by_strategy.entry(e.strategy).or_default() += 1;
        }
        for fr in self.files.values() {
            let Some(lang) = fr.lang else { continue };
            let ls = by_lang.entry(lang).or_default();
            ls.resolved += fr.calls_resolved as usize;
            ls.implicit += fr.calls_implicit as usize;
            s.resolved_call_sites += fr.calls_resolved as usize;
            s.implicit_constructor_calls += fr.calls_implicit as usize;
        }
        for u in &self.unresolved {
            let ls = by_lang
                .entry(self.nodes[u.caller as usize].lang)
                .or_default();
            if u.external.is_some() {
                s.external_calls += 1;
                ls.external += 1;
            } else {
                s.unresolved_calls += 1;
                ls.unresolved += 1;
            }
        }
        for st in Strategy::ALL {
            s.by_strategy.insert(
                st.id().to_string(),
                by_strategy.get(&st).copied().unwrap_or(0),
            );
        }
        for (lang, mut ls) in by_lang {
            ls.calls = ls.resolved + ls.unresolved + ls.external + ls.implicit;
            let denom = ls.resolved + ls.unresolved;
            ls.resolution_rate = if denom == 0 {
                0.0
            } else {
                ls.resolved as f64 / denom as f64
            };
            s.by_language.insert(lang.id().to_string(), ls);
        }
        s
    }

    /// `{ "<caller>": ["<callee>", …] }` for every function and module node
    /// (resolved edges only), sorted; identical bytes for identical graphs.
    pub fn export_json(&self) -> String {
        let mut map: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for n in &self.nodes {
            map.entry(n.qualified_name.as_str()).or_default();
        }
        for e in &self.edges {
            map.entry(self.nodes[e.caller as usize].qualified_name.as_str())
                .or_default()
                .insert(self.nodes[e.callee as usize].qualified_name.as_str());
        }
        serde_json::to_string_pretty(&map).unwrap_or_else(|_| "{}".to_string())
    }

    /// Resolved edges as `(caller, callee)` qualified-name pairs, sorted.
    pub fn edge_names(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .edges
            .iter()
            .map(|e| {
                (
                    self.nodes[e.caller as usize].qualified_name.clone(),
                    self.nodes[e.callee as usize].qualified_name.clone(),
                )
            })
            .collect();
        v.sort();
        v
    }
}
