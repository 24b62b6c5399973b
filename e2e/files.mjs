// End-to-end test of scenario files on the release bundle: a broken file shows its errors
// (JSON path, line, column) beside its text, which is kept; a corrected paste opens and is
// kept under My scenarios across reloads and travels in the link; a scenario exported and
// imported again runs with the same trace hash; the run's downloads are the runner's
// exports; stored data that cannot be read is set aside and reported.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, watchErrors, checks, LIVE_TABLE } from './serve.mjs';

const { check, expect, finish } = checks();
const { server, url } = await serve();
const browser = await launch();
const errors = [];
const tmp = await mkdtemp(join(tmpdir(), 'syncscope-files-'));

async function fresh() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  errors.push(watchErrors(page));
  return page;
}
const metric = (page, name) => page.locator(`[data-metric="${name}"] dd`).textContent();
const toEnd = async (page) => {
  await page.click('#to-end');
  await page.waitForFunction(() => !document.querySelector('.recording'));
  await page.click('#to-end');
};
/** Clicks `selector` and returns the downloaded file's name and text. */
async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}
/** What the native runner prints for `args`. */
const runner = (...args) => execFileSync('cargo', ['run', '-q', '--no-default-features', '--', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

const MINE = {
  name: 'my-orders', title: 'My orders: billing lags', source: 'orders',
  replicas: [{ name: 'billing', link: { delay: { kind: 'uniform', min_ms: 20, max_ms: 60 } } }],
  records: [{ id: 'order-1', fields: { status: 'new' } }],
  script: [{ at: 100, do: 'write', record: 'order-1', set: { status: 'paid' } }],
};

try {
  const page = await fresh();
  await page.goto(url);
  await page.waitForSelector(LIVE_TABLE);
  await page.waitForSelector('#scenario-file');

  await check('a broken scenario file shows each error with its path, line and column, next to its kept text', async () => {
    const broken = JSON.stringify({ ...MINE, replicas: [{ name: 'billing', link: { drop_probability: 2 } }] }, null, 2);
    await page.setInputFiles('#scenario-file', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(broken) });
    await page.waitForSelector('#scenario-errors li');
    const shown = await page.locator('#scenario-errors li').allTextContents();
    expect(shown.some((e) => e.startsWith('replicas[0].link.drop_probability') && /line \d+, column \d+/.test(e)), shown.join('\n'));
    expect(await page.inputValue('#scenario-text') === broken, 'the text is kept for correcting');
    expect(await page.getAttribute('#scenario-text', 'aria-invalid') === 'true', 'the field is marked invalid');
    expect(await page.inputValue('#scenario') === 'baseline', 'the run on show stays');
  });

  await check('the corrected text opens, is kept under My scenarios, travels in the link and survives a reload', async () => {
    await page.fill('#scenario-text', JSON.stringify(MINE, null, 2));
    await page.click('#open-pasted');
    await page.waitForFunction(() => document.querySelector('#scenario').value === 'my-orders');
    expect(await page.locator('#scenario-errors li').count() === 0, 'no error left');
    expect((await page.textContent('.files .share-status')).includes('kept it under My scenarios'), 'it says so');
    expect(await page.locator('#scenario optgroup[label="My scenarios"] option').count() === 1, 'listed with the scenarios');
    await page.click('#step-forward');
    await page.waitForFunction(() => location.search.includes('custom='));
    await page.reload();
    await page.waitForSelector(LIVE_TABLE);
    await page.waitForFunction(() => document.querySelector('#scenario').value === 'my-orders');
    expect(await page.locator('table.record-table').count() >= 2, 'its systems are shown');
    await page.goto(url);
    await page.waitForSelector('#scenario optgroup option', { state: 'attached' });
    expect(await page.inputValue('#scenario') === 'baseline', 'a plain address shows the first scenario');
  });

  await check('a scenario too large for a link is offered as a file instead', async () => {
    // Values no compressor can shrink much: the packed scenario passes the link's limit.
    let seed = 7;
    const noise = () => Array.from({ length: 24 }, () => ((seed = (seed * 48271) % 2147483647) % 36).toString(36)).join('');
    const script = Array.from({ length: 900 }, (_, i) => ({ at: i + 1, do: 'write', record: 'order-1', set: { status: noise() } }));
    await page.fill('#scenario-text', JSON.stringify({ ...MINE, name: 'large', title: 'Large', script }));
    await page.click('#open-pasted');
    await page.waitForFunction(() => document.querySelector('#scenario').value === 'large');
    await page.click('#share');
    await page.waitForFunction(() => document.querySelector('.share .share-status').textContent.includes('more than the 16000'));
    const said = await page.textContent('.share .share-status');
    expect(said.includes('download the scenario'), said);
    expect(await page.locator('#share-text').count() === 0, 'no link is offered');
    // The address names it without carrying it, and this browser finds it in My scenarios.
    await page.waitForFunction(() => location.search.includes('scenario=large') && !location.search.includes('custom='));
    await page.reload();
    await page.waitForSelector(LIVE_TABLE);
    await page.waitForFunction(() => document.querySelector('#scenario').value === 'large');
    expect(await page.locator('.notices li').count() === 0, 'no notice');
    await page.selectOption('#scenario', 'my-orders');
  });

  await check('a link carries the scenario to a browser that never saw it', async () => {
    await page.selectOption('#scenario', 'my-orders');
    await page.waitForFunction(() => location.search.includes('custom='));
    const link = page.url();
    const other = await fresh();
    await other.goto(link);
    await other.waitForSelector(LIVE_TABLE);
    await other.waitForFunction(() => document.querySelector('#scenario').value === 'my-orders');
    await other.context().close();
  });

  await check('a scenario exported and imported again runs with the same trace hash', async () => {
    await page.selectOption('#scenario', 'email-conflict');
    await page.selectOption('#strategy', 'lww');
    await toEnd(page);
    const trace = await metric(page, 'Trace');
    const file = await download(page, '#download-scenario');
    expect(file.name === 'email-conflict.json', file.name);
    expect(JSON.parse(file.text).strategy === 'lww', 'the file has the settings on show');
    await page.setInputFiles('#scenario-file', { name: file.name, mimeType: 'application/json', buffer: Buffer.from(file.text) });
    await page.waitForFunction(() => document.querySelector('#scenario').value === 'email-conflict-copy');
    const said = await page.textContent('.files .share-status');
    expect(said.includes('kept as "email-conflict-copy"'), `the rename is said: ${said}`);
    await toEnd(page);
    const again = await metric(page, 'Trace');
    expect(again === trace, `${again} vs ${trace}`);
  });

  await check("a fork's scenario file replays the fork: same trace hash once imported", async () => {
    await page.selectOption('#scenario', 'email-conflict');
    await page.selectOption('#strategy', 'escalate');
    await page.click('#to-start');
    await page.click('#step-forward');
    await page.click('g.message[aria-label*="to warehouse"]');
    await page.click('#duplicate-message');
    await toEnd(page);
    await page.click('button.take-replica'); // decided once the run is over
    await toEnd(page);
    expect(await page.locator('button.fork').count() === 3, 'two forks');
    const trace = await metric(page, 'Trace');
    const file = await download(page, '#download-scenario');
    const script = JSON.parse(file.text).script;
    expect(script.filter((s) => 'after_step' in s).length === 2, JSON.stringify(script));
    await page.setInputFiles('#scenario-file', { name: file.name, mimeType: 'application/json', buffer: Buffer.from(file.text) });
    await page.waitForFunction(() => document.querySelector('#scenario').value === 'email-conflict-copy-2');
    await toEnd(page);
    const again = await metric(page, 'Trace');
    expect(again === trace, `${again} vs ${trace}`);
  });

  await check("the run's downloads are the runner's exports of the same run", async () => {
    await page.selectOption('#scenario', 'saga');
    await toEnd(page);
    const args = ['run', 'saga'];
    const files = [['[data-export="run.trace.jsonl"]', 'saga.trace.jsonl', 'trace'],
      ['[data-export="run.cloudevents.json"]', 'saga.cloudevents.json', 'cloudevents'],
      ['[data-export="run.mmd"]', 'saga.mmd', 'mermaid']];
    for (const [button, name, format] of files) {
      const file = await download(page, button);
      expect(file.name === name, `${file.name} vs ${name}`);
      expect(file.text === runner(...args, '--format', format), `${name} differs from the runner's --format ${format}`);
    }
  });

  await check('this view as one HTML file opens from a file:// address at the same step, offline', async () => {
    await page.selectOption('#scenario', 'lww-skew');
    await page.click('#to-start');
    for (let i = 0; i < 5; i++) await page.click('#step-forward');
    const step = await page.textContent('#step-label');
    const trace = await metric(page, 'Trace');
    const file = await download(page, '#download-one-file');
    expect(file.name === 'lww-skew.html', file.name);
    const path = join(tmp, file.name);
    await writeFile(path, file.text);
    const offline = await browser.newContext({ offline: true });
    const opened = await offline.newPage();
    errors.push(watchErrors(opened));
    await opened.goto(`file://${path}`);
    await opened.waitForSelector(LIVE_TABLE);
    await opened.waitForFunction((s) => document.querySelector('#step-label').textContent === s, step);
    await opened.waitForSelector('[data-metric="Trace"]');
    expect(await metric(opened, 'Trace') === trace, 'the same run at the same step');
    await offline.close();
  });

  await check('the runner writes the same kind of one-file page (--format html)', async () => {
    const path = join(tmp, 'runner.html');
    await writeFile(path, runner('run', 'partition', '--strategy', 'lww', '--format', 'html'));
    const offline = await browser.newContext({ offline: true });
    const opened = await offline.newPage();
    errors.push(watchErrors(opened));
    await opened.goto(`file://${path}`);
    await opened.waitForSelector(LIVE_TABLE);
    await opened.waitForFunction(() => document.querySelector('#scenario').value === 'partition');
    expect(await opened.inputValue('#strategy') === 'lww', 'with the runner\'s settings');
    await offline.close();
  });

  await check('kept data that cannot be read is set aside and reported; the page still works', async () => {
    const other = await fresh();
    await other.addInitScript(() => {
      if (!sessionStorage.getItem('seeded')) {
        sessionStorage.setItem('seeded', '1');
        localStorage.setItem('syncscope.my-scenarios', '{not json');
      }
    });
    await other.goto(url);
    await other.waitForSelector(LIVE_TABLE);
    await other.waitForSelector('.notices li');
    const text = await other.locator('.notices li').first().textContent();
    expect(text.includes('could not be read') && text.includes('syncscope.my-scenarios.set-aside'), text);
    const aside = await other.evaluate(() => [localStorage.getItem('syncscope.my-scenarios'), localStorage.getItem('syncscope.my-scenarios.set-aside')]);
    expect(aside[0] === null && JSON.parse(aside[1])[0] === '{not json', `stored: ${aside}`);
    await other.context().close();
  });

  await check('a file dropped on the panel opens', async () => {
    const dropped = JSON.stringify({ ...MINE, name: 'dropped', title: 'Dropped in' });
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
      document.querySelector('.drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, dropped);
    await page.waitForFunction(() => document.querySelector('#scenario').value === 'dropped');
  });

  await check('no console or page errors', async () => {
    const all = errors.flat();
    expect(all.length === 0, all.join('\n'));
  });
} finally {
  await browser.close();
  server.close();
  await rm(tmp, { recursive: true, force: true });
}
finish('scenario files');
