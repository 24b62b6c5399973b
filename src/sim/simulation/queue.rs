//! The scheduler's queue: tasks in (time, sequence number) order, earliest first.
//!
//! A timing wheel, not a binary heap. Nearly every task is due within a few hundred
//! virtual milliseconds of the one being run (a delivery's delay), and nothing is ever due
//! before it: so a task goes into the slot of its millisecond (one slot per millisecond of
//! a window of `SLOTS`), and popping reads the current slot, skipping empty ones by a
//! bitmap. Tasks due later than the window wait in a heap and move into their slot when
//! the window reaches them. Replaying a run's queue operations, this is about five times
//! faster than `BinaryHeap` or a radix heap (`radix-heap`), where the queue was a third of
//! the engine's time.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::super::ids::Millis;

/// Milliseconds the wheel covers ahead of the current time (a power of two); 99.9% of
/// the generated load's tasks are due within 100 ms of being scheduled.
const SLOTS: usize = 256;

/// Tasks ordered by (time, sequence number); the sequence numbers given must be unique.
#[derive(Debug, Clone)]
pub(super) struct TaskQueue<T> {
    /// The time of the last task popped: nothing may be due before it.
    now: Millis,
    /// `slots[t % SLOTS]` holds the tasks due at `t`, for `now <= t < now + SLOTS`, by
    /// sequence number.
    slots: Vec<VecDeque<(u64, T)>>,
    /// Which slots hold anything, one bit each.
    occupied: [u64; SLOTS / 64],
    /// Tasks in the slots.
    near: usize,
    /// Tasks due at `now + SLOTS` or later.
    far: BinaryHeap<Reverse<(Millis, u64, Far<T>)>>,
}

/// A task in the far heap, ordered by nothing of its own: the heap orders by time and
/// sequence number, which are unique.
#[derive(Debug, Clone, Copy)]
struct Far<T>(T);

impl<T> PartialEq for Far<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<T> Eq for Far<T> {}
impl<T> PartialOrd for Far<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Far<T> {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

impl<T: Copy> Default for TaskQueue<T> {
    fn default() -> Self {
        TaskQueue {
            now: 0,
            slots: vec![VecDeque::new(); SLOTS],
            occupied: [0; SLOTS / 64],
            near: 0,
            far: BinaryHeap::new(),
        }
    }
}

impl<T: Copy> TaskQueue<T> {
    /// Whether no task is queued.
    pub fn is_empty(&self) -> bool {
        self.near == 0 && self.far.is_empty()
    }

    /// Queues `task` due `at` with sequence number `seq`. A time before the last task
    /// popped counts as that time (the scheduler never asks for one).
    pub fn push(&mut self, at: Millis, seq: u64, task: T) {
        let at = at.max(self.now);
        if at - self.now < SLOTS as Millis {
            self.put(at, seq, task);
        } else {
            self.far.push(Reverse((at, seq, Far(task))));
        }
    }

    fn put(&mut self, at: Millis, seq: u64, task: T) {
        let i = at as usize % SLOTS;
        let slot = &mut self.slots[i];
        // Tasks mostly arrive in sequence order; a script step (numbered by its position)
        // or one moved in from the far heap may not.
        if slot.back().is_none_or(|&(last, _)| last < seq) {
            slot.push_back((seq, task));
        } else {
            let at = slot.partition_point(|&(s, _)| s < seq);
            slot.insert(at, (seq, task));
        }
        self.occupied[i / 64] |= 1 << (i % 64);
        self.near += 1;
    }

    /// Takes the earliest task: its time, sequence number and the task.
    pub fn pop(&mut self) -> Option<(Millis, u64, T)> {
        if self.near == 0 {
            // Jump straight to the next far task rather than walk empty milliseconds.
            let &Reverse((at, ..)) = self.far.peek()?;
            self.now = at;
        }
        self.pull_far();
        let at = self.next_occupied();
        self.now = at;
        let i = at as usize % SLOTS;
        let (seq, task) = self.slots[i].pop_front()?;
        if self.slots[i].is_empty() {
            self.occupied[i / 64] &= !(1 << (i % 64));
        }
        self.near -= 1;
        Some((at, seq, task))
    }

    /// Moves far tasks that the window now covers into their slots.
    fn pull_far(&mut self) {
        while let Some(&Reverse((at, seq, Far(task)))) = self.far.peek() {
            if at - self.now >= SLOTS as Millis {
                break;
            }
            self.far.pop();
            self.put(at, seq, task);
        }
    }

    /// The time of the earliest occupied slot, from `now` on (some slot is occupied).
    fn next_occupied(&self) -> Millis {
        let start = self.now as usize % SLOTS;
        let words = SLOTS / 64;
        // Bits at or after `start` in its word, then the following words, wrapping round
        // to the bits before `start` last.
        for k in 0..=words {
            let w = (start / 64 + k) % words;
            let mut bits = self.occupied[w];
            if k == 0 {
                bits &= !0u64 << (start % 64);
            } else if k == words {
                bits &= !(!0u64 << (start % 64));
            }
            if bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                return self.now + ((i + SLOTS - start) % SLOTS) as Millis;
            }
        }
        unreachable!("next_occupied is only asked when a slot holds a task")
    }

    /// Every queued task with its time, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (Millis, T)> + '_ {
        let now = self.now;
        let start = now as usize % SLOTS;
        self.slots
            .iter()
            .enumerate()
            .flat_map(move |(i, slot)| {
                let at = now + ((i + SLOTS - start) % SLOTS) as Millis;
                slot.iter().map(move |&(_, task)| (at, task))
            })
            .chain(
                self.far
                    .iter()
                    .map(|&Reverse((at, _, Far(task)))| (at, task)),
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::SimRng;

    /// Random pushes (due from now to well past the window, script-like old sequence
    /// numbers among them) and pops give the same order as sorting by (time, sequence).
    #[test]
    fn pops_in_time_then_sequence_order_like_a_heap() {
        let mut rng = SimRng::new(7);
        let mut queue = TaskQueue::default();
        let mut heap = BinaryHeap::new();
        let (mut now, mut seq) = (0, 1_000_000u64);
        for round in 0..20_000u32 {
            if rng.between(0, 2) > 0 {
                let at = now
                    + match rng.between(0, 9) {
                        0 => rng.between(0, 5000),
                        1 => 0,
                        _ => rng.between(0, 120),
                    };
                // Now and then a small sequence number, as a script step has.
                let s = if rng.between(0, 20) == 0 {
                    u64::from(round)
                } else {
                    seq += 1;
                    seq
                };
                queue.push(at, s, round);
                heap.push(Reverse((at, s, round)));
            } else {
                let expected = heap.pop().map(|Reverse(e)| e);
                assert_eq!(queue.pop(), expected, "round {round}");
                if let Some((at, ..)) = expected {
                    now = at;
                }
            }
            assert_eq!(queue.is_empty(), heap.is_empty());
            if round % 1000 == 0 {
                let mut all: Vec<_> = queue.iter().collect();
                let mut want: Vec<_> = heap.iter().map(|&Reverse((at, _, t))| (at, t)).collect();
                all.sort();
                want.sort();
                assert_eq!(all, want);
            }
        }
        while let Some(Reverse(e)) = heap.pop() {
            assert_eq!(queue.pop(), Some(e));
        }
        assert_eq!(queue.pop(), None);
    }
}
