//! MPEG audio (MP3, and layers I/II, which share the frame header).
//!
//! Duration comes from a Xing/Info or VBRI header when one exists and is physically
//! plausible; otherwise from walking every frame header (seeking over the payloads). A file is
//! only accepted once three consecutive frames chain correctly, so a stray `0xFFE` sync in a
//! random binary does not make it an MP3.

use super::source::Source;
use super::{Container, MediaInfo, MediaKind, ProbeError, array_at, malformed, ticks_to_ms};

/// Consecutive, chained frames required before we believe a byte stream is MPEG audio.
const FRAMES_TO_ACCEPT: u32 = 3;
/// How far past the ID3 tag we look for the first frame (some taggers leave junk or padding).
const FIRST_FRAME_SEARCH: u64 = 64 * 1024;
/// ID3v2 tags stacked back to back that we are willing to skip.
pub(super) const MAX_ID3_TAGS: u32 = 4;
/// Enough of the first frame to see a Xing/Info (offset ≤ 36) or VBRI (offset 36) header.
const VBR_HEADER_PEEK: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    Mpeg1,
    Mpeg2,
    Mpeg25,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    L1,
    L2,
    L3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FrameHeader {
    version: Version,
    layer: Layer,
    sample_rate: u32,
    mono: bool,
    frame_len: u32,
    samples: u32,
}

// Bitrates in kbit/s by bitrate index; index 0 ("free format") and 15 are rejected.
const BITRATES_V1_L1: [u32; 15] = [
    0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
];
const BITRATES_V1_L2: [u32; 15] = [
    0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
];
const BITRATES_V1_L3: [u32; 15] = [
    0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
];
const BITRATES_V2_L1: [u32; 15] = [
    0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
];
const BITRATES_V2_L23: [u32; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

impl FrameHeader {
    fn parse(bytes: [u8; 4]) -> Option<Self> {
        let [sync, b1, b2, b3] = bytes;
        if sync != 0xFF || b1 & 0xE0 != 0xE0 {
            return None;
        }
        let version = match (b1 >> 3) & 0b11 {
            0 => Version::Mpeg25,
            2 => Version::Mpeg2,
            3 => Version::Mpeg1,
            _ => return None,
        };
        let layer = match (b1 >> 1) & 0b11 {
            1 => Layer::L3,
            2 => Layer::L2,
            3 => Layer::L1,
            _ => return None,
        };
        // Emphasis 2 is reserved; rejecting it makes false syncs in random data rarer.
        if b3 & 0b11 == 2 {
            return None;
        }
        let table = match (version, layer) {
            (Version::Mpeg1, Layer::L1) => &BITRATES_V1_L1,
            (Version::Mpeg1, Layer::L2) => &BITRATES_V1_L2,
            (Version::Mpeg1, Layer::L3) => &BITRATES_V1_L3,
            (_, Layer::L1) => &BITRATES_V2_L1,
            (_, _) => &BITRATES_V2_L23,
        };
        let bitrate_kbps = *table.get(usize::from(b2 >> 4))?;
        if bitrate_kbps == 0 {
            return None;
        }
        let base_rate = match (b2 >> 2) & 0b11 {
            0 => 44_100,
            1 => 48_000,
            2 => 32_000,
            _ => return None,
        };
        let sample_rate = match version {
            Version::Mpeg1 => base_rate,
            Version::Mpeg2 => base_rate / 2,
            Version::Mpeg25 => base_rate / 4,
        };
        let padding = u32::from((b2 >> 1) & 1);
        let bitrate = bitrate_kbps.checked_mul(1000)?;
        let (samples, frame_len) = match (version, layer) {
            (_, Layer::L1) => (
                384,
                bitrate
                    .checked_mul(12)?
                    .checked_div(sample_rate)?
                    .checked_add(padding)?
                    .checked_mul(4)?,
            ),
            (Version::Mpeg1, _) | (_, Layer::L2) => (
                1152,
                bitrate
                    .checked_mul(144)?
                    .checked_div(sample_rate)?
                    .checked_add(padding)?,
            ),
            (_, Layer::L3) => (
                576,
                bitrate
                    .checked_mul(72)?
                    .checked_div(sample_rate)?
                    .checked_add(padding)?,
            ),
        };
        Some(Self {
            version,
            layer,
            sample_rate,
            mono: b3 >> 6 == 0b11,
            frame_len,
            samples,
        })
    }

    /// Frames of one stream keep version, layer and sample rate.
    fn continues(&self, next: &Self) -> bool {
        self.version == next.version
            && self.layer == next.layer
            && self.sample_rate == next.sample_rate
    }

    fn codec(&self) -> &'static str {
        match self.layer {
            Layer::L1 => "mp1",
            Layer::L2 => "mp2",
            Layer::L3 => "mp3",
        }
    }

    /// The highest bitrate this version and layer can carry, in bit/s.
    fn max_bitrate(&self) -> u64 {
        match (self.version, self.layer) {
            (Version::Mpeg1, Layer::L1) => 448_000,
            (Version::Mpeg1, Layer::L2) => 384_000,
            (Version::Mpeg1, Layer::L3) => 320_000,
            (_, Layer::L1) => 256_000,
            (_, _) => 160_000,
        }
    }

    /// Where a Xing/Info header sits: right after the side information.
    fn xing_offset(&self) -> usize {
        match (self.version, self.mono) {
            (Version::Mpeg1, false) => 4 + 32,
            (Version::Mpeg1, true) | (_, false) => 4 + 17,
            (_, true) => 4 + 9,
        }
    }
}

