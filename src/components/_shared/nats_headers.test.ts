import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headers as newHeaders } from '@nats-io/transport-node';
import { compileMetadataFilter, HeaderWriter, headersToMetadata } from './nats_headers.js';
import { Message } from '../../plugin/index.js';

test('the metadata filter lets nothing through unless configured', () => {
  const none = compileMetadataFilter({ include_prefixes: [], include_patterns: [] });
  assert.equal(none.active, false);
  assert.equal(none.matches('anything'), false);
  const f = compileMetadataFilter({ include_prefixes: ['kafka_'], include_patterns: ['_id$'] });
  assert.equal(f.matches('kafka_key'), true);
  assert.equal(f.matches('order_id'), true, 'patterns match anywhere (re2 find)');
  assert.equal(f.matches('other'), false);
  assert.throws(() => compileMetadataFilter({ include_prefixes: [], include_patterns: ['('] }), /include_patterns: invalid regular expression/);
});

test('HeaderWriter combines filtered metadata and interpolated headers', () => {
  const w = new HeaderWriter({ 'Content-Type': 'application/json', Id: '${! this.id }' }, { include_prefixes: ['x_'], include_patterns: [] });
  const m = Message.fromString('{"id":7}');
  m.setMeta('x_trace', 'abc');
  m.setMeta('x_multi', 'line1\nline2');
  m.setMeta('x_num', 5);
  m.setMeta('skip', 'no');
  const h = w.build([m], 0)!;
  assert.equal(h.get('Content-Type'), 'application/json');
  assert.equal(h.get('Id'), '7');
  assert.equal(h.get('x_trace'), 'abc');
  assert.equal(h.get('x_multi'), 'line1 line2', 'line breaks cannot travel in a header');
  assert.equal(h.get('x_num'), '5');
  assert.equal(h.has('skip'), false);
  assert.equal(new HeaderWriter({}, undefined).build([m], 0), undefined, 'no headers at all when none are configured');
});

test('headersToMetadata copies the first value of each header', () => {
  const h = newHeaders();
  h.append('A', '1');
  h.append('A', '2');
  h.set('Empty', '');
  const m = Message.fromString('');
  headersToMetadata(h, m);
  assert.equal(m.getMeta('A'), '1');
  assert.equal(m.hasMeta('Empty'), false);
});
