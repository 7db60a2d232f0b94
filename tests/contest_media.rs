//! Recordings over HTTP, on the local backend and on a real S3-compatible server (when
//! TEST_S3_URL and TEST_S3_ENDPOINT are set; `.ci/run` starts one): uploads as browsers and
//! phones make them, hostile files and connections, playback with ranges, every access rule,
//! and the janitor. After every refusal: no object, no staging file, no row.

mod common;
#[path = "media_probe/common.rs"]
mod probe_support;

use std::time::{Duration, Instant};

use common::contests::{as_stored, fixture, sha256_hex};
use common::fixture::{Backend, MINUTE, Setup, at};
use futures::StreamExt;
use object_store::{ObjectStoreExt, PutPayload};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn local() {
                    super::$name(super::Backend::Local).await
                }
                #[tokio::test]
                async fn s3() {
                    super::$name(super::Backend::S3).await
                }
            }
        )*
    };
}

on_both_backends!(
    recordings_from_browsers_and_phones_are_accepted_and_replayed,
    ffmpeg_recordings_are_checked_for_duration,
    hostile_files_leave_nothing_behind,
    oversized_and_interrupted_uploads_leave_nothing_behind,
    ranges_etags_and_headers,
    location_and_author_tags_are_removed_before_storing,
    who_may_play_a_recording,
    the_janitor_removes_orphans,
);

