/**
 * redis_hash (output) and redis_scan (input) against the real Redis on 127.0.0.1:6379.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import '../../src/components/index.js';
import { requireService, sinks, TestSink } from '../../src/testing/index.js';
import { runStream } from '../../src/library.js';
import { silentLogger } from '../../src/core/logger.js';

const URL = 'redis://127.0.0.1:6379';
const skip = await requireService('redis', 6379);
let seq = 0;
const uniq = (what: string): string => `sluice_rm_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;
let redis: Redis | undefined;
const admin = (): Redis => (redis ??= new Redis({ host: '127.0.0.1', port: 6379 }));

if (skip) {
  test('redis_hash / redis_scan integration', { skip }, () => {});
} else {
  after(() => redis?.disconnect());

  test('redis_hash: metadata, then the JSON object, then explicit fields, later ones win', async () => {
    const base = uniq('hash');
    const h = await runStream(
      {
        http: { enabled: false },
        input: {
          generate: {
            count: 2,
            interval: '',
            mapping: 'root = {"id": counter(), "name": "n" + counter().string(), "tags": ["a"], "source": "body"}\nmeta source = "meta"\nmeta only_meta = "m"',
          },
        },
        output: {
          redis_hash: {
            url: URL,
            key: `${base}:\${! this.id }`,
            walk_metadata: true,
            walk_json_object: true,
            fields: { name: '${! this.name.uppercase() }', fixed: 'yes' },
          },
        },
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0);
    assert.deepEqual(await admin().hgetall(`${base}:2`), {
      id: '2',
      name: 'N2',
      tags: '["a"]',
      source: 'body',
      only_meta: 'm',
      fixed: 'yes',
    });
    await admin().del(`${base}:1`, `${base}:2`);
  });

  test('redis_scan: every matching string key as {"key","value"}, then the input ends', async () => {
    const base = uniq('scan');
    const keys = Array.from({ length: 250 }, (_, i) => `${base}:${i}`);
    await admin().mset(...keys.flatMap((k, i) => [k, `v${i}`]));
    await admin().rpush(`${base}:list`, 'not a string key');
    await admin().set(`other_${base}`, 'not matched');
    const sink = new TestSink();
    sinks.set(base, sink);
    const h = await runStream(
      { http: { enabled: false }, input: { redis_scan: { url: URL, match: `${base}:*` } }, output: { test_sink: { id: base } } },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0, 'the input ended by itself');
    const got = sink.delivered.map((t) => JSON.parse(t) as { key: string; value: string });
    assert.equal(got.length, 250);
    assert.deepEqual(new Set(got.map((g) => g.key)), new Set(keys));
    assert.ok(got.every((g) => g.value === `v${g.key.split(':')[1]}`));
    await admin().del(...keys, `${base}:list`, `other_${base}`);
  });
}
