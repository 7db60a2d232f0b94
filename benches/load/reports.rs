//! The organizer reports on a large event: an org tree of wards, schools and classes, N
//! participants, Q published quizzes with one finished attempt each per participant (five
//! graded questions per attempt) and a contest with entries, seeded straight into the
//! database; then each report is timed over HTTP.

use std::time::Instant;

use serde_json::json;

use super::{QuizSpec, login_token, published_quiz, uuid_like};

pub struct ReportsArgs {
    pub url: String,
    pub database_url: String,
    pub admin: String,
    pub admin_password: String,
    pub participants: u64,
    pub quizzes: u64,
    pub runs: usize,
}

async fn execute(pool: &sqlx::AnyPool, what: &str, sql: String) {
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("seed {what}: {e}"));
}

/// `n(i)` for i in 1..=count, in both engines' SQL.
fn series(count: u64) -> String {
    format!(
        "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {count})"
    )
}

async fn seed(
    pool: &sqlx::AnyPool,
    p: &str,
    args: &ReportsArgs,
    quizzes: &[String],
    contest: &str,
) {
    let (wards, schools, classes) = (10u64, 40u64, 400u64);
    execute(
        pool,
        "district",
        format!(
            "INSERT INTO org_units (id, code, code_key, name, kind, parent_id, created_at)
             VALUES ('{p}-q', '{p}-Q', '{p}-q', 'Quận Bench', 'district', NULL, 0)"
        ),
    )
    .await;
    for (kind, count, parent, parents) in [
        ("ward", wards, "q", 1),
        ("school", schools, "ward", wards),
        ("class", classes, "school", schools),
    ] {
        let parent_id = if parent == "q" {
            format!("'{p}-q'")
        } else {
            format!("'{p}-{parent}-' || (1 + i % {parents})")
        };
        execute(
            pool,
            kind,
            format!(
                "{} INSERT INTO org_units (id, code, code_key, name, kind, parent_id, created_at)
                 SELECT '{p}-{kind}-' || i, '{p}-{kind}-' || i, '{p}-{kind}-' || i, 'Đơn vị {kind} ' || i, '{kind}', {parent_id}, 0 FROM n",
                series(count)
            ),
        )
        .await;
    }
    let n = args.participants;
    execute(
        pool,
        "users",
        format!(
            "{} INSERT INTO users (id, username, username_key, display_name, password_hash, role, org_unit_id, disabled,
                                  must_change_password, security_stamp, created_at, updated_at)
             SELECT '{p}-u' || i, '{p}-u' || i, '{p}-u' || i, 'Học sinh ' || i, 'x', 'participant',
                    '{p}-class-' || (1 + i % {classes}), 0, 0, 's', 0, 0 FROM n",
            series(n)
        ),
    )
    .await;
    let now = 1_700_000_000_000i64;
    for (index, quiz) in quizzes.iter().enumerate() {
        // Everyone finishes, with scores spread over 0–8 points; a tenth expire.
        execute(
            pool,
            "attempts",
            format!(
                "{} INSERT INTO attempts (id, quiz_id, user_id, number, seed, status, started_at, deadline_at, finished_at,
                                         graded_at, question_count, score_milli, max_score_milli, correct_count, duration_ms)
                 SELECT '{p}-a{index}-' || i, '{quiz}', '{p}-u' || i, 1, '0',
                        CASE WHEN i % 10 = 0 THEN 'expired' ELSE 'submitted' END,
                        {now}, {now} + 3000000, {now} + 1000 + (i * 104729) % 3000000, {now} + 3000000,
                        5, ((i + {index}) * 7919) % 8001, 8000, (i + {index}) % 6, 1000 + (i * 104729) % 3000000 FROM n",
                series(n)
            ),
        )
        .await;
        execute(
            pool,
            "attempt questions",
            format!(
                "{}, k(j) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT j + 1 FROM k WHERE j < 5)
                 INSERT INTO attempt_questions (attempt_id, position, question_key, bank_slug, question_id, version,
                                                competence, option_order, points_milli, correct)
                 SELECT '{p}-a{index}-' || i, j, 'an-toan-so:q' || j, 'an-toan-so', 'q' || j, 1,
                        '4.' || (1 + j % 4), '[]', CASE WHEN (i + j) % 3 = 0 THEN 0 ELSE 1000 END,
                        CASE WHEN (i + j) % 3 = 0 THEN 0 ELSE 1 END
                 FROM n CROSS JOIN k",
                series(n)
            ),
        )
        .await;
    }
    // A fifth of the participants enter the contest; half of those are approved.
    execute(
        pool,
        "entries",
        format!(
            "{} INSERT INTO entries (id, contest_id, user_id, number, title, description, status, entrant_consent_at,
                                    submitted_at, created_at, updated_at)
             SELECT '{p}-e' || i, '{contest}', '{p}-u' || (i * 5), 1, 'Bài dự thi ' || i, '',
                    CASE WHEN i % 2 = 0 THEN 'approved' ELSE 'submitted' END, {now}, {now}, {now}, {now} FROM n",
            series(n / 5)
        ),
    )
    .await;
}

