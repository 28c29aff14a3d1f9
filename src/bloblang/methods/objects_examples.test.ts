/**
 * Runs the documented examples attached to every object/array, timestamp and parsing method
 * definition (taken from the Benthos/Bento method reference) through a real mapping.
 */
process.env.TZ = 'UTC';

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message } from '../../core/message.js';
import { parseMapping } from '../index.js';
import { listMethods } from '../registry.js';

const CATEGORIES = new Set(['object & array manipulation', 'timestamp manipulation', 'parsing']);

function run(mapping: string, input: string): string {
  const r = parseMapping(mapping);
  if (!r.mapping) return `ParseError(${r.diagnostics.map((d) => d.message).join('; ')})`;
  try {
    const out = r.mapping.mapPart([Message.fromBytes(Buffer.from(input, 'utf8'))], 0);
    return out === null ? '<deleted>' : out.asString();
  } catch (e) {
    return `Error("${(e as Error).message}")`;
  }
}

function parsed(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

for (const def of listMethods()) {
  if (!CATEGORIES.has(def.category) || def.deprecated) continue;
  test(`examples of ${def.name}`, () => {
    for (const ex of def.examples ?? []) {
      if (ex.skipTesting) continue;
      for (const [input, expected] of ex.results) {
        const actual = run(ex.mapping, input);
        const e = parsed(expected);
        if (e !== undefined && !expected.startsWith('Error(')) {
          assert.deepEqual(parsed(actual), e, `${ex.mapping}\n  in: ${input}`);
        } else {
          assert.equal(actual, expected, `${ex.mapping}\n  in: ${input}`);
        }
      }
    }
  });
}
