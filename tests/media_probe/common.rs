//! Shared test support: fixture recipes (ffmpeg), ffprobe as the reference, scratch files and
//! small byte-level helpers for crafting hostile inputs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use civiquiz::contests::probe::{Budget, Container, MediaInfo, MediaKind, ProbeError, probe_file};

/// How far our duration may be from ffprobe's (roughly one audio packet or video frame).
pub const TOLERANCE_MS: u64 = 100;

/// What a probe of a fixture must report, besides a duration close to ffprobe's.
#[derive(Debug, Clone, Copy)]
pub struct Expect {
    pub container: Container,
    pub kind: MediaKind,
    pub content_type: &'static str,
    pub codecs: &'static [&'static str],
}

/// How one kind of fixture is made. `args` go between the lavfi inputs and the output.
#[derive(Debug, Clone, Copy)]
pub struct Recipe {
    pub name: &'static str,
    pub extension: &'static str,
    pub video: bool,
    pub args: &'static [&'static str],
    /// Rewrite the output like Chrome's/Firefox's MediaRecorder lays out WebM.
    pub mediarecorder_layout: bool,
    /// Audio sample rate and channels of the lavfi source.
    pub audio: &'static str,
    pub expect: Expect,
}

const WEBM_LIVE: &[&str] = &["-f", "webm", "-live", "1", "-cluster_time_limit", "500"];
const FRAGMENTED: &str = "frag_keyframe+empty_moov+default_base_moof";
const STEREO_48K: &str = "sine=frequency=440:sample_rate=48000";
const MONO_8K: &str = "sine=frequency=440:sample_rate=8000";

macro_rules! recipe {
    ($name:literal, $ext:literal, video: $video:literal, [$($arg:expr),* $(,)?], layout: $layout:literal,
     audio: $audio:expr, $container:ident, $kind:ident, $content_type:literal, [$($codec:literal),*]) => {
        Recipe {
            name: $name,
            extension: $ext,
            video: $video,
            args: &[$($arg),*],
            mediarecorder_layout: $layout,
            audio: $audio,
            expect: Expect {
                container: Container::$container,
                kind: MediaKind::$kind,
                content_type: $content_type,
                codecs: &[$($codec),*],
            },
        }
    };
}

