import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJson, runThrough } from '../_shared/flow_test_util.js';

test('bloblang: the docs example filtering fans by obsession', async () => {
  const input = {
    id: 'foo',
    description: 'a show about foo',
    fans: [
      { name: 'bev', obsession: 0.57 },
      { name: 'grace', obsession: 0.21 },
      { name: 'ali', obsession: 0.89 },
      { name: 'vic', obsession: 0.43 },
    ],
  };
  const out = await runJson([{ bloblang: 'root = this\nroot.fans = this.fans.filter(fan -> fan.obsession > 0.5)' }], [input]);
  assert.deepEqual(out, [
    {
      id: 'foo',
      description: 'a show about foo',
      fans: [
        { name: 'bev', obsession: 0.57 },
        { name: 'ali', obsession: 0.89 },
      ],
    },
  ]);
});

test('bloblang: the docs example collapsing Washington cities', async () => {
  const input = {
    locations: [
      { name: 'Seattle', state: 'WA' },
      { name: 'New York', state: 'NY' },
      { name: 'Bellevue', state: 'WA' },
      { name: 'Olympia', state: 'WA' },
    ],
  };
  const mapping = 'root.Cities = this.locations.\n                filter(loc -> loc.state == "WA").\n                map_each(loc -> loc.name).\n                sort().join(", ")';
  assert.deepEqual(await runJson([{ bloblang: mapping }], [input]), [{ Cities: 'Bellevue, Olympia, Seattle' }]);
});

test('bloblang: a failing mapping leaves the message unchanged and flags it', async () => {
  const r = await runThrough(
    [{ bloblang: 'root = if this.n == 2 { throw("no twos") } else { this.n * 10 }' }, { mapping: 'root = content().string() + " " + errored().string()' }],
    ['{"n":1}', '{"n":2}'],
  );
  assert.deepEqual(r.delivered, ['10 false', '{"n":2} true']);
});

test('bloblang: deleted() drops the message', async () => {
  const r = await runThrough([{ bloblang: 'root = if this.n == 2 { deleted() } else { this }' }], ['{"n":1}', '{"n":2}', '{"n":3}']);
  assert.deepEqual(r.delivered, ['{"n":1}', '{"n":3}']);
});
