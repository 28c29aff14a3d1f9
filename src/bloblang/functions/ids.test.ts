import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message } from '../../core/message.js';
import { parseMapping } from '../index.js';
import { getFunction, type ExecContext } from '../registry.js';
import { SnowflakeNode } from './ids.js';

const ctx = { batch: [], index: 0, vars: {} } as unknown as ExecContext;
const EPOCH_MS = 1288834974657;

function decode(id: string): { ms: number; node: number; step: number } {
  const n = BigInt(id);
  return { ms: Number(n >> 22n) + EPOCH_MS, node: Number((n >> 12n) & 1023n), step: Number(n & 4095n) };
}

test('snowflake_id: 10,000 ids are unique, strictly increasing and carry the node id', () => {
  const def = getFunction('snowflake_id');
  assert.ok(def);
  const gen = def.build({ node_id: 7 });
  const before = Date.now();
  let prev = -1n;
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const id = gen(ctx) as string;
    assert.equal(typeof id, 'string');
    assert.match(id, /^[1-9][0-9]*$/);
    const n = BigInt(id);
    assert.ok(n > prev, `id ${i} increases`);
    prev = n;
    seen.add(id);
    assert.equal(decode(id).node, 7);
  }
  assert.equal(seen.size, 10_000);
  const last = decode(prev.toString());
  assert.ok(last.ms >= before && last.ms <= Date.now(), 'timestamp bits hold the current time');
});

test('snowflake_id defaults to node 1 and works in a mapping', () => {
  const r = parseMapping('root.a = snowflake_id()\nroot.b = snowflake_id(2)');
  assert.ok(r.mapping, r.diagnostics.map((d) => d.message).join('; '));
  const out = JSON.parse(r.mapping.mapPart([Message.fromBytes(Buffer.from('{}'))], 0)!.asString());
  assert.equal(typeof out.a, 'string');
  assert.equal(decode(out.a).node, 1);
  assert.equal(decode(out.b).node, 2);
});

test('snowflake_id rejects node ids outside 0..1023', () => {
  const def = getFunction('snowflake_id')!;
  assert.throws(() => def.build({ node_id: 1024 }), /Node number must be between 0 and 1023/);
  assert.throws(() => def.build({ node_id: -1 }), /Node number must be between 0 and 1023/);
  assert.doesNotThrow(() => def.build({ node_id: 0 }));
  assert.doesNotThrow(() => def.build({ node_id: 1023 }));
});

test('layout: ms since the Twitter epoch << 22 | node << 12 | sequence', () => {
  // A frozen clock at 2010-11-04T01:42:55.657Z is 1000 ms after the epoch.
  const node = new SnowflakeNode(5, () => EPOCH_MS + 1000);
  assert.equal(node.next(), (1000n << 22n) | (5n << 12n) | 0n);
  assert.equal(node.next(), (1000n << 22n) | (5n << 12n) | 1n);
});

test('sequence overflow waits for the next millisecond; a clock going backwards does not', () => {
  let now = EPOCH_MS + 10;
  let reads = 0;
  const node = new SnowflakeNode(0, () => {
    reads++;
    // Advance only once the generator has spun a while on an exhausted millisecond.
    if (reads > 4096 + 5) now = EPOCH_MS + 11;
    return now;
  });
  const ids: bigint[] = [];
  for (let i = 0; i < 4097; i++) ids.push(node.next());
  assert.equal(ids[4095] & 4095n, 4095n);
  assert.equal(ids[4096], 11n << 22n);

  let t = EPOCH_MS + 500;
  const backwards = new SnowflakeNode(3, () => t);
  const a = backwards.next();
  t -= 100;
  const b = backwards.next();
  assert.ok(b > a);
});
