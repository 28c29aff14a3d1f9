/**
 * JWT methods: the documented examples run through real mappings, sign→parse round trips with
 * keys generated here, and golang-jwt's error wording as Benthos reports it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Message } from '../../core/message.js';
import { parseMapping } from '../index.js';
import { getMethod, listMethods, type ExecContext } from '../registry.js';
import type { Value } from '../value.js';
import './jwt.js';

const ctx = { batch: [], index: 0, vars: {} } as unknown as ExecContext;

function call(name: string, secret: string, target: Value): Value {
  const def = getMethod(name);
  if (!def) throw new Error(`method ${name} is not registered`);
  return def.build({ signing_secret: secret })(target, ctx);
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return '<no error>';
}

function run(mapping: string, input: string): string {
  const r = parseMapping(mapping);
  if (!r.mapping) return `ParseError(${r.diagnostics.map((d) => d.message).join('; ')})`;
  try {
    const out = r.mapping.mapPart([Message.fromBytes(Buffer.from(input, 'utf8'))], 0);
    return out === null ? '<deleted>' : out.asString();
  } catch (e) {
    return `Error("${(e as Error).message}")`;
  }
}

const jwtMethods = listMethods().filter((d) => d.category === 'JSON Web Tokens');

test('all 18 JWT methods are registered', () => {
  const names = jwtMethods.map((d) => d.name).sort();
  const expected: string[] = [];
  for (const op of ['parse', 'sign']) for (const f of ['es', 'hs', 'rs']) for (const b of [256, 384, 512]) expected.push(`${op}_jwt_${f}${b}`);
  assert.deepEqual(names, expected.sort());
});

for (const def of jwtMethods) {
  test(`documented examples of ${def.name}`, () => {
    for (const ex of def.examples ?? []) {
      if (ex.skipTesting) continue;
      for (const [input, expected] of ex.results) {
        assert.deepEqual(JSON.parse(run(ex.mapping, input)), JSON.parse(expected), ex.mapping);
      }
    }
  });
}

test('documented examples that are testable: all parse examples and the three HS sign ones', () => {
  const tested = jwtMethods.filter((d) => (d.examples ?? []).some((e) => !e.skipTesting)).map((d) => d.name);
  assert.equal(tested.length, 12);
  for (const n of ['sign_jwt_hs256', 'sign_jwt_hs384', 'sign_jwt_hs512']) assert.ok(tested.includes(n));
});

// --- keys generated for the round trips -------------------------------------------------------

const pem = (k: crypto.KeyObject, type: 'pkcs1' | 'pkcs8' | 'sec1' | 'spki'): string =>
  k.export({ format: 'pem', type } as crypto.KeyExportOptions<'pem'>).toString();

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec: Record<number, crypto.KeyPairKeyObjectResult> = {
  256: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  384: crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  512: crypto.generateKeyPairSync('ec', { namedCurve: 'P-521' }),
};

const claims = { sub: 'user123', n: 42, nested: { list: [1, 'two', true] } };

function segmentJson(token: string, i: number): unknown {
  return JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString('utf8'));
}

test('RS sign → parse round trips (PKCS1 and PKCS8 private keys)', () => {
  for (const bits of [256, 384, 512]) {
    for (const format of ['pkcs1', 'pkcs8'] as const) {
      const token = call(`sign_jwt_rs${bits}`, pem(rsa.privateKey, format), claims) as string;
      assert.deepEqual(segmentJson(token, 0), { alg: `RS${bits}`, typ: 'JWT' });
      assert.deepEqual(call(`parse_jwt_rs${bits}`, pem(rsa.publicKey, 'spki'), token), claims);
      // An independent check of the signature with Node's verifier.
      const [h, p, s] = token.split('.');
      assert.ok(crypto.verify(`sha${bits}`, Buffer.from(`${h}.${p}`), rsa.publicKey, Buffer.from(s, 'base64url')));
    }
  }
});

test('ES sign → parse round trips, signatures in JOSE r||s form', () => {
  const sizes: Record<number, number> = { 256: 64, 384: 96, 512: 132 };
  for (const bits of [256, 384, 512]) {
    for (const format of ['sec1', 'pkcs8'] as const) {
      const token = call(`sign_jwt_es${bits}`, pem(ec[bits].privateKey, format), claims) as string;
      assert.deepEqual(segmentJson(token, 0), { alg: `ES${bits}`, typ: 'JWT' });
      const [h, p, s] = token.split('.');
      const sig = Buffer.from(s, 'base64url');
      assert.equal(sig.length, sizes[bits]);
      assert.ok(crypto.verify(`sha${bits}`, Buffer.from(`${h}.${p}`), { key: ec[bits].publicKey, dsaEncoding: 'ieee-p1363' }, sig));
      assert.deepEqual(call(`parse_jwt_es${bits}`, pem(ec[bits].publicKey, 'spki'), token), claims);
    }
  }
});

test('round trips through a mapping with a literal key', () => {
  const priv = pem(ec[256].privateKey, 'sec1');
  const pub = pem(ec[256].publicKey, 'spki');
  const out = run(`root = this.sign_jwt_es256("""${priv}""").parse_jwt_es256("""${pub}""")`, '{"a":"b","c":[1,2]}');
  assert.deepEqual(JSON.parse(out), { a: 'b', c: [1, 2] });
});

test('claims are serialised like Go: sorted keys, HTML-safe escapes', () => {
  const token = call('sign_jwt_hs256', 'k', { z: 1, a: '<&>' }) as string;
  assert.equal(Buffer.from(token.split('.')[1], 'base64url').toString(), '{"a":"\\u003c\\u0026\\u003e","z":1}');
  // The header segment is fixed: base64url of {"alg":"HS256","typ":"JWT"}.
  assert.equal(token.split('.')[0], 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9');
});

// --- errors -------------------------------------------------------------------------------------

const hs256Token =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE1MTYyMzkwMjIsIm1vb2QiOiJEaXNkYWluZnVsIiwic3ViIjoiMTIzNDU2Nzg5MCJ9.YwXOM8v3gHVWcQRRRQc_zDlhmLnM62fwhFYGpiA0J1A';

test('parse errors in Benthos wording', () => {
  assert.equal(errorOf(() => call('parse_jwt_hs256', 'wrong', hs256Token)), 'failed to parse JWT string: signature is invalid');
  assert.equal(errorOf(() => call('parse_jwt_hs384', 'dont-tell-anyone', hs256Token)), 'failed to parse JWT string: incorrect signing method: HS256');
  assert.equal(errorOf(() => call('parse_jwt_hs256', 'x', 'abc.def')), 'failed to parse JWT string: token contains an invalid number of segments');
  assert.equal(errorOf(() => call('parse_jwt_hs256', 'x', 'a$b.c.d')), 'failed to parse JWT string: illegal base64 data at input byte 1');
  // {"alg":"XX99"}.{}.sig
  const unknownAlg = `${Buffer.from('{"alg":"XX99"}').toString('base64url')}.e30.AA`;
  assert.equal(errorOf(() => call('parse_jwt_hs256', 'x', unknownAlg)), 'failed to parse JWT string: signing method (alg) is unavailable.');
  assert.match(errorOf(() => call('parse_jwt_hs256', 'x', 5)), /^expected string value, got number/);

  const rsToken = call('sign_jwt_rs256', pem(rsa.privateKey, 'pkcs1'), claims) as string;
  const otherRsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  assert.equal(errorOf(() => call('parse_jwt_rs256', pem(otherRsa.publicKey, 'spki'), rsToken)), 'failed to parse JWT string: crypto/rsa: verification error');

  const esToken = call('sign_jwt_es256', pem(ec[256].privateKey, 'sec1'), claims) as string;
  const otherEc = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  assert.equal(errorOf(() => call('parse_jwt_es256', pem(otherEc.publicKey, 'spki'), esToken)), 'failed to parse JWT string: crypto/ecdsa: verification error');
  // A truncated signature has the wrong length for the curve.
  assert.equal(errorOf(() => call('parse_jwt_es256', pem(ec[256].publicKey, 'spki'), esToken.slice(0, -4))), 'failed to parse JWT string: crypto/ecdsa: verification error');
});

test('claims are not validated (an expired token still parses)', () => {
  const expired = call('sign_jwt_hs256', 'k', { exp: 1000 }) as string;
  assert.deepEqual(call('parse_jwt_hs256', 'k', expired), { exp: 1000 });
});

test('key errors are reported when the method is built', () => {
  const ecPub = pem(ec[256].publicKey, 'spki');
  assert.equal(errorOf(() => call('parse_jwt_rs256', ecPub, hs256Token)), 'key is not a valid RSA public key');
  assert.equal(errorOf(() => call('parse_jwt_es256', pem(rsa.publicKey, 'spki'), hs256Token)), 'key is not a valid ECDSA public key');
  assert.equal(errorOf(() => call('parse_jwt_rs256', 'not a pem', hs256Token)), 'invalid key: Key must be a PEM encoded PKCS1 or PKCS8 key');
  assert.equal(
    errorOf(() => call('sign_jwt_rs256', 'not a pem', {})),
    'failed to decode signing_secret: invalid key: Key must be a PEM encoded PKCS1 or PKCS8 key',
  );
  assert.equal(
    errorOf(() => call('sign_jwt_rs256', pem(ec[256].privateKey, 'pkcs8'), {})),
    'failed to decode signing_secret: key is not a valid RSA private key',
  );
  assert.equal(
    errorOf(() => call('sign_jwt_es256', pem(rsa.privateKey, 'pkcs8'), {})),
    'failed to decode signing_secret: key is not a valid ECDSA private key',
  );
  // The docs' placeholder key is not a key at all.
  assert.match(errorOf(() => call('sign_jwt_es256', '-----BEGIN EC PRIVATE KEY-----\n... signature data ...\n-----END EC PRIVATE KEY-----', {})), /^failed to decode signing_secret: /);
});

test('sign errors', () => {
  assert.equal(errorOf(() => call('sign_jwt_es256', pem(ec[384].privateKey, 'sec1'), {})), 'failed to sign token: key is invalid');
  assert.match(errorOf(() => call('sign_jwt_hs256', 'k', 'not an object')), /^expected object value, got string/);
});
