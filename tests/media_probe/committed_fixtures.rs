//! The small fixtures committed under tests/fixtures/media/: probed without ffmpeg, against
//! the ffprobe durations recorded when they were generated (expected.tsv).

use crate::common;

use civiquiz::contests::probe::{Budget, probe_file, scrub_file, sniff};
use common::{COMMITTED, assert_matches, committed_dir, committed_path, recipe, write_scratch};

fn recorded_duration_ms(file: &str) -> u64 {
    let table =
        std::fs::read_to_string(committed_dir().join("expected.tsv")).expect("expected.tsv");
    table
        .lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (name, ms) = line.split_once('\t')?;
            (name == file).then(|| ms.trim().parse().expect("duration in expected.tsv"))
        })
        .unwrap_or_else(|| panic!("{file} missing from expected.tsv"))
}

/// Scrubbing tags changes nothing the probe reports, nor the file's length.
#[test]
fn scrubbed_fixtures_probe_as_before() {
    for name in COMMITTED {
        let bytes = std::fs::read(committed_path(name)).expect("fixture");
        let path = write_scratch(&format!("scrub-{name}"), &bytes);
        let before = probe_file(&path, &Budget::default()).expect("probe");
        scrub_file(&path, &Budget::default()).unwrap_or_else(|error| panic!("{name}: {error}"));
        let after = probe_file(&path, &Budget::default());
        let len = std::fs::metadata(&path).expect("scrubbed").len();
        let _ = std::fs::remove_file(&path);
        assert_eq!(after.expect("probe after scrub"), before, "{name}");
        assert_eq!(len, bytes.len() as u64, "{name}");
    }
}

#[test]
fn committed_fixtures_probe_like_ffprobe() {
    for name in COMMITTED {
        let path = committed_path(name);
        let file = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let info =
            probe_file(&path, &Budget::default()).unwrap_or_else(|error| panic!("{file}: {error}"));
        let reference_ms = recorded_duration_ms(&file);
        println!(
            "{file}: probed {} ms, ffprobe {reference_ms} ms",
            info.duration_ms
        );
        assert_matches(&info, &recipe(name).expect, reference_ms, &file);
    }
}

#[test]
fn committed_fixtures_are_small() {
    for name in COMMITTED {
        let size = std::fs::metadata(committed_path(name))
            .expect("fixture")
            .len();
        assert!(size < 40_000, "{name}: {size} bytes");
    }
}

#[test]
fn sniff_recognises_the_first_64_bytes() {
    for name in COMMITTED {
        let bytes = std::fs::read(committed_path(name)).expect("fixture");
        assert_eq!(
            sniff(&bytes[..64]),
            Some(recipe(name).expect.container),
            "{name}"
        );
        assert_eq!(
            sniff(&bytes),
            Some(recipe(name).expect.container),
            "{name} (whole file)"
        );
    }
}

#[test]
fn the_file_name_is_irrelevant() {
    let bytes = std::fs::read(committed_path("ogg_opus")).expect("fixture");
    let info = common::probe_bytes("recording.mp4", &bytes).expect("probe");
    assert_eq!(info.content_type, "audio/ogg");
}
