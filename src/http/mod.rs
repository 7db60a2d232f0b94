//! HTTP plumbing shared by every slice: JSON in our error shape, timeouts, metrics, fallbacks.

pub mod client;
pub mod connections;
mod csv;
mod json;
mod middleware;
pub mod openapi;
mod path;
mod query;
pub mod slots;

pub use csv::{CsvBody, CsvRecord, CsvTable, RowError, TextBody};
pub use json::AppJson;
pub use middleware::{
    carry_request_timeout, fallback, method_not_allowed, observe, request_timeout,
};
pub use path::AppPath;
pub use query::{AppQuery, Paging, whole_number};

/// Bodies of JSON endpoints are small; text imports (CSV, bank files) get a larger limit.
pub const JSON_BODY_LIMIT: usize = 64 * 1024;
pub const TEXT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Whether a path id could name anything: the server's ids are at most 64 ASCII letters,
/// digits and `-_.:`. Anything else is refused (404) before it reaches a lookup or a cache.
pub fn plausible_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}