/// Nothing stored but what `expected_objects` says, and no staging leftovers.
async fn assert_clean(c: &Setup, expected_objects: usize) {
    // Cleanup of a dropped request happens on its own task: give it a moment.
    let started = Instant::now();
    loop {
        let objects = c.object_keys().await;
        let files = c.leftover_files();
        let pending = c.count_rows("media_uploads").await;
        let rows = c.count_rows("entry_media").await;
        if objects.len() == expected_objects
            && files.is_empty()
            && pending == 0
            && rows == expected_objects as i64
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "left behind: objects {objects:?}, files {files:?}, {pending} pending uploads, {rows} media rows"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn recordings_from_browsers_and_phones_are_accepted_and_replayed(backend: Backend) {
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c.contest_with(json!({"max_entries_per_user": 1})).await;
    let an = c.entrant("an").await;
    let entry = c.entry(&an, &contest).await;
    let cases = [
        ("webm_opus_mediarecorder.webm", "audio/webm", "audio"),
        ("webm_vp8_opus_mediarecorder.webm", "video/webm", "video"),
        ("mp4_fragmented_h264_aac.mp4", "video/mp4", "video"),
        ("mp4_h264_aac.mp4", "video/mp4", "video"),
        ("m4a_aac.m4a", "audio/mp4", "audio"),
        ("mov_h264_aac.mov", "video/quicktime", "video"),
        ("ogg_opus.opus", "audio/ogg", "audio"),
        ("ogg_vorbis.ogg", "audio/ogg", "audio"),
        ("mp3_cbr.mp3", "audio/mpeg", "audio"),
        ("mp3_vbr_xing.mp3", "audio/mpeg", "audio"),
        ("wav_pcm16.wav", "audio/wav", "audio"),
    ];
    let mut previous: Option<String> = None;
    for (file, content_type, kind) in cases {
        let bytes = fixture(file);
        let stored = as_stored(&bytes);
        // The name and the header the client sends do not matter.
        let uploaded = c
            .app
            .send(
                c.app
                    .upload_request(&an, &entry)
                    .query(&[("filename", format!("Bài dự thi của tôi - {file}"))])
                    .header("content-type", "image/png")
                    .body(bytes.clone()),
            )
            .await;
        assert_eq!(uploaded.status, 201, "{file}: {}", uploaded.text);
        assert_eq!(uploaded.body["content_type"], content_type, "{file}");
        assert_eq!(uploaded.body["kind"], kind, "{file}");
        // `bytes` and `sha256` describe the object as served (its tags blanked, same length).
        assert_eq!(stored.len(), bytes.len(), "{file}");
        assert_eq!(uploaded.body["bytes"], bytes.len(), "{file}");
        assert_eq!(uploaded.body["sha256"], sha256_hex(&stored), "{file}");
        let duration = uploaded.body["duration_ms"].as_i64().expect("duration");
        assert!((950..=1100).contains(&duration), "{file}: {duration} ms");
        let media = uploaded.body["media_id"].as_str().expect("id").to_owned();

        let played = c
            .app
            .media_request(&an, &entry, &media)
            .send()
            .await
            .expect("play");
        assert_eq!(played.status(), 200);
        assert_eq!(played.headers()["content-type"], content_type);
        assert_eq!(played.headers()["x-content-type-options"], "nosniff");
        assert_eq!(played.headers()["accept-ranges"], "bytes");
        assert_eq!(
            played.headers()["etag"].to_str().expect("etag"),
            format!("\"{}\"", sha256_hex(&stored))
        );
        assert_eq!(
            played.bytes().await.expect("body").as_ref(),
            stored.as_slice()
        );

        // Replacing the recording deletes the old object; its id is gone.
        assert_clean(&c, 1).await;
        if let Some(old) = previous.replace(media) {
            let gone = c.app.media(&an, &entry, &old).await;
            assert_eq!(gone.status, 404);
        }
    }
    let view = c.app.entry(&an, &entry).await;
    assert_eq!(view.body["media"]["content_type"], "audio/wav");
    // The entrant sees her own file name; the name it is offered under is the server's.
    assert_eq!(
        view.body["media"]["original_name"],
        "Bài dự thi của tôi - wav_pcm16.wav"
    );
    let tail: String = entry.chars().filter(char::is_ascii_hexdigit).collect();
    assert_eq!(
        view.body["media"]["display_name"],
        format!("entry-{}.wav", &tail[tail.len() - 8..])
    );
}

async fn ffmpeg_recordings_are_checked_for_duration(backend: Backend) {
    if probe_support::skip_without_ffmpeg() {
        return;
    }
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c
        .contest_with(json!({"max_duration_s": 5, "max_entries_per_user": 5}))
        .await;
    let an = c.entrant("an").await;
    let entry = c.entry(&an, &contest).await;
    for (recipe, seconds, accepted) in [
        ("webm_vp8_opus_mediarecorder", 3.0, true),
        ("webm_opus_mediarecorder", 7.5, false),
        ("mp4_fragmented_h264_aac", 3.0, true),
        ("m4a_fragmented_aac", 7.5, false),
        ("mp3_cbr", 3.0, true),
        ("ogg_opus", 7.5, false),
    ] {
        let path = probe_support::generate_scratch(probe_support::recipe(recipe), seconds);
        let bytes = std::fs::read(&path).expect("generated");
        let _ = std::fs::remove_file(&path);
        let uploaded = c
            .app
            .upload_media(&an, &entry, bytes, Some("phone.mp4"))
            .await;
        if accepted {
            assert_eq!(uploaded.status, 201, "{recipe}: {}", uploaded.text);
            let ms = uploaded.body["duration_ms"].as_i64().expect("duration");
            assert!((2900..=3150).contains(&ms), "{recipe}: {ms} ms");
        } else {
            assert_eq!(uploaded.status, 422, "{recipe}: {}", uploaded.text);
            assert_eq!(uploaded.code(), "media_too_long");
        }
    }
    // A WebM whose header says 1 s while its clusters run 10 s is 10 s long.
    let mut lying = probe_support::webm_head("A_OPUS", 2, Some(1000.0));
    for second in 0..10 {
        lying.extend(probe_support::webm_cluster(second * 1000, 50, 20, 10));
    }
    let refused = c
        .app
        .upload_media(&an, &entry, lying, Some("short.webm"))
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.code(), "media_too_long");
    // Audio-only contests refuse video.
    let audio_only = c.contest_with(json!({"media": ["audio"]})).await;
    let entry = c.entry(&an, &audio_only).await;
    let refused = c
        .app
        .upload_media(
            &an,
            &entry,
            fixture("webm_vp8_opus_mediarecorder.webm"),
            None,
        )
        .await;
    assert_eq!(refused.status, 415, "{}", refused.text);
    assert_clean(&c, 1).await;
}

async fn hostile_files_leave_nothing_behind(backend: Backend) {
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c.contest().await;
    let an = c.entrant("an").await;
    let entry = c.entry(&an, &contest).await;
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x40\0\0\0\x30\x08\x02\0\0\0".to_vec();
    png.resize(20_000, 7);
    let mut zip = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0word/document.xml".to_vec();
    zip.resize(20_000, 3);
    for (name, bytes) in [
        ("picture.png.mp4", png),
        ("essay.docx.mp4", zip),
        ("empty.webm", Vec::new()),
        ("text.mp3", "Xin chào các bạn".repeat(400).into_bytes()),
    ] {
        let refused = c.app.upload_media(&an, &entry, bytes, Some(name)).await;
        assert_eq!(refused.status, 415, "{name}: {}", refused.text);
        assert_eq!(refused.code(), "unsupported_media_type");
    }
    // A WebM cut inside its headers is damaged; one cut later plays what it has.
    let webm = fixture("webm_vp8_opus_mediarecorder.webm");
    let refused = c
        .app
        .upload_media(&an, &entry, webm[..200].to_vec(), Some("cut.webm"))
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.code(), "media_malformed");
    assert_clean(&c, 0).await;
    let half = c
        .app
        .upload_media(
            &an,
            &entry,
            webm[..webm.len() / 2].to_vec(),
            Some("half.webm"),
        )
        .await;
    assert_eq!(half.status, 201, "{}", half.text);
    assert!(half.body["duration_ms"].as_i64().expect("ms") < 1000);
    // `../` in the file name is display text only; the key is the server's.
    let named = c
        .app
        .upload_media(&an, &entry, webm.clone(), Some("../../../etc/passwd.webm"))
        .await;
    assert_eq!(named.status, 201, "{}", named.text);
    assert_eq!(named.body["original_name"], "passwd.webm");
    let keys = c.object_keys().await;
    assert_eq!(keys.len(), 1);
    assert!(
        !keys[0].contains("passwd") && !keys[0].contains(".."),
        "{keys:?}"
    );
    assert_clean(&c, 1).await;
}

