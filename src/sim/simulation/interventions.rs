//! What a person (or a fork) does to a run between steps: lose, delay or duplicate a
//! message, partition or heal a link, change a link's knobs, crash or restart a replica,
//! skew a clock, write at a replica, handle dead letters, decide an escalation. Each is
//! refused with a typed error when it cannot apply.

use super::*;

impl Simulation {
    pub(super) fn crash(&mut self, r: usize, until: Millis) {
        let actor = SystemId::replica(r);
        self.metrics.crashes += 1;
        self.record(actor, StepKind::Crash);
        // Events processed within the acknowledgement delay lost their ack with the crash:
        // the bus will send them again once the replica is back.
        let window = self.bus.link(r).faults.ack_delay_ms;
        for (event, record) in self.replicas[r].crash(self.now, until, window) {
            let slot = self.bus.park(Message::new(event, record, r, until));
            self.schedule(until, Task::Redeliver(slot, self.bus.generation_of(slot)));
        }
        self.schedule(until, Task::Restart(r as u32));
    }

    pub(super) fn restart(&mut self, r: usize) {
        self.replicas[r].restart();
        self.record(SystemId::replica(r), StepKind::Restart);
    }

    /// Replays every dead letter of replica `r` into its consumer, oldest first.
    pub fn replay_dead_letters(&mut self, r: usize) {
        let letters = self.replicas[r].take_dead_letters();
        for letter in letters {
            self.metrics.replayed += 1;
            self.record(
                SystemId::replica(r),
                StepKind::Replay {
                    event: letter.event,
                },
            );
            let slot = self
                .bus
                .park(Message::new(letter.event, letter.record, r, self.now));
            self.schedule(self.now, Task::Retry(slot, self.bus.generation_of(slot)));
        }
    }

    /// Discards every dead letter of replica `r`.
    pub fn discard_dead_letters(&mut self, r: usize) {
        let letters = self.replicas[r].take_dead_letters();
        for letter in letters {
            self.metrics.discarded += 1;
            self.record(
                SystemId::replica(r),
                StepKind::Discard {
                    event: letter.event,
                },
            );
        }
    }

    /// Drops the message in `slot` on its way: it is lost, and the bus redelivers it after
    /// the ack timeout like any lost delivery.
    pub fn drop_message(&mut self, slot: u32) -> Result<(), InterventionError> {
        let message = self.message_in(slot)?;
        if message.dropped_by_hand {
            return Err(InterventionError::AlreadyDropped {
                event: message.event,
                replica: self.scenario.replicas[message.replica].name.clone(),
            });
        }
        self.bus.message_mut(slot).dropped_by_hand = true;
        Ok(())
    }

    /// Holds the message in `slot` back by `by_ms` more.
    pub fn delay_message(&mut self, slot: u32, by_ms: Millis) -> Result<(), InterventionError> {
        let message = self.message_in(slot)?;
        let at = self.later("a delay", message.arrives_at.max(self.now), by_ms)?;
        let generation = self.bus.reschedule(slot, at);
        self.schedule(at, Task::Arrive(slot, generation));
        Ok(())
    }

    /// Takes the link to replica `r` down until `until`; messages due meanwhile wait.
    pub fn partition(&mut self, r: usize, until: Millis) -> Result<(), InterventionError> {
        self.replica_name(r)?;
        self.future("a partition's end, counted from now,", until)?;
        self.record(SystemId::replica(r), StepKind::Partition { until });
        for slot in self.bus.partition(r, self.now, until) {
            self.schedule(until, Task::Arrive(slot, self.bus.generation_of(slot)));
        }
        Ok(())
    }

    /// Brings the partitioned link to replica `r` back up now; waiting messages leave at once.
    pub fn heal(&mut self, r: usize) -> Result<(), InterventionError> {
        let system = self.replica_name(r)?;
        if !self.is_partitioned(r) {
            return Err(InterventionError::NotPartitioned { system });
        }
        self.record(SystemId::replica(r), StepKind::Heal);
        for (slot, at) in self.bus.heal(r, self.now, &mut self.rng) {
            self.schedule(at, Task::Arrive(slot, self.bus.generation_of(slot)));
        }
        Ok(())
    }

    /// Changes the knobs of the link to replica `r` for what is sent from now on; its
    /// partitions, timeouts and the messages already on their way stay as they are.
    pub fn set_link(
        &mut self,
        r: usize,
        delay: Delay,
        duplicate_probability: f64,
        drop_probability: f64,
        reorder: bool,
    ) -> Result<(), InterventionError> {
        self.replica_name(r)?;
        let faults = LinkFaults {
            delay,
            duplicate_probability,
            drop_probability,
            reorder,
            ..self.bus.link(r).faults.clone()
        };
        if let Some((field, message)) = faults.problems().into_iter().next() {
            return Err(InterventionError::BadKnob { field, message });
        }
        self.bus.set_faults(r, faults);
        Ok(())
    }

    /// Crashes replica `r` now; it restarts at `until`.
    pub fn crash_replica(&mut self, r: usize, until: Millis) -> Result<(), InterventionError> {
        let system = self.replica_name(r)?;
        if self.replicas[r].down_until().is_some() {
            return Err(InterventionError::AlreadyDown { system });
        }
        self.future("a restart, counted from now,", until)?;
        self.crash(r, until);
        Ok(())
    }

    /// Restarts crashed replica `r` now instead of at its planned time. What it missed
    /// still comes when the bus's redelivery timers fire, as with a consumer that
    /// reconnects early: the bus does not know it is back.
    pub fn restart_replica(&mut self, r: usize) -> Result<(), InterventionError> {
        let system = self.replica_name(r)?;
        if self.replicas[r].down_until().is_none() {
            return Err(InterventionError::NotDown { system });
        }
        self.restart(r);
        Ok(())
    }