pub const RECIPES: &[Recipe] = &[
    recipe!("webm_opus_mediarecorder", "webm", video: false,
        ["-c:a", "libopus", "-b:a", "12k", "-f", "webm", "-live", "1", "-cluster_time_limit", "500"],
        layout: true, audio: STEREO_48K, WebM, Audio, "audio/webm", ["opus"]),
    recipe!("webm_vp8_opus_mediarecorder", "webm", video: true,
        ["-c:v", "libvpx", "-b:v", "30k", "-c:a", "libopus", "-b:a", "12k",
         "-f", "webm", "-live", "1", "-cluster_time_limit", "500"],
        layout: true, audio: STEREO_48K, WebM, Video, "video/webm", ["vp8", "opus"]),
    recipe!("webm_vp9_opus", "webm", video: true,
        ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "30k",
         "-c:a", "libopus", "-b:a", "12k", "-f", "webm"],
        layout: false, audio: STEREO_48K, WebM, Video, "video/webm", ["vp9", "opus"]),
    recipe!("webm_vorbis", "webm", video: false,
        ["-c:a", "libvorbis", "-q:a", "0", "-f", "webm"],
        layout: false, audio: STEREO_48K, WebM, Audio, "audio/webm", ["vorbis"]),
    recipe!("mkv_h264_aac", "mkv", video: true,
        ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "24k", "-f", "matroska"],
        layout: false, audio: STEREO_48K, WebM, Video, "video/x-matroska", ["h264", "aac"]),
    recipe!("mp4_h264_aac", "mp4", video: true,
        ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "24k", "-f", "mp4"],
        layout: false, audio: STEREO_48K, Mp4, Video, "video/mp4", ["h264", "aac"]),
    recipe!("m4a_aac", "m4a", video: false,
        ["-c:a", "aac", "-b:a", "24k", "-f", "mp4"],
        layout: false, audio: STEREO_48K, Mp4, Audio, "audio/mp4", ["aac"]),
    recipe!("mp4_fragmented_h264_aac", "mp4", video: true,
        ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "24k",
         "-movflags", FRAGMENTED, "-f", "mp4"],
        layout: false, audio: STEREO_48K, Mp4, Video, "video/mp4", ["h264", "aac"]),
    recipe!("m4a_fragmented_aac", "m4a", video: false,
        ["-c:a", "aac", "-b:a", "24k", "-movflags", FRAGMENTED, "-frag_duration", "500000", "-f", "mp4"],
        layout: false, audio: STEREO_48K, Mp4, Audio, "audio/mp4", ["aac"]),
    recipe!("mp4_fragmented_opus", "mp4", video: false,
        ["-c:a", "libopus", "-b:a", "12k", "-movflags", FRAGMENTED, "-frag_duration", "500000", "-f", "mp4"],
        layout: false, audio: STEREO_48K, Mp4, Audio, "audio/mp4", ["opus"]),
    recipe!("mov_h264_aac", "mov", video: true,
        ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "24k", "-f", "mov"],
        layout: false, audio: STEREO_48K, Mp4, Video, "video/quicktime", ["h264", "aac"]),
    recipe!("ogg_opus", "opus", video: false,
        ["-c:a", "libopus", "-b:a", "12k", "-f", "ogg"],
        layout: false, audio: STEREO_48K, Ogg, Audio, "audio/ogg", ["opus"]),
    recipe!("ogg_vorbis", "ogg", video: false,
        ["-c:a", "libvorbis", "-q:a", "0", "-f", "ogg"],
        layout: false, audio: STEREO_48K, Ogg, Audio, "audio/ogg", ["vorbis"]),
    recipe!("mp3_cbr", "mp3", video: false,
        ["-c:a", "libmp3lame", "-b:a", "32k", "-f", "mp3"],
        layout: false, audio: STEREO_48K, Mp3, Audio, "audio/mpeg", ["mp3"]),
    recipe!("mp3_cbr_no_tags", "mp3", video: false,
        ["-c:a", "libmp3lame", "-b:a", "32k", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3"],
        layout: false, audio: STEREO_48K, Mp3, Audio, "audio/mpeg", ["mp3"]),
    recipe!("mp3_vbr_xing", "mp3", video: false,
        ["-c:a", "libmp3lame", "-q:a", "7", "-f", "mp3"],
        layout: false, audio: STEREO_48K, Mp3, Audio, "audio/mpeg", ["mp3"]),
    recipe!("mp2_layer2", "mp2", video: false,
        ["-c:a", "mp2", "-b:a", "64k", "-f", "mp2"],
        layout: false, audio: STEREO_48K, Mp3, Audio, "audio/mpeg", ["mp2"]),
    recipe!("wav_pcm16", "wav", video: false,
        ["-c:a", "pcm_s16le", "-ac", "1", "-f", "wav"],
        layout: false, audio: MONO_8K, Wav, Audio, "audio/wav", ["pcm"]),
    recipe!("wav_rf64", "wav", video: false,
        ["-c:a", "pcm_s16le", "-ac", "1", "-rf64", "always", "-f", "wav"],
        layout: false, audio: MONO_8K, Wav, Audio, "audio/wav", ["pcm"]),
];

/// The fixtures also committed under `tests/fixtures/media/` (as 1-second clips).
pub const COMMITTED: &[&str] = &[
    "webm_opus_mediarecorder",
    "webm_vp8_opus_mediarecorder",
    "mp4_h264_aac",
    "m4a_aac",
    "mp4_fragmented_h264_aac",
    "mov_h264_aac",
    "ogg_opus",
    "ogg_vorbis",
    "mp3_cbr",
    "mp3_vbr_xing",
    "wav_pcm16",
];

pub fn recipe(name: &str) -> &'static Recipe {
    RECIPES
        .iter()
        .find(|recipe| recipe.name == name)
        .unwrap_or_else(|| panic!("no recipe named {name}"))
}

pub fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/media")
}

pub fn committed_path(name: &str) -> PathBuf {
    committed_dir().join(format!("{name}.{}", recipe(name).extension))
}

