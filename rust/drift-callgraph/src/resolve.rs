//! Call resolution: turns every file's extracted facts into nodes, edges,
//! unresolved/external calls and entry points, against a project-wide index
//! of symbols and modules. Pure: no I/O, no re-parsing.
//!
//! Every lookup into the index that can change when another file changes is
//! recorded as a dependency key of the file being resolved (see [`dep_keys_for`]):
//! incremental updates re-resolve exactly the files whose keys were touched.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use drift_core::naming;
use drift_core::{BindingValue, Call, FileFacts, Import, ImportKind, Lang, Symbol, SymbolKind};

use crate::graph::{EdgeRec, EntryReason, FileResult, NodeKind, NodeRec, Strategy, UnresolvedRec};

/// One input file: root-relative path (with `/`), language and facts.
pub type FileRef<'a> = (&'a str, Lang, &'a FileFacts);

const MAX_DEPTH: u32 = 12;

/// Language families share a name space for global lookups.
fn family(lang: Lang) -> u8 {
    match lang {
        Lang::TypeScript | Lang::Tsx | Lang::JavaScript => 0,
        Lang::Python => 1,
        Lang::Java => 2,
        Lang::Go => 3,
        Lang::Rust => 4,
        Lang::CSharp => 5,
        Lang::Php => 6,
        Lang::Ruby => 7,
        Lang::C | Lang::Cpp => 8,
    }
}

fn is_js(lang: Lang) -> bool {
    family(lang) == 0
}

fn is_class_like(kind: SymbolKind) -> bool {
    matches!(
        kind,
        SymbolKind::Class
            | SymbolKind::Struct
            | SymbolKind::Interface
            | SymbolKind::Trait
            | SymbolKind::Enum
            | SymbolKind::Impl
    )
}

/// Languages where namespace blocks (`namespace X { }`) are transparent for
/// top-level lookups and calls without a receiver may target the enclosing class.
fn namespaced(lang: Lang) -> bool {
    matches!(lang, Lang::Java | Lang::CSharp | Lang::Cpp | Lang::Php)
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Normalises `a/./b/../c` (no leading `/`); `None` when it climbs above the root.
fn normalize_path(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p => out.push(p),
        }
    }
    Some(out.join("/"))
}

fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}

/// Segment suffixes of a dotted module path: `a.b.c` → `a.b.c`, `b.c`, `c`.
fn dotted_suffixes(m: &str) -> Vec<&str> {
    let mut out = vec![m];
    let mut rest = m;
    while let Some((_, tail)) = rest.split_once('.') {
        out.push(tail);
        rest = tail;
    }
    out
}

/// The keys a file's presence/content can invalidate (see [`Resolver::dep`]).
pub(crate) fn dep_keys_for(path: &str, defined_names: &BTreeSet<String>) -> Vec<String> {
    let mut keys = vec![format!("p:{path}"), format!("d:{}", dir_of(path))];
    let module = naming::module_path(path);
    for s in dotted_suffixes(&module) {
        keys.push(format!("s:{s}"));
    }
    let mut d = dir_of(path);
    loop {
        keys.push(format!("ds:{d}"));
        match d.split_once('/') {
            Some((_, tail)) => d = tail,
            None => break,
        }
    }
    for n in defined_names {
        keys.push(format!("n:{n}"));
    }
    keys
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
struct SymRef {
    f: usize,
    s: u32,
}

/// What an expression denotes.
#[derive(Clone, Debug)]
enum Val {
    Funcs(Vec<SymRef>),
    /// A type used statically (`C.m()`, `C()`, `new C()`).
    Classes(Vec<SymRef>),
    /// A value of one of these types.
    Instance(Vec<SymRef>),
    /// Module(s) (a Go package is several files).
    Modules(Vec<usize>),
    External(String),
    /// A value of a declared type that is not a project class (`string[]`,
    /// `List<String>`): its methods are library methods, so no name matching.
    Opaque,
    Unknown,
}

/// Type annotations that say nothing about the value (dynamic).
fn is_dynamic_type(t: &str) -> bool {
    matches!(
        t.trim(),
        "any"
            | "unknown"
            | "object"
            | "Object"
            | "dynamic"
            | "var"
            | "interface{}"
            | "Any"
            | "T"
            | "_"
    )
}

struct FileCtx<'a> {
    path: &'a str,
    lang: Lang,
    facts: &'a FileFacts,
    module: String,
    dir: &'a str,
    by_qn: HashMap<&'a str, Vec<u32>>,
    /// Top-level symbols by simple name (namespace blocks are transparent in
    /// namespaced languages).
    top: HashMap<&'a str, Vec<u32>>,
    children: HashMap<u32, Vec<u32>>,
    imports: HashMap<&'a str, Vec<usize>>,
    /// (scope, name) → binding indices, in source order.
    bindings: HashMap<(Option<u32>, &'a str), Vec<usize>>,
    /// Field name (`self.`/`this.` stripped) → binding indices, in source order.
    fields: HashMap<&'a str, Vec<usize>>,
}

/// Project-wide lookup tables built from all files' facts.
pub(crate) struct Index<'a> {
    files: Vec<FileCtx<'a>>,
    by_path: HashMap<&'a str, usize>,
    by_dir: HashMap<&'a str, Vec<usize>>,
    by_suffix: HashMap<String, Vec<usize>>,
    /// Simple name → symbols (any nesting).
    by_name: HashMap<&'a str, Vec<SymRef>>,
    /// Method names declared in interfaces/traits (Go implicit interfaces).
    interface_methods: HashSet<&'a str>,
}

impl<'a> FileCtx<'a> {
    /// A file's own lookup tables.
    fn new(path: &'a str, lang: Lang, facts: &'a FileFacts) -> FileCtx<'a> {
        let mut fc = FileCtx {
            path,
            lang,
            facts,
            module: naming::module_path(path),
            dir: dir_of(path),
            by_qn: HashMap::default(),
            top: HashMap::default(),
            children: HashMap::default(),
            imports: HashMap::default(),
            bindings: HashMap::default(),
            fields: HashMap::default(),
        };
        for (bi, b) in facts.bindings.iter().enumerate() {
            fc.bindings
                .entry((b.scope, b.name.as_str()))
                .or_default()
                .push(bi);
            fc.fields.entry(field_name(&b.name)).or_default().push(bi);
        }
        for (si, s) in facts.symbols.iter().enumerate() {
            let si = si as u32;
            fc.by_qn
                .entry(s.qualified_name.as_str())
                .or_default()
                .push(si);
            if let Some(p) = s.parent {
                fc.children.entry(p).or_default().push(si);
            }
            let top = match s.parent {
                None => true,
                Some(_) if namespaced(lang) => {
                    let mut p = s.parent;
                    let mut ok = true;
                    let mut guard = 0;
                    while let Some(pi) = p {
                        guard += 1;
                        match facts.symbols.get(pi as usize) {
                            Some(ps) if ps.kind == SymbolKind::Module && guard < 64 => {
                                p = ps.parent
                            }
                            _ => {
                                ok = false;
                                break;
                            }
                        }
                    }
                    ok
                }
                Some(_) => false,
            };
            if top {
                fc.top.entry(s.name.as_str()).or_default().push(si);
            }
        }
        for (ii, imp) in facts.imports.iter().enumerate() {
            fc.imports.entry(imp.local.as_str()).or_default().push(ii);
        }
        fc
    }
}

impl<'a> Index<'a> {
    pub(crate) fn new(files: &[FileRef<'a>]) -> Index<'a> {
        let mut sorted: Vec<&FileRef<'a>> = files.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        sorted.dedup_by(|a, b| a.0 == b.0);
        // Each file's own tables on the current rayon pool; the
        // project-wide ones in order, as file ids are positions.
        let files: Vec<FileCtx<'a>> = sorted
            .par_iter()
            .map(|&&(path, lang, facts)| FileCtx::new(path, lang, facts))
            .collect();
        let mut ix = Index {
            files: Vec::with_capacity(files.len()),
            by_path: HashMap::default(),
            by_dir: HashMap::default(),
            by_suffix: HashMap::default(),
            by_name: HashMap::default(),
            interface_methods: HashSet::default(),
        };
        for (i, fc) in files.into_iter().enumerate() {
            let facts = fc.facts;
            for (si, s) in facts.symbols.iter().enumerate() {
                ix.by_name
                    .entry(s.name.as_str())
                    .or_default()
                    .push(SymRef { f: i, s: si as u32 });
                if s.kind.is_callable()
                    && let Some(p) = s.parent.and_then(|p| facts.symbols.get(p as usize))
                    && matches!(p.kind, SymbolKind::Interface | SymbolKind::Trait)
                {
                    ix.interface_methods.insert(s.name.as_str());
                }
            }
            for s in dotted_suffixes(&fc.module) {
                ix.by_suffix.entry(s.to_string()).or_default().push(i);
            }
            ix.by_path.insert(fc.path, i);
            ix.by_dir.entry(fc.dir).or_default().push(i);
            ix.files.push(fc);
        }
        ix
    }

    fn sym(&self, r: SymRef) -> Option<&'a Symbol> {
        self.files.get(r.f)?.facts.symbols.get(r.s as usize)
    }

    /// Resolves every file in parallel (current rayon pool), mapping each
    /// result through `each` as soon as it is ready.
    pub(crate) fn resolve_all<T: Send>(
        &self,
        each: impl Fn(&'a str, FileResult) -> T + Sync,
    ) -> Vec<T> {
        (0..self.files.len())
            .into_par_iter()
            .map(|f| each(self.files[f].path, self.resolve_at(f)))
            .collect()
    }

    /// Resolves the files at `paths` in parallel (current rayon pool),
    /// mapping each through `each`; `None` for a path not in the index.
    pub(crate) fn resolve_paths<T: Send>(
        &self,
        paths: BTreeSet<String>,
        each: impl Fn(String, Option<FileResult>) -> T + Sync,
    ) -> Vec<T> {
        paths
            .into_par_iter()
            .map(|path| {
                let result = self.by_path.get(path.as_str()).map(|&f| self.resolve_at(f));
                each(path, result)
            })
            .collect()
    }

    fn resolve_at(&self, f: usize) -> FileResult {
        let r = Resolver {
            ix: self,
            f,
            deps: RefCell::new(HashSet::default()),
            dep_key: RefCell::new(String::new()),
            member_qn: RefCell::new(String::new()),
            import_files: RefCell::new(HashMap::default()),
            imported: RefCell::new(BTreeSet::new()),
            bases: RefCell::new(HashMap::default()),
            members: RefCell::new(HashMap::default()),
            members_open: RefCell::new(Vec::new()),
            members_low: Cell::new(usize::MAX),
            members_cut: Cell::new(false),
        };
        r.run()
    }
}

/// A binding's field name: `self.x` / `this.x` → `x` (else the name itself).
fn field_name(binding: &str) -> &str {
    binding
        .strip_prefix("self.")
        .or_else(|| binding.strip_prefix("this."))
        .unwrap_or(binding)
}

/// `text.trim_start_matches(prefix)`, without setting up a substring
/// search.
fn strip_all_prefix<'t>(mut text: &'t str, prefix: &str) -> &'t str {
    while let Some(rest) = text.strip_prefix(prefix) {
        text = rest;
    }
    text
}

