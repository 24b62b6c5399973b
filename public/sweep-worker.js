// A Web Worker that runs parts of a sweep over many seeds with SyncScope's engine
// (src/bin/sweep_worker.rs, built by scripts/build-worker). Each message is a part's number,
// a line break and the part as JSON (src/ui/sweep/pool.rs); the answer is { id, outcomes }
// (JSON) or { id, error }. Its address carries a version (?v=, a hash of these files,
// scripts/post-build.mjs), passed on to the engine's files so that caches keep them paired.
importScripts(`sweep-engine.js${self.location.search}`);
const ready = wasm_bindgen({ module_or_path: `sweep-engine.wasm${self.location.search}` });
onmessage = async ({ data }) => {
  const at = data.indexOf('\n');
  const id = Number(data.slice(0, at));
  try {
    await ready;
    postMessage({ id, outcomes: wasm_bindgen.sweep_part(data.slice(at + 1)) });
  } catch (e) {
    postMessage({ id, error: String(e) });
  }
};
