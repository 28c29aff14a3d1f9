// Bloblang methods: objects (the object half of "object & array manipulation").
// Each definition registers itself on import.
import { registerMethod, type QueryFn } from '../registry.js';
import { BloblangError, NOTHING, isObject, typeError, typeName, type Value } from '../value.js';
import { boolArg, noArgs, stringArg, variadicArgs, wrapError } from './arrays_args.js';
import { compileJsonPath } from './objects_jsonpath.js';
import { compileJsonSchema } from './objects_schema.js';
import { applyChangelog, diffValues } from './objects_diff.js';
import {
  cloneValue,
  collideIntoArray,
  collideOverwrite,
  dotPathToSlice,
  mapWith,
  mapWithout,
  mergeInto,
  pathExists,
  putKey,
  searchPath,
  setPath,
} from './objects_util.js';

const CATEGORY = 'object & array manipulation';

type Obj = Record<string, Value>;

function requireObject(v: Value): Obj {
  if (!isObject(v)) throw typeError('object', v);
  return v;
}

/** `merge` and `assign` share everything but the collision rule. */
function mergeLike(into: Value, from: Value, collide: (a: Value, b: Value) => Value): Value {
  const source = cloneValue(from);
  if (Array.isArray(into)) return Array.isArray(source) ? [...into, ...source] : [...into, source];
  if (!isObject(into)) throw typeError('object or array', into);
  const out: Obj = {};
  mergeInto(out, into, collide);
  mergeInto(out, source, collide);
  return out;
}

registerMethod({
  name: 'assign',
  category: CATEGORY,
  description:
    'Merge a source object into an existing destination object. When a collision is found within the merged structures (both a source and destination object contain the same non-object keys) the value in the destination object will be overwritten by that of source object. In order to preserve both values on collision use the `merge` method.',
  params: [{ name: 'with', type: 'any', description: 'A value to merge the target value with.' }],
  examples: [
    {
      mapping: 'root = this.foo.assign(this.bar)',
      results: [
        [
          '{"foo":{"first_name":"fooer","likes":"bars"},"bar":{"second_name":"barer","likes":"foos"}}',
          '{"first_name":"fooer","likes":"foos","second_name":"barer"}',
        ],
      ],
    },
  ],
  build(args) {
    const withValue = args.with;
    return (target) => mergeLike(target, withValue, collideOverwrite);
  },
});

registerMethod({
  name: 'merge',
  category: CATEGORY,
  description:
    'Merge a source object into an existing destination object. When a collision is found within the merged structures (both a source and destination object contain the same non-object keys) the result will be an array containing both values, where values that are already arrays will be expanded into the resulting array. In order to simply override destination fields on collision use the `assign` method.',
  params: [{ name: 'with', type: 'any', description: 'A value to merge the target value with.' }],
  examples: [
    {
      mapping: 'root = this.foo.merge(this.bar)',
      results: [
        [
          '{"foo":{"first_name":"fooer","likes":"bars"},"bar":{"second_name":"barer","likes":"foos"}}',
          '{"first_name":"fooer","likes":["bars","foos"],"second_name":"barer"}',
        ],
      ],
    },
  ],
  build(args) {
    const withValue = args.with;
    return (target) => mergeLike(target, withValue, collideIntoArray);
  },
});

function collapseInto(out: Obj, prefix: string, v: Value, includeEmpty: boolean): void {
  const join = (k: string) => (prefix === '' ? k : `${prefix}.${k}`);
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) {
      if (includeEmpty && prefix !== '') putKey(out, prefix, {});
      return;
    }
    for (const k of keys) collapseInto(out, join(k), v[k], includeEmpty);
  } else if (Array.isArray(v)) {
    if (v.length === 0) {
      if (includeEmpty && prefix !== '') putKey(out, prefix, []);
      return;
    }
    v.forEach((e, i) => collapseInto(out, join(String(i)), e, includeEmpty));
  } else {
    putKey(out, prefix, v);
  }
}

