//! Room for an upload before it is accepted: the staging folder's filesystem (and the local
//! backend's, which receives a copy) must keep `STAGING_RESERVE_MB` free once the upload has
//! landed there, so a full disk refuses uploads with 507 instead of failing every writer on
//! the machine, the database included.

use std::path::Path;

use nix::sys::statvfs::statvfs;

use crate::error::{AppError, AppResult, ErrorCode};

/// One filesystem's free space and what the upload would take from it.
struct Claim {
    filesystem: u64,
    available: u64,
    needed: u64,
}

/// Refuses with 507 `insufficient_storage` unless every folder in `folders` has room for
/// `bytes` plus `reserve` (folders on one filesystem add their `bytes` up).
pub fn require_room(folders: &[&Path], bytes: u64, reserve: u64) -> AppResult<()> {
    let mut claims: Vec<Claim> = Vec::new();
    for folder in folders {
        // One small system call; fine on an async worker.
        let stats = statvfs(*folder).map_err(|e| {
            AppError::Internal(
                anyhow::Error::from(e).context(format!("free space of {}", folder.display())),
            )
        })?;
        let filesystem = stats.filesystem_id() as u64;
        let available =
            (stats.blocks_available() as u64).saturating_mul(stats.fragment_size() as u64);
        match claims
            .iter_mut()
            .find(|claim| claim.filesystem == filesystem)
        {
            Some(claim) => claim.needed = claim.needed.saturating_add(bytes),
            None => claims.push(Claim {
                filesystem,
                available,
                needed: bytes.saturating_add(reserve),
            }),
        }
    }
    match claims.iter().find(|claim| claim.available < claim.needed) {
        None => Ok(()),
        Some(claim) => {
            tracing::warn!(
                available = claim.available,
                needed = claim.needed,
                "upload refused: the staging or storage disk is nearly full"
            );
            Err(insufficient_storage())
        }
    }
}

pub fn insufficient_storage() -> AppError {
    AppError::api(
        ErrorCode::InsufficientStorage,
        "the server has no room for this recording now; try again later",
    )
}
