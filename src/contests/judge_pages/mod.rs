//! The judges' pages: the queue of entries assigned to them (`queue`) and the blind scoring
//! page (`scoring`). Both read the judge's queue through the `/api/v1/judging/queue` handler
//! and save through `PUT /api/v1/entries/{id}/scores`'s, so the blind rules, the assignment
//! rules and the rubric's checks live in `judging` alone.

mod queue;
mod scoring;

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::contest::{self, Contest, ResultsState};
use super::judging::{self, QueueItem};
use crate::app::AppState;
use crate::auth::Judge;
use crate::error::AppResult;
use crate::http::{AppJson, AppQuery, Paging};
use crate::web::locale::Locale;
use crate::web::time;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/judging", get(queue::queue_page))
        .route(
            "/judging/entries/{id}",
            get(scoring::scoring_page).post(scoring::save_scores),
        )
}

/// The most items the queue handler gives per call.
const PAGE: i128 = 200;

/// An assigned entry with the contest it belongs to.
pub struct Assigned {
    pub item: QueueItem,
    pub contest: std::sync::Arc<Contest>,
}

impl Assigned {
    pub fn scored(&self) -> bool {
        self.item.scored_at.is_some()
    }
    /// Whether scores can still change (until the results are frozen).
    pub fn locked(&self) -> bool {
        locked(&self.contest)
    }
}

pub fn locked(contest: &Contest) -> bool {
    matches!(
        contest.results_state,
        ResultsState::Frozen | ResultsState::Published
    )
}

/// The judge's whole queue in the API's order (unscored first), every page of it: a judge's
/// load is tens of entries, and progress and "next" need all of them.
pub async fn whole_queue(state: &AppState, judge: impl Fn() -> Judge) -> AppResult<Vec<Assigned>> {
    let mut items = Vec::new();
    loop {
        let AppJson(page) = judging::judging_queue(
            State(state.clone()),
            judge(),
            AppQuery(Paging {
                limit: Some(PAGE),
                offset: Some(items.len() as i128),
            }),
        )
        .await?;
        let received = page.items.len();
        items.extend(page.items);
        if received == 0 || items.len() as i64 >= page.total {
            break;
        }
    }
    let mut contests: HashMap<String, std::sync::Arc<Contest>> = HashMap::new();
    let mut assigned = Vec::with_capacity(items.len());
    for item in items {
        let contest = match contests.get(&item.contest_id) {
            Some(contest) => contest.clone(),
            None => {
                let contest =
                    std::sync::Arc::new(contest::require(&state.db.pool, &item.contest_id).await?);
                contests.insert(item.contest_id.clone(), contest.clone());
                contest
            }
        };
        assigned.push(Assigned { item, contest });
    }
    Ok(assigned)
}

/// A neutral name for an entry: the random tail of its id, the same one its recording is
/// offered under (`entry-<tail>.<ext>`), so nothing in it tells who made it or when.
pub fn blind_code(entry_id: &str) -> String {
    let hex: String = entry_id.chars().filter(char::is_ascii_hexdigit).collect();
    hex[hex.len().saturating_sub(8)..].to_ascii_uppercase()
}

/// Why scores of `contest` can no longer change, with when, in the page's language.
pub fn lock_reason(locale: Locale, contest: &Contest) -> Option<String> {
    let key = match contest.results_state {
        ResultsState::Frozen => "judging-locked-frozen",
        ResultsState::Published => "judging-locked-published",
        _ => return None,
    };
    let when = contest
        .results_changed_at
        .map(|ms| format!("{} ({})", time::date_time(ms), time::ZONE_LABEL))
        .unwrap_or_default();
    Some(locale.text_with(key, &[("time", crate::web::locale::Arg::to_arg(&when))]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn blind_codes_are_the_random_tail() {
        assert_eq!(
            super::blind_code("0192f3a4-5b6c-7d8e-9f01-23456789abcd"),
            "6789ABCD"
        );
    }
}
