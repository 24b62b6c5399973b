//! A change's way to the replicas: the bus carries it, a replica consumes it and its
//! resolver decides (apply, reject, merge, escalate), or the consumer fails and
//! dead-letters it; the replica fires its side effect. The source's side is `settle`.

use super::*;

impl Simulation {
    pub(super) fn send(&mut self, message: Message) {
        let slot = self.bus.send(message, &mut self.rng, true);
        let at = self.bus.message(slot).arrives_at;
        self.schedule(at, Task::Arrive(slot, self.bus.generation_of(slot)));
        if self
            .rng
            .chance(self.bus.link(message.replica).faults.duplicate_probability)
        {
            self.record(
                SystemId::replica(message.replica),
                StepKind::Duplicate {
                    event: message.event,
                },
            );
            let slot = self.bus.send(
                Message {
                    duplicate: true,
                    ..message
                },
                &mut self.rng,
                true,
            );
            let at = self.bus.message(slot).arrives_at;
            self.schedule(at, Task::Arrive(slot, self.bus.generation_of(slot)));
        }
    }

    pub(super) fn arrive(&mut self, slot: u32) {
        let message = *self.bus.message(slot);
        let r = message.replica;
        let actor = SystemId::replica(r);
        let faults = &self.bus.link(r).faults;
        let ack_timeout = faults.ack_timeout_ms;
        if message.dropped_by_hand {
            self.bus.message_mut(slot).dropped_by_hand = false;
            self.metrics.dropped += 1;
            self.record(
                actor,
                StepKind::Drop {
                    event: message.event,
                },
            );
            self.schedule(
                self.now.max(message.sent_at.saturating_add(ack_timeout)),
                Task::Redeliver(slot, self.bus.generation_of(slot)),
            );
            return;
        }
        if self.rng.chance(faults.drop_probability) {
            self.metrics.dropped += 1;
            let at = self.now.max(message.sent_at.saturating_add(ack_timeout));
            self.record(
                actor,
                StepKind::Drop {
                    event: message.event,
                },
            );
            self.schedule(at, Task::Redeliver(slot, self.bus.generation_of(slot)));
            return;
        }
        if let Some(until) = self.replicas[r].down_until() {
            self.record(
                actor,
                StepKind::NotAcked {
                    event: message.event,
                },
            );
            self.schedule(
                until.max(message.sent_at.saturating_add(ack_timeout)),
                Task::Redeliver(slot, self.bus.generation_of(slot)),
            );
            return;
        }
        self.metrics.delivered += 1;
        if self.replicas[r].has_seen(message.event) {
            self.metrics.duplicates_delivered += 1;
        }
        self.record(
            actor,
            StepKind::Deliver {
                event: message.event,
                attempt: message.attempt,
            },
        );
        self.process(slot, false);
    }

    /// The consumer of the message in `slot` processes it (first try, or a retry).
    pub(super) fn process(&mut self, slot: u32, retry: bool) {
        let message = *self.bus.message(slot);
        let (r, event) = (message.replica, message.event);
        let actor = SystemId::replica(r);
        if retry {
            if let Some(until) = self.replicas[r].down_until() {
                self.schedule(until, Task::Retry(slot, self.bus.generation_of(slot)));
                return;
            }
            self.metrics.retries += 1;
            self.record(
                actor,
                StepKind::Retry {
                    event,
                    attempt: message.failures + 1,
                },
            );
        }
        if self.replicas[r].is_poisoned(message.record, self.now) {
            let failures = message.failures + 1;
            self.metrics.processing_failures += 1;
            self.record(
                actor,
                StepKind::ProcessingFailed {
                    event,
                    attempt: failures,
                },
            );
            let policy = self.scenario.replicas[r].retry;
            if failures < policy.max_attempts {
                self.bus.message_mut(slot).failures = failures;
                let backoff = policy.backoff(failures);
                let wait = if policy.jitter {
                    self.rng.between(0, backoff)
                } else {
                    backoff
                };
                self.schedule(
                    self.now.saturating_add(wait),
                    Task::Retry(slot, self.bus.generation_of(slot)),
                );
            } else {
                self.bus.remove(slot);
                self.metrics.dead_lettered += 1;
                self.replicas[r].dead_letter(DeadLetter {
                    event,
                    record: message.record,
                    at: self.now,
                });
                self.record(actor, StepKind::DeadLetter { event });
            }
            return;
        }
        self.bus.remove(slot);
        self.consume(r, event);
    }

