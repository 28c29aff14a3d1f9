// Bloblang methods: string manipulation. Each definition registers itself on import.
// Methods that also work on arrays/objects (contains, length, slice, reverse, split,
// split_by) live in strings_dual.ts.
import { LIMITS, registerMethod, type Example } from '../registry.js';
import { BloblangError, typeError, type Value } from '../value.js';
import { variadicArgs } from './arrays_args.js';
import { argText, asBuffer, requireText, utf8Bytes, utf8String } from './coercion_values.js';
import { escapeHtml, stripHtml, unescapeHtml } from './strings_html.js';
import { goSprintf } from './strings_format.js';
import { goQuote, goUnquote } from './strings_quote.js';
import { makeSlug } from './strings_slug.js';
import { joinPath, pathEscape, pathUnescape, queryEscape, queryUnescape, splitPath } from './strings_url.js';
import './strings_dual.js';
import './encoding_passwords.js';

const category = 'String Manipulation';

/** A method over text: string or bytes in, result of `fn` out. */
function textMethod(
  name: string,
  description: string,
  examples: Example[],
  fn: (s: string) => Value,
): void {
  registerMethod({ name, category, description, params: [], examples, build: () => (v) => fn(requireText(v)) });
}

/** A method that keeps the input kind: bytes in gives bytes out, as Go's bytes.* twins do. */
function sameKind(v: Value, fn: (s: string) => string): Value {
  if (typeof v === 'string') return fn(v);
  if (v instanceof Uint8Array) return utf8Bytes(fn(utf8String(v)));
  throw typeError('string', v);
}

function stringArg(args: Record<string, unknown>, name: string): string {
  return argText(args[name], `field ${name}`);
}

// ---------------------------------------------------------------------------------------------

/** cases.Title(language.English): first letter of each word upper-cased, the rest lower-cased. */
function titleCase(s: string): string {
  return s.replace(/[\p{L}\p{N}\p{M}'’_]+/gu, (word) => {
    const first = String.fromCodePoint(word.codePointAt(0)!);
    return first.toUpperCase() + word.slice(first.length).toLowerCase();
  });
}

registerMethod({
  name: 'capitalize',
  category,
  description: 'Takes a string value and returns a copy with all Unicode letters that begin words mapped to their Unicode title case.',
  params: [],
  examples: [{ mapping: 'root.title = this.title.capitalize()', results: [['{"title":"the foo bar"}', '{"title":"The Foo Bar"}']] }],
  build: () => (v) => sameKind(v, titleCase),
});

registerMethod({
  name: 'uppercase',
  category,
  description: 'Convert a string value into uppercase.',
  params: [],
  examples: [{ mapping: 'root.foo = this.foo.uppercase()', results: [['{"foo":"hello world"}', '{"foo":"HELLO WORLD"}']] }],
  build: () => (v) => sameKind(v, (s) => s.toUpperCase()),
});

registerMethod({
  name: 'lowercase',
  category,
  description: 'Convert a string value into lowercase.',
  params: [],
  examples: [{ mapping: 'root.foo = this.foo.lowercase()', results: [['{"foo":"HELLO WORLD"}', '{"foo":"hello world"}']] }],
  build: () => (v) => sameKind(v, (s) => s.toLowerCase()),
});

textMethod(
  'escape_html',
  'Escapes a string so that special characters like `<` to become `&lt;`. It escapes only five such characters: `<`, `>`, `&`, `\'` and `"` so that it can be safely placed within an HTML entity.',
  [{ mapping: 'root.escaped = this.value.escape_html()', results: [['{"value":"foo & bar"}', '{"escaped":"foo &amp; bar"}']] }],
  escapeHtml,
);

