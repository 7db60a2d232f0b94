//! Leaderboard endpoints. Public reads show the view the board's state allows (live, or the
//! standings at freeze time); `me` always shows the caller her own current standing.

use std::sync::Arc;

use crate::http::AppPath;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::aggregates::{self, EventStanding, UnitStanding};
use super::page_cache::{CachedBoard, PageKey};
use super::publication::{self, Sealed, SnapshotKind};
use super::quiz_board::{QuizBoard, View};
use super::rebuild::{SCOPE_ALL, unit_scope};
use super::state::{self, BoardState, Visibility};
use super::{around, page, public_view, ranked};
use crate::app::AppState;
use crate::auth::{AuthUser, Organizer};
use crate::bus::Topic;
use crate::clock::Timestamp;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode, FieldErrors};
use crate::http::{AppJson, AppQuery};
use crate::quizzes::access;
use crate::quizzes::quiz::{self, Quiz};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct UnitRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct RankedEntry {
    pub rank: u64,
    pub user_id: String,
    pub display_name: String,
    pub org_unit: Option<UnitRef>,
    pub score: f64,
    pub max_score: f64,
    pub correct_count: i64,
    pub duration_ms: i64,
}

#[derive(Clone, Serialize, ToSchema)]
pub struct Board {
    pub state: Visibility,
    pub frozen_at: Option<Timestamp>,
    pub published_at: Option<Timestamp>,
    pub total: u64,
    pub items: Vec<RankedEntry>,
    /// How ranks are decided, for showing beside the board.
    pub ranking_rule: &'static str,
}

pub const RANKING_RULE: &str =
    "score descending, then time taken ascending, then earlier submission, then id";

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// `all` (default) or `org:{org_unit_id}` (that unit and everything below it).
    #[param(pattern = r"^(all|org:.{1,64})$")]
    pub scope: Option<String>,
    /// 0 (default) or more.
    #[serde(default, deserialize_with = "crate::http::whole_number")]
    #[param(value_type = Option<i64>, minimum = 0, default = 0)]
    pub offset: Option<i128>,
    /// 1 to 200 (default 50).
    #[serde(default, deserialize_with = "crate::http::whole_number")]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i128>,
}

impl BoardQuery {
    /// `(offset, limit)`, validated: a negative offset or a limit outside 1–200 is 422; an
    /// offset past the end is an empty page.
    pub fn page(&self) -> AppResult<(u64, u64)> {
        let (limit, offset) = crate::http::Paging {
            limit: self.limit,
            offset: self.offset,
        }
        .bounds()?;
        Ok((offset.unsigned_abs(), limit.unsigned_abs()))
    }
}

/// The scope asked for, validated; it is already the board's name for it (`all`, `org:ID`).
pub fn parse_scope(scope: Option<&str>) -> AppResult<&str> {
    match scope.unwrap_or(SCOPE_ALL) {
        SCOPE_ALL => Ok(SCOPE_ALL),
        other => match other.strip_prefix("org:") {
            Some(unit) if !unit.is_empty() && unit.len() <= 64 => {
                debug_assert_eq!(unit_scope(unit), other);
                Ok(other)
            }
            _ => Err(FieldErrors::single(
                "scope",
                "must be all or org:{org_unit_id}",
            )),
        },
    }
}

/// The quiz, if the caller (or an anonymous visitor, for quizzes open to everyone) may see it.
pub async fn board_quiz(
    state: &AppState,
    caller: Option<&AuthUser>,
    quiz_id: &str,
) -> AppResult<Arc<Quiz>> {
    // Checked before any lookup or cache: a 60 KB id must cost nothing to refuse.
    if !crate::http::plausible_id(quiz_id) {
        return Err(AppError::not_found());
    }
    match caller {
        Some(caller) => access::visible_quiz(state, caller, quiz_id)
            .await
            .map(Arc::new),
        None => state
            .board_states
            .quiz(&state.db.pool, quiz_id)
            .await?
            .filter(|quiz| quiz.published && quiz.audience_org_unit_id.is_none())
            .ok_or_else(AppError::not_found),
    }
}

fn board_head(board_state: &BoardState) -> (Option<Timestamp>, Option<Timestamp>) {
    (
        board_state.frozen_at.map(Timestamp),
        board_state.published_at.map(Timestamp),
    )
}

