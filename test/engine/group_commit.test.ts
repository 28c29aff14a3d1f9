/**
 * The batched hot path: an input that hands over every transaction it already holds
 * (`readReady`) and an output that writes the batches queued behind a busy write in one go
 * (`writeMany`). Each source batch must still be acknowledged on its own and only after the
 * write that held it completed; back pressure must stay bounded; a failed group must not fail
 * batches that can be delivered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../src/library.js';
import { registerInput, registerOutput, field, objectConfig, maxInFlightField, Message, PermanentError, type Input, type InputBatch, type Output } from '../../src/plugin/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { GROUP_MAX } from '../../src/engine/managed_output.js';

/** A source of one-message batches that can hand over every remaining one at once. */
class ReadySource {
  next = 0;
  readonly acked: string[] = [];
  readonly nacked: string[] = [];
  /** How many batches were taken through readReady rather than read(). */
  takenReady = 0;
  private readonly redeliver: string[] = [];
  constructor(
    readonly items: string[],
    private readonly sink: GroupSink,
  ) {}

  get read(): number {
    return this.next;
  }

  private take(): InputBatch | null {
    const again = this.redeliver.shift();
    const item = again ?? this.items[this.next];
    if (item === undefined) return null;
    if (again === undefined) this.next++;
    return {
      messages: [Message.fromString(item)],
      ack: (err?: Error) => {
        if (err) {
          this.nacked.push(item);
          this.redeliver.push(item);
          return;
        }
        // The promise under test: nothing is acknowledged before the output confirmed it.
        if (!this.sink.seen.has(item)) throw new Error(`${item} acknowledged before it was delivered`);
        this.acked.push(item);
      },
    };
  }

  input(): Input {
    return {
      connect: async () => {},
      read: async () => this.take(),
      readReady: (max: number) => {
        const out: InputBatch[] = [];
        while (out.length < max) {
          const b = this.take();
          if (!b) break;
          out.push(b);
        }
        this.takenReady += out.length;
        return out;
      },
      close: async () => {},
    };
  }
}

/** An output with group commit that records each write and can stall or fail. */
class GroupSink {
  readonly delivered: string[] = [];
  readonly seen = new Set<string>();
  /** Batches per writeMany call. */
  readonly groups: number[] = [];
  singleWrites = 0;
  stall: Promise<void> | undefined;
  private release: (() => void) | undefined;
  /** Fail this many writeMany calls (transient). */
  failGroups = 0;
  /** Writes of a batch holding this item fail for good. */
  poison: string | undefined;

  stallWrites(): void {
    this.stall = new Promise((r) => (this.release = r));
  }
  resume(): void {
    this.stall = undefined;
    this.release?.();
  }

  private async deliver(batches: Message[][]): Promise<void> {
    while (this.stall) await this.stall;
    // An asynchronous destination: let more batches queue meanwhile.
    await new Promise((r) => setImmediate(r));
    for (const b of batches) for (const m of b) if (m.asString() === this.poison) throw new PermanentError('E_TEST', `poisoned: ${this.poison}`);
    for (const b of batches) {
      for (const m of b) {
        this.delivered.push(m.asString());
        this.seen.add(m.asString());
      }
    }
  }

  output(maxInFlight: number): Output {
    return {
      maxInFlight,
      connect: async () => {},
      write: async (batch) => {
        this.singleWrites++;
        await this.deliver([batch]);
      },
      writeMany: async (batches) => {
        if (this.failGroups > 0) {
          this.failGroups--;
          throw new Error('planned group failure');
        }
        this.groups.push(batches.length);
        await this.deliver(batches);
      },
      close: async () => {},
    };
  }
}

const sources = new Map<string, ReadySource>();
const sinks = new Map<string, GroupSink>();

registerInput(
  { name: 'ep_ready_source', summary: 'test input with readReady', config: objectConfig([field.string('id', 'source id')]) },
  (conf: { id: string }) => sources.get(conf.id)!.input(),
);
registerOutput(
  { name: 'ep_group_sink', summary: 'test output with writeMany', config: objectConfig([field.string('id', 'sink id'), maxInFlightField(1)]) },
  (conf: { id: string; max_in_flight: number }) => sinks.get(conf.id)!.output(conf.max_in_flight),
);

