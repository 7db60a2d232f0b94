//! ISO BMFF and QuickTime: MP4, M4A, MOV and fragmented MP4.
//!
//! Durations come from several places that a muxer (or an attacker) can make disagree, so we
//! read them all: `mvhd` (movie), each track's `tkhd` and `mdhd` and the sum of its `stts`
//! sample durations, and, for fragmented files (Safari's MediaRecorder, `empty_moov`), every
//! `moof`'s `tfdt` + `trun` sample durations. The sample walk (`stts`, fragments) wins over the
//! headers (`mvhd`, `mehd`, `tkhd`, `mdhd`) when they disagree by more than 10%; otherwise the
//! larger is reported. So a header that lies either way is overruled by the samples, and a file
//! trimmed with an edit list (media longer than the presentation) reports its media length,
//! erring on the long side. Only the few boxes on fixed paths are opened
//! (`moov/trak/mdia/minf/stbl/…`, `moof/traf/…`), never recursively; `mdat` is skipped by
//! seeking.
//!
//! Truncation: a file cut inside `mdat` or inside the last `moof` keeps what is complete; a
//! cut inside `moov` is malformed (the track list would be incomplete).

use super::source::Source;
use super::{
    Container, MediaInfo, MediaKind, ProbeError, malformed, push_codec, reconcile_durations,
    ticks_to_ms,
};

/// More tracks than this is not a phone or browser recording.
const MAX_TRACKS: usize = 64;
/// Sample descriptions read per track.
const MAX_SAMPLE_ENTRIES: u32 = 16;

#[derive(Debug, Clone, Copy)]
pub(super) struct BoxHeader {
    pub(super) kind: [u8; 4],
    pub(super) start: u64,
    pub(super) body: u64,
    pub(super) end: u64,
}

pub(super) enum NextBox {
    Box(BoxHeader),
    /// No room for another box before the parent's end (or only padding).
    End,
    /// The box claims to run past its parent's end (or the file's, at the top level).
    Truncated(BoxHeader),
    Invalid,
}

pub(super) fn next_box(source: &mut Source, parent_end: u64) -> Result<NextBox, ProbeError> {
    let start = source.position();
    let room = parent_end.saturating_sub(start);
    // Fewer than 8 bytes cannot be a box; QuickTime pads some containers with 4 zero bytes.
    if room < 8 {
        return Ok(NextBox::End);
    }
    let size = source.read_u32_be()?;
    let kind = source.read_array::<4>()?;
    if size == 0 && kind == [0; 4] {
        return Ok(NextBox::End);
    }
    let (header_len, size) = match size {
        0 => (8, room),
        1 if room >= 16 => (16, source.read_u64_be()?),
        1 => return Ok(NextBox::Invalid),
        size => (8, u64::from(size)),
    };
    if size < header_len {
        return Ok(NextBox::Invalid);
    }
    let (Some(body), Some(end)) = (start.checked_add(header_len), start.checked_add(size)) else {
        return Ok(NextBox::Invalid);
    };
    let header = BoxHeader {
        kind,
        start,
        body,
        end,
    };
    Ok(if end > parent_end {
        NextBox::Truncated(header)
    } else {
        NextBox::Box(header)
    })
}

/// Visits each child of `parent` in order; children must fit inside it.
pub(super) fn for_each_child(
    source: &mut Source,
    parent: &BoxHeader,
    mut visit: impl FnMut(&mut Source, &BoxHeader) -> Result<(), ProbeError>,
) -> Result<(), ProbeError> {
    source.seek_to(parent.body);
    loop {
        let child = match next_box(source, parent.end)? {
            NextBox::Box(child) => child,
            NextBox::End => return Ok(()),
            NextBox::Truncated(_) | NextBox::Invalid => {
                return Err(malformed("MP4 box overruns its parent"));
            }
        };
        source.tick()?;
        visit(source, &child)?;
        source.seek_to(child.end);
    }
}

/// Fails unless the box body holds at least `len` bytes.
fn require(header: &BoxHeader, len: u64) -> Result<(), ProbeError> {
    if header.end.saturating_sub(header.body) >= len {
        Ok(())
    } else {
        Err(malformed("MP4 box too short"))
    }
}

