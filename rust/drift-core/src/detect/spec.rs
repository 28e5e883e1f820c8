//! The TOML schema of a rule file, as deserialized (before validation).

use serde::Deserialize;
use toml::Spanned;

use super::classify::CaseStyle;
use super::{Severity, SourceKind};
use crate::model::SymbolKind;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleSpec {
    pub id: Spanned<String>,
    pub category: String,
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub what: Option<String>,
    #[serde(default)]
    pub why: Option<String>,
    #[serde(default)]
    pub example: Option<String>,
    pub severity: Severity,
    #[serde(default)]
    pub source: SourceKind,
    /// Languages for `source = "symbols" | "file_name"` (default: all).
    #[serde(default)]
    pub languages: Vec<Spanned<String>>,
    #[serde(default)]
    pub query: Vec<QuerySpec>,
    #[serde(default, rename = "where")]
    pub filter: Vec<ConditionSpec>,
    #[serde(default, rename = "variant")]
    pub variants: Vec<VariantSpec>,
    #[serde(default)]
    pub default_variant: Option<String>,
    /// Drop hits nested inside another hit of the same detector.
    #[serde(default)]
    pub outermost_only: bool,
    #[serde(default, rename = "test")]
    pub tests: Vec<TestSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuerySpec {
    pub languages: Vec<Spanned<String>>,
    pub pattern: Spanned<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConditionSpec {
    #[serde(default)]
    pub capture: Option<Spanned<String>>,
    #[serde(default)]
    pub regex: Option<Spanned<String>>,
    #[serde(default)]
    pub not_regex: Option<Spanned<String>>,
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub one_of: Option<Vec<String>>,
    #[serde(default)]
    pub case_style: Option<CaseStyle>,
    #[serde(default)]
    pub node_kind: Option<Vec<String>>,
    #[serde(default)]
    pub present: Option<bool>,
    #[serde(default)]
    pub languages: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub negate: bool,
}

impl ConditionSpec {
    pub fn is_empty(&self) -> bool {
        self.capture.is_none()
            && self.regex.is_none()
            && self.not_regex.is_none()
            && self.equals.is_none()
            && self.one_of.is_none()
            && self.case_style.is_none()
            && self.node_kind.is_none()
            && self.present.is_none()
            && self.languages.is_none()
            && !self.negate
    }
}

/// `[[variant]]`: a name plus one inline condition and/or `all = [...]`.
///
/// The inline condition repeats [`ConditionSpec`]'s fields rather than
/// `#[serde(flatten)]`ing it: serde does not support `flatten` together with
/// `deny_unknown_fields`, and flattened values lose the `toml` spans that rule
/// errors point at.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VariantSpec {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub capture: Option<Spanned<String>>,
    #[serde(default)]
    pub regex: Option<Spanned<String>>,
    #[serde(default)]
    pub not_regex: Option<Spanned<String>>,
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub one_of: Option<Vec<String>>,
    #[serde(default)]
    pub case_style: Option<CaseStyle>,
    #[serde(default)]
    pub node_kind: Option<Vec<String>>,
    #[serde(default)]
    pub present: Option<bool>,
    #[serde(default)]
    pub languages: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub negate: bool,
    #[serde(default)]
    pub all: Vec<ConditionSpec>,
}

impl VariantSpec {
    /// The inline condition and the `all` list, as one list.
    pub fn into_conditions(self) -> (Spanned<String>, Vec<ConditionSpec>) {
        let inline = ConditionSpec {
            capture: self.capture,
            regex: self.regex,
            not_regex: self.not_regex,
            equals: self.equals,
            one_of: self.one_of,
            case_style: self.case_style,
            node_kind: self.node_kind,
            present: self.present,
            languages: self.languages,
            negate: self.negate,
        };
        let mut conditions = Vec::with_capacity(self.all.len() + 1);
        if !inline.is_empty() {
            conditions.push(inline);
        }
        conditions.extend(self.all);
        (self.name, conditions)
    }
}

/// `[[test]]`: a snippet (or synthetic symbols / a path) and the variants
/// its matches must have, in source order (`expect = []`: no match).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TestSpec {
    pub lang: Spanned<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub symbols: Vec<SymbolSpec>,
    pub expect: Vec<Spanned<String>>,
}

/// A synthetic symbol for testing `source = "symbols"` detectors without
/// depending on the extractor.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SymbolSpec {
    pub name: String,
    pub kind: SymbolKind,
    #[serde(default)]
    pub has_doc: bool,
    #[serde(default)]
    pub exported: bool,
    #[serde(default)]
    pub is_async: bool,
    #[serde(default)]
    pub is_static: bool,
    #[serde(default)]
    pub params: Vec<ParamSpec>,
    #[serde(default)]
    pub return_type: Option<String>,
    #[serde(default)]
    pub decorators: Vec<String>,
    #[serde(default)]
    pub signature: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ParamSpec {
    pub name: String,
    #[serde(default, rename = "type")]
    pub type_text: Option<String>,
}
