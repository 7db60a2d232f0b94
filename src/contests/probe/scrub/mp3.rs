//! MP3: the leading ID3v2 tags keep their size but lose every frame (all padding, which the
//! format allows), and an ID3v1 tag at the end keeps only its `TAG` marker.

use super::super::ProbeError;
use super::super::mp3::{MAX_ID3_TAGS, id3_tag_len};
use super::super::source::Source;
use super::Blank;

const ID3V2_HEADER_LEN: u64 = 10;
/// The footer flag; kept so a footer stays where the header says it is.
const ID3V2_FOOTER: u8 = 0x10;
const ID3V1_LEN: u64 = 128;

pub(super) fn blanks(source: &mut Source) -> Result<Vec<Blank>, ProbeError> {
    let mut blanks = Vec::new();
    source.seek_to(0);
    for _ in 0..MAX_ID3_TAGS {
        let start = source.position();
        let mut header = [0u8; 10];
        let read = source.read_some(&mut header)?;
        let Some(len) = header.get(..read).and_then(id3_tag_len) else {
            break;
        };
        source.tick()?;
        let [_, _, _, _, _, flags, size @ ..] = header;
        let footer = flags & ID3V2_FOOTER;
        let end = start.saturating_add(len);
        let frames_end = if footer != 0 {
            end.saturating_sub(ID3V2_HEADER_LEN)
        } else {
            end
        };
        // Unsynchronisation, extended header and experimental flags go with the frames.
        let mut kept = vec![footer];
        kept.extend_from_slice(&size);
        blanks.push(Blank {
            what: "mp3 ID3v2 frames",
            at: start.saturating_add(5),
            header: kept,
            end: frames_end,
        });
        if footer != 0 {
            blanks.push(Blank {
                what: "mp3 ID3v2 footer flags",
                at: frames_end.saturating_add(5),
                header: vec![footer],
                end: frames_end.saturating_add(6),
            });
        }
        source.seek_to(end);
    }
    let len = source.len();
    if let Some(start) = len.checked_sub(ID3V1_LEN).filter(|&start| start > 0) {
        source.seek_to(start);
        if source.read_array::<3>()? == *b"TAG" {
            blanks.push(Blank {
                what: "mp3 ID3v1",
                at: start,
                header: b"TAG".to_vec(),
                end: len.saturating_sub(1),
            });
            // Genre 255: none.
            blanks.push(Blank {
                what: "mp3 ID3v1 genre",
                at: len.saturating_sub(1),
                header: vec![0xFF],
                end: len,
            });
        }
    }
    Ok(blanks)
}
