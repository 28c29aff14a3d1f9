import {
  registerProcessor,
  field,
  objectConfig,
  compileMapping,
  compileInterpolation,
  errorMessage,
  type Interpolation,
  type Logger,
  type Processor,
  type Resources,
} from '../../plugin/index.js';

interface LogConfig {
  level: string;
  fields_mapping?: string;
  message: string;
  fields?: Record<string, string>;
}

const LEVELS = ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'];

type LogFn = (logger: Logger, msg: string, fields: Record<string, unknown> | undefined) => void;

/** Our logger has no fatal or "all" level: FATAL logs as an error, ALL as a trace. */
function logFnFor(level: string): { fn: LogFn; enabledAt: 'error' | 'warn' | 'info' | 'debug' | 'trace' } {
  switch (level.toUpperCase()) {
    case 'FATAL':
    case 'ERROR':
      return { fn: (l, m, f) => l.error(m, f), enabledAt: 'error' };
    case 'WARN':
      return { fn: (l, m, f) => l.warn(m, f), enabledAt: 'warn' };
    case 'INFO':
      return { fn: (l, m, f) => l.info(m, f), enabledAt: 'info' };
    case 'DEBUG':
      return { fn: (l, m, f) => l.debug(m, f), enabledAt: 'debug' };
    default:
      return { fn: (l, m, f) => l.trace(m, f), enabledAt: 'trace' };
  }
}

/** Defined, not assigned: a field called __proto__ is just a field. */
function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

registerProcessor(
  {
    name: 'log',
    summary:
      'Prints a log event for each message. Messages always remain unchanged. The log message can be set using interpolation functions, which allows you to log the contents and metadata of messages.',
    description:
      'The `level` field determines the log level of the printed events and can be any of the following values: TRACE, DEBUG, INFO, WARN, ERROR.\n\n' +
      'Custom structured fields can be added to each event with `fields_mapping`, a Bloblang mapping whose result object becomes the fields (shown when the logger format is `logfmt` or `json`).',
    categories: ['Utility'],
    config: objectConfig([
      field
        .string('level', 'The log level to use. Options: FATAL, ERROR, WARN, INFO, DEBUG, TRACE, ALL.')
        .default('INFO')
        .check((v) => (LEVELS.includes(String(v).toUpperCase()) ? undefined : `log level not recognised: ${String(v).toUpperCase()}`)),
      field
        .bloblang(
          'fields_mapping',
          'An optional Bloblang mapping that can be used to specify extra fields to add to the log. If log fields are also added with the `fields` field then those values will override matching keys from this mapping.',
        )
        .optional()
        .examples('root.reason = "cus I wana"\nroot.id = this.id\nroot.age = this.user.age.number()\nroot.kafka_topic = meta("kafka_topic")'),
      field.interpolated('message', 'The message to print.').default(''),
      field.map('fields', 'A map of fields to print along with the log message.', field.interpolated('')).optional().deprecated(),
    ]),
    examples: [
      {
        title: 'Structured fields',
        config:
          'pipeline:\n  processors:\n    - log:\n        level: DEBUG\n        message: hello world\n        fields_mapping: |\n          root.reason = "cus I wana"\n          root.id = this.id\n          root.age = this.user.age\n          root.kafka_topic = meta("kafka_topic")\n',
      },
    ],
  },
  (conf: LogConfig, res: Resources): Processor => {
    const message = compileInterpolation(conf.message);
    const fieldsMapping = conf.fields_mapping ? compileMapping(conf.fields_mapping) : undefined;
    const depFields: Array<[string, Interpolation]> = Object.entries(conf.fields ?? {}).map(([k, v]) => [k, compileInterpolation(v)]);
    const { fn, enabledAt } = logFnFor(conf.level);
    // Benthos marks events printed by this processor apart from the engine's own.
    const logger = res.logger.child({ custom_source: true });

    return {
      processBatch(batch) {
        // Nothing is printed below the configured logger level: skip the interpolation work too.
        if (!logger.enabled(enabledAt)) return [batch];
        for (let i = 0; i < batch.length; i++) {
          let fields: Record<string, unknown> | undefined;
          if (fieldsMapping) {
            let value: unknown;
            try {
              const out = fieldsMapping.mapPart(batch, i);
              if (out === null) {
                logger.error('Fields mapping yielded a non-object result: deleted');
                continue;
              }
              try {
                value = out.asStructured();
              } catch (e) {
                logger.error(`Failed to extract fields object: ${errorMessage(e)}`);
                continue;
              }
            } catch (e) {
              logger.error(`Failed to execute fields mapping: ${errorMessage(e)}`);
              continue;
            }
            if (!isPlainObject(value)) {
              logger.error(`Fields mapping yielded a non-object result: ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}`);
              continue;
            }
            fields = {};
            for (const k of Object.keys(value).sort()) put(fields, k, value[k]);
          }
          if (depFields.length > 0) {
            fields ??= {};
            try {
              for (const [k, interp] of depFields) put(fields, k, interp.render(batch, i));
            } catch (e) {
              logger.error(`Field interpolation error: ${errorMessage(e)}`);
              continue;
            }
          }
          let text: string;
          try {
            text = message.render(batch, i);
          } catch (e) {
            logger.error(`Message interpolation error: ${errorMessage(e)}`);
            continue;
          }
          fn(logger, text, fields);
        }
        return [batch];
      },
    };
  },
);
