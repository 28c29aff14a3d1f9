/**
 * The fault-suite checker (RELIABILITY.md §2.1, Jepsen "total queue" semantics). Given what the
 * producer recorded (acked / unknown / failed seqs) and everything drained from the sink, it
 * counts:
 * - lost: acked (and expected) seqs that never arrived;
 * - dup: deliveries beyond the first of each seq;
 * - unexpected: deliveries of a seq that was never sent, was sent with a failed publish, belongs
 *   to another run, or that the pipeline was meant to drop (`expect` says no);
 * - recovered: seqs whose publish outcome was unknown and that arrived anyway;
 * - corrupt: bodies that are not payloads or whose pad does not match its sha;
 * - reorder: per-key inversions in arrival order (informational unless a test pins ordering).
 */
import { parsePayload } from './payload.js';

export interface CheckInput {
  run: string;
  /** Seqs the source broker confirmed. */
  acked: Iterable<number>;
  /** Seqs whose publish outcome is unknown (may or may not be in the broker). */
  unknown?: Iterable<number>;
  /** Seqs whose publish the broker refused (must not arrive). */
  failed?: Iterable<number>;
  /** Every body drained from the sink, in arrival order where the sink keeps one. */
  received: Iterable<string | Buffer | Uint8Array>;
  /**
   * Whether an acked seq should reach the sink (a pipeline that drops some on purpose, F17).
   * Default: all of them.
   */
  expect?: (seq: number) => boolean;
}

export interface CheckResult {
  acked: number;
  /** Acked seqs the pipeline should deliver. */
  expected: number;
  /** Total deliveries drained from the sink. */
  received: number;
  /** Distinct valid seqs of this run received. */
  unique: number;
  lost: number;
  dup: number;
  unexpected: number;
  recovered: number;
  corrupt: number;
  reorder: number;
  /** Most copies of a single seq. */
  maxCopies: number;
  /** Up to 20 examples of each, for failure messages. */
  lostSeqs: number[];
  dupSeqs: number[];
  unexpectedSeqs: number[];
  corruptSamples: string[];
}

const SAMPLES = 20;

export function check(input: CheckInput): CheckResult {
  const acked = new Set<number>(input.acked);
  const unknown = new Set<number>(input.unknown ?? []);
  const failed = new Set<number>(input.failed ?? []);
  const expect = input.expect ?? (() => true);
  const copies = new Map<number, number>();
  const lastSeqPerKey = new Map<string, number>();
  let received = 0;
  let corrupt = 0;
  let unexpected = 0;
  let reorder = 0;
  const unexpectedSeqs: number[] = [];
  const corruptSamples: string[] = [];

  for (const body of input.received) {
    received++;
    const p = parsePayload(body);
    if (!p.ok || !p.shaOk) {
      corrupt++;
      if (corruptSamples.length < SAMPLES) {
        const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
        corruptSamples.push(`${p.ok ? 'sha mismatch' : p.reason}: ${text.slice(0, 120)}`);
      }
      continue;
    }
    const { run, seq, key } = p.payload;
    const known = acked.has(seq) || unknown.has(seq);
    if (run !== input.run || !known || failed.has(seq) || (acked.has(seq) && !expect(seq))) {
      unexpected++;
      if (unexpectedSeqs.length < SAMPLES) unexpectedSeqs.push(seq);
      continue;
    }
    copies.set(seq, (copies.get(seq) ?? 0) + 1);
    const last = lastSeqPerKey.get(key);
    if (last !== undefined && seq < last) reorder++;
    else lastSeqPerKey.set(key, seq);
  }

  let expected = 0;
  let lost = 0;
  const lostSeqs: number[] = [];
  for (const seq of acked) {
    if (!expect(seq)) continue;
    expected++;
    if (!copies.has(seq)) {
      lost++;
      if (lostSeqs.length < SAMPLES) lostSeqs.push(seq);
    }
  }
  let dup = 0;
  let maxCopies = 0;
  let recovered = 0;
  const dupSeqs: number[] = [];
  for (const [seq, n] of copies) {
    if (n > 1) {
      dup += n - 1;
      if (dupSeqs.length < SAMPLES) dupSeqs.push(seq);
    }
    if (n > maxCopies) maxCopies = n;
    if (!acked.has(seq) && unknown.has(seq)) recovered++;
  }
  return { acked: acked.size, expected, received, unique: copies.size, lost, dup, unexpected, recovered, corrupt, reorder, maxCopies, lostSeqs, dupSeqs, unexpectedSeqs, corruptSamples };
}

/** A one-line summary for logs and assertion messages. */
export function describeCheck(r: CheckResult): string {
  const parts = [
    `expected ${r.expected}`,
    `received ${r.received}`,
    `unique ${r.unique}`,
    `lost ${r.lost}${r.lostSeqs.length ? ` (e.g. ${r.lostSeqs.slice(0, 5).join(',')})` : ''}`,
    `dup ${r.dup}${r.dupSeqs.length ? ` (max copies ${r.maxCopies}; e.g. ${r.dupSeqs.slice(0, 5).join(',')})` : ''}`,
    `unexpected ${r.unexpected}${r.unexpectedSeqs.length ? ` (e.g. ${r.unexpectedSeqs.slice(0, 5).join(',')})` : ''}`,
    `recovered ${r.recovered}`,
    `corrupt ${r.corrupt}${r.corruptSamples.length ? ` (${r.corruptSamples[0]})` : ''}`,
    `reorder ${r.reorder}`,
  ];
  return parts.join(', ');
}
