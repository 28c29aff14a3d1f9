/**
 * RELIABILITY.md F10 against a real spawned process (the in-process version with every detail is
 * test/faults/malformed_payloads.test.ts in the default suite): `http_server` → a mapping that
 * parses and re-serialises every message → `switch` on `errored()` into two files. 2% of the messages are hostile, ten
 * kinds in turn (the plan's 2,000 of 100,000; smoke 200 of 10,000):
 * truncated JSON, invalid UTF-8 outside a string, a BOM, a NaN literal, an empty body and
 * 100,000-deep nesting must be errors; duplicate keys (last wins), a 10 MB string, `__proto__` /
 * `constructor` keys and 9007199254740993 are data and come out as Benthos writes them.
 *
 * Pass: the process stays up and exits 0; every request acknowledged; exactly the erroring kinds
 * errored; every good message byte-identical; 9007199254740993 byte-exact; Object.prototype in
 * the child unchanged (a preloaded probe writes its own property names at exit).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { makePayload, newRunId } from '../../../src/testing/faults/payload.js';
import { check, describeCheck } from '../../../src/testing/faults/checker.js';
import { SluiceProcess, tier } from '../../../src/testing/faults/process.js';
import { freePort } from '../../../src/testing/faults/brokers.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { pool, waitForPing } from '../../../src/testing/faults/extra_support.js';

const T = tier();
const N = T.n;
const EVERY = 50; // 2% bad

interface Kind {
  name: string;
  body: Buffer;
  /** The expected output bytes, or undefined when the message must be errored. */
  out?: string;
}

