import { registerCache, objectConfig, type Cache } from '../../plugin/index.js';

registerCache(
  {
    name: 'noop',
    summary: 'Noop is a cache that stores nothing, all gets returns not found. Why? Sometimes doing nothing is the braver option.',
    categories: ['Local'],
    config: objectConfig([]),
  },
  (): Cache => ({
    async get() {
      return undefined;
    },
    async set() {},
    // Nothing is ever stored, so nothing ever exists already.
    async add() {
      return true;
    },
    async delete() {},
  }),
);
