//! Magic-byte sniffing. Cheap and conservative: it only says which walker to try; the walker
//! decides whether the file really is that format.

use super::{Container, array_at, mp3};

const EBML_MAGIC: &[u8] = &[0x1A, 0x45, 0xDF, 0xA3];

/// First box types of ISO BMFF files: `ftyp` normally; older QuickTime files may begin with
/// any of the others.
const FIRST_BOX_TYPES: [&[u8; 4]; 7] = [
    b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot",
];

/// `ftyp` brands of still images and raw photos that share the ISO BMFF layout.
const IMAGE_BRANDS: [&[u8; 4]; 14] = [
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis",
    b"jp2 ", b"jpx ", b"crx ", b"avci",
];

pub(super) fn container(head: &[u8]) -> Option<Container> {
    if head.starts_with(EBML_MAGIC) {
        Some(Container::WebM)
    } else if head.starts_with(b"OggS") && head.get(4) == Some(&0) {
        Some(Container::Ogg)
    } else if is_wave(head) {
        Some(Container::Wav)
    } else if is_iso_bmff(head) {
        Some(Container::Mp4)
    } else if mp3::sniff(head) {
        Some(Container::Mp3)
    } else {
        None
    }
}

fn is_wave(head: &[u8]) -> bool {
    let riff = head.starts_with(b"RIFF") || head.starts_with(b"RF64") || head.starts_with(b"BW64");
    riff && head.get(8..12) == Some(b"WAVE".as_slice())
}

fn is_iso_bmff(head: &[u8]) -> bool {
    let (Some(size), Some(kind)) = (array_at::<4>(head, 0), head.get(4..8)) else {
        return false;
    };
    let size = u32::from_be_bytes(size);
    // 0 = "to end of file", 1 = 64-bit size follows; anything else must hold the header.
    if !(size <= 1 || size >= 8) || !FIRST_BOX_TYPES.iter().any(|first| first.as_slice() == kind) {
        return false;
    }
    if kind != b"ftyp" {
        return true;
    }
    match head.get(8..12) {
        Some(brand) => !IMAGE_BRANDS.iter().any(|image| image.as_slice() == brand),
        None => true,
    }
}
