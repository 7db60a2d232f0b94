//! Location and author tags taken out of an accepted recording before it is stored, in place
//! and without re-encoding: phones write GPS coordinates and the owner's name into their
//! recordings, the server publishes approved entries to anyone, and judges may be blind.
//!
//! The file keeps its length and every byte of its media; only metadata structures are
//! turned into padding a player skips, and their contents are zeroed (a `free` box whose
//! payload still spelled the coordinates would hide nothing from a hex editor):
//!
//! - MP4/M4A/MOV: `udta` (iTunes tags, `©xyz` location, `©ART`), `meta` (Apple's
//!   `com.apple.quicktime.location.ISO6709`) and XMP `uuid` boxes, at the top level, in
//!   `moov` and in each `trak`, become `free` boxes of the same size.
//! - WebM/Matroska: `Tags` and `Attachments` (cover pictures carry EXIF) at the Segment level
//!   and `Info/Title` become `Void` elements of the same total length; a SeekHead entry that
//!   pointed at them becomes `Void` too, and so does the CRC-32 of a master element we changed.
//! - MP3: leading ID3v2 tags keep their size but hold only padding; an ID3v1 tag keeps only
//!   its `TAG` marker. (APEv2 tags, which phones do not write, are left.)
//! - Ogg Opus/Vorbis: the comment header lists no comment (the vendor string stays), its
//!   bytes zeroed and its pages' checksums redone; a Theora stream's comments are left.
//! - WAV: `LIST`/`INFO`, `id3 `, `_PMX` (XMP), `iXML` and `bext` chunks become `JUNK`.
//!
//! MP3, Ogg and WAV rarely carry a location, but their artist tags would tell judges who
//! made an entry that blind judging hides.
//!
//! The walkers read through the prober's [`Source`] and container readers, with the same
//! budget and the same fixed nesting (never recursing on input).

mod mp3;
mod mp4;
mod ogg;
mod wav;
mod webm;

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use super::{Budget, Container, ProbeError};

/// Zeros are written this much at a time.
const ZEROS_LEN: usize = 64 * 1024;

/// One structure to turn into padding: `header` is written at `at`, and the bytes after it up
/// to `end` are zeroed.
#[derive(Debug)]
struct Blank {
    what: &'static str,
    at: u64,
    header: Vec<u8>,
    end: u64,
}

/// What a scrub blanked, for the logs: the structure, where its rewrite starts and how many
/// bytes that covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blanked {
    pub what: &'static str,
    pub at: u64,
    pub len: u64,
}

/// Blanks the location and author metadata of the recording at `path` in place, for a file
/// the prober accepted; returns what it blanked.
pub fn scrub_file(path: &Path, budget: &Budget) -> Result<Vec<Blanked>, ProbeError> {
    let blanks = {
        let (mut source, container) = super::open_sniffed(path, budget)?;
        let blanks = match container {
            Container::Mp4 => mp4::blanks(&mut source)?,
            Container::WebM => webm::blanks(&mut source)?,
            Container::Mp3 => mp3::blanks(&mut source)?,
            Container::Wav => wav::blanks(&mut source)?,
            Container::Ogg => ogg::blanks(&mut source)?,
        };
        let len = source.len();
        blanks
            .into_iter()
            .map(|blank| Blank {
                end: blank.end.min(len),
                ..blank
            })
            .collect::<Vec<_>>()
    };
    if blanks.is_empty() {
        return Ok(Vec::new());
    }
    let mut file = File::options().write(true).open(path)?;
    let zeros = vec![0u8; ZEROS_LEN];
    let mut blanked = Vec::with_capacity(blanks.len());
    for blank in blanks {
        file.seek(SeekFrom::Start(blank.at))?;
        file.write_all(&blank.header)?;
        let mut at = blank.at.saturating_add(blank.header.len() as u64);
        while at < blank.end {
            let count = blank.end.saturating_sub(at).min(ZEROS_LEN as u64);
            let chunk = zeros
                .get(..usize::try_from(count).unwrap_or(ZEROS_LEN))
                .unwrap_or_default();
            file.write_all(chunk)?;
            at = at.saturating_add(count);
        }
        blanked.push(Blanked {
            what: blank.what,
            at: blank.at,
            len: blank.end.saturating_sub(blank.at),
        });
    }
    file.flush()?;
    Ok(blanked)
}

#[cfg(test)]
mod tests;
