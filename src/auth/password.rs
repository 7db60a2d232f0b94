//! Argon2id hashing off the async workers, on a few dedicated threads (one per core) behind a
//! semaphore of the same size. A request that would queue longer than the configured wait is
//! refused with 503 `overloaded`. Each hashing thread reuses one 19 MiB work area: letting
//! the argon2 crate allocate one per hash grew the process by hundreds of MiB during a login
//! burst (the allocator kept the freed areas), so the PHC string is written and read here.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::anyhow;
use argon2::password_hash::{Output, PasswordHash, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::credentials::Password;
use crate::error::{AppError, AppResult};

/// OWASP's argon2id parameters: m = 19 MiB, t = 2, p = 1.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;
const OUTPUT_BYTES: usize = 32;
/// Hashes of other cost found in the table are verified up to this much memory.
const MAX_MEMORY_KIB: u32 = 256 * 1024;

thread_local! {
    /// The 19 MiB work area, reused by each hashing thread instead of allocated per hash.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

fn argon2_output(
    password: &[u8],
    salt: &[u8],
    params: Params,
    length: usize,
) -> anyhow::Result<Vec<u8>> {
    let blocks_needed = params.block_count();
    let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut output = vec![0u8; length];
    BLOCKS.with(|cell| {
        let mut blocks = cell.borrow_mut();
        if blocks.len() < blocks_needed {
            blocks.resize(blocks_needed, Block::default());
        }
        hasher
            .hash_password_into_with_memory(
                password,
                salt,
                &mut output,
                &mut blocks[..blocks_needed],
            )
            .map_err(|e| anyhow!("argon2: {e}"))
    })?;
    Ok(output)
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), as the argon2 crate writes it.
fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow!("salt: {e}"))?;
    let params = Params::new(MEMORY_KIB, PASSES, LANES, Some(OUTPUT_BYTES))
        .map_err(|e| anyhow!("params: {e}"))?;
    let output = Output::new(&argon2_output(
        password.as_bytes(),
        salt_raw,
        params,
        OUTPUT_BYTES,
    )?)
    .map_err(|e| anyhow!("output: {e}"))?;
    Ok(format!(
        "$argon2id$v=19$m={MEMORY_KIB},t={PASSES},p={LANES}${}${output}",
        salt.as_str()
    ))
}

/// Verifies with the parameters stored in the hash; the comparison is constant-time.
fn verify_now(password: &str, hash: &str) -> bool {
    let check = || -> Option<bool> {
        let parsed = PasswordHash::new(hash).ok()?;
        if parsed.algorithm.as_str() != "argon2id" {
            return None;
        }
        let params = Params::try_from(&parsed).ok()?;
        if params.m_cost() > MAX_MEMORY_KIB {
            return None;
        }
        let expected = parsed.hash?;
        let mut salt_bytes = [0u8; 64];
        let salt = parsed.salt?.decode_b64(&mut salt_bytes).ok()?;
        let computed = argon2_output(password.as_bytes(), salt, params, expected.len()).ok()?;
        Some(Output::new(&computed).ok()? == expected)
    };
    check().unwrap_or(false)
}

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads, fed through a channel.
struct Hashers {
    jobs: Mutex<std::sync::mpsc::Sender<Job>>,
}

impl Hashers {
    fn start(threads: usize) -> anyhow::Result<Self> {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for index in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{index}"))
                .spawn(move || {
                    loop {
                        let job = queue
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                })?;
        }
        Ok(Self {
            jobs: Mutex::new(jobs),
        })
    }

    /// Queues `work`; the receiver yields its result.
    fn submit<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<tokio::sync::oneshot::Receiver<T>> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .send(job)
            .map_err(|_| anyhow!("the hashing threads stopped"))?;
        Ok(result)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        self.submit(work)?
            .await
            .map_err(|_| anyhow!("a hashing job was dropped"))
    }
}

#[derive(Clone)]
pub struct Passwords {
    hashers: Arc<Hashers>,
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
            hashers: Arc::new(Hashers::start(cores)?),
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
        let hash = self
            .hashers
            .run(move || {
                let _permit = permit;
                hash_now(password.expose())
            })
            .await??;
        Ok(hash)
    }

    /// Verifies against `hash`, or against the dummy hash when there is no account.
    pub async fn verify(&self, password: &Password, hash: Option<&str>) -> AppResult<bool> {
        let permit = self.permit().await?;
        let password = password.clone();
        let known = hash.is_some();
        let hash = hash.map_or_else(|| self.dummy_hash.as_ref().clone(), str::to_owned);
        let matches = self
            .hashers
            .run(move || {
                let _permit = permit;
                verify_now(password.expose(), &hash)
            })
            .await?;
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
        // Hashes written by the argon2 crate itself (other parameters too) still verify.
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let params = Params::new(8 * 1024, 3, 1, None).expect("params");
        let foreign = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"old password here", &salt)
            .expect("hash")
            .to_string();
        assert!(verify_now("old password here", &foreign));
        assert!(!verify_now("old password hers", &foreign));
    }
}
