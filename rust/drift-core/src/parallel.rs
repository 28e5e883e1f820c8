//! Running work over many items on the current rayon pool with state per
//! thread (a parser set, an outcome batch) rather than per job.

use std::sync::Mutex;

use rayon::prelude::*;

/// Calls `f` with each item, one item per job on the current rayon pool,
/// so no thread idles at the end while another still holds a run of
/// items (`for_each_init` makes its state per run). `new_state` is made
/// once per pool thread; an item whose thread's state is in use (the
/// thread took its job from inside `f`) gets state of its own. Every
/// state is dropped before this returns.
pub fn for_each_with_thread_state<T: Sync, S: Send>(
    items: &[T],
    new_state: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) + Sync,
) {
    let states: Vec<Mutex<S>> = (0..rayon::current_num_threads())
        .map(|_| Mutex::new(new_state()))
        .collect();
    items.par_iter().with_max_len(1).for_each(|item| {
        let mine = rayon::current_thread_index()
            .and_then(|i| states.get(i))
            .and_then(|s| s.try_lock().ok());
        match mine {
            Some(mut state) => f(&mut state, item),
            None => f(&mut new_state(), item),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn every_item_once_with_a_state_per_thread() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .expect("pool");
        let made = AtomicUsize::new(0);
        let sum = AtomicUsize::new(0);
        let items: Vec<usize> = (1..=1000).collect();
        pool.install(|| {
            for_each_with_thread_state(
                &items,
                || {
                    made.fetch_add(1, Ordering::Relaxed);
                    0usize
                },
                |seen, &i| {
                    *seen += 1;
                    sum.fetch_add(i, Ordering::Relaxed);
                },
            );
        });
        assert_eq!(sum.into_inner(), 500_500);
        // One state per thread; no job nests in another here.
        assert_eq!(made.into_inner(), 3);
    }
}
