//! Relay-style keyset pagination: `first` (default 20, at most 100) and an opaque cursor
//! that encodes the last row's id, so a page costs the same at row 10 and row 100,000.

use crate::Error;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

/// A validated page request.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub first: u64,
    /// Id of the last row of the previous page.
    pub after: Option<String>,
}

impl PageRequest {
    pub fn new(first: Option<i64>, after: Option<&str>) -> Result<Self, Error> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if (0..=MAX_PAGE_SIZE as i64).contains(&n) => n as u64,
            Some(n) => {
                return Err(Error::bad_input(format!(
                    "first must be between 0 and {MAX_PAGE_SIZE}, got {n}"
                )));
            }
        };
        let after = after.map(decode_cursor).transpose()?;
        Ok(Self { first, after })
    }
}

pub fn encode_cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("id:{id}"))
}

pub fn decode_cursor(cursor: &str) -> Result<String, Error> {
    let bad = || Error::bad_input("after is not a cursor returned by this API");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix("id:").map(str::to_owned).ok_or_else(bad)
}

/// One page of results as the services return it over REST.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
    /// Only computed when asked for (`withTotal=true`): counting is the one O(n) part of a page.
    pub total_count: Option<u64>,
}

impl<T> Page<T> {
    /// A batch lookup's answer: everything in one page.
    pub fn all(items: Vec<T>) -> Self {
        Self {
            items,
            has_next_page: false,
            end_cursor: None,
            total_count: None,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_next_page: self.has_next_page,
            end_cursor: self.end_cursor,
            total_count: self.total_count,
        }
    }

    /// Builds a page from up to `first + 1` rows fetched in order; the extra row only signals more.
    pub fn from_rows(mut rows: Vec<T>, first: u64, id: impl Fn(&T) -> String) -> Self {
        let has_next_page = rows.len() as u64 > first;
        rows.truncate(first as usize);
        let end_cursor = rows.last().map(|r| encode_cursor(&id(r)));
        Self {
            items: rows,
            has_next_page,
            end_cursor,
            total_count: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = encode_cursor("0190-abc");
        assert_eq!(decode_cursor(&c).unwrap(), "0190-abc");
        assert!(decode_cursor("not a cursor!").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("xx")).is_err());
    }

    #[test]
    fn page_size_is_bounded() {
        assert_eq!(PageRequest::new(None, None).unwrap().first, 20);
        assert!(PageRequest::new(Some(101), None).is_err());
        assert!(PageRequest::new(Some(-1), None).is_err());
        assert_eq!(PageRequest::new(Some(100), None).unwrap().first, 100);
    }
}
