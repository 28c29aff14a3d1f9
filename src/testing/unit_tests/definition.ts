/**
 * Reading test definitions: the `tests:` list of a config or of a separate `*_benthos_test.yaml`
 * file, in Benthos's schema. Problems are collected per case (so one bad case fails alone) or
 * per file (when the file itself cannot be read).
 */
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';

export interface InputPart {
  /** Raw content, unless `file` names a file to read it from (relative to the definition). */
  content: string;
  file?: string;
  metadata: Record<string, unknown>;
}

/** One expected message: condition name → its argument, as written. */
export type ConditionSet = Record<string, unknown>;

export interface TestCase {
  name: string;
  /** Line of the case in its definition file, shown in failures as Benthos does. */
  line: number;
  environment: Record<string, string>;
  targetProcessors: string;
  targetMapping: string;
  mocks: Record<string, unknown>;
  inputBatches: InputPart[][];
  outputBatches: ConditionSet[][];
  /** Problems with the definition itself: the case fails with these without running. */
  problems: string[];
}

export interface Definition {
  file: string;
  cases: TestCase[];
  /** A problem with the whole file (unreadable YAML, `tests` not a list). */
  problem?: string;
}

export const DEFAULT_TARGET = '/pipeline/processors';

/** Go's json.Marshal of a decoded YAML map sorts keys; json_content does the same so content matches Benthos byte for byte. */
export function toSortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => {
    if (typeof val === 'object' && val !== null && !Array.isArray(val)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(val).sort()) sorted[k] = (val as Record<string, unknown>)[k];
      return sorted;
    }
    return val;
  });
}

/** A YAML value used as a JSON document: scalars are taken as JSON text, structures are serialised. */
export function yamlValueAsJsonText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return toSortedJson(v);
  return String(v);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseInputPart(raw: unknown, where: string, problems: string[]): InputPart {
  const part: InputPart = { content: '', metadata: {} };
  if (!isPlainObject(raw)) {
    problems.push(`${where}: expected an object with content, json_content, file_content or metadata`);
    return part;
  }
  for (const [k, v] of Object.entries(raw)) {
    switch (k) {
      case 'content':
        part.content = v === null || v === undefined ? '' : String(v);
        break;
      case 'json_content':
        part.content = yamlValueAsJsonText(v);
        break;
      case 'file_content':
        part.file = String(v);
        break;
      case 'metadata':
        if (v !== null && !isPlainObject(v)) problems.push(`${where}: metadata must be an object of key/value pairs`);
        else part.metadata = v ?? {};
        break;
      default:
        problems.push(`${where}: input part field not recognised: ${k}`);
    }
  }
  return part;
}

function parseBatch<T>(raw: unknown, where: string, problems: string[], each: (v: unknown, where: string) => T): T[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push(`${where}: expected a list`);
    return [];
  }
  return raw.map((v, i) => each(v, `${where}[${i}]`));
}

function parseCase(raw: unknown, line: number, index: number): TestCase {
  const problems: string[] = [];
  const c: TestCase = {
    name: `test ${index}`,
    line,
    environment: {},
    targetProcessors: DEFAULT_TARGET,
    targetMapping: '',
    mocks: {},
    inputBatches: [],
    outputBatches: [],
    problems,
  };
  if (!isPlainObject(raw)) {
    problems.push('a test must be an object with name, input_batch and output_batches');
    return c;
  }
  const known = new Set(['name', 'environment', 'target_processors', 'target_mapping', 'mocks', 'input_batch', 'input_batches', 'output_batches']);
  for (const k of Object.keys(raw)) if (!known.has(k)) problems.push(`field ${k} not recognised`);
  if (raw.name !== undefined && raw.name !== null) c.name = String(raw.name);
  if (isPlainObject(raw.environment)) for (const [k, v] of Object.entries(raw.environment)) c.environment[k] = v === null ? '' : String(v);
  else if (raw.environment !== undefined && raw.environment !== null) problems.push('environment must be an object of NAME: value pairs');
  if (typeof raw.target_processors === 'string' && raw.target_processors !== '') c.targetProcessors = raw.target_processors;
  if (typeof raw.target_mapping === 'string') c.targetMapping = raw.target_mapping;
  if (isPlainObject(raw.mocks)) c.mocks = raw.mocks;
  else if (raw.mocks !== undefined && raw.mocks !== null) problems.push('mocks must be an object of label (or /json/pointer): processor config');

  const inputPart = (v: unknown, where: string): InputPart => parseInputPart(v, where, problems);
  if (raw.input_batch !== undefined && raw.input_batch !== null) c.inputBatches.push(parseBatch(raw.input_batch, 'input_batch', problems, inputPart));
  if (raw.input_batches !== undefined && raw.input_batches !== null) {
    for (const b of parseBatch(raw.input_batches, 'input_batches', problems, (v, w) => parseBatch(v, w, problems, inputPart))) c.inputBatches.push(b);
  }
  const conditionSet = (v: unknown, where: string): ConditionSet => {
    if (isPlainObject(v)) return v;
    if (v !== null && v !== undefined) problems.push(`${where}: expected an object of conditions`);
    return {};
  };
  c.outputBatches = parseBatch(raw.output_batches, 'output_batches', problems, (v, w) => parseBatch(v, w, problems, conditionSet));
  return c;
}

/** The test cases of a definition file (a config with inline `tests:` or a separate test file). */
export function parseDefinition(file: string, text: string): Definition {
  const lineCounter = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false });
  } catch (e) {
    return { file, cases: [], problem: `failed to parse test definition: ${(e as Error).message}` };
  }
  if (doc.errors.length > 0) return { file, cases: [], problem: `failed to parse test definition: ${doc.errors[0]!.message.split('\n')[0]}` };
  const root = doc.contents as Node | null;
  if (!isMap(root)) return { file, cases: [] };
  const testsNode = root.get('tests', true) as Node | undefined;
  if (testsNode === undefined || testsNode === null) return { file, cases: [] };
  if (!isSeq(testsNode)) {
    if (isMap(testsNode) || (testsNode.toJSON() as unknown) !== null) return { file, cases: [], problem: 'tests must be a list of test definitions' };
    return { file, cases: [] };
  }
  const cases = testsNode.items.map((item, i) => {
    const n = item as Node;
    const line = n?.range ? lineCounter.linePos(n.range[0]).line : 0;
    const raw = n && typeof (n as { toJS?: unknown }).toJS === 'function' ? (n as unknown as { toJS(doc: unknown): unknown }).toJS(doc) : null;
    return parseCase(raw, line, i);
  });
  return { file, cases };
}
