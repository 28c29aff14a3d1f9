// Bloblang methods: arrays (the array half of "object & array manipulation").
// Each definition registers itself on import.
import { registerMethod, type QueryFn } from '../registry.js';
import { BloblangError, DELETE, NOTHING, isObject, typeError, type Value } from '../value.js';
import { expectedTypes, intArg, noArgs, optionalStringArg, typeErrorFrom, variadicArgs, wrapError } from './arrays_args.js';
import { compareForSort } from './arrays_sort.js';
import { cloneValue, collideIntoArray, mergeInto, putKey, valuesEqual } from './objects_util.js';

const CATEGORY = 'object & array manipulation';

type Obj = Record<string, Value>;

function requireArray(v: Value): Value[] {
  if (!Array.isArray(v)) throw typeError('array', v);
  return v;
}

function kvContext(key: string, value: Value): Obj {
  return { key, value };
}

registerMethod({
  name: 'all',
  category: CATEGORY,
  description:
    'Checks each element of an array against a query and returns true if all elements passed. An error occurs if the target is not an array, or if any element results in the provided query returning a non-boolean result. Returns false if the target array is empty.',
  params: [{ name: 'test', type: 'query', description: 'A test query to apply to each element.' }],
  examples: [
    {
      mapping: 'root.all_over_21 = this.patrons.all(patron -> patron.age >= 21)',
      results: [
        ['{"patrons":[{"id":"1","age":18},{"id":"2","age":23}]}', '{"all_over_21":false}'],
        ['{"patrons":[{"id":"1","age":45},{"id":"2","age":23}]}', '{"all_over_21":true}'],
      ],
    },
  ],
  build(args) {
    const test = args.test as QueryFn;
    return (target, ctx) => {
      const arr = requireArray(target);
      if (arr.length === 0) return false;
      for (let i = 0; i < arr.length; i++) {
        let r: Value;
        try {
          r = test(ctx, arr[i]);
        } catch (e) {
          throw wrapError(`element ${i}`, e);
        }
        if (typeof r !== 'boolean') throw wrapError(`element ${i}`, typeError('bool', r));
        if (!r) return false;
      }
      return true;
    };
  },
});

registerMethod({
  name: 'any',
  category: CATEGORY,
  description:
    'Checks the elements of an array against a query and returns true if any element passes. An error occurs if the target is not an array, or if an element results in the provided query returning a non-boolean result. Returns false if the target array is empty.',
  params: [{ name: 'test', type: 'query', description: 'A test query to apply to each element.' }],
  examples: [
    {
      mapping: 'root.any_over_21 = this.patrons.any(patron -> patron.age >= 21)',
      results: [
        ['{"patrons":[{"id":"1","age":18},{"id":"2","age":23}]}', '{"any_over_21":true}'],
        ['{"patrons":[{"id":"1","age":10},{"id":"2","age":12}]}', '{"any_over_21":false}'],
      ],
    },
  ],
  build(args) {
    const test = args.test as QueryFn;
    return (target, ctx) => {
      const arr = requireArray(target);
      for (let i = 0; i < arr.length; i++) {
        let r: Value;
        try {
          r = test(ctx, arr[i]);
        } catch (e) {
          throw wrapError(`element ${i}`, e);
        }
        if (typeof r !== 'boolean') throw wrapError(`element ${i}`, typeError('bool', r));
        if (r) return true;
      }
      return false;
    };
  },
});

registerMethod({
  name: 'append',
  variadic: true,
  category: CATEGORY,
  description: 'Returns an array with new elements appended to the end.',
  params: [],
  examples: [
    {
      mapping: 'root.foo = this.foo.append("and", "this")',
      results: [['{"foo":["bar","baz"]}', '{"foo":["bar","baz","and","this"]}']],
    },
  ],
  build(args) {
    const extra = variadicArgs(args);
    return (target) => [...requireArray(target), ...extra];
  },
});

