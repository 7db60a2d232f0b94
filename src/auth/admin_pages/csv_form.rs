//! The admins' CSV import forms (accounts, org units): a `multipart/form-data` form whose
//! `csrf` field comes first, then a file (`csv_file`) and a text box to paste into
//! (`csv_text`); the file wins when both are given. The chosen text goes to the API's handler
//! as the `CsvBody` it reads from a request, so a page import is checked exactly as an API
//! import (UTF-8, a byte-order mark dropped, NFC, the size limit). The handler's refusals come
//! back as rows to show: line, column and the problem in the page's language.

use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};

use crate::error::{AppError, ErrorCode};
use crate::http::{CsvBody, TEXT_BODY_LIMIT};
use crate::web::Visitor;
use crate::web::locale::{Arg, Locale};
use crate::web::page::{PageError, error_message};

/// What an import form sent, its token checked.
pub struct CsvForm {
    /// The chosen file's bytes, when a file was chosen.
    pub file: Option<Vec<u8>>,
    /// What was pasted, kept to be shown again after a refusal.
    pub pasted: String,
}

impl CsvForm {
    /// The CSV as the API's handler takes it; `None` when neither a file nor text was sent.
    pub async fn body(&self) -> Option<Result<CsvBody, AppError>> {
        let bytes = match &self.file {
            Some(file) if !file.is_empty() => file.clone(),
            _ if !self.pasted.trim().is_empty() => self.pasted.clone().into_bytes(),
            _ => return None,
        };
        Some(CsvBody::from_request(Request::new(Body::from(bytes)), &()).await)
    }
}

/// Reads the form, refusing it (the `csrf_failed` page) before a byte of the file is read when
/// its token is not the visitor's.
pub async fn read(visitor: &Visitor, headers: &HeaderMap, body: Body) -> Result<CsvForm, Refused> {
    let unreadable =
        || Refused::Page(visitor.fail(AppError::bad_request("the form could not be read")));
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| multer::parse_boundary(value).ok())
        .ok_or_else(unreadable)?;
    let limit = TEXT_BODY_LIMIT as u64;
    let limits = multer::Constraints::new()
        .allowed_fields(vec!["csrf", "csv_file", "csv_text"])
        .size_limit(
            multer::SizeLimit::new()
                .whole_stream(2 * limit + 64 * 1024)
                .for_field("csrf", 1024)
                .for_field("csv_file", limit)
                .for_field("csv_text", limit),
        );
    let mut form = multer::Multipart::with_constraints(body.into_data_stream(), boundary, limits);
    let token = match form.next_field().await {
        Ok(Some(field)) if field.name() == Some("csrf") => field.text().await.unwrap_or_default(),
        _ => String::new(),
    };
    if !crate::web::csrf::tokens_match(&token, &visitor.csrf) {
        return Err(Refused::Page(visitor.fail(AppError::api(
            ErrorCode::CsrfFailed,
            "the form is out of date; reload the page and try again",
        ))));
    }
    let mut sent = CsvForm {
        file: None,
        pasted: String::new(),
    };
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(
                multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. },
            ) => {
                return Err(Refused::Form(AppError::payload_too_large(limit)));
            }
            Err(_) => return Err(unreadable()),
        };
        let name = field.name().map(str::to_owned);
        // An empty file input still sends its part, with no name and no bytes.
        let chosen = field.file_name().is_some_and(|name| !name.is_empty());
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(
                multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. },
            ) => {
                return Err(Refused::Form(AppError::payload_too_large(limit)));
            }
            Err(_) => return Err(unreadable()),
        };
        match name.as_deref() {
            Some("csv_file") if chosen => sent.file = Some(bytes.to_vec()),
            Some("csv_text") => sent.pasted = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
    Ok(sent)
}

/// Why a form was not read: the error page (a forged or broken form), or a refusal to show
/// on the form itself (too large).
pub enum Refused {
    Page(PageError),
    Form(AppError),
}

/// One bad row of a file, as the page lists it.
pub struct RowProblem {
    pub line: u64,
    /// The column as the file's header names it (`username`), or empty for the whole row.
    pub column: String,
    pub problem: String,
}

