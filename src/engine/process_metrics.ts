/**
 * Process-wide gauges appended to /metrics, named as prom-client names them so existing
 * dashboards work: resident memory, V8 heap, open file descriptors and event-loop lag. The lag
 * comes from perf_hooks' histogram, started on the first scrape and reset after each one, so
 * the max/p99 figures describe the interval since the previous scrape.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { readdirSync } from 'node:fs';

let lag: IntervalHistogram | undefined;

function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined; // not Linux: leave the gauge out
  }
}

export function renderProcessMetrics(): string {
  if (!lag) {
    lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
  }
  const mem = process.memoryUsage();
  const lines = [
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${mem.rss}`,
    '# TYPE nodejs_heap_size_used_bytes gauge',
    `nodejs_heap_size_used_bytes ${mem.heapUsed}`,
    '# TYPE nodejs_heap_size_total_bytes gauge',
    `nodejs_heap_size_total_bytes ${mem.heapTotal}`,
    '# TYPE nodejs_external_memory_bytes gauge',
    `nodejs_external_memory_bytes ${mem.external}`,
    '# TYPE nodejs_array_buffers_bytes gauge',
    `nodejs_array_buffers_bytes ${mem.arrayBuffers}`,
  ];
  const fds = openFds();
  if (fds !== undefined) lines.push('# TYPE process_open_fds gauge', `process_open_fds ${fds}`);
  // The histogram is in nanoseconds; it holds nothing until the first interval elapsed.
  const has = lag.count > 0;
  const sec = (ns: number): number => (has ? ns / 1e9 : 0);
  lines.push(
    '# TYPE nodejs_eventloop_lag_mean_seconds gauge',
    `nodejs_eventloop_lag_mean_seconds ${sec(lag.mean)}`,
    '# TYPE nodejs_eventloop_lag_p99_seconds gauge',
    `nodejs_eventloop_lag_p99_seconds ${sec(lag.percentile(99))}`,
    '# TYPE nodejs_eventloop_lag_max_seconds gauge',
    `nodejs_eventloop_lag_max_seconds ${sec(lag.max)}`,
  );
  lag.reset();
  return `${lines.join('\n')}\n`;
}
