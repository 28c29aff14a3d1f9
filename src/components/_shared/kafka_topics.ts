/**
 * The `topics` list of the Kafka inputs, as Benthos reads it: items may hold several
 * comma-separated topics; `foo:0` names partition 0 of foo, `foo:0-5` partitions 0 to 5
 * inclusive, and (kafka_franz) `foo:0:10` partition 0 starting at offset 10.
 */

export interface ExplicitPartition {
  topic: string;
  partition: number;
  /** Start here instead of the group's offset / start_from_oldest. */
  offset?: number;
}

export interface ParsedTopics {
  balanced: string[];
  explicit: ExplicitPartition[];
}

const INT = /^\d+$/;

export function parseTopics(items: string[], opts: { allowOffsets: boolean }): ParsedTopics {
  const balanced: string[] = [];
  const explicit: ExplicitPartition[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    for (const raw of item.split(',')) {
      const spec = raw.trim();
      if (spec === '') continue;
      const parts = spec.split(':');
      const topic = parts[0]!;
      if (topic === '') throw new Error(`topic '${spec}': the topic name is empty`);
      if (parts.length === 1) {
        if (!balanced.includes(topic)) balanced.push(topic);
        continue;
      }
      if (parts.length > (opts.allowOffsets ? 3 : 2)) throw new Error(`topic '${spec}': expected topic:partition${opts.allowOffsets ? '[:offset]' : ''}`);
      const [from, to] = partitionRange(spec, parts[1]!);
      let offset: number | undefined;
      if (parts.length === 3) {
        if (!INT.test(parts[2]!)) throw new Error(`topic '${spec}': offset '${parts[2]}' is not a non-negative integer`);
        offset = Number(parts[2]);
      }
      for (let p = from; p <= to; p++) {
        const key = `${topic}:${p}`;
        if (seen.has(key)) continue;
        seen.add(key);
        explicit.push(offset === undefined ? { topic, partition: p } : { topic, partition: p, offset });
      }
    }
  }
  if (balanced.length === 0 && explicit.length === 0) throw new Error('at least one topic is required');
  for (const e of explicit) {
    if (balanced.includes(e.topic)) throw new Error(`topic '${e.topic}' is listed both whole and with explicit partitions`);
  }
  return { balanced, explicit };
}

function partitionRange(spec: string, text: string): [number, number] {
  const dash = text.indexOf('-');
  if (dash < 0) {
    if (!INT.test(text)) throw new Error(`topic '${spec}': partition '${text}' is not a non-negative integer`);
    return [Number(text), Number(text)];
  }
  const a = text.slice(0, dash);
  const b = text.slice(dash + 1);
  if (!INT.test(a) || !INT.test(b)) throw new Error(`topic '${spec}': partition range '${text}' must be two non-negative integers, e.g. 0-5`);
  const from = Number(a);
  const to = Number(b);
  if (to < from) throw new Error(`topic '${spec}': partition range '${text}' ends before it starts`);
  return [from, to];
}
