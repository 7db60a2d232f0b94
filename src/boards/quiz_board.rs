//! Quiz boards on the engine: a line is a participant's counted attempt, placed in `all` and
//! in the scope of her org unit and of each unit above it, read from the attempts table. A
//! quiz has a live board and, while frozen or published after a freeze, the board at the
//! freeze's cut-off.

use serde::{Deserialize, Serialize};

use super::engine::{self, Placement, Precedence};
use super::entry::Entry;
use super::rebuild;
use crate::db::Pool;
use crate::error::AppResult;
use crate::quizzes::quiz::{Quiz, Ranking};

/// One board of a quiz: its live standings, or the standings at a cut-off time (a freeze).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct View {
    pub quiz_id: String,
    pub cutoff: Option<i64>,
}

impl View {
    pub fn live(quiz_id: &str) -> Self {
        Self {
            quiz_id: quiz_id.to_owned(),
            cutoff: None,
        }
    }

    pub fn at(quiz_id: &str, cutoff: i64) -> Self {
        Self {
            quiz_id: quiz_id.to_owned(),
            cutoff: Some(cutoff),
        }
    }
}

/// A view with the quiz's ranking policy, which decides which of a participant's attempts
/// counts.
#[derive(Debug, Clone)]
pub struct QuizBoard {
    pub view: View,
    pub ranking: Ranking,
}

impl QuizBoard {
    pub fn of(quiz: &Quiz, view: &View) -> Self {
        Self {
            view: view.clone(),
            ranking: quiz.ranking,
        }
    }
}

/// A participant's counted attempt with the scopes it ranks in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuizLine {
    pub entry: Entry,
    pub scopes: Vec<String>,
}

impl QuizLine {
    fn from_pair((entry, scopes): (Entry, Vec<String>)) -> Self {
        Self { entry, scopes }
    }
}

impl engine::Line for QuizLine {
    fn id(&self) -> &str {
        &self.entry.user_id
    }

    fn placements(&self) -> anyhow::Result<Vec<Placement>> {
        let score = self
            .entry
            .rank_score()
            .ok_or_else(|| anyhow::anyhow!("entry outside the board's bounds: {:?}", self.entry))?;
        let tie_break = self.entry.tie_break();
        Ok(self
            .scopes
            .iter()
            .map(|scope| Placement {
                scope: scope.clone(),
                score,
                tie_break: tie_break.clone(),
            })
            .collect())
    }
}

impl engine::Board for QuizBoard {
    type Line = QuizLine;

    fn namespace(&self) -> String {
        match self.view.cutoff {
            None => format!("{{quiz:{}}}:live", self.view.quiz_id),
            Some(at) => format!("{{quiz:{}}}:at{at}", self.view.quiz_id),
        }
    }

    /// `best` keeps a participant's best attempt (the rank order), `first` her first.
    fn precedence(&self, line: &QuizLine) -> Precedence {
        match self.ranking {
            Ranking::Best => Precedence(
                line.entry.rank_score().unwrap_or(i64::MAX),
                line.entry.tie_break(),
            ),
            Ranking::First => Precedence(line.entry.number, String::new()),
        }
    }

    async fn read_all(&self, pool: &Pool) -> AppResult<Vec<QuizLine>> {
        Ok(
            rebuild::counted_entries(pool, &self.view.quiz_id, self.ranking, self.view.cutoff)
                .await?
                .into_iter()
                .map(QuizLine::from_pair)
                .collect(),
        )
    }

    async fn changed_since(&self, pool: &Pool, since_ms: i64) -> AppResult<Vec<QuizLine>> {
        Ok(
            rebuild::graded_since(pool, &self.view.quiz_id, since_ms, self.view.cutoff)
                .await?
                .into_iter()
                .map(QuizLine::from_pair)
                .collect(),
        )
    }
}

/// The line of one finished attempt (`None` while it is in progress).
pub async fn line_of_attempt(pool: &Pool, attempt_id: &str) -> AppResult<Option<QuizLine>> {
    Ok(rebuild::entry_of_attempt(pool, attempt_id)
        .await?
        .map(QuizLine::from_pair))
}
