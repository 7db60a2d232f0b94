//! WebM and Matroska (EBML).
//!
//! Browser recordings (Chrome's and Firefox's MediaRecorder) have no `Duration` in the
//! segment `Info`, and their `Segment` and `Cluster` elements have unknown sizes because the
//! recorder streams and never seeks back. So the duration is walked from the clusters: the
//! latest block end (cluster timecode + block timecode + `BlockDuration`, or the spacing of
//! that track's previous blocks when there is no duration) minus the earliest block
//! timestamp. Block payloads are skipped, only their few header bytes are read.
//!
//! For Opus tracks the packets' own durations (their TOC byte) are summed too, and the larger
//! of the two walks counts: the decoder plays every packet whatever the timestamps say.
//!
//! A declared `Duration` is used only when it agrees with the walked one within 10% (then the
//! larger wins): a header that says 1 s must not let 7.5 s of clusters past the server's
//! length limit, and the cluster timestamps are what players actually play.
//!
//! Truncation: blocks that are complete before the end of the file count; an element cut by
//! the end of the file ends the walk. Anything structurally wrong before that is malformed.

use super::opus;
use super::source::Source;
use super::{
    Container, MediaInfo, MediaKind, ProbeError, malformed, push_codec, reconcile_durations,
};

pub(super) const ID_EBML: u32 = 0x1A45_DFA3;
const ID_DOC_TYPE: u32 = 0x4282;
pub(super) const ID_SEGMENT: u32 = 0x1853_8067;
pub(super) const ID_SEEK_HEAD: u32 = 0x114D_9B74;
pub(super) const ID_INFO: u32 = 0x1549_A966;
const ID_TIMECODE_SCALE: u32 = 0x2A_D7B1;
const ID_DURATION: u32 = 0x4489;
const ID_TRACKS: u32 = 0x1654_AE6B;
const ID_TRACK_ENTRY: u32 = 0xAE;
const ID_TRACK_NUMBER: u32 = 0xD7;
const ID_TRACK_TYPE: u32 = 0x83;
const ID_CODEC_ID: u32 = 0x86;
pub(super) const ID_CLUSTER: u32 = 0x1F43_B675;
const ID_CLUSTER_TIMECODE: u32 = 0xE7;
const ID_SIMPLE_BLOCK: u32 = 0xA3;
const ID_BLOCK_GROUP: u32 = 0xA0;
const ID_BLOCK: u32 = 0xA1;
const ID_BLOCK_DURATION: u32 = 0x9B;
const ID_CUES: u32 = 0x1C53_BB6B;
pub(super) const ID_TAGS: u32 = 0x1254_C367;
const ID_CHAPTERS: u32 = 0x1043_A770;
pub(super) const ID_ATTACHMENTS: u32 = 0x1941_A469;
pub(super) const ID_VOID: u32 = 0xEC;
pub(super) const ID_CRC32: u32 = 0xBF;

/// Elements that may follow a cluster at segment level; seeing one ends an unknown-size
/// cluster. `EBML`/`Segment` start a chained file.
pub(super) const SEGMENT_LEVEL_IDS: [u32; 10] = [
    ID_CLUSTER,
    ID_CUES,
    ID_TAGS,
    ID_CHAPTERS,
    ID_ATTACHMENTS,
    ID_INFO,
    ID_TRACKS,
    ID_SEEK_HEAD,
    ID_EBML,
    ID_SEGMENT,
];

const TRACK_TYPE_VIDEO: u64 = 1;
const DEFAULT_TIMECODE_SCALE_NS: u64 = 1_000_000;
const NS_PER_MS: u64 = 1_000_000;
const NS_PER_SECOND: u64 = 1_000_000_000;
const MAX_EBML_HEADER_LEN: u64 = 4096;
const MAX_TRACKS: usize = 64;
/// Longest string we read (codec ids, doc type); the rest is skipped.
const MAX_STRING_LEN: u64 = 64;

#[derive(Debug, Clone, Copy)]
pub(super) struct Element {
    pub(super) id: u32,
    pub(super) data: u64,
    /// `None` for the "unknown size" value (all ones).
    pub(super) size: Option<u64>,
}

impl Element {
    pub(super) fn end(&self) -> Option<u64> {
        self.size.and_then(|size| self.data.checked_add(size))
    }
}

pub(super) enum Header {
    Element(Element),
    /// The file ends inside the header.
    Eof,
    Invalid,
}

enum Vint {
    Value { raw: u64, len: u32 },
    Eof,
    Invalid,
}

