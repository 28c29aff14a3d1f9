/**
 * Bloblang methods: JSON Web Tokens. `parse_jwt_{hs,rs,es}{256,384,512}` verify a compact JWS
 * and return its claims; `sign_jwt_*` sign a claims object. Behaviour and error wording follow
 * Benthos, which builds on golang-jwt v4 (`failed to parse JWT string: ...`). As documented,
 * parsing checks the signature but not the claims (exp, nbf, iat are returned as they are).
 * Keys are decoded once in build(), so a literal secret is parsed a single time per mapping.
 */
import crypto from 'node:crypto';
import { registerMethod, type Example } from '../registry.js';
import { BloblangError, isObject, typeError, type Value } from '../value.js';
import { argText, goJsonMarshal, requireText } from './coercion_values.js';

const category = 'JSON Web Tokens';

type Family = 'HS' | 'RS' | 'ES';
type Bits = 256 | 384 | 512;

/** ES curves per golang-jwt: the curve name Node reports and the byte size of r and s. */
const ecCurves: Record<Bits, { curve: string; keySize: number }> = {
  256: { curve: 'prime256v1', keySize: 32 },
  384: { curve: 'secp384r1', keySize: 48 },
  512: { curve: 'secp521r1', keySize: 66 },
};

/** Every `alg` golang-jwt knows; any other is "unavailable" rather than "incorrect". */
const knownAlgs = new Set([
  'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512',
  'PS256', 'PS384', 'PS512', 'EdDSA', 'none',
]);

// --- encoding ---------------------------------------------------------------------------------

const B64URL = /^[A-Za-z0-9_-]*$/;

/** Go's base64.RawURLEncoding.DecodeString, with its error wording. */
function decodeSegment(seg: string): Buffer {
  if (!B64URL.test(seg)) {
    const at = [...seg].findIndex((c) => !/[A-Za-z0-9_-]/.test(c));
    throw new Error(`illegal base64 data at input byte ${at}`);
  }
  if (seg.length % 4 === 1) throw new Error(`illegal base64 data at input byte ${seg.length - 1}`);
  return Buffer.from(seg, 'base64url');
}

function encodeSegment(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

// --- keys ---------------------------------------------------------------------------------------

/** The DER bytes of the first PEM block, as Go's pem.Decode finds it (any label). */
function pemBlock(pem: string): { label: string; der: Buffer } {
  const m = /-----BEGIN ([^-\r\n]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m) throw new BloblangError('invalid key: Key must be a PEM encoded PKCS1 or PKCS8 key');
  // Drop RFC 1421 headers ("Proc-Type: ...") that may precede the base64 body.
  const body = m[2].split(/\r?\n/).filter((l) => !l.includes(':')).join('');
  return { label: m[1], der: Buffer.from(body.replace(/\s+/g, ''), 'base64') };
}

/** First of the DER decodings that succeeds, else the given error. */
function firstKey<K>(attempts: (() => K)[], failure: string): K {
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // try the next format
    }
  }
  throw new BloblangError(failure);
}

/** jwt.ParseRSAPublicKeyFromPEM / ParseECPublicKeyFromPEM: PKIX public key or certificate. */
function publicKeyFromPem(pem: string, type: 'rsa' | 'ec'): crypto.KeyObject {
  const { der } = pemBlock(pem);
  const key = firstKey<crypto.KeyObject>(
    [
      () => crypto.createPublicKey({ key: der, format: 'der', type: 'spki' }),
      () => new crypto.X509Certificate(der).publicKey,
    ],
    'x509: malformed certificate',
  );
  if (key.asymmetricKeyType !== type) {
    throw new BloblangError(type === 'rsa' ? 'key is not a valid RSA public key' : 'key is not a valid ECDSA public key');
  }
  return key;
}

/** jwt.ParseRSAPrivateKeyFromPEM (PKCS1, then PKCS8) / ParseECPrivateKeyFromPEM (SEC1, then PKCS8). */
function privateKeyFromPem(pem: string, type: 'rsa' | 'ec'): crypto.KeyObject {
  const { der } = pemBlock(pem);
  const key = firstKey<crypto.KeyObject>(
    [
      () => crypto.createPrivateKey({ key: der, format: 'der', type: type === 'rsa' ? 'pkcs1' : 'sec1' }),
      () => crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
    ],
    'x509: failed to parse private key',
  );
  if (key.asymmetricKeyType !== type) {
    throw new BloblangError(type === 'rsa' ? 'key is not a valid RSA private key' : 'key is not a valid ECDSA private key');
  }
  return key;
}

