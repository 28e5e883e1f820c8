//! The classification language: conditions over a match's captures.
//!
//! A *subject* is whatever a detector looked at: a tree-sitter query match
//! (captures are the query's `@names`), a symbol from the file's facts
//! (pseudo-captures `name`, `kind`, `has_doc`, ...) or the file's path
//! (pseudo-captures `stem`, `file`, `ext`, `dir`, `path`). A [`Condition`]
//! tests one capture; every condition of a rule must hold.

use std::borrow::Cow;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// Identifier case styles understood by `case_style` conditions.
///
/// Leading and trailing underscores are ignored (`_private`, `__init__`),
/// and single lowercase words (`user`) are only [`CaseStyle::Lower`]:
/// they are compatible with both camelCase and snake_case, so naming
/// detectors leave them unclassified instead of guessing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStyle {
    /// `getUser`, `parseHttpRequest` (at least one interior capital).
    Camel,
    /// `UserService`, `HttpClient`, `X509Cert` (starts with a capital, has a lowercase letter).
    Pascal,
    /// `get_user` (at least one underscore, all lowercase).
    Snake,
    /// `MAX_SIZE`, `TIMEOUT` (all uppercase, optional underscores).
    ScreamingSnake,
    /// `user-service` (at least one hyphen, all lowercase).
    Kebab,
    /// `user`, `index` (one lowercase word).
    Lower,
}

impl CaseStyle {
    /// Does `name` have this case style?
    pub fn matches(self, name: &str) -> bool {
        let name = name.trim_matches('_');
        let Some(first) = name.chars().next() else {
            return false;
        };
        let alnum = |c: char| c.is_ascii_alphanumeric();
        let has_lower = name.chars().any(|c| c.is_ascii_lowercase());
        let has_upper = name.chars().any(|c| c.is_ascii_uppercase());
        match self {
            CaseStyle::Camel => first.is_ascii_lowercase() && has_upper && name.chars().all(alnum),
            CaseStyle::Pascal => first.is_ascii_uppercase() && has_lower && name.chars().all(alnum),
            CaseStyle::Snake => {
                first.is_ascii_lowercase()
                    && name.contains('_')
                    && !name.contains("__")
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            }
            CaseStyle::ScreamingSnake => {
                first.is_ascii_uppercase()
                    && !has_lower
                    && name
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            }
            CaseStyle::Kebab => {
                first.is_ascii_lowercase()
                    && name.contains('-')
                    && !name.contains("--")
                    && !name.ends_with('-')
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            }
            CaseStyle::Lower => {
                first.is_ascii_lowercase()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            }
        }
    }
}

/// What a detector is looking at when it classifies one hit.
pub(crate) trait Subject {
    fn lang(&self) -> Lang;
    /// Text of a capture (or pseudo-capture); `None` when absent.
    fn text(&self, capture: &str) -> Option<Cow<'_, str>>;
    /// Syntax node kind of a capture; `None` when absent or not a node.
    fn node_kind(&self, capture: &str) -> Option<&str>;
}

/// One compiled test on one capture. Every present predicate must hold;
/// `negate` inverts the result.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    pub capture: String,
    pub regex: Option<TextPattern>,
    pub not_regex: Option<TextPattern>,
    pub equals: Option<String>,
    pub one_of: Option<Vec<String>>,
    pub case_style: Option<CaseStyle>,
    pub node_kind: Option<Vec<String>>,
    /// `Some(true)`: the capture must exist; `Some(false)`: it must not.
    pub present: Option<bool>,
    pub languages: Option<Vec<Lang>>,
    pub negate: bool,
}

impl Condition {
    /// Does the condition apply to this language (no `languages` limit, or listed)?
    pub fn applies_to(&self, lang: Lang) -> bool {
        self.languages.as_ref().is_none_or(|l| l.contains(&lang))
    }

