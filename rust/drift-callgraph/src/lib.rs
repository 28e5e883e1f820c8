//! drift-callgraph (being implemented).
