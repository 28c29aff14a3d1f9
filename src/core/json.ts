/**
 * Lossless JSON for message content.
 *
 * Benthos decodes message JSON keeping integers exact (int64 / uint64); `JSON.parse` rounds
 * anything beyond 2^53 (`9007199254740993` becomes `9007199254740992`). `parseJson` returns the
 * same values as `JSON.parse` except that integer literals outside ±(2^53 − 1) become `bigint`,
 * and nesting deeper than MAX_JSON_DEPTH is an error rather than a structure that later blows
 * the stack. `stringifyJson` writes bigints back as bare digits.
 *
 * Both run for every message, so each has a fast path that is plain `JSON.parse` /
 * `JSON.stringify`; the exact code only runs when the text or value needs it.
 */
import { randomBytes } from 'node:crypto';

/**
 * Deepest nesting accepted. Go's decoder allows 10,000, but V8's own JSON.stringify,
 * structuredClone and our recursive Bloblang helpers overflow the stack between roughly 2,000 and
 * 4,000 levels, so a document that deep would parse and then fail (or wedge an output) later.
 * 1,000 keeps a wide margin and is far beyond real documents (serde_json stops at 128).
 */
export const MAX_JSON_DEPTH = 1000;

/** A syntax error in JSON text, with the character position it was found at. */
export class JsonSyntaxError extends SyntaxError {
  constructor(
    message: string,
    /** Character (UTF-16 code unit) offset in the text; -1 when the input ended early. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'SyntaxError';
  }
}

/**
 * A safe integer has at most 16 digits, so text where no run of 16 digits starts a token (at the
 * start, or after `[`, `,`, `:`, `-` or JSON whitespace) cannot hold an unsafe integer literal.
 * The leading class also skips the fraction digits of floats like 0.30000000000000004, and most
 * digits inside strings (`"1700000000000000000"`). Spelled out digit by digit because irregexp
 * runs `\d{16}` several times slower. About 4% of a JSON.parse on a 200-byte document.
 */
const UNSAFE_INTEGER_CANDIDATE = new RegExp(`(?:^|[\\[,:\\s-])${'\\d'.repeat(16)}`);

export interface ParseJsonOptions {
  /**
   * Keep integers beyond ±(2^53 − 1) exact as bigints (default true). False gives JSON.parse's
   * doubles, as Go's float64 decoding does (Bloblang's `parse_json()` without `use_number`),
   * with the same depth limit and error messages.
   */
  exactIntegers?: boolean;
}

/**
 * Parse JSON text like `JSON.parse`, keeping integers beyond ±(2^53 − 1) exact as `bigint`.
 * Throws a SyntaxError (JsonSyntaxError, with the position) on bad input, including nesting
 * deeper than MAX_JSON_DEPTH. `__proto__` keys become own data properties, as with JSON.parse.
 */
export function parseJson(text: string, options?: ParseJsonOptions): unknown {
  const exactIntegers = options?.exactIntegers ?? true;
  // A candidate is usually a real big integer (snowflake ids), so go straight to the exact
  // parser; a false alarm (digits inside a string) only costs the slower parse.
  if (exactIntegers && UNSAFE_INTEGER_CANDIDATE.test(text)) return parseJsonExact(text);
  // Valid JSON nested d deep has at least 2d characters and d containers, so only long text
  // with many containers needs the depth scan. Text that is too deep goes to the exact parser,
  // which reports the depth (or an earlier syntax error).
  if (text.length > 2 * MAX_JSON_DEPTH && hasMoreContainersThan(text, MAX_JSON_DEPTH) && nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return parseJsonExact(text, exactIntegers);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    // Re-parse for a uniform message with a position (V8's wording varies and quotes the
    // input). Bad input is rare, so the second pass costs nothing on the normal path.
    parseJsonExact(text);
    throw err;
  }
}

// ---- the depth pre-scan for long documents ----

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER).length; // 16

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** More than `limit` `[` and `{` characters in all (strings included)? indexOf is memchr-fast. */
function hasMoreContainersThan(text: string, limit: number): boolean {
  let count = 0;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) if (++count > limit) return true;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) if (++count > limit) return true;
  return false;
}

/**
 * True when containers nest deeper than `limit` outside strings. Exact for valid JSON; invalid
 * JSON may get either answer, which is fine because both parsers reject it.
 */
