//! Tool argument types. Their JSON Schemas (schemars) are what clients see
//! in `tools/list`, so every field is documented.

use schemars::JsonSchema;
use serde::Deserialize;

/// What the agent is about to do; selects which conventions matter most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    AddFeature,
    FixBug,
    Refactor,
    AddTest,
    SecurityReview,
    Understand,
}

impl Intent {
    pub fn id(self) -> &'static str {
        match self {
            Intent::AddFeature => "add_feature",
            Intent::FixBug => "fix_bug",
            Intent::Refactor => "refactor",
            Intent::AddTest => "add_test",
            Intent::SecurityReview => "security_review",
            Intent::Understand => "understand",
        }
    }

    /// Category keywords that matter most for this intent (matched as
    /// substrings of convention categories), most important first.
    pub fn category_keywords(self) -> &'static [&'static str] {
        match self {
            Intent::AddFeature => &[
                "api",
                "structure",
                "naming",
                "import",
                "component",
                "data",
                "error",
                "type",
                "style",
            ],
            Intent::FixBug => &["error", "valid", "log", "null", "async", "type", "data"],
            Intent::Refactor => &["naming", "structure", "import", "style", "type", "doc"],
            Intent::AddTest => &["test", "mock", "fixture", "assert", "naming"],
            Intent::SecurityReview => &[
                "security", "auth", "valid", "sql", "secret", "crypto", "input", "config", "env",
                "error",
            ],
            Intent::Understand => &[],
        }
    }
}

/// Decision state of a convention in `.drift/conventions.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum StateFilter {
    /// Approved conventions (enforced by `drift check`).
    Approved,
    /// Ignored conventions.
    Ignored,
    /// Learned but not yet decided.
    Undecided,
    /// Everything except ignored (default).
    #[default]
    NotIgnored,
    /// Everything.
    Any,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct StatusArgs {
    /// Wait (up to the tool timeout) for a running background scan to
    /// finish, with progress notifications when the request carries a
    /// progress token.
    #[serde(default)]
    pub wait_for_scan: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContextArgs {
    /// What you are about to do.
    pub intent: Intent,
    /// A file path (root-relative) or free text (feature, symbol or bug
    /// description) to centre the context on.
    pub focus: String,
    /// Output budget in tokens (≈ 4 characters each). Default 2000.
    #[serde(default)]
    pub max_tokens: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ConventionsArgs {
    /// Only this category (exact, as listed by this tool).
    #[serde(default)]
    pub category: Option<String>,
    /// Decision state filter. Default `not_ignored`.
    #[serde(default)]
    pub state: Option<StateFilter>,
    /// Minimum confidence (0..1).
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub min_confidence: Option<f64>,
    /// Page size (1..100). Default 25.
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<u32>,
    /// `next_cursor` from the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Output budget in tokens. Default 2000.
    #[serde(default)]
    pub max_tokens: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConventionArgs {
    /// Convention id (from drift_conventions or drift_context).
    pub id: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ExamplesArgs {
    /// Convention id: examples of its dominant variant (and of the variants
    /// to avoid). Give this or `category`.
    #[serde(default)]
    pub convention: Option<String>,
    /// Category: examples of each convention in it.
    #[serde(default)]
    pub category: Option<String>,
    /// Maximum examples (1..20). Default 5.
    #[serde(default)]
    #[schemars(range(min = 1, max = 20))]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileArgs {
    /// File path relative to the project root.
    pub path: String,
    /// Output budget in tokens. Default 2000.
    #[serde(default)]
    pub max_tokens: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateArgs {
    /// Where the code will live (root-relative; need not exist yet). Its
    /// extension selects the language.
    pub path: String,
    /// The proposed file content.
    pub content: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SymbolsArgs {
    /// Case-insensitive substring of a symbol's name or qualified name.
    pub query: String,
    /// Page size (1..200). Default 50.
    #[serde(default)]
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
    /// `next_cursor` from the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SymbolArgs {
    /// Symbol name: simple (`run`), in-file qualified (`Service.run`) or
    /// project-qualified (`src.svc.Service.run`).
    pub symbol: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GraphArgs {
    /// Symbol name (simple, `Class.method` or fully qualified).
    pub symbol: String,
    /// How many call levels to follow (1..5). Default 1.
    #[serde(default)]
    #[schemars(range(min = 1, max = 5))]
    pub depth: Option<u32>,
    /// Output budget in tokens. Default 2000.
    #[serde(default)]
    pub max_tokens: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ImpactArgs {
    /// Symbol whose change is assessed. Give this or `path`.
    #[serde(default)]
    pub symbol: Option<String>,
    /// File whose change is assessed (all its symbols).
    #[serde(default)]
    pub path: Option<String>,
    /// Output budget in tokens. Default 2000.
    #[serde(default)]
    pub max_tokens: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportArgs {
    /// The symbol to import (simple or qualified name).
    pub symbol: String,
    /// The file that will contain the import (root-relative; need not exist).
    pub from_path: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, Default)]
pub struct PrimeArgs {
    /// Optional intent to emphasise (add_feature, fix_bug, refactor,
    /// add_test, security_review, understand).
    #[serde(default)]
    pub intent: Option<String>,
}
