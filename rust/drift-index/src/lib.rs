//! drift-index (being implemented).
