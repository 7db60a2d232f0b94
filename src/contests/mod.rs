//! Contests with recorded entries: contest definitions, entries with consent, streamed
//! uploads checked by their bytes (`probe/`) and kept in object storage, playback with
//! ranges, moderation, blind judging, public voting and results with immutable snapshots;
//! vote counts and results live on the contest's board (`standings`), streamed live.

pub mod access;
pub mod contest;
pub mod entries;
pub mod entry_store;
pub mod janitor;
pub mod judging;
pub mod moderation;
pub mod playback;
pub mod probe;
pub mod results;
pub mod results_stream;
pub mod routes;
pub mod standings;
pub mod storage;
pub mod upload;
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
}

impl Recordings {
    pub fn new(config: &MediaConfig, data_dir: &Path) -> anyhow::Result<Self> {
        let staging_dir = data_dir.join("tmp").join("uploads");
        std::fs::create_dir_all(&staging_dir)?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Self {
            store: MediaStore::connect(config, data_dir)?,
            staging_dir,
            probes: Arc::new(Semaphore::new(cores)),
            pushes: Arc::new(Semaphore::new(cores * 2)),
        })
    }
}

/// Routes whose request body is a long upload: routed outside the response-head timeout
/// (the handler bounds the wait for each chunk instead).
pub fn streamed_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upload::upload_media))
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
        .routes(routes!(judging::judging_queue))
        .routes(routes!(judging::score_entry))
        .routes(routes!(votes::vote, votes::unvote))
        .routes(routes!(results::leaderboard))
        .routes(routes!(results_stream::results_stream))
        .routes(routes!(results::published_results))
        .routes(routes!(results::change_results_state))
}
