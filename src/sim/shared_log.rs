//! An append-only log that rebuilt states share with the run they were rebuilt from.
//!
//! Rebuilding a step (time travel) replays the engine from a snapshot, and the replay
//! appends exactly what the original run appended (the engine is deterministic). So a log
//! handed out as a prefix of the original keeps pointing at the original's items and only
//! moves its length on while the appended items match; the first item that differs (a
//! fork) copies the chunk it falls in once and goes on alone.
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
    /// Every chunk but the last holds exactly `CHUNK` items of this log; a chunk shared
    /// with another log may hold more items past `len`, which are not this log's.
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Default for SharedLog<T> {
    fn default() -> Self {
        SharedLog {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Clone + PartialEq> SharedLog<T> {
    /// Appends `item`, sharing storage when it is the item already there.
    pub fn push(&mut self, item: T) {
        let (c, offset) = (self.len / CHUNK, self.len % CHUNK);
        if self.chunks.get(c).and_then(|chunk| chunk.get(offset)) == Some(&item) {
            self.len += 1;
            return;
        }
        if c == self.chunks.len() {
            self.chunks.push(Arc::new(Vec::new()));
        }
        self.own(c, offset).push(item);
        self.len += 1;
    }

    /// The last item, mutably (copying shared storage first).
    pub fn last_mut(&mut self) -> Option<&mut T> {
        let last = self.len.checked_sub(1)?;
        self.own(last / CHUNK, last % CHUNK + 1).last_mut()
    }

    /// Chunk `c`, this log's own and holding exactly its first `len` items; the chunks
    /// after it are let go.
    fn own(&mut self, c: usize, len: usize) -> &mut Vec<T> {
        self.chunks.truncate(c + 1);
        let chunk = &mut self.chunks[c];
        if Arc::get_mut(chunk).is_none() {
            *chunk = Arc::new(chunk[..len].to_vec());
        }
        let chunk = Arc::get_mut(chunk).expect("just made this log's own");
        chunk.truncate(len);
        chunk
    }
}

impl<T> SharedLog<T> {
    /// The first `len` items, sharing this log's storage.
    pub fn prefix(&self, len: usize) -> SharedLog<T> {
        let len = len.min(self.len);
        SharedLog {
            chunks: self.chunks[..len.div_ceil(CHUNK)].to_vec(),
            len,
        }
    }

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
        (i < self.len).then(|| &self.chunks[i / CHUNK][i % CHUNK])
    }

    /// The first item.
    pub fn first(&self) -> Option<&T> {
        self.get(0)
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
        &self.chunks[i / CHUNK][i % CHUNK]
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
        self.range.next().map(|i| &log.chunks[i / CHUNK][i % CHUNK])
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let log = self.log;
        self.range
            .next_back()
            .map(|i| &log.chunks[i / CHUNK][i % CHUNK])
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

    #[test]
    fn a_prefix_shares_until_it_differs() {
        let mut full = SharedLog::default();
        for i in 0..5 {
            full.push(i);
        }
        let mut view = full.prefix(2);
        assert_eq!(items(&view), [0, 1]);
        view.push(2); // the same as the original: nothing is copied
        assert!(Arc::ptr_eq(&view.chunks[0], &full.chunks[0]));
        view.push(9); // a fork: copies and goes its own way
        assert!(!Arc::ptr_eq(&view.chunks[0], &full.chunks[0]));
        assert_eq!(items(&view), [0, 1, 2, 9]);
        assert_eq!(items(&full), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_long_log_is_chunked_and_a_fork_copies_only_its_last_chunk() {
        let n = 3 * CHUNK + 10;
        let mut full = SharedLog::default();
        for i in 0..n {
            full.push(i);
        }
        assert_eq!(full.chunks.len(), 4);
        assert!(full.chunks[..3].iter().all(|c| c.len() == CHUNK));
        assert_eq!(
            (full.len(), full[n - 1], full.last()),
            (n, n - 1, Some(&(n - 1)))
        );
        assert_eq!(full.get(n), None);
        assert_eq!(full.iter().next_back(), Some(&(n - 1)));
        assert_eq!(full.iter().len(), n);
        // A fork two items into the third chunk shares the first two chunks.
        let at = 2 * CHUNK + 2;
        let mut fork = full.prefix(at);
        fork.push(usize::MAX);
        assert!(Arc::ptr_eq(&fork.chunks[1], &full.chunks[1]));
        assert!(!Arc::ptr_eq(&fork.chunks[2], &full.chunks[2]));
        assert_eq!(fork.chunks.len(), 3);
        assert_eq!(
            (fork.len(), fork[at], fork[at - 1]),
            (at + 1, usize::MAX, at - 1)
        );
        assert_eq!(items(&full), (0..n).collect::<Vec<_>>());
        // Changing the last item of a prefix that ends on a chunk's edge.
        let mut edge = full.prefix(CHUNK);
        *edge.last_mut().unwrap() = 7;
        assert_eq!(
            (edge.len(), edge[CHUNK - 1], full[CHUNK - 1]),
            (CHUNK, 7, CHUNK - 1)
        );
        assert_eq!(edge.chunks.len(), 1);
    }
}
