//! The scenario's script and its sagas: each script step is a `Command` carried out when
//! its time comes (a refused one is recorded as refused), and a saga's steps and their
//! compensations are writes at the source.

use super::*;

impl Simulation {
    /// Carries out script step `i` (its position in the scenario's script). A step that
    /// cannot apply now (a local write to a replica that is down) is recorded as refused.
    pub(super) fn run_script_step(&mut self, i: usize) {
        let scenario = Arc::clone(&self.scenario);
        let target = self.compiled.script[i];
        let command = &scenario.script[i].command;
        if let Err(why) = self.execute(command, target) {
            let note = self.note(format!("{}: {why}", command.what()));
            self.record(target.system, StepKind::Refused { note });
        }
    }

    /// Runs a write at the source of truth: fires `event` on `record`, sets `set`, or both;
    /// returns whether it was accepted.
    pub(super) fn command(&mut self, record: RecordId, event: Option<&str>, set: &Values) -> bool {
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
        self.metrics.commands += 1;
        self.record(SystemId::SOURCE, StepKind::Command { record, write });
        // The source's own writes are decided too: under last write wins, a command
        // stamped by a skewed clock can carry an older timestamp than what the record
        // holds, and is lost.
        self.settle(write);
        true
    }

    pub(super) fn saga_step(&mut self, saga: u32, step: u32) {
        let scenario = Arc::clone(&self.scenario);
        let spec = &scenario.sagas[saga as usize];
        let (gap, len) = (spec.step_gap_ms, spec.steps.len() as u32);
        let change = &spec.steps[step as usize].action;
        let record = self.compiled.sagas[saga as usize][step as usize].0;
        if self.sagas[saga as usize].failed {
            return;
        }
        self.record(SystemId::SOURCE, StepKind::SagaStep { saga, step });
        if !self.command(record, change.event.as_deref(), &change.set) {
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
        let scenario = Arc::clone(&self.scenario);
        let spec = &scenario.sagas[saga as usize];
        let change = &spec.steps[step as usize].compensation;
        let record = self.compiled.sagas[saga as usize][step as usize].1;
        self.metrics.compensations += 1;
        self.record(SystemId::SOURCE, StepKind::Compensate { saga, step });
        self.command(record, change.event.as_deref(), &change.set);
        if step > 0 {
            self.schedule(
                self.now.saturating_add(spec.step_gap_ms),
                Task::Compensate(saga, step - 1),
            );
        }
    }
}
