//! Inputs a resident (or an attacker) might upload: other formats, truncated files, headers
//! that lie about the duration, absurd sizes and nesting. Never a panic, never a short
//! duration for a long file.

use crate::common;

use std::time::{Duration, Instant};

use civiquiz::contests::probe::{Budget, ProbeError, probe_file, sniff};
use common::{
    COMMITTED, TOLERANCE_MS, committed_path, find, generate_scratch, probe_bytes, recipe,
    webm_cluster, webm_head,
};

fn committed(name: &str) -> Vec<u8> {
    std::fs::read(committed_path(name)).expect("committed fixture")
}

fn assert_unsupported(tag: &str, bytes: &[u8]) {
    assert!(
        matches!(probe_bytes(tag, bytes), Err(ProbeError::Unsupported)),
        "{tag}: expected Unsupported, got {:?}",
        probe_bytes(tag, bytes)
    );
    assert_eq!(sniff(bytes), None, "{tag}: sniff");
}

fn assert_malformed(tag: &str, bytes: &[u8]) {
    let result = probe_bytes(tag, bytes);
    assert!(
        matches!(result, Err(ProbeError::Malformed(_))),
        "{tag}: expected Malformed, got {result:?}"
    );
}

/// A deterministic stream of bytes that looks random.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn other_formats_are_unsupported_whatever_their_name() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x40\0\0\0\x30\x08\x02\0\0\0".to_vec();
    png.extend(noise(2000, 1));
    assert_unsupported("picture.png.mp4", &png);
    let mut zip = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0".to_vec();
    zip.extend(b"word/document.xml");
    zip.extend(noise(2000, 2));
    assert_unsupported("essay.docx.mp4", &zip);
    let mut jpeg = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0,
    ];
    jpeg.extend(noise(2000, 3));
    assert_unsupported("photo.jpg.webm", &jpeg);
    assert_unsupported(
        "doc.pdf.mp3",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    );
    assert_unsupported(
        "page.html.ogg",
        b"<!doctype html><html><body>vote for me</body></html>",
    );
    assert_unsupported(
        "notes.txt.wav",
        "Proposal: more bike lanes on Main Street.\n"
            .repeat(50)
            .as_bytes(),
    );
    let mut elf = b"\x7fELF\x02\x01\x01\0".to_vec();
    elf.extend(noise(2000, 4));
    assert_unsupported("program.mp4", &elf);
    assert_unsupported("anim.gif.webm", b"GIF89a\x40\x00\x30\x00\xf7\x00\x00");
    let mut avi = b"RIFF\x00\x10\x00\x00AVI LIST".to_vec();
    avi.extend(noise(200, 5));
    assert_unsupported("movie.avi", &avi);
    // HEIF photos share the ISO BMFF layout; their ftyp brand gives them away.
    let mut heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic".to_vec();
    heic.extend(noise(500, 6));
    assert_unsupported("photo.heic.mp4", &heic);
    assert_unsupported("empty.mp4", b"");
    assert_unsupported("random.bin", &noise(10_000, 7));
}

#[test]
fn a_stray_mpeg_sync_does_not_make_an_mp3() {
    let mut bytes = vec![0xFF, 0xFB, 0x90, 0x64];
    bytes.extend(noise(10_000, 8));
    assert!(matches!(
        probe_bytes("sync.mp3", &bytes),
        Err(ProbeError::Unsupported)
    ));
    // An ID3 tag followed by anything but MPEG audio claims to be an MP3 and is not.
    let mut tagged = b"ID3\x04\x00\x00\x00\x00\x00\x0a".to_vec();
    tagged.extend([0u8; 10]);
    tagged.extend(noise(10_000, 9));
    assert_malformed("tagged.mp3", &tagged);
}

#[test]
fn missing_file_is_an_io_error() {
    let result = probe_file(
        std::path::Path::new("/nonexistent/recording.webm"),
        &Budget::default(),
    );
    assert!(matches!(result, Err(ProbeError::Io(_))), "{result:?}");
}

