//! Command-line definitions (clap derive). Every command documents
//! examples in its `--help`; exit codes are listed in the top-level help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success (check: no violation at or above --fail-on)
  1    check found violations at or above --fail-on
  2    usage or configuration error (bad arguments, project not initialised,
       malformed .drift/drift.toml, unknown convention id, path outside the
       project, unknown git revision)
  3    runtime failure (I/O, index, git could not run)
  130  interrupted (Ctrl-C)

Environment:
  DRIFT_LOG        tracing filter for logs on stderr (e.g. `debug`, `drift_scan=trace`)
  DRIFT_INDEX_DIR  keep the index in this directory (like --index-dir)
  NO_COLOR         disables colour (like --color never)";

const TOP_EXAMPLES: &str = "\
Examples:
  drift init                      # create .drift/ with a documented drift.toml
  drift scan                      # learn the project's conventions
  drift status                    # one-screen health
  drift conventions list --tier established
  drift approve naming/function-case:camel-case
  drift check --changed-since origin/main --format github
  drift callgraph callers UserService.register";

#[derive(Debug, Parser)]
#[command(
    name = "drift",
    version,
    about = "Drift learns your codebase's conventions and checks code against them.",
    after_help = format!("{TOP_EXAMPLES}\n\n{EXIT_CODES_HELP}"),
    propagate_version = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Project root. Default: the nearest ancestor of the current directory
    /// containing `.drift/`, else the current directory.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Keep the index (drift.db) in this directory instead of `.drift/`, for
    /// read-only checkouts and containers. One directory per project.
    /// Default: $DRIFT_INDEX_DIR when set and not empty.
    #[arg(long, global = true, value_name = "DIR")]
    pub index_dir: Option<PathBuf>,
    /// When to use colour (NO_COLOR is honoured by `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print less (only data and errors).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more logs on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create .drift/ (config, ignore files, rules directory). Idempotent.
    #[command(after_help = "\
Examples:
  drift init
  drift init --root path/to/project --json

Existing files are never overwritten; the output says which were created and
which were kept.")]
    Init(InitArgs),

    /// Scan the project (incrementally) and learn its conventions.
    #[command(after_help = "\
Examples:
  drift scan                 # incremental: only changed files are re-parsed
  drift scan --full          # rebuild the index from scratch
  drift scan --verbose       # also list every skipped file with its reason
  drift scan src/ lib/a.ts   # report on these paths (the index stays whole)
  drift scan --json
  drift scan --init --root path/to/project   # first run: create .drift/ too

Ctrl-C stops the scan cleanly; the index stays consistent.")]
    Scan(ScanArgs),

    /// One-screen project health: conventions by category, decisions, counts.
    #[command(after_help = "\
Examples:
  drift status
  drift status --json")]
    Status(JsonArg),

    /// List and inspect learned conventions.
    #[command(subcommand)]
    Conventions(ConventionsCommand),

    /// Approve conventions so `drift check` enforces them.
    #[command(after_help = "\
Examples:
  drift approve naming/function-case:camel-case
  drift approve a/b:x c/d:y --reason \"agreed in review\"
  drift approve --min-confidence 0.9          # every convention at >= 0.9
  drift approve naming/function-case:camel-case --scope 'legacy/**' --variant snake-case
      # enforce camel-case, but accept snake-case under legacy/
  drift approve api/route-style:kebab-case --scope 'src/gen/**'
      # enforce, except anywhere under src/gen/ (any variant accepted)

Decisions are written to .drift/conventions.toml (commit it).")]
    Approve(ApproveArgs),

    /// Ignore conventions: `drift check` never reports them.
    #[command(after_help = "\
Examples:
  drift ignore style/quotes:double --reason \"formatter decides\"

Decisions are written to .drift/conventions.toml (commit it).")]
    Ignore(IgnoreArgs),

    /// Report violations of approved conventions (and, when configured, of
    /// confident discovered ones).
    #[command(after_help = "\
