// Bloblang methods: regular expressions (Go RE2 syntax). Each definition registers itself on import.
import { registerMethod, type Args, type Example } from '../registry.js';
import { typeError, type Value } from '../value.js';
import { argText, utf8String } from './coercion_values.js';
import { compileGoRegexp, submatches, type GoRegexp } from './regexp_compile.js';

const category = 'Regular Expressions';

// Patterns that are not literals are compiled per call; keep recent ones to avoid recompiling.
const cache = new Map<string, GoRegexp>();
const CACHE_LIMIT = 256;

function patternArg(args: Args): GoRegexp {
  const pattern = argText(args.pattern, 'field pattern');
  let re = cache.get(pattern);
  if (!re) {
    re = compileGoRegexp(pattern);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(pattern, re);
  }
  return re;
}

function text(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return utf8String(v);
  throw typeError('string', v);
}

const patternParam = [{ name: 'pattern', type: 'string' as const, description: 'The pattern to match against.' }];

function regexpMethod(name: string, description: string, examples: Example[], fn: (re: GoRegexp, s: string) => Value): void {
  registerMethod({
    name,
    category,
    description,
    params: patternParam,
    examples,
    build: (args) => {
      const re = patternArg(args);
      return (v) => fn(re, text(v));
    },
  });
}

/** One match as an object keyed by group name, or group index for unnamed groups. */
function matchObject(re: GoRegexp, s: string, m: number[]): Record<string, Value> {
  const out: Record<string, Value> = {};
  submatches(s, m).forEach((sub, i) => {
    out[re.names[i] || String(i)] = sub;
  });
  return out;
}

regexpMethod(
  're_find_all',
  'Returns an array containing all successive matches of a regular expression in a string.',
  [{ mapping: 'root.matches = this.value.re_find_all("a.")', results: [['{"value":"paranormal"}', '{"matches":["ar","an","al"]}']] }],
  (re, s) => re.findAllIndex(s, -1).map((m) => s.slice(m[0], m[1])),
);

regexpMethod(
  're_find_all_submatch',
  'Returns an array of arrays containing all successive matches of the regular expression in a string and the matches, if any, of its subexpressions.',
  [{ mapping: 'root.matches = this.value.re_find_all_submatch("a(x*)b")', results: [['{"value":"-axxb-ab-"}', '{"matches":[["axxb","xx"],["ab",""]]}']] }],
  (re, s) => re.findAllIndex(s, -1).map((m) => submatches(s, m)),
);

regexpMethod(
  're_find_all_object',
  'Returns an array of objects containing all matches of the regular expression and the matches of its subexpressions. The key of each match value is the name of the group when specified, otherwise it is the index of the matching group, starting with the expression as a whole at 0.',
  [
    { mapping: 'root.matches = this.value.re_find_all_object("a(?P<foo>x*)b")', results: [['{"value":"-axxb-ab-"}', '{"matches":[{"0":"axxb","foo":"xx"},{"0":"ab","foo":""}]}']] },
    {
      mapping: 'root.matches = this.value.re_find_all_object("(?m)(?P<key>\\\\w+):\\\\s+(?P<value>\\\\w+)$")',
      results: [
        [
          '{"value":"option1: value1\\noption2: value2\\noption3: value3"}',
          '{"matches":[{"0":"option1: value1","key":"option1","value":"value1"},{"0":"option2: value2","key":"option2","value":"value2"},{"0":"option3: value3","key":"option3","value":"value3"}]}',
        ],
      ],
    },
  ],
  (re, s) => re.findAllIndex(s, -1).map((m) => matchObject(re, s, m)),
);

regexpMethod(
  're_find_object',
  'Returns an object containing the first match of the regular expression and the matches of its subexpressions. The key of each match value is the name of the group when specified, otherwise it is the index of the matching group, starting with the expression as a whole at 0.',
  [
    { mapping: 'root.matches = this.value.re_find_object("a(?P<foo>x*)b")', results: [['{"value":"-axxb-ab-"}', '{"matches":{"0":"axxb","foo":"xx"}}']] },
    {
      mapping: 'root.matches = this.value.re_find_object("(?P<key>\\\\w+):\\\\s+(?P<value>\\\\w+)")',
      results: [['{"value":"option1: value1"}', '{"matches":{"0":"option1: value1","key":"option1","value":"value1"}}']],
    },
  ],
  (re, s) => {
    const [m] = re.findAllIndex(s, 1);
    return m ? matchObject(re, s, m) : {};
  },
);

regexpMethod(
  're_match',
  'Checks whether a regular expression matches against any part of a string and returns a boolean.',
  [
    {
      mapping: 'root.matches = this.value.re_match("[0-9]")',
      results: [['{"value":"there are 10 puppies"}', '{"matches":true}'], ['{"value":"there are ten puppies"}', '{"matches":false}']],
    },
  ],
  (re, s) => re.test(s),
);

function reReplaceAll(args: Args): (v: Value) => Value {
  const re = patternArg(args);
  const template = argText(args.value, 'field value');
  return (v) => re.replaceAll(text(v), template);
}

const replaceParams = [...patternParam, { name: 'value', type: 'string' as const, description: 'The value to replace with.' }];

registerMethod({
  name: 're_replace_all',
  category,
  description:
    'Replaces all occurrences of the argument regular expression in a string with a value. Inside the value $ signs are interpreted as submatch expansions, e.g. `$1` represents the text of the first submatch.',
  params: replaceParams,
  examples: [{ mapping: 'root.new_value = this.value.re_replace_all("ADD ([0-9]+)","+($1)")', results: [['{"value":"foo ADD 70"}', '{"new_value":"foo +(70)"}']] }],
  build: reReplaceAll,
});
registerMethod({ name: 're_replace', category, description: 'Deprecated alias of `re_replace_all`.', deprecated: true, params: replaceParams, build: reReplaceAll });