/// Sends `head` and `body` on a raw connection; reads what comes back unless `hang_up`.
async fn raw_exchange(app: &common::TestApp, head: &str, body: &[u8], hang_up: bool) -> String {
    let address = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stream.write_all(head.as_bytes()).await.expect("head");
    let _ = stream.write_all(body).await;
    if hang_up {
        drop(stream);
        return String::new();
    }
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response).into_owned()
}

async fn oversized_and_interrupted_uploads_leave_nothing_behind(backend: Backend) {
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c.contest_with(json!({"max_bytes": 100_000})).await;
    let an = c.entrant("an").await;
    let entry = c.entry(&an, &contest).await;
    let path = common::path::entry_media(&entry);
    let webm = fixture("webm_vp8_opus_mediarecorder.webm");
    let mut long = webm.clone();
    while long.len() < 150_000 {
        long.extend_from_slice(&webm[200..]);
    }

    // A declared 2 GB body is refused before a byte of it is read.
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: video/webm\r\nContent-Length: 2147483648\r\n\r\n",
        an.access
    );
    let started = Instant::now();
    let response = raw_exchange(&c.app, &head, b"", false).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("payload_too_large"), "{response}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // A chunked body that grows past the limit is cut off with 413. The last chunk's bytes
    // cross the limit exactly where this client stops writing.
    let mut body = Vec::new();
    for piece in [&long[..60_000], &long[60_000..100_001]] {
        body.extend(format!("{:x}\r\n", piece.len()).as_bytes());
        body.extend(piece);
        body.extend(b"\r\n");
    }
    body.truncate(body.len() - 2);
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        an.access
    );
    let response = raw_exchange(&c.app, &head, &body, false).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert_clean(&c, 0).await;

    // Through reqwest too (the body streams, so no Content-Length).
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        long.chunks(10_000).map(|c| Ok(c.to_vec())).collect();
    let refused = c
        .app
        .send(
            c.app
                .upload_request(&an, &entry)
                .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks))),
        )
        .await;
    assert_eq!(refused.status, 413, "{}", refused.text);
    assert_clean(&c, 0).await;

    // A connection dropped mid-body.
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Length: 90000\r\n\r\n",
        an.access
    );
    raw_exchange(&c.app, &head, &long[..40_000], true).await;
    // A client whose body stream fails.
    let failing: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(long[..30_000].to_vec()),
        Err(std::io::Error::other("the phone lost its network")),
    ];
    let result = c
        .app
        .upload_request(&an, &entry)
        .body(reqwest::Body::wrap_stream(futures::stream::iter(failing)))
        .send()
        .await;
    assert!(result.is_err(), "the client gives up");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_clean(&c, 0).await;
    let view = c.app.entry(&an, &entry).await;
    assert!(view.body["media"].is_null(), "{}", view.text);

    // After all that, a good upload still works.
    let ok = c.app.upload_media(&an, &entry, webm, None).await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_clean(&c, 1).await;
}