registerMethod({
  name: 'concat',
  variadic: true,
  category: CATEGORY,
  description: 'Concatenates an array value with one or more argument arrays.',
  params: [],
  examples: [
    {
      mapping: 'root.foo = this.foo.concat(this.bar, this.baz)',
      results: [['{"foo":["a","b"],"bar":["c"],"baz":["d","e","f"]}', '{"foo":["a","b","c","d","e","f"]}']],
    },
  ],
  build(args) {
    const lists = variadicArgs(args).map((a) => requireArray(a));
    return (target) => {
      const out = requireArray(target).slice();
      for (const l of lists) out.push(...l);
      return out;
    };
  },
});

registerMethod({
  name: 'enumerated',
  category: CATEGORY,
  description:
    'Converts an array into a new array of objects, where each object has a field index containing the `index` of the element and a field `value` containing the original value of the element.',
  params: [],
  examples: [
    {
      mapping: 'root.foo = this.foo.enumerated()',
      results: [['{"foo":["bar","baz"]}', '{"foo":[{"index":0,"value":"bar"},{"index":1,"value":"baz"}]}']],
    },
  ],
  build(args) {
    noArgs(args);
    return (target) => requireArray(target).map((value, index) => ({ index, value }));
  },
});

registerMethod({
  name: 'filter',
  category: CATEGORY,
  description:
    'Executes a mapping query argument for each element of an array or key/value pair of an object. If the query returns `false` the item is removed from the resulting array or object. The item will also be removed if the query returns any non-boolean value.',
  params: [
    {
      name: 'test',
      type: 'query',
      description:
        'A query to apply to each element, if this query resolves to any value other than a boolean `true` the element will be removed from the result.',
    },
  ],
  examples: [
    { mapping: 'root.new_nums = this.nums.filter(num -> num > 10)', results: [['{"nums":[3,11,4,17]}', '{"new_nums":[11,17]}']] },
    {
      summary: 'When filtering objects the query is provided a context with a field `key` and a field `value`.',
      mapping: 'root.new_dict = this.dict.filter(item -> item.value.contains("foo"))',
      results: [
        [
          '{"dict":{"first":"hello foo","second":"world","third":"this foo is great"}}',
          '{"new_dict":{"first":"hello foo","third":"this foo is great"}}',
        ],
      ],
    },
  ],
  build(args) {
    const test = args.test as QueryFn;
    return (target, ctx) => {
      if (Array.isArray(target)) return target.filter((v) => test(ctx, v) === true);
      if (isObject(target)) {
        const out: Obj = {};
        for (const k of Object.keys(target)) {
          if (test(ctx, kvContext(k, target[k])) === true) putKey(out, k, target[k]);
        }
        return out;
      }
      throw typeError('array or object', target);
    };
  },
});

registerMethod({
  name: 'find',
  category: CATEGORY,
  description:
    'Returns the index of the first occurrence of a value in an array. `-1` is returned if there are no matches. Numerical comparisons are made irrespective of the representation type (float versus integer).',
  params: [{ name: 'value', type: 'any', description: 'A value to find.' }],
  examples: [
    { mapping: 'root.index = this.find("bar")', results: [['["foo", "bar", "baz"]', '{"index":1}']] },
    { mapping: 'root.index = this.things.find(this.goal)', results: [['{"goal":"bar","things":["foo", "bar", "baz"]}', '{"index":1}']] },
  ],
  build(args) {
    const wanted = args.value;
    return (target) => requireArray(target).findIndex((e) => valuesEqual(wanted, e));
  },
});

registerMethod({
  name: 'find_all',
  category: CATEGORY,
  description:
    'Returns an array containing the indexes of all occurrences of a value in an array. An empty array is returned if there are no matches. Numerical comparisons are made irrespective of the representation type (float versus integer).',
  params: [{ name: 'value', type: 'any', description: 'A value to find.' }],
  examples: [
    { mapping: 'root.index = this.find_all("bar")', results: [['["foo", "bar", "baz", "bar"]', '{"index":[1,3]}']] },
  ],
  build(args) {
    const wanted = args.value;
    return (target) => {
      const out: number[] = [];
      requireArray(target).forEach((e, i) => {
        if (valuesEqual(wanted, e)) out.push(i);
      });
      return out;
    };
  },
});

