// Start-up benchmark of the release bundle in headless Chromium, on loopback (figures for
// the closing note, not a pass/fail test). Prints:
// - first render: navigation start to the first record table in the DOM, best of 5 fresh
//   loads;
// - main-thread tasks over 50 ms from navigation until the first scenario is shown and
//   interactive (tables drawn, recording done, every panel present), over 10 fresh loads.
import { serve, launch, watchErrors } from './serve.mjs';

const { server, url } = await serve();
const browser = await launch();
const LOADS = 10;

// Runs before the page's own scripts: notes long tasks from the start, and the moment the
// first record table enters the DOM (a poll would add up to a frame).
const probe = () => {
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
  new MutationObserver((_, obs) => {
    if (document.querySelector('table.record-table')) {
      window.__firstTable = performance.now();
      obs.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
};

try {
  const loads = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.addInitScript(probe);
    await page.goto(url);
    await page.waitForSelector('#faults-title');
    await page.waitForFunction(() => window.__firstTable && !document.querySelector('.recording'));
    // A task still running when the checks pass is caught by waiting two frames more.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const { first, long } = await page.evaluate(() => ({ first: window.__firstTable, long: window.__long }));
    if (errors.length) throw new Error(errors.join('\n'));
    loads.push({ first, long });
    await context.close();
  }
  const firsts = loads.slice(0, 5).map((l) => l.first);
  console.log(`first render: ${firsts.map((f) => f.toFixed(0)).join(', ')} ms (best of 5: ${Math.min(...firsts).toFixed(0)} ms)`);
  const long = loads.flatMap((l) => l.long);
  console.log(`start-up tasks over 50 ms in ${LOADS} fresh loads: ${long.length}` +
    (long.length ? ` (${long.map((d) => d.toFixed(0)).join(', ')} ms)` : ''));
} finally {
  await browser.close();
  server.close();
}
