//! One `Config` from flags and environment, validated at boot with a message per bad value.

use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rand::RngCore;

#[derive(Debug, Parser)]
#[command(
    name = "civiquiz",
    version,
    about = "Timed quizzes, live leaderboards and recorded contests"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `civiquiz` alone serves, with these flags.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (the default).
    Serve(Box<ServeArgs>),
    /// Account administration.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Question-bank tools.
    #[command(subcommand)]
    Banks(BanksCommand),
    /// Copy the embedded database (consistently, while the server serves) and the recordings
    /// into an empty folder, with a manifest of sizes and SHA-256s.
    Backup {
        /// The folder to write; it must be missing or empty.
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long, env = "STORAGE_URL")]
        storage_url: Option<String>,
    },
    /// Restore a backup into an empty data folder, after checking every file against its
    /// manifest.
    Restore {
        /// The backup folder (as written by `civiquiz backup`).
        #[arg(long)]
        from: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long, env = "STORAGE_URL")]
        storage_url: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BanksCommand {
    /// Check bank files (every problem with file, line and question id); non-zero on any.
    Check {
        #[arg(default_value = "question-banks")]
        paths: Vec<PathBuf>,
    },
    /// Coverage of the banks by DigComp area, kind and difficulty.
    Stats {
        #[arg(default_value = "question-banks")]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an admin account; the password is read from standard input.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Where the records live; shared by every command that touches the database.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Folder for the embedded database, the generated secret and media.
    #[arg(long, env = "DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default: a SQLite file in DATA_DIR.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl StoreArgs {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("civiquiz.db").display()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    #[command(flatten)]
    pub store: StoreArgs,
    /// `redis://host:port/db`; without it leaderboards, the bus and rate limits stay in-process.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,
    /// Prefix of every Redis key, so several deployments can share one Redis.
    #[arg(long, env = "REDIS_PREFIX", default_value = "civiquiz:")]
    pub redis_prefix: String,
    /// HS256 key for access tokens (at least 32 bytes). Generated into DATA_DIR when absent.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Refuse unsafe defaults (a generated JWT secret).
    #[arg(long, env = "PRODUCTION")]
    pub production: bool,
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Seconds a request may take to produce its response head.
    #[arg(long, env = "REQUEST_TIMEOUT_S", default_value_t = 30)]
    pub request_timeout_s: u64,
    /// Seconds a connection may take to send a request's head, and may stay idle between
    /// requests (slow or silent clients are closed).
    #[arg(long, env = "HEADER_READ_TIMEOUT_S", default_value_t = 10)]
    pub header_read_timeout_s: u64,
    /// Open connections at most (live board streams included); past it, 503 and close.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,
    /// Who may make her own account: `open` (and pick her unit), `join_code` (a unit only
    /// with its code) or `closed`. Unset: `join_code` once any unit has a code, else `open`.
    #[arg(long, env = "REGISTRATION", value_enum)]
    pub registration: Option<crate::auth::registration::Registration>,
    /// New accounts one address may make per hour (a school behind one address fits).
    #[arg(long, env = "ACCOUNTS_PER_ADDRESS_PER_HOUR", default_value_t = 300)]
    pub accounts_per_address_per_hour: u32,
    /// Once an account has had too many failed sign-ins, a device it has never seen may try
    /// once per this many seconds from each address (devices it knows are not slowed).
    #[arg(long, env = "UNKNOWN_DEVICE_DELAY_S", default_value_t = 30)]
    pub unknown_device_delay_s: u64,
    /// Days an imported account's one-time password works before an admin must issue another.
    #[arg(long, env = "ONE_TIME_PASSWORD_DAYS", default_value_t = 7)]
    pub one_time_password_days: u32,
    /// Requests per minute one address may make to the auth routes (a school shares one address).
    #[arg(long, env = "AUTH_IP_LIMIT_PER_MIN", default_value_t = 600)]
    pub auth_ip_limit_per_min: u32,
    /// The proxies you run in front of the server (addresses or CIDRs, comma-separated):
    /// requests from them are read for X-Forwarded-For (the rightmost address not among
    /// them is the client), X-Forwarded-Proto and X-Forwarded-Host.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// Who may read /metrics and /readyz's details (addresses or CIDRs, comma-separated;
    /// default this machine only).
    #[arg(long, env = "METRICS_ALLOW", default_value = "127.0.0.0/8,::1")]
    pub metrics_allow: String,
    /// Older switch: trust a proxy on this machine (loopback) when TRUSTED_PROXIES is empty.
    #[arg(long, env = "TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// The address people reach this server at (`https://thi.langha.edu.vn`,
    /// `http://192.168.1.10:8080`), for the links and QR codes shown on the projector. Unset:
    /// the address the request came to, which is wrong when the hall's computer uses localhost.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Folder of question-bank files loaded (upserted) at start.
    #[arg(long, env = "BANKS_DIR", default_value = "question-banks")]
    pub banks_dir: PathBuf,
    /// Seconds after an attempt's deadline during which saves and submits still count
    /// (network latency), before the attempt is closed with what was saved.
    #[arg(long, env = "ATTEMPT_GRACE_S", default_value_t = 5)]
    pub attempt_grace_s: u64,
    /// How often the sweeper closes attempts past their deadline, in milliseconds.
    #[arg(long, env = "SWEEP_INTERVAL_MS", default_value_t = 500)]
    pub sweep_interval_ms: u64,
    /// Largest number of pooled database connections.
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,
    /// Where recordings go: unset for DATA_DIR/media, `file:///abs/path`, or
    /// `s3://bucket/prefix` (credentials and region from the usual AWS_* variables).
    #[arg(long, env = "STORAGE_URL")]
    pub storage_url: Option<String>,
    /// Endpoint of an S3-compatible server (e.g. http://127.0.0.1:9000); unset for AWS.
    #[arg(long, env = "S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// Seconds after which an unfinished upload (temporary file or object) counts as
    /// orphaned and the janitor removes it.
    #[arg(long, env = "UPLOAD_ORPHAN_AGE_S", default_value_t = 6 * 3600)]
    pub upload_orphan_age_s: u64,
    /// Seconds an upload may stall without a byte before it is dropped.
    #[arg(long, env = "UPLOAD_IDLE_TIMEOUT_S", default_value_t = 60)]
    pub upload_idle_timeout_s: u64,
    /// Bytes per second an upload must average over each `UPLOAD_RATE_WINDOW_S` (after its
    /// first window); slower ones are dropped. 0 turns the check off.
    #[arg(long, env = "UPLOAD_MIN_RATE_BPS", default_value_t = 1024)]
    pub upload_min_rate_bps: u64,
    /// Seconds over which an upload's rate is measured.
    #[arg(long, env = "UPLOAD_RATE_WINDOW_S", default_value_t = 30)]
    pub upload_rate_window_s: u64,
    /// Seconds an upload's body may take in all.
    #[arg(long, env = "UPLOAD_DEADLINE_S", default_value_t = 30 * 60)]
    pub upload_deadline_s: u64,
    /// Seconds a resumable upload may wait for its next part before it expires and the
    /// janitor removes what it received.
    #[arg(long, env = "RESUMABLE_UPLOAD_EXPIRY_S", default_value_t = 24 * 3600)]
    pub resumable_upload_expiry_s: u64,
    /// Folder where uploads are staged while they are checked; default DATA_DIR/tmp/uploads.
    #[arg(long, env = "STAGING_DIR")]
    pub staging_dir: Option<PathBuf>,
    /// MiB that must stay free on the staging (and local storage) filesystem once an upload
    /// of the declared size has landed; an upload that would eat into it is refused.
    #[arg(long, env = "STAGING_RESERVE_MB", default_value_t = 1024)]
    pub staging_reserve_mb: u64,
}

/// `text` as an origin for links: `http` or `https`, a host (and port), nothing after but an
/// optional `/`.
pub fn public_origin(text: &str) -> Result<String, String> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or("must start with https:// or http://")?;
    let host = rest.strip_suffix('/').unwrap_or(rest);
    let plausible = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    if !plausible {
        return Err("must be an origin such as https://thi.example.vn (no path)".into());
    }
    Ok(text[..text.len() - rest.len() + host.len()].to_owned())
}

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub redis_url: Option<String>,
    pub redis_prefix: String,
    pub jwt_secret: Vec<u8>,
    pub log_format: LogFormat,
    pub request_timeout: Duration,
    /// A request's head must arrive within this, and an idle connection closes after it.
    pub header_read_timeout: Duration,
    /// Open connections at most.
    pub max_connections: usize,
    pub shutdown_grace: Duration,
    pub auth_ip_limit_per_min: u32,
    /// `None`: decided by whether any unit has a join code.
    pub registration: Option<crate::auth::registration::Registration>,
    /// Whose forwarding headers are believed; empty: nobody's.
    pub trusted_proxies: crate::http::client::TrustedProxies,
    /// Who may read the operations routes' internals (`/metrics`, `/readyz` details).
    pub metrics_allow: crate::http::client::Networks,
    pub db_max_connections: u32,
    pub attempt_grace: Duration,
    pub sweep_interval: Duration,
    /// Bank files loaded at start; `None` loads none.
    pub banks_dir: Option<PathBuf>,
    /// The origin of links shown for people to follow (`https://host[:port]`, no trailing
    /// slash); `None`: the request's own.
    pub public_url: Option<String>,
    /// Tuning knobs tests lower to exercise limits quickly.
    pub limits: Limits,
    /// Recording storage and upload handling.
    pub media: MediaConfig,
}