/// Reads the full-box version, dropping the flags.
fn read_version(source: &mut Source) -> Result<u8, ProbeError> {
    let version = source.read_u8()?;
    source.skip(3)?;
    Ok(version)
}

fn read_flags(source: &mut Source) -> Result<u32, ProbeError> {
    Ok(source.read_u32_be()? & 0x00FF_FFFF)
}

/// Total length of the optional fields whose flag bits are set.
fn optional_fields_len(flags: u32, fields: &[(u32, u64)]) -> u64 {
    fields
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, len)| len)
        .sum()
}

/// A 32-bit duration of all ones means "unknown".
fn duration_32(value: u32) -> u64 {
    if value == u32::MAX {
        0
    } else {
        u64::from(value)
    }
}

/// Reads `timescale` and `duration` from an `mvhd` or `mdhd` box (same layout up to there).
fn read_timescale_and_duration(
    source: &mut Source,
    header: &BoxHeader,
) -> Result<(u32, u64), ProbeError> {
    if read_version(source)? == 1 {
        require(header, 4 + 16 + 4 + 8)?;
        source.skip(16)?;
        let timescale = source.read_u32_be()?;
        Ok((timescale, source.read_u64_be()?))
    } else {
        require(header, 4 + 8 + 4 + 4)?;
        source.skip(8)?;
        let timescale = source.read_u32_be()?;
        Ok((timescale, duration_32(source.read_u32_be()?)))
    }
}

#[derive(Debug, Default)]
struct Track {
    id: u32,
    /// `mdhd` timescale: ticks per second of this track's media clock.
    timescale: u32,
    /// `mdhd` duration, in the track's timescale.
    media_duration: u64,
    /// `tkhd` duration, in the movie's timescale.
    header_duration: u64,
    /// Sum of `stts` sample durations, in the track's timescale.
    sample_table_duration: u64,
    is_video: bool,
    codecs: Vec<&'static str>,
}

/// Fragments seen for one track, in the track's timescale.
#[derive(Debug, Clone, Copy)]
struct FragmentProgress {
    track_id: u32,
    /// Where the next fragment starts when it has no `tfdt`.
    next_start: u64,
    end: u64,
}

#[derive(Debug, Default)]
struct Movie {
    has_ftyp: bool,
    major_brand: Option<[u8; 4]>,
    has_moov: bool,
    timescale: u32,
    duration: u64,
    /// `mehd` fragment duration, in the movie's timescale.
    fragment_duration: u64,
    tracks: Vec<Track>,
    /// `trex` default sample duration per track id.
    default_sample_durations: Vec<(u32, u32)>,
    fragments: Vec<FragmentProgress>,
}

pub(super) fn probe(source: &mut Source) -> Result<MediaInfo, ProbeError> {
    let mut movie = Movie::default();
    let file_len = source.len();
    loop {
        let header = match next_box(source, file_len)? {
            NextBox::Box(header) => header,
            NextBox::End => break,
            NextBox::Truncated(header) if &header.kind == b"moov" => {
                return Err(malformed("truncated MP4 moov box"));
            }
            // Cut inside mdat or the last fragment: keep what is complete.
            NextBox::Truncated(_) => break,
            NextBox::Invalid => return Err(malformed("invalid MP4 box header")),
        };
        if !header
            .kind
            .iter()
            .all(|&byte| (0x20..=0x7E).contains(&byte) || byte == 0xA9)
        {
            return Err(malformed("invalid MP4 box type"));
        }
        source.tick()?;
        match &header.kind {
            b"ftyp" => {
                movie.has_ftyp = true;
                if header.end.saturating_sub(header.body) >= 4 {
                    movie.major_brand = Some(source.read_array()?);
                }
            }
            b"moov" if !movie.has_moov => {
                movie.has_moov = true;
                read_moov(source, &header, &mut movie)?;
            }
            b"moof" => read_moof(source, &header, &mut movie)?,
            _ => {}
        }
        source.seek_to(header.end);
    }
    summarize(movie)
}

