//! How many questions a quiz's rules can draw, asked while the rules are being written (the
//! quiz builder calls it as the organizer types). The count is `draw::available_per_rule`,
//! the one publishing checks, so what the builder says is what publishing will find.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::draw;
use super::quiz::Rule;
use crate::app::AppState;
use crate::auth::Organizer;
use crate::error::{AppResult, ErrorBody, FieldErrors};
use crate::http::AppJson;

/// The most rules a quiz holds, and so the most one question asks about.
const MOST_RULES: usize = 50;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleQuestion {
    /// The rules in their order; a `count` of 0 stands for a rule whose count is not written yet.
    #[schema(min_items = 1, max_items = 50)]
    pub rules: Vec<Rule>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleCount {
    /// Questions the banks hold for this rule once the earlier rules have taken theirs.
    pub available: u64,
    /// The count the rule asks for.
    pub count: u32,
    /// Whether `available` covers `count`: publishing refuses a rule without enough.
    pub enough: bool,
}

#[derive(Serialize, ToSchema)]
pub struct RuleCounts {
    pub items: Vec<RuleCount>,
}

/// The questions each rule can draw, as publishing counts them. Nothing is written.
#[utoipa::path(post, path = "/quizzes/rule-availability", tag = "quizzes", security(("bearer" = [])),
    request_body = RuleQuestion,
    responses((status = 200, body = RuleCounts), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rule_availability(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppJson(body): AppJson<RuleQuestion>,
) -> AppResult<AppJson<RuleCounts>> {
    if body.rules.is_empty() || body.rules.len() > MOST_RULES {
        return Err(FieldErrors::single("rules", "must hold 1 to 50 rules"));
    }
    let available = draw::available_per_rule(&state.db.pool, &body.rules).await?;
    let items = body
        .rules
        .iter()
        .zip(available)
        .map(|(rule, available)| RuleCount {
            available: available as u64,
            count: rule.count,
            enough: available >= rule.count as usize,
        })
        .collect();
    Ok(AppJson(RuleCounts { items }))
}