function nestsDeeperThan(text: string, limit: number): boolean {
  const n = text.length;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // Brackets and braces are all >= '['; most characters outside strings (digits, `,`, `:`)
    // are below, so one comparison settles them. This loop is the whole cost of the check.
    if (c < OPEN_BRACKET) {
      if (c === QUOTE) i = endOfString(text, i + 1) - 1;
      continue;
    }
    // Setting bit 5 maps `[` onto `{` and `]` onto `}` (no other character lands on those).
    const folded = c | 0x20;
    if (folded === OPEN_BRACE) {
      if (++depth > limit) return true;
    } else if (folded === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/** Index just past the closing quote of a string whose content starts at `i`. */
function endOfString(text: string, i: number): number {
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length;
    // Escaped when preceded by an odd number of backslashes.
    let b = q - 1;
    while (b >= i && text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    i = q + 1;
  }
}

// ---- the exact parser ----

/** Names an own key must not be assigned through: `__proto__`'s setter, or read-only inherited props. */
const INHERITED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__']);

/** Store a key as an own data property, as JSON.parse does, never through the prototype chain. */
function putKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (INHERITED_NAMES.has(key)) Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

const ESCAPED_CHARS: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

type Container = unknown[] | Record<string, unknown>;

/**
 * The slow path of parseJson, exported for tests and for callers that want exact integers
 * without the pre-checks. Values match JSON.parse except unsafe integers, which are bigints.
 */
export function parseJsonExact(text: string, exactIntegers = true): unknown {
  return new ExactParser(text, exactIntegers).parse();
}

/**
 * A JSON parser with an explicit stack (no recursion), so depth is bounded by MAX_JSON_DEPTH
 * and not by the call stack. Error messages follow V8's JSON.parse wording, with the position.
 */
class ExactParser {
  private pos = 0;
  private readonly n: number;
  constructor(
    private readonly text: string,
    private readonly exactIntegers: boolean,
  ) {
    this.n = text.length;
  }

  parse(): unknown {
    const text = this.text;
    const containers: Container[] = [];
    const keys: string[] = [];
    this.skipWs();
    for (;;) {
      // Read one value at pos (whitespace already skipped); a non-empty container is pushed and
      // the loop comes back here for its first element.
      let value: unknown;
      const c = text.charCodeAt(this.pos);
      if (c === QUOTE) {
        value = this.readString();
      } else if (isDigit(c) || c === MINUS) {
        value = this.readNumber();
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (containers.length >= MAX_JSON_DEPTH) {
          throw new JsonSyntaxError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels at position ${this.pos}`, this.pos);
        }
        this.pos++;
        this.skipWs();
        const d = text.charCodeAt(this.pos);
        if (c === OPEN_BRACE) {
          if (d === CLOSE_BRACE) {
            this.pos++;
            value = {};
          } else {
            if (d !== QUOTE) this.fail("Expected property name or '}'", this.pos);
            keys.push(this.readKey());
            containers.push({});
            continue;
          }
        } else if (d === CLOSE_BRACKET) {
          this.pos++;
          value = [];
        } else {
          keys.push('');
          containers.push([]);
          continue;
        }
      } else {
        value = this.readLiteral();
      }

      // A value is complete: hand it to its container, closing containers as far as they end.
      for (;;) {
        this.skipWs();
        const top = containers.length - 1;
        if (top < 0) {
          if (this.pos < this.n) {
            throw new JsonSyntaxError(`Unexpected non-whitespace character after JSON at position ${this.pos}`, this.pos);
          }
          return value;
        }
        const container = containers[top]!;
        const d = text.charCodeAt(this.pos);
        if (Array.isArray(container)) {
          container.push(value);
          if (d === COMMA) {
            this.pos++;
            this.skipWs();
            break;
          }
          if (d !== CLOSE_BRACKET) this.fail("Expected ',' or ']' after array element", this.pos);
        } else {
          putKey(container, keys[top]!, value);
          if (d === COMMA) {
            this.pos++;
            this.skipWs();
            keys[top] = this.readKey();
            break;
          }
          if (d !== CLOSE_BRACE) this.fail("Expected ',' or '}' after property value", this.pos);
        }
        this.pos++;
        value = container;
        containers.pop();
        keys.pop();
      }
    }
  }

  private fail(message: string, at: number): never {
    if (at >= this.n) throw new JsonSyntaxError('Unexpected end of JSON input', -1);
    throw new JsonSyntaxError(`${message} in JSON at position ${at}`, at);
  }

  private unexpected(at: number): never {
    const c = this.text.charCodeAt(at);
    if (isDigit(c) || c === MINUS) return this.fail('Unexpected number', at);
    if (c === QUOTE) return this.fail('Unexpected string', at);
    if (c === 0xfeff) return this.fail('Unexpected byte order mark (U+FEFF)', at);
    if (c < 0x20 || c > 0x7e) return this.fail(`Unexpected character U+${c.toString(16).toUpperCase().padStart(4, '0')}`, at);
    return this.fail(`Unexpected token '${this.text[at]}'`, at);
  }

  private skipWs(): void {
    const text = this.text;
    let pos = this.pos;
    while (pos < this.n) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
    this.pos = pos;
  }

  /** true, false or null at pos. */
  private readLiteral(): boolean | null {
    const text = this.text;
    const pos = this.pos;
    for (const [word, value] of LITERALS) {
      if (text.startsWith(word, pos)) {
        this.pos = pos + word.length;
        return value;
      }
    }
    // A truncated literal ("tru") is an early end, as JSON.parse reports it.
    const rest = text.slice(pos, pos + 5);
    if (rest.length > 0 && pos + rest.length === this.n && LITERALS.some(([w]) => w.startsWith(rest))) this.fail('', this.n);
    return this.unexpected(pos);
  }

  /** A string at pos (the opening quote). */
  private readString(): string {
    const text = this.text;
    const n = this.n;
    const start = this.pos + 1;
    let i = start;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return text.slice(start, i);
      }
      if (c === BACKSLASH) break;
      if (c < 0x20) this.fail('Bad control character in string literal', i);
    }
    if (i >= n) this.fail('Unterminated string', n);
    // Escapes present: build the string from runs of plain text and decoded escapes.
    let out = text.slice(start, i);
    let runStart = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return out + text.slice(runStart, i);
      }
      if (c < 0x20) this.fail('Bad control character in string literal', i);
      if (c !== BACKSLASH) {
        i++;
        continue;
      }
      out += text.slice(runStart, i);
      const e = text[i + 1];
      if (e === 'u') {
        for (let k = i + 2; k < i + 6; k++) {
          const h = text.charCodeAt(k);
          if (!(isDigit(h) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) this.fail('Bad Unicode escape', k);
        }
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else if (e !== undefined && Object.prototype.hasOwnProperty.call(ESCAPED_CHARS, e)) {
        out += ESCAPED_CHARS[e];
        i += 2;
      } else {
        this.fail('Bad escaped character', i + 1);
      }
      runStart = i;
    }
    return this.fail('Unterminated string', n);
  }

  /** A number at pos: a bigint when it is an integer outside the safe range. */
  private readNumber(): number | bigint {
    const text = this.text;
    const n = this.n;
    const start = this.pos;
    let i = start;
    if (text.charCodeAt(i) === MINUS) {
      i++;
      if (!isDigit(text.charCodeAt(i))) this.fail('No number after minus sign', i);
    }
    const intStart = i;
    if (text.charCodeAt(i) === ZERO) {
      i++;
      if (isDigit(text.charCodeAt(i))) this.fail('Unexpected number', i);
    } else {
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
    const intDigits = i - intStart;
    let integer = true;
    if (text.charCodeAt(i) === DOT) {
      integer = false;
      i++;
      if (!isDigit(text.charCodeAt(i))) this.fail('Unterminated fractional number', i);
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === LOWER_E || e === UPPER_E) {
      integer = false;
      i++;
      const sign = text.charCodeAt(i);
      if (sign === PLUS || sign === MINUS) i++;
      if (!isDigit(text.charCodeAt(i))) this.fail('Exponent part is missing a number', i);
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
    this.pos = i;
    const literal = text.slice(start, i);
    const v = Number(literal);
    // Rounding is monotonic and 2^53 is exact, so an unsafe literal never rounds into the safe range.
    if (integer && this.exactIntegers && intDigits >= MAX_SAFE_DIGITS && !Number.isSafeInteger(v)) return BigInt(literal);
    return v;
  }

  /** `"key" :` and the whitespace after it; pos is at the key's opening quote (checked here). */
  private readKey(): string {
    if (this.text.charCodeAt(this.pos) !== QUOTE) this.fail('Expected double-quoted property name', this.pos);
    const key = this.readString();
    this.skipWs();
    if (this.text.charCodeAt(this.pos) !== COLON) this.fail("Expected ':' after property name", this.pos);
    this.pos++;
    this.skipWs();
    return key;
  }
}

const LITERALS: ReadonlyArray<readonly [string, boolean | null]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];

// ---- stringify ----

type Replacer = (this: unknown, key: string, value: unknown) => unknown;

/**
 * Bigints are first written as strings tagged with a per-process random marker, which are then
 * unquoted. JSON.stringify escapes the NUL, so the quoted marker can only come from a tag or
 * from a string that holds this exact random marker: the number of replacements is checked
 * against the number of bigints, and any surplus falls back to the exact writer.
 */
const BIGINT_NONCE = randomBytes(12).toString('hex');
const BIGINT_TAG = `\u0000bigint:${BIGINT_NONCE}:`;
/** A tagged bigint as JSON.stringify writes it: quoted, with the NUL escaped as `\u0000`. */
const TAGGED_BIGINT = new RegExp(`"\\\\u0000bigint:${BIGINT_NONCE}:(-?\\d+)"`, 'g');

/**
 * After a value with a bigint, the next values go straight to the tagging pass for a while:
 * a stream of snowflake ids would otherwise pay JSON.stringify's BigInt TypeError (about 10 µs
 * in V8) on every message. Only speed depends on this; the output never does.
 */
const TAGGING_STREAK = 64;
let taggingRunsLeft = 0;

/**
 * `JSON.stringify` that writes bigints as bare integers. Plain `JSON.stringify` (with the same
 * replacer) runs first; a value holding a bigint makes it throw and is written again by a
 * tagging pass. A top-level value JSON cannot represent (undefined, a function) gives `null`.
 */
export function stringifyJson(value: unknown, replacer?: Replacer): string {
  if (taggingRunsLeft === 0) {
    try {
      return JSON.stringify(value, replacer) ?? 'null';
    } catch (err) {
      if (!(err instanceof TypeError) || !/BigInt/i.test(err.message)) throw err;
    }
  }
  let bigints = 0;
  const tagging = function (this: unknown, key: string, v: unknown): unknown {
    if (replacer !== undefined) v = replacer.call(this, key, v);
    if (typeof v !== 'bigint') return v;
    bigints++;
    return BIGINT_TAG + v.toString();
  };
  const tagged = JSON.stringify(value, tagging) ?? 'null';
  if (bigints === 0) {
    if (taggingRunsLeft > 0) taggingRunsLeft--;
    return tagged;
  }
  taggingRunsLeft = TAGGING_STREAK;
  let replaced = 0;
  const out = tagged.replace(TAGGED_BIGINT, (_m, digits: string) => {
    replaced++;
    return digits;
  });
  if (replaced === bigints) return out;
  return stringifyJsonExact(value, replacer);
}

/**
 * The exact writer behind stringifyJson's rare fallback (a string that holds the random bigint
 * tag), exported for tests: JSON.stringify's algorithm with bigints written as digits.
 */
export function stringifyJsonExact(value: unknown, replacer?: Replacer): string {
  return writeValue({ '': value }, '', value, replacer, new Set()) ?? 'null';
}

/** JSON.stringify's SerializeJSONProperty, with bigints written as digits. */
function writeValue(holder: unknown, key: string, value: unknown, replacer: Replacer | undefined, ancestors: Set<object>): string | undefined {
  if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, key);
  }
  if (replacer) value = replacer.call(holder, key, value);
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (obj instanceof Number || obj instanceof String || obj instanceof Boolean) return JSON.stringify(obj.valueOf());
  if (ancestors.has(obj)) throw new TypeError('Converting circular structure to JSON');
  ancestors.add(obj);
  const parts: string[] = [];
  let out: string;
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) parts.push(writeValue(obj, String(i), obj[i], replacer, ancestors) ?? 'null');
    out = `[${parts.join(',')}]`;
  } else {
    const rec = obj as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      const s = writeValue(rec, k, rec[k], replacer, ancestors);
      if (s !== undefined) parts.push(`${JSON.stringify(k)}:${s}`);
    }
    out = `{${parts.join(',')}}`;
  }
  ancestors.delete(obj);
  return out;
}
