//! Field-level merge: two changes to different fields of one record both survive; the
//! same field changed on both sides goes to a person.

use super::{Case, Place, Ruling, StaleReason};
use crate::sim::record::Values;

/// The names of the fields `now` holds differently from `ancestor` (set, changed or
/// gone), sorted.
pub fn changed_fields(ancestor: &Values, now: &Values) -> Vec<String> {
    let mut names: Vec<String> = now
        .iter()
        .filter(|&(k, v)| ancestor.get(k.as_str()) != Some(v))
        .chain(
            ancestor
                .iter()
                .filter(|&(k, _)| now.get(k.as_str()).is_none()),
        )
        .map(|(k, _)| k.clone())
        .collect();
    names.sort_unstable();
    names
}

/// Whether `now` holds anything differently from `ancestor` (`changed_fields` without
/// the list: the page's engine need not carry a sort of names for it).
fn differs(ancestor: &Values, now: &Values) -> bool {
    ancestor.len() != now.len() || now.iter().any(|(k, v)| ancestor.get(k.as_str()) != Some(v))
}

/// `ours` and `theirs`, two descendants of `ancestor`, combined field by field: a field
/// changed on one side only takes that side's value. Fails with the names of the fields
/// both sides changed to different values.
pub fn merge_fields(
    ancestor: &Values,
    ours: &Values,
    theirs: &Values,
) -> Result<Values, Vec<String>> {
    // Every name once: ours, then those only theirs has (the values are sorted when
    // collected, so no sort of names is needed here).
    let names = ours
        .keys()
        .chain(theirs.keys().filter(|k| ours.get(k.as_str()).is_none()));
    let (mut merged, mut clashes) = (Vec::new(), Vec::new());
    for name in names {
        let (a, o, t) = (ancestor.get(name), ours.get(name), theirs.get(name));
        let value = if o == t || t == a {
            o
        } else if o == a {
            t
        } else {
            clashes.push(name.clone());
            continue;
        };
        if let Some(v) = value {
            merged.push((name.clone(), v.clone()));
        }
    }
    if clashes.is_empty() {
        Ok(merged.into_iter().collect())
    } else {
        Err(clashes)
    }
}

/// Field-level merge's ruling. Versions decide first, as under version comparison: a
/// replica rejects an older event. A change that has seen everything held (nothing held
/// differs from the common ancestor) is applied. Otherwise both sides changed the record
/// since their common ancestor: the fields are merged, or, where both changed one field
/// differently, a person decides.
pub(super) fn decide(case: &Case<'_>) -> Ruling {
    let (held, incoming) = (case.held, case.incoming);
    match case.place {
        Place::Replica => {
            if case.decided && incoming.version > held.version {
                return Ruling::Apply;
            }
            if incoming.version < held.version {
                return Ruling::RejectStale(StaleReason::OlderVersion);
            }
            // Nothing held that the event has not seen: an ordinary update. (A copy merged
            // from an event carries that event's version, so versions cannot tell.)
            if !differs(case.ancestor, &held.fields) {
                return Ruling::Apply;
            }
        }
        // A write on the current version has seen everything. Any other is merged, even
        // when the versions it missed changed nothing: committed over them, they would
        // count as lost.
        Place::Source if case.incoming_base >= held.version => return Ruling::Apply,
        Place::Source => {}
    }
    match merge_fields(case.ancestor, &held.fields, &incoming.fields) {
        // At a replica, an event that already holds every change held here (the source's
        // merge of this replica's write, say) is taken as it is: its version and write,
        // so that the copy is the source's again.
        Ok(values) if case.place == Place::Replica && values == *incoming.fields => Ruling::Apply,
        Ok(values) => Ruling::Merge(values),
        Err(_) => Ruling::Escalate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(pairs: &[(&str, &str)]) -> Values {
        pairs.iter().copied().collect()
    }

    #[test]
    fn changes_to_different_fields_merge_and_one_field_changed_twice_clashes() {
        let ancestor = v(&[("email", "old@x"), ("phone", "1")]);
        let ours = v(&[("email", "new@x"), ("phone", "1")]);
        let theirs = v(&[("email", "old@x"), ("phone", "2")]);
        assert_eq!(
            merge_fields(&ancestor, &ours, &theirs),
            Ok(v(&[("email", "new@x"), ("phone", "2")]))
        );
        // The same change on both sides is no clash.
        assert_eq!(merge_fields(&ancestor, &ours, &ours), Ok(ours.clone()));
        let other = v(&[("email", "other@x"), ("phone", "2")]);
        assert_eq!(
            merge_fields(&ancestor, &ours, &other),
            Err(vec!["email".to_string()])
        );
        // A field added on one side is kept.
        let added = v(&[("email", "old@x"), ("phone", "1"), ("tier", "gold")]);
        assert_eq!(
            merge_fields(&ancestor, &ours, &added),
            Ok(v(&[("email", "new@x"), ("phone", "1"), ("tier", "gold")]))
        );
    }

    #[test]
    fn changed_fields_are_set_changed_or_gone() {
        let ancestor = v(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let now = v(&[("a", "1"), ("b", "20"), ("d", "4")]);
        assert_eq!(changed_fields(&ancestor, &now), ["b", "c", "d"]);
    }
}
