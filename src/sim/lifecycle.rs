//! Record lifecycles as data: states (possibly nested), and transitions named by events.

use super::ordered::set_of;

use serde::{Deserialize, Serialize};

/// A state machine for one kind of record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    /// The state a new record starts in.
    pub initial: String,
    /// Every state.
    pub states: Vec<StateSpec>,
    /// Every allowed transition.
    pub transitions: Vec<Transition>,
}

/// One state; a state with children is entered through its `initial` child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateSpec {
    /// The state's name.
    pub name: String,
    /// The state it is nested in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// For a state with children: the child it is entered through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial: Option<String>,
    /// Whether the lifecycle ends here.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub terminal: bool,
}

/// `event` moves a record from `from` (or any state nested in it) to `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The state it leaves.
    pub from: String,
    /// The event that triggers it.
    pub event: String,
    /// The state it enters.
    pub to: String,
}

/// Why an event was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidTransition {
    /// The state the record was in.
    pub from: String,
    /// The event that was refused.
    pub event: String,
    /// The events that state allows.
    pub allowed: Vec<String>,
}

impl std::fmt::Display for InvalidTransition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let allowed = if self.allowed.is_empty() {
            "none (final state)".to_string()
        } else {
            self.allowed.join(", ")
        };
        write!(
            f,
            "event \"{}\" is not allowed in state {}; allowed: {allowed}",
            self.event, self.from
        )
    }
}

impl Lifecycle {
    fn state(&self, name: &str) -> Option<&StateSpec> {
        self.states.iter().find(|s| s.name == name)
    }

    /// `state` and the states it is nested in, innermost first.
    pub fn ancestors<'a>(&'a self, state: &'a str) -> Vec<&'a str> {
        let mut chain = vec![state];
        let mut current = self.state(state);
        while let Some(parent) = current.and_then(|s| s.parent.as_deref()) {
            if chain.contains(&parent) {
                break; // a cycle; validate() reports it
            }
            chain.push(parent);
            current = self.state(parent);
        }
        chain
    }

    /// The leaf state actually entered when entering `state`.
    pub fn enter(&self, state: &str) -> String {
        let mut current = state.to_string();
        for _ in 0..self.states.len() {
            match self.state(&current).and_then(|s| s.initial.clone()) {
                Some(child) => current = child,
                None => break,
            }
        }
        current
    }

    /// The state a new record is in.
    pub fn start(&self) -> String {
        self.enter(&self.initial)
    }

    /// The events `state` allows (its own and those of the states it is nested in).
    pub fn allowed(&self, state: &str) -> Vec<String> {
        let chain = self.ancestors(state);
        let events = set_of(
            self.transitions
                .iter()
                .filter(|t| chain.contains(&t.from.as_str()))
                .map(|t| t.event.as_str()),
        );
        events.into_iter().map(String::from).collect()
    }

    /// The state `event` leads to from `state`; the innermost matching transition wins.
    pub fn fire(&self, state: &str, event: &str) -> Result<String, InvalidTransition> {
        for s in self.ancestors(state) {
            if let Some(t) = self
                .transitions
                .iter()
                .find(|t| t.from == s && t.event == event)
            {
                return Ok(self.enter(&t.to));
            }
        }
        Err(InvalidTransition {
            from: state.to_string(),
            event: event.to_string(),
            allowed: self.allowed(state),
        })
    }

    /// Whether some sequence of events leads from `from` to `to`.
    pub fn reachable(&self, from: &str, to: &str) -> bool {
        let events = set_of(self.transitions.iter().map(|t| t.event.as_str()));
        let mut seen = set_of([from.to_string()]);
        let mut frontier = vec![from.to_string()];
        while let Some(state) = frontier.pop() {
            if state == to {
                return true;
            }
            for event in &events {
                if let Ok(next) = self.fire(&state, event)
                    && seen.insert(next.clone())
                {
                    frontier.push(next);
                }
            }
        }
        false
    }

