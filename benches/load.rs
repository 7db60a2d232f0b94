//! Load generators against a running server (see benches/RESULTS.md for the figures).
//!
//! cargo bench --bench load -- logins --url http://127.0.0.1:8080 --concurrency 64 --seconds 20
//! cargo bench --bench load -- quiz --url http://127.0.0.1:8080 --students 1000 --concurrency 64 \
//!     --admin benchadmin --admin-password '…'

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
    /// N clients signing in over and over while a probe measures /healthz.
    Logins {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
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

/// Latencies of one operation, reported as count, rate and percentiles.
#[derive(Default)]
struct Latencies(Vec<Duration>);

impl Latencies {
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
    let login = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"username": admin, "password": admin_password}))
        .send()
        .await
        .expect("server reachable");
    assert!(
        login.status().is_success(),
        "admin login: {}",
        login.status()
    );
    let admin_token = login.json::<serde_json::Value>().await.expect("json")["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64;
    let stamp = |ms: i64| civiquiz::clock::Timestamp(ms).to_rfc3339();
    let created: serde_json::Value = client
        .post(format!("{url}/api/v1/quizzes"))
        .bearer_auth(&admin_token)
        .json(&json!({"title": "Bench", "opens_at": stamp(now - 60_000), "closes_at": stamp(now + 3_600_000), "time_limit_s": 3000,
                      "max_attempts": 1, "rules": [{"bank": bank, "count": 20}], "review": "after_submit"}))
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
        .bearer_auth(&admin_token)
        .send()
        .await
        .expect("publish");
    assert!(
        publish.status().is_success(),
        "publish: {}",
        publish.text().await.unwrap_or_default()
    );

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
        Scenario::Logins {
            url,
            concurrency,
            seconds,
        } => runtime.block_on(logins(url, concurrency, seconds)),
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
