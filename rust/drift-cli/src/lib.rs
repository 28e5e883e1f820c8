//! # drift-cli
//!
//! The `drift` command-line tool as a library: `main` only calls [`run`];
//! [`main_with_args`] runs the same code in-process with any writers, which
//! is what the tests use.
//!
//! Conventions: data on stdout, logs and progress on stderr; `--json`
//! wherever a command prints data; colour only on terminals (or
//! `--color always`) and never with `NO_COLOR`; exit codes in
//! [`error::exit`] (documented in `drift --help` and the README).

pub mod cli;
mod commands;
mod engine;
pub mod error;
pub mod export;
pub mod git;
mod model;
pub mod report;
pub mod style;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clap::Parser;

use crate::cli::{Cli, GlobalArgs};
use crate::error::{CliError, exit, exit_code_for};
use crate::style::Styler;

/// What the process is attached to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// `NO_COLOR` is set (to anything non-empty).
    pub no_color: bool,
    /// Running under CI (`CI` set): plain progress lines, no bars.
    pub ci: bool,
}

impl Terminal {
    fn detect() -> Terminal {
        Terminal {
            stdout_tty: std::io::stdout().is_terminal(),
            stderr_tty: std::io::stderr().is_terminal(),
            ..Terminal::from_env()
        }
    }

    fn from_env() -> Terminal {
        let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        Terminal {
            stdout_tty: false,
            stderr_tty: false,
            no_color: set("NO_COLOR"),
            ci: set("CI"),
        }
    }
}

/// Everything a command needs: writers, resolved paths, styles, cancel flag.
pub(crate) struct Ctx<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub global: GlobalArgs,
    pub cwd: PathBuf,
    pub root: PathBuf,
    pub out_style: Styler,
    pub err_style: Styler,
    pub term: Terminal,
    pub cancel: Arc<AtomicBool>,
}

impl Ctx<'_> {
    /// Fails with "run `drift init`" unless the root has `.drift/`.
    pub fn require_init(&self) -> anyhow::Result<()> {
        if drift_config::paths::is_initialised(&self.root) {
            Ok(())
        } else {
            Err(CliError::NotInitialised {
                root: self.root.clone(),
            }
            .into())
        }
    }

    /// The index directory: `--index-dir`, else `$DRIFT_INDEX_DIR` (an
    /// empty value counts as unset), relative to the working directory.
    pub fn index_dir(&self) -> Option<PathBuf> {
        self.global
            .index_dir
            .clone()
            .or_else(drift_config::paths::index_dir_from_env)
            .map(|d| self.cwd.join(d))
    }

    /// The index file: `drift.db` in [`Ctx::index_dir`] when set, else
    /// `.drift/drift.db`.
    pub fn index_file(&self) -> PathBuf {
        drift_config::paths::index_file(&self.root, self.index_dir().as_deref())
    }

    /// A log line on stderr (suppressed by `-q`).
    pub fn note(&mut self, msg: &str) {
        if !self.global.quiet {
            let _ = writeln!(self.err, "{msg}");
        }
    }

    pub fn verbose(&self) -> bool {
        self.global.verbose > 0
    }
}

static CANCEL: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();

/// The binary's entry point: real stdout/stderr, Ctrl-C handling, logs.
pub fn run() -> ExitCode {
    let cancel = CANCEL
        .get_or_init(|| {
            let flag = Arc::new(AtomicBool::new(false));
            let handler_flag = Arc::clone(&flag);
            let installed = ctrlc::set_handler(move || {
                if handler_flag.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    // Second Ctrl-C: the user insists.
                    std::process::exit(i32::from(exit::INTERRUPTED));
                }
            });
            if let Err(e) = installed {
                tracing::warn!("could not install the Ctrl-C handler: {e}");
            }
            flag
        })
        .clone();
    let args: Vec<OsString> = std::env::args_os().collect();
    let term = Terminal::detect();
    init_tracing(&args, term.stderr_tty && !term.no_color);
    // Unlocked handles: each write takes the lock briefly. Holding the
    // stderr lock for the whole run would deadlock the progress bar's tick
    // thread and log lines written from scan worker threads.
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    run_inner(args, &mut out, &mut err, term, cancel)
}

