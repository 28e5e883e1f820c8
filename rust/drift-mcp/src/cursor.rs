//! Opaque pagination cursors: base64 of `offset:query-hash`. A cursor is
//! only valid for the query that produced it; reusing it with different
//! arguments is refused instead of silently returning the wrong page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Why a cursor was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CursorError {
    #[error("cursor is not one this server produced")]
    Malformed,
    #[error("cursor belongs to a different query; call again without `cursor` to restart")]
    WrongQuery,
}

/// FNV-1a over the query's canonical text: stable across processes, so a
/// cursor survives a server restart.
pub fn query_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

pub fn encode(offset: usize, hash: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{offset}:{hash:016x}"))
}

/// Returns the offset a cursor points at (0 when there is no cursor).
pub fn decode(cursor: Option<&str>, hash: u64) -> Result<usize, CursorError> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(0);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| CursorError::Malformed)?;
    let text = String::from_utf8(bytes).map_err(|_| CursorError::Malformed)?;
    let (offset, h) = text.split_once(':').ok_or(CursorError::Malformed)?;
    let offset: usize = offset.parse().map_err(|_| CursorError::Malformed)?;
    let h = u64::from_str_radix(h, 16).map_err(|_| CursorError::Malformed)?;
    if h != hash {
        return Err(CursorError::WrongQuery);
    }
    Ok(offset)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_query_binding() {
        let h = query_hash(&["symbols", "run"]);
        let c = encode(40, h);
        assert_eq!(decode(Some(&c), h), Ok(40));
        assert_eq!(decode(None, h), Ok(0));
        assert_eq!(
            decode(Some(&c), query_hash(&["symbols", "walk"])),
            Err(CursorError::WrongQuery)
        );
        assert_eq!(decode(Some("!!!"), h), Err(CursorError::Malformed));
        assert_ne!(query_hash(&["ab", "c"]), query_hash(&["a", "bc"]));
    }
}