    /// A rough rank of how much testing the condition costs: no text,
    /// then plain text comparisons (and word lists), then a regex
    /// anchored at the start (which fails at the first bytes), then any
    /// other regex.
    pub fn cost(&self) -> u8 {
        let plain = self.equals.is_none() && self.one_of.is_none() && self.case_style.is_none();
        match (&self.regex, &self.not_regex) {
            (None, None) if plain => 0,
            (None, None) => 1,
            (Some(r), None) | (None, Some(r)) if r.words.is_some() => 1,
            (Some(r), None) | (None, Some(r)) if starts_anchored(r.as_str()) => 2,
            _ => 3,
        }
    }

    /// As a `[[where]]` filter: conditions limited to other languages are
    /// not enforced.
    pub fn admits(&self, subject: &dyn Subject) -> bool {
        !self.applies_to(subject.lang()) || self.holds(subject)
    }

    /// As part of a variant rule: false for a language it is not limited to.
    pub fn holds(&self, subject: &dyn Subject) -> bool {
        self.evaluate(subject) != self.negate
    }

    fn evaluate(&self, subject: &dyn Subject) -> bool {
        if let Some(langs) = &self.languages
            && !langs.contains(&subject.lang())
        {
            return false;
        }
        let text = subject.text(&self.capture);
        if let Some(want) = self.present
            && text.is_some() != want
        {
            return false;
        }
        let needs_text = self.regex.is_some()
            || self.not_regex.is_some()
            || self.equals.is_some()
            || self.one_of.is_some()
            || self.case_style.is_some();
        if needs_text {
            let Some(text) = text.as_deref() else {
                return false;
            };
            if self.regex.as_ref().is_some_and(|r| !r.is_match(text)) {
                return false;
            }
            if self.not_regex.as_ref().is_some_and(|r| r.is_match(text)) {
                return false;
            }
            if self.equals.as_ref().is_some_and(|e| e != text) {
                return false;
            }
            if self
                .one_of
                .as_ref()
                .is_some_and(|set| !set.iter().any(|s| s == text))
            {
                return false;
            }
            if self.case_style.is_some_and(|style| !style.matches(text)) {
                return false;
            }
        }
        if let Some(kinds) = &self.node_kind {
            match subject.node_kind(&self.capture) {
                Some(kind) if kinds.iter().any(|k| k == kind) => {}
                _ => return false,
            }
        }
        true
    }
}

/// A condition's regex. The common `^(get|filter|all)$` (whole words,
/// optionally `(?i)`) is tested as a list of words, without the regex
/// engine.
#[derive(Debug, Clone)]
pub(crate) struct TextPattern {
    regex: Regex,
    words: Option<Words>,
}

#[derive(Debug, Clone)]
struct Words {
    words: Vec<Box<str>>,
    ignore_case: bool,
}

impl TextPattern {
    pub fn new(regex: Regex) -> TextPattern {
        let words = Words::of(regex.as_str());
        TextPattern { regex, words }
    }

    pub fn as_str(&self) -> &str {
        self.regex.as_str()
    }

    pub fn is_match(&self, text: &str) -> bool {
        match &self.words {
            // `(?i)` folds Unicode case too (`ſ` is an `s`): such text
            // goes to the regex.
            Some(w) if !w.ignore_case || text.is_ascii() => w.contains(text),
            _ => self.regex.is_match(text),
        }
    }
}

impl Words {
    /// The words of `^(a|b|c)$` or `(?i)^(?:a|b|c)$`, each of ASCII
    /// letters, digits and `_`; `None` for any other pattern.
    fn of(pattern: &str) -> Option<Words> {
        let (ignore_case, rest) = match pattern.strip_prefix("(?i)") {
            Some(rest) => (true, rest),
            None => (false, pattern),
        };
        let body = rest.strip_prefix("^(")?.strip_suffix(")$")?;
        let body = body.strip_prefix("?:").unwrap_or(body);
        let words: Vec<Box<str>> = body.split('|').map(Box::from).collect();
        let plain =
            |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        words
            .iter()
            .all(|w| plain(w))
            .then_some(Words { words, ignore_case })
    }

