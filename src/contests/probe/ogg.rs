//! Ogg (Opus, Vorbis; a Theora stream only marks the file as video).
//!
//! Duration is the audio stream's last granule position over its clock: Opus always counts
//! 48 kHz samples (minus the pre-skip), Vorbis counts samples at its own rate. For Opus the
//! packets' own durations are summed too and the larger wins.
//!
//! Every page is walked (each is checksummed, and pages that fail are dropped as players
//! drop them) rather than trusting a scan of the last 64 KiB: the last granule is just a
//! header, and a crafted file could end with a page that understates it, restart its granule
//! positions, or chain a second stream behind the first. The walk rejects granules that go
//! backwards and chained streams; it reads the file once with a small buffer, like the MP3
//! and WebM walks, within the [`Budget`](super::Budget).

use super::source::Source;
use super::{Container, MediaInfo, MediaKind, ProbeError, array_at, malformed, opus, ticks_to_ms};

const CAPTURE_PATTERN: &[u8; 4] = b"OggS";
pub(super) const PAGE_HEADER_LEN: usize = 27;
/// Header, a full segment table and 255 segments of 255 bytes.
pub(super) const MAX_PAGE_LEN: usize = PAGE_HEADER_LEN + 255 + 255 * 255;
/// Streams multiplexed in one file; each starts with a "beginning of stream" page.
pub(super) const MAX_STREAMS: u32 = 16;
const FLAG_CONTINUED_PACKET: u8 = 0x01;
pub(super) const FLAG_BEGINNING_OF_STREAM: u8 = 0x02;
/// Granule position of a page on which no packet ends.
const NO_GRANULE: u64 = u64::MAX;

#[derive(Debug, Clone, Copy)]
pub(super) struct PageHeader {
    pub(super) flags: u8,
    granule: u64,
    pub(super) serial: u32,
    /// Fixed header plus segment table.
    pub(super) header_len: usize,
    body_len: usize,
}

impl PageHeader {
    /// Parses the header at the start of `bytes` (which must hold the segment table too).
    fn parse(bytes: &[u8]) -> Option<Self> {
        if bytes.get(..4)? != CAPTURE_PATTERN || *bytes.get(4)? != 0 {
            return None;
        }
        let header_len = PAGE_HEADER_LEN.checked_add(usize::from(*bytes.get(26)?))?;
        let body_len = bytes
            .get(PAGE_HEADER_LEN..header_len)?
            .iter()
            .map(|&lace| usize::from(lace))
            .sum();
        Some(Self {
            flags: *bytes.get(5)?,
            granule: u64::from_le_bytes(array_at(bytes, 6)?),
            serial: u32::from_le_bytes(array_at(bytes, 14)?),
            header_len,
            body_len,
        })
    }

    fn page_len(&self) -> usize {
        self.header_len.saturating_add(self.body_len)
    }
}

/// A page read whole into a buffer: its header, lacing values and body.
pub(super) struct Page<'a> {
    pub(super) header: PageHeader,
    pub(super) bytes: &'a [u8],
}

