// Lighthouse (pinned in bench/package.json) on the release bundle, served uncompressed on
// loopback by the same plain static server as the other browser checks: default mobile
// profile, simulated throttling. Prints the four category scores and LCP, TBT, FCP, CLS
// for each of three runs, then their medians (one run varies by a few points).
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from './serve.mjs';

const RUNS = 3;
const lighthouse = new URL('../bench/node_modules/.bin/lighthouse', import.meta.url).pathname;
const { server, url } = await serve();
const dir = mkdtempSync(join(tmpdir(), 'lighthouse-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const out = join(dir, `run-${i}.json`);
    // Asynchronous: the static server answers from this same process.
    const done = await new Promise((resolve) => {
      const child = spawn(lighthouse, [url, '--quiet', '--output=json', `--output-path=${out}`,
        `--chrome-path=${process.env.CHROMIUM ?? '/usr/bin/chromium'}`,
        '--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run',
        '--only-categories=performance,accessibility,best-practices,seo'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => { err += d; });
      child.on('close', (code) => resolve({ code, err }));
    });
    if (done.code !== 0) throw new Error(`lighthouse failed (${done.code}): ${done.err.slice(-2000)}`);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    const c = r.categories;
    const a = r.audits;
    const run = {
      performance: c.performance.score, accessibility: c.accessibility.score,
      'best-practices': c['best-practices'].score, seo: c.seo.score,
      lcp: a['largest-contentful-paint'].numericValue, tbt: a['total-blocking-time'].numericValue,
      fcp: a['first-contentful-paint'].numericValue, cls: a['cumulative-layout-shift'].numericValue,
    };
    runs.push(run);
    console.log(`lighthouse run ${i + 1}: performance ${run.performance}, accessibility ${run.accessibility}, ` +
      `best practices ${run['best-practices']}, SEO ${run.seo}; LCP ${(run.lcp / 1000).toFixed(2)} s, ` +
      `TBT ${run.tbt.toFixed(0)} ms, FCP ${(run.fcp / 1000).toFixed(2)} s, CLS ${run.cls.toFixed(3)}`);
  }
  const m = (k) => median(runs.map((r) => r[k]));
  console.log(`lighthouse median of ${RUNS}: performance ${m('performance')}, accessibility ${m('accessibility')}, ` +
    `best practices ${m('best-practices')}, SEO ${m('seo')}; LCP ${(m('lcp') / 1000).toFixed(2)} s, ` +
    `TBT ${m('tbt').toFixed(0)} ms, FCP ${(m('fcp') / 1000).toFixed(2)} s, CLS ${m('cls').toFixed(3)}`);
} finally {
  server.close();
}
