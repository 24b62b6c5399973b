// End-to-end test of the release bundle: a person's whole story through the explorer,
// keyboard-only playback, an axe-core accessibility audit, no console or page errors, and
// screenshots (light, dark, narrow) saved in artifacts/.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, watchErrors, checks, axe, LIVE_TABLE } from './serve.mjs';

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

const { check, expect, finish } = checks();

const { server, url } = await serve();
const browser = await launch();
await mkdir(ARTIFACTS, { recursive: true });

const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
const errors = watchErrors(page);
page.setDefaultTimeout(15000);
const metric = (name) => page.locator(`[data-metric="${name}"] dd`).textContent();
const step = async () => Number((await page.locator('#step-label').textContent()).split(' ')[1].replaceAll(',', ''));
const toEnd = async () => {
  await page.click('#to-end');
  await page.waitForFunction(() => !document.querySelector('.recording'));
  await page.click('#to-end');
};

try {
  await check('the release bundle renders the first scenario', async () => {
    await page.goto(url);
    await page.waitForSelector(LIVE_TABLE);
    expect(await page.locator('table.record-table').count() === 4, 'baseline shows 4 systems');
    expect(await page.locator('g.system').count() === 4, 'and draws them');
  });

  await check('the conflict scenario plays to its escalation', async () => {
    await page.selectOption('#scenario', 'email-conflict');
    await page.selectOption('#strategy', 'escalate');
    await page.selectOption('#speed', '3'); // real time
    await page.click('#play');
    await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false', null, { timeout: 10000 });
    expect(await page.locator('article.escalation').count() === 1, 'one conflict waits for a person');
    const billing = await page.locator('table[data-system=billing]').textContent();
    expect(billing.includes('ada@billing.example'), 'billing keeps its own email meanwhile');
  });

  await check('a duplicated message is absorbed with idempotency on', async () => {
    await page.click('#to-start');
    await page.click('#step-forward'); // the CRM's change leaves for both replicas
    await page.click('g.message[aria-label*="to warehouse"]');
    await page.click('#duplicate-message');
    await toEnd();
    expect(await metric('Duplicates absorbed') === '1', `absorbed: ${await metric('Duplicates absorbed')}`);
    expect((await page.locator('.narration').textContent()).includes('skipped a duplicate of evt-1'), 'the narration says so');
  });

  await check('with idempotency off the duplicate is applied twice', async () => {
    await page.uncheck('#idempotency');
    await page.click('#step-forward');
    await page.click('g.message[aria-label*="to warehouse"]');
    await page.click('#duplicate-message');
    await toEnd();
    expect(await metric('Duplicates applied twice') === '1', `applied twice: ${await metric('Duplicates applied twice')}`);
    expect((await page.locator('.narration').textContent()).includes('idempotency is off'), 'the narration says why');
  });

  await check('resolving the escalation converges every system', async () => {
    await page.click('button.take-replica');
    await toEnd();
    expect(await page.locator('article.escalation').count() === 0, 'the inbox is empty');
    expect((await metric('Converged')).startsWith('yes'), `converged: ${await metric('Converged')}`);
    expect(await page.locator('li.differs').count() === 0, 'no cell differs');
    expect(await page.locator('button.fork').count() === 3, 'original, duplicate fork, decision fork');
  });

  await check('keyboard alone plays, pauses and steps', async () => {
    await page.click('#to-start');
    await page.locator('h1').click(); // focus leaves the controls
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await step() === 2, `step ${await step()}`);
    await page.keyboard.press('ArrowLeft');
    expect(await step() === 1, `step ${await step()}`);
    await page.selectOption('#speed', '0');
    await page.locator('h1').click();
    await page.keyboard.press('Space');
    expect(await page.getAttribute('#play', 'aria-pressed') === 'true', 'Space plays');
    await page.keyboard.press('Space');
    expect(await page.getAttribute('#play', 'aria-pressed') === 'false', 'Space pauses');
    await page.keyboard.press('End');
    expect(await step() > 5, 'End jumps to the end');
  });

  await check('no serious or critical accessibility violations (axe-core)', async () => {
    const found = await axe(page);
    expect(found.length === 0, found.join('\n'));
  });

  await page.screenshot({ path: join(ARTIFACTS, 'explorer-light.png'), fullPage: true });
  await check('dark mode renders', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg === 'rgb(21, 24, 27)', `dark background, found ${bg}`);
    await page.screenshot({ path: join(ARTIFACTS, 'explorer-dark.png'), fullPage: true });
  });
  await check('readable at 360 px wide', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await page.screenshot({ path: join(ARTIFACTS, 'explorer-narrow.png'), fullPage: true });
  });

  await check('reduced motion keeps messages still but shows state changes', async () => {
    const still = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    const stillErrors = watchErrors(still);
    await still.goto(url);
    await still.waitForSelector(LIVE_TABLE);
    await still.selectOption('#scenario', 'email-conflict');
    await still.click('#step-forward');
    const dot = still.locator('g.message[aria-label^="evt-1 (customer-1 v2) to billing"]');
    const first = await dot.getAttribute('transform');
    // At 5 ms a second, 300 ms of real time moves the 30 ms trip on, and the quiet wait
    // for billing's write at 110 ms is skipped: a moving message would have moved.
    await still.selectOption('#speed', '0');
    await still.click('#play');
    await still.waitForTimeout(300);
    await still.click('#play');
    expect(await dot.count() === 1, 'the message is still in flight');
    const again = await dot.getAttribute('transform');
    expect(first === again, `the message moved: ${first} -> ${again}`);
    expect(Number((await still.locator('#time-label').textContent()).split(' ')[0]) > 100, 'time went on');
    expect(stillErrors.length === 0, stillErrors.join('\n'));
    await still.close();
  });

  await check('on a busy bus only the messages due soonest get buttons; a note says how to pick the others', async () => {
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await page.selectOption('#scenario', 'generated-load');
    await page.waitForFunction(() => !document.querySelector('.recording'), null, { timeout: 120000 });
    await page.evaluate(() => {
      const s = document.querySelector('#scrubber');
      s.value = String(Math.floor(Number(s.max) / 2));
      s.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForFunction(() => document.querySelectorAll('g.message').length > 0);
    const buttons = await page.locator('g.message').count();
    expect(buttons === 40, `${buttons} message buttons`);
    const note = await page.locator('.topology p.visually-hidden').textContent();
    const inFlight = Number((note.match(/any of the (\d+) in flight/) ?? [])[1]);
    expect(inFlight > 40, `the note: ${note}`);
  });

  await check('a jump in a long run moves the picture and the label at once, and the tables follow', async () => {
    // generated-load is longer than PANELS_FOLLOW_FROM: its panels follow in the next task.
    const { label, tablesThen } = await page.evaluate(async () => {
      const s = document.querySelector('#scrubber');
      const t = Math.floor(Number(s.max) / 3);
      const done = new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = r; c.port2.postMessage(0); });
      s.value = String(t);
      s.dispatchEvent(new Event('input', { bubbles: true }));
      await done;
      return { label: document.querySelector('#step-label').textContent, tablesThen: t };
    });
    expect(Number(label.split(' ')[1].replaceAll(',', '')) === tablesThen, `the label moved in the input's own task: ${label}`);
    await page.waitForFunction((t) => document.querySelector('.tables').dataset.step === String(t), tablesThen);
    await page.waitForFunction(() => document.querySelectorAll('g.message').length === 40);
    const shown = await page.locator('table.record-table tbody tr').count();
    expect(shown > 0, 'the tables show the step');
  });

  await check('the page paints its plain-HTML first view, then the app takes it over in place', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const freshErrors = watchErrors(fresh);
    // Holding the app's code back shows what a slow network shows until it arrives.
    let release;
    const held = new Promise((r) => { release = r; });
    await fresh.route('**/*.wasm', async (route) => { await held; await route.continue(); });
    await fresh.goto(url);
    await fresh.waitForSelector('.run-controls[inert]');
    await fresh.evaluate(() => {
      window.__shifted = 0;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__shifted += e.value; }).observe({ type: 'layout-shift', buffered: true });
    });
    const before = await fresh.locator('#scenario-description').boundingBox();
    const text = await fresh.locator('#scenario-description').textContent();
    expect(text.startsWith('The CRM is the source of truth'), `the copy describes the first scenario: ${text}`);
    expect(await fresh.locator('#scenario option').count() === 0, 'no live controls yet');
    // The prerendered first view: the playback bar, the picture and every table, inert.
    expect(await fresh.locator('#app > .shell[inert] table.record-table').count() === 4, 'the copy has a table per system');
    expect(await fresh.locator('#app > .shell g.system').count() === 4, 'and draws every system');
    expect(await fresh.locator('#app > .shell [id]').count() === 0, 'and leaves the ids to the app');
    const parts = ['.playback', '.stage'];
    const look = (root) => Promise.all(parts.map(async (part) =>
      fresh.screenshot({ clip: await fresh.locator(`${root} ${part}`).boundingBox(), fullPage: true })));
    const copy = await look('#app > .shell');
    release();
    await fresh.waitForSelector(LIVE_TABLE);
    await fresh.waitForSelector('#faults-title');
    const live = await look('#app > .run-body');
    parts.forEach((part, i) => expect(copy[i].equals(live[i]), `the app's ${part} looks exactly as the copy did`));
    expect(await fresh.locator('#app > .shell').count() === 0, 'the copy of the first view is gone');
    expect(await fresh.evaluate(() => window.__shifted) === 0, 'nothing moved when the app took over');
    const after = await fresh.locator('#scenario-description').boundingBox();
    expect(Math.abs(before.y - after.y) < 1 && Math.abs(before.height - after.height) < 1,
      `the description stays where it was: ${JSON.stringify(before)} then ${JSON.stringify(after)}`);
    expect(await fresh.locator('.run-controls[inert]').count() === 0, 'the copy of the settings is gone');
    await fresh.selectOption('#scenario', 'saga');
    expect((await fresh.locator('#scenario-description').textContent()).includes('saga'), 'the description follows the scenario');
    expect(freshErrors.length === 0, freshErrors.join('\n'));
    await fresh.close();
  });

  await check('an internal error shows the error panel with a reload button', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(url);
    await fresh.waitForSelector(LIVE_TABLE);
    // A panic aborts the wasm, which the page sees as a WebAssembly.RuntimeError.
    await fresh.evaluate(() => dispatchEvent(new ErrorEvent('error', { error: new WebAssembly.RuntimeError('unreachable') })));
    const panel = fresh.locator('#panic-panel[role=alertdialog]');
    expect(await panel.count() === 1, 'the panel is shown');
    expect((await panel.textContent()).includes('stopped because of an internal error'), 'and says what happened');
    expect(await fresh.evaluate(() => document.activeElement.textContent) === 'Reload the page', 'its button has focus');
    await fresh.close();
  });

  await check('the panels come in a wasm of their own; a failed download says so and is tried again', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const fetched = [];
    fresh.on('request', (r) => fetched.push(new URL(r.url()).pathname));
    let fail = true;
    await fresh.route('**/split_panels-*.wasm', (route) => (fail ? route.abort() : route.continue()));
    await fresh.goto(url);
    await fresh.waitForSelector(LIVE_TABLE);
    const alert = fresh.locator('.run-error[role=alert]', { hasText: 'could not be downloaded' });
    await alert.waitFor();
    expect(await fresh.locator('#faults-title').count() === 0, 'no panel is drawn without its code');
    expect(await fresh.locator('table.record-table').count() > 0, 'the picture and tables stay');
    // The other built-in scenarios come with the panels' code too.
    await fresh.selectOption('#scenario', 'saga');
    await fresh.locator('#settings-note', { hasText: '"saga" could not be downloaded' }).waitFor();
    expect(await fresh.locator('#scenario').inputValue() === 'baseline', 'the list shows the scenario still on show');
    expect((await fresh.locator('#scenario-description').textContent()).startsWith('The CRM is the source of truth'), 'and so does the description');
    fail = false;
    await alert.getByRole('button', { name: 'Try again' }).click();
    await fresh.waitForSelector('#faults-title');
    expect(await alert.count() === 0, 'the message goes once the panels are there');
    await fresh.selectOption('#scenario', 'saga');
    await fresh.waitForFunction(() => document.querySelector('#scenario-description').textContent.includes('saga'));
    const chunks = fetched.filter((p) => /split_panels-[0-9a-f]+\.wasm$/.test(p));
    // Tries: the first view's, choosing saga while it fails, "Try again" (choosing saga
    // then needs no fetch).
    expect(chunks.length === 3, `the panels' wasm was fetched once per try: ${chunks.join(', ')}`);
    await fresh.close();
  });

  await check('no console or page errors', async () => {
    expect(errors.length === 0, errors.join('\n'));
  });
} finally {
  await browser.close();
  server.close();
}

finish('e2e');