/// A fresh directory under the target dir for files this test run makes.
pub fn scratch_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("probe-tests");
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// A scratch file path unique within this test process.
pub fn scratch_path(tag: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    scratch_dir().join(format!("{}-{id}-{tag}", std::process::id()))
}

pub fn write_scratch(tag: &str, bytes: &[u8]) -> PathBuf {
    let path = scratch_path(tag);
    std::fs::write(&path, bytes).expect("write scratch file");
    path
}

pub fn probe_bytes(tag: &str, bytes: &[u8]) -> Result<MediaInfo, ProbeError> {
    let path = write_scratch(tag, bytes);
    let result = probe_file(&path, &Budget::default());
    let _ = std::fs::remove_file(&path);
    result
}

/// Fails loudly, never silently skips, when a tool the test needs is missing.
pub fn require_tool(tool: &str) {
    let found = Command::new(tool)
        .arg("-version")
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        found,
        "`{tool}` is required to generate media fixtures but was not found on PATH; \
         install it (e.g. `apt-get install -y ffmpeg`)"
    );
}

fn run(command: &mut Command) -> Vec<u8> {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("running {command:?}: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Makes `recipe` as a `seconds`-long clip at `path`.
pub fn generate(recipe: &Recipe, seconds: f64, path: &Path) {
    require_tool("ffmpeg");
    let mut command = Command::new("ffmpeg");
    command.args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"]);
    if recipe.video {
        command.args([
            "-f",
            "lavfi",
            "-i",
            &format!("testsrc=size=64x48:rate=15:duration={seconds}"),
        ]);
    }
    command.args([
        "-f",
        "lavfi",
        "-i",
        &format!("{}:duration={seconds}", recipe.audio),
    ]);
    command.args(["-map_metadata", "-1", "-fflags", "+bitexact"]);
    command.args(recipe.args);
    if recipe.mediarecorder_layout {
        // Piping makes ffmpeg's WebM muxer leave the sizes it would seek back to unknown.
        let bytes = run(command.arg("pipe:1"));
        std::fs::write(path, mediarecorder_layout(&bytes)).expect("write fixture");
    } else {
        run(command.arg(path));
    }
}

/// Makes `recipe` in the scratch dir and returns its path.
pub fn generate_scratch(recipe: &Recipe, seconds: f64) -> PathBuf {
    let path = scratch_path(&format!("{}-{seconds}s.{}", recipe.name, recipe.extension));
    generate(recipe, seconds, &path);
    path
}

/// ffprobe's container duration in ms, or, when the container declares none (live WebM),
/// the span of its packets: the last packet's end minus the first packet's start.
pub fn ffprobe_duration_ms(path: &Path) -> u64 {
    require_tool("ffprobe");
    let format = run(Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
        ])
        .arg(path));
    if let Ok(seconds) = String::from_utf8_lossy(&format).trim().parse::<f64>() {
        return (seconds * 1000.0).round() as u64;
    }
    packet_span_ms(path)
}

/// The span of the packets, ignoring any declared duration.
pub fn packet_span_ms(path: &Path) -> u64 {
    let packets = run(Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "packet=pts_time,duration_time",
            "-of",
            "csv=p=0",
        ])
        .arg(path));
    let mut first = f64::INFINITY;
    let mut last_end = f64::NEG_INFINITY;
    for line in String::from_utf8_lossy(&packets).lines() {
        let mut fields = line.split(',');
        let (Some(Ok(pts)), duration) = (fields.next().map(str::parse::<f64>), fields.next())
        else {
            continue;
        };
        let duration = duration
            .and_then(|value| value.parse::<f64>().ok())
            .unwrap_or(0.0);
        first = first.min(pts);
        last_end = last_end.max(pts + duration);
    }
    assert!(
        first.is_finite(),
        "ffprobe found no packets in {}",
        path.display()
    );
    ((last_end - first) * 1000.0).round() as u64
}

/// Whether ffprobe sees a declared duration in the container.
pub fn ffprobe_has_container_duration(path: &Path) -> bool {
    let format = run(Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
        ])
        .arg(path));
    String::from_utf8_lossy(&format)
        .trim()
        .parse::<f64>()
        .is_ok()
}

