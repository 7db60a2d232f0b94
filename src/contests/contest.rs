//! Contest definitions: validated settings, the window by the server clock, and the SQL of the
//! `contests` table.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use utoipa::ToSchema;

use crate::auth::credentials::nfc;
use crate::db::{self, Pool};
use crate::error::{AppError, AppResult, ErrorCode, FieldErrors};

/// What kind of recording a contest takes (decided from the file's bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Audio,
    Video,
}

impl From<super::probe::MediaKind> for MediaKind {
    fn from(kind: super::probe::MediaKind) -> Self {
        match kind {
            super::probe::MediaKind::Audio => MediaKind::Audio,
            super::probe::MediaKind::Video => MediaKind::Video,
        }
    }
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Stable key the scores are sent under: `a-z`, `0-9`, `_`, `-`.
    pub key: String,
    pub title: String,
    /// Relative weight (> 0) of this criterion in the entry's percentage.
    pub weight: f64,
    /// The most points a judge may give (> 0).
    pub max_points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Voting {
    pub enabled: bool,
    /// Required when `enabled`.
    pub opens_at: Option<crate::clock::Timestamp>,
    /// Required when `enabled`; after `opens_at`.
    pub closes_at: Option<crate::clock::Timestamp>,
}

/// When the public gallery, the entry view and the public results name an entry's author.
/// Judges never see it; the entrant and organizers always do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShowAuthors {
    /// Only once the results are published: nobody can map an entry to its author while it
    /// is being judged and voted on.
    #[default]
    AfterResults,
    Always,
}

/// Who may vote in a contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Voters {
    /// Accounts placed in an org unit (by an admin, an import or a join code): a hundred
    /// accounts made in a minute do not get a hundred votes.
    #[default]
    Members,
    AnyAccount,
}

crate::db::stored_enum!(ShowAuthors { AfterResults => "after_results", Always => "always" });
crate::db::stored_enum!(Voters { Members => "members", AnyAccount => "any_account" });

/// Where a contest's results stand: the same states as quiz boards.
pub use crate::boards::publication::Visibility as ResultsState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContestState {
    Upcoming,
    Open,
    Closed,
}

/// The largest recording any contest may accept (S3's multipart limits are far above).
pub const MAX_BYTES_CAP: i64 = 8 << 30;
pub const MAX_DURATION_CAP_S: i64 = 4 * 3600;

#[derive(Debug, Clone)]
pub struct Contest {
    pub id: String,
    pub event_id: Option<String>,
    pub title: String,
    pub rules: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub media: Vec<MediaKind>,
    pub max_bytes: i64,
    pub max_duration_s: i64,
    pub max_entries_per_user: i64,
    pub criteria: Vec<Criterion>,
    pub judges_per_entry: i64,
    pub voting: Voting,
    pub results_state: ResultsState,
    pub results_changed_at: Option<i64>,
    /// Bumped whenever the rubric (criteria, judges per entry) changes: a score is saved only
    /// against the rubric it was checked with.
    pub rubric_rev: i64,
    pub show_authors: ShowAuthors,
    pub voters: Voters,
}

impl Contest {
    pub fn state(&self, now_ms: i64) -> ContestState {
        if now_ms < self.opens_at {
            ContestState::Upcoming
        } else if now_ms < self.closes_at {
            ContestState::Open
        } else {
            ContestState::Closed
        }
    }

    /// Entries are made, filled and submitted only while the contest is open.
    pub fn require_open(&self, now_ms: i64) -> AppResult<()> {
        match self.state(now_ms) {
            ContestState::Open => Ok(()),
            ContestState::Upcoming => Err(AppError::conflict(
                ErrorCode::ContestNotOpen,
                "the contest is not open yet",
            )),
            ContestState::Closed => Err(AppError::conflict(
                ErrorCode::ContestClosed,
                "the contest is closed",
            )),
        }
    }

    pub fn voting_open(&self, now_ms: i64) -> bool {
        self.voting.enabled
            && self.voting.opens_at.is_some_and(|t| t.0 <= now_ms)
            && self.voting.closes_at.is_some_and(|t| now_ms < t.0)
    }

    pub fn accepts(&self, kind: MediaKind) -> bool {
        self.media.contains(&kind)
    }