/// Cuts every committed fixture at many points: either a duration no longer than the whole
/// file's, or Malformed/Unsupported. Never a panic, never TooComplex on a small file.
#[test]
fn truncated_files_are_malformed_or_shorter() {
    for name in COMMITTED {
        let bytes = committed(name);
        let full = common::probe_bytes(name, &bytes)
            .expect("whole fixture")
            .duration_ms;
        let len = bytes.len();
        let cuts = [
            1,
            4,
            16,
            40,
            64,
            100,
            200,
            500,
            len / 10,
            len / 4,
            len / 2,
            len * 3 / 4,
            len - 100,
            len - 1,
        ];
        for cut in cuts {
            match probe_bytes(name, &bytes[..cut]) {
                Ok(info) => assert!(
                    info.duration_ms <= full + TOLERANCE_MS,
                    "{name} cut at {cut}: {} ms > whole file {full} ms",
                    info.duration_ms
                ),
                Err(ProbeError::Malformed(_) | ProbeError::Unsupported) => {}
                Err(error) => panic!("{name} cut at {cut}: {error:?}"),
            }
        }
    }
}

fn assert_half_is_shorter(name: &str, bytes: &[u8]) {
    let full = probe_bytes(name, bytes).expect("whole").duration_ms;
    let half = probe_bytes(name, &bytes[..bytes.len() / 2])
        .unwrap_or_else(|error| panic!("{name} cut in half: {error}"))
        .duration_ms;
    assert!(
        half > 0 && half < full,
        "{name}: half {half} ms, full {full} ms"
    );
}

#[test]
fn streams_cut_in_half_report_what_is_there() {
    if crate::common::skip_without_ffmpeg() {
        return;
    }
    for name in [
        "webm_opus_mediarecorder",
        "webm_vp8_opus_mediarecorder",
        "wav_pcm16",
    ] {
        assert_half_is_shorter(name, &committed(name));
    }
    // The 1-second Ogg fixtures hold all their audio in one page and the fragmented MP4 one
    // fragment (a fragment whose mdat is cut still counts whole); longer files have several.
    for name in [
        "ogg_opus",
        "ogg_vorbis",
        "mp3_cbr_no_tags",
        "m4a_fragmented_aac",
    ] {
        let path = generate_scratch(recipe(name), 7.5);
        assert_half_is_shorter(name, &std::fs::read(&path).expect("read"));
        let _ = std::fs::remove_file(&path);
    }
    // moov is written last by default: without it there is no track list.
    let mp4 = committed("mp4_h264_aac");
    assert_malformed("mp4 without moov", &mp4[..mp4.len() / 2]);
}

#[test]
fn a_webm_whose_duration_lies_reports_its_clusters() {
    if crate::common::skip_without_ffmpeg() {
        return;
    }
    let path = generate_scratch(recipe("webm_vp9_opus"), 7.5);
    let mut bytes = std::fs::read(&path).expect("read");
    let walked = common::packet_span_ms(&path);
    let at = find(&bytes[..4096], &[0x44, 0x89, 0x88]).expect("8-byte Duration element") + 3;
    for declared_ms in [1_000.0f64, 3_600_000.0] {
        bytes[at..at + 8].copy_from_slice(&declared_ms.to_be_bytes());
        let info = probe_bytes("lying.webm", &bytes).expect("probe");
        assert!(
            info.duration_ms.abs_diff(walked) <= TOLERANCE_MS,
            "Duration {declared_ms} ms: probed {} ms, clusters span {walked} ms",
            info.duration_ms
        );
    }
    let _ = std::fs::remove_file(&path);
}

/// Finds every box of `kind` and returns the offsets of their version bytes.
fn boxes(bytes: &[u8], kind: &[u8; 4]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = find(&bytes[from..], kind) {
        found.push(from + at + 4);
        from += at + 4;
    }
    found
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn write_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_be_bytes());
}

