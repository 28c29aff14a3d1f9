/**
 * General functions: sentinels (`deleted`, `nothing`), `throw`, counters, ranges, maths and id
 * generators.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { LIMITS, registerFunction, type QueryFn } from '../registry.js';
import { toNum, type Ctx } from '../runtime.js';
import { BloblangError, DELETE, NOTHING, typeError } from '../value.js';

const CATEGORY = 'General';

function int(v: unknown): number {
  const n = toNum(v);
  if (n === undefined || !Number.isInteger(n)) throw typeError('integer', v);
  return n;
}

registerFunction({
  name: 'deleted',
  category: CATEGORY,
  description: 'A value marking the mapping target for deletion.',
  params: [],
  build: () => () => DELETE,
});

registerFunction({
  name: 'nothing',
  category: CATEGORY,
  description: 'A value meaning "leave the target unchanged".',
  params: [],
  build: () => () => NOTHING,
});

registerFunction({
  name: 'throw',
  category: CATEGORY,
  description: 'Throws an error with the given explanation, abandoning the mapping.',
  params: [{ name: 'why', type: 'string' }],
  build: (args) => {
    const why = String(args.why);
    return () => {
      throw new BloblangError(why);
    };
  },
});

registerFunction({
  name: 'counter',
  category: CATEGORY,
  description: 'An integer that increments each time it is resolved, from min up to max, then wraps.',
  impure: true,
  params: [
    { name: 'min', type: 'query', optional: true },
    { name: 'max', type: 'query', optional: true },
    { name: 'set', type: 'query', optional: true },
  ],
  build: (args) => {
    const minQ = args.min as QueryFn | undefined;
    const maxQ = args.max as QueryFn | undefined;
    const setQ = args.set as QueryFn | undefined;
    let bounds: { min: number; max: number } | undefined;
    let current: number | undefined;
    return (ctx) => {
      const c = ctx as Ctx;
      if (!bounds) {
        // Dynamic bounds are resolved once for the lifetime of the mapping.
        const min = minQ ? int(minQ(ctx, c.self)) : 1;
        const max = maxQ ? int(maxQ(ctx, c.self)) : Number.MAX_SAFE_INTEGER;
        if (min > max) throw new BloblangError(`min (${min}) must be less than or equal to max (${max})`);
        bounds = { min, max };
      }
      if (setQ) {
        const r = setQ(ctx, c.self);
        if (r === null) return current ?? bounds.min;
        if (r === DELETE) {
          current = bounds.min;
          return current;
        }
        if (r !== NOTHING && r !== undefined) {
          const n = int(r);
          if (n < 0) throw new BloblangError(`set value must be a non-negative integer, got ${n}`);
          current = n;
          return current;
        }
      }
      current = current === undefined || current >= bounds.max ? bounds.min : current + 1;
      return current;
    };
  },
});

const namedCounters = new Map<string, number>();

registerFunction({
  name: 'count',
  category: 'Deprecated',
  deprecated: true,
  impure: true,
  description: 'A process-wide counter, identified by name, starting at 1.',
  params: [{ name: 'name', type: 'string' }],
  build: (args) => {
    const name = String(args.name);
    return () => {
      const n = (namedCounters.get(name) ?? 0) + 1;
      namedCounters.set(name, n);
      return n;
    };
  },
});

registerFunction({
  name: 'range',
  category: CATEGORY,
  description: 'An array of integers from start (inclusive) to stop (exclusive) by step.',
  params: [
    { name: 'start', type: 'int' },
    { name: 'stop', type: 'int' },
    { name: 'step', type: 'int', optional: true, default: 1 },
  ],
  build: (args) => {
    const start = int(args.start);
    const stop = int(args.stop);
    const step = int(args.step ?? 1);
    if (step === 0) throw new BloblangError('step must be greater than or less than 0');
    if (step < 0) {
      if (stop > start) throw new BloblangError(`with negative step arg stop (${stop}) must be <= start (${start})`);
    } else if (start >= stop) {
      throw new BloblangError(`with positive step arg start (${start}) must be < stop (${stop})`);
    }
    const out: number[] = [];
    const n = Math.trunc((stop - start) / step);
    if (n > LIMITS.maxItems) throw new BloblangError(`range of ${n} items exceeds the limit of ${LIMITS.maxItems}`);
    for (let i = 0; i < n; i++) out.push(start + step * i);
    return () => out.slice();
  },
});

registerFunction({
  name: 'pi',
  category: CATEGORY,
  description: 'The mathematical constant Pi.',
  params: [],
  build: () => () => Math.PI,
});

registerFunction({
  name: 'cosine_similarity',
  category: CATEGORY,
  description: 'The cosine similarity of two equal-length numeric vectors.',
  params: [
    { name: 'a', type: 'any' },
    { name: 'b', type: 'any' },
  ],
  build: (args) => {
    const vec = (v: unknown): number[] => {
      if (!Array.isArray(v)) throw typeError('array', v);
      return v.map((x) => {
        const n = toNum(x);
        if (n === undefined) throw typeError('number', x);
        return n;
      });
    };
    const a = vec(args.a);
    const b = vec(args.b);
    if (a.length !== b.length) throw new BloblangError('vectors must have the same length');
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i]! * b[i]!;
      na += a[i]! * a[i]!;
      nb += b[i]! * b[i]!;
    }
    if (na === 0 || nb === 0) throw new BloblangError('vectors must not be zero vectors');
    const sim = dot / (Math.sqrt(na) * Math.sqrt(nb));
    return () => sim;
  },
});

registerFunction({
  name: 'uuid_v4',
  category: CATEGORY,
  description: 'A random version 4 UUID.',
  impure: true,
  params: [],
  build: () => () => randomUUID(),
});

const NANOID_ALPHABET = '_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

registerFunction({
  name: 'nanoid',
  category: CATEGORY,
  description: 'A random nanoid, optionally with a length and alphabet.',
  impure: true,
  params: [
    { name: 'length', type: 'int', optional: true },
    { name: 'alphabet', type: 'string', optional: true },
  ],
  build: (args) => {
    const length = args.length === undefined ? 21 : int(args.length);
    const alphabet = args.alphabet === undefined ? NANOID_ALPHABET : String(args.alphabet);
    if (length <= 0) throw new BloblangError('length must be positive');
    if (length > LIMITS.maxStringLength) throw new BloblangError(`length ${length} exceeds the limit of ${LIMITS.maxStringLength}`);
    if (alphabet.length === 0) throw new BloblangError('alphabet must not be empty');
    return () => {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
      return out;
    };
  },
});

registerFunction({
  name: 'random_int',
  category: CATEGORY,
  description: 'A pseudo-random non-negative integer between min and max (inclusive).',
  impure: true,
  params: [
    { name: 'seed', type: 'query', optional: true },
    { name: 'min', type: 'int', optional: true, default: 0 },
    { name: 'max', type: 'int', optional: true, default: Number.MAX_SAFE_INTEGER - 1 },
  ],
  build: (args) => {
    const min = int(args.min ?? 0);
    const max = int(args.max ?? Number.MAX_SAFE_INTEGER - 1);
    if (min < 0 || max < min) throw new BloblangError(`min (${min}) must be non-negative and <= max (${max})`);
    // Seeded generation is not reproducible across implementations anyway: use a fast PRNG.
    return () => min + Math.floor(Math.random() * (max - min + 1));
  },
});

const KSUID_EPOCH = 1400000000;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

registerFunction({
  name: 'ksuid',
  category: CATEGORY,
  description: 'A new KSUID (K-sortable unique id) as a string.',
  impure: true,
  params: [],
  build: () => () => {
    const buf = Buffer.alloc(20);
    buf.writeUInt32BE(Math.floor(Date.now() / 1000) - KSUID_EPOCH, 0);
    randomBytes(16).copy(buf, 4);
    let n = BigInt(`0x${buf.toString('hex')}`);
    let out = '';
    while (n > 0n) {
      out = BASE62[Number(n % 62n)] + out;
      n /= 62n;
    }
    return out.padStart(27, '0');
  },
});

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

registerFunction({
  name: 'ulid',
  category: CATEGORY,
  description: 'A random ULID, Crockford base32 (default) or hex encoded.',
  impure: true,
  params: [
    { name: 'encoding', type: 'string', optional: true, default: 'crockford' },
    { name: 'random_source', type: 'string', optional: true, default: 'secure_random' },
  ],
  build: (args) => {
    const enc = args.encoding ?? 'crockford';
    if (typeof enc !== 'string') throw new BloblangError(`field encoding: ${typeError('string', enc).message}`);
    if (enc !== 'crockford' && enc !== 'hex') throw new BloblangError(`invalid ulid encoding: ${enc}: use crockford or hex`);
    return () => {
      const buf = Buffer.alloc(16);
      buf.writeUIntBE(Date.now(), 0, 6);
      randomBytes(10).copy(buf, 6);
      if (enc === 'hex') return buf.toString('hex');
      let n = BigInt(`0x${buf.toString('hex')}`);
      let out = '';
      for (let i = 0; i < 26; i++) {
        out = CROCKFORD[Number(n & 31n)] + out;
        n >>= 5n;
      }
      return out;
    };
  },
});
