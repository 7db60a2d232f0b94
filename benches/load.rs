//! Load generators against a running server (see benches/RESULTS.md for the figures).
//!
//! cargo bench --bench load -- logins --url http://127.0.0.1:8080 --concurrency 64 --seconds 20

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
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
    }
}
