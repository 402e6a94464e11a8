//! Splitting work across the machine's cores, with results in input
//! order, so that what comes out never depends on the thread count.

/// Threads worth starting for `items` pieces of work of similar size.
fn threads_for(items: usize, min_per_thread: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores
        .min(MAX_THREADS)
        .min(items / min_per_thread.max(1))
        .max(1)
}

/// The most threads any one step starts.
pub const MAX_THREADS: usize = 4;

/// `f` applied to every item, on several threads when there are enough
/// items to be worth it (at least `min_per_thread` each); the results come
/// back in the order of `items`.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    min_per_thread: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = threads_for(items.len(), min_per_thread);
    if threads < 2 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let mut parts = items.chunks(chunk);
        let first = parts.next().unwrap_or_default();
        let rest: Vec<_> = parts
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out: Vec<R> = Vec::with_capacity(items.len());
        out.extend(first.iter().map(f));
        for handle in rest {
            match handle.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn map_keeps_the_order_of_the_items() {
        let items: Vec<u32> = (0..10_000).collect();
        let doubled = super::map(&items, 10, |x| x * 2);
        assert_eq!(doubled, (0..10_000).map(|x| x * 2).collect::<Vec<u32>>());
        assert!(super::map(&[] as &[u32], 1, |x| *x).is_empty());
        assert_eq!(super::map(&[7u32], 1, |x| *x + 1), vec![8]);
    }
}
