// End-to-end test of the sweep over many seeds on the release bundle: it runs in Web
// Workers with progress shown and ends with what the runs add up to (checked by hand for
// email-conflict: every run under apply on arrival and last write wins loses the CRM's
// write, every run under version comparison detects the conflict, every run under human
// escalation and field-level merge waits for a person); the worker's address carries a hash
// of its files, so that a deploy never pairs a page with a cached old engine; the page answers while it runs (no task over 50 ms); a
// bar of a histogram opens a seed in the normal view; a sweep can be cancelled; the
// histograms and the stale-read curve have text equivalents; axe finds nothing serious.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serve, launch, watchErrors, checks, axe, LIVE_TABLE } from './serve.mjs';

const { check, expect, finish } = checks();
const { server, url } = await serve();
const browser = await launch();
const errors = [];

const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
page.setDefaultTimeout(30000);
errors.push(watchErrors(page));
/** The share table's cell texts for `strategy`, by column title. */
async function shares(strategy) {
  const heads = await page.locator('.sweep-shares thead th').allTextContents();
  const cells = await page.locator(`.sweep-shares tr[data-strategy=${strategy}] > *`).allTextContents();
  return Object.fromEntries(heads.map((h, i) => [h, cells[i]]));
}

try {
  await check('a sweep of email-conflict over 1,000 seeds runs in workers and adds up as worked out by hand', async () => {
    await page.goto(`${url}?scenario=email-conflict`);
    await page.waitForSelector(LIVE_TABLE);
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    });
    let workers = 0;
    const addresses = [];
    page.on('worker', (w) => { workers += 1; addresses.push(w.url()); });
    await page.click('#sweep-open');
    await page.waitForSelector('.sweep-progress, .sweep-result');
    await page.waitForSelector('.sweep-result', { timeout: 60000 });
    const took = Number(await page.locator('.sweep-result').getAttribute('data-took-ms'));
    console.log(`     the sweep took ${took} ms in the page (5,000 runs)`);
    const arrival = await shares('arrival');
    const lww = await shares('lww');
    const version = await shares('version');
    const escalate = await shares('escalate');
    const merge = await shares('merge');
    expect(arrival.Runs === '1,000' && arrival['Lost updates'].startsWith('1,000 (100.0 %)'), JSON.stringify(arrival));
    expect(lww['Lost updates'].startsWith('1,000 (100.0 %)'), JSON.stringify(lww));
    expect(version['Lost updates'].startsWith('0 (0.0 %)') && version.Conflicts.startsWith('1,000 (100.0 %)'), JSON.stringify(version));
    expect(escalate.Escalations.startsWith('1,000 (100.0 %)') && escalate['Not converged'].startsWith('1,000'), JSON.stringify(escalate));
    expect(merge.Escalations.startsWith('1,000 (100.0 %)') && merge['Lost updates'].startsWith('0 (0.0 %)'), JSON.stringify(merge));
    expect(workers >= 1, 'the sweep ran in a worker');
    const dist = new URL('../dist/', import.meta.url).pathname;
    const hash = createHash('sha256');
    for (const f of ['sweep-worker.js', 'sweep-engine.js', 'sweep-engine.wasm']) hash.update(readFileSync(dist + f));
    const files = hash.digest('hex').slice(0, 16);
    expect(addresses.every((a) => a.endsWith(`/sweep-worker.js?v=${files}`)), `worker addresses ${addresses}, files' hash ${files}`);
    const long = await page.evaluate(() => window.longTasks);
    expect(long.length === 0, `tasks over 50 ms while sweeping: ${long.map((d) => d.toFixed(0)).join(', ')}`);
  });

  await check('the histograms and the stale-read curve say in text what they draw', async () => {
    const bar = await page.locator('.strategy-histograms .bar').first().textContent();
    expect(/ms: [\d,]+ runs/.test(bar), `a bar's text: ${bar}`);
    const rows = await page.locator('.fresh-table tbody tr').count();
    expect(rows === 16, `fresh-read rows: ${rows}`);
    const version = await page.locator('.fresh-table tbody tr').nth(6).textContent();
    expect(version.includes('%'), version);
  });

  await check('a bar opens a seed that produced it in the normal view', async () => {
    const bar = page.locator('.strategy-histograms').nth(2).locator('button.bar').first();
    const words = await bar.textContent();
    const seed = words.match(/open seed (\d+)/)[1];
    await bar.click();
    await page.waitForFunction((s) => document.querySelector('#seed').value === s, seed);
    const strategy = await page.locator('#strategy').inputValue();
    expect(strategy === 'version', `strategy ${strategy}`);
  });

  await check('a sweep can be cancelled, and says how far it got', async () => {
    await page.fill('#sweep-seeds', '1..200000');
    await page.click('#sweep-run');
    await page.waitForSelector('#sweep-cancel');
    await page.click('#sweep-cancel');
    await page.waitForFunction(() => document.querySelector('#sweep-problem').textContent.startsWith('Cancelled after'));
  });

  await check('bad seeds get a message beside the field, and the text stays', async () => {
    await page.fill('#sweep-seeds', '10..1');
    await page.click('#sweep-run');
    await page.waitForFunction(() => document.querySelector('#sweep-problem').textContent.includes('comes before'));
    expect(await page.locator('#sweep-seeds').inputValue() === '10..1', 'the typed text is kept');
  });

  await check('no serious or critical accessibility violations in the sweep (axe-core)', async () => {
    const found = await axe(page, '.sweep');
    expect(found.length === 0, found.join('\n'));
    await page.locator('.sweep').screenshot({ path: 'artifacts/sweep.png' });
  });

  await check('no console or page errors', async () => {
    const all = errors.flat();
    expect(all.length === 0, all.join('\n'));
  });
} finally {
  await browser.close();
  server.close();
}
finish('sweep');
