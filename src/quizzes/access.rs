//! Who sees which quiz: organizers see every quiz; others see published quizzes for everyone
//! or for an org unit at or above their own (a ward's quiz reaches its schools and classes).

use super::quiz::{self, Quiz};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::{AppError, AppResult};
use crate::orgs;

/// The caller's unit and every unit above it.
pub async fn caller_units(state: &AppState, caller: &AuthUser) -> AppResult<Vec<String>> {
    match &caller.user.org_unit_id {
        Some(unit) => orgs::store::lineage(&state.db.pool, unit).await,
        None => Ok(Vec::new()),
    }
}

pub fn can_see(quiz: &Quiz, caller: &AuthUser, units: &[String]) -> bool {
    caller.role().organizes()
        || (quiz.published
            && quiz
                .audience_org_unit_id
                .as_ref()
                .is_none_or(|audience| units.contains(audience)))
}

/// The quiz if the caller may see it; "not found" otherwise, so drafts and other audiences'
/// quizzes do not reveal that they exist.
pub async fn visible_quiz(state: &AppState, caller: &AuthUser, quiz_id: &str) -> AppResult<Quiz> {
    let quiz = quiz::find(&state.db.pool, quiz_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let units = caller_units(state, caller).await?;
    if can_see(&quiz, caller, &units) {
        Ok(quiz)
    } else {
        Err(AppError::not_found())
    }
}