/// `text.trim_end_matches(suffix)`, likewise.
fn strip_all_suffix<'t>(mut text: &'t str, suffix: &str) -> &'t str {
    while let Some(rest) = text.strip_suffix(suffix) {
        text = rest;
    }
    text
}

/// Whether `qn` names a member of the class named `class_qn` (`C.m` or
/// deeper under `C`).
fn is_member_qn(qn: &str, class_qn: &str) -> bool {
    qn.strip_prefix(class_qn)
        .is_some_and(|rest| rest.starts_with('.'))
}

/// `naming::qualified_name(path, s.qualified_name)` with the module path precomputed.
fn node_qname(module: &str, s: &Symbol) -> String {
    let mut q = String::with_capacity(module.len() + 1 + s.qualified_name.len());
    q.push_str(module);
    if !s.qualified_name.is_empty() {
        q.push('.');
        q.push_str(&s.qualified_name);
    }
    q
}

const CTOR_NAMES: [&str; 2] = ["constructor", "__init__"];

const ROUTE_VERBS: [&str; 14] = [
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "route",
    "head",
    "options",
    "all",
    "api_route",
    "websocket",
    "use",
    "HandleFunc",
    "Handle",
];
const ROUTE_ANNOTATIONS: [&str; 12] = [
    "GetMapping",
    "PostMapping",
    "PutMapping",
    "DeleteMapping",
    "PatchMapping",
    "RequestMapping",
    "HttpGet",
    "HttpPost",
    "HttpPut",
    "HttpDelete",
    "HttpPatch",
    "Route",
];
const TEST_ANNOTATIONS: [&str; 10] = [
    "Test",
    "ParameterizedTest",
    "Fact",
    "Theory",
    "TestMethod",
    "TestCase",
    "test",
    "tokio::test",
    "rstest",
    "pytest.mark.parametrize",
];
const TEST_CALLS: [&str; 9] = [
    "describe",
    "it",
    "test",
    "beforeEach",
    "afterEach",
    "beforeAll",
    "afterAll",
    "before",
    "after",
];
const HOOKS: [&str; 30] = [
    "__init__",
    "__new__",
    "__call__",
    "__enter__",
    "__exit__",
    "__str__",
    "__repr__",
    "__eq__",
    "__hash__",
    "__len__",
    "__iter__",
    "__getitem__",
    "setUp",
    "tearDown",
    "setUpClass",
    "tearDownClass",
    "componentDidMount",
    "componentWillUnmount",
    "componentDidUpdate",
    "shouldComponentUpdate",
    "render",
    "ngOnInit",
    "ngOnDestroy",
    "ngOnChanges",
    "ngAfterViewInit",
    "constructor",
    "toString",
    "equals",
    "hashCode",
    "Dispose",
];
/// Go methods commonly called through standard-library interfaces.
const GO_IFACE_METHODS: [&str; 9] = [
    "String",
    "Error",
    "ServeHTTP",
    "Read",
    "Write",
    "Close",
    "Len",
    "Less",
    "Swap",
];

fn decorator_head(d: &str) -> &str {
    let d = d.trim().trim_start_matches('@');
    let end = d.find(['(', '[', ' ']).unwrap_or(d.len());
    &d[..end]
}

fn last_segment(s: &str) -> &str {
    let a = s.rsplit("::").next().unwrap_or(s);
    a.rsplit('.').next().unwrap_or(a)
}

/// Strips type decoration down to a (possibly qualified) type name.
fn clean_type(text: &str) -> String {
    let mut t = text.trim();
    loop {
        let before = t;
        for p in [
            "&mut ",
            "&",
            "*",
            "mut ",
            "dyn ",
            "impl ",
            "readonly ",
            "final ",
            "const ",
            "ref ",
        ] {
            if let Some(r) = t.strip_prefix(p) {
                t = r.trim_start();
            }
        }
        t = t.trim_end_matches(['?', '!', '*', '&']).trim();
        if let Some(r) = t.strip_suffix("[]") {
            t = r.trim();
        }
        // Python Optional[X] / typing wrappers that keep the inner type.
        for w in [
            "Optional[",
            "typing.Optional[",
            "Box<",
            "Rc<",
            "Arc<",
            "Option<",
            "Ptr<",
        ] {
            if let Some(r) = t.strip_prefix(w) {
                t = r
                    .strip_suffix(']')
                    .or_else(|| r.strip_suffix('>'))
                    .unwrap_or(r)
                    .trim();
            }
        }
        if t == before {
            break;
        }
    }
    // Union: first non-null member.
    if t.contains('|')
        && let Some(m) = t
            .split('|')
            .map(str::trim)
            .find(|m| !matches!(*m, "None" | "null" | "undefined"))
    {
        t = m;
    }
    let end = t.find(['<', '[', '(', ' ']).unwrap_or(t.len());
    t[..end].trim_matches(['"', '\'']).to_string()
}

struct Resolver<'i, 'a> {
    ix: &'i Index<'a>,
    f: usize,
    deps: RefCell<HashSet<String>>,
    /// Scratch buffer for dependency keys (most are recorded many times).
    dep_key: RefCell<String>,
    /// Scratch buffer for qualified member names ([`Resolver::by_member_qn`]).
    member_qn: RefCell<String>,
    /// The files each import names, by (file, import index): the same
    /// imports are looked up for every call through them. A pure function
    /// of the index (dependencies are recorded on the first lookup);
    /// Rust paths are not kept, as they depend on the depth.
    import_files: RefCell<HashMap<(usize, usize), ImportFiles>>,
    imported: RefCell<BTreeSet<usize>>,
    /// [`Resolver::bases_of`] results: a pure function of the index and
    /// its arguments (its dependencies are recorded on the first call),
    /// and whether the depth limit cut them short.
    bases: RefCell<HashMap<(SymRef, u32), (Bases, bool)>>,
    /// Module member lookups (see [`Resolver::module_member`]): finished
    /// results, and the lookups under way, innermost last.
    members: RefCell<HashMap<MemberKey, (Val, Strategy)>>,
    members_open: RefCell<Vec<MemberKey>>,
    /// The outermost open lookup that the one running met again (a
    /// cycle): results of lookups opened after it are not final.
    members_low: Cell<usize>,
    /// Whether the running lookup met a depth cut-off: not final either.
    members_cut: Cell<bool>,
}

type MemberKey = (Vec<usize>, String);

/// The files an import names, or the external module (`Err(Some)`), or
/// nothing known (`Err(None)`).
type ImportFiles = Result<Vec<usize>, Option<String>>;

/// Resolved base classes, and whether some base could not be resolved.
type Bases = (Vec<SymRef>, bool);

/// A resolution outcome for one call.
enum Outcome {
    Targets(Vec<SymRef>, Strategy),
    External(String),
    /// A class without an explicit constructor: nothing to link, nothing missing.
    Implicit,
    Unresolved,
}

impl<'i, 'a> Resolver<'i, 'a> {
    fn fc(&self, f: usize) -> &'i FileCtx<'a> {
        &self.ix.files[f]
    }

    /// Whether a lookup has gone too deep; such a cut-off makes every open
    /// module lookup's result provisional (see [`Resolver::module_member`]).
    fn too_deep(&self, depth: u32) -> bool {
        let deep = depth > MAX_DEPTH;
        if deep {
            self.members_cut.set(true);
        }
        deep
    }

    /// Records the lookup key `kind:value` (see `Deps`).
    fn dep(&self, kind: &str, value: &str) {
        let mut key = self.dep_key.borrow_mut();
        key.clear();
        key.push_str(kind);
        key.push(':');
        key.push_str(value);
        let mut deps = self.deps.borrow_mut();
        if !deps.contains(key.as_str()) {
            deps.insert(key.clone());
        }
    }

    /// Records that file `f`'s content was consulted.
    fn touch(&self, f: usize) {
        if f != self.f {
            self.dep("p", self.fc(f).path);
        }
    }

    fn file_at(&self, path: &str) -> Option<usize> {
        self.dep("p", path);
        self.ix.by_path.get(path).copied()
    }

    fn dir_files(&self, dir: &str) -> Vec<usize> {
        self.dep("d", dir);
        self.ix.by_dir.get(dir).cloned().unwrap_or_default()
    }

    fn suffix_files(&self, suffix: &str) -> Vec<usize> {
        self.dep("s", suffix);
        self.ix.by_suffix.get(suffix).cloned().unwrap_or_default()
    }