async fn ranges_etags_and_headers(backend: Backend) {
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c.contest().await;
    let an = c.entrant("an").await;
    let entry = c.entry(&an, &contest).await;
    let uploaded = fixture("mp4_h264_aac.mp4");
    let bytes = as_stored(&uploaded);
    let len = bytes.len();
    let uploaded = c
        .app
        .upload_media(&an, &entry, uploaded, Some("../Quay \"lén\"\r\n.mp4"))
        .await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.text);
    let media = uploaded.body["media_id"].as_str().expect("id").to_owned();
    let get = |range: Option<&str>| {
        let mut request = c.app.media_request(&an, &entry, &media);
        if let Some(range) = range {
            request = request.header("range", range);
        }
        request.send()
    };
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().expect("ascii").to_owned())
    };

    let full = get(None).await.expect("get");
    assert_eq!(full.status(), 200);
    let disposition = header(&full, "content-disposition").expect("disposition");
    assert!(
        disposition.starts_with("inline; filename=\""),
        "{disposition}"
    );
    assert!(
        !disposition.contains('/') && !disposition.contains("\r"),
        "{disposition}"
    );
    // The uploader's name never reaches the download name: it is the server's.
    assert!(
        disposition.starts_with("inline; filename=\"entry-") && !disposition.contains("Quay"),
        "{disposition}"
    );
    let etag = header(&full, "etag").expect("etag");

    let first = get(Some("bytes=0-0")).await.expect("get");
    assert_eq!(first.status(), 206);
    assert_eq!(
        header(&first, "content-range"),
        Some(format!("bytes 0-0/{len}"))
    );
    assert_eq!(header(&first, "content-length"), Some("1".into()));
    assert_eq!(first.bytes().await.expect("body").as_ref(), &bytes[..1]);

    let suffix = get(Some("bytes=-100")).await.expect("get");
    assert_eq!(suffix.status(), 206);
    assert_eq!(
        header(&suffix, "content-range"),
        Some(format!("bytes {}-{}/{len}", len - 100, len - 1))
    );
    assert_eq!(
        suffix.bytes().await.expect("body").as_ref(),
        &bytes[len - 100..]
    );

    let middle = get(Some("bytes=1000-1999")).await.expect("get");
    assert_eq!(middle.status(), 206);
    assert_eq!(
        middle.bytes().await.expect("body").as_ref(),
        &bytes[1000..2000]
    );

    let open = get(Some(&format!("bytes={}-", len - 10)))
        .await
        .expect("get");
    assert_eq!(open.status(), 206);
    assert_eq!(
        open.bytes().await.expect("body").as_ref(),
        &bytes[len - 10..]
    );

    let past = get(Some(&format!("bytes={len}-"))).await.expect("get");
    assert_eq!(past.status(), 416);
    assert_eq!(
        header(&past, "content-range"),
        Some(format!("bytes */{len}"))
    );

    let over = get(Some(&format!("bytes=10-{}", len + 5000)))
        .await
        .expect("get");
    assert_eq!(over.status(), 206);
    assert_eq!(over.bytes().await.expect("body").len(), len - 10);

    // Several ranges: the first is served.
    let several = get(Some("bytes=0-9, 20-29")).await.expect("get");
    assert_eq!(several.status(), 206);
    assert_eq!(several.bytes().await.expect("body").as_ref(), &bytes[..10]);

    // A header we cannot read is ignored.
    let nonsense = get(Some("bytes=abc")).await.expect("get");
    assert_eq!(nonsense.status(), 200);

    let cached = c
        .app
        .media_request(&an, &entry, &media)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("get");
    assert_eq!(cached.status(), 304);
    // If-Range with another tag: the whole file.
    let stale = c
        .app
        .media_request(&an, &entry, &media)
        .header("range", "bytes=0-0")
        .header("if-range", "\"something-else\"")
        .send()
        .await
        .expect("get");
    assert_eq!(stale.status(), 200);
}

async fn who_may_play_a_recording(backend: Backend) {
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c.contest_with(json!({"judges_per_entry": 1})).await;
    let an = c.entrant("an").await;
    let binh = c.entrant("binh").await;
    let judge = c.judge("giam.khao").await;
    let other_judge = c.judge("giam.khao.2").await;
    let entry = c.entry(&an, &contest).await;
    let media = c
        .upload_fixture(&an, &entry, "webm_opus_mediarecorder.webm")
        .await;
    let entry_path = common::path::entry(&entry);
    let media_path = common::path::media(&entry, &media);
    let status = |path: String, token: Option<String>| {
        let app = &c.app;
        async move { app.get(&path, token.as_deref()).await.status }
    };
    // Draft: the owner and organizers only.
    for path in [&entry_path, &media_path] {
        assert_eq!(status(path.clone(), Some(an.access.clone())).await, 200);
        assert_eq!(
            status(path.clone(), Some(c.organizer.access.clone())).await,
            200
        );
        assert_eq!(status(path.clone(), Some(binh.access.clone())).await, 404);
        assert_eq!(status(path.clone(), Some(judge.access.clone())).await, 404);
        assert_eq!(status(path.clone(), None).await, 404);
    }
    // A bad token is refused, not treated as anonymous.
    assert_eq!(
        status(media_path.clone(), Some("garbage".into())).await,
        401
    );
    // Another entry's id with this media id: not found.
    let binh_entry = c.entry(&binh, &contest).await;
    assert_eq!(
        status(
            common::path::media(&binh_entry, &media),
            Some(binh.access.clone())
        )
        .await,
        404
    );
    // Only the owner uploads.
    let intruder = c
        .app
        .upload_media(&binh, &entry, fixture("mp3_cbr.mp3"), None)
        .await;
    assert_eq!(intruder.status, 404);

    assert_eq!(c.app.submit_entry(&an, &entry).await.status, 200);
    // Submitted: still private, and the recording is locked.
    assert_eq!(status(media_path.clone(), None).await, 404);
    let locked = c
        .app
        .upload_media(&an, &entry, fixture("mp3_cbr.mp3"), None)
        .await;
    assert_eq!(locked.status, 409);
    assert_eq!(locked.code(), "already_submitted");

    assert_eq!(c.add_judge(&contest, &judge).await.status, 201);
    assert_eq!(c.moderate(&entry, "approve", "").await.status, 200);
    // Approved: everyone.
    for path in [&entry_path, &media_path] {
        assert_eq!(status(path.clone(), None).await, 200);
        assert_eq!(status(path.clone(), Some(binh.access.clone())).await, 200);
    }
    // Disqualified: the public loses it, the assigned judge keeps it, blind.
    assert_eq!(
        c.moderate(&entry, "disqualify", "Sao chép").await.status,
        200
    );
    for path in [&entry_path, &media_path] {
        assert_eq!(status(path.clone(), None).await, 404);
        assert_eq!(status(path.clone(), Some(binh.access.clone())).await, 404);
        assert_eq!(
            status(path.clone(), Some(other_judge.access.clone())).await,
            404
        );
        assert_eq!(status(path.clone(), Some(judge.access.clone())).await, 200);
    }
    let blind = c.app.entry(&judge, &entry).await;
    assert!(blind.body.get("author").is_none(), "{}", blind.text);
    assert!(blind.body.get("consent").is_none(), "{}", blind.text);
    assert!(!blind.text.contains(&an.user_id) && !blind.text.contains("Bạn an"));
}

