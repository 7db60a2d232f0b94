//! WAV: chunks of tags (`LIST`/`INFO`: artist, name, comments; `id3 `; XMP `_PMX`; `iXML`;
//! Broadcast WAV's `bext`: originator and description) become `JUNK` chunks of the same size.

use super::super::ProbeError;
use super::super::source::Source;
use super::Blank;

/// A 32-bit size that means "see ds64" (RF64) or "to the end" (a recorder that never
/// seeked back).
const PLACEHOLDER: u32 = 0xFFFF_FFFF;

pub(super) fn blanks(source: &mut Source) -> Result<Vec<Blank>, ProbeError> {
    let mut blanks = Vec::new();
    source.seek_to(0);
    let magic = source.read_array::<4>()?;
    let _riff_size = source.read_u32_le()?;
    if source.read_array::<4>()? != *b"WAVE" {
        return Ok(blanks);
    }
    let is_rf64 = magic != *b"RIFF";
    let mut rf64_data_size = None;
    while source.remaining() >= 8 {
        source.tick()?;
        let start = source.position();
        let id = source.read_array::<4>()?;
        let declared = source.read_u32_le()?;
        let body = source.position();
        let size = match &id {
            b"ds64" if is_rf64 => {
                let _riff_size = source.read_u64_le()?;
                rf64_data_size = Some(source.read_u64_le()?);
                u64::from(declared)
            }
            b"data" => match (declared, rf64_data_size) {
                (0, _) => break,
                (PLACEHOLDER, Some(size)) if is_rf64 => size,
                (PLACEHOLDER, _) => break,
                (size, _) => u64::from(size),
            },
            _ => u64::from(declared),
        };
        let what = match &id {
            b"LIST" if declared >= 4 => match &source.read_array::<4>()? {
                b"INFO" => Some("wav LIST/INFO"),
                _ => None,
            },
            b"id3 " | b"ID3 " => Some("wav id3"),
            b"_PMX" => Some("wav XMP"),
            b"iXML" => Some("wav iXML"),
            b"bext" => Some("wav bext"),
            _ => None,
        };
        if let Some(what) = what {
            let mut header = b"JUNK".to_vec();
            header.extend_from_slice(&declared.to_le_bytes());
            blanks.push(Blank {
                what,
                at: start,
                header,
                end: body.saturating_add(size),
            });
        }
        // Chunks are padded to an even length.
        source.seek_to(body.saturating_add(size).saturating_add(size & 1));
    }
    Ok(blanks)
}
