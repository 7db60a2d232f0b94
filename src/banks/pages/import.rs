//! `/organize/banks/import`: a plain `multipart/form-data` form posting a TOML bank or a
//! Moodle GIFT file, with the GIFT options of `POST /api/v1/banks/import`. The `csrf` field
//! comes first, so a forged form is refused before a byte of the file is read; the file is read
//! as the API reads a body (`TextBody`: its size cap, UTF-8, NFC) and handed to `import_bank`,
//! which writes all or nothing. Every problem it finds is listed with its line.

use askama::Template;
use axum::body::Body;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use super::{bank_url, competence_label, difficulty_labels};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::banks::format::COMPETENCES;
use crate::banks::routes::{self, ImportParams, ImportResult};
use crate::error::{AppError, ErrorCode};
use crate::http::{AppJson, AppQuery, TEXT_BODY_LIMIT, TextBody};
use crate::web::locale::{Arg, Locale};
use crate::web::page::{Chrome, OrPage, PageError, error_message, redirect, render};
use crate::web::{Member, csrf};

/// The form's fields; the file is `file`, the rest are the API's query parameters.
const FIELDS: [&str; 8] = [
    "csrf",
    "format",
    "slug",
    "title",
    "competence",
    "difficulty",
    "skip_unsupported",
    "file",
];
/// Each text field's cap: a title of 200 characters is well under it.
const TEXT_FIELD_LIMIT: u64 = 4 * 1024;
/// The whole form: the file's cap and room for the other fields and the part headers, so an
/// oversized file meets the API's own limit (and its message) first.
const FORM_LIMIT: u64 = TEXT_BODY_LIMIT as u64 + 64 * 1024;
/// The most problems one page lists; a file with more is far from importable anyway.
const MOST_PROBLEMS: usize = 300;
/// How much of a problem's source line is quoted.
const QUOTE_CHARS: usize = 160;

/// What the organizer chose, kept across a refusal (a file input cannot be refilled).
pub struct ImportForm {
    pub format: String,
    pub slug: String,
    pub title: String,
    pub competence: String,
    pub difficulty: String,
    pub skip_unsupported: bool,
}

impl Default for ImportForm {
    /// The API's defaults.
    fn default() -> Self {
        ImportForm {
            format: "toml".to_owned(),
            slug: String::new(),
            title: String::new(),
            competence: "1.1".to_owned(),
            difficulty: "2".to_owned(),
            skip_unsupported: false,
        }
    }
}

impl ImportForm {
    fn set(&mut self, name: &str, value: String) {
        let value = value.trim().to_owned();
        match name {
            "format" => self.format = value,
            "slug" => self.slug = value,
            "title" => self.title = value,
            "competence" => self.competence = value,
            "difficulty" => self.difficulty = value,
            "skip_unsupported" => self.skip_unsupported = !value.is_empty(),
            _ => {}
        }
    }

    /// The API's query, as a client would send it: empty fields left out.
    fn params(&self) -> ImportParams {
        let given = |value: &str| (!value.is_empty()).then(|| value.to_owned());
        ImportParams {
            format: given(&self.format),
            slug: given(&self.slug),
            title: given(&self.title),
            competence: given(&self.competence),
            // Not a number 0–255: the API's own check of the range refuses it.
            difficulty: given(&self.difficulty).map(|d| d.parse().unwrap_or(0)),
            skip_unsupported: Some(self.skip_unsupported),
        }
    }
}

/// One problem of the file, as the importer found it.
pub struct ProblemLine {
    pub line: u64,
    pub question_id: Option<String>,
    /// The importer's own words (English: the API gives no code for them).
    pub message: String,
    /// The start of the line it is on.
    pub source: Option<String>,
}

/// Why nothing was imported: a summary, the file's problems, and each field's own error.
#[derive(Default)]
pub struct Refusal {
    pub summary: Option<String>,
    pub problems: Vec<ProblemLine>,
    pub unlisted: usize,
    pub file: Option<String>,
    pub format: Option<String>,
    pub slug: Option<String>,
    pub competence: Option<String>,
    pub difficulty: Option<String>,
}