    /// Whether anyone (not only the entrant and organizers) may see who made an entry.
    pub fn authors_public(&self) -> bool {
        self.show_authors == ShowAuthors::Always || self.results_state == ResultsState::Published
    }
}

/// The settings a client sends; on `PATCH` every field is optional and merged.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContestInput {
    pub event_id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 20000)]
    pub rules: Option<String>,
    pub opens_at: Option<crate::clock::Timestamp>,
    /// After `opens_at`.
    pub closes_at: Option<crate::clock::Timestamp>,
    /// `audio`, `video` or both, each once.
    #[schema(min_items = 1, max_items = 2)]
    pub media: Option<Vec<MediaKind>>,
    #[schema(minimum = 1024, maximum = 8589934592_i64)]
    pub max_bytes: Option<i64>,
    #[schema(minimum = 1, maximum = 14400)]
    pub max_duration_s: Option<i64>,
    #[schema(minimum = 1, maximum = 20)]
    pub max_entries_per_user: Option<i64>,
    #[schema(min_items = 1, max_items = 20)]
    pub criteria: Option<Vec<Criterion>>,
    #[schema(minimum = 1, maximum = 20)]
    pub judges_per_entry: Option<i64>,
    pub voting: Option<Voting>,
    /// Default `after_results`.
    pub show_authors: Option<ShowAuthors>,
    /// Default `members`.
    pub voters: Option<Voters>,
}

/// The body of `POST /contests`: `ContestInput` with the fields a new contest needs.
pub struct NewContest;

impl NewContest {
    pub const REQUIRED: &[&str] = &[
        "title",
        "opens_at",
        "closes_at",
        "media",
        "max_bytes",
        "max_duration_s",
        "criteria",
    ];
}

impl utoipa::PartialSchema for NewContest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::http::openapi::requiring(
            <ContestInput as utoipa::PartialSchema>::schema(),
            Self::REQUIRED,
        )
    }
}

impl utoipa::ToSchema for NewContest {}

impl ContestInput {
    pub fn into_new(self, id: String) -> AppResult<Contest> {
        let mut errors = FieldErrors::new();
        for (present, field) in [
            (self.title.is_some(), "title"),
            (self.opens_at.is_some(), "opens_at"),
            (self.closes_at.is_some(), "closes_at"),
            (self.media.is_some(), "media"),
            (self.max_bytes.is_some(), "max_bytes"),
            (self.max_duration_s.is_some(), "max_duration_s"),
            (self.criteria.is_some(), "criteria"),
        ] {
            debug_assert!(NewContest::REQUIRED.contains(&field));
            if !present {
                errors.add(field, "is required");
            }
        }
        errors.into_result()?;
        let base = Contest {
            id,
            event_id: None,
            title: String::new(),
            rules: String::new(),
            opens_at: 0,
            closes_at: 0,
            media: Vec::new(),
            max_bytes: 0,
            max_duration_s: 0,
            max_entries_per_user: 1,
            criteria: Vec::new(),
            judges_per_entry: 1,
            voting: Voting {
                enabled: false,
                opens_at: None,
                closes_at: None,
            },
            results_state: ResultsState::Hidden,
            results_changed_at: None,
            rubric_rev: 0,
            show_authors: ShowAuthors::default(),
            voters: Voters::default(),
        };
        self.apply_to(base)
    }

