// Not part of the test command: records a Chromium performance trace of 3 s of playback of
// the generated load (or, with MODE=record, of recording it) and prints, for each task over 30 ms, where its time went.
import { serve, launch } from './serve.mjs';
const { server, url } = await serve();
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('console', (m) => { if (m.text().startsWith('PROFILE')) console.log(m.text()); });
  await page.goto(url);
  await page.waitForSelector('#step-label');
  const record = process.env.MODE === 'record';
  if (record) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'] });
  const zero = await page.evaluate(() => { performance.mark('zero'); return performance.now(); });
  await page.selectOption('#scenario', 'generated-load');
  await page.waitForSelector('.recording');
  await page.waitForFunction(() => !document.querySelector('.recording'), null, { timeout: 120000 });
  if (!record) {
    await page.selectOption('#speed', process.env.SPEED ?? '3');
    await page.click('#to-start');
    await page.click('#step-forward');
    if (process.env.SCROLL) await page.locator('#records-title').scrollIntoViewIfNeeded();
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    await page.click('#play');
    await page.waitForTimeout(3000);
    await page.click('#play');
  }
  const buf = await browser.stopTracing();
  const events = JSON.parse(buf.toString()).traceEvents;
  const mark = events.find((e) => e.name === 'zero');
  const at = (ts) => (mark ? ((ts - mark.ts) / 1000 + zero).toFixed(0) : '?');
  const main = events.filter((e) => e.name === 'RunTask' && e.dur > Number(process.env.OVER_MS ?? 30) * 1000);
  const names = ['FunctionCall', 'EventDispatch', 'FireAnimationFrame', 'UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint', 'Layerize', 'TimerFire', 'RunMicrotasks', 'ParseHTML', 'HitTest', 'IntersectionObserverController::computeIntersections', 'UpdateLayer', 'ScheduleStyleRecalculation', 'v8.callFunction', 'Commit', 'PaintImage', 'RasterTask', 'MajorGC', 'MinorGC', 'V8.GCFinalizeMC', 'BlinkGC.AtomicPauseMarkEpilogue', 'V8.GCScavenger', 'V8.GC_MC_INCREMENTAL'];
  console.log(`tasks over ${process.env.OVER_MS ?? 30} ms: ${main.length}`);
  const tot = {};
  for (const t of main.slice(0, 60)) {
    const inner = events.filter((e) => e.tid === t.tid && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur && e.ph === 'X' && e !== t);
    const by = {};
    for (const e of inner) if (names.includes(e.name)) by[e.name] = (by[e.name] ?? 0) + e.dur / 1000;
    for (const [k, v] of Object.entries(by)) tot[k] = (tot[k] ?? 0) + v;
    console.log(`@${at(t.ts)} ${(t.dur / 1000).toFixed(0)} ms: ${Object.entries(by).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  }
  console.log('total', tot);
} finally {
  await browser.close();
  server.close();
}