function matchAt(query: QueryFn, ctx: Parameters<QueryFn>[0], elem: Value, i: number): boolean {
  let r: Value;
  try {
    r = query(ctx, elem);
  } catch (e) {
    throw wrapError(`query returned an error for index ${i}`, e);
  }
  if (typeof r !== 'boolean') throw wrapError(`query returned a non-boolean value for index ${i}`, typeError('bool', r));
  return r;
}

registerMethod({
  name: 'find_by',
  category: CATEGORY,
  description:
    'Returns the index of the first occurrence of an array where the provided query resolves to a boolean `true`. `-1` is returned if there are no matches.',
  params: [{ name: 'query', type: 'query', description: 'A query to execute for each element.' }],
  examples: [{ mapping: 'root.index = this.find_by(v -> v != "bar")', results: [['["foo", "bar", "baz"]', '{"index":0}']] }],
  build(args) {
    const query = args.query as QueryFn;
    return (target, ctx) => {
      const arr = requireArray(target);
      for (let i = 0; i < arr.length; i++) if (matchAt(query, ctx, arr[i], i)) return i;
      return -1;
    };
  },
});

registerMethod({
  name: 'find_all_by',
  category: CATEGORY,
  description:
    'Returns an array containing the indexes of all occurrences of an array where the provided query resolves to a boolean `true`. An empty array is returned if there are no matches. Numerical comparisons are made irrespective of the representation type (float versus integer).',
  params: [{ name: 'query', type: 'query', description: 'A query to execute for each element.' }],
  examples: [{ mapping: 'root.index = this.find_all_by(v -> v != "bar")', results: [['["foo", "bar", "baz"]', '{"index":[0,2]}']] }],
  build(args) {
    const query = args.query as QueryFn;
    return (target, ctx) => {
      const arr = requireArray(target);
      const out: number[] = [];
      for (let i = 0; i < arr.length; i++) if (matchAt(query, ctx, arr[i], i)) out.push(i);
      return out;
    };
  },
});

registerMethod({
  name: 'flatten',
  category: CATEGORY,
  description:
    'Iterates an array and any element that is itself an array is removed and has its elements inserted directly in the resulting array.',
  params: [],
  examples: [{ mapping: 'root.result = this.flatten()', results: [['["foo",["bar","baz"],"buz"]', '{"result":["foo","bar","baz","buz"]}']] }],
  build(args) {
    noArgs(args);
    return (target) => {
      const out: Value[] = [];
      for (const e of requireArray(target)) {
        if (Array.isArray(e)) out.push(...e);
        else out.push(e);
      }
      return out;
    };
  },
});

registerMethod({
  name: 'fold',
  category: CATEGORY,
  description:
    'Takes two arguments: an initial value, and a mapping query. For each element of an array the mapping context is an object with two fields `tally` and `value`, where `tally` contains the current accumulated value and `value` is the value of the current element. The mapping must return the result of adding the value to the tally.',
  params: [
    { name: 'initial', type: 'any', description: 'The initial value to start the fold with. For example, an empty object `{}`, a zero count `0`, or an empty string `""`.' },
    {
      name: 'query',
      type: 'query',
      description:
        'A query to apply for each element. The query is provided an object with two fields; `tally` containing the current tally, and `value` containing the value of the current element. The query should result in a new tally to be passed to the next element query.',
    },
  ],
  examples: [
    { mapping: 'root.sum = this.foo.fold(0, item -> item.tally + item.value)', results: [['{"foo":[3,8,11]}', '{"sum":22}']] },
    {
      mapping: 'root.result = this.foo.fold("", item -> "%v%v".format(item.tally, item.value))',
      results: [['{"foo":["hello ", "world"]}', '{"result":"hello world"}']],
    },
    {
      mapping: 'root.smoothie = this.fruits.fold({}, item -> item.tally.merge(item.value))',
      results: [['{"fruits":[{"apple":5},{"banana":3},{"orange":8}]}', '{"smoothie":{"apple":5,"banana":3,"orange":8}}']],
    },
  ],
  build(args) {
    const initial = args.initial;
    const query = args.query as QueryFn;
    return (target, ctx) => {
      const arr = requireArray(target);
      let tally = cloneValue(initial);
      for (const value of arr) tally = query(ctx, { tally, value });
      return tally;
    };
  },
});

