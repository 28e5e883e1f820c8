//! The visible nodes of a tree in document order, as `TreeCursor` walks
//! them (same nodes, kinds and fields), through `csrc/tree_walk.c`.
//!
//! The cursor rebuilds its child iterator on every step and walks its
//! stack again for each field; on Django that made walking a tree cost a
//! third as much as parsing it (perf samples of the cursor's calls
//! against the parse's). The C walk keeps one iterator per level.
//! It reads tree-sitter's internal structures, so build.rs compiles it
//! against the headers of the tree-sitter it links with, and the tests
//! below hold it to the cursor on every language.
#![allow(unsafe_code)]

use std::marker::PhantomData;
use std::ptr::NonNull;

use tree_sitter::Node;
use tree_sitter::ffi::TSNode;

/// `DriftTreeWalk` (opaque).
#[repr(C)]
struct RawWalk {
    _private: [u8; 0],
}

/// `DriftWalkEntered`.
#[repr(C)]
struct RawEntered {
    node: TSNode,
    field: u16,
    symbol: u16,
}

const DONE: i32 = 0;
const ENTER: i32 = 1;
const LEAVE: i32 = 2;

unsafe extern "C" {
    fn drift_tree_walk_new(root: TSNode) -> *mut RawWalk;
    fn drift_tree_walk_next(walk: *mut RawWalk, out: *mut RawEntered) -> i32;
    fn drift_tree_walk_delete(walk: *mut RawWalk);
}

/// One step of a [`TreeWalk`].
pub(crate) enum Step<'tree> {
    /// Entering a node: its field in its parent (0: none) and kind id.
    Enter {
        node: Node<'tree>,
        field: u16,
        kind: u16,
    },
    /// Leaving the node entered last and not yet left.
    Leave,
    /// The root has been left.
    Done,
}

/// A walk of `root`'s subtree: [`Step::Enter`] for `root` first, then for
/// each visible node before its children, [`Step::Leave`] after them.
pub(crate) struct TreeWalk<'tree> {
    raw: NonNull<RawWalk>,
    tree: PhantomData<Node<'tree>>,
}

impl<'tree> TreeWalk<'tree> {
    pub(crate) fn new(root: Node<'tree>) -> TreeWalk<'tree> {
        // SAFETY: `root` is a valid node of a tree that outlives 'tree; the
        // walk only reads it.
        let raw = unsafe { drift_tree_walk_new(root.into_raw()) };
        let Some(raw) = NonNull::new(raw) else {
            out_of_memory();
        };
        TreeWalk {
            raw,
            tree: PhantomData,
        }
    }

    #[inline]
    pub(crate) fn step(&mut self) -> Step<'tree> {
        let mut out = std::mem::MaybeUninit::<RawEntered>::uninit();
        // SAFETY: `raw` is a live walk (freed only on drop); `out` is
        // written whenever ENTER is returned.
        match unsafe { drift_tree_walk_next(self.raw.as_ptr(), out.as_mut_ptr()) } {
            ENTER => {
                // SAFETY: ENTER filled `out`; its node belongs to the tree
                // the walk reads, which lives for 'tree.
                let out = unsafe { out.assume_init() };
                Step::Enter {
                    node: unsafe { Node::from_raw(out.node) },
                    field: out.field,
                    kind: out.symbol,
                }
            }
            LEAVE => Step::Leave,
            DONE => Step::Done,
            _ => out_of_memory(),
        }
    }
}

impl Drop for TreeWalk<'_> {
    fn drop(&mut self) {
        // SAFETY: `raw` came from `drift_tree_walk_new` and is freed once.
        unsafe { drift_tree_walk_delete(self.raw.as_ptr()) }
    }
}

