// End-to-end test of the release bundle: serves dist/ on 127.0.0.1, drives headless
// Chromium with Playwright as a person would, fails on any console or page error, and
// saves a screenshot to artifacts/.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const DIST = new URL('../dist/', import.meta.url).pathname;
const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };

function serve() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
    try {
      const body = await readFile(join(DIST, path === '' ? 'index.html' : path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const results = [];
async function check(name, body) {
  try {
    await body();
    results.push([name, null]);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push([name, e]);
    console.log(`FAIL ${name}\n     ${e.message.split('\n').join('\n     ')}`);
  }
}
function expect(cond, message) {
  if (!cond) throw new Error(message);
}

const server = await serve();
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
const errors = [];
page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') errors.push(`console error: ${m.text()}`); });
page.setDefaultTimeout(15000);

try {
  await check('the release bundle renders the first scenario', async () => {
    await page.goto(url);
    await page.waitForSelector('table.record-table');
    expect(await page.locator('table.record-table').count() === 4, 'baseline should show 4 systems');
    expect((await page.locator('[data-metric=Converged] dd').textContent()).startsWith('yes'), 'baseline converges');
  });

  await check('picking the conflict scenario shows its tables and a pending escalation', async () => {
    await page.selectOption('#scenario', 'email-conflict');
    await page.selectOption('#strategy', 'escalate');
    await page.waitForSelector('article.escalation');
    expect(await page.locator('table.record-table').count() === 3, 'crm, billing and warehouse tables');
    const billing = await page.locator('table[data-system=billing]').textContent();
    expect(billing.includes('ada@billing.example'), 'billing keeps its own email while the conflict waits');
    expect(await page.locator('table[data-system=billing] li.differs').count() === 1, 'the differing cell is marked');
  });

  await check('resolving the escalation from the keyboard converges every system', async () => {
    await page.locator('button.take-replica').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('article.escalation', { state: 'detached' });
    expect((await page.locator('[data-metric=Converged] dd').textContent()) === 'yes, at 170 ms', 'converged at 170 ms');
    expect(await page.locator('li.differs').count() === 0, 'no cell differs any more');
  });

  await check('last-write-wins explains the lost update', async () => {
    await page.selectOption('#strategy', 'lww');
    const text = await page.locator('[data-invariant=no_lost_acknowledged_write]').textContent();
    expect(text.includes('ada@crm.example'), `violation names the lost value: ${text}`);
  });

  await check('a bad seed gets a message and keeps what was typed', async () => {
    await page.fill('#seed', 'twelve');
    await page.waitForSelector('#seed-error:not(:empty)');
    expect((await page.locator('#seed-error').textContent()).includes('found "twelve"'), 'message names the input');
    expect((await page.inputValue('#seed')) === 'twelve', 'input kept');
    await page.fill('#seed', '3');
    await page.waitForSelector('table.record-table');
  });

  await mkdir(ARTIFACTS, { recursive: true });
  await page.selectOption('#strategy', 'escalate');
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-explorer.png'), fullPage: true });

  await check('no console or page errors', async () => {
    expect(errors.length === 0, errors.join('\n'));
  });
} finally {
  await browser.close();
  server.close();
}

const failed = results.filter(([, e]) => e).length;
console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
