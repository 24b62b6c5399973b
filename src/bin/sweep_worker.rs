//! The engine in a Web Worker, for the page's sweep over many seeds (`ui::sweep`):
//! `public/sweep-worker.js` loads it and passes each part it is sent (`sim::sweep::Part`,
//! JSON) to `sweep_part`, which answers with the part's outcomes (JSON). It is the same
//! engine the page and the runner use, built without the page (scripts/build-worker).

#[cfg(target_arch = "wasm32")]
mod worker {
    use std::cell::RefCell;
    use std::sync::Arc;

    use syncscope::sim::Scenario;
    use syncscope::sim::sweep::Part;
    use wasm_bindgen::prelude::*;

    /// What names a sweep's scenario: its name, its JSON when it is a person's own, and the
    /// idempotency setting.
    type Key = (String, Option<String>, bool);

    thread_local! {
        /// The last scenario read, by what named it: the parts of one sweep share it, and a
        /// custom scenario or a generated load is costly to read again for every part.
        static LAST: RefCell<Option<(Key, Arc<Scenario>)>> =
            const { RefCell::new(None) };
    }

    /// Runs the sweep part `request` (JSON): its outcomes as JSON, or an error that says
    /// what was wrong with it.
    #[wasm_bindgen]
    pub fn sweep_part(request: &str) -> Result<String, String> {
        let part: Part = serde_json::from_str(request)
            .map_err(|e| format!("a sweep part that cannot be read: {e}"))?;
        let key = (part.scenario.clone(), part.custom.clone(), part.idempotent);
        let cached = LAST.with_borrow(|last| {
            last.as_ref()
                .filter(|(k, _)| *k == key)
                .map(|(_, s)| Arc::clone(s))
        });
        let scenario = match cached {
            Some(scenario) => scenario,
            None => {
                let scenario = Arc::new(part.scenario()?);
                LAST.set(Some((key, Arc::clone(&scenario))));
                scenario
            }
        };
        serde_json::to_string(&part.run(&scenario)).map_err(|e| e.to_string())
    }
}

fn main() {}
