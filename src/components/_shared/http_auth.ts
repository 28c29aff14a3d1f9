/**
 * Authentication of HTTP client requests: basic, OAuth 1 (HMAC-SHA1), OAuth 2 client credentials
 * (token cached until shortly before it expires) and JWT bearer tokens. Secrets never appear in
 * errors or logs.
 */
import { createHmac, createPrivateKey, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request, type Dispatcher } from 'undici';
import { SluiceError } from '../../plugin/index.js';
import type { HttpClientConfig } from './http_client_fields.js';

/** Adds an Authorization header (or nothing) for a request about to be sent. */
export type Authenticator = (method: string, url: string, headers: Record<string, string>, signal?: AbortSignal) => Promise<void> | void;

export function buildAuthenticator(conf: HttpClientConfig, dispatcher: Dispatcher, component: string): Authenticator | undefined {
  if (conf.digest_auth?.enabled) throw new SluiceError('E_CONFIG', `${component}: digest_auth is not supported by Sluice`);
  if (conf.negotiate?.enabled) throw new SluiceError('E_CONFIG', `${component}: negotiate (SPNEGO) authentication is not supported by Sluice`);
  const steps: Authenticator[] = [];
  if (conf.basic_auth.enabled) {
    const value = `Basic ${Buffer.from(`${conf.basic_auth.username}:${conf.basic_auth.password}`).toString('base64')}`;
    steps.push((_m, _u, h) => void (h.authorization = value));
  }
  if (conf.oauth.enabled) steps.push(oauth1(conf.oauth));
  if (conf.oauth2.enabled) steps.push(oauth2(conf.oauth2, dispatcher, component));
  if (conf.jwt.enabled) steps.push(jwtBearer(conf.jwt, component));
  if (steps.length === 0) return undefined;
  if (steps.length === 1) return steps[0];
  return async (m, u, h, s) => {
    for (const step of steps) await step(m, u, h, s);
  };
}

/** RFC 3986 percent-encoding, as OAuth 1 requires. */
function pct(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function oauth1(c: HttpClientConfig['oauth']): Authenticator {
  const key = `${pct(c.consumer_secret)}&${pct(c.access_token_secret)}`;
  return (method, url, headers) => {
    const u = new URL(url);
    const oauth: Array<[string, string]> = [
      ['oauth_consumer_key', c.consumer_key],
      ['oauth_nonce', randomBytes(16).toString('hex')],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', String(Math.floor(Date.now() / 1000))],
      ['oauth_version', '1.0'],
    ];
    if (c.access_token) oauth.push(['oauth_token', c.access_token]);
    const params = [...oauth, ...u.searchParams].map(([k, v]) => [pct(k), pct(v)] as [string, string]);
    params.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
    const base = [method.toUpperCase(), pct(`${u.protocol}//${u.host}${u.pathname}`), pct(params.map(([k, v]) => `${k}=${v}`).join('&'))].join('&');
    const signature = createHmac('sha1', key).update(base).digest('base64');
    oauth.push(['oauth_signature', signature]);
    headers.authorization = `OAuth ${oauth.map(([k, v]) => `${pct(k)}="${pct(v)}"`).join(', ')}`;
  };
}

function oauth2(c: HttpClientConfig['oauth2'], dispatcher: Dispatcher, component: string): Authenticator {
  let token: { value: string; expiresAt: number } | undefined;
  let fetching: Promise<string> | undefined;
  const fetchToken = async (signal?: AbortSignal): Promise<string> => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (c.scopes.length > 0) form.set('scope', c.scopes.join(' '));
    for (const [k, vs] of Object.entries(c.endpoint_params)) for (const v of vs) form.append(k, v);
    const res = await request(c.token_url, {
      method: 'POST',
      dispatcher,
      signal,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(c.client_key)}:${encodeURIComponent(c.client_secret)}`).toString('base64')}`,
      },
      body: form.toString(),
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`${component}: oauth2 token request to ${c.token_url} failed with status ${res.statusCode}`);
    let parsed: { access_token?: string; expires_in?: number };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      parsed = Object.fromEntries(new URLSearchParams(text)) as typeof parsed;
    }
    if (!parsed.access_token) throw new Error(`${component}: oauth2 token response from ${c.token_url} has no access_token`);
    const ttl = Number(parsed.expires_in ?? 0);
    token = { value: parsed.access_token, expiresAt: ttl > 0 ? Date.now() + (ttl - 10) * 1000 : Number.POSITIVE_INFINITY };
    return parsed.access_token;
  };
  return async (_m, _u, headers, signal) => {
    let value = token && token.expiresAt > Date.now() ? token.value : undefined;
    if (value === undefined) {
      fetching ??= fetchToken(signal).finally(() => (fetching = undefined));
      value = await fetching;
    }
    headers.authorization = `Bearer ${value}`;
  };
}

const JWT_ALGS: Record<string, { hash: string | null; opts?: { dsaEncoding: 'ieee-p1363' } }> = {
  RS256: { hash: 'sha256' },
  RS384: { hash: 'sha384' },
  RS512: { hash: 'sha512' },
  ES256: { hash: 'sha256', opts: { dsaEncoding: 'ieee-p1363' } },
  ES384: { hash: 'sha384', opts: { dsaEncoding: 'ieee-p1363' } },
  ES512: { hash: 'sha512', opts: { dsaEncoding: 'ieee-p1363' } },
  EdDSA: { hash: null },
};

function b64url(v: Buffer | string): string {
  return Buffer.from(v).toString('base64url');
}

function jwtBearer(c: HttpClientConfig['jwt'], component: string): Authenticator {
  const alg = JWT_ALGS[c.signing_method];
  if (!alg) throw new SluiceError('E_CONFIG', `${component}: jwt.signing_method "${c.signing_method}" is not one of ${Object.keys(JWT_ALGS).join(', ')}`);
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(c.private_key_file));
  } catch (e) {
    throw new SluiceError('E_CONFIG', `${component}: cannot read the jwt private key from ${c.private_key_file}: ${(e as Error).message}`);
  }
  const header = b64url(JSON.stringify({ ...(c.headers ?? {}), alg: c.signing_method, typ: 'JWT' }));
  const payload = b64url(JSON.stringify(c.claims ?? {}));
  const input = `${header}.${payload}`;
  const signature = alg.opts ? cryptoSign(alg.hash, Buffer.from(input), { key, ...alg.opts }) : cryptoSign(alg.hash, Buffer.from(input), key);
  const value = `Bearer ${input}.${b64url(signature)}`;
  return (_m, _u, headers) => void (headers.authorization = value);
}
