//! MP4/M4A/MOV: metadata boxes at the top level, in `moov` and in each `trak` become `free`.

use super::super::ProbeError;
use super::super::mp4::{BoxHeader, NextBox, for_each_child, next_box};
use super::super::source::Source;
use super::Blank;

/// The usertype of a `uuid` box holding XMP (Adobe's; XMP carries GPS and creator fields).
const XMP_UUID: [u8; 16] = [
    0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC,
];

pub(super) fn blanks(source: &mut Source) -> Result<Vec<Blank>, ProbeError> {
    let mut blanks = Vec::new();
    let file_len = source.len();
    source.seek_to(0);
    loop {
        let (header, last) = match next_box(source, file_len)? {
            NextBox::Box(header) => (header, false),
            // Cut by the end of the file (inside mdat, say): its header is still there.
            NextBox::Truncated(header) => (header, true),
            NextBox::End | NextBox::Invalid => break,
        };
        source.tick()?;
        if &header.kind == b"moov" && !last {
            for_each_child(source, &header, |source, child| {
                if &child.kind == b"trak" {
                    for_each_child(source, child, |source, grandchild| {
                        blank_if_metadata(source, grandchild, &mut blanks)
                    })
                } else {
                    blank_if_metadata(source, child, &mut blanks)
                }
            })?;
        } else {
            blank_if_metadata(source, &header, &mut blanks)?;
        }
        if last {
            break;
        }
        source.seek_to(header.end);
    }
    Ok(blanks)
}

fn blank_if_metadata(
    source: &mut Source,
    header: &BoxHeader,
    blanks: &mut Vec<Blank>,
) -> Result<(), ProbeError> {
    let what = match &header.kind {
        b"udta" => "mp4 udta",
        b"meta" => "mp4 meta",
        b"uuid" if header.end.saturating_sub(header.body) >= 16 => {
            source.seek_to(header.body);
            if source.read_array::<16>()? != XMP_UUID {
                return Ok(());
            }
            "mp4 XMP uuid"
        }
        _ => return Ok(()),
    };
    // The size field stays; the type becomes `free`, and a 64-bit size is written back as it
    // was, so the payload zeroed after it starts where the old one did.
    let header_len = header.body.saturating_sub(header.start);
    let mut bytes = b"free".to_vec();
    if header_len == 16 {
        bytes.extend_from_slice(&header.end.saturating_sub(header.start).to_be_bytes());
    }
    blanks.push(Blank {
        what,
        at: header.start.saturating_add(4),
        header: bytes,
        end: header.end,
    });
    Ok(())
}