// --- signing and verifying ------------------------------------------------------------------

interface Algorithm {
  alg: string;
  family: Family;
  bits: Bits;
  digest: string;
}

/** Raw signature bytes over `signingInput` (header.payload). */
function signBytes(a: Algorithm, key: crypto.KeyObject | Buffer, signingInput: string): Buffer {
  if (a.family === 'HS') return crypto.createHmac(a.digest, key as Buffer).update(signingInput).digest();
  const k = key as crypto.KeyObject;
  if (a.family === 'ES' && k.asymmetricKeyDetails?.namedCurve !== ecCurves[a.bits].curve) {
    // golang-jwt refuses a key whose curve does not match the method.
    throw new BloblangError('failed to sign token: key is invalid');
  }
  // JOSE wants ECDSA signatures as fixed-width r||s, not DER.
  const opts = a.family === 'ES' ? { key: k, dsaEncoding: 'ieee-p1363' as const } : k;
  return crypto.sign(a.digest, Buffer.from(signingInput), opts);
}

/** Throws golang-jwt's verification error when `sig` does not match. */
function verifyBytes(a: Algorithm, key: crypto.KeyObject | Buffer, signingInput: string, sig: Buffer): void {
  if (a.family === 'HS') {
    const expected = crypto.createHmac(a.digest, key as Buffer).update(signingInput).digest();
    if (expected.length !== sig.length || !crypto.timingSafeEqual(expected, sig)) throw new Error('signature is invalid');
    return;
  }
  if (a.family === 'RS') {
    if (!crypto.verify(a.digest, Buffer.from(signingInput), key as crypto.KeyObject, sig)) {
      throw new Error('crypto/rsa: verification error');
    }
    return;
  }
  let ok = false;
  if (sig.length === 2 * ecCurves[a.bits].keySize) {
    try {
      ok = crypto.verify(a.digest, Buffer.from(signingInput), { key: key as crypto.KeyObject, dsaEncoding: 'ieee-p1363' }, sig);
    } catch {
      ok = false;
    }
  }
  if (!ok) throw new Error('crypto/ecdsa: verification error');
}

/** A JSON segment decoded to an object, with Go's wording when it is something else. */
function decodeJsonObject(raw: Buffer, goType: string): Record<string, Value> {
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new Error(raw.length === 0 ? 'unexpected end of JSON input' : 'invalid character in JSON input');
  }
  if (v === null) return {};
  if (!isObject(v)) {
    const kind = Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v;
    throw new Error(`json: cannot unmarshal ${kind} into Go value of type ${goType}`);
  }
  return v;
}

/** golang-jwt v4 ParseWithClaims with Benthos's keyfunc (which only accepts its own method). */
function parseToken(a: Algorithm, key: crypto.KeyObject | Buffer, token: string): Record<string, Value> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('token contains an invalid number of segments');
  let headerRaw: Buffer;
  try {
    headerRaw = decodeSegment(parts[0]);
  } catch (e) {
    if (token.toLowerCase().startsWith('bearer ')) throw new Error("tokenstring should not contain 'bearer '");
    throw e;
  }
  const header = decodeJsonObject(headerRaw, 'map[string]interface {}');
  const claims = decodeJsonObject(decodeSegment(parts[1]), 'jwt.MapClaims');
  const alg = header.alg;
  if (typeof alg !== 'string') throw new Error('signing method (alg) is unspecified.');
  if (!knownAlgs.has(alg)) throw new Error('signing method (alg) is unavailable.');
  if (alg !== a.alg) throw new Error(`incorrect signing method: ${alg}`);
  verifyBytes(a, key, `${parts[0]}.${parts[1]}`, decodeSegment(parts[2]));
  return claims;
}

const headerSegments: Record<string, string> = {};
function headerSegment(alg: string): string {
  // Go marshals the header map with sorted keys: {"alg":...,"typ":"JWT"}.
  return (headerSegments[alg] ??= encodeSegment(`{"alg":"${alg}","typ":"JWT"}`));
}

// --- registration ---------------------------------------------------------------------------

const EXAMPLE_CLAIMS = '{"claims":{"iat":1516239022,"mood":"Disdainful","sub":"1234567890"}}';

