// A pre-order walk of a tree-sitter tree's visible nodes, for
// `extract::walk`. It visits what `TSTreeCursor` visits and reports the
// same node, kind and field for each, but keeps one child iterator per
// level: the cursor rebuilds its iterator on every `goto_next_sibling`
// (stepping over the current child again) and searches its stack for
// every field, which made walking a tree a large share of a scan.
//
// It reads the tree through tree-sitter's internal headers (subtree.h,
// language.h), so it is compiled against the sources of the very
// tree-sitter build it links with (see build.rs); the tests in
// `src/extract/tree_walk.rs` hold it to the cursor on every language.

#include <stdlib.h>
#include <string.h>

#include "tree_sitter/api.h"
#include "./language.h"
#include "./length.h"
#include "./subtree.h"
#include "./tree.h"

typedef struct {
  const Subtree *subtree;
  uint32_t structural_child_index;
  bool visible;
  // The next child to look at, its structural index and its position
  // (the node's own position until its first child is visited).
  uint32_t next_child;
  uint32_t next_structural;
  Length next_position;
} Frame;

typedef struct {
  const TSTree *tree;
  Frame *stack;
  uint32_t size;
  uint32_t capacity;
  TSSymbol root_alias;
  bool started;
} DriftTreeWalk;

typedef struct {
  TSNode node;
  uint16_t field;
  uint16_t symbol;
} DriftWalkEntered;

enum { DRIFT_WALK_DONE = 0, DRIFT_WALK_ENTER = 1, DRIFT_WALK_LEAVE = 2, DRIFT_WALK_NO_MEMORY = 3 };

static bool push(DriftTreeWalk *self, Frame frame) {
  if (self->size == self->capacity) {
    uint32_t capacity = self->capacity ? self->capacity * 2 : 64;
    Frame *stack = realloc(self->stack, capacity * sizeof(Frame));
    if (!stack) return false;
    self->stack = stack;
    self->capacity = capacity;
  }
  self->stack[self->size++] = frame;
  return true;
}

static Frame frame_of(const Subtree *subtree, Length position, uint32_t structural, bool visible) {
  return (Frame) {
    .subtree = subtree,
    .structural_child_index = structural,
    .visible = visible,
    .next_child = 0,
    .next_structural = 0,
    .next_position = position,
  };
}

// `ts_tree_cursor_current_field_id` on this stack: the top node's field,
// or that of the hidden ancestors it stands for, up to a visible one.
static TSFieldId top_field(const DriftTreeWalk *self) {
  const TSLanguage *language = self->tree->language;
  for (uint32_t i = self->size - 1; i > 0; i--) {
    const Frame *entry = &self->stack[i];
    const Frame *parent = &self->stack[i - 1];
    if (i != self->size - 1 && entry->visible) break;
    if (ts_subtree_extra(*entry->subtree)) break;
    const TSFieldMapEntry *map, *end;
    ts_language_field_map(language, parent->subtree->ptr->production_id, &map, &end);
    for (; map < end; map++) {
      if (!map->inherited && map->child_index == entry->structural_child_index) {
        return map->field_id;
      }
    }
  }
  return 0;
}

static TSNode node_of(const TSTree *tree, const Subtree *subtree, Length position, TSSymbol alias) {
  return (TSNode) {
    {position.bytes, position.extent.row, position.extent.column, alias},
    subtree,
    tree,
  };
}

static uint16_t public_symbol(const TSLanguage *language, const Subtree *subtree, TSSymbol alias) {
  TSSymbol symbol = alias ? alias : ts_subtree_symbol(*subtree);
  return symbol == ts_builtin_sym_error ? symbol : language->public_symbol_map[symbol];
}

DriftTreeWalk *drift_tree_walk_new(TSNode root) {
  DriftTreeWalk *self = calloc(1, sizeof(DriftTreeWalk));
  if (!self) return NULL;
  self->tree = root.tree;
  self->root_alias = (TSSymbol)root.context[3];
  Length position = {
    .bytes = root.context[0],
    .extent = {.row = root.context[1], .column = root.context[2]},
  };
  if (!push(self, frame_of((const Subtree *)root.id, position, 0, true))) {
    free(self);
    return NULL;
  }
  return self;
}

void drift_tree_walk_delete(DriftTreeWalk *self) {
  if (!self) return;
  free(self->stack);
  free(self);
}

// The next step: DRIFT_WALK_ENTER with `out` filled when the walk enters a
// visible node, DRIFT_WALK_LEAVE when it leaves one (after its children),
// DRIFT_WALK_DONE after leaving the root.
int drift_tree_walk_next(DriftTreeWalk *self, DriftWalkEntered *out) {
  const TSLanguage *language = self->tree->language;
  if (!self->started) {
    self->started = true;
    const Frame *root = &self->stack[0];
    *out = (DriftWalkEntered) {
      .node = node_of(self->tree, root->subtree, root->next_position, self->root_alias),
      .field = 0,
      .symbol = public_symbol(language, root->subtree, self->root_alias),
    };
    return DRIFT_WALK_ENTER;
  }
  while (self->size > 0) {
    Frame *top = &self->stack[self->size - 1];
    Subtree parent = *top->subtree;
    uint32_t count = ts_subtree_child_count(parent);
    if (top->next_child >= count) {
      bool visible = top->visible;
      self->size--;
      if (visible) return DRIFT_WALK_LEAVE;
      continue;
    }
    const Subtree *children = ts_subtree_children(parent);
    const Subtree *child = &children[top->next_child];
    Length position = top->next_position;
    uint32_t structural = top->next_structural;
    bool visible = ts_subtree_visible(*child);
    TSSymbol alias = 0;
    if (!ts_subtree_extra(*child)) {
      const TSSymbol *aliases = ts_language_alias_sequence(language, parent.ptr->production_id);
      if (aliases) {
        alias = aliases[structural];
        visible |= alias != 0;
      }
      top->next_structural++;
    }
    top->next_position = length_add(position, ts_subtree_size(*child));
    top->next_child++;
    if (top->next_child < count) {
      top->next_position = length_add(top->next_position, ts_subtree_padding(children[top->next_child]));
    }
    if (visible) {
      if (!push(self, frame_of(child, position, structural, true))) return DRIFT_WALK_NO_MEMORY;
      *out = (DriftWalkEntered) {
        .node = node_of(self->tree, child, position, alias),
        .field = top_field(self),
        .symbol = public_symbol(language, child, alias),
      };
      return DRIFT_WALK_ENTER;
    }
    if (ts_subtree_visible_child_count(*child) > 0) {
      if (!push(self, frame_of(child, position, structural, false))) return DRIFT_WALK_NO_MEMORY;
    }
  }
  return DRIFT_WALK_DONE;
}