textMethod(
  'unescape_html',
  'Unescapes a string so that entities like `&lt;` become `<`. It unescapes a larger range of entities than `escape_html` escapes. For example, `&aacute;` unescapes to `á`, as does `&#225;` and `&#xE1;`.',
  [{ mapping: 'root.unescaped = this.value.unescape_html()', results: [['{"value":"foo &amp; bar"}', '{"unescaped":"foo & bar"}']] }],
  unescapeHtml,
);

textMethod(
  'escape_url_query',
  'Escapes a string so that it can be safely placed within a URL query.',
  [{ mapping: 'root.escaped = this.value.escape_url_query()', results: [['{"value":"foo & bar"}', '{"escaped":"foo+%26+bar"}']] }],
  queryEscape,
);

textMethod(
  'unescape_url_query',
  'Expands escape sequences from a URL query string.',
  [{ mapping: 'root.unescaped = this.value.unescape_url_query()', results: [['{"value":"foo+%26+bar"}', '{"unescaped":"foo & bar"}']] }],
  queryUnescape,
);

textMethod(
  'escape_url_path',
  'Escapes a string so that it can be safely placed within a URL path segment, replacing special characters (including `/`) with `%XX` sequences as needed.',
  [{ mapping: 'root.escaped = this.value.escape_url_path()', results: [['{"value":"foo & bar"}', '{"escaped":"foo%20&%20bar"}']] }],
  pathEscape,
);

textMethod(
  'unescape_url_path',
  'Expands escape sequences from a URL path string.',
  [{ mapping: 'root.unescaped = this.value.unescape_url_path()', results: [['{"value":"foo%20&%20bar"}', '{"unescaped":"foo & bar"}']] }],
  pathUnescape,
);

registerMethod({
  name: 'filepath_join',
  category,
  description:
    'Joins an array of path elements into a single file path. The separator depends on the operating system of the machine.',
  params: [],
  examples: [{ mapping: 'root.path = this.path_elements.filepath_join()', results: [['{"path_elements":["/foo/","bar.txt"]}', '{"path":"/foo/bar.txt"}']] }],
  build: () => (v) => {
    if (!Array.isArray(v)) throw typeError('array', v);
    return joinPath(v.map((e, i) => argText(e, `path element ${i}`)));
  },
});

textMethod(
  'filepath_split',
  'Splits a file path immediately following the final Separator, separating it into a directory and file name component returned as a two element array of strings. If there is no Separator in the path, the first element will be empty and the second will contain the path. The separator depends on the operating system of the machine.',
  [
    {
      mapping: 'root.path_sep = this.path.filepath_split()',
      results: [['{"path":"/foo/bar.txt"}', '{"path_sep":["/foo/","bar.txt"]}'], ['{"path":"baz.txt"}', '{"path_sep":["","baz.txt"]}']],
    },
  ],
  splitPath,
);

registerMethod({
  name: 'format',
  variadic: true,
  category,
  description:
    'Use a value string as a format specifier in order to produce a new string, using any number of provided arguments. Please refer to the Go [`fmt` package documentation](https://pkg.go.dev/fmt) for the list of valid format verbs.',
  params: [],
  examples: [
    { mapping: 'root.foo = "%s(%v): %v".format(this.name, this.age, this.fingers)', results: [['{"name":"lance","age":37,"fingers":13}', '{"foo":"lance(37): 13"}']] },
  ],
  build: (args) => {
    const values = variadicArgs(args);
    return (v) => goSprintf(requireText(v), values);
  },
});

