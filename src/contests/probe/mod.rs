//! Media probing for contest uploads: which container a recording is (decided by its bytes,
//! never by its name or `Content-Type`), whether it holds video, and how long it plays.
//!
//! The container walkers are written here on purpose instead of using a demuxer crate: we
//! need only the type, the tracks and the duration, and we need them bounded (a [`Budget`] of
//! elements and bytes read), streaming (one small buffer, never the whole file: uploads can be
//! 1 GiB+) and panic-free on hostile input. The pure-Rust crates that report durations are
//! full demuxers or taggers that either do much more than this or miss exactly what browsers
//! record (WebM without a Duration, fragmented MP4 from Safari).
//!
//! The rule for durations: the server rejects recordings that are too long, so a header that
//! understates the length must not win. Where a container has both a declared duration and
//! timestamps or sample tables we can walk, the walked one wins when the two disagree, and
//! otherwise the larger is reported. Parsing never recurses on input-controlled nesting, and
//! every loop advances the read position, so looping or deeply nested structures cannot hang
//! the probe or exhaust the stack.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

mod mp3;
mod mp4;
mod ogg;
mod opus;
mod scrub;
mod sniff;
mod source;
mod wav;
mod webm;

use std::fs::File;
use std::path::Path;

use serde::Serialize;

pub use self::scrub::{Blanked, scrub_file};
use self::source::Source;

/// Whether a recording has pictures: `Video` if any track is video, else `Audio`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Audio,
    Video,
}

/// The container families we accept. `Mp4` covers MP4, M4A, MOV and fragmented MP4 (ISO BMFF
/// and QuickTime); `WebM` covers Matroska too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Container {
    WebM,
    Mp4,
    Ogg,
    Mp3,
    Wav,
}

/// What the server stores about an accepted recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaInfo {
    pub container: Container,
    pub kind: MediaKind,
    /// The type to serve the file with, e.g. `video/webm`, `audio/mp4`, `video/quicktime`.
    pub content_type: &'static str,
    pub duration_ms: u64,
    /// Best effort, in track order, without duplicates: "opus", "vp8", "h264", "aac", …
    pub codecs: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// Not one of the accepted formats (PNG, ZIP, text, …).
    #[error("not a supported audio or video format")]
    Unsupported,
    /// Looks like an accepted format but is broken, truncated or has no usable duration.
    #[error("malformed media: {0}")]
    Malformed(String),
    /// Probing needed more work than the [`Budget`] allows.
    #[error("media too complex to probe")]
    TooComplex,
    /// The file could not be read: a storage problem, not the uploader's fault.
    #[error("could not read the media file")]
    Io(#[from] std::io::Error),
}

/// Caps on the work one probe may do, so hostile input costs bounded time and memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Boxes, elements, pages, frames or samples visited.
    pub max_elements: u64,
    /// Bytes actually read from disk; seeking over payloads is free.
    pub max_read_bytes: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            max_elements: 5_000_000,
            // Enough to walk every frame of a 1 GiB+ MP3 or WebM if the container needs it.
            max_read_bytes: 4 << 30,
        }
    }
}

/// How many leading bytes `probe_file` hands to [`sniff`]: enough for an MP3 sniff to see
/// several frames, still a single small read.
const HEAD_LEN: usize = 4096;

/// Sniffs the container from the first bytes of a file (at least 64; more sharpens MP3).
///
/// A `Some` is a cheap early answer, not a verdict: [`probe_file`] checks the whole structure.
pub fn sniff(head: &[u8]) -> Option<Container> {
    sniff::container(head)
}

/// Opens a file on disk at its start, with its container decided by its first bytes.
fn open_sniffed(path: &Path, budget: &Budget) -> Result<(Source, Container), ProbeError> {
    let mut source = Source::new(File::open(path)?, budget)?;
    let mut head = [0u8; HEAD_LEN];
    let head_len = source.read_some(&mut head)?;
    let container = head
        .get(..head_len)
        .and_then(sniff)
        .ok_or(ProbeError::Unsupported)?;
    source.seek_to(0);
    Ok((source, container))
}

/// Probes a file on disk: decides the type by its bytes and computes the duration from the
/// container itself.
pub fn probe_file(path: &Path, budget: &Budget) -> Result<MediaInfo, ProbeError> {
    let (mut source, container) = open_sniffed(path, budget)?;
    match container {
        Container::WebM => webm::probe(&mut source),
        Container::Mp4 => mp4::probe(&mut source),
        Container::Ogg => ogg::probe(&mut source),
        Container::Mp3 => mp3::probe(&mut source),
        Container::Wav => wav::probe(&mut source),
    }
}

fn malformed(what: &str) -> ProbeError {
    ProbeError::Malformed(what.to_owned())
}

/// Chooses between a duration a header declares and one walked from timestamps or samples.
///
/// A disagreement over 10% means the header is stale or lying, and the walked value is what
/// players show; otherwise the larger wins so that rounding never lets a file in under a limit.
fn reconcile_durations(declared_ms: Option<u64>, walked_ms: Option<u64>) -> Option<u64> {
    let declared_ms = declared_ms.filter(|&ms| ms > 0);
    let walked_ms = walked_ms.filter(|&ms| ms > 0);
    match (declared_ms, walked_ms) {
        (Some(declared), Some(walked)) => {
            let larger = declared.max(walked);
            let gap = declared.abs_diff(walked);
            if gap > larger / 10 {
                Some(walked)
            } else {
                Some(larger)
            }
        }
        (declared, walked) => declared.or(walked),
    }
}

/// `ticks / ticks_per_second` in milliseconds, rounded up (never under-report), saturating.
fn ticks_to_ms(ticks: u64, ticks_per_second: u64) -> Option<u64> {
    if ticks_per_second == 0 {
        return None;
    }
    let ms = u128::from(ticks)
        .saturating_mul(1000)
        .div_ceil(u128::from(ticks_per_second));
    Some(u64::try_from(ms).unwrap_or(u64::MAX))
}

/// The `N` bytes of `bytes` starting at `at`, if they are all there.
fn array_at<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes
        .get(at..at.checked_add(N)?)
        .and_then(|slice| slice.try_into().ok())
}

/// Adds `codec` unless already listed, keeping first-seen order.
fn push_codec(codecs: &mut Vec<String>, codec: &str) {
    if !codecs.iter().any(|known| known == codec) {
        codecs.push(codec.to_owned());
    }
}

#[cfg(test)]
mod tests;
