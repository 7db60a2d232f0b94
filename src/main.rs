use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a request allocates a few dozen small buffers
/// (headers, extractors, the response), and glibc's malloc and free were an eighth of a
/// cached board read's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    civiquiz::cli::run(civiquiz::config::Cli::parse())
}