#[test]
fn an_mp4_whose_headers_lie_reports_its_samples() {
    if crate::common::skip_without_ffmpeg() {
        return;
    }
    let path = generate_scratch(recipe("mp4_h264_aac"), 7.5);
    let reference = common::ffprobe_duration_ms(&path);
    let mut bytes = std::fs::read(&path).expect("read");
    // mvhd v0: version+flags, creation, modification, timescale, duration.
    let mvhd = boxes(&bytes, b"mvhd")[0];
    assert_eq!(bytes[mvhd], 0, "expected a version 0 mvhd");
    let movie_timescale = read_u32(&bytes, mvhd + 12);
    write_u32(&mut bytes, mvhd + 16, movie_timescale);
    let info = probe_bytes("lying-mvhd.mp4", &bytes).expect("probe");
    assert!(
        info.duration_ms.abs_diff(reference) <= TOLERANCE_MS,
        "mvhd lie: {} ms",
        info.duration_ms
    );
    let mut inflated = bytes.clone();
    write_u32(&mut inflated, mvhd + 16, movie_timescale * 3600);
    let info = probe_bytes("inflated-mvhd.mp4", &inflated).expect("probe");
    assert!(
        info.duration_ms.abs_diff(reference) <= TOLERANCE_MS,
        "mvhd says 1 h: {} ms",
        info.duration_ms
    );

    // Now every declared duration says 1 s; only the sample tables (stts) tell the truth.
    for tkhd in boxes(&bytes, b"tkhd") {
        write_u32(&mut bytes, tkhd + 20, movie_timescale);
    }
    for mdhd in boxes(&bytes, b"mdhd") {
        let timescale = read_u32(&bytes, mdhd + 12);
        write_u32(&mut bytes, mdhd + 16, timescale);
    }
    let info = probe_bytes("lying-all.mp4", &bytes).expect("probe");
    assert!(
        info.duration_ms.abs_diff(reference) <= TOLERANCE_MS,
        "all headers lie: {} ms",
        info.duration_ms
    );
    let _ = std::fs::remove_file(&path);
}