impl Refusal {
    fn of_file(locale: Locale, message: String) -> Self {
        Refusal {
            summary: Some(locale.text("banks-import-refused")),
            file: Some(message),
            ..Refusal::default()
        }
    }

    /// The API's refusal of the import, in the page's language where the words are ours.
    fn of(locale: Locale, error: &AppError, source: &str) -> Self {
        let problems = match error {
            AppError::Api {
                code: ErrorCode::ValidationFailed,
                details: Some(details),
                ..
            } => details["errors"].as_array().cloned(),
            _ => None,
        };
        if let Some(problems) = problems {
            let lines: Vec<&str> = source.lines().collect();
            let listed: Vec<ProblemLine> = problems
                .iter()
                .take(MOST_PROBLEMS)
                .map(|problem| problem_line(problem, &lines))
                .collect();
            return Refusal {
                summary: Some(locale.text_with(
                    "banks-import-problems",
                    &[("count", problems.len().to_arg())],
                )),
                unlisted: problems.len() - listed.len(),
                problems: listed,
                ..Refusal::default()
            };
        }
        let mut refusal = Refusal {
            summary: Some(locale.text("banks-import-refused")),
            ..Refusal::default()
        };
        let fields = error.fields();
        let mut unknown = Vec::new();
        for field in fields.iter() {
            let message = Some(locale.text(&format!("banks-error-{field}")));
            match field.as_str() {
                "format" => refusal.format = message,
                "slug" => refusal.slug = message,
                "competence" => refusal.competence = message,
                "difficulty" => refusal.difficulty = message,
                _ => unknown.push(field),
            }
        }
        if fields.is_empty() || !unknown.is_empty() {
            refusal.summary = Some(error_message(locale, error));
        }
        refusal
    }

    fn any(&self) -> bool {
        self.summary.is_some()
    }
}

fn problem_line(problem: &Value, lines: &[&str]) -> ProblemLine {
    let line = problem["line"].as_u64().unwrap_or(0);
    let source = usize::try_from(line)
        .ok()
        .and_then(|line| line.checked_sub(1))
        .and_then(|index| lines.get(index))
        .map(|text| text.trim())
        .filter(|text| !text.is_empty())
        .map(|text| match text.char_indices().nth(QUOTE_CHARS) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_owned(),
        });
    ProblemLine {
        line,
        question_id: problem["question_id"].as_str().map(str::to_owned),
        message: problem["message"].as_str().unwrap_or("").to_owned(),
        source,
    }
}

pub struct CompetenceChoice {
    pub code: &'static str,
    pub label: String,
}

#[derive(Template)]
#[template(path = "banks/import.html")]
struct ImportPage {
    c: Chrome,
    form: ImportForm,
    refusal: Refusal,
    competences: Vec<CompetenceChoice>,
    difficulties: Vec<(String, String)>,
    max_size: String,
}

impl ImportPage {
    fn new(c: Chrome, form: ImportForm, refusal: Refusal) -> Self {
        let locale = c.locale;
        ImportPage {
            competences: COMPETENCES
                .iter()
                .map(|(code, _)| CompetenceChoice {
                    code,
                    label: competence_label(locale, code),
                })
                .collect(),
            difficulties: difficulty_labels(locale)
                .into_iter()
                .enumerate()
                .map(|(index, label)| ((index + 1).to_string(), label))
                .collect(),
            max_size: max_size(locale),
            c,
            form,
            refusal,
        }
    }

    /// The file's `aria-describedby`: its hint, and its own error or the file's problems.
    fn file_described(&self) -> String {
        if self.refusal.file.is_some() {
            "file-hint file-error".to_owned()
        } else if !self.refusal.problems.is_empty() {
            "file-hint form-errors-summary".to_owned()
        } else {
            "file-hint".to_owned()
        }
    }

    /// The `aria-describedby` of a field: its hint, and its error when it has one.
    fn described(&self, hint: &str, error: &Option<String>, error_id: &str) -> String {
        match error {
            Some(_) => format!("{hint} {error_id}"),
            None => hint.to_owned(),
        }
    }
}

fn max_size(locale: Locale) -> String {
    locale.text_with(
        "banks-mebibytes",
        &[("count", (TEXT_BODY_LIMIT / (1024 * 1024)).to_arg())],
    )
}

