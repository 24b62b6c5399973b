// Serves dist/ on 127.0.0.1 (a free port) and launches headless Chromium for Playwright.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const DIST = process.env.DIST ?? new URL('../dist/', import.meta.url).pathname;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };

/** Starts the static server, with dist/ at the sub-path `prefix` (e.g. '/courses/scope/');
 * resolves to { server, url }, `url` being dist/'s address. */
export function serve(prefix = '/') {
  const server = createServer(async (req, res) => {
    const full = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!full.startsWith(prefix)) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    const path = normalize(full.slice(prefix.length)).replace(/^\/+/, '');
    try {
      const body = await readFile(join(DIST, path === '' || path === '.' ? 'index.html' : path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}${prefix}` })));
}

/** The app's own first view, shown: the page's HTML holds an inert prerendered copy of it
 * (scripts/prerender.mjs) until then, whose tables match `table.record-table` too. */
export const LIVE_TABLE = '#app > .run-body:not([hidden]) table.record-table';

/** Launches Debian's Chromium headless, with the flags this machine needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

/** Collects page errors and console errors of `page` into an array. */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console error: ${m.text()}`); });
  return errors;
}

/** Named checks that report as they go: `check(name, body)` runs one, `expect` fails it,
 * and `finish(label)` prints the tally and exits with 1 if any failed. */
export function checks() {
  const results = [];
  async function check(name, body) {
    try {
      await body();
      results.push([name, null]);
      console.log(`ok   ${name}`);
    } catch (e) {
      results.push([name, e]);
      console.log(`FAIL ${name}\n     ${String(e.message).split('\n').join('\n     ')}`);
    }
  }
  function expect(cond, message) {
    if (!cond) throw new Error(message);
  }
  function finish(label) {
    const failed = results.filter(([, e]) => e).length;
    console.log(`${label}: ${results.length - failed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
  }
  return { check, expect, finish };
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Runs axe-core in `frame` (a page or a frame) over `context` (a selector, or the whole
 * document) and returns its serious and critical violations. */
export async function axe(frame, context = null) {
  await frame.addScriptTag({ path: AXE });
  return frame.evaluate(async (within) => {
    const r = await window.axe.run(within ?? document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }, context);
}