registerMethod({
  name: 'index',
  category: CATEGORY,
  description:
    'Extract an element from an array by an index. The index can be negative, and if so the element will be selected from the end counting backwards starting from -1. E.g. an index of -1 returns the last element, an index of -2 returns the element before the last, and so on.',
  params: [{ name: 'index', type: 'int', description: 'The index to obtain from an array.' }],
  examples: [
    { mapping: 'root.last_name = this.names.index(-1)', results: [['{"names":["rachel","stevens"]}', '{"last_name":"stevens"}']] },
    {
      summary: 'It is also possible to use this method on byte arrays, in which case the selected element will be returned as an integer.',
      mapping: 'root.last_byte = this.name.bytes().index(-1)',
      results: [['{"name":"foobar bazson"}', '{"last_byte":110}']],
    },
  ],
  build(args) {
    const index = intArg(args, 'index');
    return (target) => {
      if (!Array.isArray(target) && !(target instanceof Uint8Array)) throw typeError('array', target);
      const i = index < 0 ? target.length + index : index;
      if (i < 0 || i >= target.length) {
        throw new BloblangError(`index '${i}' was out of bounds for array size: ${target.length}`);
      }
      return target[i];
    };
  },
});

registerMethod({
  name: 'join',
  category: CATEGORY,
  description: 'Join an array of strings with an optional delimiter into a single string.',
  params: [{ name: 'delimiter', type: 'string', optional: true, description: 'An optional delimiter to add between each string.' }],
  examples: [
    {
      mapping: 'root.joined_words = this.words.join()\nroot.joined_numbers = this.numbers.map_each(this.string()).join(",")',
      results: [['{"words":["hello","world"],"numbers":[3,8,11]}', '{"joined_numbers":"3,8,11","joined_words":"helloworld"}']],
    },
  ],
  build(args) {
    const delim = optionalStringArg(args, 'delimiter') ?? '';
    return (target) => {
      const arr = requireArray(target);
      const parts: string[] = new Array(arr.length);
      for (let i = 0; i < arr.length; i++) {
        const e = arr[i];
        if (typeof e === 'string') parts[i] = e;
        else if (e instanceof Uint8Array) parts[i] = Buffer.from(e).toString('utf8');
        else throw wrapError(`failed to join element ${i}`, typeError('string', e));
      }
      return parts.join(delim);
    };
  },
});

registerMethod({
  name: 'map_each',
  category: CATEGORY,
  description:
    'Apply a mapping to each element of an array (the context is the element) or each value of an object (the context is an object with fields `key` and `value`) and replace it with the result. Returning `deleted()` removes the element.',
  params: [{ name: 'query', type: 'query', description: 'A query that will be used to map each element.' }],
  examples: [
    {
      mapping: 'root.new_nums = this.nums.map_each(num -> if num < 10 {\n  deleted()\n} else {\n  num - 10\n})',
      results: [['{"nums":[3,11,4,17]}', '{"new_nums":[1,7]}']],
    },
    {
      mapping: 'root.new_dict = this.dict.map_each(item -> item.value.uppercase())',
      results: [['{"dict":{"foo":"hello","bar":"world"}}', '{"new_dict":{"bar":"WORLD","foo":"HELLO"}}']],
    },
  ],
  build(args) {
    const query = args.query as QueryFn;
    return (target, ctx) => {
      if (Array.isArray(target)) {
        const out: Value[] = [];
        for (let i = 0; i < target.length; i++) {
          let r: Value;
          try {
            r = query(ctx, target[i]);
          } catch (e) {
            throw wrapError(`failed to process element ${i}`, e);
          }
          if (r === DELETE) continue;
          out.push(r === NOTHING ? target[i] : r);
        }
        return out;
      }
      if (isObject(target)) {
        const out: Obj = {};
        for (const k of Object.keys(target)) {
          let r: Value;
          try {
            r = query(ctx, kvContext(k, target[k]));
          } catch (e) {
            throw wrapError(`failed to process element ${k}`, e);
          }
          if (r === DELETE) continue;
          putKey(out, k, r === NOTHING ? target[k] : r);
        }
        return out;
      }
      throw typeError('array', target);
    };
  },
});