/// The problems of a refused import: the summary, and the bad rows when the API listed them.
pub struct ImportRefusal {
    pub message: String,
    pub rows: Vec<RowProblem>,
}

/// The text between the first and the last double quote of `message` (a value the API quotes).
fn quoted(message: &str) -> String {
    match (message.find('"'), message.rfind('"')) {
        (Some(start), Some(end)) if end > start => message[start + 1..end].replace("\\\"", "\""),
        _ => String::new(),
    }
}

/// A row's problem in words: the API's message picks the sentence, its quoted value goes in.
fn row_problem(locale: Locale, field: &str, message: &str) -> String {
    let value = || [("value", quoted(message).to_arg())];
    let key = match field {
        _ if message.ends_with("appears twice in this file") => "admin-row-repeated",
        "username" if message.starts_with("must be 3 to 32") => "admin-row-username-length",
        "username" if message.starts_with("may contain only") => "admin-row-username-letters",
        "username" if message == "is already taken" => "admin-row-username-taken",
        "display_name" => "admin-row-display-name",
        "org_unit_code" | "parent_code" if message.starts_with("no org unit has the code") => {
            return locale.text_with("admin-row-unknown-unit", &value());
        }
        "role" => "admin-row-role",
        "birth_year" => "admin-row-birth-year",
        "code" if message.ends_with("already exists") => {
            return locale.text_with("admin-row-code-taken", &value());
        }
        "code" => "admin-row-code",
        "name" => "admin-row-name",
        "kind" => "admin-row-kind",
        "parent_code" if message.contains("cycle") => "admin-row-cycle",
        "row" if message.starts_with("has ") => "admin-row-values",
        "row" => "admin-row-not-csv",
        _ => {
            return locale.text_with("admin-row-other", &[("message", message.to_arg())]);
        }
    };
    locale.text(key)
}

/// A message the API's CSV reader answers before any row (a missing column, no rows, too
/// many, not UTF-8), in words.
fn file_problem(locale: Locale, error: &AppError) -> String {
    let AppError::Api { code, message, .. } = error else {
        return error_message(locale, error);
    };
    match code {
        ErrorCode::PayloadTooLarge => return locale.text("admin-import-too-large"),
        ErrorCode::BadRequest => {}
        _ => return error_message(locale, error),
    }
    if let Some(rest) = message.strip_prefix("the header must name the columns ") {
        let (columns, missing) = rest.split_once("; missing: ").unwrap_or((rest, ""));
        locale.text_with(
            "admin-import-missing-columns",
            &[("columns", columns.to_arg()), ("missing", missing.to_arg())],
        )
    } else if message.starts_with("the CSV has no rows") {
        locale.text("admin-import-no-rows")
    } else if let Some(rest) = message.strip_prefix("at most ") {
        let count: i64 = rest
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        locale.text_with("admin-import-too-many", &[("count", count.to_arg())])
    } else if message.starts_with("the body must be UTF-8") {
        locale.text("admin-import-not-utf8")
    } else {
        locale.text("admin-import-unreadable")
    }
}

impl ImportRefusal {
    pub fn of(locale: Locale, error: &AppError) -> Self {
        let rows: Vec<RowProblem> = match error {
            AppError::Api {
                details: Some(details),
                ..
            } => details["rows"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|row| {
                    let field = row["field"].as_str().unwrap_or("");
                    RowProblem {
                        line: row["line"].as_u64().unwrap_or(0),
                        column: if field == "row" {
                            String::new()
                        } else {
                            field.to_owned()
                        },
                        problem: row_problem(locale, field, row["message"].as_str().unwrap_or("")),
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        let message = if rows.is_empty() {
            file_problem(locale, error)
        } else {
            let mut lines: Vec<u64> = rows.iter().map(|row| row.line).collect();
            lines.dedup();
            locale.text_with(
                "admin-import-rows-refused",
                &[("count", lines.len().to_arg())],
            )
        };
        ImportRefusal { message, rows }
    }

    /// Nothing was sent: no file chosen and nothing pasted.
    pub fn nothing_sent(locale: Locale) -> Self {
        ImportRefusal {
            message: locale.text("admin-import-nothing"),
            rows: Vec::new(),
        }
    }
}
