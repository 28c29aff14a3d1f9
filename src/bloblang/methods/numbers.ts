// Bloblang methods: number manipulation. Each definition registers itself on import.
import { registerMethod, type Example, type MethodDef } from '../registry.js';
import { BloblangError, typeError, type Value } from '../value.js';
import { toNumber } from './coercion.js';
import { intResult, requireNumber, utf8String } from './coercion_values.js';
import { float32Shortest, parseGoFloat } from './numbers_parse.js';
import { getInt64, toSignedBits, toUnsignedBits } from './numbers_int.js';

const category = 'Number Manipulation';

/** A float result that is integral and fits an int64 becomes an integer, as Benthos does. */
function integralOrFloat(f: number): number {
  return Object.is(f, -0) ? 0 : f;
}

function numberOnly(fn: (n: number) => Value): MethodDef['build'] {
  return () => (v) => {
    if (typeof v === 'bigint') return fn(Number(v));
    if (typeof v !== 'number') throw typeError('number', v);
    return fn(v);
  };
}

/** ceil/floor/round keep integers untouched and turn float results into integers when they fit. */
function rounding(name: string, description: string, op: (f: number) => number, examples: Example[]): void {
  registerMethod({
    name,
    category,
    description,
    params: [],
    examples,
    build: () => (v) => {
      if (typeof v === 'bigint') return v;
      if (typeof v !== 'number') throw typeError('number', v);
      if (Number.isInteger(v)) return v;
      return integralOrFloat(op(v));
    },
  });
}

rounding(
  'ceil',
  'Returns the least integer value greater than or equal to a number. If the resulting value fits within a 64-bit integer then that is returned, otherwise a new floating point number is returned.',
  Math.ceil,
  [{ mapping: 'root.new_value = this.value.ceil()', results: [['{"value":5.3}', '{"new_value":6}'], ['{"value":-5.9}', '{"new_value":-5}']] }],
);
rounding(
  'floor',
  'Returns the greatest integer value less than or equal to the target number. If the resulting value fits within a 64-bit integer then that is returned, otherwise a new floating point number is returned.',
  Math.floor,
  [{ mapping: 'root.new_value = this.value.floor()', results: [['{"value":5.7}', '{"new_value":5}']] }],
);
rounding(
  'round',
  'Rounds numbers to the nearest integer, rounding half away from zero. If the resulting value fits within a 64-bit integer then that is returned, otherwise a new floating point number is returned.',
  // Go's math.Round rounds half away from zero; JS's Math.round rounds half up.
  (f) => Math.sign(f) * Math.round(Math.abs(f)),
  [{ mapping: 'root.new_value = this.value.round()', results: [['{"value":5.3}', '{"new_value":5}'], ['{"value":5.9}', '{"new_value":6}']] }],
);

registerMethod({
  name: 'abs',
  category,
  description:
    'Returns the absolute value of an int64 or float64 number. As a special case, when an integer is provided that is the minimum value it is converted to the maximum value.',
  params: [],
  examples: [{ mapping: '\nroot.outs = this.ins.map_each(ele -> ele.abs())\n', results: [['{"ins":[9,-18,1.23,-4.56]}', '{"outs":[9,18,1.23,4.56]}']] }],
  build: () => (v) => {
    if (typeof v === 'bigint') {
      const a = v < 0n ? -v : v;
      return a > (1n << 63n) - 1n && v < 0n ? (1n << 63n) - 1n : a;
    }
    if (typeof v !== 'number') throw typeError('number', v);
    return integralOrFloat(Math.abs(v));
  },
});