    /// Every problem with the machine, as (path suffix, message).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let names = set_of(self.states.iter().map(|s| s.name.as_str()));
        if names.len() != self.states.len() {
            out.push(("states".into(), "a state name is listed twice".into()));
        }
        if !names.contains(self.initial.as_str()) {
            out.push((
                "initial".into(),
                format!("no state is called \"{}\"", self.initial),
            ));
        }
        for (i, s) in self.states.iter().enumerate() {
            for (field, value) in [("parent", &s.parent), ("initial", &s.initial)] {
                if let Some(v) = value
                    && !names.contains(v.as_str())
                {
                    out.push((
                        format!("states[{i}].{field}"),
                        format!("no state is called \"{v}\""),
                    ));
                }
            }
            if let Some(child) = &s.initial
                && self.state(child).and_then(|c| c.parent.as_deref()) != Some(s.name.as_str())
            {
                out.push((
                    format!("states[{i}].initial"),
                    format!("\"{child}\" is not nested in {}", s.name),
                ));
            }
            if self.ancestors(&s.name).len() > self.states.len()
                || self.ancestors(&s.name).iter().skip(1).any(|a| *a == s.name)
            {
                out.push((
                    format!("states[{i}].parent"),
                    "states are nested in a cycle".into(),
                ));
            }
        }
        for (i, t) in self.transitions.iter().enumerate() {
            for (field, value) in [("from", &t.from), ("to", &t.to)] {
                if !names.contains(value.as_str()) {
                    out.push((
                        format!("transitions[{i}].{field}"),
                        format!("no state is called \"{value}\""),
                    ));
                }
            }
        }
        out
    }

    /// The machine as a Mermaid `stateDiagram-v2`.
    pub fn to_mermaid(&self) -> String {
        let mut out = String::from("stateDiagram-v2\n");
        self.mermaid_scope(None, 1, &mut out);
        out
    }

    fn mermaid_scope(&self, parent: Option<&str>, depth: usize, out: &mut String) {
        let pad = "    ".repeat(depth);
        let initial = match parent {
            None => Some(self.initial.as_str()),
            Some(p) => self.state(p).and_then(|s| s.initial.as_deref()),
        };
        if let Some(initial) = initial {
            out.push_str(&format!("{pad}[*] --> {}\n", mermaid_id(initial)));
        }
        let here: Vec<&StateSpec> = self
            .states
            .iter()
            .filter(|s| s.parent.as_deref() == parent)
            .collect();
        for s in &here {
            if self
                .states
                .iter()
                .any(|c| c.parent.as_deref() == Some(s.name.as_str()))
            {
                out.push_str(&format!("{pad}state {} {{\n", mermaid_id(&s.name)));
                self.mermaid_scope(Some(&s.name), depth + 1, out);
                out.push_str(&format!("{pad}}}\n"));
            }
        }
        // A transition is drawn in the innermost scope holding both of its ends; an end
        // nested deeper is drawn as its ancestor in that scope (Mermaid cannot link states
        // inside different composite states), and the label names the real state.
        for t in &self.transitions {
            if self.scope_of(&t.from, &t.to).as_deref() != parent {
                continue;
            }
            let (from, to) = (self.lift(&t.from, parent), self.lift(&t.to, parent));
            let note = if from != t.from {
                format!(" (from {})", t.from)
            } else {
                String::new()
            };
            out.push_str(&format!(
                "{pad}{} --> {}: {}{note}\n",
                mermaid_id(from),
                mermaid_id(to),
                t.event
            ));
        }
        for s in here.iter().filter(|s| s.terminal) {
            out.push_str(&format!("{pad}{} --> [*]\n", mermaid_id(&s.name)));
        }
    }
}

impl Lifecycle {
    /// The innermost composite state containing both `a` and `b` (None: the top level).
    fn scope_of(&self, a: &str, b: &str) -> Option<String> {
        let outer_a = self.ancestors(a);
        let outer_b = self.ancestors(b);
        outer_a[1..]
            .iter()
            .find(|s| outer_b[1..].contains(s))
            .map(|s| s.to_string())
    }

