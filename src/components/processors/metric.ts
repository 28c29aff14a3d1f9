import {
  registerProcessor,
  field,
  objectConfig,
  compileInterpolation,
  errorMessage,
  type Batch,
  type Interpolation,
  type Metrics,
  type Processor,
  type Resources,
} from '../../plugin/index.js';

interface MetricConfig {
  type: string;
  name: string;
  labels?: Record<string, string>;
  value: string;
}

const TYPES = ['counter', 'counter_by', 'gauge', 'timing'];

/** Go's strconv.ParseInt(s, 10, 64) accepts an optional sign and decimal digits, nothing else. */
const INT_RE = /^[+-]?[0-9]+$/;
/** The decimal forms of Go's strconv.ParseFloat (hex floats and underscores are left out). */
const FLOAT_RE = /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)$/i;

/** A metric value as Benthos reads it: an integer, else a float; negative values are refused. */
function parseNumber(text: string, intOnly: boolean): number {
  if (INT_RE.test(text)) {
    const n = Number(text);
    if (n < 0) throw new Error(intOnly ? 'value is negative' : `value ${n} is negative`);
    return n;
  }
  if (intOnly || !FLOAT_RE.test(text)) throw new Error(`strconv.Parse${intOnly ? 'Int' : 'Float'}: parsing ${JSON.stringify(text)}: invalid syntax`);
  const lower = text.toLowerCase().replace(/^\+/, '');
  const f = lower === 'nan' ? NaN : lower.endsWith('inf') || lower.endsWith('infinity') ? (lower.startsWith('-') ? -Infinity : Infinity) : Number(text);
  if (f < 0) throw new Error(`value ${f.toFixed(6)} is negative`);
  return f;
}

/** Handles per label-value combination, resolved once and reused. */
class HandleCache<H> {
  private readonly handles = new Map<string, H>();
  private unlabelled: H | undefined;
  constructor(
    private readonly names: readonly string[],
    private readonly make: (labels: Record<string, string> | undefined) => H,
  ) {}

  get(values: readonly string[]): H {
    if (this.names.length === 0) return (this.unlabelled ??= this.make(undefined));
    const key = values.join('\u0000');
    let h = this.handles.get(key);
    if (h === undefined) {
      const labels: Record<string, string> = {};
      this.names.forEach((n, i) => (labels[n] = values[i]!));
      h = this.make(labels);
      // Label values come from messages: keep the cache bounded, the registry keeps the series.
      if (this.handles.size >= 10_000) this.handles.clear();
      this.handles.set(key, h);
    }
    return h;
  }
}

function recorderFor(type: string, name: string, metrics: Metrics, labelNames: string[]): (value: string, labelValues: () => string[]) => void {
  switch (type) {
    case 'counter': {
      const c = new HandleCache(labelNames, (l) => metrics.counter(name, l));
      return (_v, labels) => c.get(labels()).inc(1);
    }
    // Benthos evaluates the labels before the value for counter_by and gauge, after it for timing.
    case 'counter_by': {
      const c = new HandleCache(labelNames, (l) => metrics.counter(name, l));
      return (v, labels) => {
        const values = labels();
        // The series appears only once a value was recorded in it.
        const n = parseNumber(v, false);
        c.get(values).inc(n);
      };
    }
    case 'gauge': {
      const g = new HandleCache(labelNames, (l) => metrics.gauge(name, l));
      return (v, labels) => {
        const values = labels();
        const n = parseNumber(v, false);
        g.get(values).set(n);
      };
    }
    case 'timing': {
      const t = new HandleCache(labelNames, (l) => metrics.timer(name, l));
      return (v, labels) => {
        const ns = parseNumber(v, true);
        t.get(labels()).observeNs(ns);
      };
    }
    default:
      throw new Error(`metric type unrecognised: ${type}`);
  }
}

registerProcessor(
  {
    name: 'metric',
    summary: 'Emit custom metrics by extracting values from messages.',
    description:
      'This processor works by evaluating an interpolated field `value` for each message and updating an emitted metric according to the type:\n\n' +
      '- `counter`: increments a counter by exactly 1, the contents of `value` are ignored.\n' +
      '- `counter_by`: if the contents of `value` can be parsed as a positive number then the counter is incremented by this value.\n' +
      '- `gauge`: if the contents of `value` can be parsed as a positive number then the gauge is set to this value.\n' +
      '- `timing`: equivalent to `gauge` where instead the metric is a timing (an integer, recommended in nanoseconds).\n\n' +
      'Custom metrics are emitted along with the internal metrics. A value that cannot be used is logged as an error and the message passes unchanged.',
    categories: ['Utility'],
    config: objectConfig([
      field.string('type', 'The metric type to create.').options(...TYPES),
      field
        .string('name', 'The name of the metric to create, this must be unique across all components otherwise it will overwrite those other metrics.')
        .examples('Foos', 'FooSize'),
      field
        .map(
          'labels',
          'A map of label names and values that can be used to enrich metrics. Labels are not supported by some metric destinations, in which case the metrics series are combined.',
          field.interpolated(''),
        )
        .optional()
        .examples({ type: '${! json("doc.type") }', topic: '${! meta("kafka_topic") }' }),
      field
        .interpolated(
          'value',
          'For some metric types specifies a value to set, increment. Certain metrics exporters such as Prometheus support floating point values, but those that do not will cast a floating point value into an integer.',
        )
        .default(''),
    ]),
    examples: [
      {
        title: 'Counter',
        summary: 'Emit a counter called `Foos` that increments for every message, labelled with metadata and a field of the document.',
        config:
          'pipeline:\n  processors:\n    - metric:\n        name: Foos\n        type: counter\n        labels:\n          topic: ${! meta("kafka_topic") }\n          type: ${! json("document.type").or("unknown") }\n',
      },
      {
        title: 'Gauge',
        summary: 'Emit a gauge called `FooSize` set to the value found at `foo.size` in each message.',
        config: 'pipeline:\n  processors:\n    - metric:\n        name: FooSize\n        type: gauge\n        labels:\n          topic: ${! meta("kafka_topic") }\n        value: ${! json("foo.size") }\n',
      },
    ],
  },
  (conf: MetricConfig, res: Resources): Processor => {
    if (conf.name === '') throw new Error('metric name must not be empty');
    const value = compileInterpolation(conf.value);
    // Label order is fixed (sorted by name) so every message yields the same series key.
    const labelNames = Object.keys(conf.labels ?? {}).sort();
    const labelValues: Interpolation[] = labelNames.map((n) => compileInterpolation(conf.labels![n]!));
    const record = recorderFor(conf.type.toLowerCase(), conf.name, res.metrics.unlabelled(), labelNames);
    const log = res.logger;

    return {
      processBatch(batch: Batch) {
        for (let i = 0; i < batch.length; i++) {
          let v: string;
          try {
            v = value.render(batch, i);
          } catch (e) {
            log.error(`Value interpolation error: ${errorMessage(e)}`);
            continue;
          }
          try {
            record(v, () => {
              try {
                return labelValues.map((l) => l.render(batch, i));
              } catch (e) {
                throw new Error(`label interpolation error: ${errorMessage(e)}`);
              }
            });
          } catch (e) {
            log.error(`Handler error: ${errorMessage(e)}`);
          }
        }
        // Metrics never change messages.
        return [batch];
      },
    };
  },
);