function prefixMethod(name: 'has_prefix' | 'has_suffix', description: string, examples: Example[]): void {
  registerMethod({
    name,
    category,
    description,
    params: [{ name: 'value', type: 'string', description: 'The string to test.' }],
    examples,
    build: (args) => {
      const needle = stringArg(args, 'value');
      const needleBytes = Buffer.from(needle, 'utf8');
      return (v) => {
        if (typeof v === 'string') return name === 'has_prefix' ? v.startsWith(needle) : v.endsWith(needle);
        if (v instanceof Uint8Array) {
          const b = asBuffer(v);
          if (needleBytes.length > b.length) return false;
          const at = name === 'has_prefix' ? 0 : b.length - needleBytes.length;
          return b.subarray(at, at + needleBytes.length).equals(needleBytes);
        }
        throw typeError('string', v);
      };
    },
  });
}
prefixMethod('has_prefix', 'Checks whether a string has a prefix argument and returns a bool.', [
  { mapping: 'root.t1 = this.v1.has_prefix("foo")\nroot.t2 = this.v2.has_prefix("foo")', results: [['{"v1":"foobar","v2":"barfoo"}', '{"t1":true,"t2":false}']] },
]);
prefixMethod('has_suffix', 'Checks whether a string has a suffix argument and returns a bool.', [
  { mapping: 'root.t1 = this.v1.has_suffix("foo")\nroot.t2 = this.v2.has_suffix("foo")', results: [['{"v1":"foobar","v2":"barfoo"}', '{"t1":false,"t2":true}']] },
]);

registerMethod({
  name: 'index_of',
  category,
  description: "Returns the starting index of the argument substring in a string target, or `-1` if the target doesn't contain the argument.",
  params: [{ name: 'value', type: 'string', description: 'A string to search for.' }],
  examples: [
    { mapping: 'root.index = this.thing.index_of("bar")', results: [['{"thing":"foobar"}', '{"index":3}']] },
    { mapping: 'root.index = content().index_of("meow")', results: [['the cat meowed, the dog woofed', '{"index":8}']] },
  ],
  build: (args) => {
    const needle = stringArg(args, 'value');
    const needleBytes = Buffer.from(needle, 'utf8');
    return (v) => {
      // Go indexes strings by byte.
      if (typeof v === 'string') {
        const i = v.indexOf(needle);
        return i <= 0 ? i : Buffer.byteLength(v.slice(0, i), 'utf8');
      }
      if (v instanceof Uint8Array) return asBuffer(v).indexOf(needleBytes);
      throw typeError('string', v);
    };
  },
});

textMethod(
  'quote',
  'Quotes a target string using escape sequences (`\\t`, `\\n`, `\\xFF`, `\\u0100`) for control characters and non-printable characters.',
  [{ mapping: 'root.quoted = this.thing.quote()', results: [['{"thing":"foo\\nbar"}', '{"quoted":"\\"foo\\\\nbar\\""}']] }],
  (s) => goQuote(s),
);

textMethod(
  'unquote',
  'Unquotes a target string, expanding any escape sequences (`\\t`, `\\n`, `\\xFF`, `\\u0100`) for control characters and non-printable characters.',
  [{ mapping: 'root.unquoted = this.thing.unquote()', results: [['{"thing":"\\"foo\\\\nbar\\""}', '{"unquoted":"foo\\nbar"}']] }],
  goUnquote,
);

registerMethod({
  name: 'repeat',
  category,
  description: 'Repeats the input string `count` times and returns the concatenated result.',
  params: [{ name: 'count', type: 'int', description: 'Number of copies. If less than zero, it is treated as zero: resulting in an empty output.' }],
  examples: [{ mapping: 'root.fruit = this.fruit + "na".repeat(2)', results: [['{"fruit":"ba"}', '{"fruit":"banana"}']] }],
  build: (args) => {
    const raw = args.count;
    if (typeof raw !== 'number' && typeof raw !== 'bigint') throw new BloblangError(`field count: ${typeError('number', raw).message}`);
    const count = Math.max(0, Math.trunc(Number(raw)));
    return (v) =>
      sameKind(v, (s) => {
        if (s.length * count > LIMITS.maxStringLength) {
          throw new BloblangError(`repeat would build ${s.length * count} characters, over the limit of ${LIMITS.maxStringLength}`);
        }
        return s.repeat(count);
      });
  },
});

function replaceAllImpl(args: Record<string, unknown>): (v: Value) => Value {
  const from = stringArg(args, 'old');
  const to = stringArg(args, 'new');
  return (v) => sameKind(v, (s) => s.replaceAll(from, to));
}