async fn the_janitor_removes_orphans(backend: Backend) {
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    // What a crash mid-upload leaves: an object noted in media_uploads, a staging file and
    // (local backend) a half-written multipart file.
    let store = c.app.state.recordings.store.store.clone();
    let key = "contests/x/entries/y/orphan";
    store
        .put(&key.into(), PutPayload::from_static(b"half a recording"))
        .await
        .expect("put");
    sqlx::query(
        "INSERT INTO media_uploads (object_key, entry_id, started_at) VALUES ($1, 'y', $2)",
    )
    .bind(key)
    .bind(c.now())
    .execute(&c.app.state.db.pool)
    .await
    .expect("note the upload");
    let staging = c.app.state.recordings.staging_dir.join(format!(
        "crashed{}",
        civiquiz::contests::upload::STAGING_SUFFIX
    ));
    std::fs::write(&staging, b"partial").expect("staging file");
    let part = c
        .app
        .state
        .recordings
        .store
        .local_root
        .as_ref()
        .map(|root| root.join("contests/x/entries/y/other#1"));
    if let Some(part) = &part {
        std::fs::write(part, b"part").expect("part file");
    }
    // Young leftovers may belong to an upload in progress: kept.
    let swept = civiquiz::contests::janitor::sweep_once(&c.app.state)
        .await
        .expect("sweep");
    assert_eq!(swept, Default::default());
    assert_eq!(c.object_keys().await.len(), 1);

    // Hours later they are orphans.
    let age = c.app.state.config.media.orphan_age + Duration::from_secs(60);
    c.app.clock.advance_ms(age.as_millis() as i64);
    let long_ago = std::time::SystemTime::now() - age;
    // STAGING_DIR may be shared: another program's old file there is not ours to remove.
    let foreign = c.app.state.recordings.staging_dir.join("notes.txt");
    std::fs::write(&foreign, b"not an upload").expect("foreign file");
    for path in [&staging, &foreign].into_iter().chain(part.as_ref()) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .expect("open")
            .set_modified(long_ago)
            .expect("age the file");
    }
    let swept = civiquiz::contests::janitor::sweep_once(&c.app.state)
        .await
        .expect("sweep");
    assert_eq!(swept.objects, 1);
    assert_eq!(swept.staging_files, if part.is_some() { 2 } else { 1 });
    assert!(c.object_keys().await.is_empty());
    assert!(
        foreign.exists(),
        "the janitor removed a file that was not an upload"
    );
    std::fs::remove_file(&foreign).expect("remove");
    assert!(c.leftover_files().is_empty());
    assert_eq!(c.count_rows("media_uploads").await, 0);
}

#[tokio::test]
async fn uploads_follow_the_contest_window() {
    let c = Setup::spawn().await;
    let contest = c
        .contest_with(json!({"closes_at": at(c.now() + 10 * MINUTE)}))
        .await;
    let an = c.entrant("an").await;
    let entry = c.entry(&an, &contest).await;
    c.app.clock.advance_ms(11 * MINUTE);
    let late = c
        .app
        .upload_media(&an, &entry, fixture("mp3_cbr.mp3"), None)
        .await;
    assert_eq!(late.status, 409);
    assert_eq!(late.code(), "contest_closed");
    assert_eq!(
        c.app.submit_entry(&an, &entry).await.code(),
        "contest_closed"
    );
}

