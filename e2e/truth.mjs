// Every mark on the page agrees with the rest of it: all fourteen built-in scenarios under every
// strategy, at the first step, the middle and the end. No invariant mark contradicts a table
// badge, a metric or the narration; the mark, its screen-reader words and its data agree;
// and no system name from another scenario appears. Then long quiet stretches are skipped
// and said. Run after a release build (scripts/test does).
import { serve, launch, watchErrors, checks, LIVE_TABLE } from './serve.mjs';

const { check, expect, finish } = checks();

const MARKS = { holds: '✓', violated: '✗', does_not_apply: '–', not_yet_decided: '…' };
const WORDS = {
  holds: 'holds',
  violated: 'is violated',
  does_not_apply: 'does not apply to this run',
  not_yet_decided: 'is not decided yet',
};

const { server, url } = await serve();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
const errors = watchErrors(page);
page.setDefaultTimeout(15000);

// What the page says at the step on show, read in one go.
const read = () => page.evaluate(() => {
  const verdicts = {};
  for (const li of document.querySelectorAll('[data-invariant]')) {
    verdicts[li.dataset.invariant] = {
      verdict: li.dataset.verdict,
      mark: li.querySelector('.status').textContent,
      text: li.textContent,
      words: li.querySelector('.visually-hidden').textContent.trim(),
    };
  }
  const metric = (name) => document.querySelector(`[data-metric="${name}"] dd`)?.textContent ?? '';
  // Everything shown or announced about systems, links, messages, records and runs.
  let shown = '';
  for (const panel of document.querySelectorAll('.topology, .records, .faults, .why, .inspector, .inbox, .forks')) {
    shown += ' ' + panel.textContent;
    for (const e of panel.querySelectorAll('[title], [aria-label]')) {
      shown += ' ' + (e.getAttribute('title') ?? '') + ' ' + (e.getAttribute('aria-label') ?? '');
    }
  }
  return {
    verdicts,
    twice: document.querySelectorAll('.applied-twice').length,
    differs: document.querySelectorAll('li.differs').length,
    narration: document.querySelector('.narration').textContent,
    lost: Number(metric('Lost updates').replaceAll(',', '')),
    converged: metric('Converged'),
    pending: document.querySelectorAll('article.escalation').length,
    step: Number(document.querySelector('#step-label').textContent.split(' ')[1].replaceAll(',', '')),
    shown,
  };
});

