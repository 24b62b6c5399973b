//! Runs a sweep on Web Workers: its parts (`sim::sweep::Part`, a strategy over a few seeds
//! each) go to the workers one at a time, so that progress shows part by part and a cancel
//! stops them between parts; the outcomes come back in part order, so the result is the
//! same whatever the number of workers. Several workers when the machine has cores to spare.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Worker;
use web_sys::js_sys::{Function, Reflect};

use crate::sim::sweep::{Outcome, Part};
use crate::ui::explorer::later;

/// The worker's address. A release build's post-build hook writes a hash of the worker's
/// files over the zeros (scripts/post-build.mjs, same length, in the wasm), and the worker
/// loads its engine with the same query: a deploy that changes the engine changes the
/// address, so no browser pairs a new page with a worker it cached before.
const WORKER: &str = "sweep-worker.js?v=0000000000000000";

/// Seeds per part: small enough that progress moves and a cancel is quick, large enough
/// that messages cost little next to the runs.
const SEEDS_PER_PART: u64 = 50;

/// The most workers a sweep starts.
const MAX_WORKERS: usize = 4;

/// What a sweep reports as it goes.
pub struct Reports {
    /// Runs done so far, of how many.
    pub progress: Rc<dyn Fn(u64, u64)>,
    /// Every outcome in (strategy, seed) order, or why the sweep stopped.
    pub done: Rc<dyn Fn(Result<Vec<Outcome>, String>)>,
}

struct Pool {
    workers: Vec<Worker>,
    parts: Vec<(String, u64)>,
    next: usize,
    results: Vec<Option<Vec<Outcome>>>,
    runs_done: u64,
    runs: u64,
    reports: Reports,
    // The page's other listeners are of this one type too: the JS glue for it is there
    // already, and a worker's message is read as an event (`data`).
    listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    errors: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    over: bool,
}

/// A sweep under way; `cancel` stops it.
#[derive(Clone)]
pub struct Running(Rc<RefCell<Pool>>);

impl Running {
    /// Stops every worker now; `done` is not called.
    pub fn cancel(&self) {
        stop(&self.0);
    }
}

/// The parts of a sweep of `template` (its scenario and idempotency) under `strategies`
/// over seeds `first..=last`, in (strategy, seed) order.
pub fn parts(
    template: &Part,
    strategies: &[crate::sim::Strategy],
    first: u64,
    last: u64,
) -> Vec<Part> {
    let mut out = Vec::new();
    for &strategy in strategies {
        let mut from = first;
        while from <= last {
            let to = last.min(from.saturating_add(SEEDS_PER_PART - 1));
            out.push(Part {
                strategy,
                first: from,
                last: to,
                ..template.clone()
            });
            if to == u64::MAX {
                break;
            }
            from = to + 1;
        }
    }
    out
}

/// Starts running `parts` on workers; `reports` hear how it goes.
pub fn start(parts: Vec<Part>, reports: Reports) -> Result<Running, String> {
    let cores = web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &"hardwareConcurrency".into()).ok())
        .and_then(|n| n.as_f64())
        .unwrap_or(2.0);
    let count = ((cores as usize).saturating_sub(1))
        .clamp(1, MAX_WORKERS)
        .min(parts.len().max(1));
    let runs = parts.iter().map(|p| p.last - p.first + 1).sum();
    let texts = parts
        .iter()
        .map(|p| {
            let text = serde_json::to_string(p).map_err(|e| e.to_string())?;
            Ok((text, p.last - p.first + 1))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let pool = Rc::new(RefCell::new(Pool {
        workers: Vec::new(),
        results: vec![None; texts.len()],
        parts: texts,
        next: 0,
        runs_done: 0,
        runs,
        reports,
        listeners: Vec::new(),
        errors: Vec::new(),
        over: false,
    }));
    for w in 0..count {
        let worker = Worker::new(WORKER)
            .map_err(|_| "the sweep's worker could not be started".to_string())?;
        let shared = Rc::clone(&pool);
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let data = Reflect::get(&e, &"data".into()).unwrap_or_default();
            answered(&shared, w, &data);
        });
        let _ = Reflect::set(&worker, &"onmessage".into(), listener.as_ref());
        let shared = Rc::clone(&pool);
        let error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            fail(&shared, "the sweep's worker could not load SyncScope's engine (sweep-worker.js, sweep-engine.js or its wasm could not be fetched)".into());
        });
        let _ = Reflect::set(&worker, &"onerror".into(), error.as_ref());
        let mut p = pool.borrow_mut();
        p.listeners.push(listener);
        p.errors.push(error);
        p.workers.push(worker);
    }
    for w in 0..count {
        send_next(&pool, w);
    }
    Ok(Running(pool))
}