fn summarize(movie: Movie) -> Result<MediaInfo, ProbeError> {
    if !movie.has_moov {
        // Without ftyp, the only sign of ISO BMFF was a box name at offset 4: likely not one.
        return Err(if movie.has_ftyp {
            malformed("MP4 without a moov box")
        } else {
            ProbeError::Unsupported
        });
    }
    if movie.tracks.is_empty() {
        return Err(malformed("MP4 without tracks"));
    }
    let movie_timescale = u64::from(movie.timescale);
    // Headers: mvhd, mehd, and each track's tkhd (movie clock) and mdhd (track clock).
    let mut declared = ticks_to_ms(movie.duration, movie_timescale)
        .max(ticks_to_ms(movie.fragment_duration, movie_timescale));
    // Samples: each track's stts sum, and where its fragments end (which starts from it).
    let mut walked = None;
    for track in &movie.tracks {
        let track_timescale = u64::from(track.timescale);
        declared = declared
            .max(ticks_to_ms(track.media_duration, track_timescale))
            .max(ticks_to_ms(track.header_duration, movie_timescale));
        walked = walked.max(ticks_to_ms(track.sample_table_duration, track_timescale));
        let fragments_end = movie
            .fragments
            .iter()
            .find(|progress| progress.track_id == track.id)
            .and_then(|progress| ticks_to_ms(progress.end, track_timescale));
        walked = walked.max(fragments_end);
    }
    let duration_ms = reconcile_durations(declared, walked);
    let duration_ms = duration_ms
        .filter(|&ms| ms > 0)
        .ok_or_else(|| malformed("MP4 without a usable duration"))?;

    let kind = if movie.tracks.iter().any(|track| track.is_video) {
        MediaKind::Video
    } else {
        MediaKind::Audio
    };
    let quicktime = !movie.has_ftyp || movie.major_brand == Some(*b"qt  ");
    let content_type = match (quicktime, kind) {
        (true, _) => "video/quicktime",
        (false, MediaKind::Video) => "video/mp4",
        (false, MediaKind::Audio) => "audio/mp4",
    };
    let mut codecs = Vec::new();
    for codec in movie.tracks.iter().flat_map(|track| &track.codecs) {
        push_codec(&mut codecs, codec);
    }
    Ok(MediaInfo {
        container: Container::Mp4,
        kind,
        content_type,
        duration_ms,
        codecs,
    })
}

fn read_moov(source: &mut Source, moov: &BoxHeader, movie: &mut Movie) -> Result<(), ProbeError> {
    for_each_child(source, moov, |source, child| {
        match &child.kind {
            b"mvhd" => {
                (movie.timescale, movie.duration) = read_timescale_and_duration(source, child)?
            }
            b"trak" => {
                if movie.tracks.len() >= MAX_TRACKS {
                    return Err(ProbeError::TooComplex);
                }
                movie.tracks.push(read_trak(source, child)?);
            }
            b"mvex" => read_mvex(source, child, movie)?,
            _ => {}
        }
        Ok(())
    })
}

fn read_mvex(source: &mut Source, mvex: &BoxHeader, movie: &mut Movie) -> Result<(), ProbeError> {
    for_each_child(source, mvex, |source, child| {
        match &child.kind {
            b"mehd" => {
                movie.fragment_duration = if read_version(source)? == 1 {
                    require(child, 4 + 8)?;
                    source.read_u64_be()?
                } else {
                    require(child, 4 + 4)?;
                    duration_32(source.read_u32_be()?)
                };
            }
            b"trex" => {
                require(child, 4 + 4 + 4 + 4)?;
                source.skip(4)?;
                let track_id = source.read_u32_be()?;
                let _description_index = source.read_u32_be()?;
                let duration = source.read_u32_be()?;
                if movie.default_sample_durations.len() < MAX_TRACKS {
                    movie.default_sample_durations.push((track_id, duration));
                }
            }
            _ => {}
        }
        Ok(())
    })
}

