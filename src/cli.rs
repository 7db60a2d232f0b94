//! The commands of the binary: serve (the default), account administration, the banks'
//! tools, backup and restore.

use std::io::Read;
use std::process::ExitCode;

use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::app::{self, AppState};
use crate::clock::{Clock, SystemClock};
use crate::config::{AdminCommand, BanksCommand, Cli, Command, LogFormat, ServeArgs};
use crate::{auth, backup, banks, db};

pub fn run(cli: Cli) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        None => runtime.block_on(serve(cli.serve)),
        Some(Command::Serve(args)) => runtime.block_on(serve(*args)),
        Some(Command::Admin(AdminCommand::Create {
            username,
            display_name,
            store,
        })) => {
            init_logging(LogFormat::Text);
            runtime.block_on(async {
                let mut password = String::new();
                std::io::stdin().read_to_string(&mut password)?;
                let password = password.trim_end_matches(['\r', '\n']);
                let db = db::connect(&store.database_url(), 2).await?;
                let user = auth::admin::create_admin(
                    &db,
                    &username,
                    display_name.as_deref(),
                    password,
                    SystemClock.now_ms(),
                )
                .await?;
                println!("created admin {} ({})", user.username, user.id);
                Ok(())
            })
        }
        Some(Command::Banks(command)) => return run_banks(command),
        Some(Command::Backup {
            to,
            store,
            storage_url,
        }) => runtime.block_on(async {
            let place = backup::Place::new(
                &store.data_dir,
                store.database_url(),
                storage_url.as_deref(),
            )?;
            let done = backup::back_up(&place, &to).await?;
            report("backed up", &done, &to);
            Ok(())
        }),
        Some(Command::Restore {
            from,
            store,
            storage_url,
        }) => runtime.block_on(async {
            let place = backup::Place::new(
                &store.data_dir,
                store.database_url(),
                storage_url.as_deref(),
            )?;
            let done = backup::restore(&place, &from).await?;
            report("restored", &done, &from);
            Ok(())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("civiquiz: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn report(what: &str, done: &backup::Summary, folder: &std::path::Path) {
    println!(
        "{what} {}: the database ({} bytes) and {} recordings ({} bytes)",
        folder.display(),
        done.database_bytes,
        done.recordings,
        done.recording_bytes
    );
    if done.media_location == backup::MediaLocation::S3 {
        println!(
            "the recordings are in the S3 bucket and were not copied: keep the bucket versioned \
             (see the README's \"Backups\" section)"
        );
    }
}

fn init_logging(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let config = args
        .into_config()
        .map_err(|problems| anyhow::anyhow!("invalid configuration:\n{problems}"))?;
    init_logging(config.log_format);
    let listener = TcpListener::bind(config.bind).await?;
    let state = AppState::connect(config, None).await?;
    tracing::info!(address = %listener.local_addr()?, "civiquiz serving");
    app::serve(listener, state, shutdown_signal()).await
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

/// `banks check` prints every problem and fails on any; `banks stats` prints the coverage.
fn run_banks(command: BanksCommand) -> ExitCode {
    let (paths, show_stats) = match command {
        BanksCommand::Check { paths } => (paths, false),
        BanksCommand::Stats { paths } => (paths, true),
    };
    let (checked, problems) = banks::check_paths(&paths);
    for (file, problem) in &problems {
        eprintln!("{}: {problem}", file.display());
    }
    let banks: Vec<banks::Bank> = checked.into_iter().map(|(_, bank)| bank).collect();
    if show_stats {
        print!("{}", banks::coverage_table(&banks));
    } else {
        let questions: usize = banks.iter().map(|bank| bank.questions.len()).sum();
        println!(
            "{} banks, {questions} questions, {} problems",
            banks.len(),
            problems.len()
        );
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
