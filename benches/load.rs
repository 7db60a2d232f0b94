//! Load generators against a running server (see benches/RESULTS.md for the figures).
//!
//! cargo bench --bench load -- logins --url http://127.0.0.1:8080 --concurrency 64 --seconds 20
//! cargo bench --bench load -- quiz --url http://127.0.0.1:8080 --students 1000 --concurrency 64 \
//!     --admin benchadmin --admin-password '…'
//! cargo bench --bench load -- pages --url http://127.0.0.1:8080 --students 64 --seconds 20 \
//!     --admin benchadmin --admin-password '…'
//! cargo bench --bench load -- reports --url http://127.0.0.1:8080 --database-url … \
//!     --participants 10000 --quizzes 5 --admin benchadmin --admin-password '…'

#[path = "load/pages.rs"]
mod pages;
#[path = "load/reports.rs"]
mod reports;
#[path = "load/resumable.rs"]
mod resumable;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use futures::StreamExt;
use serde_json::json;

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// Resumable (tus) uploads: one large in fixed PATCHes against the one-shot PUT, many at
    /// once, and the time to resume after a dropped connection.
    Resumable(resumable::ResumableArgs),
    /// The attempt page reloaded by N signed-in students at once (server time, bytes).
    Pages {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        #[arg(long, default_value_t = 64)]
        students: usize,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        #[arg(long)]
        admin: String,
        #[arg(long)]
        admin_password: String,
        #[arg(long, default_value = "an-toan-so")]
        bank: String,
    },
    /// N clients signing in over and over while a probe measures /healthz.
    Logins {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
    /// Board reads with N ranked entries (seeded straight into the database), `me` reads,
    /// submission-to-SSE latency and server memory per open stream.
    Board {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// The server's database, for seeding entries.
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 100_000)]
        entries: u64,
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Open this many SSE streams and report the server's memory growth (needs --server-pid).
        #[arg(long, default_value_t = 0)]
        streams: usize,
        #[arg(long)]
        server_pid: Option<u32>,
        #[arg(long)]
        admin: String,
        #[arg(long)]
        admin_password: String,
    },
    /// Recordings: one large upload (throughput, server memory growth), many concurrent
    /// uploads (throughput, p99), and range reads of a video.
    Media {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// The server's process id, to read its VmRSS/VmHWM from /proc.
        #[arg(long)]
        server_pid: u32,
        #[arg(long)]
        admin: String,
        #[arg(long)]
        admin_password: String,
        /// Size of the large upload, MiB.
        #[arg(long, default_value_t = 1024)]
        big_mib: u64,
        #[arg(long, default_value_t = 50)]
        uploads: usize,
        /// Size of each concurrent upload, MB.
        #[arg(long, default_value_t = 20)]
        upload_mb: u64,
        /// Size of the video read with ranges, MB.
        #[arg(long, default_value_t = 100)]
        video_mb: u64,
        #[arg(long, default_value_t = 16)]
        range_concurrency: usize,
        #[arg(long, default_value_t = 10)]
        range_seconds: u64,
        /// Bytes per range request (a player's read-ahead).
        #[arg(long, default_value_t = 256 * 1024)]
        range_bytes: u64,
    },
    /// The organizer reports on an event with participants × quizzes finished attempts
    /// (seeded straight into the database), each report timed over `runs` requests.
    Reports {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// The server's database, for seeding.
        #[arg(long)]
        database_url: String,
        #[arg(long)]
        admin: String,
        #[arg(long)]
        admin_password: String,
        #[arg(long, default_value_t = 10_000)]
        participants: u64,
        #[arg(long, default_value_t = 5)]
        quizzes: u64,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// N students each start an attempt, autosave 20 answers and submit.
    Quiz {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        #[arg(long, default_value_t = 1000)]
        students: usize,
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// An admin created with `civiquiz admin create`.
        #[arg(long)]
        admin: String,
        #[arg(long)]
        admin_password: String,
        /// Bank to draw 20 questions from (the shipped banks are loaded at start).
        #[arg(long, default_value = "an-toan-so")]
        bank: String,
    },
}

/// How many uploads failed, with the first few failures.
fn print_upload_errors(errors: &[impl std::fmt::Display]) {
    println!("upload errors: {}", errors.len());
    for error in errors.iter().take(3) {
        println!("  {error}");
    }
}

/// Latencies of one operation, reported as count, rate and percentiles.
#[derive(Default)]
struct Latencies(Vec<Duration>);

