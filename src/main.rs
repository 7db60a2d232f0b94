use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    civiquiz::cli::run(civiquiz::config::Cli::parse())
}
