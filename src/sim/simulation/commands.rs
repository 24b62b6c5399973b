//! Carrying out a `Command`, whoever gives it (a script step, a person, a fork): lose,
//! delay or duplicate a message, partition or heal a link, change a link's knobs, crash or
//! restart a replica, skew a clock, write at the source or at a replica, poison a record,
//! handle dead letters, start or fail a saga, decide an escalation. Each is refused with a
//! typed error when it cannot apply, and nothing of it is applied then.

use super::compiled::{Names, Target};
use super::*;

impl Simulation {
    /// Carries out `command` now: a person's action, or a fork's change. Its names are
    /// looked up once, here; a name that does not exist is refused like any other problem.
    pub fn apply(&mut self, command: &Command) -> Result<(), CommandError> {
        let names = Names {
            scenario: &self.scenario,
            records: &self.record_index,
        };
        let target = names.target(command)?;
        self.execute(command, target)
    }

    /// Carries out `command`, whose names stand for the ids in `t`.
    pub(super) fn execute(&mut self, command: &Command, t: Target) -> Result<(), CommandError> {
        let r = t.replica;
        match command {
            Command::Write { event, set, .. } => {
                if event.is_none() && set.is_empty() {
                    return Err(CommandError::EmptyWrite);
                }
                if event.is_some() && self.machines[t.record.0 as usize].is_none() {
                    return Err(CommandError::NoLifecycle {
                        record: self.scenario.records[t.record.0 as usize].id.clone(),
                    });
                }
                self.command(t.record, event.as_deref(), set);
                Ok(())
            }
            Command::LocalWrite { set, .. } => self.local_write(r, t.record, set),
            Command::Crash { until, .. } => self.crash(r, *until),
            Command::Restart { .. } => self.restart_replica(r),
            Command::Skew {
                offset_ms,
                drift_ppm,
                ..
            } => self.skew_clock(
                t.system,
                Clock {
                    offset_ms: *offset_ms,
                    drift_ppm: *drift_ppm,
                },
            ),
            Command::Poison { until, .. } => {
                if let Some(until) = until {
                    self.future("a fix, counted from now,", *until)?;
                }
                self.replicas[r].poison(t.record, self.now, *until);
                self.record(t.system, StepKind::Poisoned { record: t.record });
                Ok(())
            }
            Command::ReplayDeadLetters { .. } => {
                self.replay_dead_letters(r);
                Ok(())
            }
            Command::DiscardDeadLetters { .. } => {
                self.discard_dead_letters(r);
                Ok(())
            }
            Command::StartSaga { .. } => {
                self.schedule(self.now, Task::SagaStep(t.saga, 0));
                Ok(())
            }
            Command::FailSaga { reason, .. } => {
                self.fail_saga(t.saga, reason.clone());
                Ok(())
            }
            Command::Drop { slot } => self.drop_message(*slot),
            Command::Delay { slot, by_ms } => self.delay_message(*slot, *by_ms),
            Command::Duplicate { slot } => self.duplicate_message(*slot),
            Command::DeliverNext { slot } => self.deliver_next(*slot),
            Command::Partition { until, .. } => self.partition(r, *until),
            Command::Heal { .. } => self.heal(r),
            Command::SetLink {
                delay,
                duplicate_probability,
                drop_probability,
                reorder,
                ..
            } => self.set_link(
                r,
                delay.clone(),
                *duplicate_probability,
                *drop_probability,
                *reorder,
            ),
            Command::Resolve {
                escalation,
                decision,
            } => self.resolve(*escalation, decision.clone()),
        }
    }

    /// Crashes replica `r` now; it restarts at `until`. Refused while it is down.
    fn crash(&mut self, r: usize, until: Millis) -> Result<(), CommandError> {
        let system = self.replica_name(r);
        if self.replicas[r].down_until().is_some() {
            return Err(CommandError::AlreadyDown { system });
        }
        self.future("a restart, counted from now,", until)?;
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
        Ok(())
    }

    pub(super) fn restart(&mut self, r: usize) {
        self.replicas[r].restart();
        self.record(SystemId::replica(r), StepKind::Restart);
    }

