/**
 * In-memory components for tests: `test_source` (an input fed from a named TestSource that
 * records every ack and nack) and `test_sink` (an output writing into a named TestSink that can
 * fail, stall and count). Import this module to register them.
 */
import { registerInput, registerOutput, field, objectConfig, batchingField, maxInFlightField, parseBatchPolicy, Message, NotConnectedError, type Input, type Output, type Resources } from '../plugin/index.js';

export class TestSource {
  readonly acked: string[] = [];
  readonly nacked: string[] = [];
  /** Messages handed to the engine so far. */
  read = 0;
  private pos = 0;
  private waiters: Array<() => void> = [];
  private ended = false;
  constructor(
    private readonly items: string[] = [],
    /** When true, the input ends once every item was read. */
    private readonly endWhenEmpty = true,
  ) {}

  push(...more: string[]): void {
    this.items.push(...more);
    for (const w of this.waiters.splice(0)) w();
  }

  end(): void {
    this.ended = true;
    for (const w of this.waiters.splice(0)) w();
  }

  async next(batchSize: number, onAck: (msgs: string[], err?: Error) => void): Promise<{ messages: Message[]; ack: (err?: Error) => void } | null> {
    while (this.pos >= this.items.length) {
      if (this.endWhenEmpty || this.ended) return null;
      await new Promise<void>((r) => this.waiters.push(r));
    }
    const slice = this.items.slice(this.pos, this.pos + batchSize);
    this.pos += slice.length;
    this.read += slice.length;
    return {
      messages: slice.map((s) => Message.fromString(s)),
      ack: (err?: Error) => {
        if (err) {
          this.nacked.push(...slice);
          // Put nacked items back, as a broker would redeliver them.
          this.items.push(...slice);
          for (const w of this.waiters.splice(0)) w();
        } else this.acked.push(...slice);
        onAck(slice, err);
      },
    };
  }
}

export class TestSink {
  readonly delivered: string[] = [];
  writes = 0;
  failures = 0;
  /** Fail this many write attempts first. */
  failFirst = 0;
  /** While set, writes wait on this promise. */
  stall: Promise<void> | undefined;
  private release: (() => void) | undefined;
  /** Writes currently in progress. */
  active = 0;
  maxActive = 0;
  /** connect() fails while this is above zero (and counts down). */
  connectFailures = 0;
  /** Called before each write with the batch; throw to fail it. */
  beforeWrite: ((batch: string[]) => void) | undefined;

  stallWrites(): void {
    this.stall = new Promise((r) => (this.release = r));
  }
  resume(): void {
    this.stall = undefined;
    this.release?.();
  }

  async write(batch: Message[]): Promise<void> {
    this.writes++;
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      while (this.stall) await this.stall;
      const texts = batch.map((m) => m.asString());
      if (this.failures < this.failFirst) {
        this.failures++;
        throw new Error(`test sink: planned failure ${this.failures} of ${this.failFirst}`);
      }
      this.beforeWrite?.(texts);
      this.delivered.push(...texts);
    } finally {
      this.active--;
    }
  }
}

export const sources = new Map<string, TestSource>();
export const sinks = new Map<string, TestSink>();

function lookup<T>(m: Map<string, T>, id: string, what: string): T {
  const v = m.get(id);
  if (!v) throw new Error(`no ${what} registered under id "${id}"`);
  return v;
}

registerInput(
  {
    name: 'test_source',
    summary: 'Test input fed from a TestSource registered in code.',
    config: objectConfig([field.string('id', 'TestSource id.'), field.int('batch_size', 'Messages per batch.').default(1)]),
  },
  (conf: { id: string; batch_size: number }): Input => {
    const src = lookup(sources, conf.id, 'test source');
    return {
      async connect() {},
      read: () => src.next(conf.batch_size, () => {}),
      async close() {},
    };
  },
);

registerOutput(
  {
    name: 'test_sink',
    summary: 'Test output writing into a TestSink registered in code.',
    config: objectConfig([field.string('id', 'TestSink id.'), maxInFlightField(1), batchingField(), field.bool('disconnect_on_fail', '').default(false)]),
  },
  async (conf: { id: string; max_in_flight: number; batching: never; disconnect_on_fail: boolean }, res: Resources): Promise<Output> => {
    const sink = lookup(sinks, conf.id, 'test sink');
    return {
      maxInFlight: conf.max_in_flight,
      batchPolicy: await parseBatchPolicy(conf.batching, res),
      async connect() {
        if (sink.connectFailures > 0) {
          sink.connectFailures--;
          throw new Error('test sink: planned connection failure');
        }
      },
      async write(batch) {
        try {
          await sink.write(batch);
        } catch (e) {
          if (conf.disconnect_on_fail) throw new NotConnectedError((e as Error).message);
          throw e;
        }
      },
      async close() {},
    };
  },
);