pub async fn reports(args: ReportsArgs) {
    let client = reqwest::Client::new();
    let url = &args.url;
    let token = login_token(&client, url, &args.admin, &args.admin_password).await;
    let post = |path: &str, body: serde_json::Value| {
        let request = client
            .post(format!("{url}/api/v1/{path}"))
            .bearer_auth(&token)
            .json(&body);
        let path = path.to_owned();
        async move {
            let body: serde_json::Value = request
                .send()
                .await
                .expect("server")
                .json()
                .await
                .expect("json");
            body["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{path}: {body}"))
                .to_owned()
        }
    };
    let stamp = |offset_s: i64| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as i64;
        civiquiz::clock::Timestamp(now + offset_s * 1000).to_rfc3339()
    };
    let event = post(
        "events",
        json!({"title": "Bench week", "starts_at": stamp(-60), "ends_at": stamp(86_400)}),
    )
    .await;
    let mut quizzes = Vec::new();
    for index in 0..args.quizzes {
        quizzes.push(
            published_quiz(
                &client,
                url,
                &token,
                QuizSpec {
                    title: &format!("Bench report {index}"),
                    bank: "an-toan-so",
                    count: 5,
                    open_s: 36_000,
                    event_id: Some(&event),
                },
            )
            .await,
        );
    }
    let contest = post(
        "contests",
        json!({"event_id": event, "title": "Bench contest", "rules": "", "opens_at": stamp(-60), "closes_at": stamp(3600),
               "media": ["audio"], "max_bytes": 1_000_000, "max_duration_s": 60, "max_entries_per_user": 1,
               "criteria": [{"key": "c", "title": "C", "weight": 1, "max_points": 10}], "judges_per_entry": 1,
               "voting": {"enabled": false}}),
    )
    .await;

    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .connect(&args.database_url)
        .await
        .expect("database");
    let seeding = Instant::now();
    seed(
        &pool,
        &format!("r{}", uuid_like()),
        &args,
        &quizzes,
        &contest,
    )
    .await;
    if args.database_url.starts_with("postgres") {
        execute(&pool, "analyze", "ANALYZE".to_owned()).await;
    }
    println!(
        "seeded {} participants × {} quizzes = {} attempts ({} questions) and {} entries in {:.1}s",
        args.participants,
        args.quizzes,
        args.participants * args.quizzes,
        args.participants * args.quizzes * 5,
        args.participants / 5,
        seeding.elapsed().as_secs_f64()
    );

    let quiz = &quizzes[0];
    let reports = [
        format!("reports/events/{event}/participation?group_by=ward"),
        format!("reports/events/{event}/participation?group_by=school"),
        format!("reports/events/{event}/participation?group_by=class&format=csv"),
        format!("reports/quizzes/{quiz}/results?format=csv"),
        format!("reports/quizzes/{quiz}/questions"),
        format!("reports/quizzes/{quiz}/competences?group_by=ward"),
        format!("reports/events/{event}/workbook"),
    ];
    for path in reports {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..args.runs {
            let started = Instant::now();
            let response = client
                .get(format!("{url}/api/v1/{path}"))
                .bearer_auth(&token)
                .send()
                .await
                .expect("report");
            assert!(
                response.status().is_success(),
                "{path}: {}",
                response.status()
            );
            bytes = response.bytes().await.expect("body").len();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{:<60} {:>9} bytes  median {:>8.1} ms  max {:>8.1} ms",
            path.split('/').skip(1).collect::<Vec<_>>().join("/"),
            bytes,
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
}