    /// Replays every dead letter of replica `r` into its consumer, oldest first.
    pub(super) fn replay_dead_letters(&mut self, r: usize) {
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
    pub(super) fn discard_dead_letters(&mut self, r: usize) {
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
    pub(super) fn drop_message(&mut self, slot: u32) -> Result<(), CommandError> {
        let message = self.message_in(slot)?;
        if message.dropped_by_hand {
            return Err(CommandError::AlreadyDropped {
                event: message.event,
                replica: self.scenario.replicas[message.replica].name.clone(),
            });
        }
        self.bus.message_mut(slot).dropped_by_hand = true;
        Ok(())
    }

    /// Holds the message in `slot` back by `by_ms` more.
    pub(super) fn delay_message(&mut self, slot: u32, by_ms: Millis) -> Result<(), CommandError> {
        let message = self.message_in(slot)?;
        let at = self.later("a delay", message.arrives_at.max(self.now), by_ms)?;
        let generation = self.bus.reschedule(slot, at);
        self.schedule(at, Task::Arrive(slot, generation));
        Ok(())
    }

    /// Delivers the message in `slot` before every other message in flight: when the first
    /// of them is due (or now), ahead of it and of anything else due then.
    pub(super) fn deliver_next(&mut self, slot: u32) -> Result<(), CommandError> {
        let message = self.message_in(slot)?;
        if self.is_partitioned(message.replica) {
            return Err(CommandError::LinkDown {
                system: self.replica_name(message.replica),
            });
        }
        let first = self.bus.messages().map(|(_, m)| m.arrives_at).min();
        let at = first.unwrap_or(self.now).max(self.now);
        let generation = self.bus.reschedule(slot, at);
        // Sequence number 0 goes before every task already due at `at`.
        self.queue.push(at, 0, Task::Arrive(slot, generation));
        Ok(())
    }

    /// Takes the link to replica `r` down until `until`; messages due meanwhile wait.
    pub(super) fn partition(&mut self, r: usize, until: Millis) -> Result<(), CommandError> {
        self.future("a partition's end, counted from now,", until)?;
        self.record(SystemId::replica(r), StepKind::Partition { until });
        for slot in self.bus.partition(r, self.now, until) {
            self.schedule(until, Task::Arrive(slot, self.bus.generation_of(slot)));
        }
        Ok(())
    }

    /// Brings the partitioned link to replica `r` back up now; waiting messages leave at once.
    pub(super) fn heal(&mut self, r: usize) -> Result<(), CommandError> {
        let system = self.replica_name(r);
        if !self.is_partitioned(r) {
            return Err(CommandError::NotPartitioned { system });
        }
        self.record(SystemId::replica(r), StepKind::Heal);
        for (slot, at) in self.bus.heal(r, self.now, &mut self.rng) {
            self.schedule(at, Task::Arrive(slot, self.bus.generation_of(slot)));
        }
        Ok(())
    }

    /// Changes the knobs of the link to replica `r` for what is sent from now on; its
    /// partitions, timeouts and the messages already on their way stay as they are.
    pub(super) fn set_link(
        &mut self,
        r: usize,
        delay: Delay,
        duplicate_probability: f64,
        drop_probability: f64,
        reorder: bool,
    ) -> Result<(), CommandError> {
        let faults = LinkFaults {
            delay,
            duplicate_probability,
            drop_probability,
            reorder,
            ..self.bus.link(r).faults.clone()
        };
        if let Some((field, message)) = faults.problems().into_iter().next() {
            return Err(CommandError::BadKnob { field, message });
        }
        self.bus.set_faults(r, faults);
        Ok(())
    }

    /// Restarts crashed replica `r` now instead of at its planned time. What it missed
    /// still comes when the bus's redelivery timers fire, as with a consumer that
    /// reconnects early: the bus does not know it is back.
    pub(super) fn restart_replica(&mut self, r: usize) -> Result<(), CommandError> {
        let system = self.replica_name(r);
        if self.replicas[r].down_until().is_none() {
            return Err(CommandError::NotDown { system });
        }
        self.restart(r);
        Ok(())
    }

    /// Sets a system's clock (`SystemId::SOURCE` is the source) to `clock`'s offset and
    /// drift from now on. A script's `skew` step and a person's change of a clock both come
    /// here; to change the offset alone, pass the drift `clock(system)` has.
    pub(super) fn skew_clock(
        &mut self,
        system: SystemId,
        clock: Clock,
    ) -> Result<(), CommandError> {
        if clock.offset_ms.unsigned_abs() > MAX_TIME_MS {
            return Err(CommandError::TooLate {
                what: "a clock offset (either way)",
                max: MAX_TIME_MS,
            });
        }
        if let Some((field, message)) = clock.problems().into_iter().next() {
            return Err(CommandError::BadKnob { field, message });
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
    fn local_write(
        &mut self,
        r: usize,
        record: RecordId,
        set: &Values,
    ) -> Result<(), CommandError> {
        if let Some(until) = self.replicas[r].down_until() {
            let system = self.scenario.replicas[r].name.clone();
            return Err(CommandError::SystemDown { system, until });
        }
        if set.is_empty() || set.keys().any(|k| k.trim().is_empty()) {
            return Err(CommandError::EmptyWrite);
        }
        let local = &self.replicas[r].records[record.0 as usize];
        let (fields, base) = (merged(&local.fields, set), local.version);
        let actor = SystemId::replica(r);
        let write = self.new_write(WriteKind::LocalWrite, actor, record, fields.clone(), base);
        let stamp = self.writes[write.0 as usize - 1].stamp;
        let state = RecordState {
            fields,
            version: base + 1,
            modified_at: stamp,
            writer: actor,
            write,
        };
        self.replicas[r].write_locally(record, state, base);
        self.metrics.local_writes += 1;
        self.record(actor, StepKind::LocalWrite { record, write });
        self.refresh(r, record);
        let at = self.bus.request_arrival(r, record, self.now, &mut self.rng);
        self.schedule(at, Task::Request(write));
        Ok(())
    }

    /// Sends the message in `slot` once more, as a duplicate with its own delay.
    pub(super) fn duplicate_message(&mut self, slot: u32) -> Result<(), CommandError> {
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
    pub(super) fn resolve(&mut self, id: u32, decision: Decision) -> Result<(), CommandError> {
        let escalation = match self.inbox.get(id) {
            None => return Err(CommandError::NoSuchEscalation { id }),
            Some(e) if e.decision.is_some() => {
                return Err(CommandError::AlreadyDecided { id });
            }
            Some(e) => e.clone(),
        };
        let record = escalation.record;
        let current = self.source.records()[record.0 as usize].clone();
        let fields = match &decision {
            Decision::KeepSource => current.fields.clone(),
            Decision::TakeReplica => escalation.replica_value.clone(),
            Decision::Merge(values) if values.is_empty() => {
                return Err(CommandError::EmptyMerge);
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
        // A person's decision is stamped with the virtual time, not the source's clock.
        self.commit(write, self.now, EventKind::Resolved);
        Ok(())
    }

    pub(super) fn message_in(&self, slot: u32) -> Result<Message, CommandError> {
        self.bus
            .messages()
            .find(|(s, _)| *s == slot)
            .map(|(_, m)| *m)
            .ok_or(CommandError::NoMessage { slot })
    }

    /// Replica `r`'s name.
    pub(super) fn replica_name(&self, r: usize) -> String {
        self.scenario.replicas[r].name.clone()
    }

    /// Checks that `at` is a time after now and within the engine's range.
    pub(super) fn future(&self, what: &'static str, at: Millis) -> Result<(), CommandError> {
        if at <= self.now {
            return Err(CommandError::NotAfterNow {
                what,
                now: self.now,
            });
        }
        if at - self.now > MAX_TIME_MS {
            return Err(CommandError::TooLate {
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
    ) -> Result<Millis, CommandError> {
        if by > MAX_TIME_MS {
            return Err(CommandError::TooLate {
                what,
                max: MAX_TIME_MS,
            });
        }
        Ok(from.saturating_add(by))
    }
}
