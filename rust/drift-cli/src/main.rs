//! The `drift` binary: everything lives in the library (`drift_cli::run`).
fn main() -> std::process::ExitCode {
    drift_cli::run()
}