const unaryFloat: [string, string, (n: number) => number, Example[]][] = [
  ['log', 'Returns the natural logarithm of a number.', Math.log, [
    { mapping: 'root.new_value = this.value.log().round()', results: [['{"value":1}', '{"new_value":0}'], ['{"value":2.7183}', '{"new_value":1}']] },
  ]],
  ['log10', 'Returns the decimal logarithm of a number.', Math.log10, [
    { mapping: 'root.new_value = this.value.log10()', results: [['{"value":100}', '{"new_value":2}'], ['{"value":1000}', '{"new_value":3}']] },
  ]],
  ['sin', 'Calculates the sine of a given angle specified in radians.', Math.sin, [
    {
      mapping: 'root.new_value = (this.value * (pi() / 180)).sin()',
      results: [['{"value":45}', '{"new_value":0.7071067811865475}'], ['{"value":0}', '{"new_value":0}'], ['{"value":90}', '{"new_value":1}']],
    },
  ]],
  ['cos', 'Calculates the cosine of a given angle specified in radians.', Math.cos, [
    {
      mapping: 'root.new_value = (this.value * (pi() / 180)).cos()',
      results: [['{"value":45}', '{"new_value":0.7071067811865476}'], ['{"value":0}', '{"new_value":1}'], ['{"value":180}', '{"new_value":-1}']],
    },
  ]],
  ['tan', 'Calculates the tangent of a given angle specified in radians.', Math.tan, [
    {
      mapping: 'root.new_value = "%f".format((this.value * (pi() / 180)).tan())',
      results: [['{"value":0}', '{"new_value":"0.000000"}'], ['{"value":45}', '{"new_value":"1.000000"}'], ['{"value":180}', '{"new_value":"-0.000000"}']],
    },
  ]],
];
for (const [name, description, fn, examples] of unaryFloat) {
  registerMethod({ name, category, description, params: [], examples, build: numberOnly(fn) });
}

registerMethod({
  name: 'pow',
  category,
  description: 'Returns the number raised to the specified exponent.',
  params: [{ name: 'exponent', type: 'float', description: 'The exponent you want to raise to the power of.' }],
  examples: [
    { mapping: 'root.new_value = this.value * 10.pow(-2)', results: [['{"value":2}', '{"new_value":0.02}']] },
    { mapping: 'root.new_value = this.value.pow(-2)', results: [['{"value":2}', '{"new_value":0.25}']] },
  ],
  build: (args) => {
    const exponent = requireNumber(args.exponent);
    return numberOnly((n) => Math.pow(n, exponent))(args);
  },
});

function extreme(name: 'max' | 'min', better: (a: number, b: number) => boolean, examples: Example[]): void {
  registerMethod({
    name,
    category,
    description: `Returns the ${name === 'max' ? 'largest' : 'smallest'} numerical value found within an array. All values must be numerical and the array must not be empty, otherwise an error is returned.`,
    params: [],
    examples,
    build: () => (v) => {
      if (!Array.isArray(v)) throw typeError('array', v);
      if (v.length === 0) throw new BloblangError('the array was empty');
      let best = 0;
      v.forEach((item, i) => {
        let n: number;
        try {
          n = requireNumber(item);
        } catch (err) {
          throw new BloblangError(`index ${i} of array: ${(err as Error).message}`);
        }
        if (i === 0 || better(n, best)) best = n;
      });
      return best;
    },
  });
}
extreme('max', (a, b) => a > b, [
  { mapping: 'root.biggest = this.values.max()', results: [['{"values":[0,3,2.5,7,5]}', '{"biggest":7}']] },
  { mapping: 'root.new_value = [0,this.value].max()', results: [['{"value":-1}', '{"new_value":0}'], ['{"value":7}', '{"new_value":7}']] },
]);
extreme('min', (a, b) => a < b, [
  { mapping: 'root.smallest = this.values.min()', results: [['{"values":[0,3,-2.5,7,5]}', '{"smallest":-2.5}']] },
  { mapping: 'root.new_value = [10,this.value].min()', results: [['{"value":2}', '{"new_value":2}'], ['{"value":23}', '{"new_value":10}']] },
]);

// ---------------------------------------------------------------------------------------------
// Casts to sized numeric types.

const castNote =
  'this is for advanced use cases where a specific data type is needed for a given component (such as the ClickHouse SQL driver).';

registerMethod({
  name: 'float64',
  category,
  description: `Converts a numerical type into a 64-bit floating point number, ${castNote}\n\nIf the value is a string then an attempt will be made to parse it as a 64-bit floating point number.`,
  params: [],
  examples: [{ mapping: '\nroot.out = this.in.float64()\n', results: [['{"in":"6.674282313423543523453425345e-11"}', '{"out":6.674282313423544e-11}']] }],
  build: () => (v) => toNumber(v),
});

