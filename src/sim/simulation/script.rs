//! The scenario's script and its sagas: what a scripted command, a local write at a
//! replica, a crash, a clock change and a saga's steps (and their compensations) do when
//! their time comes.

use super::*;

impl Simulation {
    pub(super) fn run_script_step(&mut self, i: usize) {
        let scenario = Arc::clone(&self.scenario);
        match &scenario.script[i].action {
            Action::Command { record, event, set } => {
                self.command(&Change {
                    record: record.clone(),
                    event: event.clone(),
                    set: set.clone(),
                });
            }
            Action::LocalWrite {
                system,
                record,
                set,
            } => {
                // Nobody writes to a system that is not running: refused, as a person's
                // local write is (InterventionError::SystemDown).
                let r = self.replica_index(system);
                match self.replicas[r].down_until {
                    Some(until) => {
                        let why = InterventionError::SystemDown {
                            system: system.clone(),
                            until,
                        };
                        let note = self.note(format!("a local write to {record}: {why}"));
                        self.record(SystemId::replica(r), StepKind::Refused { note });
                    }
                    None => self.do_local_write(system, record, set),
                }
            }
            Action::Crash { system, until } => {
                let r = self.replica_index(system);
                self.crash(r, *until);
            }
            Action::Skew {
                system,
                offset_ms,
                drift_ppm,
            } => {
                let id = std::iter::once(&scenario.source)
                    .chain(scenario.replicas.iter().map(|r| &r.name))
                    .position(|n| n == system)
                    .expect("validated");
                let clock = Clock {
                    offset_ms: *offset_ms,
                    drift_ppm: *drift_ppm,
                };
                let set = self.skew_clock(SystemId(id as u16), clock);
                debug_assert!(set.is_ok(), "a validated scenario's clock: {set:?}");
            }
            Action::Poison {
                system,
                record,
                until,
            } => {
                let r = self.replica_index(system);
                let record = self.record_index[record];
                self.replicas[r].poison.push((record, *until));
                self.record(SystemId::replica(r), StepKind::Poisoned { record });
            }
            Action::ReplayDeadLetters { system } => {
                let r = self.replica_index(system);
                self.replay_dead_letters(r);
            }
            Action::DiscardDeadLetters { system } => {
                let r = self.replica_index(system);
                self.discard_dead_letters(r);
            }
            Action::StartSaga { saga } => {
                let s = scenario
                    .sagas
                    .iter()
                    .position(|x| &x.name == saga)
                    .expect("validated");
                self.schedule(self.now, Task::SagaStep(s as u32, 0));
            }
            Action::FailSaga { saga, reason } => {
                let s = scenario
                    .sagas
                    .iter()
                    .position(|x| &x.name == saga)
                    .expect("validated");
                self.fail_saga(s as u32, reason.clone());
            }
        }
    }

    pub(super) fn do_local_write(
        &mut self,
        system: &str,
        record: &str,
        set: &BTreeMap<String, String>,
    ) {
        let r = self.replica_index(system);
        let record = self.record_index[record];
        let local = &self.replicas[r].records[record.0 as usize];
        let (fields, base) = (merged(&local.fields, set), local.version);
        let actor = SystemId::replica(r);
        let write = self.new_write(WriteKind::LocalWrite, actor, record, fields.clone(), base);
        let stamp = self.writes[write.0 as usize - 1].stamp;
        self.replicas[r].records[record.0 as usize] = RecordState {
            fields,
            version: base + 1,
            modified_at: stamp,
            writer: actor,
            write,
        };
        self.metrics.local_writes += 1;
        self.record(actor, StepKind::LocalWrite { record, write });
        self.refresh(r, record);
        let at = self.bus.request_arrival(r, record, self.now, &mut self.rng);
        self.schedule(at, Task::Request(write));
    }

    /// Runs a command at the source of truth; returns whether it was accepted.
    pub(super) fn command(&mut self, change: &Change) -> bool {
        let record = self.record_index[&change.record];
        let current = self.source.records[record.0 as usize].clone();
        let mut fields = merged(&current.fields, &change.set);
        if let (Some(event), Some(machine)) =
            (&change.event, self.machines[record.0 as usize].clone())
        {
            let state = current.fields.get("state").cloned().unwrap_or_default();
            match machine.fire(&state, event) {
                Ok(next) => Arc::make_mut(&mut fields)
                    .insert("state".into(), next)
                    .map_or((), |_| ()),
                Err(invalid) => {
                    self.metrics.invalid_transitions += 1;
                    let note = self.note(format!("{}: {invalid}", change.record));
                    self.record(
                        SystemId::SOURCE,
                        StepKind::InvalidTransition { record, note },
                    );
                    return false;
                }
            }
        }
        let base = current.version;
        let write = self.new_write(
            WriteKind::Command,
            SystemId::SOURCE,
            record,
            fields.clone(),
            base,
        );
        let stamp = self.writes[write.0 as usize - 1].stamp;
        self.metrics.commands += 1;
        self.record(SystemId::SOURCE, StepKind::Command { record, write });
        // Last-write-wins applies to the source's own writes too: with a skewed clock, a
        // command can carry an older timestamp than what the record holds, and is lost.
        if self.strategy == Strategy::LastWriteWins
            && (stamp, SystemId::SOURCE, write) <= current.lww_key()
        {
            self.lose(record, write, current.write);
            return true;
        }
        self.commit(
            record,
            fields,
            stamp,
            SystemId::SOURCE,
            write,
            base,
            EventKind::Changed,
        );
        true
    }

    pub(super) fn saga_step(&mut self, saga: u32, step: u32) {
        let spec = &self.scenario.sagas[saga as usize];
        let (change, gap, len) = (
            spec.steps[step as usize].action.clone(),
            spec.step_gap_ms,
            spec.steps.len() as u32,
        );
        if self.sagas[saga as usize].failed {
            return;
        }
        self.record(SystemId::SOURCE, StepKind::SagaStep { saga, step });
        if !self.command(&change) {
            let reason = format!("step {} was refused", step + 1);
            self.fail_saga(saga, reason);
            return;
        }
        self.sagas[saga as usize].done = step + 1;
        if step + 1 < len {
            self.schedule(self.now.saturating_add(gap), Task::SagaStep(saga, step + 1));
        }
    }

    pub(super) fn fail_saga(&mut self, saga: u32, reason: String) {
        let progress = &mut self.sagas[saga as usize];
        if progress.failed {
            return;
        }
        progress.failed = true;
        let done = progress.done;
        let note = self.note(reason);
        self.record(SystemId::SOURCE, StepKind::SagaFailed { saga, note });
        if done > 0 {
            self.schedule(self.now, Task::Compensate(saga, done - 1));
        }
    }

    pub(super) fn compensate(&mut self, saga: u32, step: u32) {
        let spec = &self.scenario.sagas[saga as usize];
        let (change, gap) = (
            spec.steps[step as usize].compensation.clone(),
            spec.step_gap_ms,
        );
        self.metrics.compensations += 1;
        self.record(SystemId::SOURCE, StepKind::Compensate { saga, step });
        self.command(&change);
        if step > 0 {
            self.schedule(
                self.now.saturating_add(gap),
                Task::Compensate(saga, step - 1),
            );
        }
    }
}