/// The C walk's stack could not grow: fail as Rust does on allocation
/// failure.
#[cold]
fn out_of_memory() -> ! {
    std::alloc::handle_alloc_error(std::alloc::Layout::new::<[usize; 64]>())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::lang::Lang;

    /// Every step of a walk: the node entered, `None` for leaving.
    type Steps = Vec<Option<Entered>>;

    /// A node as a walk reports it: id, kind, field, namedness, byte span
    /// and start point.
    type Entered = (usize, u16, u16, bool, usize, usize, tree_sitter::Point);

    fn by_cursor(root: Node<'_>) -> Steps {
        let mut out = vec![Some(entry(root, 0))];
        let mut cursor = root.walk();
        loop {
            if cursor.goto_first_child() {
                out.push(Some(entry(cursor.node(), field(&cursor))));
                continue;
            }
            loop {
                out.push(None);
                if cursor.depth() == 0 {
                    return out;
                }
                if cursor.goto_next_sibling() {
                    out.push(Some(entry(cursor.node(), field(&cursor))));
                    break;
                }
                cursor.goto_parent();
            }
        }
    }

    fn by_walk(root: Node<'_>) -> Steps {
        let mut out = Vec::new();
        let mut walk = TreeWalk::new(root);
        loop {
            match walk.step() {
                Step::Enter { node, field, kind } => {
                    assert_eq!(kind, node.kind_id(), "{node:?}");
                    out.push(Some(entry(node, field)));
                }
                Step::Leave => out.push(None),
                Step::Done => return out,
            }
        }
    }

    /// Every builtin rule's test snippets (every language, and the
    /// errors, comments and aliases real code has) plus broken code.
    pub(in crate::extract) fn samples() -> Vec<(Lang, String)> {
        let set = crate::detect::DetectorSet::builtin();
        let mut samples: Vec<(Lang, String)> = set
            .detectors()
            .iter()
            .flat_map(|d| d.tests.iter().map(|t| (t.lang, t.code.clone())))
            .collect();
        samples.extend([
            (Lang::Python, "def f(:\n  x = [1, 2\nclass\n".to_string()),
            (
                Lang::TypeScript,
                "let x: = <T,>(a: b => { /* c */ if (".to_string(),
            ),
            (
                Lang::Rust,
                "fn f() { let x = ; match y { _ => } /* c */".to_string(),
            ),
            (
                Lang::Cpp,
                "template<class T> int f() { return T:: ; } // c".to_string(),
            ),
        ]);
        samples
    }

    /// Every step, walked from each sample's root and from every node
    /// inside it.
    #[test]
    fn walks_what_the_cursor_walks() {
        let samples = samples();
        let langs: std::collections::BTreeSet<&str> = samples.iter().map(|(l, _)| l.id()).collect();
        assert!(langs.len() >= 11, "languages covered: {langs:?}");
        let (mut nodes, mut with_field, mut errors) = (0, 0, 0);
        for (lang, code) in &samples {
            let Some(grammar) = lang.grammar() else {
                continue;
            };
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(&grammar).expect("grammar loads");
            let tree = parser.parse(code, None).expect("parses");
            let root = tree.root_node();
            let steps = by_walk(root);
            assert_eq!(steps, by_cursor(root), "{lang}: {code}");
            let mut cursor = root.walk();
            let mut inner = Vec::new();
            collect(&mut cursor, &mut inner);
            for node in inner {
                assert_eq!(
                    by_walk(node),
                    by_cursor(node),
                    "{lang}: {code}\nfrom {node:?}"
                );
            }
            nodes += steps.iter().flatten().count();
            with_field += steps.iter().flatten().filter(|s| s.2 != 0).count();
            errors += steps.iter().flatten().filter(|s| s.1 == u16::MAX).count();
        }
        // The samples reach what the walk must get right.
        assert!(
            nodes > 5_000 && with_field > 1_000 && errors > 0,
            "{nodes} {with_field} {errors}"
        );
    }

    fn collect<'t>(cursor: &mut tree_sitter::TreeCursor<'t>, out: &mut Vec<Node<'t>>) {
        out.push(cursor.node());
        if cursor.goto_first_child() {
            loop {
                collect(cursor, out);
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            cursor.goto_parent();
        }
    }

    fn field(cursor: &tree_sitter::TreeCursor<'_>) -> u16 {
        cursor.field_id().map_or(0, |f| f.get())
    }

    fn entry(node: Node<'_>, field: u16) -> Entered {
        (
            node.id(),
            node.kind_id(),
            field,
            node.is_named(),
            node.start_byte(),
            node.end_byte(),
            node.start_position(),
        )
    }
}
