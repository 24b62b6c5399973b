//! Long lists of heavy items (a table per system, a replica in the picture, a set of knobs
//! per link) drawn a piece per animation frame when a new scenario brings them, so that
//! drawing a large scenario is not one long task that freezes the page. The first list a
//! view draws comes an item per frame however short it is: at start-up most code runs for
//! the first time, and the browser compiles it then (four tables at once were a task of
//! 40 ms on a two-core machine).

use leptos::prelude::*;

/// Most items drawn at once, once the view has drawn its first list; a longer list gets
/// one more per frame.
pub const AT_ONCE: usize = 4;

/// How many of `len` items to draw at first; `warm` once the view has drawn a list before.
fn first_count(len: usize, warm: bool) -> usize {
    if warm && len <= AT_ONCE {
        len
    } else {
        len.min(1)
    }
}

/// The items of `items` to draw now: all of a short list at once (but the first list); of
/// a longer one, one more each animation frame. The count remembers which list it counts,
/// so a new list never starts with the old list's count.
pub fn revealed<T>(items: Memo<Vec<T>>) -> impl Fn() -> Vec<T> + Copy + Send + Sync + 'static
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let shown = RwSignal::new((Vec::<T>::new(), 0usize));
    let warm = StoredValue::new(false);
    Effect::new(move |_| {
        let all = items.get();
        let n = first_count(all.len(), warm.get_value());
        if !all.is_empty() {
            warm.set_value(true);
        }
        shown.set((all, n));
        reveal_more(shown);
    });
    move || {
        let all = items.get();
        let n = shown.with(|(list, n)| {
            if *list == all {
                *n
            } else {
                first_count(all.len(), warm.get_value())
            }
        });
        all.into_iter().take(n).collect()
    }
}

/// Shows one more item after the next animation frame, and so on until all are shown.
/// The item is drawn in a task of its own, not in the frame's callback, so that building
/// it and laying out the page are not one long task either.
fn reveal_more<T: Send + Sync + 'static>(shown: RwSignal<(Vec<T>, usize)>) {
    if shown.with_untracked(|(list, n)| *n >= list.len()) {
        return;
    }
    request_animation_frame(move || {
        set_timeout(
            move || {
                if shown.try_update(|(_, n)| *n += 1).is_some() {
                    reveal_more(shown);
                }
            },
            std::time::Duration::ZERO,
        );
    });
}
