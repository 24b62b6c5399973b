//! An append-only log that rebuilt states share with the run they were rebuilt from.
//!
//! Rebuilding a step (time travel) replays the engine from a snapshot, and the replay
//! appends exactly what the original run appended (the engine is deterministic). So a log
//! handed out as a prefix of the original keeps pointing at the original's items and only
//! moves its length on while the appended items match; the first item that differs (a
//! fork) copies the part of the chunk before it once and goes on alone.
//!
//! The items live in chunks of at most `CHUNK`, not in one vector: a long run's trace grows
//! by one chunk at a time instead of doubling (a doubled vector holds up to twice what it
//! needs, and copies everything each time it grows), and a fork copies one chunk, not the
//! whole past.

use std::ops::Index;
use std::sync::Arc;

/// Items per chunk (a power of two, so that finding an item is a shift and a mask).
const CHUNK: usize = 4096;

/// A shared, append-only log.
#[derive(Debug, Clone)]
pub struct SharedLog<T> {
    /// Full chunks of `CHUNK` items each, shared. The log's items are the first `len` of
    /// these followed by `tail`; while `len` is within them (a prefix that has matched
    /// the original so far), `tail` is empty.
    chunks: Vec<Arc<Vec<T>>>,
    /// The log's own items after its full chunks. Kept out of an `Arc` so that appending
    /// needs no atomic check that nobody else holds it.
    tail: Vec<T>,
    len: usize,
}

impl<T> Default for SharedLog<T> {
    fn default() -> Self {
        SharedLog {
            chunks: Vec::new(),
            tail: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Clone + PartialEq> SharedLog<T> {
    /// Appends `item`, sharing storage when it is the item already there.
    pub fn push(&mut self, item: T) {
        let full = self.chunks.len() * CHUNK;
        if self.len < full {
            let (c, offset) = (self.len / CHUNK, self.len % CHUNK);
            if self.chunks[c][offset] == item {
                self.len += 1;
                return;
            }
            // A fork: the chunk it leaves from is copied up to here, and it goes on alone.
            self.tail = self.chunks[c][..offset].to_vec();
            self.chunks.truncate(c);
        } else if self.tail.len() == CHUNK {
            // A log this long will fill the next chunk too: take its room at once.
            let next = Vec::with_capacity(CHUNK);
            self.chunks
                .push(Arc::new(std::mem::replace(&mut self.tail, next)));
        }
        self.tail.push(item);
        self.len += 1;
    }

    /// The first `len` items, sharing this log's storage: the full chunks are shared (and
    /// kept whole, so that a replay that appends the same items goes on sharing them), the
    /// items after them are copied.
    pub fn prefix(&self, len: usize) -> SharedLog<T> {
        let len = len.min(self.len);
        let full = self.chunks.len() * CHUNK;
        SharedLog {
            chunks: self.chunks.clone(),
            tail: self.tail[..len.saturating_sub(full)].to_vec(),
            len,
        }
    }
}

impl<T> SharedLog<T> {
    /// How many items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Item `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&T> {
        (i < self.len).then(|| self.item(i))
    }

    /// Item `i`, which is below `len`.
    fn item(&self, i: usize) -> &T {
        match self.chunks.get(i / CHUNK) {
            Some(chunk) => &chunk[i % CHUNK],
            None => &self.tail[i - self.chunks.len() * CHUNK],
        }
    }

    /// The last item.
    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// The items in order.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            log: self,
            range: 0..self.len,
        }
    }
}

impl<T> Index<usize> for SharedLog<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        assert!(i < self.len, "item {i} of a log of {}", self.len);
        self.item(i)
    }
}

/// The items of a `SharedLog`, in order (or backwards).
#[derive(Debug, Clone)]
pub struct Iter<'a, T> {
    log: &'a SharedLog<T>,
    range: std::ops::Range<usize>,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        let log = self.log;
        self.range.next().map(|i| log.item(i))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let log = self.log;
        self.range.next_back().map(|i| log.item(i))
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<'a, T> IntoIterator for &'a SharedLog<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(log: &SharedLog<usize>) -> Vec<usize> {
        log.iter().copied().collect()
    }

    fn log_of(n: usize) -> SharedLog<usize> {
        let mut log = SharedLog::default();
        for i in 0..n {
            log.push(i);
        }
        log
    }

    #[test]
    fn a_prefix_shares_until_it_differs() {
        let full = log_of(2 * CHUNK + 5);
        let mut view = full.prefix(3);
        assert_eq!(items(&view), [0, 1, 2]);
        view.push(3); // the same as the original: nothing is copied
        assert!(Arc::ptr_eq(&view.chunks[0], &full.chunks[0]));
        assert!(view.tail.is_empty());
        view.push(9); // a fork: copies what comes before it in its chunk, and goes alone
        assert_eq!((view.chunks.len(), view.tail.len()), (0, 5));
        assert_eq!(items(&view), [0, 1, 2, 3, 9]);
        assert_eq!(items(&full), (0..2 * CHUNK + 5).collect::<Vec<_>>());
    }

    #[test]
    fn a_long_log_is_chunked_and_a_replay_shares_whole_chunks() {
        let n = 3 * CHUNK + 10;
        let full = log_of(n);
        assert_eq!((full.chunks.len(), full.tail.len()), (3, 10));
        assert_eq!(
            (full.len(), full[n - 1], full.last()),
            (n, n - 1, Some(&(n - 1)))
        );
        assert_eq!(full.get(n), None);
        assert_eq!(full.iter().next_back(), Some(&(n - 1)));
        assert_eq!(full.iter().len(), n);
        // A replay from item 10 that appends the same items shares the chunks it
        // crosses, and copies only the original's tail.
        let mut replay = full.prefix(10);
        for i in 10..n {
            replay.push(i);
        }
        assert!((0..3).all(|c| Arc::ptr_eq(&replay.chunks[c], &full.chunks[c])));
        assert_eq!(items(&replay), items(&full));
        // A fork two items into the third chunk keeps the first two.
        let at = 2 * CHUNK + 2;
        let mut fork = full.prefix(at);
        assert_eq!(fork.tail.len(), 0);
        fork.push(usize::MAX);
        assert_eq!((fork.chunks.len(), fork.tail.len()), (2, 3));
        assert!(Arc::ptr_eq(&fork.chunks[1], &full.chunks[1]));
        assert_eq!(
            (fork.len(), fork[at], fork[at - 1]),
            (at + 1, usize::MAX, at - 1)
        );
        // A prefix that ends in the original's tail copies that part of it.
        let end = full.prefix(n - 3);
        assert_eq!((end.chunks.len(), end.tail.len(), end.len()), (3, 7, n - 3));
        assert_eq!(end.last(), Some(&(n - 4)));
    }
}
