//! The event bus: one link per subscriber, each with its own fault knobs, carrying
//! messages at least once.

use super::ids::{EventId, Millis, RecordId};
use super::rng::SimRng;
use super::scenario::{Delay, LinkFaults, Window};

/// One copy of an event travelling on one link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// The event carried.
    pub event: EventId,
    /// The record the event is about (per-record ordering is kept by it).
    pub record: RecordId,
    /// Index of the subscriber (replica) at the end of the link.
    pub replica: usize,
    /// Delivery attempt, from 1; redeliveries after a drop count up.
    pub attempt: u32,
    /// When this copy was sent.
    pub sent_at: Millis,
    /// When it arrives (or is lost).
    pub arrives_at: Millis,
    /// `true` for the extra copy made by a duplicate fault.
    pub duplicate: bool,
    /// Times the consumer has failed to process this message.
    pub failures: u32,
    /// Whether a person dropped this message in flight: it is lost on arrival.
    pub dropped_by_hand: bool,
    /// Changes whenever the message is rescheduled, so that a task for its old arrival is
    /// recognised as stale.
    pub generation: u32,
}

impl Message {
    /// A first attempt of `event` about `record` to replica `replica`, sent at `sent_at`.
    pub fn new(event: EventId, record: RecordId, replica: usize, sent_at: Millis) -> Self {
        Message {
            event,
            record,
            replica,
            attempt: 1,
            sent_at,
            arrives_at: sent_at,
            duplicate: false,
            failures: 0,
            dropped_by_hand: false,
            generation: 0,
        }
    }
}

/// One subscriber's link.
#[derive(Debug, Clone)]
pub struct Link {
    /// The link's fault knobs.
    pub faults: LinkFaults,
    /// Latest arrival scheduled per record, to keep per-record order when reordering is off.
    last_arrival: Vec<Millis>,
    /// Latest arrival of a change request per record: a replica sends its own writes in order.
    last_request: Vec<Millis>,
}

/// The messages in flight on every link, in slots reused once a message is gone.
#[derive(Debug, Clone)]
pub struct EventBus {
    links: Vec<Link>,
    slots: Vec<Option<Message>>,
    free: Vec<u32>,
    in_flight: usize,
    next_gen: u32,
}

impl EventBus {
    /// A bus with one link per replica, each with the given knobs.
    pub fn new(links: impl IntoIterator<Item = LinkFaults>, records: usize) -> Self {
        EventBus {
            links: links
                .into_iter()
                .map(|faults| Link {
                    faults,
                    last_arrival: vec![0; records],
                    last_request: vec![0; records],
                })
                .collect(),
            slots: Vec::new(),
            free: Vec::new(),
            in_flight: 0,
            next_gen: 0,
        }
    }

    /// The link feeding replica `replica`.
    pub fn link(&self, replica: usize) -> &Link {
        &self.links[replica]
    }

    /// Changes the knobs of the link feeding `replica` for what is sent from now on;
    /// messages already on their way keep their arrival times.
    pub fn set_faults(&mut self, replica: usize, faults: LinkFaults) {
        self.links[replica].faults = faults;
    }

    /// How many messages are travelling or waiting for redelivery.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// The message in `slot`.
    pub fn message(&self, slot: u32) -> &Message {
        self.slots[slot as usize]
            .as_ref()
            .expect("a scheduled slot holds a message")
    }