pub fn assert_matches(info: &MediaInfo, expect: &Expect, reference_ms: u64, what: &str) {
    assert_eq!(info.container, expect.container, "{what}: container");
    assert_eq!(info.kind, expect.kind, "{what}: kind");
    assert_eq!(
        info.content_type, expect.content_type,
        "{what}: content type"
    );
    assert_eq!(info.codecs, expect.codecs, "{what}: codecs");
    assert!(
        info.duration_ms.abs_diff(reference_ms) <= TOLERANCE_MS,
        "{what}: probed {} ms, ffprobe says {reference_ms} ms",
        info.duration_ms
    );
}

// --- EBML helpers -------------------------------------------------------------------------

/// Reads an EBML vint at `at`: (value with marker cleared, raw with marker, length).
pub fn ebml_vint(bytes: &[u8], at: usize) -> (u64, u64, usize) {
    let first = bytes[at];
    let len = first.leading_zeros() as usize + 1;
    let mut raw = 0u64;
    for byte in &bytes[at..at + len] {
        raw = (raw << 8) | u64::from(*byte);
    }
    let mask = (1u64 << (7 * len)) - 1;
    (raw & mask, raw, len)
}

/// Rewrites a WebM the way MediaRecorder writes it: the Segment and every Cluster get the
/// "unknown" size (0x01FFFFFFFFFFFFFF). Assumes nothing after the first Cluster is referenced
/// by offset (true for ffmpeg's `-live 1` output: no Cues).
pub fn mediarecorder_layout(webm: &[u8]) -> Vec<u8> {
    const UNKNOWN: [u8; 8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
    let mut out = Vec::with_capacity(webm.len() + 1024);
    // EBML header, copied as is.
    let (_, _, id_len) = ebml_vint(webm, 0);
    let (size, _, size_len) = ebml_vint(webm, id_len);
    let header_end = id_len + size_len + size as usize;
    out.extend_from_slice(&webm[..header_end]);
    // Segment header with unknown size.
    let (segment_id, _, id_len) = ebml_vint(webm, header_end);
    assert_eq!(
        segment_id, 0x0853_8067,
        "expected a Segment after the EBML header"
    );
    let (_, _, size_len) = ebml_vint(webm, header_end + id_len);
    out.extend_from_slice(&webm[header_end..header_end + id_len]);
    out.extend_from_slice(&UNKNOWN);
    let mut at = header_end + id_len + size_len;
    while at < webm.len() {
        let (_, id, id_len) = ebml_vint(webm, at);
        let (size, _, size_len) = ebml_vint(webm, at + id_len);
        let data = at + id_len + size_len;
        let end = (data + size as usize).min(webm.len());
        out.extend_from_slice(&webm[at..at + id_len]);
        if id == 0x1F43_B675 {
            out.extend_from_slice(&UNKNOWN);
        } else {
            out.extend_from_slice(&webm[at + id_len..data]);
        }
        out.extend_from_slice(&webm[data..end]);
        at = end;
    }
    out
}

/// Offset of the first occurrence of `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

// --- Synthetic WebM, for hostile and large inputs -----------------------------------------

pub const UNKNOWN_SIZE: [u8; 8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

fn ebml_id(id: u32) -> Vec<u8> {
    id.to_be_bytes()
        .into_iter()
        .skip_while(|&byte| byte == 0)
        .collect()
}

/// An element with an 8-byte size field.
pub fn ebml_element(id: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = ebml_id(id);
    let size = payload.len() as u64 | (1 << 56);
    out.extend_from_slice(&size.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

pub fn ebml_unknown_size(id: u32) -> Vec<u8> {
    let mut out = ebml_id(id);
    out.extend_from_slice(&UNKNOWN_SIZE);
    out
}

pub fn ebml_uint(id: u32, value: u64) -> Vec<u8> {
    ebml_element(id, &value.to_be_bytes())
}

/// EBML header, unknown-size Segment, Info (1 ms ticks, optional Duration) and one track.
pub fn webm_head(codec_id: &str, track_type: u64, declared_ms: Option<f64>) -> Vec<u8> {
    let mut out = ebml_element(0x1A45_DFA3, &ebml_element(0x4282, b"webm"));
    out.extend(ebml_unknown_size(0x1853_8067));
    let mut info = ebml_uint(0x2A_D7B1, 1_000_000);
    if let Some(ms) = declared_ms {
        info.extend(ebml_element(0x4489, &ms.to_be_bytes()));
    }
    out.extend(ebml_element(0x1549_A966, &info));
    let entry = [
        ebml_uint(0xD7, 1),
        ebml_uint(0x83, track_type),
        ebml_element(0x86, codec_id.as_bytes()),
    ]
    .concat();
    out.extend(ebml_element(0x1654_AE6B, &ebml_element(0xAE, &entry)));
    out
}

pub fn webm_simple_block(relative_ms: i16, payload_len: usize) -> Vec<u8> {
    let mut block = vec![0x81];
    block.extend_from_slice(&relative_ms.to_be_bytes());
    block.push(0x80);
    block.resize(block.len() + payload_len, 0);
    ebml_element(0xA3, &block)
}

/// An unknown-size cluster at `timecode_ms` with blocks every `step_ms`.
pub fn webm_cluster(timecode_ms: u64, blocks: usize, step_ms: i16, payload_len: usize) -> Vec<u8> {
    let mut out = ebml_unknown_size(0x1F43_B675);
    out.extend(ebml_uint(0xE7, timecode_ms));
    for index in 0..blocks {
        out.extend(webm_simple_block(
            step_ms.wrapping_mul(index as i16),
            payload_len,
        ));
    }
    out
}

// --- Synthetic ISO BMFF and MPEG audio ----------------------------------------------------

pub fn mp4_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend(kind);
    out.extend(payload);
    out
}

pub fn mp4_full_box(kind: &[u8; 4], version: u8, flags: u32, payload: &[u8]) -> Vec<u8> {
    let mut body = ((u32::from(version) << 24) | flags).to_be_bytes().to_vec();
    body.extend(payload);
    mp4_box(kind, &body)
}

/// A `moov` for one AAC track (id 1) at 48 kHz whose samples all live in fragments.
/// `fragment_duration_ms` adds an `mehd`; `default_duration` goes in `trex`.
pub fn fragmented_moov(fragment_duration_ms: Option<u32>, default_duration: u32) -> Vec<u8> {
    let be = |value: u32| value.to_be_bytes();
    let mvhd = mp4_full_box(
        b"mvhd",
        0,
        0,
        &[[0u8; 8].as_slice(), &be(1000), &be(0), &[0u8; 80]].concat(),
    );
    let tkhd = mp4_full_box(
        b"tkhd",
        0,
        3,
        &[[0u8; 8].as_slice(), &be(1), &[0u8; 4], &be(0), &[0u8; 60]].concat(),
    );
    let mdhd = mp4_full_box(
        b"mdhd",
        0,
        0,
        &[[0u8; 8].as_slice(), &be(48_000), &be(0), &[0u8; 4]].concat(),
    );
    let hdlr = mp4_full_box(
        b"hdlr",
        0,
        0,
        &[[0u8; 4].as_slice(), b"soun", &[0u8; 13]].concat(),
    );
    let stsd = mp4_full_box(
        b"stsd",
        0,
        0,
        &[be(1).as_slice(), &mp4_box(b"mp4a", &[0u8; 28])].concat(),
    );
    let stts = mp4_full_box(b"stts", 0, 0, &be(0));
    let stbl = mp4_box(b"stbl", &[stsd, stts].concat());
    let minf = mp4_box(b"minf", &stbl);
    let mdia = mp4_box(b"mdia", &[mdhd, hdlr, minf].concat());
    let trak = mp4_box(b"trak", &[tkhd, mdia].concat());
    let mut mvex = Vec::new();
    if let Some(ms) = fragment_duration_ms {
        mvex.extend(mp4_full_box(b"mehd", 0, 0, &be(ms)));
    }
    mvex.extend(mp4_full_box(
        b"trex",
        0,
        0,
        &[be(1), be(1), be(default_duration), be(0), be(0)].concat(),
    ));
    let mvex = mp4_box(b"mvex", &mvex);
    [
        mp4_box(b"ftyp", b"iso5\x00\x00\x02\x00iso5dash"),
        mp4_box(b"moov", &[mvhd, trak, mvex].concat()),
    ]
    .concat()
}

/// One fragment of track 1: `tfhd` (with an optional default duration), optional `tfdt`, and
/// a `trun` with `samples` samples (per-sample durations if given), then a tiny `mdat`.
pub fn fragment(
    tfhd_default: Option<u32>,
    decode_time: Option<u64>,
    samples: u32,
    durations: Option<&[u32]>,
) -> Vec<u8> {
    let mut tfhd_payload = 1u32.to_be_bytes().to_vec();
    let mut tfhd_flags = 0x02_0000; // default-base-is-moof
    if let Some(duration) = tfhd_default {
        tfhd_flags |= 0x08;
        tfhd_payload.extend(duration.to_be_bytes());
    }
    let mut traf = mp4_full_box(b"tfhd", 0, tfhd_flags, &tfhd_payload);
    if let Some(time) = decode_time {
        traf.extend(mp4_full_box(b"tfdt", 1, 0, &time.to_be_bytes()));
    }
    let mut trun = samples.to_be_bytes().to_vec();
    let trun_flags = match durations {
        Some(durations) => {
            for duration in durations {
                trun.extend(duration.to_be_bytes());
            }
            0x100
        }
        None => 0,
    };
    traf.extend(mp4_full_box(b"trun", 0, trun_flags, &trun));
    [
        mp4_box(b"moof", &mp4_box(b"traf", &traf)),
        mp4_box(b"mdat", &[0u8; 16]),
    ]
    .concat()
}

/// A valid MPEG-1 Layer III header: 128 kbit/s, 44.1 kHz, joint stereo.
pub const MP3_HEADER: [u8; 4] = [0xFF, 0xFB, 0x90, 0x64];

/// `count` silent 417-byte frames (the header above, no padding).
pub fn mp3_frames(count: usize) -> Vec<u8> {
    let mut frame = MP3_HEADER.to_vec();
    frame.resize(417, 0);
    frame.repeat(count)
}

// --- Ogg pages ----------------------------------------------------------------------------

/// Offsets of the Ogg pages in `bytes` (assumes a well-formed file).
pub fn ogg_pages(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut pages = Vec::new();
    let mut at = 0;
    while at + 27 <= bytes.len() && &bytes[at..at + 4] == b"OggS" {
        let segments = bytes[at + 26] as usize;
        let body: usize = bytes[at + 27..at + 27 + segments]
            .iter()
            .map(|&lace| lace as usize)
            .sum();
        let len = 27 + segments + body;
        pages.push((at, len));
        at += len;
    }
    pages
}

/// Recomputes the checksum of the page at `page` (of `len` bytes) after an edit.
pub fn ogg_fix_crc(bytes: &mut [u8], page: usize, len: usize) {
    bytes[page + 22..page + 26].fill(0);
    let mut crc = 0u32;
    for &byte in &bytes[page..page + len] {
        crc ^= u32::from(byte) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04C1_1DB7
            } else {
                crc << 1
            };
        }
    }
    bytes[page + 22..page + 26].copy_from_slice(&crc.to_le_bytes());
}

/// Media tests made by ffmpeg run wherever it is installed, and must run in CI (`CI` set, as
/// `.ci/run` is run); on a fresh machine without ffmpeg they are skipped with a note, so that
/// `cargo test` passes with only a Rust toolchain.
pub fn skip_without_ffmpeg() -> bool {
    let found = ["ffmpeg", "ffprobe"].iter().all(|tool| {
        std::process::Command::new(tool)
            .arg("-version")
            .output()
            .is_ok_and(|output| output.status.success())
    });
    if found {
        return false;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "ffmpeg/ffprobe are required in CI: install ffmpeg"
    );
    eprintln!("skipped: ffmpeg/ffprobe are not on PATH (CI installs them)");
    true
}
