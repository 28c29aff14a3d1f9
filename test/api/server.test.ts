/** The operational HTTP endpoints: /ping, /ready, /version, /metrics with Benthos's metric names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../src/library.js';
import { TestSink, TestSource, sinks, sources } from '../../src/testing/test_components.js';
import { silentLogger } from '../../src/core/logger.js';
import { waitFor } from '../../src/testing/wait.js';

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: r.status, body: await r.text() };
}

test('ping, version, ready and metrics', async () => {
  const source = new TestSource(['a', 'b', 'c'], false);
  const sink = new TestSink();
  sink.connectFailures = 1_000_000; // not ready until we let it connect
  sources.set('api-src', source);
  sinks.set('api-sink', sink);
  const handle = await runStream(
    {
      http: { address: '127.0.0.1:0' },
      input: { label: 'in_one', test_source: { id: 'api-src' } },
      pipeline: { processors: [{ label: 'upper', mapping: 'root = content().uppercase()' }] },
      output: { test_sink: { id: 'api-sink' } },
    },
    { logger: silentLogger },
  );
  const port = handle.api!.address.port;
  assert.equal(handle.api!.address.address, '127.0.0.1');
  assert.deepEqual(await get(port, '/ping'), { status: 200, body: 'pong' });
  assert.equal(JSON.parse((await get(port, '/version')).body).version, '0.1.0');
  assert.equal((await get(port, '/ready')).status, 503, 'not ready while the output cannot connect');
  sink.connectFailures = 0;
  await waitFor(() => sink.delivered.length === 3, 10_000, 'delivery after connecting');
  assert.equal((await get(port, '/ready')).status, 200);
  assert.equal((await get(port, '/sluice/ready')).status, 200, 'also served under root_path');
  const metrics = (await get(port, '/metrics')).body;
  assert.match(metrics, /^input_received\{label="in_one",path="root\.input"\} 3$/m);
  assert.match(metrics, /^processor_received\{label="upper",path="root\.pipeline\.processors\.0"\} 3$/m);
  assert.match(metrics, /^processor_sent\{label="upper",path="root\.pipeline\.processors\.0"\} 3$/m);
  assert.match(metrics, /^output_sent\{label="",path="root\.output"\} 3$/m);
  assert.match(metrics, /^output_connection_up\{label="",path="root\.output"\} 1$/m);
  assert.match(metrics, /^output_latency_ns_count\{label="",path="root\.output"\} 3$/m);
  assert.deepEqual(sink.delivered, ['A', 'B', 'C']);
  assert.equal((await get(port, '/nope')).status, 404);
  source.end();
  assert.equal(await handle.done, 0);
});
