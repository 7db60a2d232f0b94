//! Loads the bank folder at start. A broken file is skipped with an error naming its file and
//! line; it never stops the server.

use std::path::Path;

use super::check::check_paths_with;
use super::format::Strictness;
use super::store;
use crate::db::Pool;

pub async fn load_folder(pool: &Pool, folder: &Path, now_ms: i64) -> anyhow::Result<()> {
    if !folder.is_dir() {
        tracing::info!(folder = %folder.display(), "no question-bank folder; none loaded");
        return Ok(());
    }
    let (banks, problems) = check_paths_with(&[folder.to_owned()], Strictness::Imported);
    for (file, problem) in &problems {
        tracing::error!(file = %file.display(), line = problem.line, question = problem.question_id.as_deref().unwrap_or(""),
            "question bank skipped: {}", problem.message);
    }
    for (file, bank) in &banks {
        let source = file.display().to_string();
        let counts = store::upsert_bank(pool, bank, &source, now_ms)
            .await
            .map_err(|e| anyhow::anyhow!("loading {source}: {e}"))?;
        tracing::info!(bank = %bank.slug, file = %source, created = counts.created, updated = counts.updated,
            unchanged = counts.unchanged, retired = counts.retired, "question bank loaded");
    }
    Ok(())
}
