// Prerenders the first view into the built page (release builds; scripts/post-build.mjs):
// opens the bundle in `dir` in headless Chromium, takes the run's body the moment the app
// shows its own first view (`ui::take_over`: the picture, the tables and the playback bar
// of the first scenario at step 0), and writes it into `dir`'s index.html in place of the
// "Starting the simulation…" note, inert. The page then shows its first view as soon as its
// HTML is painted, before any wasm arrives; the app draws its own out of sight and swaps
// it in when done, with nothing moving (e2e/explorer.mjs checks both).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const NOTE = /<p class="?shell-note"?>[^<]*<\/p>/;

/** Runs before the page's scripts: keeps the run's body as it is when it is first shown. */
const probe = () => {
  new MutationObserver((_, observer) => {
    const live = document.querySelector('#app > .run-body');
    if (live && !live.hidden) {
      observer.disconnect();
      // A form control's state is a property, which markup does not carry: the copy says it
      // with attributes (elements in the same order in both).
      const copy = live.cloneNode(true);
      const controls = (root) => root.querySelectorAll('input, option');
      const [from, to] = [controls(live), controls(copy)];
      from.forEach((control, i) => {
        if (control.tagName === 'OPTION') to[i].toggleAttribute('selected', control.selected);
        else if (control.type === 'checkbox' || control.type === 'radio') to[i].toggleAttribute('checked', control.checked);
        else to[i].setAttribute('value', control.value);
      });
      window.__firstView = copy.innerHTML;
      console.log('prerender: first view');
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden'] });
};

/** The app's markup made into an inert copy: ids (which the app's own elements keep), the
 * references to them, and Leptos's empty placeholder comments go. */
export function inertCopy(html) {
  return html
    .replace(/ (id|for|aria-labelledby|aria-describedby|aria-controls)="[^"]*"/g, '')
    .replace(/<!---->/g, '');
}

/** Prerenders the first view of the bundle in `dir` into its index.html. */
export async function prerender(dir) {
  process.env.DIST = dir.endsWith('/') ? dir : `${dir}/`;
  const { serve, launch, watchErrors } = await import('../e2e/serve.mjs');
  const indexPath = join(dir, 'index.html');
  const index = await readFile(indexPath, 'utf8');
  if (!NOTE.test(index)) throw new Error('prerender: index.html has no shell-note paragraph to replace');
  const { server, url } = await serve();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    await page.addInitScript(probe);
    const shown = page.waitForEvent('console', { predicate: (m) => m.text() === 'prerender: first view', timeout: 60000 });
    await page.goto(url);
    await shown;
    const html = await page.evaluate(() => window.__firstView);
    if (errors.length) throw new Error(`prerender: the page failed:\n${errors.join('\n')}`);
    if (!html.includes('record-table')) throw new Error('prerender: the first view has no record table');
    await writeFile(indexPath, index.replace(NOTE, () => `<div class=shell inert>${inertCopy(html)}</div>`));
  } finally {
    await browser.close();
    server.close();
  }
}