    /// Replica `r` takes in `event` and the engine records what it did.
    pub(super) fn consume(&mut self, r: usize, event_id: EventId) {
        let actor = SystemId::replica(r);
        let event = &self.events[event_id.0 as usize - 1];
        let record = event.record;
        let in_order =
            self.deciding.holds_out_of_order() && self.machines[record.0 as usize].is_some();
        // The common ancestor is looked up only for a resolver that reads it.
        let ancestor = if self.deciding.reads_ancestor() {
            common_ancestor(&self.source, &self.replicas[r], event)
        } else {
            (None, 0)
        };
        let reception =
            self.replicas[r].receive(event, &self.deciding, ancestor, self.idempotency, in_order);
        let window = self.bus.link(r).faults.ack_delay_ms;
        self.replicas[r].processed_now(self.now, event_id, record, window);
        match reception {
            Reception::SkipDuplicate => {
                self.metrics.duplicates_absorbed += 1;
                self.record(actor, StepKind::SkipDuplicate { event: event_id });
            }
            Reception::Applied { again, previous } => {
                self.applied(r, event_id, record, again, previous.version, &previous);
            }
            Reception::Stale(reason) => {
                self.metrics.stale_rejected += 1;
                self.record(
                    actor,
                    StepKind::RejectStale {
                        event: event_id,
                        reason,
                    },
                );
            }
            Reception::Hold { waiting_for } => {
                self.metrics.held += 1;
                self.record(
                    actor,
                    StepKind::Hold {
                        event: event_id,
                        waiting_for,
                    },
                );
            }
            Reception::ConflictTookSource { previous } => {
                self.report_conflict(actor, record, previous.write);
                let version = self.events[event_id.0 as usize - 1].state.version;
                self.applied(r, event_id, record, false, version, &previous);
            }
            Reception::Escalate { write } => self.escalate(actor, record, write),
            Reception::Merged { previous } => {
                self.metrics.merges += 1;
                self.record(
                    actor,
                    StepKind::MergeIn {
                        event: event_id,
                        version: self.replicas[r].records[record.0 as usize].version,
                    },
                );
                self.took_in(r, event_id, record, &previous);
            }
        }
    }

    pub(super) fn applied(
        &mut self,
        r: usize,
        event: EventId,
        record: RecordId,
        again: bool,
        previous_version: u64,
        previous: &RecordState,
    ) {
        let actor = SystemId::replica(r);
        let version = self.replicas[r].records[record.0 as usize].version;
        self.metrics.applied += 1;
        if again {
            self.metrics.duplicates_applied += 1;
            self.replicas[r].applied_again(record, version, event);
        }
        self.record(
            actor,
            StepKind::Apply {
                event,
                version,
                again,
            },
        );
        if version < previous_version {
            self.violations.push(Violation {
                name: Invariant::MonotonicVersions,
                time: self.now,
                message: format!(
                    "{} went back from version {previous_version} to {version} of {} when it applied {event}.",
                    self.scenario.system_name(actor),
                    self.record_name(record)
                ),
            });
        }
        if again && self.idempotency {
            self.violations.push(Violation {
                name: Invariant::ExactlyOnceApply,
                time: self.now,
                message: format!(
                    "{} applied {event} a second time although idempotency is on.",
                    self.scenario.system_name(actor)
                ),
            });
        }
        self.took_in(r, event, record, previous);
    }

    /// What follows replica `r` taking `event` into its copy of `record` (applied or
    /// merged), which was `previous`: the lifecycle check, the side effect, the copy
    /// compared again, and a held event that may now follow.
    fn took_in(&mut self, r: usize, event: EventId, record: RecordId, previous: &RecordState) {
        if let Some(message) = self.backwards(r, record, previous, event) {
            self.violations.push(Violation {
                name: Invariant::ValidLifecycleTransitions,
                time: self.now,
                message,
            });
        }
        let state = &self.replicas[r].records[record.0 as usize];
        let (version, write) = (state.version, state.write);
        self.fire_effect(r, write);
        self.refresh(r, record);
        if let Some(next) = self.replicas[r].release(record, version) {
            self.record(SystemId::replica(r), StepKind::Release { event: next });
            self.consume(r, next);
        }
    }

