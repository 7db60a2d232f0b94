//! The database of record: one `AnyPool` over SQLite or PostgreSQL, the portable migrations,
//! and the id helper. Timestamps are unix milliseconds supplied by the application's clock.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

pub type Pool = AnyPool;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn of_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Engine::Postgres)
        } else {
            anyhow::bail!("unsupported database url (sqlite: or postgres://)")
        }
    }
}

#[derive(Clone)]
pub struct Db {
    pub pool: Pool,
    pub engine: Engine,
}

/// Opens the pool (creating a SQLite file on first start) and applies the migrations.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Db> {
    sqlx::any::install_default_drivers();
    let engine = Engine::of_url(url)?;
    let url = match engine {
        Engine::Sqlite if !url.contains("mode=") => {
            let separator = if url.contains('?') { '&' } else { '?' };
            format!("{url}{separator}mode=rwc")
        }
        _ => url.to_owned(),
    };
    if engine == Engine::Sqlite
        && let Some(parent) =
            sqlite_path(&url).and_then(|p| std::path::Path::new(p).parent().map(|d| d.to_owned()))
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let options = AnyConnectOptions::from_str(&url).context("parsing DATABASE_URL")?;
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if engine == Engine::Sqlite {
                    // Per-connection settings: every pooled connection needs them.
                    conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;")
                        .await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .context("connecting to the database")?;
    migrate(&pool, engine).await?;
    Ok(Db { pool, engine })
}

/// The file of a `sqlite:` URL (none for PostgreSQL or an in-memory database).
pub fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// PostgreSQL serialises concurrent migrators with an advisory lock. SQLite has no such lock, so
/// a second process that loses the race sees the first one's DDL fail its transaction (which
/// rolls back whole) and simply tries again, finding the work done.
async fn migrate(pool: &Pool, engine: Engine) -> anyhow::Result<()> {
    let mut attempt = 0;
    loop {
        match MIGRATOR.run(pool).await {
            Ok(()) => return Ok(()),
            Err(error) if engine == Engine::Sqlite && attempt < 20 => {
                attempt += 1;
                tracing::debug!(%error, attempt, "migration raced another process; retrying");
                tokio::time::sleep(Duration::from_millis(50 * attempt)).await;
            }
            Err(error) => return Err(error).context("applying migrations"),
        }
    }
}

/// A setting stored as text: `as_str` for writing, and `FromStr` that refuses an unknown value
/// (a fault of the record, never a silent default).
macro_rules! stored_enum {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = anyhow::Error;

            fn from_str(text: &str) -> anyhow::Result<Self> {
                match text {
                    $($text => Ok($name::$variant),)+
                    other => Err(anyhow::anyhow!(
                        concat!("unknown ", stringify!($name), " {:?} in the record"),
                        other
                    )),
                }
            }
        }
    };
}
pub(crate) use stored_enum;

/// A new time-ordered id (UUIDv7) as the text the API and the tables use.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// True when a statement failed on a unique constraint (both engines).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

pub fn is_foreign_key_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_foreign_key_violation())
}

pub fn bool_to_db(value: bool) -> i64 {
    i64::from(value)
}

/// A 0/1 column as a flag (SQLite has no booleans; the schema stores both backends alike).
pub fn flag(row: &sqlx::any::AnyRow, column: &str) -> sqlx::Result<bool> {
    use sqlx::Row;
    match row.try_get::<i64, _>(column)? {
        0 => Ok(false),
        1 => Ok(true),
        other => Err(sqlx::Error::ColumnDecode {
            index: column.to_owned(),
            source: format!("a flag holds 0 or 1, not {other}").into(),
        }),
    }
}

/// A 0/1 column in a derived row: `#[sqlx(try_from = "i64")] field: Flag`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl TryFrom<i64> for Flag {
    type Error = String;

    fn try_from(value: i64) -> Result<Self, String> {
        match value {
            0 => Ok(Flag(false)),
            1 => Ok(Flag(true)),
            other => Err(format!("a flag holds 0 or 1, not {other}")),
        }
    }
}

/// A text column holding a state: an unknown value is an error, never a default.
pub fn parse_column<T>(row: &sqlx::any::AnyRow, column: &str) -> sqlx::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    use sqlx::Row;
    let text: String = row.try_get(column)?;
    text.parse()
        .map_err(|error: T::Err| sqlx::Error::ColumnDecode {
            index: column.to_owned(),
            source: format!("{text:?}: {error}").into(),
        })
}
