// Removes the custom sections that `--emit-relocs` (scripts/release-env, for the app's
// wasm-split) leaves in a wasm that is not split: `linking` and `reloc.*`. wasm-opt cannot
// drop them, and they are a third of the sweep worker's wasm. Usage: node strip-relocs.mjs FILE
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
const bytes = readFileSync(file);
const leb = (at) => {
  let value = 0, shift = 0, byte;
  do { byte = bytes[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return [value, at];
};
const kept = [bytes.subarray(0, 8)];
for (let at = 8; at < bytes.length;) {
  const start = at;
  const id = bytes[at++];
  const [size, body] = leb(at);
  at = body + size;
  if (id === 0) {
    const [length, name] = leb(body);
    const title = bytes.subarray(name, name + length).toString();
    if (title === 'linking' || title.startsWith('reloc.')) continue;
  }
  kept.push(bytes.subarray(start, at));
}
writeFileSync(file, Buffer.concat(kept));
