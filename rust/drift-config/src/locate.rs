//! Turning byte offsets reported by the `toml` crate into lines, columns and
//! dotted key paths, using the spans of the document's own syntax tree.

use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::error::Diagnostic;

/// 1-based (line, column) of a byte offset; columns count characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut boundary = offset;
    while boundary > 0 && !text.is_char_boundary(boundary) {
        boundary -= 1;
    }
    let before = &text[..boundary];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Dotted path of the innermost key whose name or value covers `offset`.
pub fn key_path_at(text: &str, offset: usize) -> Option<String> {
    let root = DeTable::parse(text).ok()?;
    let mut path = Vec::new();
    if descend_table(root.get_ref(), offset, &mut path) {
        Some(path.join("."))
    } else {
        None
    }
}

/// Table spans can cover only a `[header]`, not the body, so tables are
/// always searched; scalars must contain the offset.
fn descend_table(table: &DeTable<'_>, offset: usize, path: &mut Vec<String>) -> bool {
    for (key, value) in table {
        path.push(key.get_ref().to_string());
        if contains(&key.span(), offset) || descend_value(value, offset, path) {
            return true;
        }
        path.pop();
    }
    false
}

fn descend_value(
    value: &toml::Spanned<DeValue<'_>>,
    offset: usize,
    path: &mut Vec<String>,
) -> bool {
    match value.get_ref() {
        DeValue::Table(table) => {
            descend_table(table, offset, path) || contains(&value.span(), offset)
        }
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let Some(last) = path.last_mut() else {
                    return false;
                };
                let saved = last.clone();
                last.push_str(&format!("[{i}]"));
                if descend_value(item, offset, path) {
                    return true;
                }
                if let Some(last) = path.last_mut() {
                    *last = saved;
                }
            }
            contains(&value.span(), offset)
        }
        _ => contains(&value.span(), offset),
    }
}

fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset < span.end.max(span.start + 1)
}

/// Byte span of the value at a dotted key path (`confidence.medium`).
pub fn value_span(text: &str, dotted: &[&str]) -> Option<Range<usize>> {
    let root = DeTable::parse(text).ok()?;
    let mut table: &DeTable<'_> = root.get_ref();
    let (last, parents) = dotted.split_last()?;
    for part in parents {
        let (_, value) = table.iter().find(|(k, _)| k.get_ref().as_ref() == *part)?;
        match value.get_ref() {
            DeValue::Table(t) => table = t,
            _ => return None,
        }
    }
    let (_, value) = table.iter().find(|(k, _)| k.get_ref().as_ref() == *last)?;
    Some(value.span())
}

/// Builds a diagnostic for a `toml` error, locating it in `text`.
pub fn diagnostic_from_toml(path: &Path, text: &str, err: &toml::de::Error) -> Diagnostic {
    let (line, column, key) = match err.span() {
        Some(span) => {
            let (line, column) = line_col(text, span.start);
            (line, column, key_path_at(text, span.start))
        }
        None => (0, 0, None),
    };
    Diagnostic {
        path: path.to_path_buf(),
        line,
        column,
        key,
        message: err.message().trim().to_string(),
    }
}

/// Builds a diagnostic for a semantic problem with the value at `dotted`.
pub fn diagnostic_at_key(path: &Path, text: &str, dotted: &[&str], message: String) -> Diagnostic {
    let (line, column) = value_span(text, dotted).map_or((0, 0), |s| line_col(text, s.start));
    Diagnostic {
        path: path.to_path_buf(),
        line,
        column,
        key: Some(dotted.join(".")),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // After the two-byte `é`, column counts characters.
        assert_eq!(line_col(text, 9), (2, 3));
    }

    #[test]
    fn key_paths_follow_tables_and_arrays() {
        let text = "[scan]\ninclude = [\"a\", 3]\n[severity]\n\"x/y\" = \"off\"\n";
        let off = text.find('3').expect("digit");
        assert_eq!(key_path_at(text, off).as_deref(), Some("scan.include[1]"));
        let off = text.find("\"x/y\"").expect("key") + 1;
        assert_eq!(key_path_at(text, off).as_deref(), Some("severity.x/y"));
        assert_eq!(
            value_span(text, &["severity", "x/y"]).map(|s| &text[s]),
            Some("\"off\"")
        );
    }
}
