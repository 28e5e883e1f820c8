//! Token budgets. Tool output is JSON text; a token is estimated as four
//! characters, the usual rule of thumb for code and English.

use serde::Serialize;

/// Default budget when a tool has a `max_tokens` argument and none is given.
pub const DEFAULT_MAX_TOKENS: usize = 2_000;
/// Never go below this (a budget too small to hold anything useful).
pub const MIN_MAX_TOKENS: usize = 200;
/// Hard ceiling.
pub const MAX_MAX_TOKENS: usize = 50_000;

pub fn estimate_tokens(text: &str) -> usize {
    text.len().div_ceil(4)
}

pub fn clamp(max_tokens: Option<u32>) -> usize {
    max_tokens
        .map(|t| t as usize)
        .unwrap_or(DEFAULT_MAX_TOKENS)
        .clamp(MIN_MAX_TOKENS, MAX_MAX_TOKENS)
}

/// Accumulates items while they fit in a budget of `max_tokens`.
pub struct Budget {
    remaining: usize,
    pub truncated: bool,
}

impl Budget {
    pub fn new(max_tokens: usize) -> Budget {
        Budget {
            remaining: max_tokens,
            truncated: false,
        }
    }

    /// Reserves room for fixed overhead (envelope keys, notes).
    pub fn reserve(&mut self, tokens: usize) {
        self.remaining = self.remaining.saturating_sub(tokens);
    }

    /// Takes `item` if its serialized size fits; records truncation otherwise.
    pub fn take<T: Serialize>(&mut self, item: &T) -> bool {
        let cost = serde_json::to_string(item)
            .map(|s| estimate_tokens(&s))
            .unwrap_or(usize::MAX);
        if cost <= self.remaining {
            self.remaining -= cost;
            true
        } else {
            self.truncated = true;
            false
        }
    }

    /// Keeps the leading items of `items` that fit.
    pub fn fill<T: Serialize>(&mut self, items: Vec<T>) -> Vec<T> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if self.truncated || !self.take(&item) {
                self.truncated = true;
                break;
            }
            out.push(item);
        }
        out
    }

    pub fn remaining(&self) -> usize {
        self.remaining
    }
}

/// Shortens `text` to at most `max_chars` characters on a char boundary,
/// marking the cut with `…`.
pub fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fill_stops_at_the_budget() {
        let items: Vec<String> = (0..100).map(|i| format!("item number {i:04}")).collect();
        let mut b = Budget::new(50);
        let kept = b.fill(items);
        assert!(b.truncated);
        assert!(!kept.is_empty() && kept.len() < 100);
        let used: usize = kept
            .iter()
            .map(|s| estimate_tokens(&serde_json::to_string(s).unwrap()))
            .sum();
        assert!(used <= 50);
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("ab", 4), "ab");
        assert_eq!(clamp(Some(1)), MIN_MAX_TOKENS);
        assert_eq!(clamp(None), DEFAULT_MAX_TOKENS);
    }
}