    /// Fields that must not change once judges have scored (the scores would lose meaning).
    pub fn judging_fields_present(&self) -> Vec<&'static str> {
        let mut fields = Vec::new();
        if self.criteria.is_some() {
            fields.push("criteria");
        }
        if self.judges_per_entry.is_some() {
            fields.push("judges_per_entry");
        }
        fields
    }

    /// Merges the present fields over `contest` and validates the result as a whole.
    pub fn apply_to(self, mut contest: Contest) -> AppResult<Contest> {
        let mut errors = FieldErrors::new();
        if let Some(title) = self.title {
            contest.title = errors
                .take("title", text_field(&title, 1, 200))
                .unwrap_or_default();
        }
        if let Some(rules) = self.rules {
            contest.rules = errors
                .take("rules", text_field(&rules, 0, 20_000))
                .unwrap_or_default();
        }
        if let Some(event_id) = self.event_id {
            contest.event_id = Some(event_id);
        }
        if let Some(opens_at) = self.opens_at {
            contest.opens_at = opens_at.0;
        }
        if let Some(closes_at) = self.closes_at {
            contest.closes_at = closes_at.0;
        }
        if let Some(media) = self.media {
            contest.media = media;
        }
        if let Some(max_bytes) = self.max_bytes {
            contest.max_bytes = max_bytes;
        }
        if let Some(max_duration_s) = self.max_duration_s {
            contest.max_duration_s = max_duration_s;
        }
        if let Some(max_entries) = self.max_entries_per_user {
            contest.max_entries_per_user = max_entries;
        }
        if let Some(criteria) = self.criteria {
            contest.criteria = criteria
                .into_iter()
                .map(|criterion| Criterion {
                    key: criterion.key.trim().to_owned(),
                    title: nfc(criterion.title.trim()),
                    ..criterion
                })
                .collect();
        }
        if let Some(judges) = self.judges_per_entry {
            contest.judges_per_entry = judges;
        }
        if let Some(voting) = self.voting {
            contest.voting = voting;
        }
        if let Some(show_authors) = self.show_authors {
            contest.show_authors = show_authors;
        }
        if let Some(voters) = self.voters {
            contest.voters = voters;
        }
        if contest.closes_at <= contest.opens_at {
            errors.add("closes_at", "must be after opens_at");
        }
        if contest.media.is_empty() {
            errors.add("media", "must name audio, video or both");
        }
        if contest.media.len() == 2 && contest.media[0] == contest.media[1] {
            errors.add("media", "must not repeat a kind");
        }
        if !(1024..=MAX_BYTES_CAP).contains(&contest.max_bytes) {
            errors.add(
                "max_bytes",
                format!("must be between 1024 and {MAX_BYTES_CAP}"),
            );
        }
        if !(1..=MAX_DURATION_CAP_S).contains(&contest.max_duration_s) {
            errors.add(
                "max_duration_s",
                format!("must be between 1 and {MAX_DURATION_CAP_S}"),
            );
        }
        if !(1..=20).contains(&contest.max_entries_per_user) {
            errors.add("max_entries_per_user", "must be between 1 and 20");
        }
        if !(1..=20).contains(&contest.judges_per_entry) {
            errors.add("judges_per_entry", "must be between 1 and 20");
        }
        validate_criteria(&contest.criteria, &mut errors);
        if contest.voting.enabled {
            match (contest.voting.opens_at, contest.voting.closes_at) {
                (Some(opens), Some(closes)) if closes > opens => {}
                (Some(_), Some(_)) => errors.add("voting.closes_at", "must be after opens_at"),
                (None, _) => errors.add("voting.opens_at", "is required when voting is enabled"),
                (_, None) => errors.add("voting.closes_at", "is required when voting is enabled"),
            }
        }
        errors.into_result()?;
        Ok(contest)
    }
}

fn validate_criteria(criteria: &[Criterion], errors: &mut FieldErrors) {
    if criteria.is_empty() || criteria.len() > 20 {
        errors.add("criteria", "must hold 1 to 20 criteria");
    }
    for (index, criterion) in criteria.iter().enumerate() {
        let key_ok = (1..=40).contains(&criterion.key.len())
            && criterion
                .key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !key_ok {
            errors.add(
                format!("criteria[{index}].key"),
                "must be 1 to 40 of a-z, 0-9, _ and -",
            );
        }
        if criteria[..index].iter().any(|c| c.key == criterion.key) {
            errors.add(format!("criteria[{index}].key"), "is used twice");
        }
        if let Err(reason) = text_field(&criterion.title, 1, 200) {
            errors.add(format!("criteria[{index}].title"), reason);
        }
        if !(criterion.weight.is_finite() && criterion.weight > 0.0 && criterion.weight <= 1000.0) {
            errors.add(
                format!("criteria[{index}].weight"),
                "must be above 0 and at most 1000",
            );
        }
        if !(criterion.max_points.is_finite()
            && criterion.max_points > 0.0
            && criterion.max_points <= 1000.0)
        {
            errors.add(
                format!("criteria[{index}].max_points"),
                "must be above 0 and at most 1000",
            );
        }
    }
}

/// Titles, rules and reasons follow the same rules as quiz texts.
pub use crate::quizzes::quiz::text_field;