    /// Every message in flight, with its slot.
    pub fn messages(&self) -> impl Iterator<Item = (u32, &Message)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.as_ref().map(|m| (i as u32, m)))
    }

    /// Puts a message on its link and returns its slot; `arrives_at` is chosen here.
    pub fn send(&mut self, mut message: Message, rng: &mut SimRng, keep_order: bool) -> u32 {
        let link = &mut self.links[message.replica];
        let mut at = message
            .sent_at
            .saturating_add(sample_delay(&link.faults.delay, rng));
        if keep_order && !link.faults.reorder {
            let last = &mut link.last_arrival[message.record.0 as usize];
            at = at.max(*last);
            *last = at;
        }
        message.arrives_at = after_partitions(at, &link.faults.partitions);
        self.park(message)
    }

    /// When a change request that replica `replica` sends about `record` at `now` reaches
    /// the source. Requests share the link's delay and partitions, but are retried until
    /// acknowledged (never lost, never doubled) and keep their order per record.
    pub fn request_arrival(
        &mut self,
        replica: usize,
        record: RecordId,
        now: Millis,
        rng: &mut SimRng,
    ) -> Millis {
        let link = &mut self.links[replica];
        let last = &mut link.last_request[record.0 as usize];
        let at = after_partitions(
            (now.saturating_add(sample_delay(&link.faults.delay, rng))).max(*last),
            &link.faults.partitions,
        );
        *last = at;
        at
    }

    /// The message in `slot`, to change it in place.
    pub fn message_mut(&mut self, slot: u32) -> &mut Message {
        self.slots[slot as usize]
            .as_mut()
            .expect("a scheduled slot holds a message")
    }

    /// The generation of the message in `slot`.
    pub fn generation_of(&self, slot: u32) -> u32 {
        self.message(slot).generation
    }

    /// Whether a task made for generation `generation` of `slot` still concerns its message.
    pub fn is_live(&self, slot: u32, generation: u32) -> bool {
        self.slots
            .get(slot as usize)
            .and_then(Option::as_ref)
            .is_some_and(|m| m.generation == generation)
    }

    /// Moves the arrival of the message in `slot` to `at`; returns its new generation.
    pub fn reschedule(&mut self, slot: u32, at: Millis) -> u32 {
        self.next_gen = self.next_gen.wrapping_add(1);
        let generation = self.next_gen;
        let m = self.message_mut(slot);
        m.arrives_at = at;
        m.generation = generation;
        generation
    }

    /// Takes the link to `replica` down from `now` until `until`: messages due in that
    /// window wait for its end. Returns the slots that were moved.
    pub fn partition(&mut self, replica: usize, now: Millis, until: Millis) -> Vec<u32> {
        self.links[replica].faults.partitions.push(Window {
            from: now,
            to: until,
        });
        let moved: Vec<u32> = self
            .messages()
            .filter(|(_, m)| m.replica == replica && m.arrives_at >= now && m.arrives_at < until)
            .map(|(slot, _)| slot)
            .collect();
        for &slot in &moved {
            self.reschedule(slot, until);
        }
        moved
    }

    /// Brings the link to `replica` back up at `now`; messages that were waiting for the
    /// partition to end leave now, each with a fresh delay. Returns the slots that were moved.
    pub fn heal(&mut self, replica: usize, now: Millis, rng: &mut SimRng) -> Vec<(u32, Millis)> {
        let link = &mut self.links[replica];
        let mut ends = Vec::new();
        for w in link
            .faults
            .partitions
            .iter_mut()
            .filter(|w| w.from <= now && now < w.to)
        {
            ends.push(w.to);
            w.to = now.max(w.from + 1);
        }
        let waiting: Vec<u32> = self
            .messages()
            .filter(|(_, m)| m.replica == replica && ends.contains(&m.arrives_at))
            .map(|(slot, _)| slot)
            .collect();
        let delay = self.links[replica].faults.delay.clone();
        waiting
            .into_iter()
            .map(|slot| {
                let at = now.saturating_add(sample_delay(&delay, rng));
                self.reschedule(slot, at);
                (slot, at)
            })
            .collect()
    }

    /// Whether the link to `replica` is down at `now`.
    pub fn is_partitioned(&self, replica: usize, now: Millis) -> bool {
        self.links[replica]
            .faults
            .partitions
            .iter()
            .any(|w| w.from <= now && now < w.to)
    }

    /// Puts a message in a slot without sending it yet (it waits for a redelivery).
    pub fn park(&mut self, mut message: Message) -> u32 {
        self.next_gen = self.next_gen.wrapping_add(1);
        message.generation = self.next_gen;
        self.in_flight += 1;
        match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(message);
                slot
            }
            None => {
                self.slots.push(Some(message));
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// Removes a message that has been delivered.
    pub fn remove(&mut self, slot: u32) -> Message {
        let message = self.slots[slot as usize]
            .take()
            .expect("a scheduled slot holds a message");
        self.free.push(slot);
        self.in_flight -= 1;
        message
    }

    /// Gives a message in `slot` a new attempt, sent at `now`, and returns its arrival time.
    pub fn resend(&mut self, slot: u32, now: Millis, rng: &mut SimRng) -> Millis {
        let message = self.slots[slot as usize]
            .as_mut()
            .expect("a scheduled slot holds a message");
        let faults = &self.links[message.replica].faults;
        message.attempt += 1;
        message.sent_at = now;
        message.arrives_at = after_partitions(
            now.saturating_add(sample_delay(&faults.delay, rng)),
            &faults.partitions,
        );
        message.arrives_at
    }
}

