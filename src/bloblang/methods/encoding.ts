// Bloblang methods: encoding and encryption. Each definition registers itself on import.
import crypto from 'node:crypto';
import { registerMethod, type Args } from '../registry.js';
import { BloblangError, typeError, type Value } from '../value.js';
import { argText, requireBytes, utf8Bytes } from './coercion_values.js';
import { compressor, decompressor } from './encoding_compress.js';
import { crc32, fnv32, isCrcPolynomial, xxhash64 } from './encoding_hash.js';
import { schemes } from './encoding_schemes.js';

const category = 'Encoding and Encryption';

/** A string or bytes argument as bytes (Benthos's FieldString then []byte()). */
function bytesArg(args: Args, name: string): Uint8Array {
  const v = args[name];
  if (v instanceof Uint8Array) return v;
  return utf8Bytes(argText(v, `field ${name}`));
}

registerMethod({
  name: 'encode',
  category,
  description:
    'Encodes a string or byte array target according to a chosen scheme and returns a string result. Available schemes are: `base64`, `base64url` (RFC 4648 with padding characters), `base64rawurl` (RFC 4648 without padding characters), `hex`, `ascii85`.',
  params: [{ name: 'scheme', type: 'string', description: 'The encoding scheme to use.' }],
  examples: [
    { mapping: 'root.encoded = this.value.encode("hex")', results: [['{"value":"hello world"}', '{"encoded":"68656c6c6f20776f726c64"}']] },
    {
      mapping: 'root.encoded = content().encode("ascii85")',
      results: [['this is totally unstructured data', '{"encoded":"FD,B0+DGm>FDl80Ci\\"A>F`)8BEckl6F`M&(+Cno&@/"}']],
    },
  ],
  build: (args) => {
    const name = argText(args.scheme, 'field scheme');
    const scheme = schemes[name];
    if (!scheme) throw new BloblangError(`unrecognized encoding type: ${name}`);
    return (v) => scheme.encode(requireBytes(v));
  },
});

registerMethod({
  name: 'decode',
  category,
  description:
    'Decodes an encoded string target according to a chosen scheme and returns the result as a byte array. When mapping the result to a JSON field the value should be cast to a string using the method `string`, or encoded using the method `encode`, otherwise it will be base64 encoded by default.\n\nAvailable schemes are: `base64`, `base64url` (RFC 4648 with padding characters), `base64rawurl` (RFC 4648 without padding characters), `hex`, `ascii85`.',
  params: [{ name: 'scheme', type: 'string', description: 'The decoding scheme to use.' }],
  examples: [
    { mapping: 'root.decoded = this.value.decode("hex").string()', results: [['{"value":"68656c6c6f20776f726c64"}', '{"decoded":"hello world"}']] },
    {
      mapping: 'root = this.encoded.decode("ascii85")',
      results: [['{"encoded":"FD,B0+DGm>FDl80Ci\\"A>F`)8BEckl6F`M&(+Cno&@/"}', 'this is totally unstructured data']],
    },
  ],
  build: (args) => {
    const name = argText(args.scheme, 'field scheme');
    const scheme = schemes[name];
    if (!scheme) throw new BloblangError(`unrecognized encoding type: ${name}`);
    return (v) => scheme.decode(requireBytes(v));
  },
});

// ---------------------------------------------------------------------------------------------

const nodeDigests: Record<string, string> = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha512: 'sha512' };
const hmacDigests: Record<string, string> = {
  hmac_sha1: 'sha1', 'hmac-sha1': 'sha1',
  hmac_sha256: 'sha256', 'hmac-sha256': 'sha256',
  hmac_sha512: 'sha512', 'hmac-sha512': 'sha512',
};

function toU8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

