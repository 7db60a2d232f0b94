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

#[test]
fn id3_tags_keep_their_size_and_lose_their_frames() {
    let mut frames = b"TPE1\0\0\0\x08\0\0\x03Nguyen\0".to_vec();
    frames.resize(40, 0);
    let size = u8::try_from(frames.len()).unwrap();
    // Version 2.4 with an extended header flag, which goes with the frames.
    let mut file = b"ID3\x04\x00\x40\0\0\0".to_vec();
    file.push(size);
    file.extend_from_slice(&frames);
    file.extend_from_slice(&[0x55; 400]);
    let mut v1 = b"TAGBai du thi".to_vec();
    v1.resize(33, b' ');
    v1.extend_from_slice(b"Nguyen");
    v1.resize(127, 0);
    v1.push(12);
    file.extend_from_slice(&v1);
    let (out, blanked) = scrubbed(&file);
    assert_eq!(out.len(), file.len());
    assert_eq!(blanked.len(), 3, "{blanked:?}");
    assert_eq!(&out[..10], b"ID3\x04\x00\x00\0\0\0\x28");
    assert!(out[10..50].iter().all(|&b| b == 0));
    assert_eq!(&out[50..450], &[0x55; 400][..]);
    assert_eq!(&out[450..453], b"TAG");
    assert!(out[453..577].iter().all(|&b| b == 0));
    assert_eq!(out[577], 0xFF);
}

#[test]
fn wav_tag_chunks_become_junk_of_the_same_size() {
    let chunk = |id: &[u8; 4], body: &[u8]| {
        let mut out = id.to_vec();
        out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
        out.extend_from_slice(body);
        if body.len() % 2 == 1 {
            out.push(0);
        }
        out
    };
    let info = [b"INFO".to_vec(), chunk(b"IART", b"Nguyen Van A")].concat();
    let body = [
        b"WAVE".to_vec(),
        chunk(
            b"fmt ",
            &[1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0],
        ),
        chunk(b"LIST", &info),
        chunk(b"LIST", b"adtlkeep"),
        chunk(b"data", &[9; 101]),
        chunk(b"bext", b"Ha Noi"),
    ]
    .concat();
    let mut file = b"RIFF".to_vec();
    file.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
    file.extend_from_slice(&body);
    let (out, blanked) = scrubbed(&file);
    assert_eq!(out.len(), file.len());
    let whats: Vec<_> = blanked.iter().map(|b| b.what).collect();
    assert_eq!(whats, ["wav LIST/INFO", "wav bext"]);
    assert!(!out.windows(6).any(|w| w == b"Nguyen" || w == b"Ha Noi"));
    assert!(out.windows(8).any(|w| w == b"LISTadtl" || w == b"adtlkeep"));
    assert!(out.windows(101).any(|w| w == [9; 101]));
    let junk = out.windows(4).position(|w| w == b"JUNK").unwrap();
    assert_eq!(
        out[junk + 4..junk + 8],
        u32::try_from(info.len()).unwrap().to_le_bytes()
    );
}