/// Whether `head` starts like an MP3: an ID3v2 tag, or frames that chain as far as `head` goes.
pub(super) fn sniff(head: &[u8]) -> bool {
    if id3_tag_len(head).is_some() {
        return true;
    }
    let Some(first) = array_at::<4>(head, 0).and_then(FrameHeader::parse) else {
        return false;
    };
    let mut at = 0usize;
    let mut frame = first;
    loop {
        let Some(next_at) = usize::try_from(frame.frame_len)
            .ok()
            .and_then(|len| at.checked_add(len))
        else {
            return false;
        };
        let Some(bytes) = array_at::<4>(head, next_at) else {
            return true;
        };
        match FrameHeader::parse(bytes) {
            Some(next) if first.continues(&next) => {
                at = next_at;
                frame = next;
            }
            _ => return false,
        }
    }
}

/// Total length of an ID3v2 tag starting at `bytes[0]`, header (and footer) included.
pub(super) fn id3_tag_len(bytes: &[u8]) -> Option<u64> {
    let header = array_at::<10>(bytes, 0)?;
    let [i, d, three, major, minor, flags, s0, s1, s2, s3] = header;
    if [i, d, three] != *b"ID3" || major == 0xFF || minor == 0xFF {
        return None;
    }
    if [s0, s1, s2, s3].iter().any(|&byte| byte & 0x80 != 0) {
        return None;
    }
    // Syncsafe: 7 bits per byte.
    let body = [s0, s1, s2, s3]
        .iter()
        .fold(0u64, |size, &byte| (size << 7) | u64::from(byte));
    let footer = if flags & 0x10 != 0 { 10 } else { 0 };
    Some(body.saturating_add(10).saturating_add(footer))
}

pub(super) fn probe(source: &mut Source) -> Result<MediaInfo, ProbeError> {
    let had_id3 = skip_id3_tags(source)?;
    let Some((start, first)) = find_first_frame(source, had_id3)? else {
        return Err(if had_id3 {
            malformed("no MPEG audio frames after the ID3 tag")
        } else {
            ProbeError::Unsupported
        });
    };
    let vbr_frames = read_vbr_frame_count(source, start, &first)?;
    let total_samples = match vbr_frames.filter(|&frames| plausible(source, start, &first, frames))
    {
        Some(frames) => u64::from(frames).saturating_mul(u64::from(first.samples)),
        None => walk_frames(source, start, &first, vbr_frames.is_some())?,
    };
    let duration_ms = ticks_to_ms(total_samples, u64::from(first.sample_rate))
        .filter(|&ms| ms > 0)
        .ok_or_else(|| malformed("MPEG audio without a usable duration"))?;
    Ok(MediaInfo {
        container: Container::Mp3,
        kind: MediaKind::Audio,
        content_type: "audio/mpeg",
        duration_ms,
        codecs: vec![first.codec().to_owned()],
    })
}