#[test]
fn an_mp3_whose_xing_header_lies_is_walked() {
    if crate::common::skip_without_ffmpeg() {
        return;
    }
    let path = generate_scratch(recipe("mp3_vbr_xing"), 7.5);
    let reference = common::ffprobe_duration_ms(&path);
    let mut bytes = std::fs::read(&path).expect("read");
    let xing = find(&bytes, b"Xing").expect("Xing header");
    assert_ne!(read_u32(&bytes, xing + 4) & 1, 0, "frame count present");
    write_u32(&mut bytes, xing + 8, 10);
    let info = probe_bytes("lying-xing.mp3", &bytes).expect("probe");
    assert!(
        info.duration_ms.abs_diff(reference) <= TOLERANCE_MS,
        "probed {} ms, real {reference} ms",
        info.duration_ms
    );
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_wav_whose_byte_rate_lies_uses_its_sample_rate() {
    let mut bytes = committed("wav_pcm16");
    let fmt = find(&bytes, b"fmt ").expect("fmt chunk");
    let byte_rate_at = fmt + 8 + 8;
    bytes[byte_rate_at..byte_rate_at + 4].copy_from_slice(&1_600_000u32.to_le_bytes());
    let info = probe_bytes("lying.wav", &bytes).expect("probe");
    assert_eq!(info.duration_ms, 1000);
}

#[test]
fn wav_data_sizes_from_streaming_recorders() {
    let bytes = committed("wav_pcm16");
    let data = find(&bytes, b"data").expect("data chunk") + 4;
    for size in [0u32, 0xFFFF_FFFF, 0xFFFF_FFF0] {
        let mut patched = bytes.clone();
        patched[data..data + 4].copy_from_slice(&size.to_le_bytes());
        let info = probe_bytes("streamed.wav", &patched).expect("probe");
        assert_eq!(info.duration_ms, 1000, "data size {size:#x}");
    }
}

#[test]
fn synthetic_webm_duration_rules() {
    // Two clusters of 50 blocks, 20 ms apart: 0 ms to 1980 ms, plus one 20 ms step.
    let clusters = [webm_cluster(0, 50, 20, 10), webm_cluster(1000, 50, 20, 10)].concat();
    for (declared, expected) in [
        (None, 2000),
        (Some(500.0), 2000),
        (Some(1900.0), 2000),
        (Some(2100.0), 2100),
    ] {
        let bytes = [webm_head("A_OPUS", 2, declared), clusters.clone()].concat();
        let info = probe_bytes("synthetic.webm", &bytes).expect("probe");
        assert_eq!(info.duration_ms, expected, "declared {declared:?}");
        assert_eq!(info.content_type, "audio/webm");
    }
}

#[test]
fn webm_with_huge_or_broken_sizes() {
    let head = webm_head("V_VP8", 1, None);
    // A block claiming 4 GiB in the second cluster: the walk keeps the first cluster.
    let mut bytes = [
        head.clone(),
        webm_cluster(0, 50, 20, 10),
        webm_cluster(1000, 3, 20, 10),
    ]
    .concat();
    bytes.extend([
        0xA3, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x81, 0x00, 0x00, 0x80,
    ]);
    bytes.extend([0u8; 100]);
    let info = probe_bytes("huge-block.webm", &bytes).expect("probe");
    assert_eq!(info.duration_ms, 1060);
    assert_eq!(info.content_type, "video/webm");

    // Tracks claiming more than the file holds.
    let mut bytes = head.clone();
    let tracks = find(&bytes, &[0x16, 0x54, 0xAE, 0x6B]).expect("tracks") + 4;
    bytes[tracks..tracks + 8].copy_from_slice(&[0x01, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF]);
    bytes.extend(webm_cluster(0, 10, 20, 10));
    assert_malformed("huge-tracks.webm", &bytes);

    // Blocks before any cluster timecode, and an invalid element id.
    let mut bytes = head.clone();
    bytes.extend(common::ebml_unknown_size(0x1F43_B675));
    bytes.extend(common::webm_simple_block(0, 10));
    assert_malformed("no-timecode.webm", &bytes);
    let bytes = [
        head.clone(),
        vec![0x00, 0x81, 0x00],
        webm_cluster(0, 10, 20, 10),
    ]
    .concat();
    assert_malformed("bad-id.webm", &bytes);

    // Timecodes at the end of the u64 range saturate instead of overflowing.
    let bytes = [
        head.clone(),
        webm_cluster(u64::MAX, 3, i16::MAX, 1),
        webm_cluster(0, 3, i16::MIN, 1),
    ]
    .concat();
    let result = probe_bytes("extreme-timecodes.webm", &bytes);
    assert!(
        matches!(result, Ok(_) | Err(ProbeError::Malformed(_))),
        "{result:?}"
    );
    assert!(
        result.is_err()
            || result
                .as_ref()
                .is_ok_and(|info| info.duration_ms > 1_000_000)
    );

    // The EBML header is not a WebM one.
    let mut other = common::ebml_element(0x1A45_DFA3, &common::ebml_element(0x4282, b"notwebm"));
    other.extend(&head[head.len() / 2..]);
    assert_unsupported_probe("doctype.webm", &other);
}

fn assert_unsupported_probe(tag: &str, bytes: &[u8]) {
    let result = probe_bytes(tag, bytes);
    assert!(
        matches!(result, Err(ProbeError::Unsupported)),
        "{tag}: {result:?}"
    );
}

#[test]
fn deep_nesting_is_not_recursed_into() {
    const DEPTH: usize = 100_000;
    // BlockGroups nested 100k deep inside a cluster.
    let mut bytes = webm_head("A_OPUS", 2, None);
    bytes.extend(common::ebml_unknown_size(0x1F43_B675));
    bytes.extend(common::ebml_uint(0xE7, 0));
    for level in 0..DEPTH {
        let size = ((DEPTH - level - 1) * 9) as u64 | (1 << 56);
        bytes.push(0xA0);
        bytes.extend(size.to_be_bytes());
    }
    let started = Instant::now();
    assert_malformed("nested.webm", &bytes);

    // trak boxes nested 100k deep inside moov.
    let mut mp4 = b"\x00\x00\x00\x10ftypisom\x00\x00\x02\x00".to_vec();
    let mut mvhd = vec![0u8; 8 + 100];
    mvhd[..8].copy_from_slice(b"\x00\x00\x00\x6cmvhd");
    mvhd[8 + 12..8 + 16].copy_from_slice(&1000u32.to_be_bytes());
    mvhd[8 + 16..8 + 20].copy_from_slice(&1000u32.to_be_bytes());
    let moov_size = 8 + mvhd.len() + 8 * DEPTH;
    mp4.extend((moov_size as u32).to_be_bytes());
    mp4.extend(b"moov");
    mp4.extend(&mvhd);
    for level in 0..DEPTH {
        mp4.extend((((DEPTH - level) * 8) as u32).to_be_bytes());
        mp4.extend(b"trak");
    }
    let result = probe_bytes("nested.mp4", &mp4);
    assert!(
        matches!(result, Ok(_) | Err(ProbeError::Malformed(_))),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn mp4_with_huge_or_broken_sizes() {
    let bytes = committed("mp4_h264_aac");
    let moov = boxes(&bytes, b"moov")[0] - 8;
    let mut huge_moov = bytes.clone();
    write_u32(&mut huge_moov, moov, 0xFFFF_FFF0);
    assert_malformed("huge-moov.mp4", &huge_moov);
    // A 64-bit size of u64::MAX on the first box after ftyp.
    let ftyp_len = read_u32(&bytes, 0) as usize;
    let mut large = bytes[..ftyp_len].to_vec();
    large.extend(1u32.to_be_bytes());
    large.extend(b"mdat");
    large.extend(u64::MAX.to_be_bytes());
    large.extend(&bytes[ftyp_len..]);
    assert_malformed("largesize.mp4", &large);
    // An mdat that claims to run past the end hides the moov behind it.
    let mdat = boxes(&bytes, b"mdat")[0] - 8;
    let mut hidden = bytes.clone();
    write_u32(&mut hidden, mdat, 0x7FFF_FFFF);
    assert_malformed("huge-mdat.mp4", &hidden);
    // A box smaller than its own header.
    let mut tiny = bytes.clone();
    write_u32(&mut tiny, mdat, 4);
    assert_malformed("tiny-box.mp4", &tiny);
}

#[test]
fn ogg_and_wav_with_broken_sizes() {
    let ogg = committed("ogg_opus");
    // The first page claims 255 segments it does not have.
    let mut broken = ogg[..64].to_vec();
    broken[26] = 255;
    assert_malformed("segments.opus", &broken);
    // Only the header pages: no audio.
    let second_page = find(&ogg[4..], b"OggS").expect("second page") + 4;
    let third_page = find(&ogg[second_page + 4..], b"OggS").expect("third page") + second_page + 4;
    assert_malformed("headers-only.opus", &ogg[..third_page]);

    let mut no_fmt = b"RIFF\x24\x00\x00\x00WAVEdata\x10\x00\x00\x00".to_vec();
    no_fmt.extend([0u8; 16]);
    assert_malformed("no-fmt.wav", &no_fmt);
}

#[test]
fn budgets_bound_the_work() {
    let path = committed_path("webm_vp8_opus_mediarecorder");
    let few_elements = Budget {
        max_elements: 5,
        ..Budget::default()
    };
    assert!(matches!(
        probe_file(&path, &few_elements),
        Err(ProbeError::TooComplex)
    ));
    let few_bytes = Budget {
        max_read_bytes: 100,
        ..Budget::default()
    };
    assert!(matches!(
        probe_file(&path, &few_bytes),
        Err(ProbeError::TooComplex)
    ));

    // A million empty boxes: each is cheap, the count is what the budget stops.
    let mut boxes = b"\x00\x00\x00\x10ftypisom\x00\x00\x02\x00".to_vec();
    for _ in 0..1_000_000 {
        boxes.extend(b"\x00\x00\x00\x08free");
    }
    let path = common::write_scratch("free-boxes.mp4", &boxes);
    let budget = Budget {
        max_elements: 10_000,
        ..Budget::default()
    };
    let started = Instant::now();
    assert!(matches!(
        probe_file(&path, &budget),
        Err(ProbeError::TooComplex)
    ));
    assert!(started.elapsed() < Duration::from_secs(2));
    // With the default budget the same file is walked to the end and rejected for its content.
    assert!(matches!(
        probe_file(&path, &Budget::default()),
        Err(ProbeError::Malformed(_))
    ));
    let _ = std::fs::remove_file(&path);
}

/// A crafted TimecodeScale (1 µs instead of 1 ms) shrinks every timestamp a thousandfold, but
/// the decoder still plays every Opus packet: their TOC bytes give the real length.
#[test]
fn opus_packets_count_even_when_timestamps_are_shrunk() {
    let mut bytes = webm_head("A_OPUS", 2, None);
    let scale = find(&bytes, &[0x2A, 0xD7, 0xB1]).expect("TimecodeScale") + 3 + 8;
    bytes[scale..scale + 8].copy_from_slice(&1_000u64.to_be_bytes());
    bytes.extend(common::ebml_unknown_size(0x1F43_B675));
    bytes.extend(common::ebml_uint(0xE7, 0));
    for index in 0..100i16 {
        // Track 1, timecode, keyframe; TOC 0x08 = SILK 20 ms, one frame.
        let mut block = vec![0x81];
        block.extend((index * 20).to_be_bytes());
        block.extend([0x80, 0x08, 0, 0, 0]);
        bytes.extend(common::ebml_element(0xA3, &block));
    }
    let info = probe_bytes("shrunk.webm", &bytes).expect("probe");
    assert_eq!(info.duration_ms, 2000);
}

/// Rewrites the granule of every page of a generated 7.5 s Ogg Opus file (checksums fixed).
fn ogg_with_granules(granule_of: impl Fn(usize, u64) -> u64) -> (Vec<u8>, u64) {
    let path = generate_scratch(recipe("ogg_opus"), 7.5);
    let reference = common::ffprobe_duration_ms(&path);
    let mut bytes = std::fs::read(&path).expect("read");
    let _ = std::fs::remove_file(&path);
    for (index, (page, len)) in common::ogg_pages(&bytes).into_iter().enumerate() {
        let granule = u64::from_le_bytes(bytes[page + 6..page + 14].try_into().expect("granule"));
        bytes[page + 6..page + 14].copy_from_slice(&granule_of(index, granule).to_le_bytes());
        common::ogg_fix_crc(&mut bytes, page, len);
    }
    (bytes, reference)
}

#[test]
fn ogg_opus_with_understated_granules_counts_its_packets() {
    if crate::common::skip_without_ffmpeg() {
        return;
    }
    // Every audio page claims to end 1 ms after the previous one.
    let (bytes, reference) = ogg_with_granules(|index, granule| {
        if index < 2 {
            granule
        } else {
            312 + index as u64 * 48
        }
    });
    let info = probe_bytes("small-granules.opus", &bytes).expect("probe");
    assert!(
        info.duration_ms.abs_diff(reference) <= TOLERANCE_MS,
        "probed {} ms, real {reference} ms",
        info.duration_ms
    );
}

#[test]
fn ogg_with_a_forged_last_page_or_a_chain_is_malformed() {
    if crate::common::skip_without_ffmpeg() {
        return;
    }
    // A valid, checksummed last page whose granule goes back to 1 s.
    let (bytes, _) = ogg_with_granules(|_, granule| granule);
    let pages = common::ogg_pages(&bytes);
    let (last, len) = *pages.last().expect("pages");
    let mut forged = bytes[last..last + len].to_vec();
    forged[6..14].copy_from_slice(&48_000u64.to_le_bytes());
    common::ogg_fix_crc(&mut forged, 0, len);
    assert_malformed("forged-tail.opus", &[bytes.clone(), forged].concat());

    // Two files back to back: a chained stream, which players may play in full.
    let short = committed("ogg_opus");
    assert_malformed("chained.opus", &[short, bytes].concat());
}
