//! Long lists of heavy items (a table per system, a replica in the picture, a set of knobs
//! per link) drawn a piece per animation frame when a new scenario brings them, so that
//! drawing a large scenario is not one long task that freezes the page. The first list a
//! view draws comes an item per frame however short it is: at start-up most code runs for
//! the first time, and the browser compiles it then (four tables at once were a task of
//! 40 ms on a two-core machine).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;

/// What waits until no list is being revealed.
type Waiting = Vec<Box<dyn FnOnce()>>;

thread_local! {
    /// How many lists are still being revealed, and what waits until none is.
    static PENDING: RefCell<(usize, Waiting)> = RefCell::new((0, Vec::new()));
}

/// Calls `f` once every list on the page is wholly drawn. Asked in a task of its own: the
/// lists of views mounted in this task start counting in their effects, which run after it.
pub fn when_all_revealed(f: impl FnOnce() + 'static) {
    set_timeout(
        move || {
            let f: Box<dyn FnOnce()> = Box::new(f);
            let now = PENDING.with_borrow_mut(|(lists, waiting)| {
                if *lists == 0 {
                    return Some(f);
                }
                waiting.push(f);
                None
            });
            // Not while borrowed: `f` may reveal lists of its own.
            if let Some(f) = now {
                f();
            }
        },
        std::time::Duration::ZERO,
    );
}

/// Counts a list as being revealed (once).
fn started(counted: &Cell<bool>) {
    if !counted.replace(true) {
        PENDING.with_borrow_mut(|(lists, _)| *lists += 1);
    }
}

/// Counts a list as wholly drawn (or gone), and calls what waited if it was the last.
fn finished(counted: &Cell<bool>) {
    if !counted.replace(false) {
        return;
    }
    let waiting = PENDING.with_borrow_mut(|(lists, waiting)| {
        *lists -= 1;
        if *lists == 0 {
            std::mem::take(waiting)
        } else {
            Vec::new()
        }
    });
    for f in waiting {
        f();
    }
}

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
    // Whether this list counts among those being revealed (`when_all_revealed`); not a
    // stored value, which would go with the view while a frame still counts on it.
    let counted = Rc::new(Cell::new(false));
    Effect::new(move |_| {
        let all = items.get();
        let n = first_count(all.len(), warm.get_value());
        if !all.is_empty() {
            warm.set_value(true);
        }
        shown.set((all, n));
        reveal_more(shown, counted.clone());
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
fn reveal_more<T: Send + Sync + 'static>(
    shown: RwSignal<(Vec<T>, usize)>,
    counted: Rc<Cell<bool>>,
) {
    if shown
        .try_with_untracked(|(list, n)| *n >= list.len())
        .unwrap_or(true)
    {
        finished(&counted);
        return;
    }
    started(&counted);
    request_animation_frame(move || {
        set_timeout(
            move || {
                let _ = shown.try_update(|(_, n)| *n += 1);
                reveal_more(shown, counted);
            },
            std::time::Duration::ZERO,
        );
    });
}