/// Reads an EBML variable-length integer with its length marker still set.
fn read_vint(source: &mut Source, max_len: u32) -> Result<Vint, ProbeError> {
    if source.remaining() == 0 {
        return Ok(Vint::Eof);
    }
    let first = source.read_u8()?;
    let len = first.leading_zeros().saturating_add(1);
    if first == 0 || len > max_len {
        return Ok(Vint::Invalid);
    }
    if source.remaining() < u64::from(len.saturating_sub(1)) {
        return Ok(Vint::Eof);
    }
    let mut raw = u64::from(first);
    for _ in 1..len {
        raw = (raw << 8) | u64::from(source.read_u8()?);
    }
    Ok(Vint::Value { raw, len })
}

/// The value bits of a `len`-byte vint (marker cleared).
fn vint_value_mask(len: u32) -> u64 {
    1u64.checked_shl(len.saturating_mul(7))
        .map_or(u64::MAX, |marker| marker.saturating_sub(1))
}

pub(super) fn read_header(source: &mut Source) -> Result<Header, ProbeError> {
    let id = match read_vint(source, 4)? {
        Vint::Value { raw, .. } => u32::try_from(raw).unwrap_or(0),
        Vint::Eof => return Ok(Header::Eof),
        Vint::Invalid => return Ok(Header::Invalid),
    };
    let size = match read_vint(source, 8)? {
        Vint::Value { raw, len } => {
            let mask = vint_value_mask(len);
            let value = raw & mask;
            (value != mask).then_some(value)
        }
        Vint::Eof => return Ok(Header::Eof),
        Vint::Invalid => return Ok(Header::Invalid),
    };
    Ok(Header::Element(Element {
        id,
        data: source.position(),
        size,
    }))
}

/// Reads the header of a child that must lie within `parent_end`.
pub(super) fn read_child(
    source: &mut Source,
    parent_end: u64,
) -> Result<(Element, u64), ProbeError> {
    let Header::Element(child) = read_header(source)? else {
        return Err(malformed("invalid EBML element"));
    };
    source.tick()?;
    match child.end() {
        Some(end) if end <= parent_end => Ok((child, end)),
        _ => Err(malformed("EBML element overruns its parent")),
    }
}

fn read_uint(source: &mut Source, element: &Element) -> Result<u64, ProbeError> {
    let size = element.size.unwrap_or(u64::MAX);
    if size > 8 {
        return Err(malformed("EBML integer longer than 8 bytes"));
    }
    let mut value = 0u64;
    for _ in 0..size {
        value = (value << 8) | u64::from(source.read_u8()?);
    }
    Ok(value)
}

fn read_float(source: &mut Source, element: &Element) -> Result<f64, ProbeError> {
    match element.size {
        Some(0) => Ok(0.0),
        Some(4) => Ok(f64::from(f32::from_be_bytes(source.read_array()?))),
        Some(8) => Ok(f64::from_be_bytes(source.read_array()?)),
        _ => Err(malformed("EBML float of invalid length")),
    }
}

/// Reads a short ASCII string, dropping the NUL padding EBML allows.
fn read_string(source: &mut Source, element: &Element) -> Result<String, ProbeError> {
    let len = element.size.unwrap_or(0).min(MAX_STRING_LEN);
    let mut bytes = vec![0u8; usize::try_from(len).unwrap_or(0)];
    source.read_exact(&mut bytes)?;
    let text: String = bytes
        .iter()
        .take_while(|&&byte| byte != 0)
        .map(|&byte| char::from(byte))
        .collect();
    Ok(text)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DocType {
    WebM,
    Matroska,
}

#[derive(Debug)]
struct Track {
    number: u64,
    track_type: u64,
    codec: Option<&'static str>,
    /// Samples (48 kHz) counted from the packets of an Opus track.
    opus_samples: u64,
}

/// Per-track spacing of blocks, to estimate how long a block without a duration plays.
#[derive(Debug, Clone, Copy)]
struct TrackClock {
    number: u64,
    latest: i128,
    step: i128,
}

/// Earliest block start and latest block end seen so far, in timecode ticks.
#[derive(Debug, Default)]
struct Timeline {
    first: Option<i128>,
    end: Option<i128>,
    clocks: Vec<TrackClock>,
}

impl Timeline {
    fn record(&mut self, track: u64, timestamp: i128, duration: Option<u64>, max_step: i128) {
        self.first = Some(self.first.map_or(timestamp, |first| first.min(timestamp)));
        let step = match self.clocks.iter_mut().find(|clock| clock.number == track) {
            Some(clock) => {
                if timestamp > clock.latest {
                    clock.step = timestamp.saturating_sub(clock.latest);
                    clock.latest = timestamp;
                }
                clock.step
            }
            None => {
                if self.clocks.len() < MAX_TRACKS {
                    self.clocks.push(TrackClock {
                        number: track,
                        latest: timestamp,
                        step: 0,
                    });
                }
                0
            }
        };
        let length = duration.map_or(step.min(max_step), i128::from);
        let end = timestamp.saturating_add(length);
        self.end = Some(self.end.map_or(end, |latest| latest.max(end)));
    }

    fn ticks(&self) -> Option<u64> {
        let ticks = self.end?.saturating_sub(self.first?);
        u64::try_from(ticks).ok()
    }
}

#[derive(Debug)]
struct Segment {
    timecode_scale_ns: u64,
    /// `Info/Duration`, in timecode ticks.
    declared_duration: Option<f64>,
    tracks: Vec<Track>,
    saw_tracks: bool,
    timeline: Timeline,
}

#[derive(Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    FileEnd,
}

