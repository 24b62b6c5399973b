// End-to-end test of the compare view on the release bundle: every strategy's run of
// email-conflict side by side, with the outcomes that differ (a lost update under last
// write wins, a conflict under version comparison, an escalation waiting), the button that
// goes to where they part, an escalation resolved in its pane, a fault that forks every
// pane, compare mode in the address and in an embed; a fork diffed with the original and
// with another strategy (diffWith= in the link), the runs as a tree; and axe finding
// nothing serious.
import { serve, launch, watchErrors, checks, axe, LIVE_TABLE } from './serve.mjs';

const { check, expect, finish } = checks();
const { server, url } = await serve();
const browser = await launch();
const errors = [];

async function fresh(viewport = { width: 1280, height: 1000 }) {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.setDefaultTimeout(15000);
  errors.push(watchErrors(page));
  return page;
}
const stepOf = async (page) => Number((await page.locator('#step-label').textContent()).split(' ')[1].replaceAll(',', ''));
/** The summary table's cells of the row of `strategy` (lww, version, …), by column title. */
async function summaryRow(page, strategy) {
  const heads = await page.locator('.compare-summary thead th').allTextContents();
  const cells = await page.locator(`.compare-summary tr[data-strategy=${strategy}] > *`).allTextContents();
  return Object.fromEntries(heads.map((h, i) => [h, cells[i]]));
}

