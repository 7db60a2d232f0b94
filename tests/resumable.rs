//! Resumable uploads (tus 1.0) over real HTTP, on the local backend and on a real
//! S3-compatible server (when TEST_S3_URL and TEST_S3_ENDPOINT are set): several PATCHes on
//! two server processes, a dropped connection resumed from HEAD's offset, checksums, limits,
//! termination, expiry, strangers, racing PATCHes and the hostile files of the one-shot
//! suite. After every refusal: no object, no part, no staging file, no row.

mod common;
#[path = "media_probe/common.rs"]
mod probe_support;

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::contests::{as_stored, fixture, sha256_hex};
use common::fixture::{Backend, Setup};
use common::{Response, Session, TestApp};
use futures::SinkExt;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Digest;

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
    an_upload_in_several_patches_on_two_processes_becomes_the_recording,
    an_interrupted_upload_resumes_from_the_offset,
    a_part_that_fails_its_checksum_is_not_kept,
    creation_and_patches_are_held_to_the_protocol_and_the_contest,
    termination_and_expiry_remove_what_was_received,
    hostile_files_through_tus_leave_nothing_behind,
    two_patches_at_one_offset,
);

/// A tus client for one account.
struct Tus<'a> {
    app: &'a TestApp,
    who: &'a Session,
}

impl<'a> Tus<'a> {
    fn new(app: &'a TestApp, who: &'a Session) -> Self {
        Self { app, who }
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.app
            .request(method, path, Some(&self.who.access))
            .header("tus-resumable", "1.0.0")
    }

    async fn create(&self, entry: &str, length: usize, name: Option<&str>) -> Response {
        let mut request = self
            .request(Method::POST, &format!("/api/v1/entries/{entry}/uploads"))
            .header("upload-length", length.to_string());
        if let Some(name) = name {
            request = request.header(
                "upload-metadata",
                format!(
                    "filename {},filetype YXVkaW8vd2VibQ==",
                    STANDARD.encode(name)
                ),
            );
        }
        self.app.send(request).await
    }

    /// Creates an upload and returns its path (`Location`).
    async fn start(&self, entry: &str, length: usize) -> String {
        let created = self
            .create(entry, length, Some("Bài thi của Lan.webm"))
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        assert_eq!(created.header("tus-resumable"), Some("1.0.0"));
        assert!(created.header("upload-expires").is_some());
        created.header("location").expect("Location").to_owned()
    }

    async fn head(&self, upload: &str) -> Response {
        self.app.send(self.request(Method::HEAD, upload)).await
    }

    async fn offset(&self, upload: &str) -> u64 {
        let head = self.head(upload).await;
        assert_eq!(head.status, 200, "{}", head.text);
        offset_of(&head)
    }

    fn patch_request(&self, upload: &str, offset: u64) -> reqwest::RequestBuilder {
        self.request(Method::PATCH, upload)
            .header("upload-offset", offset.to_string())
            .header("content-type", "application/offset+octet-stream")
    }

    async fn patch(&self, upload: &str, offset: u64, bytes: &[u8]) -> Response {
        self.app
            .send(self.patch_request(upload, offset).body(bytes.to_vec()))
            .await
    }

    async fn patch_checked(
        &self,
        upload: &str,
        offset: u64,
        bytes: &[u8],
        sum: String,
    ) -> Response {
        self.app
            .send(
                self.patch_request(upload, offset)
                    .header("upload-checksum", sum)
                    .body(bytes.to_vec()),
            )
            .await
    }

    /// Sends `bytes` in `pieces` PATCHes; returns the last response.
    async fn send_all(&self, upload: &str, bytes: &[u8], pieces: usize) -> Response {
        let size = bytes.len().div_ceil(pieces);
        let mut last = None;
        for (i, piece) in bytes.chunks(size).enumerate() {
            let sent = self.patch(upload, (i * size) as u64, piece).await;
            last = Some(sent);
        }
        last.expect("at least one piece")
    }
}

