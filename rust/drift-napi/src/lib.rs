//! # drift-napi
//!
//! The Node.js addon behind the npm package `@driftcode/drift`. It exposes
//! Drift's scan (asynchronous, on the libuv thread pool, with progress events
//! and cancellation) and the index queries as plain typed objects. Errors are
//! JS `Error`s with a stable `code` (see [`error::ErrorCode`]).
//!
//! The JS-facing names are camelCase (napi-rs converts them); the TypeScript
//! declarations live in `ts/drift/src/native.ts` and are kept in step by hand.

// napi-rs's `#[napi]` macros expand to `unsafe` FFI glue (module
// registration, value conversion). The addon's own code contains no `unsafe`
// block; this allowance exists only for the generated code.
#![allow(unsafe_code)]

mod engine;
mod error;
mod progress;
mod task;
mod types;

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use napi::bindgen_prelude::{AsyncTask, Status};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

use crate::engine::Direction;
use crate::progress::Throttle;
use crate::task::{Job, spawn};
use crate::types::*;

/// The progress callback: called on the JS thread with one `ScanProgress`;
/// errors are the JS side's business (`CalleeHandled = false`); weak, so a
/// pending event never keeps the process alive on its own.
type ProgressFn = ThreadsafeFunction<ScanProgress, (), ScanProgress, Status, false, true>;

/// The addon's version (the Cargo workspace version).
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// A cancellation handle: pass it to `scan`, call `cancel()` from JavaScript,
/// and the scan stops at the next file boundary and rejects with
/// `DRIFT_CANCELLED`. One handle can cancel several scans.
#[napi]
pub struct Cancellation {
    flag: Arc<AtomicBool>,
}

#[napi]
impl Cancellation {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Cancellation {
        Cancellation {
            flag: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Requests cancellation. Idempotent.
    #[napi]
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
    }

    /// Whether `cancel()` has been called.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

impl Cancellation {
    fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.flag)
    }
}

/// Scans the project at `root` on the libuv thread pool and resolves to the
/// scan report. `onProgress` receives throttled progress events on the event
/// loop; `cancellation.cancel()` stops the scan (`DRIFT_CANCELLED`).
#[napi]
pub fn scan(
    root: String,
    options: Option<ScanOptions>,
    on_progress: Option<ProgressFn>,
    cancellation: Option<&Cancellation>,
) -> AsyncTask<Job<ScanReport>> {
    let options = options.unwrap_or_default();
    let cancel = cancellation.map_or_else(|| Arc::new(AtomicBool::new(false)), Cancellation::flag);
    spawn(move || {
        let throttle = RefCell::new(Throttle::default());
        let forward = |event: ScanProgress| {
            let Some(callback) = &on_progress else {
                return;
            };
            let due = throttle.borrow_mut().should_emit(
                &event.phase,
                u64::try_from(event.done).unwrap_or(0),
                u64::try_from(event.total).unwrap_or(0),
                Instant::now(),
            );
            if due {
                // Non-blocking into an unbounded queue: never stalls the scan.
                let status = callback.call(event, ThreadsafeFunctionCallMode::NonBlocking);
                if status != Status::Ok {
                    tracing::debug!(?status, "progress event not delivered");
                }
            }
        };
        engine::scan(&root, &options, &forward, &cancel)
    })
}

/// Index counts, the last scan and which files changed since.
#[napi]
pub fn status(root: String) -> AsyncTask<Job<ProjectStatus>> {
    spawn(move || engine::status(&root))
}

/// Learned conventions, filtered.
#[napi]
pub fn conventions(
    root: String,
    filter: Option<ConventionFilter>,
) -> AsyncTask<Job<Vec<Convention>>> {
    let filter = filter.unwrap_or_default();
    spawn(move || engine::conventions(&root, &filter))
}

/// Violations of the learned conventions, filtered.
#[napi]
pub fn violations(root: String, filter: Option<ViolationFilter>) -> AsyncTask<Job<Vec<Violation>>> {
    let filter = filter.unwrap_or_default();
    spawn(move || engine::violations(&root, &filter))
}

/// Everything the index knows about one root-relative file.
#[napi]
pub fn file_info(root: String, path: String) -> AsyncTask<Job<FileInfo>> {
    spawn(move || engine::file_info(&root, &path))
}

/// Symbols whose name or qualified name contains `query.query`.
#[napi]
pub fn symbols(root: String, query: SymbolQuery) -> AsyncTask<Job<Vec<SymbolInfo>>> {
    spawn(move || engine::symbols(&root, &query))
}

/// Callers of `symbol` up to `options.depth` (default 1).
#[napi]
pub fn callers(
    root: String,
    symbol: String,
    options: Option<GraphQueryOptions>,
) -> AsyncTask<Job<Vec<CallEdge>>> {
    let options = options.unwrap_or_default();
    spawn(move || engine::neighbours(&root, &symbol, &options, Direction::Callers))
}

/// Callees of `symbol` up to `options.depth` (default 1).
#[napi]
pub fn callees(
    root: String,
    symbol: String,
    options: Option<GraphQueryOptions>,
) -> AsyncTask<Job<Vec<CallEdge>>> {
    let options = options.unwrap_or_default();
    spawn(move || engine::neighbours(&root, &symbol, &options, Direction::Callees))
}

/// Transitive callers of `symbol`, their files and the entry points reached.
#[napi]
pub fn impact(
    root: String,
    symbol: String,
    options: Option<GraphQueryOptions>,
) -> AsyncTask<Job<ImpactReport>> {
    let options = options.unwrap_or_default();
    spawn(move || engine::impact(&root, &symbol, &options))
}
