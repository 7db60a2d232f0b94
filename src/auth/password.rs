//! Argon2id hashing off the async workers, behind a semaphore sized to the cores. A request
//! that would queue longer than the configured wait is refused with 503 `overloaded`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::anyhow;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::credentials::Password;
use crate::error::{AppError, AppResult};

/// OWASP's argon2id parameters: m = 19 MiB, t = 2, p = 1.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow!("hashing a password: {e}"))
}

fn verify_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    queue_wait: Duration,
    /// Verified against when the username is unknown, so both cases cost the same.
    dummy_hash: Arc<String>,
}

impl Passwords {
    pub fn new(queue_wait: Duration) -> anyhow::Result<Self> {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Ok(Self {
            permits: Arc::new(Semaphore::new(cores)),
            queue_wait,
            dummy_hash: Arc::new(hash_now("civiquiz dummy password for unknown users")?),
        })
    }

    async fn permit(&self) -> AppResult<OwnedSemaphorePermit> {
        match tokio::time::timeout(self.queue_wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) => Err(anyhow!("password semaphore closed").into()),
            Err(_) => Err(AppError::overloaded(self.queue_wait.as_secs().max(1))),
        }
    }

    pub async fn hash(&self, password: &Password) -> AppResult<String> {
        let permit = self.permit().await?;
        let password = password.clone();
        let hash = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            hash_now(password.expose())
        })
        .await
        .map_err(|e| anyhow!("hashing task failed: {e}"))??;
        Ok(hash)
    }

    /// Verifies against `hash`, or against the dummy hash when there is no account.
    pub async fn verify(&self, password: &Password, hash: Option<&str>) -> AppResult<bool> {
        let permit = self.permit().await?;
        let password = password.clone();
        let known = hash.is_some();
        let hash = hash.map_or_else(|| self.dummy_hash.as_ref().clone(), str::to_owned);
        let matches = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            verify_now(password.expose(), &hash)
        })
        .await
        .map_err(|e| anyhow!("verifying task failed: {e}"))?;
        Ok(known && matches)
    }

    /// Hashes a batch (an admin's bulk import) with every core, waiting as long as it takes.
    pub async fn hash_batch(&self, passwords: Vec<String>) -> AppResult<Vec<String>> {
        let mut tasks = Vec::with_capacity(passwords.len());
        for password in passwords {
            let permit = self
                .permits
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| anyhow!("password semaphore closed"))?;
            tasks.push(tokio::task::spawn_blocking(move || {
                let _permit = permit;
                hash_now(&password)
            }));
        }
        let mut hashes = Vec::with_capacity(tasks.len());
        for task in tasks {
            hashes.push(
                task.await
                    .map_err(|e| anyhow!("hashing task failed: {e}"))??,
            );
        }
        Ok(hashes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters() {
        let hash = hash_now("một mật khẩu dài").expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_now("một mật khẩu dài", &hash));
        assert!(!verify_now("mot mat khau dai", &hash));
        assert!(!verify_now("anything", "not a hash"));
    }
}