pub async fn form(
    member: Member,
    organizer: Result<Organizer, AppError>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let page = ImportPage::new(
        Chrome::new(visitor, "banks-import-title"),
        ImportForm::default(),
        Refusal::default(),
    );
    Ok(render(StatusCode::OK, &page))
}

/// The file as the API reads a body: at most `TEXT_BODY_LIMIT` bytes of UTF-8, in NFC.
async fn read_file(field: multer::Field<'static>) -> Result<String, AppError> {
    let TextBody(text) =
        TextBody::from_request(Request::new(Body::from_stream(field)), &()).await?;
    Ok(text)
}

/// The file's refusal beside its field, in the page's language.
fn file_error(locale: Locale, error: &AppError) -> String {
    match error.code() {
        ErrorCode::PayloadTooLarge => locale.text_with(
            "banks-file-too-large",
            &[("size", max_size(locale).to_arg())],
        ),
        ErrorCode::BadRequest => locale.text("banks-file-not-text"),
        _ => error_message(locale, error),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    member: Member,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let locale = visitor.locale;
    let organizer = member.organizer()?;
    let unreadable = || visitor.fail(AppError::bad_request("the form could not be read"));
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| multer::parse_boundary(value).ok())
        .ok_or_else(unreadable)?;
    let limits = multer::Constraints::new()
        .allowed_fields(FIELDS.to_vec())
        .size_limit(
            multer::SizeLimit::new()
                .whole_stream(FORM_LIMIT)
                .per_field(TEXT_FIELD_LIMIT)
                .for_field("file", FORM_LIMIT),
        );
    let mut multipart =
        multer::Multipart::with_constraints(body.into_data_stream(), boundary, limits);
    let token = match multipart.next_field().await {
        Ok(Some(field)) if field.name() == Some("csrf") => field.text().await.unwrap_or_default(),
        _ => String::new(),
    };
    if !csrf::tokens_match(&token, &visitor.csrf) {
        return Err(visitor.fail(AppError::api(
            ErrorCode::CsrfFailed,
            "the form is out of date; reload the page and try again",
        )));
    }

    let mut form = ImportForm::default();
    let mut file: Option<Result<String, AppError>> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err(unreadable()),
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            // An empty file input still sends its part, with no name and no bytes.
            if field.file_name().is_none_or(str::is_empty) {
                continue;
            }
            let read = read_file(field).await;
            let failed = read.is_err();
            file = Some(read);
            if failed {
                // The rest of an oversized body is not worth reading.
                break;
            }
        } else {
            let value = field.text().await.map_err(|_| unreadable())?;
            form.set(&name, value);
        }
    }
    drop(multipart);

    let c = Chrome::new(visitor, "banks-import-title");
    let text = match file {
        Some(Ok(text)) => text,
        Some(Err(error)) => {
            let refusal = Refusal::of_file(locale, file_error(locale, &error));
            return Ok(render(error.status(), &ImportPage::new(c, form, refusal)));
        }
        None => {
            let refusal = Refusal::of_file(locale, locale.text("banks-choose-file"));
            let page = ImportPage::new(c, form, refusal);
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let imported = routes::import_bank(
        State(state),
        organizer,
        AppQuery(form.params()),
        TextBody(text.clone()),
    )
    .await;
    match imported {
        Ok(AppJson(ImportResult {
            slug,
            counts,
            skipped,
            ..
        })) => Ok(redirect(&format!(
            "{}?imported=1&created={}&updated={}&unchanged={}&retired={}&skipped={}",
            bank_url(&slug),
            counts.created,
            counts.updated,
            counts.unchanged,
            counts.retired,
            skipped.len()
        ))),
        Err(error)
            if matches!(
                error.status(),
                StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED
            ) =>
        {
            Err(visitor.fail(error))
        }
        Err(error) if error.status().is_server_error() => Err(visitor.fail(error)),
        Err(error) => {
            let refusal = Refusal::of(locale, &error, &text);
            let page = ImportPage::new(c, form, refusal);
            Ok(render(error.status(), &page))
        }
    }
}
