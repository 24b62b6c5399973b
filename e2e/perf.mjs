// Browser benchmarks of the release bundle in headless Chromium (not pass/fail tests: the
// figures go in the closing note). Prints:
// - recording the ~100,000-step generated load: total time, and the longest main-thread
//   task while it records in chunks;
// - playback of that load (8 replicas, ~200 messages in flight) at 1x (topology on screen,
//   then record tables on screen), at 1 min a second and at the fastest speed: frame-time
//   percentiles, frames over 20 ms, and main-thread tasks over 50 ms;
// - the ~1,000,000-step load: recording it (longest task) and reaching random steps of it:
//   the picture and the step label first, the panels in the task after;
// - every strategy side by side on the generated load: recording and playback;
// - sweeps of email-conflict and storm over 1,000 seeds in the page's Web Workers.
import { serve, launch, watchErrors } from './serve.mjs';

const { server, url } = await serve();
const browser = await launch();
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

// A fresh page, settled (the panels drawn, every table shown) so that what is measured
// next is not the start-up still going on beside it, with its long tasks observed from
// here on in window.__long and its errors watched.
const errorLists = []; // one list per page, filled as errors come
async function settledPage() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  errorLists.push(watchErrors(page));
  await page.goto(url);
  await page.waitForSelector('#faults-title');
  await page.waitForSelector('.tables[aria-busy="false"]');
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); })
      .observe({ type: 'longtask', buffered: false });
  });
  return page;
}

// Steps in the run on show, from "Step 12 of 100,488".
const stepsOf = async (page) =>
  Number((await page.locator('#step-label').textContent()).split(' of ')[1].replaceAll(',', ''));

