import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, call, errorOf, hex, text } from './strings_test_util.js';

const ascii85Sample = 'FD,B0+DGm>FDl80Ci"A>F`)8BEckl6F`M&(+Cno&@/';

test('encode/decode schemes', () => {
  assert.equal(call('encode', { scheme: 'hex' }, 'hello world'), '68656c6c6f20776f726c64');
  assert.equal(call('encode', { scheme: 'ascii85' }, bytes('this is totally unstructured data')), ascii85Sample);
  assert.equal(text(call('decode', { scheme: 'ascii85' }, ascii85Sample)), 'this is totally unstructured data');
  assert.equal(call('encode', { scheme: 'base64' }, 'hello?'), 'aGVsbG8/');
  assert.equal(call('encode', { scheme: 'base64url' }, 'hello?!'), 'aGVsbG8_IQ==');
  assert.equal(call('encode', { scheme: 'base64rawurl' }, 'hello?!'), 'aGVsbG8_IQ');
  assert.equal(text(call('decode', { scheme: 'base64' }, 'eyJmb28iOiJiYXIifQ==')), '{"foo":"bar"}');
  // ZeroMQ's reference vector: 86 4F D2 6F B5 59 F7 5B <-> "HelloWorld".
  assert.equal(call('encode', { scheme: 'z85' }, Uint8Array.of(0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b)), 'HelloWorld');
  assert.equal(hex(call('decode', { scheme: 'z85' }, 'HelloWorld')), '864fd26fb559f75b');
  assert.equal(errorOf(() => call('decode', { scheme: 'base64' }, 'abc$')), 'illegal base64 data at input byte 3');
  assert.equal(errorOf(() => call('decode', { scheme: 'hex' }, 'zz')), "encoding/hex: invalid byte: U+007A 'z'");
  assert.equal(errorOf(() => call('encode', { scheme: 'rot13' }, 'x')), 'unrecognized encoding type: rot13');
});

test('hash algorithms', () => {
  assert.equal(hex(call('hash', { algorithm: 'sha1' }, 'hello world')), '2aae6c35c94fcfb415dbe95f408b9ce91ee846ed');
  assert.equal(hex(call('hash', { algorithm: 'hmac_sha1', key: 'static-key' }, 'hello world')), 'd87e5f068fa08fe90bb95bc7c8344cb809179d76');
  assert.equal(hex(call('hash', { algorithm: 'crc32', polynomial: 'Castagnoli' }, 'hello world')), 'c99465aa');
  assert.equal(hex(call('hash', { algorithm: 'crc32', polynomial: 'Koopman' }, 'hello world')), 'df373d3c');
  assert.equal(hex(call('hash', { algorithm: 'crc32' }, 'hello world')), '0d4a1185');
  // XXH64("hello world") = 0x45ab6734b21e6968, returned as decimal text like Benthos.
  assert.equal(text(call('hash', { algorithm: 'xxhash64' }, 'hello world')), '5020219685658847592');
  assert.equal(hex(call('hash', { algorithm: 'md5' }, '')), 'd41d8cd98f00b204e9800998ecf8427e');
  assert.equal(errorOf(() => call('hash', { algorithm: 'hmac_sha256' }, 'x')), 'hash algorithm hmac_sha256 requires a key argument');
});

test('compression round trips and Benthos-compatible framing', () => {
  const lz4 = call('compress', { algorithm: 'lz4' }, bytes('hello world I love space'));
  assert.equal(Buffer.from(lz4 as Uint8Array).toString('base64'), 'BCJNGGRwuRgAAIBoZWxsbyB3b3JsZCBJIGxvdmUgc3BhY2UAAAAAGoETLg==');
  const fox = 'The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog.';
  assert.equal((call('compress', { algorithm: 'lz4' }, fox) as Uint8Array).length, 85);
  assert.equal((call('compress', { algorithm: 'gzip' }, fox) as Uint8Array).length, 114);
  const gz = call('compress', { algorithm: 'gzip' }, '{"message":"hello world I love space"}');
  assert.equal(
    Buffer.from(gz as Uint8Array).toString('base64'),
    'H4sIAAAJbogA/wAmANn/eyJtZXNzYWdlIjoiaGVsbG8gd29ybGQgSSBsb3ZlIHNwYWNlIn0DAHEvdwomAAAA',
  );
  const big = 'lorem ipsum dolor sit amet '.repeat(5000);
  for (const algorithm of ['gzip', 'zlib', 'flate', 'snappy', 'lz4', 'pgzip']) {
    const packed = call('compress', { algorithm }, big) as Uint8Array;
    assert.ok(packed.length < big.length / 10, `${algorithm} compresses`);
    assert.equal(text(call('decompress', { algorithm }, packed)), big, `${algorithm} round trips`);
  }
  const gzDoc = Buffer.from('H4sIAN12MWkAA8tIzcnJVyjPL8pJUfBUyMkvS1UoLkhMTgUAQpDxbxgAAAA=', 'base64');
  assert.equal(text(call('decompress', { algorithm: 'gzip' }, new Uint8Array(gzDoc))), 'hello world I love space');
  assert.match(errorOf(() => call('decompress', { algorithm: 'snappy' }, bytes('\xff\xff'))), /snappy: corrupt input/);
});

test('AES encrypt/decrypt', () => {
  const key = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
  const iv = Buffer.from('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff', 'hex');
  const enc = call('encrypt_aes', { scheme: 'ctr', key: new Uint8Array(key), iv: new Uint8Array(iv) }, 'hello world!');
  assert.equal(hex(enc), '84e9b31ff7400bdf80be7254');
  const dec = call('decrypt_aes', { scheme: 'ctr', key: new Uint8Array(key), iv: new Uint8Array(iv) }, enc);
  assert.equal(text(dec), 'hello world!');
  for (const scheme of ['cbc', 'gcm', 'ofb']) {
    const args = { scheme, key: new Uint8Array(key), iv: new Uint8Array(scheme === 'gcm' ? iv.subarray(0, 12) : iv) };
    const plain = '0123456789abcdef0123456789abcdef';
    assert.equal(text(call('decrypt_aes', args, call('encrypt_aes', args, plain))), plain, scheme);
  }
  assert.equal(errorOf(() => call('encrypt_aes', { scheme: 'cbc', key: new Uint8Array(key), iv: new Uint8Array(iv) }, 'short')), 'plaintext is not a multiple of the block size');
  assert.equal(errorOf(() => call('encrypt_aes', { scheme: 'ctr', key: 'short', iv: new Uint8Array(iv) }, 'x')), 'crypto/aes: invalid key size 5');
});
