/**
 * The fault-suite dashboard (RELIABILITY.md §4). Every fault test runs in its own process
 * (node --test), so figures travel through a JSON-lines file: a test calls `recordFigure`,
 * which appends one line to the file named by FAULT_REPORT_FILE (set by scripts/run-faults.mjs;
 * without it, recording is a no-op so a test file can run alone). At the end the runner reads the
 * file back, folds the records of each figure together, and prints one line per figure:
 * figure, target, measured, pass/fail.
 *
 * A figure key not in FIGURES is still reported (its key is its title), so other fault tests can
 * add figures without editing this file; they should prefer the keys below for §4's lines.
 */
import { appendFileSync } from 'node:fs';

export type Aggregate = 'sum' | 'max' | 'min';

export interface FigureSpec {
  title: string;
  target: string;
  aggregate: Aggregate;
  unit?: string;
}

/** §4's figures, keyed. `target` is the text shown; each record carries its own pass verdict. */
export const FIGURES: Record<string, FigureSpec> = {
  kill_lost: { title: 'Messages lost in kill/restart tests (RabbitMQ, Kafka mock, JetStream, Redis Streams)', target: '0 of N', aggregate: 'sum' },
  kill_dup_per_w: { title: 'Max duplicates per SIGKILL, as a fraction of W', target: '≤ 1.0', aggregate: 'max' },
  kill_dup_per_w_kafka: {
    title: 'Max duplicates per SIGKILL, Kafka (periodic commits), as a fraction of W = checkpoint_limit',
    target: '≤ 2.0 (W in flight + one commit_period of acks; plan: ≤ 1.0)',
    aggregate: 'max',
  },
  sigterm_dup: { title: 'Duplicates after clean SIGTERM bounces', target: '0', aggregate: 'sum' },
  sigterm_lost: { title: 'Messages lost across clean SIGTERM bounces', target: '0 of N', aggregate: 'sum' },
  output_down_lost: { title: 'Messages lost with the output down / blackholed', target: '0', aggregate: 'sum' },
  output_down_rss_rise: { title: 'RSS rise while the output is down (MiB above baseline)', target: '≤ 64', aggregate: 'max', unit: 'MiB' },
  output_down_rss_slope: { title: 'RSS slope while the output is down (MiB/min)', target: '< 1', aggregate: 'max', unit: 'MiB/min' },
  output_resume_s: { title: 'Time to resume after the output is restored (s)', target: '≤ max_backoff + 5', aggregate: 'max', unit: 's' },
  restart_resume_s: { title: 'Time to resume after a processor restart (s)', target: '≤ 10 (Kafka: session timeout + 10)', aggregate: 'max', unit: 's' },
  restart_resume_jetstream_s: {
    title: 'Time to resume after a processor restart, JetStream (s): the dead client\'s unacked messages hold max_ack_pending until ack_wait',
    target: '≤ ack_wait + 10',
    aggregate: 'max',
    unit: 's',
  },
  shutdown_unblocked_s: { title: 'Graceful shutdown time, unblocked (s)', target: '≤ 2', aggregate: 'max', unit: 's' },
  shutdown_blocked_s: { title: 'Graceful shutdown time, blocked (s)', target: '≤ shutdown_timeout + 2', aggregate: 'max', unit: 's' },
  http_acked_lost: { title: 'Acked HTTP requests lost under output flapping', target: '0 of 10,000', aggregate: 'sum' },
  dlq_routed: { title: 'Poison messages routed to DLQ / expected', target: '100 / 100', aggregate: 'sum' },
  processor_exceptions_contained: { title: 'Processor exceptions contained (process alive)', target: '5 of 5 variants, 0 exits', aggregate: 'sum' },
  malformed_no_crash: { title: 'Malformed payloads tried without crash; prototype polluted?', target: '2,000 of 2,000, no', aggregate: 'sum' },
  big_message_rss: { title: 'Peak RSS for a 50 MB message (MiB)', target: '≤ 380', aggregate: 'max', unit: 'MiB' },
  big_message_413: { title: '413 before buffering a body over max_body_size (RSS rise, MiB)', target: '< 10', aggregate: 'max', unit: 'MiB' },
  big_message_nats_limit: { title: 'A message over the NATS max_payload: error naming the limit, rest of the stream flows', target: 'routed per config', aggregate: 'sum' },
  memory_pressure_rss: { title: 'Peak RSS under --max-old-space-size=96, bytes passed through (MiB)', target: '≤ 200', aggregate: 'max', unit: 'MiB' },
  memory_pressure_rss_parsed: { title: 'Peak RSS under --max-old-space-size=96, every message parsed (MiB)', target: '≤ 256 (the plan\'s cgroup limit)', aggregate: 'max', unit: 'MiB' },
  reject_throughput_ratio: { title: 'Throughput while 10% of writes are rejected, vs clean run', target: '≥ 50%', aggregate: 'min' },
  fd_growth: { title: 'Open-fd growth after forced reconnects', target: '≤ 20', aggregate: 'max' },
  ack_inputs_covered: { title: 'Ack-capable inputs covered by the kill/restart test', target: '100%', aggregate: 'sum' },
  filter_acks: { title: 'Deleted messages acked upstream (sink exact, queue drained)', target: 'sink = expected, backlog 0', aggregate: 'sum' },
};

