//! WAV: RIFF/WAVE (and RF64/BW64 for files over 4 GiB).
//!
//! Duration is the `data` chunk's length over the byte rate. Streaming recorders write the
//! `data` size as 0 or 0xFFFFFFFF (they cannot seek back), and truncated uploads declare more
//! than is there, so the size is capped at what the file really holds.

use super::source::Source;
use super::{Container, MediaInfo, MediaKind, ProbeError, malformed};

const FORMAT_PCM: u16 = 0x0001;
const FORMAT_IEEE_FLOAT: u16 = 0x0003;
const FORMAT_ALAW: u16 = 0x0006;
const FORMAT_MULAW: u16 = 0x0007;
const FORMAT_MPEG_LAYER3: u16 = 0x0055;
const FORMAT_EXTENSIBLE: u16 = 0xFFFE;

/// A 64-bit size in RF64 chunk headers means "look in ds64".
const RF64_PLACEHOLDER: u32 = 0xFFFF_FFFF;

#[derive(Debug, Clone, Copy)]
struct Format {
    tag: u16,
    sample_rate: u32,
    byte_rate: u32,
    block_align: u16,
}

impl Format {
    fn is_pcm(&self) -> bool {
        matches!(
            self.tag,
            FORMAT_PCM | FORMAT_IEEE_FLOAT | FORMAT_ALAW | FORMAT_MULAW
        )
    }

    fn codec(&self) -> Option<&'static str> {
        match self.tag {
            _ if self.is_pcm() => Some("pcm"),
            FORMAT_MPEG_LAYER3 => Some("mp3"),
            _ => None,
        }
    }

    /// Bytes per second of audio. For PCM it follows from the sample rate and frame size,
    /// which is what players use; the header's own byte rate could be inflated to make a long
    /// file look short.
    fn bytes_per_second(&self) -> u64 {
        if self.is_pcm() {
            u64::from(self.sample_rate).saturating_mul(u64::from(self.block_align))
        } else {
            u64::from(self.byte_rate)
        }
    }
}

pub(super) fn probe(source: &mut Source) -> Result<MediaInfo, ProbeError> {
    let magic = source.read_array::<4>()?;
    let _riff_size = source.read_u32_le()?;
    if source.read_array::<4>()? != *b"WAVE" {
        return Err(ProbeError::Unsupported);
    }
    let is_rf64 = magic != *b"RIFF";
    let mut rf64_data_size: Option<u64> = None;
    let mut format: Option<Format> = None;
    let mut data_size: Option<u64> = None;

    while source.remaining() >= 8 {
        source.tick()?;
        let id = source.read_array::<4>()?;
        let declared = source.read_u32_le()?;
        let body_start = source.position();
        let available = source.remaining();
        match &id {
            b"ds64" if is_rf64 => {
                let _riff_size = source.read_u64_le()?;
                rf64_data_size = Some(source.read_u64_le()?);
            }
            b"fmt " => format = Some(read_format(source, declared)?),
            b"data" => {
                let size = match declared {
                    // A recorder that could not seek back: the data runs to the end.
                    0 => available,
                    RF64_PLACEHOLDER if is_rf64 => rf64_data_size.unwrap_or(available),
                    RF64_PLACEHOLDER => available,
                    size => u64::from(size),
                };
                data_size = Some(size.min(available));
                // Done, or the size is a placeholder we cannot skip past.
                if format.is_some() || declared == 0 || declared == RF64_PLACEHOLDER {
                    break;
                }
            }
            _ => {}
        }
        // Chunks are padded to an even length.
        let padded = u64::from(declared).saturating_add(u64::from(declared & 1));
        source.seek_to(body_start.saturating_add(padded));
    }

    let format = format.ok_or_else(|| malformed("WAV without a fmt chunk"))?;
    let data_size = data_size.ok_or_else(|| malformed("WAV without a data chunk"))?;
    let bytes_per_second = format.bytes_per_second();
    if bytes_per_second == 0 {
        return Err(malformed("WAV with a zero byte rate"));
    }
    let duration_ms = super::ticks_to_ms(data_size, bytes_per_second)
        .filter(|&ms| ms > 0)
        .ok_or_else(|| malformed("WAV without audio data"))?;
    Ok(MediaInfo {
        container: Container::Wav,
        kind: MediaKind::Audio,
        content_type: "audio/wav",
        duration_ms,
        codecs: format.codec().map(str::to_owned).into_iter().collect(),
    })
}

fn read_format(source: &mut Source, declared: u32) -> Result<Format, ProbeError> {
    if declared < 16 {
        return Err(malformed("WAV fmt chunk too short"));
    }
    let mut tag = source.read_u16_le()?;
    let _channels = source.read_u16_le()?;
    let sample_rate = source.read_u32_le()?;
    let byte_rate = source.read_u32_le()?;
    let block_align = source.read_u16_le()?;
    let _bits_per_sample = source.read_u16_le()?;
    if tag == FORMAT_EXTENSIBLE && declared >= 40 {
        // cbSize, valid bits, channel mask, then the sub-format GUID whose first two bytes
        // are the real format tag.
        source.skip(2 + 2 + 4)?;
        tag = source.read_u16_le()?;
    }
    Ok(Format {
        tag,
        sample_rate,
        byte_rate,
        block_align,
    })
}
