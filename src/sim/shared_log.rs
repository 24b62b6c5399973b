//! An append-only log that rebuilt states share with the run they were rebuilt from.
//!
//! Rebuilding a step (time travel) replays the engine from a snapshot, and the replay
//! appends exactly what the original run appended (the engine is deterministic). So a log
//! handed out as a prefix of the original keeps pointing at the original's items and only
//! moves its length on while the appended items match; the first item that differs (a
//! fork) copies the prefix once and goes on alone.

use std::ops::Deref;
use std::sync::Arc;

/// A shared, append-only log; derefs to the slice of its items.
#[derive(Debug, Clone)]
pub struct SharedLog<T> {
    items: Arc<Vec<T>>,
    len: usize,
}

impl<T> Default for SharedLog<T> {
    fn default() -> Self {
        SharedLog {
            items: Arc::new(Vec::new()),
            len: 0,
        }
    }
}

impl<T: Clone + PartialEq> SharedLog<T> {
    /// Appends `item`, sharing storage when it is the item already there.
    pub fn push(&mut self, item: T) {
        if self.items.get(self.len) == Some(&item) {
            self.len += 1;
            return;
        }
        let items = Arc::make_mut(&mut self.items);
        items.truncate(self.len);
        items.push(item);
        self.len += 1;
    }

    /// The last item, mutably (copying shared storage first).
    pub fn last_mut(&mut self) -> Option<&mut T> {
        let len = self.len;
        let items = Arc::make_mut(&mut self.items);
        items.truncate(len);
        items.last_mut()
    }
}

impl<T> SharedLog<T> {
    /// The first `len` items, sharing this log's storage.
    pub fn prefix(&self, len: usize) -> SharedLog<T> {
        SharedLog {
            items: Arc::clone(&self.items),
            len: len.min(self.len),
        }
    }
}

impl<T> Deref for SharedLog<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.items[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_shares_until_it_differs() {
        let mut full = SharedLog::default();
        for i in 0..5 {
            full.push(i);
        }
        let mut view = full.prefix(2);
        assert_eq!(&*view, &[0, 1]);
        view.push(2); // the same as the original: nothing is copied
        assert!(Arc::ptr_eq(&view.items, &full.items));
        view.push(9); // a fork: copies and goes its own way
        assert!(!Arc::ptr_eq(&view.items, &full.items));
        assert_eq!(&*view, &[0, 1, 2, 9]);
        assert_eq!(&*full, &[0, 1, 2, 3, 4]);
    }
}