registerMethod({
  name: 'float32',
  category,
  description: `Converts a numerical type into a 32-bit floating point number, ${castNote}\n\nIf the value is a string then an attempt will be made to parse it as a 32-bit floating point number.`,
  params: [],
  examples: [{ mapping: '\nroot.out = this.in.float32()\n', results: [['{"in":"6.674282313423543523453425345e-11"}', '{"out":6.674283e-11}']] }],
  build: () => (v) => {
    if (typeof v === 'string') return float32Shortest(parseGoFloat(v, 32));
    if (v instanceof Uint8Array) return float32Shortest(parseGoFloat(utf8String(v), 32));
    return float32Shortest(requireNumber(v));
  },
});

function intCastExamples(name: string, hexInput: string, hexOutput: string, negative: string): Example[] {
  return [
    {
      mapping: `\nroot.a = this.a.${name}()\nroot.b = this.b.round().${name}()\nroot.c = this.c.${name}()\nroot.d = this.d.${name}().catch(0)`,
      results: [['{"a":12,"b":12.34,"c":"12","d":-12}', `{"a":12,"b":12,"c":12,"d":${negative}}`]],
    },
    { mapping: `\nroot = this.${name}()`, results: [[`"${hexInput}"`, hexOutput]] },
  ];
}

const hexSamples: Record<number, [string, string]> = {
  8: ['0xD', '13'],
  16: ['0xDE', '222'],
  32: ['0xDEAD', '57005'],
  64: ['0xDEADBEEF', '3735928559'],
};

for (const bits of [8, 16, 32, 64] as const) {
  for (const signed of [true, false]) {
    const name = `${signed ? 'int' : 'uint'}${bits}`;
    const kind = `${bits}-bit ${signed ? 'signed' : 'unsigned'} integer`;
    registerMethod({
      name,
      category,
      description:
        `Converts a numerical type into a ${kind}, ${castNote}\n\n` +
        `If the value is a string then an attempt will be made to parse it as a ${kind}. If the target value exceeds the capacity of an integer or contains decimal values then this method will throw an error. In order to convert a floating point number containing decimals first use \`.round()\` on the value.`,
      params: [],
      examples: intCastExamples(name, hexSamples[bits][0], hexSamples[bits][1], signed ? '-12' : '0'),
      build: () => (v) => intResult(signed ? toSignedBits(v, bits) : toUnsignedBits(v, bits)),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Bitwise operations on int64 values.

function bitwise(name: string, verb: string, op: (a: bigint, b: bigint) => bigint, examples: Example[]): void {
  registerMethod({
    name,
    category,
    description: `Returns the number bitwise ${verb} with the specified value.`,
    params: [{ name: 'value', type: 'int', description: `The value to ${verb.split('-')[0]} with` }],
    examples,
    build: (args) => {
      const rhs = getInt64(args.value);
      return (v) => intResult(BigInt.asIntN(64, op(getInt64(v), rhs)));
    },
  });
}
bitwise('bitwise_and', 'AND-ed', (a, b) => a & b, [
  { mapping: 'root.new_value = this.value.bitwise_and(6)', results: [['{"value":12}', '{"new_value":4}'], ['{"value":0}', '{"new_value":0}'], ['{"value":-4}', '{"new_value":4}']] },
]);
bitwise('bitwise_or', 'OR-ed', (a, b) => a | b, [
  { mapping: 'root.new_value = this.value.bitwise_or(6)', results: [['{"value":12}', '{"new_value":14}'], ['{"value":0}', '{"new_value":6}'], ['{"value":-2}', '{"new_value":-2}']] },
]);
bitwise('bitwise_xor', 'eXclusive-OR-ed', (a, b) => a ^ b, [
  { mapping: 'root.new_value = this.value.bitwise_xor(6)', results: [['{"value":12}', '{"new_value":10}'], ['{"value":0}', '{"new_value":6}'], ['{"value":-2}', '{"new_value":-8}']] },
]);
