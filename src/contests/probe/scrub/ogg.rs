//! Ogg Opus and Vorbis: the comment header (`OpusTags`, or Vorbis's) keeps its vendor string
//! and its length but lists no comment; the bytes that held them are zeroed, and each page
//! that changed gets its checksum again. Page sizes, lacing and granules do not change.
//! A Theora stream's comments are left alone (phones do not record Ogg video).

use super::super::ogg::{
    AudioCodec, FLAG_BEGINNING_OF_STREAM, MAX_PAGE_LEN, MAX_STREAMS, PAGE_HEADER_LEN, checksum,
    read_page,
};
use super::super::source::Source;
use super::super::{ProbeError, array_at, malformed};
use super::Blank;

/// Pages a comment header may span (cover pictures make them long): 8 MiB at most in memory.
const MAX_COMMENT_PAGES: usize = 128;
/// Where a page's checksum sits.
const CHECKSUM_AT: usize = 22;

/// One lacing segment of the comment packet: (page, offset in the page, length).
type Segment = (usize, usize, usize);

pub(super) fn blanks(source: &mut Source) -> Result<Vec<Blank>, ProbeError> {
    let mut buffer = vec![0u8; MAX_PAGE_LEN];
    source.seek_to(0);
    let mut audio = None;
    for _ in 0..MAX_STREAMS {
        let at = source.position();
        let Some(page) = read_page(source, &mut buffer)? else {
            break;
        };
        if page.header.flags & FLAG_BEGINNING_OF_STREAM == 0 {
            source.seek_to(at);
            break;
        }
        if audio.is_none() {
            audio = AudioCodec::identify(page.first_packet()).map(|c| (page.header.serial, c));
        }
    }
    let Some((serial, codec)) = audio else {
        return Ok(Vec::new());
    };

    // The comment header is the stream's second packet; the first was alone on its first
    // page, so it starts with the stream's next page.
    let mut pages: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut segments: Vec<Segment> = Vec::new();
    let mut complete = false;
    while !complete {
        let at = source.position();
        let Some(page) = read_page(source, &mut buffer)? else {
            return Err(malformed("damaged or missing Ogg comment header"));
        };
        if page.header.serial != serial {
            continue;
        }
        if pages.len() >= MAX_COMMENT_PAGES {
            return Err(ProbeError::TooComplex);
        }
        let mut offset = page.header.header_len;
        for &lace in page.lacing() {
            let lace = usize::from(lace);
            segments.push((pages.len(), offset, lace));
            offset = offset.saturating_add(lace);
            if lace < 255 {
                complete = true;
                break;
            }
        }
        pages.push((at, page.bytes.to_vec()));
    }

    let mut packet: Vec<u8> = Vec::new();
    for &(page, offset, len) in &segments {
        let bytes = pages
            .get(page)
            .and_then(|(_, bytes)| bytes.get(offset..offset.saturating_add(len)))
            .ok_or_else(|| malformed("Ogg segment outside its page"))?;
        packet.extend_from_slice(bytes);
    }
    if !clear_comments(&mut packet, codec)? {
        return Ok(Vec::new());
    }
    let mut from = 0usize;
    for &(page, offset, len) in &segments {
        let bytes = packet
            .get(from..from.saturating_add(len))
            .unwrap_or_default();
        if let Some(target) = pages
            .get_mut(page)
            .and_then(|(_, page)| page.get_mut(offset..offset.saturating_add(len)))
        {
            target.copy_from_slice(bytes);
        }
        from = from.saturating_add(len);
    }
    Ok(pages
        .into_iter()
        .filter(|(_, bytes)| bytes.len() >= PAGE_HEADER_LEN)
        .map(|(at, mut bytes)| {
            let sum = checksum(&bytes).to_le_bytes();
            if let Some(field) = bytes.get_mut(CHECKSUM_AT..CHECKSUM_AT.saturating_add(4)) {
                field.copy_from_slice(&sum);
            }
            let end = at.saturating_add(bytes.len() as u64);
            Blank {
                what: "ogg comment header page",
                at,
                header: bytes,
                end,
            }
        })
        .collect())
}

/// Sets the comment count to zero and zeroes the comments (Vorbis keeps its framing bit right
/// after the count). `false` when there was nothing to clear.
fn clear_comments(packet: &mut [u8], codec: AudioCodec) -> Result<bool, ProbeError> {
    let (magic, framing): (&[u8], bool) = match codec {
        AudioCodec::Opus { .. } => (b"OpusTags", false),
        AudioCodec::Vorbis { .. } => (b"\x03vorbis", true),
    };
    if !packet.starts_with(magic) {
        return Err(malformed("Ogg comment header expected"));
    }
    let vendor_len = array_at::<4>(packet, magic.len())
        .map(u32::from_le_bytes)
        .and_then(|len| usize::try_from(len).ok())
        .ok_or_else(|| malformed("Ogg comment header too short"))?;
    let count_at = magic.len().saturating_add(4).saturating_add(vendor_len);
    let count = array_at::<4>(packet, count_at)
        .map(u32::from_le_bytes)
        .ok_or_else(|| malformed("Ogg comment header too short"))?;
    if count == 0 {
        return Ok(false);
    }
    let tail = packet
        .get_mut(count_at..)
        .ok_or_else(|| malformed("Ogg comment header too short"))?;
    tail.fill(0);
    if framing {
        let framing_bit = tail
            .get_mut(4)
            .ok_or_else(|| malformed("Vorbis comment header without a framing bit"))?;
        *framing_bit = 1;
    }
    Ok(true)
}
