// Baseline for `passthrough`: lines in, the same lines out, batched per read chunk.
import { eachLineBatch } from './lines.mjs';

const NL = Buffer.from('\n');
await eachLineBatch(process.argv[2], (lines) => {
  const parts = new Array(lines.length * 2);
  for (let i = 0; i < lines.length; i++) {
    parts[2 * i] = lines[i];
    parts[2 * i + 1] = NL;
  }
  return Buffer.concat(parts);
});
