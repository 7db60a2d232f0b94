//! Opus packet durations from the table-of-contents byte (RFC 6716 §3.1).
//!
//! Counting packets makes an Opus track's length independent of the container's clock
//! (Matroska's `TimecodeScale` and block timestamps, Ogg's granule positions), which a crafted
//! file could understate while the decoder still plays every packet.

/// Opus always runs a 48 kHz clock, whatever the input's sample rate.
pub(super) const CLOCK: u64 = 48_000;

/// The longest packet the format allows: 120 ms.
const LONGEST_PACKET: u64 = 5760;

/// Samples (at 48 kHz) in a packet, from its first byte and, for code 3 packets, the frame
/// count byte that follows (missing if the packet is that short: then nothing is counted).
pub(super) fn packet_samples(toc: u8, frame_count: Option<u8>) -> u64 {
    let frames = match toc & 0b11 {
        0 => 1,
        1 | 2 => 2,
        _ => frame_count.map_or(0, |count| u64::from(count & 0x3F)),
    };
    frames
        .saturating_mul(frame_samples(toc >> 3))
        .min(LONGEST_PACKET)
}

/// Samples per frame for a TOC configuration number.
fn frame_samples(config: u8) -> u64 {
    match (config, config & 0b11) {
        // SILK: 10, 20, 40, 60 ms.
        (0..=11, 0) => 480,
        (0..=11, 1) => 960,
        (0..=11, 2) => 1920,
        (0..=11, _) => 2880,
        // Hybrid: 10, 20 ms.
        (12..=15, 0 | 2) => 480,
        (12..=15, _) => 960,
        // CELT: 2.5, 5, 10, 20 ms.
        (_, 0) => 120,
        (_, 1) => 240,
        (_, 2) => 480,
        (_, _) => 960,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_by_configuration_and_code() {
        assert_eq!(packet_samples(0x08, None), 960); // SILK 20 ms, one frame
        assert_eq!(packet_samples(0xFC, None), 960); // CELT 20 ms, one frame
        assert_eq!(packet_samples(0xFD, None), 1920); // two frames
        assert_eq!(packet_samples(0xF8 | 3, Some(3)), 2880); // code 3, three frames
        assert_eq!(packet_samples(0xF8 | 3, Some(0x3F)), LONGEST_PACKET); // capped
        assert_eq!(packet_samples(0x03, None), 0); // code 3 without its count byte
    }
}