pub(super) fn probe(source: &mut Source) -> Result<MediaInfo, ProbeError> {
    let doc_type = read_ebml_header(source)?;
    let segment = find_segment(source)?;
    let mut state = Segment {
        timecode_scale_ns: DEFAULT_TIMECODE_SCALE_NS,
        declared_duration: None,
        tracks: Vec::new(),
        saw_tracks: false,
        timeline: Timeline::default(),
    };
    walk_segment(source, &segment, &mut state)?;
    summarize(&state, doc_type)
}

pub(super) fn read_ebml_header(source: &mut Source) -> Result<DocType, ProbeError> {
    let header = match read_header(source)? {
        Header::Element(header) if header.id == ID_EBML => header,
        _ => return Err(malformed("invalid EBML header")),
    };
    let end = header
        .end()
        .filter(|&end| end <= MAX_EBML_HEADER_LEN)
        .ok_or_else(|| malformed("invalid EBML header size"))?;
    let mut doc_type = DocType::Matroska;
    while source.position() < end {
        let (child, child_end) = read_child(source, end)?;
        if child.id == ID_DOC_TYPE {
            doc_type = match read_string(source, &child)?.as_str() {
                "webm" => DocType::WebM,
                "matroska" => DocType::Matroska,
                _ => return Err(ProbeError::Unsupported),
            };
        }
        source.seek_to(child_end);
    }
    Ok(doc_type)
}

pub(super) fn find_segment(source: &mut Source) -> Result<Element, ProbeError> {
    loop {
        match read_header(source)? {
            Header::Element(element) if element.id == ID_SEGMENT => return Ok(element),
            Header::Element(element) if matches!(element.id, ID_VOID | ID_CRC32) => {
                source.tick()?;
                let end = element
                    .end()
                    .ok_or_else(|| malformed("unknown-size Void element"))?;
                source.seek_to(end);
            }
            _ => return Err(malformed("EBML file without a Segment")),
        }
    }
}

fn walk_segment(
    source: &mut Source,
    segment: &Element,
    state: &mut Segment,
) -> Result<(), ProbeError> {
    let declared_end = segment.end();
    let file_len = source.len();
    source.seek_to(segment.data);
    while source.position() < file_len {
        let at = source.position();
        let element = match read_header(source)? {
            Header::Element(element) => element,
            Header::Eof => break,
            // Junk after a sized segment is ignored; inside it, the file is broken.
            Header::Invalid if declared_end.is_some_and(|end| at >= end) => break,
            Header::Invalid => return Err(malformed("invalid EBML element in Segment")),
        };
        source.tick()?;
        match element.id {
            // Clusters past a sized segment's end still count: lenient players play them.
            ID_CLUSTER => {
                if walk_cluster(source, &element, state)? == Flow::FileEnd {
                    break;
                }
                continue;
            }
            // A chained second file; players stop at the first.
            ID_EBML | ID_SEGMENT => break,
            _ => {}
        }
        let end = element
            .end()
            .ok_or_else(|| malformed("unknown-size element outside clusters"))?;
        if end > file_len {
            if matches!(element.id, ID_INFO | ID_TRACKS) {
                return Err(malformed("truncated WebM headers"));
            }
            break;
        }
        match element.id {
            ID_INFO => read_info(source, end, state)?,
            ID_TRACKS => read_tracks(source, end, state)?,
            _ => {}
        }
        source.seek_to(end);
    }
    Ok(())
}