    fn global_name(&self, name: &str) -> Vec<SymRef> {
        self.dep("n", name);
        let fam = family(self.fc(self.f).lang);
        self.ix
            .by_name
            .get(name)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|r| family(self.fc(r.f).lang) == fam)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn sym(&self, r: SymRef) -> Option<&'a Symbol> {
        self.ix.sym(r)
    }

    fn scope_chain(&self, f: usize, scope: Option<u32>) -> Vec<u32> {
        let mut out = Vec::new();
        let mut cur = scope;
        let syms = &self.fc(f).facts.symbols;
        while let Some(i) = cur {
            if out.len() > 64 || out.contains(&i) {
                break;
            }
            out.push(i);
            cur = syms.get(i as usize).and_then(|s| s.parent);
        }
        out
    }

    /// Innermost enclosing class-like symbol (its group is looked up by qualified name).
    fn enclosing_class(&self, f: usize, scope: Option<u32>) -> Option<SymRef> {
        let syms = &self.fc(f).facts.symbols;
        for i in self.scope_chain(f, scope) {
            let s = syms.get(i as usize)?;
            if is_class_like(s.kind) {
                return Some(SymRef { f, s: i });
            }
        }
        // Go methods carry no container: `Type.method` names the type.
        let s = scope.and_then(|i| syms.get(i as usize))?;
        if s.kind.is_callable()
            && let Some((owner, _)) = s.qualified_name.rsplit_once('.')
        {
            return self
                .fc(f)
                .by_qn
                .get(owner)
                .and_then(|v| {
                    v.iter()
                        .find(|&&i| syms.get(i as usize).is_some_and(|x| is_class_like(x.kind)))
                })
                .map(|&i| SymRef { f, s: i });
        }
        None
    }

    fn callable_of(&self, f: usize, scope: Option<u32>) -> Option<u32> {
        let syms = &self.fc(f).facts.symbols;
        self.scope_chain(f, scope)
            .into_iter()
            .find(|&i| syms.get(i as usize).is_some_and(|s| s.kind.is_callable()))
    }

    // ------------------------------------------------------------------
    // Classes and members
    // ------------------------------------------------------------------

    /// All partial definitions of a class (same qualified name: Rust/Go impl
    /// blocks, Go methods in other files of the package).
    fn class_group(&self, c: SymRef) -> Vec<SymRef> {
        let Some(cs) = self.sym(c) else {
            return Vec::new();
        };
        self.touch(c.f);
        let fc = self.fc(c.f);
        let mut files = vec![c.f];
        if fc.lang == Lang::Go {
            files = self.dir_files(fc.dir);
        }
        let mut out = Vec::new();
        for f in files {
            self.touch(f);
            if let Some(v) = self.fc(f).by_qn.get(cs.qualified_name.as_str()) {
                for &i in v {
                    if self
                        .fc(f)
                        .facts
                        .symbols
                        .get(i as usize)
                        .is_some_and(|s| is_class_like(s.kind))
                    {
                        out.push(SymRef { f, s: i });
                    }
                }
            }
        }
        if out.is_empty() {
            out.push(c);
        }
        out
    }

    /// The symbols of file `f` qualified `class_qn.name`.
    fn by_member_qn(&self, f: usize, class_qn: &str, name: &str) -> &'i [u32] {
        let mut qn = self.member_qn.borrow_mut();
        qn.clear();
        qn.push_str(class_qn);
        qn.push('.');
        qn.push_str(name);
        self.fc(f).by_qn.get(qn.as_str()).map_or(&[], Vec::as_slice)
    }

    /// Callable members named `name` declared directly on the class group.
    fn own_members(&self, c: SymRef, name: &str) -> Vec<SymRef> {
        let Some(cs) = self.sym(c) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let fc = self.fc(c.f);
        let files = if fc.lang == Lang::Go {
            self.dir_files(fc.dir)
        } else {
            vec![c.f]
        };
        for f in files {
            self.touch(f);
            for &i in self.by_member_qn(f, &cs.qualified_name, name) {
                if self
                    .fc(f)
                    .facts
                    .symbols
                    .get(i as usize)
                    .is_some_and(|s| s.kind.is_callable())
                {
                    out.push(SymRef { f, s: i });
                }
            }
        }
        out
    }

    /// Base classes of a class group, resolved in their own files.
    fn bases_of(&self, c: SymRef, depth: u32) -> (Vec<SymRef>, bool) {
        if let Some((hit, cut)) = self.bases.borrow().get(&(c, depth)) {
            // A result cut short by depth still makes open module lookups provisional.
            if *cut {
                self.members_cut.set(true);
            }
            return hit.clone();
        }
        let outer_cut = self.members_cut.replace(false);
        let computed = self.compute_bases(c, depth);
        let cut = self.members_cut.get();
        self.members_cut.set(outer_cut || cut);
        self.bases
            .borrow_mut()
            .insert((c, depth), (computed.clone(), cut));
        computed
    }

    fn compute_bases(&self, c: SymRef, depth: u32) -> (Vec<SymRef>, bool) {
        let mut out = Vec::new();
        let mut unresolved = false;
        for g in self.class_group(c) {
            let Some(gs) = self.sym(g) else { continue };
            for b in &gs.bases {
                let cls = self.resolve_type(g.f, gs.parent, b, depth + 1);
                if cls.is_empty() {
                    unresolved = true;
                }
                out.extend(cls);
            }
        }
        out.sort();
        out.dedup();
        (out, unresolved)
    }

    /// Method lookup through the hierarchy; the flag says whether it was inherited.
    fn find_method(&self, classes: &[SymRef], name: &str, depth: u32) -> (Vec<SymRef>, bool) {
        let mut frontier: Vec<SymRef> = classes.to_vec();
        let mut seen: HashSet<SymRef> = HashSet::default();
        let mut level = 0;
        while !frontier.is_empty() && level < MAX_DEPTH {
            let mut found = Vec::new();
            for &c in &frontier {
                if seen.insert(c) {
                    found.extend(self.own_members(c, name));
                }
            }
            if !found.is_empty() {
                found.sort();
                found.dedup();
                // A concrete implementation wins over an interface declaration.
                let abstract_decl = |r: &SymRef| {
                    self.sym(*r)
                        .and_then(|s| s.parent)
                        .and_then(|p| self.fc(r.f).facts.symbols.get(p as usize))
                        .is_some_and(|p| {
                            matches!(p.kind, SymbolKind::Interface | SymbolKind::Trait)
                        })
                };
                if found.iter().any(|r| !abstract_decl(r)) {
                    found.retain(|r| !abstract_decl(r));
                }
                return (found, level > 0);
            }
            let mut next = Vec::new();
            for &c in &frontier {
                next.extend(self.bases_of(c, depth + level).0);
            }
            next.retain(|c| !seen.contains(c));
            frontier = next;
            level += 1;
        }
        (Vec::new(), false)
    }

    fn constructors(&self, classes: &[SymRef], depth: u32) -> Vec<SymRef> {
        for c in classes {
            let Some(cs) = self.sym(*c) else { continue };
            let mut names: Vec<&str> = CTOR_NAMES.to_vec();
            names.push(cs.name.as_str());
            for n in names {
                let (m, _) = self.find_method(&[*c], n, depth);
                let m: Vec<SymRef> = m
                    .into_iter()
                    .filter(|r| {
                        self.sym(*r).is_some_and(|s| {
                            s.kind == SymbolKind::Constructor
                                || CTOR_NAMES.contains(&s.name.as_str())
                                || s.name == cs.name
                        })
                    })
                    .collect();
                if !m.is_empty() {
                    return m;
                }
            }
        }
        Vec::new()
    }

    /// Type of a field `name` on a class group (bindings `self.x`/`this.x`/`x`
    /// in the class scope or any of its methods).
    fn field_type(&self, classes: &[SymRef], name: &str, depth: u32) -> Vec<SymRef> {
        let mut frontier = classes.to_vec();
        let mut seen = HashSet::default();
        let mut level = 0;
        while !frontier.is_empty() && level < 6 {
            for &c in &frontier {
                if !seen.insert(c) {
                    continue;
                }
                for g in self.class_group(c) {
                    let fc = self.fc(g.f);
                    let Some(gs) = self.sym(g) else { continue };
                    let class_qn = gs.qualified_name.as_str();
                    let same_field = fc.fields.get(name).map_or(&[][..], Vec::as_slice);
                    for b in same_field.iter().filter_map(|&i| fc.facts.bindings.get(i)) {
                        let field = field_name(&b.name);
                        let Some(scope) = b.scope else { continue };
                        let in_class = scope == g.s
                            || fc.facts.symbols.get(scope as usize).is_some_and(|s| {
                                is_member_qn(&s.qualified_name, class_qn) && s.kind.is_callable()
                            });
                        // Plain `x` bindings inside methods are locals, not fields.
                        if !in_class || (scope != g.s && field == b.name) {
                            continue;
                        }
                        let t = self.binding_type(g.f, Some(scope), &b.value, depth + 1);
                        if !t.is_empty() {
                            return t;
                        }
                    }
                    // Constructor parameter properties / typed params assigned to fields.
                }
            }
            let mut next = Vec::new();
            for &c in &frontier {
                next.extend(self.bases_of(c, depth + level).0);
            }
            frontier = next;
            level += 1;
        }
        Vec::new()
    }

    /// A declared type that is not a project class: a library type imported
    /// from an external module, an opaque type, or nothing (dynamic).
    fn declared_type_val(&self, f: usize, scope: Option<u32>, t: &str, depth: u32) -> Val {
        if is_dynamic_type(t) {
            return Val::Unknown;
        }
        let clean = clean_type(t);
        if !clean.is_empty()
            && !self.too_deep(depth)
            && let Val::External(m) = self.resolve_expr(f, scope, &clean, depth + 1).0
        {
            return Val::External(m);
        }
        Val::Opaque
    }

    /// Whether the class group declares a typed field `name` (whatever its type).
    fn field_declared(&self, classes: &[SymRef], name: &str) -> bool {
        classes.iter().any(|&c| {
            self.class_group(c).into_iter().any(|g| {
                let fc = self.fc(g.f);
                fc.facts.bindings.iter().any(|b| {
                    b.scope == Some(g.s)
                        && b.name
                            .strip_prefix("self.")
                            .or_else(|| b.name.strip_prefix("this."))
                            .unwrap_or(&b.name)
                            == name
                        && matches!(&b.value, BindingValue::Typed(t) if !is_dynamic_type(t))
                })
            })
        })
    }

    fn binding_type(
        &self,
        f: usize,
        scope: Option<u32>,
        v: &BindingValue,
        depth: u32,
    ) -> Vec<SymRef> {
        match self.binding_val(f, scope, v, depth) {
            Val::Instance(c) => c,
            _ => Vec::new(),
        }
    }

    fn binding_val(&self, f: usize, scope: Option<u32>, v: &BindingValue, depth: u32) -> Val {
        if self.too_deep(depth) {
            return Val::Unknown;
        }
        match v {
            BindingValue::Typed(t) | BindingValue::New(t) => {
                let c = self.resolve_type(f, scope, t, depth + 1);
                if c.is_empty() {
                    if let BindingValue::New(t) = v {
                        // `x = make()` misclassified as `New` when the callee looks like a type.
                        return self.call_result(f, scope, t, depth + 1);
                    }
                    self.declared_type_val(f, scope, t, depth + 1)
                } else {
                    Val::Instance(c)
                }
            }
            BindingValue::Call(c) => self.call_result(f, scope, c, depth + 1),
            BindingValue::Alias(a) => self.resolve_expr(f, scope, a, depth + 1).0,
        }
    }

    /// The value produced by calling `callee`: an instance of a class, or of a
    /// function's declared return type.
    fn call_result(&self, f: usize, scope: Option<u32>, callee: &str, depth: u32) -> Val {
        let callee = strip_all_prefix(callee, "new ");
        match self.resolve_expr(f, scope, callee, depth + 1).0 {
            Val::Classes(c) => Val::Instance(c),
            Val::Funcs(fs) => {
                for r in fs {
                    let Some(s) = self.sym(r) else { continue };
                    if let Some(rt) = &s.return_type {
                        let c = self.resolve_type(r.f, s.parent, rt, depth + 1);
                        if !c.is_empty() {
                            return Val::Instance(c);
                        }
                    }
                }
                Val::Unknown
            }
            Val::External(m) => Val::External(m),
            _ => Val::Unknown,
        }
    }

    fn resolve_type(&self, f: usize, scope: Option<u32>, text: &str, depth: u32) -> Vec<SymRef> {
        if self.too_deep(depth) {
            return Vec::new();
        }
        let t = clean_type(text);
        if t.is_empty() {
            return Vec::new();
        }
        match self.resolve_expr(f, scope, &t, depth + 1).0 {
            Val::Classes(c) => c,
            _ => Vec::new(),
        }
    }

    // ------------------------------------------------------------------
    // Modules and imports
    // ------------------------------------------------------------------

    /// [`Resolver::module_files`] of import `k` of file `from`, kept for
    /// the file's resolution (see `import_files`).
    fn import_files(&self, from: usize, k: usize, depth: u32) -> ImportFiles {
        let fc = self.fc(from);
        let Some(imp) = fc.facts.imports.get(k) else {
            return Err(None);
        };
        if fc.lang == Lang::Rust {
            return self.module_files(from, imp, depth);
        }
        if let Some(hit) = self.import_files.borrow().get(&(from, k)) {
            return hit.clone();
        }
        let out = self.module_files(from, imp, depth);
        self.import_files
            .borrow_mut()
            .insert((from, k), out.clone());
        out
    }

    fn module_files(&self, from: usize, imp: &Import, depth: u32) -> ImportFiles {
        let fc = self.fc(from);
        let src = imp.source.as_str();
        match fc.lang {
            l if is_js(l) => self.js_module(fc, src),
            Lang::Python => self.py_module(fc, src),
            Lang::Java | Lang::CSharp | Lang::Php => {
                let full = if imp.imported != "*" && !src.ends_with(&format!(".{}", imp.imported)) {
                    format!("{src}.{}", imp.imported)
                } else {
                    src.to_string()
                };
                let full = full.trim_end_matches(".*");
                let hit = self.suffix_files(full);
                if !hit.is_empty() {
                    return Ok(hit);
                }
                let hit = self.suffix_files(src.trim_end_matches(".*"));
                if !hit.is_empty() {
                    return Ok(hit);
                }
                // Package / namespace: files in directories ending with it.
                let dir = src.trim_end_matches(".*").replace('.', "/");
                let under = format!("/{dir}");
                let files: Vec<usize> = self
                    .ix
                    .by_dir
                    .iter()
                    .filter(|(d, _)| **d == dir || d.ends_with(&under))
                    .flat_map(|(_, v)| v.iter().copied())
                    .collect();
                self.dep("ds", &dir);
                if files.is_empty() {
                    Err(Some(src.to_string()))
                } else {
                    let mut files = files;
                    files.sort();
                    Ok(files)
                }
            }
            Lang::Go => {
                let mut rest = src;
                loop {
                    let files = self.dir_files(rest);
                    if !files.is_empty() {
                        return Ok(files);
                    }
                    match rest.split_once('/') {
                        Some((_, tail)) => rest = tail,
                        None => break,
                    }
                }
                Err(Some(src.to_string()))
            }
            Lang::Rust => {
                let mut segs: Vec<&str> = src.split("::").filter(|s| !s.is_empty()).collect();
                if imp.imported != "*"
                    && imp.imported != "self"
                    && segs.last() != Some(&imp.imported.as_str())
                {
                    segs.push(imp.imported.as_str());
                }
                match self.rust_path(from, &segs, depth + 1) {
                    (Val::Modules(m), _) => Ok(m),
                    (Val::External(e), _) => Err(Some(e)),
                    _ => Err(None),
                }
            }
            _ => {
                let stem = src.trim_matches(['"', '<', '>']);
                let cand = normalize_path(&join(fc.dir, stem));
                if let Some(c) = cand
                    && let Some(i) = self.file_at(&c)
                {
                    return Ok(vec![i]);
                }
                if let Some(i) = self.file_at(stem) {
                    return Ok(vec![i]);
                }
                Err(Some(src.to_string()))
            }
        }
    }

    fn probe(&self, bases: &[String], exts: &[&str]) -> Option<usize> {
        let mut path = String::new();
        for b in bases {
            for e in exts {
                path.clear();
                path.push_str(b);
                path.push_str(e);
                if let Some(i) = self.file_at(&path) {
                    return Some(i);
                }
            }
        }
        None
    }

    fn js_module(&self, fc: &FileCtx<'a>, spec: &str) -> Result<Vec<usize>, Option<String>> {
        let spec = spec.trim_matches(['"', '\'']);
        let (base, external) = if spec.starts_with('.') {
            (normalize_path(&join(fc.dir, spec)), None)
        } else if let Some(r) = spec.strip_prefix("@/").or_else(|| spec.strip_prefix("~/")) {
            (Some(format!("src/{r}")), None)
        } else if let Some(r) = spec.strip_prefix('/') {
            (Some(r.to_string()), None)
        } else {
            let pkg = if spec.starts_with('@') {
                spec.splitn(3, '/').take(2).collect::<Vec<_>>().join("/")
            } else {
                spec.split('/').next().unwrap_or(spec).to_string()
            };
            (Some(spec.to_string()), Some(pkg))
        };
        let Some(base) = base else {
            return Err(None);
        };
        let mut stems = vec![base.clone()];
        for ext in [".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx"] {
            if let Some(s) = base.strip_suffix(ext) {
                stems.push(s.to_string());
            }
        }
        const EXTS: [&str; 14] = [
            "",
            ".ts",
            ".tsx",
            ".d.ts",
            ".js",
            ".jsx",
            ".mjs",
            ".cjs",
            "/index.ts",
            "/index.tsx",
            "/index.js",
            "/index.jsx",
            "/index.mjs",
            "/index.cjs",
        ];
        match self.probe(&stems, &EXTS) {
            Some(i) => Ok(vec![i]),
            None => Err(external),
        }
    }

    fn py_module(&self, fc: &FileCtx<'a>, spec: &str) -> Result<Vec<usize>, Option<String>> {
        let dots = spec.chars().take_while(|&c| c == '.').count();
        let rest = &spec[dots..];
        let rel = rest.replace('.', "/");
        let mut bases = Vec::new();
        if dots > 0 {
            let mut dir = fc.dir.to_string();
            for _ in 1..dots {
                dir = dir_of(&dir).to_string();
            }
            if rel.is_empty() {
                return self
                    .probe(&[dir], &["/__init__.py", "/__init__.pyi"])
                    .map(|i| vec![i])
                    .ok_or(None);
            }
            bases.push(join(&dir, &rel));
        } else {
            bases.push(rel.clone());
            if !fc.dir.is_empty() {
                bases.push(join(fc.dir, &rel));
            }
            bases.push(format!("src/{rel}"));
        }
        if let Some(i) = self.probe(&bases, &[".py", "/__init__.py", ".pyi", "/__init__.pyi"]) {
            return Ok(vec![i]);
        }
        if dots == 0 {
            let hits: Vec<usize> = self
                .suffix_files(rest)
                .into_iter()
                .filter(|&i| self.fc(i).lang == Lang::Python)
                .collect();
            if hits.len() == 1 {
                return Ok(hits);
            }
            return Err(Some(rest.split('.').next().unwrap_or(rest).to_string()));
        }
        Err(None)
    }

    /// Rust module file for a module path (segments under the crate root).
    fn rust_module_file(&self, crate_src: &str, segs: &[&str]) -> Option<usize> {
        if segs.is_empty() {
            return self
                .probe(&[crate_src.to_string()], &["/lib.rs", "/main.rs"])
                .or_else(|| {
                    let d = if crate_src.is_empty() {
                        "lib.rs".to_string()
                    } else {
                        format!("{crate_src}/lib.rs")
                    };
                    self.file_at(&d)
                });
        }
        let p = join(crate_src, &segs.join("/"));
        self.probe(&[p], &[".rs", "/mod.rs"])
    }

    /// (crate src dir, module segments of file `f`).
    fn rust_location(&self, f: usize) -> (String, Vec<String>) {
        let path = self.fc(f).path;
        let parts: Vec<&str> = path.split('/').collect();
        let dirs = &parts[..parts.len().saturating_sub(1)];
        // Nearest ancestor directory named `src`; else the project root.
        let (root, mut segs): (String, Vec<String>) = match dirs.iter().rposition(|p| *p == "src") {
            Some(p) => (
                parts[..=p].join("/"),
                dirs[p + 1..].iter().map(|s| s.to_string()).collect(),
            ),
            None => (String::new(), dirs.iter().map(|s| s.to_string()).collect()),
        };
        let file = parts.last().copied().unwrap_or("");
        let stem = file.trim_end_matches(".rs");
        let crate_root = segs.is_empty() && matches!(stem, "lib" | "main");
        if stem != "mod" && !crate_root {
            segs.push(stem.to_string());
        }
        (root, segs)
    }

    /// Resolves a Rust path (`crate::a::b::C::new`, `super::x`, `self::y`, `m::f`).
    fn rust_path(&self, f: usize, segs: &[&str], depth: u32) -> (Val, Strategy) {
        if self.too_deep(depth) {
            return (Val::Unknown, Strategy::Import);
        }
        let Some(first) = segs.first() else {
            return (Val::Unknown, Strategy::Import);
        };
        let (root, here) = self.rust_location(f);
        let (mut module, rest): (Vec<String>, &[&str]) = match *first {
            "crate" => (Vec::new(), &segs[1..]),
            "self" => (here.clone(), &segs[1..]),
            "super" => {
                let mut m = here.clone();
                let mut i = 0;
                while segs.get(i) == Some(&"super") {
                    m.pop();
                    i += 1;
                }
                (m, &segs[i..])
            }
            _ => {
                // A child module of the current one (`mod x;`), else an external crate.
                let mut child = here.clone();
                child.push(first.to_string());
                let refs: Vec<&str> = child.iter().map(String::as_str).collect();
                if self.rust_module_file(&root, &refs).is_some() {
                    (here.clone(), segs)
                } else {
                    return (Val::External(first.to_string()), Strategy::Import);
                }
            }
        };
        let mut i = 0;
        let mut file = {
            let refs: Vec<&str> = module.iter().map(String::as_str).collect();
            self.rust_module_file(&root, &refs)
        };
        while i < rest.len() {
            let mut next = module.clone();
            next.push(rest[i].to_string());
            let refs: Vec<&str> = next.iter().map(String::as_str).collect();
            match self.rust_module_file(&root, &refs) {
                Some(fi) => {
                    module = next;
                    file = Some(fi);
                    i += 1;
                }
                None => break,
            }
        }
        let Some(file) = file else {
            return (Val::Unknown, Strategy::Import);
        };
        let mut val = Val::Modules(vec![file]);
        let mut strategy = Strategy::Import;
        for seg in &rest[i..] {
            let (v, s) = self.member(val, seg, None, depth + 1);
            if s == Strategy::Reexport {
                strategy = Strategy::Reexport;
            }
            val = v;
        }
        (val, strategy)
    }

    /// Resolves what import `k` of file `from` binds.
    fn resolve_import(&self, from: usize, k: usize, depth: u32) -> (Val, Strategy) {
        if self.too_deep(depth) {
            return (Val::Unknown, Strategy::Import);
        }
        let fc = self.fc(from);
        let Some(imp) = fc.facts.imports.get(k) else {
            return (Val::Unknown, Strategy::Import);
        };
        if fc.lang == Lang::Rust {
            let mut segs: Vec<&str> = imp.source.split("::").filter(|s| !s.is_empty()).collect();
            if imp.imported != "*"
                && imp.imported != "self"
                && segs.last() != Some(&imp.imported.as_str())
            {
                segs.push(imp.imported.as_str());
            }
            let r = self.rust_path(from, &segs, depth + 1);
            self.note_import(&r.0);
            return r;
        }
        let files = match self.import_files(from, k, depth + 1) {
            Ok(f) => f,
            Err(Some(ext)) => return (Val::External(ext), Strategy::Import),
            Err(None) => return (Val::Unknown, Strategy::Import),
        };
        let whole_module = matches!(imp.kind, ImportKind::Namespace | ImportKind::SideEffect)
            || imp.imported == "*";
        if whole_module {
            // Python `import a.b` binds `a.b`; `import a.b as c` binds module a.b.
            self.note_import(&Val::Modules(files.clone()));
            return (Val::Modules(files), Strategy::NamespaceImport);
        }
        if matches!(fc.lang, Lang::Java | Lang::CSharp)
            && files
                .iter()
                .all(|&i| self.fc(i).module.ends_with(&imp.imported))
        {
            // `import com.x.Foo;` — the file is the class's.
            let (v, s) = self.member(Val::Modules(files), &imp.imported, None, depth + 1);
            self.note_import(&v);
            return (
                v,
                if s == Strategy::Reexport {
                    s
                } else {
                    Strategy::Import
                },
            );
        }
        let (v, s) = self.member(Val::Modules(files.clone()), &imp.imported, None, depth + 1);
        let v = match v {
            Val::Unknown if imp.imported == "default" => self.default_export(&files, depth + 1),
            v => v,
        };
        self.note_import(&v);
        if matches!(v, Val::Unknown) {
            self.note_import(&Val::Modules(files));
        }
        (
            v,
            if s == Strategy::Reexport {
                s
            } else {
                Strategy::Import
            },
        )
    }

    fn note_import(&self, v: &Val) {
        let mut imported = self.imported.borrow_mut();
        match v {
            Val::Modules(m) => imported.extend(m.iter().copied()),
            Val::Funcs(r) | Val::Classes(r) | Val::Instance(r) => {
                imported.extend(r.iter().map(|r| r.f))
            }
            _ => {}
        }
    }

    fn default_export(&self, files: &[usize], depth: u32) -> Val {
        for &fi in files {
            self.touch(fi);
            let fc = self.fc(fi);
            if let Some(e) = fc.facts.exports.iter().find(|e| e.exported == "default") {
                let local = e.local.trim_end_matches("()");
                let v = self.resolve_name(fi, None, local, depth + 1).0;
                if !matches!(v, Val::Unknown) {
                    return v;
                }
            }
            if let Some(i) = fc
                .facts
                .symbols
                .iter()
                .position(|s| s.parent.is_none() && s.signature.starts_with("export default"))
            {
                return self.sym_val(vec![SymRef { f: fi, s: i as u32 }]);
            }
        }
        Val::Unknown
    }

    fn sym_val(&self, refs: Vec<SymRef>) -> Val {
        let callables: Vec<SymRef> = refs
            .iter()
            .copied()
            .filter(|r| self.sym(*r).is_some_and(|s| s.kind.is_callable()))
            .collect();
        if !callables.is_empty() {
            return Val::Funcs(callables);
        }
        let classes: Vec<SymRef> = refs
            .iter()
            .copied()
            .filter(|r| self.sym(*r).is_some_and(|s| is_class_like(s.kind)))
            .collect();
        if !classes.is_empty() {
            return Val::Classes(classes);
        }
        let modules: Vec<SymRef> = refs
            .into_iter()
            .filter(|r| self.sym(*r).is_some_and(|s| s.kind == SymbolKind::Module))
            .collect();
        if let Some(m) = modules.first() {
            // Inline module (`mod x { }`, namespace): members are looked up by qualified name.
            return Val::Classes(vec![*m]);
        }
        Val::Unknown
    }

    /// Member `name` of a value.
    fn member(&self, v: Val, name: &str, _scope: Option<u32>, depth: u32) -> (Val, Strategy) {
        if self.too_deep(depth) {
            return (Val::Unknown, Strategy::Import);
        }
        match v {
            Val::Modules(files) => self.module_member(files, name, depth),
            Val::Classes(classes) => {
                let (m, inherited) = self.find_method(&classes, name, depth + 1);
                if !m.is_empty() {
                    return (
                        Val::Funcs(m),
                        if inherited {
                            Strategy::Inherited
                        } else {
                            Strategy::Import
                        },
                    );
                }
                // Nested classes / inline module members.
                let mut out = Vec::new();
                for c in &classes {
                    let Some(cs) = self.sym(*c) else { continue };
                    let v = self.by_member_qn(c.f, &cs.qualified_name, name);
                    out.extend(v.iter().map(|&s| SymRef { f: c.f, s }));
                }
                if out.is_empty() {
                    // Static field of a known type.
                    let t = self.field_type(&classes, name, depth + 1);
                    if !t.is_empty() {
                        return (Val::Instance(t), Strategy::TypeInference);
                    }
                    return (Val::Unknown, Strategy::Import);
                }
                (self.sym_val(out), Strategy::Import)
            }
            Val::Instance(classes) => {
                let (m, inherited) = self.find_method(&classes, name, depth + 1);
                if !m.is_empty() {
                    return (
                        Val::Funcs(m),
                        if inherited {
                            Strategy::Inherited
                        } else {
                            Strategy::TypeInference
                        },
                    );
                }
                let t = self.field_type(&classes, name, depth + 1);
                if t.is_empty() {
                    let v = if self.field_declared(&classes, name) {
                        Val::Opaque
                    } else {
                        Val::Unknown
                    };
                    (v, Strategy::TypeInference)
                } else {
                    (Val::Instance(t), Strategy::TypeInference)
                }
            }
            Val::External(m) => (Val::External(m), Strategy::Import),
            Val::Opaque => (Val::Opaque, Strategy::TypeInference),
            Val::Funcs(_) | Val::Unknown => (Val::Unknown, Strategy::Import),
        }
    }

    /// Member `name` of module(s) `files`, memoised per resolver.
    ///
    /// Glob imports make lookups recursive and cyclic (`pub use a::*` in a
    /// module whose child has `use super::*`). A lookup that reaches one
    /// already open yields `Unknown` for that branch, so each module is
    /// searched once per name; without this a failing lookup walked every
    /// cycle to `MAX_DEPTH` (minutes on crates like rmcp). Results that
    /// depended on such a cut or on a depth cut-off are not cached.
    fn module_member(&self, files: Vec<usize>, name: &str, depth: u32) -> (Val, Strategy) {
        let key = (files, name.to_string());
        if let Some(hit) = self.members.borrow().get(&key) {
            return hit.clone();
        }
        let open = self.members_open.borrow().iter().position(|k| *k == key);
        if let Some(at) = open {
            self.members_low.set(self.members_low.get().min(at));
            return (Val::Unknown, Strategy::Import);
        }
        let files = key.0.clone();
        let at = {
            let mut open = self.members_open.borrow_mut();
            open.push(key);
            open.len() - 1
        };
        let outer_low = self.members_low.replace(usize::MAX);
        let outer_cut = self.members_cut.replace(false);
        let out = self.module_member_uncached(&files, name, depth);
        let key = self.members_open.borrow_mut().pop();
        let (low, cut) = (self.members_low.get(), self.members_cut.get());
        if low >= at
            && !cut
            && let Some(key) = key
        {
            self.members.borrow_mut().insert(key, out.clone());
        }
        self.members_low.set(outer_low.min(low));
        self.members_cut.set(outer_cut || cut);
        out
    }

    fn module_member_uncached(&self, files: &[usize], name: &str, depth: u32) -> (Val, Strategy) {
        // Direct definitions first.
        let mut direct = Vec::new();
        for &fi in files {
            self.touch(fi);
            if let Some(v) = self.fc(fi).top.get(name) {
                direct.extend(v.iter().map(|&s| SymRef { f: fi, s }));
            }
        }
        if !direct.is_empty() {
            let v = self.sym_val(direct);
            if !matches!(v, Val::Unknown) {
                return (v, Strategy::Import);
            }
        }
        // Static members of the module's top-level classes (Java `import static`).
        if files.iter().any(|&fi| namespaced(self.fc(fi).lang)) {
            let mut members = Vec::new();
            for &fi in files {
                let fc = self.fc(fi);
                for syms in fc.top.values() {
                    for &si in syms {
                        if fc
                            .facts
                            .symbols
                            .get(si as usize)
                            .is_some_and(|x| is_class_like(x.kind))
                        {
                            members.extend(self.own_members(SymRef { f: fi, s: si }, name));
                        }
                    }
                }
            }
            if !members.is_empty() {
                members.sort();
                members.dedup();
                return (Val::Funcs(members), Strategy::Import);
            }
        }
        for &fi in files {
            let fc = self.fc(fi);
            // `export { a as b }` / `export default x`.
            for e in fc.facts.exports.iter().filter(|e| e.exported == name) {
                if e.local != name || fc.imports.contains_key(e.local.as_str()) {
                    let v = self.resolve_name(fi, None, &e.local, depth + 1).0;
                    if !matches!(v, Val::Unknown) {
                        return (v, Strategy::Reexport);
                    }
                }
            }
            // Names the module itself imports (re-exports, `__init__.py`, `pub use`).
            if let Some(ii) = fc.imports.get(name) {
                for &i in ii {
                    let v = self.resolve_import(fi, i, depth + 1).0;
                    if !matches!(v, Val::Unknown | Val::External(_)) {
                        return (v, Strategy::Reexport);
                    }
                }
            }
            // `export * from "./x"` / `from .x import *` / `pub use x::*`.
            for (k, _) in fc
                .facts
                .imports
                .iter()
                .enumerate()
                .filter(|(_, i)| i.imported == "*" && (i.reexport || i.local == "*"))
            {
                if let Ok(sub) = self.import_files(fi, k, depth + 1) {
                    if sub.contains(&fi) {
                        continue;
                    }
                    let v = self.member(Val::Modules(sub), name, None, depth + 1).0;
                    if !matches!(v, Val::Unknown) {
                        return (v, Strategy::Reexport);
                    }
                }
            }
        }
        // Submodule (`pkg.sub`, Rust child module).
        for &fi in files {
            let fc = self.fc(fi);
            let sub = match fc.lang {
                Lang::Python => {
                    let base = if fc.path.ends_with("__init__.py") {
                        fc.dir.to_string()
                    } else {
                        fc.path.trim_end_matches(".py").to_string()
                    };
                    self.probe(&[join(&base, name)], &[".py", "/__init__.py"])
                }
                Lang::Rust => {
                    let (root, mut segs) = self.rust_location(fi);
                    segs.push(name.to_string());
                    let refs: Vec<&str> = segs.iter().map(String::as_str).collect();
                    self.rust_module_file(&root, &refs)
                }
                _ => None,
            };
            if let Some(s) = sub {
                return (Val::Modules(vec![s]), Strategy::NamespaceImport);
            }
        }
        (Val::Unknown, Strategy::Import)
    }

    // ------------------------------------------------------------------
    // Names and expressions
    // ------------------------------------------------------------------

    /// Resolves a bare name as seen from `scope` in file `f`.
    fn resolve_name(
        &self,
        f: usize,
        scope: Option<u32>,
        name: &str,
        depth: u32,
    ) -> (Val, Strategy) {
        if self.too_deep(depth) {
            return (Val::Unknown, Strategy::Local);
        }
        self.touch(f);
        let fc = self.fc(f);
        let syms = &fc.facts.symbols;
        let chain = self.scope_chain(f, scope);
        for &s in &chain {
            let Some(sym) = syms.get(s as usize) else {
                continue;
            };
            // Bindings in this scope (last one wins).
            if let Some(b) = fc
                .bindings
                .get(&(Some(s), name))
                .and_then(|v| v.last())
                .and_then(|&i| fc.facts.bindings.get(i))
            {
                let v = self.binding_val(f, Some(s), &b.value, depth + 1);
                let strat = if matches!(b.value, BindingValue::Alias(_)) {
                    Strategy::Alias
                } else {
                    Strategy::TypeInference
                };
                return (v, strat);
            }
            if sym.kind.is_callable()
                && let Some(p) = sym
                    .params
                    .iter()
                    .find(|p| p.name.trim_start_matches(['*', '&']) == name)
            {
                let t = p
                    .type_text
                    .as_deref()
                    .map(|t| self.resolve_type(f, sym.parent, t, depth + 1))
                    .unwrap_or_default();
                return if t.is_empty() {
                    let v = p.type_text.as_deref().map_or(Val::Unknown, |t| {
                        self.declared_type_val(f, sym.parent, t, depth + 1)
                    });
                    (v, Strategy::TypeInference)
                } else {
                    (Val::Instance(t), Strategy::TypeInference)
                };
            }
            if is_class_like(sym.kind) {
                if namespaced(fc.lang) {
                    let (m, inherited) = self.find_method(&[SymRef { f, s }], name, depth + 1);
                    if !m.is_empty() {
                        return (
                            Val::Funcs(m),
                            if inherited {
                                Strategy::Inherited
                            } else {
                                Strategy::MethodSelf
                            },
                        );
                    }
                    // Implicit `this` field (`repo.save()` with `this.repo` a field).
                    let t = self.field_type(&[SymRef { f, s }], name, depth + 1);
                    if !t.is_empty() {
                        return (Val::Instance(t), Strategy::TypeInference);
                    }
                }
                // Class members are not in scope by bare name otherwise.
                continue;
            }
            if let Some(kids) = fc.children.get(&s) {
                let hits: Vec<SymRef> = kids
                    .iter()
                    .filter(|&&k| syms.get(k as usize).is_some_and(|x| x.name == name))
                    .map(|&k| SymRef { f, s: k })
                    .collect();
                if !hits.is_empty() {
                    let v = self.sym_val(hits);
                    if !matches!(v, Val::Unknown) {
                        return (v, Strategy::Local);
                    }
                }
            }
        }
        // Go receivers: `func (s *Server) Run()` — `s` is typed by the receiver.
        if fc.lang == Lang::Go
            && let Some(&c) = chain.first()
            && let Some(sym) = syms.get(c as usize)
            && let Some(rest) = sym.signature.strip_prefix("func (")
            && let Some((recv, _)) = rest.split_once(')')
            && let Some((rname, rtype)) = recv.trim().split_once(' ')
            && rname == name
        {
            let t = self.resolve_type(f, None, rtype, depth + 1);
            if !t.is_empty() {
                return (Val::Instance(t), Strategy::MethodSelf);
            }
        }
        // Module-level bindings.
        if let Some(b) = fc
            .bindings
            .get(&(None, name))
            .and_then(|v| v.last())
            .and_then(|&i| fc.facts.bindings.get(i))
        {
            let v = self.binding_val(f, None, &b.value, depth + 1);
            if !matches!(v, Val::Unknown) {
                let strat = if matches!(b.value, BindingValue::Alias(_)) {
                    Strategy::Alias
                } else {
                    Strategy::TypeInference
                };
                return (v, strat);
            }
        }
        // Same module.
        if let Some(v) = fc.top.get(name) {
            let v = self.sym_val(v.iter().map(|&s| SymRef { f, s }).collect());
            if !matches!(v, Val::Unknown) {
                return (v, Strategy::SameModule);
            }
        }
        // Imports.
        if let Some(ii) = fc.imports.get(name) {
            for &i in ii {
                let imp = &fc.facts.imports[i];
                if imp.type_only && depth == 0 {
                    continue;
                }
                let (v, s) = self.resolve_import(f, i, depth + 1);
                if !matches!(v, Val::Unknown) {
                    return (v, s);
                }
            }
        }
        // Go / Java: the rest of the package (same directory).
        if matches!(fc.lang, Lang::Go | Lang::Java) {
            let mut hits = Vec::new();
            for fi in self.dir_files(fc.dir) {
                if fi == f || self.fc(fi).lang != fc.lang {
                    continue;
                }
                if let Some(v) = self.fc(fi).top.get(name) {
                    self.touch(fi);
                    hits.extend(v.iter().map(|&s| SymRef { f: fi, s }));
                }
            }
            if !hits.is_empty() {
                let v = self.sym_val(hits);
                if !matches!(v, Val::Unknown) {
                    return (v, Strategy::SameModule);
                }
            }
        }
        // Rust `Self`.
        if name == "Self"
            && let Some(c) = self.enclosing_class(f, scope)
        {
            return (Val::Classes(vec![c]), Strategy::MethodSelf);
        }
        // Java / C#: classes of the project by simple name (packages, `using`).
        if matches!(fc.lang, Lang::Java | Lang::CSharp | Lang::Cpp | Lang::Php)
            && name.chars().next().is_some_and(char::is_uppercase)
        {
            let hits: Vec<SymRef> = self
                .global_name(name)
                .into_iter()
                .filter(|r| {
                    self.sym(*r).is_some_and(|s| is_class_like(s.kind))
                        && self.fc(r.f).top.contains_key(name)
                })
                .collect();
            if hits.len() == 1 {
                self.touch(hits[0].f);
                self.imported.borrow_mut().insert(hits[0].f);
                return (Val::Classes(hits), Strategy::Import);
            }
        }
        // Namespace imports with dotted locals (`import a.b`).
        (Val::Unknown, Strategy::Local)
    }

    /// Resolves an expression text (`a.b.c`, `this.x`, `a::b::C`, `super()`).
    fn resolve_expr(
        &self,
        f: usize,
        scope: Option<u32>,
        text: &str,
        depth: u32,
    ) -> (Val, Strategy) {
        if self.too_deep(depth) {
            return (Val::Unknown, Strategy::Local);
        }
        let fc = self.fc(f);
        let text = strip_all_prefix(text.trim(), "new ");
        // `a?.b` / `a!.b` → `a.b` (most texts have neither).
        let text: Cow<'_, str> = if text.contains(['?', '!']) {
            Cow::Owned(text.replace("?.", ".").replace("!.", "."))
        } else {
            Cow::Borrowed(text)
        };
        let text = &*text;
        if text.is_empty() {
            return (Val::Unknown, Strategy::Local);
        }
        let rust_like = text.contains("::");
        let segs: Vec<&str> = if rust_like {
            text.split("::").filter(|s| !s.is_empty()).collect()
        } else {
            text.split('.').collect()
        };
        if segs.is_empty() || segs.iter().any(|s| s.is_empty()) {
            return (Val::Unknown, Strategy::Local);
        }
        if fc.lang == Lang::Rust
            && rust_like
            && matches!(segs.first(), Some(&("crate" | "super" | "self")))
        {
            return self.rust_path(f, &segs, depth + 1);
        }
        // Longest dotted prefix bound by an import (`import a.b` → local `a.b`).
        let mut start = 1;
        let mut head: Option<(Val, Strategy)> = None;
        if !rust_like && segs.len() > 1 {
            for i in (2..=segs.len()).rev() {
                // `segs[..i].join(".")`, as the segments are `text`'s.
                let prefix = &text[..segs[..i].iter().map(|s| s.len() + 1).sum::<usize>() - 1];
                if let Some(ii) = fc.imports.get(prefix) {
                    for &k in ii {
                        let (v, s) = self.resolve_import(f, k, depth + 1);
                        if !matches!(v, Val::Unknown) {
                            head = Some((v, s));
                            start = i;
                            break;
                        }
                    }
                }
                if head.is_some() {
                    break;
                }
            }
        }
        let (mut val, mut strat) = match head {
            Some(h) => h,
            None => {
                let first = segs[0];
                match first {
                    "this" | "self" | "Self" | "me" => match self.enclosing_class(f, scope) {
                        Some(c) if first == "Self" => (Val::Classes(vec![c]), Strategy::MethodSelf),
                        Some(c) => {
                            // Python `self` is a parameter: skip it in the binding lookup.
                            (Val::Instance(vec![c]), Strategy::MethodSelf)
                        }
                        None => self.resolve_name(f, scope, first, depth + 1),
                    },
                    "super" | "super()" | "base" => match self.enclosing_class(f, scope) {
                        Some(c) => {
                            let (b, _) = self.bases_of(c, depth + 1);
                            if b.is_empty() {
                                (Val::External("super".to_string()), Strategy::Inherited)
                            } else {
                                (Val::Instance(b), Strategy::Inherited)
                            }
                        }
                        None => (Val::Unknown, Strategy::Inherited),
                    },
                    _ if first.ends_with(')') => {
                        // `make().run` / `C().run`: the call's result.
                        let inner = first.trim_end_matches(|c| c != '(').trim_end_matches('(');
                        let v = self.call_result(f, scope, inner, depth + 1);
                        (v, Strategy::TypeInference)
                    }
                    _ if fc.lang == Lang::Rust && rust_like && segs.len() > 1 => {
                        let head = self.resolve_name(f, scope, first, depth + 1);
                        let module_decl = match &head.0 {
                            Val::Unknown => true,
                            Val::Classes(c) => c.iter().all(|r| {
                                self.sym(*r).is_some_and(|s| s.kind == SymbolKind::Module)
                                    && self.fc(r.f).children.get(&r.s).is_none_or(Vec::is_empty)
                            }),
                            _ => false,
                        };
                        if module_decl {
                            // `mod x;` declarations and crate paths live in other files.
                            return self.rust_path(f, &segs, depth + 1);
                        }
                        head
                    }
                    _ => self.resolve_name(f, scope, first, depth + 1),
                }
            }
        };
        let via_self = matches!(strat, Strategy::MethodSelf) && matches!(val, Val::Instance(_));
        for (k, seg) in segs[start..].iter().enumerate() {
            let seg = strip_all_suffix(seg, "()");
            let was_modules = matches!(val, Val::Modules(_));
            let was_instance = matches!(val, Val::Instance(_));
            let (v, s) = self.member(val, seg, scope, depth + 1);
            strat = match s {
                Strategy::Inherited => Strategy::Inherited,
                Strategy::Reexport => Strategy::Reexport,
                _ if was_modules => Strategy::NamespaceImport,
                _ if was_instance && via_self && k == 0 => Strategy::MethodSelf,
                _ if was_instance => Strategy::TypeInference,
                _ => strat,
            };
            val = v;
        }
        (val, strat)
    }

    // ------------------------------------------------------------------
    // Calls
    // ------------------------------------------------------------------

    fn resolve_call(&self, call: &Call) -> Outcome {
        let f = self.f;
        let callee = strip_all_prefix(&call.callee, "new ");
        let (val, strat) = self.resolve_expr(f, call.enclosing, callee, 0);
        match val {
            Val::Funcs(t) => Outcome::Targets(t, strat),
            Val::Classes(c) => {
                let ctors = self.constructors(&c, 0);
                if ctors.is_empty() {
                    Outcome::Implicit
                } else {
                    Outcome::Targets(ctors, Strategy::Constructor)
                }
            }
            Val::Modules(m) => match self.default_export(&m, 1) {
                Val::Funcs(t) => Outcome::Targets(t, strat),
                _ => Outcome::Unresolved,
            },
            Val::External(m) => Outcome::External(m),
            Val::Opaque => Outcome::Unresolved,
            Val::Instance(_) | Val::Unknown => {
                if call.is_constructor {
                    return Outcome::Unresolved;
                }
                self.name_match(call)
            }
        }
    }

    /// Last resort: the only callable with this name in the project (same
    /// language family; methods for receiver calls, functions otherwise).
    fn name_match(&self, call: &Call) -> Outcome {
        let name = call.name.as_str();
        if name.is_empty() || call.receiver.as_deref().is_some_and(|r| r.contains('(')) {
            return Outcome::Unresolved;
        }
        // Receivers bound to something known-but-opaque (a local variable
        // without type) may still be project objects; bare names must not be shadowed builtins.
        let want_method = call.receiver.is_some();
        let cands: Vec<SymRef> = self
            .global_name(name)
            .into_iter()
            .filter(|r| {
                self.sym(*r).is_some_and(|s| {
                    s.kind.is_callable()
                        && (want_method
                            == s.parent
                                .and_then(|p| self.fc(r.f).facts.symbols.get(p as usize))
                                .is_some_and(|p| is_class_like(p.kind)))
                })
            })
            .collect();
        if cands.len() == 1 {
            self.touch(cands[0].f);
            Outcome::Targets(cands, Strategy::NameMatchUnique)
        } else {
            Outcome::Unresolved
        }
    }

    /// Resolves a name passed as an argument or bound as an alias to callables.
    fn resolve_ref(&self, scope: Option<u32>, text: &str) -> Vec<SymRef> {
        match self.resolve_expr(self.f, scope, text, 0).0 {
            Val::Funcs(t) => t,
            _ => Vec::new(),
        }
    }

    fn caller_qname(&self, scope: Option<u32>) -> String {
        let fc = self.fc(self.f);
        match self
            .callable_of(self.f, scope)
            .and_then(|i| fc.facts.symbols.get(i as usize))
        {
            Some(s) => node_qname(&fc.module, s),
            None => fc.module.clone(),
        }
    }

    fn target_qname(&self, r: SymRef) -> Option<String> {
        let s = self.sym(r)?;
        Some(node_qname(&self.fc(r.f).module, s))
    }

    fn run(&self) -> FileResult {
        let f = self.f;
        let fc = self.fc(f);
        let facts = fc.facts;
        let mut res = FileResult {
            lang: Some(fc.lang),
            defines: crate::name_fingerprints(fc.lang, &facts.symbols),
            ..FileResult::default()
        };
        self.dep("p", fc.path);

        // Nodes.
        let mod_name = fc
            .module
            .rsplit('.')
            .next()
            .unwrap_or(&fc.module)
            .to_string();
        res.nodes.push(NodeRec {
            qname: fc.module.clone(),
            name: mod_name,
            kind: NodeKind::Module,
            line: 1,
            end_line: facts.line_count.max(1),
            exported: false,
        });
        for s in &facts.symbols {
            if !s.kind.is_callable() {
                continue;
            }
            let kind = match s.kind {
                SymbolKind::Constructor => NodeKind::Constructor,
                SymbolKind::Method if CTOR_NAMES.contains(&s.name.as_str()) => {
                    NodeKind::Constructor
                }
                SymbolKind::Method => NodeKind::Method,
                _ => NodeKind::Function,
            };
            res.nodes.push(NodeRec {
                qname: node_qname(&fc.module, s),
                name: s.name.clone(),
                kind,
                line: s.span.start_line,
                end_line: s.span.end_line,
                exported: s.exported,
            });
        }

        let mut edges: BTreeMap<(String, String), EdgeRec> = BTreeMap::new();
        let mut add_edge = |caller: &str, callee: String, strategy: Strategy, line: u32| {
            edges
                .entry((caller.to_string(), callee.clone()))
                .and_modify(|e| {
                    e.sites += 1;
                    if strategy.confidence() > e.confidence {
                        e.confidence = strategy.confidence();
                        e.strategy = strategy;
                    }
                    e.line = e.line.min(line);
                })
                .or_insert(EdgeRec {
                    caller: caller.to_string(),
                    callee,
                    strategy,
                    confidence: strategy.confidence(),
                    line,
                    sites: 1,
                });
        };
        let mut entries: BTreeSet<(String, EntryReason)> = BTreeSet::new();
        let mut referenced: BTreeSet<String> = BTreeSet::new();
        let mut external_files: BTreeSet<usize> = BTreeSet::new();

        // Calls.
        for call in &facts.calls {
            let caller = self.caller_qname(call.enclosing);
            let line = call.span.start_line;
            match self.resolve_call(call) {
                Outcome::Targets(ts, strat) => {
                    res.calls_resolved += 1;
                    for t in ts {
                        if t.f != f {
                            external_files.insert(t.f);
                        }
                        if let Some(q) = self.target_qname(t) {
                            add_edge(&caller, q, strat, line);
                        }
                    }
                }
                Outcome::External(m) => res.unresolved.push(UnresolvedRec {
                    caller: caller.clone(),
                    callee: call.callee.clone(),
                    line,
                    external: Some(m),
                }),
                Outcome::Implicit => res.calls_implicit += 1,
                Outcome::Unresolved => res.unresolved.push(UnresolvedRec {
                    caller: caller.clone(),
                    callee: call.callee.clone(),
                    line,
                    external: None,
                }),
            }
            // Callbacks passed by name.
            let is_route_call = call
                .receiver
                .as_deref()
                .is_some_and(|r| r != "this" && r != "self")
                && ROUTE_VERBS.contains(&call.name.as_str());
            let is_test_call = call.receiver.is_none() && TEST_CALLS.contains(&call.name.as_str());
            for a in &call.arg_names {
                for t in self.resolve_ref(call.enclosing, a) {
                    if let Some(q) = self.target_qname(t) {
                        if t.f != f {
                            external_files.insert(t.f);
                        }
                        referenced.insert(q.clone());
                        if is_route_call {
                            entries.insert((q.clone(), EntryReason::RouteHandler));
                        }
                        if is_test_call {
                            entries.insert((q.clone(), EntryReason::Test));
                        }
                        add_edge(&caller, q, Strategy::Callback, line);
                    }
                }
            }
        }

        // Aliases (`f = g`, `const h = obj.method`) reference their target.
        for b in &facts.bindings {
            if let BindingValue::Alias(a) = &b.value {
                for t in self.resolve_ref(b.scope, a) {
                    if let Some(q) = self.target_qname(t) {
                        referenced.insert(q);
                    }
                }
            }
        }
        for e in &facts.exports {
            for t in self.resolve_ref(None, e.local.trim_end_matches("()")) {
                if let Some(q) = self.target_qname(t) {
                    referenced.insert(q.clone());
                    res.exported.push(q);
                }
            }
        }

        // Per-symbol: decorators, entry points, overrides.
        let is_test_file = {
            let p = fc.path;
            let file = p.rsplit('/').next().unwrap_or(p);
            file.starts_with("test_")
                || file.ends_with("_test.go")
                || file.ends_with("_test.py")
                || file.contains(".test.")
                || file.contains(".spec.")
                || p.split('/')
                    .any(|d| matches!(d, "tests" | "test" | "__tests__"))
        };
        if facts.has_main_guard {
            entries.insert((fc.module.clone(), EntryReason::MainGuard));
        }
        for (si, s) in facts.symbols.iter().enumerate() {
            if !s.kind.is_callable() {
                continue;
            }
            let q = node_qname(&fc.module, s);
            let parent = s.parent.and_then(|p| facts.symbols.get(p as usize));
            let in_class = parent.is_some_and(|p| is_class_like(p.kind))
                || (fc.lang == Lang::Go && s.kind == SymbolKind::Method);
            for d in &s.decorators {
                let head = decorator_head(d);
                let last = last_segment(head);
                for t in self.resolve_ref(s.parent, head) {
                    if let Some(tq) = self.target_qname(t) {
                        if t.f != f {
                            external_files.insert(t.f);
                        }
                        add_edge(&q, tq, Strategy::Decorator, s.span.start_line);
                    }
                }
                let has_receiver = head.contains('.');
                if (has_receiver && ROUTE_VERBS.contains(&last.to_ascii_lowercase().as_str()))
                    || ROUTE_ANNOTATIONS.contains(&last)
                {
                    entries.insert((q.clone(), EntryReason::RouteHandler));
                }
                if TEST_ANNOTATIONS.contains(&head) || TEST_ANNOTATIONS.contains(&last) {
                    entries.insert((q.clone(), EntryReason::Test));
                }
            }
            let name = s.name.as_str();
            let is_main = match fc.lang {
                Lang::Go | Lang::Rust | Lang::C | Lang::Cpp => name == "main" && !in_class,
                Lang::Java => name == "main" && s.signature.contains("static"),
                Lang::CSharp => name == "Main",
                _ => false,
            };
            if is_main {
                entries.insert((q.clone(), EntryReason::Main));
            }
            let testy = match fc.lang {
                Lang::Go => {
                    (name.starts_with("Test")
                        || name.starts_with("Benchmark")
                        || name.starts_with("Example"))
                        && fc.path.ends_with("_test.go")
                }
                Lang::Python => {
                    name.starts_with("test_")
                        || (name.starts_with("test") && in_class && is_test_file)
                }
                Lang::Rust => false,
                _ => is_test_file && name.starts_with("test"),
            };
            if testy {
                entries.insert((q.clone(), EntryReason::Test));
            }
            let hook = HOOKS.contains(&name)
                || (fc.lang == Lang::Go && name == "init" && !in_class)
                || (fc.lang == Lang::Rust
                    && name == "drop"
                    && parent.is_some_and(|p| p.bases.iter().any(|b| last_segment(b) == "Drop")))
                || (fc.lang == Lang::Python
                    && in_class
                    && name.starts_with("__")
                    && name.ends_with("__"));
            if hook && (in_class || !matches!(name, "constructor" | "render")) {
                entries.insert((q.clone(), EntryReason::FrameworkHook));
            }
            if s.exported && (parent.is_none() || in_class) {
                res.exported.push(q.clone());
            }
            // Overrides / interface implementations.
            if in_class {
                let owner = self.enclosing_class(f, Some(si as u32));
                if let Some(c) = owner {
                    let (bases, unresolved_base) = self.bases_of(c, 0);
                    let overrides =
                        unresolved_base || !self.find_method(&bases, name, 0).0.is_empty();
                    let go_iface = fc.lang == Lang::Go && {
                        self.dep("n", name);
                        self.ix.interface_methods.contains(name) || GO_IFACE_METHODS.contains(&name)
                    };
                    if overrides || go_iface {
                        res.overrides.push(q.clone());
                    }
                }
            }
        }

        res.edges = edges.into_values().collect();
        res.unresolved.sort();
        res.entries = entries.into_iter().collect();
        res.exported.sort();
        res.exported.dedup();
        res.overrides.sort();
        res.overrides.dedup();
        res.referenced = referenced.into_iter().collect();
        let imported = self.imported.borrow();
        res.imports_files = imported
            .iter()
            .chain(external_files.iter())
            .filter(|&&i| i != f)
            .map(|&i| self.fc(i).path.to_string())
            .collect();
        res.deps = std::mem::take(&mut *self.deps.borrow_mut())
            .into_iter()
            .collect();
        res
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn prefix_and_suffix_strips_match_trim_matches() {
        for text in ["new new Foo", "new Foo", "Foo", "", "new ", "renew Foo"] {
            assert_eq!(
                strip_all_prefix(text, "new "),
                text.trim_start_matches("new ")
            );
        }
        for text in ["run()()", "run()", "run", "()", "run(x)"] {
            assert_eq!(strip_all_suffix(text, "()"), text.trim_end_matches("()"));
        }
    }

    #[test]
    fn member_names_need_the_dot() {
        assert!(is_member_qn("C.m", "C"));
        assert!(is_member_qn("C.D.m", "C"));
        assert!(!is_member_qn("Cx.m", "C"));
        assert!(!is_member_qn("C", "C"));
        assert!(!is_member_qn("B.m", "C"));
    }
}
