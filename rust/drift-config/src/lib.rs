//! # drift-config
//!
//! Drift's project files, read and written without any terminal code:
//!
//! - [`Config`]: `.drift/drift.toml` (what to scan, confidence tiers,
//!   severity overrides, rule directories, `check`/`export` defaults),
//!   parsed strictly: unknown keys and bad values are [`ConfigError`]s that
//!   carry file:line:column and the key ([`Diagnostic`]).
//! - [`Decisions`]: `.drift/conventions.toml`, the reviewable, committed
//!   record of approved/ignored conventions and scoped exceptions, written
//!   by a deterministic writer (sorted by id, stable layout).
//! - [`init()`]: creates `.drift/` and its templates, idempotently.
//! - [`paths`]: file locations and project-root discovery.
//!
//! It does not depend on the scan engine: the CLI maps [`Config`] into the
//! engine's scan configuration, so the engine could depend on this crate.

pub mod config;
pub mod decisions;
pub mod error;
pub mod init;
pub mod locate;
pub mod paths;

pub use config::{
    ByteSize, CONFIG_TEMPLATE, Confidence, Config, FailOn, GlobPattern, LangId, Severity, Tier,
};
pub use decisions::{
    DECISIONS_VERSION, Decision, DecisionState, Decisions, ScopeOverride, glob_matches,
};
pub use error::{ConfigError, Diagnostic};
pub use init::{InitAction, InitEntry, InitReport, init};
