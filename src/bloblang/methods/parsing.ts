// Bloblang methods: parsing (JSON, YAML, CSV, XML, URLs, logfmt, msgpack, decimals, dynamic
// mappings). Each definition registers itself on import.
import { parseAllDocuments, stringify as stringifyYaml } from 'yaml';
import { parseMapping, formatParseError, type Mapping } from '../index.js';
import { registerMethod } from '../registry.js';
import { BloblangError, DELETE, Timestamp, isObject, typeError, type Value } from '../value.js';
import { boolArg, intArg, noArgs, optionalStringArg, stringArg, wrapError } from './arrays_args.js';
import { putKey } from './objects_util.js';
import { formatGoJson, parseGoJson } from './parsing_json.js';
import { decodeMsgpack, encodeMsgpack } from './parsing_msgpack.js';
import { bigDecimalString, parseCsvRecords, parseLogfmt } from './parsing_text.js';
import { parseGoQuery, parseGoUrl } from './parsing_url.js';
import { formatXmlDocument, parseXmlDocument } from './parsing_xml.js';

const CATEGORY = 'parsing';

function textTarget(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  throw typeError('string', v);
}

function bytesTarget(v: Value): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  throw typeError('bytes', v);
}

function toBytes(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

//------------------------------------------------------------------------------

/** Compiled dynamic mappings, keyed by their source (mappings usually repeat). */
const mappingCache = new Map<string, Mapping>();
const MAPPING_CACHE_LIMIT = 256;

function compileDynamic(src: string): Mapping {
  let m = mappingCache.get(src);
  if (m) return m;
  const res = parseMapping(src);
  if (!res.mapping) throw new BloblangError(`failed to parse mapping: ${formatParseError(src, res.diagnostics)}`);
  m = res.mapping;
  if (mappingCache.size >= MAPPING_CACHE_LIMIT) mappingCache.delete(mappingCache.keys().next().value!);
  mappingCache.set(src, m);
  return m;
}

registerMethod({
  name: 'bloblang',
  category: CATEGORY,
  description:
    'Executes an argument Bloblang mapping on the target. This method can be used in order to execute dynamic mappings.',
  params: [{ name: 'mapping', type: 'string', description: 'The mapping to execute.' }],
  examples: [
    {
      mapping: 'root.body = this.body.bloblang(this.mapping)',
      results: [
        ['{"body":{"foo":"hello world"},"mapping":"root.foo = this.foo.uppercase()"}', '{"body":{"foo":"HELLO WORLD"}}'],
        ['{"body":{"foo":"hello world 2"},"mapping":"root.foo = this.foo.capitalize()"}', '{"body":{"foo":"Hello World 2"}}'],
      ],
    },
  ],
  build(args) {
    const src = stringArg(args, 'mapping');
    return (target) => {
      const res = compileDynamic(src).execValue(target);
      return res.deleted ? DELETE : (res.value as Value);
    };
  },
});

registerMethod({
  name: 'format_json',
  category: CATEGORY,
  description: 'Serializes a target value into a pretty-printed JSON byte array (with 4 space indentation by default).',
  params: [
    {
      name: 'indent',
      type: 'string',
      optional: true,
      default: '    ',
      description:
        'Indentation string. Each element in a JSON object or array will begin on a new, indented line followed by one or more copies of indent according to the indentation nesting.',
    },
    { name: 'no_indent', type: 'bool', optional: true, default: false, description: 'Disable indentation.' },
    { name: 'escape_html', type: 'bool', optional: true, default: true, description: 'Escape problematic HTML characters.' },
  ],
  examples: [
    { mapping: 'root = this.doc.format_json()', results: [['{"doc":{"foo":"bar"}}', '{\n    "foo": "bar"\n}']] },
    { mapping: 'root = this.format_json("  ")', results: [['{"doc":{"foo":"bar"}}', '{\n  "doc": {\n    "foo": "bar"\n  }\n}']] },
    { mapping: 'root.doc = this.doc.format_json().string()', results: [['{"doc":{"foo":"bar"}}', '{"doc":"{\\n    \\"foo\\": \\"bar\\"\\n}"}']] },
    { mapping: 'root = this.doc.format_json(no_indent: true)', results: [['{"doc":{"foo":"bar"}}', '{"foo":"bar"}']] },
    {
      mapping: 'root = this.doc.format_json()',
      results: [['{"doc":{"email":"foo&bar@bento.dev","name":"foo>bar"}}', '{\n    "email": "foo\\u0026bar@bento.dev",\n    "name": "foo\\u003ebar"\n}']],
    },
    {
      mapping: 'root = this.doc.format_json(escape_html: false)',
      results: [['{"doc":{"email":"foo&bar@bento.dev","name":"foo>bar"}}', '{\n    "email": "foo&bar@bento.dev",\n    "name": "foo>bar"\n}']],
    },
  ],
  build(args) {
    const indent = optionalStringArg(args, 'indent') ?? '    ';
    const noIndent = boolArg(args, 'no_indent', false);
    const escapeHtml = boolArg(args, 'escape_html', true);
    return (target) => toBytes(formatGoJson(target, noIndent ? null : indent, escapeHtml));
  },
});

registerMethod({
  name: 'parse_json',
  category: CATEGORY,
  description: 'Attempts to parse a string as a JSON document and returns the result.',
  params: [
    {
      name: 'use_number',
      type: 'bool',
      optional: true,
      description: 'An optional flag that when set makes parsing numbers as json.Number instead of the default float64.',
    },
  ],
  examples: [
    { mapping: 'root.doc = this.doc.parse_json()', results: [['{"doc":"{\\"foo\\":\\"bar\\"}"}', '{"doc":{"foo":"bar"}}']] },
    {
      mapping: 'root.doc = this.doc.parse_json(use_number: true)',
      results: [
        [
          '{"doc":"{\\"foo\\":\\"11380878173205700000000000000000000000000000000\\"}"}',
          '{"doc":{"foo":"11380878173205700000000000000000000000000000000"}}',
        ],
      ],
    },
  ],
  build(args) {
    const useNumber = boolArg(args, 'use_number', false);
    return (target) => parseGoJson(textTarget(target), useNumber);
  },
});

//------------------------------------------------------------------------------

/** YAML-decoded data as Bloblang values: string keys, safe ints as numbers. */
function fromYaml(v: unknown): Value {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(fromYaml);
  if (v instanceof Map) {
    const out: Record<string, Value> = {};
    for (const [k, e] of v) putKey(out, String(k), fromYaml(e));
    return out;
  }
  if (v instanceof Date) return new Timestamp(BigInt(v.getTime()) * 1_000_000n);
  if (v instanceof Uint8Array) return v;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, Value> = {};
    for (const k of Object.keys(v)) putKey(out, k, fromYaml((v as Record<string, unknown>)[k]));
    return out;
  }
  return v === undefined ? null : v;
}