fn read_trak(source: &mut Source, trak: &BoxHeader) -> Result<Track, ProbeError> {
    let mut track = Track::default();
    for_each_child(source, trak, |source, child| {
        match &child.kind {
            b"tkhd" => {
                let (id, duration) = if read_version(source)? == 1 {
                    require(child, 4 + 16 + 4 + 4 + 8)?;
                    source.skip(16)?;
                    let id = source.read_u32_be()?;
                    source.skip(4)?;
                    (id, source.read_u64_be()?)
                } else {
                    require(child, 4 + 8 + 4 + 4 + 4)?;
                    source.skip(8)?;
                    let id = source.read_u32_be()?;
                    source.skip(4)?;
                    (id, duration_32(source.read_u32_be()?))
                };
                track.id = id;
                track.header_duration = duration;
            }
            b"mdia" => read_mdia(source, child, &mut track)?,
            _ => {}
        }
        Ok(())
    })?;
    Ok(track)
}

fn read_mdia(source: &mut Source, mdia: &BoxHeader, track: &mut Track) -> Result<(), ProbeError> {
    for_each_child(source, mdia, |source, child| {
        match &child.kind {
            b"mdhd" => {
                (track.timescale, track.media_duration) =
                    read_timescale_and_duration(source, child)?
            }
            b"hdlr" => {
                // ISO: pre_defined then handler_type; QuickTime: component type then subtype.
                require(child, 4 + 4 + 4)?;
                source.skip(4 + 4)?;
                track.is_video = source.read_array::<4>()? == *b"vide";
            }
            b"minf" => for_each_child(source, child, |source, child| {
                if &child.kind == b"stbl" {
                    read_stbl(source, child, track)?;
                }
                Ok(())
            })?,
            _ => {}
        }
        Ok(())
    })
}

fn read_stbl(source: &mut Source, stbl: &BoxHeader, track: &mut Track) -> Result<(), ProbeError> {
    for_each_child(source, stbl, |source, child| {
        match &child.kind {
            b"stsd" => read_sample_descriptions(source, child, track)?,
            b"stts" => track.sample_table_duration = read_sample_table_duration(source, child)?,
            _ => {}
        }
        Ok(())
    })
}

fn read_sample_descriptions(
    source: &mut Source,
    stsd: &BoxHeader,
    track: &mut Track,
) -> Result<(), ProbeError> {
    require(stsd, 8)?;
    source.skip(4)?;
    let count = source.read_u32_be()?.min(MAX_SAMPLE_ENTRIES);
    for _ in 0..count {
        let entry = match next_box(source, stsd.end)? {
            NextBox::Box(entry) => entry,
            NextBox::End => break,
            NextBox::Truncated(_) | NextBox::Invalid => {
                return Err(malformed("MP4 sample description overruns stsd"));
            }
        };
        source.tick()?;
        if let Some(codec) = codec_of_sample_entry(&entry.kind)
            && !track.codecs.contains(&codec)
        {
            track.codecs.push(codec);
        }
        source.seek_to(entry.end);
    }
    Ok(())
}

fn codec_of_sample_entry(kind: &[u8; 4]) -> Option<&'static str> {
    Some(match kind {
        b"avc1" | b"avc3" => "h264",
        b"hvc1" | b"hev1" => "hevc",
        b"av01" => "av1",
        b"vp08" => "vp8",
        b"vp09" => "vp9",
        b"mp4v" => "mpeg4",
        b"mp4a" => "aac",
        b"Opus" => "opus",
        b"fLaC" => "flac",
        b".mp3" => "mp3",
        b"alac" => "alac",
        b"ac-3" => "ac3",
        b"ec-3" => "eac3",
        b"samr" => "amr_nb",
        b"sawb" => "amr_wb",
        b"lpcm" | b"sowt" | b"twos" | b"ipcm" | b"fpcm" | b"in24" | b"in32" | b"fl32" | b"fl64"
        | b"raw " => "pcm",
        _ => return None,
    })
}

/// Sum of `sample_count × sample_delta` over the `stts` entries.
fn read_sample_table_duration(source: &mut Source, stts: &BoxHeader) -> Result<u64, ProbeError> {
    require(stts, 8)?;
    source.skip(4)?;
    let entries = source.read_u32_be()?;
    require(
        stts,
        8u64.saturating_add(u64::from(entries).saturating_mul(8)),
    )?;
    source.charge_elements(u64::from(entries))?;
    let mut total = 0u64;
    for _ in 0..entries {
        let count = source.read_u32_be()?;
        let delta = source.read_u32_be()?;
        total = total.saturating_add(u64::from(count).saturating_mul(u64::from(delta)));
    }
    Ok(total)
}