const RSA_PUBLIC_PEM = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAs/ibN8r68pLMR6gRzg4S
8v8l6Q7yi8qURjkEbcNeM1rkokC7xh0I4JVTwxYSVv/JIW8qJdyspl5NIfuAVi32
WfKvSAs+NIs+DMsNPYw3yuQals4AX8hith1YDvYpr8SD44jxhz/DR9lYKZFGhXGB
+7NqQ7vpTWp3BceLYocazWJgusZt7CgecIq57ycM5hjM93BvlrUJ8nQ1a46wfL/8
Cy4P0et70hzZrsjjN41KFhKY0iUwlyU41yEiDHvHDDsTMBxAZosWjSREGfJL6Mfp
XOInTHs/Gg6DZMkbxjQu6L06EdJ+Q/NwglJdAXM7Zo9rNELqRig6DdvG5JesdMsO
+QIDAQAB
-----END PUBLIC KEY-----`;

/** The docs' verification keys and signed tokens (claims iat/mood/sub), per algorithm. */
const parseExamples: Record<string, { secret: string; token: string }> = {
  HS256: {
    secret: 'dont-tell-anyone',
    token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE1MTYyMzkwMjIsIm1vb2QiOiJEaXNkYWluZnVsIiwic3ViIjoiMTIzNDU2Nzg5MCJ9.YwXOM8v3gHVWcQRRRQc_zDlhmLnM62fwhFYGpiA0J1A',
  },
  HS384: {
    secret: 'dont-tell-anyone',
    token: 'eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE1MTYyMzkwMjIsIm1vb2QiOiJEaXNkYWluZnVsIiwic3ViIjoiMTIzNDU2Nzg5MCJ9.2Y8rf_ijwN4t8hOGGViON_GrirLkCQVbCOuax6EoZ3nluX0tCGezcJxbctlIfsQ2',
  },
  HS512: {
    secret: 'dont-tell-anyone',
    token: 'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE1MTYyMzkwMjIsIm1vb2QiOiJEaXNkYWluZnVsIiwic3ViIjoiMTIzNDU2Nzg5MCJ9.utRb0urG6LGGyranZJVo5Dk0Fns1QNcSUYPN0TObQ-YzsGGB8jrxHwM5NAJccjJZzKectEUqmmKCaETZvuX4Fg',
  },
  RS256: {
    secret: RSA_PUBLIC_PEM,
    token: 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE1MTYyMzkwMjIsIm1vb2QiOiJEaXNkYWluZnVsIiwic3ViIjoiMTIzNDU2Nzg5MCJ9.b0lH3jEupZZ4zoaly4Y_GCvu94HH6UKdKY96zfGNsIkPZpQLHIkZ7jMWlLlNOAd8qXlsBGP_i8H2qCKI4zlWJBGyPZgxXDzNRPVrTDfFpn4t4nBcA1WK2-ntXP3ehQxsaHcQU8Z_nsogId7Pme5iJRnoHWEnWtbwz5DLSXL3ZZNnRdrHM9MdI7QSDz9mojKDCaMpGN9sG7Xl-tGdBp1XzXuUOzG8S03mtZ1IgVR1uiBL2N6oohHIAunk8DIAmNWI-zgycTgzUGU7mvPkKH43qO8Ua1-13tCUBKKa8VxcotZ67Mxm1QAvBGoDnTKwWMwghLzs6d6WViXQg6eWlJcpBA',
  },
  RS384: {
    secret: RSA_PUBLIC_PEM,
    token: 'eyJhbGciOiJSUzM4NCIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE1MTYyMzkwMjIsIm1vb2QiOiJEaXNkYWluZnVsIiwic3ViIjoiMTIzNDU2Nzg5MCJ9.orcXYBcjVE5DU7mvq4KKWFfNdXR4nEY_xupzWoETRpYmQZIozlZnM_nHxEk2dySvpXlAzVm7kgOPK2RFtGlOVaNRIa3x-pMMr-bhZTno4L8Hl4sYxOks3bWtjK7wql4uqUbqThSJB12psAXw2-S-I_FMngOPGIn4jDT9b802ottJSvTpXcy0-eKTjrV2PSkRRu-EYJh0CJZW55MNhqlt6kCGhAXfbhNazN3ASX-dmpd_JixyBKphrngr_zRA-FCn_Xf3QQDA-5INopb4Yp5QiJ7UxVqQEKI80X_JvJqz9WE1qiAw8pq5-xTen1t7zTP-HT1NbbD3kltcNa3G8acmNg',
  },
  RS512: {
    secret: RSA_PUBLIC_PEM,
    token: 'eyJhbGciOiJSUzUxMiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE1MTYyMzkwMjIsIm1vb2QiOiJEaXNkYWluZnVsIiwic3ViIjoiMTIzNDU2Nzg5MCJ9.rsMp_X5HMrUqKnZJIxo27aAoscovRA6SSQYR9rq7pifIj0YHXxMyNyOBDGnvVALHKTi25VUGHpfNUW0VVMmae0A4t_ObNU6hVZHguWvetKZZq4FZpW1lgWHCMqgPGwT5_uOqwYCH6r8tJuZT3pqXeL0CY4putb1AN2w6CVp620nh3l8d3XWb4jaifycd_4CEVCqHuWDmohfug4VhmoVKlIXZkYoAQowgHlozATDssBSWdYtv107Wd2AzEoiXPu6e3pflsuXULlyqQnS4ELEKPYThFLafh1NqvZDPddqozcPZ-iODBW-xf3A4DYDdivnMYLrh73AZOGHexxu8ay6nDA',
  },
  ES256: {
    secret: `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEGtLqIBePHmIhQcf0JLgc+F/4W/oI