registerMethod({
  name: 'parse_yaml',
  category: CATEGORY,
  description: 'Attempts to parse a string as a single YAML document and returns the result.',
  params: [],
  examples: [{ mapping: 'root.doc = this.doc.parse_yaml()', results: [['{"doc":"foo: bar"}', '{"doc":{"foo":"bar"}}']] }],
  build(args) {
    noArgs(args);
    return (target) => {
      const docs = parseAllDocuments(textTarget(target), { intAsBigInt: true, schema: 'core', uniqueKeys: false });
      const list = Array.isArray(docs) ? docs : [];
      if (list.length === 0) return null;
      const doc = list[0]!;
      if (doc.errors.length > 0) throw new BloblangError(`failed to parse value as YAML: yaml: ${doc.errors[0]!.message}`);
      return fromYaml(doc.toJS({ mapAsMap: true, maxAliasCount: 1000 }));
    };
  },
});

/** Bloblang values as plain data the YAML writer understands. */
function toYamlData(v: Value): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Timestamp) return v.toJSON();
  if (Array.isArray(v)) return v.map(toYamlData);
  if (isObject(v)) {
    const out = new Map<string, unknown>();
    for (const k of Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out.set(k, toYamlData(v[k]));
    return out;
  }
  return v;
}

registerMethod({
  name: 'format_yaml',
  category: CATEGORY,
  description: 'Serializes a target value into a YAML byte array.',
  params: [],
  examples: [
    { mapping: 'root = this.doc.format_yaml()', results: [['{"doc":{"foo":"bar"}}', 'foo: bar\n']] },
    { mapping: 'root.doc = this.doc.format_yaml().string()', results: [['{"doc":{"foo":"bar"}}', '{"doc":"foo: bar\\n"}']] },
  ],
  build(args) {
    noArgs(args);
    return (target) => toBytes(stringifyYaml(toYamlData(target), { indent: 4, indentSeq: true, lineWidth: 0, minContentWidth: 0 }));
  },
});

//------------------------------------------------------------------------------