impl Page<'_> {
    pub(super) fn lacing(&self) -> &[u8] {
        self.bytes
            .get(PAGE_HEADER_LEN..self.header.header_len)
            .unwrap_or_default()
    }

    fn body(&self) -> &[u8] {
        self.bytes
            .get(self.header.header_len..self.header.page_len())
            .unwrap_or_default()
    }

    /// The packets (or packet parts) on this page, each with whether it starts here.
    fn packets(&self) -> impl Iterator<Item = (bool, &[u8])> {
        let body = self.body();
        let mut offset = 0usize;
        let mut length = 0usize;
        let mut starts_here = self.header.flags & FLAG_CONTINUED_PACKET == 0;
        let mut parts = Vec::new();
        for &lace in self.lacing() {
            length = length.saturating_add(usize::from(lace));
            if lace < 255 {
                let end = offset.saturating_add(length);
                parts.push((starts_here, body.get(offset..end).unwrap_or_default()));
                offset = end;
                length = 0;
                starts_here = true;
            }
        }
        if length > 0 {
            // A packet that continues on the next page.
            parts.push((starts_here, body.get(offset..).unwrap_or_default()));
        }
        parts.into_iter()
    }

    pub(super) fn first_packet(&self) -> &[u8] {
        self.packets().next().map_or(&[], |(_, packet)| packet)
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum AudioCodec {
    Opus { pre_skip: u64 },
    Vorbis { sample_rate: u64 },
}

impl AudioCodec {
    /// Identifies a stream from its first packet.
    pub(super) fn identify(packet: &[u8]) -> Option<Self> {
        if packet.starts_with(b"OpusHead") {
            let pre_skip = u16::from_le_bytes(array_at(packet, 10)?);
            Some(Self::Opus {
                pre_skip: u64::from(pre_skip),
            })
        } else if packet.starts_with(b"\x01vorbis") {
            let sample_rate = u32::from_le_bytes(array_at(packet, 12)?);
            Some(Self::Vorbis {
                sample_rate: u64::from(sample_rate),
            })
        } else {
            None
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::Opus { .. } => "opus",
            Self::Vorbis { .. } => "vorbis",
        }
    }
}

/// What the walk learned about the audio stream.
#[derive(Debug, Default)]
struct AudioStream {
    last_granule: Option<u64>,
    /// Opus only: samples of the audio packets, from their TOC bytes.
    packet_samples: u64,
    packets_started: u64,
}

pub(super) fn probe(source: &mut Source) -> Result<MediaInfo, ProbeError> {
    let mut buffer = vec![0u8; MAX_PAGE_LEN];
    let mut audio: Option<(u32, AudioCodec)> = None;
    let mut has_theora = false;
    for stream in 0..=MAX_STREAMS {
        let at = source.position();
        let page = read_page(source, &mut buffer)?.ok_or_else(|| malformed("invalid Ogg page"))?;
        if page.header.flags & FLAG_BEGINNING_OF_STREAM == 0 {
            if stream == 0 {
                return Err(malformed("Ogg file does not begin with a stream"));
            }
            source.seek_to(at);
            break;
        }
        if stream == MAX_STREAMS {
            return Err(ProbeError::TooComplex);
        }
        let packet = page.first_packet();
        if packet.starts_with(b"\x80theora") {
            has_theora = true;
        } else if audio.is_none() {
            audio = AudioCodec::identify(packet).map(|codec| (page.header.serial, codec));
        }
    }
    let Some((serial, codec)) = audio else {
        return Err(ProbeError::Unsupported);
    };

    let walked = walk_pages(source, &mut buffer, serial, codec)?;
    let duration_ms = match codec {
        AudioCodec::Opus { pre_skip } => {
            let samples = walked.last_granule.unwrap_or(0).max(walked.packet_samples);
            ticks_to_ms(samples.saturating_sub(pre_skip), opus::CLOCK)
        }
        AudioCodec::Vorbis { sample_rate } => {
            ticks_to_ms(walked.last_granule.unwrap_or(0), sample_rate)
        }
    }
    .filter(|&ms| ms > 0)
    .ok_or_else(|| malformed("Ogg stream without audio pages"))?;

    let mut codecs = vec![codec.name().to_owned()];
    if has_theora {
        codecs.push("theora".to_owned());
    }
    let (kind, content_type) = if has_theora {
        (MediaKind::Video, "video/ogg")
    } else {
        (MediaKind::Audio, "audio/ogg")
    };
    Ok(MediaInfo {
        container: Container::Ogg,
        kind,
        content_type,
        duration_ms,
        codecs,
    })
}

/// Walks the pages after the stream headers to the end of the file.
fn walk_pages(
    source: &mut Source,
    buffer: &mut [u8],
    serial: u32,
    codec: AudioCodec,
) -> Result<AudioStream, ProbeError> {
    let mut stream = AudioStream::default();
    while source.remaining() >= PAGE_HEADER_LEN as u64 {
        let at = source.position();
        let Some(page) = read_page(source, buffer)? else {
            // Junk, a damaged page or a cut one: players skip to the next capture pattern.
            match next_capture(source, at.saturating_add(1))? {
                Some(next) => {
                    source.seek_to(next);
                    continue;
                }
                None => break,
            }
        };
        if page.header.flags & FLAG_BEGINNING_OF_STREAM != 0 {
            return Err(malformed("chained Ogg streams are not supported"));
        }
        if page.header.serial != serial {
            continue;
        }
        if page.header.granule != NO_GRANULE {
            if stream
                .last_granule
                .is_some_and(|last| page.header.granule < last)
            {
                return Err(malformed("Ogg granule positions go backwards"));
            }
            stream.last_granule = Some(page.header.granule);
        }
        if matches!(codec, AudioCodec::Opus { .. }) {
            for (starts_here, packet) in page.packets() {
                if !starts_here {
                    continue;
                }
                stream.packets_started = stream.packets_started.saturating_add(1);
                // The first packet after the ID header is OpusTags, not audio.
                if stream.packets_started == 1 {
                    continue;
                }
                if let Some((&toc, rest)) = packet.split_first() {
                    let samples = opus::packet_samples(toc, rest.first().copied());
                    stream.packet_samples = stream.packet_samples.saturating_add(samples);
                }
            }
        }
    }
    Ok(stream)
}

/// Reads the page at the current position into `buffer`. `None` if there is no valid page
/// there (bad header, cut by the end of the file, or a checksum mismatch).
pub(super) fn read_page<'a>(
    source: &mut Source,
    buffer: &'a mut [u8],
) -> Result<Option<Page<'a>>, ProbeError> {
    source.tick()?;
    let at = source.position();
    let fixed_len = source.read_some(buffer.get_mut(..PAGE_HEADER_LEN).unwrap_or_default())?;
    if fixed_len < PAGE_HEADER_LEN {
        return Ok(None);
    }
    let header_len =
        PAGE_HEADER_LEN.saturating_add(usize::from(buffer.get(26).copied().unwrap_or(0)));
    let table = buffer
        .get_mut(PAGE_HEADER_LEN..header_len)
        .unwrap_or_default();
    if source.read_some(table)? < table.len() {
        return Ok(None);
    }
    let Some(header) = buffer.get(..header_len).and_then(PageHeader::parse) else {
        return Ok(None);
    };
    let body = buffer
        .get_mut(header_len..header.page_len())
        .unwrap_or_default();
    if source.read_some(body)? < body.len() {
        return Ok(None);
    }
    let bytes = buffer.get(..header.page_len()).unwrap_or_default();
    if !crc_matches(bytes) {
        return Ok(None);
    }
    source.seek_to(at.saturating_add(header.page_len() as u64));
    Ok(Some(Page { header, bytes }))
}