    /// Sets a system's clock (`SystemId::SOURCE` is the source) to `clock`'s offset and
    /// drift from now on. A script's `skew` step and a person's change of a clock both come
    /// here; to change the offset alone, pass the drift `clock(system)` has.
    pub fn skew_clock(&mut self, system: SystemId, clock: Clock) -> Result<(), InterventionError> {
        if system.0 as usize >= self.clocks.len() {
            return Err(InterventionError::NoSuchSystem { system: system.0 });
        }
        if clock.offset_ms.unsigned_abs() > MAX_TIME_MS {
            return Err(InterventionError::TooLate {
                what: "a clock offset (either way)",
                max: MAX_TIME_MS,
            });
        }
        if let Some((field, message)) = clock.problems().into_iter().next() {
            return Err(InterventionError::BadKnob { field, message });
        }
        self.clocks[system.0 as usize] = clock;
        self.record(
            system,
            StepKind::Skew {
                offset_ms: clock.offset_ms,
            },
        );
        Ok(())
    }

    /// A user of replica `r` writes `set` to `record` now; the change goes to the source.
    /// Refused while the replica is down: nobody can write to a system that is not running.
    pub fn local_write(
        &mut self,
        r: usize,
        record: &str,
        set: BTreeMap<String, String>,
    ) -> Result<(), InterventionError> {
        let system = self.replica_name(r)?;
        if let Some(until) = self.replicas[r].down_until() {
            return Err(InterventionError::SystemDown { system, until });
        }
        let Some(&record) = self.record_index.get(record) else {
            return Err(InterventionError::NoSuchRecord {
                record: record.into(),
            });
        };
        if set.is_empty() || set.keys().any(|k| k.trim().is_empty()) {
            return Err(InterventionError::EmptyWrite);
        }
        self.do_local_write(r, record, &set);
        Ok(())
    }

    /// Sends the message in `slot` once more, as a duplicate with its own delay.
    pub fn duplicate_message(&mut self, slot: u32) -> Result<(), InterventionError> {
        let message = self.message_in(slot)?;
        self.record(
            SystemId::replica(message.replica),
            StepKind::Duplicate {
                event: message.event,
            },
        );
        let copy = Message {
            duplicate: true,
            sent_at: self.now,
            dropped_by_hand: false,
            ..message
        };
        let slot = self.bus.send(copy, &mut self.rng, false);
        let at = self.bus.message(slot).arrives_at;
        self.schedule(at, Task::Arrive(slot, self.bus.generation_of(slot)));
        Ok(())
    }

    /// A person decides escalation `id`: the decision is committed at the source of truth
    /// as a new version and published. Run the simulation on to see it spread.
    pub fn resolve(&mut self, id: u32, decision: Decision) -> Result<(), InterventionError> {
        let escalation = match self.inbox.get(id) {
            None => return Err(InterventionError::NoSuchEscalation { id }),
            Some(e) if e.decision.is_some() => {
                return Err(InterventionError::AlreadyDecided { id });
            }
            Some(e) => e.clone(),
        };
        let record = escalation.record;
        let current = self.source.records()[record.0 as usize].clone();
        let fields = match &decision {
            Decision::KeepSource => current.fields.clone(),
            Decision::TakeReplica => escalation.replica_value.clone(),
            Decision::Merge(values) if values.is_empty() => {
                return Err(InterventionError::EmptyMerge);
            }
            Decision::Merge(values) => Arc::new(values.clone()),
        };
        let write = self.new_write(
            WriteKind::Resolution,
            SystemId::SOURCE,
            record,
            fields.clone(),
            current.version,
        );
        self.inbox.decide(id, decision, self.now);
        self.record(
            SystemId::SOURCE,
            StepKind::Resolve {
                record,
                write,
                escalation: id,
            },
        );
        self.commit(
            record,
            fields,
            self.now,
            SystemId::SOURCE,
            write,
            current.version,
            EventKind::Resolved,
        );
        Ok(())
    }

    pub(super) fn message_in(&self, slot: u32) -> Result<Message, InterventionError> {
        self.bus
            .messages()
            .find(|(s, _)| *s == slot)
            .map(|(_, m)| *m)
            .ok_or(InterventionError::NoMessage { slot })
    }

    /// Replica `r`'s name, or the error for a replica that does not exist.
    pub(super) fn replica_name(&self, r: usize) -> Result<String, InterventionError> {
        self.scenario.replicas.get(r).map(|s| s.name.clone()).ok_or(
            InterventionError::NoSuchSystem {
                system: u16::try_from(r + 1).unwrap_or(u16::MAX),
            },
        )
    }

    /// Checks that `at` is a time after now and within the engine's range.
    pub(super) fn future(&self, what: &'static str, at: Millis) -> Result<(), InterventionError> {
        if at <= self.now {
            return Err(InterventionError::NotAfterNow {
                what,
                now: self.now,
            });
        }
        if at - self.now > MAX_TIME_MS {
            return Err(InterventionError::TooLate {
                what,
                max: MAX_TIME_MS,
            });
        }
        Ok(())
    }

    /// `from + by`, for a wait `by` within the engine's range of time.
    pub(super) fn later(
        &self,
        what: &'static str,
        from: Millis,
        by: Millis,
    ) -> Result<Millis, InterventionError> {
        if by > MAX_TIME_MS {
            return Err(InterventionError::TooLate {
                what,
                max: MAX_TIME_MS,
            });
        }
        Ok(from.saturating_add(by))
    }
}