#[tokio::test]
async fn an_upload_slower_than_the_orphan_age_is_never_taken_for_an_orphan() {
    let c = Setup::spawn_with(|config| config.media.orphan_age = Duration::from_secs(1)).await;
    let contest = c.contest().await;
    let an = c.entrant("an").await;
    let entry = c.entry(&an, &contest).await;
    let bytes = fixture("wav_pcm16.wav");
    let (head, tail) = bytes.split_at(8192);
    let (head, tail) = (head.to_vec(), tail.to_vec());
    // The first bytes, then nothing for well over the orphan age, then the rest.
    let body = futures::stream::iter([Ok::<_, std::io::Error>(head)]).chain(futures::stream::once(
        async move {
            tokio::time::sleep(Duration::from_millis(2_500)).await;
            Ok(tail)
        },
    ));
    let upload = c.app.send(
        c.app
            .upload_request(&an, &entry)
            .header("content-type", "audio/wav")
            .body(reqwest::Body::wrap_stream(body)),
    );
    let janitor = async {
        tokio::time::sleep(Duration::from_millis(1_800)).await;
        assert_eq!(c.leftover_files().len(), 1, "the upload is staging");
        civiquiz::contests::janitor::sweep_once(&c.app.state)
            .await
            .expect("sweep")
    };
    let (uploaded, swept) = futures::join!(upload, janitor);
    assert_eq!(swept, Default::default());
    assert_eq!(uploaded.status, 201, "{}", uploaded.text);
    assert_clean(&c, 1).await;
}

const LOCATION: &str = "+21.0285+105.8542/";
const AUTHOR: &str = "Nguyễn Văn A";

/// A two-second recording made by ffmpeg with a GPS location, an author and a title, as a
/// phone's camera app tags them.
fn tagged_recording(extension: &str) -> Vec<u8> {
    let path = probe_support::scratch_path(&format!("tagged.{extension}"));
    let mut command = std::process::Command::new("ffmpeg");
    command.args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"]);
    let video = ["mp4", "mov", "webm", "mkv"].contains(&extension);
    if video {
        command.args(["-f", "lavfi", "-i", "testsrc=size=64x48:rate=15:duration=2"]);
    }
    command.args([
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000:duration=2",
    ]);
    command.args(match extension {
        "m4a" => &["-c:a", "aac", "-b:a", "24k"][..],
        "mp3" => &["-c:a", "libmp3lame", "-b:a", "32k", "-write_id3v1", "1"],
        "ogg" => &["-c:a", "libvorbis", "-q:a", "0"],
        "opus" => &["-c:a", "libopus", "-b:a", "12k"],
        "wav" => &["-c:a", "pcm_s16le", "-ar", "8000", "-ac", "1"],
        "webm" | "mkv" => &[
            "-c:v", "libvpx", "-b:v", "30k", "-c:a", "libopus", "-b:a", "12k",
        ],
        _ => &[
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-b:a",
            "24k",
        ],
    });
    command.args([
        "-metadata",
        &format!("location={LOCATION}"),
        "-metadata",
        &format!("artist={AUTHOR}"),
        "-metadata",
        &format!("title=Bài dự thi của {AUTHOR}"),
    ]);
    let output = command.arg(&path).output().expect("run ffmpeg");
    assert!(
        output.status.success(),
        "ffmpeg: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bytes = std::fs::read(&path).expect("generated");
    let _ = std::fs::remove_file(&path);
    bytes
}

/// ffprobe's view of a file: `-show_format -show_streams` as JSON.
fn ffprobe(bytes: &[u8]) -> Value {
    let path = probe_support::write_scratch("ffprobe-input", bytes);
    let output = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_format",
            "-show_streams",
            "-of",
            "json",
        ])
        .arg(&path)
        .output()
        .expect("run ffprobe");
    let _ = std::fs::remove_file(&path);
    assert!(
        output.status.success(),
        "ffprobe: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("ffprobe JSON")
}

/// Every tag ffprobe reports, on the format and on each stream, as `key=value`.
fn tags(probed: &Value) -> Vec<String> {
    let streams = probed["streams"].as_array().cloned().unwrap_or_default();
    std::iter::once(&probed["format"])
        .chain(streams.iter())
        .filter_map(|part| part["tags"].as_object())
        .flat_map(|tags| tags.iter())
        .map(|(key, value)| format!("{}={}", key.to_lowercase(), value.as_str().unwrap_or("")))
        .collect()
}