    /// What to say if replica `r`'s copy of `record` moved backwards through its
    /// lifecycle from `previous` when it applied `event`.
    fn backwards(
        &self,
        r: usize,
        record: RecordId,
        previous: &RecordState,
        event: EventId,
    ) -> Option<String> {
        let machine = self.machines[record.0 as usize].as_ref()?;
        let from = previous.fields.get("state")?.as_str();
        let to = self.replicas[r].records[record.0 as usize]
            .fields
            .get("state")
            .map_or("", String::as_str);
        (from != to && !machine.reachable(from, to)).then(|| {
            format!(
                "{} moved {} from {from} back to {to}, which its lifecycle never allows, when it applied {event}.",
                self.scenario.system_name(SystemId::replica(r)),
                self.record_name(record)
            )
        })
    }

    pub(super) fn fire_effect(&mut self, r: usize, write: WriteId) {
        let Some(effect) = &self.scenario.replicas[r].effect else {
            return;
        };
        let keys = effect.idempotency_keys;
        let actor = SystemId::replica(r);
        let Some(times) = self.replicas[r].fire_effect(write, keys) else {
            self.metrics.effects_deduplicated += 1;
            self.record(actor, StepKind::EffectSkipped { write });
            return;
        };
        self.metrics.effects_fired += 1;
        self.record(
            actor,
            StepKind::Effect {
                write,
                again: times > 1,
            },
        );
        if times > 1 {
            self.metrics.duplicate_effects += 1;
            let name = self.effect_name(actor).to_string();
            self.violations.push(Violation {
                name: Invariant::ExactlyOnceEffects,
                time: self.now,
                message: format!(
                    "{} fired {name} {times} times for write {write}: the call carried no idempotency key, so the external service could not tell it was a repeat.",
                    self.scenario.system_name(actor)
                ),
            });
        }
    }

    pub(super) fn redeliver(&mut self, slot: u32) {
        let at = self.bus.resend(slot, self.now, &mut self.rng);
        let message = *self.bus.message(slot);
        self.metrics.redelivered += 1;
        self.record(
            SystemId::replica(message.replica),
            StepKind::Redeliver {
                event: message.event,
                attempt: message.attempt,
            },
        );
        self.schedule(at, Task::Arrive(slot, self.bus.generation_of(slot)));
    }

    /// Recomputes whether replica `r`'s copy of `record` differs from the source.
    pub(super) fn refresh(&mut self, r: usize, record: RecordId) {
        let i = r * self.source.records().len() + record.0 as usize;
        let differs = !self.replicas[r].records[record.0 as usize]
            .same_as(&self.source.records()[record.0 as usize]);
        if differs != self.differs[i] {
            self.differs[i] = differs;
            if differs {
                self.divergent += 1;
            } else {
                self.divergent -= 1;
                if self.divergent == 0 {
                    self.converged_since = self.now;
                }
            }
        }
    }

    /// The name of `actor`'s side effect (empty if it has none).
    pub fn effect_name(&self, actor: SystemId) -> &str {
        actor
            .replica_index()
            .and_then(|i| self.scenario.replicas[i].effect.as_ref())
            .map_or("", |e| e.name.as_str())
    }
}

/// The common ancestor of `replica`'s copy of `event`'s record and `event` (values and
/// version), for a resolver that reads it. Once the source has committed the replica's own
/// write the copy carries, and the event has seen that commit, the copy itself is one:
/// the event has every change the replica made (the replica has not heard of the commit
/// yet). Otherwise it is the last version the copy takes in, or the event's previous
/// version if that is older.
fn common_ancestor(
    source: &SourceOfTruth,
    replica: &Replica,
    event: &PublishedEvent,
) -> (Option<Fields>, u64) {
    let record = event.record;
    let since = replica.incorporated(record);
    let held = &replica.records[record.0 as usize];
    // A write on version `since` is committed after it, if at all.
    let committed = source
        .commits_after(record, since)
        .find(|c| c.write == held.write);
    match committed {
        Some(c) if c.version <= event.previous_version => (Some(held.fields.clone()), c.version),
        _ => {
            let version = since.min(event.previous_version);
            (source.values_at(record, version).cloned(), version)
        }
    }
}
