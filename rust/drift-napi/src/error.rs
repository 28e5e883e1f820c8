//! Errors crossing into JavaScript. Every rejection or throw from the addon is
//! a JS `Error` whose `code` property is one of [`ErrorCode`]'s stable strings.

use napi::JsValue;
use napi::bindgen_prelude::JsObjectValue;
use napi::bindgen_prelude::{Env, Status};

/// The stable `code` carried by every error the addon raises. The strings are
/// part of the public API (documented in `ts/drift/README.md`); never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `root` does not exist, is not a directory, or cannot be resolved.
    InvalidRoot,
    /// A query ran against a project that has never been scanned (no index).
    NotInitialized,
    /// The scan was cancelled through its `Cancellation` handle.
    Cancelled,
    /// The index could not be opened, read or written (corrupt, locked,
    /// written by an incompatible version, SQLite failure).
    Index,
    /// The file or symbol asked about is not in the index.
    NotFound,
    /// A symbol name matches several functions; the message lists them.
    Ambiguous,
    /// An argument or option is out of range or malformed.
    InvalidArgument,
    /// `drift.toml` or the decisions file is invalid.
    Config,
    /// A bug: a worker panicked or an invariant broke. Please report it.
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 9] = [
        ErrorCode::InvalidRoot,
        ErrorCode::NotInitialized,
        ErrorCode::Cancelled,
        ErrorCode::Index,
        ErrorCode::NotFound,
        ErrorCode::Ambiguous,
        ErrorCode::InvalidArgument,
        ErrorCode::Config,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRoot => "DRIFT_INVALID_ROOT",
            ErrorCode::NotInitialized => "DRIFT_NOT_INITIALIZED",
            ErrorCode::Cancelled => "DRIFT_CANCELLED",
            ErrorCode::Index => "DRIFT_INDEX",
            ErrorCode::NotFound => "DRIFT_NOT_FOUND",
            ErrorCode::Ambiguous => "DRIFT_AMBIGUOUS",
            ErrorCode::InvalidArgument => "DRIFT_INVALID_ARGUMENT",
            ErrorCode::Config => "DRIFT_CONFIG",
            ErrorCode::Internal => "DRIFT_INTERNAL",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error on its way to JavaScript: a stable code and a human message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct DriftError {
    pub code: ErrorCode,
    pub message: String,
}

impl DriftError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> DriftError {
        DriftError {
            code,
            message: message.into(),
        }
    }

    pub fn invalid_argument(message: impl Into<String>) -> DriftError {
        DriftError::new(ErrorCode::InvalidArgument, message)
    }

    pub fn cancelled() -> DriftError {
        DriftError::new(ErrorCode::Cancelled, "the scan was cancelled")
    }

    /// Builds the JS `Error` (message `"<message>"`, `code` = the stable
    /// string) and wraps it so napi throws or rejects with exactly that object.
    pub fn into_napi(self, env: &Env) -> napi::Error {
        match self.build_js(env) {
            Ok(err) => err,
            // Could not build the object (the environment is shutting down):
            // fall back to napi's own error, keeping the code in the message.
            Err(_) => napi::Error::new(Status::GenericFailure, self.to_string()),
        }
    }

    fn build_js(&self, env: &Env) -> napi::Result<napi::Error> {
        let mut obj = env.create_error(napi::Error::new(
            Status::GenericFailure,
            self.message.clone(),
        ))?;
        obj.set_named_property("code", self.code.as_str())?;
        Ok(napi::Error::from_unknown_without_coercion(obj.to_unknown()))
    }
}

/// Result alias for engine-facing code.
pub type DriftResult<T> = std::result::Result<T, DriftError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_prefixed() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(code.as_str().starts_with("DRIFT_"), "{code}");
            assert!(seen.insert(code.as_str()), "duplicate {code}");
        }
    }

    #[test]
    fn display_carries_code_and_message() {
        let err = DriftError::new(ErrorCode::NotFound, "no file src/a.ts in the index");
        assert_eq!(
            err.to_string(),
            "DRIFT_NOT_FOUND: no file src/a.ts in the index"
        );
    }
}