/// What must not change when tags are removed: the streams' decoding parameters.
fn streams(probed: &Value) -> Vec<Value> {
    const FIELDS: &[&str] = &[
        "index",
        "codec_name",
        "codec_type",
        "profile",
        "width",
        "height",
        "pix_fmt",
        "sample_rate",
        "channels",
        "time_base",
        "r_frame_rate",
        "start_pts",
        "duration_ts",
        "nb_frames",
    ];
    probed["streams"]
        .as_array()
        .expect("streams")
        .iter()
        .map(|stream| {
            FIELDS
                .iter()
                .map(|field| (field.to_string(), stream[field].clone()))
                .collect::<serde_json::Map<_, _>>()
                .into()
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

async fn location_and_author_tags_are_removed_before_storing(backend: Backend) {
    if probe_support::skip_without_ffmpeg() {
        return;
    }
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c.contest().await;
    let an = c.entrant("an").await;
    let entry = c.entry(&an, &contest).await;
    for extension in [
        "m4a", "mp4", "mov", "webm", "mkv", "mp3", "ogg", "opus", "wav",
    ] {
        let sent = tagged_recording(extension);
        let before = ffprobe(&sent);
        let before_tags = tags(&before);
        // WAV's INFO list has no field for a location.
        assert!(
            (extension == "wav" || before_tags.iter().any(|tag| tag.ends_with(LOCATION)))
                && before_tags.iter().any(|tag| tag.contains(AUTHOR)),
            "{extension}: ffmpeg wrote no tags to remove: {before_tags:?}"
        );

        let uploaded = c
            .app
            .upload_media(
                &an,
                &entry,
                sent.clone(),
                Some(&format!("clip.{extension}")),
            )
            .await;
        assert_eq!(uploaded.status, 201, "{extension}: {}", uploaded.text);
        let media = uploaded.body["media_id"].as_str().expect("id");
        let played = c.app.media(&an, &entry, media).await;
        assert_eq!(played.status, 200, "{extension}");
        let stored = played.bytes.clone();

        // Same length, nothing re-encoded; `bytes`, `sha256` and the ETag are the stored
        // object's.
        assert_eq!(stored.len(), sent.len(), "{extension}");
        assert_eq!(uploaded.body["bytes"], sent.len(), "{extension}");
        assert_eq!(uploaded.body["sha256"], sha256_hex(&stored), "{extension}");
        assert_ne!(uploaded.body["sha256"], sha256_hex(&sent), "{extension}");
        assert_eq!(
            played.header("etag"),
            Some(format!("\"{}\"", sha256_hex(&stored)).as_str()),
            "{extension}"
        );
        let ms = uploaded.body["duration_ms"].as_i64().expect("duration");
        assert!((1900..=2200).contains(&ms), "{extension}: {ms} ms");

        let after = ffprobe(&stored);
        let after_tags = tags(&after);
        assert!(
            !after_tags.iter().any(|tag| tag.contains(LOCATION)
                || tag.contains(AUTHOR)
                || tag.contains("Bài dự thi")
                || tag.starts_with("location")
                || tag.starts_with("artist")
                || tag.starts_with("title=")),
            "{extension}: tags left: {after_tags:?}"
        );
        // Gone from the bytes too, not just hidden from players.
        assert!(
            !contains(&stored, LOCATION) && !contains(&stored, AUTHOR),
            "{extension}: the stored bytes still spell the tags"
        );
        assert_eq!(
            after["format"]["duration"], before["format"]["duration"],
            "{extension}"
        );
        assert_eq!(
            after["format"]["nb_streams"], before["format"]["nb_streams"],
            "{extension}"
        );
        assert_eq!(streams(&after), streams(&before), "{extension}");
    }
    assert_clean(&c, 1).await;
}

/// A WAV's head, then `piece` bytes every `every` for up to `for_at_most`.
fn trickle(
    piece: usize,
    every: Duration,
    for_at_most: Duration,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    let head = fixture("wav_pcm16.wav")[..8192].to_vec();
    let pieces = (for_at_most.as_millis() / every.as_millis().max(1)) as usize;
    futures::stream::once(async move { Ok(head) }).chain(futures::stream::iter(0..pieces).then(
        move |_| async move {
            tokio::time::sleep(every).await;
            Ok(vec![0u8; piece])
        },
    ))
}

#[tokio::test]
async fn slow_and_endless_uploads_are_cut_off_with_408() {
    let c = Setup::spawn_with(|config| {
        config.media.upload_min_rate = Some(civiquiz::config::MinRate {
            bytes_per_s: 1024,
            window: Duration::from_secs(2),
        });
        config.media.upload_deadline = Duration::from_secs(6);
    })
    .await;
    let contest = c.contest().await;
    let an = c.entrant("an").await;
    let entry = c.entry(&an, &contest).await;

    // 500 bytes a second: never idle, but under the floor once the first window is over.
    let started = Instant::now();
    let refused = c
        .app
        .send(
            c.app
                .upload_request(&an, &entry)
                .body(reqwest::Body::wrap_stream(trickle(
                    100,
                    Duration::from_millis(200),
                    Duration::from_secs(30),
                ))),
        )
        .await;
    assert_eq!(refused.status, 408, "{}", refused.text);
    assert_eq!(refused.code(), "upload_stalled");
    assert_eq!(refused.body["error"]["details"]["reason"], "too_slow");
    let took = started.elapsed();
    assert!(
        // Not before the first window is over; the upper bound only catches a hang.
        (Duration::from_secs(2)..Duration::from_secs(25)).contains(&took),
        "cut off after {took:?}"
    );
    assert_clean(&c, 0).await;

    // 5 KiB a second, well over the floor, for longer than the deadline.
    let started = Instant::now();
    let refused = c
        .app
        .send(
            c.app
                .upload_request(&an, &entry)
                .body(reqwest::Body::wrap_stream(trickle(
                    1024,
                    Duration::from_millis(200),
                    Duration::from_secs(30),
                ))),
        )
        .await;
    assert_eq!(refused.status, 408, "{}", refused.text);
    assert_eq!(refused.body["error"]["details"]["reason"], "deadline");
    let took = started.elapsed();
    assert!(
        (Duration::from_secs(6)..Duration::from_secs(25)).contains(&took),
        "cut off after {took:?}"
    );
    assert_clean(&c, 0).await;

    // A whole recording sent at once is unaffected.
    let ok = c
        .app
        .upload_media(&an, &entry, fixture("wav_pcm16.wav"), None)
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_clean(&c, 1).await;
}

#[tokio::test]
async fn an_upload_the_disk_has_no_room_for_is_refused_with_507() {
    let staging = tempfile::tempdir().expect("staging dir");
    let staging_dir = staging.path().join("uploads");
    let c = Setup::spawn_with(|config| {
        config.media.staging_dir = Some(staging_dir.clone());
        // More than any disk has.
        config.media.staging_reserve_bytes = u64::MAX / 4;
    })
    .await;
    assert_eq!(c.app.state.recordings.staging_dir, staging_dir);
    let contest = c.contest().await;
    let an = c.entrant("an").await;
    let entry = c.entry(&an, &contest).await;
    // With a declared length, and streamed without one (then the contest's max_bytes counts).
    let refused = c
        .app
        .upload_media(&an, &entry, fixture("mp3_cbr.mp3"), None)
        .await;
    assert_eq!(refused.status, 507, "{}", refused.text);
    assert_eq!(refused.code(), "insufficient_storage");
    let chunks = vec![Ok::<_, std::io::Error>(fixture("mp3_cbr.mp3"))];
    let refused = c
        .app
        .send(
            c.app
                .upload_request(&an, &entry)
                .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks))),
        )
        .await;
    assert_eq!(refused.status, 507, "{}", refused.text);
    assert_clean(&c, 0).await;
    assert_eq!(
        std::fs::read_dir(&staging_dir)
            .expect("staging dir")
            .count(),
        0
    );
    let view = c.app.entry(&an, &entry).await;
    assert!(view.body["media"].is_null(), "{}", view.text);
}

