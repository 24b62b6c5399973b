// Trunk post-build hook (Trunk.toml), release builds only:
// - puts the panels' lazily loaded wasm into the bundle: scripts/bundle-tools/wasm-bindgen
//   split it off into target/wasm-split/, with the `__wasm_split.js` loader that fetches it.
//   Trunk does not know these files, so this hook optimises the wasm as Trunk does the main
//   one (wasm-opt -Oz), gives both a content hash in their names as Trunk does, and points
//   the loader and the main JS at each other's hashed names;
// - minifies every JS file with terser (Trunk's own minifier stops at the wasm-bindgen
//   loader's `export default`, and the loader is downloaded before the app can start).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { minify } from 'terser';

const LOADER = '__wasm_split.js';
const hashed = (stem, ext, bytes) =>
  `${stem}-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}${ext}`;

/** Copies the split-off wasm and its loader from `splitDir` into `dir`, next to `mainJs`. */
async function placeSplit(dir, splitDir, mainJs) {
  const mainPath = join(dir, mainJs);
  const main = await readFile(mainPath, 'utf8');
  if (!main.includes(`from "./${LOADER}"`)) return; // built without split points
  const mainStem = mainJs.replace(/-[0-9a-f]+\.js$/, '');
  let loader = await readFile(join(splitDir, LOADER), 'utf8');
  loader = loader.replace(/from "\.\/[^"]+\.js"/, `from "./${mainJs}"`);
  for (const name of await readdir(splitDir)) {
    if (!name.endsWith('.wasm') || name === `${mainStem}.wasm`) continue;
    const optimised = join(splitDir, `${name}.opt`);
    execFileSync('wasm-opt', ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
      '--enable-sign-ext', '--enable-mutable-globals', join(splitDir, name), '-o', optimised]);
    const bytes = await readFile(optimised);
    const target = hashed(name.replace(/\.wasm$/, ''), '.wasm', bytes);
    await writeFile(join(dir, target), bytes);
    loader = loader.replaceAll(`"./${name}"`, `"./${target}"`);
  }
  const loaderName = hashed(LOADER.replace(/\.js$/, ''), '.js', loader);
  await writeFile(join(dir, loaderName), loader);
  await writeFile(mainPath, main.replace(`from "./${LOADER}"`, `from "./${loaderName}"`));
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
}