/// Runs `drift` in-process with `args` (including the program name),
/// writing to `stdout`/`stderr`; never a terminal (no colour unless
/// `--color always`, no progress bar).
pub fn main_with_args<I, T>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    run_inner(
        args,
        stdout,
        stderr,
        Terminal::from_env(),
        Arc::new(AtomicBool::new(false)),
    )
}

fn init_tracing(args: &[OsString], ansi: bool) {
    use tracing_subscriber::EnvFilter;
    let verbose = args
        .iter()
        .filter_map(|a| a.to_str())
        .map(|a| {
            if a == "--verbose" {
                1
            } else if a.starts_with('-') && !a.starts_with("--") {
                a.chars().filter(|&c| c == 'v').count()
            } else {
                0
            }
        })
        .sum::<usize>();
    let default = match verbose {
        0 | 1 => "warn",
        2 => "info",
        3 => "debug",
        _ => "trace",
    };
    let filter = match std::env::var("DRIFT_LOG") {
        Ok(spec) if !spec.trim().is_empty() => {
            EnvFilter::try_new(spec.trim()).unwrap_or_else(|_| EnvFilter::new(default))
        }
        _ => EnvFilter::new(default),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true)
        .with_ansi(ansi)
        .without_time()
        .try_init();
}

fn run_inner(
    args: Vec<OsString>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    term: Terminal,
    cancel: Arc<AtomicBool>,
) -> ExitCode {
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let text = e.render().to_string();
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = write!(out, "{text}");
                    ExitCode::from(exit::OK)
                }
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = write!(err, "{text}");
                    ExitCode::from(exit::USAGE)
                }
                _ => {
                    let _ = write!(err, "{text}");
                    ExitCode::from(exit::USAGE)
                }
            };
        }
    };
    let err_style = Styler::new(cli.global.color, term.stderr_tty, term.no_color);
    match dispatch(cli, out, &mut *err, term, cancel) {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::from(exit::OK),
        Err(e) => {
            let code = exit_code_for(&e);
            let _ = writeln!(err, "{} {e}", err_style.red(&err_style.bold("error:")));
            for cause in e.chain().skip(1) {
                let _ = writeln!(err, "  caused by: {cause}");
            }
            if let Some(hint) = hint_for(&e) {
                let _ = writeln!(err, "  fix: {hint}");
            }
            ExitCode::from(code)
        }
    }
}

/// stdout closed early (`drift … | head`): not an error worth reporting.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A fix for errors whose message does not carry one.
fn hint_for(e: &anyhow::Error) -> Option<&'static str> {
    e.chain().find_map(|cause| match cause.downcast_ref::<drift_config::ConfigError>()? {
        drift_config::ConfigError::Syntax(_) | drift_config::ConfigError::Invalid(_) => Some(
            "correct the value at that line and column (every key is documented in the template `drift init` writes; `drift doctor` re-checks)",
        ),
        _ => None,
    })
}

fn resolve_root(global: &GlobalArgs, cwd: &Path) -> anyhow::Result<PathBuf> {
    match &global.root {
        Some(root) => {
            let abs = if root.is_absolute() {
                root.clone()
            } else {
                cwd.join(root)
            };
            if !abs.is_dir() {
                return Err(CliError::PathMissing { path: root.clone() }.into());
            }
            Ok(abs.canonicalize().unwrap_or(abs))
        }
        None => Ok(drift_config::paths::find_root(cwd).unwrap_or_else(|| cwd.to_path_buf())),
    }
}

fn dispatch(
    cli: Cli,
    out: &mut dyn Write,
    err: &mut dyn Write,
    term: Terminal,
    cancel: Arc<AtomicBool>,
) -> anyhow::Result<u8> {
    let cwd = std::env::current_dir()?;
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let root = resolve_root(&cli.global, &cwd)?;
    let mut ctx = Ctx {
        out,
        err,
        out_style: Styler::new(cli.global.color, term.stdout_tty, term.no_color),
        err_style: Styler::new(cli.global.color, term.stderr_tty, term.no_color),
        global: cli.global,
        cwd,
        root,
        term,
        cancel,
    };
    commands::run(&mut ctx, cli.command)
}
