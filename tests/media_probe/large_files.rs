//! ~200 MB files probed under read budgets far smaller than the files: the walkers stream and
//! seek over payloads instead of reading (let alone loading) them. Files are sparse where the
//! filesystem allows, so the tests are quick and use little disk.

use crate::common;

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};

use civiquiz::contests::probe::{Budget, MediaKind, probe_file};
use common::{ebml_element, scratch_path, webm_head};

const FILE_LEN: u64 = 200 * 1024 * 1024;

fn small_read_budget(bytes: u64) -> Budget {
    Budget {
        max_read_bytes: bytes,
        ..Budget::default()
    }
}

#[test]
fn a_200_mb_streamed_wav_reads_only_its_header() {
    let path = scratch_path("large.wav");
    let mut file = File::create(&path).expect("create");
    let mut header = b"RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00".to_vec();
    header.extend(8000u32.to_le_bytes()); // sample rate
    header.extend(16000u32.to_le_bytes()); // byte rate
    header.extend(2u16.to_le_bytes()); // block align
    header.extend(16u16.to_le_bytes()); // bits
    header.extend(b"data\x00\x00\x00\x00"); // size unknown: a streaming recorder
    file.write_all(&header).expect("header");
    file.set_len(FILE_LEN).expect("sparse length");
    drop(file);
    let info = probe_file(&path, &small_read_budget(1 << 20)).expect("probe");
    assert_eq!(
        info.duration_ms,
        (FILE_LEN - header.len() as u64).div_ceil(16)
    );
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_200_mb_webm_with_unknown_size_clusters_streams() {
    const PAYLOAD: u64 = 256 * 1024;
    const BLOCKS_PER_CLUSTER: u64 = 25;
    const STEP_MS: u64 = 40;
    let path = scratch_path("large.webm");
    let mut file = File::create(&path).expect("create");
    file.write_all(&webm_head("V_VP8", 1, None)).expect("head");
    let mut blocks = 0u64;
    while file.stream_position().expect("position") + PAYLOAD < FILE_LEN {
        if blocks.is_multiple_of(BLOCKS_PER_CLUSTER) {
            file.write_all(&common::ebml_unknown_size(0x1F43_B675))
                .expect("cluster");
            file.write_all(&common::ebml_uint(0xE7, blocks * STEP_MS))
                .expect("timecode");
        }
        let relative = ((blocks % BLOCKS_PER_CLUSTER) * STEP_MS) as i16;
        // SimpleBlock header; the frame data itself is a hole in a sparse file.
        let mut block = ebml_element(0xA3, &[]);
        let size = (4 + PAYLOAD) | (1 << 56);
        block.truncate(1);
        block.extend(size.to_be_bytes());
        block.extend([0x81]);
        block.extend(relative.to_be_bytes());
        block.push(0x80);
        file.write_all(&block).expect("block");
        file.seek(SeekFrom::Current(PAYLOAD as i64))
            .expect("skip payload");
        blocks += 1;
    }
    let len = file.stream_position().expect("position");
    file.set_len(len).expect("length");
    drop(file);
    assert!(len > 190 * 1024 * 1024, "file is {len} bytes");

    // Each block costs one buffer refill at most; 32 MiB is a sixth of the file.
    let info = probe_file(&path, &small_read_budget(32 << 20)).expect("probe");
    assert_eq!(info.kind, MediaKind::Video);
    assert_eq!(info.duration_ms, blocks * STEP_MS);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_200_mb_mp4_skips_its_mdat() {
    // The committed MP4 has ftyp, free, mdat, moov: grow the mdat to 200 MB.
    let original = std::fs::read(common::committed_path("mp4_h264_aac")).expect("fixture");
    let mdat = common::find(&original, b"mdat").expect("mdat") - 4;
    let mdat_len = u32::from_be_bytes(original[mdat..mdat + 4].try_into().expect("size")) as usize;
    let moov = &original[mdat + mdat_len..];
    let path = scratch_path("large.mp4");
    let mut file = File::create(&path).expect("create");
    file.write_all(&original[..mdat]).expect("head");
    let big_mdat = FILE_LEN as u32;
    file.write_all(&big_mdat.to_be_bytes()).expect("size");
    file.write_all(b"mdat").expect("type");
    file.seek(SeekFrom::Current(i64::from(big_mdat) - 8))
        .expect("hole");
    file.write_all(moov).expect("moov");
    drop(file);
    let info = probe_file(&path, &small_read_budget(1 << 20)).expect("probe");
    assert!(
        info.duration_ms.abs_diff(1000) <= common::TOLERANCE_MS,
        "{info:?}"
    );
    let _ = std::fs::remove_file(&path);
}