function setup(id: string, n: number): { source: ReadySource; sink: GroupSink } {
  const sink = new GroupSink();
  const source = new ReadySource(
    Array.from({ length: n }, (_, i) => `${id}-${i}`),
    sink,
  );
  sources.set(id, source);
  sinks.set(id, sink);
  return { source, sink };
}

async function run(id: string, extra: Record<string, unknown> = {}, maxInFlight = 1): Promise<number> {
  const h = await runStream(
    { http: { enabled: false }, input: { ep_ready_source: { id } }, output: { ep_group_sink: { id, max_in_flight: maxInFlight } }, ...extra },
    { logger: silentLogger },
  );
  return h.done;
}

test('ready transactions are taken in runs and written in groups; each is acked once, after its group was written, in order', async () => {
  const { source, sink } = setup('gc-order', 5000);
  assert.equal(await run('gc-order', { pipeline: { threads: 1 } }), 0);
  assert.deepEqual(sink.delivered, source.items, 'every message once, in order (max_in_flight 1)');
  assert.deepEqual(source.acked, source.items);
  assert.ok(source.takenReady > 0, 'transactions were taken through readReady');
  assert.ok(sink.groups.some((g) => g > 1), `batches queued behind a busy write went out together (groups: ${sink.groups.slice(0, 10).join(',')})`);
  assert.ok(Math.max(...sink.groups) <= GROUP_MAX);
});

test('a stalled group-commit output stops the input: reads stay under max_in_flight + GROUP_MAX + threads + 1', async () => {
  const maxInFlight = 2;
  const threads = 2;
  const n = 20_000;
  const { source, sink } = setup('gc-stall', n);
  sink.stallWrites();
  const h = await runStream(
    { http: { enabled: false }, input: { ep_ready_source: { id: 'gc-stall' } }, pipeline: { threads }, output: { ep_group_sink: { id: 'gc-stall', max_in_flight: maxInFlight } } },
    { logger: silentLogger },
  );
  await new Promise((r) => setTimeout(r, 300));
  const readWhileStalled = source.read;
  sink.resume();
  assert.equal(await h.done, 0);
  const bound = maxInFlight + GROUP_MAX + threads + 1;
  assert.ok(readWhileStalled <= bound, `read ${readWhileStalled} while stalled; bound is ${bound}`);
  assert.ok(readWhileStalled > maxInFlight, 'batches did queue behind the stalled writes');
  assert.equal(new Set(sink.delivered).size, n);
  assert.equal(sink.delivered.length, n, 'no duplicates');
  assert.equal(source.acked.length, n);
});

test('a failed group is written batch by batch: a transient failure loses nothing, a poisoned batch fails alone', async () => {
  const { source, sink } = setup('gc-fail', 3000);
  sink.failGroups = 3;
  sink.poison = 'gc-fail-1234';
  const h = await runStream(
    { http: { enabled: false }, input: { ep_ready_source: { id: 'gc-fail' } }, output: { ep_group_sink: { id: 'gc-fail' } }, shutdown_timeout: '2s' },
    { logger: silentLogger },
  );
  // The poisoned message is nacked and redelivered (by this source) forever: stop once the rest is in.
  const deadline = Date.now() + 20_000;
  while (sink.delivered.length < 2999 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await h.stop();
  assert.equal(sink.failGroups, 0, 'the planned group failures happened');
  assert.ok(sink.singleWrites > 0, 'failed groups were retried one batch at a time');
  const want = source.items.filter((x) => x !== sink.poison);
  assert.deepEqual([...sink.delivered].sort(), [...want].sort(), 'everything but the poisoned message, each once');
  assert.ok(source.nacked.includes(sink.poison), 'the poisoned batch was nacked');
  assert.ok(!source.acked.includes(sink.poison));
  assert.equal(source.acked.length, 2999);
});