registerMethod({
  name: 'collapse',
  category: CATEGORY,
  description:
    'Collapse an array or object into an object of key/value pairs for each field, where the key is the full path of the structured field in dot path notation. Empty arrays an objects are ignored by default.',
  params: [
    { name: 'include_empty', type: 'bool', optional: true, default: false, description: 'Whether to include empty objects and arrays in the resulting object.' },
  ],
  examples: [
    {
      mapping: 'root.result = this.collapse()',
      results: [['{"foo":[{"bar":"1"},{"bar":{}},{"bar":"2"},{"bar":[]}]}', '{"result":{"foo.0.bar":"1","foo.2.bar":"2"}}']],
    },
    {
      mapping: 'root.result = this.collapse(include_empty: true)',
      results: [
        ['{"foo":[{"bar":"1"},{"bar":{}},{"bar":"2"},{"bar":[]}]}', '{"result":{"foo.0.bar":"1","foo.1.bar":{},"foo.2.bar":"2","foo.3.bar":[]}}'],
      ],
    },
  ],
  build(args) {
    const includeEmpty = boolArg(args, 'include_empty', false);
    return (target) => {
      if (!isObject(target) && !Array.isArray(target)) throw new BloblangError('not an object or array');
      const out: Obj = {};
      collapseInto(out, '', target, includeEmpty);
      return out;
    };
  },
});

registerMethod({
  name: 'exists',
  category: CATEGORY,
  description: 'Checks that a field, identified via a dot path, exists in an object. A field holding `null` exists.',
  params: [{ name: 'path', type: 'string', description: 'A dot path to a field.' }],
  examples: [
    {
      mapping: 'root.result = this.foo.exists("bar.baz")',
      results: [
        ['{"foo":{"bar":{"baz":"yep, I exist"}}}', '{"result":true}'],
        ['{"foo":{"bar":{}}}', '{"result":false}'],
        ['{"foo":{}}', '{"result":false}'],
      ],
    },
  ],
  build(args) {
    const path = dotPathToSlice(stringArg(args, 'path'));
    return (target) => pathExists(target, path);
  },
});

registerMethod({
  name: 'explode',
  category: CATEGORY,
  description: 'Explodes an array or object at a dot path.',
  params: [{ name: 'path', type: 'string', description: 'A dot path to a field to explode.' }],
  examples: [
    {
      summary: 'Exploding arrays results in an array of copies of the document, one per element of the target array.',
      mapping: 'root = this.explode("value")',
      results: [['{"id":1,"value":["foo","bar","baz"]}', '[{"id":1,"value":"foo"},{"id":1,"value":"bar"},{"id":1,"value":"baz"}]']],
    },
    {
      summary: 'Exploding objects results in an object of copies of the document keyed by the keys of the target object.',
      mapping: 'root = this.explode("value")',
      results: [
        [
          '{"id":1,"value":{"foo":2,"bar":[3,4],"baz":{"bev":5}}}',
          '{"bar":{"id":1,"value":[3,4]},"baz":{"id":1,"value":{"bev":5}},"foo":{"id":1,"value":2}}',
        ],
      ],
    },
  ],
  build(args) {
    const rawPath = stringArg(args, 'path');
    const path = dotPathToSlice(rawPath);
    return (target) => {
      const root = requireObject(target);
      const found = searchPath(root, path);
      const rest = mapWithout(root, [path]);
      if (Array.isArray(found)) return found.map((e) => setPath(rest, path, e));
      if (isObject(found)) {
        const out: Obj = {};
        for (const k of Object.keys(found)) putKey(out, k, setPath(rest, path, found[k]));
        return out;
      }
      throw new BloblangError(`expected array or object value at path '${rawPath}', found: ${typeName(found)}`);
    };
  },
});

registerMethod({
  name: 'get',
  category: CATEGORY,
  description: 'Extract a field value, identified via a dot path, from an object.',
  params: [{ name: 'path', type: 'string', description: 'A dot path identifying a field to obtain.' }],
  examples: [
    {
      mapping: 'root.result = this.foo.get(this.target)',
      results: [
        ['{"foo":{"bar":"from bar","baz":"from baz"},"target":"bar"}', '{"result":"from bar"}'],
        ['{"foo":{"bar":"from bar","baz":"from baz"},"target":"baz"}', '{"result":"from baz"}'],
      ],
    },
  ],
  build(args) {
    const path = dotPathToSlice(stringArg(args, 'path'));
    return (target) => searchPath(target, path) ?? null;
  },
});