/// How long one message takes on a link with delay distribution `delay`.
pub fn sample_delay(delay: &Delay, rng: &mut SimRng) -> Millis {
    // Cap any single delay at one day so a heavy tail cannot stall a run forever.
    const CAP: f64 = 86_400_000.0;
    match *delay {
        Delay::Fixed { ms } => ms,
        Delay::Uniform { min_ms, max_ms } => rng.between(min_ms, max_ms),
        Delay::Exponential { mean_ms } => {
            libm::round(rng.exponential(mean_ms as f64).min(CAP)) as Millis
        }
        Delay::LongTail { min_ms, alpha } => {
            libm::round(rng.pareto(min_ms as f64, alpha).min(CAP)) as Millis
        }
    }
}

/// The first moment at or after `at` when the link is up.
pub fn after_partitions(mut at: Millis, partitions: &[Window]) -> Millis {
    // Windows may overlap or touch, so keep pushing until no window holds `at`.
    while let Some(w) = partitions.iter().find(|w| w.from <= at && at < w.to) {
        at = w.to;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(record: u32, sent_at: Millis) -> Message {
        Message::new(EventId(1), RecordId(record), 0, sent_at)
    }

    #[test]
    fn partitions_hold_messages_until_the_link_heals() {
        let windows = [Window { from: 100, to: 200 }, Window { from: 200, to: 250 }];
        assert_eq!(after_partitions(99, &windows), 99);
        assert_eq!(after_partitions(100, &windows), 250);
        assert_eq!(after_partitions(249, &windows), 250);
        assert_eq!(after_partitions(250, &windows), 250);
    }

    #[test]
    fn without_reordering_a_record_keeps_its_order() {
        let faults = LinkFaults {
            delay: Delay::Uniform {
                min_ms: 1,
                max_ms: 500,
            },
            ..LinkFaults::default()
        };
        let mut bus = EventBus::new([faults], 2);
        let mut rng = SimRng::new(9);
        let mut last = 0;
        for t in 0..200 {
            let slot = bus.send(message(0, t), &mut rng, true);
            let at = bus.message(slot).arrives_at;
            assert!(
                at >= last,
                "message sent at {t} arrives at {at}, before {last}"
            );
            last = at;
        }
    }

    #[test]
    fn with_reordering_later_sends_can_arrive_first() {
        let faults = LinkFaults {
            delay: Delay::Uniform {
                min_ms: 1,
                max_ms: 500,
            },
            reorder: true,
            ..LinkFaults::default()
        };
        let mut bus = EventBus::new([faults], 1);
        let mut rng = SimRng::new(9);
        let arrivals: Vec<Millis> = (0..50)
            .map(|t| {
                {
                    let slot = bus.send(message(0, t), &mut rng, true);
                    bus.message(slot)
                }
                .arrives_at
            })
            .collect();
        assert!(arrivals.windows(2).any(|w| w[1] < w[0]));
    }

    #[test]
    fn slots_are_reused_and_in_flight_counted() {
        let mut bus = EventBus::new([LinkFaults::default()], 1);
        let mut rng = SimRng::new(1);
        let a = bus.send(message(0, 0), &mut rng, true);
        let b = bus.send(message(0, 0), &mut rng, true);
        assert_eq!(bus.in_flight(), 2);
        bus.remove(a);
        assert_eq!(bus.in_flight(), 1);
        assert_eq!(bus.send(message(0, 5), &mut rng, true), a);
        assert_ne!(a, b);
        assert_eq!(bus.message(a).arrives_at, 15);
    }

    #[test]
    fn delays_follow_their_distribution_bounds() {
        let mut rng = SimRng::new(2);
        for _ in 0..500 {
            assert_eq!(sample_delay(&Delay::Fixed { ms: 7 }, &mut rng), 7);
            assert!((3..=9).contains(&sample_delay(
                &Delay::Uniform {
                    min_ms: 3,
                    max_ms: 9
                },
                &mut rng
            )));
            assert!(
                sample_delay(
                    &Delay::LongTail {
                        min_ms: 20,
                        alpha: 1.5
                    },
                    &mut rng
                ) >= 20
            );
        }
    }
}