registerMethod({
  name: 'hash',
  category,
  description:
    'Hashes a string or byte array according to a chosen algorithm and returns the result as a byte array. When mapping the result to a JSON field the value should be cast to a string using the method `string`, or encoded using the method `encode`, otherwise it will be base64 encoded by default.\n\nAvailable algorithms are: `hmac_sha1`, `hmac_sha256`, `hmac_sha512`, `md5`, `sha1`, `sha256`, `sha512`, `xxhash64`, `crc32`, `fnv32`.\n\nThe following algorithms require a key, which is specified as a second argument: `hmac_sha1`, `hmac_sha256`, `hmac_sha512`.',
  params: [
    { name: 'algorithm', type: 'string', description: 'The hasing algorithm to use.' },
    { name: 'key', type: 'string', optional: true, description: 'An optional key to use.' },
    {
      name: 'polynomial',
      type: 'string',
      optional: true,
      default: 'IEEE',
      description: 'An optional polynomial key to use when selecting the `crc32` algorithm, otherwise ignored. Options are `IEEE` (default), `Castagnoli` and `Koopman`',
    },
  ],
  examples: [
    {
      mapping: 'root.h1 = this.value.hash("sha1").encode("hex")\nroot.h2 = this.value.hash("hmac_sha1","static-key").encode("hex")',
      results: [['{"value":"hello world"}', '{"h1":"2aae6c35c94fcfb415dbe95f408b9ce91ee846ed","h2":"d87e5f068fa08fe90bb95bc7c8344cb809179d76"}']],
    },
    {
      summary: 'The `crc32` algorithm supports options for the polynomial.',
      mapping: 'root.h1 = this.value.hash(algorithm: "crc32", polynomial: "Castagnoli").encode("hex")\nroot.h2 = this.value.hash(algorithm: "crc32", polynomial: "Koopman").encode("hex")',
      results: [['{"value":"hello world"}', '{"h1":"c99465aa","h2":"df373d3c"}']],
    },
  ],
  build: (args) => {
    const algorithm = argText(args.algorithm, 'field algorithm');
    const key = args.key === undefined || args.key === null ? new Uint8Array(0) : bytesArg(args, 'key');
    const poly = args.polynomial === undefined || args.polynomial === null ? 'IEEE' : argText(args.polynomial, 'field polynomial');
    let fn: (b: Uint8Array) => Uint8Array;
    if (nodeDigests[algorithm]) {
      const digest = nodeDigests[algorithm];
      fn = (b) => toU8(crypto.createHash(digest).update(b).digest());
    } else if (hmacDigests[algorithm]) {
      if (key.length === 0) throw new BloblangError(`hash algorithm ${algorithm} requires a key argument`);
      const digest = hmacDigests[algorithm];
      fn = (b) => toU8(crypto.createHmac(digest, key).update(b).digest());
    } else if (algorithm === 'xxhash64') {
      // Benthos returns the decimal text of the 64-bit sum.
      fn = (b) => utf8Bytes(xxhash64(b).toString(10));
    } else if (algorithm === 'crc32') {
      fn = (b) => {
        if (!isCrcPolynomial(poly)) throw new BloblangError(`unsupported crc32 hash key "${poly}"`);
        return crc32(b, poly);
      };
    } else if (algorithm === 'fnv32') {
      fn = fnv32;
    } else {
      throw new BloblangError(`unrecognized hash type: ${algorithm}`);
    }
    return (v) => fn(requireBytes(v));
  },
});

// ---------------------------------------------------------------------------------------------

registerMethod({
  name: 'compress',
  category,
  description: 'Compresses a string or byte array value according to a specified algorithm.',
  params: [
    { name: 'algorithm', type: 'string', description: 'One of `flate`, `gzip`, `pgzip`, `lz4`, `snappy`, `zlib`, `zstd`.' },
    { name: 'level', type: 'int', optional: true, default: -1, description: 'The level of compression to use. May not be applicable to all algorithms.' },
  ],
  examples: [
    {
      mapping: 'let long_content = range(0, 1000).map_each(content()).join(" ")\nroot.a_len = $long_content.length()\nroot.b_len = $long_content.compress("gzip").length()\n',
      results: [['hello world this is some content', '{"a_len":32999,"b_len":161}']],
      skipTesting: true,
    },
    {
      mapping: 'root.compressed = content().compress("lz4").encode("base64")',
      results: [['hello world I love space', '{"compressed":"BCJNGGRwuRgAAIBoZWxsbyB3b3JsZCBJIGxvdmUgc3BhY2UAAAAAGoETLg=="}']],
    },
  ],
  build: (args) => {
    const algorithm = argText(args.algorithm, 'field algorithm');
    const level = args.level === undefined || args.level === null ? -1 : Number(args.level);
    const codec = compressor(algorithm, level);
    return (v) => codec(requireBytes(v));
  },
});

registerMethod({
  name: 'decompress',
  category,
  description: 'Decompresses a string or byte array value according to a specified algorithm. The result of decompression is a byte array.',
  params: [{ name: 'algorithm', type: 'string', description: 'One of `gzip`, `pgzip`, `zlib`, `bzip2`, `flate`, `snappy`, `lz4`, `zstd`.' }],
  examples: [
    {
      mapping: 'root = this.compressed.decode("base64").decompress("lz4")',
      results: [['{"compressed":"BCJNGGRwuRgAAIBoZWxsbyB3b3JsZCBJIGxvdmUgc3BhY2UAAAAAGoETLg=="}', 'hello world I love space']],
    },
    {
      summary: 'Use the `.string()` method in order to coerce the result into a string, this makes it possible to place the data within a JSON document without automatic base64 encoding.',
      mapping: 'root.result = this.compressed.decode("base64").decompress("lz4").string()',
      results: [['{"compressed":"BCJNGGRwuRgAAIBoZWxsbyB3b3JsZCBJIGxvdmUgc3BhY2UAAAAAGoETLg=="}', '{"result":"hello world I love space"}']],
    },
  ],
  build: (args) => {
    const codec = decompressor(argText(args.algorithm, 'field algorithm'));
    return (v) => codec(requireBytes(v));
  },
});

// ---------------------------------------------------------------------------------------------

function aesParts(args: Args): { key: Uint8Array; iv: Uint8Array; bits: number; scheme: string } {
  const scheme = argText(args.scheme, 'field scheme');
  const key = bytesArg(args, 'key');
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new BloblangError(`crypto/aes: invalid key size ${key.length}`);
  }
  const iv = bytesArg(args, 'iv');
  if (scheme !== 'gcm' && iv.length !== 16) throw new BloblangError('the key must match the initialisation vector size');
  return { key, iv, bits: key.length * 8, scheme };
}