/// Where recordings are stored and how uploads are bounded.
#[derive(Debug, Clone)]
pub struct MediaConfig {
    /// `None`: a folder `media` under DATA_DIR.
    pub storage: Option<StorageUrl>,
    pub s3_endpoint: Option<String>,
    pub orphan_age: Duration,
    pub janitor_interval: Duration,
    pub upload_idle_timeout: Duration,
    /// The slowest an upload may be, averaged over a window; `None`: no floor.
    pub upload_min_rate: Option<MinRate>,
    /// The longest an upload's body may take.
    pub upload_deadline: Duration,
    /// How long a resumable upload waits for its next part.
    pub resumable_expiry: Duration,
    /// `None`: DATA_DIR/tmp/uploads.
    pub staging_dir: Option<PathBuf>,
    /// Bytes kept free on the staging filesystem beyond an upload's size.
    pub staging_reserve_bytes: u64,
}

/// `bytes_per_s` on average over every `window` of an upload, once its first window is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinRate {
    pub bytes_per_s: u64,
    pub window: Duration,
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            storage: None,
            s3_endpoint: None,
            orphan_age: Duration::from_secs(6 * 3600),
            janitor_interval: Duration::from_secs(600),
            upload_idle_timeout: Duration::from_secs(60),
            upload_min_rate: Some(MinRate {
                bytes_per_s: 1024,
                window: Duration::from_secs(30),
            }),
            upload_deadline: Duration::from_secs(30 * 60),
            resumable_expiry: Duration::from_secs(24 * 3600),
            staging_dir: None,
            staging_reserve_bytes: 1 << 30,
        }
    }
}

