//! Bank endpoints, for organizers only: the answer keys never reach participants here.

use crate::http::AppPath;
use axum::extract::State;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use super::format::{Bank, Problem, Strictness, Text, parse_bank};
use super::gift::{GiftOptions, parse_gift};
use super::store::{self, BankSummary, UpsertCounts};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::http::{AppJson, AppQuery, Paging, TextBody};

#[derive(Serialize, ToSchema)]
pub struct BankList {
    pub items: Vec<BankSummary>,
    pub total: usize,
}

/// Every bank with its question counts by competence, difficulty and kind.
#[utoipa::path(get, path = "/banks", tag = "question banks", security(("bearer" = [])),
    responses((status = 200, body = BankList), (status = 403, body = ErrorBody)))]
pub async fn list_banks(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
) -> AppResult<AppJson<BankList>> {
    let items = store::summaries(&state.db.pool).await?;
    Ok(AppJson(BankList {
        total: items.len(),
        items,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct BankQuestion {
    pub id: String,
    pub version: i64,
    pub kind: String,
    pub prompt: Text,
    #[schema(value_type = Vec<crate::quizzes::attempts::OptionView>)]
    pub options: Vec<Value>,
    /// The key: `"a"`, `["a","c"]`, `true`, or accepted answers.
    #[schema(value_type = crate::quizzes::response::Answer)]
    pub answer: Value,
    pub explanation: Option<Text>,
    pub competence: String,
    pub difficulty: u8,
    pub points: u32,
    pub tags: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct BankQuestionPage {
    pub items: Vec<BankQuestion>,
    pub total: i64,
}

/// A page of a bank's current questions, with answer keys.
#[utoipa::path(get, path = "/banks/{slug}/questions", tag = "question banks", security(("bearer" = [])),
    params(("slug" = String, Path), Paging),
    responses((status = 200, body = BankQuestionPage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn bank_questions(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath(slug): AppPath<String>,
    AppQuery(paging): AppQuery<Paging>,
) -> AppResult<AppJson<BankQuestionPage>> {
    let (limit, offset) = paging.bounds()?;
    if !store::bank_exists(&state.db.pool, &slug).await? {
        return Err(AppError::not_found());
    }
    let (questions, total) = store::current_questions(&state.db.pool, &slug, limit, offset).await?;
    let items = questions
        .into_iter()
        .map(|(version, question)| BankQuestion {
            answer: question.api_answer(),
            id: question.id,
            version,
            kind: question.kind.as_str().to_owned(),
            prompt: question.prompt,
            options: question
                .options
                .into_iter()
                .map(|choice| json!({"id": choice.id, "text": choice.text}))
                .collect(),
            explanation: question.explanation,
            competence: question.competence,
            difficulty: question.difficulty,
            points: question.points,
            tags: question.tags,
        })
        .collect();
    Ok(AppJson(BankQuestionPage { items, total }))
}

/// What an imported bank is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImportFormat {
    Toml,
    Gift,
}

impl ImportFormat {
    fn of(text: Option<&str>) -> AppResult<Self> {
        match text.unwrap_or("toml") {
            "toml" => Ok(ImportFormat::Toml),
            "gift" => Ok(ImportFormat::Gift),
            _ => Err(crate::error::FieldErrors::single(
                "format",
                "must be toml or gift",
            )),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `toml` (default) or `gift`.
    pub format: Option<String>,
    /// GIFT only: the bank to import into (created when new).
    pub slug: Option<String>,
    /// GIFT only: the bank's title (Vietnamese); default the slug.
    pub title: Option<String>,
    /// GIFT only: DigComp code for questions whose `$CATEGORY` names none (default 1.1).
    pub competence: Option<String>,
    /// GIFT only: difficulty 1–3 of the imported questions (default 2).
    pub difficulty: Option<u8>,
    /// GIFT only: skip question kinds civiquiz cannot map instead of refusing the file.
    pub skip_unsupported: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    pub slug: String,
    #[serde(flatten)]
    pub counts: UpsertCounts,
    /// Questions skipped because civiquiz cannot map their kind (GIFT with skip_unsupported).
    pub skipped: Vec<Problem>,
    /// Always empty on success: a file with errors is refused whole.
    pub errors: Vec<Problem>,
}

fn refuse(problems: Vec<Problem>) -> AppError {
    AppError::api(
        ErrorCode::ValidationFailed,
        format!(
            "the bank has {} problems; nothing was imported",
            problems.len()
        ),
    )
    .with_details(json!({ "errors": problems }))
}

fn gift_bank(text: &str, params: &ImportParams) -> Result<(Bank, Vec<Problem>), AppError> {
    let slug = params
        .slug
        .clone()
        .filter(|slug| super::format::is_valid_id(slug))
        .ok_or_else(|| {
            crate::error::FieldErrors::single(
                "slug",
                "a GIFT import needs ?slug= of a-z, 0-9 and '-'",
            )
        })?;
    let options = GiftOptions {
        default_competence: params
            .competence
            .clone()
            .unwrap_or_else(|| "1.1".to_owned()),
        default_difficulty: params.difficulty.unwrap_or(2),
        skip_unsupported: params.skip_unsupported.unwrap_or(false),
    };
    if super::format::competence_name(&options.default_competence).is_none() {
        return Err(crate::error::FieldErrors::single(
            "competence",
            "is not a DigComp 3.0 competence code",
        ));
    }
    if !(1..=3).contains(&options.default_difficulty) {
        return Err(crate::error::FieldErrors::single(
            "difficulty",
            "must be 1, 2 or 3",
        ));
    }
    let imported = parse_gift(text, &options);
    if !imported.errors.is_empty() {
        return Err(refuse(imported.errors));
    }
    if imported.questions.is_empty() {
        return Err(refuse(vec![Problem::new(
            0,
            None,
            "the file holds no question civiquiz can import",
        )]));
    }
    let title = params.title.clone().unwrap_or_else(|| slug.clone());
    let bank = Bank {
        slug,
        version: 1,
        title: Text::vi(crate::auth::credentials::nfc(title.trim())),
        questions: imported.questions,
    };
    Ok((bank, imported.unsupported))
}

/// Imports a whole bank, atomically: a TOML bank file, or Moodle GIFT with `?format=gift&slug=`.
/// Unchanged questions stay, changed ones get a new version, missing ones are retired.
#[utoipa::path(post, path = "/banks/import", tag = "question banks", security(("bearer" = [])), params(ImportParams),
    request_body(content = String, content_type = "application/toml"),
    responses((status = 200, body = ImportResult), (status = 422, body = ErrorBody, description = "validation_failed with details.errors [{line, question_id, message}]")))]
pub async fn import_bank(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppQuery(params): AppQuery<ImportParams>,
    TextBody(text): TextBody,
) -> AppResult<AppJson<ImportResult>> {
    let (bank, skipped) = match ImportFormat::of(params.format.as_deref())? {
        ImportFormat::Toml => (
            parse_bank(&text, Strictness::Imported).map_err(refuse)?,
            Vec::new(),
        ),
        ImportFormat::Gift => gift_bank(&text, &params)?,
    };
    let counts = store::upsert_bank(&state.db.pool, &bank, "import", state.clock.now_ms()).await?;
    Ok(AppJson(ImportResult {
        slug: bank.slug,
        counts,
        skipped,
        errors: Vec::new(),
    }))
}