try {
  await page.goto(url);
  await page.waitForSelector(LIVE_TABLE);
  const scenarios = await page.evaluate(() => [...document.querySelectorAll('#scenario option')]
    .map((o) => o.value).filter((v) => !v.startsWith('generated-load')));
  expect(scenarios.length === 14, `fourteen built-ins, found ${scenarios.length}: ${scenarios}`);
  // Every strategy the page offers, apply on arrival included.
  const strategies = await page.evaluate(() => [...document.querySelectorAll('#strategy option')].map((o) => o.value));
  expect(strategies.length === 5, `five strategies, found ${strategies}`);
  // Every system name and every word each scenario owns, from the engine's own JSON.
  const owned = {};
  for (const name of scenarios) {
    const s = await (await page.request.get(`${url}scenarios/${name}.json`)).json();
    const systems = [s.source, ...s.replicas.map((r) => r.name)];
    const words = new Set(systems);
    for (const r of s.records) {
      words.add(r.id);
      Object.keys(r.fields ?? {}).forEach((k) => words.add(k));
    }
    for (const step of s.script ?? []) Object.keys(step.set ?? {}).forEach((k) => words.add(k));
    owned[name] = { systems, words };
  }
  const allSystems = new Set(Object.values(owned).flatMap((o) => o.systems));

  for (const scenario of scenarios) {
    for (const strategy of strategies) {
      await check(`${scenario} under ${strategy}: every mark agrees, at the start, the middle and the end`, async () => {
        await page.selectOption('#scenario', scenario);
        await page.selectOption('#strategy', strategy);
        await page.click('#to-end');
        await page.waitForFunction(() => !document.querySelector('.recording'));
        await page.click('#to-end');
        const end = (await read()).step;
        for (const [where, at] of [['start', 0], ['middle', Math.floor(end / 2)], ['end', end]]) {
          await page.evaluate((t) => {
            const s = document.querySelector('#scrubber');
            s.value = String(t);
            s.dispatchEvent(new Event('input', { bubbles: true }));
          }, at);
          await page.waitForFunction((t) => document.querySelector('#step-label').textContent.startsWith(`Step ${t.toLocaleString('en-US')} `), at);
          // Panels follow the step on show in a task of their own: wait until the record
          // tables say they show this step and have drawn every table.
          await page.waitForFunction((t) => {
            const tables = document.querySelector('#app > .run-body:not([hidden]) .tables');
            return tables?.dataset.step === String(t) && tables.getAttribute('aria-busy') === 'false';
          }, at);
          const p = await read();
          const v = p.verdicts;
          const say = (m) => `${where} (step ${at}): ${m}`;
          for (const [name, x] of Object.entries(v)) {
            expect(MARKS[x.verdict] === x.mark, say(`${name}: mark ${x.mark} for ${x.verdict}`));
            expect(x.words === WORDS[x.verdict], say(`${name}: screen reader hears "${x.words}" for ${x.verdict}`));
          }
          if (at === 0) {
            for (const name of ['converges', 'finishes', 'no_lost_acknowledged_write']) {
              expect(v[name].verdict === 'not_yet_decided', say(`${name} is ${v[name].verdict} before anything happened`));
            }
          }
          if (p.twice > 0) {
            expect(v.exactly_once_apply.verdict !== 'holds', say('a ×2 badge beside exactly_once_apply holding'));
          }
          if (v.exactly_once_apply.text.includes('see the ×2 badges')) {
            expect(p.twice > 0, say('the why panel points at ×2 badges the tables do not show'));
          }
          if (p.lost > 0 || p.narration.includes('was lost without anyone being told')) {
            expect(v.no_lost_acknowledged_write.verdict === 'violated', say('a lost update while no_lost_acknowledged_write is not violated'));
          }
          if (v.converges.verdict === 'holds') {
            expect(p.differs === 0 && p.converged.startsWith('yes'), say(`converges holds with ${p.differs} differing cells, converged: ${p.converged}`));
          }
          if (v.converges.verdict === 'violated') {
            expect(p.differs > 0 || p.pending > 0, say('converges violated with nothing differing'));
          }
          if (p.converged.startsWith('yes')) {
            expect(v.converges.verdict === 'holds', say(`the metric says converged, the mark says ${v.converges.verdict}`));
          }
          const words = new Set(p.shown.split(/[^\p{L}\p{N}_-]+/u));
          for (const name of allSystems) {
            if (!owned[scenario].words.has(name)) {
              expect(!words.has(name), say(`"${name}" from another scenario is on the page`));
            }
          }
        }
      });
    }
  }

  await check('the documented fork breaks valid_lifecycle_transitions (order-lifecycle)', async () => {
    await page.selectOption('#scenario', 'order-lifecycle');
    await page.selectOption('#strategy', 'version');
    await page.click('#to-end');
    const verdict = () => page.getAttribute('[data-invariant=valid_lifecycle_transitions]', 'data-verdict');
    expect(await verdict() === 'holds', `before the fork: ${await verdict()}`);
    await page.click('g.system.replica[aria-label^="warehouse"]');
    const inputs = page.locator('fieldset.local-write input');
    await inputs.nth(0).fill('state');
    await inputs.nth(1).fill('Submitted');
    await page.click('#local-write');
    await page.click('#to-end');
    await page.waitForFunction(() => !document.querySelector('.recording'));
    await page.click('#to-end');
    expect(await verdict() === 'violated', `after the fork: ${await verdict()}`);
    const why = await page.locator('[data-invariant=valid_lifecycle_transitions]').textContent();
    expect(why.includes('back to Submitted'), why);
  });

  await check('a long quiet stretch is skipped and said (saga: two hours)', async () => {
    await page.selectOption('#scenario', 'saga');
    await page.click('#to-start');
    await page.selectOption('#speed', '2'); // 100 ms of system time a second
    await page.click('#play');
    await page.waitForFunction(() => (document.querySelector('#skip-note')?.textContent ?? '').includes('2 h later'), null, { timeout: 20000 });
    await page.click('#play');
    const time = Number((await page.locator('#time-label').textContent()).split(' ')[0]);
    expect(time > 7_000_000, `time after the skip: ${time} ms`);
  });

  await check('no console or page errors', async () => {
    expect(errors.length === 0, errors.join('\n'));
  });
} finally {
  await browser.close();
  server.close();
}

finish('e2e truth');