const replaceParams = [
  { name: 'old', type: 'string' as const, description: 'A string to match against.' },
  { name: 'new', type: 'string' as const, description: 'A string to replace with.' },
];

registerMethod({
  name: 'replace_all',
  category,
  description: 'Replaces all occurrences of the first argument in a target string with the second argument.',
  params: replaceParams,
  examples: [{ mapping: 'root.new_value = this.value.replace_all("foo","dog")', results: [['{"value":"The foo ate my homework"}', '{"new_value":"The dog ate my homework"}']] }],
  build: replaceAllImpl,
});
registerMethod({ name: 'replace', category, description: 'Deprecated alias of `replace_all`.', deprecated: true, params: replaceParams, build: replaceAllImpl });

function replaceManyImpl(args: Record<string, unknown>): (v: Value) => Value {
  const items = args.values;
  if (!Array.isArray(items)) throw new BloblangError(`field values: ${typeError('array', items).message}`);
  if (items.length % 2 !== 0) {
    throw new BloblangError(`invalid arg, replacements should be in pairs and must therefore be even: [${items.map(String).join(' ')}]`);
  }
  const pairs: [string, string][] = [];
  for (let i = 0; i < items.length; i += 2) {
    pairs.push([argText(items[i], `invalid replacement value at index ${i}`), argText(items[i + 1], `invalid replacement value at index ${i + 1}`)]);
  }
  return (v) =>
    sameKind(v, (s) => {
      for (const [from, to] of pairs) s = s.replaceAll(from, to);
      return s;
    });
}

const replaceManyParams = [
  { name: 'values', type: 'array' as const, description: 'An array of values, each even value will be replaced with the following odd value.' },
];

registerMethod({
  name: 'replace_all_many',
  category,
  description:
    'For each pair of strings in an argument array, replaces all occurrences of the first item of the pair with the second. This is a more compact way of chaining a series of `replace_all` methods.',
  params: replaceManyParams,
  examples: [
    {
      mapping: 'root.new_value = this.value.replace_all_many([\n  "<b>", "&lt;b&gt;",\n  "</b>", "&lt;/b&gt;",\n  "<i>", "&lt;i&gt;",\n  "</i>", "&lt;/i&gt;",\n])',
      results: [['{"value":"<i>Hello</i> <b>World</b>"}', '{"new_value":"&lt;i&gt;Hello&lt;/i&gt; &lt;b&gt;World&lt;/b&gt;"}']],
    },
  ],
  build: replaceManyImpl,
});
registerMethod({ name: 'replace_many', category, description: 'Deprecated alias of `replace_all_many`.', deprecated: true, params: replaceManyParams, build: replaceManyImpl });

registerMethod({
  name: 'slug',
  category,
  description:
    'Creates a "slug" from a given string. Wraps the github.com/gosimple/slug package. See its [docs](https://pkg.go.dev/github.com/gosimple/slug) for more information.',
  params: [{ name: 'lang', type: 'string', optional: true, default: 'en' }],
  examples: [
    { summary: 'Creates a slug from an English string', mapping: 'root.slug = this.value.slug()', results: [['{"value":"Gopher & Bento"}', '{"slug":"gopher-and-bento"}']] },
    {
      summary: 'Creates a slug from a French string',
      mapping: 'root.slug = this.value.slug("fr")',
      results: [['{"value":"Gaufre & Poisson d\'Eau Profonde"}', '{"slug":"gaufre-et-poisson-deau-profonde"}']],
    },
  ],
  build: (args) => {
    const lang = args.lang === undefined || args.lang === null ? 'en' : stringArg(args, 'lang');
    return (v) => makeSlug(requireText(v), lang);
  },
});