fn read_info(source: &mut Source, end: u64, state: &mut Segment) -> Result<(), ProbeError> {
    while source.position() < end {
        let (child, child_end) = read_child(source, end)?;
        match child.id {
            ID_TIMECODE_SCALE => {
                let scale = read_uint(source, &child)?;
                if scale > 0 {
                    state.timecode_scale_ns = scale;
                }
            }
            ID_DURATION => {
                let duration = read_float(source, &child)?;
                state.declared_duration =
                    (duration.is_finite() && duration > 0.0).then_some(duration);
            }
            _ => {}
        }
        source.seek_to(child_end);
    }
    Ok(())
}

fn read_tracks(source: &mut Source, end: u64, state: &mut Segment) -> Result<(), ProbeError> {
    state.saw_tracks = true;
    while source.position() < end {
        let (entry, entry_end) = read_child(source, end)?;
        if entry.id == ID_TRACK_ENTRY {
            if state.tracks.len() >= MAX_TRACKS {
                return Err(ProbeError::TooComplex);
            }
            let mut track = Track {
                number: 0,
                track_type: 0,
                codec: None,
                opus_samples: 0,
            };
            while source.position() < entry_end {
                let (child, child_end) = read_child(source, entry_end)?;
                match child.id {
                    ID_TRACK_NUMBER => track.number = read_uint(source, &child)?,
                    ID_TRACK_TYPE => track.track_type = read_uint(source, &child)?,
                    ID_CODEC_ID => track.codec = codec_name(&read_string(source, &child)?),
                    _ => {}
                }
                source.seek_to(child_end);
            }
            state.tracks.push(track);
        }
        source.seek_to(entry_end);
    }
    Ok(())
}

fn codec_name(codec_id: &str) -> Option<&'static str> {
    Some(match codec_id {
        "V_VP8" => "vp8",
        "V_VP9" => "vp9",
        "V_AV1" => "av1",
        "V_MPEG4/ISO/AVC" => "h264",
        "V_MPEGH/ISO/HEVC" => "hevc",
        "V_THEORA" => "theora",
        "A_OPUS" => "opus",
        "A_VORBIS" => "vorbis",
        "A_FLAC" => "flac",
        "A_MPEG/L3" => "mp3",
        id if id.starts_with("A_AAC") => "aac",
        id if id.starts_with("A_PCM") => "pcm",
        _ => return None,
    })
}

/// Walks one cluster's blocks. An unknown-size cluster ends where a segment-level element
/// begins (the position is left on it) or at the end of the file.
fn walk_cluster(
    source: &mut Source,
    cluster: &Element,
    state: &mut Segment,
) -> Result<Flow, ProbeError> {
    let file_len = source.len();
    let end = cluster.end();
    let max_step = i128::from(
        NS_PER_SECOND
            .checked_div(state.timecode_scale_ns)
            .unwrap_or(1)
            .max(1),
    );
    let mut timecode: Option<u64> = None;
    loop {
        let at = source.position();
        if end.is_some_and(|end| at >= end) {
            return Ok(Flow::Continue);
        }
        if at >= file_len {
            return Ok(Flow::FileEnd);
        }
        let child = match read_header(source)? {
            Header::Element(child) => child,
            Header::Eof => return Ok(Flow::FileEnd),
            Header::Invalid => return Err(malformed("invalid EBML element in Cluster")),
        };
        if end.is_none() && SEGMENT_LEVEL_IDS.contains(&child.id) {
            source.seek_to(at);
            return Ok(Flow::Continue);
        }
        source.tick()?;
        let child_end = child
            .end()
            .ok_or_else(|| malformed("unknown-size element inside a Cluster"))?;
        if end.is_some_and(|end| child_end > end) {
            return Err(malformed("element overruns its Cluster"));
        }
        if child_end > file_len {
            // A block cut off by the end of the file does not play.
            return Ok(Flow::FileEnd);
        }
        match child.id {
            ID_CLUSTER_TIMECODE => timecode = Some(read_uint(source, &child)?),
            ID_SIMPLE_BLOCK => {
                let cluster_timecode =
                    timecode.ok_or_else(|| malformed("block before the Cluster timecode"))?;
                let (track, relative) = read_block_header(source, &child, &mut state.tracks)?;
                let timestamp = i128::from(cluster_timecode).saturating_add(i128::from(relative));
                state.timeline.record(track, timestamp, None, max_step);
            }
            ID_BLOCK_GROUP => {
                let cluster_timecode =
                    timecode.ok_or_else(|| malformed("block before the Cluster timecode"))?;
                read_block_group(source, child_end, cluster_timecode, max_step, state)?;
            }
            _ => {}
        }
        source.seek_to(child_end);
    }
}

