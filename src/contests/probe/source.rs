//! A bounded, streaming view of the file being probed.
//!
//! Every walker reads through this type, so two promises hold for all of them: memory stays
//! at one small fixed buffer whatever the file size (uploads can be 1 GiB+), and the work is
//! capped by the caller's [`Budget`] — bytes actually pulled from disk and elements visited.
//! Skipping (e.g. over a video frame or an `mdat` box) is a seek and costs no read budget.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use super::{Budget, ProbeError, malformed};

/// Small on purpose: walkers read headers of a few bytes and skip payloads.
const BUFFER_LEN: usize = 16 * 1024;

pub(super) struct Source {
    file: File,
    len: u64,
    buffer: Vec<u8>,
    /// File offset of `buffer[0]`.
    buffer_start: u64,
    buffer_filled: usize,
    position: u64,
    elements_left: u64,
    read_bytes_left: u64,
}

impl Source {
    pub(super) fn new(file: File, budget: &Budget) -> Result<Self, ProbeError> {
        let len = file.metadata()?.len();
        Ok(Self {
            file,
            len,
            buffer: vec![0; BUFFER_LEN],
            buffer_start: 0,
            buffer_filled: 0,
            position: 0,
            elements_left: budget.max_elements,
            read_bytes_left: budget.max_read_bytes,
        })
    }

    /// Size of the file in bytes.
    pub(super) fn len(&self) -> u64 {
        self.len
    }

    pub(super) fn position(&self) -> u64 {
        self.position
    }

    /// Bytes between the current position and the end of the file.
    pub(super) fn remaining(&self) -> u64 {
        self.len.saturating_sub(self.position)
    }

    /// Bytes between `offset` and the end of the file.
    pub(super) fn remaining_from(&self, offset: u64) -> u64 {
        self.len.saturating_sub(offset)
    }

    /// Moves to an absolute offset; positions past the end are allowed and read as EOF.
    pub(super) fn seek_to(&mut self, position: u64) {
        self.position = position;
    }

    pub(super) fn skip(&mut self, count: u64) -> Result<(), ProbeError> {
        self.position = self
            .position
            .checked_add(count)
            .ok_or_else(|| malformed("offset overflow"))?;
        Ok(())
    }

    /// Charges one structural element (box, element, page, frame, sample) to the budget.
    pub(super) fn tick(&mut self) -> Result<(), ProbeError> {
        self.charge_elements(1)
    }

    pub(super) fn charge_elements(&mut self, count: u64) -> Result<(), ProbeError> {
        self.elements_left = self
            .elements_left
            .checked_sub(count)
            .ok_or(ProbeError::TooComplex)?;
        Ok(())
    }

    /// Fills `out` completely; running out of file is a malformed input.
    pub(super) fn read_exact(&mut self, out: &mut [u8]) -> Result<(), ProbeError> {
        if self.read_some(out)? == out.len() {
            Ok(())
        } else {
            Err(malformed("unexpected end of file"))
        }
    }

    pub(super) fn read_array<const N: usize>(&mut self) -> Result<[u8; N], ProbeError> {
        let mut out = [0; N];
        self.read_exact(&mut out)?;
        Ok(out)
    }

    pub(super) fn read_u8(&mut self) -> Result<u8, ProbeError> {
        let [byte] = self.read_array::<1>()?;
        Ok(byte)
    }

    pub(super) fn read_u32_be(&mut self) -> Result<u32, ProbeError> {
        Ok(u32::from_be_bytes(self.read_array()?))
    }

    pub(super) fn read_u64_be(&mut self) -> Result<u64, ProbeError> {
        Ok(u64::from_be_bytes(self.read_array()?))
    }

    pub(super) fn read_u16_le(&mut self) -> Result<u16, ProbeError> {
        Ok(u16::from_le_bytes(self.read_array()?))
    }

    pub(super) fn read_u32_le(&mut self) -> Result<u32, ProbeError> {
        Ok(u32::from_le_bytes(self.read_array()?))
    }

    pub(super) fn read_u64_le(&mut self) -> Result<u64, ProbeError> {
        Ok(u64::from_le_bytes(self.read_array()?))
    }

    /// Reads as much of `out` as the file still holds; returns how many bytes were read.
    pub(super) fn read_some(&mut self, out: &mut [u8]) -> Result<usize, ProbeError> {
        let mut done = 0usize;
        while done < out.len() {
            let available = self.buffered()?;
            if available.is_empty() {
                break;
            }
            let copied = out
                .get_mut(done..)
                .unwrap_or_default()
                .iter_mut()
                .zip(available)
                .map(|(to, from)| *to = *from)
                .count();
            done = done.saturating_add(copied);
            self.position = self.position.saturating_add(copied as u64);
        }
        Ok(done)
    }

    /// The buffered bytes from the current position on, refilling from disk when needed;
    /// empty at end of file.
    fn buffered(&mut self) -> Result<&[u8], ProbeError> {
        if self.position >= self.len {
            return Ok(&[]);
        }
        let in_buffer = self
            .position
            .checked_sub(self.buffer_start)
            .and_then(|offset| usize::try_from(offset).ok())
            .filter(|&offset| offset < self.buffer_filled);
        let offset = match in_buffer {
            Some(offset) => offset,
            None => {
                self.refill()?;
                0
            }
        };
        Ok(self
            .buffer
            .get(offset..self.buffer_filled)
            .unwrap_or_default())
    }

    fn refill(&mut self) -> Result<(), ProbeError> {
        let wanted = self.remaining().min(BUFFER_LEN as u64);
        self.read_bytes_left = self
            .read_bytes_left
            .checked_sub(wanted)
            .ok_or(ProbeError::TooComplex)?;
        self.file.seek(SeekFrom::Start(self.position))?;
        self.buffer_start = self.position;
        self.buffer_filled = 0;
        let wanted = usize::try_from(wanted).unwrap_or(BUFFER_LEN);
        while self.buffer_filled < wanted {
            let Some(free) = self.buffer.get_mut(self.buffer_filled..wanted) else {
                break;
            };
            match self.file.read(free) {
                // The file shrank under us: treat what we have as the end.
                Ok(0) => break,
                Ok(count) => self.buffer_filled = self.buffer_filled.saturating_add(count),
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error.into()),
            }
        }
        if self.buffer_filled < wanted {
            self.len = self.buffer_start.saturating_add(self.buffer_filled as u64);
        }
        Ok(())
    }
}
