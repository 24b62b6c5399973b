// End-to-end test of links and embeds on the release bundle: a fork's share link opens in
// a fresh browser with the same step and trace hash; the address follows the view (history
// entries for another run, none for scrubbing) and Back returns; bad links get notices
// shown as text; an embed inside a page of another origin renders at 400 × 300, autoplays
// within its step range, reports its height and has no inner scrollbars or console errors;
// the custom element and everything else work with dist/ under a sub-path; axe finds
// nothing serious in the embed.
import { createServer } from 'node:http';
import { serve, launch, watchErrors, checks, axe, LIVE_TABLE } from './serve.mjs';

const { check, expect, finish } = checks();

const { server, url } = await serve();
const sub = await serve('/courses/sync/scope/');
const browser = await launch();
const errors = [];

/** A page of a fresh browser context, its errors collected. */
async function fresh(viewport = { width: 1280, height: 1000 }) {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  errors.push(watchErrors(page));
  return page;
}
const stepOf = async (page) => Number((await page.locator('#step-label').textContent()).split(' ')[1].replaceAll(',', ''));
const metric = (page, name) => page.locator(`[data-metric="${name}"] dd`).textContent();
/** Serves `html` as a host page on a port (an origin) of its own. */
async function host(html) {
  const server = createServer((_, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(html); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

const hosts = [];
try {
  const page = await fresh();
  let shared = '';
  let sharedTrace = '';
  let sharedStep = 0;

  await check("a fork's Share link opens in a fresh browser at the same step, with the same trace hash", async () => {
    await page.goto(`${url}?scenario=email-conflict&strategy=lww`);
    await page.waitForSelector(LIVE_TABLE);
    await page.waitForSelector('#share');
    await page.click('#step-forward');
    await page.click('g.message[aria-label*="to warehouse"]');
    await page.click('#drop-message');
    expect(await page.locator('button.fork').count() === 2, 'the drop made a fork');
    await page.click('#step-forward');
    await page.click('#step-forward');
    await page.click('#share');
    await page.waitForFunction(() => document.querySelector('.share-status')?.textContent.includes('Copied the link'));
    shared = await page.inputValue('#share-text');
    expect(shared === await page.evaluate(() => navigator.clipboard.readText()), 'the clipboard holds the link shown');
    expect(shared.includes('changes=') && shared.includes('scenario=email-conflict'), shared);
    sharedStep = await stepOf(page);
    sharedTrace = await metric(page, 'Trace');
    const other = await fresh();
    await other.goto(shared);
    await other.waitForSelector(LIVE_TABLE);
    await other.waitForFunction(() => document.querySelectorAll('button.fork').length === 2);
    await other.waitForFunction((s) => document.querySelector('#step-label').textContent.startsWith(`Step ${s} `), sharedStep);
    expect(await other.getAttribute('button.fork >> nth=1', 'aria-pressed') === 'true', 'the fork is on show');
    const trace = await metric(other, 'Trace');
    expect(trace === sharedTrace, `trace: ${trace} vs ${sharedTrace}`);
    expect(await other.inputValue('#strategy') === 'lww', 'the strategy came with the link');
    expect(await other.locator('.notices li').count() === 0, 'no notice');
    await other.context().close();
  });

  await check('scrubbing replaces the address; another scenario is a history entry, and Back returns', async () => {
    const entries = await page.evaluate(() => history.length);
    await page.click('#step-back');
    await page.waitForFunction((s) => location.search.includes(`step=${s}&`), sharedStep - 1);
    expect(await page.evaluate(() => history.length) === entries, 'stepping added no history entry');
    await page.selectOption('#scenario', 'saga');
    await page.waitForFunction(() => location.search.includes('scenario=saga'));
    expect(await page.evaluate(() => history.length) === entries + 1, 'another scenario is an entry');
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('#scenario').value === 'email-conflict');
    await page.waitForFunction((s) => document.querySelector('#step-label').textContent.startsWith(`Step ${s} `), sharedStep - 1);
    expect(await page.locator('button.fork').count() === 2, 'the fork is back');
  });

  await check('a bad link opens with a notice per bad parameter, its text shown as text', async () => {
    const bad = await fresh();
    await bad.goto(`${url}?scenario=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&seed=x&speed=99`);
    await bad.waitForSelector(LIVE_TABLE);
    await bad.waitForSelector('.notices li');
    const notices = await bad.locator('.notices li span').allTextContents();
    expect(notices.length === 3, notices.join('\n'));
    expect(notices[0].includes('no scenario is called "<img src=x onerror=alert(1)>"'), notices[0]);
    expect(await bad.locator('.notices img').count() === 0, 'no element was made of the text');
    await bad.click('.notices li >> nth=0 >> button');
    expect(await bad.locator('.notices li').count() === 2, 'a notice is dismissed');
    expect(await bad.inputValue('#scenario') === 'baseline', 'the first scenario is shown');
    await bad.context().close();
  });

  await check('a link whose run now plays out differently says so', async () => {
    const stale = await fresh();
    await stale.goto(`${url}?scenario=saga&step=3&hash=0123456789abcdef`);
    await stale.waitForSelector('.notices li');
    const text = await stale.locator('.notices li').textContent();
    expect(text.includes('now play out differently') && text.includes('0123456789abcdef'), text);
    expect(await stepOf(stale) === 3, 'the step is shown anyway');
    await stale.context().close();
  });

  await check('an embed in a page of another origin: 400 × 300, autoplays within its range, reports its height', async () => {
    const from = 3, to = 9;
    const h = await host(`<!doctype html><title>Host</title><body style="margin:0">
      <iframe id="f" title="SyncScope" width="400" height="300" style="border:0"
        src="${url}?scenario=partition&speed=4&embed=1&autoplay=1&from=${from}&to=${to}"></iframe>
      <script>window.heights = []; addEventListener('message', (e) => e.data?.type === 'syncscope:height' && heights.push(e.data.height));</script>`);
    hosts.push(h);
    const hostPage = await fresh({ width: 480, height: 360 });
    const fetched = [];
    hostPage.on('request', (r) => fetched.push(r.url()));
    await hostPage.goto(h.url);
    const frame = hostPage.frameLocator('#f');
    await frame.locator('#step-label').waitFor();
    const inner = hostPage.frames().find((f) => f.url().startsWith(url));
    await inner.waitForFunction((to) => document.querySelector('#step-label').textContent.startsWith(`Step ${to} `)
      && document.querySelector('#play').getAttribute('aria-pressed') === 'false', to, { timeout: 30000 });
    const seen = await inner.evaluate(() => Number(document.querySelector('#scrubber').min));
    expect(seen === from, `the scrubber starts at ${seen}`);
    const heights = await hostPage.evaluate(() => window.heights);
    expect(heights.length > 0 && heights.at(-1) > 100 && heights.at(-1) <= 300, `heights ${heights}`);
    const fits = await inner.evaluate(() => [document.documentElement.scrollWidth, innerWidth, document.documentElement.scrollHeight, innerHeight]);
    expect(fits[0] <= fits[1] && fits[2] <= fits[3], `no inner scrollbars: ${fits}`);
    for (const hidden of ['.masthead', '#settings', '.inspector', '.share']) {
      expect(!(await inner.locator(hidden).isVisible()), `${hidden} is hidden`);
    }
    const open = await inner.getAttribute('.open-full', 'href');
    expect(open.includes('scenario=partition') && !open.includes('embed'), `Open in SyncScope: ${open}`);
    const found = await axe(inner);
    expect(found.length === 0, found.join('\n'));
    expect(!fetched.some((u) => u.includes('split_files')), 'an embed does not download the scenario reader');
    await hostPage.context().close();
  });

  await check('the embed fits 320 × 240, 400 × 300 and 640 × 420 with no inner scrollbar', async () => {
    for (const [width, height] of [[320, 240], [400, 300], [640, 420]]) {
      for (const scenario of ['baseline', 'saga', 'email-conflict']) {
        const p = await fresh({ width, height });
        await p.goto(`${url}?scenario=${scenario}&step=4&embed=1`);
        await p.waitForSelector('#app > .run-body:not([hidden]) .topology-svg');
        await p.waitForSelector('.open-full');
        const fits = await p.evaluate(() => [document.documentElement.scrollWidth, innerWidth, document.documentElement.scrollHeight, innerHeight]);
        expect(fits[0] <= fits[1] && fits[2] <= fits[3], `${scenario} at ${width} × ${height}: ${fits}`);
        await p.context().close();
      }
    }
  });

  await check("an embed's theme overrides the reader's system preference, and auto follows it", async () => {
    const background = async (theme, scheme) => {
      const p = await fresh({ width: 400, height: 300 });
      await p.emulateMedia({ colorScheme: scheme });
      await p.goto(`${url}?scenario=saga&embed=1${theme ? `&theme=${theme}` : ''}`);
      await p.waitForSelector('#app > .run-body:not([hidden]) .topology-svg');
      const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await p.context().close();
      return bg;
    };
    const [dark, light] = ['rgb(21, 24, 27)', 'rgb(247, 247, 244)'];
    expect(await background('dark', 'light') === dark, 'theme=dark on a light system');
    expect(await background('light', 'dark') === light, 'theme=light on a dark system');
    expect(await background(null, 'dark') === dark, 'no theme follows a dark system');
  });

  await check('the Embed button copies an iframe of this view; the page links its oEmbed description', async () => {
    const p = await fresh();
    await p.goto(`${url}?scenario=saga&step=3`);
    await p.waitForSelector('#embed');
    await p.check('#embed-autoplay');
    await p.click('#embed');
    await p.waitForFunction(() => document.querySelector('.share-status')?.textContent.includes('Copied the embed code'));
    const snippet = await p.inputValue('#share-text');
    expect(/^<iframe src="[^"]+scenario=saga&amp;step=3&amp;[^"]*embed=1&amp;autoplay=1" title="SyncScope: [^"]+" width="640" height="420" loading="lazy"/.test(snippet), snippet);
    const h = await host(`<!doctype html><title>Pasted</title><body>${snippet}</body>`);
    hosts.push(h);
    await p.goto(h.url);
    await p.frameLocator('iframe').locator('#app > .run-body:not([hidden]) .topology-svg').waitFor();
    await p.goto(url);
    const alternate = await p.getAttribute('link[rel="alternate"][type="application/json+oembed"]', 'href');
    const oembed = await (await fetch(new URL(alternate, url))).json();
    expect(oembed.version === '1.0' && oembed.type === 'rich' && oembed.html.includes('embed=1'), JSON.stringify(oembed));
    await p.context().close();
  });

  await check('dist/ under a sub-path: the page, a link, the panels and <syncscope-embed> work', async () => {
    const p = await fresh();
    await p.goto(`${sub.url}?scenario=saga&step=2`);
    await p.waitForSelector(LIVE_TABLE);
    await p.waitForSelector('#share');
    expect(await stepOf(p) === 2, 'the link was read');
    const h = await host(`<!doctype html><title>Course notes</title><body>
      <script src="${sub.url}syncscope-embed.js" defer></script>
      <syncscope-embed scenario="saga" from="0" to="6" autoplay height="500"></syncscope-embed>`);
    hosts.push(h);
    await p.goto(h.url);
    await p.waitForFunction(() => {
      const f = document.querySelector('syncscope-embed iframe');
      return f && f.style.height && f.style.height !== '500px';
    });
    const src = await p.getAttribute('syncscope-embed iframe', 'src');
    expect(src.startsWith(sub.url) && src.includes('embed=1') && src.includes('autoplay=1'), src);
    const inner = p.frames().find((f) => f.url().startsWith(sub.url));
    await inner.waitForSelector('#app > .run-body:not([hidden]) .topology-svg');
    await p.context().close();
  });

  await check('no console or page errors', async () => {
    const all = errors.flat();
    expect(all.length === 0, all.join('\n'));
  });
} finally {
  await browser.close();
  server.close();
  sub.server.close();
  for (const h of hosts) h.server.close();
}
finish('links and embeds');
