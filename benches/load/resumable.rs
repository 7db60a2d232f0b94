//! Resumable uploads: one large recording sent with tus in fixed-size PATCHes and the same
//! size through the one-shot PUT (throughput, the server's memory growth), many concurrent
//! resumable uploads, and the time a phone takes to go on after its connection drops.

use std::time::{Duration, Instant};

use futures::SinkExt;
use serde_json::json;

use super::{
    Latencies, generated_body, login_token, print_upload_errors, proc_status_kib, uuid_like,
    wav_header,
};

#[derive(clap::Args)]
pub struct ResumableArgs {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// The server's process id, to read its VmRSS/VmHWM from /proc.
    #[arg(long)]
    pub server_pid: u32,
    #[arg(long)]
    pub admin: String,
    #[arg(long)]
    pub admin_password: String,
    /// Size of the large upload, MiB.
    #[arg(long, default_value_t = 1024)]
    pub big_mib: u64,
    /// Bytes per PATCH, MiB.
    #[arg(long, default_value_t = 8)]
    pub patch_mib: u64,
    #[arg(long, default_value_t = 50)]
    pub uploads: usize,
    /// Size of each concurrent upload, MiB.
    #[arg(long, default_value_t = 20)]
    pub upload_mib: u64,
    /// Drops measured for the time to resume.
    #[arg(long, default_value_t = 20)]
    pub drops: usize,
}

/// Bytes `offset..offset+len` of a WAV of `total` bytes: its header, then silence.
fn wav_piece(total: u64, offset: u64, len: u64) -> Vec<u8> {
    let header = wav_header(total - 44);
    let mut piece = vec![0u8; len as usize];
    for (i, byte) in piece.iter_mut().enumerate() {
        let at = offset as usize + i;
        if at >= header.len() {
            break;
        }
        *byte = header[at];
    }
    piece
}

struct Client {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Client {
    async fn entry(&self, contest: &str) -> String {
        let body: serde_json::Value = self
            .http
            .post(format!("{}/api/v1/contests/{contest}/entries", self.url))
            .bearer_auth(&self.token)
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

    async fn create(&self, entry: &str, total: u64) -> String {
        let created = self
            .http
            .post(format!("{}/api/v1/entries/{entry}/uploads", self.url))
            .bearer_auth(&self.token)
            .header("tus-resumable", "1.0.0")
            .header("upload-length", total)
            .send()
            .await
            .expect("create");
        assert_eq!(created.status().as_u16(), 201, "create");
        let location = created.headers()["location"].to_str().expect("location");
        format!("{}{location}", self.url)
    }

    fn patch(&self, upload: &str, offset: u64) -> reqwest::RequestBuilder {
        self.http
            .patch(upload)
            .bearer_auth(&self.token)
            .header("tus-resumable", "1.0.0")
            .header("upload-offset", offset)
            .header("content-type", "application/offset+octet-stream")
    }

    async fn offset(&self, upload: &str) -> u64 {
        let head = self
            .http
            .head(upload)
            .bearer_auth(&self.token)
            .header("tus-resumable", "1.0.0")
            .send()
            .await
            .expect("head");
        head.headers()["upload-offset"]
            .to_str()
            .ok()
            .and_then(|v| v.parse().ok())
            .expect("offset")
    }

    /// Sends a WAV of `total` bytes in PATCHes of `step`; Ok(the recording) or the failure.
    async fn upload(&self, entry: &str, total: u64, step: u64) -> Result<String, String> {
        self.timed_upload(entry, total, step, &mut Vec::new()).await
    }

    /// `upload`, noting how long each PATCH took (the last one includes the checks).
    async fn timed_upload(
        &self,
        entry: &str,
        total: u64,
        step: u64,
        patches: &mut Vec<Duration>,
    ) -> Result<String, String> {
        let upload = self.create(entry, total).await;
        let mut offset = 0;
        loop {
            let len = step.min(total - offset);
            let started = Instant::now();
            let sent = self
                .patch(&upload, offset)
                .body(wav_piece(total, offset, len))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if sent.status().as_u16() != 204 {
                return Err(format!(
                    "{} {}",
                    sent.status(),
                    sent.text().await.unwrap_or_default()
                ));
            }
            patches.push(started.elapsed());
            offset += len;
            if offset == total {
                return sent
                    .headers()
                    .get("civiquiz-media")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
                    .ok_or_else(|| "no Civiquiz-Media".to_owned());
            }
        }
    }
}

pub async fn resumable(args: ResumableArgs) {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.uploads)
        .build()
        .expect("client");
    let url = args.url.clone();
    let admin = login_token(&http, &url, &args.admin, &args.admin_password).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64;
    let stamp = |ms: i64| civiquiz::clock::Timestamp(ms).to_rfc3339();
    let contest: serde_json::Value = http
        .post(format!("{url}/api/v1/contests"))
        .bearer_auth(&admin)
        .json(&json!({"title": "Bench", "opens_at": stamp(now - 60_000), "closes_at": stamp(now + 3_600_000),
                      "media": ["audio"], "max_bytes": 2u64 << 30, "max_duration_s": 14_400,
                      "max_entries_per_user": 20, "judges_per_entry": 1,
                      "criteria": [{"key": "c", "title": "C", "weight": 1, "max_points": 10}]}))
        .send()
        .await
        .expect("create contest")
        .json()
        .await
        .expect("json");
    let contest = contest["id"].as_str().expect("contest id").to_owned();
    let run = uuid_like();
    let mut clients = Vec::new();
    // Client 0 sends the large uploads; then one resident per concurrent upload (a person
    // has at most two uploads in flight); then one per 20 drops (20 entries per person).
    let droppers = 1 + args.uploads;
    for i in 0..droppers + args.drops.div_ceil(20) {
        let body: serde_json::Value = http
            .post(format!("{url}/api/v1/auth/register"))
            .json(
                &json!({"username": format!("r{run}-{i}"), "password": "benchmark password 2022",
                          "display_name": "Người dự thi", "birth_year": 1990}),
            )
            .send()
            .await
            .expect("register")
            .json()
            .await
            .expect("json");
        clients.push(Client {
            http: http.clone(),
            url: url.clone(),
            token: body["access_token"].as_str().expect("token").to_owned(),
        });
    }
    let pid = args.server_pid;
    let step = args.patch_mib << 20;

