// Start-up benchmark of the release bundle in headless Chromium, on loopback (figures for
// the closing note, not a pass/fail test). Prints:
// - first render: navigation start to the first record table in the DOM (the prerendered
//   copy of the first view, scripts/prerender.mjs), best of 5 fresh loads;
// - take-over: navigation start to the app's own first view shown in its place, best of 5;
// - main-thread tasks over 50 ms from navigation until the first scenario is shown and
//   interactive (tables drawn, recording done, every panel present), over 10 fresh loads.
import { serve, launch, watchErrors } from './serve.mjs';

const { server, url } = await serve();
const browser = await launch();
const LOADS = 10;

// Runs before the page's own scripts: notes long tasks from the start, the moment the first
// record table enters the DOM, and the moment the first scenario is interactive, then says
// so on the console. The harness waits for that message instead of using Playwright's
// selectors: those inject Playwright's own script into the page, whose evaluation is a task
// of 20-60 ms on this machine that no visitor's browser runs.
const probe = () => {
  const long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) long.push({ at: e.startTime, ms: e.duration }); })
    .observe({ type: 'longtask', buffered: true });
  let first, live;
  const ready = () => first !== undefined && document.querySelector('#faults-title') && !document.querySelector('.recording');
  const done = () => {
    // A task still running when the checks pass is caught by waiting two frames more.
    requestAnimationFrame(() => requestAnimationFrame(() => {
      // Tasks that began before the app's code was requested are the browser's own: parsing,
      // laying out and painting the page's HTML (the app's code is fetched after that paint).
      const code = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
      const appFrom = code ? code.startTime : Infinity;
      window.__startup = { first, live, long: long.map((t) => ({ ...t, page: t.at < appFrom })) };
      console.log('startup: interactive');
    }));
  };
  new MutationObserver((_, obs) => {
    if (first === undefined && document.querySelector('table.record-table')) first = performance.now();
    if (live === undefined && document.querySelector('#app > .run-body:not([hidden])')) live = performance.now();
    if (ready()) {
      obs.disconnect();
      done();
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['class', 'hidden'] });
};

try {
  const loads = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.addInitScript(probe);
    const interactive = page.waitForEvent('console', { predicate: (m) => m.text() === 'startup: interactive', timeout: 60000 });
    await page.goto(url);
    await interactive;
    const { first, live, long } = await page.evaluate(() => window.__startup);
    if (errors.length) throw new Error(errors.join('\n'));
    loads.push({ first, live, long });
    await context.close();
  }
  const firsts = loads.slice(0, 5).map((l) => l.first);
  console.log(`first render: ${firsts.map((f) => f.toFixed(0)).join(', ')} ms (best of 5: ${Math.min(...firsts).toFixed(0)} ms)`);
  const lives = loads.slice(0, 5).map((l) => l.live);
  console.log(`app took over: ${lives.map((f) => f.toFixed(0)).join(', ')} ms (best of 5: ${Math.min(...lives).toFixed(0)} ms)`);
  const long = loads.flatMap((l) => l.long);
  console.log(`start-up tasks over 50 ms in ${LOADS} fresh loads: ${long.length}` +
    (long.length ? ` (${long.map((t) => `${t.ms.toFixed(0)} ms at ${t.at.toFixed(0)} ms${t.page ? ', before the app\'s code was requested' : ''}`).join('; ')})` : ''));
} finally {
  await browser.close();
  server.close();
}
