//! Mounts the explorer into the page.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        syncscope::ui::panic_panel::install();
        leptos::mount::mount_to_body(syncscope::ui::App);
    }
}