/// A parsed `STORAGE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageUrl {
    Local(PathBuf),
    S3 { bucket: String, prefix: String },
}

impl StorageUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err("file:// URLs need an absolute path (file:///srv/media)".into());
            }
            return Ok(StorageUrl::Local(PathBuf::from(path)));
        }
        let Some(rest) = url.strip_prefix("s3://") else {
            return Err("must start with s3:// or file://".into());
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if !valid_bucket {
            return Err(format!("`{bucket}` is not an S3 bucket name"));
        }
        let prefix = prefix.trim_matches('/');
        if prefix.split('/').any(|part| part == "." || part == "..")
            || prefix.contains("//")
            || prefix.chars().any(char::is_control)
        {
            return Err("the prefix must be plain path segments".into());
        }
        Ok(StorageUrl::S3 {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        })
    }
}

#[derive(Debug, Clone)]
pub struct Limits {
    pub failed_logins_per_account: u32,
    pub failed_login_window: Duration,
    /// How often an unknown device may try an account past its failed-login limit.
    pub unknown_device_delay: Duration,
    pub hash_queue_wait: Duration,
    pub accounts_per_address_per_hour: u32,
    /// How long an imported account's one-time password works.
    pub one_time_password_ttl: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            failed_logins_per_account: 10,
            failed_login_window: Duration::from_secs(15 * 60),
            unknown_device_delay: Duration::from_secs(30),
            hash_queue_wait: Duration::from_secs(2),
            accounts_per_address_per_hour: 300,
            one_time_password_ttl: Duration::from_secs(7 * 86_400),
        }
    }
}

pub const MIN_JWT_SECRET_BYTES: usize = 32;