function cipherRun(c: crypto.Cipher | crypto.Decipher, data: Uint8Array): Uint8Array {
  return toU8(Buffer.concat([c.update(data), c.final()]));
}

registerMethod({
  name: 'encrypt_aes',
  category,
  description:
    'Encrypts a string or byte array target according to a chosen AES encryption method and returns a string result. The algorithms require a key and an initialization vector / nonce. Available schemes are: `ctr`, `gcm`, `cbc`.',
  params: [
    { name: 'scheme', type: 'string', description: 'The scheme to use for encryption, one of `ctr`, `gcm`, `cbc`.' },
    { name: 'key', type: 'string', description: 'A key to encrypt with.' },
    { name: 'iv', type: 'string', description: 'An initialization vector / nonce.' },
  ],
  examples: [
    {
      mapping:
        'let key = "2b7e151628aed2a6abf7158809cf4f3c".decode("hex")\nlet vector = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff".decode("hex")\nroot.encrypted = this.value.encrypt_aes("ctr", $key, $vector).encode("hex")',
      results: [['{"value":"hello world!"}', '{"encrypted":"84e9b31ff7400bdf80be7254"}']],
    },
  ],
  build: (args) => {
    const { key, iv, bits, scheme } = aesParts(args);
    let fn: (b: Uint8Array) => Uint8Array;
    switch (scheme) {
      case 'ctr':
      case 'ofb':
        fn = (b) => cipherRun(crypto.createCipheriv(`aes-${bits}-${scheme}`, key, iv), b);
        break;
      case 'cbc':
        fn = (b) => {
          if (b.length % 16 !== 0) throw new BloblangError('plaintext is not a multiple of the block size');
          return cipherRun(crypto.createCipheriv(`aes-${bits}-cbc`, key, iv).setAutoPadding(false), b);
        };
        break;
      case 'gcm':
        // Go's GCM Seal appends the 16-byte authentication tag to the ciphertext.
        fn = (b) => {
          const c = crypto.createCipheriv(`aes-${bits}-gcm` as crypto.CipherGCMTypes, key, iv);
          const body = Buffer.concat([c.update(b), c.final()]);
          return toU8(Buffer.concat([body, c.getAuthTag()]));
        };
        break;
      default:
        throw new BloblangError(`unrecognized encryption type: ${scheme}`);
    }
    return (v: Value) => fn(requireBytes(v));
  },
});

registerMethod({
  name: 'decrypt_aes',
  category,
  description:
    'Decrypts an encrypted string or byte array target according to a chosen AES encryption method and returns the result as a byte array. The algorithms require a key and an initialization vector / nonce. Available schemes are: `ctr`, `gcm`, `cbc`, `ofb` (deprecated; rather use `ctr`).',
  params: [
    { name: 'scheme', type: 'string', description: 'The scheme to use for decryption, one of `ctr`, `gcm`, `cbc`, `ofb`.' },
    { name: 'key', type: 'string', description: 'A key to decrypt with.' },
    { name: 'iv', type: 'string', description: 'An initialization vector / nonce.' },
  ],
  examples: [
    {
      mapping:
        'let key = "2b7e151628aed2a6abf7158809cf4f3c".decode("hex")\nlet vector = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff".decode("hex")\nroot.decrypted = this.value.decode("hex").decrypt_aes("ctr", $key, $vector).string()',
      results: [['{"value":"84e9b31ff7400bdf80be7254"}', '{"decrypted":"hello world!"}']],
    },
  ],
  build: (args) => {
    const { key, iv, bits, scheme } = aesParts(args);
    let fn: (b: Uint8Array) => Uint8Array;
    switch (scheme) {
      case 'ctr':
      case 'ofb':
        fn = (b) => cipherRun(crypto.createDecipheriv(`aes-${bits}-${scheme}`, key, iv), b);
        break;
      case 'cbc':
        fn = (b) => {
          if (b.length % 16 !== 0) throw new BloblangError('ciphertext is not a multiple of the block size');
          return cipherRun(crypto.createDecipheriv(`aes-${bits}-cbc`, key, iv).setAutoPadding(false), b);
        };
        break;
      case 'gcm':
        fn = (b) => {
          if (b.length < 16) throw new BloblangError('cipher: message authentication failed');
          const d = crypto.createDecipheriv(`aes-${bits}-gcm` as crypto.CipherGCMTypes, key, iv);
          d.setAuthTag(b.subarray(b.length - 16));
          try {
            return cipherRun(d, b.subarray(0, b.length - 16));
          } catch {
            throw new BloblangError('cipher: message authentication failed');
          }
        };
        break;
      default:
        throw new BloblangError(`unrecognized decryption type: ${scheme}`);
    }
    return (v: Value) => {
      if (typeof v !== 'string' && !(v instanceof Uint8Array)) throw typeError('string', v);
      return fn(requireBytes(v));
    };
  },
});