/// Skips leading ID3v2 tags; returns whether there was one.
fn skip_id3_tags(source: &mut Source) -> Result<bool, ProbeError> {
    let mut found = false;
    for _ in 0..MAX_ID3_TAGS {
        let at = source.position();
        let mut header = [0u8; 10];
        let read = source.read_some(&mut header)?;
        match header.get(..read).and_then(id3_tag_len) {
            Some(len) => {
                found = true;
                source.seek_to(at.saturating_add(len));
            }
            None => {
                source.seek_to(at);
                break;
            }
        }
    }
    Ok(found)
}

/// The first frame that starts a chain of [`FRAMES_TO_ACCEPT`] frames. Without an ID3 tag the
/// sniffer already required a frame at offset 0, so only that offset is tried.
fn find_first_frame(
    source: &mut Source,
    had_id3: bool,
) -> Result<Option<(u64, FrameHeader)>, ProbeError> {
    let from = source.position();
    let window = if had_id3 { FIRST_FRAME_SEARCH } else { 1 };
    for offset in 0..window {
        let at = from.saturating_add(offset);
        if source.remaining_from(at) < 4 {
            break;
        }
        source.seek_to(at);
        if source.read_u8()? != 0xFF {
            continue;
        }
        source.tick()?;
        if let Some(first) = chained_frames(source, at, FRAMES_TO_ACCEPT)? {
            return Ok(Some((at, first)));
        }
    }
    Ok(None)
}

/// Whether `count` frames chain from `at`; returns the first one's header.
fn chained_frames(
    source: &mut Source,
    at: u64,
    count: u32,
) -> Result<Option<FrameHeader>, ProbeError> {
    let mut first: Option<FrameHeader> = None;
    let mut frame_at = at;
    for _ in 0..count {
        if source.remaining_from(frame_at) < 4 {
            return Ok(None);
        }
        source.seek_to(frame_at);
        let Some(frame) = FrameHeader::parse(source.read_array()?) else {
            return Ok(None);
        };
        if first.is_some_and(|first| !first.continues(&frame)) {
            return Ok(None);
        }
        first.get_or_insert(frame);
        frame_at = frame_at.saturating_add(u64::from(frame.frame_len));
    }
    Ok(first)
}

/// The frame count from a Xing/Info or VBRI header in the first frame, if it has one.
fn read_vbr_frame_count(
    source: &mut Source,
    start: u64,
    first: &FrameHeader,
) -> Result<Option<u32>, ProbeError> {
    let mut peek = [0u8; VBR_HEADER_PEEK];
    source.seek_to(start);
    let read = source.read_some(&mut peek)?;
    let peek = peek.get(..read).unwrap_or_default();
    let xing_at = first.xing_offset();
    let xing_frames = match peek.get(xing_at..xing_at.saturating_add(4)) {
        Some(b"Xing" | b"Info") => {
            let flags = array_at::<4>(peek, xing_at.saturating_add(4)).map(u32::from_be_bytes);
            // Flag bit 0: the frame count follows the flags.
            match flags {
                Some(flags) if flags & 1 != 0 => {
                    array_at::<4>(peek, xing_at.saturating_add(8)).map(u32::from_be_bytes)
                }
                _ => None,
            }
        }
        _ => None,
    };
    let vbri_frames = match peek.get(36..40) {
        Some(b"VBRI") => array_at::<4>(peek, 36 + 14).map(u32::from_be_bytes),
        _ => None,
    };
    Ok(xing_frames.or(vbri_frames))
}

/// A VBR header is trusted only if it does not claim the audio plays faster than the highest
/// bitrate its version and layer allow: an understated frame count would let a long file in.
fn plausible(source: &Source, start: u64, first: &FrameHeader, frames: u32) -> bool {
    let audio_bytes = source.len().saturating_sub(start);
    let samples = u64::from(frames).saturating_mul(u64::from(first.samples));
    if samples == 0 {
        return false;
    }
    // bits / seconds <= max bitrate  ⇔  bytes·8·rate <= max·samples (with 10% slack for tags).
    let carried = u128::from(audio_bytes)
        .saturating_mul(8)
        .saturating_mul(u128::from(first.sample_rate))
        .saturating_mul(10);
    let possible = u128::from(first.max_bitrate())
        .saturating_mul(u128::from(samples))
        .saturating_mul(11);
    carried <= possible
}

