//! The builtin detector pack: every file under `rules/builtin/`, embedded
//! at compile time. A test checks this list against the directory.

macro_rules! rules {
    ($($path:literal),* $(,)?) => {
        &[$((concat!("builtin:", $path), include_str!(concat!("../../rules/builtin/", $path)))),*]
    };
}

/// `(label, text)` of every builtin rule file, label `builtin:<path>`.
pub(crate) static BUILTIN_RULES: &[(&str, &str)] = rules![
    "error-handling/throw-style.toml",
];