/// Sends worker `w` the next part, if any is left.
fn send_next(pool: &Rc<RefCell<Pool>>, w: usize) {
    let mut p = pool.borrow_mut();
    if p.over || p.next >= p.parts.len() {
        return;
    }
    let id = p.next;
    p.next += 1;
    // The part's number, a line break and the part: one string, as the worker reads it.
    let message = format!("{id}\n{}", p.parts[id].0);
    if call(&p.workers[w], "postMessage", &message.into()).is_err() {
        drop(p);
        fail(pool, "a sweep part could not be sent to its worker".into());
    }
}

/// Worker `w` answered with `data`: keeps the outcomes and sends it the next part, or ends
/// the sweep when every part is in.
fn answered(pool: &Rc<RefCell<Pool>>, w: usize, data: &JsValue) {
    let field = |name: &str| {
        Reflect::get(data, &name.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    let id = Reflect::get(data, &"id".into())
        .ok()
        .and_then(|v| v.as_f64())
        .map(|v| v as usize);
    if let Some(error) = field("error") {
        return fail(pool, format!("a sweep part failed: {error}"));
    }
    let outcomes =
        field("outcomes").and_then(|text| serde_json::from_str::<Vec<Outcome>>(&text).ok());
    let (Some(id), Some(outcomes)) = (id, outcomes) else {
        return fail(
            pool,
            "a worker answered with something that is not a sweep part's outcomes".into(),
        );
    };
    let (complete, progress, done, runs) = {
        let mut p = pool.borrow_mut();
        if p.over || id >= p.results.len() {
            return;
        }
        p.runs_done += p.parts[id].1;
        p.results[id] = Some(outcomes);
        (
            p.results.iter().all(Option::is_some),
            Rc::clone(&p.reports.progress),
            p.runs_done,
            p.runs,
        )
    };
    // Called with the pool let go: what they set may cancel the sweep.
    progress(done, runs);
    if !complete {
        return send_next(pool, w);
    }
    let outcomes: Vec<Outcome> = {
        let mut p = pool.borrow_mut();
        p.results
            .iter_mut()
            .flat_map(|r| r.take().unwrap_or_default())
            .collect()
    };
    stop(pool);
    let done = Rc::clone(&pool.borrow().reports.done);
    done(Ok(outcomes));
}

/// Ends the sweep with `why`.
fn fail(pool: &Rc<RefCell<Pool>>, why: String) {
    if pool.borrow().over {
        return;
    }
    stop(pool);
    let done = Rc::clone(&pool.borrow().reports.done);
    done(Err(why));
}

/// Terminates every worker; their listeners are let go in a later task (not inside the
/// listener that may be running now).
fn stop(pool: &Rc<RefCell<Pool>>) {
    let mut p = pool.borrow_mut();
    p.over = true;
    for worker in &p.workers {
        let _ = Reflect::set(worker, &"onmessage".into(), &JsValue::NULL);
        let _ = Reflect::set(worker, &"onerror".into(), &JsValue::NULL);
        let _ = call(worker, "terminate", &JsValue::UNDEFINED);
    }
    let listeners = std::mem::take(&mut p.listeners);
    let errors = std::mem::take(&mut p.errors);
    later(move || drop((listeners, errors)));
}

/// Calls method `name` of `object` with `argument`. Through `Reflect` and `Function.call`,
/// which the page's JS glue has already, rather than a glue function per Worker method:
/// each costs the first download some bytes, and the sweep is in a wasm of its own.
pub fn call(object: &JsValue, name: &str, argument: &JsValue) -> Result<JsValue, JsValue> {
    Reflect::get(object, &name.into())?
        .dyn_into::<Function>()?
        .call1(object, argument)
}
