//! The page drawn in parts: each part is one panel, mounted once into its column in a task
//! of its own (not shown by a reactive condition, which would also compile code to redraw
//! it). The first view's parts (the picture and the tables) are in the app's wasm; the
//! panels beside and below them are in a wasm of their own that the shipped bundle fetches
//! once the first view is drawn (`panels`), which keeps the first download small.

use leptos::prelude::*;

use super::compare::CompareSlot;
use super::explorer;
use super::run_diff::RunDiffPanel;
use super::run_view::RunView;
use super::share::{FilesSlot, LinkNotices, SharePanel};
use super::sweep::SweepSlot;
use super::{
    EscalationInbox, FaultPanel, ForkBar, Inspector, MetricsPanel, RecordTables, TopologyView,
    WhyPanel,
};

/// A panel waiting to be drawn: mounts it and returns what keeps it on the page.
pub type Part = Box<dyn FnOnce() -> Option<Box<dyn std::any::Any>>>;

/// The columns the parts go into, and the run they show.
#[derive(Clone, Copy)]
pub struct Slots {
    /// Above the run: the link's notices.
    pub top: NodeRef<leptos::html::Div>,
    /// The picture and the tables.
    pub stage: NodeRef<leptos::html::Div>,
    /// Beside the picture: inspector, inbox, why.
    pub side: NodeRef<leptos::html::Div>,
    /// Below: metrics, runs, faults.
    pub lower: NodeRef<leptos::html::Div>,
    /// The run on show, shaped for the panels.
    pub view: Memo<Option<RunView>>,
}

impl Slots {
    /// Empty columns for the run `view`.
    pub fn new(view: Memo<Option<RunView>>) -> Self {
        Self {
            top: NodeRef::new(),
            stage: NodeRef::new(),
            side: NodeRef::new(),
            lower: NodeRef::new(),
            view,
        }
    }
}

/// The first view's parts: the picture, then the tables.
pub fn first_view(slots: Slots) -> Vec<Part> {
    let Slots { stage, view, .. } = slots;
    vec![
        part(stage, || view! { <TopologyView /> }),
        part(stage, move || view! { <RecordTables view=view /> }),
    ]
}

/// The panels' parts, once their wasm has arrived. In the shipped bundle (built with
/// `--cfg syncscope_split`, scripts/release-env) this is a split point: everything only
/// the panels use goes into a wasm of its own, fetched on the first call. Elsewhere (tests,
/// native builds) it is an ordinary call.
#[cfg(syncscope_split)]
#[leptos::wasm_split::wasm_split(panels, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn panels(slots: Slots) -> Result<Vec<Part>, leptos::wasm_split::SplitLoaderError> {
    Ok(panel_parts(slots))
}

/// The panels' parts (built without the split point: nothing to fetch).
#[cfg(not(syncscope_split))]
pub async fn panels(slots: Slots) -> Result<Vec<Part>, leptos::wasm_split::SplitLoaderError> {
    Ok(panel_parts(slots))
}

/// The link's notices above the run; inspector, inbox and why beside the picture; every
/// strategy side by side, the sweep, metrics, runs, faults and sharing below.
fn panel_parts(slots: Slots) -> Vec<Part> {
    let Slots {
        top,
        side,
        lower,
        view,
        ..
    } = slots;
    vec![
        part(top, || view! { <LinkNotices /> }),
        part(side, || view! { <Inspector /> }),
        part(side, move || view! { <EscalationInbox view=view /> }),
        part(side, move || view! { <WhyPanel view=view /> }),
        part(lower, || view! { <CompareSlot /> }),
        part(lower, || view! { <SweepSlot /> }),
        part(lower, move || view! { <MetricsPanel view=view /> }),
        part(lower, || view! { <ForkBar /> }),
        part(lower, || view! { <RunDiffPanel /> }),
        part(lower, || view! { <FaultPanel /> }),
        part(lower, || view! { <SharePanel /> }),
        part(lower, || view! { <FilesSlot /> }),
    ]
}

/// The panel `draw` draws, appended to the column `slot`.
pub(crate) fn part<V: IntoView + 'static>(
    slot: NodeRef<leptos::html::Div>,
    draw: impl FnOnce() -> V + 'static,
) -> Part {
    Box::new(move || {
        let column = slot.get_untracked()?;
        let handle = leptos::mount::mount_to(column.into(), draw);
        Some(Box::new(handle) as Box<dyn std::any::Any>)
    })
}

/// Draws the first of `parts` in a task of its own, under `owner` (whose context the panels
/// read), keeps it in `drawn`, and so on until all are drawn; then calls `then`.
pub fn draw(
    owner: Owner,
    mut parts: Vec<Part>,
    drawn: StoredValue<Vec<Box<dyn std::any::Any>>, LocalStorage>,
    then: impl FnOnce() + 'static,
) {
    if parts.is_empty() {
        then();
        return;
    }
    explorer::later(move || {
        let next = parts.remove(0);
        let Some(handle) = owner.with(next) else {
            return; // the page went away
        };
        if drawn.try_update_value(|d| d.push(handle)).is_some() {
            draw(owner, parts, drawn, then);
        }
    });
}

/// A panel in a wasm of its own, drawn into `slot` when asked for (`load`): the scenario
/// reader, the compare view, the sweep. `failed` says the last download failed, for a
/// "Try again" that calls `load` once more.
#[derive(Clone, Copy)]
pub struct LazyPanel {
    /// Where the panel goes.
    pub slot: NodeRef<leptos::html::Div>,
    /// Whether the last try to download it failed.
    pub failed: RwSignal<bool>,
    kept: StoredValue<Option<Box<dyn std::any::Any>>, LocalStorage>,
    owner: StoredValue<Option<Owner>>,
}

impl LazyPanel {
    /// A panel not yet loaded, drawn (once loaded) under the current owner, whose context
    /// it reads.
    pub fn new() -> Self {
        LazyPanel {
            slot: NodeRef::new(),
            failed: RwSignal::new(false),
            kept: StoredValue::new_local(None),
            owner: StoredValue::new(Owner::current()),
        }
    }

    /// Downloads the panel with `fetch` (its split point) and draws it into `slot`.
    pub fn load<F>(self, fetch: impl FnOnce(NodeRef<leptos::html::Div>) -> F + 'static)
    where
        F: std::future::Future<Output = Result<Part, leptos::wasm_split::SplitLoaderError>>
            + 'static,
    {
        self.failed.set(false);
        let owner = self.owner.get_value();
        leptos::task::spawn_local(async move {
            match fetch(self.slot).await {
                Ok(draw) => self.kept.set_value(owner.and_then(|o| o.with(draw))),
                Err(_) => self.failed.set(true),
            }
        });
    }
}
