/**
 * General methods: `apply`, `catch`, `or`, `from`, `from_all`. Their target must stay lazy
 * (they catch its errors or change the message it reads), so the compiler implements them as
 * special forms; these registrations carry the docs and parameters for listings.
 */
import { registerMethod, type MethodDef } from '../registry.js';
import { BloblangError } from '../value.js';

const CATEGORY = 'General';

function compilerHandled(name: string): MethodDef['build'] {
  return () => () => {
    throw new BloblangError(`method ${name} is implemented by the compiler and cannot be called directly`);
  };
}

registerMethod({
  name: 'apply',
  category: CATEGORY,
  description: 'Apply a declared mapping (`map name { ... }`) to the target value.',
  params: [{ name: 'mapping', type: 'string' }],
  build: compilerHandled('apply'),
  examples: [
    {
      mapping: 'map thing {\n  root.inner = this.first\n}\n\nroot.foo = this.doc.apply("thing")',
      results: [['{"doc":{"first":"hello world"}}', '{"foo":{"inner":"hello world"}}']],
    },
  ],
});

registerMethod({
  name: 'catch',
  category: CATEGORY,
  description:
    'If the target query fails, the argument is returned instead (a lambda receives the error message).',
  params: [{ name: 'fallback', type: 'query' }],
  build: compilerHandled('catch'),
  examples: [
    { mapping: 'root = this.catch(deleted())', results: [['{"doc":{"foo":"bar"}}', '{"doc":{"foo":"bar"}}']] },
  ],
});

registerMethod({
  name: 'or',
  category: CATEGORY,
  description: 'If the target query fails or resolves to null, the argument is returned instead.',
  params: [{ name: 'fallback', type: 'query' }],
  build: compilerHandled('or'),
});

registerMethod({
  name: 'from',
  category: CATEGORY,
  description: 'Execute the target query from the perspective of another message of the batch.',
  params: [{ name: 'index', type: 'int' }],
  build: compilerHandled('from'),
});

registerMethod({
  name: 'from_all',
  category: CATEGORY,
  description: 'Execute the target query for every message of the batch and return the results as an array.',
  params: [],
  build: compilerHandled('from_all'),
});
