//! The `drift` binary: everything lives in the library (`drift_cli::run`).

/// mimalloc, also as the process's `malloc` (see the workspace manifest).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    drift_cli::run()
}