impl ServeArgs {
    /// Checks every value and reports all problems together.
    pub fn into_config(self) -> Result<Config, String> {
        let mut problems = Vec::new();
        let bind = self
            .bind
            .parse::<SocketAddr>()
            .map_err(|_| {
                problems.push(format!(
                    "BIND: `{}` is not an address like 127.0.0.1:8080",
                    self.bind
                ))
            })
            .ok();
        let database_url = self.store.database_url();
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            problems
                .push("DATABASE_URL: must start with sqlite:, postgres:// or postgresql://".into());
        }
        if let Some(url) = &self.redis_url
            && !(url.starts_with("redis://") || url.starts_with("rediss://"))
        {
            problems.push("REDIS_URL: must start with redis:// or rediss://".into());
        }
        if self.redis_prefix.is_empty() || self.redis_prefix.len() > 64 {
            problems.push("REDIS_PREFIX: must be 1 to 64 characters".into());
        }
        if !(1..=600).contains(&self.header_read_timeout_s) {
            problems.push("HEADER_READ_TIMEOUT_S: must be between 1 and 600".into());
        }
        if !(1..=1_000_000).contains(&self.max_connections) {
            problems.push("MAX_CONNECTIONS: must be between 1 and 1000000".into());
        }
        if self.request_timeout_s == 0 || self.request_timeout_s > 3600 {
            problems.push("REQUEST_TIMEOUT_S: must be between 1 and 3600".into());
        }
        if !(1..=3600).contains(&self.unknown_device_delay_s) {
            problems.push("UNKNOWN_DEVICE_DELAY_S: must be between 1 and 3600".into());
        }
        if !(1..=366).contains(&self.one_time_password_days) {
            problems.push("ONE_TIME_PASSWORD_DAYS: must be between 1 and 366".into());
        }
        if self.auth_ip_limit_per_min == 0 {
            problems.push("AUTH_IP_LIMIT_PER_MIN: must be at least 1".into());
        }
        if self.accounts_per_address_per_hour == 0 {
            problems.push("ACCOUNTS_PER_ADDRESS_PER_HOUR: must be at least 1".into());
        }
        if self.attempt_grace_s > 300 {
            problems.push("ATTEMPT_GRACE_S: must be at most 300".into());
        }
        if !(50..=60_000).contains(&self.sweep_interval_ms) {
            problems.push("SWEEP_INTERVAL_MS: must be between 50 and 60000".into());
        }
        if self.db_max_connections == 0 || self.db_max_connections > 1000 {
            problems.push("DB_MAX_CONNECTIONS: must be between 1 and 1000".into());
        }
        let trusted_proxies =
            match crate::http::client::TrustedProxies::parse(&self.trusted_proxies) {
                Ok(proxies) if proxies.is_empty() && self.trust_forwarded_for => {
                    crate::http::client::TrustedProxies::loopback()
                }
                Ok(proxies) => proxies,
                Err(problem) => {
                    problems.push(format!("TRUSTED_PROXIES: {problem}"));
                    Default::default()
                }
            };
        let public_url = match self.public_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => public_origin(text)
                .map_err(|problem| problems.push(format!("PUBLIC_URL: {problem}")))
                .ok(),
        };
        let metrics_allow = crate::http::client::Networks::parse(&self.metrics_allow)
            .unwrap_or_else(|problem| {
                problems.push(format!("METRICS_ALLOW: {problem}"));
                Default::default()
            });
        let storage = self
            .storage_url
            .as_deref()
            .filter(|url| !url.is_empty())
            .map(StorageUrl::parse)
            .transpose()
            .map_err(|e| problems.push(format!("STORAGE_URL: {e}")))
            .ok()
            .flatten();
        if let Some(endpoint) = &self.s3_endpoint
            && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
        {
            problems.push("S3_ENDPOINT: must start with http:// or https://".into());
        }
        if self.upload_orphan_age_s < 60 {
            problems.push("UPLOAD_ORPHAN_AGE_S: must be at least 60".into());
        }
        if !(60..=30 * 24 * 3600).contains(&self.resumable_upload_expiry_s) {
            problems.push("RESUMABLE_UPLOAD_EXPIRY_S: must be 60 to 2592000".into());
        }
        if !(5..=3600).contains(&self.upload_idle_timeout_s) {
            problems.push("UPLOAD_IDLE_TIMEOUT_S: must be between 5 and 3600".into());
        }
        if !(5..=3600).contains(&self.upload_rate_window_s) {
            problems.push("UPLOAD_RATE_WINDOW_S: must be between 5 and 3600".into());
        }
        if !(60..=24 * 3600).contains(&self.upload_deadline_s) {
            problems.push("UPLOAD_DEADLINE_S: must be between 60 and 86400".into());
        }
        if self.staging_reserve_mb > 1 << 30 {
            problems.push("STAGING_RESERVE_MB: must be at most 1073741824 (1 PiB)".into());
        }
        if self
            .staging_dir
            .as_ref()
            .is_some_and(|dir| dir.as_os_str().is_empty())
        {
            problems.push("STAGING_DIR: must not be empty".into());
        }
        let jwt_secret = match (&self.jwt_secret, self.production) {
            (Some(secret), _) if secret.len() < MIN_JWT_SECRET_BYTES => {
                problems.push(format!(
                    "JWT_SECRET: must be at least {MIN_JWT_SECRET_BYTES} bytes"
                ));
                None
            }
            (Some(secret), _) => Some(secret.clone().into_bytes()),
            (None, true) => {
                problems.push("JWT_SECRET: required with --production (at least 32 bytes)".into());
                None
            }
            (None, false) => load_or_create_secret(&self.store.data_dir)
                .map_err(|e| problems.push(format!("JWT_SECRET: no secret given and {e}")))
                .ok(),
        };
        match (bind, jwt_secret, problems.is_empty()) {
            (Some(bind), Some(jwt_secret), true) => Ok(Config {
                bind,
                data_dir: self.store.data_dir,
                database_url,
                redis_url: self.redis_url,
                redis_prefix: self.redis_prefix,
                jwt_secret,
                log_format: self.log_format,
                request_timeout: Duration::from_secs(self.request_timeout_s),
                header_read_timeout: Duration::from_secs(self.header_read_timeout_s),
                max_connections: self.max_connections,
                shutdown_grace: Duration::from_secs(10),
                auth_ip_limit_per_min: self.auth_ip_limit_per_min,
                registration: self.registration,
                trusted_proxies,
                metrics_allow,
                db_max_connections: self.db_max_connections,
                attempt_grace: Duration::from_secs(self.attempt_grace_s),
                sweep_interval: Duration::from_millis(self.sweep_interval_ms),
                banks_dir: Some(self.banks_dir),
                public_url,
                limits: Limits {
                    accounts_per_address_per_hour: self.accounts_per_address_per_hour,
                    unknown_device_delay: Duration::from_secs(self.unknown_device_delay_s),
                    one_time_password_ttl: Duration::from_secs(
                        u64::from(self.one_time_password_days) * 86_400,
                    ),
                    ..Limits::default()
                },
                media: MediaConfig {
                    storage,
                    s3_endpoint: self.s3_endpoint,
                    orphan_age: Duration::from_secs(self.upload_orphan_age_s),
                    janitor_interval: Duration::from_secs(600),
                    upload_idle_timeout: Duration::from_secs(self.upload_idle_timeout_s),
                    upload_min_rate: (self.upload_min_rate_bps > 0).then(|| MinRate {
                        bytes_per_s: self.upload_min_rate_bps,
                        window: Duration::from_secs(self.upload_rate_window_s),
                    }),
                    upload_deadline: Duration::from_secs(self.upload_deadline_s),
                    resumable_expiry: Duration::from_secs(self.resumable_upload_expiry_s),
                    staging_dir: self.staging_dir,
                    staging_reserve_bytes: self.staging_reserve_mb.saturating_mul(1 << 20),
                },
            }),
            _ => Err(problems.join("\n")),
        }
    }
}

