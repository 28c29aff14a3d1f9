/** Server-side basic auth (src/components/_shared/http_server_auth.ts): Benthos's hash formats, config errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, scryptSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BasicAuthGuard, credentials } from '../../../src/components/_shared/http_server_auth.js';

const req = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

test('basic auth: md5, sha256 and scrypt hashes made as Benthos documents them', async () => {
  const salt = Buffer.from('pepper-and-salt').toString('base64');
  const hashes = {
    md5: createHash('md5').update('s3cret').digest('base64'),
    sha256: createHash('sha256').update('s3cret').digest('base64'),
    // Benthos: scrypt.Key(password, salt, 32768, 8, 1, 32).
    scrypt: scryptSync('s3cret', Buffer.from(salt, 'base64'), 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }).toString('base64'),
  };
  for (const [algorithm, password_hash] of Object.entries(hashes)) {
    const guard = BasicAuthGuard.compile({ enabled: true, username: 'admin', password_hash, algorithm, salt }, 'test')!;
    assert.equal(await guard.allows(req(basic('admin', 's3cret'))), true, algorithm);
    for (const bad of [basic('admin', 's3cret '), basic('Admin', 's3cret'), basic('admin', ''), basic('', 's3cret'), 'Bearer s3cret', undefined, 'Basic', `Basic ${'A'.repeat(5000)}`]) {
      assert.equal(await guard.allows(req(bad)), false, `${algorithm}: ${String(bad).slice(0, 40)}`);
    }
  }
});

test('basic auth: disabled means no guard; unusable configs are errors that name no secret', () => {
  assert.equal(BasicAuthGuard.compile(undefined, 'x'), undefined);
  assert.equal(BasicAuthGuard.compile({ enabled: false, username: 'a', password_hash: 'b' }, 'x'), undefined);
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ username: 'u', password_hash: '' }, /needs both username and password_hash/],
    [{ username: '', password_hash: 'aGFzaA==' }, /needs both username and password_hash/],
    [{ username: 'u', password_hash: 'aGFzaA==', algorithm: 'bcrypt' }, /bcrypt is not supported/],
    [{ username: 'u', password_hash: 'aGFzaA==', algorithm: 'sha1' }, /must be one of md5, sha256, scrypt/],
    [{ username: 'u', password_hash: 'aGFzaA==', algorithm: 'scrypt' }, /salt is required for scrypt/],
    [{ username: 'u', password_hash: 'not base64 CANARY_x1' }, /password_hash is not valid base64/],
  ];
  for (const [conf, expected] of cases) {
    assert.throws(
      () => BasicAuthGuard.compile({ enabled: true, ...conf }, 'http'),
      (e: Error) => expected.test(e.message) && !e.message.includes('CANARY') && !e.message.includes('aGFzaA=='),
      JSON.stringify(conf),
    );
  }
});

test('basic auth: credentials parsing tolerates garbage', () => {
  assert.deepEqual(credentials(basic('a', 'b:c')), { user: 'a', pass: 'b:c' });
  assert.deepEqual(credentials('basic   ' + Buffer.from('x:y').toString('base64')), { user: 'x', pass: 'y' });
  for (const bad of [undefined, '', 'Basic', 'Basic ***', 'Digest abc', `Basic ${Buffer.from('nocolon').toString('base64')}`]) {
    assert.deepEqual(credentials(bad), { user: '', pass: '' }, String(bad));
  }
});
