// Trunk post-build hook (Trunk.toml): minifies the wasm-bindgen JS loader of a release
// build with terser. Trunk's own minifier stops at the loader's `export default`, and the
// loader is downloaded before the app can start.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { minify } from 'terser';

if (process.env.TRUNK_PROFILE === 'release') {
  const dir = process.env.TRUNK_STAGING_DIR;
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.js'))) {
    const path = join(dir, name);
    const { code } = await minify(await readFile(path, 'utf8'), { module: true, compress: { passes: 2 }, mangle: true });
    await writeFile(path, code);
  }
}
