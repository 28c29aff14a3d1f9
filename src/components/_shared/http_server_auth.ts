/**
 * Basic authentication of requests to servers Sluice hosts: the service-wide HTTP server
 * (`http.basic_auth`, as in Benthos) and, as a Sluice extension, the `http_server` input.
 *
 * The config is Benthos's: a username and a base64 `password_hash` made with `algorithm` (md5,
 * sha256, or scrypt with a base64 `salt` and Benthos's parameters N=32768, r=8, p=1, 32 bytes).
 * bcrypt is not available (it would need a native or third-party module) and is refused when the
 * config is built, never silently accepted.
 *
 * Both the username and the password are compared in constant time: the username through
 * fixed-length digests, the password hash with timingSafeEqual. A refused request gets 401 with
 * `WWW-Authenticate: Basic realm="…", charset="UTF-8"`; its body is never read.
 */
import { createHash, scrypt, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { field, SluiceError, type Field } from '../../plugin/index.js';

export interface BasicAuthConfig {
  enabled: boolean;
  realm: string;
  username: string;
  password_hash: string;
  algorithm: string;
  salt: string;
}

const ALGORITHMS = ['md5', 'sha256', 'scrypt'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

/** Benthos's scrypt parameters, so hashes made for Benthos keep working. */
const SCRYPT = { N: 32768, r: 8, p: 1, keyLen: 32, maxmem: 64 * 1024 * 1024 };

export function basicAuthField(description = 'Allows you to enforce and customise basic authentication for requests to the HTTP server.'): Field {
  return field
    .object('basic_auth', description, [
      field.bool('enabled', 'Enable basic authentication').default(false),
      field.string('realm', 'Custom realm name').default('restricted'),
      field.string('username', 'Username required to authenticate.').default(''),
      field.string('password_hash', 'Hashed password required to authenticate. (base64 encoded)').default('').secret(),
      field
        .string('algorithm', 'Encryption algorithm used to generate `password_hash`: md5, sha256 or scrypt (bcrypt is not supported by Sluice).')
        .default('sha256')
        .examples('md5', 'sha256', 'scrypt'),
      field.string('salt', 'Salt for scrypt algorithm. (base64 encoded)').default('').secret(),
    ])
    .advanced();
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(value: string, what: string, owner: string): Buffer {
  if (!STRICT_BASE64.test(value)) throw new SluiceError('E_CONFIG', `${owner}: basic_auth.${what} is not valid base64`);
  return Buffer.from(value, 'base64');
}

/** A compiled check; undefined from compileBasicAuth when authentication is off. */
export class BasicAuthGuard {
  private readonly userDigest: Buffer;
  private readonly challenge: string;

  private constructor(
    private readonly algorithm: Algorithm,
    username: string,
    private readonly expected: Buffer,
    private readonly salt: Buffer,
    realm: string,
  ) {
    this.userDigest = sha256(Buffer.from(username, 'utf8'));
    this.challenge = `Basic realm=${JSON.stringify(realm)}, charset="UTF-8"`;
  }

  /** Validates the config (errors name the field, never the secret) and compiles it. */
  static compile(conf: Partial<BasicAuthConfig> | undefined, owner: string): BasicAuthGuard | undefined {
    if (!conf || conf.enabled !== true) return undefined;
    const username = String(conf.username ?? '');
    const hash = String(conf.password_hash ?? '');
    const algorithm = String(conf.algorithm ?? 'sha256');
    if (username === '' || hash === '') throw new SluiceError('E_CONFIG', `${owner}: basic_auth needs both username and password_hash`);
    if (algorithm === 'bcrypt') throw new SluiceError('E_CONFIG', `${owner}: basic_auth.algorithm bcrypt is not supported by Sluice; use sha256 or scrypt`);
    if (!(ALGORITHMS as readonly string[]).includes(algorithm)) throw new SluiceError('E_CONFIG', `${owner}: basic_auth.algorithm must be one of ${ALGORITHMS.join(', ')}`);
    const salt = String(conf.salt ?? '');
    if (algorithm === 'scrypt' && salt === '') throw new SluiceError('E_CONFIG', `${owner}: basic_auth.salt is required for scrypt`);
    return new BasicAuthGuard(
      algorithm as Algorithm,
      username,
      decodeBase64(hash, 'password_hash', owner),
      algorithm === 'scrypt' ? decodeBase64(salt, 'salt', owner) : Buffer.alloc(0),
      String(conf.realm ?? 'restricted'),
    );
  }

  /** True when the request carries the configured credentials. */
  async allows(req: IncomingMessage): Promise<boolean> {
    const { user, pass } = credentials(req.headers.authorization);
    // Both comparisons always run, so the time taken does not tell which one failed.
    const userOk = timingSafeEqual(sha256(Buffer.from(user, 'utf8')), this.userDigest);
    const hashed = await this.hash(Buffer.from(pass, 'utf8'));
    const passOk = hashed.length === this.expected.length && timingSafeEqual(hashed, this.expected);
    return userOk && passOk;
  }

  /**
   * 401 with the challenge. The body is never read: a request that has one loses its connection
   * (the unread bytes cannot be skipped safely); one without keeps it, as a client retrying with
   * credentials would expect.
   */
  refuse(res: ServerResponse, req?: IncomingMessage): void {
    if (res.headersSent || res.writableEnded) return void res.destroy();
    const body = 'Unauthorized\n';
    const headers: Record<string, string | number> = { 'www-authenticate': this.challenge, 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length };
    if (req && !hasBody(req)) {
      res.writeHead(401, headers);
      res.end(body);
      return;
    }
    res.shouldKeepAlive = false;
    res.writeHead(401, { ...headers, connection: 'close' });
    res.end(body, () => setTimeout(() => res.socket?.destroy(), 50).unref());
  }

  /** The same answer on a raw socket (a refused websocket upgrade). */
  refuseUpgrade(socket: Duplex): void {
    socket.end(`HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: ${this.challenge}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  private hash(password: Buffer): Promise<Buffer> {
    switch (this.algorithm) {
      case 'md5':
        return Promise.resolve(createHash('md5').update(password).digest());
      case 'sha256':
        return Promise.resolve(sha256(password));
      case 'scrypt':
        return new Promise((resolve) =>
          scrypt(password, this.salt, SCRYPT.keyLen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: SCRYPT.maxmem }, (err, key) => resolve(err ? Buffer.alloc(0) : key)),
        );
    }
  }
}

function hasBody(req: IncomingMessage): boolean {
  const cl = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (cl !== undefined && cl !== '0');
}

function sha256(b: Buffer): Buffer {
  return createHash('sha256').update(b).digest();
}

/** user and password of a `Basic` Authorization header; empty strings when absent or malformed. */
export function credentials(header: string | undefined): { user: string; pass: string } {
  if (!header || header.length > 4096) return { user: '', pass: '' };
  const m = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return { user: '', pass: '' };
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return { user: '', pass: '' };
  return { user: text.slice(0, colon), pass: text.slice(colon + 1) };
}
