//! The combined query's patterns matched in one plain walk of the tree,
//! without tree-sitter's `QueryCursor`.
//!
//! The cursor pays for generality on every node it enters (field,
//! sibling and supertype status, state bookkeeping for every pattern
//! in progress): on Django it costs about as much as parsing. Detector
//! patterns are small and rooted, so here each node looks up only the
//! patterns whose root kind it has and matches them top-down with
//! backtracking over the node's children. Two cheap tests pass a node over
//! first: the root's children by kind and field (`needs`), and words at
//! fixed places below it (`guards`: `os` in `os.getenv(...)`). Patterns of
//! one shape (detectors often match the same calls under other capture
//! names) are matched once (`twin_of`). Same language, same answers
//! (the detector tests run both engines, and `detect_diff` compares them
//! over a corpus); `DetectorSet::run_with_cursor` keeps the cursor path.
//!
//! Supported: node, `(_)`, `_` and `"anonymous"` patterns, fields,
//! negated fields, `.` anchors, `?` on a child, alternations, a
//! parenthesised group holding one pattern, captures and the text
//! predicates `#eq?`, `#match?`, `#any-of?` with their `not-`/`any-`
//! forms. Anything else (repetition `*`/`+`, sibling sequences,
//! supertypes, `MISSING`) makes [`FastQuery::build`] decline, and that
//! language keeps the cursor.
//!
//! The walk needs no tree-sitter `Query`: capture ids are given in order
//! of first appearance and `#set! variant` is read here, as tree-sitter
//! does, so compiling the query (tens to hundreds of milliseconds per
//! language) is left to the cursor path.

use tree_sitter::{Language, Node, QueryCapture};

use super::{ClassCut, CutShape};
use crate::extract::NodeHook;
use crate::extract::walk::{Kid, KidVisitor, with_arena};

/// Most complete combinations one pattern tries at one node (a pattern
/// with several capturing child steps is quadratic in the children);
/// later ones are dropped. Far above any real file's needs: a module's
/// top-level definitions are one combination each.
const MAX_TRIES_AT_NODE: usize = 1 << 20;

/// The compiled patterns of one language's combined query.
#[derive(Debug)]
pub(super) struct FastQuery {
    patterns: Vec<Pattern>,
    /// Capture names by id, in order of first appearance (tree-sitter's).
    capture_names: Vec<String>,
    /// How many patterns each of the texts given to `build` holds.
    per_text: Vec<usize>,
    /// Pattern indices by root node kind id.
    by_kind: Vec<Vec<u32>>,
    /// Patterns rooted at `(_)` (any named node) or `_` (any node).
    any_named_roots: Vec<u32>,
    any_roots: Vec<u32>,
}

#[derive(Debug)]
struct Pattern {
    root: Pat,
    /// Predicates checked once the whole match is known.
    predicates: Vec<Predicate>,
    /// Predicates on a capture that holds one node, checked as soon as it
    /// is captured (most patterns fail there, before their children).
    local: Vec<(u32, Predicate)>,
    /// `(field, kind)` of the children the root must have (its child steps
    /// that need one child of a given kind, in a given field or in any): a
    /// node that lacks one is passed over without trying the pattern.
    needs: Vec<(Option<u16>, u16)>,
    /// Word tests on nodes every match must have at fixed places (see
    /// [`Guard`]): a node that fails one is passed over.
    guards: Vec<Guard>,
    /// `(#set! variant "...")`.
    variant: Option<String>,
    /// An earlier pattern of the same shape: this one's matches are its
    /// matches, with their capture ids mapped.
    twin_of: Option<Twin>,
    /// Whether a later pattern is its twin (its matches at a node are kept
    /// for it).
    shared: bool,
}

/// A node that every match of a pattern has below its root (one child
/// step after another, each by field and kind) and a test on its text the
/// match makes (`#eq?` or `#any-of?` on its capture). Checked from the
/// walk's children before matching: cheaper than the matcher's way there
/// when, as usually, the text is not the one wanted.
#[derive(Debug)]
struct Guard {
    path: Vec<(Option<u16>, u16)>,
    test: Predicate,
}

impl Guard {
    /// Whether some node on the path under `kid` passes the test (`true`
    /// when the walk does not know the children).
    fn holds(&self, kid: &Kid<'_>, arena: &[Kid<'_>], source: &[u8]) -> bool {
        fn along(
            kid: &Kid<'_>,
            path: &[(Option<u16>, u16)],
            arena: &[Kid<'_>],
            test: &Predicate,
            source: &[u8],
        ) -> bool {
            let Some((&(field, kind), rest)) = path.split_first() else {
                return test.holds_for(kid.node, source);
            };
            kid.known_children(arena).is_none_or(|kids| {
                kids.iter()
                    .any(|c| is_child(c, field, kind) && along(c, rest, arena, test, source))
            })
        }
        along(kid, &self.path, arena, &self.test, source)
    }
}

/// Whether `kid` has kind `kind` and, if given, field `field`.
fn is_child(kid: &Kid<'_>, field: Option<u16>, kind: u16) -> bool {
    kid.kind == kind && field.is_none_or(|f| f == kid.field)
}

