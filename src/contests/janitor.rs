//! Removes what crashed or abandoned uploads leave behind: objects recorded in
//! `media_uploads` that never became a recording (or old recordings whose deletion failed),
//! resumable uploads past their expiry (with their parts), staging files in STAGING_DIR, and
//! the local backend's half-written multipart files. Runs at start and then periodically; anything younger than `UPLOAD_ORPHAN_AGE_S` is
//! left alone.
//! An upload in progress, on any process, refreshes its staging file and its `media_uploads`
//! row several times within that age (see `upload::Heartbeat`), so however long it streams
//! it is never taken for an orphan.

use std::path::Path;
use std::time::{Duration, SystemTime};

use super::entry_store as store;
use crate::app::AppState;
use crate::error::AppResult;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub objects: usize,
    /// Resumable uploads past their expiry, removed with what they had received.
    pub expired_uploads: usize,
    pub staging_files: usize,
}

/// One pass.
pub async fn sweep_once(state: &AppState) -> AppResult<Swept> {
    let orphan_age = state.config.media.orphan_age;
    let age_ms = i64::try_from(orphan_age.as_millis()).unwrap_or(i64::MAX);
    let before = state.clock.now_ms().saturating_sub(age_ms);
    let mut swept = Swept::default();
    let now = state.clock.now_ms();
    for upload in super::resumable::store::expired(&state.db.pool, now).await? {
        super::resumable::discard(state, &upload).await?;
        swept.expired_uploads += 1;
    }
    for key in store::stale_uploads(&state.db.pool, before).await? {
        match state.recordings.store.delete(&key).await {
            Ok(()) => {
                store::end_upload(&state.db.pool, &key).await?;
                swept.objects += 1;
            }
            Err(error) => {
                tracing::warn!(%error, key, "janitor could not delete an orphaned object")
            }
        }
    }
    let staging = state.recordings.staging_dir.clone();
    let local_root = state.recordings.store.local_root.clone();
    swept.staging_files = tokio::task::spawn_blocking(move || {
        // STAGING_DIR may be a folder other programs use too: only our own names, no deeper.
        let mut removed = remove_old_files(&staging, orphan_age, Depth::Top, |name| {
            name.ends_with(super::upload::STAGING_SUFFIX)
        });
        if let Some(root) = local_root {
            // object_store's local multipart uploads write `<key>#<n>` until completed.
            removed += remove_old_files(&root, orphan_age, Depth::All, |name| name.contains('#'));
        }
        removed
    })
    .await
    .map_err(|e| anyhow::anyhow!("janitor task: {e}"))?;
    Ok(swept)
}

#[derive(Clone, Copy)]
enum Depth {
    Top,
    All,
}

/// Deletes files in `dir` (and its subfolders, with `Depth::All`) older than `age` whose name
/// passes `matches`.
fn remove_old_files(
    dir: &Path,
    age: Duration,
    depth: Depth,
    matches: impl Fn(&str) -> bool + Copy,
) -> usize {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for item in listing.flatten() {
        let path = item.path();
        let Ok(meta) = item.metadata() else { continue };
        if meta.is_dir() {
            if let Depth::All = depth {
                removed += remove_old_files(&path, age, depth, matches);
            }
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|modified| SystemTime::now().duration_since(modified).ok())
            .is_some_and(|elapsed| elapsed >= age);
        let name = item.file_name();
        if old && matches(&name.to_string_lossy()) && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Runs until the task is aborted (at shutdown): a pass at start, then one per interval.
pub async fn run(state: AppState) {
    let mut ticks = tokio::time::interval(state.config.media.janitor_interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match sweep_once(&state).await {
            Ok(swept) if swept == Swept::default() => {}
            Ok(swept) => tracing::info!(?swept, "janitor removed orphaned uploads"),
            Err(error) => tracing::warn!(%error, "janitor pass failed; retrying next tick"),
        }
    }
}