    /// `state`, or its ancestor that sits directly in `scope`.
    fn lift<'a>(&'a self, state: &'a str, scope: Option<&str>) -> &'a str {
        let chain = self.ancestors(state);
        chain
            .iter()
            .copied()
            .find(|s| self.state(s).and_then(|x| x.parent.as_deref()) == scope)
            .unwrap_or(state)
    }
}

/// A state name as a Mermaid identifier (letters, digits and underscores).
fn mermaid_id(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order/payment machine of the domain notes, nested PaymentPending included.
    pub fn order() -> Lifecycle {
        serde_json::from_str(include_str!("../../public/lifecycles/order.json")).unwrap()
    }

    #[test]
    fn the_order_machine_is_valid_and_starts_in_draft() {
        let m = order();
        assert_eq!(m.problems(), vec![]);
        assert_eq!(m.start(), "Draft");
    }

    #[test]
    fn entering_a_composite_state_enters_its_initial_child() {
        let m = order();
        assert_eq!(
            m.fire("Submitted", "request_payment").unwrap(),
            "NotStarted"
        );
        assert_eq!(
            m.ancestors("Authorizing"),
            vec!["Authorizing", "PaymentPending"]
        );
    }

    #[test]
    fn a_parent_transition_applies_to_every_nested_state() {
        let m = order();
        for inner in [
            "NotStarted",
            "Authorizing",
            "Declined",
            "Error",
            "Authorized",
        ] {
            assert_eq!(m.fire(inner, "cancel").unwrap(), "Cancelled", "{inner}");
        }
    }

    #[test]
    fn an_invalid_event_names_the_state_and_the_allowed_events() {
        let m = order();
        let e = m.fire("Draft", "payment_authorized").unwrap_err();
        assert_eq!(e.from, "Draft");
        assert_eq!(e.allowed, vec!["cancel", "submit"]);
        assert_eq!(
            e.to_string(),
            "event \"payment_authorized\" is not allowed in state Draft; allowed: cancel, submit"
        );
        assert!(
            m.fire("Completed", "submit")
                .unwrap_err()
                .to_string()
                .contains("none (final state)")
        );
    }

    #[test]
    fn declined_payment_can_retry() {
        let m = order();
        let mut s = m.fire("NotStarted", "begin_authorization").unwrap();
        s = m.fire(&s, "decline").unwrap();
        assert_eq!(m.fire(&s, "retry").unwrap(), "NotStarted");
    }

    #[test]
    fn mermaid_nests_the_composite_state() {
        let text = order().to_mermaid();
        assert!(
            text.starts_with("stateDiagram-v2\n    [*] --> Draft\n"),
            "{text}"
        );
        assert!(
            text.contains("    state PaymentPending {\n        [*] --> NotStarted\n"),
            "{text}"
        );
        assert!(
            text.contains("        Authorizing --> Authorized: success\n"),
            "{text}"
        );
        assert!(
            text.contains("    PaymentPending --> Cancelled: cancel\n"),
            "{text}"
        );
        assert!(text.contains("    Completed --> [*]\n"), "{text}");
    }

    #[test]
    fn reachability_follows_the_arrows() {
        let m = order();
        assert!(m.reachable("Draft", "Completed"));
        assert!(m.reachable("Declined", "Authorized"));
        assert!(!m.reachable("Completed", "Submitted"));
        assert!(!m.reachable("Authorized", "Draft"));
    }

    #[test]
    fn broken_machines_are_reported() {
        let mut m = order();
        m.transitions[0].to = "Nowhere".into();
        m.initial = "Start".into();
        let problems = m.problems();
        assert!(problems.contains(&("initial".into(), "no state is called \"Start\"".into())));
        assert!(problems.contains(&(
            "transitions[0].to".into(),
            "no state is called \"Nowhere\"".into()
        )));
    }
}
