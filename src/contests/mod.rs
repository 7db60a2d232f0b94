//! Contests with recorded entries: contest definitions, entries with consent, streamed
//! uploads checked by their bytes (`probe/`) and kept in object storage, playback with
//! ranges, moderation, blind judging, public voting and results with immutable snapshots;
//! vote counts and results live on the contest's board (`standings`), streamed live.

pub mod access;
pub mod contest;
pub mod entries;
pub mod entry_store;
pub mod free_space;
pub mod janitor;
pub mod judge_pages;
pub mod judging;
pub mod moderation;
pub mod organizer_pages;
pub mod pace;
pub mod pages;
pub mod playback;
pub mod probe;
pub mod results;
pub mod results_stream;
pub mod resumable;
pub mod routes;
pub mod standings;
pub mod storage;
pub mod upload;
pub mod vote_log;
pub mod votes;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::Semaphore;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::config::MediaConfig;

pub use storage::MediaStore;

/// What the contest slice keeps for the life of the process.
pub struct Recordings {
    pub store: MediaStore,
    /// Where uploads are staged while they are hashed and probed.
    pub staging_dir: PathBuf,
    /// Probes run on blocking threads, at most one per core at a time.
    pub probes: Arc<Semaphore>,
    /// Copies to the object store in flight at once (each holds a few MiB of part buffers).
    pub pushes: Arc<Semaphore>,
    /// Uploads in flight on this process, whoever sends them (each holds a socket, a staging
    /// file and a file descriptor or two).
    pub uploads: Arc<Semaphore>,
    /// Uploads in flight by user.
    pub uploads_by_user: crate::http::slots::Slots,
}

/// How many uploads one user may have in flight at once.
pub const UPLOADS_PER_USER: usize = 2;
/// How many uploads this process takes in at once.
pub const UPLOADS_AT_ONCE: usize = 64;

/// One user's upload slot, given back when the upload ends however it ends.
pub struct UploadSlot {
    _by_user: crate::http::slots::Slot,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Recordings {
    pub fn new(config: &MediaConfig, data_dir: &Path) -> anyhow::Result<Self> {
        let staging_dir = config
            .staging_dir
            .clone()
            .unwrap_or_else(|| data_dir.join("tmp").join("uploads"));
        std::fs::create_dir_all(&staging_dir).map_err(|e| {
            anyhow::Error::from(e).context(format!("creating {}", staging_dir.display()))
        })?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Self {
            store: MediaStore::connect(config, data_dir)?,
            staging_dir,
            probes: Arc::new(Semaphore::new(cores)),
            pushes: Arc::new(Semaphore::new(cores * 2)),
            uploads: Arc::new(Semaphore::new(UPLOADS_AT_ONCE)),
            uploads_by_user: Default::default(),
        })
    }

    /// A slot for one more upload by `user_id`: 409 `too_many_uploads` past
    /// `UPLOADS_PER_USER` of hers, 503 `overloaded` past `UPLOADS_AT_ONCE` on this process.
    pub fn upload_slot(&self, user_id: &str) -> crate::error::AppResult<UploadSlot> {
        let by_user = self
            .uploads_by_user
            .take(user_id.to_owned(), UPLOADS_PER_USER)
            .ok_or_else(|| {
                crate::error::AppError::conflict(
                    crate::error::ErrorCode::TooManyUploads,
                    format!("at most {UPLOADS_PER_USER} uploads at once; wait for one to finish"),
                )
            })?;
        let permit = self
            .uploads
            .clone()
            .try_acquire_owned()
            .map_err(|_| crate::error::AppError::overloaded(5))?;
        Ok(UploadSlot {
            _by_user: by_user,
            _permit: permit,
        })
    }
}

/// Routes whose request body is a long upload: routed outside the response-head timeout
/// (the handler bounds the wait for each chunk instead).
pub fn streamed_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload::upload_media))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(resumable::routes::append))
                .route_layer(axum::middleware::map_response(
                    resumable::routes::tus_headers,
                )),
        )
}

/// The tus routes but the PATCH (which is streamed).
fn resumable_router() -> OpenApiRouter<AppState> {
    use resumable::routes as tus;
    OpenApiRouter::new()
        .routes(routes!(tus::discover))
        .routes(routes!(tus::create_upload))
        .routes(routes!(tus::upload_offset, tus::get_upload, tus::terminate))
        .route_layer(axum::middleware::map_response(tus::tus_headers))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(routes::create_contest, routes::list_contests))
        .routes(routes!(routes::edit_contest, routes::get_contest))
        .routes(routes!(entries::create_entry, entries::list_entries))
        .routes(routes!(entries::get_entry))
        .routes(routes!(entries::submit_entry))
        .routes(routes!(playback::play_media))
        .routes(routes!(moderation::moderate_entry))
        .routes(routes!(judging::add_judge, judging::list_judges))
        .routes(routes!(judging::remove_judge))
        .routes(routes!(judging::judging_queue))
        .routes(routes!(judging::score_entry))
        .routes(routes!(votes::vote, votes::unvote))
        .routes(routes!(vote_log::vote_log))
        .routes(routes!(results::leaderboard))
        .routes(routes!(results_stream::results_stream))
        .routes(routes!(results::published_results))
        .routes(routes!(results::change_results_state))
        .merge(resumable_router())
}