#[derive(FromRow)]
struct ContestRow {
    id: String,
    event_id: Option<String>,
    title: String,
    rules: String,
    opens_at: i64,
    closes_at: i64,
    media: String,
    max_bytes: i64,
    max_duration_s: i64,
    max_entries_per_user: i64,
    criteria: String,
    judges_per_entry: i64,
    voting_enabled: i64,
    voting_opens_at: Option<i64>,
    voting_closes_at: Option<i64>,
    results_state: String,
    results_changed_at: Option<i64>,
    rubric_rev: i64,
    show_authors: String,
    voters: String,
}

impl ContestRow {
    fn into_contest(self) -> AppResult<Contest> {
        let media = serde_json::from_str(&self.media)
            .map_err(|e| anyhow::anyhow!("stored contest media: {e}"))?;
        let criteria = serde_json::from_str(&self.criteria)
            .map_err(|e| anyhow::anyhow!("stored contest criteria: {e}"))?;
        Ok(Contest {
            id: self.id,
            event_id: self.event_id,
            title: self.title,
            rules: self.rules,
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            media,
            max_bytes: self.max_bytes,
            max_duration_s: self.max_duration_s,
            max_entries_per_user: self.max_entries_per_user,
            criteria,
            judges_per_entry: self.judges_per_entry,
            voting: Voting {
                enabled: self.voting_enabled != 0,
                opens_at: self.voting_opens_at.map(crate::clock::Timestamp),
                closes_at: self.voting_closes_at.map(crate::clock::Timestamp),
            },
            results_state: self.results_state.parse()?,
            results_changed_at: self.results_changed_at,
            rubric_rev: self.rubric_rev,
            show_authors: self.show_authors.parse()?,
            voters: self.voters.parse()?,
        })
    }
}

const CONTEST_COLUMNS: &str = "id, event_id, title, rules, opens_at, closes_at, media, max_bytes, max_duration_s, \
     max_entries_per_user, criteria, judges_per_entry, voting_enabled, voting_opens_at, voting_closes_at, \
     results_state, results_changed_at, rubric_rev, show_authors, voters";

fn json(value: &impl Serialize) -> AppResult<String> {
    Ok(serde_json::to_string(value).map_err(anyhow::Error::from)?)
}

fn map_reference_error(error: sqlx::Error) -> AppError {
    if db::is_foreign_key_violation(&error) {
        FieldErrors::single("event_id", "no such event")
    } else {
        error.into()
    }
}

pub async fn insert(
    pool: &Pool,
    contest: &Contest,
    created_by: &str,
    now_ms: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO contests (id, event_id, title, rules, opens_at, closes_at, media, max_bytes, max_duration_s,
             max_entries_per_user, criteria, judges_per_entry, voting_enabled, voting_opens_at, voting_closes_at,
             results_state, results_changed_at, created_by, created_at, updated_at, show_authors, voters)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'hidden', NULL, $16, $17, $17, $18, $19)",
    )
    .bind(&contest.id)
    .bind(&contest.event_id)
    .bind(&contest.title)
    .bind(&contest.rules)
    .bind(contest.opens_at)
    .bind(contest.closes_at)
    .bind(json(&contest.media)?)
    .bind(contest.max_bytes)
    .bind(contest.max_duration_s)
    .bind(contest.max_entries_per_user)
    .bind(json(&contest.criteria)?)
    .bind(contest.judges_per_entry)
    .bind(db::bool_to_db(contest.voting.enabled))
    .bind(contest.voting.opens_at.map(|t| t.0))
    .bind(contest.voting.closes_at.map(|t| t.0))
    .bind(created_by)
    .bind(now_ms)
    .bind(contest.show_authors.as_str())
    .bind(contest.voters.as_str())
    .execute(pool)
    .await
    .map_err(map_reference_error)?;
    Ok(())
}