/// Sums the samples of every frame from `start` to the end of the file, resynchronising over
/// junk (a frame found by resync must chain into a second one to count).
fn walk_frames(
    source: &mut Source,
    start: u64,
    first: &FrameHeader,
    skip_first: bool,
) -> Result<u64, ProbeError> {
    let mut samples = 0u64;
    let mut at = start;
    if skip_first {
        // The Xing/VBRI frame is silent metadata, not audio.
        at = at.saturating_add(u64::from(first.frame_len));
    }
    while source.remaining_from(at) >= 4 {
        source.seek_to(at);
        let frame = FrameHeader::parse(source.read_array()?).filter(|frame| first.continues(frame));
        match frame {
            Some(frame) if source.remaining_from(at) >= u64::from(frame.frame_len) => {
                source.tick()?;
                samples = samples.saturating_add(u64::from(frame.samples));
                at = at.saturating_add(u64::from(frame.frame_len));
            }
            // A frame cut off by the end of the file does not play.
            Some(_) => break,
            None => match resync(source, at.saturating_add(1), first)? {
                Some(next) => at = next,
                None => break,
            },
        }
    }
    Ok(samples)
}

/// The next offset from `from` where two frames of the stream chain, if any. Scans a chunk
/// at a time for sync bytes rather than a byte at a time.
fn resync(source: &mut Source, from: u64, first: &FrameHeader) -> Result<Option<u64>, ProbeError> {
    let mut chunk = [0u8; 4096];
    let mut chunk_start = from;
    loop {
        source.seek_to(chunk_start);
        let read = source.read_some(&mut chunk)?;
        if read == 0 {
            return Ok(None);
        }
        source.tick()?;
        let candidates = chunk
            .get(..read)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter(|&(_, &byte)| byte == 0xFF);
        for (offset, _) in candidates {
            source.tick()?;
            let at = chunk_start.saturating_add(offset as u64);
            if chained_frames(source, at, 2)?.is_some_and(|frame| first.continues(&frame)) {
                return Ok(Some(at));
            }
        }
        chunk_start = chunk_start.saturating_add(read as u64);
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )]
    use super::*;

    #[test]
    fn parses_a_128k_44100_layer3_header() {
        let frame = FrameHeader::parse([0xFF, 0xFB, 0x90, 0x64]).unwrap();
        assert_eq!(frame.sample_rate, 44_100);
        assert_eq!(frame.frame_len, 417);
        assert_eq!(frame.samples, 1152);
        assert_eq!(frame.layer, Layer::L3);
    }

    #[test]
    fn rejects_reserved_fields() {
        assert!(FrameHeader::parse([0xFF, 0xF9, 0x90, 0x64]).is_none()); // layer 0
        assert!(FrameHeader::parse([0xFF, 0xEB, 0x90, 0x64]).is_none()); // version 1
        assert!(FrameHeader::parse([0xFF, 0xFB, 0xF0, 0x64]).is_none()); // bitrate 15
        assert!(FrameHeader::parse([0xFF, 0xFB, 0x00, 0x64]).is_none()); // free format
        assert!(FrameHeader::parse([0xFF, 0xFB, 0x9C, 0x64]).is_none()); // sample rate 3
        assert!(FrameHeader::parse([0xFF, 0xFB, 0x90, 0x66]).is_none()); // emphasis 2
    }

    #[test]
    fn id3_size_is_syncsafe() {
        let header = [b'I', b'D', b'3', 4, 0, 0, 0, 0, 0x02, 0x01];
        assert_eq!(id3_tag_len(&header), Some(10 + 257));
        let footer = [b'I', b'D', b'3', 4, 0, 0x10, 0, 0, 0, 0x05];
        assert_eq!(id3_tag_len(&footer), Some(25));
        assert_eq!(
            id3_tag_len(&[b'I', b'D', b'3', 4, 0, 0, 0x80, 0, 0, 0]),
            None
        );
    }
}
