//! Shared helpers: fixture repositories written by the tests, a runner for
//! the real `drift` binary, and insta filters for paths and timings.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// A project rule: which kind of value TypeScript code throws.
pub const THROW_RULE: &str = r#"id = "errors/throw-style"
category = "errors"
name = "Throw style"
description = "Whether code throws its own error types or builtin ones."
severity = "warning"

[[query]]
languages = ["typescript"]
pattern = '''
(throw_statement (new_expression constructor: (_) @ctor)) @match
'''

[[variant]]
name = "builtin-error"
description = "The runtime's own error classes."
capture = "ctor"
regex = '^(Error|TypeError|RangeError)$'

[[variant]]
name = "custom-error"
description = "A project-defined error type."
capture = "ctor"
"#;

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn empty() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// A TypeScript project where `throw new AppError(...)` (custom-error)
    /// dominates, with one builtin `Error` in `src/bad.ts` and one in
    /// `legacy/old.ts`. Builtin detectors are off and one project rule
    /// (`errors/throw-style`) is used, so outputs do not change when the
    /// builtin pack grows. `.drift/` exists (configured) but `init` has not
    /// run.
    pub fn throws() -> Fixture {
        let f = Fixture::empty();
        f.write(".drift/drift.toml", "[rules]\nbuiltin = false\n");
        f.write(".drift/rules/throw-style.toml", THROW_RULE);
        for i in 1..=6 {
            f.write(
                &format!("src/m{i}.ts"),
                &format!(
                    "export function f{i}(x: number) {{\n  if (x < 0) {{ throw new AppError(\"neg {i}\"); }}\n  if (x > 100) {{ throw new AppError(\"big {i}\"); }}\n  return x;\n}}\n"
                ),
            );
        }
        f.write(
            "src/bad.ts",
            "export function bad(x: number) {\n  if (x < 0) { throw new Error(\"neg\"); }\n  return x;\n}\n",
        );
        f.write(
            "legacy/old.ts",
            "export function old(x: number) {\n  if (x < 0) { throw new Error(\"neg\"); }\n  return x;\n}\n",
        );
        f
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read")
    }

    /// Runs `drift args…` in the fixture root.
    pub fn drift(&self, args: &[&str]) -> Run {
        self.drift_in(self.root(), args)
    }

    pub fn drift_in(&self, cwd: &Path, args: &[&str]) -> Run {
        self.drift_with_env(cwd, args, &[])
    }

    /// [`Fixture::drift_in`] with extra environment variables (set after
    /// the test defaults, so they win).
    pub fn drift_with_env(&self, cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_drift"))
            .args(args)
            .current_dir(cwd)
            .env("DRIFT_LOG", "off")
            .env("NO_COLOR", "1")
            .env("CI", "1")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("DRIFT_INDEX_DIR")
            .envs(env.iter().copied())
            .output()
            .expect("run drift");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `drift init` + `drift scan`, asserting success.
    pub fn init_and_scan(&self) {
        let r = self.drift(&["init"]);
        assert_eq!(r.code, 0, "init: {}", r.stderr);
        let r = self.drift(&["scan"]);
        assert_eq!(r.code, 0, "scan: {}", r.stderr);
    }

    pub fn git(&self, args: &[&str]) {
        let out = StdCommand::new("git")
            .args(args)
            .current_dir(self.root())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// insta settings redacting this fixture's root, timings and dates.
    pub fn settings(&self) -> insta::Settings {
        let mut s = insta::Settings::clone_current();
        let root = self.root().to_string_lossy().into_owned();
        let canon = self
            .root()
            .canonicalize()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| root.clone());
        s.add_filter(&regex_escape(&canon), "[ROOT]");
        s.add_filter(&regex_escape(&root), "[ROOT]");
        s.add_filter(r"Done in \d+\.\d+s", "Done in [ELAPSED]");
        s.add_filter(r#""elapsed_ms": \d+"#, r#""elapsed_ms": "[ELAPSED]""#);
        s.add_filter(r"\d{4}-\d{2}-\d{2}", "[DATE]");
        let version = env!("CARGO_PKG_VERSION");
        s.add_filter(
            &regex_escape(&format!("\"version\": \"{version}\"")),
            r#""version": "[VERSION]""#,
        );
        s.add_filter(r"git version [0-9.]+", "git version [VERSION]");
        s.add_filter(r"drift \d+\.\d+\.\d+", "drift [VERSION]");
        s.set_prepend_module_to_snapshot(false);
        s
    }
}

pub fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