try {
  const page = await fresh();
  await check('comparing email-conflict shows how each strategy ends, in a real table', async () => {
    await page.goto(`${url}?scenario=email-conflict`);
    await page.waitForSelector(LIVE_TABLE);
    await page.click('.compare-toggle button');
    await page.waitForSelector('.compare-summary tbody tr');
    const rows = await page.locator('.compare-summary tbody th[scope=row]').allTextContents();
    expect(rows.join('|') === 'Apply on arrival|Last write wins|Version comparison|Human escalation|Field-level merge', rows.join('|'));
    const lww = await summaryRow(page, 'lww');
    expect(lww['Lost updates'] === '1' && lww['Conflicts detected'] === '0', JSON.stringify(lww));
    const version = await summaryRow(page, 'version');
    expect(version['Lost updates'] === '0' && version['Conflicts detected'] === '1' && version.Converged === 'yes, at 130 ms', JSON.stringify(version));
    const escalate = await summaryRow(page, 'escalate');
    expect(escalate.Escalations === '1' && escalate.Converged === 'no', JSON.stringify(escalate));
    // Both sides changed the email: field-level merge has nothing to merge and asks a person.
    const merge = await summaryRow(page, 'merge');
    expect(merge.Escalations === '1' && merge.Merges === '0' && merge.Converged === 'no', JSON.stringify(merge));
    const headings = await page.locator('.compare .pane h3').allTextContents();
    expect(headings.length === 5, `pane headings: ${headings}`);
    await page.waitForFunction(() => location.search.includes('compare=1'));
  });

  await check('"Go to where they part" goes to 130 ms, where each strategy says what it did', async () => {
    const said = await page.locator('.compare .parting li').allTextContents();
    expect(said.length === 5, said.join('\n'));
    expect(said[1].includes('stale') && said[2].includes('conflict') && said[3].includes('person') && said[4].includes('person'), said.join('\n'));
    expect(said[0].includes('billing then holds email=ada@crm.example') && said[1].includes('billing then holds email=ada@billing.example'), said.join('\n'));
    await page.click('.jump-parting');
    await page.waitForFunction(() => document.querySelector('.compare .legend')?.textContent.includes('130 ms'));
    const step = await stepOf(page);
    // The command at 100 ms, the local write at 110, the two deliveries at 130.
    expect(step === 4, `step ${step}`);
    const escalations = await page.locator('.compare .pane-escalation').count();
    expect(escalations === 2, `escalations waiting in the panes at 130 ms: ${escalations}`);
    // The compact pictures: billing differs from the CRM under last write wins (it kept
    // its own write) and under escalation and field-level merge (waiting), not under the
    // other two.
    await page.waitForFunction(() => [...document.querySelectorAll('.compare .pane .legend')].every((p) => !p.textContent.startsWith('Step') || p.textContent.startsWith('Step 4')));
    const marked = await page.locator('.compare .pane').evaluateAll((panes) => panes.map((p) => p.querySelectorAll('.compact-picture rect.differs').length));
    expect(marked.join() === '0,1,0,1,1', `replicas marked as differing, per pane: ${marked}`);
  });

  await check('a fault injected while comparing forks every pane with the same change', async () => {
    await page.click('#to-start');
    await page.click('#step-forward');
    const lengths = () => page.locator('.compare .pane > .legend').allTextContents();
    const before = await lengths();
    await page.click('g.message[aria-label*="to warehouse"]');
    await page.click('#drop-message');
    // The dropped message is redelivered after its ack timeout: every run is longer.
    await page.waitForFunction((was) => {
      const now = [...document.querySelectorAll('.compare .pane > .legend')].map((p) => p.textContent);
      return now.length === was.length && now.every((t, i) => Number(t.split(' of ')[1]) > Number(was[i].split(' of ')[1]));
    }, before);
    await page.waitForFunction(() => location.search.includes('changes=') && location.search.includes('compare=1'));
    await page.waitForSelector('.compare-summary tbody tr');
    const problems = await page.locator('.compare .pane .run-error').allTextContents();
    expect(problems.length === 0, problems.join('\n'));
  });

  await check('an escalation is resolved in its pane, and that pane converges', async () => {
    await page.click('.jump-parting');
    await page.waitForSelector('.compare .pane-escalation');
    await page.click('.compare .pane-escalation button:first-of-type');
    await page.waitForFunction(() => document.querySelector('.compare-summary tr[data-strategy=escalate]')?.textContent.includes('yes, at'));
    const escalate = await summaryRow(page, 'escalate');
    expect(escalate.Converged.startsWith('yes'), JSON.stringify(escalate));
  });

  await check('a compare link opens in compare mode', async () => {
    const other = await fresh();
    await other.goto(`${url}?scenario=split-brain&compare=1`);
    await other.waitForSelector('.compare-summary tbody tr');
    const arrival = await summaryRow(other, 'arrival');
    const lww = await summaryRow(other, 'lww');
    expect(arrival['Lost updates'] === '1' && lww['Lost updates'] === '1', `${JSON.stringify(arrival)} ${JSON.stringify(lww)}`);
    await other.screenshot({ path: 'artifacts/compare.png', fullPage: true });
  });

  await check('field-merge: field-level merge keeps both fields of the first race and asks a person about the second', async () => {
    const other = await fresh();
    await other.goto(`${url}?scenario=field-merge&compare=1`);
    await other.waitForSelector('.compare-summary tbody tr');
    const merge = await summaryRow(other, 'merge');
    expect(merge.Merges === '2' && merge.Escalations === '1' && merge['Lost updates'] === '0', JSON.stringify(merge));
    const version = await summaryRow(other, 'version');
    expect(version['Conflicts detected'] === '2' && version.Merges === '0', JSON.stringify(version));
    const arrival = await summaryRow(other, 'arrival');
    expect(arrival['Lost updates'] === '2', JSON.stringify(arrival));
    // The scenario's own strategy is field-level merge, and the strategy menu says so.
    const chosen = await other.locator('#strategy').inputValue();
    expect(chosen === 'merge', `strategy menu: ${chosen}`);
  });

  await check('a fork diffed with the original: where they part, what differs, the tree, and the link', async () => {
    const diff = await fresh();
    await diff.goto(`${url}?scenario=email-conflict`);
    await diff.waitForSelector('#diff-with');
    await diff.click('#step-forward');
    await diff.click('g.message[aria-label*="to warehouse"]');
    await diff.click('#drop-message');
    await diff.selectOption('#diff-with', 'run:0');
    await diff.waitForSelector('.run-diff .parting');
    const parting = await diff.locator('.run-diff .parting').textContent();
    // The dropped message was due at the warehouse at 130 ms.
    expect(parting.includes('They part at 130 ms'), parting);
    const counts = await diff.locator('.diff-metrics tbody th').allTextContents();
    expect(counts.includes('dropped') && counts.includes('redelivered'), counts.join(', '));
    expect(await diff.locator('.run-tree .limb').count() === 2, 'two runs on the tree');
    await diff.waitForFunction(() => location.search.includes('diffWith=run:0'));
    const again = await fresh();
    await again.goto(diff.url());
    await again.waitForSelector('.run-diff .parting');
    expect((await again.locator('.run-diff .parting').textContent()).includes('They part at 130 ms'), 'the diff comes with the link');
    await again.selectOption('#diff-with', 'strategy:lww');
    await again.waitForFunction(() => document.querySelector('.diff-metrics')?.textContent.includes('lost updates'));
    await again.click('#diff-jump');
    const step = await stepOf(again);
    expect(step > 0, `went to where they part: step ${step}`);
    // Another scenario leaves the old one's forks behind: a diff with one of them ends,
    // a diff with another strategy stays.
    await diff.selectOption('#scenario', 'baseline');
    await diff.waitForFunction(() => !location.search.includes('diffWith'));
    expect(await diff.locator('#diff-with').inputValue() === '', 'no diff with a run of the old scenario');
    await again.selectOption('#scenario', 'baseline');
    await again.waitForFunction(() => location.search.includes('scenario=baseline'));
    expect(again.url().includes('diffWith=strategy:lww'), `the strategy diff stays: ${again.url()}`);
  });

  await check('an embed with compare=1 shows the summary and the panes, without the toggle', async () => {
    const embed = await fresh({ width: 640, height: 420 });
    await embed.goto(`${url}?scenario=email-conflict&embed=1&compare=1`);
    await embed.waitForSelector('.compare-summary tbody tr');
    expect(await embed.locator('.compare .pane h3').count() === 5, 'five panes');
    expect(!(await embed.locator('.compare-toggle').isVisible()), 'no toggle in an embed');
    expect(!(await embed.locator('.run-diff').isVisible()), 'no diff panel in an embed without diffWith');
  });

  await check('no serious or critical accessibility violations in the compare view (axe-core)', async () => {
    const found = await axe(page, '.compare');
    expect(found.length === 0, found.join('\n'));
  });

  await check('no console or page errors', async () => {
    const all = errors.flat();
    expect(all.length === 0, all.join('\n'));
  });
} finally {
  await browser.close();
  server.close();
}
finish("compare");