registerMethod({
  name: 'parse_csv',
  category: CATEGORY,
  description: 'Attempts to parse a string into an array of objects by following the CSV format described in RFC 4180.',
  params: [
    {
      name: 'parse_header_row',
      type: 'bool',
      optional: true,
      default: true,
      description:
        'Whether to reference the first row as a header row. If set to true the output structure for messages will be an object where field keys are determined by the header row. Otherwise, the output will be an array of row arrays.',
    },
    { name: 'delimiter', type: 'string', optional: true, default: ',', description: 'The delimiter to use for splitting values in each record. It must be a single character.' },
    {
      name: 'lazy_quotes',
      type: 'bool',
      optional: true,
      default: false,
      description: 'If set to `true`, a quote may appear in an unquoted field and a non-doubled quote may appear in a quoted field.',
    },
  ],
  examples: [
    {
      mapping: 'root.orders = this.orders.parse_csv()',
      results: [['{"orders":"foo,bar\\nfoo 1,bar 1\\nfoo 2,bar 2"}', '{"orders":[{"bar":"bar 1","foo":"foo 1"},{"bar":"bar 2","foo":"foo 2"}]}']],
    },
    {
      mapping: 'root.orders = this.orders.parse_csv(false)',
      results: [['{"orders":"foo 1,bar 1\\nfoo 2,bar 2"}', '{"orders":[["foo 1","bar 1"],["foo 2","bar 2"]]}']],
    },
  ],
  build(args) {
    const header = boolArg(args, 'parse_header_row', true);
    const delimiter = optionalStringArg(args, 'delimiter') ?? ',';
    const lazy = boolArg(args, 'lazy_quotes', false);
    if ([...delimiter].length !== 1) throw new BloblangError('delimiter value must be exactly one character');
    return (target) => {
      const records = parseCsvRecords(textTarget(target), delimiter, lazy);
      if (records.length === 0) throw new BloblangError('zero records were parsed');
      if (!header) return records;
      const [keys, ...rows] = records as [string[], ...string[][]];
      return rows.map((row) => {
        const obj: Record<string, Value> = {};
        keys.forEach((k, i) => putKey(obj, k, row[i]));
        return obj;
      });
    };
  },
});

registerMethod({
  name: 'parse_logfmt',
  category: CATEGORY,
  description: 'Attempts to parse a string as logfmt (`key=value` pairs separated by spaces, values optionally quoted) and returns an object.',
  params: [],
  examples: [
    { mapping: 'root = this.msg.parse_logfmt()', results: [['{"msg":"level=info msg=\\"hello world\\" dur=1.5s"}', '{"dur":"1.5s","level":"info","msg":"hello world"}']] },
  ],
  build(args) {
    noArgs(args);
    return (target) => parseLogfmt(textTarget(target));
  },
});

registerMethod({
  name: 'parse_url',
  category: CATEGORY,
  description:
    'Attempts to parse a URL from a string value, returning a structured result that describes the various facets of the URL. The fields returned within the structured result roughly follow https://pkg.go.dev/net/url#URL.',
  params: [],
  examples: [
    {
      mapping: 'root.foo_url = this.foo_url.parse_url()',
      results: [
        [
          '{"foo_url":"https://warpstreamlabs.github.io/bento/docs/guides/bloblang/about"}',
          '{"foo_url":{"fragment":"","host":"warpstreamlabs.github.io","opaque":"","path":"/bento/docs/guides/bloblang/about","raw_fragment":"","raw_path":"","raw_query":"","scheme":"https"}}',
        ],
      ],
    },
    {
      mapping: 'root.username = this.url.parse_url().user.name | "unknown"',
      results: [
        ['{"url":"amqp://foo:bar@127.0.0.1:5672/"}', '{"username":"foo"}'],
        ['{"url":"redis://localhost:6379"}', '{"username":"unknown"}'],
      ],
    },
  ],
  build(args) {
    noArgs(args);
    return (target) => {
      const u = parseGoUrl(textTarget(target));
      const out: Record<string, Value> = {
        scheme: u.scheme,
        opaque: u.opaque,
        host: u.host,
        path: u.path,
        raw_path: u.raw_path,
        raw_query: u.raw_query,
        fragment: u.fragment,
        raw_fragment: u.raw_fragment,
      };
      if (u.user) {
        const user: Record<string, Value> = { name: u.user.name };
        if (u.user.password !== undefined) user.password = u.user.password;
        out.user = user;
      }
      return out;
    };
  },
});

registerMethod({
  name: 'parse_form_url_encoded',
  category: CATEGORY,
  description:
    'Attempts to parse a url-encoded query string (from an x-www-form-urlencoded request body) and returns a structured result.',
  params: [],
  examples: [
    {
      mapping: 'root.values = this.body.parse_form_url_encoded()',
      results: [['{"body":"noise=meow&animal=cat&fur=orange&fur=fluffy"}', '{"values":{"animal":"cat","fur":["orange","fluffy"],"noise":"meow"}}']],
    },
  ],
  build(args) {
    noArgs(args);
    return (target) => {
      const out: Record<string, Value> = {};
      for (const [k, vs] of parseGoQuery(textTarget(target))) putKey(out, k, vs.length === 1 ? vs[0] : vs);
      return out;
    };
  },
});

//------------------------------------------------------------------------------