Examples:
  drift check
  drift check --fail-on warning
  drift check --changed-since origin/main     # only lines changed since that revision
  drift check --staged                        # only lines staged in the git index
  drift check --format sarif > drift.sarif
  drift check --format github                 # GitHub Actions annotations

The index is brought up to date by an incremental scan first (--no-scan to skip).
Exit status: 0 when no violation is at or above --fail-on, 1 otherwise.")]
    Check(CheckArgs),

    /// Export approved conventions with examples for AI context files.
    #[command(after_help = "\
Examples:
  drift export --format markdown > CONVENTIONS.md
  drift export --format json --max-tokens 2000

Tokens are estimated as characters / 4 (rounded up); conventions are taken
by decreasing confidence until the budget is spent, examples dropped first.")]
    Export(ExportArgs),

    /// Query the call graph: callers, callees, impact, paths, dead code.
    #[command(subcommand)]
    Callgraph(CallgraphCommand),

    /// Check the environment, configuration and index, with fixes.
    #[command(after_help = "\
Examples:
  drift doctor
  drift doctor --json")]
    Doctor(JsonArg),

    /// Serve the project's conventions, symbols and call graph to AI agents
    /// over MCP (stdio by default, streamable HTTP with --http).
    #[command(after_help = "\
Examples:
  drift mcp                                  # stdio, for an agent that spawns it
  drift mcp --http                           # http://127.0.0.1:3917/mcp
  DRIFT_MCP_TOKEN=... drift mcp --http --bind 0.0.0.0:3917

Any non-loopback --bind requires a bearer token (DRIFT_MCP_TOKEN).")]
    Mcp(McpArgs),
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// Serve streamable HTTP (at /mcp, plus GET /healthz) instead of stdio.
    #[arg(long)]
    pub http: bool,
    /// Address to listen on with --http.
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1:3917",
        requires = "http"
    )]
    pub bind: std::net::SocketAddr,
    /// Bearer token required from HTTP clients.
    #[arg(long, env = "DRIFT_MCP_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Extra allowed browser Origin (`scheme://host[:port]`, port `*` = any).
    #[arg(long = "allow-origin", value_name = "ORIGIN", requires = "http")]
    pub allow_origin: Vec<String>,
    /// Per-tool-call time limit in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub tool_timeout: u64,
    /// Do not scan a missing or stale index at start-up.
    #[arg(long)]
    pub no_scan: bool,
}

#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print machine-readable JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Report on these files/directories only (relative to the current
    /// directory; they must be inside the project).
    pub paths: Vec<PathBuf>,
    /// Rebuild the whole index instead of re-parsing changed files only.
    #[arg(long)]
    pub full: bool,
    /// Create `.drift/` first (as `drift init` does) if the project has none.
    #[arg(long)]
    pub init: bool,
    /// Print machine-readable JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConventionsCommand {
    /// List conventions, grouped by category.
    #[command(after_help = "\
Examples:
  drift conventions list
  drift conventions list --category naming --tier established
  drift conventions list --state approved --json
  drift conventions list --min-confidence 0.8")]
    List(ListArgs),
    /// Show one convention: variants with counts, examples with file:line.
    #[command(after_help = "\
Examples:
  drift conventions show naming/function-case:camel-case
  drift conventions show naming/function-case        # by pattern id
  drift conventions show naming/function-case:camel-case --json")]
    Show(ShowArgs),
}