    // 1. One large recording, through tus and through the one-shot PUT.
    let big = args.big_mib << 20;
    for way in ["put", "tus"] {
        let mut patches = Vec::new();
        let entry = clients[0].entry(&contest).await;
        let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5"); // resets VmHWM
        let rss_before = proc_status_kib(pid, "VmRSS:");
        let started = Instant::now();
        let result = match way {
            "tus" => {
                clients[0]
                    .timed_upload(&entry, big, step, &mut patches)
                    .await
            }
            _ => {
                let response = http
                    .put(format!("{url}/api/v1/entries/{entry}/media"))
                    .bearer_auth(&clients[0].token)
                    .header("content-length", big)
                    .body(generated_body(wav_header(big - 44), big))
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status().as_u16() == 201 => Ok(r.text().await.unwrap_or_default()),
                    Ok(r) => Err(r.status().to_string()),
                    Err(e) => Err(e.to_string()),
                }
            }
        };
        let elapsed = started.elapsed();
        let hwm = proc_status_kib(pid, "VmHWM:");
        println!(
            "{way}: {} MiB in {:.1}s = {:.1} MiB/s ({}); server VmRSS before {} MiB, peak growth {:.1} MiB",
            args.big_mib,
            elapsed.as_secs_f64(),
            args.big_mib as f64 / elapsed.as_secs_f64(),
            if result.is_ok() {
                "ok".to_owned()
            } else {
                format!("{result:?}")
            },
            rss_before / 1024,
            hwm.saturating_sub(rss_before) as f64 / 1024.0
        );
        if let Some((last, parts)) = patches.split_last() {
            let mut parts = Latencies(parts.to_vec());
            parts.report("  patch", elapsed);
            println!(
                "  the last PATCH (assembly, checks, storage): {:.2}s",
                last.as_secs_f64()
            );
        }
    }

    // 2. Concurrent resumable uploads.
    let size = args.upload_mib << 20;
    let mut entries = Vec::new();
    for i in 0..args.uploads {
        let client = &clients[1 + i];
        entries.push((client, client.entry(&contest).await));
    }
    let started = Instant::now();
    let results = futures::future::join_all(entries.iter().map(|(client, entry)| async move {
        let t = Instant::now();
        let result = client.upload(entry, size, step.min(4 << 20)).await;
        (t.elapsed(), result)
    }))
    .await;
    let elapsed = started.elapsed();
    let (mut latencies, errors) = Latencies::of_uploads(results);
    println!(
        "{} concurrent resumable uploads of {} MiB (4 MiB PATCHes): {:.1} MiB/s overall",
        args.uploads,
        args.upload_mib,
        (latencies.0.len() as u64 * args.upload_mib) as f64 / elapsed.as_secs_f64()
    );
    latencies.report("upload", elapsed);
    print_upload_errors(&errors);

    // 3. Resuming after a drop: a PATCH of 8 MiB is cut after 4 MiB (the client closes its
    // connection); timed from the cut until the server's HEAD shows what it kept and a PATCH
    // from there is accepted.
    let mut found = Latencies::default();
    let mut resumes = Latencies::default();
    let total = 16u64 << 20;
    for i in 0..args.drops {
        let client = &clients[droppers + i / 20];
        let entry = client.entry(&contest).await;
        let upload = client.create(&entry, total).await;
        let (mut feed, body) =
            futures::channel::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(2);
        let cut = tokio::spawn(
            client
                .patch(&upload, 0)
                .body(reqwest::Body::wrap_stream(body))
                .send(),
        );
        feed.send(Ok(wav_piece(total, 0, 4 << 20)))
            .await
            .expect("feed");
        tokio::time::sleep(Duration::from_millis(200)).await;
        let dropped = Instant::now();
        feed.send(Err(std::io::Error::other("network lost")))
            .await
            .expect("feed");
        let _ = cut.await;
        let offset = loop {
            let offset = client.offset(&upload).await;
            if offset > 0 {
                break offset;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        found.0.push(dropped.elapsed());
        // The cut PATCH's writer may still hold the upload for a moment after its offset
        // shows: a client then hears 409 and tries again, as a tus client does.
        let mut tries = 0;
        loop {
            let rest = client
                .patch(&upload, offset)
                .body(wav_piece(total, offset, total - offset))
                .send()
                .await
                .expect("resume");
            match rest.status().as_u16() {
                204 => break,
                409 if tries < 100 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                status => panic!("resume: {status} {}", rest.text().await.unwrap_or_default()),
            }
        }
        resumes.0.push(dropped.elapsed());
        println!("  kept {offset} of {} bytes sent before the drop", 4 << 20);
    }
    // The rates printed are meaningless here: only the percentiles matter.
    found.report("offset", Duration::from_secs(1));
    resumes.report("complete", Duration::from_secs(1));
}
