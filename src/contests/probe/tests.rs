#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use super::*;

#[test]
fn walked_duration_wins_over_a_header_that_disagrees() {
    assert_eq!(reconcile_durations(Some(1_000), Some(7_500)), Some(7_500));
    assert_eq!(reconcile_durations(Some(60_000), Some(7_500)), Some(7_500));
    assert_eq!(reconcile_durations(Some(7_400), Some(7_500)), Some(7_500));
    assert_eq!(reconcile_durations(Some(7_600), Some(7_500)), Some(7_600));
    assert_eq!(reconcile_durations(Some(7_600), None), Some(7_600));
    assert_eq!(reconcile_durations(Some(0), Some(0)), None);
}

#[test]
fn ticks_round_up() {
    assert_eq!(ticks_to_ms(1, 48_000), Some(1));
    assert_eq!(ticks_to_ms(48_000, 48_000), Some(1_000));
    assert_eq!(ticks_to_ms(5, 0), None);
    assert_eq!(ticks_to_ms(u64::MAX, 1), Some(u64::MAX));
}

#[test]
fn sniff_by_magic_bytes() {
    let mut webm = vec![0x1A, 0x45, 0xDF, 0xA3];
    webm.resize(64, 0);
    assert_eq!(sniff(&webm), Some(Container::WebM));
    assert_eq!(
        sniff(b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00"),
        Some(Container::Mp4)
    );
    assert_eq!(
        sniff(b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00"),
        Some(Container::Mp4)
    );
    assert_eq!(
        sniff(b"\x00\x00\x00\x08wide\x00\x00\x00\x08mdat"),
        Some(Container::Mp4)
    );
    assert_eq!(sniff(b"OggS\x00\x02\x00\x00"), Some(Container::Ogg));
    assert_eq!(sniff(b"RIFF\x24\x00\x00\x00WAVEfmt "), Some(Container::Wav));
    assert_eq!(sniff(b"RF64\xff\xff\xff\xffWAVEds64"), Some(Container::Wav));
    assert_eq!(
        sniff(b"ID3\x04\x00\x00\x00\x00\x00\x00"),
        Some(Container::Mp3)
    );
    assert_eq!(sniff(&[0xFF, 0xFB, 0x90, 0x64]), Some(Container::Mp3));
}

#[test]
fn sniff_rejects_other_formats() {
    assert_eq!(sniff(b""), None);
    assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), None);
    assert_eq!(sniff(b"PK\x03\x04\x14\x00\x06\x00"), None);
    assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\x00\x10JFIF"), None);
    assert_eq!(sniff(b"RIFF\x24\x00\x00\x00AVI LIST"), None);
    assert_eq!(
        sniff(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"),
        None
    );
    assert_eq!(
        sniff(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1"),
        None
    );
    // A frame header whose successor (inside the head) is not one.
    let mut fake = vec![0xFF, 0xFB, 0x90, 0x64];
    fake.resize(1000, 0x55);
    assert_eq!(sniff(&fake), None);
}
