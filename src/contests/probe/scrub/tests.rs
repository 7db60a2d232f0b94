#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use super::super::webm::Element;
use super::*;

fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(body.len() + 8)
        .unwrap()
        .to_be_bytes()
        .to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

fn scrubbed(bytes: &[u8]) -> (Vec<u8>, Vec<Blanked>) {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    let blanked = scrub_file(file.path(), &Budget::default()).unwrap();
    (std::fs::read(file.path()).unwrap(), blanked)
}

#[test]
fn mp4_metadata_boxes_become_zeroed_free_boxes_of_the_same_size() {
    let location = b"\xA9xyz\x00\x12\x15\xC7+21.0285+105.8542/";
    let udta = mp4_box(b"udta", &mp4_box(b"\xA9xyz", location));
    let mut large_meta = 1u32.to_be_bytes().to_vec();
    large_meta.extend_from_slice(b"meta");
    large_meta.extend_from_slice(&(16u64 + 6).to_be_bytes());
    large_meta.extend_from_slice(b"Nguyen");
    let trak = mp4_box(b"trak", &[mp4_box(b"tkhd", &[0; 24]), large_meta].concat());
    let moov = mp4_box(b"moov", &[mp4_box(b"mvhd", &[0; 20]), trak, udta].concat());
    let file = [
        mp4_box(b"ftyp", b"isom\0\0\x02\0isom"),
        moov,
        mp4_box(b"mdat", &[7; 40]),
    ]
    .concat();
    let (out, blanked) = scrubbed(&file);
    assert_eq!(out.len(), file.len());
    let whats: Vec<_> = blanked.iter().map(|b| b.what).collect();
    assert_eq!(whats, ["mp4 meta", "mp4 udta"]);
    assert!(!out.windows(8).any(|w| w == b"+21.0285"));
    assert!(!out.windows(6).any(|w| w == b"Nguyen"));
    assert!(!out.windows(4).any(|w| w == b"udta" || w == b"meta"));
    // The 64-bit size is kept, so the box still ends where it did.
    let at = out.windows(4).position(|w| w == b"free").unwrap() - 4;
    assert_eq!(&out[at..at + 16], b"\0\0\0\x01free\0\0\0\0\0\0\0\x16");
    assert!(out[at + 16..at + 22].iter().all(|&b| b == 0));
    // The media is untouched.
    assert!(out.ends_with(&[7; 40]));
}

#[test]
fn a_void_spans_exactly_the_element_it_replaces() {
    // 4-byte ID and a 1-byte size: the size widens to 4 bytes.
    let element = Element {
        id: 0x1254_C367,
        data: 105,
        size: Some(10),
    };
    let blank = webm::void_for_tests(100, &element, 115);
    assert_eq!(blank.header, [0xEC, 0x10, 0x00, 0x00, 0x0A]);
    // 4-byte ID and an 8-byte size: the size stays 8 bytes, three header bytes become payload.
    let element = Element {
        id: 0x1254_C367,
        data: 112,
        size: Some(10),
    };
    let blank = webm::void_for_tests(100, &element, 122);
    assert_eq!(blank.header.len(), 9);
    assert_eq!(blank.header[1], 0x01);
    assert_eq!(
        u64::from_be_bytes(blank.header[1..9].try_into().unwrap()) & !(1 << 56),
        13
    );
    // 2-byte ID and a 1-byte size (Title): a 2-byte size.
    let element = Element {
        id: 0x7BA9,
        data: 3,
        size: Some(5),
    };
    let blank = webm::void_for_tests(0, &element, 8);
    assert_eq!(blank.header, [0xEC, 0x40, 0x05]);
}