#[tokio::test]
async fn tags_after_mediarecorder_clusters_are_blanked_too() {
    use probe_support::{ebml_element, webm_cluster, webm_head};
    let c = Setup::spawn().await;
    let contest = c.contest().await;
    let an = c.entrant("an").await;
    let entry = c.entry(&an, &contest).await;
    // Unknown-size clusters, as MediaRecorder streams them, then Tags (which ends the last
    // cluster), then one more cluster.
    let simple_tag = [
        ebml_element(0x45A3, b"LOCATION"),
        ebml_element(0x4487, LOCATION.as_bytes()),
    ]
    .concat();
    let tags = ebml_element(
        0x1254_C367,
        &ebml_element(0x7373, &ebml_element(0x67C8, &simple_tag)),
    );
    let mut sent = webm_head("A_OPUS", 2, None);
    sent.extend(webm_cluster(0, 50, 20, 10));
    let tags_at = sent.len();
    sent.extend(&tags);
    sent.extend(webm_cluster(1000, 50, 20, 10));

    let uploaded = c
        .app
        .upload_media(&an, &entry, sent.clone(), Some("mediarecorder.webm"))
        .await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.text);
    let ms = uploaded.body["duration_ms"].as_i64().expect("duration");
    assert!((1950..=2100).contains(&ms), "{ms} ms");
    let media = uploaded.body["media_id"].as_str().expect("id");
    let stored = c.app.media(&an, &entry, media).await.bytes;
    assert_eq!(stored.len(), sent.len());
    assert!(!contains(&stored, LOCATION));
    // A Void with an 8-byte size spans exactly the old Tags; the clusters are untouched.
    assert_eq!(stored[tags_at], 0xEC);
    let size = u64::from_be_bytes(stored[tags_at + 1..tags_at + 9].try_into().expect("8"));
    assert_eq!(size & !(1 << 56), (tags.len() - 9) as u64);
    assert_eq!(stored[..tags_at], sent[..tags_at]);
    assert_eq!(stored[tags_at + tags.len()..], sent[tags_at + tags.len()..]);
}