/// `who` signed in again, after the manual clock moved past her access token's life.
async fn signed_in_again(c: &Setup, who: &Session) -> Session {
    let login = c.app.login(&who.username, common::PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.text);
    common::session_of(&login)
}

/// Waits until a PATCH holds an upload's lease: its request reached the server.
async fn wait_for_writer(c: &Setup) {
    let started = Instant::now();
    while sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM resumable_uploads WHERE lease IS NOT NULL",
    )
    .fetch_one(&c.app.state.db.pool)
    .await
    .expect("count")
        == 0
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no PATCH is writing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn offset_of(response: &Response) -> u64 {
    response
        .header("upload-offset")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Upload-Offset: {} {}", response.status, response.text))
}

fn sha256_sum(bytes: &[u8]) -> String {
    format!("sha256 {}", STANDARD.encode(sha2::Sha256::digest(bytes)))
}

fn sha1_sum(bytes: &[u8]) -> String {
    format!(
        "sha1 {}",
        STANDARD.encode(<sha1::Sha1 as sha1::Digest>::digest(bytes))
    )
}

/// The recording in the last PATCH's `Civiquiz-Media` header.
fn media_header(response: &Response) -> Value {
    let header = response
        .header("civiquiz-media")
        .unwrap_or_else(|| panic!("no Civiquiz-Media: {} {}", response.status, response.text));
    assert!(header.is_ascii());
    serde_json::from_str(header).expect("JSON")
}