/// The guards of a pattern rooted at `pat` with one-node predicates
/// `local`: each capture with a positive `#eq?` or `#any-of?` reached from
/// the root through child steps that must match once, of one kind.
fn guards_of(pat: &Pat, local: &[(u32, Predicate)]) -> Vec<Guard> {
    fn visit(
        pat: &Pat,
        path: &mut Vec<(Option<u16>, u16)>,
        local: &[(u32, Predicate)],
        out: &mut Vec<Guard>,
    ) {
        let Test::Node(test) = &pat.test else {
            return;
        };
        for (capture, predicate) in local {
            let word_test = matches!(
                predicate,
                Predicate::EqText { positive: true, .. } | Predicate::AnyOf { positive: true, .. }
            );
            if word_test && pat.captures.contains(capture) {
                out.push(Guard {
                    path: path.clone(),
                    test: predicate.clone(),
                });
            }
        }
        for step in &test.children {
            if let (
                Quant::One,
                Test::Node(NodeTest {
                    kind: Kind::Id(kind),
                    ..
                }),
            ) = (step.quant, &step.pat.test)
            {
                path.push((step.field, *kind));
                visit(&step.pat, path, local, out);
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    visit(pat, &mut Vec::new(), local, &mut out);
    out
}

/// See [`Pattern::twin_of`].
#[derive(Debug)]
struct Twin {
    pattern: u32,
    /// `(the earlier pattern's capture id, this one's)`.
    captures: Vec<(u32, u32)>,
}

#[derive(Debug, Clone)]
struct Pat {
    test: Test,
    captures: Vec<u32>,
}

#[derive(Debug, Clone)]
enum Test {
    Node(NodeTest),
    Alt(Vec<Pat>),
}

#[derive(Debug, Clone)]
struct NodeTest {
    kind: Kind,
    children: Vec<ChildStep>,
    negated_fields: Vec<u16>,
    /// `.` after the last child pattern.
    last_anchor: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// `_`: any node but an error.
    Any,
    /// `(_)`: any named node but an error.
    AnyNamed,
    Id(u16),
}

#[derive(Debug, Clone)]
struct ChildStep {
    field: Option<u16>,
    pat: Pat,
    quant: Quant,
    /// Whether `pat` captures anything.
    capturing: bool,
    /// `.` before it: no named node between it and the previous match (or
    /// the parent's start).
    immediate: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Quant {
    One,
    Optional,
}

#[derive(Debug, Clone)]
enum Predicate {
    EqText {
        capture: u32,
        text: Vec<u8>,
        positive: bool,
        all: bool,
    },
    EqCapture {
        left: u32,
        right: u32,
        positive: bool,
        all: bool,
    },
    Match {
        capture: u32,
        regex: regex::bytes::Regex,
        positive: bool,
        all: bool,
    },
    AnyOf {
        capture: u32,
        values: Vec<Vec<u8>>,
        positive: bool,
    },
}

impl NodeTest {
    fn can_be(&self, kind: u16) -> bool {
        match self.kind {
            Kind::Any | Kind::AnyNamed => true,
            Kind::Id(id) => id == kind,
        }
    }
}

/// [`FastQuery::for_each_match`]'s walk of the whole tree: each node's
/// patterns are matched when the walk leaves it, with its children known.
struct MatchWalk<'q, 'c, 'f, 'h, 'tree> {
    query: &'q FastQuery,
    ctx: &'c mut Ctx<'q, 'tree>,
    found: &'f mut dyn FnMut(usize, &[QueryCapture<'tree>]),
    hook: Option<&'h mut dyn NodeHook<'tree>>,
}

impl<'tree> KidVisitor<'tree> for MatchWalk<'_, '_, '_, '_, 'tree> {
    fn enter(&mut self, kid: &Kid<'tree>) {
        if let Some(hook) = self.hook.as_deref_mut() {
            hook.enter(kid);
        }
    }

    fn leave(&mut self, kid: Kid<'tree>, arena: &[Kid<'tree>]) {
        self.query.match_at(kid, arena, self.ctx, self.found);
        if let Some(hook) = self.hook.as_deref_mut() {
            hook.leave(&kid, arena);
        }
    }
}

