// Trunk post-build hook (Trunk.toml), release builds only:
// - puts the panels' lazily loaded wasm into the bundle: scripts/bundle-tools/wasm-bindgen
//   split it off into target/wasm-split/, with the `__wasm_split.js` loader that fetches it.
//   Trunk does not know these files, so this hook optimises the wasm as Trunk does the main
//   one (wasm-opt -Oz), names it with a hash of its content as Trunk does, and puts the
//   loader into the app's JS;
// - builds the sweep's Web Worker into the bundle, in every build (scripts/build-worker);
// - minifies every JS file with terser (Trunk's own minifier stops at the wasm-bindgen
//   loader's `export default`, and the loader is downloaded before the app can start);
// - gives the app's imports from its JS glue short names (shortenImports);
// - writes a hash of the worker's files into the worker's address in the app (versionWorker);
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

/** Reads an unsigned LEB128 number at `at` in `bytes`: [value, where it ends]. */
function leb(bytes, at) {
  let value = 0, shift = 0, byte;
  do { byte = bytes[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return [value, at];
}
/** `value` as unsigned LEB128 bytes. */
function lebBytes(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

/**
 * wasm-bindgen names each function the app imports from its JS glue `__wbg_<name>_<hash>`
 * (16 hex digits), and every name is written twice: in the wasm's import section and as a
 * key in the JS. About 180 of them made some 4 KB of the first download, mostly hex digits
 * that do not compress. This renames them `a0`, `a1`, … in both. Only the app's own wasm
 * imports them (the split-off parts import from it, not from the glue).
 */
async function shortenImports(dir) {
  const names = await readdir(dir);
  const wasmName = names.find((n) => /^syncscope-app-[0-9a-f]+_bg\.wasm$/.test(n));
  const jsName = names.find((n) => /^syncscope-app-[0-9a-f]+\.js$/.test(n));
  if (!wasmName || !jsName) return;
  const bytes = await readFile(join(dir, wasmName));
  const parts = [bytes.subarray(0, 8)];
  const renamed = new Map();
  for (let at = 8; at < bytes.length;) {
    const start = at;
    const id = bytes[at++];
    const [size, body] = leb(bytes, at);
    at = body + size;
    if (id !== 2) {
      parts.push(bytes.subarray(start, at));
      continue;
    }
    const [count, first] = leb(bytes, body);
    const entries = [];
    let p = first;
    const readName = () => {
      const [length, from] = leb(bytes, p);
      p = from + length;
      return bytes.subarray(from, p).toString();
    };
    for (let i = 0; i < count; i++) {
      const module = readName();
      let field = readName();
      const descStart = p;
      const kind = bytes[p++];
      if (kind === 0) p = leb(bytes, p)[1];
      else if (kind === 1) { p++; const flags = bytes[p++]; p = leb(bytes, p)[1]; if (flags & 1) p = leb(bytes, p)[1]; }
      else if (kind === 2) { const flags = bytes[p++]; p = leb(bytes, p)[1]; if (flags & 1) p = leb(bytes, p)[1]; }
      else if (kind === 3) p += 2;
      else throw new Error(`import kind ${kind} is not one this hook knows`);
      if (module === './syncscope-app_bg.js' && /^__wbg_/.test(field)) {
        const short = `a${renamed.size.toString(36)}`;
        renamed.set(field, short);
        field = short;
      }
      const text = (s) => Buffer.concat([lebBytes(Buffer.byteLength(s)), Buffer.from(s)]);
      entries.push(Buffer.concat([text(module), text(field), bytes.subarray(descStart, p)]));
    }
    const section = Buffer.concat([lebBytes(count), ...entries]);
    parts.push(Buffer.from([2]), lebBytes(section.length), section);
  }
  let js = await readFile(join(dir, jsName), 'utf8');
  for (const [long, short] of renamed) {
    if (js.split(long).length !== 2) throw new Error(`${long} is not in ${jsName} exactly once`);
    js = js.replace(long, short);
  }
  await writeFile(join(dir, wasmName), Buffer.concat(parts));
  await writeFile(join(dir, jsName), js);
}

/**
 * The app starts the sweep's worker at `sweep-worker.js?v=` and sixteen zeros
 * (src/ui/sweep/pool.rs). This writes the first sixteen hex digits of a hash of the
 * worker's files (as minified) over the zeros, in whichever of the bundle's wasm holds
 * them: the same length, so nothing else in the wasm moves.
 */
async function versionWorker(dir) {
  const files = ['sweep-worker.js', 'sweep-engine.js', 'sweep-engine.wasm'];
  const hash = createHash('sha256');
  for (const f of files) hash.update(await readFile(join(dir, f)));
  const version = Buffer.from(hash.digest('hex').slice(0, 16));
  const placeholder = Buffer.from('sweep-worker.js?v=0000000000000000');
  let found = 0;
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.wasm'))) {
    const bytes = await readFile(join(dir, name));
    const before = found;
    for (let at = bytes.indexOf(placeholder); at >= 0; at = bytes.indexOf(placeholder, at + 1)) {
      version.copy(bytes, at + placeholder.length - version.length);
      found++;
    }
    if (found > before) await writeFile(join(dir, name), bytes);
  }
  if (found !== 1) throw new Error(`the worker's address is in the bundle ${found} times, not once`);
}

// Before the JS is minified, so that its loader is too.
execFileSync('bash', ['scripts/build-worker'], { stdio: 'inherit' });

/** Classic scripts (not modules): their top-level names are globals other scripts use. */
const CLASSIC = ['sweep-engine.js', 'sweep-worker.js', 'syncscope-embed.js'];

if (process.env.TRUNK_PROFILE === 'release') {
  const dir = process.env.TRUNK_STAGING_DIR;
  const splitDir = join(process.env.TRUNK_SOURCE_DIR ?? '.', 'target', 'wasm-split');
  const scripts = (await readdir(dir)).filter((n) => n.endsWith('.js'));
  if (existsSync(join(splitDir, LOADER))) {
    for (const name of scripts) await placeSplit(dir, splitDir, name);
  }
  await shortenImports(dir);
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.js'))) {
    const path = join(dir, name);
    const module = !CLASSIC.includes(name);
    const { code } = await minify(await readFile(path, 'utf8'), { module, compress: { passes: 2 }, mangle: true });
    await writeFile(path, code);
  }
  await versionWorker(dir);
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
