// Browser benchmarks of the release bundle in headless Chromium (not pass/fail tests: the
// figures go in the closing note). Prints:
// - first render: navigation start to the first record table, from loopback;
// - recording the ~100,000-step generated load: total time, and the longest main-thread
//   task while it records in chunks;
// - playback of that load at 1x with 8 replicas and ~200 messages in flight: frame-time
//   percentiles and the longest main-thread task.
import { serve, launch, watchErrors } from './serve.mjs';

const { server, url } = await serve();
const browser = await launch();
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

try {
  const renders = [];
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector('table.record-table');
    renders.push(await page.evaluate(() => performance.now()));
    await page.close();
  }
  console.log(`first render: ${renders.map((r) => r.toFixed(0)).join(', ')} ms (best ${Math.min(...renders).toFixed(0)} ms)`);

  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const errors = watchErrors(page);
  await page.goto(url);
  await page.waitForSelector('table.record-table');
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); })
      .observe({ type: 'longtask', buffered: false });
  });
  const start = Date.now();
  await page.selectOption('#scenario', 'generated-load');
  const sawProgress = await page.waitForSelector('.recording', { timeout: 5000 }).then(() => true, () => false);
  await page.waitForFunction(() => !document.querySelector('.recording'), null, { timeout: 120000 });
  const recordMs = Date.now() - start;
  const steps = await page.locator('#step-label').textContent();
  const recordLong = await page.evaluate(() => window.__long.splice(0));
  console.log(`recording the generated load (${steps.split(' of ')[1]} steps): ${recordMs} ms, progress shown: ${sawProgress}, ` +
    `tasks over 50 ms: ${recordLong.length}${recordLong.length ? ` (longest ${Math.max(...recordLong).toFixed(0)} ms)` : ''}`);

  await page.selectOption('#speed', '2'); // 1x: one virtual ms per real ms
  await page.click('#to-start');
  await page.click('#step-forward');
  await page.click('#play');
  const frames = await page.evaluate(() => new Promise((resolve) => {
    const deltas = [];
    const inFlight = [];
    let last = performance.now();
    const t0 = last;
    function frame(now) {
      deltas.push(now - last);
      last = now;
      inFlight.push(document.querySelectorAll('g.message').length);
      if (now - t0 < 4000) requestAnimationFrame(frame); else resolve({ deltas: deltas.slice(1), inFlight });
    }
    requestAnimationFrame(frame);
  }));
  await page.click('#play');
  const playLong = await page.evaluate(() => window.__long.splice(0));
  const avgFlight = frames.inFlight.reduce((a, b) => a + b, 0) / frames.inFlight.length;
  console.log(`playback at 1x: ${frames.deltas.length} frames, frame time p50 ${pct(frames.deltas, 50).toFixed(1)} ms, ` +
    `p95 ${pct(frames.deltas, 95).toFixed(1)} ms, max ${Math.max(...frames.deltas).toFixed(1)} ms; ` +
    `messages in flight: mean ${avgFlight.toFixed(0)}, max ${Math.max(...frames.inFlight)}; ` +
    `tasks over 50 ms: ${playLong.length}${playLong.length ? ` (longest ${Math.max(...playLong).toFixed(0)} ms)` : ''}`);
  if (errors.length) console.log(`errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  server.close();
}