try {
  // Recording is measured on fresh pages, five times: on a shared two-core machine one
  // run says little about the longest task.
  let page;
  const records = [];
  for (let i = 0; i < 5; i++) {
    page = await settledPage();
    const start = Date.now();
    await page.selectOption('#scenario', 'generated-load');
    const sawProgress = await page.waitForSelector('.recording', { timeout: 5000 }).then(() => true, () => false);
    await page.waitForFunction(() => !document.querySelector('.recording'), null, { timeout: 120000 });
    const recordMs = Date.now() - start;
    const steps = await stepsOf(page);
    const long = await page.evaluate(() => window.__long.splice(0));
    records.push({ recordMs, sawProgress, steps, long });
    if (i < 4) await page.close();
  }
  console.log(`recording the generated load (${records[0].steps} steps), 5 runs: ` +
    records.map((r) => `${r.recordMs} ms, progress shown: ${r.sawProgress}, tasks over 50 ms: ${r.long.length}` +
      `${r.long.length ? ` (longest ${Math.max(...r.long).toFixed(0)} ms)` : ''}`).join('; '));

  // Plays at `speed` (an index into the speed list) from step 1, after `before`, for 4 s
  // or until the run ends.
  async function play(name, speed, before = async () => {}) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.selectOption('#speed', speed);
    await page.click('#to-start');
    await page.click('#step-forward');
    await before();
    await page.evaluate(() => window.__long.splice(0));
    await page.click('#play');
    const frames = await page.evaluate(() => new Promise((resolve) => {
      const deltas = [];
      const inFlight = [];
      let last = performance.now();
      const t0 = last;
      function frame(now) {
        deltas.push(now - last);
        last = now;
        inFlight.push([...document.querySelectorAll('.queue .depth')].reduce((n, d) => n + Number(d.textContent), 0));
        const playing = document.querySelector('#play').getAttribute('aria-pressed') === 'true';
        if (now - t0 < 4000 && playing) requestAnimationFrame(frame); else resolve({ deltas: deltas.slice(1), inFlight });
      }
      requestAnimationFrame(frame);
    }));
    if ((await page.locator('#play').getAttribute('aria-pressed')) === 'true') await page.click('#play');
    const long = await page.evaluate(() => window.__long.splice(0));
    const avgFlight = frames.inFlight.reduce((a, b) => a + b, 0) / frames.inFlight.length;
    const missed = frames.deltas.filter((d) => d > 20).length;
    console.log(`playback ${name}: ${frames.deltas.length} frames, frame time p50 ${pct(frames.deltas, 50).toFixed(2)} ms, ` +
      `p95 ${pct(frames.deltas, 95).toFixed(2)} ms, max ${Math.max(...frames.deltas).toFixed(1)} ms, over 20 ms: ${missed}; ` +
      `messages in flight: mean ${avgFlight.toFixed(0)}, max ${Math.max(...frames.inFlight)}; ` +
      `tasks over 50 ms: ${long.length}${long.length ? ` (longest ${Math.max(...long).toFixed(0)} ms)` : ''}`);
  }
  await play('at real time', '3');
  await play('at real time, record tables on screen', '3', () => page.locator('#records-title').scrollIntoViewIfNeeded());
  await play('at 1 min a second', '4');
  await play('at fastest', '6');

  // Every strategy side by side on the generated load: recording the four runs, then
  // playback at real time with the panes following.
  await page.evaluate(() => { window.scrollTo(0, 0); window.__long.splice(0); });
  const compareStart = Date.now();
  await page.click('.compare-toggle button');
  await page.waitForSelector('.compare-summary', { timeout: 300000 });
  const compareMs = Date.now() - compareStart;
  const compareLong = await page.evaluate(() => window.__long.splice(0));
  console.log(`compare view of the generated load: four runs recorded and summed up in ${compareMs} ms; ` +
    `tasks over 50 ms: ${compareLong.length}${compareLong.length ? ` (longest ${Math.max(...compareLong).toFixed(0)} ms)` : ''}`);
  await play('at real time, every strategy side by side', '3');

  // The ~1,000,000-step load: recorded in chunks, then 20 random steps reached with the
  // scrubber, each timed from the input to the frame that shows it.
  // Nothing else runs beside it: the playback page is closed first.
  await page.close();
  const big = await settledPage();
  const bigStart = Date.now();
  await big.selectOption('#scenario', 'generated-load-1m');
  await big.waitForSelector('.recording', { timeout: 10000 });
  await big.waitForFunction(() => !document.querySelector('.recording'), null, { timeout: 300000, polling: 500 });
  const bigMs = Date.now() - bigStart;
  const bigSteps = await stepsOf(big);
  const bigLong = await big.evaluate(() => window.__long.splice(0));
  const jumps = await big.evaluate(async (n) => {
    const s = document.querySelector('#scrubber');
    const label = document.querySelector('#step-label');
    const tables = document.querySelector('.tables');
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    // A task after every microtask the input set off (the page's effects run in those).
    const settled = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = r; c.port2.postMessage(0); });
    const shown = [], panels = [], framed = [];
    let early = 0;
    let x = 12345;
    for (let i = 0; i < 20; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const t = x % n;
      // Worded before the clock starts: the first toLocaleString loads locale data (~20 ms).
      const want = `Step ${t.toLocaleString('en-US')} `;
      await frame();
      const start = performance.now();
      // Posted before the input: it runs right after the input's own task, before the tasks
      // that task queues (the panels'), which come after it in the scheduler's order.
      const inputDone = settled();
      s.value = String(t);
      s.dispatchEvent(new Event('input', { bubbles: true }));
      await inputDone;
      document.body.offsetHeight; // style and layout of the new step
      if (!label.textContent.startsWith(want)) throw new Error(`step ${t} not shown after its input's task`);
      // In a long run the panels follow in a task of their own (ui::explorer::panels_follow).
      if (tables.dataset.step === String(t)) early += 1;
      shown.push(performance.now() - start);
      while (tables.dataset.step !== String(t)) await settled();
      document.body.offsetHeight;
      panels.push(performance.now() - start);
      await frame();
      await frame();
      framed.push(performance.now() - start);
    }
    return { shown, panels, framed, early };
  }, bigSteps);
  const jumpLong = await big.evaluate(() => window.__long.splice(0));
  const worst = (xs) => `mean ${mean(xs).toFixed(1)} ms, worst ${Math.max(...xs).toFixed(1)} ms`;
  console.log(`the ~1,000,000-step load (${bigSteps} steps): recorded in ${bigMs} ms, tasks over 50 ms: ${bigLong.length}` +
    `${bigLong.length ? ` (longest ${Math.max(...bigLong).toFixed(0)} ms)` : ''}; 20 random jumps with the scrubber: ` +
    `main-thread work from the input to the step shown in the picture and the label, laid out, ${worst(jumps.shown)}` +
    `${jumps.early ? ` (the panels came within it ${jumps.early} times)` : ''}; to the panels shown too ${worst(jumps.panels)}; ` +
    `to the frame after the one that shows them ${worst(jumps.framed)}; tasks over 50 ms: ${jumpLong.length}` +
    `${jumpLong.length ? ` (longest ${Math.max(...jumpLong).toFixed(0)} ms)` : ''}`);
  await big.close();

  // Sweeps in the page (Web Workers), 1,000 seeds under every strategy, best of 3 each.
  for (const scenario of ['email-conflict', 'storm']) {
    const took = [];
    for (let i = 0; i < 3; i++) {
      const sweep = await settledPage();
      await sweep.selectOption('#scenario', scenario);
      await sweep.waitForSelector('#sweep-open');
      await sweep.click('#sweep-open');
      await sweep.waitForSelector('.sweep-result', { timeout: 120000 });
      took.push(Number(await sweep.locator('.sweep-result').getAttribute('data-took-ms')));
      const long = await sweep.evaluate(() => window.__long.length);
      if (long) took.push(`(${long} tasks over 50 ms)`);
      await sweep.close();
    }
    console.log(`sweep of ${scenario} in the page, 1,000 seeds x 4 strategies: ${took.join(' ms, ')} ms`);
  }
  const errors = errorLists.flat();
  if (errors.length) console.log(`errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  server.close();
}