export interface FigureRecord {
  /** A FIGURES key (or a new key, shown as its own title). */
  figure: string;
  /** The test that measured it (e.g. "F1 rabbitmq→postgres"). */
  test: string;
  value: number;
  /** For counts: out of how many ("0 of 10000"). */
  of?: number;
  /** Whether this measurement meets its target; the test decides (limits may depend on config). */
  pass: boolean;
  /** Free text shown in the report (the limit used, per-kill values...). */
  note?: string;
}

export function reportFile(): string | undefined {
  const f = process.env.FAULT_REPORT_FILE;
  return f !== undefined && f !== '' ? f : undefined;
}

/** Append one measurement to the run's report file (no-op outside the fault runner). */
export function recordFigure(rec: FigureRecord): void {
  const file = reportFile();
  if (file === undefined) return;
  appendFileSync(file, JSON.stringify({ ...rec, at: new Date().toISOString() }) + '\n');
}

export interface DashboardLine {
  figure: string;
  title: string;
  target: string;
  measured: string;
  pass: boolean;
  tests: string[];
  notes: string[];
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** Fold the records of each figure into one dashboard line, in FIGURES order, then new keys. */
export function buildDashboard(records: FigureRecord[]): DashboardLine[] {
  const byFigure = new Map<string, FigureRecord[]>();
  for (const r of records) {
    const list = byFigure.get(r.figure) ?? [];
    list.push(r);
    byFigure.set(r.figure, list);
  }
  const keys = [...Object.keys(FIGURES).filter((k) => byFigure.has(k)), ...[...byFigure.keys()].filter((k) => !(k in FIGURES))];
  return keys.map((key) => {
    const recs = byFigure.get(key)!;
    const spec = FIGURES[key] ?? { title: key, target: '(see notes)', aggregate: 'max' as Aggregate };
    const values = recs.map((r) => r.value);
    const value = spec.aggregate === 'sum' ? values.reduce((a, b) => a + b, 0) : spec.aggregate === 'max' ? Math.max(...values) : Math.min(...values);
    const ofs = recs.map((r) => r.of).filter((x): x is number => x !== undefined);
    const of = ofs.length === recs.length && spec.aggregate === 'sum' ? ofs.reduce((a, b) => a + b, 0) : undefined;
    const measured = `${fmt(value)}${of !== undefined ? ` of ${of}` : ''}${spec.unit ? ` ${spec.unit}` : ''}`;
    return {
      figure: key,
      title: spec.title,
      target: spec.target,
      measured,
      pass: recs.every((r) => r.pass),
      tests: [...new Set(recs.map((r) => r.test))],
      notes: recs.map((r) => `${r.test}: ${fmt(r.value)}${r.of !== undefined ? `/${r.of}` : ''}${r.note ? ` (${r.note})` : ''}${r.pass ? '' : ' FAIL'}`),
    };
  });
}

export interface ReportMeta {
  date: string;
  tier: string;
  machine: string;
  durationS: number;
  testsPassed: boolean;
}

export function renderText(lines: DashboardLine[]): string {
  if (lines.length === 0) return '(no figures recorded)';
  return lines.map((l) => `${l.pass ? 'PASS' : 'FAIL'}  ${l.title}: target ${l.target}, measured ${l.measured}  [${l.tests.join('; ')}]`).join('\n');
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function renderMarkdown(lines: DashboardLine[], meta: ReportMeta): string {
  const out = [
    '# Fault-suite report',
    '',
    `Generated by \`npm run test:faults -- --save\` (RELIABILITY.md §4 figures measured by this run).`,
    '',
    `- Date: ${meta.date}`,
    `- Tier: ${meta.tier}`,
    `- Machine: ${meta.machine}`,
    `- Duration: ${meta.durationS.toFixed(0)} s`,
    `- Fault tests: ${meta.testsPassed ? 'all passed' : 'FAILURES'}`,
    '',
    '| Figure | Target | Measured | Result | Tests |',
    '|---|---|---|---|---|',
    ...lines.map((l) => `| ${mdCell(l.title)} | ${mdCell(l.target)} | ${mdCell(l.measured)} | ${l.pass ? 'pass' : '**FAIL**'} | ${mdCell(l.tests.join('; '))} |`),
    '',
    '## Per-test measurements',
    '',
    ...lines.flatMap((l) => [`- **${mdCell(l.title)}**`, ...l.notes.map((n) => `  - ${n}`)]),
    '',
    '## JSON',
    '',
    '```json',
    JSON.stringify({ ...meta, figures: lines }, null, 2),
    '```',
    '',
  ];
  return out.join('\n');
}