/// Storage and tables hold `recordings` recordings and `uploads` upload rows, and nothing
/// else: no part object or row, no pending object, no staging file.
async fn assert_clean(c: &Setup, recordings: usize, uploads: i64) {
    let started = Instant::now();
    loop {
        let objects = c.object_keys().await;
        let files = c.leftover_files();
        let pending = c.count_rows("media_uploads").await;
        let parts = c.count_rows("resumable_parts").await;
        let rows = c.count_rows("resumable_uploads").await;
        let media = c.count_rows("entry_media").await;
        if objects.len() == recordings
            && files.is_empty()
            && pending == 0
            && parts == 0
            && rows == uploads
            && media == recordings as i64
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "left behind: objects {objects:?}, files {files:?}, {pending} pending, {parts} parts, {rows} uploads, {media} media rows"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A valid recording of about `at_least` bytes: mono 16-bit PCM WAV at 48 kHz, a tone.
fn long_wav(at_least: usize) -> Vec<u8> {
    let samples = at_least.div_ceil(2) as u32;
    let data_len = samples * 2;
    let mut wav = Vec::with_capacity(44 + data_len as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&48_000u32.to_le_bytes());
    wav.extend_from_slice(&96_000u32.to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..samples {
        let sample = ((i as f32 * 440.0 * std::f32::consts::TAU / 48_000.0).sin() * 8000.0) as i16;
        wav.extend_from_slice(&sample.to_le_bytes());
    }
    wav
}

async fn an_upload_in_several_patches_on_two_processes_becomes_the_recording(backend: Backend) {
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c.contest().await;
    let lan = c.entrant("lan").await;
    let entry = c.entry(&lan, &contest).await;
    let bytes = fixture("mp4_h264_aac.mp4");
    let tus = Tus::new(&c.app, &lan);

    let discovered = c
        .app
        .send(c.app.request(Method::OPTIONS, "/api/v1/uploads", None))
        .await;
    assert_eq!(discovered.status, 204, "{}", discovered.text);
    assert_eq!(discovered.header("tus-version"), Some("1.0.0"));
    let extensions = discovered.header("tus-extension").expect("extensions");
    for extension in ["creation", "expiration", "checksum", "termination"] {
        assert!(extensions.contains(extension), "{extensions}");
    }
    assert_eq!(
        discovered.header("tus-checksum-algorithm"),
        Some("sha1,sha256")
    );

    let upload = tus.start(&entry, bytes.len()).await;
    assert!(upload.starts_with("/api/v1/uploads/"), "{upload}");
    let head = tus.head(&upload).await;
    assert_eq!(offset_of(&head), 0);
    assert_eq!(
        head.header("upload-length"),
        Some(bytes.len().to_string().as_str())
    );
    assert_eq!(head.header("cache-control"), Some("no-store"));

    // A second process on the same database and storage takes every other PATCH.
    let dir = tempfile::tempdir().expect("dir");
    let other = TestApp::serve(c.app.config.clone(), dir).await;
    other.clock.set_ms(c.now());
    let there = Tus::new(&other, &lan);
    let third = bytes.len() / 3;
    let (a, b, rest) = (
        &bytes[..third],
        &bytes[third..2 * third],
        &bytes[2 * third..],
    );
    let first = tus.patch_checked(&upload, 0, a, sha256_sum(a)).await;
    assert_eq!(first.status, 204, "{}", first.text);
    assert_eq!(offset_of(&first), third as u64);
    assert!(first.header("civiquiz-media").is_none());
    let second = there
        .patch_checked(&upload, third as u64, b, sha1_sum(b))
        .await;
    assert_eq!(second.status, 204, "{}", second.text);
    assert_eq!(there.offset(&upload).await, 2 * third as u64);
    assert_eq!(c.count_rows("resumable_parts").await, 2);
    let last = tus.patch(&upload, 2 * third as u64, rest).await;
    assert_eq!(last.status, 204, "{}", last.text);
    assert_eq!(offset_of(&last), bytes.len() as u64);

    let media = media_header(&last);
    let stored = as_stored(&bytes);
    assert_eq!(media["content_type"], "video/mp4");
    assert_eq!(media["bytes"], bytes.len());
    assert_eq!(media["sha256"], sha256_hex(&stored));
    assert_eq!(media["original_name"], "Bài thi của Lan.webm");
    let media_id = media["media_id"].as_str().expect("id");
    let view = c.app.entry(&lan, &entry).await;
    assert_eq!(view.body["media"]["media_id"], media_id, "{}", view.text);
    let played = c.app.media(&lan, &entry, media_id).await;
    assert_eq!(played.status, 200);
    assert_eq!(
        played.bytes, stored,
        "the recording is the upload, byte for byte"
    );
    // The outcome can be read back, and the last PATCH repeated, on either process.
    let outcome = c
        .app
        .send(c.app.request(Method::GET, &upload, Some(&lan.access)))
        .await;
    assert_eq!(outcome.status, 200, "{}", outcome.text);
    assert_eq!(outcome.body["offset"], bytes.len());
    assert_eq!(outcome.body["media"]["media_id"], media_id);
    let again = there.patch(&upload, bytes.len() as u64, b"").await;
    assert_eq!(again.status, 204, "{}", again.text);
    assert_eq!(media_header(&again)["media_id"], media_id);
    assert_clean(&c, 1, 1).await;

    // A second upload replaces the recording; the first one's object goes.
    let webm = fixture("webm_opus_mediarecorder.webm");
    let upload = tus.start(&entry, webm.len()).await;
    let done = tus.send_all(&upload, &webm, 4).await;
    assert_eq!(done.status, 204, "{}", done.text);
    assert_eq!(media_header(&done)["content_type"], "audio/webm");
    assert_clean(&c, 1, 2).await;
}

async fn an_interrupted_upload_resumes_from_the_offset(backend: Backend) {
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c.contest().await;
    let lan = c.entrant("lan").await;
    let entry = c.entry(&lan, &contest).await;
    let bytes = long_wav(400_000);
    let tus = Tus::new(&c.app, &lan);
    let upload = tus.start(&entry, bytes.len()).await;

    // The phone loses its network 150 kB into a PATCH of the whole file.
    let sent = 150_000;
    let (mut feed, body) = futures::channel::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let patch = tokio::spawn(
        tus.patch_request(&upload, 0)
            .body(reqwest::Body::wrap_stream(body))
            .send(),
    );
    feed.send(Ok(bytes[..100_000].to_vec()))
        .await
        .expect("feed");
    feed.send(Ok(bytes[100_000..sent].to_vec()))
        .await
        .expect("feed");
    wait_for_writer(&c).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    feed.send(Err(std::io::Error::other("the phone lost its network")))
        .await
        .expect("feed");
    let result = patch.await.expect("task");
    assert!(result.is_err(), "the client gives up");
    // What arrived is kept: the server settles the part once it sees the body cut.
    let started = Instant::now();
    let kept = loop {
        let offset = tus.offset(&upload).await;
        if offset > 0 {
            break offset;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nothing was kept"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(kept <= sent as u64, "{kept}");
    // A resume from the wrong offset is refused and says where to go on.
    let wrong = tus.patch(&upload, 0, &bytes).await;
    assert_eq!(wrong.status, 409, "{}", wrong.text);
    assert_eq!(wrong.code(), "upload_offset_mismatch");
    assert_eq!(wrong.body["error"]["details"]["offset"], kept);
    // Resumed from HEAD's offset, the rest only.
    let done = tus.patch(&upload, kept, &bytes[kept as usize..]).await;
    assert_eq!(done.status, 204, "{}", done.text);
    let media = media_header(&done);
    let stored = as_stored(&bytes);
    assert_eq!(media["sha256"], sha256_hex(&stored));
    let played = c
        .app
        .media(&lan, &entry, media["media_id"].as_str().expect("id"))
        .await;
    assert_eq!(played.bytes, stored);
    assert_clean(&c, 1, 1).await;
}

async fn a_part_that_fails_its_checksum_is_not_kept(backend: Backend) {
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c.contest().await;
    let lan = c.entrant("lan").await;
    let entry = c.entry(&lan, &contest).await;
    let bytes = fixture("webm_opus_mediarecorder.webm");
    let tus = Tus::new(&c.app, &lan);
    let upload = tus.start(&entry, bytes.len()).await;
    let half = bytes.len() / 2;
    let ok = tus
        .patch_checked(&upload, 0, &bytes[..half], sha1_sum(&bytes[..half]))
        .await;
    assert_eq!(ok.status, 204, "{}", ok.text);

    // One flipped bit on the way.
    let mut damaged = bytes[half..].to_vec();
    damaged[10] ^= 0x01;
    let refused = tus
        .patch_checked(&upload, half as u64, &damaged, sha256_sum(&bytes[half..]))
        .await;
    assert_eq!(refused.status, 460, "{}", refused.text);
    assert_eq!(refused.code(), "checksum_mismatch");
    assert_eq!(refused.header("tus-resumable"), Some("1.0.0"));
    assert_eq!(tus.offset(&upload).await, half as u64);
    assert_eq!(c.count_rows("resumable_parts").await, 1);
    // An algorithm we do not offer is a bad request, and nothing moves either.
    let md5 = tus
        .patch_checked(
            &upload,
            half as u64,
            &bytes[half..],
            "md5 AAAAAAAAAAAAAAAAAAAAAA==".into(),
        )
        .await;
    assert_eq!(md5.status, 400, "{}", md5.text);
    assert_eq!(tus.offset(&upload).await, half as u64);

    let done = tus
        .patch_checked(
            &upload,
            half as u64,
            &bytes[half..],
            sha256_sum(&bytes[half..]),
        )
        .await;
    assert_eq!(done.status, 204, "{}", done.text);
    assert_eq!(
        media_header(&done)["sha256"],
        sha256_hex(&as_stored(&bytes))
    );
    assert_clean(&c, 1, 1).await;
}

async fn creation_and_patches_are_held_to_the_protocol_and_the_contest(backend: Backend) {
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c.contest_with(json!({"max_bytes": 100_000})).await;
    let lan = c.entrant("lan").await;
    let entry = c.entry(&lan, &contest).await;
    let tus = Tus::new(&c.app, &lan);

    let too_large = tus.create(&entry, 100_001, None).await;
    assert_eq!(too_large.status, 413, "{}", too_large.text);
    assert_eq!(too_large.code(), "payload_too_large");
    let unversioned = c
        .app
        .send(
            c.app
                .request(
                    Method::POST,
                    &format!("/api/v1/entries/{entry}/uploads"),
                    Some(&lan.access),
                )
                .header("tus-resumable", "0.2.2")
                .header("upload-length", "1000"),
        )
        .await;
    assert_eq!(unversioned.status, 412, "{}", unversioned.text);
    assert_eq!(unversioned.code(), "tus_version_unsupported");
    assert_eq!(unversioned.header("tus-version"), Some("1.0.0"));
    let deferred = c
        .app
        .send(
            tus.request(Method::POST, &format!("/api/v1/entries/{entry}/uploads"))
                .header("upload-defer-length", "1"),
        )
        .await;
    assert_eq!(deferred.status, 400, "{}", deferred.text);
    let negative = c
        .app
        .send(
            tus.request(Method::POST, &format!("/api/v1/entries/{entry}/uploads"))
                .header("upload-length", "-5"),
        )
        .await;
    assert_eq!(negative.status, 400, "{}", negative.text);
    assert_eq!(c.count_rows("resumable_uploads").await, 0);

    let bytes = fixture("webm_opus_mediarecorder.webm");
    let upload = tus.start(&entry, bytes.len()).await;
    // The body's type, the offset header and the length are the protocol's.
    let untyped = c
        .app
        .send(
            tus.request(Method::PATCH, &upload)
                .header("upload-offset", "0")
                .header("content-type", "application/octet-stream")
                .body(bytes.clone()),
        )
        .await;
    assert_eq!(untyped.status, 415, "{}", untyped.text);
    let no_offset = c
        .app
        .send(
            tus.request(Method::PATCH, &upload)
                .header("content-type", "application/offset+octet-stream")
                .body(bytes.clone()),
        )
        .await;
    assert_eq!(no_offset.status, 400, "{}", no_offset.text);
    let mut longer = bytes.clone();
    longer.extend_from_slice(b"and some more");
    let past_the_end = tus.patch(&upload, 0, &longer).await;
    assert_eq!(past_the_end.status, 413, "{}", past_the_end.text);
    assert_eq!(tus.offset(&upload).await, 0);
    assert_clean(&c, 0, 1).await;

    // The contest closes while the upload waits: its next PATCH is refused.
    c.app.clock.advance_ms(61 * common::fixture::MINUTE);
    let lan = signed_in_again(&c, &lan).await;
    let tus = Tus::new(&c.app, &lan);
    let closed = tus.patch(&upload, 0, &bytes).await;
    assert_eq!(closed.status, 409, "{}", closed.text);
    assert_eq!(closed.code(), "contest_closed");
    let late = tus.create(&entry, 1000, None).await;
    assert_eq!(late.code(), "contest_closed", "{}", late.text);
    assert_clean(&c, 0, 1).await;
}

async fn termination_and_expiry_remove_what_was_received(backend: Backend) {
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c.contest().await;
    let lan = c.entrant("lan").await;
    let entry = c.entry(&lan, &contest).await;
    let bytes = long_wav(200_000);
    let tus = Tus::new(&c.app, &lan);

    let upload = tus.start(&entry, bytes.len()).await;
    assert_eq!(tus.patch(&upload, 0, &bytes[..80_000]).await.status, 204);
    assert_eq!(
        tus.patch(&upload, 80_000, &bytes[80_000..120_000])
            .await
            .status,
        204
    );
    assert_eq!(c.object_keys().await.len(), 2, "two parts in storage");
    let ended = c.app.send(tus.request(Method::DELETE, &upload)).await;
    assert_eq!(ended.status, 204, "{}", ended.text);
    assert_eq!(tus.head(&upload).await.status, 404);
    assert_eq!(
        tus.patch(&upload, 120_000, &bytes[120_000..]).await.status,
        404
    );
    assert_clean(&c, 0, 0).await;

    // An upload left waiting expires: gone at once for the client, its parts at the
    // janitor's next pass.
    let upload = tus.start(&entry, bytes.len()).await;
    assert_eq!(tus.patch(&upload, 0, &bytes[..50_000]).await.status, 204);
    let swept = civiquiz::contests::janitor::sweep_once(&c.app.state)
        .await
        .expect("sweep");
    assert_eq!(swept.expired_uploads, 0, "a young upload is kept");
    let expiry = c.app.state.config.media.resumable_expiry.as_millis() as i64;
    c.app.clock.advance_ms(expiry + 1000);
    let lan = signed_in_again(&c, &lan).await;
    let tus = Tus::new(&c.app, &lan);
    assert_eq!(tus.head(&upload).await.status, 404);
    let swept = civiquiz::contests::janitor::sweep_once(&c.app.state)
        .await
        .expect("sweep");
    assert_eq!(swept.expired_uploads, 1);
    assert_clean(&c, 0, 0).await;
}

async fn hostile_files_through_tus_leave_nothing_behind(backend: Backend) {
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c.contest_with(json!({"max_duration_s": 5})).await;
    let lan = c.entrant("lan").await;
    let entry = c.entry(&lan, &contest).await;
    let tus = Tus::new(&c.app, &lan);
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x40\0\0\0\x30\x08\x02\0\0\0".to_vec();
    png.resize(20_000, 7);
    let mut zip = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0word/document.xml".to_vec();
    zip.resize(20_000, 3);
    let tiny_text = b"Xin ch\xc3\xa0o".to_vec();
    for (name, bytes) in [
        ("picture.png", png),
        ("essay.docx", zip),
        ("text.mp3", "Xin chào các bạn".repeat(400).into_bytes()),
        ("hello.txt", tiny_text),
    ] {
        let upload = tus.start(&entry, bytes.len()).await;
        // Refused as soon as the first part shows what it is; the upload is gone.
        let refused = tus.send_all(&upload, &bytes, 1).await;
        assert_eq!(refused.status, 415, "{name}: {}", refused.text);
        assert_eq!(refused.code(), "unsupported_media_type");
        assert_eq!(tus.head(&upload).await.status, 404, "{name}");
        assert_clean(&c, 0, 0).await;
    }
    // A WebM cut inside its headers, in small parts: refused when the last byte arrives.
    let webm = fixture("webm_vp8_opus_mediarecorder.webm");
    let cut = webm[..200].to_vec();
    let upload = tus.start(&entry, cut.len()).await;
    let refused = tus.send_all(&upload, &cut, 3).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.code(), "media_malformed");
    assert_eq!(tus.head(&upload).await.status, 404);
    assert_clean(&c, 0, 0).await;
    // A WebM whose header says 1 s while its clusters run 10 s, on a 5 s contest.
    let mut lying = probe_support::webm_head("A_OPUS", 2, Some(1000.0));
    for second in 0..10 {
        lying.extend(probe_support::webm_cluster(second * 1000, 50, 20, 10));
    }
    let upload = tus.start(&entry, lying.len()).await;
    let refused = tus.send_all(&upload, &lying, 2).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.code(), "media_too_long");
    assert_clean(&c, 0, 0).await;
    // Video on an audio-only contest.
    let audio_only = c.contest_with(json!({"media": ["audio"]})).await;
    let audio_entry = c.entry(&lan, &audio_only).await;
    let upload = tus.start(&audio_entry, webm.len()).await;
    let refused = tus.send_all(&upload, &webm, 2).await;
    assert_eq!(refused.status, 415, "{}", refused.text);
    assert_clean(&c, 0, 0).await;

    // Nobody else can see, resume, read or end her upload, or start one on her entry.
    let upload = tus.start(&entry, webm.len()).await;
    assert_eq!(tus.patch(&upload, 0, &webm[..1000]).await.status, 204);
    let stranger = c.entrant("la").await;
    let them = Tus::new(&c.app, &stranger);
    assert_eq!(them.head(&upload).await.status, 404);
    assert_eq!(them.patch(&upload, 1000, &webm[1000..]).await.status, 404);
    let read = c
        .app
        .send(c.app.request(Method::GET, &upload, Some(&stranger.access)))
        .await;
    assert_eq!(read.status, 404);
    assert_eq!(
        c.app
            .send(them.request(Method::DELETE, &upload))
            .await
            .status,
        404
    );
    assert_eq!(them.create(&entry, 1000, None).await.status, 404);
    let anonymous = c
        .app
        .send(
            c.app
                .request(Method::HEAD, &upload, None)
                .header("tus-resumable", "1.0.0"),
        )
        .await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(tus.offset(&upload).await, 1000, "still hers, untouched");
}

async fn two_patches_at_one_offset(backend: Backend) {
    let Some(c) = Setup::spawn_on(backend).await else {
        return;
    };
    let contest = c.contest().await;
    let lan = c.entrant("lan").await;
    let entry = c.entry(&lan, &contest).await;
    let bytes = long_wav(300_000);
    let tus = Tus::new(&c.app, &lan);
    let upload = tus.start(&entry, bytes.len()).await;

    // One PATCH is streaming (its body fed by hand); another at the same offset loses.
    let (mut feed, body) = futures::channel::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let slow = tus
        .patch_request(&upload, 0)
        .body(reqwest::Body::wrap_stream(body))
        .send();
    let slow = tokio::spawn(slow);
    feed.send(Ok(bytes[..100_000].to_vec()))
        .await
        .expect("feed");
    wait_for_writer(&c).await;
    let loser = tus.patch(&upload, 0, &bytes[..50_000]).await;
    assert_eq!(loser.status, 409, "{}", loser.text);
    assert_eq!(loser.code(), "upload_offset_mismatch");
    feed.send(Ok(bytes[100_000..150_000].to_vec()))
        .await
        .expect("feed");
    drop(feed);
    let winner = slow.await.expect("task").expect("response");
    assert_eq!(winner.status(), 204);
    assert_eq!(tus.offset(&upload).await, 150_000);

    // A PATCH whose phone went quiet keeps its request open on the server; once it has sent
    // nothing for the lease's length, the resumed PATCH takes over, and the quiet one's
    // bytes are dropped when it finally ends.
    let (mut feed, body) = futures::channel::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let quiet = tokio::spawn(
        tus.patch_request(&upload, 150_000)
            .body(reqwest::Body::wrap_stream(body))
            .send(),
    );
    feed.send(Ok(bytes[150_000..160_000].to_vec()))
        .await
        .expect("feed");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refused = tus.patch(&upload, 150_000, &bytes[150_000..]).await;
    assert_eq!(
        refused.status, 409,
        "the lease is still held: {}",
        refused.text
    );
    c.app.clock.advance_ms(16_000);
    let resumed = tus.patch(&upload, 150_000, &bytes[150_000..]).await;
    assert_eq!(resumed.status, 204, "{}", resumed.text);
    media_header(&resumed);
    feed.send(Ok(bytes[160_000..170_000].to_vec()))
        .await
        .expect("feed");
    drop(feed);
    let late = quiet.await.expect("task").expect("response");
    assert_eq!(late.status(), 409);
    let played = c
        .app
        .media(
            &lan,
            &entry,
            media_header(&resumed)["media_id"].as_str().expect("id"),
        )
        .await;
    assert_eq!(played.bytes, as_stored(&bytes));
    assert_clean(&c, 1, 1).await;
}