/// Saves an edit; with `rubric_changed`, the rubric's revision is bumped, so scores checked
/// against the old rubric are refused (`lock_rubric`).
pub async fn update<'e, E>(
    executor: E,
    contest: &Contest,
    rubric_changed: bool,
    now_ms: i64,
) -> AppResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "UPDATE contests SET event_id = $1, title = $2, rules = $3, opens_at = $4, closes_at = $5, media = $6,
             max_bytes = $7, max_duration_s = $8, max_entries_per_user = $9, criteria = $10, judges_per_entry = $11,
             voting_enabled = $12, voting_opens_at = $13, voting_closes_at = $14, updated_at = $15,
             rubric_rev = rubric_rev + $17, show_authors = $18, voters = $19
         WHERE id = $16",
    )
    .bind(&contest.event_id)
    .bind(&contest.title)
    .bind(&contest.rules)
    .bind(contest.opens_at)
    .bind(contest.closes_at)
    .bind(json(&contest.media)?)
    .bind(contest.max_bytes)
    .bind(contest.max_duration_s)
    .bind(contest.max_entries_per_user)
    .bind(json(&contest.criteria)?)
    .bind(contest.judges_per_entry)
    .bind(db::bool_to_db(contest.voting.enabled))
    .bind(contest.voting.opens_at.map(|t| t.0))
    .bind(contest.voting.closes_at.map(|t| t.0))
    .bind(now_ms)
    .bind(&contest.id)
    .bind(i64::from(rubric_changed))
    .bind(contest.show_authors.as_str())
    .bind(contest.voters.as_str())
    .execute(executor)
    .await
    .map_err(map_reference_error)?;
    Ok(())
}

/// Locks the contest's row for the rest of the transaction, if its rubric is still at
/// `rubric_rev` (any revision when `None`). Scoring and editing the rubric both take this
/// lock before they check the other, so one of them always sees the other's change: a
/// score against a rubric that changed meanwhile, or a rubric edit after a first score,
/// is refused. False when the contest is gone or its rubric moved on.
pub async fn lock_rubric<'e, E>(
    executor: E,
    contest_id: &str,
    rubric_rev: Option<i64>,
) -> AppResult<bool>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let locked = sqlx::query(
        "UPDATE contests SET rubric_rev = rubric_rev WHERE id = $1 AND ($2 < 0 OR rubric_rev = $2)",
    )
    .bind(contest_id)
    .bind(rubric_rev.unwrap_or(-1))
    .execute(executor)
    .await?;
    Ok(locked.rows_affected() == 1)
}

pub async fn find(pool: &Pool, id: &str) -> AppResult<Option<Contest>> {
    let sql = format!("SELECT {CONTEST_COLUMNS} FROM contests WHERE id = $1");
    sqlx::query_as::<_, ContestRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .map(ContestRow::into_contest)
        .transpose()
}

/// An event's contests, in the order of their windows.
pub async fn of_event(pool: &Pool, event_id: &str) -> AppResult<Vec<Contest>> {
    let sql =
        format!("SELECT {CONTEST_COLUMNS} FROM contests WHERE event_id = $1 ORDER BY opens_at, id");
    sqlx::query_as::<_, ContestRow>(sqlx::AssertSqlSafe(sql))
        .bind(event_id)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(ContestRow::into_contest)
        .collect()
}

pub async fn require(pool: &Pool, id: &str) -> AppResult<Contest> {
    find(pool, id).await?.ok_or_else(AppError::not_found)
}

pub async fn list(pool: &Pool, limit: i64, offset: i64) -> AppResult<(Vec<Contest>, i64)> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contests")
        .fetch_one(pool)
        .await?;
    let sql = format!(
        "SELECT {CONTEST_COLUMNS} FROM contests ORDER BY opens_at DESC, id LIMIT $1 OFFSET $2"
    );
    let rows = sqlx::query_as::<_, ContestRow>(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
    let contests = rows
        .into_iter()
        .map(ContestRow::into_contest)
        .collect::<AppResult<Vec<_>>>()?;
    Ok((contests, total))
}

/// Moves the results to `to` only from `from` (a conditional update: concurrent changes of
/// state cannot both win).
pub async fn set_results_state<'e, E>(
    executor: E,
    contest_id: &str,
    from: ResultsState,
    to: ResultsState,
    now_ms: i64,
) -> AppResult<bool>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let result = sqlx::query(
        "UPDATE contests SET results_state = $1, results_changed_at = $2, updated_at = $2
         WHERE id = $3 AND results_state = $4",
    )
    .bind(to.as_str())
    .bind(now_ms)
    .bind(contest_id)
    .bind(from.as_str())
    .execute(executor)
    .await?;
    Ok(result.rows_affected() == 1)
}
