//! Rate limiting of progress events. The engine may report every file; each
//! report crossing into JavaScript costs a queue entry and a callback on the
//! event loop, so events are forwarded at most every [`MIN_INTERVAL`], except
//! that the first event of a phase and the last one (`done == total`) always
//! go through, so a listener always sees every phase start and finish.

use std::time::{Duration, Instant};

/// Minimum time between two forwarded events of the same phase.
pub const MIN_INTERVAL: Duration = Duration::from_millis(50);

/// Decides which progress reports are forwarded.
#[derive(Debug, Default)]
pub struct Throttle {
    last_phase: Option<String>,
    last_emit: Option<Instant>,
}

impl Throttle {
    /// Whether the report `(phase, done, total)` seen at `now` should be
    /// forwarded. Updates the state when it returns `true`.
    pub fn should_emit(&mut self, phase: &str, done: u64, total: u64, now: Instant) -> bool {
        let new_phase = self.last_phase.as_deref() != Some(phase);
        let finished = done >= total;
        let due = self
            .last_emit
            .is_none_or(|last| now.saturating_duration_since(last) >= MIN_INTERVAL);
        if new_phase || finished || due {
            if new_phase {
                self.last_phase = Some(phase.to_owned());
            }
            self.last_emit = Some(now);
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_last_and_phase_changes_always_pass() {
        let t0 = Instant::now();
        let mut t = Throttle::default();
        assert!(t.should_emit("walk", 0, 100, t0));
        // Same instant, same phase, not finished: dropped.
        assert!(!t.should_emit("walk", 1, 100, t0));
        assert!(!t.should_emit("walk", 50, 100, t0 + Duration::from_millis(10)));
        // Finished: forwarded even though not due.
        assert!(t.should_emit("walk", 100, 100, t0 + Duration::from_millis(11)));
        // New phase: forwarded at once.
        assert!(t.should_emit("parse", 0, 10, t0 + Duration::from_millis(12)));
    }

    #[test]
    fn forwards_again_after_the_interval() {
        let t0 = Instant::now();
        let mut t = Throttle::default();
        assert!(t.should_emit("parse", 0, 1000, t0));
        assert!(!t.should_emit("parse", 10, 1000, t0 + MIN_INTERVAL / 2));
        assert!(t.should_emit("parse", 20, 1000, t0 + MIN_INTERVAL));
        assert!(!t.should_emit("parse", 21, 1000, t0 + MIN_INTERVAL));
    }
}