impl Latencies {
    /// The times of the uploads that succeeded, and the failures of the others.
    fn of_uploads<T, E>(results: Vec<(Duration, Result<T, E>)>) -> (Self, Vec<E>) {
        let mut latencies = Latencies::default();
        let mut errors = Vec::new();
        for (latency, result) in results {
            match result {
                Ok(_) => latencies.0.push(latency),
                Err(error) => errors.push(error),
            }
        }
        (latencies, errors)
    }

    fn report(&mut self, name: &str, elapsed: Duration) {
        self.0.sort();
        let pick = |q: f64| {
            let index = ((self.0.len() as f64 - 1.0) * q).round() as usize;
            self.0.get(index).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        println!(
            "{name:<10} n={:<7} {:>9.1}/s  p50={:.2}ms p99={:.2}ms max={:.2}ms",
            self.0.len(),
            self.0.len() as f64 / elapsed.as_secs_f64(),
            pick(0.5),
            pick(0.99),
            pick(1.0)
        );
    }
}

async fn logins(url: String, concurrency: usize, seconds: u64) {
    let client = reqwest::Client::new();
    let run = uuid_like();
    let password = "benchmark password 2022";
    for i in 0..concurrency {
        let response = client
            .post(format!("{url}/api/v1/auth/register"))
            .json(&json!({"username": format!("b{run}-{i}"), "password": password, "display_name": "Bench"}))
            .send()
            .await
            .expect("server reachable");
        assert!(
            response.status().is_success(),
            "register: {}",
            response.status()
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut workers = Vec::new();
    for i in 0..concurrency {
        let (client, url, stop) = (client.clone(), url.clone(), stop.clone());
        let username = format!("b{run}-{i}");
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let response = client
                    .post(format!("{url}/api/v1/auth/login"))
                    .json(&json!({"username": username, "password": password}))
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status().is_success() => latencies.push(t.elapsed()),
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let probe = {
        let (client, url, stop) = (client.clone(), url.clone(), stop.clone());
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                if client
                    .get(format!("{url}/healthz"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
                {
                    latencies.push(t.elapsed());
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            latencies
        })
    };
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut login_latencies = Latencies::default();
    let mut errors = 0;
    for worker in workers {
        let (latencies, failed) = worker.await.expect("worker");
        login_latencies.0.extend(latencies);
        errors += failed;
    }
    let elapsed = started.elapsed();
    login_latencies.report("login", elapsed);
    Latencies(probe.await.expect("probe")).report("healthz", elapsed);
    println!("login errors (503 overloaded or other): {errors}");
}

/// A valid response for a question of the attempt view (right or wrong does not matter here).
fn some_response(question: &serde_json::Value) -> serde_json::Value {
    let options: Vec<serde_json::Value> = question["options"]
        .as_array()
        .map(|options| options.iter().map(|o| o["id"].clone()).collect())
        .unwrap_or_default();
    match question["kind"].as_str().unwrap_or("") {
        "single" => options.first().cloned().unwrap_or_default(),
        "multiple" => json!(options.iter().take(1).collect::<Vec<_>>()),
        "true_false" => json!(true),
        "ordering" => json!(options),
        _ => json!("câu trả lời"),
    }
}

/// A student's token, the attempt view (if the start worked), its latency and errors.
type Started = (
    String,
    Option<serde_json::Value>,
    Vec<Duration>,
    Vec<String>,
);

struct Timings {
    start: Vec<Duration>,
    save: Vec<Duration>,
    submit: Vec<Duration>,
    errors: Vec<String>,
}

async fn timed(
    request: reqwest::RequestBuilder,
    into: &mut Vec<Duration>,
    errors: &mut Vec<String>,
) -> Option<serde_json::Value> {
    let t = Instant::now();
    match request.send().await {
        Ok(response) if response.status().is_success() => {
            let body = response.json().await.ok();
            into.push(t.elapsed());
            body
        }
        Ok(response) => {
            errors.push(format!(
                "{} {}",
                response.status(),
                response.text().await.unwrap_or_default()
            ));
            None
        }
        Err(error) => {
            errors.push(error.to_string());
            None
        }
    }
}

async fn quiz(
    url: String,
    students: usize,
    concurrency: usize,
    admin: String,
    admin_password: String,
    bank: String,
) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("client");
    let admin_token = login_token(&client, &url, &admin, &admin_password).await;
    let quiz_id = published_quiz(
        &client,
        &url,
        &admin_token,
        QuizSpec {
            title: "Bench",
            bank: &bank,
            count: 20,
            open_s: 3600,
            event_id: None,
        },
    )
    .await;

    // Accounts first (argon2 bound, not what this measures).
    let run = uuid_like();
    let registered = Instant::now();
    let tokens: Vec<String> = futures::stream::iter(0..students)
        .map(|i| {
            let (client, url) = (client.clone(), url.clone());
            let username = format!("s{run}-{i}");
            async move {
                let body: serde_json::Value = client
                    .post(format!("{url}/api/v1/auth/register"))
                    .json(&json!({"username": username, "password": "benchmark password 2022", "display_name": "Học sinh"}))
                    .send()
                    .await
                    .expect("register")
                    .json()
                    .await
                    .expect("json");
                body["access_token"].as_str().unwrap_or_else(|| panic!("register: {body}")).to_owned()
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    println!(
        "registered {students} students in {:.1}s",
        registered.elapsed().as_secs_f64()
    );

    // Three phases, so each operation's throughput is its own: everyone starts, then
    // everyone autosaves 20 answers, then everyone submits.
    let phase = Instant::now();
    let views: Vec<Started> = futures::stream::iter(tokens)
        .map(|token| {
            let (client, url, quiz_id) = (client.clone(), url.clone(), quiz_id.clone());
            async move {
                let (mut latencies, mut errors) = (vec![], vec![]);
                let request = client
                    .post(format!("{url}/api/v1/quizzes/{quiz_id}/attempts"))
                    .bearer_auth(&token);
                let view = timed(request, &mut latencies, &mut errors).await;
                (token, view, latencies, errors)
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let start_elapsed = phase.elapsed();
    let mut all = Timings {
        start: vec![],
        save: vec![],
        submit: vec![],
        errors: vec![],
    };
    let mut attempts = Vec::new();
    for (token, view, latencies, errors) in views {
        all.start.extend(latencies);
        all.errors.extend(errors);
        if let Some(view) = view {
            attempts.push((token, view));
        }
    }

    let phase = Instant::now();
    let saved: Vec<(Vec<Duration>, Vec<String>)> =
        futures::stream::iter(attempts.iter().flat_map(|(token, view)| {
            let attempt = view["id"].as_str().unwrap_or("").to_owned();
            view["questions"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |question| (token.clone(), attempt.clone(), question))
        }))
        .map(|(token, attempt, question)| {
            let (client, url) = (client.clone(), url.clone());
            async move {
                let (mut latencies, mut errors) = (vec![], vec![]);
                let key = question["id"].as_str().unwrap_or("");
                let request = client
                    .put(format!("{url}/api/v1/attempts/{attempt}/answers/{key}"))
                    .bearer_auth(&token)
                    .json(&json!({"response": some_response(&question)}));
                timed(request, &mut latencies, &mut errors).await;
                (latencies, errors)
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let save_elapsed = phase.elapsed();
    for (latencies, errors) in saved {
        all.save.extend(latencies);
        all.errors.extend(errors);
    }

    let phase = Instant::now();
    let submitted: Vec<(Vec<Duration>, Vec<String>)> = futures::stream::iter(attempts.iter())
        .map(|(token, view)| {
            let (client, url) = (client.clone(), url.clone());
            let attempt = view["id"].as_str().unwrap_or("").to_owned();
            let token = token.clone();
            async move {
                let (mut latencies, mut errors) = (vec![], vec![]);
                let request = client
                    .post(format!("{url}/api/v1/attempts/{attempt}/submit"))
                    .bearer_auth(&token);
                timed(request, &mut latencies, &mut errors).await;
                (latencies, errors)
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let submit_elapsed = phase.elapsed();
    for (latencies, errors) in submitted {
        all.submit.extend(latencies);
        all.errors.extend(errors);
    }
    println!("{students} students, concurrency {concurrency}");
    Latencies(all.start).report("start", start_elapsed);
    Latencies(all.save).report("save", save_elapsed);
    Latencies(all.submit).report("submit", submit_elapsed);
    println!("errors: {}", all.errors.len());
    for error in all.errors.iter().take(5) {
        println!("  {error}");
    }
}

/// Creates and publishes a one-attempt quiz of `count` questions from `bank`, open `open_s` seconds.
/// A quiz for a scenario: `count` questions of `bank`, open for `open_s` seconds.
struct QuizSpec<'a> {
    title: &'a str,
    bank: &'a str,
    count: u32,
    open_s: i64,
    event_id: Option<&'a str>,
}

async fn published_quiz(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    spec: QuizSpec<'_>,
) -> String {
    let QuizSpec {
        title,
        bank,
        count,
        open_s,
        event_id,
    } = spec;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64;
    let stamp = |ms: i64| civiquiz::clock::Timestamp(ms).to_rfc3339();
    let created: serde_json::Value = client
        .post(format!("{url}/api/v1/quizzes"))
        .bearer_auth(token)
        .json(&json!({"title": title, "opens_at": stamp(now - 60_000), "closes_at": stamp(now + open_s * 1000), "time_limit_s": 3000,
                      "max_attempts": 1, "rules": [{"bank": bank, "count": count}], "review": "after_submit",
                      "event_id": event_id}))
        .send()
        .await
        .expect("create quiz")
        .json()
        .await
        .expect("json");
    let quiz_id = created["id"]
        .as_str()
        .unwrap_or_else(|| panic!("quiz: {created}"))
        .to_owned();
    let publish = client
        .post(format!("{url}/api/v1/quizzes/{quiz_id}/publish"))
        .bearer_auth(token)
        .send()
        .await
        .expect("publish");
    assert!(
        publish.status().is_success(),
        "publish: {}",
        publish.text().await.unwrap_or_default()
    );
    quiz_id
}

async fn login_token(
    client: &reqwest::Client,
    url: &str,
    username: &str,
    password: &str,
) -> String {
    let body: serde_json::Value = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("server reachable")
        .json()
        .await
        .expect("json");
    body["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("login: {body}"))
        .to_owned()
}

async fn register_token(client: &reqwest::Client, url: &str, username: &str) -> String {
    let body: serde_json::Value = client
        .post(format!("{url}/api/v1/auth/register"))
        .json(&json!({"username": username, "password": "benchmark password 2022", "display_name": username}))
        .send()
        .await
        .expect("register")
        .json()
        .await
        .expect("json");
    body["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("register: {body}"))
        .to_owned()
}

/// Calls `request` back to back from `concurrency` tasks for `seconds`; each task passes its
/// number, so tasks can act as different users.
async fn hammer(
    concurrency: usize,
    seconds: u64,
    request: impl Fn(usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
) -> (Latencies, usize, Duration) {
    let request = Arc::new(request);
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let (request, stop) = (request.clone(), stop.clone());
            tokio::spawn(async move {
                let (mut latencies, mut errors) = (Vec::new(), 0usize);
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    match request(worker).send().await {
                        Ok(response) if response.status().is_success() => {
                            let _ = response.bytes().await;
                            latencies.push(t.elapsed());
                        }
                        _ => errors += 1,
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Latencies::default();
    let mut errors = 0;
    for worker in workers {
        let (latencies, failed) = worker.await.expect("worker");
        all.0.extend(latencies);
        errors += failed;
    }
    (all, errors, started.elapsed())
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

#[allow(clippy::too_many_arguments)]
async fn board(
    url: String,
    database_url: String,
    entries: u64,
    concurrency: usize,
    seconds: u64,
    streams: usize,
    server_pid: Option<u32>,
    admin: String,
    admin_password: String,
) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("client");
    let admin_token = login_token(&client, &url, &admin, &admin_password).await;
    let quiz = published_quiz(
        &client,
        &url,
        &admin_token,
        QuizSpec {
            title: "Bench board",
            bank: "an-toan-so",
            count: 5,
            open_s: 36_000,
            event_id: None,
        },
    )
    .await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64;

    // Seed N participants with a finished attempt each, straight into the database.
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .connect(&database_url)
        .await
        .expect("database");
    let seeding = Instant::now();
    let prefix = format!("b{}", uuid_like());
    let users = format!(
        "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {entries})
         INSERT INTO users (id, username, username_key, display_name, password_hash, role, disabled, must_change_password, security_stamp, created_at, updated_at)
         SELECT '{prefix}-' || i, '{prefix}-' || i, '{prefix}-' || i, 'Học sinh ' || i, 'x', 'participant', 0, 0, 's', 0, 0 FROM n"
    );
    sqlx::query(sqlx::AssertSqlSafe(users))
        .execute(&pool)
        .await
        .expect("seed users");
    let attempts = format!(
        "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {entries})
         INSERT INTO attempts (id, quiz_id, user_id, number, seed, status, started_at, deadline_at, finished_at, question_count,
                               score_milli, max_score_milli, correct_count, duration_ms)
         SELECT '{prefix}-a' || i, '{quiz}', '{prefix}-' || i, 1, '0', 'submitted', {now} - 3600000, {now}, {now} - (i % 600000),
                5, (i * 7919) % 8001, 8000, (i % 6), 1000 + (i * 104729) % 3000000 FROM n"
    );
    sqlx::query(sqlx::AssertSqlSafe(attempts))
        .execute(&pool)
        .await
        .expect("seed attempts");
    println!(
        "seeded {entries} entries in {:.1}s",
        seeding.elapsed().as_secs_f64()
    );
    let first = Instant::now();
    let response = client
        .get(format!("{url}/api/v1/quizzes/{quiz}/leaderboard?limit=50"))
        .send()
        .await
        .expect("board");
    let body: serde_json::Value = response.json().await.expect("json");
    println!(
        "first read (rebuilds the board from the database): {:.1}s, total {}",
        first.elapsed().as_secs_f64(),
        body["total"]
    );
    println!("board url: {url}/api/v1/quizzes/{quiz}/leaderboard?limit=10");

    let (mut pages, errors, elapsed) = {
        let (client, url, quiz) = (client.clone(), url.clone(), quiz.clone());
        hammer(concurrency, seconds, move |_| {
            client.get(format!("{url}/api/v1/quizzes/{quiz}/leaderboard?limit=50"))
        })
        .await
    };
    pages.report("top-50", elapsed);
    let (client2, url2, quiz2) = (client.clone(), url.clone(), quiz.clone());
    let (mut deep, _, elapsed) = hammer(concurrency, seconds, move |_| {
        client2.get(format!(
            "{url2}/api/v1/quizzes/{quiz2}/leaderboard?limit=50&offset={}",
            entries / 2
        ))
    })
    .await;
    deep.report("mid-page", elapsed);
    println!("board read errors: {errors}");

    // A real participant for `me` reads and SSE latency.
    let student = register_token(&client, &url, &format!("{prefix}-me")).await;
    let attempt: serde_json::Value = client
        .post(format!("{url}/api/v1/quizzes/{quiz}/attempts"))
        .bearer_auth(&student)
        .send()
        .await
        .expect("start")
        .json()
        .await
        .expect("json");
    let attempt_id = attempt["id"].as_str().expect("attempt").to_owned();
    client
        .post(format!("{url}/api/v1/attempts/{attempt_id}/submit"))
        .bearer_auth(&student)
        .send()
        .await
        .expect("submit");
    let (client3, url3, quiz3, token) =
        (client.clone(), url.clone(), quiz.clone(), student.clone());
    let (mut me, me_errors, elapsed) = hammer(concurrency, seconds, move |_| {
        client3
            .get(format!("{url3}/api/v1/quizzes/{quiz3}/leaderboard/me"))
            .bearer_auth(&token)
    })
    .await;
    me.report("me", elapsed);
    println!("me errors: {me_errors}");

    // Submission to SSE event: one stream, 20 submissions 700 ms apart.
    let mut stream = client
        .get(format!("{url}/api/v1/quizzes/{quiz}/leaderboard/stream"))
        .send()
        .await
        .expect("stream");
    let _ = stream.chunk().await;
    let mut latencies = Latencies::default();
    for i in 0..20 {
        let token = register_token(&client, &url, &format!("{prefix}-sse{i}")).await;
        let attempt: serde_json::Value = client
            .post(format!("{url}/api/v1/quizzes/{quiz}/attempts"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("start")
            .json()
            .await
            .expect("json");
        let id = attempt["id"].as_str().expect("attempt").to_owned();
        tokio::time::sleep(Duration::from_millis(700)).await;
        let t = Instant::now();
        client
            .post(format!("{url}/api/v1/attempts/{id}/submit"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("submit");
        loop {
            let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
                .await
                .expect("event in time")
                .expect("chunk");
            if chunk.is_some_and(|c| String::from_utf8_lossy(&c).contains("event: standings")) {
                break;
            }
        }
        latencies.0.push(t.elapsed());
    }
    latencies.report("sse", Duration::from_secs(1));

    if let (Some(pid), true) = (server_pid, streams > 0) {
        let before = rss_kib(pid);
        let stream_client = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .expect("client");
        let mut open = Vec::with_capacity(streams);
        for _ in 0..streams {
            let mut response = stream_client
                .get(format!("{url}/api/v1/quizzes/{quiz}/leaderboard/stream"))
                .send()
                .await
                .expect("stream");
            let _ = response.chunk().await;
            open.push(response);
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = rss_kib(pid);
        println!(
            "{streams} open streams: server RSS {before} KiB -> {after} KiB, {:.1} KiB per stream, {:.1} MiB per 1,000",
            (after.saturating_sub(before)) as f64 / streams as f64,
            (after.saturating_sub(before)) as f64 / streams as f64 * 1000.0 / 1024.0
        );
        drop(open);
    }
}

/// A WAV header for `data_len` bytes of 48 kHz stereo 16-bit PCM (silence follows).
fn wav_header(data_len: u64) -> Vec<u8> {
    let mut header = b"RIFF".to_vec();
    header.extend(
        u32::try_from(data_len + 36)
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    header.extend(b"WAVEfmt ");
    header.extend(16u32.to_le_bytes());
    header.extend(1u16.to_le_bytes()); // PCM
    header.extend(2u16.to_le_bytes()); // channels
    header.extend(48_000u32.to_le_bytes());
    header.extend(192_000u32.to_le_bytes()); // byte rate
    header.extend(4u16.to_le_bytes()); // block align
    header.extend(16u16.to_le_bytes());
    header.extend(b"data");
    header.extend(u32::try_from(data_len).unwrap_or(u32::MAX).to_le_bytes());
    header
}

/// A body of `total` bytes: `head`, then zeros, generated 1 MiB at a time (never held whole).
fn generated_body(head: Vec<u8>, total: u64) -> reqwest::Body {
    const CHUNK: u64 = 1 << 20;
    let zeros = bytes::Bytes::from(vec![0u8; CHUNK as usize]);
    let rest = total - head.len() as u64;
    let chunks = std::iter::once(bytes::Bytes::from(head)).chain(
        (0..rest.div_ceil(CHUNK))
            .map(move |i| zeros.slice(..(rest - i * CHUNK).min(CHUNK) as usize)),
    );
    reqwest::Body::wrap_stream(futures::stream::iter(chunks.map(Ok::<_, std::io::Error>)))
}

fn ebml_element(id: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = id.to_vec();
    out.extend(((payload.len() as u64) | (1 << 56)).to_be_bytes());
    out.extend(payload);
    out
}

/// A WebM video of about `total` bytes: VP8 track, one cluster per second, 40 ms blocks.
fn synthetic_webm(total: u64) -> Vec<u8> {
    let mut out = ebml_element(
        &[0x1A, 0x45, 0xDF, 0xA3],
        &ebml_element(&[0x42, 0x82], b"webm"),
    );
    out.extend([
        0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ]);
    out.extend(ebml_element(
        &[0x15, 0x49, 0xA9, 0x66],
        &ebml_element(&[0x2A, 0xD7, 0xB1], &1_000_000u64.to_be_bytes()),
    ));
    let track = [
        ebml_element(&[0xD7], &1u64.to_be_bytes()),
        ebml_element(&[0x83], &1u64.to_be_bytes()),
        ebml_element(&[0x86], b"V_VP8"),
    ]
    .concat();
    out.extend(ebml_element(
        &[0x16, 0x54, 0xAE, 0x6B],
        &ebml_element(&[0xAE], &track),
    ));
    let block_payload = 64 * 1024;
    let mut second = 0u64;
    while (out.len() as u64) < total {
        out.extend([
            0x1F, 0x43, 0xB6, 0x75, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ]);
        out.extend(ebml_element(&[0xE7], &(second * 1000).to_be_bytes()));
        for block in 0..25i16 {
            let mut simple = vec![0x81];
            simple.extend((block * 40).to_be_bytes());
            simple.push(0x80);
            simple.resize(simple.len() + block_payload, 0x5A);
            out.extend(ebml_element(&[0xA3], &simple));
        }
        second += 1;
    }
    out
}

fn proc_status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

struct MediaArgs {
    url: String,
    server_pid: u32,
    admin: String,
    admin_password: String,
    big_mib: u64,
    uploads: usize,
    upload_mb: u64,
    video_mb: u64,
    range_concurrency: usize,
    range_seconds: u64,
    range_bytes: u64,
}

async fn media(args: MediaArgs) {
    let url = args.url.clone();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.uploads.max(args.range_concurrency))
        .build()
        .expect("client");
    let admin = login_token(&client, &url, &args.admin, &args.admin_password).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64;
    let stamp = |ms: i64| civiquiz::clock::Timestamp(ms).to_rfc3339();
    let contest: serde_json::Value = client
        .post(format!("{url}/api/v1/contests"))
        .bearer_auth(&admin)
        .json(&json!({"title": "Bench", "opens_at": stamp(now - 60_000), "closes_at": stamp(now + 3_600_000),
                      "media": ["audio", "video"], "max_bytes": 2u64 << 30, "max_duration_s": 14_400,
                      "max_entries_per_user": 20, "judges_per_entry": 1,
                      "criteria": [{"key": "c", "title": "C", "weight": 1, "max_points": 10}]}))
        .send()
        .await
        .expect("create contest")
        .json()
        .await
        .expect("json");
    let contest_id = contest["id"]
        .as_str()
        .unwrap_or_else(|| panic!("contest: {contest}"))
        .to_owned();
    let run = uuid_like();
    let entrants = args.uploads.div_ceil(20) + 1;
    let mut tokens = Vec::new();
    for i in 0..entrants {
        let body: serde_json::Value = client
            .post(format!("{url}/api/v1/auth/register"))
            .json(
                &json!({"username": format!("m{run}-{i}"), "password": "benchmark password 2022",
                          "display_name": "Người dự thi", "birth_year": 1990}),
            )
            .send()
            .await
            .expect("register")
            .json()
            .await
            .expect("json");
        tokens.push(body["access_token"].as_str().expect("token").to_owned());
    }
    let new_entry = |token: String| {
        let (client, url, contest_id) = (client.clone(), url.clone(), contest_id.clone());
        async move {
            let body: serde_json::Value = client
                .post(format!("{url}/api/v1/contests/{contest_id}/entries"))
                .bearer_auth(&token)
                .json(&json!({"title": "Bench", "consent": {"entrant": true}}))
                .send()
                .await
                .expect("entry")
                .json()
                .await
                .expect("json");
            body["id"]
                .as_str()
                .unwrap_or_else(|| panic!("entry: {body}"))
                .to_owned()
        }
    };
    let put = |token: String, entry: String, body: reqwest::Body, len: u64| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let response = client
                .put(format!("{url}/api/v1/entries/{entry}/media"))
                .bearer_auth(&token)
                .header("content-length", len)
                .body(body)
                .send()
                .await;
            match response {
                Ok(r) if r.status().as_u16() == 201 => {
                    Ok(r.json::<serde_json::Value>().await.unwrap_or_default())
                }
                Ok(r) => Err(format!(
                    "{} {}",
                    r.status(),
                    r.text().await.unwrap_or_default()
                )),
                Err(e) => Err(e.to_string()),
            }
        }
    };

    // 1. One large upload, with the server's memory watched.
    let big = args.big_mib << 20;
    let entry = new_entry(tokens[0].clone()).await;
    let pid = args.server_pid;
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5"); // resets VmHWM
    let rss_before = proc_status_kib(pid, "VmRSS:");
    let hwm_reset = proc_status_kib(pid, "VmHWM:");
    let started = Instant::now();
    let result = put(
        tokens[0].clone(),
        entry,
        generated_body(wav_header(big - 44), big),
        big,
    )
    .await;
    let elapsed = started.elapsed();
    let hwm_after = proc_status_kib(pid, "VmHWM:");
    let rss_after = proc_status_kib(pid, "VmRSS:");
    match result {
        Ok(view) => println!(
            "large upload: {} MiB in {:.1}s = {:.1} MiB/s (duration {} ms, sha256 {}…)",
            args.big_mib,
            elapsed.as_secs_f64(),
            args.big_mib as f64 / elapsed.as_secs_f64(),
            view["duration_ms"],
            view["sha256"]
                .as_str()
                .unwrap_or("")
                .get(..12)
                .unwrap_or("")
        ),
        Err(error) => println!("large upload failed: {error}"),
    }
    println!(
        "server memory: VmRSS before {} MiB, VmHWM reset to {} MiB, VmHWM after {} MiB, VmRSS after {} MiB: peak growth {:.1} MiB",
        rss_before / 1024,
        hwm_reset / 1024,
        hwm_after / 1024,
        rss_after / 1024,
        hwm_after.saturating_sub(rss_before) as f64 / 1024.0
    );

    // 2. Concurrent uploads.
    let size = args.upload_mb * 1_000_000;
    let mut entries = Vec::new();
    for i in 0..args.uploads {
        let token = tokens[1 + i / 20].clone();
        entries.push((token.clone(), new_entry(token).await));
    }
    let started = Instant::now();
    let results: Vec<(Duration, Result<serde_json::Value, String>)> =
        futures::future::join_all(entries.into_iter().map(|(token, entry)| {
            let upload = put(
                token,
                entry,
                generated_body(wav_header(size - 44), size),
                size,
            );
            async move {
                let t = Instant::now();
                let result = upload.await;
                (t.elapsed(), result)
            }
        }))
        .await;
    let elapsed = started.elapsed();
    let (mut latencies, errors) = Latencies::of_uploads(results);
    println!(
        "{} concurrent uploads of {} MB: {:.1} MB/s overall",
        args.uploads,
        args.upload_mb,
        (latencies.0.len() as u64 * args.upload_mb) as f64 / elapsed.as_secs_f64()
    );
    latencies.report("upload", elapsed);
    print_upload_errors(&errors);

    // 3. Range reads of a video, as players seeking through it.
    let video = synthetic_webm(args.video_mb * 1_000_000);
    let video_len = video.len() as u64;
    let entry = new_entry(tokens[0].clone()).await;
    let uploaded = put(
        tokens[0].clone(),
        entry.clone(),
        reqwest::Body::from(video),
        video_len,
    )
    .await
    .unwrap_or_else(|e| panic!("video upload: {e}"));
    let media_id = uploaded["media_id"].as_str().expect("media id").to_owned();
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut readers = Vec::new();
    for i in 0..args.range_concurrency {
        let (client, url, stop, token) =
            (client.clone(), url.clone(), stop.clone(), tokens[0].clone());
        let path = format!("{url}/api/v1/entries/{entry}/media/{media_id}");
        let span = args.range_bytes;
        readers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ i as u64;
            while !stop.load(Ordering::Relaxed) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let start = state % (video_len - span);
                let t = Instant::now();
                let response = client
                    .get(&path)
                    .bearer_auth(&token)
                    .header("range", format!("bytes={start}-{}", start + span - 1))
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status().as_u16() == 206 => match r.bytes().await {
                        Ok(body) if body.len() as u64 == span => latencies.push(t.elapsed()),
                        _ => errors += 1,
                    },
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    tokio::time::sleep(Duration::from_secs(args.range_seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut ranges = Latencies::default();
    let mut errors = 0;
    for reader in readers {
        let (latencies, failed) = reader.await.expect("reader");
        ranges.0.extend(latencies);
        errors += failed;
    }
    let elapsed = started.elapsed();
    println!(
        "range reads of a {:.0} MB video, {} KiB each, {} clients: {:.1} MB/s",
        video_len as f64 / 1e6,
        args.range_bytes / 1024,
        args.range_concurrency,
        (ranges.0.len() as u64 * args.range_bytes) as f64 / 1e6 / elapsed.as_secs_f64()
    );
    ranges.report("range", elapsed);
    println!("range errors: {errors}");
}

fn uuid_like() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis()
    )
}

fn main() {
    let args = Args::parse_from(std::env::args().filter(|a| a != "--bench"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    match args.scenario {
        Scenario::Resumable(resumable_args) => {
            runtime.block_on(resumable::resumable(resumable_args))
        }
        Scenario::Pages {
            url,
            students,
            seconds,
            admin,
            admin_password,
            bank,
        } => runtime.block_on(pages::pages(pages::PagesArgs {
            url,
            students,
            seconds,
            admin,
            admin_password,
            bank,
        })),
        Scenario::Logins {
            url,
            concurrency,
            seconds,
        } => runtime.block_on(logins(url, concurrency, seconds)),
        Scenario::Board {
            url,
            database_url,
            entries,
            concurrency,
            seconds,
            streams,
            server_pid,
            admin,
            admin_password,
        } => runtime.block_on(board(
            url,
            database_url,
            entries,
            concurrency,
            seconds,
            streams,
            server_pid,
            admin,
            admin_password,
        )),
        Scenario::Media {
            url,
            server_pid,
            admin,
            admin_password,
            big_mib,
            uploads,
            upload_mb,
            video_mb,
            range_concurrency,
            range_seconds,
            range_bytes,
        } => runtime.block_on(media(MediaArgs {
            url,
            server_pid,
            admin,
            admin_password,
            big_mib,
            uploads,
            upload_mb,
            video_mb,
            range_concurrency,
            range_seconds,
            range_bytes,
        })),
        Scenario::Reports {
            url,
            database_url,
            admin,
            admin_password,
            participants,
            quizzes,
            runs,
        } => runtime.block_on(reports::reports(reports::ReportsArgs {
            url,
            database_url,
            admin,
            admin_password,
            participants,
            quizzes,
            runs,
        })),
        Scenario::Quiz {
            url,
            students,
            concurrency,
            admin,
            admin_password,
            bank,
        } => runtime.block_on(quiz(
            url,
            students,
            concurrency,
            admin,
            admin_password,
            bank,
        )),
    }
}