registerMethod({
  name: 'set',
  category: CATEGORY,
  description: 'Set a field value, identified via a dot path, of an object. Setting `deleted()` removes the field.',
  params: [
    { name: 'path', type: 'string', description: 'A dot path identifying a field to write.' },
    { name: 'value', type: 'any', description: 'The value to write.' },
  ],
  examples: [
    { mapping: 'root = this.set("nested.field", "foo")', results: [['{"bar":"value"}', '{"bar":"value","nested":{"field":"foo"}}']] },
    { mapping: 'root = this.set("field", deleted())', results: [['{"bar":"value", "field":"foo"}', '{"bar":"value"}']] },
    { mapping: 'root = this.set("arr.0", "foo")', results: [['{"bar":"value", "arr": ["value"]}', '{"arr":["foo"],"bar":"value"}']] },
  ],
  build(args) {
    const raw = stringArg(args, 'path');
    const path = raw === '' ? [] : dotPathToSlice(raw);
    const value = args.value;
    return (target) => setPath(target, path, value);
  },
});

registerMethod({
  name: 'json_path',
  category: CATEGORY,
  description:
    'Executes the given JSONPath expression on an object or array and returns the result. The JSONPath expression syntax can be found at https://goessner.net/articles/JsonPath/.',
  params: [{ name: 'expression', type: 'string', description: 'The JSONPath expression to execute.' }],
  examples: [
    {
      mapping: 'root.all_names = this.json_path("$..name")',
      results: [
        ['{"name":"alice","foo":{"name":"bob"}}', '{"all_names":["alice","bob"]}'],
        ['{"thing":["this","bar",{"name":"alice"}]}', '{"all_names":["alice"]}'],
      ],
    },
    {
      mapping: `root.text_objects = this.json_path("$.body[?(@.type=='text')]")`,
      results: [['{"body":[{"type":"image","id":"foo"},{"type":"text","id":"bar"}]}', '{"text_objects":[{"id":"bar","type":"text"}]}']],
    },
  ],
  build(args) {
    const run = compileJsonPath(stringArg(args, 'expression'));
    return (target) => run(target);
  },
});

registerMethod({
  name: 'json_schema',
  category: CATEGORY,
  description: 'Checks a JSON schema against a value and returns the value if it matches or throws and error if it does not.',
  params: [{ name: 'schema', type: 'string', description: 'The schema to check values against.' }],
  examples: [
    {
      mapping: 'root = this.json_schema("""{\n  "type":"object",\n  "properties":{\n    "foo":{\n      "type":"string"\n    }\n  }\n}""")',
      results: [
        ['{"foo":"bar"}', '{"foo":"bar"}'],
        ['{"foo":5}', 'Error("failed assignment (line 1): field `this`: foo invalid type. expected: string, given: integer")'],
      ],
    },
  ],
  build(args) {
    const check = compileJsonSchema(stringArg(args, 'schema'));
    return (target) => {
      check(target);
      return target;
    };
  },
});

registerMethod({
  name: 'keys',
  category: CATEGORY,
  description: 'Returns the keys of an object as an array, sorted.',
  params: [],
  examples: [{ mapping: 'root.foo_keys = this.foo.keys()', results: [['{"foo":{"bar":1,"baz":2}}', '{"foo_keys":["bar","baz"]}']] }],
  build(args) {
    noArgs(args);
    return (target) => Object.keys(requireObject(target)).sort(byteOrder);
  },
});

/** Go sorts strings bytewise; for UTF-16 this is code-unit order except astral chars (rare). */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

registerMethod({
  name: 'key_values',
  category: CATEGORY,
  description:
    'Returns the key/value pairs of an object as an array, where each element is an object with a `key` field and a `value` field. The order of the resulting array will be random.',
  params: [],
  examples: [
    {
      mapping: 'root.foo_key_values = this.foo.key_values().sort_by(pair -> pair.key)',
      results: [['{"foo":{"bar":1,"baz":2}}', '{"foo_key_values":[{"key":"bar","value":1},{"key":"baz","value":2}]}']],
    },
  ],
  build(args) {
    noArgs(args);
    return (target) => {
      const obj = requireObject(target);
      return Object.keys(obj)
        .sort(byteOrder)
        .map((key) => ({ key, value: obj[key] }));
    };
  },
});