fn read_moof(source: &mut Source, moof: &BoxHeader, movie: &mut Movie) -> Result<(), ProbeError> {
    for_each_child(source, moof, |source, child| {
        if &child.kind == b"traf" {
            read_traf(source, child, movie)?;
        }
        Ok(())
    })
}

/// One track's fragment: its start (`tfdt`, else where the previous one ended) plus the
/// durations of its samples (`trun`, falling back on `tfhd` then `trex` defaults).
fn read_traf(source: &mut Source, traf: &BoxHeader, movie: &mut Movie) -> Result<(), ProbeError> {
    let mut track_id: Option<u32> = None;
    let mut default_duration: Option<u32> = None;
    let mut decode_time: Option<u64> = None;
    let mut total = 0u64;
    for_each_child(source, traf, |source, child| {
        match &child.kind {
            b"tfhd" => {
                require(child, 8)?;
                let flags = read_flags(source)?;
                let id = source.read_u32_be()?;
                track_id = Some(id);
                // base_data_offset, sample_description_index
                let skip = optional_fields_len(flags, &[(0x01, 8), (0x02, 4)]);
                source.skip(skip)?;
                if flags & 0x08 != 0 {
                    require(child, 8u64.saturating_add(skip).saturating_add(4))?;
                    default_duration = Some(source.read_u32_be()?);
                } else {
                    default_duration = movie
                        .default_sample_durations
                        .iter()
                        .find(|(track, _)| *track == id)
                        .map(|&(_, duration)| duration);
                }
            }
            b"tfdt" => {
                decode_time = Some(if read_version(source)? == 1 {
                    require(child, 4 + 8)?;
                    source.read_u64_be()?
                } else {
                    require(child, 4 + 4)?;
                    u64::from(source.read_u32_be()?)
                });
            }
            b"trun" => {
                let run = read_trun(source, child, default_duration.unwrap_or(0))?;
                total = total.saturating_add(run);
            }
            _ => {}
        }
        Ok(())
    })?;
    let Some(track_id) = track_id else {
        return Err(malformed("MP4 fragment without tfhd"));
    };
    let index = match movie
        .fragments
        .iter()
        .position(|progress| progress.track_id == track_id)
    {
        Some(index) => index,
        None if movie.fragments.len() < MAX_TRACKS => {
            // Samples already described in moov come before the first fragment.
            let start = movie
                .tracks
                .iter()
                .find(|track| track.id == track_id)
                .map_or(0, |track| track.sample_table_duration);
            movie.fragments.push(FragmentProgress {
                track_id,
                next_start: start,
                end: start,
            });
            movie.fragments.len().saturating_sub(1)
        }
        None => return Err(ProbeError::TooComplex),
    };
    if let Some(progress) = movie.fragments.get_mut(index) {
        let start = decode_time.unwrap_or(progress.next_start);
        let end = start.saturating_add(total);
        progress.next_start = end;
        progress.end = progress.end.max(end);
    }
    Ok(())
}

/// Total sample duration of one `trun`.
fn read_trun(
    source: &mut Source,
    trun: &BoxHeader,
    default_duration: u32,
) -> Result<u64, ProbeError> {
    require(trun, 8)?;
    let flags = read_flags(source)?;
    let samples = source.read_u32_be()?;
    // data_offset, first_sample_flags
    let optional = optional_fields_len(flags, &[(0x01, 4), (0x04, 4)]);
    source.skip(optional)?;
    if flags & 0x100 == 0 {
        return Ok(u64::from(samples).saturating_mul(u64::from(default_duration)));
    }
    // Per-sample fields, in order: duration, size, flags, composition offset.
    let record_len = u64::from((flags & 0xF00).count_ones()).saturating_mul(4);
    let records_len = u64::from(samples).saturating_mul(record_len);
    require(
        trun,
        8u64.saturating_add(optional).saturating_add(records_len),
    )?;
    source.charge_elements(u64::from(samples))?;
    let mut total = 0u64;
    for _ in 0..samples {
        total = total.saturating_add(u64::from(source.read_u32_be()?));
        source.skip(record_len.saturating_sub(4))?;
    }
    Ok(total)
}
