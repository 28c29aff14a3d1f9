/**
 * A Kafka cluster for tests: librdkafka's mock cluster, started through Debian's `kcat`.
 *
 * `kcat -P` with `test.mock.num.brokers` starts an in-process mock cluster and prints its
 * `bootstrap.servers` in its `-d mock` debug log; it then waits for messages on stdin. We keep
 * stdin open with a pipe of our own instead of `sleep 3600 | kcat ...`: there is no second
 * process to clean up, and if the test process dies the pipe closes, kcat reads EOF and exits,
 * so no orphan mock outlives a crashed test.
 *
 * The debug log goes to a FILE, never to a pipe: `-d mock` logs every request, and a pipe
 * nobody drains fills up (64 KiB) and blocks the mock's logging thread, which stalls every
 * broker of the cluster. That is one way a Kafka client is "seen to stall on the mock" after a
 * few tens of thousands of messages (measured: produce requests time out once the pipe is full).
 *
 * Topics are created on first use with 4 partitions. kafkajs `admin.createTopics` fails against
 * it (broker ids start at 1): rely on auto-creation.
 *
 * RETENTION: each mock partition keeps only about 5 MB of messages (librdkafka 2.0.2); older
 * messages are deleted and the log start offset moves up (check with `kcat -Q -t topic:p:-2`).
 * Measured: 100,000 documents of 200 bytes in one topic left partition 0 starting at offset
 * 12,213. A test or benchmark that needs more than ~4 MB per partition must spread its data over
 * several topics (or keys over partitions), or it will see "lost" messages the broker dropped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KafkaMock {
  /** host:port of every mock broker. */
  brokers: string[];
  stop(): Promise<void>;
}

const KCAT = process.env.KCAT_BIN ?? (existsSync('/usr/bin/kcat') ? '/usr/bin/kcat' : 'kcat');

/** Whether kcat is installed (integration tests skip, or fail in CI, without it). */
export function kcatAvailable(): boolean {
  if (KCAT.includes('/')) return existsSync(KCAT);
  return (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(join(d, KCAT)));
}

/** undefined when kcat is installed; a skip reason when it is not (outside CI); throws in CI. */
export function requireKcat(): string | undefined {
  if (kcatAvailable()) return undefined;
  const msg = `kcat is not installed (it runs the librdkafka mock Kafka cluster)`;
  if (process.env.CI === 'true') throw new Error(`${msg}: CI must install it (.ci/services.sh)`);
  return `${msg}; apt-get install kcat to run these tests`;
}

export async function startKafkaMock(opts: { brokers?: number; timeoutMs?: number } = {}): Promise<KafkaMock> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-mock-'));
  const logPath = join(dir, 'kcat.log');
  const fd = openSync(logPath, 'w');
  let child: ChildProcess;
  try {
    child = spawn(KCAT, ['-X', `test.mock.num.brokers=${opts.brokers ?? 3}`, '-b', 'localhost:1', '-d', 'mock', '-P', '-t', '_sluice_boot'], {
      stdio: ['pipe', 'ignore', fd],
    });
  } finally {
    closeSync(fd);
  }
  let exited = false;
  let spawnError: Error | undefined;
  child.once('exit', () => (exited = true));
  child.once('error', (e) => {
    // A spawn failure (kcat missing) emits no 'exit': mark it gone so stop() does not wait forever.
    spawnError = e;
    exited = true;
  });
  // Writes to kcat's stdin never happen; an EPIPE after it exits must not crash the test.
  child.stdin?.on('error', () => {});

  const stop = async (): Promise<void> => {
    if (!exited) {
      // Nothing in the mock is worth a graceful exit (kcat would try to flush its producer).
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGKILL');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (spawnError) {
      await stop();
      throw new Error(`kafka mock: cannot start ${KCAT}: ${spawnError.message}`);
    }
    const m = /bootstrap\.servers=(\S+)/.exec(readFileSync(logPath, 'utf8'));
    if (m) return { brokers: m[1]!.split(','), stop };
    if (exited) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const log = readFileSync(logPath, 'utf8').slice(-2000);
  await stop();
  throw new Error(`kafka mock: no bootstrap.servers line from kcat${exited ? ' (it exited)' : ''}; log tail:\n${log}`);
}
