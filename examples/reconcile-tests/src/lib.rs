//! The rule a team wants to test: for an invoice, the larger total wins wherever two
//! changes meet, and the other fields are merged field by field (as SyncScope's field-level
//! merge does); the same non-total field changed on both sides goes to a person.

use syncscope::sim::record::Values;
use syncscope::sim::resolver::{Case, Resolver, Ruling, Strategy, merge_fields};

/// The larger total wins; other fields merge.
#[derive(Debug)]
pub struct LargerTotal;

/// `fields`' total, as a number (a missing or unreadable total counts as 0).
fn total(fields: &Values) -> f64 {
    fields
        .get("total")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0.0)
}

impl Resolver for LargerTotal {
    fn name(&self) -> &str {
        "larger-total"
    }

    fn decide(&self, case: &Case) -> Ruling {
        // Nothing held that the incoming change has not seen: an ordinary update, decided
        // by versions as field-level merge decides it.
        if case.ancestor_version >= case.held.version {
            return Strategy::FieldMerge.decide(case);
        }
        let (held, incoming) = (&*case.held.fields, &*case.incoming.fields);
        let larger = if total(incoming) >= total(held) {
            incoming
        } else {
            held
        };
        // Both sides take the larger total before the rest is merged, so the total never
        // clashes.
        let with_total = |side: &Values| {
            let mut v = side.clone();
            if let Some(t) = larger.get("total") {
                v.insert("total".into(), t.clone());
            }
            v
        };
        match merge_fields(case.ancestor, &with_total(held), &with_total(incoming)) {
            Ok(merged) => Ruling::Merge(merged),
            Err(_) => Ruling::Escalate,
        }
    }

    fn holds_out_of_order(&self) -> bool {
        true
    }
}
