//! Hand-built streams for the paths ffmpeg does not exercise: fragment defaults and `mehd`,
//! VBRI headers, junk between MP3 frames and after Ogg pages.

use crate::common;

use civiquiz::contests::probe::MediaKind;
use common::{TOLERANCE_MS, find, fragment, fragmented_moov, mp3_frames, probe_bytes};

/// 47 AAC frames of 1024 samples at 48 kHz per fragment.
const SAMPLES: u32 = 47;
const FRAGMENT_TICKS: u64 = 47 * 1024;

fn ten_fragments(fragment_for: impl Fn(u64) -> Vec<u8>) -> Vec<u8> {
    (0..10).flat_map(fragment_for).collect()
}

fn expected_ms(fragments: u64) -> u64 {
    (fragments * FRAGMENT_TICKS * 1000).div_ceil(48_000)
}

#[test]
fn fragment_durations_from_trex_tfhd_or_samples() {
    // trex default only, no tfdt: fragments follow each other.
    let bytes = [
        fragmented_moov(None, 1024),
        ten_fragments(|_| fragment(None, None, SAMPLES, None)),
    ]
    .concat();
    let info = probe_bytes("trex.mp4", &bytes).expect("probe");
    assert_eq!(info.duration_ms, expected_ms(10));
    assert_eq!(info.kind, MediaKind::Audio);
    assert_eq!(info.content_type, "audio/mp4");
    assert_eq!(info.codecs, ["aac"]);

    // tfhd default overrides trex.
    let bytes = [
        fragmented_moov(None, 1),
        ten_fragments(|_| fragment(Some(1024), None, SAMPLES, None)),
    ]
    .concat();
    assert_eq!(
        probe_bytes("tfhd.mp4", &bytes).expect("probe").duration_ms,
        expected_ms(10)
    );

    // Per-sample durations override both.
    let durations = vec![1024u32; SAMPLES as usize];
    let bytes = [
        fragmented_moov(None, 1),
        ten_fragments(|_| fragment(Some(1), None, SAMPLES, Some(&durations))),
    ]
    .concat();
    assert_eq!(
        probe_bytes("trun.mp4", &bytes).expect("probe").duration_ms,
        expected_ms(10)
    );
}

#[test]
fn tfdt_places_fragments_on_the_timeline() {
    // The last fragment starts at 20 fragments' worth of ticks: a gap the player plays as
    // such, so the file lasts 21 fragments.
    let bytes = [
        fragmented_moov(None, 1024),
        ten_fragments(|index| {
            let start = if index == 9 { 20 } else { index } * FRAGMENT_TICKS;
            fragment(None, Some(start), SAMPLES, None)
        }),
    ]
    .concat();
    assert_eq!(
        probe_bytes("tfdt.mp4", &bytes).expect("probe").duration_ms,
        expected_ms(21)
    );
}

#[test]
fn mehd_is_trusted_only_when_it_agrees_with_the_fragments() {
    let fragments = ten_fragments(|_| fragment(None, None, SAMPLES, None));
    let walked = expected_ms(10);
    for (mehd, expected) in [
        (1_000, walked),
        (600_000, walked),
        (walked as u32 + 50, walked + 50),
    ] {
        let bytes = [fragmented_moov(Some(mehd), 1024), fragments.clone()].concat();
        let info = probe_bytes("mehd.mp4", &bytes).expect("probe");
        assert_eq!(info.duration_ms, expected, "mehd {mehd} ms");
    }
}

#[test]
fn a_fragment_for_an_unknown_track_adds_nothing() {
    let mut stray = fragment(None, None, SAMPLES, None);
    // tfhd track_id 1 → 7
    let tfhd = find(&stray, b"tfhd").expect("tfhd") + 8;
    stray[tfhd..tfhd + 4].copy_from_slice(&7u32.to_be_bytes());
    let bytes = [
        fragmented_moov(None, 1024),
        fragment(None, None, SAMPLES, None),
        stray,
    ]
    .concat();
    assert_eq!(
        probe_bytes("stray.mp4", &bytes).expect("probe").duration_ms,
        expected_ms(1)
    );
}

/// 44.1 kHz MPEG-1 Layer III: 1152 samples per frame.
fn mp3_ms(frames: u64) -> u64 {
    (frames * 1152 * 1000).div_ceil(44_100)
}

#[test]
fn vbri_header_gives_the_frame_count() {
    let mut bytes = mp3_frames(200);
    // VBRI sits 32 bytes after the first frame's header.
    bytes[36..40].copy_from_slice(b"VBRI");
    bytes[36 + 14..36 + 18].copy_from_slice(&150u32.to_be_bytes());
    let info = probe_bytes("vbri.mp3", &bytes).expect("probe");
    assert_eq!(info.duration_ms, mp3_ms(150));
    assert_eq!(info.codecs, ["mp3"]);
}

#[test]
fn xing_header_is_used_when_plausible() {
    let mut bytes = mp3_frames(200);
    // Stereo MPEG-1: Xing follows 32 bytes of side information.
    bytes[36..40].copy_from_slice(b"Xing");
    bytes[40..44].copy_from_slice(&1u32.to_be_bytes());
    bytes[44..48].copy_from_slice(&199u32.to_be_bytes());
    assert_eq!(
        probe_bytes("xing.mp3", &bytes).expect("probe").duration_ms,
        mp3_ms(199)
    );
    // 3 frames for 83 KB would be 4 Mbit/s: impossible, so the frames are walked.
    bytes[44..48].copy_from_slice(&3u32.to_be_bytes());
    assert_eq!(
        probe_bytes("xing-lie.mp3", &bytes)
            .expect("probe")
            .duration_ms,
        mp3_ms(199)
    );
}

#[test]
fn junk_between_mp3_frames_is_skipped_and_the_rest_counted() {
    let mut bytes = mp3_frames(100);
    bytes.extend((0..5000u32).map(|index| (index * 7 % 251) as u8));
    bytes.extend(mp3_frames(100));
    bytes.extend(b"TAG");
    bytes.extend([0u8; 125]);
    let info = probe_bytes("junk.mp3", &bytes).expect("probe");
    assert!(
        info.duration_ms.abs_diff(mp3_ms(200)) <= TOLERANCE_MS,
        "{} ms",
        info.duration_ms
    );
}

#[test]
fn id3_tag_then_padding_before_the_first_frame() {
    let mut bytes = b"ID3\x04\x00\x00\x00\x00\x01\x00".to_vec(); // 128-byte tag body
    bytes.extend([0u8; 128]);
    bytes.extend([0u8; 300]); // padding some taggers leave
    bytes.extend(mp3_frames(50));
    assert_eq!(
        probe_bytes("id3.mp3", &bytes).expect("probe").duration_ms,
        mp3_ms(50)
    );
}

#[test]
fn ogg_with_junk_after_the_last_page_is_walked() {
    let ogg = std::fs::read(common::committed_path("ogg_vorbis")).expect("fixture");
    let full = probe_bytes("ogg", &ogg).expect("probe").duration_ms;
    let mut padded = ogg.clone();
    padded.extend(vec![0u8; 100 * 1024]);
    assert_eq!(
        probe_bytes("padded.ogg", &padded)
            .expect("probe")
            .duration_ms,
        full
    );
}
