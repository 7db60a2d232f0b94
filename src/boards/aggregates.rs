//! Boards computed from the database: org units ranked by participation and the event board.
//! Both read the counted attempts at the public cut-off, so a freeze holds here too.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::rebuild::counted_entries;
use super::state::Visibility;
use crate::app::AppState;
use crate::error::AppResult;
use crate::orgs::OrgKind;
use crate::orgs::units::Units;
use crate::quizzes::quiz::Quiz;

#[derive(Clone, Serialize, ToSchema)]
pub struct UnitStanding {
    pub rank: u64,
    pub org_unit_id: String,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    /// Participants with a counted attempt.
    pub participants: u64,
    /// Participant accounts registered in the unit (and below it).
    pub registered: u64,
    pub mean_score: f64,
    /// participants ÷ registered.
    pub completion: f64,
}

/// Units of `kind` ranked by participants, then mean score, then name; units without
/// participants are listed too.
pub async fn unit_standings(
    state: &AppState,
    quiz: &Quiz,
    cutoff: Option<i64>,
    kind: OrgKind,
) -> AppResult<Vec<UnitStanding>> {
    let units = Units::load(&state.db.pool).await?;
    let entries = counted_entries(&state.db.pool, &quiz.id, quiz.ranking, cutoff).await?;
    let mut totals: HashMap<String, (u64, i64)> = HashMap::new();
    for (entry, _) in &entries {
        if let Some(unit) = units.ancestor_of_kind(entry.org_unit_id.as_deref(), kind) {
            let total = totals.entry(unit).or_default();
            total.0 += 1;
            total.1 += entry.score_milli;
        }
    }
    let registered_rows: Vec<(Option<String>, i64)> =
        sqlx::query_as("SELECT org_unit_id, COUNT(*) FROM users WHERE role = 'participant' AND disabled = 0 GROUP BY org_unit_id")
            .fetch_all(&state.db.pool)
            .await?;
    let mut registered: HashMap<String, u64> = HashMap::new();
    for (unit, count) in &registered_rows {
        if let Some(ancestor) = units.ancestor_of_kind(unit.as_deref(), kind) {
            *registered.entry(ancestor).or_default() += u64::try_from(*count).unwrap_or(0);
        }
    }
    let mut standings: Vec<UnitStanding> = units
        .of_kind(kind)
        .into_iter()
        .map(|id| {
            let (participants, sum) = totals.get(&id).copied().unwrap_or_default();
            let registered = registered.get(&id).copied().unwrap_or(0);
            UnitStanding {
                rank: 0,
                code: units.code(&id),
                name: units.name(&id),
                kind,
                org_unit_id: id,
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

#[derive(Clone, Serialize, ToSchema)]
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
pub async fn event_standings(
    state: &AppState,
    quizzes: &[std::sync::Arc<Quiz>],
) -> AppResult<Vec<EventStanding>> {
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
