//! `civiquiz backup` and `civiquiz restore`. A backup is a folder: a consistent copy of the
//! embedded database taken while the server serves (SQLite's `VACUUM INTO`, which reads one
//! snapshot: never a file copy of a live WAL database), the recordings that copy refers to,
//! and `manifest.json` with every file's size and SHA-256, which `restore` checks in full
//! before it writes anything. PostgreSQL and S3 have their own tools (pg_dump or point-in-time
//! recovery; bucket versioning): the commands say so rather than copy half a system.
//!
//! Not in a backup: the JWT secret (a restored server signs new tokens, so API clients sign in
//! again; browser sessions, stored in the database, go on) and unfinished resumable uploads
//! (their parts are not copied, so their rows are dropped from the copy: the phone starts
//! that upload again).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use crate::clock::{Clock, SystemClock, Timestamp};
use crate::config::StorageUrl;

pub const MANIFEST: &str = "manifest.json";
const DATABASE_FILE: &str = "civiquiz.db";
const MEDIA_FOLDER: &str = "media";
/// The manifest's layout; `restore` refuses any other.
const FORMAT: u32 = 1;
/// Snapshots retaken when a recording the last one referred to was removed before it could be
/// copied (a replaced recording, an erased entry).
const SNAPSHOT_TRIES: usize = 5;

/// Where a server keeps its records: the database and, when on this disk, the recordings.
pub struct Place {
    pub database_url: String,
    /// `None` when the recordings are in an S3 bucket.
    pub media_root: Option<PathBuf>,
}

impl Place {
    pub fn new(
        data_dir: &Path,
        database_url: String,
        storage_url: Option<&str>,
    ) -> anyhow::Result<Self> {
        let media_root = match storage_url.filter(|url| !url.is_empty()) {
            None => Some(data_dir.join(MEDIA_FOLDER)),
            Some(url) => {
                match StorageUrl::parse(url).map_err(|e| anyhow::anyhow!("STORAGE_URL: {e}"))? {
                    StorageUrl::Local(root) => Some(root),
                    StorageUrl::S3 { .. } => None,
                }
            }
        };
        Ok(Place {
            database_url,
            media_root,
        })
    }

