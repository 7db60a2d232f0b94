//! Random bytes and random mutations of every committed fixture: probing and sniffing must
//! return (any answer) quickly and never panic, and so must scrubbing what the probe accepts
//! (which must keep the file's length).

use crate::common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use civiquiz::contests::probe::{Budget, ProbeError, probe_file, scrub_file, sniff};
use common::{COMMITTED, committed_path, write_scratch};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// Generous for a few KiB on a loaded CI machine; a hang or blow-up would be far slower.
const TIME_LIMIT: Duration = Duration::from_secs(2);

/// `PROPTEST_CASES` raises the count for a longer fuzzing session.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(1000)
}

fn fixtures() -> &'static [Vec<u8>] {
    static FIXTURES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        COMMITTED
            .iter()
            .map(|name| std::fs::read(committed_path(name)).expect("committed fixture"))
            .collect()
    })
}

/// Magic numbers that lead each walker past sniffing, to be followed by random bytes.
const MAGICS: &[&[u8]] = &[
    &[0x1A, 0x45, 0xDF, 0xA3],
    b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
    b"\x00\x00\x00\x08moov",
    b"OggS\x00\x02",
    b"RIFF\x00\x00\x00\x00WAVE",
    b"RF64\xff\xff\xff\xffWAVEds64",
    b"ID3\x04\x00\x00\x00\x00\x00\x00",
    &[0xFF, 0xFB, 0x90, 0x64],
];

fn probe_without_panic(bytes: &[u8]) -> Result<(), TestCaseError> {
    let _ = sniff(bytes);
    let _ = sniff(&bytes[..bytes.len().min(64)]);
    let path = write_scratch("fuzz", bytes);
    let started = Instant::now();
    let result = probe_file(&path, &Budget::default());
    let elapsed = started.elapsed();
    let scrubbed = result.is_ok().then(|| {
        let started = Instant::now();
        let scrubbed = scrub_file(&path, &Budget::default());
        let len = std::fs::metadata(&path).map(|meta| meta.len()).ok();
        (scrubbed, started.elapsed(), len)
    });
    let _ = std::fs::remove_file(&path);
    prop_assert!(elapsed < TIME_LIMIT, "probe took {elapsed:?}");
    prop_assert!(!matches!(result, Err(ProbeError::Io(_))), "{result:?}");
    if let Some((scrubbed, elapsed, len)) = scrubbed {
        prop_assert!(elapsed < TIME_LIMIT, "scrub took {elapsed:?}");
        prop_assert!(!matches!(scrubbed, Err(ProbeError::Io(_))), "{scrubbed:?}");
        prop_assert_eq!(len, Some(bytes.len() as u64));
    }
    Ok(())
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Overwrite one byte.
    Byte(usize, u8),
    /// Overwrite four bytes: hits sizes, counts and timestamps.
    Word(usize, u32),
    /// Insert a few random bytes.
    Insert(usize, Vec<u8>),
    /// Cut the file.
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Byte(at, byte)),
        3 => (any::<usize>(), prop_oneof![Just(0u32), Just(1), Just(u32::MAX), Just(0x7FFF_FFFF), any::<u32>()])
            .prop_map(|(at, word)| Mutation::Word(at, word)),
        1 => (any::<usize>(), vec(any::<u8>(), 1..16)).prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    match mutation {
        Mutation::Byte(at, byte) => {
            let at = at % bytes.len();
            bytes[at] = *byte;
        }
        Mutation::Word(at, word) => {
            let at = at % bytes.len();
            for (offset, byte) in word.to_be_bytes().into_iter().enumerate() {
                if let Some(slot) = bytes.get_mut(at + offset) {
                    *slot = byte;
                }
            }
        }
        Mutation::Insert(at, inserted) => {
            let at = at % bytes.len();
            bytes.splice(at..at, inserted.iter().copied());
        }
        Mutation::Truncate(at) => {
            let at = at % bytes.len();
            bytes.truncate(at);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        // Shrunk failures are saved next to this file, so they are replayed on every run.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/media_probe/fuzz.proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes(bytes in vec(any::<u8>(), 0..4096)) {
        probe_without_panic(&bytes)?;
    }

    #[test]
    fn random_bytes_behind_a_magic(magic in 0..MAGICS.len(), tail in vec(any::<u8>(), 0..4096)) {
        let bytes = [MAGICS[magic], tail.as_slice()].concat();
        probe_without_panic(&bytes)?;
    }

    #[test]
    fn mutated_fixtures(fixture in 0..COMMITTED.len(), mutations in vec(mutation(), 1..24)) {
        let mut bytes = fixtures()[fixture].clone();
        for mutation in &mutations {
            apply(&mut bytes, mutation);
        }
        probe_without_panic(&bytes)?;
    }
}
