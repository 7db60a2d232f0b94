//! Where recordings live: one `object_store` seam chosen at start from `STORAGE_URL`, a
//! folder under DATA_DIR by default or an S3 bucket (AWS or any S3-compatible server).
//! Keys are made here from server ids only; nothing a client sends becomes part of a key.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt};

use crate::config::{MediaConfig, StorageUrl};

#[derive(Clone)]
pub struct MediaStore {
    pub store: Arc<dyn ObjectStore>,
    /// The folder behind the local backend (for the janitor's sweep of staging files).
    pub local_root: Option<PathBuf>,
    pub describe: String,
}

impl MediaStore {
    pub fn connect(config: &MediaConfig, data_dir: &Path) -> anyhow::Result<Self> {
        let storage = config
            .storage
            .clone()
            .unwrap_or_else(|| StorageUrl::Local(data_dir.join("media")));
        match storage {
            StorageUrl::Local(root) => {
                std::fs::create_dir_all(&root)
                    .with_context(|| format!("creating {}", root.display()))?;
                let store = LocalFileSystem::new_with_prefix(&root)
                    .with_context(|| format!("opening {}", root.display()))?
                    .with_automatic_cleanup(true);
                Ok(Self {
                    store: Arc::new(store),
                    describe: format!("local folder {}", root.display()),
                    local_root: Some(root),
                })
            }
            StorageUrl::S3 { bucket, prefix } => {
                // Credentials, region and session token come from the AWS_* variables.
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(&bucket);
                if let Some(endpoint) = &config.s3_endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                let s3 = builder.build().context("configuring S3 storage")?;
                let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(PrefixStore::new(s3, prefix.as_str()))
                };
                Ok(Self {
                    store,
                    describe: format!("s3://{bucket}/{prefix}"),
                    local_root: None,
                })
            }
        }
    }

    /// Deletes an object; one that is already gone is fine.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error).with_context(|| format!("deleting object {key}")),
        }
    }
}

/// The key of a recording: made of server-generated ids only.
pub fn object_key(contest_id: &str, entry_id: &str, media_id: &str) -> String {
    format!("contests/{contest_id}/entries/{entry_id}/{media_id}")
}