    fn contains(&self, text: &str) -> bool {
        if self.ignore_case {
            self.words.iter().any(|w| w.eq_ignore_ascii_case(text))
        } else {
            self.words.iter().any(|w| **w == *text)
        }
    }
}

/// Whether every branch of `pattern` is anchored at the start: a `^`
/// first and no `|` outside parentheses or a class.
fn starts_anchored(pattern: &str) -> bool {
    let Some(rest) = pattern.strip_prefix('^') else {
        return false;
    };
    let (mut depth, mut class, mut escaped) = (0u32, false, false);
    for c in rest.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' if !class => class = true,
            ']' if class => class = false,
            _ if class => {}
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '|' if depth == 0 => return false,
            _ => {}
        }
    }
    true
}

/// An ordered variant rule: the first rule whose conditions all hold names
/// the match's variant.
#[derive(Debug, Clone)]
pub(crate) struct VariantRule {
    pub name: String,
    pub conditions: Vec<Condition>,
}

/// Classifies a subject: `Some(variant)` or `None` (the hit is dropped).
pub(crate) fn classify<'a>(
    rules: &'a [VariantRule],
    default: Option<&'a str>,
    subject: &dyn Subject,
) -> Option<&'a str> {
    rules
        .iter()
        .find(|rule| rule.conditions.iter().all(|c| c.holds(subject)))
        .map(|rule| rule.name.as_str())
        .or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Word lists answer as their regex does.
    #[test]
    fn word_lists_match_like_their_regex() {
        let patterns = [
            "^(filter|get|all)$",
            "(?i)^(info|Warning|debug_2)$",
            "(?i)^(?:trace|fatal)$",
            "^(find_by!|exists\\?)$",
            "^(a|b)c$",
            "^(log)",
        ];
        let texts = [
            "filter", "filters", "get", "", "all ", "INFO", "warning", "debug_2", "Trace", "FATAL",
            "ſ", "fataſ", "find_by!", "exists?", "ac", "logger", "log",
        ];
        for p in patterns {
            let regex = Regex::new(p).expect("valid");
            let fast = TextPattern::new(regex.clone());
            for t in texts {
                assert_eq!(fast.is_match(t), regex.is_match(t), "{p} on {t:?}");
            }
        }
        assert!(Words::of("^(filter|get|all)$").is_some());
        assert!(Words::of("(?i)^(?:trace|fatal)$").is_some());
        assert!(Words::of("^(find_by!|exists\\?)$").is_none());
        assert!(Words::of("^(a|b)c$").is_none());
    }

    #[test]
    fn anchored_patterns_are_told_apart() {
        assert!(starts_anchored("^(filter|get)$"));
        assert!(starts_anchored(r"^a[|]\|b"));
        assert!(!starts_anchored("^a|b"));
        assert!(!starts_anchored("(^|\\.)objects$"));
        assert!(!starts_anchored("objects"));
    }

    #[test]
    fn case_styles() {
        use CaseStyle::*;
        let cases: &[(&str, &[CaseStyle])] = &[
            ("getUser", &[Camel]),
            ("parseHTTPRequest", &[Camel]),
            ("UserService", &[Pascal]),
            ("get_user", &[Snake]),
            ("_private_thing", &[Snake]),
            ("MAX_SIZE", &[ScreamingSnake]),
            ("TIMEOUT", &[ScreamingSnake]),
            ("user-service", &[Kebab]),
            ("user", &[Lower]),
            ("__init__", &[Lower]),
            ("Mixed_Case", &[]),
            ("", &[]),
            ("a--b", &[]),
        ];
        for (name, styles) in cases {
            for style in [Camel, Pascal, Snake, ScreamingSnake, Kebab, Lower] {
                assert_eq!(
                    style.matches(name),
                    styles.contains(&style),
                    "{name} vs {style:?}"
                );
            }
        }
    }
}
