//! HTTP plumbing shared by every slice: JSON in our error shape, timeouts, metrics, fallbacks.

mod csv;
mod json;
mod middleware;

pub use csv::{CsvBody, CsvRecord, CsvTable, RowError};
pub use json::AppJson;
pub use middleware::{fallback, method_not_allowed, observe, request_timeout};

/// Bodies of JSON endpoints are small; CSV imports get their own larger limit.
pub const JSON_BODY_LIMIT: usize = 64 * 1024;
pub const CSV_BODY_LIMIT: usize = 4 * 1024 * 1024;
