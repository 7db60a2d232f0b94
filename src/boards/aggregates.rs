//! Boards computed from the database: org units ranked by participation and the event board.
//! Both read the counted attempts at the public cut-off, so a freeze holds here too.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::rebuild::counted_entries;
use super::state::Visibility;
use crate::app::AppState;
use crate::error::AppResult;
use crate::quizzes::quiz::Quiz;

#[derive(Serialize, ToSchema)]
pub struct UnitStanding {
    pub rank: u64,
    pub org_unit_id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    /// Participants with a counted attempt.
    pub participants: u64,
    /// Participant accounts registered in the unit (and below it).
    pub registered: u64,
    pub mean_score: f64,
    /// participants ÷ registered.
    pub completion: f64,
}

struct Unit {
    code: String,
    name: String,
    kind: String,
    parent: Option<String>,
}

async fn units(state: &AppState) -> AppResult<HashMap<String, Unit>> {
    let rows: Vec<(String, String, String, String, Option<String>)> =
        sqlx::query_as("SELECT id, code, name, kind, parent_id FROM org_units")
            .fetch_all(&state.db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name, kind, parent)| {
            (
                id,
                Unit {
                    code,
                    name,
                    kind,
                    parent,
                },
            )
        })
        .collect())
}

/// The unit itself or the nearest unit above it of `kind`.
fn ancestor_of_kind<'a>(
    units: &'a HashMap<String, Unit>,
    start: &'a str,
    kind: &str,
) -> Option<&'a str> {
    let mut current = Some(start);
    for _ in 0..32 {
        let id = current?;
        let unit = units.get(id)?;
        if unit.kind == kind {
            return Some(id);
        }
        current = unit.parent.as_deref();
    }
    None
}

/// Units of `kind` ranked by participants, then mean score, then name; units without
/// participants are listed too.
pub async fn unit_standings(
    state: &AppState,
    quiz: &Quiz,
    cutoff: Option<i64>,
    kind: &str,
) -> AppResult<Vec<UnitStanding>> {
    let units = units(state).await?;
    let entries = counted_entries(&state.db.pool, &quiz.id, quiz.ranking, cutoff).await?;
    let mut totals: HashMap<&str, (u64, i64)> = HashMap::new();
    for (entry, _) in &entries {
        if let Some(unit) = entry
            .org_unit_id
            .as_deref()
            .and_then(|id| ancestor_of_kind(&units, id, kind))
        {
            let total = totals.entry(unit).or_default();
            total.0 += 1;
            total.1 += entry.score_milli;
        }
    }
    let registered_rows: Vec<(Option<String>, i64)> =
        sqlx::query_as("SELECT org_unit_id, COUNT(*) FROM users WHERE role = 'participant' AND disabled = 0 GROUP BY org_unit_id")
            .fetch_all(&state.db.pool)
            .await?;
    let mut registered: HashMap<&str, u64> = HashMap::new();
    for (unit, count) in &registered_rows {
        if let Some(ancestor) = unit
            .as_deref()
            .and_then(|id| ancestor_of_kind(&units, id, kind))
        {
            *registered.entry(ancestor).or_default() += u64::try_from(*count).unwrap_or(0);
        }
    }
    let mut standings: Vec<UnitStanding> = units
        .iter()
        .filter(|(_, unit)| unit.kind == kind)
        .map(|(id, unit)| {
            let (participants, sum) = totals.get(id.as_str()).copied().unwrap_or_default();
            let registered = registered.get(id.as_str()).copied().unwrap_or(0);
            UnitStanding {
                rank: 0,
                org_unit_id: id.clone(),
                code: unit.code.clone(),
                name: unit.name.clone(),
                kind: unit.kind.clone(),
                participants,
                registered,
                mean_score: if participants == 0 {
                    0.0
                } else {
                    super::points(sum) / participants as f64
                },
                completion: if registered == 0 {
                    0.0
                } else {
                    participants as f64 / registered as f64
                },
            }
        })
        .collect();
    standings.sort_by(|a, b| {
        b.participants
            .cmp(&a.participants)
            .then(b.mean_score.total_cmp(&a.mean_score))
            .then(a.name.cmp(&b.name))
    });
    for (index, standing) in standings.iter_mut().enumerate() {
        standing.rank = index as u64 + 1;
    }
    Ok(standings)
}

#[derive(Serialize, ToSchema)]
pub struct EventStanding {
    pub rank: u64,
    pub user_id: String,
    pub display_name: String,
    pub score: f64,
    pub quizzes: u64,
    /// Time taken over the counted attempts, for ties.
    pub duration_ms: i64,
}

/// The sum of each participant's counted score over the event's published quizzes, each at
/// its public cut-off; hidden boards do not count.
pub async fn event_standings(state: &AppState, quizzes: &[Quiz]) -> AppResult<Vec<EventStanding>> {
    let mut sums: HashMap<String, (String, i64, u64, i64)> = HashMap::new();
    for quiz in quizzes.iter().filter(|quiz| quiz.published) {
        let board_state = state.board_states.get(&state.db.pool, &quiz.id).await?;
        if board_state.visibility == Visibility::Hidden {
            continue;
        }
        for (entry, _) in counted_entries(
            &state.db.pool,
            &quiz.id,
            quiz.ranking,
            board_state.public_cutoff(),
        )
        .await?
        {
            let sum = sums
                .entry(entry.user_id.clone())
                .or_insert_with(|| (entry.display_name.clone(), 0, 0, 0));
            sum.1 += entry.score_milli;
            sum.2 += 1;
            sum.3 += entry.duration_ms;
        }
    }
    let mut standings: Vec<EventStanding> = sums
        .into_iter()
        .map(
            |(user_id, (display_name, score, quizzes, duration_ms))| EventStanding {
                rank: 0,
                user_id,
                display_name,
                score: super::points(score),
                quizzes,
                duration_ms,
            },
        )
        .collect();
    standings.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.duration_ms.cmp(&b.duration_ms))
            .then(a.user_id.cmp(&b.user_id))
    });
    for (index, standing) in standings.iter_mut().enumerate() {
        standing.rank = index as u64 + 1;
    }
    Ok(standings)
}
