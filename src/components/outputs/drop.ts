import { registerOutput, objectConfig, type Output } from '../../plugin/index.js';

registerOutput(
  {
    name: 'drop',
    summary: 'Drops every message it receives (acknowledging it).',
    categories: ['Utility'],
    config: objectConfig([]),
  },
  (): Output => ({
    async connect() {},
    async write() {},
    async close() {},
  }),
);