registerMethod({
  name: 'values',
  category: CATEGORY,
  description: 'Returns the values of an object as an array. The order of the resulting array will be random.',
  params: [],
  examples: [{ mapping: 'root.foo_vals = this.foo.values().sort()', results: [['{"foo":{"bar":1,"baz":2}}', '{"foo_vals":[1,2]}']] }],
  build(args) {
    noArgs(args);
    return (target) => {
      const obj = requireObject(target);
      return Object.keys(obj)
        .sort(byteOrder)
        .map((k) => obj[k]);
    };
  },
});

registerMethod({
  name: 'map_each_key',
  category: CATEGORY,
  description: 'Apply a mapping to each key of an object, and replace the key with the result, which must be a string.',
  params: [{ name: 'query', type: 'query', description: 'A query that will be used to map each key.' }],
  examples: [
    {
      mapping: 'root.new_dict = this.dict.map_each_key(key -> key.uppercase())',
      results: [['{"dict":{"keya":"hello","keyb":"world"}}', '{"new_dict":{"KEYA":"hello","KEYB":"world"}}']],
    },
    {
      mapping: 'root = this.map_each_key(key -> if key.contains("kafka") { "_" + key })',
      results: [['{"amqp_key":"foo","kafka_key":"bar","kafka_topic":"baz"}', '{"_kafka_key":"bar","_kafka_topic":"baz","amqp_key":"foo"}']],
    },
  ],
  build(args) {
    const query = args.query as QueryFn;
    return (target, ctx) => {
      const obj = requireObject(target);
      const out: Obj = {};
      for (const k of Object.keys(obj)) {
        const nk = query(ctx, k);
        if (nk === NOTHING) putKey(out, k, obj[k]);
        else if (typeof nk === 'string') putKey(out, nk, obj[k]);
        else throw wrapError('unexpected result from key mapping', typeError('string', nk));
      }
      return out;
    };
  },
});

function pathList(args: Parameters<typeof variadicArgs>[0]): string[][] {
  return variadicArgs(args).map((a, i) => {
    if (typeof a === 'string') return dotPathToSlice(a);
    if (a instanceof Uint8Array) return dotPathToSlice(Buffer.from(a).toString('utf8'));
    throw wrapError(`argument ${i}`, typeError('string', a));
  });
}

registerMethod({
  name: 'with',
  variadic: true,
  category: CATEGORY,
  description:
    'Returns an object where all but one or more field path arguments are removed. Each path specifies a specific field to be retained from the input object, allowing for nested fields. If a key within a nested path does not exist then it is ignored.',
  params: [],
  examples: [
    {
      mapping: 'root = this.with("inner.a","inner.c","d")',
      results: [['{"inner":{"a":"first","b":"second","c":"third"},"d":"fourth","e":"fifth"}', '{"d":"fourth","inner":{"a":"first","c":"third"}}']],
    },
  ],
  build(args) {
    const paths = pathList(args);
    return (target) => mapWith(requireObject(target), paths);
  },
});

registerMethod({
  name: 'without',
  variadic: true,
  category: CATEGORY,
  description:
    'Returns an object where one or more field path arguments are removed. Each path specifies a specific field to be deleted from the input object, allowing for nested fields. If a key within a nested path does not exist or is not an object then it is not removed.',
  params: [],
  examples: [
    {
      mapping: 'root = this.without("inner.a","inner.c","d")',
      results: [['{"inner":{"a":"first","b":"second","c":"third"},"d":"fourth","e":"fifth"}', '{"e":"fifth","inner":{"b":"second"}}']],
    },
  ],
  build(args) {
    const paths = pathList(args);
    return (target) => mapWithout(requireObject(target), paths);
  },
});

registerMethod({
  name: 'diff',
  category: CATEGORY,
  description:
    'Create a diff by comparing the current value with the given one. The result is a changelog: an array of `{"type","path","from","to"}` objects (type `create`, `update` or `delete`), as github.com/r3labs/diff produces.',
  params: [{ name: 'other', type: 'any', description: 'The value to compare against.' }],
  build(args) {
    const other = args.other;
    return (target) => diffValues(target, other);
  },
});

registerMethod({
  name: 'patch',
  category: CATEGORY,
  description: 'Apply a changelog, as produced by `diff`, to the current value.',
  params: [{ name: 'changelog', type: 'any', description: 'The changelog to apply.' }],
  build(args) {
    const changelog = args.changelog;
    return (target) => applyChangelog(target, changelog);
  },
});