/// The public standings of one page of a quiz board (empty while hidden).
pub async fn public_page(
    state: &AppState,
    quiz: &Quiz,
    scope: &str,
    offset: u64,
    limit: u64,
) -> AppResult<Arc<CachedBoard>> {
    let key = PageKey {
        quiz_id: &quiz.id,
        scope,
        offset,
        limit,
    };
    if let Some(board) = state.board_pages.get(&key) {
        return Ok(board);
    }
    let board_state = state.board_states.get(&state.db.pool, &quiz.id).await?;
    let (frozen_at, published_at) = board_head(&board_state);
    let board = if board_state.visibility == Visibility::Hidden {
        Board {
            state: board_state.visibility,
            frozen_at,
            published_at,
            total: 0,
            items: Vec::new(),
            ranking_rule: RANKING_RULE,
        }
    } else if board_state.visibility == Visibility::Published {
        let ranked = published_standings(state, &quiz.id, scope).await?;
        Board {
            state: board_state.visibility,
            frozen_at,
            published_at,
            total: ranked.len() as u64,
            items: ranked
                .into_iter()
                .skip(usize::try_from(offset).unwrap_or(usize::MAX))
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .collect(),
            ranking_rule: RANKING_RULE,
        }
    } else {
        let (entries, total) = page(
            state,
            quiz,
            &public_view(&quiz.id, &board_state),
            scope,
            offset,
            limit,
        )
        .await?;
        Board {
            state: board_state.visibility,
            frozen_at,
            published_at,
            total,
            items: ranked(offset, entries),
            ranking_rule: RANKING_RULE,
        }
    };
    let board = Arc::new(CachedBoard::new(board)?);
    state.board_pages.put(&key, board.clone());
    Ok(board)
}

/// A page of a quiz's board: the standings the board's state lets the public see.
#[utoipa::path(get, path = "/quizzes/{id}/leaderboard", tag = "leaderboards", security((), ("bearer" = [])), params(("id" = String, Path), BoardQuery),
    responses((status = 200, body = Board), (status = 404, body = ErrorBody)))]
pub async fn quiz_board(
    State(state): State<AppState>,
    caller: Option<AuthUser>,
    AppPath(quiz_id): AppPath<String>,
    AppQuery(query): AppQuery<BoardQuery>,
) -> AppResult<Response> {
    let quiz = board_quiz(&state, caller.as_ref(), &quiz_id).await?;
    let scope = parse_scope(query.scope.as_deref())?;
    let (offset, limit) = query.page()?;
    let board = public_page(&state, &quiz, scope, offset, limit).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        )],
        board.json.clone(),
    )
        .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct MyStanding {
    pub state: Visibility,
    /// The caller's rank on the standings the board's state shows the public: live while
    /// `live`, at the freeze while `frozen`, the snapshot's once `published`, none while
    /// `hidden`.
    pub rank: Option<u64>,
    pub total: u64,
    /// The caller's line on those standings.
    pub entry: Option<RankedEntry>,
    /// Up to two lines each side of hers, on those standings.
    pub neighbours: Vec<RankedEntry>,
    /// Her own counted result now, whatever the state (without a rank).
    pub result: Option<OwnResult>,
}

/// A participant's counted result, without its place.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct OwnResult {
    pub score: f64,
    pub max_score: f64,
    pub correct_count: i64,
    pub duration_ms: i64,
}

/// The caller's own rank with a few neighbours, on the standings the board's state shows
/// (never a neighbour's line the public could not see), and her own result.
#[utoipa::path(get, path = "/quizzes/{id}/leaderboard/me", tag = "leaderboards", security(("bearer" = [])),
    params(("id" = String, Path), BoardQuery), responses((status = 200, body = MyStanding), (status = 404, body = ErrorBody)))]
