import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router, requestPath } from './http_router.js';
import { parseMultipart, encodeMultipart, multipartBoundary, MultipartError, MAX_PARTS } from './http_multipart.js';
import { canonicalHeaderKey, compileMetadataFilter } from './http_metadata.js';
import { ResponseSlot, attachResponseSlot, setSyncResponse } from './http_sync.js';
import { Message, compileMapping } from '../../plugin/index.js';

test('router: exact paths, {params}, trailing-slash prefixes; exact beats prefix, longer prefix beats shorter', () => {
  const r = new Router();
  const hits: string[] = [];
  const add = (path: string): void => void r.add({ path, onRequest: (_q, _s, params) => hits.push(`${path} ${JSON.stringify(params)}`) });
  add('/');
  add('/foo/');
  add('/foo/bar');
  add('/users/{id}/posts');
  const call = (url: string): string => {
    hits.length = 0;
    r.handleRequest({ url } as never, {} as never);
    return hits[0] ?? 'none';
  };
  assert.equal(call('/foo/bar'), '/foo/bar {}');
  assert.equal(call('/foo/bar?x=1'), '/foo/bar {}');
  assert.equal(call('/foo/baz/qux'), '/foo/ {}');
  assert.equal(call('/users/a%20b/posts'), '/users/{id}/posts {"id":"a b"}');
  assert.equal(call('/other'), '/ {}');
  assert.throws(() => add('/foo/bar'), /already registered/);

  const exact = new Router();
  exact.add({ path: '/post', onRequest: () => hits.push('post') });
  assert.equal(exact.handleRequest({ url: '/post/extra' } as never, {} as never), false);
  assert.equal(exact.handleRequest({ url: '/posts' } as never, {} as never), false);
  assert.equal(requestPath('http://h:1/abs?q'), '/abs');
});

test('multipart: parse what encode wrote; preamble, empty parts; malformed input is an error', () => {
  const { body, contentType } = encodeMultipart([
    { headers: { 'Content-Type': 'text/plain' }, body: Buffer.from('first') },
    { headers: {}, body: Buffer.from('sec\r\nond') },
  ]);
  const boundary = multipartBoundary(contentType)!;
  const parts = parseMultipart(body, boundary);
  assert.deepEqual(
    parts.map((p) => [p.headers, p.body.toString()]),
    [
      [{ 'content-type': 'text/plain' }, 'first'],
      [{}, 'sec\r\nond'],
    ],
  );
  const withPreamble = Buffer.from('ignored preamble\r\n--b\r\nA: 1\r\n\r\nx\r\n--b\r\n--b--');
  assert.deepEqual(
    parseMultipart(withPreamble, 'b').map((p) => p.body.toString()),
    ['x', ''],
  );
  assert.equal(multipartBoundary('multipart/form-data; boundary="quoted b"'), 'quoted b');
  assert.equal(multipartBoundary('application/json'), undefined);
  assert.equal(multipartBoundary(undefined), undefined);
  assert.throws(() => multipartBoundary('multipart/mixed'), MultipartError);
  assert.throws(() => parseMultipart(Buffer.from('--b\r\n\r\nno end'), 'b'), MultipartError);
  assert.throws(() => parseMultipart(Buffer.from('no boundary at all'), 'b'), MultipartError);
  const many = Buffer.from(`${'--b\r\n\r\nx\r\n'.repeat(MAX_PARTS + 1)}--b--`);
  assert.throws(() => parseMultipart(many, 'b'), /more than 10000 parts/);
});

test('canonical header keys follow Go (textproto.CanonicalMIMEHeaderKey)', () => {
  assert.equal(canonicalHeaderKey('content-type'), 'Content-Type');
  assert.equal(canonicalHeaderKey('X-CUSTOM-hEADER'), 'X-Custom-Header');
  assert.equal(canonicalHeaderKey('user-agent'), 'User-Agent');
  assert.equal(canonicalHeaderKey('bad key'), 'bad key');
});

test('metadata filter: prefixes and re2 patterns; nothing configured matches nothing', () => {
  const f = compileMetadataFilter({ include_prefixes: ['kafka_'], include_patterns: ['_unix$'] }, 'x');
  assert.equal(f.matches('kafka_key'), true);
  assert.equal(f.matches('ts_unix'), true);
  assert.equal(f.matches('other'), false);
  assert.equal(compileMetadataFilter({ include_prefixes: [], include_patterns: [] }, 'x').matches('a'), false);
  assert.throws(() => compileMetadataFilter({ include_prefixes: [], include_patterns: ['('] }, 'x'), /invalid regular expression/);
});

test('sync responses follow copies made by processors and are invisible as metadata', () => {
  const slot = new ResponseSlot();
  const msg = Message.fromString('hello');
  attachResponseSlot([msg], slot);
  const mapped = compileMapping('root = content().uppercase()').mapPart([msg], 0)!;
  assert.equal(mapped.metaSize, 0, 'no metadata key carries the slot');
  assert.equal(setSyncResponse(mapped), true);
  assert.equal(slot.responses[0]!.asString(), 'HELLO');
  // A message from elsewhere has no origin to answer: a no-op.
  assert.equal(setSyncResponse(Message.fromString('x')), false);
});
