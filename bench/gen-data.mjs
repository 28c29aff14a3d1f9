#!/usr/bin/env node
// Writes the benchmark input: N NDJSON documents of about 200 bytes each, the same bytes on every run
// (a seeded PRNG, no clock), so figures from different machines and days measure the same work.
//
//   node bench/gen-data.mjs [--count 1000000] [--out bench/data/docs-1000000.ndjson] [--seed 42]
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';

const here = dirname(fileURLToPath(import.meta.url));

/** Where the data set of `count` documents lives (the runner uses the same name). */
export function dataPath(count) {
  return join(here, 'data', `docs-${count}.ndjson`);
}

/** mulberry32: tiny, fast, and good enough to vary field values; the point is determinism. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar'];
const LAST = ['smith', 'jones', 'garcia', 'miller', 'davis', 'lopez', 'wilson', 'moore', 'taylor', 'thomas'];
const TAGS = ['news', 'sport', 'tech', 'music', 'travel', 'food', 'spam', 'games', 'science', 'spam'];
const COUNTRIES = ['GB', 'FR', 'DE', 'US', 'JP', 'BR', 'IN', 'ES'];
// 2024-01-01T00:00:00Z; documents advance by up to 2 s so timestamps are ordered and realistic.
const EPOCH_MS = 1704067200000;

/** Document number `i` (0-based) as one JSON line without the newline. */
export function makeDoc(i, rnd, state) {
  state.ts += Math.floor(rnd() * 2000);
  const tagCount = 1 + Math.floor(rnd() * 4);
  const tags = [];
  for (let k = 0; k < tagCount; k++) tags.push(TAGS[Math.floor(rnd() * TAGS.length)]);
  const doc = {
    id: i + 1,
    user: {
      name: `${FIRST[Math.floor(rnd() * FIRST.length)]} ${LAST[Math.floor(rnd() * LAST.length)]}`,
      id: `u${(Math.floor(rnd() * 1e8) + 1e8).toString(36)}`,
      country: COUNTRIES[Math.floor(rnd() * COUNTRIES.length)],
      verified: rnd() < 0.5,
    },
    tags,
    price: Math.round(rnd() * 100000) / 100,
    qty: 1 + Math.floor(rnd() * 20),
    timestamp: new Date(EPOCH_MS + state.ts).toISOString(),
    session: (Math.floor(rnd() * 2 ** 32) + 2 ** 32).toString(16),
  };
  return JSON.stringify(doc);
}

export async function generate({ count, out, seed = 42 }) {
  mkdirSync(dirname(out), { recursive: true });
  const rnd = prng(seed);
  const state = { ts: 0 };
  const ws = createWriteStream(out);
  let bytes = 0;
  let buf = [];
  for (let i = 0; i < count; i++) {
    buf.push(makeDoc(i, rnd, state));
    if (buf.length === 4096 || i === count - 1) {
      const chunk = buf.join('\n') + '\n';
      bytes += Buffer.byteLength(chunk);
      buf = [];
      if (!ws.write(chunk)) await once(ws, 'drain');
    }
  }
  ws.end();
  await once(ws, 'finish');
  return { count, bytes, path: out };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : dflt;
  };
  const count = Number(arg('count', 1000000));
  const out = arg('out', dataPath(count));
  const seed = Number(arg('seed', 42));
  const t0 = Date.now();
  const r = await generate({ count, out, seed });
  console.log(`wrote ${r.count} documents, ${r.bytes} bytes (${(r.bytes / r.count).toFixed(0)} B/doc) to ${r.path} in ${Date.now() - t0} ms`);
}
