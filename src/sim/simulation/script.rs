//! The scenario's script and its sagas: what a scripted command, a local write at a
//! replica, a crash, a clock change and a saga's steps (and their compensations) do when
//! their time comes.

use super::compiled::{CompiledAction, CompiledChange};
use super::*;

impl Simulation {
    /// Carries out script step `i` (its position in the scenario's script).
    pub(super) fn run_script_step(&mut self, i: usize) {
        let compiled = Arc::clone(&self.compiled);
        match &compiled.script[i] {
            CompiledAction::Command(change) => {
                self.command(*change);
            }
            CompiledAction::LocalWrite {
                replica: r,
                record,
                step,
            } => {
                // Nobody writes to a system that is not running: refused, as a person's
                // local write is (InterventionError::SystemDown).
                match self.replicas[*r].down_until() {
                    Some(until) => {
                        let why = InterventionError::SystemDown {
                            system: self.scenario.replicas[*r].name.clone(),
                            until,
                        };
                        let id = &self.scenario.records[record.0 as usize].id;
                        let note = self.note(format!("a local write to {id}: {why}"));
                        self.record(SystemId::replica(*r), StepKind::Refused { note });
                    }
                    None => {
                        let scenario = Arc::clone(&self.scenario);
                        let Action::LocalWrite { set, .. } =
                            &scenario.script[*step as usize].action
                        else {
                            unreachable!("compiled from a local write")
                        };
                        self.do_local_write(*r, *record, set);
                    }
                }
            }
            CompiledAction::Crash { replica, until } => self.crash(*replica, *until),
            CompiledAction::Skew { system, clock } => {
                let set = self.skew_clock(*system, *clock);
                debug_assert!(set.is_ok(), "a validated scenario's clock: {set:?}");
            }
            CompiledAction::Poison {
                replica: r,
                record,
                until,
            } => {
                self.replicas[*r].poison(*record, *until);
                self.record(
                    SystemId::replica(*r),
                    StepKind::Poisoned { record: *record },
                );
            }
            CompiledAction::ReplayDeadLetters { replica } => self.replay_dead_letters(*replica),
            CompiledAction::DiscardDeadLetters { replica } => self.discard_dead_letters(*replica),
            CompiledAction::StartSaga { saga } => {
                self.schedule(self.now, Task::SagaStep(*saga, 0));
            }
            CompiledAction::FailSaga { saga, reason } => self.fail_saga(*saga, reason.clone()),
        }
    }

    /// A user of replica `r` writes `set` to its copy of `record`; the change goes to the
    /// source as a request.
    pub(super) fn do_local_write(
        &mut self,
        r: usize,
        record: RecordId,
        set: &BTreeMap<String, String>,
    ) {
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
    pub(super) fn command(&mut self, change: CompiledChange) -> bool {
        let record = change.record;
        let scenario = Arc::clone(&self.scenario);
        let (event, set) = change.at.in_scenario(&scenario);
        let current = self.source.records()[record.0 as usize].clone();
        let mut fields = merged(&current.fields, set);
        if let (Some(event), Some(machine)) = (event, self.machines[record.0 as usize].clone()) {
            let state = current.fields.get("state").cloned().unwrap_or_default();
            match machine.fire(&state, event) {
                Ok(next) => Arc::make_mut(&mut fields)
                    .insert("state".into(), next)
                    .map_or((), |_| ()),
                Err(invalid) => {
                    self.metrics.invalid_transitions += 1;
                    let id = &self.scenario.records[record.0 as usize].id;
                    let note = self.note(format!("{id}: {invalid}"));
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
        let gap = self.scenario.sagas[saga as usize].step_gap_ms;
        let compiled = Arc::clone(&self.compiled);
        let steps = &compiled.sagas[saga as usize];
        let (change, len) = (steps[step as usize].0, steps.len() as u32);
        if self.sagas[saga as usize].failed {
            return;
        }
        self.record(SystemId::SOURCE, StepKind::SagaStep { saga, step });
        if !self.command(change) {
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
        let gap = self.scenario.sagas[saga as usize].step_gap_ms;
        let compiled = Arc::clone(&self.compiled);
        let change = compiled.sagas[saga as usize][step as usize].1;
        self.metrics.compensations += 1;
        self.record(SystemId::SOURCE, StepKind::Compensate { saga, step });
        self.command(change);
        if step > 0 {
            self.schedule(
                self.now.saturating_add(gap),
                Task::Compensate(saga, step - 1),
            );
        }
    }
}