    /// The embedded database's file, or why this command cannot do the job.
    fn database_file(&self) -> anyhow::Result<PathBuf> {
        match crate::db::sqlite_path(&self.database_url) {
            Some(path) => Ok(PathBuf::from(path)),
            None if self.database_url.starts_with("sqlite:") => {
                bail!("an in-memory database cannot be backed up or restored")
            }
            None => bail!(
                "the database is PostgreSQL: back it up with pg_dump (or point-in-time recovery) \
                 and restore it with pg_restore; see the README's \"Backups\" section"
            ),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    pub created_at: String,
    pub civiquiz_version: String,
    pub database: FileEntry,
    /// The recordings, by their key in the store; empty when they live in a bucket.
    pub media: Vec<FileEntry>,
    pub media_location: MediaLocation,
}

/// Where a backup's recordings are.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MediaLocation {
    /// In the backup folder, beside the database.
    Local,
    /// Left in the S3 bucket, which keeps its own versions.
    S3,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    /// Relative to the backup folder, `/`-separated.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// What a backup or restore handled.
#[derive(Debug)]
pub struct Summary {
    pub database_bytes: u64,
    pub recordings: usize,
    pub recording_bytes: u64,
    pub media_location: MediaLocation,
}

/// Writes a backup of `place` into `to`, which must be missing or empty.
pub async fn back_up(place: &Place, to: &Path) -> anyhow::Result<Summary> {
    let database = place.database_file()?;
    if !database.exists() {
        bail!("there is no database at {}", database.display());
    }
    require_empty(to)?;
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    // The copy holds password hashes and residents' personal data: its owner's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700))?;
    }
    let snapshot = to.join(DATABASE_FILE);
    let mut media = Vec::new();
    let mut tries = 0;
    loop {
        tries += 1;
        let _ = std::fs::remove_file(&snapshot);
        let _ = std::fs::remove_dir_all(to.join(MEDIA_FOLDER));
        snapshot_database(&database, &snapshot).await?;
        let keys = prune_snapshot(&snapshot).await?;
        let Some(root) = place.media_root.clone() else {
            break;
        };
        let to = to.to_owned();
        let copied = tokio::task::spawn_blocking(move || copy_recordings(&root, &to, &keys))
            .await
            .context("copying the recordings")??;
        match copied {
            Some(files) => {
                media = files;
                break;
            }
            None if tries < SNAPSHOT_TRIES => continue,
            None => bail!("recordings kept disappearing while they were copied; try again"),
        }
    }
    let snapshot_for_hash = snapshot.clone();
    let database_entry =
        tokio::task::spawn_blocking(move || hash_file(&snapshot_for_hash, DATABASE_FILE))
            .await
            .context("hashing the database copy")??;
    let manifest = Manifest {
        format: FORMAT,
        created_at: Timestamp(SystemClock.now_ms()).to_rfc3339(),
        civiquiz_version: env!("CARGO_PKG_VERSION").to_owned(),
        database: database_entry,
        media_location: location(place),
        media,
    };
    let written = to.join(format!("{MANIFEST}.partial"));
    std::fs::write(&written, serde_json::to_vec_pretty(&manifest)?)
        .with_context(|| format!("writing {}", written.display()))?;
    std::fs::rename(&written, to.join(MANIFEST))?;
    Ok(summary(&manifest, location(place)))
}

/// Restores the backup in `from` into `place`, which must hold no database and no recordings.
/// Every file is checked against the manifest first: a mismatch writes nothing.
pub async fn restore(place: &Place, from: &Path) -> anyhow::Result<Summary> {
    let database = place.database_file()?;
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(from.join(MANIFEST))
            .with_context(|| format!("reading {}", from.join(MANIFEST).display()))?,
    )
    .context("the manifest is not a civiquiz backup manifest")?;
    if manifest.format != FORMAT {
        bail!(
            "the manifest's format is {}; this civiquiz reads format {FORMAT}",
            manifest.format
        );
    }
    if database.exists() {
        bail!(
            "{} exists: restore into an empty data folder",
            database.display()
        );
    }
    let media_root = match (&place.media_root, manifest.media.is_empty()) {
        (Some(root), _) => {
            require_empty(root)?;
            Some(root.clone())
        }
        (None, true) => None,
        (None, false) => bail!(
            "the recordings of this backup are files, but STORAGE_URL is a bucket: restore \
             into the local store, then copy them to the bucket"
        ),
    };
    let (from_owned, entries) = (from.to_owned(), manifest_files(&manifest));
    let problems = tokio::task::spawn_blocking(move || verify(&from_owned, &entries))
        .await
        .context("checking the backup")??;
    if !problems.is_empty() {
        bail!(
            "the backup does not match its manifest; nothing was restored:\n  {}",
            problems.join("\n  ")
        );
    }
    let (from_owned, database_owned) = (from.to_owned(), database.clone());
    let media = manifest.media.clone();
    tokio::task::spawn_blocking(move || {
        put_in_place(&from_owned, &database_owned, media_root.as_deref(), &media)
    })
    .await
    .context("restoring")??;
    Ok(summary(&manifest, location(place)))
}

fn location(place: &Place) -> MediaLocation {
    match place.media_root {
        Some(_) => MediaLocation::Local,
        None => MediaLocation::S3,
    }
}

fn summary(manifest: &Manifest, media_location: MediaLocation) -> Summary {
    Summary {
        database_bytes: manifest.database.bytes,
        recordings: manifest.media.len(),
        recording_bytes: manifest.media.iter().map(|m| m.bytes).sum(),
        media_location,
    }
}

fn require_empty(folder: &Path) -> anyhow::Result<()> {
    match std::fs::read_dir(folder) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!("{} is not empty", folder.display());
            }
            Ok(())
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error).with_context(|| format!("reading {}", folder.display())),
    }
}

async fn open(path: &Path) -> anyhow::Result<SqliteConnection> {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .busy_timeout(std::time::Duration::from_secs(30));
    SqliteConnection::connect_with(&options)
        .await
        .with_context(|| format!("opening {}", path.display()))
}

/// `VACUUM INTO` copies one read snapshot of the live database, whatever writers do meanwhile.
async fn snapshot_database(database: &Path, snapshot: &Path) -> anyhow::Result<()> {
    let mut live = open(database).await?;
    let target = snapshot
        .to_str()
        .context("the backup folder's path is not UTF-8")?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut live)
        .await
        .context("copying the database (VACUUM INTO)")?;
    live.close().await?;
    Ok(())
}

/// Drops from the copy what refers to objects a backup does not hold (unfinished uploads and
/// their parts), and lists the recordings it does refer to.
async fn prune_snapshot(snapshot: &Path) -> anyhow::Result<Vec<String>> {
    let mut copy = open(snapshot).await?;
    let mut tx = copy.begin().await?;
    for table in ["resumable_parts", "resumable_uploads", "media_uploads"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&mut *tx)
            .await
            .with_context(|| format!("emptying {table} in the copy"))?;
    }
    tx.commit().await?;
    let keys: Vec<(String,)> =
        sqlx::query_as("SELECT object_key FROM entry_media ORDER BY object_key")
            .fetch_all(&mut copy)
            .await?;
    copy.close().await?;
    Ok(keys.into_iter().map(|(key,)| key).collect())
}