registerMethod({
  name: 'strip_html',
  category,
  description: 'Attempts to remove all HTML tags from a target string.',
  params: [{ name: 'preserve', type: 'array', optional: true, description: 'An optional array of element types to preserve in the output.' }],
  examples: [
    { mapping: 'root.stripped = this.value.strip_html()', results: [['{"value":"<p>the plain <strong>old text</strong></p>"}', '{"stripped":"the plain old text"}']] },
    {
      summary: "It's also possible to provide an explicit list of element types to preserve in the output.",
      mapping: 'root.stripped = this.value.strip_html(["article"])',
      results: [['{"value":"<article><p>the plain <strong>old text</strong></p></article>"}', '{"stripped":"<article>the plain old text</article>"}']],
    },
  ],
  build: (args) => {
    const raw = args.preserve;
    const keep = new Set<string>();
    if (raw !== undefined && raw !== null) {
      if (!Array.isArray(raw)) throw new BloblangError(`field preserve: ${typeError('array', raw).message}`);
      raw.forEach((e, i) => keep.add(argText(e, `preserve element ${i}`).toLowerCase()));
    }
    return (v) => stripHtml(requireText(v), keep);
  },
});

// Go's unicode.IsSpace set, used by strings.TrimSpace.
const trimSpaceRe = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

function trimCutset(s: string, cutset: string): string {
  const set = new Set(cutset);
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  while (start < end && set.has(chars[start])) start++;
  while (end > start && set.has(chars[end - 1])) end--;
  return chars.slice(start, end).join('');
}

registerMethod({
  name: 'trim',
  category,
  description:
    'Remove all leading and trailing characters from a string that are contained within an argument cutset. If no arguments are provided then whitespace is removed.',
  params: [{ name: 'cutset', type: 'string', optional: true, description: 'An optional string of characters to trim from the target value.' }],
  examples: [
    {
      mapping: 'root.title = this.title.trim("!?")\nroot.description = this.description.trim()',
      results: [['{"description":"  something happened and its amazing! ","title":"!!!watch out!?"}', '{"description":"something happened and its amazing!","title":"watch out"}']],
    },
  ],
  build: (args) => {
    const cutset = args.cutset === undefined || args.cutset === null ? undefined : stringArg(args, 'cutset');
    return (v) => sameKind(v, (s) => (cutset === undefined ? s.replace(trimSpaceRe, '') : trimCutset(s, cutset)));
  },
});

function affixTrim(name: 'trim_prefix' | 'trim_suffix', param: 'prefix' | 'suffix', description: string, examples: Example[]): void {
  registerMethod({
    name,
    category,
    description,
    params: [{ name: param, type: 'string', description: `The ${param === 'prefix' ? 'leading prefix' : 'trailing suffix'} substring to trim from the string.` }],
    examples,
    build: (args) => {
      const affix = stringArg(args, param);
      return (v) =>
        sameKind(v, (s) => {
          if (affix === '') return s;
          if (param === 'prefix') return s.startsWith(affix) ? s.slice(affix.length) : s;
          return s.endsWith(affix) ? s.slice(0, s.length - affix.length) : s;
        });
    },
  });
}
affixTrim('trim_prefix', 'prefix', 'Remove the provided leading prefix substring from a string. If the string does not have the prefix substring, it is returned unchanged.', [
  {
    mapping: 'root.name = this.name.trim_prefix("foobar_")\nroot.description = this.description.trim_prefix("foobar_")',
    results: [['{"description":"unchanged","name":"foobar_blobton"}', '{"description":"unchanged","name":"blobton"}']],
  },
]);
affixTrim('trim_suffix', 'suffix', 'Remove the provided trailing suffix substring from a string. If the string does not have the suffix substring, it is returned unchanged.', [
  {
    mapping: 'root.name = this.name.trim_suffix("_foobar")\nroot.description = this.description.trim_suffix("_foobar")',
    results: [['{"description":"unchanged","name":"blobton_foobar"}', '{"description":"unchanged","name":"blobton"}']],
  },
]);
