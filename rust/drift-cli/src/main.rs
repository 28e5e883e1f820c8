//! The `drift` binary: everything lives in the library (`drift_cli::run`).

/// mimalloc: a scan allocates millions of small facts from several threads,
/// where it is several percent faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    drift_cli::run()
}