/// Copies each recording into the backup, hashing it; `None` when one has gone since the
/// snapshot was taken (the caller takes a new one).
fn copy_recordings(
    root: &Path,
    to: &Path,
    keys: &[String],
) -> anyhow::Result<Option<Vec<FileEntry>>> {
    let mut files = Vec::with_capacity(keys.len());
    for key in keys {
        let relative = format!("{MEDIA_FOLDER}/{key}");
        let source = root.join(key);
        let target = to.join(&relative);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let input = match std::fs::File::open(&source) {
            Ok(input) => input,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => {
                return Err(error).with_context(|| format!("reading {}", source.display()));
            }
        };
        let mut output = std::fs::File::create(&target)
            .with_context(|| format!("writing {}", target.display()))?;
        let (bytes, sha256) = digest(input, Some(&mut output))?;
        files.push(FileEntry {
            path: relative,
            bytes,
            sha256,
        });
    }
    Ok(Some(files))
}

/// Reads `input` to its end, hashing it and writing it to `copy` when there is one: its
/// size and SHA-256.
fn digest(
    mut input: impl Read,
    mut copy: Option<&mut std::fs::File>,
) -> anyhow::Result<(u64, String)> {
    let mut buffer = vec![0u8; 1 << 20];
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    loop {
        let read = input.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        if let Some(copy) = copy.as_mut() {
            copy.write_all(&buffer[..read])?;
        }
        bytes += read as u64;
    }
    if let Some(copy) = copy {
        copy.sync_all()?;
    }
    Ok((bytes, hex::encode(hasher.finalize())))
}

fn hash_file(path: &Path, relative: &str) -> anyhow::Result<FileEntry> {
    let input = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let (bytes, sha256) = digest(input, None)?;
    Ok(FileEntry {
        path: relative.to_owned(),
        bytes,
        sha256,
    })
}

fn manifest_files(manifest: &Manifest) -> Vec<FileEntry> {
    std::iter::once(manifest.database.clone())
        .chain(manifest.media.iter().cloned())
        .collect()
}

/// Every file the manifest lists, checked for its size and hash; the problems found.
fn verify(from: &Path, entries: &[FileEntry]) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    for entry in entries {
        let plain = entry
            .path
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..");
        if !plain || Path::new(&entry.path).is_absolute() {
            problems.push(format!("{}: not a path inside the backup", entry.path));
            continue;
        }
        match hash_file(&from.join(&entry.path), &entry.path) {
            Ok(found) if found == *entry => {}
            Ok(found) => problems.push(format!(
                "{}: {} bytes with SHA-256 {}, the manifest says {} bytes with {}",
                entry.path, found.bytes, found.sha256, entry.bytes, entry.sha256
            )),
            Err(error) => problems.push(format!("{}: {error:#}", entry.path)),
        }
    }
    Ok(problems)
}

/// Copies the database and the recordings next to where they go, then moves them in; a
/// failure removes what was written.
fn put_in_place(
    from: &Path,
    database: &Path,
    media_root: Option<&Path>,
    media: &[FileEntry],
) -> anyhow::Result<()> {
    let folder = database.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let staged_database = folder.join(format!("{DATABASE_FILE}.restoring"));
    let mut written: Vec<PathBuf> = vec![staged_database.clone()];
    let result = (|| -> anyhow::Result<()> {
        std::fs::copy(from.join(DATABASE_FILE), &staged_database)?;
        if let Some(root) = media_root {
            for entry in media {
                let key = entry
                    .path
                    .strip_prefix(&format!("{MEDIA_FOLDER}/"))
                    .context("a recording outside the media folder")?;
                let target = root.join(key);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                written.push(target.clone());
                std::fs::copy(from.join(&entry.path), &target)?;
            }
        }
        std::fs::rename(&staged_database, database)?;
        Ok(())
    })();
    if result.is_err() {
        for path in &written {
            let _ = std::fs::remove_file(path);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_is_left_to_its_own_tools() {
        let place =
            Place::new(Path::new("/tmp/x"), "postgres://db/civiquiz".into(), None).expect("place");
        let refused = place.database_file().expect_err("not ours to copy");
        assert!(refused.to_string().contains("pg_dump"), "{refused}");
    }

    #[test]
    fn a_bucket_holds_its_own_recordings() {
        let place = Place::new(
            Path::new("/d"),
            "sqlite:///d/civiquiz.db".into(),
            Some("s3://civiquiz-media/p"),
        )
        .expect("place");
        assert!(place.media_root.is_none());
        assert_eq!(
            place.database_file().expect("sqlite"),
            PathBuf::from("/d/civiquiz.db")
        );
    }
}
