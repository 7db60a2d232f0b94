//! Text request bodies (CSV bulk imports, bank files): UTF-8 (a BOM is fine), a header row naming the
//! columns in any order, and per-row errors that point at the file's line.

use std::collections::HashMap;

use axum::extract::{FromRequest, Request};

use serde::Serialize;
use serde_json::json;

use crate::error::{AppError, ErrorCode};

pub struct CsvBody(pub CsvTable);

pub struct CsvTable {
    text: String,
}

pub struct CsvRecord {
    /// 1-based line in the file where the record starts.
    pub line: usize,
    values: HashMap<String, String>,
}

impl CsvRecord {
    pub fn get(&self, column: &str) -> &str {
        self.values.get(column).map_or("", String::as_str)
    }
}

#[derive(Debug, Serialize)]
pub struct RowError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl RowError {
    pub fn new(line: usize, field: &str, message: String) -> Self {
        Self {
            line,
            field: field.to_owned(),
            message,
        }
    }

    /// `validation_failed` with every bad row in `details.rows`.
    pub fn into_app_error(rows: Vec<RowError>) -> AppError {
        let mut lines: Vec<usize> = rows.iter().map(|row| row.line).collect();
        lines.dedup();
        AppError::api(
            ErrorCode::ValidationFailed,
            format!("{} rows have problems; nothing was imported", lines.len()),
        )
        .with_details(json!({ "rows": rows }))
    }
}

impl<S: Send + Sync> FromRequest<S> for CsvBody {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let TextBody(text) = TextBody::from_request(request, state).await?;
        Ok(CsvBody(CsvTable { text }))
    }
}

/// A UTF-8 text body of up to [`super::TEXT_BODY_LIMIT`] bytes (CSV, TOML, GIFT), with a BOM
/// dropped and the text in NFC.
pub struct TextBody(pub String);

impl<S: Send + Sync> FromRequest<S> for TextBody {
    type Rejection = AppError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::to_bytes(request.into_body(), super::TEXT_BODY_LIMIT)
            .await
            .map_err(|_| AppError::payload_too_large(super::TEXT_BODY_LIMIT as u64))?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let text = std::str::from_utf8(bytes).map_err(|_| {
            AppError::bad_request("the body must be UTF-8 text (for CSV: save as \"CSV UTF-8\")")
        })?;
        Ok(TextBody(crate::auth::credentials::nfc(text)))
    }
}

impl CsvTable {
    /// Reads every record, requiring the header to hold each of `columns` exactly once.
    pub fn records(&self, columns: &[&str], max_rows: usize) -> Result<Vec<CsvRecord>, AppError> {
        // Excel writes CRLF. The reader counts a record's line before it steps over the LF
        // that ends the line above, so every row of such a file was reported a line early.
        let text = self.text.replace("\r\n", "\n").replace('\r', "\n");
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| AppError::bad_request(format!("cannot read the CSV header: {e}")))?
            .iter()
            .map(|name| name.trim().to_ascii_lowercase())
            .collect();
        let missing: Vec<&str> = columns
            .iter()
            .copied()
            .filter(|c| !header.iter().any(|h| h == c))
            .collect();
        if !missing.is_empty() {
            return Err(AppError::bad_request(format!(
                "the header must name the columns {}; missing: {}",
                columns.join(","),
                missing.join(",")
            )));
        }
        let mut records = Vec::new();
        let mut errors = Vec::new();
        for result in reader.records() {
            match result {
                Ok(record) => {
                    let line = record.position().map_or(0, |p| p.line() as usize);
                    if record.iter().all(|value| value.trim().is_empty()) {
                        continue;
                    }
                    if record.len() != header.len() {
                        errors.push(RowError::new(
                            line,
                            "row",
                            format!(
                                "has {} values; the header has {}",
                                record.len(),
                                header.len()
                            ),
                        ));
                        continue;
                    }
                    let values = header
                        .iter()
                        .cloned()
                        .zip(record.iter().map(str::to_owned))
                        .collect();
                    records.push(CsvRecord { line, values });
                }
                Err(error) => {
                    let line = error.position().map_or(0, |p| p.line() as usize);
                    errors.push(RowError::new(
                        line,
                        "row",
                        format!("is not valid CSV: {error}"),
                    ));
                }
            }
            if records.len() > max_rows {
                return Err(AppError::bad_request(format!(
                    "at most {max_rows} rows per import"
                )));
            }
        }
        if !errors.is_empty() {
            return Err(RowError::into_app_error(errors));
        }
        if records.is_empty() {
            return Err(AppError::bad_request("the CSV has no rows"));
        }
        Ok(records)
    }
}