fn read_block_group(
    source: &mut Source,
    end: u64,
    cluster_timecode: u64,
    max_step: i128,
    state: &mut Segment,
) -> Result<(), ProbeError> {
    let mut block: Option<(u64, i16)> = None;
    let mut duration: Option<u64> = None;
    while source.position() < end {
        let (child, child_end) = read_child(source, end)?;
        match child.id {
            ID_BLOCK => block = Some(read_block_header(source, &child, &mut state.tracks)?),
            ID_BLOCK_DURATION => duration = Some(read_uint(source, &child)?),
            _ => {}
        }
        source.seek_to(child_end);
    }
    if let Some((track, relative)) = block {
        let timestamp = i128::from(cluster_timecode).saturating_add(i128::from(relative));
        state.timeline.record(track, timestamp, duration, max_step);
    }
    Ok(())
}

/// Track number and timecode (relative to the cluster) of a `Block` or `SimpleBlock`; for an
/// Opus track, also counts the packet's samples.
fn read_block_header(
    source: &mut Source,
    block: &Element,
    tracks: &mut [Track],
) -> Result<(u64, i16), ProbeError> {
    let Vint::Value { raw, len } = read_vint(source, 8)? else {
        return Err(malformed("invalid block track number"));
    };
    // Track number, 16-bit timecode, flags.
    let header_len = u64::from(len).saturating_add(3);
    let payload_len = block
        .size
        .and_then(|size| size.checked_sub(header_len))
        .ok_or_else(|| malformed("block too short"))?;
    let relative = i16::from_be_bytes(source.read_array()?);
    let flags = source.read_u8()?;
    let number = raw & vint_value_mask(len);
    if let Some(track) = tracks
        .iter_mut()
        .find(|track| track.number == number && track.codec == Some("opus"))
    {
        let samples = opus_block_samples(source, flags, payload_len)?;
        track.opus_samples = track.opus_samples.saturating_add(samples);
    }
    Ok((number, relative))
}

/// Samples in an Opus block. Laced blocks (which browsers and ffmpeg do not write) count each
/// frame as the shortest Opus packet rather than parsing lace sizes.
fn opus_block_samples(source: &mut Source, flags: u8, payload_len: u64) -> Result<u64, ProbeError> {
    const LACING: u8 = 0x06;
    const SHORTEST_PACKET: u64 = 120;
    if payload_len == 0 {
        return Ok(0);
    }
    let first = source.read_u8()?;
    if flags & LACING != 0 {
        return Ok(u64::from(first)
            .saturating_add(1)
            .saturating_mul(SHORTEST_PACKET));
    }
    let frame_count = if payload_len >= 2 {
        Some(source.read_u8()?)
    } else {
        None
    };
    Ok(opus::packet_samples(first, frame_count))
}

fn summarize(state: &Segment, doc_type: DocType) -> Result<MediaInfo, ProbeError> {
    if !state.saw_tracks || state.tracks.is_empty() {
        return Err(malformed("WebM without tracks"));
    }
    let scale = u128::from(state.timecode_scale_ns);
    let declared_ms = state.declared_duration.map(|ticks| {
        // Float to integer casts saturate, so an absurd value becomes u64::MAX (too long).
        (ticks * state.timecode_scale_ns as f64 / NS_PER_MS as f64).ceil() as u64
    });
    let walked_ms = state.timeline.ticks().map(|ticks| {
        let ms = u128::from(ticks)
            .saturating_mul(scale)
            .div_ceil(u128::from(NS_PER_MS));
        u64::try_from(ms).unwrap_or(u64::MAX)
    });
    let opus_ms = state
        .tracks
        .iter()
        .filter_map(|track| super::ticks_to_ms(track.opus_samples, opus::CLOCK))
        .filter(|&ms| ms > 0)
        .max();
    let walked_ms = walked_ms.max(opus_ms);
    let duration_ms = reconcile_durations(declared_ms, walked_ms)
        .ok_or_else(|| malformed("WebM without a usable duration"))?;

    let kind = if state
        .tracks
        .iter()
        .any(|track| track.track_type == TRACK_TYPE_VIDEO)
    {
        MediaKind::Video
    } else {
        MediaKind::Audio
    };
    let content_type = match (doc_type, kind) {
        (DocType::WebM, MediaKind::Video) => "video/webm",
        (DocType::WebM, MediaKind::Audio) => "audio/webm",
        (DocType::Matroska, MediaKind::Video) => "video/x-matroska",
        (DocType::Matroska, MediaKind::Audio) => "audio/x-matroska",
    };
    let mut codecs = Vec::new();
    for codec in state.tracks.iter().filter_map(|track| track.codec) {
        push_codec(&mut codecs, codec);
    }
    Ok(MediaInfo {
        container: Container::WebM,
        kind,
        content_type,
        duration_ms,
        codecs,
    })
}