dp0Gta53G35VerNDgUUXmp78J2kfh4qLdh0XtmOMI587tCaqjvDAXfs//w==
-----END PUBLIC KEY-----`,
    token: 'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE1MTYyMzkwMjIsIm1vb2QiOiJEaXNkYWluZnVsIiwic3ViIjoiMTIzNDU2Nzg5MCJ9.GIRajP9JJbpTlqSCdNEz4qpQkRvzX4Q51YnTwVyxLDM9tKjR_a8ggHWn9CWj7KG0x8J56OWtmUxn112SRTZVhQ',
  },
  ES384: {
    secret: `-----BEGIN PUBLIC KEY-----
MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAERoz74/B6SwmLhs8X7CWhnrWyRrB13AuU
8OYeqy0qHRu9JWNw8NIavqpTmu6XPT4xcFanYjq8FbeuM11eq06C52mNmS4LLwzA
2imlFEgn85bvJoC3bnkuq4mQjwt9VxdH
-----END PUBLIC KEY-----`,
    token: 'eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE1MTYyMzkwMjIsIm1vb2QiOiJEaXNkYWluZnVsIiwic3ViIjoiMTIzNDU2Nzg5MCJ9.H2HBSlrvQBaov2tdreGonbBexxtQB-xzaPL4-tNQZ6TVh7VH8VBcSwcWHYa1lBAHmdsKOFcB2Wk0SB7QWeGT3ptSgr-_EhDMaZ8bA5spgdpq5DsKfaKHrd7DbbQlmxNq',
  },
  ES512: {
    secret: `-----BEGIN PUBLIC KEY-----