registerMethod({
  name: 'sort',
  category: CATEGORY,
  description:
    'Attempts to sort the values of an array in increasing order. The type of all values must match in order for the ordering to succeed. Supports string and number values.',
  params: [
    {
      name: 'compare',
      type: 'query',
      optional: true,
      description: 'An optional query that should explicitly compare elements `left` and `right` and provide a boolean result.',
    },
  ],
  examples: [
    { mapping: 'root.sorted = this.foo.sort()', results: [['{"foo":["bbb","ccc","aaa"]}', '{"sorted":["aaa","bbb","ccc"]}']] },
    {
      mapping: 'root.sorted = this.foo.sort(item -> item.left.v < item.right.v)',
      results: [
        [
          '{"foo":[{"id":"foo","v":"bbb"},{"id":"bar","v":"ccc"},{"id":"baz","v":"aaa"}]}',
          '{"sorted":[{"id":"baz","v":"aaa"},{"id":"foo","v":"bbb"},{"id":"bar","v":"ccc"}]}',
        ],
      ],
    },
  ],
  build(args) {
    const compare = args.compare as QueryFn | undefined;
    return (target, ctx) => {
      const values = requireArray(target).slice();
      if (compare) {
        const less = (a: Value, b: Value): boolean => {
          const r = compare(ctx, { left: a, right: b });
          if (typeof r !== 'boolean') throw typeErrorFrom('bool', 'sort argument', r);
          return r;
        };
        return values.sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
      }
      const indexed = values.map((value, index) => ({ value, index }));
      indexed.sort((a, b) => compareForSort(a.value, b.value, 'sort element', a.index, b.index));
      return indexed.map((e) => e.value);
    };
  },
});

registerMethod({
  name: 'sort_by',
  category: CATEGORY,
  description:
    'Attempts to sort the elements of an array, in increasing order, by a value emitted by an argument query applied to each element. The type of all values must match in order for the ordering to succeed. Supports string and number values.',
  params: [{ name: 'query', type: 'query', description: 'A query to apply to each element that yields a value used for sorting.' }],
  examples: [
    {
      mapping: 'root.sorted = this.foo.sort_by(ele -> ele.id)',
      results: [
        [
          '{"foo":[{"id":"bbb","message":"bar"},{"id":"aaa","message":"foo"},{"id":"ccc","message":"baz"}]}',
          '{"sorted":[{"id":"aaa","message":"foo"},{"id":"bbb","message":"bar"},{"id":"ccc","message":"baz"}]}',
        ],
      ],
    },
  ],
  build(args) {
    const query = args.query as QueryFn;
    return (target, ctx) => {
      const arr = requireArray(target);
      // Each key is computed once, then the (key, element) pairs are sorted together.
      const keyed = arr.map((value, index) => ({ key: query(ctx, value), value, index }));
      keyed.sort((a, b) => compareForSort(a.key, b.key, 'sort_by element', a.index, b.index));
      return keyed.map((k) => k.value);
    };
  },
});

