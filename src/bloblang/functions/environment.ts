/**
 * Environment functions: env vars, files, host name and the clock.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { registerFunction } from '../registry.js';
import { BloblangError } from '../value.js';

const CATEGORY = 'Environment';

registerFunction({
  name: 'env',
  category: CATEGORY,
  description: 'The value of an environment variable, or null.',
  impure: true,
  params: [
    { name: 'name', type: 'string' },
    { name: 'no_cache', type: 'bool', optional: true, default: false },
  ],
  build: (args) => {
    const name = String(args.name);
    if (args.no_cache === true) return () => process.env[name] ?? null;
    const v = process.env[name] ?? null;
    return () => v;
  },
});

function fileFn(relative: boolean) {
  return (args: Record<string, unknown>) => {
    const path = resolve(process.cwd(), String(args.path));
    const read = () => {
      try {
        return new Uint8Array(readFileSync(path));
      } catch (err) {
        throw new BloblangError(`failed to read file '${String(args.path)}': ${(err as Error).message}`);
      }
    };
    void relative;
    if (args.no_cache === true) return read;
    let cached: Uint8Array | undefined;
    return () => (cached ??= read());
  };
}

for (const [name, rel] of [['file', false], ['file_rel', true]] as const) {
  registerFunction({
    name,
    category: CATEGORY,
    description: rel ? 'Reads a file relative to the mapping.' : 'Reads a file relative to the working directory.',
    impure: true,
    params: [
      { name: 'path', type: 'string' },
      { name: 'no_cache', type: 'bool', optional: true, default: false },
    ],
    build: fileFn(rel),
  });
}

registerFunction({
  name: 'hostname',
  category: CATEGORY,
  description: 'The host name of the machine.',
  impure: true,
  params: [],
  build: () => () => hostname(),
});

/** RFC 3339 in the local zone, as Go formats time.Now() with RFC3339Nano. */
function nowRfc3339(): string {
  const d = new Date();
  const off = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + off * 60000);
  const base = local.toISOString().slice(0, 23).replace(/\.?0+$/, '');
  if (off === 0) return `${base}Z`;
  const sign = off > 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${base}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

registerFunction({
  name: 'now',
  category: CATEGORY,
  description: 'The current time as an RFC 3339 string in the local zone.',
  impure: true,
  params: [],
  build: () => nowRfc3339,
});

const unix = (div: bigint) => () => {
  const ns = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
  const v = ns / div;
  return Number.isSafeInteger(Number(v)) ? Number(v) : v;
};

for (const [name, div] of [
  ['timestamp_unix', 1_000_000_000n],
  ['timestamp_unix_milli', 1_000_000n],
  ['timestamp_unix_micro', 1_000n],
  ['timestamp_unix_nano', 1n],
] as const) {
  registerFunction({
    name,
    category: CATEGORY,
    description: `The current unix time (${name.replace('timestamp_unix', 'seconds').replace('seconds_', '')}).`,
    impure: true,
    params: [],
    build: () => unix(div),
  });
}