/// The offset of the next capture pattern at or after `from`.
fn next_capture(source: &mut Source, from: u64) -> Result<Option<u64>, ProbeError> {
    source.seek_to(from);
    let mut recent = [0u8; 4];
    let mut chunk = [0u8; 4096];
    let mut chunk_start = from;
    loop {
        let read = source.read_some(&mut chunk)?;
        if read == 0 {
            return Ok(None);
        }
        source.tick()?;
        for (offset, &byte) in chunk.get(..read).unwrap_or_default().iter().enumerate() {
            recent = [recent[1], recent[2], recent[3], byte];
            if &recent == CAPTURE_PATTERN {
                let last = chunk_start.saturating_add(offset as u64);
                return Ok(Some(last.saturating_sub(3).max(from)));
            }
        }
        chunk_start = chunk_start.saturating_add(read as u64);
    }
}

fn crc_matches(page: &[u8]) -> bool {
    let Some(stored) = array_at::<4>(page, 22).map(u32::from_le_bytes) else {
        return false;
    };
    checksum(page) == stored
}

/// Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, zero initial value, computed with the
/// checksum field (bytes 22..26) taken as zero.
pub(super) fn checksum(page: &[u8]) -> u32 {
    page.iter().enumerate().fold(0u32, |crc, (index, &byte)| {
        let byte = if (22..26).contains(&index) { 0 } else { byte };
        let slot = usize::from(((crc >> 24) as u8) ^ byte);
        (crc << 8) ^ CRC_TABLE.get(slot).copied().unwrap_or(0)
    })
}

const CRC_TABLE: [u32; 256] = crc_table();

// Runs at compile time, so neither indexing nor shifts can fail at run time.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut index = 0;
    while index < 256 {
        let mut crc = (index as u32) << 24;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04C1_1DB7
            } else {
                crc << 1
            };
            bit += 1;
        }
        table[index] = crc;
        index += 1;
    }
    table
}