registerMethod({
  name: 'squash',
  category: CATEGORY,
  description:
    'Squashes an array of objects into a single object, where key collisions result in the values being merged (following similar rules as the `.merge()` method)',
  params: [],
  examples: [
    {
      mapping: 'root.locations = this.locations.map_each(loc -> {loc.state: [loc.name]}).squash()',
      results: [
        [
          '{"locations":[{"name":"Seattle","state":"WA"},{"name":"New York","state":"NY"},{"name":"Bellevue","state":"WA"},{"name":"Olympia","state":"WA"}]}',
          '{"locations":{"NY":["New York"],"WA":["Seattle","Bellevue","Olympia"]}}',
        ],
      ],
    },
  ],
  build(args) {
    noArgs(args);
    return (target) => {
      const out: Obj = {};
      for (const e of requireArray(target)) mergeInto(out, e, collideIntoArray);
      return out;
    };
  },
});

registerMethod({
  name: 'sum',
  category: CATEGORY,
  description: 'Sum the numerical values of an array.',
  params: [],
  examples: [{ mapping: 'root.sum = this.foo.sum()', results: [['{"foo":[3,8,4]}', '{"sum":15}']] }],
  build(args) {
    noArgs(args);
    return (target) => {
      if (typeof target === 'number' || typeof target === 'bigint') return target;
      const arr = requireArray(target);
      let total = 0;
      for (let i = 0; i < arr.length; i++) {
        const e = arr[i];
        if (typeof e === 'number') total += e;
        else if (typeof e === 'bigint') total += Number(e);
        else throw wrapError(`index ${i}`, typeError('number', e));
      }
      return total;
    };
  },
});

registerMethod({
  name: 'unique',
  category: CATEGORY,
  description:
    'Attempts to remove duplicate values from an array. The array may contain a combination of different value types, but numbers and strings are checked separately (`"5"` is a different element to `5`).',
  params: [
    {
      name: 'emit',
      type: 'query',
      optional: true,
      description: 'An optional query that can be used in order to yield a value for each element to determine uniqueness.',
    },
  ],
  examples: [{ mapping: 'root.uniques = this.foo.unique()', results: [['{"foo":["a","b","a","c"]}', '{"uniques":["a","b","c"]}']] }],
  build(args) {
    const emit = args.emit as QueryFn | undefined;
    return (target, ctx) => {
      const arr = requireArray(target);
      const seenStr = new Set<string>();
      const seenNum = new Set<number>();
      const out: Value[] = [];
      for (let i = 0; i < arr.length; i++) {
        let check: Value = arr[i];
        if (emit) {
          try {
            check = emit(ctx, arr[i]);
          } catch (e) {
            throw wrapError(`index ${i}`, e);
          }
        }
        let fresh: boolean;
        if (typeof check === 'string' || check instanceof Uint8Array) {
          const s = typeof check === 'string' ? check : Buffer.from(check).toString('utf8');
          fresh = !seenStr.has(s);
          seenStr.add(s);
        } else if (typeof check === 'number' || typeof check === 'bigint') {
          const n = Number(check);
          fresh = !seenNum.has(n);
          seenNum.add(n);
        } else {
          throw wrapError(`index ${i}`, typeError(expectedTypes(['string', 'number']), check));
        }
        if (fresh) out.push(arr[i]);
      }
      return out;
    };
  },
});

registerMethod({
  name: 'zip',
  variadic: true,
  category: CATEGORY,
  description: 'Zip an array value with one or more argument arrays. Each array must match in length.',
  params: [],
  examples: [
    {
      mapping: 'root.foo = this.foo.zip(this.bar, this.baz)',
      results: [['{"foo":["a","b","c"],"bar":[1,2,3],"baz":[4,5,6]}', '{"foo":[["a",1,4],["b",2,5],["c",3,6]]}']],
    },
  ],
  build(args) {
    const lists = variadicArgs(args).map((a) => requireArray(a));
    for (const l of lists) {
      if (l.length !== lists[0]!.length) throw new BloblangError("can't zip different length array values");
    }
    return (target) => {
      const arr = requireArray(target);
      if (lists.length === 0) throw new BloblangError('zip requires at least one argument');
      if (arr.length !== lists[0]!.length) throw new BloblangError("can't zip different length array values");
      return arr.map((v, i) => [v, ...lists.map((l) => l[i])]);
    };
  },
});