const TEN_MB = 'x'.repeat(10 * 1024 * 1024);
const KINDS: Kind[] = [
  { name: 'truncated', body: Buffer.from('{"a":1,"b":[1,2') },
  { name: 'invalid utf-8 outside strings', body: Buffer.concat([Buffer.from('{"a":1}'), Buffer.from([0xff, 0xfe])]) },
  { name: 'bom', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]) },
  { name: 'nan', body: Buffer.from('{"a":NaN,"b":Infinity}') },
  { name: 'empty', body: Buffer.alloc(0) },
  { name: 'deep', body: Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)) },
  { name: 'duplicate keys', body: Buffer.from('{"a":1,"a":2}'), out: '{"a":2}' },
  { name: '10 MB string', body: Buffer.from(`{"s":"${TEN_MB}"}`), out: `{"s":"${TEN_MB}"}` },
  { name: 'proto keys', body: Buffer.from('{"__proto__":{"polluted":1},"constructor":{"prototype":{"y":1}}}'), out: '{"__proto__":{"polluted":1},"constructor":{"prototype":{"y":1}}}' },
  { name: 'int above 2^53', body: Buffer.from('{"n":9007199254740993}'), out: '{"n":9007199254740993}' },
];
const kindOf = (seq: number): Kind | undefined => (seq % EVERY === 7 ? KINDS[Math.floor(seq / EVERY) % KINDS.length] : undefined);

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function postSeq(port: number, seq: number, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/f10', method: 'POST', agent, headers: { 'content-length': body.length, 'x-seq': String(seq) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

test(`F10 malformed payloads through a spawned sluice: ${N / EVERY} hostile of ${N}, ten kinds`, { timeout: 10 * 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'faultx-f10-'));
  const okFile = join(dir, 'ok.txt');
  const errFile = join(dir, 'err.txt');
  const protoFile = join(dir, 'proto.json');
  const probe = join(dir, 'probe.mjs');
  writeFileSync(probe, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(protoFile)}, JSON.stringify(Object.getOwnPropertyNames(Object.prototype).sort())));\n`);
  const [inPort, port] = [await freePort(), await freePort()];
  const run = newRunId();
  const proc = SluiceProcess.start({
    name: 'faultx-f10',
    env: { NODE_OPTIONS: `--import ${probe}` },
    config: {
      http: { enabled: true, address: `127.0.0.1:${port}` },
      logger: { level: 'warn', format: 'logfmt' },
      input: { http_server: { address: `127.0.0.1:${inPort}`, path: '/f10', timeout: '30s' } },
      // `root = this` alone would pass the original bytes through (Sluice keeps them for an
      // identity mapping, see malformed_payloads.test.ts); `without` builds a new document, so
      // every message is parsed and re-serialised as Benthos does.
      pipeline: { threads: 2, processors: [{ mapping: 'root = this.without("faultx_absent")' }] },
      output: {
        switch: {
          cases: [
            { check: 'errored()', output: { file: { path: errFile, codec: 'lines' }, processors: [{ mapping: 'root = meta("X-Seq") + " " + error().replace_all("\\n", " ")' }] } },
            { output: { file: { path: okFile, codec: 'lines' }, processors: [{ mapping: 'root = meta("X-Seq") + " " + content().string()' }] } },
          ],
        },
      },
    },
  });
  try {
    await waitForPing(proc, port);
    const statuses = new Map<number, number>();
    const t0 = Date.now();
    await pool([...Array(N).keys()], 8, async (seq) => {
      const k = kindOf(seq);
      statuses.set(seq, await postSeq(inPort, seq, k ? k.body : Buffer.from(makePayload(run, seq))));
    });
    const sendMs = Date.now() - t0;
    const alive = proc.running;
    const stop = await proc.stop('SIGTERM', 30_000);
    const okLines = existsSync(okFile) ? readFileSync(okFile, 'utf8').split('\n').filter((l) => l !== '') : [];
    const errLines = existsSync(errFile) ? readFileSync(errFile, 'utf8').split('\n').filter((l) => l !== '') : [];
    const bySeq = (lines: string[]): Map<number, string[]> => {
      const m = new Map<number, string[]>();
      for (const l of lines) {
        const i = l.indexOf(' ');
        const seq = Number(l.slice(0, i));
        m.set(seq, [...(m.get(seq) ?? []), l.slice(i + 1)]);
      }
      return m;
    };
    const ok = bySeq(okLines);
    const err = bySeq(errLines);
    const good = [...Array(N).keys()].filter((s) => !kindOf(s));
    const r = check({ run, acked: good.filter((s) => statuses.get(s) === 200), received: good.flatMap((s) => ok.get(s) ?? []) });
    const wrong: string[] = [];
    let badTried = 0;
    let bigintExact = 0;
    for (let seq = 0; seq < N; seq++) {
      const k = kindOf(seq);
      if (!k) continue;
      badTried++;
      if (k.out === undefined) {
        if (err.get(seq)?.length !== 1 || ok.has(seq)) wrong.push(`${k.name} #${seq}: errored ${err.get(seq)?.length ?? 0}, ok ${ok.get(seq)?.length ?? 0}`);
      } else {
        const got = ok.get(seq);
        if (got?.length !== 1 || got[0] !== k.out || err.has(seq)) wrong.push(`${k.name} #${seq}: ${err.get(seq)?.[0] ?? (got?.[0] ?? 'missing').slice(0, 80)}`);
        else if (k.name === 'int above 2^53') bigintExact++;
      }
    }
    const notAcked = [...statuses].filter(([, s]) => s !== 200);
    const protoChild = existsSync(protoFile) ? (JSON.parse(readFileSync(protoFile, 'utf8')) as string[]) : undefined;
    const protoHere = Object.getOwnPropertyNames(Object.prototype).sort();
    const errorKinds = KINDS.filter((k) => k.out === undefined).map((k) => k.name);
    t.diagnostic(`F10 ${T.name}: ${N} posted in ${sendMs} ms; ${badTried} hostile, ${errLines.length} errored (kinds ${errorKinds.join(', ')}), ${wrong.length} handled wrongly${wrong.length ? `: ${wrong.slice(0, 5).join('; ')}` : ''}; good: ${describeCheck(r)}; 2^53+1 exact ${bigintExact}; not acked ${notAcked.length}; prototype ${JSON.stringify(protoChild) === JSON.stringify(protoHere) ? 'unchanged' : `CHANGED ${JSON.stringify(protoChild)}`}; exit ${stop.code}`);
    recordFigure({ figure: 'malformed_no_crash', test: 'F10 spawned http_server→parse', value: badTried - wrong.length, of: badTried, pass: alive && stop.code === 0 && wrong.length === 0 && JSON.stringify(protoChild) === JSON.stringify(protoHere), note: `prototype polluted: ${JSON.stringify(protoChild) === JSON.stringify(protoHere) ? 'no' : 'YES'}; good ${r.unique}/${r.expected} intact` });

    assert.ok(alive, 'the process stayed up');
    assert.equal(stop.code, 0);
    assert.deepEqual(notAcked, [], 'every request was acknowledged');
    assert.deepEqual(wrong, [], 'each hostile payload handled as documented');
    assert.equal(errLines.length, (N / EVERY) * (errorKinds.length / KINDS.length), 'exactly the erroring kinds errored');
    assert.equal(r.lost + r.dup + r.corrupt + r.unexpected, 0, describeCheck(r));
    assert.equal(bigintExact, N / EVERY / KINDS.length, '9007199254740993 byte-exact every time');
    assert.deepEqual(protoChild, protoHere, 'Object.prototype unchanged in the child');
  } finally {
    await proc.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
