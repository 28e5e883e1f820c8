//! drift-scan (being implemented).
