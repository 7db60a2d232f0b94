//! Every API path the tests call, built here once each. Queries (`?limit=2`) are the caller's.

// Platform
pub fn health() -> String {
    "/api/v1/healthz".to_owned()
}
pub fn openapi() -> String {
    "/api/v1/openapi.json".to_owned()
}

// Accounts
pub fn register() -> String {
    "/api/v1/auth/register".to_owned()
}
pub fn login() -> String {
    "/api/v1/auth/login".to_owned()
}
pub fn refresh() -> String {
    "/api/v1/auth/refresh".to_owned()
}
pub fn logout() -> String {
    "/api/v1/auth/logout".to_owned()
}
pub fn me() -> String {
    "/api/v1/me".to_owned()
}
pub fn my_password() -> String {
    "/api/v1/me/password".to_owned()
}
pub fn my_attempts() -> String {
    "/api/v1/me/attempts".to_owned()
}
pub fn users() -> String {
    "/api/v1/admin/users".to_owned()
}
pub fn user(id: &str) -> String {
    format!("/api/v1/admin/users/{id}")
}
pub fn user_one_time_password(id: &str) -> String {
    format!("/api/v1/admin/users/{id}/one-time-password")
}
pub fn user_import() -> String {
    "/api/v1/admin/users/import".to_owned()
}

// Organisation units
pub fn org_units() -> String {
    "/api/v1/org-units".to_owned()
}
pub fn org_unit_join_codes(unit: &str) -> String {
    format!("/api/v1/org-units/{unit}/join-codes")
}

pub fn org_unit_import() -> String {
    "/api/v1/org-units/import".to_owned()
}

// Question banks
pub fn banks() -> String {
    "/api/v1/banks".to_owned()
}
pub fn bank_import() -> String {
    "/api/v1/banks/import".to_owned()
}
pub fn bank_questions(slug: &str) -> String {
    format!("/api/v1/banks/{slug}/questions")
}

// Events
pub fn events() -> String {
    "/api/v1/events".to_owned()
}
pub fn event(id: &str) -> String {
    format!("/api/v1/events/{id}")
}
pub fn event_board(id: &str) -> String {
    format!("/api/v1/events/{id}/leaderboard")
}

// Quizzes and attempts
pub fn quizzes() -> String {
    "/api/v1/quizzes".to_owned()
}
pub fn quiz_allowances(quiz: &str) -> String {
    format!("/api/v1/quizzes/{quiz}/allowances")
}
pub fn quiz_allowance(quiz: &str, user: &str) -> String {
    format!("/api/v1/quizzes/{quiz}/allowances/{user}")
}
pub fn quiz(id: &str) -> String {
    format!("/api/v1/quizzes/{id}")
}
pub fn quiz_publish(id: &str) -> String {
    format!("/api/v1/quizzes/{id}/publish")
}
pub fn rule_availability() -> String {
    "/api/v1/quizzes/rule-availability".to_owned()
}
pub fn quiz_attempts(id: &str) -> String {
    format!("/api/v1/quizzes/{id}/attempts")
}
pub fn attempt(id: &str) -> String {
    format!("/api/v1/attempts/{id}")
}
pub fn answer(attempt: &str, question: &str) -> String {
    format!("/api/v1/attempts/{attempt}/answers/{question}")
}
pub fn attempt_submit(id: &str) -> String {
    format!("/api/v1/attempts/{id}/submit")
}
pub fn attempt_review(id: &str) -> String {
    format!("/api/v1/attempts/{id}/review")
}

// Quiz boards
pub fn quiz_board(quiz: &str) -> String {
    format!("/api/v1/quizzes/{quiz}/leaderboard")
}
pub fn quiz_board_me(quiz: &str) -> String {
    format!("/api/v1/quizzes/{quiz}/leaderboard/me")
}
pub fn quiz_board_units(quiz: &str) -> String {
    format!("/api/v1/quizzes/{quiz}/leaderboard/org-units")
}
pub fn quiz_board_stream(quiz: &str) -> String {
    format!("/api/v1/quizzes/{quiz}/leaderboard/stream")
}
pub fn quiz_board_state(quiz: &str) -> String {
    format!("/api/v1/quizzes/{quiz}/leaderboard/state")
}
pub fn quiz_board_published(quiz: &str) -> String {
    format!("/api/v1/quizzes/{quiz}/leaderboard/published")
}

// Reports: `report` is the last segment (`results`, `questions`, `competences`;
// `participation`, `workbook`).
pub fn quiz_report(quiz: &str, report: &str) -> String {
    format!("/api/v1/reports/quizzes/{quiz}/{report}")
}
pub fn event_report(event: &str, report: &str) -> String {
    format!("/api/v1/reports/events/{event}/{report}")
}

// Contests, entries, judging and votes
pub fn contests() -> String {
    "/api/v1/contests".to_owned()
}
pub fn contest(id: &str) -> String {
    format!("/api/v1/contests/{id}")
}
pub fn contest_entries(contest: &str) -> String {
    format!("/api/v1/contests/{contest}/entries")
}
pub fn contest_judges(contest: &str) -> String {
    format!("/api/v1/contests/{contest}/judges")
}
pub fn contest_judge(contest: &str, judge: &str) -> String {
    format!("/api/v1/contests/{contest}/judges/{judge}")
}
pub fn contest_vote_log(contest: &str) -> String {
    format!("/api/v1/contests/{contest}/votes/log")
}
pub fn entry(id: &str) -> String {
    format!("/api/v1/entries/{id}")
}
pub fn entry_media(entry: &str) -> String {
    format!("/api/v1/entries/{entry}/media")
}
pub fn media(entry: &str, media: &str) -> String {
    format!("/api/v1/entries/{entry}/media/{media}")
}
pub fn entry_submit(entry: &str) -> String {
    format!("/api/v1/entries/{entry}/submit")
}
pub fn entry_moderation(entry: &str) -> String {
    format!("/api/v1/entries/{entry}/moderation")
}
pub fn entry_scores(entry: &str) -> String {
    format!("/api/v1/entries/{entry}/scores")
}
pub fn entry_vote(entry: &str) -> String {
    format!("/api/v1/entries/{entry}/vote")
}
pub fn judging_queue() -> String {
    "/api/v1/judging/queue".to_owned()
}

// Contest results
pub fn contest_board(contest: &str) -> String {
    format!("/api/v1/contests/{contest}/leaderboard")
}
pub fn contest_board_stream(contest: &str) -> String {
    format!("/api/v1/contests/{contest}/leaderboard/stream")
}
pub fn contest_board_published(contest: &str) -> String {
    format!("/api/v1/contests/{contest}/leaderboard/published")
}
pub fn contest_results_state(contest: &str) -> String {
    format!("/api/v1/contests/{contest}/results/state")
}