/// Reads `DATA_DIR/jwt-secret`, creating it (mode 0600) with 64 random bytes on first start.
fn load_or_create_secret(data_dir: &Path) -> Result<Vec<u8>, String> {
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = fs::read_to_string(&path) {
        return hex::decode(existing.trim())
            .ok()
            .filter(|bytes| bytes.len() >= MIN_JWT_SECRET_BYTES)
            .ok_or_else(|| format!("{} is not a valid secret", path.display()));
    }
    fs::create_dir_all(data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let mut secret = vec![0u8; 64];
    rand::rng().fill_bytes(&mut secret);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    file.write_all(hex::encode(&secret).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_public_url_is_an_origin() {
        use super::public_origin;
        assert_eq!(
            public_origin("https://thi.langha.edu.vn/").as_deref(),
            Ok("https://thi.langha.edu.vn")
        );
        assert_eq!(
            public_origin("http://192.168.1.10:8080").as_deref(),
            Ok("http://192.168.1.10:8080")
        );
        assert!(public_origin("thi.langha.edu.vn").is_err());
        assert!(public_origin("https://thi.langha.edu.vn/quizzes").is_err());
        assert!(public_origin("https://").is_err());
    }

    use super::*;

    fn args(extra: &[&str]) -> ServeArgs {
        let mut argv = vec!["civiquiz"];
        argv.extend_from_slice(extra);
        Cli::parse_from(argv).serve
    }

    #[test]
    fn reports_every_bad_value() {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().to_str().expect("utf-8 path");
        let error = args(&[
            "--bind",
            "nowhere",
            "--data-dir",
            data,
            "--database-url",
            "mysql://x",
            "--jwt-secret",
            "short",
        ])
        .into_config()
        .expect_err("bad config");
        assert!(error.contains("BIND"), "{error}");
        assert!(error.contains("DATABASE_URL"), "{error}");
        assert!(error.contains("JWT_SECRET"), "{error}");
    }

    #[test]
    fn storage_urls() {
        assert_eq!(
            StorageUrl::parse("s3://civiquiz-media/prod/v1/"),
            Ok(StorageUrl::S3 {
                bucket: "civiquiz-media".into(),
                prefix: "prod/v1".into()
            })
        );
        assert_eq!(
            StorageUrl::parse("s3://bucket"),
            Ok(StorageUrl::S3 {
                bucket: "bucket".into(),
                prefix: String::new()
            })
        );
        assert!(StorageUrl::parse("s3://Bad_Bucket/x").is_err());
        assert!(StorageUrl::parse("s3://bucket/../x").is_err());
        assert!(StorageUrl::parse("file://relative").is_err());
        assert_eq!(
            StorageUrl::parse("file:///srv/media"),
            Ok(StorageUrl::Local(PathBuf::from("/srv/media")))
        );
        let error = args(&[
            "--storage-url",
            "ftp://x",
            "--jwt-secret",
            "a secret long enough for the test of storage urls",
        ])
        .into_config()
        .expect_err("bad url");
        assert!(error.contains("STORAGE_URL"), "{error}");
    }

    #[test]
    fn upload_limits() {
        const SECRET: &str = "a secret long enough for the test of upload limits";
        let config = args(&["--jwt-secret", SECRET])
            .into_config()
            .expect("defaults");
        assert_eq!(
            config.media.upload_min_rate,
            Some(MinRate {
                bytes_per_s: 1024,
                window: Duration::from_secs(30)
            })
        );
        assert_eq!(config.media.upload_deadline, Duration::from_secs(1800));
        assert_eq!(config.media.staging_reserve_bytes, 1 << 30);
        assert_eq!(config.media.staging_dir, None);
        let config = args(&[
            "--jwt-secret",
            SECRET,
            "--upload-min-rate-bps",
            "0",
            "--staging-dir",
            "/var/tmp/civiquiz",
        ])
        .into_config()
        .expect("no floor");
        assert_eq!(config.media.upload_min_rate, None);
        assert_eq!(
            config.media.staging_dir,
            Some(PathBuf::from("/var/tmp/civiquiz"))
        );
        let error = args(&[
            "--jwt-secret",
            SECRET,
            "--upload-rate-window-s",
            "1",
            "--upload-deadline-s",
            "10",
        ])
        .into_config()
        .expect_err("too tight");
        assert!(error.contains("UPLOAD_RATE_WINDOW_S"), "{error}");
        assert!(error.contains("UPLOAD_DEADLINE_S"), "{error}");
    }

    #[test]
    fn production_needs_a_secret() {
        let error = args(&["--production"])
            .into_config()
            .expect_err("no secret");
        assert!(error.contains("JWT_SECRET: required"), "{error}");
    }

    #[test]
    fn generated_secret_is_kept_private_and_reused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().to_str().expect("utf-8 path");
        let first = args(&["--data-dir", data]).into_config().expect("config");
        let second = args(&["--data-dir", data]).into_config().expect("config");
        assert_eq!(first.jwt_secret, second.jwt_secret);
        assert!(first.database_url.starts_with("sqlite://"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join("jwt-secret"))
                .expect("file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
