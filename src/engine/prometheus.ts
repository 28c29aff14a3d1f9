/**
 * An in-process metrics registry rendered in the Prometheus text format. Handles are resolved
 * once per (name, labels) and then updated with a plain number add on the hot path.
 * Timers are summaries with _sum and _count (Benthos's default timing type).
 */
import type { Counter, Gauge, Labels, Metrics, Timer } from '../core/metrics.js';
import { renderProcessMetrics } from './process_metrics.js';

type Kind = 'counter' | 'gauge' | 'summary';

class Series {
  value = 0;
  count = 0;
  constructor(readonly labels: Labels) {}
}

interface Family {
  kind: Kind;
  series: Map<string, Series>;
}

export class PrometheusRegistry {
  private readonly families = new Map<string, Family>();

  private series(name: string, kind: Kind, labels: Labels): Series {
    const metricName = sanitise(name);
    let fam = this.families.get(metricName);
    if (!fam) this.families.set(metricName, (fam = { kind, series: new Map() }));
    const key = labelKey(labels);
    let s = fam.series.get(key);
    if (!s) fam.series.set(key, (s = new Series(labels)));
    return s;
  }

  metrics(labels: Labels = {}): Metrics {
    const reg = this;
    return {
      counter(name, extra) {
        const s = reg.series(name, 'counter', { ...labels, ...extra });
        return { inc: (n = 1) => void (s.value += n) } satisfies Counter;
      },
      gauge(name, extra) {
        const s = reg.series(name, 'gauge', { ...labels, ...extra });
        return {
          set: (v: number) => void (s.value = v),
          inc: (n = 1) => void (s.value += n),
          dec: (n = 1) => void (s.value -= n),
        } satisfies Gauge;
      },
      timer(name, extra) {
        const s = reg.series(name, 'summary', { ...labels, ...extra });
        return {
          observeNs: (ns: number) => {
            s.value += ns;
            s.count++;
          },
        } satisfies Timer;
      },
      withLabels(more) {
        return reg.metrics({ ...labels, ...more });
      },
      unlabelled() {
        return reg.metrics({});
      },
    };
  }

  /** The current value of a series (tests and the web view). */
  value(name: string, labels: Labels = {}): number | undefined {
    return this.families.get(sanitise(name))?.series.get(labelKey(labels))?.value;
  }

  /** Sum over every series of a metric whose labels include `match`. */
  sum(name: string, match: Labels = {}): number {
    let total = 0;
    for (const s of this.families.get(sanitise(name))?.series.values() ?? []) {
      if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
    }
    return total;
  }

  /** The Prometheus text; `withProcess` appends the process gauges (RSS, heap, fds, event-loop lag). */
  render(withProcess = false): string {
    const lines: string[] = [];
    for (const [name, fam] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# TYPE ${name} ${fam.kind}`);
      for (const s of fam.series.values()) {
        const l = renderLabels(s.labels);
        if (fam.kind === 'summary') {
          lines.push(`${name}_sum${l} ${s.value}`);
          lines.push(`${name}_count${l} ${s.count}`);
        } else lines.push(`${name}${l} ${s.value}`);
      }
    }
    const text = `${lines.join('\n')}\n`;
    return withProcess ? text + renderProcessMetrics() : text;
  }
}

function sanitise(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_');
}

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.map((k) => `${k}\u0000${labels[k]}`).join('\u0001');
}

function renderLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${sanitise(k)}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',')}}`;
}
