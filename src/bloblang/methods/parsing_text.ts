/**
 * Text formats for the parsing methods: CSV (Go encoding/csv rules), logfmt, and Kafka
 * Connect / Debezium big decimals.
 */
import { parse as parseCsvSync } from 'csv-parse/sync';
import { BloblangError, type Value } from '../value.js';
import { putKey } from './objects_util.js';

/** CSV records: fields per record must match the first record, as Go's csv.Reader requires. */
export function parseCsvRecords(text: string, delimiter: string, lazyQuotes: boolean): string[][] {
  let records: string[][];
  try {
    records = parseCsvSync(text, {
      delimiter,
      relax_quotes: lazyQuotes,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as string[][];
  } catch (e) {
    const msg = (e as Error).message;
    const line = /line (\d+)/i.exec(msg)?.[1];
    throw new BloblangError(`parse error${line ? ` on line ${line}` : ''}: ${lazyQuotes ? msg : 'bare " in non-quoted field'}`);
  }
  if (records.length > 0) {
    const width = records[0]!.length;
    records.forEach((r, i) => {
      if (r.length !== width) throw new BloblangError(`record on line ${i + 1}: wrong number of fields`);
    });
  }
  return records;
}

/** logfmt `key=value key2="quoted value" flag` into an object of strings. */
export function parseLogfmt(text: string): Record<string, Value> {
  const out: Record<string, Value> = {};
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text.charCodeAt(i) <= 0x20) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && text.charCodeAt(i) > 0x20 && text[i] !== '=' && text[i] !== '"') i++;
    const key = text.slice(keyStart, i);
    if (key === '') throw new BloblangError(`logfmt syntax error at pos ${i + 1}: unexpected '${text[i]}'`);
    if (text[i] !== '=') {
      putKey(out, key, '');
      continue;
    }
    i++;
    if (text[i] === '"') {
      let j = i + 1;
      let raw = '"';
      for (; j < n && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < n) {
          raw += text[j]! + text[j + 1]!;
          j++;
        } else {
          raw += text[j];
        }
      }
      if (j >= n) throw new BloblangError(`logfmt syntax error at pos ${j + 1}: unterminated quoted value`);
      raw += '"';
      let value: string;
      try {
        value = JSON.parse(raw.replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)) as string;
      } catch {
        throw new BloblangError(`logfmt syntax error at pos ${i + 1}: invalid quoted value`);
      }
      putKey(out, key, value);
      i = j + 1;
    } else {
      const valStart = i;
      while (i < n && text.charCodeAt(i) > 0x20) i++;
      putKey(out, key, text.slice(valStart, i));
    }
  }
  return out;
}

/** Two's-complement big-endian unscaled integer with `scale` decimal places, as a string. */
export function bigDecimalString(bytes: Uint8Array, scale: number): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) n -= 1n << BigInt(bytes.length * 8);
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString();
  if (scale === 0) return (neg ? '-' : '') + digits;
  const padded = digits.padStart(scale + 1, '0');
  const whole = padded.slice(0, padded.length - scale);
  const frac = padded.slice(padded.length - scale);
  return `${neg ? '-' : ''}${whole}.${frac}`;
}
