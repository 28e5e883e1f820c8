//! Running engine work off the JavaScript thread.
//!
//! Every exported async function returns an [`AsyncTask`] over a [`Job`]: the
//! closure runs on a libuv thread-pool thread (never the event loop), and its
//! result is turned into a JS value, or into a JS `Error` with a stable `code`,
//! back on the JavaScript thread.

use std::panic::AssertUnwindSafe;

use napi::Task;
use napi::bindgen_prelude::{AsyncTask, Env, ToNapiValue, TypeName};

use crate::error::{DriftError, DriftResult, ErrorCode};

type Work<T> = Box<dyn FnOnce() -> DriftResult<T> + Send>;

/// A unit of engine work whose value becomes a `T` in JavaScript.
pub struct Job<T> {
    work: Option<Work<T>>,
}

impl<T> Job<T> {
    pub fn new(work: impl FnOnce() -> DriftResult<T> + Send + 'static) -> Job<T> {
        Job {
            work: Some(Box::new(work)),
        }
    }
}

/// Wraps `work` as the Promise-returning value of an exported function.
pub fn spawn<T>(work: impl FnOnce() -> DriftResult<T> + Send + 'static) -> AsyncTask<Job<T>>
where
    T: ToNapiValue + TypeName + Send + 'static,
{
    AsyncTask::new(Job::new(work))
}

/// Runs `work`, turning a panic into an [`ErrorCode::Internal`] error so a bug
/// in the engine rejects one Promise instead of aborting the Node process.
pub fn run_guarded<T>(work: impl FnOnce() -> DriftResult<T>) -> DriftResult<T> {
    match std::panic::catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic payload".to_owned());
            tracing::error!(%detail, "drift-napi worker panicked");
            Err(DriftError::new(
                ErrorCode::Internal,
                format!("internal error (panic in the engine): {detail}"),
            ))
        }
    }
}

impl<T> Task for Job<T>
where
    T: ToNapiValue + TypeName + Send + 'static,
{
    type Output = DriftResult<T>;
    type JsValue = T;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(match self.work.take() {
            Some(work) => run_guarded(work),
            None => Err(DriftError::new(
                ErrorCode::Internal,
                "internal error: a task was computed twice",
            )),
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<T> {
        output.map_err(|err| err.into_napi(&env))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal_errors() {
        let result: DriftResult<u32> = run_guarded(|| panic!("boom"));
        let err = result.expect_err("a panic is an error");
        assert_eq!(err.code, ErrorCode::Internal);
        assert!(err.message.contains("boom"), "{}", err.message);
    }

    #[test]
    fn job_runs_once() {
        let mut job = Job::new(|| Ok(7u32));
        assert_eq!(job.compute().ok(), Some(Ok(7)));
        let again = job.compute().ok();
        assert!(matches!(again, Some(Err(ref e)) if e.code == ErrorCode::Internal));
    }
}
