// Not part of the test command: records Chromium performance traces of fresh loads of the
// release bundle, from navigation until the first scenario is interactive (as
// e2e/startup.mjs waits for it), and prints every task over OVER_MS (default 30) with
// where its time went. LOADS (default 3) fresh loads; DETAIL=1 lists every kind of event
// in each task. An EvaluateScript task with no script named is Playwright's own code,
// injected by waitForSelector, not the page's.
import { serve, launch } from './serve.mjs';

const { server, url } = await serve();
const browser = await launch();
const OVER = Number(process.env.OVER_MS ?? 30);
const names = ['FunctionCall', 'EvaluateScript', 'v8.compileModule', 'v8.evaluateModule', 'TimerFire', 'FireAnimationFrame',
  'RunMicrotasks', 'ParseHTML', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'EventDispatch',
  'v8.wasm.compiledModule', 'v8.wasm.streamFromResponseCallback', 'v8.wasm.finishedStreaming', 'V8.GC_MC_INCREMENTAL', 'MajorGC', 'MinorGC'];
try {
  for (let i = 0; i < Number(process.env.LOADS ?? 3); i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm'] });
    await page.goto(url);
    await page.waitForSelector('#faults-title');
    await page.waitForFunction(() => document.querySelector('#app > .run-body:not([hidden]) table.record-table') && !document.querySelector('.recording'));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
    const nav = events.find((e) => e.name === 'navigationStart') ?? events.find((e) => e.name === 'TracingStartedInBrowser');
    const tasks = events.filter((e) => e.name === 'RunTask' && e.dur > OVER * 1000);
    console.log(`load ${i + 1}: ${tasks.length} tasks over ${OVER} ms`);
    for (const t of tasks) {
      const inner = events.filter((e) => e.tid === t.tid && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur && e.ph === 'X' && e !== t);
      const by = {};
      for (const e of inner) if (names.includes(e.name)) by[e.name] = (by[e.name] ?? 0) + e.dur / 1000;
      const fn = inner.find((e) => e.name === 'FunctionCall' || e.name === 'EvaluateScript')?.args?.data;
      if (process.env.DETAIL) {
        const all = {};
        for (const e of inner) all[e.name] = (all[e.name] ?? 0) + e.dur / 1000;
        console.log('     ', Object.entries(all).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', '));
      }
      console.log(`  @${((t.ts - nav.ts) / 1000).toFixed(0)} ms ${(t.dur / 1000).toFixed(0)} ms: ` +
        Object.entries(by).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ') + (fn ? ` [${fn.functionName || '?'} ${fn.url?.split('/').pop() ?? ''}]` : ''));
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