pub async fn my_standing(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(quiz_id): AppPath<String>,
    AppQuery(query): AppQuery<BoardQuery>,
) -> AppResult<AppJson<MyStanding>> {
    let quiz = access::visible_quiz(&state, &caller, &quiz_id).await?;
    let scope = parse_scope(query.scope.as_deref())?;
    let board_state = state.board_states.get(&state.db.pool, &quiz.id).await?;
    let live = View::live(&quiz.id);
    let result = around(&state, &quiz, &live, SCOPE_ALL, caller.id(), 0)
        .await?
        .and_then(|(_, (entries, _))| entries.into_iter().find(|e| e.user_id == caller.id()))
        .map(|entry| OwnResult {
            score: super::points(entry.score_milli),
            max_score: super::points(entry.max_score_milli),
            correct_count: entry.correct_count,
            duration_ms: entry.duration_ms,
        });
    let nobody = MyStanding {
        state: board_state.visibility,
        rank: None,
        total: 0,
        entry: None,
        neighbours: Vec::new(),
        result,
    };
    let view = match board_state.visibility {
        Visibility::Hidden => return Ok(AppJson(nobody)),
        Visibility::Published => {
            let standings = published_standings(&state, &quiz.id, scope).await?;
            let total = standings.len() as u64;
            let Some(at) = standings.iter().position(|e| e.user_id == caller.id()) else {
                return Ok(AppJson(MyStanding { total, ..nobody }));
            };
            let window = at.saturating_sub(2)..(at + 3).min(standings.len());
            return Ok(AppJson(MyStanding {
                rank: Some(standings[at].rank),
                total,
                entry: Some(standings[at].clone()),
                neighbours: standings[window].to_vec(),
                ..nobody
            }));
        }
        Visibility::Frozen | Visibility::Live => public_view(&quiz.id, &board_state),
    };
    let Some((first, (entries, total))) =
        around(&state, &quiz, &view, scope, caller.id(), 2).await?
    else {
        return Ok(AppJson(nobody));
    };
    let neighbours = ranked(first, entries);
    let entry = neighbours
        .iter()
        .find(|e| e.user_id == caller.id())
        .cloned();
    Ok(AppJson(MyStanding {
        rank: entry.as_ref().map(|e| e.rank),
        total,
        entry,
        neighbours,
        ..nobody
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitBoardQuery {
    /// `district`, `ward` (default), `school`, `class` or `other`.
    #[param(value_type = Option<crate::orgs::OrgKind>)]
    pub kind: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UnitBoard {
    pub state: Visibility,
    pub items: Vec<UnitStanding>,
}

/// Org units of a kind ranked by participants, mean score and completion.
#[utoipa::path(get, path = "/quizzes/{id}/leaderboard/org-units", tag = "leaderboards", security((), ("bearer" = [])), params(("id" = String, Path), UnitBoardQuery),
    responses((status = 200, body = UnitBoard), (status = 404, body = ErrorBody)))]
pub async fn org_unit_board(
    State(state): State<AppState>,
    caller: Option<AuthUser>,
    AppPath(quiz_id): AppPath<String>,
    AppQuery(query): AppQuery<UnitBoardQuery>,
) -> AppResult<AppJson<UnitBoard>> {
    let quiz = board_quiz(&state, caller.as_ref(), &quiz_id).await?;
    let kind = match query.kind.as_deref() {
        None => crate::orgs::OrgKind::Ward,
        Some(text) => crate::orgs::OrgKind::parse(text)
            .map_err(|reason| FieldErrors::single("kind", reason))?,
    };
    Ok(AppJson(unit_board(&state, &quiz, kind).await?))
}

/// Org units of `kind` ranked as the board's state lets the public see them (none while
/// hidden, at the freeze while frozen), kept a moment per cut-off.
pub async fn unit_board(
    state: &AppState,
    quiz: &Quiz,
    kind: crate::orgs::OrgKind,
) -> AppResult<UnitBoard> {
    let board_state = state.board_states.get(&state.db.pool, &quiz.id).await?;
    let items = if board_state.visibility == Visibility::Hidden {
        Vec::new()
    } else {
        let key = (quiz.id.clone(), kind, board_state.public_cutoff());
        let standings = match state.board_states.unit_boards.get(&key) {
            Some(kept) => kept,
            None => {
                let computed =
                    Arc::new(aggregates::unit_standings(state, quiz, key.2, kind).await?);
                state.board_states.unit_boards.put(key, computed.clone());
                computed
            }
        };
        standings.as_ref().clone()
    };
    Ok(UnitBoard {
        state: board_state.visibility,
        items,
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateChange {
    pub state: Visibility,
}

#[derive(Serialize, ToSchema)]
pub struct StateView {
    pub state: Visibility,
    pub frozen_at: Option<Timestamp>,
    pub published_at: Option<Timestamp>,
}

/// Hides, shows, freezes or publishes a board. Publishing stores an immutable snapshot with
/// its SHA-256; it is final, and publishing again changes nothing.
#[utoipa::path(post, path = "/quizzes/{id}/leaderboard/state", tag = "leaderboards", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = StateChange,
    responses((status = 200, body = StateView), (status = 409, body = ErrorBody, description = "already published"), (status = 404, body = ErrorBody)))]
pub async fn set_board_state(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath(quiz_id): AppPath<String>,
    AppJson(body): AppJson<StateChange>,
) -> AppResult<AppJson<StateView>> {
    let quiz = quiz::find(&state.db.pool, &quiz_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let now = state.clock.now_ms();
    state.board_states.forget(&quiz.id);
    let current = state.board_states.get(&state.db.pool, &quiz.id).await?;
    if current.visibility == Visibility::Published {
        if body.state != Visibility::Published {
            return Err(AppError::conflict(
                ErrorCode::AlreadyPublished,
                "the board is published; its results are final",
            ));
        }
    } else {
        if body.state == Visibility::Published {
            publish_snapshot(&state, &quiz, &current, now).await?;
        }
        state::set(&state.db.pool, &quiz.id, body.state, now).await?;
        // A lifted freeze's board is dropped; it is rebuilt if the board is frozen again.
        if current.visibility == Visibility::Frozen
            && !matches!(body.state, Visibility::Frozen | Visibility::Published)
            && let Some(cutoff) = current.frozen_at
        {
            let frozen = QuizBoard::of(&quiz, &View::at(&quiz.id, cutoff));
            let _ = state.boards.forget(&frozen).await;
        }
    }
    state.board_states.forget(&quiz.id);
    state.board_pages.invalidate(&quiz.id);
    let updated = state.board_states.get(&state.db.pool, &quiz.id).await?;
    state.bus.announce(Topic::Quiz(quiz.id.clone())).await;
    let (frozen_at, published_at) = board_head(&updated);
    Ok(AppJson(StateView {
        state: updated.visibility,
        frozen_at,
        published_at,
    }))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Snapshot {
    pub quiz_id: String,
    pub published_at: Timestamp,
    pub ranking_rule: String,
    pub items: Vec<RankedEntry>,
}

/// Seals the standings the public sees now (at the freeze, if frozen). Publication happens
/// once: a second publication keeps the first snapshot.
async fn publish_snapshot(
    state: &AppState,
    quiz: &Quiz,
    current: &BoardState,
    now: i64,
) -> AppResult<()> {
    let view = match (current.visibility, current.frozen_at) {
        (Visibility::Frozen, Some(cutoff)) => View::at(&quiz.id, cutoff),
        _ => View::at(&quiz.id, now),
    };
    let mut items = Vec::new();
    let mut offset = 0;
    loop {
        let (entries, total) = page(state, quiz, &view, SCOPE_ALL, offset, 1000).await?;
        let count = entries.len() as u64;
        items.extend(ranked(offset, entries));
        offset += count;
        if count == 0 || offset >= total {
            break;
        }
    }
    if view.cutoff != current.frozen_at {
        let _ = state.boards.forget(&QuizBoard::of(quiz, &view)).await;
    }
    let snapshot = Snapshot {
        quiz_id: quiz.id.clone(),
        published_at: Timestamp(now),
        ranking_rule: RANKING_RULE.to_owned(),
        items,
    };
    let sealed = Sealed::of(&snapshot, now)?;
    publication::keep(
        &state.db.pool,
        &publication::quiz_board(&quiz.id),
        SnapshotKind::Published,
        &sealed,
    )
    .await?;
    Ok(())
}

/// The published snapshot of a quiz, parsed. Immutable once written, so each process keeps
/// the ones it has read.
pub async fn published_snapshot(
    state: &AppState,
    quiz_id: &str,
) -> AppResult<Option<Arc<(Sealed, Snapshot)>>> {
    if let Some(found) = state.board_states.published(quiz_id) {
        return Ok(Some(found));
    }
    let Some(sealed) = publication::find(
        &state.db.pool,
        &publication::quiz_board(quiz_id),
        SnapshotKind::Published,
    )
    .await?
    else {
        return Ok(None);
    };
    let snapshot: Snapshot = sealed.parse()?;
    let found = Arc::new((sealed, snapshot));
    state.board_states.keep_published(quiz_id, found.clone());
    Ok(Some(found))
}

/// The published standings of a scope, ranked within it: what a published board serves.
pub async fn published_standings(
    state: &AppState,
    quiz_id: &str,
    scope: &str,
) -> AppResult<Vec<RankedEntry>> {
    let published = published_snapshot(state, quiz_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("a published board without a snapshot"))?;
    let items = &published.1.items;
    if scope == SCOPE_ALL {
        return Ok(items.clone());
    }
    let tree = super::rebuild::OrgTree::load(&state.db.pool).await?;
    Ok(items
        .iter()
        .filter(|item| {
            tree.scopes(item.org_unit.as_ref().map(|unit| unit.id.as_str()))
                .iter()
                .any(|s| s == scope)
        })
        .enumerate()
        .map(|(index, item)| RankedEntry {
            rank: index as u64 + 1,
            ..item.clone()
        })
        .collect())
}

#[derive(Serialize, ToSchema)]
pub struct PublishedBoard {
    pub published_at: Timestamp,
    /// SHA-256 (hex) of `snapshot`, the canonical JSON (keys sorted, no whitespace) exactly as
    /// stored.
    pub sha256: String,
    /// The snapshot document as a string, so anyone can hash it and compare.
    pub snapshot: String,
    pub items: Vec<RankedEntry>,
}

/// The published results: immutable, with the hash of their canonical JSON.
#[utoipa::path(get, path = "/quizzes/{id}/leaderboard/published", tag = "leaderboards", params(("id" = String, Path)),
    responses((status = 200, body = PublishedBoard), (status = 404, body = ErrorBody)))]
pub async fn published_board(
    State(state): State<AppState>,
    AppPath(quiz_id): AppPath<String>,
) -> AppResult<AppJson<PublishedBoard>> {
    let published = published_snapshot(&state, &quiz_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let (sealed, snapshot) = published.as_ref();
    Ok(AppJson(PublishedBoard {
        published_at: Timestamp(sealed.taken_at),
        sha256: sealed.sha256.clone(),
        items: snapshot.items.clone(),
        snapshot: sealed.body.clone(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct EventBoard {
    pub event_id: String,
    pub total: u64,
    pub items: Vec<EventStanding>,
}

/// The event's board: each participant's counted scores summed over its quizzes.
#[utoipa::path(get, path = "/events/{id}/leaderboard", tag = "leaderboards", security((), ("bearer" = [])), params(("id" = String, Path), crate::http::Paging),
    responses((status = 200, body = EventBoard), (status = 404, body = ErrorBody)))]
pub async fn event_board(
    State(state): State<AppState>,
    caller: Option<AuthUser>,
    AppPath(event_id): AppPath<String>,
    AppQuery(paging): AppQuery<crate::http::Paging>,
) -> AppResult<AppJson<EventBoard>> {
    let (limit, offset) = paging.bounds()?;
    let standings = event_standings(&state, caller.as_ref(), &event_id).await?;
    let total = standings.len() as u64;
    let items = standings
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .cloned()
        .collect();
    Ok(AppJson(EventBoard {
        event_id,
        total,
        items,
    }))
}

/// The event's standings as `caller` (or the public) may see them: each participant's counted
/// scores summed over the event's quizzes the caller may see; what anonymous readers see is
/// computed once a second for all of them.
pub async fn event_standings(
    state: &AppState,
    caller: Option<&AuthUser>,
    event_id: &str,
) -> AppResult<Arc<Vec<EventStanding>>> {
    if !crate::http::plausible_id(event_id) {
        return Err(AppError::not_found());
    }
    let kept = match caller {
        None => state.board_states.event_boards.get(&event_id.to_owned()),
        Some(_) => None,
    };
    let standings = match kept {
        Some(standings) => standings,
        None => {
            crate::quizzes::events::find(&state.db.pool, event_id)
                .await?
                .ok_or_else(AppError::not_found)?;
            let quiz_ids: Vec<String> =
                sqlx::query_scalar("SELECT id FROM quizzes WHERE event_id = $1")
                    .bind(event_id)
                    .fetch_all(&state.db.pool)
                    .await?;
            let mut quizzes = Vec::new();
            for id in quiz_ids {
                if let Ok(quiz) = board_quiz(state, caller, &id).await {
                    quizzes.push(quiz);
                }
            }
            let standings = Arc::new(aggregates::event_standings(state, &quizzes).await?);
            if caller.is_none() {
                state
                    .board_states
                    .event_boards
                    .put(event_id.to_owned(), standings.clone());
            }
            standings
        }
    };
    Ok(standings)
}