#[derive(Debug, Subcommand)]
pub enum CallgraphCommand {
    /// Functions that call SYMBOL (transitively up to --depth).
    #[command(after_help = "\
Examples:
  drift callgraph callers UserService.register
  drift callgraph callers src.api.users.create --depth 3 --json

SYMBOL is a qualified name (`src.a.b.fn`), a dotted suffix (`Class.method`)
or a simple name when it is unique.")]
    Callers(GraphArgs),
    /// Functions SYMBOL calls (transitively up to --depth).
    #[command(after_help = "\
Examples:
  drift callgraph callees main
  drift callgraph callees Repo.save --depth 2 --json")]
    Callees(GraphArgs),
    /// Everything that (transitively) calls SYMBOL, or any function of --file,
    /// with the entry points affected.
    #[command(after_help = "\
Examples:
  drift callgraph impact Repo.save
  drift callgraph impact --file src/db/repo.ts --json")]
    Impact(ImpactArgs),
    /// A shortest call path from FROM to TO.
    #[command(after_help = "\
Examples:
  drift callgraph path main Repo.save")]
    Path(PathArgs),
    /// Functions no entry point reaches.
    #[command(
        name = "dead-code",
        after_help = "\
Examples:
  drift callgraph dead-code
  drift callgraph dead-code --json"
    )]
    DeadCode(JsonArg),
    /// Counts and resolution rates by strategy and language.
    #[command(after_help = "\
Examples:
  drift callgraph stats --json")]
    Stats(JsonArg),
    /// The whole graph as JSON (`{"caller": ["callee", ...]}`, sorted).
    #[command(after_help = "\
Examples:
  drift callgraph export > callgraph.json")]
    Export,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    pub symbol: String,
    /// How many calls away to follow (1 = direct).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub depth: u32,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ImpactArgs {
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    pub symbol: Option<String>,
    /// A root-relative file: the impact of changing any of its functions.
    #[arg(long)]
    pub file: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PathArgs {
    pub from: String,
    pub to: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StateFilter {
    Approved,
    Ignored,
    Discovered,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this category (the part of the id before the first `/`).
    #[arg(long)]
    pub category: Option<String>,
    /// Only conventions in this decision state.
    #[arg(long, value_enum)]
    pub state: Option<StateFilter>,
    /// Only conventions with at least this confidence (0..=1).
    #[arg(long, value_parser = parse_confidence, value_name = "X")]
    pub min_confidence: Option<f64>,
    /// Only this tier: established, emerging or contested.
    #[arg(long, value_parser = ["established", "emerging", "contested"])]
    pub tier: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Convention id (`pattern:variant`) or pattern id.
    pub id: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// Convention ids (`pattern:variant`); a pattern id approves its current
    /// dominant variant.
    #[arg(required_unless_present = "min_confidence")]
    pub ids: Vec<String>,
    /// Approve every discovered convention with at least this confidence.
    #[arg(long, value_parser = parse_confidence, value_name = "X", conflicts_with = "scope")]
    pub min_confidence: Option<f64>,
    /// Add an exception instead: under this glob (relative to the root) the
    /// convention is not enforced (or only `--variant` is accepted too).
    #[arg(long, value_name = "GLOB")]
    pub scope: Option<String>,
    /// With --scope: the variant accepted under the glob (default: any).
    #[arg(long, requires = "scope")]
    pub variant: Option<String>,
    /// Why (recorded in .drift/conventions.toml).
    #[arg(long)]
    pub reason: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IgnoreArgs {
    /// Convention ids (`pattern:variant`) or pattern ids.
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Why (required: it is what reviewers read).
    #[arg(long, required = true)]
    pub reason: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Error,
    Warning,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Only report violations on lines changed since this git revision
    /// (working tree and index compared with it; untracked files count).
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Only report violations on lines staged in the git index.
    #[arg(long)]
    pub staged: bool,
    /// Lowest severity that makes the exit status 1 (default from
    /// drift.toml `check.fail_on`, else `error`).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Shorthand for --format json.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Use the index as it is instead of scanning changed files first.
    #[arg(long)]
    pub no_scan: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = ExportFormat::Markdown)]
    pub format: ExportFormat,
    /// Token budget (≈ characters / 4). Default from drift.toml
    /// `export.max_tokens`.
    #[arg(long, value_name = "N")]
    pub max_tokens: Option<usize>,
}

fn parse_confidence(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number between 0 and 1"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0 and 1"))
    }
}
