// Trunk post-build hook (Trunk.toml), release builds only:
// - puts the panels' lazily loaded wasm into the bundle: scripts/bundle-tools/wasm-bindgen
//   split it off into target/wasm-split/, with the `__wasm_split.js` loader that fetches it.
//   Trunk does not know these files, so this hook optimises the wasm as Trunk does the main
//   one (wasm-opt -Oz), names it with a hash of its content as Trunk does, and puts the
//   loader into the app's JS;
// - minifies every JS file with terser (Trunk's own minifier stops at the wasm-bindgen
//   loader's `export default`, and the loader is downloaded before the app can start);
// - prerenders the first view into index.html (scripts/prerender.mjs);
// - and, in every build, writes the site's address into oembed.json.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { minify } from 'terser';
import { prerender } from './prerender.mjs';

const LOADER = '__wasm_split.js';
const hashed = (stem, ext, bytes) =>
  `${stem}-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}${ext}`;

/**
 * Copies the split-off wasm from `splitDir` into `dir` and puts its loader into the app's
 * JS `mainJs`, which imports it: a separate file would be one more request, made only once
 * the app's JS has been read, before the app can start.
 */
async function placeSplit(dir, splitDir, mainJs) {
  const mainPath = join(dir, mainJs);
  const main = await readFile(mainPath, 'utf8');
  // wasm-bindgen imports the loader once per split module, under a name each.
  const importLines = [...main.matchAll(new RegExp(`^import \\* as (\\w+) from "\\./${LOADER.replace('.', '\\.')}";?$`, 'gm'))];
  if (importLines.length === 0) return; // built without split points
  const importLine = importLines[0];
  let loader = await readFile(join(splitDir, LOADER), 'utf8');
  const stem = mainJs.replace(/-[0-9a-f]+\.js$/, '');
  for (const name of await readdir(splitDir)) {
    if (!name.endsWith('.wasm') || name === `${stem}.wasm`) continue;
    const optimised = join(splitDir, `${name}.opt`);
    execFileSync('wasm-opt', ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
      '--enable-sign-ext', '--enable-mutable-globals', join(splitDir, name), '-o', optimised]);
    const bytes = await readFile(optimised);
    const target = hashed(name.replace(/\.wasm$/, ''), '.wasm', bytes);
    await writeFile(join(dir, target), bytes);
    loader = loader.replaceAll(`"./${name}"`, `"./${target}"`);
  }
  // The loader imports the app's `initSync`, which the app's JS defines itself; its exports
  // become the object the app's JS imported it as.
  const exported = [...loader.matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
  if (!/^import \{ initSync \} from "[^"]+";$/m.test(loader) || exported.length === 0) {
    throw new Error(`${LOADER} is not shaped as this hook expects (wasm-split-cli changed?)`);
  }
  loader = loader.replace(/^import \{ initSync \} from "[^"]+";$/m, '').replace(/^export const /gm, 'const ');
  const inlined = `const ${importLine[1]} = (() => {\n${loader}\nreturn { ${exported.join(', ')} };\n})();\n`
    + importLines.slice(1).map((line) => `const ${line[1]} = ${importLine[1]};\n`).join('');
  let withoutImports = main;
  for (const line of importLines) withoutImports = withoutImports.replace(line[0], '');
  await writeFile(mainPath, withoutImports + inlined);
}

if (process.env.TRUNK_PROFILE === 'release') {
  const dir = process.env.TRUNK_STAGING_DIR;
  const splitDir = join(process.env.TRUNK_SOURCE_DIR ?? '.', 'target', 'wasm-split');
  const scripts = (await readdir(dir)).filter((n) => n.endsWith('.js'));
  if (existsSync(join(splitDir, LOADER))) {
    for (const name of scripts) await placeSplit(dir, splitDir, name);
  }
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.js'))) {
    const path = join(dir, name);
    const { code } = await minify(await readFile(path, 'utf8'), { module: true, compress: { passes: 2 }, mangle: true });
    await writeFile(path, code);
  }
  await prerender(dir);
}

// The oEmbed description's frame points at the site dist/ is served from, when the build
// is told it (SYNCSCOPE_SITE=https://example.org/syncscope/); else at the page beside it.
{
  const dir = process.env.TRUNK_STAGING_DIR;
  const path = join(dir, 'oembed.json');
  if (existsSync(path)) {
    const site = JSON.stringify(process.env.SYNCSCOPE_SITE ?? './').slice(1, -1).replaceAll('"', '&quot;');
    await writeFile(path, (await readFile(path, 'utf8')).replaceAll('{site}', site));
  }
}
