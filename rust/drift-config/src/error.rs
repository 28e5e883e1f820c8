//! Typed errors. Every error about a file's contents says where: the file,
//! the 1-based line and column, and the offending key when one is known.

use std::fmt;
use std::path::PathBuf;

/// A located problem in a TOML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    /// 1-based line; 0 when the position is unknown.
    pub line: usize,
    /// 1-based column (in characters); 0 when the position is unknown.
    pub column: usize,
    /// Dotted key path (`scan.max_file_size`), when the problem is about a key.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ": ")?;
        if let Some(key) = &self.key {
            write!(f, "key `{key}`: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Errors from reading, parsing, validating or writing Drift's files.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML, or does not match the expected shape.
    #[error("{0}")]
    Syntax(Diagnostic),
    /// The file parses but a value is not acceptable.
    #[error("{0}")]
    Invalid(Diagnostic),
    /// A glob given on the command line or through the API is malformed.
    #[error("invalid glob `{glob}`: {message}")]
    Glob { glob: String, message: String },
}

impl ConfigError {
    /// The located diagnostic, for syntax and validation errors.
    pub fn diagnostic(&self) -> Option<&Diagnostic> {
        match self {
            ConfigError::Syntax(d) | ConfigError::Invalid(d) => Some(d),
            _ => None,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> ConfigError {
        ConfigError::Io {
            path: path.into(),
            source,
        }
    }
}
