/**
 * Queue and exchange `arguments` come from YAML as strings (Benthos declares them as a string
 * map), but RabbitMQ wants numbers for limits such as `x-max-length` and booleans for flags such
 * as `x-single-active-consumer`: convert what clearly is one.
 */
export function queueArguments(args: Record<string, string> | undefined): Record<string, unknown> | undefined {
  if (!args) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    const text = String(v);
    out[k] = /^-?\d+$/.test(text) ? Number(text) : text === 'true' ? true : text === 'false' ? false : text;
  }
  return out;
}
