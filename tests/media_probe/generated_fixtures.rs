//! Every recipe, made fresh by ffmpeg at 3.0 s and 7.5 s, probed and compared with ffprobe.
//! Needs ffmpeg/ffprobe on PATH: skipped without them, except in CI.

use crate::common;

use civiquiz::contests::probe::{Budget, probe_file, sniff};
use common::{RECIPES, assert_matches, ffprobe_duration_ms, generate_scratch, recipe};

fn check_recipe(name: &str) {
    if common::skip_without_ffmpeg() {
        return;
    }
    let recipe = recipe(name);
    for seconds in [3.0, 7.5] {
        let path = generate_scratch(recipe, seconds);
        let reference_ms = ffprobe_duration_ms(&path);
        let info = probe_file(&path, &Budget::default())
            .unwrap_or_else(|error| panic!("{name} {seconds}s: {error}"));
        println!(
            "{name} {seconds}s: probed {} ms, ffprobe {reference_ms} ms",
            info.duration_ms
        );
        assert_matches(
            &info,
            &recipe.expect,
            reference_ms,
            &format!("{name} {seconds}s"),
        );
        let head = std::fs::read(&path).expect("read fixture");
        assert_eq!(
            sniff(&head[..64]),
            Some(recipe.expect.container),
            "{name}: sniff of 64 bytes"
        );
        let _ = std::fs::remove_file(&path);
    }
}

macro_rules! recipe_tests {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { check_recipe(stringify!($name)); })*

        #[test]
        fn every_recipe_has_a_test() {
            let tested = [$(stringify!($name)),*];
            for recipe in RECIPES {
                assert!(tested.contains(&recipe.name), "no test for recipe {}", recipe.name);
            }
        }
    };
}

recipe_tests!(
    webm_opus_mediarecorder,
    webm_vp8_opus_mediarecorder,
    webm_vp9_opus,
    webm_vorbis,
    mkv_h264_aac,
    mp4_h264_aac,
    m4a_aac,
    mp4_fragmented_h264_aac,
    m4a_fragmented_aac,
    mp4_fragmented_opus,
    mov_h264_aac,
    ogg_opus,
    ogg_vorbis,
    mp3_cbr,
    mp3_cbr_no_tags,
    mp3_vbr_xing,
    mp2_layer2,
    wav_pcm16,
    wav_rf64,
);

/// The MediaRecorder-style WebM really has what browsers produce: no Duration, and the
/// unknown size on Segment and Clusters.
#[test]
fn mediarecorder_layout_has_no_duration_and_unknown_sizes() {
    if crate::common::skip_without_ffmpeg() {
        return;
    }
    let recipe = recipe("webm_vp8_opus_mediarecorder");
    let path = generate_scratch(recipe, 3.0);
    assert!(
        !common::ffprobe_has_container_duration(&path),
        "Duration should be absent"
    );
    let bytes = std::fs::read(&path).expect("read");
    let unknown = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
    let segment = common::find(&bytes, &[0x18, 0x53, 0x80, 0x67]).expect("segment");
    assert_eq!(bytes[segment + 4..segment + 12], unknown);
    let cluster = common::find(&bytes, &[0x1F, 0x43, 0xB6, 0x75]).expect("cluster");
    assert_eq!(bytes[cluster + 4..cluster + 12], unknown);
    let _ = std::fs::remove_file(&path);
}

/// Writes the committed 1-second fixtures and their expectations. Run by hand:
/// `cargo test --test generated_fixtures -- --ignored regenerate_committed_fixtures`.
#[test]
#[ignore = "rewrites tests/fixtures/media; run by hand"]
fn regenerate_committed_fixtures() {
    if crate::common::skip_without_ffmpeg() {
        return;
    }
    let mut table = String::from("# file\tffprobe_ms (written by regenerate_committed_fixtures)\n");
    for name in common::COMMITTED {
        let path = common::committed_path(name);
        common::generate(recipe(name), 1.0, &path);
        let size = std::fs::metadata(&path).expect("fixture").len();
        assert!(
            size < 40_000,
            "{name} is {size} bytes; keep committed fixtures under 40 KB"
        );
        let reference_ms = ffprobe_duration_ms(&path);
        let file = path.file_name().expect("name").to_string_lossy();
        table.push_str(&format!("{file}\t{reference_ms}\n"));
    }
    std::fs::write(common::committed_dir().join("expected.tsv"), table).expect("write table");
}
