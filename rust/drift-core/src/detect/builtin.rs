//! The builtin detector pack: every file under `rules/builtin/`, embedded
//! at compile time. A test checks this list against the directory.

macro_rules! rules {
    ($($path:literal),* $(,)?) => {
        &[$((concat!("builtin:", $path), include_str!(concat!("../../rules/builtin/", $path)))),*]
    };
}

/// `(label, text)` of every builtin rule file, label `builtin:<path>`.
pub(crate) static BUILTIN_RULES: &[(&str, &str)] = rules![
    "api/handler-async.toml",
    "api/response-style.toml",
    "api/route-declaration-style.toml",
    "api/route-registration.toml",
    "async/async-style.toml",
    "async/concurrency-style.toml",
    "auth/authorization-annotations.toml",
    "auth/middleware-scope.toml",
    "config/env-access.toml",
    "data-access/query-style.toml",
    "documentation/doc-comments.toml",
    "documentation/todo-comments.toml",
    "error-handling/catch-handling.toml",
    "error-handling/catch-specificity.toml",
    "error-handling/error-type-naming.toml",
    "error-handling/go-error-wrapping.toml",
    "error-handling/rust-error-propagation.toml",
    "error-handling/throw-style.toml",
    "imports/import-granularity.toml",
    "imports/local-import-paths.toml",
    "imports/module-syntax.toml",
    "logging/log-message-format.toml",
    "logging/logger-usage.toml",
    "naming/constant-naming.toml",
    "naming/file-naming.toml",
    "naming/function-naming.toml",
    "naming/interface-prefix.toml",
    "naming/private-member-style.toml",
    "naming/test-file-naming.toml",
    "naming/type-naming.toml",
    "security/dynamic-code-execution.toml",
    "security/hardcoded-secret.toml",
    "security/hashing-algorithm.toml",
    "security/insecure-random.toml",
    "security/shell-command.toml",
    "security/sql-string-building.toml",
    "testing/assertion-style.toml",
    "testing/go-table-tests.toml",
    "testing/test-framework.toml",
    "testing/test-structure.toml",
    "typing/explicit-any.toml",
    "typing/return-type-annotations.toml",
    "typing/signature-annotations.toml",
    "typing/type-assertions.toml",
];
