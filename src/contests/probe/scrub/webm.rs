//! WebM/Matroska: `Tags`, `Attachments` and `Info/Title` become `Void`, with the SeekHead
//! entries that point at what was blanked and the CRC-32 of any master element changed.

use super::super::source::Source;
use super::super::webm::{
    Element, Header, ID_ATTACHMENTS, ID_CLUSTER, ID_CRC32, ID_EBML, ID_INFO, ID_SEEK_HEAD,
    ID_SEGMENT, ID_TAGS, ID_VOID, SEGMENT_LEVEL_IDS, find_segment, read_child, read_ebml_header,
    read_header,
};
use super::super::{ProbeError, malformed};
use super::Blank;

const ID_TITLE: u32 = 0x7BA9;
const ID_SEEK: u32 = 0x4DBB;
const ID_SEEK_ID: u32 = 0x53AB;
/// An EBML size is at most 8 bytes.
const MAX_SIZE_LEN: u64 = 8;

pub(super) fn blanks(source: &mut Source) -> Result<Vec<Blank>, ProbeError> {
    read_ebml_header(source)?;
    let segment = find_segment(source)?;
    let file_len = source.len();
    let mut blanks = Vec::new();
    source.seek_to(segment.data);
    while source.position() < file_len {
        let start = source.position();
        let Header::Element(element) = read_header(source)? else {
            break;
        };
        source.tick()?;
        match element.id {
            ID_CLUSTER => {
                skip_cluster(source, &element)?;
                continue;
            }
            // A chained second file; players stop at the first.
            ID_EBML | ID_SEGMENT => break,
            _ => {}
        }
        let Some(end) = element.end() else {
            break;
        };
        match element.id {
            ID_TAGS => blanks.push(void("webm Tags", start, &element, end)?),
            ID_ATTACHMENTS => blanks.push(void("webm Attachments", start, &element, end)?),
            ID_INFO if end <= file_len => {
                blank_children(source, &element, end, &mut blanks, |_, child| {
                    Ok((child.id == ID_TITLE).then_some("webm Info/Title"))
                })?;
            }
            ID_SEEK_HEAD if end <= file_len => {
                blank_children(source, &element, end, &mut blanks, |source, child| {
                    Ok(points_at_blanked(source, child)?.then_some("webm SeekHead entry"))
                })?;
            }
            _ => {}
        }
        if end > file_len {
            break;
        }
        source.seek_to(end);
    }
    Ok(blanks)
}

/// Blanks the children of `master` that `pick` names, and then its CRC-32 if any was.
fn blank_children(
    source: &mut Source,
    master: &Element,
    end: u64,
    blanks: &mut Vec<Blank>,
    mut pick: impl FnMut(&mut Source, &Element) -> Result<Option<&'static str>, ProbeError>,
) -> Result<(), ProbeError> {
    source.seek_to(master.data);
    let mut crc = None;
    let mut changed = false;
    while source.position() < end {
        let start = source.position();
        let (child, child_end) = read_child(source, end)?;
        if child.id == ID_CRC32 {
            crc = Some(void("webm CRC-32", start, &child, child_end)?);
        } else if let Some(what) = pick(source, &child)? {
            blanks.push(void(what, start, &child, child_end)?);
            changed = true;
        }
        source.seek_to(child_end);
    }
    if changed {
        blanks.extend(crc);
    }
    Ok(())
}

/// Whether a SeekHead child is a `Seek` pointing at an element we blank.
fn points_at_blanked(source: &mut Source, seek: &Element) -> Result<bool, ProbeError> {
    let Some(end) = seek.end().filter(|_| seek.id == ID_SEEK) else {
        return Ok(false);
    };
    while source.position() < end {
        let (child, child_end) = read_child(source, end)?;
        if child.id == ID_SEEK_ID {
            let mut id = [0u8; 4];
            let len = child.size.unwrap_or(0).min(4);
            let len = usize::try_from(len).unwrap_or(0);
            source.read_exact(id.get_mut(..len).unwrap_or_default())?;
            let id = id
                .get(..len)
                .unwrap_or_default()
                .iter()
                .fold(0u32, |id, &byte| (id << 8) | u32::from(byte));
            return Ok(matches!(id, ID_TAGS | ID_ATTACHMENTS));
        }
        source.seek_to(child_end);
    }
    Ok(false)
}

/// Moves past a cluster; an unknown-size one ends where a segment-level element starts.
fn skip_cluster(source: &mut Source, cluster: &Element) -> Result<(), ProbeError> {
    if let Some(end) = cluster.end() {
        source.seek_to(end);
        return Ok(());
    }
    let file_len = source.len();
    loop {
        let at = source.position();
        if at >= file_len {
            return Ok(());
        }
        let child = match read_header(source)? {
            Header::Element(child) => child,
            Header::Eof => return Ok(()),
            Header::Invalid => return Err(malformed("invalid EBML element in Cluster")),
        };
        if SEGMENT_LEVEL_IDS.contains(&child.id) {
            source.seek_to(at);
            return Ok(());
        }
        source.tick()?;
        let end = child
            .end()
            .ok_or_else(|| malformed("unknown-size element inside a Cluster"))?;
        source.seek_to(end);
    }
}

/// A `Void` of the same total length as the element at `start`: its 1-byte ID leaves the
/// old header's other bytes to a wider size (up to 8 bytes; past that they become payload).
fn void(what: &'static str, start: u64, element: &Element, end: u64) -> Result<Blank, ProbeError> {
    let header_len = element
        .data
        .checked_sub(start)
        .filter(|&len| len >= 2)
        .ok_or_else(|| malformed("EBML header too short"))?;
    let size_len = header_len.saturating_sub(1).min(MAX_SIZE_LEN);
    let size = end
        .checked_sub(start)
        .and_then(|total| total.checked_sub(1))
        .and_then(|rest| rest.checked_sub(size_len))
        .ok_or_else(|| malformed("EBML element too short"))?;
    let marker = 1u64
        .checked_shl(u32::try_from(size_len.saturating_mul(7)).unwrap_or(u32::MAX))
        .ok_or_else(|| malformed("EBML size too wide"))?;
    // All ones would mean "unknown size".
    if size >= marker.saturating_sub(1) {
        return Err(malformed("EBML element too long to blank"));
    }
    let encoded = (marker | size).to_be_bytes();
    let skip = usize::try_from(MAX_SIZE_LEN.saturating_sub(size_len)).unwrap_or(0);
    let mut header = vec![u8::try_from(ID_VOID).unwrap_or(0xEC)];
    header.extend_from_slice(encoded.get(skip..).unwrap_or_default());
    Ok(Blank {
        what,
        at: start,
        header,
        end,
    })
}

#[cfg(test)]
pub(super) fn void_for_tests(start: u64, element: &Element, end: u64) -> Blank {
    #[allow(clippy::unwrap_used)]
    void("test", start, element, end).unwrap()
}