registerMethod({
  name: 'parse_xml',
  category: CATEGORY,
  description:
    'Attempts to parse a string as an XML document and returns a structured result: attributes are keys prefixed with `-`, the text of an element with attributes is `#text`, comments/directives/processing instructions are ignored, repeated elements become arrays, and with `cast` numbers and booleans are converted.',
  params: [
    { name: 'cast', type: 'bool', optional: true, default: false, description: 'whether to try to cast values that are numbers and booleans to the right type.' },
  ],
  examples: [
    {
      mapping: 'root.doc = this.doc.parse_xml()',
      results: [
        [
          '{"doc":"<root><title>This is a title</title><content>This is some content</content></root>"}',
          '{"doc":{"root":{"content":"This is some content","title":"This is a title"}}}',
        ],
      ],
    },
    {
      mapping: 'root.doc = this.doc.parse_xml(cast: true)',
      results: [
        [
          '{"doc":"<root><title>This is a title</title><number id=99>123</number><bool>True</bool></root>"}',
          '{"doc":{"root":{"bool":true,"number":{"#text":123,"-id":99},"title":"This is a title"}}}',
        ],
      ],
    },
  ],
  build(args) {
    const cast = boolArg(args, 'cast', false);
    return (target) => parseXmlDocument(textTarget(target), cast);
  },
});

registerMethod({
  name: 'format_xml',
  category: CATEGORY,
  description: 'Serializes a target value into an XML byte array.',
  params: [
    {
      name: 'indent',
      type: 'string',
      optional: true,
      default: '    ',
      description:
        'Indentation string. Each element in an XML object or array will begin on a new, indented line followed by one or more copies of indent according to the indentation nesting.',
    },
    { name: 'no_indent', type: 'bool', optional: true, default: false, description: 'Disable indentation.' },
  ],
  examples: [
    {
      mapping: 'root = this.format_xml()',
      results: [['{"foo":{"bar":{"baz":"foo bar baz"}}}', '<foo>\n    <bar>\n        <baz>foo bar baz</baz>\n    </bar>\n</foo>']],
    },
    { mapping: 'root = this.format_xml(no_indent: true)', results: [['{"foo":{"bar":{"baz":"foo bar baz"}}}', '<foo><bar><baz>foo bar baz</baz></bar></foo>']] },
  ],
  build(args) {
    const indent = optionalStringArg(args, 'indent') ?? '    ';
    const noIndent = boolArg(args, 'no_indent', false);
    return (target) => {
      if (!isObject(target)) throw typeError('object', target);
      return toBytes(formatXmlDocument(target, noIndent ? null : indent));
    };
  },
});

//------------------------------------------------------------------------------

registerMethod({
  name: 'parse_msgpack',
  category: CATEGORY,
  description: 'Parses a MessagePack message into a structured document.',
  params: [],
  examples: [{ mapping: 'root = content().decode("hex").parse_msgpack()', results: [['81a3666f6fa3626172', '{"foo":"bar"}']] }],
  build(args) {
    noArgs(args);
    return (target) => decodeMsgpack(bytesTarget(target));
  },
});

registerMethod({
  name: 'format_msgpack',
  category: CATEGORY,
  description: 'Formats data as a MessagePack message in bytes format.',
  params: [],
  examples: [{ mapping: 'root = this.format_msgpack().encode("hex")', results: [['{"foo":"bar"}', '81a3666f6fa3626172']] }],
  build(args) {
    noArgs(args);
    return (target) => encodeMsgpack(target);
  },
});

registerMethod({
  name: 'parse_big_decimal',
  category: CATEGORY,
  description:
    'Parses a Kafka Connect / Debezium decimal encoded as a two\'s complement big-endian unscaled integer and returns its decimal string representation.',
  params: [{ name: 'scale', type: 'int', description: 'Number of digits after the decimal point (0-16383).' }],
  examples: [
    { mapping: 'root.amount = this.amount.decode("base64").parse_big_decimal(scale: 2)', results: [['{"amount":"MDk="}', '{"amount":"123.45"}']] },
    { mapping: 'root.amount = this.amount.decode("base64").parse_big_decimal(scale: 2)', results: [['{"amount":"/w=="}', '{"amount":"-0.01"}']] },
  ],
  build(args) {
    const scale = intArg(args, 'scale');
    if (scale < 0 || scale > 16383) throw new BloblangError(`scale must be between 0 and 16383, got ${scale}`);
    return (target) => {
      try {
        return bigDecimalString(bytesTarget(target), scale);
      } catch (e) {
        throw wrapError('failed to parse big decimal', e);
      }
    };
  },
});

// parse_parquet is not implemented: decoding Parquet needs a Parquet reader (Thrift metadata,
// page encodings, compression codecs), and no Parquet package is installed.
