// Shared by the plain-Node baselines: read a file in 64 KiB chunks (what Sluice's file input reads
// at a time), split it into lines by hand, hand each chunk's lines to `onBatch`, and write the
// returned bytes to stdout, waiting for 'drain' like any well-behaved stream writer.
import { createReadStream } from 'node:fs';
import { once } from 'node:events';

export async function eachLineBatch(path, onBatch) {
  const out = process.stdout;
  let carry = null;
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    const lines = [];
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      lines.push(buf.subarray(start, nl));
      start = nl + 1;
    }
    carry = start < buf.length ? buf.subarray(start) : null;
    if (lines.length > 0 && !out.write(onBatch(lines))) await once(out, 'drain');
  }
  if (carry && carry.length > 0 && !out.write(onBatch([carry]))) await once(out, 'drain');
}