MIGbMBAGByqGSM49AgEGBSuBBAAjA4GGAAQAkHLdts9P56fFkyhpYQ31M/Stwt3w
vpaxhlfudxnXgTO1IP4RQRgryRxZ19EUzhvWDcG3GQIckoNMY5PelsnCGnIBT2Xh
9NQkjWF5K6xS4upFsbGSAwQ+GIyyk5IPJ2LHgOyMSCVh5gRZXV3CZLzXujx/umC9
UeYyTt05zRRWuD+p5bY=
-----END PUBLIC KEY-----`,
    token: 'eyJhbGciOiJFUzUxMiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE1MTYyMzkwMjIsIm1vb2QiOiJEaXNkYWluZnVsIiwic3ViIjoiMTIzNDU2Nzg5MCJ9.ACrpLuU7TKpAnncDCpN9m85nkL55MJ45NFOBl6-nEXmNT1eIxWjiP4pwWVbFH9et_BgN14119jbL_KqEJInPYc9nAXC6dDLq0aBU-dalvNl4-O5YWpP43-Y-TBGAsWnbMTrchILJ4-AEiICe73Ck5yWPleKg9c3LtkEFWfGs7BoPRguZ',
  },
};

/** The docs' HS signing results for {"sub":"user123"}; RS/ES docs use placeholder keys. */
const signExamples: Record<string, string> = {
  HS256: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyMTIzIn0.hUl-nngPMY_3h9vveWJUPsCcO5PeL6k9hWLnMYeFbFQ',
  HS384: 'eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyMTIzIn0.zGYLr83aToon1efUNq-hw7XgT20lPvZb8sYei8x6S6mpHwb433SJdXJXx0Oio8AZ',
  HS512: 'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyMTIzIn0.zBNR9o_6EDwXXKkpKLNJhG26j8Dc-mV-YahBwmEdCrmiWt5les8I9rgmNlWIowpq6Yxs4kLNAdFhqoRz3NXT3w',
};

const placeholderKeys: Record<Family, string> = {
  HS: 'dont-tell-anyone',
  RS: '-----BEGIN RSA PRIVATE KEY-----\n... signature data ...\n-----END RSA PRIVATE KEY-----',
  ES: '-----BEGIN EC PRIVATE KEY-----\n... signature data ...\n-----END EC PRIVATE KEY-----',
};

function parseExample(alg: string, name: string): Example {
  const { secret, token } = parseExamples[alg];
  return {
    mapping: `root.claims = this.signed.${name}("""${secret}""")`,
    results: [[`{"signed":"${token}"}`, EXAMPLE_CLAIMS]],
  };
}

function signExample(a: Algorithm, name: string): Example {
  const signed = signExamples[a.alg];
  return {
    mapping: `root.signed = this.claims.${name}("""${placeholderKeys[a.family]}""")`,
    // Only the HMAC examples are reproducible: RS/ES ones use a placeholder key.
    results: [['{"claims":{"sub":"user123"}}', `{"signed":"${signed ?? '...'}"}`]],
    skipTesting: signed === undefined,
  };
}

const versions: Record<Family, { parse: string; sign: string }> = {
  HS: { parse: 'v4.12.0', sign: 'v4.12.0' },
  RS: { parse: 'v4.20.0', sign: 'v4.18.0' },
  ES: { parse: 'v4.20.0', sign: 'v4.20.0' },
};

for (const family of ['HS', 'RS', 'ES'] as const) {
  for (const bits of [256, 384, 512] as const) {
    const a: Algorithm = { alg: `${family}${bits}`, family, bits, digest: `sha${bits}` };
    const lower = a.alg.toLowerCase();
    const keyType = family === 'RS' ? 'rsa' : 'ec';

    registerMethod({
      name: `parse_jwt_${lower}`,
      category,
      description: `Parses a claims object from a JWT string encoded with ${a.alg}. This method does not validate JWT claims. Introduced in version ${versions[family].parse}.`,
      params: [{ name: 'signing_secret', type: 'string', description: `The ${a.alg} secret that was used for signing the token.` }],
      examples: [parseExample(a.alg, `parse_jwt_${lower}`)],
      build: (args) => {
        const secret = argText(args.signing_secret, 'field signing_secret');
        const key = family === 'HS' ? Buffer.from(secret, 'utf8') : publicKeyFromPem(secret, keyType);
        return (v) => {
          const token = requireText(v);
          try {
            return parseToken(a, key, token);
          } catch (e) {
            throw new BloblangError(`failed to parse JWT string: ${(e as Error).message}`);
          }
        };
      },
    });

    registerMethod({
      name: `sign_jwt_${lower}`,
      category,
      description: `Hash and sign an object representing JSON Web Token (JWT) claims using ${a.alg}. Introduced in version ${versions[family].sign}.`,
      params: [{ name: 'signing_secret', type: 'string', description: 'The secret to use for signing the token.' }],
      examples: [signExample(a, `sign_jwt_${lower}`)],
      build: (args) => {
        const secret = argText(args.signing_secret, 'field signing_secret');
        let key: Buffer | crypto.KeyObject;
        try {
          key = family === 'HS' ? Buffer.from(secret, 'utf8') : privateKeyFromPem(secret, keyType);
        } catch (e) {
          throw new BloblangError(`failed to decode signing_secret: ${(e as Error).message}`);
        }
        const header = headerSegment(a.alg);
        return (v) => {
          if (!isObject(v)) throw typeError('object', v);
          const claimsJson = goJsonMarshal(v);
          // goJsonMarshal yields `null` when Go's json.Marshal would fail (NaN, Inf).
          if (claimsJson === 'null') throw new BloblangError('failed to sign token: json: unsupported value');
          const signingInput = `${header}.${encodeSegment(claimsJson)}`;
          return `${signingInput}.${encodeSegment(signBytes(a, key, signingInput))}`;
        };
      },
    });
  }
}
