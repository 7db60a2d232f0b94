//! A report is a table: JSON (`{items, …}`) for programs, CSV for Excel. The CSV is UTF-8 with
//! a byte-order mark, so Excel on Windows shows Vietnamese names correctly, and RFC 4180
//! quoting (the csv crate), so a name with a comma, a quote or a line break survives; a text
//! cell that would start a formula is defused.

use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::IntoParams;

use crate::error::{AppError, AppResult, FieldErrors};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    #[default]
    Json,
    Csv,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

impl FormatQuery {
    pub fn format(&self) -> AppResult<Format> {
        match self.format.as_deref() {
            None | Some("json") => Ok(Format::Json),
            Some("csv") => Ok(Format::Csv),
            Some(_) => Err(FieldErrors::single("format", "must be json or csv")),
        }
    }
}

/// Column names and rows of JSON values (numbers stay numbers in JSON).
pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    pub fn new(columns: Vec<&'static str>) -> Self {
        Self {
            columns,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Value>) {
        self.rows.push(row);
    }

    pub fn items(&self) -> Vec<Value> {
        self.rows
            .iter()
            .map(|row| {
                let object: Map<String, Value> = self
                    .columns
                    .iter()
                    .map(|c| (*c).to_owned())
                    .zip(row.iter().cloned())
                    .collect();
                Value::Object(object)
            })
            .collect()
    }

    pub fn to_csv(&self) -> AppResult<Vec<u8>> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record(&self.columns).map_err(csv_error)?;
        for row in &self.rows {
            writer
                .write_record(row.iter().map(|value| match value {
                    Value::Null => String::new(),
                    Value::String(text) => defuse_formula(text),
                    other => other.to_string(),
                }))
                .map_err(csv_error)?;
        }
        writer.flush().map_err(|e| AppError::Internal(e.into()))?;
        drop(writer);
        Ok(out)
    }

    /// The table as the response `format` asks for; `extra` joins the JSON object.
    pub fn respond(
        &self,
        format: Format,
        filename: &str,
        extra: Map<String, Value>,
    ) -> AppResult<Response> {
        match format {
            Format::Json => {
                let mut body = extra;
                body.insert("total".into(), Value::from(self.rows.len()));
                body.insert("items".into(), Value::Array(self.items()));
                Ok(axum::Json(Value::Object(body)).into_response())
            }
            Format::Csv => Ok((
                [
                    (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{filename}.csv\""),
                    ),
                ],
                self.to_csv()?,
            )
                .into_response()),
        }
    }
}

/// A cell that Excel would read as a formula (a name such as `=HYPERLINK(…)`) gets a leading
/// apostrophe: OWASP's advice against CSV injection. Numbers are written as numbers.
fn defuse_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn csv_error(error: csv::Error) -> AppError {
    AppError::Internal(error.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trips_commas_quotes_line_breaks_and_diacritics() {
        let mut table = Table::new(vec!["name", "score"]);
        let awkward = [
            "Nguyễn Văn \"An\", lớp 8A",
            "Trần\nThị\r\nBình",
            "Lê; DROP TABLE users;--",
            "",
            "=1+1",
        ];
        for (index, name) in awkward.iter().enumerate() {
            table.push(vec![Value::from(*name), Value::from(index as f64 / 2.0)]);
        }
        let bytes = table.to_csv().expect("csv");
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let names: Vec<String> = reader
            .records()
            .map(|r| r.expect("record")[0].to_owned())
            .collect();
        let mut expected = awkward.map(str::to_owned);
        expected[4] = "'=1+1".to_owned();
        assert_eq!(
            names, expected,
            "formulas are defused, everything else is kept"
        );
    }
}