impl FastQuery {
    /// Compiles the pattern texts of a combined query (in its order);
    /// `Err` names what is not supported, and the cursor is used instead.
    pub(super) fn build(grammar: &Language, texts: &[&str]) -> Result<FastQuery, String> {
        let mut patterns = Vec::new();
        let mut capture_names = Vec::new();
        let mut per_text = Vec::with_capacity(texts.len());
        for text in texts {
            let before = patterns.len();
            let mut parser = Parser {
                text: text.as_bytes(),
                at: 0,
                grammar,
                capture_names: &mut capture_names,
                predicates: Vec::new(),
                variant: None,
            };
            parser.patterns(&mut patterns)?;
            per_text.push(patterns.len() - before);
        }
        find_twins(&mut patterns)?;
        let mut by_kind: Vec<Vec<u32>> = vec![Vec::new(); grammar.node_kind_count() + 1];
        let (mut any_named_roots, mut any_roots) = (Vec::new(), Vec::new());
        for (i, p) in patterns.iter().enumerate() {
            let i = u32::try_from(i).map_err(|_| "too many patterns".to_string())?;
            let mut kinds = Vec::new();
            root_kinds(&p.root, &mut kinds);
            for kind in kinds {
                let list = match kind {
                    Kind::Any => &mut any_roots,
                    Kind::AnyNamed => &mut any_named_roots,
                    Kind::Id(id) => {
                        let slot = usize::from(id);
                        if slot >= by_kind.len() {
                            by_kind.resize(slot + 1, Vec::new());
                        }
                        &mut by_kind[slot]
                    }
                };
                // An alternation may name one kind twice.
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        Ok(FastQuery {
            patterns,
            capture_names,
            per_text,
            by_kind,
            any_named_roots,
            any_roots,
        })
    }

    /// Whether the matches of a file cut in two parts as `cut` describes
    /// are those of the whole: no pattern that can match a node the cut
    /// divides (the root; a class's body) sees two of its children, an
    /// anchor at its edge, or the node as a whole, and none that can match
    /// a divided class looks past its header.
    pub(super) fn allows_cut(&self, cut: &CutShape) -> bool {
        self.patterns.iter().all(|p| allows_cut(&p.root, cut))
    }

    pub(super) fn capture_names(&self) -> &[String] {
        &self.capture_names
    }

    /// How many patterns each of the texts given to `build` holds.
    pub(super) fn patterns_per_text(&self) -> &[usize] {
        &self.per_text
    }

    /// The `#set! variant` of each pattern, in order.
    pub(super) fn fixed_variants(&self) -> impl Iterator<Item = Option<&str>> {
        self.patterns.iter().map(|p| p.variant.as_deref())
    }

    /// Calls `found(pattern, captures)` for every match of a pattern
    /// rooted at a node of `root`'s subtree (`whole`), or at `root` only.
    ///
    /// The walk records every node's children in an arena as it goes and
    /// matches at a node when it leaves it (post-order), so a pattern's
    /// child steps read that list instead of moving a tree cursor again.
    /// With `whole`, `hook` is told about every node as the walk enters
    /// and leaves it (extraction rides on this walk).
    pub(super) fn for_each_match<'tree>(
        &self,
        root: Node<'tree>,
        whole: bool,
        source: &[u8],
        found: &mut dyn FnMut(usize, &[QueryCapture<'tree>]),
        hook: Option<&mut dyn NodeHook<'tree>>,
    ) {
        let mut ctx = Ctx {
            source,
            scratch: root.walk(),
            caps: Vec::new(),
            pool: Vec::new(),
            local: &[],
            emitted: 0,
            tries: 0,
            kept: Kept::default(),
        };
        let top = Kid::of(root, 0);
        if !whole {
            self.match_at(top, &[], &mut ctx, found);
            return;
        }
        let mut walk = MatchWalk {
            query: self,
            ctx: &mut ctx,
            found,
            hook,
        };
        with_arena(|arena| crate::extract::walk::walk_kids(root, top, arena, &mut walk));
    }

    fn match_at<'a, 'tree>(
        &'a self,
        kid: Kid<'tree>,
        arena: &[Kid<'tree>],
        ctx: &mut Ctx<'a, 'tree>,
        found: &mut dyn FnMut(usize, &[QueryCapture<'tree>]),
    ) {
        let by_kind = self
            .by_kind
            .get(usize::from(kid.kind))
            .map_or(&[][..], Vec::as_slice);
        let (wild, any): (&[u32], &[u32]) =
            if (self.any_named_roots.is_empty() && self.any_roots.is_empty()) || kid.is_error() {
                (&[], &[])
            } else if kid.named {
                (&self.any_named_roots, &self.any_roots)
            } else {
                (&[], &self.any_roots)
            };
        let kids = kid.known_children(arena);
        ctx.kept.clear();
        for &p in by_kind.iter().chain(wild).chain(any) {
            let Some(pattern) = self.patterns.get(p as usize) else {
                continue;
            };
            if let Some(twin) = &pattern.twin_of {
                ctx.kept.replay(twin, p as usize, found);
                continue;
            }
            if let Some(kids) = kids
                && !pattern
                    .needs
                    .iter()
                    .all(|&(f, k)| kids.iter().any(|c| is_child(c, f, k)))
            {
                continue;
            }
            if kids.is_some()
                && !pattern
                    .guards
                    .iter()
                    .all(|g| g.holds(&kid, arena, ctx.source))
            {
                continue;
            }
            ctx.local = &pattern.local;
            ctx.emitted = 0;
            ctx.tries = 0;
            ctx.caps.clear();
            let source = ctx.source;
            ctx.pat(&pattern.root, kid, arena, &[], &mut |ctx| {
                ctx.tries += 1;
                if ctx.tries <= MAX_TRIES_AT_NODE
                    && pattern
                        .predicates
                        .iter()
                        .all(|pr| pr.holds(&ctx.caps, source))
                {
                    ctx.emitted += 1;
                    if pattern.shared {
                        ctx.kept.keep(p, &ctx.caps);
                    }
                    found(p as usize, &ctx.caps);
                }
            });
        }
    }
}

/// Whether `pat`, the root of a pattern, finds in the parts of a file cut
/// as `cut` describes the matches of the whole (see `FastQuery::allows_cut`).
fn allows_cut(pat: &Pat, cut: &CutShape) -> bool {
    match &pat.test {
        Test::Alt(alts) => alts.iter().all(|a| allows_cut(a, cut)),
        Test::Node(n) => {
            // A node the cut divides: it holds one child at a time (each
            // in one part) and is not itself captured.
            let divided = |kind: u16| {
                !n.can_be(kind)
                    || (pat.captures.is_empty()
                        && !n.last_anchor
                        && matches!(n.children.as_slice(),
                            [step] if !step.immediate && step.quant == Quant::One))
            };
            divided(cut.root)
                && cut
                    .class
                    .as_ref()
                    .is_none_or(|class| divided(class.body) && classes_seen_by_header(pat, class))
        }
    }
}

/// Whether every part of `pat` (at any depth) that can match the cut
/// class looks only at its header: both parts hold the header, and the
/// second part's class node spans the whole class.
fn classes_seen_by_header(pat: &Pat, class: &ClassCut) -> bool {
    match &pat.test {
        Test::Alt(alts) => alts.iter().all(|a| classes_seen_by_header(a, class)),
        Test::Node(n) => {
            let header_only = !n.can_be(class.class)
                || (!n.last_anchor
                    && n.children.iter().all(|step| {
                        !step.immediate
                            && (step.field.is_some_and(|f| class.header_fields.contains(&f))
                                || of_header_kind(&step.pat, class))
                    }));
            header_only
                && n.children
                    .iter()
                    .all(|step| classes_seen_by_header(&step.pat, class))
        }
    }
}

/// Whether `pat` can only match a child of a kind found on the header
/// line (`class_heritage`).
fn of_header_kind(pat: &Pat, class: &ClassCut) -> bool {
    match &pat.test {
        Test::Alt(alts) => alts.iter().all(|a| of_header_kind(a, class)),
        Test::Node(n) => matches!(n.kind, Kind::Id(id) if class.header_kinds.contains(&id)),
    }
}

/// Marks each pattern that has the shape of an earlier one as its twin:
/// same nodes, fields, anchors and predicates, captures aside (detectors
/// often match the same calls under different capture names).
fn find_twins(patterns: &mut [Pattern]) -> Result<(), String> {
    let mut first: std::collections::HashMap<String, (u32, Vec<u32>)> =
        std::collections::HashMap::new();
    for i in 0..patterns.len() {
        let (shape, ids) = shape_of(&patterns[i]);
        let index = u32::try_from(i).map_err(|_| "too many patterns".to_string())?;
        match first.entry(shape) {
            std::collections::hash_map::Entry::Occupied(e) => {
                let (original, original_ids) = e.get();
                patterns[i].twin_of = Some(Twin {
                    pattern: *original,
                    captures: original_ids.iter().copied().zip(ids).collect(),
                });
                patterns[*original as usize].shared = true;
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert((index, ids));
            }
        }
    }
    Ok(())
}

/// A pattern's shape (everything that decides its matches) with capture
/// ids numbered in order of first appearance, and the ids in that order.
fn shape_of(pattern: &Pattern) -> (String, Vec<u32>) {
    let mut ids: Vec<u32> = Vec::new();
    let mut number = |c: &mut u32| {
        let at = ids.iter().position(|&i| i == *c).unwrap_or_else(|| {
            ids.push(*c);
            ids.len() - 1
        });
        *c = u32::try_from(at).unwrap_or(u32::MAX);
    };
    let mut root = pattern.root.clone();
    root.for_each_capture(&mut number);
    let mut predicates = pattern.predicates.clone();
    predicates
        .iter_mut()
        .for_each(|p| p.for_each_capture(&mut number));
    let mut local = pattern.local.clone();
    for (c, p) in &mut local {
        number(c);
        p.for_each_capture(&mut number);
    }
    (format!("{root:?} {predicates:?} {local:?}"), ids)
}

impl Pat {
    fn for_each_capture(&mut self, f: &mut impl FnMut(&mut u32)) {
        self.captures.iter_mut().for_each(&mut *f);
        match &mut self.test {
            Test::Alt(alts) => alts.iter_mut().for_each(|a| a.for_each_capture(f)),
            Test::Node(n) => n
                .children
                .iter_mut()
                .for_each(|c| c.pat.for_each_capture(f)),
        }
    }
}

/// The kinds a pattern's root can have.
fn root_kinds(pat: &Pat, out: &mut Vec<Kind>) {
    match &pat.test {
        Test::Node(n) => out.push(n.kind),
        Test::Alt(alts) => alts.iter().for_each(|a| root_kinds(a, out)),
    }
}

/// What the rest of a match does once a part of it has matched.
type Then<'k, 'a, 'tree> = &'k mut dyn FnMut(&mut Ctx<'a, 'tree>);

/// Matching state of one walk: the captures so far (pushed and popped as
/// the matcher backtracks) and reusable child buffers.
struct Ctx<'a, 'tree> {
    source: &'a [u8],
    scratch: tree_sitter::TreeCursor<'tree>,
    caps: Vec<QueryCapture<'tree>>,
    pool: Vec<Vec<Kid<'tree>>>,
    /// The current pattern's one-node predicates, checked on capture.
    local: &'a [(u32, Predicate)],
    /// Matches of the current pattern at the current root.
    emitted: usize,
    /// Complete combinations tried, predicates passed or not.
    tries: usize,
    /// The current node's matches of patterns that have twins.
    kept: Kept<'tree>,
}

/// Matches of patterns with twins at one node, for the twins.
#[derive(Default)]
struct Kept<'tree> {
    /// `(pattern, start in caps, end)`.
    matches: Vec<(u32, usize, usize)>,
    caps: Vec<QueryCapture<'tree>>,
    /// A twin's captures, mapped.
    mapped: Vec<QueryCapture<'tree>>,
}

impl<'tree> Kept<'tree> {
    fn clear(&mut self) {
        if !self.matches.is_empty() {
            self.matches.clear();
            self.caps.clear();
        }
    }

    fn keep(&mut self, pattern: u32, caps: &[QueryCapture<'tree>]) {
        let start = self.caps.len();
        self.caps.extend_from_slice(caps);
        self.matches.push((pattern, start, self.caps.len()));
    }

    /// Reports the twin's matches: its original's, found earlier at the
    /// same node, with their capture ids mapped.
    fn replay(
        &mut self,
        twin: &Twin,
        pattern: usize,
        found: &mut dyn FnMut(usize, &[QueryCapture<'tree>]),
    ) {
        for &(p, start, end) in &self.matches {
            if p != twin.pattern {
                continue;
            }
            self.mapped.clear();
            self.mapped.extend(self.caps[start..end].iter().map(|c| {
                QueryCapture {
                    node: c.node,
                    index: twin
                        .captures
                        .iter()
                        .find(|&&(from, _)| from == c.index)
                        .map_or(c.index, |&(_, to)| to),
                }
            }));
            found(pattern, &self.mapped);
        }
    }
}

impl<'a, 'tree> Ctx<'a, 'tree> {
    fn fill_children(&mut self, node: Node<'tree>, out: &mut Vec<Kid<'tree>>) {
        out.clear();
        self.scratch.reset(node);
        if self.scratch.goto_first_child() {
            loop {
                out.push(Kid::at(&self.scratch));
                if !self.scratch.goto_next_sibling() {
                    break;
                }
            }
        }
    }

    /// Matches `pat` at `kid` and calls `then` for each way it does, with
    /// its captures pushed (in tree order; `outer` captures of enclosing
    /// alternations go on the node too).
    fn pat(
        &mut self,
        pat: &Pat,
        kid: Kid<'tree>,
        arena: &[Kid<'tree>],
        outer: &[u32],
        then: Then<'_, 'a, 'tree>,
    ) {
        let node = kid.node;
        match &pat.test {
            Test::Alt(alts) => {
                let joined: Vec<u32>;
                let outer = if pat.captures.is_empty() {
                    outer
                } else {
                    joined = pat.captures.iter().chain(outer).copied().collect();
                    &joined
                };
                for alt in alts {
                    if self.tries >= MAX_TRIES_AT_NODE {
                        break;
                    }
                    self.pat(alt, kid, arena, outer, then);
                }
            }
            Test::Node(test) => {
                if !kind_matches(test.kind, &kid)
                    || test
                        .negated_fields
                        .iter()
                        .any(|&f| node.child_by_field_id(f).is_some())
                {
                    return;
                }
                let mark = self.caps.len();
                for &index in pat.captures.iter().chain(outer) {
                    let source = self.source;
                    let fails = self
                        .local
                        .iter()
                        .any(|(c, pr)| *c == index && !pr.holds_for(node, source));
                    if fails {
                        self.caps.truncate(mark);
                        return;
                    }
                    self.caps.push(QueryCapture { node, index });
                }
                if test.children.is_empty() {
                    then(self);
                } else if let Some(kids) = kid.known_children(arena) {
                    self.seq(test, kids, arena, 0, 0, then);
                } else {
                    let mut buf = self.pool.pop().unwrap_or_default();
                    self.fill_children(node, &mut buf);
                    self.seq(test, &buf, arena, 0, 0, then);
                    self.pool.push(buf);
                }
                self.caps.truncate(mark);
            }
        }
    }

    /// Matches `test.children[step..]` against `kids[from..]`.
    fn seq(
        &mut self,
        test: &NodeTest,
        kids: &[Kid<'tree>],
        arena: &[Kid<'tree>],
        step: usize,
        from: usize,
        then: Then<'_, 'a, 'tree>,
    ) {
        let Some(child) = test.children.get(step) else {
            then(self);
            return;
        };
        let last = step + 1 == test.children.len();
        // `(parent ... (last) .)`: no named node may follow.
        let fits = |j: usize| {
            !(last
                && test.last_anchor
                && kids.get(j + 1..).is_some_and(|r| r.iter().any(|k| k.named)))
        };
        let eligible = |kid: &Kid<'_>| child.field.is_none_or(|f| f == kid.field);
        let before = self.emitted;
        for (j, kid) in kids.iter().enumerate().skip(from) {
            if self.tries >= MAX_TRIES_AT_NODE {
                return;
            }
            if eligible(kid) && fits(j) {
                let mark = self.emitted;
                self.pat(&child.pat, *kid, arena, &[], &mut |ctx| {
                    ctx.seq(test, kids, arena, step + 1, j + 1, then);
                });
                // A step that captures nothing needs one place.
                if !child.capturing && self.emitted > mark {
                    break;
                }
            }
            if child.immediate && kid.named {
                break;
            }
        }
        // `?`: matched nothing here, so go on without it.
        if self.emitted == before && child.quant == Quant::Optional {
            self.seq(test, kids, arena, step + 1, from, then);
        }
    }
}

fn kind_matches(kind: Kind, kid: &Kid<'_>) -> bool {
    match kind {
        Kind::Any => !kid.is_error(),
        Kind::AnyNamed => kid.named && !kid.is_error(),
        Kind::Id(id) => kid.kind == id,
    }
}

fn has_captures(pat: &Pat) -> bool {
    !pat.captures.is_empty()
        || match &pat.test {
            Test::Alt(alts) => alts.iter().any(has_captures),
            Test::Node(n) => n.children.iter().any(|c| has_captures(&c.pat)),
        }
}

impl Predicate {
    fn for_each_capture(&mut self, f: &mut impl FnMut(&mut u32)) {
        match self {
            Predicate::EqText { capture, .. }
            | Predicate::Match { capture, .. }
            | Predicate::AnyOf { capture, .. } => f(capture),
            Predicate::EqCapture { left, right, .. } => {
                f(left);
                f(right);
            }
        }
    }

    /// The one capture a predicate reads, unless it compares two.
    fn capture(&self) -> Option<u32> {
        match self {
            Predicate::EqText { capture, .. }
            | Predicate::Match { capture, .. }
            | Predicate::AnyOf { capture, .. } => Some(*capture),
            Predicate::EqCapture { .. } => None,
        }
    }

    /// As tree-sitter's Rust binding judges it (`satisfies_text_predicates`).
    fn holds(&self, caps: &[QueryCapture<'_>], source: &[u8]) -> bool {
        let nodes = |i: u32| caps.iter().filter(move |c| c.index == i).map(|c| c.node);
        match self {
            Predicate::EqCapture {
                left,
                right,
                positive,
                all,
            } => {
                let text = |n: Node<'_>| source.get(n.byte_range()).unwrap_or_default();
                let pairs = nodes(*left).zip(nodes(*right));
                settle(pairs.map(|(x, y)| text(x) == text(y)), *positive, *all)
                    // Unsettled: both captures must hold as many nodes.
                    .unwrap_or_else(|| nodes(*left).count() == nodes(*right).count())
            }
            _ => self.holds_on(self.capture().map(nodes).into_iter().flatten(), source),
        }
    }

    /// A one-capture predicate on that capture's nodes (`EqCapture`, which
    /// reads two, is judged by [`Predicate::holds`]).
    fn holds_on<'t>(&self, mut nodes: impl Iterator<Item = Node<'t>>, source: &[u8]) -> bool {
        let text = |n: Node<'_>| source.get(n.byte_range()).unwrap_or_default();
        match self {
            Predicate::EqText {
                text: want,
                positive,
                all,
                ..
            } => settle(nodes.map(|n| text(n) == want.as_slice()), *positive, *all).unwrap_or(true),
            Predicate::Match {
                regex,
                positive,
                all,
                ..
            } => settle(nodes.map(|n| regex.is_match(text(n))), *positive, *all).unwrap_or(true),
            Predicate::AnyOf {
                values, positive, ..
            } => nodes.all(|n| values.iter().any(|v| v.as_slice() == text(n)) == *positive),
            Predicate::EqCapture { .. } => true,
        }
    }

    fn holds_for(&self, node: Node<'_>, source: &[u8]) -> bool {
        self.holds_on(std::iter::once(node), source)
    }
}

/// How the binding settles a predicate over a capture's nodes: `all`, the
/// first node that disagrees fails it; otherwise the first that agrees
/// passes it. `None`: the nodes ran out unsettled.
fn settle(results: impl Iterator<Item = bool>, positive: bool, all: bool) -> Option<bool> {
    for r in results {
        if r != positive && all {
            return Some(false);
        }
        if r == positive && !all {
            return Some(true);
        }
    }
    None
}

/// The `(field, kind)` pairs of `root`'s child steps that must match
/// exactly one child of that kind (in that field, if any; see
/// `Pattern::needs`).
fn needed_children(root: &Pat) -> Vec<(Option<u16>, u16)> {
    let Test::Node(test) = &root.test else {
        return Vec::new();
    };
    test.children
        .iter()
        .filter(|step| step.quant == Quant::One)
        .filter_map(|step| match &step.pat.test {
            Test::Node(NodeTest {
                kind: Kind::Id(kind),
                ..
            }) => Some((step.field, *kind)),
            _ => None,
        })
        .collect()
}

/// How often each capture index occurs in `pat`.
fn count_captures(pat: &Pat, counts: &mut std::collections::HashMap<u32, usize>) {
    for &c in &pat.captures {
        *counts.entry(c).or_default() += 1;
    }
    match &pat.test {
        Test::Alt(alts) => alts.iter().for_each(|a| count_captures(a, counts)),
        Test::Node(n) => n
            .children
            .iter()
            .for_each(|c| count_captures(&c.pat, counts)),
    }
}

/// Reads tree-sitter query syntax into [`Pattern`]s.
struct Parser<'a> {
    text: &'a [u8],
    at: usize,
    grammar: &'a Language,
    /// Capture names of every text read so far, by id.
    capture_names: &'a mut Vec<String>,
    /// Predicates met inside the current pattern's nodes.
    predicates: Vec<Predicate>,
    /// The current pattern's `#set! variant`.
    variant: Option<String>,
}

/// What can follow `(` or sit in a node's body.
enum Item {
    Pat(Pat, Quant),
    Field(u16, Pat, Quant),
    NegatedField(u16),
    Anchor,
    Predicate(Option<Predicate>),
}

impl Parser<'_> {
    fn patterns(&mut self, out: &mut Vec<Pattern>) -> Result<(), String> {
        loop {
            self.skip_space();
            if self.at >= self.text.len() {
                return Ok(());
            }
            let mut predicates = Vec::new();
            let root = if self.peek() == Some(b'(') && self.is_group() {
                // `((pattern) @capture (#predicate ...))`
                self.at += 1;
                let mut root = None;
                loop {
                    self.skip_space();
                    if self.eat(b')') {
                        break;
                    }
                    match self.item()? {
                        Item::Pat(p, Quant::One) if root.is_none() => root = Some(p),
                        Item::Predicate(p) => predicates.extend(p),
                        _ => return Err(self.unsupported("a sibling sequence or quantified group")),
                    }
                }
                let mut root = root.ok_or_else(|| self.unsupported("an empty group"))?;
                root.captures.extend(self.captures()?);
                if self.quantifier()? != Quant::One {
                    return Err(self.unsupported("a quantified top-level pattern"));
                }
                root
            } else {
                match self.item()? {
                    Item::Pat(p, Quant::One) => p,
                    _ => return Err(self.unsupported("this top-level form")),
                }
            };
            predicates.append(&mut self.predicates);
            let mut counts = std::collections::HashMap::new();
            count_captures(&root, &mut counts);
            let (local, predicates): (Vec<_>, Vec<_>) = predicates
                .into_iter()
                .partition(|p| p.capture().is_some_and(|c| counts.get(&c) == Some(&1)));
            let local: Vec<(u32, Predicate)> = local
                .into_iter()
                .filter_map(|p| Some((p.capture()?, p)))
                .collect();
            out.push(Pattern {
                needs: needed_children(&root),
                guards: guards_of(&root, &local),
                root,
                predicates,
                local,
                variant: self.variant.take(),
                twin_of: None,
                shared: false,
            });
        }
    }

    /// After `(`: a group starts with another pattern, not a node name.
    fn is_group(&self) -> bool {
        let mut i = self.at + 1;
        while self.text.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        matches!(self.text.get(i), Some(b'(' | b'[' | b'"' | b'.'))
    }

    fn item(&mut self) -> Result<Item, String> {
        self.skip_space();
        match self.peek() {
            Some(b'.') => {
                self.at += 1;
                Ok(Item::Anchor)
            }
            Some(b'!') => {
                self.at += 1;
                let name = self.ident()?;
                Ok(Item::NegatedField(self.field(&name)?))
            }
            Some(b'(') if self.text.get(self.at + 1) == Some(&b'#') => {
                Ok(Item::Predicate(self.predicate()?))
            }
            Some(b'(' | b'[' | b'"' | b'_') => {
                let (p, q) = self.pattern()?;
                Ok(Item::Pat(p, q))
            }
            Some(c) if is_ident(c) => {
                let name = self.ident()?;
                self.skip_space();
                if !self.eat(b':') {
                    return Err(self.unsupported("a bare name"));
                }
                let field = self.field(&name)?;
                self.skip_space();
                let (p, q) = self.pattern()?;
                Ok(Item::Field(field, p, q))
            }
            _ => Err(self.unsupported("this character")),
        }
    }

    fn pattern(&mut self) -> Result<(Pat, Quant), String> {
        self.skip_space();
        let test = match self.peek() {
            Some(b'[') => {
                self.at += 1;
                let mut alts = Vec::new();
                loop {
                    self.skip_space();
                    if self.eat(b']') {
                        break;
                    }
                    match self.pattern()? {
                        (p, Quant::One) => alts.push(p),
                        _ => return Err(self.unsupported("a quantified alternative")),
                    }
                }
                Test::Alt(alts)
            }
            Some(b'"') => {
                let s = self.string()?;
                let id = self.grammar.id_for_node_kind(&s, false);
                if id == 0 {
                    return Err(format!("unknown anonymous node \"{s}\""));
                }
                Test::Node(leaf(Kind::Id(id)))
            }
            Some(b'_') => {
                self.at += 1;
                Test::Node(leaf(Kind::Any))
            }
            Some(b'(') => {
                if self.is_group() {
                    return Err(self.unsupported("a nested group"));
                }
                self.at += 1;
                self.skip_space();
                let name = self.ident()?;
                let kind = if name == "_" {
                    Kind::AnyNamed
                } else if name.contains('/') || name == "MISSING" {
                    return Err(self.unsupported("supertypes and MISSING"));
                } else {
                    let id = self.grammar.id_for_node_kind(&name, true);
                    if id == 0 {
                        return Err(format!("unknown node kind `{name}`"));
                    }
                    if self.grammar.node_kind_is_supertype(id) {
                        return Err(self.unsupported("a supertype"));
                    }
                    Kind::Id(id)
                };
                let mut node = leaf(kind);
                let mut immediate = false;
                loop {
                    self.skip_space();
                    if self.eat(b')') {
                        break;
                    }
                    match self.item()? {
                        Item::Anchor => immediate = true,
                        Item::NegatedField(f) => node.negated_fields.push(f),
                        // A predicate inside a node applies to the whole pattern.
                        Item::Predicate(p) => self.predicates.extend(p),
                        Item::Pat(pat, quant) => {
                            node.children.push(ChildStep {
                                field: None,
                                capturing: has_captures(&pat),
                                pat,
                                quant,
                                immediate: std::mem::take(&mut immediate),
                            });
                        }
                        Item::Field(field, pat, quant) => {
                            node.children.push(ChildStep {
                                field: Some(field),
                                capturing: has_captures(&pat),
                                pat,
                                quant,
                                immediate: std::mem::take(&mut immediate),
                            });
                        }
                    }
                }
                node.last_anchor = immediate && !node.children.is_empty();
                if immediate && node.children.is_empty() {
                    return Err(self.unsupported("an anchor without children"));
                }
                Test::Node(node)
            }
            _ => return Err(self.unsupported("this pattern")),
        };
        let captures = self.captures()?;
        let quant = self.quantifier()?;
        // Captures may also follow the quantifier.
        let mut pat = Pat { test, captures };
        pat.captures.extend(self.captures()?);
        Ok((pat, quant))
    }

    fn quantifier(&mut self) -> Result<Quant, String> {
        match self.peek() {
            Some(b'?') => {
                self.at += 1;
                Ok(Quant::Optional)
            }
            // tree-sitter's repetition yields a match per prefix and element
            // in ways not worth copying; the cursor keeps those patterns.
            Some(b'*' | b'+') => Err(self.unsupported("a repetition (`*`, `+`)")),
            _ => Ok(Quant::One),
        }
    }

    fn captures(&mut self) -> Result<Vec<u32>, String> {
        let mut out = Vec::new();
        loop {
            self.skip_space();
            if !self.eat(b'@') {
                return Ok(out);
            }
            let name = self.ident()?;
            let index = match self.capture_names.iter().position(|n| *n == name) {
                Some(i) => i,
                None => {
                    self.capture_names.push(name);
                    self.capture_names.len() - 1
                }
            };
            out.push(u32::try_from(index).map_err(|_| "too many captures".to_string())?);
        }
    }

    /// `(#name args...)`; `None` for `#set! variant`, which sets the
    /// pattern's variant.
    fn predicate(&mut self) -> Result<Option<Predicate>, String> {
        self.at += 2;
        let name = self.ident()?;
        let mut args: Vec<Arg> = Vec::new();
        loop {
            self.skip_space();
            if self.eat(b')') {
                break;
            }
            if self.eat(b'@') {
                let name = self.ident()?;
                // As in tree-sitter, a predicate names a capture seen before.
                let index = self
                    .capture_names
                    .iter()
                    .position(|n| *n == name)
                    .and_then(|i| u32::try_from(i).ok())
                    .ok_or_else(|| format!("unknown capture @{name}"))?;
                args.push(Arg::Capture(index));
            } else if self.peek() == Some(b'"') {
                args.push(Arg::Text(self.string()?.into_bytes()));
            } else if self.peek().is_some_and(is_ident) {
                args.push(Arg::Text(self.ident()?.into_bytes()));
            } else {
                return Err(self.unsupported("a predicate argument"));
            }
        }
        if name == "set!" {
            // `(#set! [@capture] key [value])`, as tree-sitter reads it.
            let mut texts = args.iter().filter_map(|a| match a {
                Arg::Text(t) => Some(t.as_slice()),
                Arg::Capture(_) => None,
            });
            let captures = args.iter().filter(|a| matches!(a, Arg::Capture(_))).count();
            let (key, value) = (texts.next(), texts.next());
            if captures > 1 || texts.next().is_some() || key != Some(b"variant".as_slice()) {
                return Err(self.unsupported("this `#set!`"));
            }
            self.variant = value
                .map(|v| String::from_utf8(v.to_vec()))
                .transpose()
                .map_err(|_| "a variant that is not UTF-8".to_string())?;
            return Ok(None);
        }
        let positive = !name.contains("not-");
        let all = !name.starts_with("any-") || name == "any-of?";
        let bad = || format!("unsupported predicate #{name}");
        Ok(Some(match (name.as_str(), args.as_slice()) {
            (
                "eq?" | "not-eq?" | "any-eq?" | "any-not-eq?",
                [Arg::Capture(capture), Arg::Text(text)],
            ) => Predicate::EqText {
                capture: *capture,
                text: text.clone(),
                positive,
                all,
            },
            (
                "eq?" | "not-eq?" | "any-eq?" | "any-not-eq?",
                [Arg::Capture(left), Arg::Capture(right)],
            ) => Predicate::EqCapture {
                left: *left,
                right: *right,
                positive,
                all,
            },
            (
                "match?" | "not-match?" | "any-match?" | "any-not-match?",
                [Arg::Capture(capture), Arg::Text(re)],
            ) => {
                let re = std::str::from_utf8(re).map_err(|_| bad())?;
                Predicate::Match {
                    capture: *capture,
                    regex: regex::bytes::Regex::new(re).map_err(|e| e.to_string())?,
                    positive,
                    all,
                }
            }
            ("any-of?" | "not-any-of?", [Arg::Capture(capture), values @ ..]) => {
                let mut texts = Vec::new();
                for v in values {
                    match v {
                        Arg::Text(t) => texts.push(t.clone()),
                        Arg::Capture(_) => return Err(bad()),
                    }
                }
                Predicate::AnyOf {
                    capture: *capture,
                    values: texts,
                    positive,
                }
            }
            _ => return Err(bad()),
        }))
    }

    fn field(&self, name: &str) -> Result<u16, String> {
        self.grammar
            .field_id_for_name(name)
            .map(|f| f.get())
            .ok_or_else(|| format!("unknown field `{name}`"))
    }

    fn string(&mut self) -> Result<String, String> {
        if !self.eat(b'"') {
            return Err(self.unsupported("a string"));
        }
        let mut out = Vec::new();
        loop {
            let Some(&c) = self.text.get(self.at) else {
                return Err("unterminated string".into());
            };
            self.at += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.text.get(self.at) else {
                        return Err("unterminated string".into());
                    };
                    self.at += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'0' => 0,
                        other => other,
                    });
                }
                _ => out.push(c),
            }
        }
        String::from_utf8(out).map_err(|_| "a string that is not UTF-8".to_string())
    }

    fn ident(&mut self) -> Result<String, String> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| is_ident(c) || matches!(c, b'.' | b'?' | b'!' | b'/'))
        {
            self.at += 1;
        }
        if start == self.at {
            return Err(self.unsupported("a missing name"));
        }
        Ok(crate::utf8_lossy(&self.text[start..self.at]).into_owned())
    }

    fn skip_space(&mut self) {
        loop {
            match self.peek() {
                Some(c) if c.is_ascii_whitespace() => self.at += 1,
                Some(b';') => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.at += 1;
                    }
                }
                _ => return,
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn unsupported(&self, what: &str) -> String {
        format!(
            "{what} at byte {} is not supported by the fast matcher",
            self.at
        )
    }
}

enum Arg {
    Capture(u32),
    Text(Vec<u8>),
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

fn leaf(kind: Kind) -> NodeTest {
    NodeTest {
        kind,
        children: Vec::new(),
        negated_fields: Vec::new(),
        last_anchor: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use streaming_iterator::StreamingIterator;

    type Found = Vec<(usize, Vec<(u32, usize, usize)>)>;

    fn key(pattern: usize, caps: &[QueryCapture<'_>]) -> (usize, Vec<(u32, usize, usize)>) {
        let caps = caps
            .iter()
            .map(|c| (c.index, c.node.start_byte(), c.node.end_byte()));
        (pattern, caps.collect())
    }

    /// Matches of `patterns` over `code` by the cursor and by the walk,
    /// each sorted and deduplicated.
    fn both(lang: Lang, patterns: &str, code: &str) -> (Found, Found) {
        let grammar = lang.grammar().expect("grammar");
        let query = tree_sitter::Query::new(&grammar, patterns).expect("query compiles");
        let fast = FastQuery::build(&grammar, &[patterns]).expect("supported");
        assert_eq!(fast.capture_names(), query.capture_names(), "{patterns}");
        let fixed: Vec<Option<String>> = (0..query.pattern_count())
            .map(|i| {
                let variant = query
                    .property_settings(i)
                    .iter()
                    .find(|p| &*p.key == "variant");
                variant.and_then(|p| p.value.as_deref().map(str::to_string))
            })
            .collect();
        let fast_fixed: Vec<Option<String>> = fast
            .fixed_variants()
            .map(|v| v.map(str::to_string))
            .collect();
        assert_eq!(fast_fixed, fixed, "{patterns}");
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&grammar).expect("language");
        let tree = parser.parse(code, None).expect("parse");
        let mut cursor_found = Vec::new();
        let mut cursor = tree_sitter::QueryCursor::new();
        let mut matches = cursor.matches(&query, tree.root_node(), code.as_bytes());
        while let Some(m) = matches.next() {
            cursor_found.push(key(m.pattern_index, m.captures()));
        }
        let mut walk_found = Vec::new();
        let mut record = |p: usize, caps: &[QueryCapture<'_>]| walk_found.push(key(p, caps));
        fast.for_each_match(tree.root_node(), true, code.as_bytes(), &mut record, None);
        for found in [&mut cursor_found, &mut walk_found] {
            found.sort();
            found.dedup();
        }
        (cursor_found, walk_found)
    }

    #[test]
    fn the_walk_finds_what_the_cursor_finds() {
        let python = r#"
import os
@app.route("/a", methods=["GET"])
def view(a, b=1, *args, **kw):
    """Doc."""
    # note
    x = os.environ["HOME"]
    y = f"{a} and {b}"
    if a: pass
    g(g, a)
    return g(a, b, c)

# top
class A(Base, Mixin):
    def m(self): return self.x.y(1)
    def n(self):
        self.assertEqual(os.getenv("X"), g(b, a, b))
"#;
        let cases = [
            "(argument_list . (identifier) @first) @m",
            "(argument_list (identifier) @last .) @m",
            "(argument_list (identifier) @a . (identifier) @b) @m",
            "(function_definition !return_type name: (identifier) @n) @m",
            "(function_definition body: (block . (expression_statement (string)) @doc)) @m",
            "(parameters [(identifier) (default_parameter)] @p)",
            "[(list_splat_pattern) (dictionary_splat_pattern)] @splat",
            "(class_definition superclasses: (argument_list (_) @base)) @c",
            "((identifier) @i (#match? @i \"^[a-c]$\"))",
            "((identifier) @i (#not-match? @i \"^[a-c]$\"))",
            "((identifier) @i (#not-eq? @i \"os\"))",
            "((identifier) @i (#any-of? @i \"os\" \"g\" \"self\"))",
            "((identifier) @i (#not-any-of? @i \"os\" \"g\"))",
            "((call function: (identifier) @f arguments: (argument_list (identifier) @x)) (#eq? @f @x))",
            "((argument_list (identifier) @x (identifier) @y) (#not-eq? @x @y))",
            "((call arguments: (argument_list (identifier) @xs)) (#any-eq? @xs \"b\"))",
            "((call arguments: (argument_list (identifier) @xs)) (#any-not-eq? @xs \"a\"))",
            "(decorator (call function: (attribute object: (_) @o attribute: (identifier) @a) arguments: (argument_list (string)? @s (keyword_argument)? @k))) @d",
            "(if_statement \"if\" @kw condition: (_) @c)",
            "(block (_) @first_stmt . (_))",
            "(module (comment)? @c (class_definition) @f)",
            "(module (import_statement)? @i . (decorated_definition) @f)",
            "(subscript value: (attribute object: (identifier) @o attribute: (identifier) @a) subscript: (string) @k)",
            "(_ (string) @s) @parent",
            "(string (interpolation) @i)",
            // Twins: one shape under other capture names, or the same.
            "(call function: (attribute object: (_) @recv attribute: (identifier) @method)) @m\n(call function: (attribute object: (_) @o attribute: (identifier) @a)) @c\n(call function: (attribute object: (_) @recv attribute: (identifier) @method)) @m",
            "((identifier) @i (#eq? @i \"g\"))\n((identifier) @j (#eq? @j \"g\"))\n((identifier) @k (#eq? @k \"a\"))\n((identifier) @i (#eq? @i \"g\"))",
            "((identifier) @i (#match? @i \"^g$\"))\n((identifier) @j (#match? @j \"^a$\"))",
            "(call arguments: (argument_list . (_) @x)) @c\n(call arguments: (argument_list (_) @x .)) @c\n(call arguments: (argument_list . (_) @y)) @d",
            // Guards: words at fixed places below the root.
            "(call function: (attribute object: (identifier) @o (#eq? @o \"self\") attribute: (identifier) @a)) @c",
            "(call function: (attribute object: (identifier) @o (#any-of? @o \"os\" \"sys\") attribute: (identifier) @a (#eq? @a \"getenv\"))) @c",
            "(call function: (identifier) @f (#any-of? @f \"g\" \"h\") arguments: (argument_list (identifier) @x (#eq? @x \"b\"))) @c",
            "(argument_list (identifier) @x (#eq? @x \"b\")) @args",
            "(subscript value: (attribute object: (identifier) @o (#eq? @o \"os\") attribute: (identifier) @a (#eq? @a \"environ\"))) @s",
            "((call function: (identifier) @f) @c (#set! variant \"called\") (#eq? @f \"g\"))\n((identifier) @i (#set! variant other) (#eq? @i \"os\"))\n(call arguments: (argument_list (identifier) @i) @args) @c",
        ];
        for pattern in cases {
            let (cursor, walk) = both(Lang::Python, pattern, python);
            assert!(!cursor.is_empty(), "{pattern}: the case matches nothing");
            assert_eq!(walk, cursor, "{pattern}");
        }
    }

    #[test]
    fn twins_and_guards_are_found() {
        let grammar = Lang::Python.grammar().expect("grammar");
        let text = "(call function: (attribute object: (identifier) @o (#eq? @o \"os\") attribute: (identifier) @m)) @c\n\
                    (call function: (attribute object: (identifier) @x (#eq? @x \"os\") attribute: (identifier) @y)) @d\n\
                    (call function: (attribute object: (identifier) @o (#eq? @o \"sys\") attribute: (identifier) @m)) @c";
        let fast = FastQuery::build(&grammar, &[text]).expect("supported");
        let [first, second, third] = &fast.patterns[..] else {
            panic!("three patterns");
        };
        assert!(first.shared && first.twin_of.is_none());
        let twin = second
            .twin_of
            .as_ref()
            .expect("the second is the first's twin");
        assert_eq!(twin.pattern, 0);
        let id = |name: &str| {
            let at = fast.capture_names.iter().position(|n| n == name);
            u32::try_from(at.expect("capture")).expect("small")
        };
        let mut mapped = twin.captures.clone();
        mapped.sort();
        let mut want = vec![(id("c"), id("d")), (id("o"), id("x")), (id("m"), id("y"))];
        want.sort();
        assert_eq!(mapped, want);
        assert!(third.twin_of.is_none(), "another word is another shape");
        for p in [first, third] {
            let [guard] = &p.guards[..] else {
                panic!("one guard");
            };
            let field = |name: &str| grammar.field_id_for_name(name).map(|f| f.get());
            let kind = |name: &str| grammar.id_for_node_kind(name, true);
            assert_eq!(
                guard.path,
                [
                    (field("function"), kind("attribute")),
                    (field("object"), kind("identifier"))
                ]
            );
        }
    }

    #[test]
    fn unsupported_forms_are_declined_not_misread() {
        let grammar = Lang::Python.grammar().expect("grammar");
        for pattern in [
            "((comment) . (function_definition))",
            "(expression) @e",
            "(call (argument_list ((identifier) (identifier))*))",
            "(argument_list (identifier)* @args)",
            "(argument_list (identifier)+ @args)",
            "(MISSING identifier) @m",
        ] {
            if tree_sitter::Query::new(&grammar, pattern).is_err() {
                continue;
            }
            assert!(FastQuery::build(&grammar, &[pattern]).is_err(), "{pattern}");
        }
    }
}
